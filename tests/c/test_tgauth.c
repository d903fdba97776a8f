/*
 * The C suite: every exported function, good and bad input (NULL pointers and wrong lengths must give
 * TGAUTH_E_INVALID_ARGUMENT, never a crash), the shared vectors, and 8 threads sharing one validator.
 * Ends with the line "N passed, M failed".
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <tgauth.h>

static int passed, failed;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (cond) {                                                                   \
            passed++;                                                                 \
        } else {                                                                      \
            failed++;                                                                 \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);           \
        }                                                                             \
    } while (0)

#define STREQ(a, b) ((a) != NULL && strcmp((a), (b)) == 0)

/* ---- the public vectors: tests/vectors/telegram-vectors.json, flattened by tests/vectors/flatten.py into
 * `path<TAB>value` lines (make writes build/tests/vectors.tsv; TGAUTH_VECTORS names another file) ---- */

static char *vector_lines[256];
static size_t vector_count;

/* The value at `path`; exits when the vectors lack it, since every later check would be meaningless. */
static const char *vector(const char *path) {
    size_t i, n = strlen(path);
    for (i = 0; i < vector_count; i++)
        if (strncmp(vector_lines[i], path, n) == 0 && vector_lines[i][n] == '\t') return vector_lines[i] + n + 1;
    fprintf(stderr, "vectors: no %s\n", path);
    exit(2);
}

static void vector_bytes(uint8_t *out, size_t n, const char *path) {
    const char *hex = vector(path);
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned byte;
        if (sscanf(hex + 2 * i, "%2x", &byte) != 1) {
            fprintf(stderr, "vectors: %s is not %zu bytes of hex\n", path, n);
            exit(2);
        }
        out[i] = (uint8_t)byte;
    }
}

static const char *TOKEN, *DOC_INIT_DATA, *FULL_INIT_DATA, *REAL_INIT_DATA, *REAL_TOKEN, *WIDGET_TOKEN, *WIDGET_JSON;

static void load_vectors(void) {
    const char *path = getenv("TGAUTH_VECTORS") ? getenv("TGAUTH_VECTORS") : "build/tests/vectors.tsv";
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    if (f == NULL) {
        fprintf(stderr, "vectors: cannot open %s (make writes it from tests/vectors/telegram-vectors.json)\n", path);
        exit(2);
    }
    while ((len = getline(&line, &cap, f)) > 0 && vector_count < sizeof vector_lines / sizeof vector_lines[0]) {
        if (line[len - 1] == '\n') line[len - 1] = 0;
        vector_lines[vector_count++] = line;
        line = NULL;
        cap = 0;
    }
    free(line);
    fclose(f);
    TOKEN = vector("mini_app_hmac.0.bot_token");
    DOC_INIT_DATA = vector("mini_app_hmac.0.init_data");
    FULL_INIT_DATA = vector("mini_app_hmac.2.init_data");
    REAL_TOKEN = vector("mini_app_hmac.1.bot_token");
    REAL_INIT_DATA = vector("third_party_ed25519.0.init_data");
    WIDGET_TOKEN = vector("login_widget.0.bot_token");
    WIDGET_JSON = vector("login_widget.0.json");
}

static void free_vectors(void) {
    while (vector_count > 0) free(vector_lines[--vector_count]);
}

static tgauth_check no_age(void) {
    tgauth_check c;
    tgauth_check_init(&c);
    c.max_age = 0;
    return c;
}

static void test_version_and_errors(void) {
    int code;
    CHECK(tgauth_version_number() == TGAUTH_VERSION_NUMBER);
    CHECK(STREQ(tgauth_version_string(), TGAUTH_VERSION_STRING));
    CHECK(STREQ(tgauth_error_kind(TGAUTH_OK), "ok"));
    CHECK(STREQ(tgauth_error_kind(TGAUTH_E_MALFORMED), "malformed"));
    CHECK(STREQ(tgauth_error_kind(TGAUTH_E_MISSING_FIELD), "missing_field"));
    CHECK(STREQ(tgauth_error_kind(TGAUTH_E_BAD_HASH), "bad_hash"));
    CHECK(STREQ(tgauth_error_kind(TGAUTH_E_BAD_SIGNATURE), "bad_signature"));
    CHECK(STREQ(tgauth_error_kind(TGAUTH_E_EXPIRED), "expired"));
    CHECK(STREQ(tgauth_error_kind(TGAUTH_E_FUTURE_AUTH_DATE), "future_auth_date"));
    CHECK(STREQ(tgauth_error_kind(TGAUTH_E_TOO_LARGE), "too_large"));
    CHECK(STREQ(tgauth_error_kind(TGAUTH_E_INVALID_ARGUMENT), "invalid_argument"));
    CHECK(STREQ(tgauth_error_kind(TGAUTH_E_BUFFER_TOO_SMALL), "buffer_too_small"));
    CHECK(STREQ(tgauth_error_kind(-1), "unknown"));
    CHECK(STREQ(tgauth_error_kind(1000), "unknown"));
    for (code = 0; code <= TGAUTH_E_BUFFER_TOO_SMALL; code++) {
        CHECK(tgauth_strerror(code) != NULL && strlen(tgauth_strerror(code)) > 0);
        CHECK(strcmp(tgauth_strerror(code), "unknown status") != 0);
    }
    CHECK(STREQ(tgauth_strerror(77), "unknown status"));
    CHECK(tgauth_secret_bytes() == TGAUTH_SECRET_BYTES);
    CHECK(tgauth_public_key_bytes() == TGAUTH_PUBLIC_KEY_BYTES);
    CHECK(tgauth_private_key_bytes() == TGAUTH_PRIVATE_KEY_BYTES);
    {
        tgauth_check c;
        CHECK(tgauth_check_init(&c) == TGAUTH_OK);
        CHECK(c.max_age == TGAUTH_DEFAULT_MAX_AGE && c.future_skew == TGAUTH_DEFAULT_FUTURE_SKEW && c.now == 0);
        CHECK(c.max_input_bytes == TGAUTH_DEFAULT_MAX_INPUT_BYTES);
        CHECK(tgauth_check_init(NULL) == TGAUTH_E_INVALID_ARGUMENT);
    }
}

/* The header's TGAUTH_E_* values against the library's one table of kinds (TelegramAuthError.Kind): every
 * code the header defines has the kind its name says and a message, and the library knows no other. */
static void test_status_codes_match_the_header(void) {
    const char *path = getenv("TGAUTH_HEADER_DIR") ? getenv("TGAUTH_HEADER_DIR") : "include";
    char file[512], *line = NULL;
    size_t cap = 0;
    int codes = 0, highest = 0;
    FILE *f;
    snprintf(file, sizeof file, "%s/tgauth_verify.h", path);
    f = fopen(file, "r");
    CHECK(f != NULL);
    if (f == NULL) return;
    while (getline(&line, &cap, f) > 0) {
        char name[64], kind[64];
        int code;
        size_t i;
        if (sscanf(line, "#define TGAUTH_E_%63s %d", name, &code) != 2) continue;
        for (i = 0; name[i]; i++) kind[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
        kind[i] = 0;
        if (!STREQ(tgauth_error_kind(code), kind)) fprintf(stderr, "TGAUTH_E_%s = %d: the library calls it %s\n", name, code, tgauth_error_kind(code));
        CHECK(STREQ(tgauth_error_kind(code), kind));
        CHECK(strcmp(tgauth_strerror(code), "unknown status") != 0);
        codes++;
        if (code > highest) highest = code;
    }
    free(line);
    fclose(f);
    CHECK(codes >= 12 && codes == highest); /* 1..highest, none skipped */
    CHECK(STREQ(tgauth_error_kind(highest + 1), "unknown")); /* and no kind the header lacks */
}

/* Every constructor says why it failed, through its tgauth_error. */
static void test_constructors_report_why(void) {
    tgauth_mini_app *app = (tgauth_mini_app *)&app;
    tgauth_widget *w = NULL;
    tgauth_third_party *t = NULL;
    tgauth_error err;
    static const uint8_t zero_key[32];
    CHECK(tgauth_mini_app_new(&app, &err, "no-colon", 8) == TGAUTH_E_INVALID_ARGUMENT && app == NULL);
    CHECK(err.code == TGAUTH_E_INVALID_ARGUMENT && strlen(err.message) > 10 && strstr(err.message, "no-colon") == NULL);
    CHECK(tgauth_widget_new(&w, &err, NULL, 3) == TGAUTH_E_INVALID_ARGUMENT && w == NULL && strlen(err.message) > 0);
    CHECK(tgauth_third_party_new(&t, &err, 42, 7) == TGAUTH_E_INVALID_ARGUMENT && strstr(err.message, "environment") != NULL);
    CHECK(tgauth_third_party_new(&t, &err, 0, TGAUTH_ENVIRONMENT_PRODUCTION) == TGAUTH_E_INVALID_ARGUMENT && strlen(err.message) > 0);
    CHECK(tgauth_third_party_new_with_key(&t, &err, 42, zero_key, 32) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "Ed25519") != NULL && t == NULL);
    CHECK(tgauth_mini_app_new(NULL, &err, "1:a", 3) == TGAUTH_E_INVALID_ARGUMENT && strlen(err.message) > 0);
    CHECK(tgauth_mini_app_new(&app, &err, "1:a", 3) == TGAUTH_OK && app != NULL && err.code == TGAUTH_OK && err.message[0] == 0);
    tgauth_mini_app_free(app);
}

