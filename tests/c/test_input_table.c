/* The C suite's run of the input table (tests/inputs/cases.tsv, which every suite reads): each bad input
 * gets its error kind, and each kind's every-field row gives a result whose C accessors return every field the
 * schema declares (the C surface's schema walk). */
#include "support.h"

/* ---- a result, read through its accessors, as compact JSON (the field_* writers of result_fields.h) ---- */

struct fields {
    char text[4096];
    size_t len;
    int first; /* no member written yet in the open object */
};

static void put(struct fields *out, const char *s, size_t n) {
    if (out->len + n < sizeof out->text) memcpy(out->text + out->len, s, n);
    out->len += n;
}

static void key(struct fields *out, const char *name) {
    if (!out->first) put(out, ",", 1);
    out->first = 0;
    put(out, "\"", 1);
    put(out, name, strlen(name));
    put(out, "\":", 2);
}

static void field_null(struct fields *out, const char *name) {
    key(out, name);
    put(out, "null", 4);
}

/* writes null for an absent field; returns whether it was absent */
static int absent(struct fields *out, const char *name, int present) {
    if (!present) field_null(out, name);
    return !present;
}

static void field_int(struct fields *out, const char *name, int present, int64_t v) {
    char digits[24];
    if (absent(out, name, present)) return;
    key(out, name);
    put(out, digits, (size_t)snprintf(digits, sizeof digits, "%lld", (long long)v));
}

static void field_number(struct fields *out, const char *name, int present, double v) {
    char digits[32];
    if (absent(out, name, present)) return;
    key(out, name);
    put(out, digits, (size_t)snprintf(digits, sizeof digits, "%.17g", v));
}

static void field_bool(struct fields *out, const char *name, int v) {
    if (absent(out, name, v >= 0)) return;
    key(out, name);
    put(out, v ? "true" : "false", v ? 4 : 5);
}

/* a string by its length, which must agree with its NUL; quotes, backslashes and control bytes escaped */
static void field_string(struct fields *out, const char *name, const char *s, size_t n) {
    size_t i;
    if (absent(out, name, s != NULL)) return;
    CHECK(strlen(s) == n);
    key(out, name);
    put(out, "\"", 1);
    for (i = 0; i < n; i++) {
        char esc[8];
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\' || c < 0x20) put(out, esc, (size_t)snprintf(esc, sizeof esc, "\\u%04x", c));
        else put(out, s + i, 1);
    }
    put(out, "\"", 1);
}

static void field_open(struct fields *out, const char *name) {
    key(out, name);
    put(out, "{", 1);
    out->first = 1;
}

static void field_close(struct fields *out) {
    put(out, "}", 1);
    out->first = 0;
}

#include "result_fields.h"

#define WALK(out, fields_of, result) (put(out, "{", 1), (out)->first = 1, fields_of(out, result), field_close(out))

/* ---- the input table ---- */

static int hexval(int c) { return c <= '9' ? c - '0' : (c | 32) - 'a' + 10; }

/* The `claims` rows: a compact JWS of `claims` signed with libsodium (Ed25519, seed 2a...2a, kid claims-1),
 * and the key set of that key alone. */
static void sign_claims_eddsa(const char *claims, size_t n, char *token, size_t cap, char *jwks, size_t jwks_cap) {
    static const char header[] = "{\"alg\":\"EdDSA\",\"kid\":\"claims-1\"}";
    unsigned char seed[32], pk[32], sk[64], sig[64];
    char x[64], part[64];
    const int v = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    memset(seed, 0x2a, sizeof seed);
    CHECK(crypto_sign_seed_keypair(pk, sk, seed) == 0);
    sodium_bin2base64(x, sizeof x, pk, sizeof pk, v);
    snprintf(jwks, jwks_cap, "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"alg\":\"EdDSA\",\"kid\":\"claims-1\",\"x\":\"%s\"}]}", x);
    sodium_bin2base64(part, sizeof part, (const unsigned char *)header, sizeof header - 1, v);
    size_t at = strlen(part);
    CHECK(at + 1 + sodium_base64_ENCODED_LEN(n, v) + 90 < cap);
    memcpy(token, part, at);
    token[at++] = '.';
    sodium_bin2base64(token + at, cap - at, (const unsigned char *)claims, n, v);
    at += strlen(token + at);
    crypto_sign_detached(sig, NULL, (const unsigned char *)token, at, sk);
    token[at++] = '.';
    sodium_bin2base64(token + at, cap - at, sig, sizeof sig, v);
}

/* the status (as its kind) or "ignored:<reason>" that the C ABI gives for one row; when it accepts the row,
 * the result's fields into `got` */
