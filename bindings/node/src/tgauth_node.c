/*
 * tgauth_node.c: the Node.js addon, thin calls into libtgauth (N-API, NAPI_VERSION 8). No logic lives here: each
 * function converts its arguments, makes one library call, and returns what the library wrote. A verification
 * returns its record (tgauth_record.h) as one string, which lib/records.js reads; a failure returns undefined
 * and leaves its status, field and message for lastError(), so that no exception is built in C.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tgauth.h>

/* Per module instance (each worker thread has its own): the output and input buffers, and the last failure. */
typedef struct {
    char *out;
    size_t out_cap;
    char *in[3];
    size_t in_cap[3];
    tgauth_field *fields;
    size_t fields_cap;
    tgauth_error err;
} state;

static state *get_state(napi_env env) {
    void *data = NULL;
    napi_get_instance_data(env, &data);
    return data;
}

static void free_state(napi_env env, void *data, void *hint) {
    (void)env, (void)hint;
    state *s = data;
    free(s->out);
    for (int i = 0; i < 3; i++) free(s->in[i]);
    free(s->fields);
    free(s);
}

/* ---- arguments ---- */

#define ARGS(n)                                                        \
    size_t argc = (n);                                                 \
    napi_value argv[(n) > 0 ? (n) : 1];                                \
    if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL

static napi_value type_error(napi_env env, const char *message) {
    napi_throw_type_error(env, NULL, message);
    return NULL;
}

/* The bytes of a string (UTF-8, into input buffer `slot`) or of a Buffer/Uint8Array (not copied). */
static int bytes_of(napi_env env, napi_value v, int slot, const char **data, size_t *len) {
    napi_valuetype type;
    napi_typeof(env, v, &type);
    if (type == napi_string) {
        state *s = get_state(env);
        size_t n;
        if (napi_get_value_string_utf8(env, v, NULL, 0, &n) != napi_ok) return 0;
        if (n + 1 > s->in_cap[slot]) {
            char *grown = realloc(s->in[slot], n + 1);
            if (!grown) return 0;
            s->in[slot] = grown;
            s->in_cap[slot] = n + 1;
        }
        napi_get_value_string_utf8(env, v, s->in[slot], n + 1, len);
        *data = s->in[slot];
        return 1;
    }
    bool typed = false;
    napi_is_typedarray(env, v, &typed);
    if (typed) {
        napi_typedarray_type kind;
        size_t length, offset;
        void *base;
        napi_value buffer;
        napi_get_typedarray_info(env, v, &kind, &length, &base, &buffer, &offset);
        if (kind != napi_uint8_array) return 0;
        *data = base ? base : "";
        *len = length;
        return 1;
    }
    return 0;
}

/* As bytes_of, with null and undefined as no value at all (NULL, 0): the library tells absent from empty. */
static int optional_bytes_of(napi_env env, napi_value v, int slot, const char **data, size_t *len) {
    napi_valuetype type;
    napi_typeof(env, v, &type);
    if (type == napi_null || type == napi_undefined) {
        *data = NULL;
        *len = 0;
        return 1;
    }
    return bytes_of(env, v, slot, data, len);
}

static int64_t int64_of(napi_env env, napi_value v) {
    int64_t n = 0;
    napi_get_value_int64(env, v, &n);
    return n;
}

/* A tgauth_check from (maxAge, now, maxBytes), each a number or undefined: the library's default where
 * undefined (lib/args.js has checked the numbers). */
static tgauth_check check_of(napi_env env, const napi_value *values) {
    tgauth_check check;
    tgauth_check_init(&check);
    napi_valuetype type;
    napi_typeof(env, values[0], &type);
    if (type == napi_number) check.max_age = int64_of(env, values[0]);
    check.now = int64_of(env, values[1]);
    napi_typeof(env, values[2], &type);
    if (type == napi_number) check.max_input_bytes = (size_t)int64_of(env, values[2]);
    return check;
}

static void *handle_of(napi_env env, napi_value v) {
    void *p = NULL;
    napi_get_value_external(env, v, &p);
    return p;
}

/* ---- results ---- */

static napi_value undefined(napi_env env) {
    napi_value u;
    napi_get_undefined(env, &u);
    return u;
}

static napi_value string(napi_env env, const char *text, size_t len) {
    napi_value v;
    napi_create_string_utf8(env, text, len, &v);
    return v;
}

