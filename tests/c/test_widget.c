/* The C suite for Login Widget data (tgauth_verify.h). */
#include "support.h"

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


void run_widget_tests(void) {
    test_widget();
}
