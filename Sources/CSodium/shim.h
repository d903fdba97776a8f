#ifndef TGAUTH_CSODIUM_SHIM_H
#define TGAUTH_CSODIUM_SHIM_H

/* libsodium provides the strictness checks of Ed25519 verification (a key of prime order, a canonical S)
 * and Ed25519 signing for fixtures; the verification equation itself is Crypto++'s (CDonna), the fastest
 * here. HMAC and SHA-256 stay with OpenSSL (COpenSSL), which is faster at them. */
#include <sodium.h>

#endif
