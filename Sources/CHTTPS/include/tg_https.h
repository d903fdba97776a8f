/*
 * tg_https.h: one HTTPS request through libcurl, for the OpenID Connect module (the key set and the token
 * request). Internal to tgauth: these symbols are not exported from libtgauth.so.
 *
 * TLS verification is always on (peer and host name); only https:// URLs are followed, and no redirects.
 */
#ifndef TG_HTTPS_H
#define TG_HTTPS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tg_https_response {
    long status;          /* the HTTP status, 0 when no answer came */
    long max_age;         /* Cache-Control: max-age in seconds, -1 when the answer names none */
    int no_store;         /* 1 when Cache-Control says no-store or no-cache */
    unsigned char *body;  /* the answer's body (malloc'd, NUL-terminated); free with tg_https_response_free */
    size_t body_len;
    char error[256];      /* when the request failed: why, without the URL's query or any header */
} tg_https_response;

/** Makes one request and reads its answer (any status).
 *  In: url: an https:// URL; headers: NULL, or "Name: value" strings ending with NULL; body: NULL for a
 *  GET, else POSTed as is; ca_file: PEM certificates to trust instead of the system's, or NULL for
 *  $SSL_CERT_FILE or else the system bundle (the Debian, Fedora/RHEL, openSUSE or Alpine path);
 *  timeout_ms: for the whole request; max_bytes: a longer body fails the request.
 *  Returns: 0 when an answer came (response->status says which), -1 when none did (response->error says
 *  why). In both cases free the response with tg_https_response_free. */
int tg_https_request(const char *url, const char *const *headers, const char *body, size_t body_len,
                     const char *ca_file, long timeout_ms, size_t max_bytes, tg_https_response *response);

/** Frees the body of a response (the struct itself is the caller's). Accepts NULL. */
void tg_https_response_free(tg_https_response *response);

#ifdef __cplusplus
}
#endif

#endif /* TG_HTTPS_H */
