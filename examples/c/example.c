/*
 * Verifies a Login Widget callback, Mini App initData and third-party initData, and prints the user;
 * then runs a bot deep-link login in memory, playing Telegram's part with two webhook updates.
 * Build: cc example.c $(pkg-config --cflags --libs tgauth)
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <tgauth.h>

/* A fixture bot token, not a live bot. Real servers read theirs from the environment or a secret store. */
static const char BOT_TOKEN[] = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8";

/* A real payload signed by Telegram, with both a hash and an Ed25519 signature (bot 7342037359). */
static const char REAL_INIT_DATA[] =
    "user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%20%2B%20-%20%3F%20%5C%2F%22%2C%22last_name%22"
    "%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru%22%2C%22is_premium%22%3Atrue"
    "%2C%22allows_write_to_pm%22%3Atrue%2C%22photo_url%22%3A%22https%3A%5C%2F%5C%2Ft.me%5C%2Fi%5C%2Fuserpic%5C%2F320"
    "%5C%2F4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg%22%7D&chat_instance=8134722200314281151&chat_type=private"
    "&auth_date=1733584787&signature=zL-ucjNyREiHDE8aihFwpfR9aggP2xiAo3NSpfe-p7IbCisNlDKlo7Kb6G4D0Ao2mBrSgEk4maLSdv6"
    "MLIlADQ&hash=2174df5b000556d044f3f020384e879c8efcab55ddea2ced4eb752e93e7080d6";

static void print_user(const char *label, const tgauth_user *user) {
    const char *username = tgauth_user_username(user, NULL);
    const char *last = tgauth_user_last_name(user, NULL);
    printf("%s: id=%lld first_name=%s last_name=%s username=%s\n", label, (long long)tgauth_user_id(user),
           tgauth_user_first_name(user, NULL), last ? last : "-", username ? username : "-");
}

/* the i-th NUL-terminated string of a deep-link record */
static const char *nth(const char *record, int i) {
    while (i-- > 0) record += strlen(record) + 1;
    return record;
}

static int fail(const char *what, int rc, const tgauth_error *err) {
    fprintf(stderr, "%s: %s: %s\n", what, tgauth_error_kind(rc), err->message);
    return 1;
}

