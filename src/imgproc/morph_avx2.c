/* AVX2 element-wise min/max for the morphology kernels (32 bytes a step); the plain
 * versions in morph.c are the oracle (tests/c/test_morph.c compares them). */
#include "morph_internal.h"

#include <immintrin.h>

#define DEFINE_AVX2(NAME, T, LANES, VOP, SOP)                                              \
    static void NAME(void *dst, const void *a, const void *b, size_t n)                    \
    {                                                                                      \
        T *d = dst;                                                                        \
        const T *x = a, *y = b;                                                            \
        size_t i = 0;                                                                      \
        for (; i + 4 * LANES <= n; i += 4 * LANES) {                                       \
            for (int k = 0; k < 4; k++) {                                                  \
                __m256i va = _mm256_loadu_si256((const __m256i *)(x + i + k * LANES));     \
                __m256i vb = _mm256_loadu_si256((const __m256i *)(y + i + k * LANES));     \
                _mm256_storeu_si256((__m256i *)(d + i + k * LANES), VOP(va, vb));          \
            }                                                                              \
        }                                                                                  \
        for (; i + LANES <= n; i += LANES) {                                               \
            __m256i va = _mm256_loadu_si256((const __m256i *)(x + i));                     \
            __m256i vb = _mm256_loadu_si256((const __m256i *)(y + i));                     \
            _mm256_storeu_si256((__m256i *)(d + i), VOP(va, vb));                          \
        }                                                                                  \
        for (; i < n; i++)                                                                 \
            d[i] = SOP(x[i], y[i]);                                                        \
    }

#define SMIN(p, q) ((p) < (q) ? (p) : (q))
#define SMAX(p, q) ((p) > (q) ? (p) : (q))

DEFINE_AVX2(min_u8, uint8_t, 32, _mm256_min_epu8, SMIN)
DEFINE_AVX2(max_u8, uint8_t, 32, _mm256_max_epu8, SMAX)
DEFINE_AVX2(min_u16, uint16_t, 16, _mm256_min_epu16, SMIN)
DEFINE_AVX2(max_u16, uint16_t, 16, _mm256_max_epu16, SMAX)

/* minps/maxps return the second operand when either is NaN: a < b ? a : b. */
static void min_f32(void *dst, const void *a, const void *b, size_t n)
{
    float *d = dst;
    const float *x = a, *y = b;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(d + i, _mm256_min_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; i++)
        d[i] = x[i] < y[i] ? x[i] : y[i];
}

static void max_f32(void *dst, const void *a, const void *b, size_t n)
{
    float *d = dst;
    const float *x = a, *y = b;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(d + i, _mm256_max_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; i++)
        d[i] = x[i] > y[i] ? x[i] : y[i];
}

seg__minmax_fn seg__morph_minmax_avx2(seg_type type, int is_max)
{
    switch (type) {
    case SEG_U8: return is_max ? max_u8 : min_u8;
    case SEG_U16: return is_max ? max_u16 : min_u16;
    case SEG_F32: return is_max ? max_f32 : min_f32;
    default: return NULL;
    }
}
