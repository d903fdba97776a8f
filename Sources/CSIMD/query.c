#include "tg_simd.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TG_SIMD_X86 1
#include <immintrin.h>
#endif

#if TG_SIMD_X86

/* 1 when the CPU has AVX2, BMI1 and POPCNT (x86-64-v3); read once at load time. */
static _Atomic int has_v3;
/* 1 when it also has AVX-512 BW and VBMI2 (byte compression): 64 bytes per step. */
static _Atomic int has_v4;
/* What the CPU has, before any limit. */
static int cpu_v3, cpu_v4;
/* For each 8-bit keep mask, the pshufb indices that gather the kept bytes of an 8-byte lane to its front. */
static uint64_t compact_lane[256];

int tg_simd_limit_level(int level);

__attribute__((constructor)) static void tg_simd_init(void) {
    __builtin_cpu_init();
    has_v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("popcnt");
    has_v4 = has_v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("bmi2");
    cpu_v3 = has_v3;
    cpu_v4 = has_v4;
    /* TGAUTH_SIMD_LEVEL=0|3|4 caps the kernels, to measure or rule out a level (never raises it) */
    const char *cap = getenv("TGAUTH_SIMD_LEVEL");
    if (cap && cap[0] >= '0' && cap[0] <= '9' && cap[1] == 0) tg_simd_limit_level(cap[0] - '0');
    for (unsigned m = 0; m < 256; m++) {
        uint64_t indices = 0;
        unsigned slot = 0;
        for (unsigned i = 0; i < 8; i++) {
            if (m & (1u << i)) indices |= (uint64_t)i << (8 * slot++);
        }
        for (; slot < 8; slot++) indices |= (uint64_t)0x80 << (8 * slot); /* pshufb writes zero */
        compact_lane[m] = indices;
    }
}

#define TG_V3 __attribute__((target("avx2,bmi,popcnt")))

TG_V3 static size_t count_byte_v3(const uint8_t *src, size_t n, uint8_t byte) {
    const __m256i b = _mm256_set1_epi8((char)byte);
    size_t total = 0, i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(src + i));
        total += (size_t)__builtin_popcount((unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, b)));
    }
    for (; i < n; i++) total += src[i] == byte;
    return total;
}

/* Hex digit values of the bytes of x, and in *valid 0xFF where a byte is a hex digit. */
TG_V3 static inline __m128i nibbles(__m128i x, __m128i *valid) {
    const __m128i d = _mm_sub_epi8(x, _mm_set1_epi8('0'));
    const __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
    const __m128i l = _mm_sub_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
    const __m128i is_letter = _mm_cmpeq_epi8(_mm_min_epu8(l, _mm_set1_epi8(5)), l);
    *valid = _mm_or_si128(is_digit, is_letter);
    return _mm_blendv_epi8(_mm_add_epi8(l, _mm_set1_epi8(10)), d, is_digit);
}

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
static inline void put_field(tg_simd_field *f, size_t key_start, size_t key_count, size_t value_start,
                             size_t value_count) {
    _mm_storeu_si128((__m128i *)f, _mm_set_epi32((int)(uint32_t)value_count, (int)(uint32_t)value_start,
                                                 (int)(uint32_t)key_count, (int)(uint32_t)key_start));
}

/* Records the fields that end at the separators `sep` of a block (bits are positions; `eq` marks the
 * '=' among them), whose kept positions are `keep` and whose output starts at s->o. */
