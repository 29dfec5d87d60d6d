/* AVX-512 (F+BW) u8 channel reordering and u16 gray, 16 pixels a step; same bytes as the
 * plain kernels. */
#include "color_internal.h"
#include "color_avx512.h"

void seg__cvt_reorder_u8_avx512(const void *src, void *dst, int n, const seg__cvt *c)
{
    const uint8_t *s = src;
    uint8_t *d = dst;
    int scn = c->scn, dcn = c->dcn, i = 0;
    const int perm[4] = {c->bidx, 1, c->bidx ^ 2, 3};
    /* Work on one dword per pixel: [c0 c1 c2 alpha] after this per-lane shuffle. */
    int8_t m[16];
    for (int px = 0; px < 4; px++)
        for (int k = 0; k < 4; k++)
            m[px * 4 + k] = (int8_t)(k < 3 || scn == 4 ? px * 4 + perm[k] : -1);
    const __m512i mask = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)m));
    const __m512i alpha = scn == 3 ? _mm512_set1_epi32((int)0xff000000u) : _mm512_setzero_si512();
    for (; i + 16 <= n; i += 16, s += 16 * scn, d += 16 * dcn) {
        __m512i v = scn == 3 ? seg__load16_u8x3(s) : _mm512_loadu_si512((const void *)s);
        v = _mm512_shuffle_epi8(v, mask);
        if (dcn == 3) {
            seg__store16_u8x3_packed(d, v);
        } else {
            _mm512_storeu_si512((void *)d, _mm512_or_si512(v, alpha));
        }
    }
    seg__cvt_reorder_u8(s, d, n - i, c);
}

/* u16 gray, 16 pixels a step: vpermi2w picks each channel's 16 words out of the 48 (or
 * 64) loaded, then 32-bit products with the 15-bit coefficients, as the plain kernel. */
void seg__cvt_gray_from_u16_avx512(const void *src, void *dst, int n, const seg__cvt *c)
{
    const uint16_t *s = src;
    uint16_t *d = dst;
    int scn = c->scn, i = 0;
    const uint32_t c0 = c->bidx ? 9798 : 3735, c2 = c->bidx ? 3735 : 9798;
    const __m512i k0 = _mm512_set1_epi32((int)c0), k1 = _mm512_set1_epi32(19235);
    const __m512i k2 = _mm512_set1_epi32((int)c2), half = _mm512_set1_epi32(1 << 14);
    uint16_t ix[3][32];
    for (int k = 0; k < 3; k++)
        for (int j = 0; j < 32; j++)
            ix[k][j] = (uint16_t)(j < 16 ? j * scn + k : 0);
    const __m512i i0 = _mm512_loadu_si512((const void *)ix[0]);
    const __m512i i1 = _mm512_loadu_si512((const void *)ix[1]);
    const __m512i i2 = _mm512_loadu_si512((const void *)ix[2]);
    const __mmask32 hi_mask = scn == 3 ? 0xffffu : 0xffffffffu;
    for (; i + 16 <= n; i += 16, s += 16 * scn, d += 16) {
        __m512i lo = _mm512_loadu_si512((const void *)s);
        __m512i hi = _mm512_maskz_loadu_epi16(hi_mask, s + 32);
        __m512i x = _mm512_cvtepu16_epi32(_mm512_castsi512_si256(_mm512_permutex2var_epi16(lo, i0, hi)));
        __m512i y = _mm512_cvtepu16_epi32(_mm512_castsi512_si256(_mm512_permutex2var_epi16(lo, i1, hi)));
        __m512i z = _mm512_cvtepu16_epi32(_mm512_castsi512_si256(_mm512_permutex2var_epi16(lo, i2, hi)));
        __m512i g = _mm512_add_epi32(_mm512_add_epi32(_mm512_mullo_epi32(x, k0), _mm512_mullo_epi32(y, k1)),
                                     _mm512_add_epi32(_mm512_mullo_epi32(z, k2), half));
        _mm256_storeu_si256((__m256i *)d, _mm512_cvtepi32_epi16(_mm512_srli_epi32(g, 15)));
    }
    seg__cvt_gray_from_u16_avx2(s, d, n - i, c);
}
