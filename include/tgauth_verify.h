/*
 * tgauth_verify.h: the verification core. Version, status codes and errors, the checks, the typed
 * results, the Mini App, third-party and Login Widget verifiers, secrets and signing.
 * The conventions, memory rules and thread safety of every tgauth header are stated once, in tgauth.h.
 */
#ifndef TGAUTH_VERIFY_H
#define TGAUTH_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Version ----------------------------------------------------------------------------------- */

#define TGAUTH_VERSION_MAJOR 0
#define TGAUTH_VERSION_MINOR 2
#define TGAUTH_VERSION_RELEASE 0
#define TGAUTH_VERSION_NUMBER (TGAUTH_VERSION_MAJOR * 10000 + TGAUTH_VERSION_MINOR * 100 + TGAUTH_VERSION_RELEASE)
#define TGAUTH_VERSION_STRING "0.2.0"

#if defined(_WIN32)
#define TGAUTH_API __declspec(dllimport)
#elif defined(__GNUC__) || defined(__clang__)
#define TGAUTH_API __attribute__((visibility("default")))
#else
#define TGAUTH_API
#endif

#if defined(__GNUC__) || defined(__clang__)
#define TGAUTH_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
#else
#define TGAUTH_WARN_UNUSED_RESULT
#endif

/** Returns: TGAUTH_VERSION_NUMBER of the library actually loaded (compare it with the header's). */
TGAUTH_API unsigned tgauth_version_number(void);

/** Returns: TGAUTH_VERSION_STRING of the library actually loaded. */
TGAUTH_API const char *tgauth_version_string(void);

/* ---- Status codes (append-only) ---------------------------------------------------------------- */

/* ---- Generated status codes (scripts/generate.py from TelegramAuthError.Kind; do not edit) ---- */
#define TGAUTH_OK 0
/** The input does not follow the expected syntax (query string, JSON, hex, base64url, UTF-8). */
#define TGAUTH_E_MALFORMED 1
/** A field that must be present is absent. */
#define TGAUTH_E_MISSING_FIELD 2
/** The HMAC-SHA256 `hash` does not match. */
#define TGAUTH_E_BAD_HASH 3
/** A signature does not verify: the Ed25519 `signature`, an id_token's, a Gateway report's. */
#define TGAUTH_E_BAD_SIGNATURE 4
/** `auth_date` (or a Gateway report's timestamp) is older than the allowed maximum age. */
#define TGAUTH_E_EXPIRED 5
/** `auth_date` (or a Gateway report's timestamp) lies further ahead than the allowed clock skew. */
#define TGAUTH_E_FUTURE_AUTH_DATE 6
/** The input is longer than the configured limit. */
#define TGAUTH_E_TOO_LARGE 7
/** The caller passed an unusable argument, such as an empty bot token or a 31-byte key. */
#define TGAUTH_E_INVALID_ARGUMENT 8
/** The caller's output buffer is too small; the size needed is reported (C ABI only). */
#define TGAUTH_E_BUFFER_TOO_SMALL 9
/** A webhook request's `X-Telegram-Bot-Api-Secret-Token` header is missing or wrong. */
#define TGAUTH_E_BAD_WEBHOOK_SECRET 10
/** The in-memory login store holds its maximum of pending logins. */
#define TGAUTH_E_STORE_FULL 11
/** The login store (Redis) cannot be reached or answered with an error. */
#define TGAUTH_E_STORE_UNAVAILABLE 12
/** An id_token names a key (`kid`) the key set lacks: fetch the key set again. */
#define TGAUTH_E_UNKNOWN_KEY 13
/** An id_token's claims are not for this client (`iss`, `aud`, `azp`, `sub`, `nonce`, or a missing time). */
#define TGAUTH_E_BAD_CLAIM 14
/** The OAuth token endpoint refused (its `error`, and `error_description` when given, are in the detail). */
#define TGAUTH_E_OAUTH_ERROR 15
/** An HTTPS request (the key set, the token request) got no usable answer: no connection, a TLS failure, a
 *  timeout, an HTTP error status or an oversized answer. */
