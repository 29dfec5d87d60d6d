/* AVX-512 (F+BW) HSV kernels, 16 pixels a step; identical bytes to color_hsv.c. */
#include "color_internal.h"
#include "color_avx512.h"

void seg__cvt_hsv_from_u8_avx512(const void *src, void *dst, int n, const seg__cvt *c)
{
    const uint8_t *s = src;
    uint8_t *d = dst;
    const int *sdiv = seg__hsv_sdiv(), *hdiv = seg__hsv_hdiv(c->hrange);
    int scn = c->scn, i = 0;
    const __m512i half = _mm512_set1_epi32(1 << 11), h180 = _mm512_set1_epi32(c->hrange);
    const __m512i zero = _mm512_setzero_si512(), v255 = _mm512_set1_epi32(255);
    for (; i + 16 <= n; i += 16, s += 16 * scn, d += 48) {
        __m512i b, g, r;
        if (c->bidx)
            seg__load16_u8(s, scn, &r, &g, &b);
        else
            seg__load16_u8(s, scn, &b, &g, &r);
        __m512i v = _mm512_max_epi32(b, _mm512_max_epi32(g, r));
        __m512i vmin = _mm512_min_epi32(b, _mm512_min_epi32(g, r));
        __m512i diff = _mm512_sub_epi32(v, vmin);
        __mmask16 vr = _mm512_cmpeq_epi32_mask(v, r), vg = _mm512_cmpeq_epi32_mask(v, g);
        __m512i sd = _mm512_i32gather_epi32(v, sdiv, 4);
        __m512i hd = _mm512_i32gather_epi32(diff, hdiv, 4);
        /* diff, v < 2^15 and the tables < 2^21: diff*sd fits, as in the plain code. */
        __m512i sat = _mm512_srai_epi32(_mm512_add_epi32(_mm512_mullo_epi32(diff, sd), half), 12);
        __m512i d2 = _mm512_add_epi32(diff, diff), d4 = _mm512_add_epi32(d2, d2);
        __m512i h = _mm512_add_epi32(_mm512_sub_epi32(r, g), d4);
        h = _mm512_mask_blend_epi32(vg, h, _mm512_add_epi32(_mm512_sub_epi32(b, r), d2));
        h = _mm512_mask_blend_epi32(vr, h, _mm512_sub_epi32(g, b));
        h = _mm512_srai_epi32(_mm512_add_epi32(_mm512_mullo_epi32(h, hd), half), 12);
        h = _mm512_mask_add_epi32(h, _mm512_cmplt_epi32_mask(h, zero), h, h180);
        h = _mm512_min_epi32(_mm512_max_epi32(h, zero), v255);
        seg__store16_u8x3(d, h, sat, v);
    }
    seg__cvt_hsv_from_u8(s, d, n - i, c);
}

void seg__cvt_hsv_to_u8_avx512(const void *src, void *dst, int n, const seg__cvt *c)
{
    const uint8_t *s = src;
    uint8_t *d = dst;
    int nsimd = n / 32 * 32, i = 0;
    const __m512 hscale = _mm512_set1_ps(6.0f / (float)c->hrange), inv255 = _mm512_set1_ps(1.0f / 255.0f);
    const __m512 one = _mm512_set1_ps(1.0f), sixth = _mm512_set1_ps(1.0f / 6.0f);
    const __m512 f255 = _mm512_set1_ps(255.0f), k6 = _mm512_set1_ps(6.0f);
    const __m512 k1 = one, k2 = _mm512_set1_ps(2.0f), k3 = _mm512_set1_ps(3.0f);
    const __m512 k4 = _mm512_set1_ps(4.0f);
    if (c->dcn == 3) {
        for (; i + 16 <= nsimd; i += 16, s += 48, d += 48) {
            __m512i hi, si, vi;
            seg__load16_u8(s, 3, &hi, &si, &vi);
            __m512 h = _mm512_mul_ps(_mm512_cvtepi32_ps(hi), hscale);
            __m512 sat = _mm512_mul_ps(_mm512_cvtepi32_ps(si), inv255);
            __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(vi), inv255);
            __m512 pre = _mm512_roundscale_ps(h, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
            h = _mm512_sub_ps(h, pre);
            __m512 t0 = v;
            __m512 t1 = _mm512_mul_ps(v, _mm512_sub_ps(one, sat));
            __m512 t2 = _mm512_mul_ps(v, _mm512_fnmadd_ps(sat, h, one));
            __m512 t3 = _mm512_mul_ps(v, _mm512_fnmadd_ps(sat, _mm512_sub_ps(one, h), one));
            __m512 sec = _mm512_roundscale_ps(_mm512_mul_ps(pre, sixth),
                                              _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
            sec = _mm512_sub_ps(pre, _mm512_mul_ps(sec, k6));
            __mmask16 lt1 = _mm512_cmp_ps_mask(sec, k1, _CMP_LT_OQ);
            __mmask16 lt2 = _mm512_cmp_ps_mask(sec, k2, _CMP_LT_OQ);
            __mmask16 eq1 = _mm512_cmp_ps_mask(sec, k1, _CMP_EQ_OQ);
            __mmask16 eq2 = _mm512_cmp_ps_mask(sec, k2, _CMP_EQ_OQ);
            __mmask16 eq3 = _mm512_cmp_ps_mask(sec, k3, _CMP_EQ_OQ);
            __mmask16 eq4 = _mm512_cmp_ps_mask(sec, k4, _CMP_EQ_OQ);
            __mmask16 gt4 = _mm512_cmp_ps_mask(sec, k4, _CMP_GT_OQ);
            __m512 b = _mm512_mask_blend_ps(gt4, t0, t2);
            b = _mm512_mask_blend_ps(eq2, b, t3);
            b = _mm512_mask_blend_ps(lt2, b, t1);
            __m512 g = _mm512_mask_blend_ps(eq3, t1, t2);
            g = _mm512_mask_blend_ps(eq1 | eq2, g, t0);
            g = _mm512_mask_blend_ps(lt1, g, t3);
            __m512 r = _mm512_mask_blend_ps(eq4, t0, t3);
            r = _mm512_mask_blend_ps(eq2 | eq3, r, t1);
            r = _mm512_mask_blend_ps(eq1, r, t2);
            __m512i bi = _mm512_cvttps_epi32(_mm512_mul_ps(b, f255));
            __m512i gi = _mm512_cvttps_epi32(_mm512_mul_ps(g, f255));
            __m512i ri = _mm512_cvttps_epi32(_mm512_mul_ps(r, f255));
            if (c->bidx)
                seg__store16_u8x3(d, ri, gi, bi);
            else
                seg__store16_u8x3(d, bi, gi, ri);
        }
    }
    seg__cvt_hsv_to_u8_trunc(s, d, nsimd - i, c);
    seg__cvt_hsv_to_u8_native(s + (size_t)(nsimd - i) * 3, d + (size_t)(nsimd - i) * c->dcn,
                              n - nsimd, c);
}
