/*
 * tgauth_record.h: verified results as one record in a caller buffer, for language bindings.
 * The conventions, memory rules and thread safety of every tgauth header are stated once, in tgauth.h.
 */
#ifndef TGAUTH_RECORD_H
#define TGAUTH_RECORD_H

#include "tgauth_verify.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Results as one record (for language bindings) --------------------------------------------- */

/* The `_record` variants verify exactly like their twins in tgauth_verify.h, but instead of a result handle they
 * write the whole result into a caller buffer: one call in place of one per field, which is what a
 * binding over a foreign-function interface (Python's ctypes) needs to be fast.
 *
 * A record is a sequence of NUL-terminated UTF-8 strings. The first is the shape, the rest are the values
 * it says are present, in a fixed order, then every unknown field as key, value, key, value...
 * - initData shape: 'I'; '0'/'1' for query_id, chat_type, chat_instance, start_param, hash, signature,
 *   can_send_after; for user and for receiver '0', or 'u' and a user shape; for chat '0', or 'c' and
 *   '0'/'1' for username, photo_url. A user shape: '0'/'1' for last_name, username, language_code,
 *   photo_url, then '-' (absent), '0' or '1' for is_bot, is_premium, added_to_attachment_menu,
 *   allows_write_to_pm.
 *   Values: auth_date; the present top-level strings, then can_send_after, in shape order; each present
 *   user: id, first_name, its present strings; the chat: id, type, title, its present strings.
 * - widget shape: 'W' and a user shape. Values: auth_date, id, first_name, the present strings.
 * Integers are decimal. New fields are only ever added at the end of a shape.
 *
 * Returns: as the handle variants, plus TGAUTH_E_BUFFER_TOO_SMALL (the data was valid; call again with the
 * size now in *out_len, as the output-buffer rule of tgauth.h says).
 * Out: out: the record. In/Out: *out_len: the capacity of `out` on entry, the record's size (its last
 * string's NUL included) on return. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_mini_app_validate_record(
    const tgauth_mini_app *validator, char *out, size_t *out_len, tgauth_error *err,
    const char *init_data, size_t init_data_len, const tgauth_check *check);
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_third_party_validate_record(
    const tgauth_third_party *validator, char *out, size_t *out_len, tgauth_error *err,
    const char *init_data, size_t init_data_len, const tgauth_check *check);
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_widget_verify_record(
    const tgauth_widget *verifier, char *out, size_t *out_len, tgauth_error *err,
    const char *input, size_t input_len, const tgauth_check *check);
/** As tgauth_widget_verify_record, with the data as `pair_count` decoded pairs in one buffer:
 *  "key\0value\0key\0value" (no trailing NUL). A NUL inside a key or value is TGAUTH_E_MALFORMED, and so
 *  is a `pair_count` that `pairs_len` bytes cannot hold (n pairs take at least 2n - 1 bytes). */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_widget_verify_pairs_record(
    const tgauth_widget *verifier, char *out, size_t *out_len, tgauth_error *err,
    const char *pairs, size_t pairs_len, size_t pair_count, const tgauth_check *check);

#ifdef __cplusplus
}
#endif

#endif /* TGAUTH_RECORD_H */