/* Runs a call that writes into the instance's output buffer, again with the size it asks for (the
 * output-buffer rule of tgauth.h); returns the output without its last NUL, or undefined (lastError()). */
#define WRITE_OUTPUT(call)                                                                  \
    do {                                                                                    \
        state *s_ = get_state(env);                                                         \
        for (;;) {                                                                          \
            char *out = s_->out;                                                            \
            size_t out_len = s_->out_cap;                                                   \
            int code_ = (call);                                                             \
            if (code_ == TGAUTH_OK) return string(env, s_->out, out_len - 1);               \
            if (code_ != TGAUTH_E_BUFFER_TOO_SMALL || out_len <= s_->out_cap) {             \
                if (s_->err.code != code_) {                                                \
                    s_->err.code = code_;                                                   \
                    s_->err.field[0] = s_->err.message[0] = 0;                              \
                }                                                                           \
                return undefined(env);                                                      \
            }                                                                               \
            char *grown = realloc(s_->out, out_len);                                        \
            if (!grown) return type_error(env, "tgauth: out of memory");                   \
            s_->out = grown;                                                                \
            s_->out_cap = out_len;                                                          \
        }                                                                                   \
    } while (0)

/* The library objects a handle may hold, each with its _free. */
typedef enum { MINI_APP, THIRD_PARTY, WIDGET, GATEWAY, OIDC } object_kind;

static void finalize(napi_env env, void *object, void *hint) {
    (void)env;
    switch ((object_kind)(intptr_t)hint) {
    case MINI_APP: tgauth_mini_app_free(object); break;
    case THIRD_PARTY: tgauth_third_party_free(object); break;
    case WIDGET: tgauth_widget_free(object); break;
    case GATEWAY: tgauth_gateway_free(object); break;
    case OIDC: tgauth_oidc_free(object); break;
    }
}

/* A handle made by a constructor that returned `code` and wrote `object`: an external freed when collected, or
 * undefined (lastError()). */
static napi_value handle_made(napi_env env, int code, void *object, object_kind kind) {
    if (code != TGAUTH_OK) {
        state *s = get_state(env);
        s->err.code = code;
        return undefined(env);
    }
    napi_value v;
    napi_create_external(env, object, finalize, (void *)(intptr_t)kind, &v);
    return v;
}

/* ---- the calls ---- */

static napi_value last_error(napi_env env, napi_callback_info info) {
    (void)info;
    state *s = get_state(env);
    napi_value array, code;
    napi_create_array_with_length(env, 3, &array);
    napi_create_int32(env, s->err.code, &code);
    napi_set_element(env, array, 0, code);
    napi_set_element(env, array, 1, string(env, s->err.field, strlen(s->err.field)));
    napi_set_element(env, array, 2, string(env, s->err.message, strlen(s->err.message)));
    return array;
}

static napi_value error_kind(napi_env env, napi_callback_info info) {
    ARGS(1);
    const char *kind = tgauth_error_kind((int)int64_of(env, argv[0]));
    return string(env, kind, strlen(kind));
}

static napi_value record_fingerprint(napi_env env, napi_callback_info info) {
    (void)info;
    const char *f = tgauth_record_fingerprint();
    return string(env, f, strlen(f));
}

static napi_value version_string(napi_env env, napi_callback_info info) {
    (void)info;
    const char *v = tgauth_version_string();
    return string(env, v, strlen(v));
}

static napi_value mini_app_new(napi_env env, napi_callback_info info) {
    ARGS(1);
    const char *token;
    size_t len;
    if (!bytes_of(env, argv[0], 0, &token, &len)) return type_error(env, "the bot token must be a string");
    tgauth_mini_app *v = NULL;
    int code = tgauth_mini_app_new(&v, &get_state(env)->err, token, len);
    return handle_made(env, code, v, MINI_APP);
}

/* (handle, data, maxAge, now, maxBytes) */
static napi_value mini_app_validate(napi_env env, napi_callback_info info) {
    ARGS(5);
    const tgauth_mini_app *v = handle_of(env, argv[0]);
    const char *data;
    size_t len;
    if (!bytes_of(env, argv[1], 0, &data, &len)) return type_error(env, "initData must be a string");
    tgauth_check check = check_of(env, argv + 2);
    WRITE_OUTPUT(tgauth_mini_app_validate_record(v, out, &out_len, &s_->err, data, len, &check));
}