#define TGAUTH_E_NETWORK 16
/* ---- End of generated status codes ---- */

/** Returns: a static English description of `code` ("unknown status" for an unknown code). */
TGAUTH_API const char *tgauth_strerror(int code);

/** Returns: the stable identifier of `code` ("ok", or the kind the TGAUTH_E_* above names, in lower case:
 *  TGAUTH_E_MISSING_FIELD is "missing_field"), the same the CLI prints and the Python exceptions carry;
 *  "unknown" for an unknown code. */
TGAUTH_API const char *tgauth_error_kind(int code);

/** Detail of a failure. Filled by any function that takes a `tgauth_error *`, when it is not NULL. */
typedef struct tgauth_error {
    int code;          /* the status that was returned */
    char field[64];    /* the field at fault ("hash", "user.id", ...), or "" when none; NUL-terminated */
    char message[256]; /* a human-readable explanation, NUL-terminated, never containing secrets */
} tgauth_error;

/* ---- Sizes ------------------------------------------------------------------------------------- */

#define TGAUTH_SECRET_BYTES 32
#define TGAUTH_PUBLIC_KEY_BYTES 32
#define TGAUTH_PRIVATE_KEY_BYTES 32
TGAUTH_API size_t tgauth_secret_bytes(void);
TGAUTH_API size_t tgauth_public_key_bytes(void);
TGAUTH_API size_t tgauth_private_key_bytes(void);

/* ---- Checks applied to every verification ----------------------------------------------------- */

#define TGAUTH_DEFAULT_MAX_AGE 86400
#define TGAUTH_DEFAULT_FUTURE_SKEW 60
#define TGAUTH_DEFAULT_MAX_INPUT_BYTES 16384

/** The longest key, token, secret, name, nonce, URL or path any function takes (see tgauth.h, Conventions). */
#define TGAUTH_MAX_ARGUMENT_BYTES 4096

/** Time window and size limit. Pass NULL to a verify function for the defaults. */
typedef struct tgauth_check {
    int64_t max_age;        /* seconds; 0 turns the age check off. Default 86400 */
    int64_t future_skew;    /* seconds auth_date may lie ahead of now. Default 60 */
    int64_t now;            /* Unix time to check against; 0 reads the system clock. Default 0 */
    size_t max_input_bytes; /* longer input is TGAUTH_E_TOO_LARGE before any parsing. Default 16384 */
} tgauth_check;

/** Fills `check` with the defaults.
 *  Returns: TGAUTH_OK, or TGAUTH_E_INVALID_ARGUMENT when `check` is NULL. */
TGAUTH_API int tgauth_check_init(tgauth_check *check);

/** A key/value pair given by the caller (for signing, or widget fields from a parsed request). */
typedef struct tgauth_field {
    const char *key;
    size_t key_len;
    const char *value;
    size_t value_len;
} tgauth_field;

/* ---- Bot API webhooks ------------------------------------------------------------------------- */

/** Checks a webhook request's `X-Telegram-Bot-Api-Secret-Token` header against the `secret_token` given to
 *  setWebhook, in constant time (SHA-256 of each, compared with CRYPTO_memcmp). The deep-link login's
 *  webhook handler runs the same check.
 *  Returns: TGAUTH_OK when the header is the secret; TGAUTH_E_BAD_WEBHOOK_SECRET when it is absent (NULL, 0)
 *  or differs; TGAUTH_E_INVALID_ARGUMENT for a secret that is not 1-256 characters of A-Za-z0-9_- (as
 *  setWebhook requires). No message holds the secret or the header.
 *  Out: err (may be NULL). In: secret; header: the header's value, or NULL/0 when the request had none. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_webhook_secret_check(
    tgauth_error *err, const char *secret, size_t secret_len, const char *header, size_t header_len);

/* ---- Results ----------------------------------------------------------------------------------- */