int main(void) {
    tgauth_error err;
    int rc;
    char signed_data[2048];
    size_t len = sizeof signed_data;
    long long now = (long long)time(NULL);

    if (tgauth_version_number() != TGAUTH_VERSION_NUMBER) {
        fprintf(stderr, "header %s does not match library %s\n", TGAUTH_VERSION_STRING, tgauth_version_string());
        return 1;
    }
    printf("tgauth %s\n", tgauth_version_string());

    /* 1. Login Widget: the redirect a mobile WebView intercepts, myapp://telegram-callback?id=...&hash=... */
    {
        tgauth_field fields[] = {
            {"id", 2, "279058397", 9}, {"first_name", 10, "Vladislav", 9}, {"username", 8, "vdkfrost", 8}};
        char url[2100];
        tgauth_widget *widget = NULL;
        tgauth_widget_data *login = NULL;
        rc = tgauth_sign_widget(signed_data, &len, BOT_TOKEN, strlen(BOT_TOKEN), fields, 3, now);
        if (rc != TGAUTH_OK) return fail("sign widget", rc, &err);
        snprintf(url, sizeof url, "myapp://telegram-callback?%s", signed_data);

        rc = tgauth_widget_new(&widget, NULL, BOT_TOKEN, strlen(BOT_TOKEN));
        if (rc != TGAUTH_OK) return fail("widget", rc, &err);
        rc = tgauth_widget_verify(widget, &login, &err, url, strlen(url), NULL);
        if (rc != TGAUTH_OK) return fail("widget verify", rc, &err);
        print_user("widget callback", tgauth_widget_data_user(login));
        tgauth_widget_data_free(login);

        /* the same URL with one character changed is refused */
        url[strlen(url) - 1] ^= 1;
        rc = tgauth_widget_verify(widget, &login, &err, url, strlen(url), NULL);
        printf("tampered widget callback: %s (%s)\n", tgauth_error_kind(rc), err.message);
        tgauth_widget_free(widget);
        if (rc == TGAUTH_OK) return 1;
    }

    /* 2. Mini App initData, as the Authorization header `tma <initData>` */
    {
        tgauth_field fields[] = {
            {"query_id", 8, "AAHdF6IQAAAAAN0XohDhrOrc", 24},
            {"user", 4, "{\"id\":279058397,\"first_name\":\"Vladislav\",\"username\":\"vdkfrost\",\"is_premium\":true}", 83},
            {"chat_instance", 13, "-3788475317572404878", 20},
            {"chat_type", 9, "private", 7}};
        char header[2100];
        tgauth_mini_app *app = NULL;
        tgauth_init_data *data = NULL;
        const tgauth_user *user;
        len = sizeof signed_data;
        fields[1].value_len = strlen(fields[1].value);
        rc = tgauth_sign_init_data(signed_data, &len, BOT_TOKEN, strlen(BOT_TOKEN), fields, 4, now, NULL, 0, 0);
        if (rc != TGAUTH_OK) return fail("sign init data", rc, &err);
        snprintf(header, sizeof header, "tma %s", signed_data);

        rc = tgauth_mini_app_new(&app, NULL, BOT_TOKEN, strlen(BOT_TOKEN));
        if (rc != TGAUTH_OK) return fail("mini app", rc, &err);
        rc = tgauth_mini_app_validate(app, &data, &err, header, strlen(header), NULL);
        if (rc != TGAUTH_OK) return fail("mini app validate", rc, &err);
        user = tgauth_init_data_user(data);
        print_user("mini app", user);
        printf("mini app: is_premium=%d chat_type=%s chat_instance=%s auth_date=%lld\n", tgauth_user_is_premium(user),
               tgauth_init_data_chat_type(data, NULL), tgauth_init_data_chat_instance(data, NULL),
               (long long)tgauth_init_data_auth_date(data));
        tgauth_init_data_free(data);
        tgauth_mini_app_free(app);
    }

    /* 3. Third-party validation: Telegram's Ed25519 signature, with only the bot id */
    {
        tgauth_third_party *third = NULL;
        tgauth_init_data *data = NULL;
        tgauth_check check;
        tgauth_check_init(&check);
        check.max_age = 0; /* a recorded payload from 2024: turn the age check off for this demo */
        rc = tgauth_third_party_new(&third, NULL, 7342037359LL, TGAUTH_ENVIRONMENT_PRODUCTION);
        if (rc != TGAUTH_OK) return fail("third party", rc, &err);
        rc = tgauth_third_party_validate(third, &data, &err, REAL_INIT_DATA, strlen(REAL_INIT_DATA), &check);
        if (rc != TGAUTH_OK) return fail("third party validate", rc, &err);
        print_user("third party (real Telegram signature)", tgauth_init_data_user(data));
        tgauth_init_data_free(data);

        rc = tgauth_third_party_validate(third, &data, &err, REAL_INIT_DATA, strlen(REAL_INIT_DATA), NULL);
        printf("same data with the default 24 h age limit: %s (%s)\n", tgauth_error_kind(rc), err.message);
        tgauth_third_party_free(third);
        if (rc != TGAUTH_E_EXPIRED) return 1;
    }

    /* 4. Bot deep-link login, in memory, with the confirmation step (the default) */
    {
        static char rec[TGAUTH_DEEPLINK_RECORD_SIZE], token[80], poll_secret[80], update[1024];
        static const char webhook_secret[] = "example-webhook-secret";
        tgauth_deeplink *flow = NULL;
        tgauth_deeplink_options options;
        const char *button;
        tgauth_deeplink_options_init(&options);
        options.app_name = "Example App";
        options.app_name_len = strlen(options.app_name);
        rc = tgauth_deeplink_new(&flow, &err, "TgAuthExampleBot", 16, webhook_secret, strlen(webhook_secret), &options);
        if (rc != TGAUTH_OK) return fail("deeplink", rc, &err);

        /* the app asks its backend to start: it gets the link to open, and a poll secret for itself */
        len = sizeof rec;
        rc = tgauth_deeplink_start(flow, rec, &len, &err, "Pixel 8", 7);
        if (rc != TGAUTH_OK) return fail("deeplink start", rc, &err);
        snprintf(token, sizeof token, "%s", nth(rec, 0));
        snprintf(poll_secret, sizeof poll_secret, "%s", nth(rec, 1));
        printf("deep link: the app opens %s (expires at %s)\n", nth(rec, 2), nth(rec, 4));

        /* Telegram delivers /start TOKEN; the bot's reply (with Confirm/Cancel buttons) is the HTTP response */
        snprintf(update, sizeof update,
                 "{\"update_id\":1,\"message\":{\"message_id\":5,\"from\":{\"id\":279058397,\"is_bot\":false,"
                 "\"first_name\":\"Vladislav\",\"username\":\"vdkfrost\"},\"chat\":{\"id\":279058397,\"type\":\"private\"},"
                 "\"date\":1,\"text\":\"/start %s\"}}", token);
        len = sizeof rec;
        rc = tgauth_deeplink_handle_webhook(flow, rec, &len, &err, update, strlen(update), webhook_secret, strlen(webhook_secret));
        if (rc != TGAUTH_OK) return fail("deeplink webhook", rc, &err);
        printf("deep link: /start -> %s; reply %.60s...\n", nth(rec, 0), nth(rec, 2));
        button = strstr(nth(rec, 2), "tgauth:ok:");
        if (button == NULL) return 1;

        len = sizeof rec;
        rc = tgauth_deeplink_poll(flow, rec, &len, &err, poll_secret, strlen(poll_secret));
        if (rc != TGAUTH_OK) return fail("deeplink poll", rc, &err);
        printf("deep link: poll -> %s\n", nth(rec, 0));

        /* the user taps Confirm: Telegram delivers the callback query */
        snprintf(update, sizeof update,
                 "{\"update_id\":2,\"callback_query\":{\"id\":\"77\",\"from\":{\"id\":279058397,\"is_bot\":false,"
                 "\"first_name\":\"Vladislav\"},\"chat_instance\":\"1\",\"data\":\"tgauth:ok:%s\"}}", token);
        len = sizeof rec;
        rc = tgauth_deeplink_handle_webhook(flow, rec, &len, &err, update, strlen(update), webhook_secret, strlen(webhook_secret));
        if (rc != TGAUTH_OK) return fail("deeplink webhook", rc, &err);
        printf("deep link: Confirm -> %s\n", nth(rec, 0));

        /* the app was waiting (or polls once more): the user, exactly once */
        len = sizeof rec;
        rc = tgauth_deeplink_wait(flow, rec, &len, &err, poll_secret, strlen(poll_secret), 5.0);
        if (rc != TGAUTH_OK) return fail("deeplink wait", rc, &err);
        printf("deep link: wait -> %s, user %s\n", nth(rec, 0), nth(rec, 2));
        if (strcmp(nth(rec, 0), "approved") != 0) return 1;
        len = sizeof rec;
        rc = tgauth_deeplink_poll(flow, rec, &len, &err, poll_secret, strlen(poll_secret));
        printf("deep link: poll again -> %s (handed out once)\n", nth(rec, 0));
        tgauth_deeplink_free(flow);
        if (rc != TGAUTH_OK || strcmp(nth(rec, 0), "unknown") != 0) return 1;
    }

    /* 5. A Telegram Gateway delivery report: the body Telegram posts to the callback_url, with its headers */
    {
        static const char api_token[] = "example-gateway-api-token";
        char body[512], timestamp[24], signature[65];
        tgauth_gateway *gateway = NULL;
        tgauth_gateway_report *report = NULL;
        double cost = 0;
        rc = tgauth_gateway_new(&gateway, &err, api_token, strlen(api_token), -1);
        if (rc != TGAUTH_OK) return fail("gateway", rc, &err);
        snprintf(timestamp, sizeof timestamp, "%lld", now);
        snprintf(body, sizeof body,
                 "{\"request_id\":\"eAAAAAAAAAA\",\"phone_number\":\"+15551234567\",\"request_cost\":0.03,"
                 "\"delivery_status\":{\"status\":\"read\",\"updated_at\":%lld},\"payload\":\"order-77\"}", now);
        len = sizeof signature; /* what Telegram would send: a test helper */
        rc = tgauth_gateway_sign(gateway, signature, &len, timestamp, strlen(timestamp), body, strlen(body));
        if (rc != TGAUTH_OK) return fail("gateway sign", rc, &err);
        rc = tgauth_gateway_report_verify(gateway, &report, &err, body, strlen(body), timestamp, strlen(timestamp),
                                          signature, strlen(signature), 0);
        if (rc != TGAUTH_OK) return fail("gateway report", rc, &err);
        tgauth_gateway_report_request_cost(report, &cost);
        printf("Gateway report: request %s to %s, %s, cost %.2f\n", tgauth_gateway_report_request_id(report, NULL),
               tgauth_gateway_report_phone_number(report, NULL),
               tgauth_delivery_status_status(tgauth_gateway_report_delivery_status(report), NULL), cost);
        tgauth_gateway_report_free(report);
        body[strlen(body) - 3] = '8'; /* payload order-78: not what Telegram signed */
        rc = tgauth_gateway_report_verify(gateway, &report, &err, body, strlen(body), timestamp, strlen(timestamp),
                                          signature, strlen(signature), 0);
        printf("  a changed report: %s: %s\n", tgauth_error_kind(rc), err.message);
        tgauth_gateway_free(gateway);
        if (rc != TGAUTH_E_BAD_SIGNATURE) return 1;
    }
    return 0;
}