static void test_mini_app(void) {
    tgauth_mini_app *app = NULL;
    tgauth_init_data *data = NULL;
    tgauth_error err;
    tgauth_check check = no_age();
    const tgauth_user *user, *receiver;
    const tgauth_chat *chat;
    int64_t v = 0;
    size_t len = 0;
    tgauth_field extra;

    CHECK(tgauth_mini_app_new(NULL, NULL, TOKEN, strlen(TOKEN)) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_mini_app_new(&app, NULL, NULL, 5) == TGAUTH_E_INVALID_ARGUMENT && app == NULL);
    CHECK(tgauth_mini_app_new(&app, NULL, TOKEN, 0) == TGAUTH_E_INVALID_ARGUMENT && app == NULL);
    CHECK(tgauth_mini_app_new(&app, NULL, TOKEN, strlen(TOKEN)) == TGAUTH_OK && app != NULL);

    CHECK(tgauth_mini_app_validate(app, &data, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA), &check) == TGAUTH_OK);
    CHECK(err.code == TGAUTH_OK);
    user = tgauth_init_data_user(data);
    CHECK(tgauth_user_id(user) == 279058397);
    CHECK(STREQ(tgauth_user_first_name(user, &len), "Vladislav") && len == 9);
    CHECK(STREQ(tgauth_user_last_name(user, NULL), "Kibenko"));
    CHECK(STREQ(tgauth_user_username(user, NULL), "vdkfrost"));
    CHECK(STREQ(tgauth_user_language_code(user, NULL), "ru"));
    CHECK(tgauth_user_photo_url(user, &len) == NULL && len == 0);
    CHECK(tgauth_user_is_premium(user) == 1);
    CHECK(tgauth_user_is_bot(user) == -1);
    CHECK(STREQ(tgauth_init_data_query_id(data, NULL), "AAHdF6IQAAAAAN0XohDhrOrc"));
    CHECK(tgauth_init_data_auth_date(data) == 1662771648);
    CHECK(tgauth_init_data_receiver(data) == NULL);
    CHECK(tgauth_init_data_chat(data) == NULL);
    CHECK(tgauth_init_data_signature(data, NULL) == NULL);
    CHECK(STREQ(tgauth_init_data_hash(data, NULL), "c501b71e775f74ce10e377dea85a7ea24ecd640b223ea86dfe453e0eaed2e2b2"));
    CHECK(tgauth_init_data_can_send_after(data, &v) == 0);
    CHECK(tgauth_init_data_extra_count(data) == 0);
    CHECK(tgauth_init_data_extra(data, &extra, 0) == TGAUTH_E_INVALID_ARGUMENT);
    tgauth_init_data_free(data);

    CHECK(tgauth_mini_app_validate(app, &data, &err, FULL_INIT_DATA, strlen(FULL_INIT_DATA), &check) == TGAUTH_OK);
    user = tgauth_init_data_user(data);
    receiver = tgauth_init_data_receiver(data);
    chat = tgauth_init_data_chat(data);
    CHECK(tgauth_user_id(user) == 222 && tgauth_user_is_bot(user) == 1 && tgauth_user_is_premium(user) == 0);
    CHECK(tgauth_user_added_to_attachment_menu(user) == 0 && tgauth_user_allows_write_to_pm(user) == 0);
    CHECK(STREQ(tgauth_user_photo_url(user, NULL), "user-photo"));
    CHECK(tgauth_user_id(receiver) == 991 && tgauth_user_allows_write_to_pm(receiver) == 1);
    CHECK(STREQ(tgauth_user_username(receiver, NULL), "receiver-username"));
    CHECK(tgauth_chat_id(chat) == 1);
    CHECK(STREQ(tgauth_chat_type(chat, NULL), "group"));
    CHECK(STREQ(tgauth_chat_title(chat, &len), "chat-title") && len == 10);
    CHECK(STREQ(tgauth_chat_username(chat, NULL), "my-chat"));
    CHECK(STREQ(tgauth_chat_photo_url(chat, NULL), "chat-photo"));
    CHECK(STREQ(tgauth_init_data_chat_type(data, NULL), "sender"));
    CHECK(STREQ(tgauth_init_data_chat_instance(data, NULL), "888"));
    CHECK(STREQ(tgauth_init_data_start_param(data, NULL), "debug"));
    CHECK(STREQ(tgauth_init_data_signature(data, &len), "") && len == 0);
    CHECK(tgauth_init_data_can_send_after(data, &v) == 1 && v == 10000);
    CHECK(tgauth_init_data_can_send_after(data, NULL) == 0);
    tgauth_init_data_free(data);

    /* rejections, each with its code and detail */
    {
        char buf[600];
        snprintf(buf, sizeof buf, "tma %s", DOC_INIT_DATA);
        CHECK(tgauth_mini_app_validate(app, &data, &err, buf, strlen(buf), &check) == TGAUTH_OK);
        tgauth_init_data_free(data);
        CHECK(tgauth_mini_app_validate(app, &data, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA), NULL) == TGAUTH_E_EXPIRED);
        CHECK(data == NULL && err.code == TGAUTH_E_EXPIRED && STREQ(err.field, "auth_date"));
        check.now = 1662771648 - 3600;
        CHECK(tgauth_mini_app_validate(app, &data, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA), &check) == TGAUTH_E_FUTURE_AUTH_DATE);
        check = no_age();
        strcpy(buf, DOC_INIT_DATA);
        buf[20] ^= 1;
        CHECK(tgauth_mini_app_validate(app, &data, &err, buf, strlen(buf), &check) == TGAUTH_E_BAD_HASH);
        CHECK(STREQ(err.field, "hash") && strstr(err.message, TOKEN) == NULL);
        CHECK(tgauth_mini_app_validate(app, &data, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA) - 70, &check) == TGAUTH_E_MISSING_FIELD);
        CHECK(STREQ(err.field, "hash"));
        CHECK(tgauth_mini_app_validate(app, &data, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA) - 1, &check) == TGAUTH_E_MALFORMED);
        CHECK(strstr(err.message, "hash") != NULL);
        CHECK(tgauth_mini_app_validate(app, &data, &err, "", 0, &check) == TGAUTH_E_MALFORMED);
        CHECK(strstr(err.message, "empty") != NULL);
        CHECK(tgauth_mini_app_validate(app, &data, &err, NULL, 0, &check) == TGAUTH_E_MALFORMED);
        CHECK(tgauth_mini_app_validate(app, &data, &err, "a=%zz", 5, &check) == TGAUTH_E_MALFORMED);
        CHECK(strstr(err.message, "percent") != NULL);
        check.max_input_bytes = 100;
        CHECK(tgauth_mini_app_validate(app, &data, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA), &check) == TGAUTH_E_TOO_LARGE);
        check.max_input_bytes = 0;
        CHECK(tgauth_mini_app_validate(app, &data, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA), &check) == TGAUTH_E_INVALID_ARGUMENT);
        check = no_age();
        /* NULL pointers and wrong lengths */
        CHECK(tgauth_mini_app_validate(NULL, &data, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA), &check) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_mini_app_validate(app, NULL, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA), &check) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_mini_app_validate(app, &data, &err, NULL, 10, &check) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(err.code == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_mini_app_validate(app, &data, NULL, DOC_INIT_DATA, strlen(DOC_INIT_DATA), &check) == TGAUTH_OK);
        tgauth_init_data_free(data);
    }

    /* accessors with NULL */
    CHECK(tgauth_init_data_auth_date(NULL) == 0);
    CHECK(tgauth_init_data_query_id(NULL, &len) == NULL && len == 0);
    CHECK(tgauth_init_data_chat_type(NULL, NULL) == NULL);
    CHECK(tgauth_init_data_chat_instance(NULL, NULL) == NULL);
    CHECK(tgauth_init_data_start_param(NULL, NULL) == NULL);
    CHECK(tgauth_init_data_hash(NULL, NULL) == NULL);
    CHECK(tgauth_init_data_signature(NULL, NULL) == NULL);
    CHECK(tgauth_init_data_user(NULL) == NULL && tgauth_init_data_receiver(NULL) == NULL && tgauth_init_data_chat(NULL) == NULL);
    CHECK(tgauth_init_data_extra_count(NULL) == 0);
    CHECK(tgauth_init_data_extra(NULL, &extra, 0) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_user_id(NULL) == 0 && tgauth_user_first_name(NULL, NULL) == NULL && tgauth_user_is_bot(NULL) == -1);
    CHECK(tgauth_user_last_name(NULL, NULL) == NULL && tgauth_user_username(NULL, NULL) == NULL);
    CHECK(tgauth_user_language_code(NULL, NULL) == NULL && tgauth_user_photo_url(NULL, NULL) == NULL);
    CHECK(tgauth_user_is_premium(NULL) == -1 && tgauth_user_added_to_attachment_menu(NULL) == -1);
    CHECK(tgauth_user_allows_write_to_pm(NULL) == -1);
    CHECK(tgauth_chat_id(NULL) == 0 && tgauth_chat_type(NULL, NULL) == NULL && tgauth_chat_title(NULL, NULL) == NULL);
    CHECK(tgauth_chat_username(NULL, NULL) == NULL && tgauth_chat_photo_url(NULL, NULL) == NULL);
    tgauth_init_data_free(NULL);
    tgauth_mini_app_free(app);
    tgauth_mini_app_free(NULL);
}

