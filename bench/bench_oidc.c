/*
 * make bench (bench-oidc): an id_token's verification through the C ABI (tgauth_oidc_verify: the JWS read,
 * the signature, the claims, the claims written out as JSON), per algorithm, beside the raw signature check
 * of the library it uses, on the same token's signing input and signature: OpenSSL EVP for RS256 and ES256,
 * libsodium for EdDSA, libsecp256k1 for ES256K. Timed in turn within each of 21 runs; medians of the per-run
 * ratios. The keys are made here. Prints figures only; it never fails on timing.
 */
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <secp256k1.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tgauth.h>

#include "bench.h"

#define RUNS 21


static void b64url(char *out, const unsigned char *in, size_t n) {
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t i, o = 0;
    for (i = 0; i + 2 < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[o++] = a[v >> 18 & 63], out[o++] = a[v >> 12 & 63], out[o++] = a[v >> 6 & 63], out[o++] = a[v & 63];
    }
    if (n - i == 1) {
        unsigned v = (unsigned)in[i] << 16;
        out[o++] = a[v >> 18 & 63], out[o++] = a[v >> 12 & 63];
    } else if (n - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        out[o++] = a[v >> 18 & 63], out[o++] = a[v >> 12 & 63], out[o++] = a[v >> 6 & 63];
    }
    out[o] = 0;
}

typedef struct {
    const char *alg, *kid;
    EVP_PKEY *evp;                       /* RS256, ES256 */
    unsigned char sodium_pk[32], sodium_sk[64];
    unsigned char k1_secret[32];
    secp256k1_pubkey k1_pk;
    char jwk[1024];
    char input[1024];                    /* header.payload */
    unsigned char sig[512], der[80];     /* the signature as JWS carries it; ES256's as DER for EVP */
    size_t sig_len, der_len;
    char token[2048];
} key;

static secp256k1_context *k1;

static EVP_PKEY *keygen(const char *type) {
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY *k = NULL;
    EVP_PKEY_keygen_init(ctx);
    if (!strcmp(type, "RSA")) EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048);
    else EVP_PKEY_CTX_set_group_name(ctx, "prime256v1");
    EVP_PKEY_generate(ctx, &k);
    EVP_PKEY_CTX_free(ctx);
    return k;
}

static void make_jwk(key *k) {
    char x[64], y[64], n[400], e[16];
    unsigned char buf[300];
    if (!strcmp(k->alg, "RS256")) {
        BIGNUM *bn = NULL, *be = NULL;
        EVP_PKEY_get_bn_param(k->evp, "n", &bn);
        EVP_PKEY_get_bn_param(k->evp, "e", &be);
        b64url(n, buf, (size_t)BN_bn2bin(bn, buf));
        b64url(e, buf, (size_t)BN_bn2bin(be, buf));
        BN_free(bn), BN_free(be);
        snprintf(k->jwk, sizeof k->jwk, "{\"kty\":\"RSA\",\"alg\":\"RS256\",\"kid\":\"%s\",\"n\":\"%s\",\"e\":\"%s\"}", k->kid, n, e);
    } else if (!strcmp(k->alg, "ES256")) {
        size_t len = 0;
        EVP_PKEY_get_octet_string_param(k->evp, "pub", buf, 65, &len);
        b64url(x, buf + 1, 32), b64url(y, buf + 33, 32);
        snprintf(k->jwk, sizeof k->jwk, "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"}", k->kid, x, y);
    } else if (!strcmp(k->alg, "EdDSA")) {
        b64url(x, k->sodium_pk, 32);
        snprintf(k->jwk, sizeof k->jwk, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"%s\",\"x\":\"%s\"}", k->kid, x);
    } else {
        size_t len = 65;
        secp256k1_ec_pubkey_serialize(k1, buf, &len, &k->k1_pk, SECP256K1_EC_UNCOMPRESSED);
        b64url(x, buf + 1, 32), b64url(y, buf + 33, 32);
        snprintf(k->jwk, sizeof k->jwk, "{\"kty\":\"EC\",\"crv\":\"secp256k1\",\"kid\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"}", k->kid, x, y);
    }
}

static void sign(key *k) {
    const unsigned char *msg = (const unsigned char *)k->input;
    size_t n = strlen(k->input);
    if (k->evp) {
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        size_t len = sizeof k->sig;
        EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k->evp);
        EVP_DigestSign(md, k->sig, &len, msg, n);
        EVP_MD_CTX_free(md);
        k->sig_len = len;
        if (!strcmp(k->alg, "ES256")) { /* DER to r||s, keeping the DER for the raw EVP verify */
            const unsigned char *p = k->sig;
            ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)len);
            memcpy(k->der, k->sig, len);
            k->der_len = len;
            BN_bn2binpad(ECDSA_SIG_get0_r(s), k->sig, 32);
            BN_bn2binpad(ECDSA_SIG_get0_s(s), k->sig + 32, 32);
            k->sig_len = 64;
            ECDSA_SIG_free(s);
        }
    } else if (!strcmp(k->alg, "EdDSA")) {
        crypto_sign_detached(k->sig, NULL, msg, n, k->sodium_sk);
        k->sig_len = 64;
    } else {
        unsigned char hash[32];
        secp256k1_ecdsa_signature s;
        SHA256(msg, n, hash);
        secp256k1_ecdsa_sign(k1, &s, hash, k->k1_secret, NULL, NULL);
        secp256k1_ecdsa_signature_serialize_compact(k1, k->sig, &s);
        k->sig_len = 64;
    }
}