/* Each result's type, its _free (and, for a result with unknown fields, _extra_count and _extra), then one
 * accessor per field, named tgauth_<result>_<field>: an integer that must be present returns int64_t;
 * an optional one returns 1 and writes *value when present; a string returns NUL-terminated UTF-8 or NULL;
 * a flag returns 1, 0 or -1 (absent); a nested object returns a borrowed view or NULL. */
/* ---- Generated field accessors (scripts/generate.py from schema/results.json; do not edit) ---- */

/** A borrowed view of WebAppUser: A Telegram user as a Mini App sees it (`WebAppUser`; also the shape of the Login Widget user). */
typedef struct tgauth_user tgauth_user;
/** `id`: The user's id. Exact: ids above 2^53 are not rounded. Returns: 0 when `user` is NULL. */
TGAUTH_API int64_t tgauth_user_id(const tgauth_user *user);
/** `first_name`: The user's first name. Returns: NUL-terminated UTF-8 owned by `user`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_user_first_name(const tgauth_user *user, size_t *len);
/** `last_name`: The user's last name. Returns: NUL-terminated UTF-8 owned by `user`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_user_last_name(const tgauth_user *user, size_t *len);
/** `username`: The user's username, without @. Returns: NUL-terminated UTF-8 owned by `user`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_user_username(const tgauth_user *user, size_t *len);
/** `language_code`: The IETF language tag of the user's language. Returns: NUL-terminated UTF-8 owned by `user`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_user_language_code(const tgauth_user *user, size_t *len);
/** `photo_url`: A URL of the user's profile photo. Returns: NUL-terminated UTF-8 owned by `user`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_user_photo_url(const tgauth_user *user, size_t *len);
/** `is_bot`: Whether the user is a bot. Returns: 1 true, 0 false, -1 absent (or `user` NULL). */
TGAUTH_API int tgauth_user_is_bot(const tgauth_user *user);
/** `is_premium`: Whether the user has Telegram Premium. Returns: 1 true, 0 false, -1 absent (or `user` NULL). */
TGAUTH_API int tgauth_user_is_premium(const tgauth_user *user);
/** `added_to_attachment_menu`: Whether the user added the bot to the attachment menu. Returns: 1 true, 0 false, -1 absent (or `user` NULL). */
TGAUTH_API int tgauth_user_added_to_attachment_menu(const tgauth_user *user);
/** `allows_write_to_pm`: Whether the user allowed the bot to message them. Returns: 1 true, 0 false, -1 absent (or `user` NULL). */
TGAUTH_API int tgauth_user_allows_write_to_pm(const tgauth_user *user);

/** A borrowed view of WebAppChat: The chat a Mini App was opened from (`WebAppChat`). */
typedef struct tgauth_chat tgauth_chat;
/** `id`: The chat's id (negative for groups). Returns: 0 when `chat` is NULL. */
TGAUTH_API int64_t tgauth_chat_id(const tgauth_chat *chat);
/** `type`: `group`, `supergroup` or `channel`. Returns: NUL-terminated UTF-8 owned by `chat`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_chat_type(const tgauth_chat *chat, size_t *len);
/** `title`: The chat's title. Returns: NUL-terminated UTF-8 owned by `chat`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_chat_title(const tgauth_chat *chat, size_t *len);
/** `username`: The chat's username, without @. Returns: NUL-terminated UTF-8 owned by `chat`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_chat_username(const tgauth_chat *chat, size_t *len);
/** `photo_url`: A URL of the chat's photo. Returns: NUL-terminated UTF-8 owned by `chat`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_chat_photo_url(const tgauth_chat *chat, size_t *len);

/** Verified Mini App launch data (`WebAppInitData`). A result: free it with tgauth_init_data_free; its strings live as long as it does. */
typedef struct tgauth_init_data tgauth_init_data;
/** Frees a result. Accepts NULL. */
TGAUTH_API void tgauth_init_data_free(tgauth_init_data *data);
/** Returns: the number of top-level fields this library version does not know (they were checked). */
TGAUTH_API size_t tgauth_init_data_extra_count(const tgauth_init_data *data);
/** Out: *field = the index-th unknown field, in key order; its strings are owned by `data`.
 *  Returns: TGAUTH_OK, or TGAUTH_E_INVALID_ARGUMENT for NULL or an index out of range. */
