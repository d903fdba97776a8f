/* The C suite's shared part (support.h): the counters, the vectors, the served key set. */
#include "support.h"

int passed, failed;

/* ---- the public vectors: tests/vectors/telegram-vectors.json, flattened by tests/vectors/flatten.py into
 * `path<TAB>value` lines (make writes build/tests/vectors.tsv; TGAUTH_VECTORS names another file) ---- */

static char *vector_lines[256];
static size_t vector_count;

/* The value at `path`; exits when the vectors lack it, since every later check would be meaningless. */
const char *vector(const char *path) {
    size_t i, n = strlen(path);
    for (i = 0; i < vector_count; i++)
        if (strncmp(vector_lines[i], path, n) == 0 && vector_lines[i][n] == '\t') return vector_lines[i] + n + 1;
    fprintf(stderr, "vectors: no %s\n", path);
    exit(2);
}

void vector_bytes(uint8_t *out, size_t n, const char *path) {
    const char *hex = vector(path);
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned byte;
        if (sscanf(hex + 2 * i, "%2x", &byte) != 1) {
            fprintf(stderr, "vectors: %s is not %zu bytes of hex\n", path, n);
            exit(2);
        }
        out[i] = (uint8_t)byte;
    }
}

const char *TOKEN, *DOC_INIT_DATA, *FULL_INIT_DATA, *REAL_INIT_DATA, *REAL_TOKEN, *WIDGET_TOKEN, *WIDGET_JSON;

void load_vectors(void) {
    const char *path = getenv("TGAUTH_VECTORS") ? getenv("TGAUTH_VECTORS") : "build/tests/vectors.tsv";
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    if (f == NULL) {
        fprintf(stderr, "vectors: cannot open %s (make writes it from tests/vectors/telegram-vectors.json)\n", path);
        exit(2);
    }
    while ((len = getline(&line, &cap, f)) > 0 && vector_count < sizeof vector_lines / sizeof vector_lines[0]) {
        if (line[len - 1] == '\n') line[len - 1] = 0;
        vector_lines[vector_count++] = line;
        line = NULL;
        cap = 0;
    }
    free(line);
    fclose(f);
    TOKEN = vector("mini_app_hmac.0.bot_token");
    DOC_INIT_DATA = vector("mini_app_hmac.0.init_data");
    FULL_INIT_DATA = vector("mini_app_hmac.2.init_data");
    REAL_TOKEN = vector("mini_app_hmac.1.bot_token");
    REAL_INIT_DATA = vector("third_party_ed25519.0.init_data");
    WIDGET_TOKEN = vector("login_widget.0.bot_token");
    WIDGET_JSON = vector("login_widget.0.json");
}

void free_vectors(void) {
    while (vector_count > 0) free(vector_lines[--vector_count]);
}

tgauth_check no_age(void) {
    tgauth_check c;
    tgauth_check_init(&c);
    c.max_age = 0;
    return c;
}

/* Telegram's key set as served (tests/vectors/telegram-oidc-jwks.json) */
const char *served_jwks(size_t *len) {
    static char jwks[8192];
    static size_t jwks_len;
    if (jwks_len == 0) {
        FILE *f = fopen("tests/vectors/telegram-oidc-jwks.json", "r");
        if (f) {
            jwks_len = fread(jwks, 1, sizeof jwks, f);
            fclose(f);
        }
    }
    *len = jwks_len;
    return jwks;
}

/* Splits a record into its NUL-terminated parts; returns how many. */
size_t record_parts(const char *rec, size_t len, const char **parts, size_t max) {
    size_t n = 0, i = 0;
    while (i < len && n < max) {
        parts[n++] = rec + i;
        i += strlen(rec + i) + 1;
    }
    return n;
}
