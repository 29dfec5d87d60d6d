/* AVX-512 (F+BW) u8 channel reordering: 16 pixels a step; same bytes as the plain kernel. */
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