TGAUTH_API int tgauth_init_data_extra(const tgauth_init_data *data, tgauth_field *field, size_t index);
/** `auth_date`: `auth_date`, Unix time. Returns: 0 when `data` is NULL. */
TGAUTH_API int64_t tgauth_init_data_auth_date(const tgauth_init_data *data);
/** `query_id`: `query_id`, present when the Mini App was opened from an inline keyboard button. Returns: NUL-terminated UTF-8 owned by `data`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_init_data_query_id(const tgauth_init_data *data, size_t *len);
/** `chat_type`: `chat_type`: `sender`, `private`, `group`, `supergroup` or `channel`. Returns: NUL-terminated UTF-8 owned by `data`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_init_data_chat_type(const tgauth_init_data *data, size_t *len);
/** `chat_instance`: `chat_instance`, a global identifier of the chat; kept as a string, it is an opaque 64-bit value. Returns: NUL-terminated UTF-8 owned by `data`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_init_data_chat_instance(const tgauth_init_data *data, size_t *len);
/** `start_param`: `start_param` from a direct link. Returns: NUL-terminated UTF-8 owned by `data`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_init_data_start_param(const tgauth_init_data *data, size_t *len);
/** `hash`: `hash`, as received (absent only in third-party data that carries no hash). Returns: NUL-terminated UTF-8 owned by `data`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_init_data_hash(const tgauth_init_data *data, size_t *len);
/** `signature`: `signature`, as received. Returns: NUL-terminated UTF-8 owned by `data`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_init_data_signature(const tgauth_init_data *data, size_t *len);
/** `can_send_after`: `can_send_after`: seconds after which `answerWebAppQuery` may be called. Out: *value. Returns: 1 when present, 0 when absent or a pointer is NULL. */
TGAUTH_API int tgauth_init_data_can_send_after(const tgauth_init_data *data, int64_t *value);
/** `user`: The current user. Returns: a view owned by `data`, or NULL when absent. */
TGAUTH_API const tgauth_user *tgauth_init_data_user(const tgauth_init_data *data);
/** `receiver`: The chat partner, in private chats opened from the attachment menu. Returns: a view owned by `data`, or NULL when absent. */
TGAUTH_API const tgauth_user *tgauth_init_data_receiver(const tgauth_init_data *data);
/** `chat`: The chat, in groups and channels opened from the attachment menu. Returns: a view owned by `data`, or NULL when absent. */
TGAUTH_API const tgauth_chat *tgauth_init_data_chat(const tgauth_init_data *data);

/** A user verified from Login Widget data. A result: free it with tgauth_widget_data_free; its strings live as long as it does. */
typedef struct tgauth_widget_data tgauth_widget_data;
/** Frees a result. Accepts NULL. */
TGAUTH_API void tgauth_widget_data_free(tgauth_widget_data *data);
/** Returns: the number of top-level fields this library version does not know (they were checked). */
TGAUTH_API size_t tgauth_widget_data_extra_count(const tgauth_widget_data *data);
/** Out: *field = the index-th unknown field, in key order; its strings are owned by `data`.
 *  Returns: TGAUTH_OK, or TGAUTH_E_INVALID_ARGUMENT for NULL or an index out of range. */
TGAUTH_API int tgauth_widget_data_extra(const tgauth_widget_data *data, tgauth_field *field, size_t index);
/** `auth_date`: `auth_date`, Unix time. Returns: 0 when `data` is NULL. */
TGAUTH_API int64_t tgauth_widget_data_auth_date(const tgauth_widget_data *data);
/** `user`: The verified user, whose fields the widget sends at the top level. Returns: a view owned by `data`, or NULL when absent. */
TGAUTH_API const tgauth_user *tgauth_widget_data_user(const tgauth_widget_data *data);

