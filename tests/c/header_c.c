/* Each header alone must compile warning-free as C99 (-std=c99 -Wall -Wextra -Werror -pedantic); make
 * compiles this file once per header, named by TGAUTH_HEADER. */
#include TGAUTH_HEADER
int tgauth_header_compiles_as_c99(void);
int tgauth_header_compiles_as_c99(void) { return TGAUTH_VERSION_NUMBER > 0 && TGAUTH_OK == 0; }
