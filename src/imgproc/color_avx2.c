/* AVX2 gray kernel: the integer formula of seg__cvt_gray_from_u8, 16 pixels a step,
 * with vpmaddwd on (b, g) and (r, 2^14) word pairs against (cb, cg) and (cr, 1). */
#include "color_internal.h"

#include <immintrin.h>

enum { RY15 = 9798, GY15 = 19235, BY15 = 3735 };

/* v holds 4 pixels per 128-bit lane, `st` bytes apart; returns their 8 gray values. */
static inline __m256i gray8(__m256i v, int st, __m256i k_bg, __m256i k_r)
{
    const __m256i sh_bg = st == 3 ? _mm256_setr_epi8(0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9,
                                                     -1, 10, -1, 0, -1, 1, -1, 3, -1, 4, -1, 6,
                                                     -1, 7, -1, 9, -1, 10, -1)
                                  : _mm256_setr_epi8(0, -1, 1, -1, 4, -1, 5, -1, 8, -1, 9, -1,
                                                     12, -1, 13, -1, 0, -1, 1, -1, 4, -1, 5, -1,
                                                     8, -1, 9, -1, 12, -1, 13, -1);
    const __m256i sh_r = st == 3 ? _mm256_setr_epi8(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1,
                                                    11, -1, -1, -1, 2, -1, -1, -1, 5, -1, -1, -1,
                                                    8, -1, -1, -1, 11, -1, -1, -1)
                                 : _mm256_setr_epi8(2, -1, -1, -1, 6, -1, -1, -1, 10, -1, -1, -1,
                                                    14, -1, -1, -1, 2, -1, -1, -1, 6, -1, -1, -1,
                                                    10, -1, -1, -1, 14, -1, -1, -1);
    __m256i bg = _mm256_shuffle_epi8(v, sh_bg);
    __m256i r = _mm256_or_si256(_mm256_shuffle_epi8(v, sh_r), _mm256_set1_epi32(1 << 30));
    __m256i y = _mm256_add_epi32(_mm256_madd_epi16(bg, k_bg), _mm256_madd_epi16(r, k_r));
    return _mm256_srli_epi32(y, 15);
}

static inline __m256i load_lanes(const uint8_t *lo, const uint8_t *hi)
{
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)lo)),
                                   _mm_loadu_si128((const __m128i *)hi), 1);
}

static inline void store16(uint8_t *d, __m256i ya, __m256i yb)
{
    __m256i w = _mm256_permute4x64_epi64(_mm256_packus_epi32(ya, yb), 0xD8);
    __m256i bytes = _mm256_packus_epi16(w, w);
    _mm_storel_epi64((__m128i *)d, _mm256_castsi256_si128(bytes));
    _mm_storel_epi64((__m128i *)(d + 8), _mm256_extracti128_si256(bytes, 1));
}

void seg__cvt_gray_from_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    const uint8_t *s = src;
    uint8_t *d = dst;
    int scn = c->scn, i = 0;
    int c0 = c->bidx ? RY15 : BY15, c2 = c->bidx ? BY15 : RY15;
    const __m256i k_bg = _mm256_set1_epi32((int)((uint32_t)c0 | ((uint32_t)GY15 << 16)));
    const __m256i k_r = _mm256_set1_epi32((int)((uint32_t)c2 | (1u << 16)));
    if (scn == 3) {
        /* 4 lanes of 16 bytes at 12-byte steps read 52 bytes for 48: keep 2 pixels spare. */
        for (; i + 18 <= n; i += 16, s += 48, d += 16)
            store16(d, gray8(load_lanes(s, s + 12), 3, k_bg, k_r),
                    gray8(load_lanes(s + 24, s + 36), 3, k_bg, k_r));
    } else {
        for (; i + 16 <= n; i += 16, s += 64, d += 16)
            store16(d, gray8(_mm256_loadu_si256((const __m256i *)s), 4, k_bg, k_r),
                    gray8(_mm256_loadu_si256((const __m256i *)(s + 32)), 4, k_bg, k_r));
    }
    seg__cvt_gray_from_u8(s, d, n - i, c);
}
