/*
 * make bench: ns per operation through the C ABI, beside the floors measured in the same run:
 * a precomputed-state HMAC-SHA256 over the same data-check-string, and a raw OpenSSL EVP Ed25519 verify
 * of the same message. Also counts heap allocations per Mini App validation (malloc is interposed).
 * Prints figures only; it never fails on timing.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <dlfcn.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tgauth.h>

/* ---- allocation counting ---- */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern int __libc_posix_memalign(void **, size_t, size_t);
static volatile long allocations;
void *malloc(size_t n) { allocations++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { allocations++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { allocations++; return __libc_realloc(p, n); }

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#define RUNS 7
static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
/* median of RUNS runs of `iters` calls */
#define MEASURE(result, iters, body)                                      \
    do {                                                                  \
        double t[RUNS];                                                   \
        for (int r = 0; r < RUNS; r++) {                                  \
            double start = now_ns();                                      \
            for (long i = 0; i < (iters); i++) { body; }                  \
            t[r] = (now_ns() - start) / (iters);                          \
        }                                                                 \
        qsort(t, RUNS, sizeof t[0], cmp);                                 \
        result = t[RUNS / 2];                                             \
    } while (0)

static const char TOKEN[] = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8";
static int field_cmp(const void *a, const void *b) {
    const tgauth_field *x = a, *y = b;
    return strcmp(x->key, y->key);
}

static size_t data_check_string(char *out, tgauth_field *fields, size_t n, const char *skip1, const char *skip2) {
    size_t o = 0;
    tgauth_field sorted[16];
    memcpy(sorted, fields, n * sizeof *fields);
    qsort(sorted, n, sizeof *sorted, field_cmp);
    for (size_t i = 0; i < n; i++) {
        if ((skip1 && !strcmp(sorted[i].key, skip1)) || (skip2 && !strcmp(sorted[i].key, skip2))) continue;
        o += (size_t)sprintf(out + o, "%s%s=%.*s", o ? "\n" : "", sorted[i].key, (int)sorted[i].value_len, sorted[i].value);
    }
    return o;
}

int main(void) {
    long N = 200000;
    const char *env = getenv("TGAUTH_BENCH_ITERATIONS");
    if (env) N = atol(env);
    long now = (long)time(NULL);
    char auth_date[32];
    snprintf(auth_date, sizeof auth_date, "%ld", now);
    const char *user = "{\"id\":279058397,\"first_name\":\"Vladislav\",\"last_name\":\"Kibenko\",\"username\":\"user0\","
                       "\"language_code\":\"ru\",\"is_premium\":true,\"allows_write_to_pm\":true,"
                       "\"photo_url\":\"https:\\/\\/t.me\\/i\\/userpic\\/320\\/abc0.svg\"}";
    char sig86[87];
    memset(sig86, 'x', 86);
    sig86[86] = 0;
    /* the peer benchmark's sample: about 580 bytes, realistic fields */
    tgauth_field fields[] = {{"query_id", 8, "AAHdF6IQAAAAAN0XohDhrOrc0", 25},
                             {"user", 4, user, strlen(user)},
                             {"chat_instance", 13, "-3788475317572404878", 20},
                             {"chat_type", 9, "private", 7},
                             {"signature", 9, sig86, 86}};
    char init_data[2048], third_data[2048], widget_data[1024];
    size_t init_len = sizeof init_data, third_len = sizeof third_data, widget_len = sizeof widget_data;
    uint8_t seed[32], pub[32];
    for (int i = 0; i < 32; i++) seed[i] = (uint8_t)(i * 7 + 1);

    if (tgauth_sign_init_data(init_data, &init_len, TOKEN, strlen(TOKEN), fields, 5, now, NULL, 0, 0) != TGAUTH_OK) return 1;
    if (tgauth_sign_init_data(third_data, &third_len, TOKEN, strlen(TOKEN), fields, 4, now, seed, 32, 42) != TGAUTH_OK) return 1;
    tgauth_field wf[] = {{"id", 2, "279058397", 9}, {"first_name", 10, "Vladislav", 9}, {"last_name", 9, "Kibenko", 7},
                         {"username", 8, "user0", 5}, {"photo_url", 9, "https://t.me/i/userpic/320/abc0.jpg", 35}};
    if (tgauth_sign_widget(widget_data, &widget_len, TOKEN, strlen(TOKEN), wf, 5, now) != TGAUTH_OK) return 1;

    tgauth_mini_app *app;
    tgauth_widget *widget;
    tgauth_third_party *third;
    EVP_PKEY *priv = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    size_t publen = 32;
    EVP_PKEY_get_raw_public_key(priv, pub, &publen);
    if (tgauth_mini_app_new(&app, TOKEN, strlen(TOKEN)) || tgauth_widget_new(&widget, TOKEN, strlen(TOKEN)) ||
        tgauth_third_party_new_with_key(&third, 42, pub, 32))
        return 1;

    /* the floors' inputs: the same data-check-strings the library computes */
    tgauth_field all[6];
    memcpy(all, fields, sizeof fields);
    all[5] = (tgauth_field){"auth_date", 9, auth_date, strlen(auth_date)};
    char dcs[2048], msg[2048];
    size_t dcs_len = data_check_string(dcs, all, 6, NULL, NULL);
    size_t prefix = (size_t)sprintf(msg, "42:WebAppData\n");
    size_t msg_len = prefix + data_check_string(msg + prefix, all, 5 + 1 - 1, "signature", NULL);
    /* msg covers query_id, user, chat_instance, chat_type, auth_date (the signature is excluded) */
    tgauth_field four[5];
    memcpy(four, fields, 4 * sizeof *fields);
    four[4] = all[5];
    msg_len = prefix + data_check_string(msg + prefix, four, 5, NULL, NULL);

    uint8_t secret[32], block[64], inner_pad[64], outer_pad[64], mac[32], tmp[32];
    tgauth_mini_app_secret(secret, TOKEN, strlen(TOKEN));
    memset(block, 0, 64);
    memcpy(block, secret, 32);
    for (int i = 0; i < 64; i++) { inner_pad[i] = block[i] ^ 0x36; outer_pad[i] = block[i] ^ 0x5c; }
    SHA256_CTX inner, outer, c;
    SHA256_Init(&inner); SHA256_Update(&inner, inner_pad, 64);
    SHA256_Init(&outer); SHA256_Update(&outer, outer_pad, 64);

    uint8_t raw_sig[64];
    {
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        size_t sl = 64;
        EVP_DigestSignInit(ctx, NULL, NULL, NULL, priv);
        EVP_DigestSign(ctx, raw_sig, &sl, (const uint8_t *)msg, msg_len);
        EVP_MD_CTX_free(ctx);
    }
    EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);

    /* sanity: every path verifies before it is timed */
    tgauth_init_data *d = NULL;
    tgauth_widget_data *wd = NULL;
    if (tgauth_mini_app_validate(app, &d, NULL, init_data, init_len, NULL) != TGAUTH_OK) { puts("mini app failed"); return 1; }
    tgauth_init_data_free(d);
    if (tgauth_third_party_validate(third, &d, NULL, third_data, third_len, NULL) != TGAUTH_OK) { puts("third party failed"); return 1; }
    tgauth_init_data_free(d);
    if (tgauth_widget_verify(widget, &wd, NULL, widget_data, widget_len, NULL) != TGAUTH_OK) { puts("widget failed"); return 1; }
    tgauth_widget_data_free(wd);

    double t_hmac, t_app, t_widget, t_third, t_ed;
    volatile long sink = 0;
    MEASURE(t_hmac, N, {
        c = inner; SHA256_Update(&c, dcs, dcs_len); SHA256_Final(tmp, &c);
        c = outer; SHA256_Update(&c, tmp, 32); SHA256_Final(mac, &c);
        sink += mac[0];
    });
    MEASURE(t_app, N, {
        tgauth_init_data *r = NULL;
        if (tgauth_mini_app_validate(app, &r, NULL, init_data, init_len, NULL) == TGAUTH_OK) {
            const tgauth_user *u = tgauth_init_data_user(r);
            size_t l;
            sink += tgauth_user_id(u) + (long)(uintptr_t)tgauth_user_first_name(u, &l) + (long)l;
            sink += (long)(uintptr_t)tgauth_user_username(u, NULL) + tgauth_user_is_premium(u);
            sink += (long)(uintptr_t)tgauth_init_data_chat_instance(r, NULL) + tgauth_init_data_auth_date(r);
        }
        tgauth_init_data_free(r);
    });
    MEASURE(t_widget, N, {
        tgauth_widget_data *r = NULL;
        if (tgauth_widget_verify(widget, &r, NULL, widget_data, widget_len, NULL) == TGAUTH_OK)
            sink += tgauth_user_id(tgauth_widget_data_user(r));
        tgauth_widget_data_free(r);
    });
    long ed_iters = N / 100 > 200 ? N / 100 : 200;
    MEASURE(t_ed, ed_iters, {
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey);
        sink += EVP_DigestVerify(ctx, raw_sig, 64, (const uint8_t *)msg, msg_len);
        EVP_MD_CTX_free(ctx);
    });
    MEASURE(t_third, ed_iters, {
        tgauth_init_data *r = NULL;
        if (tgauth_third_party_validate(third, &r, NULL, third_data, third_len, NULL) == TGAUTH_OK)
            sink += tgauth_user_id(tgauth_init_data_user(r));
        tgauth_init_data_free(r);
    });

    /* allocations per Mini App validation, counted over 1000 calls after warm-up */
    long before = allocations;
    for (int i = 0; i < 1000; i++) {
        tgauth_init_data *r = NULL;
        if (tgauth_mini_app_validate(app, &r, NULL, init_data, init_len, NULL) == TGAUTH_OK)
            sink += tgauth_user_id(tgauth_init_data_user(r));
        tgauth_init_data_free(r);
    }
    double allocs = (allocations - before) / 1000.0;

    printf("tgauth %s bench: median of %d runs; Mini App initData %zu bytes (data-check-string %zu bytes)\n",
           tgauth_version_string(), RUNS, init_len, dcs_len);
    printf("%-58s %10.0f ns/op\n", "floor: HMAC-SHA256 from precomputed states, same bytes", t_hmac);
    printf("%-58s %10.0f ns/op  %5.2fx floor\n", "Mini App validate + typed result (C ABI)", t_app, t_app / t_hmac);
    printf("%-58s %10.0f ns/op  %5.2fx floor\n", "Login Widget verify (C ABI)", t_widget, t_widget / t_hmac);
    printf("%-58s %10.0f ns/op\n", "floor: OpenSSL EVP Ed25519 verify, same message", t_ed);
    printf("%-58s %10.0f ns/op  %5.2fx floor\n", "third-party validate (C ABI)", t_third, t_third / t_ed);
    printf("%-58s %10.2f\n", "heap allocations per Mini App validation", allocs);
    if (sink == 42) puts("");
    tgauth_mini_app_free(app);
    tgauth_widget_free(widget);
    tgauth_third_party_free(third);
    EVP_PKEY_free(pkey);
    EVP_PKEY_free(priv);
    return 0;
}