static void bad_input_verdict(const char *target, tgauth_check *check, const char *in, size_t n, char *verdict, size_t cap,
                              struct fields *got) {
    static char rec[TGAUTH_DEEPLINK_RECORD_SIZE];
    tgauth_error err;
    int rc = TGAUTH_E_INVALID_ARGUMENT;
    err.message[0] = 0;
    if (!strcmp(target, "mini_app")) {
        tgauth_mini_app *app = NULL;
        tgauth_init_data *data = NULL;
        if (tgauth_mini_app_new(&app, NULL, TOKEN, strlen(TOKEN)) == TGAUTH_OK) rc = tgauth_mini_app_validate(app, &data, &err, in, n, check);
        if (rc == TGAUTH_OK) WALK(got, fields_init_data, data);
        tgauth_init_data_free(data);
        tgauth_mini_app_free(app);
    } else if (!strcmp(target, "widget")) {
        tgauth_widget *w = NULL;
        tgauth_widget_data *data = NULL;
        if (tgauth_widget_new(&w, NULL, TOKEN, strlen(TOKEN)) == TGAUTH_OK) rc = tgauth_widget_verify(w, &data, &err, in, n, check);
        if (rc == TGAUTH_OK) WALK(got, fields_widget_data, data);
        tgauth_widget_data_free(data);
        tgauth_widget_free(w);
    } else if (!strcmp(target, "third_party")) {
        tgauth_third_party *t = NULL;
        tgauth_init_data *data = NULL;
        if (tgauth_third_party_new(&t, NULL, 7342037359LL, TGAUTH_ENVIRONMENT_PRODUCTION) == TGAUTH_OK)
            rc = tgauth_third_party_validate(t, &data, &err, in, n, check);
        if (rc == TGAUTH_OK) WALK(got, fields_init_data, data);
        tgauth_init_data_free(data);
        tgauth_third_party_free(t);
    } else if (!strcmp(target, "bot_token")) {
        tgauth_mini_app *app = NULL;
        rc = tgauth_mini_app_new(&app, NULL, in, n);
        tgauth_mini_app_free(app);
    } else if (!strcmp(target, "id_token")) {
        static char jwks[8192];
        static size_t jwks_len;
        tgauth_oidc *v = NULL;
        size_t len = sizeof rec;
        if (jwks_len == 0) {
            FILE *f = fopen("tests/vectors/telegram-oidc-jwks.json", "r");
            if (f) {
                jwks_len = fread(jwks, 1, sizeof jwks, f);
                fclose(f);
            }
        }
        if (tgauth_oidc_new(&v, &err, "7342037359", 10, jwks, jwks_len, NULL) == TGAUTH_OK)
            rc = tgauth_oidc_verify(v, rec, &len, &err, in, n, NULL, 0, check);
        tgauth_oidc_free(v);
    } else if (!strcmp(target, "jwks")) {
        /* the key set, a NUL, then the id_token to verify with it when the set loads */
        size_t set_len = strlen(in);
        tgauth_oidc *v = NULL;
        size_t len = sizeof rec;
        rc = tgauth_oidc_new(&v, &err, "7342037359", 10, in, set_len, NULL);
        if (rc == TGAUTH_OK) rc = tgauth_oidc_verify(v, rec, &len, &err, in + set_len + 1, n - set_len - 1, NULL, 0, check);
        /* a bad key is named by its kid */
        if (rc == TGAUTH_E_INVALID_ARGUMENT) CHECK(strstr(err.message, "JWK oidc-1: ") || strstr(err.message, "has 101 keys"));
        tgauth_oidc_free(v);
    } else if (!strcmp(target, "claims")) {
        static char token[8192], jwks[256];
        tgauth_oidc *v = NULL;
        tgauth_id_token *claims = NULL;
        sign_claims_eddsa(in, n, token, sizeof token, jwks, sizeof jwks);
        if (tgauth_oidc_new(&v, &err, "7342037359", 10, jwks, strlen(jwks), NULL) == TGAUTH_OK)
            rc = tgauth_oidc_verify_token(v, &claims, &err, token, strlen(token), NULL, 0, check);
        if (rc == TGAUTH_OK) WALK(got, fields_id_token, claims);
        tgauth_id_token_free(claims);
        tgauth_oidc_free(v);
    } else if (!strcmp(target, "gateway")) {
        /* the timestamp, a NUL, the signature, a NUL, the body; an empty header is an absent one */
        size_t t_len = strlen(in), s_len = strlen(in + t_len + 1);
        const char *sig = in + t_len + 1, *body = sig + s_len + 1;
        tgauth_gateway *g = NULL;
        tgauth_gateway_report *report = NULL;
        if (tgauth_gateway_new(&g, &err, TOKEN, strlen(TOKEN), -1) == TGAUTH_OK)
            rc = tgauth_gateway_report_verify(g, &report, &err, body, n - t_len - s_len - 2, t_len ? in : NULL, t_len,
                                              s_len ? sig : NULL, s_len, check->now);
        if (rc == TGAUTH_OK) WALK(got, fields_gateway_report, report);
        tgauth_gateway_report_free(report);
        tgauth_gateway_free(g);
    } else if (!strcmp(target, "deeplink")) {
        /* a login started here (confirmation off), its token in place of LOGIN_TOKEN; the user as the record
         * gives it, Bot API JSON (the deep-link's user has no accessors) */
        static char update[4096];
        const char *parts[8], *at = strstr(in, "LOGIN_TOKEN");
        tgauth_deeplink *flow = NULL;
        tgauth_deeplink_options options;
        size_t len = sizeof rec;
        CHECK(tgauth_deeplink_options_init(&options) == TGAUTH_OK);
        options.confirm = 0;
        if (at && n < sizeof update - 64 && tgauth_deeplink_new(&flow, &err, "TgAuthBot", 9, "bad-input-secret", 16, &options) == TGAUTH_OK &&
            tgauth_deeplink_start(flow, rec, &len, &err, "", 0) == TGAUTH_OK) {
            int head = (int)(at - in);
            int size = snprintf(update, sizeof update, "%.*s%s%.*s", head, in, rec, (int)(n - (size_t)head - 11), at + 11);
            len = sizeof rec;
            rc = tgauth_deeplink_handle_webhook(flow, rec, &len, &err, update, (size_t)size, "bad-input-secret", 16);
            if (rc == TGAUTH_OK && record_parts(rec, len, parts, 8) >= 4 && strcmp(parts[0], "approved") == 0) put(got, parts[3], strlen(parts[3]));
            else if (rc == TGAUTH_OK) rc = TGAUTH_E_INVALID_ARGUMENT;
        }
        tgauth_deeplink_free(flow);
    } else if (!strcmp(target, "webhook")) {
        tgauth_deeplink *flow = NULL;
        size_t len = sizeof rec;
        if (tgauth_deeplink_new(&flow, &err, "TgAuthBot", 9, "bad-input-secret", 16, NULL) == TGAUTH_OK)
            rc = tgauth_deeplink_handle_webhook(flow, rec, &len, &err, in, n, "bad-input-secret", 16);
        tgauth_deeplink_free(flow);
        if (rc == TGAUTH_OK) {
            snprintf(verdict, cap, "%s:%s", rec, rec + strlen(rec) + 1);
            return;
        }
    }
    CHECK(strstr(err.message, "AAH5YkoiEuPk8") == NULL);
    snprintf(verdict, cap, "%s", rc == TGAUTH_OK ? "accepted" : tgauth_error_kind(rc));
}

