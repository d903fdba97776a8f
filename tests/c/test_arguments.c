/* The C suite's misuse of every export: lengths, counts, capacities and times at their extremes, each in a
 * forked child; inputs bounded before they are copied; the NULL output buffer. */
#include "support.h"

/* ---- extreme arguments: each export, each in a forked child, must return a status and never trap ---- */

/* A size_t of 2^63 or more is negative as a Swift Int; SIZE_MAX is what a careless caller passes. */
#define HUGE_LEN ((size_t)1 << 63)

static tgauth_mini_app *x_app;
static tgauth_third_party *x_third;
static tgauth_widget *x_widget;
static tgauth_deeplink *x_flow;
static char x_buf[TGAUTH_DEEPLINK_RECORD_SIZE];
static tgauth_oidc *x_oidc;


/* A length below 2^63 but larger than any buffer: checked against its kind's limit before any copy. */
#define BIG_LEN ((size_t)1 << 62)

static tgauth_check check_with(int64_t max_age, int64_t skew, int64_t now, size_t max_bytes) {
    tgauth_check c;
    tgauth_check_init(&c);
    c.max_age = max_age;
    c.future_skew = skew;
    c.now = now;
    c.max_input_bytes = max_bytes;
    return c;
}

static int mini_app_with(size_t len, const tgauth_check *c) {
    tgauth_init_data *d = NULL;
    int rc = tgauth_mini_app_validate(x_app, &d, NULL, DOC_INIT_DATA, len, c);
    tgauth_init_data_free(d);
    return rc;
}
static int x_mini_app_huge(void) { return mini_app_with(HUGE_LEN, NULL); }
static int x_mini_app_size_max(void) { return mini_app_with(SIZE_MAX, NULL); }
static int x_now_min(void) { tgauth_check c = check_with(0, 60, INT64_MIN, 16384); return mini_app_with(strlen(DOC_INIT_DATA), &c); }
static int x_now_max(void) { tgauth_check c = check_with(86400, 60, INT64_MAX, 16384); return mini_app_with(strlen(DOC_INIT_DATA), &c); }
static int x_skew_max(void) { tgauth_check c = check_with(0, INT64_MAX, 1, 16384); return mini_app_with(strlen(DOC_INIT_DATA), &c); }
static int x_age_max(void) { tgauth_check c = check_with(INT64_MAX, INT64_MAX, INT64_MAX, SIZE_MAX); return mini_app_with(strlen(DOC_INIT_DATA), &c); }
static int x_age_min(void) { tgauth_check c = check_with(INT64_MIN, 60, 1, 16384); return mini_app_with(strlen(DOC_INIT_DATA), &c); }
static int x_skew_min(void) { tgauth_check c = check_with(0, INT64_MIN, 1, 16384); return mini_app_with(strlen(DOC_INIT_DATA), &c); }
static int x_limit_huge(void) { tgauth_check c = check_with(0, 60, 0, SIZE_MAX); return mini_app_with(strlen(DOC_INIT_DATA), &c); }
static int x_third_huge(void) {
    tgauth_init_data *d = NULL;
    int rc = tgauth_third_party_validate(x_third, &d, NULL, REAL_INIT_DATA, HUGE_LEN, NULL);
    tgauth_init_data_free(d);
    return rc;
}
static int x_widget_huge(void) {
    tgauth_widget_data *d = NULL;
    int rc = tgauth_widget_verify(x_widget, &d, NULL, WIDGET_JSON, SIZE_MAX, NULL);
    tgauth_widget_data_free(d);
    return rc;
}
static int fields_with(size_t count, size_t key_len, size_t value_len) {
    tgauth_field f[2] = {{"id", key_len, "42", value_len}, {"first_name", 10, "John", 4}};
    tgauth_widget_data *d = NULL;
    int rc = tgauth_widget_verify_fields(x_widget, &d, NULL, f, count, NULL);
    tgauth_widget_data_free(d);
    return rc;
}
static int x_fields_count_huge(void) { return fields_with(HUGE_LEN, 2, 2); }
static int x_fields_count_big(void) { return fields_with((size_t)1 << 40, 2, 2); }
static int x_fields_key_huge(void) { return fields_with(2, SIZE_MAX, 2); }
static int x_fields_value_huge(void) { return fields_with(2, 2, HUGE_LEN); }
static int x_fields_sum_wraps(void) { return fields_with(2, SIZE_MAX / 2, SIZE_MAX / 2); }
static int record_with(int which, size_t in_len, size_t out_len) {
    size_t len = out_len;
    switch (which) {
    case 0: return tgauth_mini_app_validate_record(x_app, x_buf, &len, NULL, DOC_INIT_DATA, in_len, NULL);
    case 1: return tgauth_third_party_validate_record(x_third, x_buf, &len, NULL, REAL_INIT_DATA, in_len, NULL);
    default: return tgauth_widget_verify_record(x_widget, x_buf, &len, NULL, WIDGET_JSON, in_len, NULL);
    }
}
static int x_record_mini_app_huge(void) { return record_with(0, HUGE_LEN, sizeof x_buf); }
static int x_record_third_huge(void) { return record_with(1, SIZE_MAX, sizeof x_buf); }
static int x_record_widget_huge(void) { return record_with(2, HUGE_LEN, sizeof x_buf); }
static int x_record_capacity_huge(void) { tgauth_check c = no_age(); size_t len = SIZE_MAX;
    return tgauth_mini_app_validate_record(x_app, x_buf, &len, NULL, DOC_INIT_DATA, strlen(DOC_INIT_DATA), &c); }
