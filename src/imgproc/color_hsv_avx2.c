/* AVX2 HSV kernels, 8 pixels a step; identical bytes to color_hsv.c's plain kernels. */
#include "color_internal.h"
#include "color_avx2.h"

#include <float.h>

void seg__cvt_hsv_from_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    const uint8_t *s = src;
    uint8_t *d = dst;
    const int *sdiv = seg__hsv_sdiv(), *hdiv = seg__hsv_hdiv(c->hrange);
    int scn = c->scn, i = 0;
    const __m256i half = _mm256_set1_epi32(1 << 11), h180 = _mm256_set1_epi32(c->hrange);
    const __m256i zero = _mm256_setzero_si256();
    for (; i + 10 <= n; i += 8, s += 8 * scn, d += 24) {
        __m256i b, g, r;
        if (c->bidx)
            seg__load8_u8(s, scn, &r, &g, &b);
        else
            seg__load8_u8(s, scn, &b, &g, &r);
        __m256i v = _mm256_max_epi32(b, _mm256_max_epi32(g, r));
        __m256i vmin = _mm256_min_epi32(b, _mm256_min_epi32(g, r));
        __m256i diff = _mm256_sub_epi32(v, vmin);
        __m256i vr = _mm256_cmpeq_epi32(v, r), vg = _mm256_cmpeq_epi32(v, g);
        __m256i sd = _mm256_i32gather_epi32(sdiv, v, 4);
        __m256i hd = _mm256_i32gather_epi32(hdiv, diff, 4);
        __m256i sat = _mm256_srai_epi32(_mm256_add_epi32(_mm256_mullo_epi32(diff, sd), half), 12);
        __m256i d2 = _mm256_add_epi32(diff, diff), d4 = _mm256_add_epi32(d2, d2);
        __m256i hg = _mm256_add_epi32(_mm256_sub_epi32(b, r), d2);
        __m256i hb = _mm256_add_epi32(_mm256_sub_epi32(r, g), d4);
        __m256i h = _mm256_blendv_epi8(_mm256_blendv_epi8(hb, hg, vg), _mm256_sub_epi32(g, b), vr);
        h = _mm256_srai_epi32(_mm256_add_epi32(_mm256_mullo_epi32(h, hd), half), 12);
        h = _mm256_add_epi32(h, _mm256_and_si256(_mm256_cmpgt_epi32(zero, h), h180));
        h = _mm256_min_epi32(_mm256_max_epi32(h, zero), _mm256_set1_epi32(255));
        seg__store8_u8x3(d, h, sat, v);
    }
    seg__cvt_hsv_from_u8(s, d, n - i, c);
}