/* (botId, environment, publicKey | null) */
static napi_value third_party_new(napi_env env, napi_callback_info info) {
    ARGS(3);
    tgauth_third_party *v = NULL;
    tgauth_error *err = &get_state(env)->err;
    napi_valuetype type;
    napi_typeof(env, argv[2], &type);
    if (type == napi_null || type == napi_undefined) {
        int code = tgauth_third_party_new(&v, err, int64_of(env, argv[0]), (int)int64_of(env, argv[1]));
    return handle_made(env, code, v, THIRD_PARTY);
    }
    const char *key;
    size_t len;
    if (!bytes_of(env, argv[2], 0, &key, &len)) return type_error(env, "publicKey must be 32 bytes");
    int code = tgauth_third_party_new_with_key(&v, err, int64_of(env, argv[0]), (const uint8_t *)key, len);
    return handle_made(env, code, v, THIRD_PARTY);
}

static napi_value third_party_validate(napi_env env, napi_callback_info info) {
    ARGS(5);
    const tgauth_third_party *v = handle_of(env, argv[0]);
    const char *data;
    size_t len;
    if (!bytes_of(env, argv[1], 0, &data, &len)) return type_error(env, "initData must be a string");
    tgauth_check check = check_of(env, argv + 2);
    WRITE_OUTPUT(tgauth_third_party_validate_record(v, out, &out_len, &s_->err, data, len, &check));
}

static napi_value widget_new(napi_env env, napi_callback_info info) {
    ARGS(1);
    const char *token;
    size_t len;
    if (!bytes_of(env, argv[0], 0, &token, &len)) return type_error(env, "the bot token must be a string");
    tgauth_widget *v = NULL;
    int code = tgauth_widget_new(&v, &get_state(env)->err, token, len);
    return handle_made(env, code, v, WIDGET);
}

/* (handle, query string, maxAge, now, maxBytes) */
static napi_value widget_verify(napi_env env, napi_callback_info info) {
    ARGS(5);
    const tgauth_widget *v = handle_of(env, argv[0]);
    const char *data;
    size_t len;
    if (!bytes_of(env, argv[1], 0, &data, &len)) return type_error(env, "the widget data must be a string");
    tgauth_check check = check_of(env, argv + 2);
    WRITE_OUTPUT(tgauth_widget_verify_record(v, out, &out_len, &s_->err, data, len, &check));
}

/* (handle, "key\0value\0…", pair count, maxAge, now, maxBytes) */
static napi_value widget_verify_pairs(napi_env env, napi_callback_info info) {
    ARGS(6);
    const tgauth_widget *v = handle_of(env, argv[0]);
    const char *pairs;
    size_t len;
    if (!bytes_of(env, argv[1], 0, &pairs, &len)) return type_error(env, "the widget fields must be strings");
    size_t count = (size_t)int64_of(env, argv[2]);
    tgauth_check check = check_of(env, argv + 3);
    WRITE_OUTPUT(tgauth_widget_verify_pairs_record(v, out, &out_len, &s_->err, pairs, len, count, &check));
}

/* (apiToken, maxSkew: -1 for the default) */
static napi_value gateway_new(napi_env env, napi_callback_info info) {
    ARGS(2);
    const char *token;
    size_t len;
    if (!bytes_of(env, argv[0], 0, &token, &len)) return type_error(env, "the API token must be a string");
    tgauth_gateway *g = NULL;
    int code = tgauth_gateway_new(&g, &get_state(env)->err, token, len, int64_of(env, argv[1]));
    return handle_made(env, code, g, GATEWAY);
}

static napi_value gateway_max_skew(napi_env env, napi_callback_info info) {
    ARGS(1);
    napi_value v;
    napi_create_int64(env, tgauth_gateway_max_skew(handle_of(env, argv[0])), &v);
    return v;
}

