/* The timing helpers every C benchmark shares: a monotonic clock in nanoseconds and the median of runs. */
#ifndef TGAUTH_BENCH_H
#define TGAUTH_BENCH_H

#include <stdlib.h>
#include <time.h>

static inline double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* sorts x[0..<n] and returns its median */
static inline double median(double *x, int n) {
    qsort(x, (size_t)n, sizeof x[0], compare_doubles);
    return x[n / 2];
}

#endif
