/* The AVX-512 query kernel (AVX-512 F, BW and VBMI2 for byte compression, with BMI2): 64 input bytes per
 * step. */
#include "query_kernels.h"

#if TG_QUERY_X86
#include <immintrin.h>
#include <string.h>

#include "query_fields.h"

#define TG_AVX512 __attribute__((target("avx2,bmi,bmi2,popcnt,avx512f,avx512bw,avx512vbmi2")))

/* Hex digit values of the bytes of x, and in *valid the bytes that are hex digits. */
TG_AVX512 static inline __m512i nibbles64(__m512i x, __mmask64 *valid) {
    const __m512i d = _mm512_sub_epi8(x, _mm512_set1_epi8('0'));
    const __mmask64 is_digit = _mm512_cmple_epu8_mask(d, _mm512_set1_epi8(9));
    const __m512i l = _mm512_sub_epi8(_mm512_or_si512(x, _mm512_set1_epi8(0x20)), _mm512_set1_epi8('a'));
    const __mmask64 is_letter = _mm512_cmple_epu8_mask(l, _mm512_set1_epi8(5));
    *valid = is_digit | is_letter;
    return _mm512_mask_blend_epi8(is_digit, _mm512_add_epi8(l, _mm512_set1_epi8(10)), d);
}

/* The 64-byte step: v holds input bytes 0..63 of the block, v1 and v2 the same shifted by one and two
 * (the hex digits of each possible escape). Only the positions set in `limit` are input. */
TG_AVX512 static inline void decode_block64(__m512i v, __m512i v1, __m512i v2, uint64_t limit, uint8_t *out,
                                        query_state *s, tg_query_field *fields, size_t max_fields) {
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

TG_AVX512 static size_t count_byte(const uint8_t *src, size_t n, uint8_t byte) {
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

TG_AVX512 static size_t decode(const uint8_t *src, size_t n, uint8_t *out, size_t base, size_t capacity,
                                tg_query_field *fields, size_t max_fields, size_t *end, int *non_ascii) {
    if (!tg_query_arguments_fit(n, base, capacity, max_fields)) return 0;
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

static int supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
           __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi2");
}

const tg_query_kernel tg_query_kernel_avx512 = {"avx512", supported, count_byte, decode};
#endif
