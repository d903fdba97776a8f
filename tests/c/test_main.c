/*
 * The C suite: every exported function, good and bad input (NULL pointers and wrong lengths must give
 * TGAUTH_E_INVALID_ARGUMENT, never a crash), the shared vectors, and 8 threads sharing one validator. One file
 * per kind (test_<kind>.c, which defines run_<kind>_tests), one for what every kind shares (test_common.c),
 * and the runs that cut across them (arguments, bad inputs, records). The Makefile lists every test_*.c
 * file into suites.h, so a new file is registered by being there. Ends with the line "N passed, M failed".
 */
#include "support.h"

#define SUITE(name) void run_##name##_tests(void);
#include "suites.h"
#undef SUITE

int main(void) {
    load_vectors();
#define SUITE(name) run_##name##_tests();
#include "suites.h"
#undef SUITE
    free_vectors();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
