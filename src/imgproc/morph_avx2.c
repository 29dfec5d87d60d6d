/* AVX2 n-way element-wise min/max for the morphology kernels (four 32-byte vectors a step,
 * every source folded in registers, one store); the plain versions in morph.c are the
 * oracle (tests/c/test_morph.c and tests/python/test_morph.py compare them). */
#include "morph_internal.h"

#include <immintrin.h>

#define SMIN(p, q) ((p) < (q) ? (p) : (q))
#define SMAX(p, q) ((p) > (q) ? (p) : (q))

#define DEFINE_AVX2(NAME, T, VT, LOAD, STORE, VOP, SOP)                             \
    static void NAME(void *dst, const void *const *src, int ns, size_t n)           \
    {                                                                               \
        const size_t lanes = 32 / sizeof(T);                                        \
        T *d = dst;                                                                 \
        const T *s0 = src[0];                                                       \
        size_t i = 0;                                                               \
        for (; i + 4 * lanes <= n; i += 4 * lanes) {                                \
            VT v0 = LOAD(s0 + i), v1 = LOAD(s0 + i + lanes);                        \
            VT v2 = LOAD(s0 + i + 2 * lanes), v3 = LOAD(s0 + i + 3 * lanes);        \
            for (int k = 1; k < ns; k++) {                                          \
                const T *sk = (const T *)src[k] + i;                                \
                v0 = VOP(v0, LOAD(sk));                                             \
                v1 = VOP(v1, LOAD(sk + lanes));                                     \
                v2 = VOP(v2, LOAD(sk + 2 * lanes));                                 \
                v3 = VOP(v3, LOAD(sk + 3 * lanes));                                 \
            }                                                                       \
            STORE(d + i, v0);                                                       \
            STORE(d + i + lanes, v1);                                               \
            STORE(d + i + 2 * lanes, v2);                                           \
            STORE(d + i + 3 * lanes, v3);                                           \
        }                                                                           \
        for (; i + lanes <= n; i += lanes) {                                        \
            VT v0 = LOAD(s0 + i);                                                   \
            for (int k = 1; k < ns; k++)                                            \
                v0 = VOP(v0, LOAD((const T *)src[k] + i));                          \
            STORE(d + i, v0);                                                       \
        }                                                                           \
        for (; i < n; i++) {                                                        \
            T v = s0[i];                                                            \
            for (int k = 1; k < ns; k++)                                            \
                v = SOP(v, ((const T *)src[k])[i]);                                 \
            d[i] = v;                                                               \
        }                                                                           \
    }

#define LOADI(p) _mm256_loadu_si256((const __m256i *)(p))
#define STOREI(p, v) _mm256_storeu_si256((__m256i *)(p), v)

DEFINE_AVX2(min_u8, uint8_t, __m256i, LOADI, STOREI, _mm256_min_epu8, SMIN)
DEFINE_AVX2(max_u8, uint8_t, __m256i, LOADI, STOREI, _mm256_max_epu8, SMAX)
DEFINE_AVX2(min_u16, uint16_t, __m256i, LOADI, STOREI, _mm256_min_epu16, SMIN)
DEFINE_AVX2(max_u16, uint16_t, __m256i, LOADI, STOREI, _mm256_max_epu16, SMAX)
/* minps/maxps return the second operand when either is NaN: a < b ? a : b, as SMIN */
DEFINE_AVX2(min_f32, float, __m256, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_min_ps, SMIN)
DEFINE_AVX2(max_f32, float, __m256, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_max_ps, SMAX)

seg__minmax_fn seg__morph_minmax_avx2(seg_type type, int is_max)
{
    switch (type) {
    case SEG_U8: return is_max ? max_u8 : min_u8;
    case SEG_U16: return is_max ? max_u16 : min_u16;
    case SEG_F32: return is_max ? max_f32 : min_f32;
    default: return NULL;
    }
}