static void test_extras_and_signing(void) {
    char out[1024];
    size_t len = sizeof out;
    tgauth_field fields[] = {{"user", 4, "{\"id\":5,\"first_name\":\"Z\"}", 25}, {"zz_new", 6, "later", 5}};
    tgauth_field dup[] = {{"a", 1, "1", 1}, {"a", 1, "2", 1}};
    tgauth_mini_app *app = NULL;
    tgauth_init_data *data = NULL;
    tgauth_error err;
    tgauth_field extra;
    uint8_t seed[32], pub[32], secret[32];
    tgauth_third_party *third = NULL;
    tgauth_check check;
    int i;

    CHECK(tgauth_sign_init_data(out, &len, TOKEN, strlen(TOKEN), fields, 2, 1700000000, NULL, 0, 0) == TGAUTH_OK);
    CHECK(len == strlen(out) + 1); /* the output-buffer rule: the size includes the NUL */
    len = strlen(out);
    CHECK(tgauth_mini_app_new(&app, NULL, TOKEN, strlen(TOKEN)) == TGAUTH_OK);
    tgauth_check_init(&check);
    check.now = 1700000005;
    CHECK(tgauth_mini_app_validate(app, &data, &err, out, len, &check) == TGAUTH_OK);
    CHECK(tgauth_user_id(tgauth_init_data_user(data)) == 5);
    CHECK(tgauth_init_data_extra_count(data) == 1);
    CHECK(tgauth_init_data_extra(data, &extra, 0) == TGAUTH_OK);
    CHECK(extra.key_len == 6 && memcmp(extra.key, "zz_new", 6) == 0 && extra.value_len == 5 && memcmp(extra.value, "later", 5) == 0);
    CHECK(tgauth_init_data_extra(data, NULL, 0) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_init_data_extra(data, &extra, 1) == TGAUTH_E_INVALID_ARGUMENT);
    tgauth_init_data_free(data);

    /* buffer sizing */
    len = 10;
    CHECK(tgauth_sign_init_data(out, &len, TOKEN, strlen(TOKEN), fields, 2, 1700000000, NULL, 0, 0) == TGAUTH_E_BUFFER_TOO_SMALL);
    CHECK(len > 10);
    {
        size_t needed = len;
        len = 0;
        CHECK(tgauth_sign_init_data(NULL, &len, TOKEN, strlen(TOKEN), fields, 2, 1700000000, NULL, 0, 0) == TGAUTH_E_BUFFER_TOO_SMALL);
        CHECK(len == needed && len > 100);
        len = needed - 1; /* room for everything but the NUL is too small */
        CHECK(tgauth_sign_init_data(out, &len, TOKEN, strlen(TOKEN), fields, 2, 1700000000, NULL, 0, 0) == TGAUTH_E_BUFFER_TOO_SMALL);
        CHECK(len == needed);
        CHECK(tgauth_sign_init_data(out, &len, TOKEN, strlen(TOKEN), fields, 2, 1700000000, NULL, 0, 0) == TGAUTH_OK);
        CHECK(len == needed && strlen(out) + 1 == needed);
    }
    len = sizeof out;
    CHECK(tgauth_sign_init_data(out, NULL, TOKEN, strlen(TOKEN), fields, 2, 1, NULL, 0, 0) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_sign_init_data(out, &len, NULL, 3, fields, 2, 1, NULL, 0, 0) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_sign_init_data(out, &len, TOKEN, 0, fields, 2, 1, NULL, 0, 0) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_sign_init_data(out, &len, TOKEN, strlen(TOKEN), NULL, 2, 1, NULL, 0, 0) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_sign_init_data(out, &len, TOKEN, strlen(TOKEN), dup, 2, 1, NULL, 0, 0) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_sign_init_data(out, &len, TOKEN, strlen(TOKEN), fields, 2, 1, seed, 31, 42) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_sign_init_data(out, &len, TOKEN, strlen(TOKEN), fields, 2, 1, NULL, 32, 42) == TGAUTH_E_INVALID_ARGUMENT);

    /* Ed25519: sign with a seed, validate with its public key (the shared custom key pair) */
    {
        vector_bytes(seed, 32, "third_party_ed25519.1.private_key_seed_hex");
        vector_bytes(pub, 32, "third_party_ed25519.1.public_key_hex");
    }
    len = sizeof out;
    CHECK(tgauth_sign_init_data(out, &len, TOKEN, strlen(TOKEN), fields, 2, 1700000000, seed, 32, 42) == TGAUTH_OK);
    CHECK(strstr(out, "signature=") != NULL);
    len = strlen(out);
    CHECK(tgauth_third_party_new_with_key(&third, NULL, 42, pub, 32) == TGAUTH_OK);
    CHECK(tgauth_third_party_validate(third, &data, &err, out, len, &check) == TGAUTH_OK);
    CHECK(tgauth_user_id(tgauth_init_data_user(data)) == 5);
    tgauth_init_data_free(data);
    tgauth_third_party_free(third);
    CHECK(tgauth_third_party_new_with_key(&third, NULL, 43, pub, 32) == TGAUTH_OK);
    CHECK(tgauth_third_party_validate(third, &data, &err, out, len, &check) == TGAUTH_E_BAD_SIGNATURE);
    CHECK(STREQ(err.field, "signature"));
    tgauth_third_party_free(third);

    /* the verified-result cache: hits, the time window re-checked on a hit, size changes, off */
    {
        uint64_t hits = 99, misses = 99;
        size_t entries = 99, capacity = 0;
        tgauth_check late = no_age();
        late.max_age = 60;
        late.now = 1700000000 + 3600;
        CHECK(tgauth_third_party_new_with_key(&third, NULL, 42, pub, 32) == TGAUTH_OK);
        CHECK(tgauth_third_party_cache_stats(third, &hits, &misses, &entries, &capacity) == TGAUTH_OK);
        CHECK(hits == 0 && misses == 0 && entries == 0 && capacity == TGAUTH_THIRD_PARTY_DEFAULT_CACHE_SIZE);
        for (i = 0; i < 3; i++) {
            CHECK(tgauth_third_party_validate(third, &data, &err, out, len, &check) == TGAUTH_OK);
            CHECK(tgauth_user_id(tgauth_init_data_user(data)) == 5);
            tgauth_init_data_free(data);
        }
        CHECK(tgauth_third_party_cache_stats(third, &hits, &misses, &entries, NULL) == TGAUTH_OK);
        CHECK(hits == 2 && misses == 1 && entries == 1);
        CHECK(tgauth_third_party_validate(third, &data, &err, out, len, &late) == TGAUTH_E_EXPIRED && data == NULL);
        CHECK(STREQ(err.field, "auth_date"));
        CHECK(tgauth_third_party_cache_stats(third, &hits, NULL, &entries, NULL) == TGAUTH_OK);
        CHECK(hits == 3 && entries == 0);
        out[len - 1] = out[len - 1] == 'A' ? 'B' : 'A'; /* one byte of the signature changed: never a hit */
        CHECK(tgauth_third_party_validate(third, &data, &err, out, len, &check) != TGAUTH_OK);
        CHECK(tgauth_third_party_set_cache_size(third, 0) == TGAUTH_OK);
        CHECK(tgauth_third_party_cache_stats(third, NULL, NULL, &entries, &capacity) == TGAUTH_OK);
        CHECK(entries == 0 && capacity == 0);
        CHECK(tgauth_third_party_set_cache_size(NULL, 4) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_third_party_set_cache_size(third, (size_t)1 << 40) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_third_party_cache_stats(NULL, &hits, NULL, NULL, NULL) == TGAUTH_E_INVALID_ARGUMENT);
        tgauth_third_party_free(third);
    }
    third = NULL;
    CHECK(tgauth_third_party_new_with_key(&third, NULL, 42, pub, 31) == TGAUTH_E_INVALID_ARGUMENT && third == NULL);
    CHECK(tgauth_third_party_new_with_key(&third, NULL, 42, NULL, 32) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_third_party_new_with_key(&third, NULL, 0, pub, 32) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_third_party_new_with_key(NULL, NULL, 42, pub, 32) == TGAUTH_E_INVALID_ARGUMENT);

    /* secrets (shared vectors) */
    {
        uint8_t want[32];
        const char *token = vector("secrets.0.bot_token");
        vector_bytes(want, 32, "secrets.0.secret_key_hex");
        CHECK(tgauth_mini_app_secret(secret, token, strlen(token)) == TGAUTH_OK && memcmp(secret, want, 32) == 0);
        token = vector("secrets.1.bot_token");
        vector_bytes(want, 32, "secrets.1.secret_key_hex");
        CHECK(tgauth_widget_secret(secret, token, strlen(token)) == TGAUTH_OK && memcmp(secret, want, 32) == 0);
        CHECK(tgauth_mini_app_secret(NULL, "x", 1) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_mini_app_secret(secret, "x", 0) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_widget_secret(secret, NULL, 1) == TGAUTH_E_INVALID_ARGUMENT);
        vector_bytes(want, 32, "telegram_ed25519_public_keys.production");
        CHECK(tgauth_telegram_public_key(pub, TGAUTH_ENVIRONMENT_PRODUCTION) == TGAUTH_OK && memcmp(pub, want, 32) == 0);
        vector_bytes(want, 32, "telegram_ed25519_public_keys.test");
        CHECK(tgauth_telegram_public_key(pub, TGAUTH_ENVIRONMENT_TEST) == TGAUTH_OK && memcmp(pub, want, 32) == 0);
        CHECK(tgauth_telegram_public_key(pub, 7) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_telegram_public_key(NULL, 0) == TGAUTH_E_INVALID_ARGUMENT);
    }
    tgauth_mini_app_free(app);
}