static int pairs_with(size_t len, size_t count) {
    static const char pairs[] = "id\0" "42\0" "first_name\0" "John";
    size_t out = sizeof x_buf;
    return tgauth_widget_verify_pairs_record(x_widget, x_buf, &out, NULL, pairs, len, count, NULL);
}
static int x_pairs_len_huge(void) { return pairs_with(HUGE_LEN, 2); }
static int x_pairs_count_huge(void) { return pairs_with(sizeof "id\0" "42\0" "first_name\0" "John" - 1, HUGE_LEN); }
static int x_pairs_count_max(void) { return pairs_with(sizeof "id\0" "42\0" "first_name\0" "John" - 1, SIZE_MAX); }
static int x_pairs_count_big(void) { return pairs_with(sizeof "id\0" "42\0" "first_name\0" "John" - 1, (size_t)1 << 40); }
static int x_mini_app_new_huge(void) { tgauth_mini_app *v = NULL; int rc = tgauth_mini_app_new(&v, NULL, TOKEN, HUGE_LEN); tgauth_mini_app_free(v); return rc; }
static int x_widget_new_huge(void) { tgauth_widget *v = NULL; int rc = tgauth_widget_new(&v, NULL, TOKEN, SIZE_MAX); tgauth_widget_free(v); return rc; }
static int x_key_huge(void) {
    static const uint8_t key[32] = {1};
    tgauth_third_party *v = NULL;
    int rc = tgauth_third_party_new_with_key(&v, NULL, 1, key, HUGE_LEN);
    tgauth_third_party_free(v);
    return rc;
}
static int x_bot_id_min(void) { tgauth_third_party *v = NULL; int rc = tgauth_third_party_new(&v, NULL, INT64_MIN, 0); tgauth_third_party_free(v); return rc; }
static int x_environment_min(void) { tgauth_third_party *v = NULL; int rc = tgauth_third_party_new(&v, NULL, 1, INT32_MIN); tgauth_third_party_free(v); return rc; }
static int x_cache_size_max(void) { return tgauth_third_party_set_cache_size(x_third, SIZE_MAX); }
static int x_extra_index_max(void) {
    tgauth_check c = no_age();
    tgauth_init_data *d = NULL;
    tgauth_field f;
    int rc = tgauth_mini_app_validate(x_app, &d, NULL, DOC_INIT_DATA, strlen(DOC_INIT_DATA), &c);
    if (rc == TGAUTH_OK) rc = tgauth_init_data_extra(d, &f, SIZE_MAX);
    tgauth_init_data_free(d);
    return rc;
}
static int x_secret_huge(void) { uint8_t out[32]; return tgauth_mini_app_secret(out, TOKEN, HUGE_LEN); }
static int x_widget_secret_huge(void) { uint8_t out[32]; return tgauth_widget_secret(out, TOKEN, SIZE_MAX); }
static int x_public_key_env(void) { uint8_t out[32]; return tgauth_telegram_public_key(out, INT32_MIN); }
static int sign_with(size_t token_len, size_t out_len, size_t count, size_t key_len, size_t seed_len, int64_t auth_date) {
    static const uint8_t seed[32] = {7};
    tgauth_field f[1] = {{"query_id", key_len, "x", 1}};
    size_t len = out_len;
    return tgauth_sign_init_data(x_buf, &len, TOKEN, token_len, f, count, auth_date, seed_len ? seed : NULL, seed_len, 1);
}
static int x_sign_token_huge(void) { return sign_with(HUGE_LEN, sizeof x_buf, 1, 8, 0, 1); }
static int x_sign_capacity_huge(void) { return sign_with(strlen(TOKEN), SIZE_MAX, 1, 8, 0, 1); }
static int x_sign_count_huge(void) { return sign_with(strlen(TOKEN), sizeof x_buf, HUGE_LEN, 8, 0, 1); }
static int x_sign_key_huge(void) { return sign_with(strlen(TOKEN), sizeof x_buf, 1, SIZE_MAX, 0, 1); }
static int x_sign_seed_huge(void) { return sign_with(strlen(TOKEN), sizeof x_buf, 1, 8, HUGE_LEN, 1); }
static int x_sign_date_min(void) { return sign_with(strlen(TOKEN), sizeof x_buf, 1, 8, 32, INT64_MIN); }
static int x_sign_date_max(void) { return sign_with(strlen(TOKEN), sizeof x_buf, 1, 8, 0, INT64_MAX); }
static int x_sign_widget_count_max(void) {
    tgauth_field f[1] = {{"id", 2, "1", 1}};
    size_t len = sizeof x_buf;
    return tgauth_sign_widget(x_buf, &len, TOKEN, strlen(TOKEN), f, SIZE_MAX, INT64_MIN);
}
static int deeplink_new_with(size_t bot_len, size_t secret_len, tgauth_deeplink_options *o) {
    tgauth_deeplink *f = NULL;
    int rc = tgauth_deeplink_new(&f, NULL, "TgAuthBot", bot_len, "wh-secret", secret_len, o);
    tgauth_deeplink_free(f);
    return rc;
}
static int x_deeplink_bot_huge(void) { return deeplink_new_with(HUGE_LEN, 9, NULL); }
static int x_deeplink_secret_huge(void) { return deeplink_new_with(9, SIZE_MAX, NULL); }
static int x_deeplink_options(int which) {
    tgauth_deeplink_options o;
    tgauth_deeplink_options_init(&o);
    switch (which) {
    case 0: o.app_name = "Acme"; o.app_name_len = HUGE_LEN; break;
    case 1: o.redis_url = "redis://127.0.0.1:1"; o.redis_url_len = SIZE_MAX; break;
    case 2: o.memory_capacity = SIZE_MAX; break;
    case 3: o.ttl = INT64_MAX; break;
    case 4: o.ttl = INT64_MIN; break;
    default: o.interval = INT64_MIN; break;
    }
    return deeplink_new_with(9, 9, &o);
}
static int x_deeplink_app_name(void) { return x_deeplink_options(0); }
static int x_deeplink_redis_url(void) { return x_deeplink_options(1); }
static int x_deeplink_capacity(void) { return x_deeplink_options(2); }
static int x_deeplink_ttl_max(void) { return x_deeplink_options(3); }
static int x_deeplink_ttl_min(void) { return x_deeplink_options(4); }
static int x_deeplink_interval_min(void) { return x_deeplink_options(5); }
static int x_start_device_huge(void) { size_t len = sizeof x_buf; return tgauth_deeplink_start(x_flow, x_buf, &len, NULL, "dev", HUGE_LEN); }
static int x_start_capacity_huge(void) { size_t len = SIZE_MAX; return tgauth_deeplink_start(x_flow, x_buf, &len, NULL, "dev", 3); }
static int x_webhook_body_huge(void) { size_t len = sizeof x_buf; return tgauth_deeplink_handle_webhook(x_flow, x_buf, &len, NULL, "{}", SIZE_MAX, "wh-secret", 9); }
static int x_webhook_header_huge(void) { size_t len = sizeof x_buf; return tgauth_deeplink_handle_webhook(x_flow, x_buf, &len, NULL, "{}", 2, "wh-secret", HUGE_LEN); }
static int x_poll_huge(void) { size_t len = sizeof x_buf; return tgauth_deeplink_poll(x_flow, x_buf, &len, NULL, "secret", HUGE_LEN); }
static int wait_with(size_t secret_len, double timeout) { size_t len = sizeof x_buf; return tgauth_deeplink_wait(x_flow, x_buf, &len, NULL, "secret", secret_len, timeout); }
static int x_wait_huge(void) { return wait_with(SIZE_MAX, 0); }
static int x_wait_nan(void) { return wait_with(6, NAN); }
static int x_wait_inf(void) { return wait_with(6, INFINITY); }
static int x_wait_huge_timeout(void) { return wait_with(6, 1e308); }
static int x_wait_negative(void) { return wait_with(6, -1e308); }
static int x_mini_app_new_big(void) { tgauth_mini_app *v = NULL; int rc = tgauth_mini_app_new(&v, NULL, TOKEN, BIG_LEN); tgauth_mini_app_free(v); return rc; }
static int x_widget_new_big(void) { tgauth_widget *v = NULL; int rc = tgauth_widget_new(&v, NULL, TOKEN, BIG_LEN); tgauth_widget_free(v); return rc; }
static int x_secret_big(void) { uint8_t out[32]; return tgauth_mini_app_secret(out, TOKEN, BIG_LEN); }
static int oidc_new_with(size_t id_len, size_t jwks_len) {
    size_t n;
    const char *jwks = served_jwks(&n);
    tgauth_oidc *v = NULL;
    int rc = tgauth_oidc_new(&v, NULL, "7342037359", id_len, jwks, jwks_len ? jwks_len : n, NULL);
    tgauth_oidc_free(v);
    return rc;
}
static int x_oidc_client_id_big(void) { return oidc_new_with(BIG_LEN, 0); }
static int x_oidc_jwks_big(void) { return oidc_new_with(10, BIG_LEN); }
static int x_oidc_set_jwks_big(void) { return tgauth_oidc_set_jwks(x_oidc, NULL, "{}", BIG_LEN); }
static int x_oidc_token(size_t token_len, size_t nonce_len) {
    size_t len = sizeof x_buf;
    return tgauth_oidc_verify(x_oidc, x_buf, &len, NULL, "a.b.c", token_len, nonce_len ? "n" : NULL, nonce_len, NULL);
}
static int x_oidc_token_big(void) { return x_oidc_token(BIG_LEN, 0); }
static int x_oidc_token_huge(void) { return x_oidc_token(HUGE_LEN, 0); }
static int x_oidc_nonce_big(void) { return x_oidc_token(5, BIG_LEN); }
static int x_oidc_typed_big(void) {
    tgauth_id_token *t = NULL;
    int rc = tgauth_oidc_verify_token(x_oidc, &t, NULL, "a.b.c", BIG_LEN, NULL, 0, NULL);
    tgauth_id_token_free(t);
    return rc;
}
static int x_deeplink_bot_big(void) { return deeplink_new_with(BIG_LEN, 9, NULL); }
static int x_start_device_big(void) { size_t len = sizeof x_buf; return tgauth_deeplink_start(x_flow, x_buf, &len, NULL, "dev", BIG_LEN); }
static int x_strings(void) {
    return STREQ(tgauth_strerror(INT32_MIN), "unknown status") && STREQ(tgauth_error_kind(INT32_MAX), "unknown") ? 0 : -2;
}

