#ifndef TGAUTH_CSODIUM_SHIM_H
#define TGAUTH_CSODIUM_SHIM_H

/* libsodium provides Ed25519 (third-party validation): its verify is about twice as fast as OpenSSL 3's
 * EVP one on this class of machine. HMAC and SHA-256 stay with OpenSSL (COpenSSL), which is faster there. */
#include <sodium.h>

#endif
