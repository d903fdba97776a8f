#ifndef TGAUTH_SIMD_H
#define TGAUTH_SIMD_H

/* Vector kernels for the query-string parser. Each one is an accelerator with a scalar Swift path
 * beside it: where the CPU lacks the instructions, or the input is anything but plain and valid,
 * a kernel declines and the Swift parser decides. A kernel never rejects input itself. */

#include <stddef.h>
#include <stdint.h>

/* One parsed field: byte offsets and lengths of the key and the value inside the output region
 * (the layout of the Swift `FieldEntry`). */
typedef struct tg_simd_field {
    uint32_t key_start;
    uint32_t key_count;
    uint32_t value_start;
    uint32_t value_count;
} tg_simd_field;

/* Which kernels this CPU runs: 0 none (the Swift parser does all), 3 AVX2 (16 bytes per step),
 * 4 AVX-512 VBMI2 (64 bytes per step). The environment variable TGAUTH_SIMD_LEVEL (0, 3 or 4), read
 * when the library loads, caps it: for measuring each path, or ruling the kernels out. */
int tg_simd_level(void);

/* Caps the kernels used to `level` (0, 3 or 4; never above what the CPU has) and returns the level now
 * in force. For tests, which run every kernel the machine has; not thread-safe. */
int tg_simd_limit_level(int level);

/* The number of `byte` in src[0..<n]. */
size_t tg_simd_count_byte(const uint8_t *src, size_t n, uint8_t byte);

/* Percent-decodes the query string src[0..<n] (`+` is a space) into out[base...], each key and value
 * NUL-terminated, and writes one entry per `key=value` field to `fields`.
 *
 * Declines (returns 0, and what it wrote means nothing) unless the input is a plain valid query: no
 * empty field, no empty key, no field without '=', no raw '=' inside a value, no raw byte below 0x0B,
 * no bad or cut-off escape, no escape that decodes to NUL, a line break or '='. UTF-8 is not checked
 * here: `*non_ascii` is set non-zero when a raw or decoded byte is 0x80 or above, and the caller must
 * then validate out[base..<*end].
 *
 * `out` must have room for base + n + 64 bytes (`capacity` counts from out[0]); `fields` for
 * `max_fields` entries. On success returns the number of fields and sets *end to the offset just past
 * the last NUL written. */
size_t tg_simd_decode_query(const uint8_t *src, size_t n, uint8_t *out, size_t base, size_t capacity,
                            tg_simd_field *fields, size_t max_fields, size_t *end, int *non_ascii);

#endif
