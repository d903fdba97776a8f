/* The C suite for tgauth_oidc.h: id_tokens, key sets, the code flow. */
#include "support.h"

/* ---- OpenID Connect (tgauth_oidc.h): an EdDSA token signed here with the vectors' custom key pair ---- */

static void b64url(char *out, const uint8_t *in, size_t n) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t i, o = 0;
    for (i = 0; i + 2 < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[o++] = alphabet[v >> 18 & 63], out[o++] = alphabet[v >> 12 & 63], out[o++] = alphabet[v >> 6 & 63],
        out[o++] = alphabet[v & 63];
    }
    if (n - i == 1) {
        unsigned v = (unsigned)in[i] << 16;
        out[o++] = alphabet[v >> 18 & 63], out[o++] = alphabet[v >> 12 & 63];
    } else if (n - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        out[o++] = alphabet[v >> 18 & 63], out[o++] = alphabet[v >> 12 & 63], out[o++] = alphabet[v >> 6 & 63];
    }
    out[o] = 0;
}

/* header.payload.signature, signed with `sk` */
static void jws(char *out, const char *header, const char *claims, const uint8_t sk[64]) {
    uint8_t sig[64];
    size_t n;
    b64url(out, (const uint8_t *)header, strlen(header));
    n = strlen(out);
    out[n++] = '.';
    b64url(out + n, (const uint8_t *)claims, strlen(claims));
    n = strlen(out);
    crypto_sign_detached(sig, NULL, (const uint8_t *)out, n, sk);
    out[n++] = '.';
    b64url(out + n, sig, 64);
}

