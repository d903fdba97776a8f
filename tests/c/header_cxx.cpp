// Each header alone must compile warning-free as C++17 (-std=c++17 -Wall -Wextra -Werror); make compiles
// this file once per header, named by TGAUTH_HEADER.
#include TGAUTH_HEADER
static_assert(TGAUTH_OK == 0, "TGAUTH_OK is 0");
int tgauth_header_compiles_as_cxx17() { return TGAUTH_VERSION_NUMBER; }
