/* BGR/RGB <-> HSV with OpenCV 4.6's arithmetic (modules/imgproc/src/color_hsv.simd.hpp).
 *
 * u8 forward: H in 0..180 through the integer tables sdiv = round(255*2^12 / v) and
 * hdiv = round(180*2^12 / (6 diff)), exact.
 * u8 backward: OpenCV converts to float (s, v / 255, h * 6/180) and back. Its AVX2 code
 * path truncates the final b*255 while its scalar tail rounds, so cv2's result depends
 * on the pixel's position in the row: the first floor(width/32)*32 pixels of each row
 * are truncated, the rest rounded. This kernel reproduces that split exactly (cv2 4.6 on
 * an AVX2 CPU, the dispatch cv2 picks on any x86-64 made since 2013).
 * f32: H in degrees 0..360, S and V in 0..1, cv2's float formulas. */
#include "color_internal.h"

#include <float.h>
#include <math.h>
#include <pthread.h>

#ifdef __clang__
#pragma clang fp contract(off)
#endif

static int g_sdiv[256], g_hdiv[256], g_hdiv256[256];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void build_hsv_tables(void)
{
    g_sdiv[0] = g_hdiv[0] = g_hdiv256[0] = 0;
    for (int i = 1; i < 256; i++) {
        g_sdiv[i] = (int)nearbyint((255 << 12) / (1.0 * i));
        g_hdiv[i] = (int)nearbyint((180 << 12) / (6.0 * i));
        g_hdiv256[i] = (int)nearbyint((256 << 12) / (6.0 * i));
    }
}

const int *seg__hsv_sdiv(void)
{
    pthread_once(&g_once, build_hsv_tables);
    return g_sdiv;
}

const int *seg__hsv_hdiv(int hrange)
{
    pthread_once(&g_once, build_hsv_tables);
    return hrange == 256 ? g_hdiv256 : g_hdiv;
}

void seg__cvt_hsv_from_u8(const void *src, void *dst, int n, const seg__cvt *c)
{
    const int *hdiv = seg__hsv_hdiv(c->hrange);
    const uint8_t *s = src;
    uint8_t *d = dst;
    int scn = c->scn, bidx = c->bidx;
    for (int i = 0; i < n; i++, s += scn, d += 3) {
        int b = s[bidx], g = s[1], r = s[bidx ^ 2];
        int v = SEG_MAX(b, SEG_MAX(g, r));
        int vmin = SEG_MIN(b, SEG_MIN(g, r));
        int diff = v - vmin;
        int vr = v == r ? -1 : 0, vg = v == g ? -1 : 0;
        int sat = (diff * g_sdiv[v] + (1 << 11)) >> 12;
        int h = (vr & (g - b)) + (~vr & ((vg & (b - r + 2 * diff)) + (~vg & (r - g + 4 * diff))));
        h = (h * hdiv[diff] + (1 << 11)) >> 12;
        h += h < 0 ? c->hrange : 0;
        d[0] = (uint8_t)SEG_MIN(SEG_MAX(h, 0), 255);
        d[1] = (uint8_t)sat;
        d[2] = (uint8_t)v;
    }
}

/* max/min as the SIMD instructions define them, so plain and SIMD agree on signed zeros. */
static float mx(float a, float b) { return a > b ? a : b; }
static float mn(float a, float b) { return a < b ? a : b; }

void seg__cvt_hsv_from_f32_tail(const float *s, float *d, int count, const seg__cvt *c)
{
    int scn = c->scn, bidx = c->bidx;
    for (int i = 0; i < count; i++, s += scn, d += 3) {
        float b = s[bidx], g = s[1], r = s[bidx ^ 2];
        float v = r, vmin = r;
        if (v < g) v = g;
        if (v < b) v = b;
        if (vmin > g) vmin = g;
        if (vmin > b) vmin = b;
        float diff = v - vmin;
        float sat = diff / (fabsf(v) + FLT_EPSILON);
        float rev = (float)(60.0 / (double)(diff + FLT_EPSILON));
        float h;
        if (v == r)
            h = (g - b) * rev;
        else if (v == g)
            h = fmaf(b - r, rev, 120.0f); /* contracted in cv2's AVX2 build */
        else
            h = fmaf(r - g, rev, 240.0f);
        if (h < 0)
            h += 360.0f;
        d[0] = h;
        d[1] = sat;
        d[2] = v;
    }
}