static void test_oidc(void) {
    uint8_t seed[32], pk[32], sk[64];
    char x[64], jwks[256], other[256], token[1024], claims[1024];
    const char *body = "{\"iss\":\"https://oauth.telegram.org\",\"aud\":\"7342037359\",\"sub\":\"opaque\",\"id\":279058397,"
                       "\"iat\":1799999990,\"exp\":1800003590,\"nonce\":\"n-1\"}";
    tgauth_oidc *v = NULL;
    tgauth_error err;
    tgauth_check check;
    size_t len;
    CHECK(sodium_init() >= 0);
    vector_bytes(seed, 32, "third_party_ed25519.1.private_key_seed_hex");
    crypto_sign_seed_keypair(pk, sk, seed);
    b64url(x, pk, 32);
    snprintf(jwks, sizeof jwks, "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"alg\":\"EdDSA\",\"kid\":\"ed-1\",\"x\":\"%s\"}]}", x);
    snprintf(other, sizeof other, "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"ed-2\",\"x\":\"%s\"}]}", x);
    jws(token, "{\"alg\":\"EdDSA\",\"kid\":\"ed-1\"}", body, sk);
    tgauth_check_init(&check);
    check.max_age = 0;
    check.now = 1800000000;

    CHECK(tgauth_oidc_new(&v, &err, "7342037359", 10, jwks, strlen(jwks), NULL) == TGAUTH_OK && v != NULL);
    len = sizeof claims;
    CHECK(tgauth_oidc_verify(v, claims, &len, &err, token, strlen(token), "n-1", 3, &check) == TGAUTH_OK);
    CHECK(len == strlen(claims) + 1 && strstr(claims, "\"id\":279058397") != NULL && strstr(claims, "\"sub\":\"opaque\"") != NULL);
    /* the output-buffer rule */
    {
        size_t needed = len;
        len = 10;
        CHECK(tgauth_oidc_verify(v, claims, &len, &err, token, strlen(token), NULL, 0, &check) == TGAUTH_E_BUFFER_TOO_SMALL);
        CHECK(len == needed);
        len = 0;
        CHECK(tgauth_oidc_verify(v, NULL, &len, &err, token, strlen(token), NULL, 0, &check) == TGAUTH_E_BUFFER_TOO_SMALL && len == needed);
    }
    /* the typed result: the schema's accessors */
    {
        tgauth_id_token *t = (tgauth_id_token *)&t;
        int64_t id = 0;
        size_t n = 0;
        CHECK(tgauth_oidc_verify_token(v, &t, &err, token, strlen(token), "n-1", 3, &check) == TGAUTH_OK && t != NULL);
        CHECK(STREQ(tgauth_id_token_sub(t, &n), "opaque") && n == 6);
        CHECK(tgauth_id_token_id(t, &id) == 1 && id == 279058397);
        CHECK(tgauth_id_token_iat(t) == 1799999990 && tgauth_id_token_exp(t) == 1800003590);
        CHECK(STREQ(tgauth_id_token_nonce(t, NULL), "n-1") && tgauth_id_token_name(t, NULL) == NULL);
        CHECK(tgauth_id_token_claims(t, &n) != NULL && n == strlen(body) && memcmp(tgauth_id_token_claims(t, NULL), body, n) == 0);
        tgauth_id_token_free(t);
        t = (tgauth_id_token *)&t;
        CHECK(tgauth_oidc_verify_token(v, &t, &err, token, strlen(token), "n-2", 3, &check) == TGAUTH_E_BAD_CLAIM && t == NULL);
        tgauth_id_token_free(NULL);
        CHECK(tgauth_id_token_claims(NULL, &n) == NULL && tgauth_id_token_sub(NULL, &n) == NULL);
    }
    len = sizeof claims;
    CHECK(tgauth_oidc_verify(v, claims, &len, &err, token, strlen(token), "n-2", 3, &check) == TGAUTH_E_BAD_CLAIM);
    CHECK(STREQ(err.field, "nonce"));
    {
        char tampered[1024];
        size_t at = strlen(token) - 10;
        snprintf(tampered, sizeof tampered, "%s", token);
        tampered[at] = tampered[at] == 'A' ? 'B' : 'A'; /* another signature */
        CHECK(tgauth_oidc_verify(v, claims, &len, &err, tampered, strlen(tampered), NULL, 0, &check) == TGAUTH_E_BAD_SIGNATURE);
        CHECK(tgauth_oidc_verify(v, claims, &len, &err, token, strlen(token) - 1, NULL, 0, &check) == TGAUTH_E_MALFORMED);
    }
    CHECK(tgauth_oidc_verify(v, claims, &len, &err, "a.b", 3, NULL, 0, &check) == TGAUTH_E_MALFORMED);
    check.now = 1800003590 + 61;
    CHECK(tgauth_oidc_verify(v, claims, &len, &err, token, strlen(token), NULL, 0, &check) == TGAUTH_E_EXPIRED);
    check.now = 1800000000;
    /* a rotation: the old kid becomes unknown, and a failed replacement keeps the set */
    CHECK(tgauth_oidc_set_jwks(v, &err, other, strlen(other)) == TGAUTH_OK);
    CHECK(tgauth_oidc_verify(v, claims, &len, &err, token, strlen(token), NULL, 0, &check) == TGAUTH_E_UNKNOWN_KEY);
    CHECK(STREQ(tgauth_error_kind(TGAUTH_E_UNKNOWN_KEY), "unknown_key"));
    CHECK(tgauth_oidc_set_jwks(v, &err, "{\"keys\":", 8) == TGAUTH_E_MALFORMED);
    CHECK(tgauth_oidc_set_jwks(v, &err, jwks, strlen(jwks)) == TGAUTH_OK);
    len = sizeof claims;
    CHECK(tgauth_oidc_verify(v, claims, &len, &err, token, strlen(token), NULL, 0, &check) == TGAUTH_OK);
    /* arguments */
    CHECK(tgauth_oidc_verify(NULL, claims, &len, &err, token, strlen(token), NULL, 0, &check) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_oidc_verify(v, claims, NULL, &err, token, strlen(token), NULL, 0, &check) == TGAUTH_E_INVALID_ARGUMENT);
    CHECK(tgauth_oidc_set_jwks(NULL, &err, jwks, strlen(jwks)) == TGAUTH_E_INVALID_ARGUMENT);
    /* the authorization-code flow: records of strings, from a client made with a redirect URI and a secret */
    {
        char rec[4096];
        const char *uri = "https://app.example/cb", *parts[8];
        size_t n;
        tgauth_oidc *flow = NULL, *other = NULL;
        tgauth_oidc_options o;
        tgauth_id_token *t = (tgauth_id_token *)&t;
        len = sizeof rec;
        CHECK(tgauth_oidc_authorization_request(v, rec, &len, &err, "openid", 6, 0) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(strstr(err.message, "redirect URI") != NULL); /* v was made without one */
        CHECK(tgauth_oidc_options_init(&o) == TGAUTH_OK && o.timeout_ms == 10000 && o.issuer == NULL);
        CHECK(tgauth_oidc_options_init(NULL) == TGAUTH_E_INVALID_ARGUMENT);
        o.redirect_uri = uri;
        o.redirect_uri_len = strlen(uri);
        o.client_secret = "s3cr3t";
        o.client_secret_len = 6;
        CHECK(tgauth_oidc_new(&flow, &err, "7342037359", 10, jwks, strlen(jwks), &o) == TGAUTH_OK);
        CHECK(tgauth_oidc_authorization_request(flow, rec, &len, &err, "openid profile", 14, 1) == TGAUTH_OK);
        n = record_parts(rec, len, parts, 8);
        CHECK(n == 4 && strncmp(parts[0], "https://oauth.telegram.org/auth?", 32) == 0 && strlen(parts[3]) == 43);
        CHECK(strstr(parts[0], parts[1]) != NULL && strstr(parts[0], parts[3]) == NULL); /* the state in it, never the verifier */
        len = 10;
        CHECK(tgauth_oidc_authorization_request(flow, rec, &len, &err, "openid", 6, 0) == TGAUTH_E_BUFFER_TOO_SMALL && len > 100);
        len = sizeof rec;
        CHECK(tgauth_oidc_authorization_request(flow, rec, &len, &err, "email", 5, 0) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_oidc_authorization_request(NULL, rec, &len, &err, "openid", 6, 0) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_oidc_new(&other, &err, "bot", 3, jwks, strlen(jwks), &o) == TGAUTH_E_INVALID_ARGUMENT && other == NULL);
        /* a stand-in issuer moves every endpoint; a non-https one is refused */
        o.issuer = "https://127.0.0.1:8443";
        o.issuer_len = strlen(o.issuer);
        CHECK(tgauth_oidc_new(&other, &err, "7342037359", 10, jwks, strlen(jwks), &o) == TGAUTH_OK);
        len = sizeof rec;
        CHECK(tgauth_oidc_token_request(other, rec, &len, &err, "c0de", 4, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", 43) == TGAUTH_OK);
        CHECK(STREQ(rec, "https://127.0.0.1:8443/token"));
        tgauth_oidc_free(other);
        other = NULL;
        o.issuer = "http://127.0.0.1:8443";
        o.issuer_len = strlen(o.issuer);
        CHECK(tgauth_oidc_new(&other, &err, "7342037359", 10, jwks, strlen(jwks), &o) == TGAUTH_E_INVALID_ARGUMENT && other == NULL);
        o.issuer = NULL;
        o.issuer_len = 0;
        o.timeout_ms = 0;
        CHECK(tgauth_oidc_new(&other, &err, "7342037359", 10, jwks, strlen(jwks), &o) == TGAUTH_E_INVALID_ARGUMENT && other == NULL);
        len = sizeof rec;
        CHECK(tgauth_oidc_token_request(flow, rec, &len, &err, "c0de", 4, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", 43) == TGAUTH_OK);
        n = record_parts(rec, len, parts, 8);
        CHECK(n == 6 && STREQ(parts[0], "https://oauth.telegram.org/token") && strstr(parts[1], "code_verifier=dBjft") != NULL);
        CHECK(STREQ(parts[4], "Authorization") && STREQ(parts[5], "Basic NzM0MjAzNzM1OTpzM2NyM3Q="));
        CHECK(tgauth_oidc_token_request(flow, rec, &len, &err, "c", 1, "short", 5) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(strstr(err.message, "s3cr3t") == NULL);
        /* the exchange checks its arguments before any request; a wrong verifier never reaches the network */
        CHECK(tgauth_oidc_exchange(flow, &t, &err, "c0de", 4, "short", 5, NULL, 0, NULL) == TGAUTH_E_INVALID_ARGUMENT && t == NULL);
        CHECK(tgauth_oidc_exchange(v, &t, &err, "c0de", 4, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", 43, NULL, 0, NULL) == TGAUTH_E_INVALID_ARGUMENT);
        CHECK(tgauth_oidc_exchange(NULL, &t, &err, "c0de", 4, "v", 1, NULL, 0, NULL) == TGAUTH_E_INVALID_ARGUMENT);
        tgauth_oidc_free(flow);
        len = sizeof rec;
        {
            static const char answer[] = "{\"id_token\":\"a.b.c\",\"expires_in\":3600}";
            CHECK(tgauth_oidc_token_response(rec, &len, &err, answer, strlen(answer)) == TGAUTH_OK);
        }
        n = record_parts(rec, len, parts, 8);
        CHECK(n == 3 && STREQ(parts[0], "a.b.c") && STREQ(parts[1], "") && STREQ(parts[2], "3600"));
        {
            static const char refusal[] = "{\"error\":\"invalid_grant\"}";
            CHECK(tgauth_oidc_token_response(rec, &len, &err, refusal, strlen(refusal)) == TGAUTH_E_OAUTH_ERROR);
        }
        CHECK(strstr(err.message, "invalid_grant") != NULL && STREQ(tgauth_error_kind(TGAUTH_E_OAUTH_ERROR), "oauth_error"));
    }
    tgauth_oidc_free(v);
    tgauth_oidc_free(NULL);
    v = (tgauth_oidc *)&v;
    CHECK(tgauth_oidc_new(&v, &err, "", 0, jwks, strlen(jwks), NULL) == TGAUTH_E_INVALID_ARGUMENT && v == NULL);
    {
        static const char hmac_key[] = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"h\"}]}";
        CHECK(tgauth_oidc_new(&v, &err, "1", 1, hmac_key, strlen(hmac_key), NULL) == TGAUTH_E_INVALID_ARGUMENT);
    }
    CHECK(strstr(err.message, "oct") != NULL);
}

void run_oidc_tests(void) {
    test_oidc();
}
