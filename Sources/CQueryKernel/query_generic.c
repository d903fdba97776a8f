/* The generic kernel, for every CPU: it counts bytes one at a time and declines every query, so the Swift
 * parser (its word-at-a-time pass, then its exact one) does all the decoding. */
#include "query_kernels.h"

static int supported(void) { return 1; }

static size_t count_byte(const uint8_t *src, size_t n, uint8_t byte) {
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += src[i] == byte;
    return total;
}

static size_t decode(const uint8_t *src, size_t n, uint8_t *out, size_t base, size_t capacity,
                     tg_query_field *fields, size_t max_fields, size_t *end, int *non_ascii) {
    (void)src, (void)n, (void)out, (void)base, (void)capacity, (void)fields, (void)max_fields, (void)end,
        (void)non_ascii;
    return 0;
}

const tg_query_kernel tg_query_kernel_generic = {"generic", supported, count_byte, decode};
