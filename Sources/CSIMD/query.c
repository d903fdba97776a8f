#include "tg_simd.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TG_SIMD_X86 1
#include <immintrin.h>
#endif

#if TG_SIMD_X86

/* 1 when the CPU has AVX2, BMI1 and POPCNT (x86-64-v3); read once at load time. */
static int has_v3;
/* 1 when it also has AVX-512 BW and VBMI2 (byte compression): 64 bytes per step. */
static int has_v4;
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

/* ---- WebAppUser JSON ------------------------------------------------------------------------------ */

enum { JSON_MAX = 1024, JSON_WORDS = JSON_MAX / 64 };

/* Bit masks of the quotes and backslashes of a JSON text, 64 bytes per word. */
typedef struct json_masks {
    uint64_t quote[JSON_WORDS + 1];
    uint64_t backslash[JSON_WORDS + 1];
    size_t words;
} json_masks;

/* Fills the masks; returns 0 if a byte below 0x20 occurs (never in compact JSON, which the scalar reader
 * then handles). */
TG_V4 static int json_masks_v4(const uint8_t *json, size_t n, json_masks *m) {
    uint64_t control = 0;
    m->words = (n + 63) / 64;
    for (size_t w = 0; w < m->words; w++) {
        const size_t left = n - w * 64;
        const uint64_t limit = left >= 64 ? ~0ULL : _bzhi_u64(~0ULL, (unsigned)left);
        const __m512i v = _mm512_maskz_loadu_epi8(limit, json + w * 64);
        m->quote[w] = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"')) & limit;
        m->backslash[w] = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\')) & limit;
        control |= _mm512_cmplt_epu8_mask(v, _mm512_set1_epi8(0x20)) & limit;
    }
    m->quote[m->words] = m->backslash[m->words] = 0;
    return control == 0;
}

TG_V3 static int json_masks_v3(const uint8_t *json, size_t n, json_masks *m) {
    unsigned control = 0;
    m->words = (n + 63) / 64;
    for (size_t w = 0; w < m->words; w++) {
        uint64_t quote = 0, backslash = 0;
        for (size_t h = 0; h < 2; h++) {
            const size_t at = w * 64 + h * 32;
            __m256i v;
            unsigned limit = ~0u;
            if (at + 32 <= n) {
                v = _mm256_loadu_si256((const __m256i *)(json + at));
            } else {
                uint8_t pad[32] = {0};
                const size_t left = at < n ? n - at : 0;
                if (left) memcpy(pad, json + at, left);
                v = _mm256_loadu_si256((const __m256i *)pad);
                limit = (unsigned)((1ULL << left) - 1);
            }
            const unsigned q = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"'))) & limit;
            const unsigned b = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\'))) & limit;
            const __m256i low = _mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(0x1F)), v);
            control |= (unsigned)_mm256_movemask_epi8(low) & limit;
            quote |= (uint64_t)q << (32 * h);
            backslash |= (uint64_t)b << (32 * h);
        }
        m->quote[w] = quote;
        m->backslash[w] = backslash;
    }
    m->quote[m->words] = m->backslash[m->words] = 0;
    return control == 0;
}

/* The first set bit at or after `pos`, or SIZE_MAX. */
static inline size_t next_bit(const uint64_t *mask, size_t words, size_t pos) {
    size_t w = pos >> 6;
    if (w >= words) return SIZE_MAX;
    uint64_t x = mask[w] & (~0ULL << (pos & 63));
    while (!x) {
        if (++w >= words) return SIZE_MAX;
        x = mask[w];
    }
    return (w << 6) + (size_t)__builtin_ctzll(x);
}

/* Copies len bytes, reading and writing nothing outside either range. */
static inline void copy_short(uint8_t *dst, const uint8_t *src, size_t len) {
    if (len >= 16) {
        size_t i = 0;
        for (; i + 16 <= len; i += 16) _mm_storeu_si128((__m128i *)(dst + i), _mm_loadu_si128((const __m128i *)(src + i)));
        if (i < len) {
            _mm_storeu_si128((__m128i *)(dst + len - 16), _mm_loadu_si128((const __m128i *)(src + len - 16)));
        }
    } else if (len >= 8) {
        uint64_t a, b;
        memcpy(&a, src, 8);
        memcpy(&b, src + len - 8, 8);
        memcpy(dst, &a, 8);
        memcpy(dst + len - 8, &b, 8);
    } else if (len >= 4) {
        uint32_t a, b;
        memcpy(&a, src, 4);
        memcpy(&b, src + len - 4, 4);
        memcpy(dst, &a, 4);
        memcpy(dst + len - 4, &b, 4);
    } else {
        for (size_t i = 0; i < len; i++) dst[i] = src[i];
    }
}

