/*
 * A small HTTP service in C on libmicrohttpd, protected by Telegram login through libtgauth:
 *
 *   GET /api/me                  Authorization: tma <initData>  ->  200 {"id":..,"first_name":..,"username":..}
 *   GET /auth/telegram/callback  the Login Widget's redirect (data-auth-url), its fields in the query
 *
 * A rejection answers 401 {"error": kind, "detail": message} with WWW-Authenticate: tma (413 for input over
 * the size limit). One validator and one widget verifier, made at start, serve every thread of the pool.
 *
 *   TELEGRAM_BOT_TOKEN=123:abc ./tgauth-server [--host 127.0.0.1] [--port 8080] [--threads 4]
 *                                              [--max-connections 512] [--per-address 32]
 *
 * Headers and query arguments are passed to the library with their lengths; a NUL inside one is refused.
 *
 * Build: cc -std=c99 server.c $(pkg-config --cflags --libs tgauth libmicrohttpd)
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tgauth.h>

static tgauth_mini_app *mini_app;
static tgauth_widget *widget;
static volatile sig_atomic_t stopping;

/* A growing text buffer for the JSON answers. */
typedef struct {
    char data[4096];
    size_t len;
} text;

static void put(text *t, const char *s, size_t n) {
    if (n > sizeof t->data - 1 - t->len) n = sizeof t->data - 1 - t->len;
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = 0;
}

static void put_str(text *t, const char *s) { put(t, s, strlen(s)); }

/* A JSON string: quotes, backslashes and control bytes escaped (the input is UTF-8 from libtgauth). */
static void put_json_string(text *t, const char *s, size_t n) {
    put_str(t, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\', esc[1] = (char)c;
            put(t, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            put(t, esc, 6);
        } else {
            put(t, (const char *)&c, 1);
        }
    }
    put_str(t, "\"");
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const text *body, int challenge) {
    struct MHD_Response *r = MHD_create_response_from_buffer(body->len, (void *)body->data, MHD_RESPMEM_MUST_COPY);
    if (r == NULL) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "application/json");
    if (challenge) MHD_add_response_header(r, "WWW-Authenticate", "tma");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result reject(struct MHD_Connection *c, int code, const char *detail) {
    text t = {{0}, 0};
    put_str(&t, "{\"error\":");
    put_json_string(&t, tgauth_error_kind(code), strlen(tgauth_error_kind(code)));
    put_str(&t, ",\"detail\":");
    put_json_string(&t, detail, strlen(detail));
    put_str(&t, "}");
    return answer(c, code == TGAUTH_E_TOO_LARGE ? MHD_HTTP_CONTENT_TOO_LARGE : MHD_HTTP_UNAUTHORIZED, &t, 1);
}

static enum MHD_Result user_json(struct MHD_Connection *c, const tgauth_user *u) {
    text t = {{0}, 0};
    char id[32];
    size_t n = 0;
    const char *s;
    snprintf(id, sizeof id, "%lld", (long long)tgauth_user_id(u));
    put_str(&t, "{\"id\":");
    put_str(&t, id);
    s = tgauth_user_first_name(u, &n);
    put_str(&t, ",\"first_name\":");
    put_json_string(&t, s ? s : "", s ? n : 0);
    if ((s = tgauth_user_username(u, &n)) != NULL) {
        put_str(&t, ",\"username\":");
        put_json_string(&t, s, n);
    }
    put_str(&t, "}");
    return answer(c, MHD_HTTP_OK, &t, 0);
}

static enum MHD_Result api_me(struct MHD_Connection *c) {
    const char *header = NULL;
    size_t header_len = 0;
    tgauth_init_data *data = NULL;
    tgauth_error err;
    if (MHD_lookup_connection_value_n(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION, strlen(MHD_HTTP_HEADER_AUTHORIZATION),
                                      &header, &header_len) != MHD_YES)
        return reject(c, TGAUTH_E_MISSING_FIELD, "the request needs Authorization: tma <initData>");
    /* the value with its length, as it came: a NUL inside is refused, never read as the end of the value */
    if (memchr(header, 0, header_len) != NULL) return reject(c, TGAUTH_E_MALFORMED, "the Authorization header holds a NUL byte");
    /* the library takes the header's value as it is: "tma <initData>" */
    int code = tgauth_mini_app_validate(mini_app, &data, &err, header, header_len, NULL);
    if (code != TGAUTH_OK) return reject(c, code, err.message);
    const tgauth_user *user = tgauth_init_data_user(data);
    enum MHD_Result ok = user ? user_json(c, user) : reject(c, TGAUTH_E_MISSING_FIELD, "the initData has no user");
    tgauth_init_data_free(data);
    return ok;
}