/** A borrowed view of DeliveryStatus: How far a Gateway message got (`DeliveryStatus`). */
typedef struct tgauth_delivery_status tgauth_delivery_status;
/** `status`: `sent`, `delivered`, `read`, `expired` or `revoked`. Returns: NUL-terminated UTF-8 owned by `delivery_status`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_delivery_status_status(const tgauth_delivery_status *delivery_status, size_t *len);
/** `updated_at`: When the status last changed, Unix time. Returns: 0 when `delivery_status` is NULL. */
TGAUTH_API int64_t tgauth_delivery_status_updated_at(const tgauth_delivery_status *delivery_status);

/** A borrowed view of VerificationStatus: What became of a Gateway verification code (`VerificationStatus`). */
typedef struct tgauth_verification_status tgauth_verification_status;
/** `status`: `code_valid`, `code_invalid`, `code_max_attempts_exceeded` or `expired`. Returns: NUL-terminated UTF-8 owned by `verification_status`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_verification_status_status(const tgauth_verification_status *verification_status, size_t *len);
/** `updated_at`: When the status last changed, Unix time. Returns: 0 when `verification_status` is NULL. */
TGAUTH_API int64_t tgauth_verification_status_updated_at(const tgauth_verification_status *verification_status);
/** `code_entered`: The code the user entered. Returns: NUL-terminated UTF-8 owned by `verification_status`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_verification_status_code_entered(const tgauth_verification_status *verification_status, size_t *len);

/** A verified Telegram Gateway delivery report (`RequestStatus`), as Telegram posts it to the `callback_url`. A result: free it with tgauth_gateway_report_free; its strings live as long as it does. */
typedef struct tgauth_gateway_report tgauth_gateway_report;
/** Frees a result. Accepts NULL. */
TGAUTH_API void tgauth_gateway_report_free(tgauth_gateway_report *data);
/** `request_id`: The id of the verification request. Returns: NUL-terminated UTF-8 owned by `data`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_gateway_report_request_id(const tgauth_gateway_report *data, size_t *len);
/** `phone_number`: The phone number, in E.164 format. Returns: NUL-terminated UTF-8 owned by `data`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_gateway_report_phone_number(const tgauth_gateway_report *data, size_t *len);
/** `request_cost`: What the request cost. Out: *value. Returns: 1 when present, 0 when absent or a pointer is NULL. */
TGAUTH_API int tgauth_gateway_report_request_cost(const tgauth_gateway_report *data, double *value);
/** `is_refunded`: Whether the request's fee was refunded. Returns: 1 true, 0 false, -1 absent (or `data` NULL). */
TGAUTH_API int tgauth_gateway_report_is_refunded(const tgauth_gateway_report *data);
/** `remaining_balance`: The account's balance after the request. Out: *value. Returns: 1 when present, 0 when absent or a pointer is NULL. */
TGAUTH_API int tgauth_gateway_report_remaining_balance(const tgauth_gateway_report *data, double *value);
/** `delivery_status`: How far the message got. Returns: a view owned by `data`, or NULL when absent. */
TGAUTH_API const tgauth_delivery_status *tgauth_gateway_report_delivery_status(const tgauth_gateway_report *data);
/** `verification_status`: What became of the code. Returns: a view owned by `data`, or NULL when absent. */
TGAUTH_API const tgauth_verification_status *tgauth_gateway_report_verification_status(const tgauth_gateway_report *data);
/** `payload`: The `payload` given to `sendVerificationMessage`. Returns: NUL-terminated UTF-8 owned by `data`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_gateway_report_payload(const tgauth_gateway_report *data, size_t *len);

/* ---- End of generated field accessors ---- */

/* ---- Mini App initData (HMAC-SHA256 with the bot token) ---------------------------------------- */

/** A validator for one bot token; derives the key once. Share it between threads freely. */
typedef struct tgauth_mini_app tgauth_mini_app;