/* Splits a record into its NUL-terminated parts; returns how many. */
static size_t record_parts(const char *rec, size_t len, const char **parts, size_t max) {
    size_t n = 0, i = 0;
    while (i < len && n < max) {
        parts[n++] = rec + i;
        i += strlen(rec + i) + 1;
    }
    return n;
}

static void test_records(void) {
    tgauth_mini_app *app = NULL;
    tgauth_third_party *third = NULL;
    tgauth_widget *w = NULL;
    tgauth_error err;
    tgauth_check check = no_age();
    char rec[2048];
    const char *p[64];
    size_t len, n;

    CHECK(tgauth_mini_app_new(&app, NULL, TOKEN, strlen(TOKEN)) == TGAUTH_OK);
    len = sizeof rec;
    CHECK(tgauth_mini_app_validate_record(app, rec, &len, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA), &check) == TGAUTH_OK);
    n = record_parts(rec, len, p, 64);
    /* shape: query_id, hash present; user with last_name, username, language_code; is_premium true */
    CHECK(n == 9 && STREQ(p[0], "I1000100u1110-1--00"));
    CHECK(STREQ(p[1], "1662771648") && STREQ(p[2], "AAHdF6IQAAAAAN0XohDhrOrc"));
    CHECK(STREQ(p[3], "c501b71e775f74ce10e377dea85a7ea24ecd640b223ea86dfe453e0eaed2e2b2"));
    CHECK(STREQ(p[4], "279058397") && STREQ(p[5], "Vladislav") && STREQ(p[6], "Kibenko"));
    CHECK(STREQ(p[7], "vdkfrost") && STREQ(p[8], "ru"));
    /* too small: the size needed comes back, nothing else changes */
    {
        size_t needed = len;
        len = 10;
        CHECK(tgauth_mini_app_validate_record(app, rec, &len, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA), &check) == TGAUTH_E_BUFFER_TOO_SMALL);
        CHECK(len == needed && err.code == TGAUTH_E_BUFFER_TOO_SMALL);
        len = 0;
        CHECK(tgauth_mini_app_validate_record(app, NULL, &len, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA), &check) == TGAUTH_E_BUFFER_TOO_SMALL);
        CHECK(len == needed);
    }
    len = sizeof rec;
    CHECK(tgauth_mini_app_validate_record(app, rec, &len, &err, DOC_INIT_DATA, 40, &check) == TGAUTH_E_MALFORMED);
    CHECK(err.code == TGAUTH_E_MALFORMED && STREQ(err.field, "user"));
    CHECK(tgauth_mini_app_validate_record(NULL, rec, &len, &err, DOC_INIT_DATA, 10, &check) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_mini_app_validate_record(app, rec, NULL, &err, DOC_INIT_DATA, 10, &check) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_mini_app_validate_record(app, rec, &len, &err, NULL, 10, &check) == TGAUTH_E_INVALID_ARGUMENT);
    len = sizeof rec;
    CHECK(tgauth_mini_app_validate_record(app, rec, &len, &err, FULL_INIT_DATA, strlen(FULL_INIT_DATA), &check) == TGAUTH_OK);
    n = record_parts(rec, len, p, 64);
    CHECK(n > 10 && p[0][0] == 'I' && strchr(p[0], 'c') != NULL);
    tgauth_mini_app_free(app);

    CHECK(tgauth_third_party_new(&third, NULL, 7342037359LL, TGAUTH_ENVIRONMENT_PRODUCTION) == TGAUTH_OK);
    len = sizeof rec;
    CHECK(tgauth_third_party_validate_record(third, rec, &len, &err, REAL_INIT_DATA, strlen(REAL_INIT_DATA), &check) == TGAUTH_OK);
    n = record_parts(rec, len, p, 64);
    CHECK(n >= 6 && p[0][0] == 'I' && p[0][6] == '1' /* signature */ && p[0][8] == 'u');
    {
        int found = 0;
        for (size_t i = 0; i < n; i++) found |= STREQ(p[i], "Vladislav + - ? /");
        CHECK(found);
    }
    CHECK(tgauth_third_party_validate_record(third, rec, &len, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA), &check) == TGAUTH_E_MISSING_FIELD);
    CHECK(tgauth_third_party_validate_record(NULL, rec, &len, &err, DOC_INIT_DATA, 1, &check) == TGAUTH_E_INVALID_ARGUMENT);
    tgauth_third_party_free(third);

    CHECK(tgauth_widget_new(&w, NULL, WIDGET_TOKEN, strlen(WIDGET_TOKEN)) == TGAUTH_OK);
    len = sizeof rec;
    CHECK(tgauth_widget_verify_record(w, rec, &len, &err, WIDGET_JSON, strlen(WIDGET_JSON), &check) == TGAUTH_OK);
    n = record_parts(rec, len, p, 64);
    CHECK(n == 7 && STREQ(p[0], "W1101----") && STREQ(p[1], "1565810688") && STREQ(p[2], "42"));
    CHECK(STREQ(p[3], "John") && STREQ(p[4], "Smith") && STREQ(p[5], "username"));
    CHECK(STREQ(p[6], "https://t.me/i/userpic/320/picname.jpg"));
    {
        static const char pairs[] = "id\0" "42\0" "first_name\0" "John\0" "last_name\0" "Smith\0" "username\0" "username\0"
                                    "photo_url\0" "https://t.me/i/userpic/320/picname.jpg\0" "auth_date\0" "1565810688\0"
                                    "hash\0" "c303db2b5a06fe41d23a9b14f7c545cfc11dcc7473c07c9c5034ae60062461ce";
        size_t plen = sizeof pairs - 1;
        char bad[sizeof pairs];
        len = sizeof rec;
        CHECK(tgauth_widget_verify_pairs_record(w, rec, &len, &err, pairs, plen, 7, &check) == TGAUTH_OK);
        CHECK(STREQ(rec, "W1101----"));
        CHECK(tgauth_widget_verify_pairs_record(w, rec, &len, &err, pairs, plen, 6, &check) == TGAUTH_E_MALFORMED);
        CHECK(tgauth_widget_verify_pairs_record(w, rec, &len, &err, pairs, plen, 8, &check) == TGAUTH_E_MALFORMED);
        CHECK(tgauth_widget_verify_pairs_record(w, rec, &len, &err, pairs, plen, 0, &check) == TGAUTH_E_MALFORMED);
        memcpy(bad, pairs, sizeof pairs);
        bad[3] = 'X'; /* id=4X: the hash no longer matches */
        len = sizeof rec;
        CHECK(tgauth_widget_verify_pairs_record(w, rec, &len, &err, bad, plen, 7, &check) == TGAUTH_E_BAD_HASH);
        CHECK(tgauth_widget_verify_pairs_record(w, rec, &len, &err, NULL, 5, 7, &check) == TGAUTH_E_INVALID_ARGUMENT);
    }
    CHECK(tgauth_widget_verify_record(NULL, rec, &len, &err, WIDGET_JSON, 3, &check) == TGAUTH_E_INVALID_ARGUMENT);
    tgauth_widget_free(w);
}

