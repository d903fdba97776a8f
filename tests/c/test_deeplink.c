/* The C suite for tgauth_deeplink.h: the bot deep-link login. */
#include "support.h"

/* the i-th NUL-terminated string of a record */
static const char *nth(const char *rec, int i) {
    while (i-- > 0) rec += strlen(rec) + 1;
    return rec;
}

static void test_deeplink(void) {
    static char rec[TGAUTH_DEEPLINK_RECORD_SIZE], token[80], secret[80], update[1024];
    size_t len;
    tgauth_error err;
    tgauth_deeplink *flow = NULL;
    tgauth_deeplink_options o;
    const char *wh = "wh-secret";

    CHECK(tgauth_deeplink_options_init(&o) == TGAUTH_OK && o.ttl == 300 && o.confirm == 1);
    o.confirm = 0;
    o.app_name = "Acme";
    o.app_name_len = 4;
    CHECK(tgauth_deeplink_new(&flow, &err, "bad name", 8, wh, strlen(wh), &o) == TGAUTH_E_INVALID_ARGUMENT && flow == NULL);
    CHECK(tgauth_deeplink_new(&flow, &err, "TgAuthBot", 9, "", 0, &o) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_deeplink_new(&flow, &err, "TgAuthBot", 9, wh, strlen(wh), &o) == TGAUTH_OK && flow != NULL);

    len = 100; /* too small: refused before anything happens, with the size every deep-link call needs */
    CHECK(tgauth_deeplink_start(flow, rec, &len, &err, "C test", 6) == TGAUTH_E_BUFFER_TOO_SMALL);
    CHECK(len == TGAUTH_DEEPLINK_RECORD_SIZE && err.code == TGAUTH_E_BUFFER_TOO_SMALL);
    len = 0;
    CHECK(tgauth_deeplink_start(flow, NULL, &len, &err, "C test", 6) == TGAUTH_E_BUFFER_TOO_SMALL);
    CHECK(len == TGAUTH_DEEPLINK_RECORD_SIZE);
    len = sizeof rec;
    CHECK(tgauth_deeplink_start(flow, rec, &len, &err, "C test", 6) == TGAUTH_OK);
    snprintf(token, sizeof token, "%s", nth(rec, 0));
    snprintf(secret, sizeof secret, "%s", nth(rec, 1));
    CHECK(strlen(token) == 22 && strlen(secret) == 43);
    CHECK(strncmp(nth(rec, 2), "tg://resolve?domain=TgAuthBot&start=", 36) == 0 && strstr(nth(rec, 2), token) != NULL);
    CHECK(atoi(nth(rec, 5)) == 2);

    len = sizeof rec;
    CHECK(tgauth_deeplink_poll(flow, rec, &len, &err, secret, strlen(secret)) == TGAUTH_OK && STREQ(nth(rec, 0), "pending"));
    snprintf(update, sizeof update,
             "{\"update_id\":1,\"message\":{\"message_id\":5,\"from\":{\"id\":111,\"is_bot\":false,\"first_name\":\"Alice\"},"
             "\"chat\":{\"id\":111,\"type\":\"private\"},\"date\":1,\"text\":\"/start %s\"}}", token);
    len = sizeof rec;
    CHECK(tgauth_deeplink_handle_webhook(flow, rec, &len, &err, update, strlen(update), "wrong", 5) == TGAUTH_E_BAD_WEBHOOK_SECRET);
    CHECK(STREQ(tgauth_error_kind(TGAUTH_E_BAD_WEBHOOK_SECRET), "bad_webhook_secret"));
    CHECK(tgauth_deeplink_handle_webhook(flow, rec, &len, &err, update, strlen(update), NULL, 0) == TGAUTH_E_BAD_WEBHOOK_SECRET);
    CHECK(tgauth_deeplink_handle_webhook(flow, rec, &len, &err, update, strlen(update), wh, strlen(wh)) == TGAUTH_OK);
    CHECK(STREQ(nth(rec, 0), "approved") && STREQ(nth(rec, 1), ""));
    CHECK(strstr(nth(rec, 2), "\"method\":\"sendMessage\"") != NULL && strstr(nth(rec, 3), "\"id\":111") != NULL);
    len = sizeof rec;
    CHECK(tgauth_deeplink_wait(flow, rec, &len, &err, secret, strlen(secret), 5.0) == TGAUTH_OK);
    CHECK(STREQ(nth(rec, 0), "approved") && strstr(nth(rec, 2), "\"first_name\":\"Alice\"") != NULL);
    len = sizeof rec;
    CHECK(tgauth_deeplink_poll(flow, rec, &len, &err, secret, strlen(secret)) == TGAUTH_OK && STREQ(nth(rec, 0), "unknown"));
    len = sizeof rec;
    CHECK(tgauth_deeplink_handle_webhook(flow, rec, &len, &err, "{", 1, wh, strlen(wh)) == TGAUTH_E_MALFORMED);
    CHECK(tgauth_deeplink_wait(flow, rec, &len, &err, secret, strlen(secret), -1.0) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_deeplink_poll(NULL, rec, &len, &err, secret, 1) == TGAUTH_E_INVALID_ARGUMENT);
    tgauth_deeplink_free(flow);
    tgauth_deeplink_free(NULL);

    /* a Redis nobody listens on: a clear error, no crash */
    o.redis_url = "redis://127.0.0.1:1";
    o.redis_url_len = strlen(o.redis_url);
    CHECK(tgauth_deeplink_new(&flow, &err, "TgAuthBot", 9, wh, strlen(wh), &o) == TGAUTH_OK);
    len = sizeof rec;
    CHECK(tgauth_deeplink_start(flow, rec, &len, &err, "", 0) == TGAUTH_E_STORE_UNAVAILABLE);
    CHECK(strstr(err.message, "127.0.0.1:1") != NULL);
    tgauth_deeplink_free(flow);
}

void run_deeplink_tests(void) {
    test_deeplink();
}
