/* The C suite for tgauth_record.h: results as one record. */
#include "support.h"

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

void run_record_tests(void) {
    test_records();
}
