/* Telegram Gateway delivery reports (tgauth_verify.h, and the record form of tgauth_record.h). Reports are
 * signed here with libsodium's HMAC-SHA256 and SHA-256, by Telegram's documented formula, independently of
 * the library's own HMAC. */
#include "support.h"

static const char *GATEWAY_TOKEN = "gw-12345:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
static const char *REPORT =
    "{\"request_id\":\"eAAAAAAAAAA\",\"phone_number\":\"+15551234567\",\"request_cost\":0.03,\"is_refunded\":true,"
    "\"remaining_balance\":12.47,\"delivery_status\":{\"status\":\"read\",\"updated_at\":1733200050},"
    "\"verification_status\":{\"status\":\"code_valid\",\"updated_at\":1733200090,\"code_entered\":\"8817\"},"
    "\"payload\":\"order-77\"}";
#define REPORT_TIME "1733200100"
static const int64_t REPORT_NOW = 1733200100;

/* hex(HMAC-SHA256(key = SHA256(token), timestamp "\n" body)) into out[65] */
static void sign_report(char out[65], const char *token, const char *timestamp, const char *body, size_t body_len) {
    unsigned char key[crypto_hash_sha256_BYTES], mac[crypto_auth_hmacsha256_BYTES];
    crypto_hash_sha256(key, (const unsigned char *)token, strlen(token));
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, sizeof key);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)timestamp, strlen(timestamp));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, body_len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(out, 65, mac, sizeof mac);
}

static int verify(const tgauth_gateway *g, tgauth_gateway_report **r, tgauth_error *err, const char *body,
                  const char *timestamp, const char *signature, int64_t now) {
    return tgauth_gateway_report_verify(g, r, err, body, strlen(body), timestamp, timestamp ? strlen(timestamp) : 0,
                                        signature, signature ? strlen(signature) : 0, now);
}