static void test_third_party(void) {
    tgauth_third_party *third = NULL;
    tgauth_init_data *data = NULL;
    tgauth_error err;
    tgauth_check check = no_age();
    tgauth_mini_app *app = NULL;

    CHECK(tgauth_third_party_new(&third, NULL, 7342037359LL, 5) == TGAUTH_E_INVALID_ARGUMENT && third == NULL);
    CHECK(tgauth_third_party_new(&third, NULL, -1, TGAUTH_ENVIRONMENT_PRODUCTION) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_third_party_new(NULL, NULL, 1, TGAUTH_ENVIRONMENT_PRODUCTION) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_third_party_new(&third, NULL, 7342037359LL, TGAUTH_ENVIRONMENT_PRODUCTION) == TGAUTH_OK);
    CHECK(tgauth_third_party_validate(third, &data, &err, REAL_INIT_DATA, strlen(REAL_INIT_DATA), &check) == TGAUTH_OK);
    CHECK(tgauth_user_id(tgauth_init_data_user(data)) == 279058397);
    CHECK(STREQ(tgauth_user_first_name(tgauth_init_data_user(data), NULL), "Vladislav + - ? /"));
    CHECK(STREQ(tgauth_user_photo_url(tgauth_init_data_user(data), NULL),
                "https://t.me/i/userpic/320/4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg"));
    CHECK(tgauth_user_allows_write_to_pm(tgauth_init_data_user(data)) == 1);
    tgauth_init_data_free(data);
    CHECK(tgauth_third_party_validate(third, &data, &err, DOC_INIT_DATA, strlen(DOC_INIT_DATA), &check) == TGAUTH_E_MISSING_FIELD);
    CHECK(STREQ(err.field, "signature"));
    CHECK(tgauth_third_party_validate(NULL, &data, &err, REAL_INIT_DATA, 10, &check) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_third_party_validate(third, NULL, &err, REAL_INIT_DATA, 10, &check) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_third_party_validate(third, &data, &err, NULL, 10, &check) == TGAUTH_E_INVALID_ARGUMENT);
    tgauth_third_party_free(third);
    CHECK(tgauth_third_party_new(&third, NULL, 7342037359LL, TGAUTH_ENVIRONMENT_TEST) == TGAUTH_OK);
    CHECK(tgauth_third_party_validate(third, &data, &err, REAL_INIT_DATA, strlen(REAL_INIT_DATA), &check) == TGAUTH_E_BAD_SIGNATURE);
    tgauth_third_party_free(third);
    tgauth_third_party_free(NULL);

    /* the same real payload also carries a valid hash for its bot token */
    CHECK(tgauth_mini_app_new(&app, NULL, REAL_TOKEN, strlen(REAL_TOKEN)) == TGAUTH_OK);
    CHECK(tgauth_mini_app_validate(app, &data, &err, REAL_INIT_DATA, strlen(REAL_INIT_DATA), &check) == TGAUTH_OK);
    CHECK(STREQ(tgauth_init_data_chat_instance(data, NULL), "8134722200314281151"));
    tgauth_init_data_free(data);
    tgauth_mini_app_free(app);
}

static void test_widget(void) {
    tgauth_widget *w = NULL;
    tgauth_widget_data *data = NULL;
    tgauth_error err;
    tgauth_check check = no_age();
    tgauth_field fields[] = {{"id", 2, "42", 2},
                             {"first_name", 10, "John", 4},
                             {"last_name", 9, "Smith", 5},
                             {"username", 8, "username", 8},
                             {"photo_url", 9, "https://t.me/i/userpic/320/picname.jpg", 38},
                             {"auth_date", 9, "1565810688", 10},
                             {"hash", 4, "c303db2b5a06fe41d23a9b14f7c545cfc11dcc7473c07c9c5034ae60062461ce", 64}};
    char query[1024], url[1200];
    size_t len = sizeof query;
    tgauth_field extra;
    const tgauth_user *u;

    CHECK(tgauth_widget_new(&w, NULL, NULL, 3) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_widget_new(&w, NULL, WIDGET_TOKEN, 0) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_widget_new(NULL, NULL, WIDGET_TOKEN, 3) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_widget_new(&w, NULL, WIDGET_TOKEN, strlen(WIDGET_TOKEN)) == TGAUTH_OK);

    CHECK(tgauth_widget_verify(w, &data, &err, WIDGET_JSON, strlen(WIDGET_JSON), &check) == TGAUTH_OK);
    u = tgauth_widget_data_user(data);
    CHECK(tgauth_user_id(u) == 42 && STREQ(tgauth_user_first_name(u, NULL), "John"));
    CHECK(STREQ(tgauth_user_last_name(u, NULL), "Smith") && STREQ(tgauth_user_username(u, NULL), "username"));
    CHECK(STREQ(tgauth_user_photo_url(u, NULL), "https://t.me/i/userpic/320/picname.jpg"));
    CHECK(tgauth_widget_data_auth_date(data) == 1565810688);
    CHECK(tgauth_widget_data_extra_count(data) == 0);
    CHECK(tgauth_widget_data_extra(data, &extra, 0) == TGAUTH_E_INVALID_ARGUMENT);
    tgauth_widget_data_free(data);

    CHECK(tgauth_widget_verify_fields(w, &data, &err, fields, 7, &check) == TGAUTH_OK);
    CHECK(tgauth_user_id(tgauth_widget_data_user(data)) == 42);
    tgauth_widget_data_free(data);
    fields[1].value = "Joh";
    fields[1].value_len = 3;
    CHECK(tgauth_widget_verify_fields(w, &data, &err, fields, 7, &check) == TGAUTH_E_BAD_HASH);
    CHECK(tgauth_widget_verify_fields(w, &data, &err, fields, 6, &check) == TGAUTH_E_MISSING_FIELD);
    CHECK(tgauth_widget_verify_fields(w, &data, &err, NULL, 6, &check) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_widget_verify_fields(w, &data, &err, NULL, 0, &check) == TGAUTH_E_MALFORMED);
    CHECK(tgauth_widget_verify_fields(NULL, &data, &err, fields, 7, &check) == TGAUTH_E_INVALID_ARGUMENT);

    /* a signed callback URL with an extra field */
    {
        tgauth_field sf[] = {{"id", 2, "7", 1}, {"first_name", 10, "W", 1}, {"new_field", 9, "x", 1}};
        CHECK(tgauth_sign_widget(query, &len, WIDGET_TOKEN, strlen(WIDGET_TOKEN), sf, 3, 1700000000) == TGAUTH_OK);
        CHECK(tgauth_sign_widget(query, NULL, WIDGET_TOKEN, strlen(WIDGET_TOKEN), sf, 3, 1) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_sign_widget(query, &len, WIDGET_TOKEN, strlen(WIDGET_TOKEN), NULL, 3, 1) == TGAUTH_E_INVALID_ARGUMENT);
        snprintf(url, sizeof url, "myapp://telegram-callback?%s", query);
        CHECK(tgauth_widget_verify(w, &data, &err, url, strlen(url), &check) == TGAUTH_OK);
        CHECK(tgauth_widget_data_extra_count(data) == 1);
        CHECK(tgauth_widget_data_extra(data, &extra, 0) == TGAUTH_OK && extra.key_len == 9 && memcmp(extra.value, "x", 1) == 0);
        tgauth_widget_data_free(data);
        CHECK(tgauth_widget_verify(w, &data, &err, url, strlen(url) - 1, &check) == TGAUTH_E_MALFORMED);
        check.now = 1700000000 + 90000;
        check.max_age = TGAUTH_DEFAULT_MAX_AGE;
        CHECK(tgauth_widget_verify(w, &data, &err, url, strlen(url), &check) == TGAUTH_E_EXPIRED);
        check = no_age();
    }
    CHECK(tgauth_widget_verify(w, &data, &err, NULL, 3, &check) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_widget_verify(w, NULL, &err, "a=b", 3, &check) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_widget_verify(NULL, &data, &err, "a=b", 3, &check) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_widget_data_user(NULL) == NULL && tgauth_widget_data_auth_date(NULL) == 0);
    CHECK(tgauth_widget_data_extra_count(NULL) == 0 && tgauth_widget_data_extra(NULL, &extra, 0) == TGAUTH_E_INVALID_ARGUMENT);
    tgauth_widget_data_free(NULL);
    tgauth_widget_free(w);
    tgauth_widget_free(NULL);
}

