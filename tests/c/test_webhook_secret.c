/* The C suite for the Bot API webhook secret token (tgauth_verify.h). */
#include "support.h"

/* The Bot API webhook secret token: one constant-time check (the deep-link handler runs the same). */
static void test_webhook_secret(void) {
    tgauth_error err;
    const char *secret = "s3cr3t_-Token";
    CHECK(tgauth_webhook_secret_check(&err, secret, strlen(secret), secret, strlen(secret)) == TGAUTH_OK && err.code == TGAUTH_OK);
    CHECK(tgauth_webhook_secret_check(&err, secret, strlen(secret), "s3cr3t", 6) == TGAUTH_E_BAD_WEBHOOK_SECRET);
    CHECK(strstr(err.message, "X-Telegram-Bot-Api-Secret-Token") != NULL && strstr(err.message, secret) == NULL);
    CHECK(tgauth_webhook_secret_check(&err, secret, strlen(secret), NULL, 0) == TGAUTH_E_BAD_WEBHOOK_SECRET);  /* absent */
    CHECK(tgauth_webhook_secret_check(&err, secret, strlen(secret), "", 0) == TGAUTH_E_BAD_WEBHOOK_SECRET);
    CHECK(tgauth_webhook_secret_check(NULL, secret, strlen(secret), secret, (size_t)1 << 62) == TGAUTH_E_BAD_WEBHOOK_SECRET);
    CHECK(tgauth_webhook_secret_check(&err, "has space", 9, "has space", 9) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_webhook_secret_check(&err, secret, (size_t)1 << 62, secret, 1) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_webhook_secret_check(&err, NULL, 3, secret, 1) == TGAUTH_E_INVALID_ARGUMENT);
}


void run_webhook_secret_tests(void) {
    test_webhook_secret();
}
