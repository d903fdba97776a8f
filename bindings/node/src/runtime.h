/*
 * runtime.h: what every call of the Node.js addon shares (calls.c, generated from the C headers, includes it
 * once): the per-instance buffers, the conversion of JavaScript arguments, the output-buffer rule, handles.
 * A verification returns its record (tgauth_record.h) as one string, which lib/records.js reads; a failure
 * returns undefined and leaves its status, field and message for lastError(), so that no exception is built
 * in C. No logic lives here.
 */
#ifndef TGAUTH_NODE_RUNTIME_H
#define TGAUTH_NODE_RUNTIME_H

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
    char *in[6];
    size_t in_cap[6];
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
    for (int i = 0; i < 6; i++) free(s->in[i]);
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

/* inline, so that no warning comes while no call takes a double (tgauth_deeplink_wait's timeout is left out) */
static inline double double_of(napi_env env, napi_value v) {
    double n = 0;
    napi_get_value_double(env, v, &n);
    return n;
}

/* A count or size: negative numbers are 0 (lib/ has refused them before). */
static size_t size_of(napi_env env, napi_value v) {
    int64_t n = int64_of(env, v);
    return n > 0 ? (size_t)n : 0;
}

static napi_value number(napi_env env, double n) {
    napi_value v;
    napi_create_double(env, n, &v);
    return v;
}

static napi_value yes(napi_env env) {
    napi_value t;
    napi_get_boolean(env, true, &t);
    return t;
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

/* A handle made by a constructor that returned `code` and wrote `object`: an external freed when collected, or
 * undefined (lastError()). */
static void finalize(napi_env env, void *object, void *kind);

static napi_value handle_made(napi_env env, int code, void *object, int kind) {
    if (code != TGAUTH_OK) {
        state *s = get_state(env);
        s->err.code = code;
        return undefined(env);
    }
    napi_value v;
    napi_create_external(env, object, finalize, (void *)(intptr_t)kind, &v);
    return v;
}

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

/* A status: true, or undefined with the failure for lastError(). */
static napi_value status(napi_env env, int code) {
    if (code == TGAUTH_OK) return yes(env);
    state *s = get_state(env);
    if (s->err.code != code) {
        s->err.code = code;
        s->err.field[0] = s->err.message[0] = 0;
    }
    return undefined(env);
}

/* A static string of the library, or undefined for NULL. */
static napi_value static_string(napi_env env, const char *text) {
    return text ? string(env, text, strlen(text)) : undefined(env);
}

static int init_state(napi_env env) {
    state *s = calloc(1, sizeof *s);
    if (!s) return 0;
    s->out_cap = 8192;
    s->out = malloc(s->out_cap);
    return s->out && napi_set_instance_data(env, s, free_state, NULL) == napi_ok;
}

/* The fields of a signer, "key\0value\0…" with `count` pairs, as tgauth_field in the instance's array (NULL:
 * out of memory). A pair cut short ends the list there; the library refuses what is left. */
static const tgauth_field *fields_of(napi_env env, const char *pairs, size_t len, size_t count) {
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

#endif
