/* Pixel loading/storing helpers for the AVX2 colour kernels (include only from *_avx2.c). */
#ifndef SEG_COLOR_AVX2_H
#define SEG_COLOR_AVX2_H

#include <immintrin.h>
#include <stdint.h>

/* 8 pixels of 3 or 4 u8 channels -> three vectors of 8 int32 (channels 0, 1, 2).
 * Reads up to 28 bytes for scn == 3: call only while 10 or more pixels remain. */
#define SEG_SH4(a, b, c, d) a, -1, -1, -1, b, -1, -1, -1, c, -1, -1, -1, d, -1, -1, -1
#define SEG_SH(k, st) \
    _mm256_setr_epi8(SEG_SH4(k, st + k, 2 * st + k, 3 * st + k), \
                     SEG_SH4(k, st + k, 2 * st + k, 3 * st + k))

static inline void seg__load8_u8(const uint8_t *s, int scn, __m256i *c0, __m256i *c1,
                                 __m256i *c2)
{
    if (scn == 3) {
        __m256i v = _mm256_inserti128_si256(
            _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)s)),
            _mm_loadu_si128((const __m128i *)(s + 12)), 1);
        *c0 = _mm256_shuffle_epi8(v, SEG_SH(0, 3));
        *c1 = _mm256_shuffle_epi8(v, SEG_SH(1, 3));
        *c2 = _mm256_shuffle_epi8(v, SEG_SH(2, 3));
    } else {
        __m256i v = _mm256_loadu_si256((const __m256i *)s);
        const __m256i m = _mm256_set1_epi32(0xff);
        *c0 = _mm256_and_si256(v, m);
        *c1 = _mm256_and_si256(_mm256_srli_epi32(v, 8), m);
        *c2 = _mm256_and_si256(_mm256_srli_epi32(v, 16), m);
    }
}

/* Store 8 pixels of 3 u8 channels from int32 vectors already in 0..255. Writes 28
 * bytes (4 past the 24 of these pixels): call only while 10 or more pixels remain. */
static inline void seg__store8_u8x3(uint8_t *d, __m256i c0, __m256i c1, __m256i c2)
{
    __m256i v = _mm256_or_si256(c0, _mm256_or_si256(_mm256_slli_epi32(c1, 8),
                                                    _mm256_slli_epi32(c2, 16)));
    const __m256i sh = _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1,
                                        0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
    v = _mm256_shuffle_epi8(v, sh);
    _mm_storeu_si128((__m128i *)d, _mm256_castsi256_si128(v));
    _mm_storeu_si128((__m128i *)(d + 12), _mm256_extracti128_si256(v, 1));
}

/* 8 pixels of 3 floats <-> three vectors (permute + blend transposes). */
static inline void seg__load8_f32x3(const float *s, __m256 *x, __m256 *y, __m256 *z)
{
    __m256 a = _mm256_loadu_ps(s), b = _mm256_loadu_ps(s + 8), c = _mm256_loadu_ps(s + 16);
#define SEG_P(v, ...) _mm256_permutevar8x32_ps(v, _mm256_setr_epi32(__VA_ARGS__))
    *x = _mm256_blend_ps(_mm256_blend_ps(SEG_P(a, 0, 3, 6, 0, 0, 0, 0, 0),
                                         SEG_P(b, 0, 0, 0, 1, 4, 7, 0, 0), 0x38),
                         SEG_P(c, 0, 0, 0, 0, 0, 0, 2, 5), 0xC0);
    *y = _mm256_blend_ps(_mm256_blend_ps(SEG_P(a, 1, 4, 7, 0, 0, 0, 0, 0),
                                         SEG_P(b, 0, 0, 0, 2, 5, 0, 0, 0), 0x18),
                         SEG_P(c, 0, 0, 0, 0, 0, 0, 3, 6), 0xE0);
    *z = _mm256_blend_ps(_mm256_blend_ps(SEG_P(a, 2, 5, 0, 0, 0, 0, 0, 0),
                                         SEG_P(b, 0, 0, 0, 3, 6, 0, 0, 0), 0x1C),
                         SEG_P(c, 0, 0, 0, 0, 0, 1, 4, 7), 0xE0);
}

static inline void seg__store8_f32x3(float *d, __m256 x, __m256 y, __m256 z)
{
    _mm256_storeu_ps(d, _mm256_blend_ps(_mm256_blend_ps(SEG_P(x, 0, 0, 0, 1, 0, 0, 2, 0),
                                                        SEG_P(y, 0, 0, 0, 0, 1, 0, 0, 2), 0x92),
                                        SEG_P(z, 0, 0, 0, 0, 0, 1, 0, 0), 0x24));
    _mm256_storeu_ps(d + 8, _mm256_blend_ps(_mm256_blend_ps(SEG_P(x, 0, 3, 0, 0, 4, 0, 0, 5),
                                                            SEG_P(y, 0, 0, 3, 0, 0, 4, 0, 0), 0x24),
                                            SEG_P(z, 2, 0, 0, 3, 0, 0, 4, 0), 0x49));
    _mm256_storeu_ps(d + 16, _mm256_blend_ps(_mm256_blend_ps(SEG_P(x, 0, 0, 6, 0, 0, 7, 0, 0),
                                                             SEG_P(y, 5, 0, 0, 6, 0, 0, 7, 0), 0x49),
                                             SEG_P(z, 0, 5, 0, 0, 6, 0, 0, 7), 0x92));
#undef SEG_P
}

/* 8 pixels of 3 or 4 floats -> three vectors. */
static inline void seg__load8_f32(const float *s, int scn, __m256 *x, __m256 *y, __m256 *z)
{
    if (scn == 3) {
        seg__load8_f32x3(s, x, y, z);
    } else {
        const __m256i idx = _mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28);
        *x = _mm256_i32gather_ps(s, idx, 4);
        *y = _mm256_i32gather_ps(s + 1, idx, 4);
        *z = _mm256_i32gather_ps(s + 2, idx, 4);
    }
}

#endif
