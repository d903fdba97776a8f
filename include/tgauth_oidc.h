/*
 * tgauth_oidc.h: Log In With Telegram over OpenID Connect: the id_token (RS256, ES256, EdDSA or ES256K) verified
 * with Telegram's keys, given or fetched over HTTPS, and the authorization-code flow with PKCE.
 * The conventions, memory rules and thread safety of every tgauth header are stated once, in tgauth.h.
 */
#ifndef TGAUTH_OIDC_H
#define TGAUTH_OIDC_H

#include "tgauth_verify.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- OpenID Connect id_token ------------------------------------------------------------------- */

/** The longest id_token accepted (longer: TGAUTH_E_TOO_LARGE, before it is copied). */
#define TGAUTH_MAX_ID_TOKEN_BYTES 16384
/** The largest key set accepted (larger: TGAUTH_E_TOO_LARGE); it holds at most TGAUTH_MAX_JWKS_KEYS keys. */
#define TGAUTH_MAX_JWKS_BYTES 1048576
#define TGAUTH_MAX_JWKS_KEYS 100

/** A client for one bot: it verifies id_tokens with a key set given or fetched, and starts and finishes logins.
 *  Share it between threads freely; its key set may be replaced (tgauth_oidc_set_jwks) while others verify. */
typedef struct tgauth_oidc tgauth_oidc;

typedef struct tgauth_oidc_options {
    const char *client_secret;  /* for the token request (HTTP Basic); NULL for a public client. Default NULL */
    size_t client_secret_len;
    const char *redirect_uri;   /* as registered; NULL when the client only verifies. Default NULL */
    size_t redirect_uri_len;
    const char *issuer;         /* NULL for https://oauth.telegram.org; its /auth, /token and
                                   /.well-known/jwks.json are used (a stand-in, for tests). Default NULL */
    size_t issuer_len;
    const char *ca_file;        /* PEM certificates to trust for HTTPS instead of the system's ($SSL_CERT_FILE,
                                   else the distribution's bundle). Default NULL */
    size_t ca_file_len;
    int64_t timeout_ms;         /* for each HTTPS request. Default 10000 */
} tgauth_oidc_options;

/** Fills `options` with the defaults. Returns: TGAUTH_OK, or TGAUTH_E_INVALID_ARGUMENT for NULL. */
TGAUTH_API int tgauth_oidc_options_init(tgauth_oidc_options *options);

/** Creates a client.
 *  A key set is read strictly: at most TGAUTH_MAX_JWKS_KEYS keys, each kid once; an RSA key needs an odd
 *  modulus of at least 2048 bits and an odd exponent of at least 3 below it; a key for encryption ("use"
 *  other than "sig", or "key_ops" without "verify") is skipped, as Telegram does not sign with it. An issuer
 *  with credentials (https://user:pass@...) is refused; no message names a URL's credentials or query.
 *  With a key set (jwks), it verifies with that set until tgauth_oidc_set_jwks replaces it. Without one (NULL,
 *  0), it fetches the issuer's key set over HTTPS when a verification first needs it (libcurl, TLS verified),
 *  keeps it as long as its Cache-Control max-age says (an hour when it says nothing, at least a minute),
 *  fetches again at once for an unknown kid (then at most once a minute), and keeps the last good set when
 *  a fetch fails.
 *  Returns: TGAUTH_OK; TGAUTH_E_INVALID_ARGUMENT for NULL, an empty client id, a bad key in the set (its kid
 *  in the message), too many keys or a bad option; TGAUTH_E_MALFORMED for a key set that is not JSON of the
 *  form {"keys":[...]}; TGAUTH_E_TOO_LARGE for a key set over TGAUTH_MAX_JWKS_BYTES.
 *  Out: *client (NULL on failure); err (may be NULL): why it failed.
 *  In: client_id: the bot id as the token's `aud` carries it; jwks: Telegram's key set
 *  (https://oauth.telegram.org/.well-known/jwks.json) as served, or NULL/0; options: NULL for the defaults. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_oidc_new(
    tgauth_oidc **client, tgauth_error *err, const char *client_id, size_t client_id_len, const char *jwks,
    size_t jwks_len, const tgauth_oidc_options *options);
/** Frees a client. Accepts NULL. */
TGAUTH_API void tgauth_oidc_free(tgauth_oidc *client);

