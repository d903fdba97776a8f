/* The generic kernel, for every CPU: one byte at a time, under the same contract as the vector kernels
 * (tg_query_kernel.h): it decodes a plain valid query and declines anything else, which the Swift parser
 * then decides. */
#include "query_kernels.h"

static int supported(void) { return 1; }

static size_t count_byte(const uint8_t *src, size_t n, uint8_t byte) {
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += src[i] == byte;
    return total;
}

static int hex_digit(uint8_t c) {
    if (c >= '0' && c <= '9') return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static size_t decode(const uint8_t *src, size_t n, uint8_t *out, size_t base, size_t capacity,
                     tg_query_field *fields, size_t max_fields, size_t *end, int *non_ascii) {
    if (!tg_query_arguments_fit(n, base, capacity, max_fields)) return 0;
    size_t o = base, count = 0, key_start = base, key_count = 0, value_start = base;
    int in_key = 1;
    unsigned high = 0;
    for (size_t k = 0; k < n; k++) {
        uint8_t c = src[k];
        if (c == '&') { /* the end of a field, which must have had its '=' */
            if (in_key || count + 1 == max_fields) return 0;
            fields[count++] = (tg_query_field){(uint32_t)key_start, (uint32_t)key_count, (uint32_t)value_start,
                                               (uint32_t)(o - value_start)};
            out[o++] = 0;
            key_start = o;
            in_key = 1;
            continue;
        }
        if (c == '=') { /* the end of a key; a raw '=' in a value, or an empty key, is for the Swift parser */
            if (!in_key || o == key_start) return 0;
            key_count = o - key_start;
            out[o++] = 0;
            value_start = o;
            in_key = 0;
            continue;
        }
        if (c == '%') {
            if (k + 2 >= n) return 0;
            const int hi = hex_digit(src[k + 1]), lo = hex_digit(src[k + 2]);
            if (hi < 0 || lo < 0) return 0;
            c = (uint8_t)(hi << 4 | lo);
            if (c == 0 || c == '\n' || (c == '=' && in_key)) return 0;
            k += 2;
        } else if (c == '+') {
            c = ' ';
        } else if (c < 0x0B) {
            return 0;
        }
        high |= c;
        out[o++] = c;
    }
    if (in_key) return 0;
    fields[count++] = (tg_query_field){(uint32_t)key_start, (uint32_t)key_count, (uint32_t)value_start,
                                       (uint32_t)(o - value_start)};
    out[o] = 0;
    *end = o + 1;
    *non_ascii = high >= 0x80;
    return count;
}

const tg_query_kernel tg_query_kernel_generic = {"generic", supported, count_byte, decode};
