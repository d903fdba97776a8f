/*
 * tgauth: verification of Telegram login data (Login Widget, Mini App initData, third-party Ed25519
 * signatures) and the bot deep-link login, for C and C++.
 *
 * This umbrella header includes one header per module; each may also be included alone:
 * - tgauth_verify.h    the verification core: versions, status codes, checks, results, verifiers, signing;
 * - tgauth_record.h    verified results as one record, for language bindings;
 * - tgauth_deeplink.h  the bot deep-link login;
 * - tgauth_oidc.h      Log In With Telegram over OpenID Connect (id_token verification).
 *
 * Conventions
 * -----------
 * - Every function that can fail returns an int status: TGAUTH_OK (0) or one of the TGAUTH_E_* codes.
 *   A NULL pointer where one is required, or a (pointer, length) pair with a NULL pointer and a non-zero
 *   length, gives TGAUTH_E_INVALID_ARGUMENT; it never crashes.
 * - Every length, count and capacity is checked against its limit before anything is read or copied:
 *   - data: initData and widget input (tgauth_check's max_input_bytes), a webhook body (1 MiB), a device
 *     name (1024 bytes), an id_token (TGAUTH_MAX_ID_TOKEN_BYTES), a key set (TGAUTH_MAX_JWKS_BYTES), a
 *     token response (1 MiB): a longer one, or a length of 2^63 or more, gives TGAUTH_E_TOO_LARGE;
 *   - every other argument (a bot token, a client id or secret, a nonce, a webhook secret, a name, a URL, a
 *     path, a code or code verifier): longer than TGAUTH_MAX_ARGUMENT_BYTES gives TGAUTH_E_INVALID_ARGUMENT;
 *   - an output capacity of 2^63 or more gives TGAUTH_E_INVALID_ARGUMENT.
 *   Times (`now`, skews, ages) may be any int64_t: they are compared without overflow.
 * - Messages and `field` never contain a control character: those from the input are written out as
 *   `\r`, `\n`, `\t`, `\xNN` or `\u{NNNN}`.
 * - Argument order: the handle first, then outputs, then inputs. A length follows the pointer it
 *   describes. Inputs are (pointer, length) and need not be NUL-terminated.
 * - An optional `tgauth_error *err` receives the code, the field at fault and a message. It may be NULL.
 *   No message ever contains a bot token or a key derived from one.
 * - Output buffers, one rule for every function that writes into a caller's buffer (signing, records,
 *   deep-link): it takes `char *out, size_t *out_len`, with the capacity of `out` in *out_len on entry.
 *   On return *out_len is the size of the output including its final NUL: of what was written
 *   (TGAUTH_OK), or of what is needed (TGAUTH_E_BUFFER_TOO_SMALL, after which nothing has changed; call
 *   again with that much). `out` may be NULL with a capacity of 0, to learn the size; NULL with a capacity
 *   above 0 is TGAUTH_E_INVALID_ARGUMENT.
 *
 * Memory
 * ------
 * - Objects returned through an `out` pointer (verifiers, results) are owned by the caller and released
 *   with their `_free` function. Every `_free` accepts NULL.
 * - Strings returned by result accessors (`tgauth_user_first_name`, ...) are NUL-terminated UTF-8,
 *   contain no NUL byte, and stay valid until the result they came from is freed. The `len` out-pointer
 *   of these accessors may be NULL. An absent optional field gives NULL.
 * - Borrowed views (`const tgauth_user *`, `const tgauth_chat *`) live exactly as long as their result.
 * - `tgauth_strerror`, `tgauth_error_kind` and `tgauth_version_string` return static strings.
 *
 * Thread safety
 * -------------
 * Verifiers (`tgauth_mini_app`, `tgauth_third_party`, `tgauth_widget`) are immutable after creation: one
 * verifier may be used by any number of threads at once without locking. Results are immutable too and
 * may be read from several threads; freeing one must not race with reading it. All other functions are
 * reentrant.
 *
 * Compatibility
 * -------------
 * Status codes are stable: new codes are only ever added at the end, never renumbered or removed.
 * Results are opaque and read through functions, so later versions add fields without breaking compiled
 * callers. The layout of `tgauth_error`, `tgauth_check` and `tgauth_field` changes only with the SONAME.
 */
#ifndef TGAUTH_H
#define TGAUTH_H

#include "tgauth_verify.h"
#include "tgauth_record.h"
#include "tgauth_deeplink.h"
#include "tgauth_oidc.h"

#endif /* TGAUTH_H */
