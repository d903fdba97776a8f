#ifndef TGAUTH_CDONNA_H
#define TGAUTH_CDONNA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Ed25519 verification by Crypto++'s Donna (Andrew Moon's ed25519-donna): the equation [S]B = R + [k]A,
 * cofactorless, with R compared as bytes. It does not check that S < L and does not refuse a small-order
 * or non-canonical public key: the caller (Ed25519.swift) does both with libsodium first.
 * Returns 0 when the signature verifies. */
int tg_ed25519_donna_verify(const unsigned char *message, size_t message_len, const unsigned char public_key[32],
                            const unsigned char signature[64]);

#ifdef __cplusplus
}
#endif

#endif
