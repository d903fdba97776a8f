/* The AVX2 query kernel (x86-64-v3: AVX2, BMI1, POPCNT): 16 input bytes per step. */
#include "query_kernels.h"

#if TG_QUERY_X86
#include <immintrin.h>
#include <string.h>

#include "query_fields.h"

/* For each 8-bit keep mask, the pshufb indices that gather the kept bytes of an 8-byte lane to its front. */
static uint64_t compact_lane[256];

__attribute__((constructor)) static void fill_compact_lane(void) {
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

#define TG_AVX2 __attribute__((target("avx2,bmi,popcnt")))

TG_AVX2 static size_t count_byte(const uint8_t *src, size_t n, uint8_t byte) {
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
TG_AVX2 static inline __m128i nibbles(__m128i x, __m128i *valid) {
    const __m128i d = _mm_sub_epi8(x, _mm_set1_epi8('0'));
    const __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
    const __m128i l = _mm_sub_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
    const __m128i is_letter = _mm_cmpeq_epi8(_mm_min_epu8(l, _mm_set1_epi8(5)), l);
    *valid = _mm_or_si128(is_digit, is_letter);
    return _mm_blendv_epi8(_mm_add_epi8(l, _mm_set1_epi8(10)), d, is_digit);
}

/* Decodes the 16 bytes at p (p[16] and p[17] must be readable: the hex digits of escapes at 14 and
 * 15). Only the positions set in `limit` are input. */
TG_AVX2 static inline void decode_block(const uint8_t *p, unsigned limit, uint8_t *out, query_state *s,
                                      tg_query_field *fields, size_t max_fields) {
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

TG_AVX2 static size_t decode(const uint8_t *src, size_t n, uint8_t *out, size_t base, size_t capacity,
                              tg_query_field *fields, size_t max_fields, size_t *end, int *non_ascii) {
    if (!tg_query_arguments_fit(n, base, capacity, max_fields)) return 0;
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

static int supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("popcnt");
}

const tg_query_kernel tg_query_kernel_avx2 = {"avx2", supported, count_byte, decode};
#endif