static inline void separators(query_state *s, uint64_t sep, uint64_t eq, uint64_t keep, tg_simd_field *fields,
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
static size_t finish(query_state *s, uint8_t *out, tg_simd_field *fields, size_t max_fields, size_t *end,
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

/* Decodes the 16 bytes at p (p[16] and p[17] must be readable: the hex digits of escapes at 14 and
 * 15). Only the positions set in `limit` are input. */
TG_V3 static inline void decode_block(const uint8_t *p, unsigned limit, uint8_t *out, query_state *s,
                                      tg_simd_field *fields, size_t max_fields) {
    const __m128i v = _mm_loadu_si128((const __m128i *)p);
    const __m128i v1 = _mm_loadu_si128((const __m128i *)(p + 1));
    const __m128i v2 = _mm_loadu_si128((const __m128i *)(p + 2));

    const __m128i is_pct = _mm_cmpeq_epi8(v, _mm_set1_epi8('%'));
    const __m128i is_amp = _mm_cmpeq_epi8(v, _mm_set1_epi8('&'));
    const __m128i is_eq = _mm_cmpeq_epi8(v, _mm_set1_epi8('='));
    const __m128i is_plus = _mm_cmpeq_epi8(v, _mm_set1_epi8('+'));
    const __m128i is_ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x0A)), v); /* below 0x0B */

    __m128i valid1, valid2;
    const __m128i hi = nibbles(v1, &valid1);
    const __m128i lo = nibbles(v2, &valid2);
    const __m128i decoded = _mm_or_si128(_mm_and_si128(_mm_slli_epi16(hi, 4), _mm_set1_epi8((char)0xF0)), lo);
    const __m128i refused =
        _mm_or_si128(_mm_cmpeq_epi8(decoded, _mm_setzero_si128()), _mm_cmpeq_epi8(decoded, _mm_set1_epi8('\n')));

    __m128i plain = _mm_blendv_epi8(v, _mm_set1_epi8(' '), is_plus);
    plain = _mm_andnot_si128(_mm_or_si128(is_amp, is_eq), plain); /* separators become the NUL terminators */
    const __m128i result = _mm_blendv_epi8(plain, decoded, is_pct);

    const unsigned pct = (unsigned)_mm_movemask_epi8(is_pct) & limit;
    const unsigned eq = (unsigned)_mm_movemask_epi8(is_eq) & limit;
    const unsigned sep = ((unsigned)_mm_movemask_epi8(is_amp) & limit) | eq;
    const unsigned digits = (unsigned)_mm_movemask_epi8(_mm_and_si128(valid1, valid2));
    const unsigned drop = (pct << 1) | (pct << 2) | (unsigned)s->carry;
    const unsigned keep = ~drop & limit;
    s->carry = drop >> 16;

    s->bad |= (pct & ~digits) | (pct & (unsigned)_mm_movemask_epi8(refused)) |
              ((unsigned)_mm_movemask_epi8(is_ctl) & limit) | (sep & drop);
    s->high |= ((unsigned)_mm_movemask_epi8(v) & keep) | (pct & (unsigned)_mm_movemask_epi8(decoded));
    s->escaped_eq |= pct & (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(decoded, _mm_set1_epi8('=')));

    /* gather the kept bytes of each 8-byte half to its front; two overlapping stores join them */
    const __m128i shuffle = _mm_set_epi64x((long long)(compact_lane[keep >> 8 & 0xFF] + 0x0808080808080808ULL),
                                           (long long)compact_lane[keep & 0xFF]);
    const __m128i packed = _mm_shuffle_epi8(result, shuffle);
    uint8_t *dst = out + s->o;
    _mm_storel_epi64((__m128i *)dst, packed);
    _mm_storeh_pd((double *)(dst + __builtin_popcount(keep & 0xFF)), _mm_castsi128_pd(packed));

    if (sep & keep) separators(s, sep & keep, eq, keep, fields, max_fields);
    s->o += (size_t)__builtin_popcount(keep);
}

TG_V3 static size_t decode_query_v3(const uint8_t *src, size_t n, uint8_t *out, size_t base,
                                    tg_simd_field *fields, size_t max_fields, size_t *end, int *non_ascii) {
    query_state s = {base, 0, 0, 0, 0, 1, base, 0, 0, 0};
    size_t k = 0;
    for (; k + 18 <= n; k += 16) {
        decode_block(src + k, 0xFFFF, out, &s, fields, max_fields);
        if (s.bad) return 0;
    }
    /* the last bytes, from a zero-padded copy: a cut-off escape meets zeros, which are not hex digits */
    uint8_t tail[48] = {0};
    const size_t rest = n - k;
    memcpy(tail, src + k, rest);
    for (size_t t = 0; t < rest; t += 16) {
        const size_t left = rest - t;
        decode_block(tail + t, left >= 16 ? 0xFFFF : (1u << left) - 1, out, &s, fields, max_fields);
        if (s.bad) return 0;
    }
    return finish(&s, out, fields, max_fields, end, non_ascii);
}


