#ifndef TGAUTH_CSECP256K1_SHIM_H
#define TGAUTH_CSECP256K1_SHIM_H

/* libsecp256k1 (bitcoin-core's library): ECDSA on secp256k1 for ES256K id_tokens, about 7x faster here than
 * OpenSSL's generic curve code. It accepts only low-S signatures; the caller normalizes S first. */
#include <secp256k1.h>

#endif
