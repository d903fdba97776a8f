/*
 * What every file of the C suite shares: the CHECK macro and its counters, the public vectors
 * (tests/vectors/telegram-vectors.json, flattened into build/tests/vectors.tsv), Telegram's served key set,
 * and the entry point of each file: one file per header (verify, record, deeplink, oidc), plus the misuse of
 * every export's arguments and the input table, which cut across the headers.
 */
#ifndef TGAUTH_TEST_SUPPORT_H
#define TGAUTH_TEST_SUPPORT_H

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <tgauth.h>

extern int passed, failed;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (cond) {                                                                   \
            passed++;                                                                 \
        } else {                                                                      \
            failed++;                                                                 \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);           \
        }                                                                             \
    } while (0)

#define STREQ(a, b) ((a) != NULL && strcmp((a), (b)) == 0)

/* The value at `path`; exits when the vectors lack it, since every later check would be meaningless. */
const char *vector(const char *path);
void vector_bytes(uint8_t *out, size_t n, const char *path);
extern const char *TOKEN, *DOC_INIT_DATA, *FULL_INIT_DATA, *REAL_INIT_DATA, *REAL_TOKEN, *WIDGET_TOKEN, *WIDGET_JSON;
void load_vectors(void);
void free_vectors(void);
/* the default check without the age limit */
tgauth_check no_age(void);
/* Telegram's key set as served (tests/vectors/telegram-oidc-jwks.json) */
const char *served_jwks(size_t *len);
/* Splits a record into its NUL-terminated parts; returns how many. */
size_t record_parts(const char *rec, size_t len, const char **parts, size_t max);


#endif