enum member { M_UNKNOWN, M_ID, M_FIRST, M_LAST, M_USERNAME, M_LANGUAGE, M_PHOTO, M_IS_BOT, M_PREMIUM, M_ATTACH, M_WRITE };

static inline int named(const uint8_t *p, size_t n, const char *name, size_t len) {
    return n == len && memcmp(p, name, len) == 0;
}

static enum member classify_member(const uint8_t *p, size_t n) {
    switch (n) {
    case 2: return named(p, n, "id", 2) ? M_ID : M_UNKNOWN;
    case 6: return named(p, n, "is_bot", 6) ? M_IS_BOT : M_UNKNOWN;
    case 8: return named(p, n, "username", 8) ? M_USERNAME : M_UNKNOWN;
    case 9: return named(p, n, "last_name", 9) ? M_LAST : named(p, n, "photo_url", 9) ? M_PHOTO : M_UNKNOWN;
    case 10: return named(p, n, "first_name", 10) ? M_FIRST : named(p, n, "is_premium", 10) ? M_PREMIUM : M_UNKNOWN;
    case 13: return named(p, n, "language_code", 13) ? M_LANGUAGE : M_UNKNOWN;
    case 18: return named(p, n, "allows_write_to_pm", 18) ? M_WRITE : M_UNKNOWN;
    case 24: return named(p, n, "added_to_attachment_menu", 24) ? M_ATTACH : M_UNKNOWN;
    default: return M_UNKNOWN;
    }
}

/* Telegram writes a user's members in one order; the reader first tries the member that follows the last
 * one it matched in that order, comparing `"name":` whole, and only on a miss finds and classifies the key. */
typedef struct predicted_member {
    uint8_t text[32]; /* `"name":`, zero-padded */
    uint8_t len;
    uint8_t member;
} predicted_member;

#define TG_PREDICT(s, m) {s, sizeof(s) - 1, m}
static const predicted_member predicted[] = {
    TG_PREDICT("\"id\":", M_ID),
    TG_PREDICT("\"first_name\":", M_FIRST),
    TG_PREDICT("\"last_name\":", M_LAST),
    TG_PREDICT("\"username\":", M_USERNAME),
    TG_PREDICT("\"language_code\":", M_LANGUAGE),
    TG_PREDICT("\"is_premium\":", M_PREMIUM),
    TG_PREDICT("\"added_to_attachment_menu\":", M_ATTACH),
    TG_PREDICT("\"allows_write_to_pm\":", M_WRITE),
    TG_PREDICT("\"photo_url\":", M_PHOTO),
};
#undef TG_PREDICT
enum { PREDICTED_COUNT = sizeof predicted / sizeof predicted[0] };

/* Whether json[0..<p->len] is p's text; reads 32 bytes, so json must have 32 readable bytes. */
static inline int matches(const uint8_t *json, const predicted_member *p) {
    const __m128i a = _mm_loadu_si128((const __m128i *)json), b = _mm_loadu_si128((const __m128i *)(json + 16));
    const unsigned eq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, _mm_loadu_si128((const __m128i *)p->text))) |
                        (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, _mm_loadu_si128((const __m128i *)(p->text + 16)))) << 16;
    const unsigned want = p->len >= 32 ? ~0u : (1u << p->len) - 1;
    return (eq & want) == want;
}