/* ---- 8 threads share one validator ---- */

#define THREADS 8
#define SAMPLES 16
static tgauth_mini_app *shared_app;
static char samples[SAMPLES][700];
static size_t sample_len[SAMPLES];
static long iterations_per_thread;

static void *worker(void *arg) {
    long i, bad = 0;
    long t = (long)(intptr_t)arg;
    tgauth_check check;
    tgauth_check_init(&check);
    check.now = 1700000001;
    for (i = 0; i < iterations_per_thread; i++) {
        int s = (int)((i + t) % SAMPLES);
        tgauth_init_data *data = NULL;
        tgauth_error err;
        int rc = tgauth_mini_app_validate(shared_app, &data, &err, samples[s], sample_len[s], &check);
        /* odd samples were tampered with; even ones must verify with the right user id */
        if (s % 2 == 0) {
            if (rc != TGAUTH_OK || tgauth_user_id(tgauth_init_data_user(data)) != 1000 + s) bad++;
        } else if (rc != TGAUTH_E_BAD_HASH) {
            bad++;
        }
        tgauth_init_data_free(data);
    }
    return (void *)(intptr_t)bad;
}

static void test_threads(void) {
    pthread_t threads[THREADS];
    long t, bad = 0;
    const char *env = getenv("TGAUTH_TEST_THREAD_ITERATIONS");
    iterations_per_thread = env ? atol(env) : 12500; /* 8 x 12,500 = 100,000 validations */
    CHECK(tgauth_mini_app_new(&shared_app, NULL, TOKEN, strlen(TOKEN)) == TGAUTH_OK);
    for (t = 0; t < SAMPLES; t++) {
        char user[128];
        tgauth_field f[2];
        size_t len = sizeof samples[t];
        snprintf(user, sizeof user, "{\"id\":%ld,\"first_name\":\"T%ld\",\"username\":\"thread_user\"}", 1000 + t, t);
        f[0].key = "user"; f[0].key_len = 4; f[0].value = user; f[0].value_len = strlen(user);
        f[1].key = "query_id"; f[1].key_len = 8; f[1].value = "AAHdF6IQAAAAAN0XohDhrOrc"; f[1].value_len = 24;
        CHECK(tgauth_sign_init_data(samples[t], &len, TOKEN, strlen(TOKEN), f, 2, 1700000000, NULL, 0, 0) == TGAUTH_OK);
        sample_len[t] = strlen(samples[t]);
        if (t % 2 == 1) samples[t][10] = samples[t][10] == 'A' ? 'B' : 'A';
    }
    for (t = 0; t < THREADS; t++) pthread_create(&threads[t], NULL, worker, (void *)(intptr_t)t);
    for (t = 0; t < THREADS; t++) {
        void *r;
        pthread_join(threads[t], &r);
        bad += (long)(intptr_t)r;
    }
    CHECK(bad == 0);
    printf("threads: %d threads x %ld validations on one validator, %ld wrong results\n", THREADS,
           iterations_per_thread, bad);
    tgauth_mini_app_free(shared_app);
}

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

/* ---- extreme arguments: each export, each in a forked child, must return a status and never trap ---- */

/* A size_t of 2^63 or more is negative as a Swift Int; SIZE_MAX is what a careless caller passes. */
#define HUGE_LEN ((size_t)1 << 63)

static tgauth_mini_app *x_app;
static tgauth_third_party *x_third;
static tgauth_widget *x_widget;
static tgauth_deeplink *x_flow;
static char x_buf[TGAUTH_DEEPLINK_RECORD_SIZE];
static tgauth_oidc *x_oidc;

/* Telegram's key set as served (tests/vectors/telegram-oidc-jwks.json) */
static const char *served_jwks(size_t *len) {
    static char jwks[8192];
    static size_t jwks_len;
    if (jwks_len == 0) {
        FILE *f = fopen("tests/vectors/telegram-oidc-jwks.json", "r");
        if (f) {
            jwks_len = fread(jwks, 1, sizeof jwks, f);
            fclose(f);
        }
    }
    *len = jwks_len;
    return jwks;
}

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

/* No message or field of any error holds a byte below 0x20 or 0x7F, whatever the input carried. */
static int printable(const char *s) {
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7F) return 0;
    }
    return 1;
}

static void test_messages_escape_control_bytes(void) {
    static const char *inputs[] = {
        "a%0D%1B%5B31mFAKE=1&auth_date=1&hash=0000000000000000000000000000000000000000000000000000000000000000",
        "a%0D%1B%5B31mFAKE",
        "a%0D%1B%5B31mFAKE%FF=1",
        "x%7F%0A=%FF",
        "a%0D%1B%5B31mFAKE=1&a%0D%1B%5B31mFAKE=2",
        "user=%7B%22id%22%3A1%2C%22first_name%22%3A%22A%22%2C%22a%0D%1B%5B31m%22%3A1%2C%22a%0D%1B%5B31m%22%3A2%7D",
    };
    tgauth_mini_app *app = NULL;
    tgauth_widget *widget = NULL;
    tgauth_error err;
    CHECK(tgauth_mini_app_new(&app, NULL, TOKEN, strlen(TOKEN)) == TGAUTH_OK);
    CHECK(tgauth_widget_new(&widget, NULL, WIDGET_TOKEN, strlen(WIDGET_TOKEN)) == TGAUTH_OK);
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        tgauth_init_data *d = NULL;
        tgauth_widget_data *w = NULL;
        CHECK(tgauth_mini_app_validate(app, &d, &err, inputs[i], strlen(inputs[i]), NULL) != TGAUTH_OK);
        CHECK(printable(err.message) && printable(err.field));
        CHECK(tgauth_widget_verify(widget, &w, &err, inputs[i], strlen(inputs[i]), NULL) != TGAUTH_OK);
        CHECK(printable(err.message) && printable(err.field));
    }
    /* the escapes are there for a reader: the duplicate key is named with \r and \x1b */
    tgauth_init_data *d = NULL;
    CHECK(tgauth_mini_app_validate(app, &d, &err, inputs[4], strlen(inputs[4]), NULL) == TGAUTH_E_MALFORMED);
    CHECK(strstr(err.message, "a\\r\\x1b[31mFAKE") != NULL);
    tgauth_mini_app_free(app);
    tgauth_widget_free(widget);
}

/* ---- the bad-input table (tests/bad-inputs/cases.tsv, also read by the Swift and Python suites) ---- */

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

