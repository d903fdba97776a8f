/* The C suite for what every kind shares (tgauth_verify.h): versions and errors, the status codes, constructors
 * that say why they failed, 8 threads sharing a validator, and messages free of control bytes. */
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


void run_common_tests(void) {
    test_version_and_errors();
    test_status_codes_match_the_header();
    test_constructors_report_why();
    test_threads();
    test_messages_escape_control_bytes();
}
