/*
 * make bench: complete bot deep-link logins per second through the C ABI, for the in-memory store and for
 * Redis (TGAUTH_BENCH_REDIS, a redis:// URL; the Makefile starts a private redis-server on loopback).
 * One login = start, the webhook's /start update, then a poll that receives the approval; with
 * confirmation on, the Confirm button's callback update comes before the poll. Each flow is checked (the
 * poll must say "approved"), so a broken path cannot produce a figure. Prints figures only.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tgauth.h>

static const char SECRET[] = "bench-webhook-secret";

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *nth(const char *record, int i) {
    while (i-- > 0) record += strlen(record) + 1;
    return record;
}

/* One complete login; returns 0 when the poll handed out the approval. */
static int one_login(const tgauth_deeplink *flow, int confirm, long user_id) {
    char rec[TGAUTH_DEEPLINK_RECORD_SIZE], token[80], poll_secret[80], update[640];
    tgauth_error err;
    size_t len = sizeof rec;
    if (tgauth_deeplink_start(flow, rec, &len, &err, "bench", 5) != TGAUTH_OK) return fprintf(stderr, "start: %s\n", err.message), 1;
    snprintf(token, sizeof token, "%s", nth(rec, 0));
    snprintf(poll_secret, sizeof poll_secret, "%s", nth(rec, 1));
    int n = snprintf(update, sizeof update,
                     "{\"update_id\":1,\"message\":{\"message_id\":5,\"from\":{\"id\":%ld,\"is_bot\":false,\"first_name\":"
                     "\"Bench\",\"username\":\"bench\",\"language_code\":\"en\"},\"chat\":{\"id\":%ld,\"type\":\"private\"},"
                     "\"date\":1,\"text\":\"/start %s\"}}", user_id, user_id, token);
    len = sizeof rec;
    if (tgauth_deeplink_handle_webhook(flow, rec, &len, &err, update, (size_t)n, SECRET, sizeof SECRET - 1) != TGAUTH_OK)
        return fprintf(stderr, "webhook: %s\n", err.message), 1;
    if (confirm) {
        n = snprintf(update, sizeof update,
                     "{\"update_id\":2,\"callback_query\":{\"id\":\"9\",\"from\":{\"id\":%ld,\"is_bot\":false,\"first_name\":"
                     "\"Bench\"},\"chat_instance\":\"1\",\"data\":\"tgauth:ok:%s\"}}", user_id, token);
        len = sizeof rec;
        if (tgauth_deeplink_handle_webhook(flow, rec, &len, &err, update, (size_t)n, SECRET, sizeof SECRET - 1) != TGAUTH_OK)
            return fprintf(stderr, "callback: %s\n", err.message), 1;
    }
    len = sizeof rec;
    if (tgauth_deeplink_poll(flow, rec, &len, &err, poll_secret, strlen(poll_secret)) != TGAUTH_OK)
        return fprintf(stderr, "poll: %s\n", err.message), 1;
    return strcmp(nth(rec, 0), "approved") != 0;
}

typedef struct {
    const tgauth_deeplink *flow;
    int confirm;
    long logins;
    long thread;
    int failed;
} job;

static void *run(void *arg) {
    job *j = arg;
    for (long i = 0; i < j->logins; i++)
        if (one_login(j->flow, j->confirm, 1000 + j->thread * 1000000 + i)) {
            j->failed = 1;
            break;
        }
    return NULL;
}

/* logins per second with `threads` threads sharing one flow; the median of 5 runs */
static double measure(const tgauth_deeplink *flow, int confirm, int threads, long logins_per_thread) {
    double rates[5];
    for (int r = 0; r < 5; r++) {
        pthread_t t[16];
        job jobs[16];
        double start = now_s();
        for (int i = 0; i < threads; i++) {
            jobs[i] = (job){flow, confirm, logins_per_thread, i, 0};
            pthread_create(&t[i], NULL, run, &jobs[i]);
        }
        for (int i = 0; i < threads; i++) {
            pthread_join(t[i], NULL);
            if (jobs[i].failed) {
                fprintf(stderr, "a login did not complete\n");
                exit(1);
            }
        }
        rates[r] = threads * logins_per_thread / (now_s() - start);
    }
    for (int a = 0; a < 5; a++)
        for (int b = a + 1; b < 5; b++)
            if (rates[b] < rates[a]) { double x = rates[a]; rates[a] = rates[b]; rates[b] = x; }
    return rates[2];
}

static void bench_store(const char *label, const char *redis_url, long logins) {
    for (int confirm = 0; confirm <= 1; confirm++) {
        tgauth_deeplink_options options;
        tgauth_deeplink *flow = NULL;
        tgauth_error err;
        tgauth_deeplink_options_init(&options);
        options.confirm = confirm;
        options.memory_capacity = 1000000;
        if (redis_url) {
            options.redis_url = redis_url;
            options.redis_url_len = strlen(redis_url);
        }
        if (tgauth_deeplink_new(&flow, &err, "BenchBot", 8, SECRET, sizeof SECRET - 1, &options) != TGAUTH_OK) {
            fprintf(stderr, "deeplink_new: %s\n", err.message);
            exit(1);
        }
        for (int threads = 1; threads <= (redis_url ? 8 : 2); threads *= (redis_url ? 8 : 2)) {
            double rate = measure(flow, confirm, threads, logins / threads);
            char what[96];
            snprintf(what, sizeof what, "deep-link logins, %s, %s, %d thread%s", label,
                     confirm ? "with Confirm (4 calls)" : "no confirm (3 calls)", threads, threads > 1 ? "s" : "");
            printf("%-66s %9.0f logins/s  %7.1f us/login\n", what, rate, 1e6 / rate * threads);
        }
        tgauth_deeplink_free(flow);
    }
}

int main(void) {
    long logins = 20000;
    const char *env = getenv("TGAUTH_BENCH_LOGINS");
    if (env) logins = atol(env);
    const char *redis = getenv("TGAUTH_BENCH_REDIS");
    printf("tgauth %s deep-link bench: median of 5 runs of %ld logins (2 cores)\n", tgauth_version_string(), logins);
    bench_store("in memory", NULL, logins);
    if (redis && *redis) bench_store("Redis on loopback", redis, logins / 4);
    else puts("(Redis skipped: TGAUTH_BENCH_REDIS is not set)");
    return 0;
}