/* the status (as its kind) or "ignored:<reason>" that the C ABI gives for one row */
static void bad_input_verdict(const char *target, tgauth_check *check, const char *in, size_t n, char *verdict, size_t cap) {
    static char rec[TGAUTH_DEEPLINK_RECORD_SIZE];
    tgauth_error err;
    int rc = TGAUTH_E_INVALID_ARGUMENT;
    err.message[0] = 0;
    if (!strcmp(target, "mini_app")) {
        tgauth_mini_app *app = NULL;
        tgauth_init_data *data = NULL;
        if (tgauth_mini_app_new(&app, NULL, TOKEN, strlen(TOKEN)) == TGAUTH_OK) rc = tgauth_mini_app_validate(app, &data, &err, in, n, check);
        tgauth_init_data_free(data);
        tgauth_mini_app_free(app);
    } else if (!strcmp(target, "widget")) {
        tgauth_widget *w = NULL;
        tgauth_widget_data *data = NULL;
        if (tgauth_widget_new(&w, NULL, TOKEN, strlen(TOKEN)) == TGAUTH_OK) rc = tgauth_widget_verify(w, &data, &err, in, n, check);
        tgauth_widget_data_free(data);
        tgauth_widget_free(w);
    } else if (!strcmp(target, "third_party")) {
        tgauth_third_party *t = NULL;
        tgauth_init_data *data = NULL;
        if (tgauth_third_party_new(&t, NULL, 7342037359LL, TGAUTH_ENVIRONMENT_PRODUCTION) == TGAUTH_OK)
            rc = tgauth_third_party_validate(t, &data, &err, in, n, check);
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
        size_t len = sizeof rec;
        sign_claims_eddsa(in, n, token, sizeof token, jwks, sizeof jwks);
        if (tgauth_oidc_new(&v, &err, "7342037359", 10, jwks, strlen(jwks), NULL) == TGAUTH_OK)
            rc = tgauth_oidc_verify(v, rec, &len, &err, token, strlen(token), NULL, 0, check);
        tgauth_oidc_free(v);
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
    const char *path = getenv("TGAUTH_BAD_INPUTS") ? getenv("TGAUTH_BAD_INPUTS") : "tests/bad-inputs/cases.tsv";
    FILE *f = fopen(path, "r");
    char *line = NULL, verdict[128];
    size_t cap = 0;
    int rows = 0;
    CHECK(f != NULL);
    if (f == NULL) return;
    while (getline(&line, &cap, f) > 0) {
        char *field[6], *p = line;
        tgauth_check check;
        size_t n, i;
        if (line[0] == '#') continue;
        for (i = 0; i < 6; i++) {
            field[i] = p;
            p += strcspn(p, "\t\n");
            if (*p) *p++ = 0;
        }
        n = strlen(field[5]) / 2;
        for (i = 0; i < n; i++) field[5][i] = (char)(hexval(field[5][2 * i]) * 16 + hexval(field[5][2 * i + 1]));
        tgauth_check_init(&check);
        check.now = atoll(field[2]);
        check.max_input_bytes = (size_t)atoll(field[3]);
        bad_input_verdict(field[1], &check, field[5], n, verdict, sizeof verdict);
        if (strcmp(verdict, field[4]) != 0) fprintf(stderr, "bad input \"%s\" (%s): got %s\n", field[0], field[1], verdict);
        CHECK(strcmp(verdict, field[4]) == 0);
        rows++;
    }
    CHECK(rows >= 40);
    free(line);
    fclose(f);
}

/* ---- OpenID Connect (tgauth_oidc.h): an EdDSA token signed here with the vectors' custom key pair ---- */

static void b64url(char *out, const uint8_t *in, size_t n) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t i, o = 0;
    for (i = 0; i + 2 < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[o++] = alphabet[v >> 18 & 63], out[o++] = alphabet[v >> 12 & 63], out[o++] = alphabet[v >> 6 & 63],
        out[o++] = alphabet[v & 63];
    }
    if (n - i == 1) {
        unsigned v = (unsigned)in[i] << 16;
        out[o++] = alphabet[v >> 18 & 63], out[o++] = alphabet[v >> 12 & 63];
    } else if (n - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        out[o++] = alphabet[v >> 18 & 63], out[o++] = alphabet[v >> 12 & 63], out[o++] = alphabet[v >> 6 & 63];
    }
    out[o] = 0;
}

/* header.payload.signature, signed with `sk` */
static void jws(char *out, const char *header, const char *claims, const uint8_t sk[64]) {
    uint8_t sig[64];
    size_t n;
    b64url(out, (const uint8_t *)header, strlen(header));
    n = strlen(out);
    out[n++] = '.';
    b64url(out + n, (const uint8_t *)claims, strlen(claims));
    n = strlen(out);
    crypto_sign_detached(sig, NULL, (const uint8_t *)out, n, sk);
    out[n++] = '.';
    b64url(out + n, sig, 64);
}

