/*
 * tgauth_deeplink.h: the bot deep-link login (tg://resolve?domain=BOT&start=TOKEN), in memory or on Redis.
 * The conventions, memory rules and thread safety of every tgauth header are stated once, in tgauth.h.
 */
#ifndef TGAUTH_DEEPLINK_H
#define TGAUTH_DEEPLINK_H

#include "tgauth_verify.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Bot deep-link login ----------------------------------------------------------------------- */

/* The app asks its backend to start a login, opens `tg://resolve?domain=BOT&start=TOKEN`, the user taps
 * Start, Telegram delivers `/start TOKEN` to the webhook, and the app, polling or waiting with its poll
 * secret, receives the user (the OAuth device flow of RFC 8628, adapted). Results are records:
 * NUL-terminated UTF-8 strings in a caller buffer, under the output-buffer rule of tgauth.h. The buffer is
 * checked before anything changes, so no result (such as a one-time approval) is ever lost to a short one:
 * a capacity below TGAUTH_DEEPLINK_RECORD_SIZE is TGAUTH_E_BUFFER_TOO_SMALL with *out_len set to it. */

/** The buffer size every deep-link call needs (the largest record any of them writes). */
#define TGAUTH_DEEPLINK_RECORD_SIZE 16384

/** A login flow for one bot. Share it between threads (and, with Redis, between processes) freely. */
typedef struct tgauth_deeplink tgauth_deeplink;

typedef struct tgauth_deeplink_options {
    int64_t ttl;             /* seconds a login may wait for approval. Default 300 */
    int64_t interval;        /* seconds between polls; faster polls get slow_down. Default 2 */
    int confirm;             /* 1: ask the user to confirm with buttons (against login phishing). Default 1 */
    const char *app_name;    /* named in the bot's messages; NULL for "the app". Default NULL */
    size_t app_name_len;
    const char *redis_url;   /* "redis://[:password@]host[:port][/db]"; NULL keeps logins in this process */
    size_t redis_url_len;
    size_t memory_capacity;  /* the most pending logins in memory. Default 100000 */
} tgauth_deeplink_options;

/** Fills `options` with the defaults. Returns: TGAUTH_OK, or TGAUTH_E_INVALID_ARGUMENT for NULL. */
TGAUTH_API int tgauth_deeplink_options_init(tgauth_deeplink_options *options);

/** Creates a flow. `webhook_secret` is the `secret_token` given to setWebhook (1-256 of A-Za-z0-9_-).
 *  Redis is connected on first use. Returns: TGAUTH_OK or TGAUTH_E_INVALID_ARGUMENT (with err's detail). */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_deeplink_new(
    tgauth_deeplink **flow, tgauth_error *err, const char *bot_username, size_t bot_username_len,
    const char *webhook_secret, size_t webhook_secret_len, const tgauth_deeplink_options *options);
/** Frees a flow. Accepts NULL. */
TGAUTH_API void tgauth_deeplink_free(tgauth_deeplink *flow);

/** Starts a login. `device` ("Chrome on Linux"), at most 1024 bytes (TGAUTH_E_TOO_LARGE beyond), is named in the
 *  confirmation as one quoted line of at most 64 printable characters (controls and line breaks become spaces).
 *  Out: record: login token, poll secret, tg:// link, https link, expires_at (Unix s), interval (s).
 *  Returns: TGAUTH_OK, TGAUTH_E_STORE_FULL, TGAUTH_E_STORE_UNAVAILABLE, TGAUTH_E_INVALID_ARGUMENT. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_deeplink_start(
    const tgauth_deeplink *flow, char *out, size_t *out_len, tgauth_error *err, const char *device, size_t device_len);

/** Handles one webhook request: the raw Update body and the X-Telegram-Bot-Api-Secret-Token header
 *  (secret_header NULL when the header is absent).
 *  Out: record: outcome (approved, confirmation_requested, denied, ignored, refused), reason ("" or
 *  not_a_login, unknown_or_expired, already_used, group_chat, other_user, other_bot), the HTTP response body
 *  ("" for none), the user as Bot API JSON ("" for none), then each further Bot API call to make.
 *  Returns: TGAUTH_OK; TGAUTH_E_BAD_WEBHOOK_SECRET (nothing changed); TGAUTH_E_MALFORMED; store errors. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_deeplink_handle_webhook(
    const tgauth_deeplink *flow, char *out, size_t *out_len, tgauth_error *err, const char *body, size_t body_len,
    const char *secret_header, size_t secret_header_len);

/** Polls a login. Out: record: status (pending, slow_down, approved, denied, expired, unknown), interval,
 *  the user as Bot API JSON ("" unless approved). An approval is handed out exactly once. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_deeplink_poll(
    const tgauth_deeplink *flow, char *out, size_t *out_len, tgauth_error *err, const char *poll_secret,
    size_t poll_secret_len);

/** As tgauth_deeplink_poll, but blocks until the login leaves pending or `timeout` seconds (0-3600) pass. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_deeplink_wait(
    const tgauth_deeplink *flow, char *out, size_t *out_len, tgauth_error *err, const char *poll_secret,
    size_t poll_secret_len, double timeout);

#ifdef __cplusplus
}
#endif

#endif /* TGAUTH_DEEPLINK_H */
