/* The C suite for third-party Mini App data, checked by Telegram's Ed25519 signature (tgauth_verify.h). */
#include "support.h"

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


void run_third_party_tests(void) {
    test_third_party();
}