static void test_a_signed_report(void) {
    tgauth_gateway *g = NULL;
    tgauth_gateway_report *r = NULL;
    tgauth_error err;
    char sig[65];
    sign_report(sig, GATEWAY_TOKEN, REPORT_TIME, REPORT, strlen(REPORT));
    CHECK(tgauth_gateway_new(&g, &err, GATEWAY_TOKEN, strlen(GATEWAY_TOKEN), -1) == TGAUTH_OK);
    CHECK(tgauth_gateway_max_skew(g) == 300);
    char mine[65];
    size_t mine_len = 64;
    CHECK(tgauth_gateway_sign(g, mine, &mine_len, REPORT_TIME, 10, REPORT, strlen(REPORT)) == TGAUTH_E_BUFFER_TOO_SMALL && mine_len == 65);
    CHECK(tgauth_gateway_sign(g, mine, &mine_len, REPORT_TIME, 10, REPORT, strlen(REPORT)) == TGAUTH_OK && STREQ(mine, sig));
    CHECK(tgauth_gateway_sign(NULL, mine, &mine_len, REPORT_TIME, 10, REPORT, strlen(REPORT)) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(verify(g, &r, &err, REPORT, REPORT_TIME, sig, REPORT_NOW) == TGAUTH_OK && r != NULL);
    size_t len = 0;
    double cost = 0, balance = 0;
    CHECK(STREQ(tgauth_gateway_report_request_id(r, &len), "eAAAAAAAAAA") && len == 11);
    CHECK(STREQ(tgauth_gateway_report_phone_number(r, NULL), "+15551234567"));
    CHECK(tgauth_gateway_report_request_cost(r, &cost) == 1 && cost == 0.03);
    CHECK(tgauth_gateway_report_remaining_balance(r, &balance) == 1 && balance == 12.47);
    CHECK(tgauth_gateway_report_is_refunded(r) == 1);
    const tgauth_delivery_status *d = tgauth_gateway_report_delivery_status(r);
    CHECK(STREQ(tgauth_delivery_status_status(d, NULL), "read") && tgauth_delivery_status_updated_at(d) == 1733200050);
    const tgauth_verification_status *v = tgauth_gateway_report_verification_status(r);
    CHECK(STREQ(tgauth_verification_status_status(v, NULL), "code_valid"));
    CHECK(STREQ(tgauth_verification_status_code_entered(v, NULL), "8817") && tgauth_verification_status_updated_at(v) == 1733200090);
    CHECK(STREQ(tgauth_gateway_report_payload(r, NULL), "order-77"));
    tgauth_gateway_report_free(r);

    /* only the required members: the optional ones are absent, not zero */
    const char *least = "{\"request_id\":\"r\",\"phone_number\":\"+1\",\"request_cost\":1e-2}";
    sign_report(sig, GATEWAY_TOKEN, REPORT_TIME, least, strlen(least));
    CHECK(verify(g, &r, &err, least, REPORT_TIME, sig, REPORT_NOW) == TGAUTH_OK);
    CHECK(tgauth_gateway_report_request_cost(r, &cost) == 1 && cost == 0.01);
    CHECK(tgauth_gateway_report_remaining_balance(r, &balance) == 0 && tgauth_gateway_report_is_refunded(r) == -1);
    CHECK(tgauth_gateway_report_delivery_status(r) == NULL && tgauth_gateway_report_verification_status(r) == NULL);
    CHECK(tgauth_gateway_report_payload(r, &len) == NULL && len == 0);
    CHECK(tgauth_gateway_report_request_cost(r, NULL) == 0 && tgauth_gateway_report_request_cost(NULL, &cost) == 0);
    tgauth_gateway_report_free(r);
    tgauth_gateway_report_free(NULL);
    tgauth_gateway_free(g);
}

static void test_refusals(void) {
    tgauth_gateway *g = NULL;
    tgauth_gateway_report *r = NULL;
    tgauth_error err;
    char sig[65], other[65];
    sign_report(sig, GATEWAY_TOKEN, REPORT_TIME, REPORT, strlen(REPORT));
    sign_report(other, "another-token", REPORT_TIME, REPORT, strlen(REPORT));
    CHECK(tgauth_gateway_new(&g, &err, GATEWAY_TOKEN, strlen(GATEWAY_TOKEN), 300) == TGAUTH_OK);

    CHECK(verify(g, &r, &err, REPORT, REPORT_TIME, other, REPORT_NOW) == TGAUTH_E_BAD_SIGNATURE && r == NULL);
    CHECK(STREQ(err.field, "X-Request-Signature") && strstr(err.message, GATEWAY_TOKEN) == NULL);
    CHECK(verify(g, &r, &err, REPORT, "1733200101", sig, REPORT_NOW) == TGAUTH_E_BAD_SIGNATURE);
    CHECK(verify(g, &r, &err, REPORT, REPORT_TIME, sig, REPORT_NOW + 300) == TGAUTH_OK);
    tgauth_gateway_report_free(r);
    CHECK(verify(g, &r, &err, REPORT, REPORT_TIME, sig, REPORT_NOW + 301) == TGAUTH_E_EXPIRED);
    CHECK(verify(g, &r, &err, REPORT, REPORT_TIME, sig, REPORT_NOW - 301) == TGAUTH_E_FUTURE_AUTH_DATE);
    CHECK(verify(g, &r, &err, REPORT, NULL, sig, REPORT_NOW) == TGAUTH_E_MISSING_FIELD && STREQ(err.field, "X-Request-Timestamp"));
    CHECK(verify(g, &r, &err, REPORT, REPORT_TIME, NULL, REPORT_NOW) == TGAUTH_E_MISSING_FIELD && STREQ(err.field, "X-Request-Signature"));
    CHECK(verify(g, &r, &err, REPORT, "17332001OO", sig, REPORT_NOW) == TGAUTH_E_MALFORMED);
    CHECK(verify(g, &r, &err, REPORT, REPORT_TIME, "00", REPORT_NOW) == TGAUTH_E_MALFORMED);
    /* a body longer than the limit is refused by its length alone, never read */
    CHECK(tgauth_gateway_report_verify(g, &r, &err, REPORT, (size_t)1 << 62, REPORT_TIME, 10, other, 64, REPORT_NOW) == TGAUTH_E_TOO_LARGE);
    CHECK(tgauth_gateway_report_verify(g, &r, &err, REPORT, 16385, REPORT_TIME, 10, other, 64, REPORT_NOW) == TGAUTH_E_TOO_LARGE);
    CHECK(tgauth_gateway_report_verify(g, &r, &err, REPORT, strlen(REPORT), REPORT_TIME, (size_t)1 << 62, other, 64, 0) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_gateway_report_verify(NULL, &r, &err, REPORT, strlen(REPORT), REPORT_TIME, 10, other, 64, 0) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_gateway_report_verify(g, NULL, &err, REPORT, strlen(REPORT), REPORT_TIME, 10, other, 64, 0) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_gateway_report_verify(g, &r, &err, NULL, 5, REPORT_TIME, 10, other, 64, 0) == TGAUTH_E_INVALID_ARGUMENT);
    tgauth_gateway_free(g);

    /* constructors */
    CHECK(tgauth_gateway_new(&g, &err, "", 0, -1) == TGAUTH_E_INVALID_ARGUMENT && g == NULL);
    CHECK(tgauth_gateway_new(&g, &err, "has space", 9, -1) == TGAUTH_E_INVALID_ARGUMENT && strstr(err.message, "has space") == NULL);
    CHECK(tgauth_gateway_new(&g, &err, GATEWAY_TOKEN, strlen(GATEWAY_TOKEN), -2) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_gateway_new(&g, &err, GATEWAY_TOKEN, (size_t)1 << 62, -1) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_gateway_new(NULL, &err, GATEWAY_TOKEN, strlen(GATEWAY_TOKEN), -1) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_gateway_new(&g, NULL, GATEWAY_TOKEN, strlen(GATEWAY_TOKEN), 0) == TGAUTH_OK && tgauth_gateway_max_skew(g) == 0);
    CHECK(tgauth_gateway_max_skew(NULL) == 0);
    tgauth_gateway_free(g);
    tgauth_gateway_free(NULL);
}

static void test_the_record(void) {
    tgauth_gateway *g = NULL;
    tgauth_error err;
    char sig[65], out[512];
    sign_report(sig, GATEWAY_TOKEN, REPORT_TIME, REPORT, strlen(REPORT));
    CHECK(tgauth_gateway_new(&g, &err, GATEWAY_TOKEN, strlen(GATEWAY_TOKEN), -1) == TGAUTH_OK);
    size_t len = 4;
    CHECK(tgauth_gateway_report_verify_record(g, out, &len, &err, REPORT, strlen(REPORT), REPORT_TIME, 10, sig, 64, REPORT_NOW)
          == TGAUTH_E_BUFFER_TOO_SMALL);
    size_t needed = len;
    CHECK(needed > 4 && needed < sizeof out);
    len = sizeof out;
    CHECK(tgauth_gateway_report_verify_record(g, out, &len, &err, REPORT, strlen(REPORT), REPORT_TIME, 10, sig, 64, REPORT_NOW)
          == TGAUTH_OK && len == needed);
    const char *parts[16];
    size_t n = record_parts(out, len, parts, 16);
    /* shape: G; is_refunded 1; remaining_balance 1; d; v, code_entered 1; payload 1 */
    CHECK(n == 11 && STREQ(parts[0], "G11dv11"));
    CHECK(STREQ(parts[1], "eAAAAAAAAAA") && STREQ(parts[3], "0.03") && STREQ(parts[4], "12.47") && STREQ(parts[5], "read"));
    CHECK(STREQ(parts[6], "1733200050") && STREQ(parts[7], "code_valid") && STREQ(parts[9], "8817") && STREQ(parts[10], "order-77"));
    len = sizeof out;
    CHECK(tgauth_gateway_report_verify_record(g, out, &len, &err, REPORT, strlen(REPORT), REPORT_TIME, 10, sig, 64, REPORT_NOW + 301)
          == TGAUTH_E_EXPIRED);
    tgauth_gateway_free(g);
}

void run_gateway_report_tests(void) {
    test_a_signed_report();
    test_refusals();
    test_the_record();
}