static void test_bad_input_table(void) {
    const char *path = getenv("TGAUTH_INPUT_TABLE") ? getenv("TGAUTH_INPUT_TABLE") : "tests/inputs/cases.tsv";
    FILE *f = fopen(path, "r");
    char *line = NULL, verdict[128];
    struct fields got;
    size_t cap = 0;
    int rows = 0, every_field_rows = 0;
    CHECK(f != NULL);
    if (f == NULL) return;
    while (getline(&line, &cap, f) > 0) {
        char *field[7], *p = line;
        tgauth_check check;
        size_t n, i;
        if (line[0] == '#') continue;
        for (i = 0; i < 7; i++) {
            field[i] = p;
            p += strcspn(p, "\t\n");
            if (*p) *p++ = 0;
        }
        n = strlen(field[5]) / 2;
        for (i = 0; i < n; i++) field[5][i] = (char)(hexval(field[5][2 * i]) * 16 + hexval(field[5][2 * i + 1]));
        field[5][n] = 0; /* the input ends at n bytes, a NUL after them (one inside is the row's) */
        tgauth_check_init(&check);
        check.now = atoll(field[2]);
        check.max_input_bytes = (size_t)atoll(field[3]);
        got.len = 0;
        bad_input_verdict(field[1], &check, field[5], n, verdict, sizeof verdict, &got);
        if (strcmp(verdict, field[4]) != 0) fprintf(stderr, "bad input \"%s\" (%s): got %s\n", field[0], field[1], verdict);
        CHECK(strcmp(verdict, field[4]) == 0);
        if (field[6][0]) { /* an every-field row: each accessor gives the schema's value */
            CHECK(got.len < sizeof got.text);
            got.text[got.len < sizeof got.text ? got.len : 0] = 0;
            if (strcmp(got.text, field[6]) != 0) fprintf(stderr, "every field (%s): got %s\n", field[1], got.text);
            CHECK(strcmp(got.text, field[6]) == 0);
            every_field_rows++;
        }
        rows++;
    }
    CHECK(rows >= 40);
    CHECK(every_field_rows == 5);
    free(line);
    fclose(f);
}

void run_input_table_tests(void) {
    test_bad_input_table();
}
