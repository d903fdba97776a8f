/* The C suite for tgauth_verify.h: versions and errors, the verifiers, signing, threads, webhook secrets, messages. */
#include "support.h"

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

void run_verify_tests(void) {
    test_version_and_errors();
    test_status_codes_match_the_header();
    test_constructors_report_why();
    test_mini_app();
    test_extras_and_signing();
    test_third_party();
    test_widget();
    test_threads();
    test_webhook_secret();
    test_messages_escape_control_bytes();
}
