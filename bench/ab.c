/*
 * make bench-ab BASE=/path/to/an/older/libtgauth.so: is this build faster than that one?
 *
 * On a shared VM a process's speed drifts by several percent from one minute to the next, more than the
 * change being measured. So both builds are loaded into this one process (each in its own link namespace,
 * with dlmopen), and Mini App validation (with a typed result, and as the record the Python binding reads)
 * and the widget check are timed in short runs that alternate
 * between them, each run starting with the other build than the one before. The figure to read is the
 * median of the per-run ratios new/base: drift moves both sides of a ratio alike.
 * Prints figures only; it never fails on timing.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tgauth.h>

#include "bench.h"

#include "sample.h"

typedef struct build {
    const char *path;
    unsigned (*version_number)(void);
    /* before 0.2.0 the constructors took no tgauth_error (the one difference this bench has to bridge) */
    int (*mini_app_new)(tgauth_mini_app **, tgauth_error *, const char *, size_t);
    int (*old_mini_app_new)(tgauth_mini_app **, const char *, size_t);
    int (*mini_app_validate)(const tgauth_mini_app *, tgauth_init_data **, tgauth_error *, const char *, size_t,
                             const tgauth_check *);
    void (*init_data_free)(tgauth_init_data *);
    int (*mini_app_validate_record)(const tgauth_mini_app *, char *, size_t *, tgauth_error *, const char *, size_t,
                                    const tgauth_check *);
    const tgauth_user *(*init_data_user)(const tgauth_init_data *);
    int64_t (*user_id)(const tgauth_user *);
    int (*widget_new)(tgauth_widget **, tgauth_error *, const char *, size_t);
    int (*old_widget_new)(tgauth_widget **, const char *, size_t);
    int (*widget_verify)(const tgauth_widget *, tgauth_widget_data **, tgauth_error *, const char *, size_t,
                         const tgauth_check *);
    void (*widget_data_free)(tgauth_widget_data *);
    int (*sign_init_data)(char *, size_t *, const char *, size_t, const tgauth_field *, size_t, int64_t,
                          const uint8_t *, size_t, int64_t);
    int (*sign_widget)(char *, size_t *, const char *, size_t, const tgauth_field *, size_t, int64_t);
    tgauth_mini_app *app;
    tgauth_widget *widget;
} build;

static void *symbol(void *handle, const char *path, const char *name) {
    void *p = dlsym(handle, name);
    if (!p) {
        fprintf(stderr, "bench-ab: %s has no %s\n", path, name);
        exit(1);
    }
    return p;
}

static void load(build *b, const char *path) {
    void *h = dlmopen(LM_ID_NEWLM, path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "bench-ab: cannot load %s: %s\n", path, dlerror());
        exit(1);
    }
    b->path = path;
    *(void **)&b->version_number = symbol(h, path, "tgauth_version_number");
    *(void **)&b->mini_app_new = symbol(h, path, "tgauth_mini_app_new");
    *(void **)&b->old_mini_app_new = symbol(h, path, "tgauth_mini_app_new");
    *(void **)&b->mini_app_validate = symbol(h, path, "tgauth_mini_app_validate");
    *(void **)&b->init_data_free = symbol(h, path, "tgauth_init_data_free");
    *(void **)&b->mini_app_validate_record = symbol(h, path, "tgauth_mini_app_validate_record");
    *(void **)&b->init_data_user = symbol(h, path, "tgauth_init_data_user");
    *(void **)&b->user_id = symbol(h, path, "tgauth_user_id");
    *(void **)&b->widget_new = symbol(h, path, "tgauth_widget_new");
    *(void **)&b->old_widget_new = symbol(h, path, "tgauth_widget_new");
    *(void **)&b->widget_verify = symbol(h, path, "tgauth_widget_verify");
    *(void **)&b->widget_data_free = symbol(h, path, "tgauth_widget_data_free");
    *(void **)&b->sign_init_data = symbol(h, path, "tgauth_sign_init_data");
    *(void **)&b->sign_widget = symbol(h, path, "tgauth_sign_widget");
    const int old = b->version_number() < 200;
    if (old ? b->old_mini_app_new(&b->app, TOKEN, strlen(TOKEN)) || b->old_widget_new(&b->widget, TOKEN, strlen(TOKEN))
            : b->mini_app_new(&b->app, NULL, TOKEN, strlen(TOKEN)) || b->widget_new(&b->widget, NULL, TOKEN, strlen(TOKEN))) {
        fprintf(stderr, "bench-ab: %s refused the fixture token\n", path);
        exit(1);
    }
}