#define TG_V4 __attribute__((target("avx2,bmi,bmi2,popcnt,avx512f,avx512bw,avx512vbmi2")))

/* Hex digit values of the bytes of x, and in *valid the bytes that are hex digits. */
TG_V4 static inline __m512i nibbles64(__m512i x, __mmask64 *valid) {
    const __m512i d = _mm512_sub_epi8(x, _mm512_set1_epi8('0'));
    const __mmask64 is_digit = _mm512_cmple_epu8_mask(d, _mm512_set1_epi8(9));
    const __m512i l = _mm512_sub_epi8(_mm512_or_si512(x, _mm512_set1_epi8(0x20)), _mm512_set1_epi8('a'));
    const __mmask64 is_letter = _mm512_cmple_epu8_mask(l, _mm512_set1_epi8(5));
    *valid = is_digit | is_letter;
    return _mm512_mask_blend_epi8(is_digit, _mm512_add_epi8(l, _mm512_set1_epi8(10)), d);
}

/* The 64-byte step: v holds input bytes 0..63 of the block, v1 and v2 the same shifted by one and two
 * (the hex digits of each possible escape). Only the positions set in `limit` are input. */
TG_V4 static inline void decode_block64(__m512i v, __m512i v1, __m512i v2, uint64_t limit, uint8_t *out,
                                        query_state *s, tg_simd_field *fields, size_t max_fields) {
    const uint64_t pct = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('%')) & limit;
    const uint64_t eq = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('=')) & limit;
    const uint64_t sep = (_mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('&')) & limit) | eq;
    const __mmask64 plus = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('+'));
    const uint64_t ctl = _mm512_cmple_epu8_mask(v, _mm512_set1_epi8(0x0A)) & limit;

    __m512i result = _mm512_mask_mov_epi8(v, plus, _mm512_set1_epi8(' '));
    result = _mm512_maskz_mov_epi8(~sep, result); /* separators become the NUL terminators */

    const uint64_t drop = (pct << 1) | (pct << 2) | s->carry;
    const uint64_t keep = ~drop & limit;
    s->carry = (pct >> 63) * 3 | (pct >> 62 & 1);
    s->bad |= ctl | (sep & drop);
    s->high |= _mm512_movepi8_mask(v) & keep;

    if (pct) { /* the escapes (blocks of hash, signature and plain values have none) */
        __mmask64 valid1, valid2;
        const __m512i hi = nibbles64(v1, &valid1);
        const __m512i lo = nibbles64(v2, &valid2);
        /* (hi << 4) | lo, the shift's carries out of each byte masked off by the ternary (A & C) | B */
        const __m512i decoded =
            _mm512_ternarylogic_epi64(_mm512_slli_epi16(hi, 4), lo, _mm512_set1_epi8((char)0xF0), 0xEC);
        const uint64_t refused = _mm512_cmpeq_epi8_mask(decoded, _mm512_setzero_si512()) |
                                 _mm512_cmpeq_epi8_mask(decoded, _mm512_set1_epi8('\n'));
        result = _mm512_mask_mov_epi8(result, pct, decoded);
        s->bad |= (pct & ~(uint64_t)(valid1 & valid2)) | (pct & refused);
        s->high |= pct & _mm512_movepi8_mask(decoded);
        s->escaped_eq |= pct & _mm512_cmpeq_epi8_mask(decoded, _mm512_set1_epi8('='));
    }

    _mm512_storeu_si512(out + s->o, _mm512_maskz_compress_epi8(keep, result));
    if (sep & keep) separators(s, sep & keep, eq, keep, fields, max_fields);
    s->o += (size_t)__builtin_popcountll(keep);
}