typedef struct extreme_case {
    const char *name;
    int (*call)(void);
    int expect; /* the status it must return; -1: any status */
} extreme_case;

static const extreme_case extreme_cases[] = {
    {"mini_app_validate len 2^63", x_mini_app_huge, TGAUTH_E_TOO_LARGE},
    {"mini_app_validate len SIZE_MAX", x_mini_app_size_max, TGAUTH_E_TOO_LARGE},
    {"now INT64_MIN", x_now_min, TGAUTH_E_FUTURE_AUTH_DATE},
    {"now INT64_MAX", x_now_max, TGAUTH_E_EXPIRED},
    {"skew INT64_MAX", x_skew_max, TGAUTH_OK},
    {"age, skew, now INT64_MAX, limit SIZE_MAX", x_age_max, TGAUTH_OK},
    {"max_age INT64_MIN", x_age_min, TGAUTH_E_INVALID_ARGUMENT},
    {"future_skew INT64_MIN", x_skew_min, TGAUTH_E_INVALID_ARGUMENT},
    {"max_input_bytes SIZE_MAX", x_limit_huge, TGAUTH_OK},
    {"third_party_validate len 2^63", x_third_huge, TGAUTH_E_TOO_LARGE},
    {"widget_verify len SIZE_MAX", x_widget_huge, TGAUTH_E_TOO_LARGE},
    {"widget_verify_fields count 2^63", x_fields_count_huge, TGAUTH_E_TOO_LARGE},
    {"widget_verify_fields count 2^40", x_fields_count_big, TGAUTH_E_TOO_LARGE},
    {"widget_verify_fields key_len SIZE_MAX", x_fields_key_huge, TGAUTH_E_TOO_LARGE},
    {"widget_verify_fields value_len 2^63", x_fields_value_huge, TGAUTH_E_TOO_LARGE},
    {"widget_verify_fields lengths that wrap", x_fields_sum_wraps, TGAUTH_E_TOO_LARGE},
    {"mini_app_validate_record len 2^63", x_record_mini_app_huge, TGAUTH_E_TOO_LARGE},
    {"third_party_validate_record len SIZE_MAX", x_record_third_huge, TGAUTH_E_TOO_LARGE},
    {"widget_verify_record len 2^63", x_record_widget_huge, TGAUTH_E_TOO_LARGE},
    {"record capacity SIZE_MAX", x_record_capacity_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"widget_verify_pairs_record len 2^63", x_pairs_len_huge, TGAUTH_E_TOO_LARGE},
    {"widget_verify_pairs_record count 2^63", x_pairs_count_huge, TGAUTH_E_MALFORMED},
    {"widget_verify_pairs_record count SIZE_MAX", x_pairs_count_max, TGAUTH_E_MALFORMED},
    {"widget_verify_pairs_record count 2^40", x_pairs_count_big, TGAUTH_E_MALFORMED},
    {"mini_app_new len 2^63", x_mini_app_new_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"widget_new len SIZE_MAX", x_widget_new_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"third_party_new_with_key len 2^63", x_key_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"third_party_new bot id INT64_MIN", x_bot_id_min, TGAUTH_E_INVALID_ARGUMENT},
    {"third_party_new environment INT32_MIN", x_environment_min, TGAUTH_E_INVALID_ARGUMENT},
    {"third_party_set_cache_size SIZE_MAX", x_cache_size_max, TGAUTH_E_INVALID_ARGUMENT},
    {"init_data_extra index SIZE_MAX", x_extra_index_max, TGAUTH_E_INVALID_ARGUMENT},
    {"mini_app_secret len 2^63", x_secret_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"widget_secret len SIZE_MAX", x_widget_secret_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"telegram_public_key environment INT32_MIN", x_public_key_env, TGAUTH_E_INVALID_ARGUMENT},
    {"sign_init_data token len 2^63", x_sign_token_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"sign_init_data capacity SIZE_MAX", x_sign_capacity_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"sign_init_data count 2^63", x_sign_count_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"sign_init_data key_len SIZE_MAX", x_sign_key_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"sign_init_data seed_len 2^63", x_sign_seed_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"sign_init_data auth_date INT64_MIN", x_sign_date_min, -1},
    {"sign_init_data auth_date INT64_MAX", x_sign_date_max, -1},
    {"sign_widget count SIZE_MAX", x_sign_widget_count_max, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_new bot len 2^63", x_deeplink_bot_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_new secret len SIZE_MAX", x_deeplink_secret_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_new app_name_len 2^63", x_deeplink_app_name, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_new redis_url_len SIZE_MAX", x_deeplink_redis_url, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_new memory_capacity SIZE_MAX", x_deeplink_capacity, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_new ttl INT64_MAX", x_deeplink_ttl_max, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_new ttl INT64_MIN", x_deeplink_ttl_min, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_new interval INT64_MIN", x_deeplink_interval_min, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_start device len 2^63", x_start_device_huge, TGAUTH_E_TOO_LARGE},
    {"deeplink_start capacity SIZE_MAX", x_start_capacity_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_handle_webhook body len SIZE_MAX", x_webhook_body_huge, TGAUTH_E_TOO_LARGE},
    {"deeplink_handle_webhook header len 2^63", x_webhook_header_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_poll secret len 2^63", x_poll_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_wait secret len SIZE_MAX", x_wait_huge, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_wait timeout NaN", x_wait_nan, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_wait timeout infinity", x_wait_inf, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_wait timeout 1e308", x_wait_huge_timeout, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_wait timeout -1e308", x_wait_negative, TGAUTH_E_INVALID_ARGUMENT},
    {"mini_app_new len 2^62", x_mini_app_new_big, TGAUTH_E_INVALID_ARGUMENT},
    {"widget_new len 2^62", x_widget_new_big, TGAUTH_E_INVALID_ARGUMENT},
    {"mini_app_secret len 2^62", x_secret_big, TGAUTH_E_INVALID_ARGUMENT},
    {"oidc_new client id len 2^62", x_oidc_client_id_big, TGAUTH_E_INVALID_ARGUMENT},
    {"oidc_new jwks len 2^62", x_oidc_jwks_big, TGAUTH_E_TOO_LARGE},
    {"oidc_set_jwks len 2^62", x_oidc_set_jwks_big, TGAUTH_E_TOO_LARGE},
    {"oidc_verify token len 2^62", x_oidc_token_big, TGAUTH_E_TOO_LARGE},
    {"oidc_verify token len 2^63", x_oidc_token_huge, TGAUTH_E_TOO_LARGE},
    {"oidc_verify nonce len 2^62", x_oidc_nonce_big, TGAUTH_E_INVALID_ARGUMENT},
    {"oidc_verify_token token len 2^62", x_oidc_typed_big, TGAUTH_E_TOO_LARGE},
    {"deeplink_new bot len 2^62", x_deeplink_bot_big, TGAUTH_E_INVALID_ARGUMENT},
    {"deeplink_start device len 2^62", x_start_device_big, TGAUTH_E_TOO_LARGE},
    {"strerror/error_kind INT32_MIN/MAX", x_strings, 0},
};

static void test_extreme_arguments(void) {
    tgauth_check c = check_with(0, 60, INT64_MIN, 16384);
    tgauth_error err;
    tgauth_init_data *d = NULL;
    CHECK(tgauth_mini_app_new(&x_app, NULL, TOKEN, strlen(TOKEN)) == TGAUTH_OK);
    CHECK(tgauth_third_party_new(&x_third, NULL, 7342037359, TGAUTH_ENVIRONMENT_PRODUCTION) == TGAUTH_OK);
    CHECK(tgauth_widget_new(&x_widget, NULL, WIDGET_TOKEN, strlen(WIDGET_TOKEN)) == TGAUTH_OK);
    CHECK(tgauth_deeplink_new(&x_flow, NULL, "TgAuthBot", 9, "wh-secret", 9, NULL) == TGAUTH_OK);
    size_t jwks_len;
    const char *jwks = served_jwks(&jwks_len);
    CHECK(tgauth_oidc_new(&x_oidc, NULL, "7342037359", 10, jwks, jwks_len, NULL) == TGAUTH_OK);
    fflush(NULL);
    for (size_t i = 0; i < sizeof extreme_cases / sizeof extreme_cases[0]; i++) {
        const extreme_case *k = &extreme_cases[i];
        int status = 0;
        pid_t child = fork();
        if (child == 0) {
            int rc = k->call();
            _exit(k->expect < 0 ? (rc >= 0 && rc <= TGAUTH_E_STORE_UNAVAILABLE ? 0 : 1) : rc == k->expect ? 0 : 10 + (rc & 0x3f));
        }
        CHECK(child > 0 && waitpid(child, &status, 0) == child);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "extreme argument '%s': %s %d\n", k->name, WIFSIGNALED(status) ? "signal" : "exit status",
                    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        }
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    /* the message of an extreme time is exact, not wrapped */
    CHECK(tgauth_mini_app_validate(x_app, &d, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA), &c) == TGAUTH_E_FUTURE_AUTH_DATE);
    CHECK(strstr(err.message, "auth_date is 9223372038517547456 s ahead of now") != NULL);
    c = check_with(86400, 60, INT64_MAX, 16384);
    CHECK(tgauth_mini_app_validate(x_app, &d, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA), &c) == TGAUTH_E_EXPIRED);
    CHECK(strstr(err.message, "auth_date is 9223372035192004159 s old") != NULL);
    tgauth_mini_app_free(x_app);
    tgauth_third_party_free(x_third);
    tgauth_widget_free(x_widget);
    tgauth_deeplink_free(x_flow);
    tgauth_oidc_free(x_oidc);
}