/* the raw check of the library tgauth uses, on the same bytes */
static int raw_verify(const key *k) {
    const unsigned char *msg = (const unsigned char *)k->input;
    size_t n = strlen(k->input);
    if (k->evp) {
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        int ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k->evp) == 1 &&
                 EVP_DigestVerify(md, k->der_len ? k->der : k->sig, k->der_len ? k->der_len : k->sig_len, msg, n) == 1;
        EVP_MD_CTX_free(md);
        return ok;
    }
    if (!strcmp(k->alg, "EdDSA")) return crypto_sign_verify_detached(k->sig, msg, n, k->sodium_pk) == 0;
    {
        unsigned char hash[32];
        secp256k1_ecdsa_signature s;
        SHA256(msg, n, hash);
        return secp256k1_ecdsa_signature_parse_compact(k1, &s, k->sig) && secp256k1_ecdsa_verify(k1, &s, hash, &k->k1_pk);
    }
}

int main(void) {
    static key keys[4] = {{.alg = "RS256", .kid = "rs"}, {.alg = "ES256", .kid = "es"}, {.alg = "EdDSA", .kid = "ed"},
                          {.alg = "ES256K", .kid = "k1"}};
    const char *claims = "{\"iss\":\"https://oauth.telegram.org\",\"aud\":\"7342037359\",\"sub\":\"opaque-sub\",\"id\":279058397,"
                         "\"name\":\"Vladislav\",\"preferred_username\":\"vdkfrost\",\"iat\":1799999990,\"exp\":1800003590}";
    char jwks[8192] = "{\"keys\":[", payload[1024], header[128], out[4096];
    tgauth_oidc *v = NULL;
    tgauth_error err;
    tgauth_check check;
    if (sodium_init() < 0) return 1;
    k1 = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
    b64url(payload, (const unsigned char *)claims, strlen(claims));
    for (int i = 0; i < 4; i++) {
        key *k = &keys[i];
        if (!strcmp(k->alg, "RS256")) k->evp = keygen("RSA");
        if (!strcmp(k->alg, "ES256")) k->evp = keygen("EC");
        if (!strcmp(k->alg, "EdDSA")) crypto_sign_keypair(k->sodium_pk, k->sodium_sk);
        if (!strcmp(k->alg, "ES256K")) {
            randombytes_buf(k->k1_secret, 32);
            if (!secp256k1_ec_pubkey_create(k1, &k->k1_pk, k->k1_secret)) return 1;
        }
        make_jwk(k);
        snprintf(header, sizeof header, "{\"alg\":\"%s\",\"kid\":\"%s\"}", k->alg, k->kid);
        b64url(k->input, (const unsigned char *)header, strlen(header));
        strcat(k->input, ".");
        strcat(k->input, payload);
        sign(k);
        {
            char s[700];
            b64url(s, k->sig, k->sig_len);
            snprintf(k->token, sizeof k->token, "%s.%s", k->input, s);
        }
        strcat(jwks, k->jwk);
        strcat(jwks, i < 3 ? "," : "]}");
    }
    if (tgauth_oidc_new(&v, &err, "7342037359", 10, jwks, strlen(jwks), NULL) != TGAUTH_OK) {
        fprintf(stderr, "bench-oidc: %s\n", err.message);
        return 1;
    }
    tgauth_check_init(&check);
    check.max_age = 0;
    check.now = 1800000000;
    printf("tgauth %s id_token bench: medians of %d interleaved runs, ratios per run\n", tgauth_version_string(), RUNS);
    for (int i = 0; i < 4; i++) {
        key *k = &keys[i];
        const int iters = !strcmp(k->alg, "RS256") ? 2000 : 1000;
        double raw[RUNS], ours[RUNS], ratio[RUNS];
        size_t len = sizeof out;
        if (!raw_verify(k) || tgauth_oidc_verify(v, out, &len, &err, k->token, strlen(k->token), NULL, 0, &check) != TGAUTH_OK) {
            fprintf(stderr, "bench-oidc: %s does not verify: %s\n", k->alg, err.message);
            return 1;
        }
        for (int r = 0; r < RUNS; r++) {
            double t0 = now_ns();
            for (int j = 0; j < iters; j++) raw_verify(k);
            double t1 = now_ns();
            for (int j = 0; j < iters; j++) {
                len = sizeof out;
                if (tgauth_oidc_verify(v, out, &len, &err, k->token, strlen(k->token), NULL, 0, &check) != TGAUTH_OK) return 1;
            }
            double t2 = now_ns();
            raw[r] = (t1 - t0) / iters, ours[r] = (t2 - t1) / iters, ratio[r] = ours[r] / raw[r];
        }
        printf("%-7s tgauth_oidc_verify %8.0f ns   raw verify (%-13s) %8.0f ns   %.2fx the raw verify\n", k->alg,
               median(ours, RUNS), k->evp ? "OpenSSL EVP" : !strcmp(k->alg, "EdDSA") ? "libsodium" : "libsecp256k1",
               median(raw, RUNS), median(ratio, RUNS));
    }
    tgauth_oidc_free(v);
    return 0;
}