/* (handle, body, timestamp, signature, now) */
static napi_value gateway_verify(napi_env env, napi_callback_info info) {
    ARGS(5);
    const tgauth_gateway *g = handle_of(env, argv[0]);
    const char *body, *timestamp, *signature;
    size_t body_len, timestamp_len, signature_len;
    if (!bytes_of(env, argv[1], 0, &body, &body_len)) return type_error(env, "the body must be a Buffer or a string");
    if (!optional_bytes_of(env, argv[2], 1, &timestamp, &timestamp_len)) return type_error(env, "the timestamp must be a string");
    if (!optional_bytes_of(env, argv[3], 2, &signature, &signature_len)) return type_error(env, "the signature must be a string");
    int64_t now = int64_of(env, argv[4]);
    WRITE_OUTPUT(tgauth_gateway_report_verify_record(g, out, &out_len, &s_->err, body, body_len, timestamp, timestamp_len,
                                                     signature, signature_len, now));
}

/* (handle, timestamp, body) */
static napi_value gateway_sign(napi_env env, napi_callback_info info) {
    ARGS(3);
    const tgauth_gateway *g = handle_of(env, argv[0]);
    const char *timestamp, *body;
    size_t timestamp_len, body_len;
    if (!bytes_of(env, argv[1], 1, &timestamp, &timestamp_len)) return type_error(env, "the timestamp must be a string");
    if (!bytes_of(env, argv[2], 0, &body, &body_len)) return type_error(env, "the body must be a Buffer or a string");
    WRITE_OUTPUT(tgauth_gateway_sign(g, out, &out_len, timestamp, timestamp_len, body, body_len));
}

/* (clientId, jwks | null) */
static napi_value oidc_new(napi_env env, napi_callback_info info) {
    ARGS(2);
    const char *client_id, *jwks = NULL;
    size_t client_len, jwks_len = 0;
    if (!bytes_of(env, argv[0], 0, &client_id, &client_len)) return type_error(env, "the client id must be a string");
    if (!optional_bytes_of(env, argv[1], 1, &jwks, &jwks_len)) return type_error(env, "jwks must be the key set's JSON text");
    tgauth_oidc *client = NULL;
    int code = tgauth_oidc_new(&client, &get_state(env)->err, client_id, client_len, jwks, jwks_len, NULL);
    return handle_made(env, code, client, OIDC);
}

/* (handle, jwks): true, or undefined (lastError()) */
static napi_value oidc_set_jwks(napi_env env, napi_callback_info info) {
    ARGS(2);
    const char *jwks;
    size_t len;
    if (!bytes_of(env, argv[1], 0, &jwks, &len)) return type_error(env, "jwks must be the key set's JSON text");
    state *s = get_state(env);
    int code = tgauth_oidc_set_jwks(handle_of(env, argv[0]), &s->err, jwks, len);
    if (code != TGAUTH_OK) return undefined(env);
    napi_value t;
    napi_get_boolean(env, true, &t);
    return t;
}

/* (handle, token, nonce | null, maxAge, now, maxBytes): the claims' JSON */
static napi_value oidc_verify(napi_env env, napi_callback_info info) {
    ARGS(6);
    const tgauth_oidc *client = handle_of(env, argv[0]);
    const char *token, *nonce = NULL;
    size_t token_len, nonce_len = 0;
    if (!bytes_of(env, argv[1], 0, &token, &token_len)) return type_error(env, "the id_token must be a string");
    if (!optional_bytes_of(env, argv[2], 1, &nonce, &nonce_len)) return type_error(env, "the nonce must be a string");
    tgauth_check check = check_of(env, argv + 3);
    WRITE_OUTPUT(tgauth_oidc_verify(client, out, &out_len, &s_->err, token, token_len, nonce, nonce_len, &check));
}

/* (secret, header | null): true, or undefined (lastError()) */
static napi_value webhook_check(napi_env env, napi_callback_info info) {
    ARGS(2);
    const char *secret, *header = NULL;
    size_t secret_len, header_len = 0;
    if (!bytes_of(env, argv[0], 0, &secret, &secret_len)) return type_error(env, "the secret must be a string");
    if (!optional_bytes_of(env, argv[1], 1, &header, &header_len)) return type_error(env, "the header value must be a string");
    state *s = get_state(env);
    if (tgauth_webhook_secret_check(&s->err, secret, secret_len, header, header_len) != TGAUTH_OK) return undefined(env);
    napi_value t;
    napi_get_boolean(env, true, &t);
    return t;
}

/* The fields of a signer, "key\0value\0…" with `count` pairs, as tgauth_field in the instance's array (NULL:
 * out of memory). A pair cut short ends the list there; the library refuses what is left. */