/** Replaces the key set (after a key rotation, or an unknown_key). Threads verifying meanwhile use the old set
 *  or the new one, never a mix. Returns: as tgauth_oidc_new; on failure the old set stays. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_oidc_set_jwks(
    tgauth_oidc *client, tgauth_error *err, const char *jwks, size_t jwks_len);

/** Verifies an id_token: a compact JWS whose `alg` is the algorithm of the key its `kid` names, signed by that
 *  key, with `iss` the issuer's (https://oauth.telegram.org), `aud` naming the client (and, when `aud` names
 *  more than one audience, `azp` equal to the client id), a non-empty `sub`, `exp` not passed and `iat` and
 *  `nbf` (when present) not ahead (check's future_skew either way), within check's max_age of `iat` when it is
 *  not 0, and `nonce` equal to the one given (when one is).
 *  Deliberate rules: the nonce is compared only when one is given (Telegram does not echo it in every flow);
 *  an ES256 signature with a high S is accepted (both forms are valid ECDSA, and a key may sign either); an
 *  ES256K signature is normalized to low S before it is verified.
 *  Returns: TGAUTH_OK; TGAUTH_E_TOO_LARGE (over TGAUTH_MAX_ID_TOKEN_BYTES), TGAUTH_E_MALFORMED, TGAUTH_E_BAD_SIGNATURE, TGAUTH_E_UNKNOWN_KEY (a
 *  key set given: replace it; fetched: fetched again already), TGAUTH_E_EXPIRED, TGAUTH_E_FUTURE_AUTH_DATE,
 *  TGAUTH_E_BAD_CLAIM; TGAUTH_E_NETWORK (keys to fetch, and no set fetched yet); TGAUTH_E_BUFFER_TOO_SMALL (the
 *  output-buffer rule of tgauth.h).
 *  Out: out: the token's claims, the JSON object exactly as the token carries it, NUL-terminated.
 *  In: token; nonce, nonce_len: NULL/0, or the nonce the authorization request carried; check: NULL for the
 *  defaults (no age limit is applied by default: max_age 0 unless set). */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_oidc_verify(
    const tgauth_oidc *client, char *out, size_t *out_len, tgauth_error *err, const char *token, size_t token_len,
    const char *nonce, size_t nonce_len, const tgauth_check *check);

/* ---- The id_token as a typed result ---------------------------------------------------------------- */

/* The token's type, its _free, and one accessor per claim the schema declares, named and typed as the other
 * results' (tgauth_verify.h). */
/* ---- Generated field accessors (scripts/generate.py from schema/results.json; do not edit) ---- */

/** A verified OpenID Connect id_token of Log In With Telegram: its standard claims (every claim, unknown ones too, stays readable as JSON). A result: free it with tgauth_id_token_free; its strings live as long as it does. */
typedef struct tgauth_id_token tgauth_id_token;
/** Frees a result. Accepts NULL. */
TGAUTH_API void tgauth_id_token_free(tgauth_id_token *data);
/** `sub`: `sub`: an opaque id of the user for this client (not the Telegram id). Returns: NUL-terminated UTF-8 owned by `data`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_id_token_sub(const tgauth_id_token *data, size_t *len);
/** `iat`: `iat`: when the token was issued, Unix time. Returns: 0 when `data` is NULL. */
TGAUTH_API int64_t tgauth_id_token_iat(const tgauth_id_token *data);
/** `exp`: `exp`: when the token expires, Unix time. Returns: 0 when `data` is NULL. */
TGAUTH_API int64_t tgauth_id_token_exp(const tgauth_id_token *data);
/** `id`: `id`: the Telegram user id. Out: *value. Returns: 1 when present, 0 when absent or a pointer is NULL. */
TGAUTH_API int tgauth_id_token_id(const tgauth_id_token *data, int64_t *value);
/** `name`: `name` (scope profile). Returns: NUL-terminated UTF-8 owned by `data`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_id_token_name(const tgauth_id_token *data, size_t *len);
/** `preferred_username`: `preferred_username`: the Telegram username (scope profile). Returns: NUL-terminated UTF-8 owned by `data`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_id_token_preferred_username(const tgauth_id_token *data, size_t *len);
/** `picture`: `picture`: a URL of the profile photo (scope profile). Returns: NUL-terminated UTF-8 owned by `data`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_id_token_picture(const tgauth_id_token *data, size_t *len);
/** `phone_number`: `phone_number` (scope phone). Returns: NUL-terminated UTF-8 owned by `data`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_id_token_phone_number(const tgauth_id_token *data, size_t *len);
/** `nonce`: `nonce`, as the authorization request carried it. Returns: NUL-terminated UTF-8 owned by `data`, or NULL when absent. Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_id_token_nonce(const tgauth_id_token *data, size_t *len);

/* ---- End of generated field accessors ---- */