/** Creates a validator.
 *  Returns: TGAUTH_OK, or TGAUTH_E_INVALID_ARGUMENT for NULL pointers or a token not of the form <bot id>:<secret>.
 *  Out: *validator, to free with tgauth_mini_app_free (NULL on failure). err (may be NULL): why it failed.
 *  In: bot_token, bot_token_len: the token from @BotFather. It is not kept; only the derived key is. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_mini_app_new(
    tgauth_mini_app **validator, tgauth_error *err, const char *bot_token, size_t bot_token_len);
/** Frees a validator. Accepts NULL. */
TGAUTH_API void tgauth_mini_app_free(tgauth_mini_app *validator);

/** Validates initData, or an Authorization header value `tma <initData>`.
 *  Returns: TGAUTH_OK or the reason for rejection.
 *  Out: *data: the verified result on success, NULL otherwise. err (may be NULL): the detail.
 *  In: init_data, init_data_len; check: limits, or NULL for the defaults. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_mini_app_validate(
    const tgauth_mini_app *validator, tgauth_init_data **data, tgauth_error *err,
    const char *init_data, size_t init_data_len, const tgauth_check *check);

/* ---- Third-party validation (Ed25519 `signature`, bot id only) --------------------------------- */

#define TGAUTH_ENVIRONMENT_PRODUCTION 0
#define TGAUTH_ENVIRONMENT_TEST 1

/** A validator for one bot id and public key. Share it between threads freely. */
typedef struct tgauth_third_party tgauth_third_party;

/** Creates a validator with Telegram's key for `environment` (TGAUTH_ENVIRONMENT_*).
 *  Returns: TGAUTH_OK, or TGAUTH_E_INVALID_ARGUMENT for a NULL pointer, a bot id <= 0 or an unknown environment.
 *  Out: *validator (NULL on failure); err (may be NULL): why it failed. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_third_party_new(
    tgauth_third_party **validator, tgauth_error *err, int64_t bot_id, int environment);
/** Creates a validator with a caller's 32-byte Ed25519 public key.
 *  Returns: TGAUTH_OK, or TGAUTH_E_INVALID_ARGUMENT for NULL, a bot id <= 0, or a key that is not 32 bytes
 *  or not a usable point. Out: as tgauth_third_party_new. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_third_party_new_with_key(
    tgauth_third_party **validator, tgauth_error *err, int64_t bot_id, const uint8_t *public_key,
    size_t public_key_len);
/** Frees a validator. Accepts NULL. */
TGAUTH_API void tgauth_third_party_free(tgauth_third_party *validator);
/** Validates initData by its `signature`. Out and In as tgauth_mini_app_validate.
 *
 *  Verified signatures are cached: a Mini App sends the same initData with every request of a session. The
 *  cache is keyed by a SHA-256 of the public key, the signature and the signed message (which starts with
 *  the bot id), not by the unsigned `hash`, so variants of one payload share one entry; the least recently
 *  used one makes room. A hit skips only the Ed25519 check: the input is parsed and checked afresh on every
 *  call, so the verdict and the result are always a fresh validation's. Rejections are never cached.
 *  `signature` must be 86 base64url characters without padding (TGAUTH_E_MALFORMED otherwise). */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_third_party_validate(
    const tgauth_third_party *validator, tgauth_init_data **data, tgauth_error *err,
    const char *init_data, size_t init_data_len, const tgauth_check *check);

/** The cache size of a new validator, in results. */
#define TGAUTH_THIRD_PARTY_DEFAULT_CACHE_SIZE 1024

/** Sets how many verified signatures `validator` keeps (0 turns the cache off), keeping the most recently
 *  used ones. Thread-safe: it may run while other threads validate with the same validator.
 *  Returns: TGAUTH_OK, or TGAUTH_E_INVALID_ARGUMENT for a NULL validator or a size above 2^31. */
TGAUTH_API int tgauth_third_party_set_cache_size(tgauth_third_party *validator, size_t entries);