static tgauth_field *fields_of(napi_env env, const char *pairs, size_t len, size_t count) {
    state *s = get_state(env);
    if (count > s->fields_cap) {
        tgauth_field *grown = realloc(s->fields, count * sizeof *grown);
        if (!grown) return NULL;
        s->fields = grown;
        s->fields_cap = count;
    }
    const char *p = pairs, *end = pairs + len;
    for (size_t i = 0; i < count; i++) {
        const char *k_end = p < end ? memchr(p, 0, (size_t)(end - p)) : NULL;
        const char *v = k_end ? k_end + 1 : end;
        const char *v_end = v < end ? memchr(v, 0, (size_t)(end - v)) : NULL;
        if (!k_end) k_end = end;
        if (!v_end) v_end = end;
        s->fields[i] = (tgauth_field){p, (size_t)(k_end - p), v, (size_t)(v_end - v)};
        p = v_end < end ? v_end + 1 : end;
    }
    return s->fields;
}

/* (botToken, "key\0value…", count, authDate, seed | null, botId) */
static napi_value sign_init_data(napi_env env, napi_callback_info info) {
    ARGS(6);
    const char *token, *pairs, *seed = NULL;
    size_t token_len, pairs_len, seed_len = 0;
    if (!bytes_of(env, argv[0], 1, &token, &token_len)) return type_error(env, "the bot token must be a string");
    if (!bytes_of(env, argv[1], 0, &pairs, &pairs_len)) return type_error(env, "the fields must be strings");
    if (!optional_bytes_of(env, argv[4], 2, &seed, &seed_len)) return type_error(env, "the Ed25519 seed must be 32 bytes");
    size_t count = (size_t)int64_of(env, argv[2]);
    const tgauth_field *fields = fields_of(env, pairs, pairs_len, count);
    if (!fields) return type_error(env, "tgauth: out of memory");
    int64_t auth_date = int64_of(env, argv[3]), bot_id = int64_of(env, argv[5]);
    WRITE_OUTPUT(tgauth_sign_init_data(out, &out_len, token, token_len, fields, count, auth_date, (const uint8_t *)seed, seed_len,
                                       bot_id));
}

/* (botToken, "key\0value…", count, authDate) */
static napi_value sign_widget(napi_env env, napi_callback_info info) {
    ARGS(4);
    const char *token, *pairs;
    size_t token_len, pairs_len;
    if (!bytes_of(env, argv[0], 1, &token, &token_len)) return type_error(env, "the bot token must be a string");
    if (!bytes_of(env, argv[1], 0, &pairs, &pairs_len)) return type_error(env, "the fields must be strings");
    size_t count = (size_t)int64_of(env, argv[2]);
    const tgauth_field *fields = fields_of(env, pairs, pairs_len, count);
    if (!fields) return type_error(env, "tgauth: out of memory");
    WRITE_OUTPUT(tgauth_sign_widget(out, &out_len, token, token_len, fields, count, int64_of(env, argv[3])));
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
    state *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->out_cap = 8192;
    s->out = malloc(s->out_cap);
    if (!s->out || napi_set_instance_data(env, s, free_state, NULL) != napi_ok) return NULL;
    const napi_property_descriptor calls[] = {
#define CALL(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_enumerable, NULL}
        CALL("lastError", last_error),
        CALL("errorKind", error_kind),
        CALL("recordFingerprint", record_fingerprint),
        CALL("versionString", version_string),
        CALL("miniAppNew", mini_app_new),
        CALL("miniAppValidate", mini_app_validate),
        CALL("thirdPartyNew", third_party_new),
        CALL("thirdPartyValidate", third_party_validate),
        CALL("widgetNew", widget_new),
        CALL("widgetVerify", widget_verify),
        CALL("widgetVerifyPairs", widget_verify_pairs),
        CALL("gatewayNew", gateway_new),
        CALL("gatewayMaxSkew", gateway_max_skew),
        CALL("gatewayVerify", gateway_verify),
        CALL("gatewaySign", gateway_sign),
        CALL("oidcNew", oidc_new),
        CALL("oidcSetJwks", oidc_set_jwks),
        CALL("oidcVerify", oidc_verify),
        CALL("webhookCheck", webhook_check),
        CALL("signInitData", sign_init_data),
        CALL("signWidget", sign_widget),
#undef CALL
    };
    napi_define_properties(env, exports, sizeof calls / sizeof calls[0], calls);
    return exports;
}