enum { RUNS = 401, CALLS = 1000 };
static char init_data[2048], widget_data[1024];
static size_t init_len = sizeof init_data, widget_len = sizeof widget_data;

enum { WIDGET, MINI_APP, MINI_APP_RECORD };

/* ns per call of `CALLS` calls of one operation with one build */
static double run(const build *b, int mini_app) {
    long sink = 0;
    static char record[4096];
    const double start = now_ns();
    for (int i = 0; i < CALLS; i++) {
        if (mini_app == MINI_APP_RECORD) {
            size_t len = sizeof record;
            if (b->mini_app_validate_record(b->app, record, &len, NULL, init_data, init_len, NULL) != TGAUTH_OK) exit(2);
            sink += (long)len;
        } else if (mini_app == MINI_APP) {
            tgauth_init_data *d = NULL;
            if (b->mini_app_validate(b->app, &d, NULL, init_data, init_len, NULL) != TGAUTH_OK) exit(2);
            sink += b->user_id(b->init_data_user(d));
            b->init_data_free(d);
        } else {
            tgauth_widget_data *d = NULL;
            if (b->widget_verify(b->widget, &d, NULL, widget_data, widget_len, NULL) != TGAUTH_OK) exit(2);
            b->widget_data_free(d);
            sink++;
        }
    }
    const double t = (now_ns() - start) / CALLS;
    return sink ? t : -1;
}

static void compare_builds(const build *base, const build *next, int mini_app, const char *name) {
    static double a[RUNS], b[RUNS], ratio[RUNS];
    for (int r = 0; r < RUNS; r++) {
        if (r & 1) {
            b[r] = run(next, mini_app);
            a[r] = run(base, mini_app);
        } else {
            a[r] = run(base, mini_app);
            b[r] = run(next, mini_app);
        }
        ratio[r] = b[r] / a[r];
    }
    const double ra = median(ratio, RUNS), ma = median(a, RUNS), mb = median(b, RUNS);
    printf("%-28s base %7.1f ns  new %7.1f ns  new/base %.3f (median of %d per-run ratios)\n", name, ma, mb, ra, RUNS);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s BASE_LIBTGAUTH NEW_LIBTGAUTH\n", argv[0]);
        return 1;
    }
    build base, next;
    load(&base, argv[1]);
    load(&next, argv[2]);
    const long now = (long)time(NULL);
    if (next.sign_init_data(init_data, &init_len, TOKEN, strlen(TOKEN), sample_init_fields, 5, now, NULL, 0, 0) ||
        next.sign_widget(widget_data, &widget_len, TOKEN, strlen(TOKEN), sample_widget_fields, 5, now)) {
        fprintf(stderr, "bench-ab: signing the fixtures failed\n");
        return 1;
    }
    init_len = strlen(init_data), widget_len = strlen(widget_data);
    printf("base %s\nnew  %s\n(%d runs of %d calls, alternating which build goes first; medians)\n", base.path,
           next.path, RUNS, CALLS);
    compare_builds(&base, &next, MINI_APP, "Mini App validate + result");
    compare_builds(&base, &next, MINI_APP_RECORD, "Mini App validate_record");
    compare_builds(&base, &next, WIDGET, "Login Widget verify");
    /* skip the exit handlers: libcrypto's cleanup crashes when two copies live in separate namespaces */
    fflush(stdout);
    _exit(0);
}
