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
 * A record is a sequence of NUL-terminated UTF-8 strings. The first is the shape: the result's mark, then
 * for each member in record order what the layout below says. The values follow: every present int
 * (decimal) and string in the same order, a nested object's at its place; then every unknown field as key,
 * value, key, value... Members are only ever added at the end of an object, and every change to the
 * layout changes TGAUTH_RECORD_FINGERPRINT, so a binding built for another layout refuses the library
 * instead of misreading a record. */
/* ---- Generated record layout (scripts/generate.py from schema/results.json; do not edit) ---- */
/* Each object, by its mark: its members in record order, as the shape gives them ('0'/'1': absent or present;
 * '-'/'0'/'1': a flag absent, false or true; a member marked always has no shape byte):
 * - WebAppUser ('u'): id (int, always), first_name (string, always), last_name (string) '0'/'1', username
 *   (string) '0'/'1', language_code (string) '0'/'1', photo_url (string) '0'/'1', is_bot '-'/'0'/'1',
 *   is_premium '-'/'0'/'1', added_to_attachment_menu '-'/'0'/'1', allows_write_to_pm '-'/'0'/'1'
 * - WebAppChat ('c'): id (int, always), type (string, always), title (string, always), username (string)
 *   '0'/'1', photo_url (string) '0'/'1'
 * - InitData ('I', a result): auth_date (int, always), query_id (string) '0'/'1', chat_type (string) '0'/'1',
 *   chat_instance (string) '0'/'1', start_param (string) '0'/'1', hash (string) '0'/'1', signature (string)
 *   '0'/'1', can_send_after (int) '0'/'1', user '0' or 'u' and a WebAppUser shape, receiver '0' or 'u' and a
 *   WebAppUser shape, chat '0' or 'c' and a WebAppChat shape
 * - WidgetUser ('W', a result): auth_date (int, always), user: a WebAppUser shape without its mark
 * - DeliveryStatus ('d'): status (string, always), updated_at (int, always)
 * - VerificationStatus ('v'): status (string, always), updated_at (int, always), code_entered (string) '0'/'1'
 * - GatewayReport ('G', a result): request_id (string, always), phone_number (string, always), request_cost
 *   (number, always), is_refunded '-'/'0'/'1', remaining_balance (number) '0'/'1', delivery_status '0' or 'd'
 *   and a DeliveryStatus shape, verification_status '0' or 'v' and a VerificationStatus shape, payload (string)
 *   '0'/'1'
 */

/** The fingerprint of the layout above; tgauth_record_fingerprint() gives the library's. A binding
 *  compares it with its own when it loads, and refuses a library whose records it would misread. */
#define TGAUTH_RECORD_FINGERPRINT "149011d388d697fd"
/* ---- End of generated record layout ---- */

/** Returns: TGAUTH_RECORD_FINGERPRINT of the library actually loaded (static; compare it with the binding's). */
TGAUTH_API const char *tgauth_record_fingerprint(void);

/* Each `_record` function:
 * Returns: as the handle variant, plus TGAUTH_E_BUFFER_TOO_SMALL (the data was valid; call again with the
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
/** As tgauth_gateway_report_verify (tgauth_verify.h), writing the report as a record. */
TGAUTH_API TGAUTH_WARN_UNUSED_RESULT int tgauth_gateway_report_verify_record(
    const tgauth_gateway *gateway, char *out, size_t *out_len, tgauth_error *err, const char *body,
    size_t body_len, const char *timestamp, size_t timestamp_len, const char *signature, size_t signature_len,
    int64_t now);

#ifdef __cplusplus
}
#endif

#endif /* TGAUTH_RECORD_H */