/* kilobytes of peak resident memory so far */
static long peak_kb(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

/* Every input's limit is checked before it is copied: a real 100 MB id_token or bot token is refused with no
 * copy of it (the peak memory grows by less than 5 MB), and each limit is where the header says. */
static void test_bounded_inputs(void) {
    size_t big = 100u << 20, jwks_len, len;
    char *data = malloc(big);
    tgauth_error err;
    tgauth_oidc *client = NULL;
    tgauth_mini_app *app = NULL;
    tgauth_id_token *token = NULL;
    const char *jwks = served_jwks(&jwks_len);
    CHECK(data != NULL);
    memset(data, 'a', big);
    CHECK(tgauth_oidc_new(&client, NULL, "7342037359", 10, jwks, jwks_len, NULL) == TGAUTH_OK);
    long before = peak_kb();
    len = sizeof x_buf;
    CHECK(tgauth_oidc_verify(client, x_buf, &len, &err, data, big, NULL, 0, NULL) == TGAUTH_E_TOO_LARGE);
    CHECK(strstr(err.message, "the limit is 16384") != NULL);
    CHECK(tgauth_oidc_verify_token(client, &token, &err, data, big, NULL, 0, NULL) == TGAUTH_E_TOO_LARGE);
    CHECK(tgauth_oidc_set_jwks(client, &err, data, big) == TGAUTH_E_TOO_LARGE);
    CHECK(tgauth_mini_app_new(&app, &err, data, big) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_oidc_verify(client, x_buf, &len, &err, "a.b.c", 5, data, big, NULL) == TGAUTH_E_INVALID_ARGUMENT);
    long grown = peak_kb() - before;
    printf("# a 100 MB id_token, key set, bot token and nonce refused: peak memory grew %ld KiB\n", grown);
    CHECK(grown < 5 * 1024);
    /* at the limits: one byte over is refused as too large; at the limit the token is read (and is malformed) */
    len = sizeof x_buf;
    CHECK(tgauth_oidc_verify(client, x_buf, &len, &err, data, TGAUTH_MAX_ID_TOKEN_BYTES + 1, NULL, 0, NULL) == TGAUTH_E_TOO_LARGE);
    CHECK(tgauth_oidc_verify(client, x_buf, &len, &err, data, TGAUTH_MAX_ID_TOKEN_BYTES, NULL, 0, NULL) == TGAUTH_E_MALFORMED);
    CHECK(tgauth_oidc_set_jwks(client, &err, data, TGAUTH_MAX_JWKS_BYTES + 1) == TGAUTH_E_TOO_LARGE);
    CHECK(tgauth_oidc_set_jwks(client, &err, data, TGAUTH_MAX_JWKS_BYTES) == TGAUTH_E_MALFORMED);
    CHECK(tgauth_mini_app_new(&app, &err, data, TGAUTH_MAX_ARGUMENT_BYTES + 1) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "the limit is 4096") != NULL);
    CHECK(tgauth_mini_app_new(&app, &err, data, TGAUTH_MAX_ARGUMENT_BYTES) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "the limit is") == NULL); /* read, and refused for its shape */
    tgauth_oidc_free(client);
    free(data);
}