/* cv2 (AVX2) runs blocks of 8 pixels through its SIMD formula (fma(h, 60/(diff+eps),
 * offset)) and the tail through the scalar one; the same split here. */
void seg__cvt_hsv_from_f32(const void *src, void *dst, int n, const seg__cvt *c)
{
    const float *s = src;
    float *d = dst;
    int scn = c->scn, bidx = c->bidx, nsimd = n / 8 * 8;
    for (int i = 0; i < nsimd; i++, s += scn, d += 3) {
        float b = s[bidx], g = s[1], r = s[bidx ^ 2];
        float vmax = mx(mx(r, g), b), vmin = mn(mn(r, g), b);
        float diff = vmax - vmin;
        float sat = diff / (fabsf(vmax) + FLT_EPSILON);
        float h, res;
        if (r == vmax) {
            h = g - b;
            res = g < b ? 360.0f : 0.0f;
        } else if (g == vmax) {
            h = b - r;
            res = 120.0f;
        } else {
            h = r - g;
            res = 240.0f;
        }
        float rev = 60.0f / (diff + FLT_EPSILON);
        d[0] = fmaf(h, rev, res);
        d[1] = sat;
        d[2] = vmax;
    }
    seg__cvt_hsv_from_f32_tail(s, d, n - nsimd, c);
}

/* HSV2RGB_simd of OpenCV: h already scaled to sectors (0..6). */
static void hsv2rgb_simd(float h, float s, float v, float *b, float *g, float *r)
{
    float pre = truncf(h);
    h -= pre;
    float tab0 = v;
    float tab1 = v * (1.0f - s);
    /* cv2's AVX2 build contracts 1 - s*h into one fused multiply-add. */
    float tab2 = v * fmaf(-s, h, 1.0f);
    float tab3 = v * fmaf(-s, 1.0f - h, 1.0f);
    float sec6 = pre * (1.0f / 6.0f);
    float sector = pre - truncf(sec6) * 6.0f;
    *b = sector < 2 ? tab1 : sector == 2 ? tab3 : sector > 4 ? tab2 : tab0;
    *g = sector < 1 ? tab3 : sector == 1 || sector == 2 ? tab0 : sector == 3 ? tab2 : tab1;
    *r = sector < 1 ? tab0 : sector == 1 ? tab2 : sector == 2 || sector == 3 ? tab1
                                                : sector == 4 ? tab3 : tab0;
}

/* HSV2RGB_native of OpenCV: h in sectors, any value. */
static void hsv2rgb_native(float h, float s, float v, float *b, float *g, float *r)
{
    if (s == 0) {
        *b = *g = *r = v;
        return;
    }
    static const int sector_data[6][3] = {{1, 3, 0}, {1, 0, 2}, {3, 0, 1},
                                          {0, 2, 1}, {0, 1, 3}, {2, 1, 0}};
    h = fmodf(h, 6.0f);
    float fl = floorf(h);
    /* cvFloor of NaN/inf is INT_MIN on x86, sent to sector 0 below; no UB here. */
    int sector = fl >= 0.0f && fl < 6.0f ? (int)fl : -1;
    h -= (float)sector;
    if ((unsigned)sector >= 6u) {
        sector = 0;
        h = 0.0f;
    }
    float tab[4];
    tab[0] = v;
    tab[1] = v * (1.0f - s);
    tab[2] = v * fmaf(-s, h, 1.0f); /* contracted to FMA in cv2's AVX2 build */
    float s1h = s * (1.0f - h);
    tab[3] = v * (1.0f - s1h);
    *b = tab[sector_data[sector][0]];
    *g = tab[sector_data[sector][1]];
    *r = tab[sector_data[sector][2]];
}