/* The decoded query arguments, collected for tgauth_widget_verify_fields. */
typedef struct {
    tgauth_field fields[32];
    size_t count;
    int overflow, nul;
} arguments;

static enum MHD_Result collect(void *context, enum MHD_ValueKind kind, const char *key, size_t key_len, const char *value,
                               size_t value_len) {
    arguments *a = context;
    (void)kind;
    if (a->count == sizeof a->fields / sizeof a->fields[0]) {
        a->overflow = 1;
        return MHD_NO;
    }
    /* decoded with their lengths: a %00 stays inside the value, and is refused rather than cutting it short */
    if (memchr(key, 0, key_len) != NULL || (value != NULL && memchr(value, 0, value_len) != NULL)) {
        a->nul = 1;
        return MHD_NO;
    }
    a->fields[a->count].key = key;
    a->fields[a->count].key_len = key_len;
    a->fields[a->count].value = value ? value : "";
    a->fields[a->count].value_len = value ? value_len : 0;
    a->count++;
    return MHD_YES;
}

static enum MHD_Result widget_callback(struct MHD_Connection *c) {
    arguments a = {{{0}}, 0, 0, 0};
    tgauth_widget_data *data = NULL;
    tgauth_error err;
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect, &a);
    if (a.overflow) return reject(c, TGAUTH_E_TOO_LARGE, "too many query arguments");
    if (a.nul) return reject(c, TGAUTH_E_MALFORMED, "a query argument holds a NUL byte");
    int code = tgauth_widget_verify_fields(widget, &data, &err, a.fields, a.count, NULL);
    if (code != TGAUTH_OK) return reject(c, code, err.message);
    enum MHD_Result ok = user_json(c, tgauth_widget_data_user(data));
    tgauth_widget_data_free(data);
    return ok;
}

static enum MHD_Result route(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                             const char *version, const char *upload, size_t *upload_size, void **state) {
    (void)cls, (void)version, (void)upload, (void)upload_size, (void)state;
    if (strcmp(method, "GET") != 0) {
        text t = {{0}, 0};
        put_str(&t, "{\"error\":\"method_not_allowed\"}");
        return answer(c, MHD_HTTP_METHOD_NOT_ALLOWED, &t, 0);
    }
    if (strcmp(url, "/api/me") == 0) return api_me(c);
    if (strcmp(url, "/auth/telegram/callback") == 0) return widget_callback(c);
    text t = {{0}, 0};
    put_str(&t, "{\"error\":\"not_found\"}");
    return answer(c, MHD_HTTP_NOT_FOUND, &t, 0);
}

static void on_signal(int sig) {
    (void)sig;
    stopping = 1;
}

int main(int argc, char **argv) {
    unsigned port = 8080, threads = 4, max_connections = 512, per_address = 32;
    const char *host = "127.0.0.1"; /* behind a reverse proxy; --host 0.0.0.0 to serve every interface */
    const char *token = getenv("TELEGRAM_BOT_TOKEN");
    tgauth_error err;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port") == 0) port = (unsigned)atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--threads") == 0) threads = (unsigned)atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--host") == 0) host = argv[i + 1];
        else if (strcmp(argv[i], "--max-connections") == 0) max_connections = (unsigned)atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--per-address") == 0) per_address = (unsigned)atoi(argv[i + 1]);
    }
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
        fprintf(stderr, "tgauth-server: --host takes an IPv4 address\n");
        return 2;
    }
    if (token == NULL) {
        fprintf(stderr, "tgauth-server: set TELEGRAM_BOT_TOKEN\n");
        return 2;
    }
    if (tgauth_mini_app_new(&mini_app, &err, token, strlen(token)) != TGAUTH_OK ||
        tgauth_widget_new(&widget, &err, token, strlen(token)) != TGAUTH_OK) {
        fprintf(stderr, "tgauth-server: %s\n", err.message); /* never the token itself */
        return 2;
    }
    /* libmicrohttpd's own limits keep idle and slow clients from starving the rest: at most max_connections
     * at once, per_address of them from one address, and a connection silent for 10 s is closed */
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t)port, NULL, NULL, route, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_address,
        MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024, MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "tgauth-server: cannot listen on port %u\n", port);
        return 1;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    printf("tgauth-server: listening on %s:%u, %u threads, at most %u connections (%u per address)\n", host, port, threads,
           max_connections, per_address);
    fflush(stdout);
    while (!stopping) pause();
    MHD_stop_daemon(d);
    tgauth_mini_app_free(mini_app);
    tgauth_widget_free(widget);
    return 0;
}
