/* The C suite for Mini App initData checked with the bot token (tgauth_verify.h): results, extras and signing. */
#include "support.h"

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


void run_mini_app_tests(void) {
    test_mini_app();
    test_extras_and_signing();
}