static void test_oidc(void) {
    uint8_t seed[32], pk[32], sk[64];
    char x[64], jwks[256], other[256], token[1024], claims[1024];
    const char *body = "{\"iss\":\"https://oauth.telegram.org\",\"aud\":\"7342037359\",\"sub\":\"opaque\",\"id\":279058397,"
                       "\"iat\":1799999990,\"exp\":1800003590,\"nonce\":\"n-1\"}";
    tgauth_oidc *v = NULL;
    tgauth_error err;
    tgauth_check check;
    size_t len;
    CHECK(sodium_init() >= 0);
    vector_bytes(seed, 32, "third_party_ed25519.1.private_key_seed_hex");
    crypto_sign_seed_keypair(pk, sk, seed);
    b64url(x, pk, 32);
    snprintf(jwks, sizeof jwks, "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"alg\":\"EdDSA\",\"kid\":\"ed-1\",\"x\":\"%s\"}]}", x);
    snprintf(other, sizeof other, "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"ed-2\",\"x\":\"%s\"}]}", x);
    jws(token, "{\"alg\":\"EdDSA\",\"kid\":\"ed-1\"}", body, sk);
    tgauth_check_init(&check);
    check.max_age = 0;
    check.now = 1800000000;

    CHECK(tgauth_oidc_new(&v, &err, "7342037359", 10, jwks, strlen(jwks), NULL) == TGAUTH_OK && v != NULL);
    len = sizeof claims;
    CHECK(tgauth_oidc_verify(v, claims, &len, &err, token, strlen(token), "n-1", 3, &check) == TGAUTH_OK);
    CHECK(len == strlen(claims) + 1 && strstr(claims, "\"id\":279058397") != NULL && strstr(claims, "\"sub\":\"opaque\"") != NULL);
    /* the output-buffer rule */
    {
        size_t needed = len;
        len = 10;
        CHECK(tgauth_oidc_verify(v, claims, &len, &err, token, strlen(token), NULL, 0, &check) == TGAUTH_E_BUFFER_TOO_SMALL);
        CHECK(len == needed);
        len = 0;
        CHECK(tgauth_oidc_verify(v, NULL, &len, &err, token, strlen(token), NULL, 0, &check) == TGAUTH_E_BUFFER_TOO_SMALL && len == needed);
    }
    /* the typed result: the schema's accessors */
    {
        tgauth_id_token *t = (tgauth_id_token *)&t;
        int64_t id = 0;
        size_t n = 0;
        CHECK(tgauth_oidc_verify_token(v, &t, &err, token, strlen(token), "n-1", 3, &check) == TGAUTH_OK && t != NULL);
        CHECK(STREQ(tgauth_id_token_sub(t, &n), "opaque") && n == 6);
        CHECK(tgauth_id_token_id(t, &id) == 1 && id == 279058397);
        CHECK(tgauth_id_token_iat(t) == 1799999990 && tgauth_id_token_exp(t) == 1800003590);
        CHECK(STREQ(tgauth_id_token_nonce(t, NULL), "n-1") && tgauth_id_token_name(t, NULL) == NULL);
        CHECK(tgauth_id_token_claims(t, &n) != NULL && n == strlen(body) && memcmp(tgauth_id_token_claims(t, NULL), body, n) == 0);
        tgauth_id_token_free(t);
        t = (tgauth_id_token *)&t;
        CHECK(tgauth_oidc_verify_token(v, &t, &err, token, strlen(token), "n-2", 3, &check) == TGAUTH_E_BAD_CLAIM && t == NULL);
        tgauth_id_token_free(NULL);
        CHECK(tgauth_id_token_claims(NULL, &n) == NULL && tgauth_id_token_sub(NULL, &n) == NULL);
    }
    len = sizeof claims;
    CHECK(tgauth_oidc_verify(v, claims, &len, &err, token, strlen(token), "n-2", 3, &check) == TGAUTH_E_BAD_CLAIM);
    CHECK(STREQ(err.field, "nonce"));
    {
        char tampered[1024];
        size_t at = strlen(token) - 10;
        snprintf(tampered, sizeof tampered, "%s", token);
        tampered[at] = tampered[at] == 'A' ? 'B' : 'A'; /* another signature */
        CHECK(tgauth_oidc_verify(v, claims, &len, &err, tampered, strlen(tampered), NULL, 0, &check) == TGAUTH_E_BAD_SIGNATURE);
        CHECK(tgauth_oidc_verify(v, claims, &len, &err, token, strlen(token) - 1, NULL, 0, &check) == TGAUTH_E_MALFORMED);
    }
    CHECK(tgauth_oidc_verify(v, claims, &len, &err, "a.b", 3, NULL, 0, &check) == TGAUTH_E_MALFORMED);
    check.now = 1800003590 + 61;
    CHECK(tgauth_oidc_verify(v, claims, &len, &err, token, strlen(token), NULL, 0, &check) == TGAUTH_E_EXPIRED);
    check.now = 1800000000;
    /* a rotation: the old kid becomes unknown, and a failed replacement keeps the set */
    CHECK(tgauth_oidc_set_jwks(v, &err, other, strlen(other)) == TGAUTH_OK);
    CHECK(tgauth_oidc_verify(v, claims, &len, &err, token, strlen(token), NULL, 0, &check) == TGAUTH_E_UNKNOWN_KEY);
    CHECK(STREQ(tgauth_error_kind(TGAUTH_E_UNKNOWN_KEY), "unknown_key"));
    CHECK(tgauth_oidc_set_jwks(v, &err, "{\"keys\":", 8) == TGAUTH_E_MALFORMED);
    CHECK(tgauth_oidc_set_jwks(v, &err, jwks, strlen(jwks)) == TGAUTH_OK);
    len = sizeof claims;
    CHECK(tgauth_oidc_verify(v, claims, &len, &err, token, strlen(token), NULL, 0, &check) == TGAUTH_OK);
    /* arguments */
    CHECK(tgauth_oidc_verify(NULL, claims, &len, &err, token, strlen(token), NULL, 0, &check) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_oidc_verify(v, claims, NULL, &err, token, strlen(token), NULL, 0, &check) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_oidc_set_jwks(NULL, &err, jwks, strlen(jwks)) == TGAUTH_E_INVALID_ARGUMENT);
    /* the authorization-code flow: records of strings, from a client made with a redirect URI and a secret */
    {
        char rec[4096];
        const char *uri = "https://app.example/cb", *parts[8];
        size_t n;
        tgauth_oidc *flow = NULL, *other = NULL;
        tgauth_oidc_options o;
        tgauth_id_token *t = (tgauth_id_token *)&t;
        len = sizeof rec;
        CHECK(tgauth_oidc_authorization_request(v, rec, &len, &err, "openid", 6, 0) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(strstr(err.message, "redirect URI") != NULL); /* v was made without one */
        CHECK(tgauth_oidc_options_init(&o) == TGAUTH_OK && o.timeout_ms == 10000 && o.issuer == NULL);
        CHECK(tgauth_oidc_options_init(NULL) == TGAUTH_E_INVALID_ARGUMENT);
        o.redirect_uri = uri;
        o.redirect_uri_len = strlen(uri);
        o.client_secret = "s3cr3t";
        o.client_secret_len = 6;
        CHECK(tgauth_oidc_new(&flow, &err, "7342037359", 10, jwks, strlen(jwks), &o) == TGAUTH_OK);
        CHECK(tgauth_oidc_authorization_request(flow, rec, &len, &err, "openid profile", 14, 1) == TGAUTH_OK);
        n = record_parts(rec, len, parts, 8);
        CHECK(n == 4 && strncmp(parts[0], "https://oauth.telegram.org/auth?", 32) == 0 && strlen(parts[3]) == 43);
        CHECK(strstr(parts[0], parts[1]) != NULL && strstr(parts[0], parts[3]) == NULL); /* the state in it, never the verifier */
        len = 10;
        CHECK(tgauth_oidc_authorization_request(flow, rec, &len, &err, "openid", 6, 0) == TGAUTH_E_BUFFER_TOO_SMALL && len > 100);
        len = sizeof rec;
        CHECK(tgauth_oidc_authorization_request(flow, rec, &len, &err, "email", 5, 0) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_oidc_authorization_request(NULL, rec, &len, &err, "openid", 6, 0) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_oidc_new(&other, &err, "bot", 3, jwks, strlen(jwks), &o) == TGAUTH_E_INVALID_ARGUMENT && other == NULL);
        /* a stand-in issuer moves every endpoint; a non-https one is refused */
        o.issuer = "https://127.0.0.1:8443";
        o.issuer_len = strlen(o.issuer);
        CHECK(tgauth_oidc_new(&other, &err, "7342037359", 10, jwks, strlen(jwks), &o) == TGAUTH_OK);
        len = sizeof rec;
        CHECK(tgauth_oidc_token_request(other, rec, &len, &err, "c0de", 4, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", 43) == TGAUTH_OK);
        CHECK(STREQ(rec, "https://127.0.0.1:8443/token"));
        tgauth_oidc_free(other);
        other = NULL;
        o.issuer = "http://127.0.0.1:8443";
        o.issuer_len = strlen(o.issuer);
        CHECK(tgauth_oidc_new(&other, &err, "7342037359", 10, jwks, strlen(jwks), &o) == TGAUTH_E_INVALID_ARGUMENT && other == NULL);
        o.issuer = NULL;
        o.issuer_len = 0;
        o.timeout_ms = 0;
        CHECK(tgauth_oidc_new(&other, &err, "7342037359", 10, jwks, strlen(jwks), &o) == TGAUTH_E_INVALID_ARGUMENT && other == NULL);
        len = sizeof rec;
        CHECK(tgauth_oidc_token_request(flow, rec, &len, &err, "c0de", 4, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", 43) == TGAUTH_OK);
        n = record_parts(rec, len, parts, 8);
        CHECK(n == 6 && STREQ(parts[0], "https://oauth.telegram.org/token") && strstr(parts[1], "code_verifier=dBjft") != NULL);
        CHECK(STREQ(parts[4], "Authorization") && STREQ(parts[5], "Basic NzM0MjAzNzM1OTpzM2NyM3Q="));
        CHECK(tgauth_oidc_token_request(flow, rec, &len, &err, "c", 1, "short", 5) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(strstr(err.message, "s3cr3t") == NULL);
        /* the exchange checks its arguments before any request; a wrong verifier never reaches the network */
        CHECK(tgauth_oidc_exchange(flow, &t, &err, "c0de", 4, "short", 5, NULL, 0, NULL) == TGAUTH_E_INVALID_ARGUMENT && t == NULL);
        CHECK(tgauth_oidc_exchange(v, &t, &err, "c0de", 4, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", 43, NULL, 0, NULL) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_oidc_exchange(NULL, &t, &err, "c0de", 4, "v", 1, NULL, 0, NULL) == TGAUTH_E_INVALID_ARGUMENT);
        tgauth_oidc_free(flow);
        len = sizeof rec;
        {
            static const char answer[] = "{\"id_token\":\"a.b.c\",\"expires_in\":3600}";
            CHECK(tgauth_oidc_token_response(rec, &len, &err, answer, strlen(answer)) == TGAUTH_OK);
        }
        n = record_parts(rec, len, parts, 8);
        CHECK(n == 3 && STREQ(parts[0], "a.b.c") && STREQ(parts[1], "") && STREQ(parts[2], "3600"));
        {
            static const char refusal[] = "{\"error\":\"invalid_grant\"}";
            CHECK(tgauth_oidc_token_response(rec, &len, &err, refusal, strlen(refusal)) == TGAUTH_E_OAUTH_ERROR);
        }
        CHECK(strstr(err.message, "invalid_grant") != NULL && STREQ(tgauth_error_kind(TGAUTH_E_OAUTH_ERROR), "oauth_error"));
    }
    tgauth_oidc_free(v);
    tgauth_oidc_free(NULL);
    v = (tgauth_oidc *)&v;
    CHECK(tgauth_oidc_new(&v, &err, "", 0, jwks, strlen(jwks), NULL) == TGAUTH_E_INVALID_ARGUMENT && v == NULL);
    {
        static const char hmac_key[] = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"h\"}]}";
        CHECK(tgauth_oidc_new(&v, &err, "1", 1, hmac_key, strlen(hmac_key), NULL) == TGAUTH_E_INVALID_ARGUMENT);
    }
    CHECK(strstr(err.message, "oct") != NULL);
}

int main(void) {
    load_vectors();
    test_version_and_errors();
    test_status_codes_match_the_header();
    test_constructors_report_why();
    test_mini_app();
    test_extras_and_signing();
    test_third_party();
    test_widget();
    test_records();
    test_threads();
    test_deeplink();
    test_bad_input_table();
    test_extreme_arguments();
    test_bounded_inputs();
    test_webhook_secret();
    test_null_output_and_optional_inputs();
    test_messages_escape_control_bytes();
    test_oidc();
    free_vectors();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
