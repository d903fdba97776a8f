/*
 * The C suite: every exported function, good and bad input (NULL pointers and wrong lengths must give
 * TGAUTH_E_INVALID_ARGUMENT, never a crash), the shared vectors, and 8 threads sharing one validator; one file
 * per header (support.h lists them). Ends with the line "N passed, M failed".
 */
#include "support.h"

int main(void) {
    load_vectors();
    run_verify_tests();
    run_record_tests();
    run_deeplink_tests();
    run_bad_input_tests();
    run_argument_tests();
    run_oidc_tests();
    run_gateway_tests();
    free_vectors();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
