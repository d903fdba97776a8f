#ifndef TG_QUERY_FIELDS_H
#define TG_QUERY_FIELDS_H

/* The field bookkeeping both vector kernels share: the parser state between blocks, and the steps that turn
 * separator positions into field entries. Included by query_avx2.c and query_avx512.c only (x86-64). */
#include <immintrin.h>
#include <string.h>

#include "query_kernels.h"

/* The parser's state between 16-byte blocks. */
typedef struct query_state {
    size_t o;            /* next output offset */
    uint64_t carry;      /* positions of the next block that are hex digits of an escape in this one */
    uint64_t bad;        /* non-zero once the input must go to the scalar parser */
    uint64_t high;       /* non-zero once a byte >= 0x80 was seen, raw or decoded */
    uint64_t escaped_eq; /* non-zero once an escape decoded to '=' (refused in a key, fine in a value) */
    int in_key;          /* 1 before a field's '=' */
    size_t field_start;  /* output offset of the current key, then of the current value */
    size_t key_start, key_count;
    size_t count;        /* fields written */
} query_state;

/* Writes one field entry with a single 16-byte store: the sort that follows reads entries whole, and a
 * load that spans several smaller pending stores waits for them to retire. */
static inline void put_field(tg_query_field *f, size_t key_start, size_t key_count, size_t value_start,
                             size_t value_count) {
    _mm_storeu_si128((__m128i *)f, _mm_set_epi32((int)(uint32_t)value_count, (int)(uint32_t)value_start,
                                                 (int)(uint32_t)key_count, (int)(uint32_t)key_start));
}

/* Records the fields that end at the separators `sep` of a block (bits are positions; `eq` marks the
 * '=' among them), whose kept positions are `keep` and whose output starts at s->o. */
static inline void separators(query_state *s, uint64_t sep, uint64_t eq, uint64_t keep, tg_query_field *fields,
                              size_t max_fields) {
    while (sep) {
        const unsigned i = (unsigned)__builtin_ctzll(sep);
        sep &= sep - 1;
        const size_t at = s->o + (size_t)__builtin_popcountll(keep & ((1ULL << i) - 1));
        if (eq >> i & 1) {
            /* the key ends here; an '=' after it belongs to a value, which the scalar parser handles */
            if (!s->in_key || at == s->field_start) { s->bad = 1; return; }
            s->key_start = s->field_start;
            s->key_count = at - s->field_start;
            s->field_start = at + 1;
            s->in_key = 0;
        } else {
            if (s->in_key || s->count == max_fields) { s->bad = 1; return; }
            put_field(fields + s->count++, s->key_start, s->key_count, s->field_start, at - s->field_start);
            s->field_start = at + 1;
            s->in_key = 1;
        }
    }
}

/* Closes the last field; declines if an escape put '=' into a key (it would make the data-check-string
 * ambiguous, and the scalar parser names it). */
static inline size_t finish(query_state *s, uint8_t *out, tg_query_field *fields, size_t max_fields, size_t *end,
                     int *non_ascii) {
    if (s->in_key || s->count == max_fields) return 0;
    put_field(fields + s->count++, s->key_start, s->key_count, s->field_start, s->o - s->field_start);
    if (s->escaped_eq) {
        for (size_t i = 0; i < s->count; i++) {
            if (memchr(out + fields[i].key_start, '=', fields[i].key_count)) return 0;
        }
    }
    out[s->o] = 0;
    *end = s->o + 1;
    *non_ascii = s->high != 0;
    return s->count;
}

#endif