static uint8_t sat_round(float x)
{
    int v = (int)nearbyintf(x);
    return (uint8_t)SEG_MIN(SEG_MAX(v, 0), 255);
}

static uint8_t sat_trunc(float x)
{
    int v = (int)x;
    return (uint8_t)SEG_MIN(SEG_MAX(v, 0), 255);
}

void seg__cvt_hsv_to_u8_native(const uint8_t *s, uint8_t *d, int count, const seg__cvt *c)
{
    int dcn = c->dcn, bidx = c->bidx;
    const float hscale = 6.0f / (float)c->hrange;
    for (int i = 0; i < count; i++, s += 3, d += dcn) {
        float h = (float)s[0] * hscale, sat = (float)s[1] * (1.0f / 255.0f);
        float v = (float)s[2] * (1.0f / 255.0f);
        float b, g, r;
        hsv2rgb_native(h, sat, v, &b, &g, &r);
        d[bidx] = sat_round(b * 255.0f);
        d[1] = sat_round(g * 255.0f);
        d[bidx ^ 2] = sat_round(r * 255.0f);
        if (dcn == 4)
            d[3] = 255;
    }
}

void seg__cvt_hsv_to_u8_trunc(const uint8_t *s, uint8_t *d, int count, const seg__cvt *c)
{
    int dcn = c->dcn, bidx = c->bidx;
    const float hscale = 6.0f / (float)c->hrange;
    for (int i = 0; i < count; i++, s += 3, d += dcn) {
        float h = (float)s[0] * hscale, sat = (float)s[1] * (1.0f / 255.0f);
        float v = (float)s[2] * (1.0f / 255.0f);
        float b, g, r;
        hsv2rgb_simd(h, sat, v, &b, &g, &r);
        d[bidx] = sat_trunc(b * 255.0f);
        d[1] = sat_trunc(g * 255.0f);
        d[bidx ^ 2] = sat_trunc(r * 255.0f);
        if (dcn == 4)
            d[3] = 255;
    }
}

void seg__cvt_hsv_to_u8(const void *src, void *dst, int n, const seg__cvt *c)
{
    int nsimd = n / 32 * 32;
    seg__cvt_hsv_to_u8_trunc(src, dst, nsimd, c);
    seg__cvt_hsv_to_u8_native((const uint8_t *)src + (size_t)nsimd * 3,
                              (uint8_t *)dst + (size_t)nsimd * c->dcn, n - nsimd, c);
}

/* cv2 runs blocks of 8 pixels through HSV2RGB_simd and the tail through the native
 * formula; the same split here. */
void seg__cvt_hsv_to_f32_native(const float *s, float *d, int count, const seg__cvt *c)
{
    int dcn = c->dcn, bidx = c->bidx;
    const float hscale = 6.0f / 360.0f;
    for (int i = 0; i < count; i++, s += 3, d += dcn) {
        float b, g, r;
        hsv2rgb_native(s[0] * hscale, s[1], s[2], &b, &g, &r);
        d[bidx] = b;
        d[1] = g;
        d[bidx ^ 2] = r;
        if (dcn == 4)
            d[3] = 1.0f;
    }
}

void seg__cvt_hsv_to_f32(const void *src, void *dst, int n, const seg__cvt *c)
{
    const float *s = src;
    float *d = dst;
    int dcn = c->dcn, bidx = c->bidx;
    const float hscale = 6.0f / 360.0f;
    int nsimd = n / 8 * 8;
    for (int i = 0; i < nsimd; i++, s += 3, d += dcn) {
        float b, g, r;
        hsv2rgb_simd(s[0] * hscale, s[1], s[2], &b, &g, &r);
        d[bidx] = b;
        d[1] = g;
        d[bidx ^ 2] = r;
        if (dcn == 4)
            d[3] = 1.0f;
    }
    seg__cvt_hsv_to_f32_native(s, d, n - nsimd, c);
}