/* The output-buffer rule's NULL: `out` NULL with a capacity of 0 asks the size; with a capacity above 0 it is
 * an invalid argument, for every kind of writer. NULL with a length is invalid for optional inputs too. */
static void test_null_output_and_optional_inputs(void) {
    tgauth_error err;
    tgauth_mini_app *app = NULL;
    tgauth_oidc *client = NULL;
    tgauth_deeplink *flow = NULL;
    tgauth_field f = {"query_id", 8, "q", 1};
    size_t n, jwks_len;
    const char *jwks = served_jwks(&jwks_len);
    CHECK(tgauth_mini_app_new(&app, NULL, TOKEN, strlen(TOKEN)) == TGAUTH_OK);
    CHECK(tgauth_oidc_new(&client, NULL, "7342037359", 10, jwks, jwks_len, NULL) == TGAUTH_OK);
    CHECK(tgauth_deeplink_new(&flow, NULL, "TgAuthBot", 9, "wh-secret", 9, NULL) == TGAUTH_OK);
    n = 5;
    CHECK(tgauth_sign_init_data(NULL, &n, TOKEN, strlen(TOKEN), &f, 1, 1700000000, NULL, 0, 0) == TGAUTH_E_INVALID_ARGUMENT);
    n = 0;
    CHECK(tgauth_sign_init_data(NULL, &n, TOKEN, strlen(TOKEN), &f, 1, 1700000000, NULL, 0, 0) == TGAUTH_E_BUFFER_TOO_SMALL && n > 0);
    n = 5;
    CHECK(tgauth_mini_app_validate_record(app, NULL, &n, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA), NULL) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "NULL output buffer") != NULL);
    n = 5;
    CHECK(tgauth_oidc_verify(client, NULL, &n, &err, "a.b.c", 5, NULL, 0, NULL) == TGAUTH_E_INVALID_ARGUMENT);
    n = 5;
    CHECK(tgauth_oidc_token_response(NULL, &n, &err, "{\"id_token\":\"x.y.z\"}", 20) == TGAUTH_E_INVALID_ARGUMENT);
    n = 5;
    CHECK(tgauth_deeplink_start(flow, NULL, &n, &err, "dev", 3) == TGAUTH_E_INVALID_ARGUMENT);
    n = 0;
    CHECK(tgauth_deeplink_start(flow, NULL, &n, &err, "dev", 3) == TGAUTH_E_BUFFER_TOO_SMALL && n == TGAUTH_DEEPLINK_RECORD_SIZE);
    tgauth_deeplink_free(flow);
    flow = NULL;
    /* NULL with a length: app name, Redis URL, client secret */
    tgauth_deeplink_options o;
    CHECK(tgauth_deeplink_options_init(&o) == TGAUTH_OK);
    o.app_name_len = 5;
    CHECK(tgauth_deeplink_new(&flow, &err, "TgAuthBot", 9, "wh-secret", 9, &o) == TGAUTH_E_INVALID_ARGUMENT && flow == NULL);
    CHECK(tgauth_deeplink_options_init(&o) == TGAUTH_OK);
    o.redis_url_len = 3;
    CHECK(tgauth_deeplink_new(&flow, &err, "TgAuthBot", 9, "wh-secret", 9, &o) == TGAUTH_E_INVALID_ARGUMENT && flow == NULL);
    tgauth_oidc_options oo;
    tgauth_oidc *c2 = NULL;
    CHECK(tgauth_oidc_options_init(&oo) == TGAUTH_OK);
    oo.client_secret_len = 4;
    CHECK(tgauth_oidc_new(&c2, &err, "7342037359", 10, jwks, jwks_len, &oo) == TGAUTH_E_INVALID_ARGUMENT && c2 == NULL);
    /* an issuer with credentials is refused, and the message does not repeat them */
    CHECK(tgauth_oidc_options_init(&oo) == TGAUTH_OK);
    oo.issuer = "https://user:hunter2@oauth.example.com";
    oo.issuer_len = strlen(oo.issuer);
    CHECK(tgauth_oidc_new(&c2, &err, "7342037359", 10, jwks, jwks_len, &oo) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "hunter2") == NULL && strstr(err.message, "credentials") != NULL);
    tgauth_mini_app_free(app);
    tgauth_oidc_free(client);
}

void run_arguments_tests(void) {
    test_extreme_arguments();
    test_bounded_inputs();
    test_null_output_and_optional_inputs();
}
