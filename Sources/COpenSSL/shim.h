#ifndef TGAUTH_COPENSSL_SHIM_H
#define TGAUTH_COPENSSL_SHIM_H

/* The low-level SHA256_* API is deprecated in OpenSSL 3 but remains exported and is the only way to
 * snapshot a hash state by plain struct copy, which is what makes a precomputed-key HMAC allocation-free. */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* HMAC-SHA256 key schedule: the SHA-256 states after absorbing (key ^ ipad) and (key ^ opad). */
typedef struct tg_hmac_sha256_key {
    SHA256_CTX inner;
    SHA256_CTX outer;
} tg_hmac_sha256_key;

static inline void tg_hmac_sha256_key_init(tg_hmac_sha256_key *k, const uint8_t *key, size_t key_len) {
    uint8_t block[64];
    uint8_t pad[64];
    memset(block, 0, sizeof block);
    if (key_len > 64) {
        SHA256(key, key_len, block);
    } else if (key_len > 0) {
        memcpy(block, key, key_len);
    }
    for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x36;
    SHA256_Init(&k->inner);
    SHA256_Update(&k->inner, pad, 64);
    for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x5c;
    SHA256_Init(&k->outer);
    SHA256_Update(&k->outer, pad, 64);
    OPENSSL_cleanse(block, sizeof block);
    OPENSSL_cleanse(pad, sizeof pad);
}

static inline void tg_hmac_sha256_key_cleanse(tg_hmac_sha256_key *k) {
    OPENSSL_cleanse(k, sizeof *k);
}

/* One-shot MAC of one contiguous message from a precomputed key: no allocation, no fetch. */
static inline void tg_hmac_sha256(const tg_hmac_sha256_key *k, const uint8_t *msg, size_t len, uint8_t out[32]) {
    SHA256_CTX ctx = k->inner;
    uint8_t inner[32];
    SHA256_Update(&ctx, msg, len);
    SHA256_Final(inner, &ctx);
    ctx = k->outer;
    SHA256_Update(&ctx, inner, 32);
    SHA256_Final(out, &ctx);
}

static inline void tg_sha256(const uint8_t *msg, size_t len, uint8_t out[32]) {
    SHA256(msg, len, out);
}

/* SHA-256 of `prefix` followed by `msg`, without joining them first. */
static inline void tg_sha256_pair(const uint8_t *prefix, size_t prefix_len, const uint8_t *msg, size_t len,
                                  uint8_t out[32]) {
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, prefix, prefix_len);
    SHA256_Update(&ctx, msg, len);
    SHA256_Final(out, &ctx);
}

/* EVP_PKEY_PUBLIC_KEY is built from other macros, which Swift does not import */
static const int tg_evp_pkey_public_key = EVP_PKEY_PUBLIC_KEY;

#endif