void seg__cvt_hsv_to_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    const uint8_t *s = src;
    uint8_t *d = dst;
    int nsimd = n / 32 * 32, i = 0;
    const __m256 hscale = _mm256_set1_ps(6.0f / (float)c->hrange), inv255 = _mm256_set1_ps(1.0f / 255.0f);
    const __m256 one = _mm256_set1_ps(1.0f), sixth = _mm256_set1_ps(1.0f / 6.0f);
    const __m256 f255 = _mm256_set1_ps(255.0f);
    const __m256 k1 = _mm256_set1_ps(1.0f), k2 = _mm256_set1_ps(2.0f), k3 = _mm256_set1_ps(3.0f);
    const __m256 k4 = _mm256_set1_ps(4.0f), k6 = _mm256_set1_ps(6.0f);
    if (c->dcn == 3) {
        for (; i + 8 <= nsimd && i + 10 <= n; i += 8, s += 24, d += 24) {
            __m256i hi, si, vi;
            seg__load8_u8(s, 3, &hi, &si, &vi);
            __m256 h = _mm256_mul_ps(_mm256_cvtepi32_ps(hi), hscale);
            __m256 sat = _mm256_mul_ps(_mm256_cvtepi32_ps(si), inv255);
            __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(vi), inv255);
            __m256 pre = _mm256_round_ps(h, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
            h = _mm256_sub_ps(h, pre);
            __m256 t0 = v;
            __m256 t1 = _mm256_mul_ps(v, _mm256_sub_ps(one, sat));
            __m256 t2 = _mm256_mul_ps(v, _mm256_fnmadd_ps(sat, h, one));
            __m256 t3 = _mm256_mul_ps(v, _mm256_fnmadd_ps(sat, _mm256_sub_ps(one, h), one));
            __m256 sec = _mm256_round_ps(_mm256_mul_ps(pre, sixth),
                                         _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
            sec = _mm256_sub_ps(pre, _mm256_mul_ps(sec, k6));
            __m256 lt1 = _mm256_cmp_ps(sec, k1, _CMP_LT_OQ), lt2 = _mm256_cmp_ps(sec, k2, _CMP_LT_OQ);
            __m256 eq1 = _mm256_cmp_ps(sec, k1, _CMP_EQ_OQ), eq2 = _mm256_cmp_ps(sec, k2, _CMP_EQ_OQ);
            __m256 eq3 = _mm256_cmp_ps(sec, k3, _CMP_EQ_OQ), eq4 = _mm256_cmp_ps(sec, k4, _CMP_EQ_OQ);
            __m256 gt4 = _mm256_cmp_ps(sec, k4, _CMP_GT_OQ);
            /* b: <2 t1, 2 t3, 3|4 t0, >4 t2 */
            __m256 b = _mm256_blendv_ps(t0, t2, gt4);
            b = _mm256_blendv_ps(b, t3, eq2);
            b = _mm256_blendv_ps(b, t1, lt2);
            /* g: <1 t3, 1|2 t0, 3 t2, >3 t1 */
            __m256 g = _mm256_blendv_ps(t1, t2, eq3);
            g = _mm256_blendv_ps(g, t0, _mm256_or_ps(eq1, eq2));
            g = _mm256_blendv_ps(g, t3, lt1);
            /* r: <1 t0, 1 t2, 2|3 t1, 4 t3, >4 t0 */
            __m256 r = _mm256_blendv_ps(t0, t3, eq4);
            r = _mm256_blendv_ps(r, t1, _mm256_or_ps(eq2, eq3));
            r = _mm256_blendv_ps(r, t2, eq1);
            __m256i bi = _mm256_cvttps_epi32(_mm256_mul_ps(b, f255));
            __m256i gi = _mm256_cvttps_epi32(_mm256_mul_ps(g, f255));
            __m256i ri = _mm256_cvttps_epi32(_mm256_mul_ps(r, f255));
            if (c->bidx)
                seg__store8_u8x3(d, ri, gi, bi);
            else
                seg__store8_u8x3(d, bi, gi, ri);
        }
    }
    int dcn = c->dcn;
    seg__cvt_hsv_to_u8_trunc(s, d, nsimd - i, c);
    seg__cvt_hsv_to_u8_native(s + (size_t)(nsimd - i) * 3, d + (size_t)(nsimd - i) * dcn,
                              n - nsimd, c);
}

void seg__cvt_hsv_from_f32_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    const float *s = src;
    float *d = dst;
    int scn = c->scn, i = 0;
    const __m256 eps = _mm256_set1_ps(FLT_EPSILON), k60 = _mm256_set1_ps(60.0f);
    const __m256 k360 = _mm256_set1_ps(360.0f), k120 = _mm256_set1_ps(120.0f);
    const __m256 k240 = _mm256_set1_ps(240.0f);
    const __m256 absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    for (; i + 8 <= n; i += 8, s += 8 * scn, d += 24) {
        __m256 b, g, r;
        if (c->bidx)
            seg__load8_f32(s, scn, &r, &g, &b);
        else
            seg__load8_f32(s, scn, &b, &g, &r);
        /* max_ps(a, b) = a > b ? a : b, exactly the plain kernel's mx(). */
        __m256 vmax = _mm256_max_ps(_mm256_max_ps(r, g), b);
        __m256 vmin = _mm256_min_ps(_mm256_min_ps(r, g), b);
        __m256 diff = _mm256_sub_ps(vmax, vmin);
        __m256 sat = _mm256_div_ps(diff, _mm256_add_ps(_mm256_and_ps(vmax, absmask), eps));
        __m256 isr = _mm256_cmp_ps(r, vmax, _CMP_EQ_OQ), isg = _mm256_cmp_ps(g, vmax, _CMP_EQ_OQ);
        __m256 h = _mm256_blendv_ps(_mm256_blendv_ps(_mm256_sub_ps(r, g), _mm256_sub_ps(b, r), isg),
                                    _mm256_sub_ps(g, b), isr);
        __m256 res = _mm256_blendv_ps(_mm256_blendv_ps(k240, k120, isg),
                                      _mm256_and_ps(_mm256_cmp_ps(g, b, _CMP_LT_OQ), k360), isr);
        __m256 rev = _mm256_div_ps(k60, _mm256_add_ps(diff, eps));
        h = _mm256_fmadd_ps(h, rev, res);
        seg__store8_f32x3(d, h, sat, vmax);
    }
    seg__cvt_hsv_from_f32_tail(s, d, n - i, c);
}

