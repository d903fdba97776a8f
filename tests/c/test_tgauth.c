/*
 * The C suite: every exported function, good and bad input (NULL pointers and wrong lengths must give
 * TGAUTH_E_INVALID_ARGUMENT, never a crash), the shared vectors, and 8 threads sharing one validator.
 * Ends with the line "N passed, M failed".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static const char TOKEN[] = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8";
static const char DOC_INIT_DATA[] =
    "query_id=AAHdF6IQAAAAAN0XohDhrOrc&user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%22%2C%22last_"
    "name%22%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru%22%2C%22is_premium%22%"
    "3Atrue%7D&auth_date=1662771648&hash=c501b71e775f74ce10e377dea85a7ea24ecd640b223ea86dfe453e0eaed2e2b2";
static const char FULL_INIT_DATA[] =
    "can_send_after=10000&chat=%7B%22id%22%3A1%2C%22type%22%3A%22group%22%2C%22username%22%3A%22my-chat%22%2C%22ti"
    "tle%22%3A%22chat-title%22%2C%22photo_url%22%3A%22chat-photo%22%7D&chat_instance=888&chat_type=sender&query_id="
    "QUERY&receiver=%7B%22added_to_attachment_menu%22%3Afalse%2C%22allows_write_to_pm%22%3Atrue%2C%22first_name%22%"
    "3A%22receiver-first-name%22%2C%22id%22%3A991%2C%22is_bot%22%3Afalse%2C%22is_premium%22%3Atrue%2C%22language_co"
    "de%22%3A%22ru%22%2C%22last_name%22%3A%22receiver-last-name%22%2C%22photo_url%22%3A%22receiver-photo%22%2C%22us"
    "ername%22%3A%22receiver-username%22%7D&start_param=debug&user=%7B%22added_to_attachment_menu%22%3Afalse%2C%22a"
    "llows_write_to_pm%22%3Afalse%2C%22first_name%22%3A%22user-first-name%22%2C%22id%22%3A222%2C%22is_bot%22%3Atrue"
    "%2C%22is_premium%22%3Afalse%2C%22language_code%22%3A%22en%22%2C%22last_name%22%3A%22user-last-name%22%2C%22pho"
    "to_url%22%3A%22user-photo%22%2C%22username%22%3A%22user-username%22%7D&auth_date=1&signature=&hash=cc10443c8ae"
    "0ee6c7b97bac5db17c64ed07ef0755627b1ca70a72ac5c39d89e9";
static const char REAL_INIT_DATA[] =
    "user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%20%2B%20-%20%3F%20%5C%2F%22%2C%22last_name%22"
    "%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru%22%2C%22is_premium%22%3Atrue"
    "%2C%22allows_write_to_pm%22%3Atrue%2C%22photo_url%22%3A%22https%3A%5C%2F%5C%2Ft.me%5C%2Fi%5C%2Fuserpic%5C%2F320"
    "%5C%2F4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg%22%7D&chat_instance=8134722200314281151&chat_type=private"
    "&auth_date=1733584787&signature=zL-ucjNyREiHDE8aihFwpfR9aggP2xiAo3NSpfe-p7IbCisNlDKlo7Kb6G4D0Ao2mBrSgEk4maLSdv6"
    "MLIlADQ&hash=2174df5b000556d044f3f020384e879c8efcab55ddea2ced4eb752e93e7080d6";
static const char REAL_TOKEN[] = "7342037359:AAFZehRPBRs8Seg40oDjTMIW8uTGPuW1zfQ";
static const char WIDGET_TOKEN[] = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
static const char WIDGET_JSON[] =
    "{\"id\":42,\"first_name\":\"John\",\"last_name\":\"Smith\",\"username\":\"username\",\"photo_url\":\"https://t."
    "me/i/userpic/320/picname.jpg\",\"auth_date\":1565810688,\"hash\":\"c303db2b5a06fe41d23a9b14f7c545cfc11dcc7473c0"
    "7c9c5034ae60062461ce\"}";

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

    CHECK(tgauth_mini_app_new(NULL, TOKEN, strlen(TOKEN)) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_mini_app_new(&app, NULL, 5) == TGAUTH_E_INVALID_ARGUMENT && app == NULL);
    CHECK(tgauth_mini_app_new(&app, TOKEN, 0) == TGAUTH_E_INVALID_ARGUMENT && app == NULL);
    CHECK(tgauth_mini_app_new(&app, TOKEN, strlen(TOKEN)) == TGAUTH_OK && app != NULL);

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
    CHECK(len == strlen(out));
    CHECK(tgauth_mini_app_new(&app, TOKEN, strlen(TOKEN)) == TGAUTH_OK);
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
    len = 0;
    CHECK(tgauth_sign_init_data(NULL, &len, TOKEN, strlen(TOKEN), fields, 2, 1700000000, NULL, 0, 0) == TGAUTH_E_BUFFER_TOO_SMALL);
    CHECK(len > 100);
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
        static const char seed_hex[] = "c80e09dc60f5efcf2e1f8d0793358e0ea3371267bef0024588f7bf67cf48dfb9";
        static const char pub_hex[] = "4112765021341e5415e772cd65903f6b94e3ea1c2ab669e6d3e18ee2db00da61";
        for (i = 0; i < 32; i++) {
            unsigned a, b;
            sscanf(seed_hex + 2 * i, "%2x", &a);
            sscanf(pub_hex + 2 * i, "%2x", &b);
            seed[i] = (uint8_t)a;
            pub[i] = (uint8_t)b;
        }
    }
    len = sizeof out;
    CHECK(tgauth_sign_init_data(out, &len, TOKEN, strlen(TOKEN), fields, 2, 1700000000, seed, 32, 42) == TGAUTH_OK);
    CHECK(strstr(out, "signature=") != NULL);
    CHECK(tgauth_third_party_new_with_key(&third, 42, pub, 32) == TGAUTH_OK);
    CHECK(tgauth_third_party_validate(third, &data, &err, out, len, &check) == TGAUTH_OK);
    CHECK(tgauth_user_id(tgauth_init_data_user(data)) == 5);
    tgauth_init_data_free(data);
    tgauth_third_party_free(third);
    CHECK(tgauth_third_party_new_with_key(&third, 43, pub, 32) == TGAUTH_OK);
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
        CHECK(tgauth_third_party_new_with_key(&third, 42, pub, 32) == TGAUTH_OK);
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
    CHECK(tgauth_third_party_new_with_key(&third, 42, pub, 31) == TGAUTH_E_INVALID_ARGUMENT && third == NULL);
    CHECK(tgauth_third_party_new_with_key(&third, 42, NULL, 32) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_third_party_new_with_key(&third, 0, pub, 32) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_third_party_new_with_key(NULL, 42, pub, 32) == TGAUTH_E_INVALID_ARGUMENT);

    /* secrets (shared vectors) */
    {
        static const uint8_t mini[4] = {0xfe, 0x37, 0xf4, 0x90}, widget[4] = {0xea, 0x5a, 0xdd, 0x57};
        CHECK(tgauth_mini_app_secret(secret, "my-secret-token", 15) == TGAUTH_OK && memcmp(secret, mini, 4) == 0);
        CHECK(tgauth_widget_secret(secret, "my-secret-token", 15) == TGAUTH_OK && memcmp(secret, widget, 4) == 0);
        CHECK(tgauth_mini_app_secret(NULL, "x", 1) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_mini_app_secret(secret, "x", 0) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_widget_secret(secret, NULL, 1) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_telegram_public_key(pub, TGAUTH_ENVIRONMENT_PRODUCTION) == TGAUTH_OK && pub[0] == 0xe7 && pub[31] == 0x2d);
        CHECK(tgauth_telegram_public_key(pub, TGAUTH_ENVIRONMENT_TEST) == TGAUTH_OK && pub[0] == 0x40 && pub[31] == 0xec);
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

    CHECK(tgauth_mini_app_new(&app, TOKEN, strlen(TOKEN)) == TGAUTH_OK);
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

    CHECK(tgauth_third_party_new(&third, 7342037359LL, TGAUTH_ENVIRONMENT_PRODUCTION) == TGAUTH_OK);
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

    CHECK(tgauth_widget_new(&w, WIDGET_TOKEN, strlen(WIDGET_TOKEN)) == TGAUTH_OK);
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

    CHECK(tgauth_third_party_new(&third, 7342037359LL, 5) == TGAUTH_E_INVALID_ARGUMENT && third == NULL);
    CHECK(tgauth_third_party_new(&third, -1, TGAUTH_ENVIRONMENT_PRODUCTION) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_third_party_new(NULL, 1, TGAUTH_ENVIRONMENT_PRODUCTION) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_third_party_new(&third, 7342037359LL, TGAUTH_ENVIRONMENT_PRODUCTION) == TGAUTH_OK);
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
    CHECK(tgauth_third_party_new(&third, 7342037359LL, TGAUTH_ENVIRONMENT_TEST) == TGAUTH_OK);
    CHECK(tgauth_third_party_validate(third, &data, &err, REAL_INIT_DATA, strlen(REAL_INIT_DATA), &check) == TGAUTH_E_BAD_SIGNATURE);
    tgauth_third_party_free(third);
    tgauth_third_party_free(NULL);

    /* the same real payload also carries a valid hash for its bot token */
    CHECK(tgauth_mini_app_new(&app, REAL_TOKEN, strlen(REAL_TOKEN)) == TGAUTH_OK);
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

    CHECK(tgauth_widget_new(&w, NULL, 3) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_widget_new(&w, WIDGET_TOKEN, 0) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_widget_new(NULL, WIDGET_TOKEN, 3) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_widget_new(&w, WIDGET_TOKEN, strlen(WIDGET_TOKEN)) == TGAUTH_OK);

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
    CHECK(tgauth_mini_app_new(&shared_app, TOKEN, strlen(TOKEN)) == TGAUTH_OK);
    for (t = 0; t < SAMPLES; t++) {
        char user[128];
        tgauth_field f[2];
        size_t len = sizeof samples[t];
        snprintf(user, sizeof user, "{\"id\":%ld,\"first_name\":\"T%ld\",\"username\":\"thread_user\"}", 1000 + t, t);
        f[0].key = "user"; f[0].key_len = 4; f[0].value = user; f[0].value_len = strlen(user);
        f[1].key = "query_id"; f[1].key_len = 8; f[1].value = "AAHdF6IQAAAAAN0XohDhrOrc"; f[1].value_len = 24;
        CHECK(tgauth_sign_init_data(samples[t], &len, TOKEN, strlen(TOKEN), f, 2, 1700000000, NULL, 0, 0) == TGAUTH_OK);
        sample_len[t] = len;
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

    len = 100; /* too small: refused before anything happens */
    CHECK(tgauth_deeplink_start(flow, rec, &len, &err, "C test", 6) == TGAUTH_E_INVALID_ARGUMENT);
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

/* ---- the bad-input table (tests/bad-inputs/cases.tsv, also read by the Swift and Python suites) ---- */

static int hexval(int c) { return c <= '9' ? c - '0' : (c | 32) - 'a' + 10; }

/* the status (as its kind) or "ignored:<reason>" that the C ABI gives for one row */
static void bad_input_verdict(const char *target, tgauth_check *check, const char *in, size_t n, char *verdict, size_t cap) {
    static const char TOKEN[] = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8";
    static char rec[TGAUTH_DEEPLINK_RECORD_SIZE];
    tgauth_error err;
    int rc = TGAUTH_E_INVALID_ARGUMENT;
    err.message[0] = 0;
    if (!strcmp(target, "mini_app")) {
        tgauth_mini_app *app = NULL;
        tgauth_init_data *data = NULL;
        if (tgauth_mini_app_new(&app, TOKEN, strlen(TOKEN)) == TGAUTH_OK) rc = tgauth_mini_app_validate(app, &data, &err, in, n, check);
        tgauth_init_data_free(data);
        tgauth_mini_app_free(app);
    } else if (!strcmp(target, "widget")) {
        tgauth_widget *w = NULL;
        tgauth_widget_data *data = NULL;
        if (tgauth_widget_new(&w, TOKEN, strlen(TOKEN)) == TGAUTH_OK) rc = tgauth_widget_verify(w, &data, &err, in, n, check);
        tgauth_widget_data_free(data);
        tgauth_widget_free(w);
    } else if (!strcmp(target, "third_party")) {
        tgauth_third_party *t = NULL;
        tgauth_init_data *data = NULL;
        if (tgauth_third_party_new(&t, 7342037359LL, TGAUTH_ENVIRONMENT_PRODUCTION) == TGAUTH_OK)
            rc = tgauth_third_party_validate(t, &data, &err, in, n, check);
        tgauth_init_data_free(data);
        tgauth_third_party_free(t);
    } else if (!strcmp(target, "bot_token")) {
        tgauth_mini_app *app = NULL;
        rc = tgauth_mini_app_new(&app, in, n);
        tgauth_mini_app_free(app);
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

int main(void) {
    test_version_and_errors();
    test_mini_app();
    test_extras_and_signing();
    test_third_party();
    test_widget();
    test_records();
    test_threads();
    test_deeplink();
    test_bad_input_table();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
