/*
 * make bench: ns per operation through the C ABI, beside the floors measured in the same run:
 * a precomputed-state HMAC-SHA256 over the same data-check-string, and a raw OpenSSL EVP Ed25519 verify
 * of the same message (with libsodium's raw verify beside it). Third-party validation is timed three ways:
 * cache off, a cache miss (every input new), and a cache hit (the same initData again, as a Mini App sends
 * with each request). Also counts heap allocations per Mini App validation (malloc is interposed).
 * Prints figures only; it never fails on timing.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <dlfcn.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tgauth.h>

#include "bench.h"

#include "sample.h"

/* ---- allocation counting ---- */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern int __libc_posix_memalign(void **, size_t, size_t);
static volatile long allocations;
void *malloc(size_t n) { allocations++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { allocations++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { allocations++; return __libc_realloc(p, n); }

#define RUNS 7
/* median of RUNS runs of `iters` calls */
#define MEASURE(result, iters, body)                                      \
    do {                                                                  \
        double t[RUNS];                                                   \
        for (int r = 0; r < RUNS; r++) {                                  \
            double start = now_ns();                                      \
            for (long i = 0; i < (iters); i++) { body; }                  \
            t[r] = (now_ns() - start) / (iters);                          \
        }                                                                 \
        result = median(t, RUNS);                                         \
    } while (0)

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
    const tgauth_field *fields = sample_init_fields;
    char init_data[2048], third_data[2048], widget_data[1024];
    size_t init_len = sizeof init_data, third_len = sizeof third_data, widget_len = sizeof widget_data;
    uint8_t seed[32], pub[32];
    for (int i = 0; i < 32; i++) seed[i] = (uint8_t)(i * 7 + 1);

    if (tgauth_sign_init_data(init_data, &init_len, TOKEN, strlen(TOKEN), fields, 5, now, NULL, 0, 0) != TGAUTH_OK) return 1;
    if (tgauth_sign_init_data(third_data, &third_len, TOKEN, strlen(TOKEN), fields, 4, now, seed, 32, 42) != TGAUTH_OK) return 1;
    if (tgauth_sign_widget(widget_data, &widget_len, TOKEN, strlen(TOKEN), sample_widget_fields, 5, now) != TGAUTH_OK) return 1;
    init_len = strlen(init_data), third_len = strlen(third_data), widget_len = strlen(widget_data);

    tgauth_mini_app *app;
    tgauth_widget *widget;
    tgauth_third_party *third;
    EVP_PKEY *priv = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    size_t publen = 32;
    EVP_PKEY_get_raw_public_key(priv, pub, &publen);
    if (tgauth_mini_app_new(&app, NULL, TOKEN, strlen(TOKEN)) || tgauth_widget_new(&widget, NULL, TOKEN, strlen(TOKEN)) ||
        tgauth_third_party_new_with_key(&third, NULL, 42, pub, 32))
        return 1;

    /* the floors' inputs: the same data-check-strings the library computes */
    tgauth_field all[6];
    memcpy(all, fields, 5 * sizeof *fields);
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

    double t_hmac, t_app, t_widget, t_third, t_ed, t_sodium, t_miss, t_hit, t_hit_record;
    volatile long sink = 0;
    /* HMAC floor, Mini App and widget: timed in turn within each of 3*RUNS runs, so a slow moment of the
     * machine hits all three alike; each ratio is the median of the per-run ratios, each time the median. */
    long mac_iters = N / 20 > 100 ? N / 20 : 100;
    double mac_runs[3][3 * RUNS], ratio_app[3 * RUNS], ratio_widget[3 * RUNS];
    for (int r = 0; r < 3 * RUNS; r++) {
        double start = now_ns();
        for (long i = 0; i < mac_iters; i++) {
            c = inner; SHA256_Update(&c, dcs, dcs_len); SHA256_Final(tmp, &c);
            c = outer; SHA256_Update(&c, tmp, 32); SHA256_Final(mac, &c);
            sink += mac[0];
        }
        mac_runs[0][r] = (now_ns() - start) / mac_iters;
        start = now_ns();
        for (long i = 0; i < mac_iters; i++) {
            tgauth_init_data *res = NULL;
            if (tgauth_mini_app_validate(app, &res, NULL, init_data, init_len, NULL) == TGAUTH_OK) {
                const tgauth_user *u = tgauth_init_data_user(res);
                size_t l;
                sink += tgauth_user_id(u) + (long)(uintptr_t)tgauth_user_first_name(u, &l) + (long)l;
                sink += (long)(uintptr_t)tgauth_user_username(u, NULL) + tgauth_user_is_premium(u);
                sink += (long)(uintptr_t)tgauth_init_data_chat_instance(res, NULL) + tgauth_init_data_auth_date(res);
            }
            tgauth_init_data_free(res);
        }
        mac_runs[1][r] = (now_ns() - start) / mac_iters;
        start = now_ns();
        for (long i = 0; i < mac_iters; i++) {
            tgauth_widget_data *res = NULL;
            if (tgauth_widget_verify(widget, &res, NULL, widget_data, widget_len, NULL) == TGAUTH_OK)
                sink += tgauth_user_id(tgauth_widget_data_user(res));
            tgauth_widget_data_free(res);
        }
        mac_runs[2][r] = (now_ns() - start) / mac_iters;
        ratio_app[r] = mac_runs[1][r] / mac_runs[0][r];
        ratio_widget[r] = mac_runs[2][r] / mac_runs[0][r];
    }
    const double app_ratio = median(ratio_app, 3 * RUNS), widget_ratio = median(ratio_widget, 3 * RUNS);
    t_hmac = median(mac_runs[0], 3 * RUNS);
    t_app = median(mac_runs[1], 3 * RUNS);
    t_widget = median(mac_runs[2], 3 * RUNS);
    /* Ed25519: the four paths are timed in turn within each run, so a slow moment of the machine hits
     * them alike; each figure is the median over the runs. All four verify the same sequence of distinct
     * messages and signatures (verification time varies with the signature). A miss cycles through more
     * distinct inputs than the cache holds, so with least-recently-used eviction every lookup misses. */
    long ed_iters = N / 400 > 100 ? N / 400 : 100;
    long fresh_count = 4 * TGAUTH_THIRD_PARTY_DEFAULT_CACHE_SIZE;
    char *fresh = malloc((size_t)fresh_count * 1024);
    size_t *fresh_len = malloc((size_t)fresh_count * sizeof *fresh_len);
    char *fresh_msg = malloc((size_t)fresh_count * 1024);
    size_t *fresh_msg_len = malloc((size_t)fresh_count * sizeof *fresh_msg_len);
    uint8_t *fresh_sig = malloc((size_t)fresh_count * 64);
    for (long i = 0; i < fresh_count; i++) {
        char qid[32];
        tgauth_field f[4];
        memcpy(f, fields, sizeof f);
        f[0].value = qid;
        f[0].value_len = (size_t)snprintf(qid, sizeof qid, "AAHdF6IQAAAAAN0X%09ld", i);
        fresh_len[i] = 1024;
        if (tgauth_sign_init_data(fresh + i * 1024, &fresh_len[i], TOKEN, strlen(TOKEN), f, 4, now, seed, 32, 42)) return 1;
        fresh_len[i] = strlen(fresh + i * 1024);
        /* the same message and signature for the raw verifies (Ed25519 signing is deterministic) */
        tgauth_field with_date[5];
        memcpy(with_date, f, sizeof f);
        with_date[4] = all[5];
        char *m = fresh_msg + i * 1024;
        fresh_msg_len[i] = prefix + data_check_string(m + sprintf(m, "42:WebAppData\n"), with_date, 5, NULL, NULL);
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        size_t sl = 64;
        EVP_DigestSignInit(ctx, NULL, NULL, NULL, priv);
        EVP_DigestSign(ctx, fresh_sig + i * 64, &sl, (const uint8_t *)m, fresh_msg_len[i]);
        EVP_MD_CTX_free(ctx);
        if (crypto_sign_verify_detached(fresh_sig + i * 64, (const uint8_t *)m, fresh_msg_len[i], pub) != 0) return 1;
    }
    tgauth_third_party *third_off;
    if (tgauth_third_party_new_with_key(&third_off, NULL, 42, pub, 32) || tgauth_third_party_set_cache_size(third_off, 0)) return 1;
    long next_fresh = 0;
    double ed_runs[4][3 * RUNS];
    for (int r = 0; r < 3 * RUNS; r++) {
        long first = next_fresh;
        double start = now_ns();
        for (long i = 0; i < ed_iters; i++) {
            long k = (first + i) % fresh_count;
            EVP_MD_CTX *ctx = EVP_MD_CTX_new();
            EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey);
            sink += EVP_DigestVerify(ctx, fresh_sig + k * 64, 64, (const uint8_t *)fresh_msg + k * 1024, fresh_msg_len[k]);
            EVP_MD_CTX_free(ctx);
        }
        ed_runs[0][r] = (now_ns() - start) / ed_iters;
        start = now_ns();
        for (long i = 0; i < ed_iters; i++) {
            long k = (first + i) % fresh_count;
            sink += crypto_sign_verify_detached(fresh_sig + k * 64, (const uint8_t *)fresh_msg + k * 1024, fresh_msg_len[k], pub);
        }
        ed_runs[1][r] = (now_ns() - start) / ed_iters;
        start = now_ns();
        for (long i = 0; i < ed_iters; i++) {
            tgauth_init_data *res = NULL;
            long k = (first + i) % fresh_count;
            if (tgauth_third_party_validate(third_off, &res, NULL, fresh + k * 1024, fresh_len[k], NULL) == TGAUTH_OK)
                sink += tgauth_user_id(tgauth_init_data_user(res));
            tgauth_init_data_free(res);
        }
        ed_runs[2][r] = (now_ns() - start) / ed_iters;
        start = now_ns();
        for (long i = 0; i < ed_iters; i++) {
            tgauth_init_data *res = NULL;
            long k = next_fresh++ % fresh_count;
            if (tgauth_third_party_validate(third, &res, NULL, fresh + k * 1024, fresh_len[k], NULL) == TGAUTH_OK)
                sink += tgauth_user_id(tgauth_init_data_user(res));
            tgauth_init_data_free(res);
        }
        ed_runs[3][r] = (now_ns() - start) / ed_iters;
    }
    /* speed-ups against EVP: the median of the per-run ratios (the paths of one run share its conditions) */
    double ratio_sodium[3 * RUNS], ratio_off[3 * RUNS], ratio_miss[3 * RUNS];
    for (int r = 0; r < 3 * RUNS; r++) {
        ratio_sodium[r] = ed_runs[0][r] / ed_runs[1][r];
        ratio_off[r] = ed_runs[0][r] / ed_runs[2][r];
        ratio_miss[r] = ed_runs[0][r] / ed_runs[3][r];
    }
    const double sodium_ratio = median(ratio_sodium, 3 * RUNS), off_ratio = median(ratio_off, 3 * RUNS);
    const double miss_ratio = median(ratio_miss, 3 * RUNS);
    t_ed = median(ed_runs[0], 3 * RUNS);
    t_sodium = median(ed_runs[1], 3 * RUNS);
    t_third = median(ed_runs[2], 3 * RUNS);
    t_miss = median(ed_runs[3], 3 * RUNS);
    tgauth_third_party_free(third_off);
    uint64_t hits_before, hits_after, misses;
    tgauth_third_party_cache_stats(third, &hits_before, &misses, NULL, NULL);
    if (misses < (uint64_t)next_fresh || hits_before != 0) { puts("cache miss bench was not all misses"); return 1; }
    MEASURE(t_hit, N, {
        tgauth_init_data *r = NULL;
        if (tgauth_third_party_validate(third, &r, NULL, third_data, third_len, NULL) == TGAUTH_OK) {
            const tgauth_user *u = tgauth_init_data_user(r);
            sink += tgauth_user_id(u) + (long)(uintptr_t)tgauth_user_first_name(u, NULL) + tgauth_init_data_auth_date(r);
        }
        tgauth_init_data_free(r);
    });
    char rec[4096];
    MEASURE(t_hit_record, N, {
        size_t rl = sizeof rec;
        sink += tgauth_third_party_validate_record(third, rec, &rl, NULL, third_data, third_len, NULL) + (long)rl;
    });
    tgauth_third_party_cache_stats(third, &hits_after, NULL, NULL, NULL);
    if (hits_after - hits_before < (uint64_t)(2 * N * RUNS - 1)) { puts("cache hit bench was not all hits"); return 1; }
    free(fresh);
    free(fresh_len);
    free(fresh_msg);
    free(fresh_msg_len);
    free(fresh_sig);
    printf("(Ed25519: medians of %d interleaved runs of %ld calls, ratios per run; misses cycle through %ld inputs)\n",
           3 * RUNS, ed_iters, fresh_count);

    /* a Telegram Gateway delivery report, signed by the library's fixture signer, verified and read */
    static const char report[] =
        "{\"request_id\":\"eAAAAAAAAAA\",\"phone_number\":\"+15551234567\",\"request_cost\":0.03,\"remaining_balance\":12.47,"
        "\"delivery_status\":{\"status\":\"read\",\"updated_at\":1733200050},\"verification_status\":{\"status\":"
        "\"code_valid\",\"updated_at\":1733200090,\"code_entered\":\"8817\"},\"payload\":\"order-77\"}";
    const size_t report_len = sizeof report - 1;
    char report_sig[65];
    size_t report_sig_len = sizeof report_sig;
    tgauth_gateway *gateway = NULL;
    double t_gateway;
    if (tgauth_gateway_new(&gateway, NULL, TOKEN, strlen(TOKEN), -1) != TGAUTH_OK ||
        tgauth_gateway_sign(gateway, report_sig, &report_sig_len, "1733200100", 10, report, report_len) != TGAUTH_OK ||
        tgauth_gateway_report_verify(gateway, NULL, NULL, report, report_len, "1733200100", 10, report_sig, 64, 1733200100) !=
            TGAUTH_E_INVALID_ARGUMENT) {
        puts("gateway setup failed");
        return 1;
    }
    {
        tgauth_gateway_report *g = NULL;
        if (tgauth_gateway_report_verify(gateway, &g, NULL, report, report_len, "1733200100", 10, report_sig, 64, 1733200100) != TGAUTH_OK) {
            puts("gateway report failed");
            return 1;
        }
        tgauth_gateway_report_free(g);
    }
    MEASURE(t_gateway, N, {
        tgauth_gateway_report *g = NULL;
        if (tgauth_gateway_report_verify(gateway, &g, NULL, report, report_len, "1733200100", 10, report_sig, 64, 1733200100) == TGAUTH_OK)
            sink += (long)(uintptr_t)tgauth_gateway_report_request_id(g, NULL);
        tgauth_gateway_report_free(g);
    });
    tgauth_gateway_free(gateway);

    /* allocations per Mini App validation, counted over 1000 calls after warm-up */
    long before = allocations;
    for (int i = 0; i < 1000; i++) {
        tgauth_init_data *r = NULL;
        if (tgauth_mini_app_validate(app, &r, NULL, init_data, init_len, NULL) == TGAUTH_OK)
            sink += tgauth_user_id(tgauth_init_data_user(r));
        tgauth_init_data_free(r);
    }
    double allocs = (allocations - before) / 1000.0;

    printf("(HMAC, Mini App, widget: medians of %d interleaved runs of %ld calls, ratios per run)\n", 3 * RUNS, mac_iters);
    printf("tgauth %s bench: Mini App initData %zu bytes (data-check-string %zu bytes); others median of %d runs\n",
           tgauth_version_string(), init_len, dcs_len, RUNS);
    printf("%-58s %10.0f ns/op\n", "floor: HMAC-SHA256 from precomputed states, same bytes", t_hmac);
    printf("%-58s %10.0f ns/op  %5.2fx floor\n", "Mini App validate + typed result (C ABI)", t_app, app_ratio);
    printf("%-58s %10.0f ns/op  %5.2fx floor\n", "Login Widget verify (C ABI)", t_widget, widget_ratio);
    printf("%-58s %10.0f ns/op\n", "floor: OpenSSL EVP Ed25519 verify, same messages", t_ed);
    printf("%-58s %10.0f ns/op  %.2fx faster than EVP\n", "libsodium Ed25519 verify, same messages", t_sodium,
           sodium_ratio);
    printf("%-58s %10.0f ns/op  %.2fx faster than EVP\n", "third-party validate, cache off (C ABI)", t_third,
           off_ratio);
    printf("%-58s %10.0f ns/op  %.2fx faster than EVP\n", "third-party validate, cache miss: new data (C ABI)",
           t_miss, miss_ratio);
    printf("%-58s %10.0f ns/op  %5.1fx faster than a miss\n", "third-party validate, cache hit + typed result (C ABI)",
           t_hit, t_miss / t_hit);
    printf("%-58s %10.0f ns/op  %5.1fx faster than a miss\n", "third-party validate_record, cache hit (C ABI)",
           t_hit_record, t_miss / t_hit_record);
    printf("%-58s %10.0f ns/op  (%zu-byte report)\n", "Gateway report verify + typed result (C ABI)", t_gateway, report_len);
    printf("%-58s %10.2f\n", "heap allocations per Mini App validation", allocs);
    if (sink == 42) puts("");
    tgauth_mini_app_free(app);
    tgauth_widget_free(widget);
    tgauth_third_party_free(third);
    EVP_PKEY_free(pkey);
    EVP_PKEY_free(priv);
    return 0;
}