void seg__cvt_hsv_to_f32_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    const float *s = src;
    float *d = dst;
    int nsimd = n / 8 * 8, i = 0;
    const __m256 hscale = _mm256_set1_ps(6.0f / 360.0f);
    const __m256 one = _mm256_set1_ps(1.0f), sixth = _mm256_set1_ps(1.0f / 6.0f);
    const __m256 k1 = one, k2 = _mm256_set1_ps(2.0f), k3 = _mm256_set1_ps(3.0f);
    const __m256 k4 = _mm256_set1_ps(4.0f), k6 = _mm256_set1_ps(6.0f);
    if (c->dcn == 3) {
        for (; i < nsimd; i += 8, s += 24, d += 24) {
            __m256 h, sat, v;
            seg__load8_f32x3(s, &h, &sat, &v);
            h = _mm256_mul_ps(h, hscale);
            __m256 pre = _mm256_round_ps(h, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
            h = _mm256_sub_ps(h, pre);
            __m256 t0 = v;
            __m256 t1 = _mm256_mul_ps(v, _mm256_sub_ps(one, sat));
            __m256 t2 = _mm256_mul_ps(v, _mm256_fnmadd_ps(sat, h, one));
            __m256 t3 = _mm256_mul_ps(v, _mm256_fnmadd_ps(sat, _mm256_sub_ps(one, h), one));
            __m256 sec = _mm256_round_ps(_mm256_mul_ps(pre, sixth),
                                         _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
            sec = _mm256_sub_ps(pre, _mm256_mul_ps(sec, k6));
            __m256 lt1 = _mm256_cmp_ps(sec, k1, _CMP_LT_OQ), lt2 = _mm256_cmp_ps(sec, k2, _CMP_LT_OQ);
            __m256 eq1 = _mm256_cmp_ps(sec, k1, _CMP_EQ_OQ), eq2 = _mm256_cmp_ps(sec, k2, _CMP_EQ_OQ);
            __m256 eq3 = _mm256_cmp_ps(sec, k3, _CMP_EQ_OQ), eq4 = _mm256_cmp_ps(sec, k4, _CMP_EQ_OQ);
            __m256 gt4 = _mm256_cmp_ps(sec, k4, _CMP_GT_OQ);
            __m256 b = _mm256_blendv_ps(_mm256_blendv_ps(_mm256_blendv_ps(t0, t2, gt4), t3, eq2),
                                        t1, lt2);
            __m256 g = _mm256_blendv_ps(_mm256_blendv_ps(_mm256_blendv_ps(t1, t2, eq3), t0,
                                                         _mm256_or_ps(eq1, eq2)), t3, lt1);
            __m256 r = _mm256_blendv_ps(_mm256_blendv_ps(_mm256_blendv_ps(t0, t3, eq4), t1,
                                                         _mm256_or_ps(eq2, eq3)), t2, eq1);
            if (c->bidx)
                seg__store8_f32x3(d, r, g, b);
            else
                seg__store8_f32x3(d, b, g, r);
        }
        seg__cvt_hsv_to_f32_native(s, d, n - nsimd, c);
        return;
    }
    seg__cvt_hsv_to_f32(src, dst, n, c);
}
