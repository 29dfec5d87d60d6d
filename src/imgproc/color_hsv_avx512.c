/* AVX-512 (F+BW) HSV kernels, 16 pixels a step; identical bytes to color_hsv.c. */
#include "color_internal.h"
#include "color_avx512.h"

typedef struct {
    const int *sdiv, *hdiv;
    __m512i half, hr, zero, v255;
} fwd_consts;

static inline __m512i hsv16(const fwd_consts *q, const uint8_t *s, int scn, int bidx)
{
    __m512i b, g, r;
    if (bidx)
        seg__load16_u8(s, scn, &r, &g, &b);
    else
        seg__load16_u8(s, scn, &b, &g, &r);
    __m512i v = _mm512_max_epi32(b, _mm512_max_epi32(g, r));
    __m512i vmin = _mm512_min_epi32(b, _mm512_min_epi32(g, r));
    __m512i diff = _mm512_sub_epi32(v, vmin);
    __mmask16 vr = _mm512_cmpeq_epi32_mask(v, r), vg = _mm512_cmpeq_epi32_mask(v, g);
    __m512i sd = _mm512_i32gather_epi32(v, q->sdiv, 4);
    __m512i hd = _mm512_i32gather_epi32(diff, q->hdiv, 4);
    /* diff, v < 2^8 and the tables < 2^21: the products fit, as in the plain code. */
    __m512i sat = _mm512_srai_epi32(_mm512_add_epi32(_mm512_mullo_epi32(diff, sd), q->half), 12);
    __m512i d2 = _mm512_add_epi32(diff, diff), d4 = _mm512_add_epi32(d2, d2);
    __m512i h = _mm512_add_epi32(_mm512_sub_epi32(r, g), d4);
    h = _mm512_mask_blend_epi32(vg, h, _mm512_add_epi32(_mm512_sub_epi32(b, r), d2));
    h = _mm512_mask_blend_epi32(vr, h, _mm512_sub_epi32(g, b));
    h = _mm512_srai_epi32(_mm512_add_epi32(_mm512_mullo_epi32(h, hd), q->half), 12);
    h = _mm512_mask_add_epi32(h, _mm512_cmplt_epi32_mask(h, q->zero), h, q->hr);
    h = _mm512_min_epi32(_mm512_max_epi32(h, q->zero), q->v255);
    return seg__pack48(_mm512_or_si512(h, _mm512_or_si512(_mm512_slli_epi32(sat, 8),
                                                           _mm512_slli_epi32(v, 16))));
}

void seg__cvt_hsv_from_u8_avx512(const void *src, void *dst, int n, const seg__cvt *c)
{
    const uint8_t *s = src;
    uint8_t *d = dst;
    int scn = c->scn, bidx = c->bidx, i = 0;
    fwd_consts q = {seg__hsv_sdiv(), seg__hsv_hdiv(c->hrange), _mm512_set1_epi32(1 << 11),
                    _mm512_set1_epi32(c->hrange), _mm512_setzero_si512(), _mm512_set1_epi32(255)};
    if (c->stream && n >= 128) {
        int head = seg__stream_head(d);
        seg__cvt_hsv_from_u8(s, d, head, c);
        i = head;
        s += (size_t)head * scn;
        d += (size_t)head * 3;
        for (; i + 64 <= n; i += 64, s += 64 * scn, d += 192)
            seg__stream192(d, hsv16(&q, s, scn, bidx), hsv16(&q, s + 16 * scn, scn, bidx),
                           hsv16(&q, s + 32 * scn, scn, bidx), hsv16(&q, s + 48 * scn, scn, bidx));
        _mm_sfence();
    }
    for (; i + 16 <= n; i += 16, s += 16 * scn, d += 48)
        _mm512_mask_storeu_epi8(d, SEG_M48, hsv16(&q, s, scn, bidx));
    seg__cvt_hsv_from_u8(s, d, n - i, c);
}

/* cv2's AVX2 HSV2RGB_b block formula (truncating) for 16 pixels; packed BGR (or RGB). */
static inline __m512i bgr16(const uint8_t *s, __m512 hscale, int bidx)
{
    const __m512 inv255 = _mm512_set1_ps(1.0f / 255.0f), one = _mm512_set1_ps(1.0f);
    const __m512 sixth = _mm512_set1_ps(1.0f / 6.0f), f255 = _mm512_set1_ps(255.0f);
    const __m512 k2 = _mm512_set1_ps(2.0f), k3 = _mm512_set1_ps(3.0f);
    const __m512 k4 = _mm512_set1_ps(4.0f), k6 = _mm512_set1_ps(6.0f);
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
    __m512 sec = _mm512_roundscale_ps(_mm512_mul_ps(pre, sixth), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    sec = _mm512_sub_ps(pre, _mm512_mul_ps(sec, k6));
    __mmask16 lt1 = _mm512_cmp_ps_mask(sec, one, _CMP_LT_OQ);
    __mmask16 lt2 = _mm512_cmp_ps_mask(sec, k2, _CMP_LT_OQ);
    __mmask16 eq1 = _mm512_cmp_ps_mask(sec, one, _CMP_EQ_OQ);
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
    if (bidx) {
        __m512i tmp = bi;
        bi = ri;
        ri = tmp;
    }
    return seg__pack48(_mm512_or_si512(bi, _mm512_or_si512(_mm512_slli_epi32(gi, 8),
                                                           _mm512_slli_epi32(ri, 16))));
}

void seg__cvt_hsv_to_u8_avx512(const void *src, void *dst, int n, const seg__cvt *c)
{
    const uint8_t *s = src;
    uint8_t *d = dst;
    int nsimd = n / 32 * 32, i = 0, bidx = c->bidx;
    const __m512 hscale = _mm512_set1_ps(6.0f / (float)c->hrange);
    if (c->dcn == 3) {
        if (c->stream && nsimd >= 128) {
            int head = seg__stream_head(d);
            seg__cvt_hsv_to_u8_trunc(s, d, head, c);
            i = head;
            s += (size_t)head * 3;
            d += (size_t)head * 3;
            for (; i + 64 <= nsimd; i += 64, s += 192, d += 192)
                seg__stream192(d, bgr16(s, hscale, bidx), bgr16(s + 48, hscale, bidx),
                               bgr16(s + 96, hscale, bidx), bgr16(s + 144, hscale, bidx));
            _mm_sfence();
        }
        for (; i + 16 <= nsimd; i += 16, s += 48, d += 48)
            _mm512_mask_storeu_epi8(d, SEG_M48, bgr16(s, hscale, bidx));
    }
    seg__cvt_hsv_to_u8_trunc(s, d, nsimd - i, c);
    seg__cvt_hsv_to_u8_native(s + (size_t)(nsimd - i) * 3, d + (size_t)(nsimd - i) * c->dcn,
                              n - nsimd, c);
}
