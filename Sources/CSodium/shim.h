#ifndef TGAUTH_CSODIUM_SHIM_H
#define TGAUTH_CSODIUM_SHIM_H

/* libsodium: Ed25519 verification (strict: a key of prime order, a canonical S, no small-order R) and Ed25519
 * signing for fixtures. HMAC and SHA-256 stay with OpenSSL (COpenSSL), which is faster at them. */
#include <sodium.h>

#endif