/** Reads the cache counters. Any out pointer may be NULL.
 *  Out: *hits, *misses: lookups answered from the cache, and not; *entries: results held now;
 *  *capacity: the cache size. Returns: TGAUTH_OK, or TGAUTH_E_INVALID_ARGUMENT for a NULL validator. */
TGAUTH_API int tgauth_third_party_cache_stats(
    const tgauth_third_party *validator, uint64_t *hits, uint64_t *misses, size_t *entries, size_t *capacity);

/* ---- Login Widget (HMAC-SHA256 with SHA256(bot token)) ----------------------------------------- */

/** A verifier for one bot token. Share it between threads freely. */
typedef struct tgauth_widget tgauth_widget;

/** Creates a verifier. Returns: TGAUTH_OK, or TGAUTH_E_INVALID_ARGUMENT for NULL or a token not of the form
 *  <bot id>:<secret>. Out: *verifier (NULL on failure); err (may be NULL): why it failed. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_widget_new(
    tgauth_widget **verifier, tgauth_error *err, const char *bot_token, size_t bot_token_len);
/** Frees a verifier. Accepts NULL. */
TGAUTH_API void tgauth_widget_free(tgauth_widget *verifier);

/** Verifies widget data given as a query string, a callback URL (`https://.../auth?...`,
 *  `myapp://telegram-callback?...`, or with the data in the fragment or as `tgAuthResult`), or the JSON
 *  object of the JavaScript callback; the form is detected.
 *  Out: *data: the verified result on success, NULL otherwise. err (may be NULL). */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_widget_verify(
    const tgauth_widget *verifier, tgauth_widget_data **data, tgauth_error *err,
    const char *input, size_t input_len, const tgauth_check *check);

/** Verifies widget data given as decoded key/value pairs (for example a framework's parsed parameters).
 *  In: fields, field_count: the pairs; `fields` may be NULL only when `field_count` is 0. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_widget_verify_fields(
    const tgauth_widget *verifier, tgauth_widget_data **data, tgauth_error *err,
    const tgauth_field *fields, size_t field_count, const tgauth_check *check);

/* ---- Telegram Gateway delivery reports (HMAC-SHA256 with SHA256(API token)) ----------------------- */

/** A verifier of the reports the Gateway API posts to a callback_url, for one API token. Share it between
 *  threads freely. */
typedef struct tgauth_gateway tgauth_gateway;

/** Creates a verifier: the key SHA256(api token) is derived once.
 *  In: api_token: the Gateway API token; max_skew: the seconds a report's timestamp may lie before or after
 *  now, or -1 for the default (300).
 *  Returns: TGAUTH_OK, or TGAUTH_E_INVALID_ARGUMENT for NULL, an empty token or one with bytes outside
 *  printable ASCII, or a skew below -1. Out: *gateway (NULL on failure); err (may be NULL). */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_gateway_new(
    tgauth_gateway **gateway, tgauth_error *err, const char *api_token, size_t api_token_len, int64_t max_skew);
/** Frees a verifier. Accepts NULL. */
TGAUTH_API void tgauth_gateway_free(tgauth_gateway *gateway);
/** Returns: the verifier's timestamp window in seconds (0 when `gateway` is NULL). */
TGAUTH_API int64_t tgauth_gateway_max_skew(const tgauth_gateway *gateway);