/** Verifies like tgauth_oidc_verify, and returns the token as a result to read field by field.
 *  Out: *token (NULL on failure). Returns: as tgauth_oidc_verify (without TGAUTH_E_BUFFER_TOO_SMALL). */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_oidc_verify_token(
    const tgauth_oidc *client, tgauth_id_token **token, tgauth_error *err, const char *id_token, size_t id_token_len,
    const char *nonce, size_t nonce_len, const tgauth_check *check);
/** Returns: every claim, the JSON object as the token carried it, NUL-terminated and owned by `token`
 *  (NULL when `token` is NULL). Out: *len, if not NULL. */
TGAUTH_API const char *tgauth_id_token_claims(const tgauth_id_token *token, size_t *len);


/* ---- The authorization-code flow with PKCE --------------------------------------------------------- */

/* The record functions write NUL-terminated UTF-8 strings into `out` under the output-buffer rule of tgauth.h.
 * No message of theirs contains the client secret, the code verifier or a token. */

/** Starts a login: fresh state, nonce and a 256-bit code verifier (43 characters), and the authorization URL
 *  with its S256 challenge. `scopes` is space-separated (openid, profile, phone, telegram:bot_access; openid is
 *  added when missing); `with_nonce` 0 leaves the nonce out.
 *  Out: record: URL, state, nonce ("" without one), code verifier (keep it on the server).
 *  Returns: TGAUTH_OK; TGAUTH_E_INVALID_ARGUMENT for a client made without a redirect URI, a client id that is
 *  not digits, or an unknown scope; TGAUTH_E_BUFFER_TOO_SMALL. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_oidc_authorization_request(
    const tgauth_oidc *client, char *out, size_t *out_len, tgauth_error *err, const char *scopes, size_t scopes_len,
    int with_nonce);

/** Exchanges the callback's code at the token endpoint over HTTPS, and verifies the id_token it answers as
 *  tgauth_oidc_verify_token does, with the request's nonce.
 *  Out: *token (NULL on failure).
 *  Returns: TGAUTH_OK; TGAUTH_E_INVALID_ARGUMENT (as above, an empty code, or a verifier that is not 43-128
 *  unreserved characters); TGAUTH_E_NETWORK (no answer, or an HTTP error without an OAuth error);
 *  TGAUTH_E_OAUTH_ERROR (the endpoint refused: a used or wrong code, verifier or secret; its error and
 *  description are in err's message); TGAUTH_E_MALFORMED; then as tgauth_oidc_verify_token. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_oidc_exchange(
    const tgauth_oidc *client, tgauth_id_token **token, tgauth_error *err, const char *code, size_t code_len,
    const char *code_verifier, size_t code_verifier_len, const char *nonce, size_t nonce_len,
    const tgauth_check *check);

/* For callers who make the token request with their own HTTP client: */

/** The token request for a code: POST it to the URL with the headers and the form body.
 *  Out: record: URL, body, then each header as name, value.
 *  Returns: as tgauth_oidc_exchange's TGAUTH_E_INVALID_ARGUMENT; TGAUTH_E_BUFFER_TOO_SMALL. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_oidc_token_request(
    const tgauth_oidc *client, char *out, size_t *out_len, tgauth_error *err, const char *code, size_t code_len,
    const char *code_verifier, size_t code_verifier_len);

/** Reads the token endpoint's JSON answer. Verify its id_token with tgauth_oidc_verify and the request's nonce.
 *  Out: record: id_token, access_token ("" when absent), expires_in ("" when absent).
 *  Returns: TGAUTH_OK; TGAUTH_E_OAUTH_ERROR (the endpoint's error and description in err's message);
 *  TGAUTH_E_MALFORMED; TGAUTH_E_TOO_LARGE; TGAUTH_E_BUFFER_TOO_SMALL. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_oidc_token_response(
    char *out, size_t *out_len, tgauth_error *err, const char *body, size_t body_len);

#ifdef __cplusplus
}
#endif

#endif /* TGAUTH_OIDC_H */