/* The scalar reader over precomputed masks: no loop runs over a string's bytes to find its end. */
static int parse_user_masked(const uint8_t *json, size_t n, const json_masks *m, uint8_t *out, size_t base,
                             tg_simd_user *user, size_t *end) {
    const size_t words = m->words;
    size_t o = base;
    unsigned seen = 0;
    uint32_t *strings[] = {NULL, NULL, user->first_name, user->last_name, user->username, user->language_code,
                           user->photo_url};
    int8_t *flags[] = {&user->is_bot, &user->is_premium, &user->added_to_attachment_menu, &user->allows_write_to_pm};
    for (int i = 2; i <= M_PHOTO; i++) strings[i][0] = UINT32_MAX, strings[i][1] = 0;
    for (int i = 0; i < 4; i++) *flags[i] = -1;
    user->id = 0;

    if (n < 2 || json[0] != '{') return 0;
    size_t i = 1;
    unsigned next = 0; /* the index in `predicted` of the member expected next */
    for (;;) {
        if (i >= n || json[i] != '"') return 0;
        enum member member;
        if (next < PREDICTED_COUNT && i + 32 <= n && matches(json + i, &predicted[next])) {
            member = (enum member)predicted[next].member;
            i += predicted[next].len;
            next++;
            if (i >= n) return 0;
        } else {
            const size_t key_end = next_bit(m->quote, words, i + 1);
            if (key_end == SIZE_MAX || next_bit(m->backslash, words, i + 1) < key_end) return 0;
            member = classify_member(json + i + 1, key_end - i - 1);
            for (unsigned k = 0; k < PREDICTED_COUNT; k++) {
                if (predicted[k].member == (uint8_t)member) next = k + 1;
            }
            i = key_end + 1;
            if (i + 1 >= n || json[i] != ':') return 0;
            i++;
        }
        if (member != M_UNKNOWN) {
            if (seen >> member & 1) return 0; /* a known member twice: the scalar reader names it */
            seen |= 1u << member;
        }
        const uint8_t c = json[i];
        if (c == '"') {
            const size_t close = next_bit(m->quote, words, i + 1);
            if (close == SIZE_MAX) return 0;
            if (member == M_ID || member >= M_IS_BOT) return 0;
            /* every backslash must be the escape `\/` (a quote after a backslash is escaped: declined) */
            size_t from = i + 1, o0 = o;
            for (size_t b = next_bit(m->backslash, words, from); b < close; b = next_bit(m->backslash, words, b + 2)) {
                if (json[b + 1] != '/') return 0;
                if (member != M_UNKNOWN) {
                    copy_short(out + o, json + from, b - from);
                    o += b - from;
                }
                from = b + 1;
            }
            if (member != M_UNKNOWN) {
                copy_short(out + o, json + from, close - from);
                o += close - from;
                out[o] = 0;
                strings[member][0] = (uint32_t)o0;
                strings[member][1] = (uint32_t)(o - o0);
                o++;
            }
            i = close + 1;
        } else if (c == 't' || c == 'f') {
            const size_t len = c == 't' ? 4 : 5;
            uint32_t word;
            if (i + len > n) return 0;
            memcpy(&word, json + i + len - 4, 4); /* "true", or the "alse" of "false" */
            if (word != (c == 't' ? 0x65757274u : 0x65736c61u)) return 0;
            if (member >= M_IS_BOT) {
                *flags[member - M_IS_BOT] = c == 't';
            } else if (member != M_UNKNOWN) {
                return 0;
            }
            i += len;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            const int negative = c == '-';
            size_t d = i + (size_t)negative;
            const size_t digits_start = d;
            int64_t value = 0;
            while (d < n && json[d] >= '0' && json[d] <= '9') {
                value = value * 10 + (json[d] - '0');
                d++;
                if (d - digits_start > 18) return 0;
            }
            const size_t count = d - digits_start;
            if (count == 0 || (count > 1 && json[digits_start] == '0')) return 0;
            if (member == M_ID) {
                user->id = negative ? -value : value;
            } else if (member != M_UNKNOWN) {
                return 0;
            }
            i = d;
        } else {
            return 0;
        }
        if (i >= n) return 0;
        if (json[i] == ',') {
            i++;
            continue;
        }
        if (json[i] != '}' || i + 1 != n) return 0;
        break;
    }
    if (!(seen >> M_ID & 1) || !(seen >> M_FIRST & 1)) return 0;
    *end = o;
    return 1;
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

int tg_simd_parse_user(const uint8_t *json, size_t n, uint8_t *out, size_t base, size_t capacity,
                       tg_simd_user *user, size_t *end) {
    if (n == 0 || n > JSON_MAX || base > capacity || capacity - base < n + 64 || capacity > UINT32_MAX) return 0;
#if TG_SIMD_X86
    json_masks m;
    if (has_v4) {
        if (!json_masks_v4(json, n, &m)) return 0;
    } else if (has_v3) {
        if (!json_masks_v3(json, n, &m)) return 0;
    } else {
        return 0;
    }
    return parse_user_masked(json, n, &m, out, base, user, end);
#else
    (void)json; (void)out; (void)user; (void)end;
    return 0;
#endif
}
