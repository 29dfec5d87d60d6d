/* The u8 box filter's kernels compiled with AVX2: box_impl.h's loops (integer, or float
 * with no contraction, so the vectorised code gives exactly the plain results) and a
 * row pass that keeps the 16 running column sums in a register. */
#include "box_impl.h"

#include <immintrin.h>

void seg__box_h_u8_16_avx2(const seg__sep *f, const void *srow, void *hrow)
{
    const uint8_t *s = srow;
    uint16_t *h = hrow;
    int cn = f->cn, kw = f->kw;
    box_h_u8_16_edges(f, s, h);
    int e = f->x0 * cn, e1 = f->x1 * cn;
    const uint8_t *p = s - f->rx * cn;
    for (; e + 32 <= e1; e += 32) {
        __m256i a0 = _mm256_setzero_si256(), a1 = a0;
        const uint8_t *q = p + e;
        for (int i = 0; i < kw; i++, q += cn) {
            a0 = _mm256_add_epi16(a0, _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)q)));
            a1 = _mm256_add_epi16(a1,
                                  _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(q + 16))));
        }
        _mm256_storeu_si256((__m256i *)(h + e), a0);
        _mm256_storeu_si256((__m256i *)(h + e + 16), a1);
    }
    for (; e < e1; e++) {
        unsigned acc = 0;
        for (int i = 0; i < kw; i++)
            acc += p[e + i * cn];
        h[e] = (uint16_t)acc;
    }
}

void seg__box_v_u8_16_avx2(const seg__sep *f, const void *const *rows, const void *departed,
                           void *state, void *drow)
{
    box_v_u8_16(f, rows, departed, state, drow);
}

void seg__box_v_u8_32_avx2(const seg__sep *f, const void *const *rows, const void *departed,
                           void *state, void *drow)
{
    box_v_u8_32(f, rows, departed, state, drow);
}
