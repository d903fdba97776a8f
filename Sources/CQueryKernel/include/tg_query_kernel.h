#ifndef TG_QUERY_KERNEL_H
#define TG_QUERY_KERNEL_H

/* Kernels for the query-string parser, one implementation per instruction set behind one table chosen
 * when the library loads (dispatch.c). A kernel is an accelerator with the Swift parser beside it: where
 * the input is anything but plain and valid, it declines and the Swift parser decides. A kernel never
 * rejects input itself. */

#include <stddef.h>
#include <stdint.h>

/* One parsed field: byte offsets and lengths of the key and the value inside the output region
 * (the layout of the Swift `FieldEntry`). */
typedef struct tg_query_field {
    uint32_t key_start;
    uint32_t key_count;
    uint32_t value_start;
    uint32_t value_count;
} tg_query_field;

typedef struct tg_query_kernel {
    /* "generic" (a byte per step, any CPU), "avx2" (16 bytes per step) or "avx512" (AVX-512 VBMI2, 64 bytes
     * per step) */
    const char *name;
    /* whether this CPU can run it */
    int (*supported)(void);
    /* the number of `byte` in src[0..<n] */
    size_t (*count_byte)(const uint8_t *src, size_t n, uint8_t byte);
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
    size_t (*decode_query)(const uint8_t *src, size_t n, uint8_t *out, size_t base, size_t capacity,
                           tg_query_field *fields, size_t max_fields, size_t *end, int *non_ascii);
} tg_query_kernel;

/* The kernel chosen at load: the best this CPU runs, unless the environment variable TGAUTH_QUERY_KERNEL
 * names another it runs ("generic" rules the vector code out, for measuring). Never changes afterwards. */
const tg_query_kernel *tg_query_kernel_chosen(void);

/* Every kernel built in, generic first (tests run each the CPU supports, by calling it directly);
 * NULL past the last. */
const tg_query_kernel *tg_query_kernel_at(size_t index);

#endif