TG_V4 static size_t count_byte_v4(const uint8_t *src, size_t n, uint8_t byte) {
    const __m512i b = _mm512_set1_epi8((char)byte);
    size_t total = 0, i = 0;
    for (; i + 64 <= n; i += 64) {
        total += (size_t)__builtin_popcountll(_mm512_cmpeq_epi8_mask(_mm512_loadu_si512(src + i), b));
    }
    if (i < n) {
        const uint64_t limit = _bzhi_u64(~0ULL, (unsigned)(n - i));
        total += (size_t)__builtin_popcountll(_mm512_cmpeq_epi8_mask(_mm512_maskz_loadu_epi8(limit, src + i), b) & limit);
    }
    return total;
}

TG_V4 static size_t decode_query_v4(const uint8_t *src, size_t n, uint8_t *out, size_t base,
                                    tg_simd_field *fields, size_t max_fields, size_t *end, int *non_ascii) {
    query_state s = {base, 0, 0, 0, 0, 1, base, 0, 0, 0};
    size_t k = 0;
    for (; k + 66 <= n; k += 64) {
        decode_block64(_mm512_loadu_si512(src + k), _mm512_loadu_si512(src + k + 1), _mm512_loadu_si512(src + k + 2),
                       ~0ULL, out, &s, fields, max_fields);
        if (s.bad) return 0;
    }
    /* the last bytes through masked loads: a cut-off escape meets zeros, which are not hex digits */
    for (; k < n; k += 64) {
        const size_t left = n - k;
        const uint64_t limit = left >= 64 ? ~0ULL : _bzhi_u64(~0ULL, (unsigned)left);
        const uint64_t limit1 = left - 1 >= 64 ? ~0ULL : _bzhi_u64(~0ULL, (unsigned)(left - 1));
        const uint64_t limit2 = left < 2 ? 0 : left - 2 >= 64 ? ~0ULL : _bzhi_u64(~0ULL, (unsigned)(left - 2));
        decode_block64(_mm512_maskz_loadu_epi8(limit, src + k), _mm512_maskz_loadu_epi8(limit1, src + k + 1),
                       _mm512_maskz_loadu_epi8(limit2, src + k + 2), limit, out, &s, fields, max_fields);
        if (s.bad) return 0;
    }
    return finish(&s, out, fields, max_fields, end, non_ascii);
}

#endif

int tg_simd_level(void) {
#if TG_SIMD_X86
    return has_v4 ? 4 : has_v3 ? 3 : 0;
#else
    return 0;
#endif
}

int tg_simd_limit_level(int level) {
#if TG_SIMD_X86
    has_v3 = cpu_v3 && level >= 3;
    has_v4 = cpu_v4 && level >= 4;
#else
    (void)level;
#endif
    return tg_simd_level();
}

size_t tg_simd_count_byte(const uint8_t *src, size_t n, uint8_t byte) {
#if TG_SIMD_X86
    if (has_v4) return count_byte_v4(src, n, byte);
    if (has_v3) return count_byte_v3(src, n, byte);
#endif
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += src[i] == byte;
    return total;
}

size_t tg_simd_decode_query(const uint8_t *src, size_t n, uint8_t *out, size_t base, size_t capacity,
                            tg_simd_field *fields, size_t max_fields, size_t *end, int *non_ascii) {
    if (n == 0 || max_fields == 0 || base > capacity || capacity - base < n + 64 || capacity > UINT32_MAX) return 0;
#if TG_SIMD_X86
    if (has_v4) return decode_query_v4(src, n, out, base, fields, max_fields, end, non_ascii);
    if (has_v3) return decode_query_v3(src, n, out, base, fields, max_fields, end, non_ascii);
#endif
    (void)src; (void)out; (void)fields; (void)end; (void)non_ascii;
    return 0;
}