/** Verifies one report: X-Request-Signature must be the lowercase hex HMAC-SHA256, under SHA256(api token),
 *  of X-Request-Timestamp, a line feed, and the raw body (compared in constant time); the timestamp must lie
 *  within max_skew of now; the body must be a RequestStatus object.
 *  In: body: the request body as received (at most 16384 bytes); timestamp, signature: the two headers'
 *  values, NULL/0 when the request had none; now: Unix time to check against, 0 for the system clock.
 *  Returns: TGAUTH_OK; TGAUTH_E_MISSING_FIELD for a missing header; TGAUTH_E_MALFORMED for a timestamp
 *  that is not decimal digits, a signature that is not 64 lowercase hex digits, or a body that is not a
 *  RequestStatus; TGAUTH_E_TOO_LARGE; TGAUTH_E_BAD_SIGNATURE; TGAUTH_E_EXPIRED or
 *  TGAUTH_E_FUTURE_AUTH_DATE for a timestamp outside the window; TGAUTH_E_INVALID_ARGUMENT for NULL.
 *  Out: *report (NULL on failure), to free with tgauth_gateway_report_free; err (may be NULL). */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_gateway_report_verify(
    const tgauth_gateway *gateway, tgauth_gateway_report **report, tgauth_error *err, const char *body,
    size_t body_len, const char *timestamp, size_t timestamp_len, const char *signature, size_t signature_len,
    int64_t now);

/** Writes the X-Request-Signature Telegram sends with `body` at `timestamp` (for tests and fixtures): 64
 *  lowercase hex digits and a NUL. Returns: TGAUTH_OK; TGAUTH_E_BUFFER_TOO_SMALL (the output-buffer rule of
 *  tgauth.h); TGAUTH_E_TOO_LARGE for a body over 16384 bytes; TGAUTH_E_INVALID_ARGUMENT for NULL.
 *  In/Out: *out_len: the capacity of `out` on entry, 65 on return. */
TGAUTH_API int tgauth_gateway_sign(
    const tgauth_gateway *gateway, char *out, size_t *out_len, const char *timestamp, size_t timestamp_len,
    const char *body, size_t body_len);

/* ---- Secrets and signing (for tests and fixtures) ---------------------------------------------- */

/** Out: secret = HMAC-SHA256(key "WebAppData", bot token), 32 bytes.
 *  Returns: TGAUTH_OK, or TGAUTH_E_INVALID_ARGUMENT for NULL or an empty token. */
TGAUTH_API int tgauth_mini_app_secret(uint8_t secret[32], const char *bot_token, size_t bot_token_len);
/** Out: secret = SHA256(bot token), 32 bytes. Returns as tgauth_mini_app_secret. */
TGAUTH_API int tgauth_widget_secret(uint8_t secret[32], const char *bot_token, size_t bot_token_len);
/** Out: key = Telegram's Ed25519 public key for `environment`. Returns: TGAUTH_OK or TGAUTH_E_INVALID_ARGUMENT. */
TGAUTH_API int tgauth_telegram_public_key(uint8_t key[32], int environment);

/** Signs Mini App initData: appends `auth_date`, a `signature` when `ed25519_seed` is given, and `hash`.
 *  Returns: TGAUTH_OK; TGAUTH_E_BUFFER_TOO_SMALL (the output-buffer rule of tgauth.h);
 *  TGAUTH_E_INVALID_ARGUMENT for NULL, a token not of the form <bot id>:<secret>, an empty, duplicate or reserved key, or a
 *  seed without a positive bot id.
 *  Out: out: the query string, NUL-terminated. In/Out: *out_len: the capacity of `out` on entry, the
 *  size of the output including its NUL on return.
 *  In: fields, field_count: the other fields; ed25519_seed, seed_len: NULL/0, or a 32-byte private key seed;
 *  bot_id: the bot id the signature covers (ignored without a seed). */
TGAUTH_API int tgauth_sign_init_data(
    char *out, size_t *out_len, const char *bot_token, size_t bot_token_len, const tgauth_field *fields,
    size_t field_count, int64_t auth_date, const uint8_t *ed25519_seed, size_t seed_len, int64_t bot_id);

/** Signs Login Widget data: appends `auth_date` and `hash`, writing a query string.
 *  Returns, Out and In as tgauth_sign_init_data. */
TGAUTH_API int tgauth_sign_widget(
    char *out, size_t *out_len, const char *bot_token, size_t bot_token_len, const tgauth_field *fields,
    size_t field_count, int64_t auth_date);

#ifdef __cplusplus
}
#endif

#endif /* TGAUTH_VERIFY_H */
