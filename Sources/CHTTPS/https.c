/* https.c: tg_https_request (tg_https.h) over libcurl's easy interface. */
#include "tg_https.h"

#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_result = CURLE_OK;

static void global_init(void) { global_result = curl_global_init(CURL_GLOBAL_DEFAULT); }

typedef struct {
    tg_https_response *response;
    size_t capacity;
    size_t max_bytes;
    int too_large;
} reading;

static size_t on_body(char *data, size_t size, size_t count, void *context) {
    reading *r = context;
    size_t n = size * count;
    tg_https_response *res = r->response;
    if (n > r->max_bytes - res->body_len) {
        r->too_large = 1;
        return 0; /* curl stops with CURLE_WRITE_ERROR */
    }
    if (res->body_len + n + 1 > r->capacity) {
        size_t grown = r->capacity ? r->capacity : 4096;
        while (grown < res->body_len + n + 1) grown *= 2;
        unsigned char *body = realloc(res->body, grown);
        if (body == NULL) return 0;
        res->body = body;
        r->capacity = grown;
    }
    memcpy(res->body + res->body_len, data, n);
    res->body_len += n;
    res->body[res->body_len] = 0;
    return n;
}

/* Reads the directives of a Cache-Control header (later headers of a redirect chain cannot occur: none are
 * followed). */
static void read_cache_control(const char *value, size_t len, tg_https_response *res) {
    size_t i = 0;
    while (i < len) {
        while (i < len && (value[i] == ' ' || value[i] == '\t' || value[i] == ',')) i++;
        size_t start = i;
        while (i < len && value[i] != ',') i++;
        const char *d = value + start;
        size_t dlen = i - start;
        while (dlen > 0 && (d[dlen - 1] == ' ' || d[dlen - 1] == '\t' || d[dlen - 1] == '\r' || d[dlen - 1] == '\n')) dlen--;
        if (dlen > 8 && strncasecmp(d, "max-age=", 8) == 0) {
            long age = 0;
            size_t j = 8;
            for (; j < dlen && isdigit((unsigned char)d[j]) && age < 100000000L; j++) age = age * 10 + (d[j] - '0');
            if (j == dlen) res->max_age = age;
        } else if ((dlen == 8 && strncasecmp(d, "no-store", 8) == 0) || (dlen == 8 && strncasecmp(d, "no-cache", 8) == 0)) {
            res->no_store = 1;
        }
    }
}

static size_t on_header(char *data, size_t size, size_t count, void *context) {
    size_t n = size * count;
    static const char name[] = "cache-control:";
    if (n > sizeof name - 1 && strncasecmp(data, name, sizeof name - 1) == 0) {
        read_cache_control(data + sizeof name - 1, n - (sizeof name - 1), ((reading *)context)->response);
    }
    return n;
}

/* The CA bundle when the caller names none: $SSL_CERT_FILE, else the first bundle of the well-known places
 * that exists (a wheel's libcurl may run on another distribution than the one it was built on, whose
 * compiled-in path would not exist there), else libcurl's own default. */
static const char *system_ca_file(void) {
    static const char *const known[] = {
        "/etc/ssl/certs/ca-certificates.crt", /* Debian, Ubuntu, Arch, Gentoo */
        "/etc/pki/tls/certs/ca-bundle.crt",   /* Fedora, RHEL, CentOS */
        "/etc/ssl/ca-bundle.pem",             /* openSUSE */
        "/etc/ssl/cert.pem",                  /* Alpine */
    };
    const char *env = getenv("SSL_CERT_FILE");
    if (env != NULL && env[0] != 0 && access(env, R_OK) == 0) return env;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (access(known[i], R_OK) == 0) return known[i];
    }
    return NULL;
}

int tg_https_request(const char *url, const char *const *headers, const char *body, size_t body_len,
                     const char *ca_file, long timeout_ms, size_t max_bytes, tg_https_response *response) {
    memset(response, 0, sizeof *response);
    response->max_age = -1;
    pthread_once(&global_once, global_init);
    if (global_result != CURLE_OK) {
        snprintf(response->error, sizeof response->error, "libcurl did not start: %s", curl_easy_strerror(global_result));
        return -1;
    }
    CURL *curl = curl_easy_init();
    if (curl == NULL) {
        snprintf(response->error, sizeof response->error, "libcurl could not make a handle");
        return -1;
    }
    reading r = {response, 0, max_bytes, 0};
    char curl_error[CURL_ERROR_SIZE] = {0};
    struct curl_slist *list = NULL;
    for (const char *const *h = headers; h != NULL && *h != NULL; h++) {
        struct curl_slist *grown = curl_slist_append(list, *h);
        if (grown == NULL) break;
        list = grown;
    }
    list = curl_slist_append(list, "Expect:"); /* no 100-continue round trip for a small POST */

    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (ca_file == NULL) ca_file = system_ca_file();
    if (ca_file != NULL) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); /* threads: timeouts without SIGALRM */
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "tgauth");
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
    if (body != NULL) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    }

    CURLcode code = curl_easy_perform(curl);
    int result = 0;
    if (code == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response->status);
        if (response->body == NULL) {
            response->body = calloc(1, 1);
        }
    } else {
        result = -1;
        if (r.too_large) {
            snprintf(response->error, sizeof response->error, "the answer is over %zu bytes", max_bytes);
        } else {
            snprintf(response->error, sizeof response->error, "%s", curl_error[0] ? curl_error : curl_easy_strerror(code));
        }
        free(response->body);
        response->body = NULL;
        response->body_len = 0;
    }
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return result;
}

void tg_https_response_free(tg_https_response *response) {
    if (response == NULL) return;
    free(response->body);
    response->body = NULL;
    response->body_len = 0;
}
