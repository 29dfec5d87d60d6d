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

static int g_sdiv[256], g_hdiv[256];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void build_hsv_tables(void)
{
    g_sdiv[0] = g_hdiv[0] = 0;
    for (int i = 1; i < 256; i++) {
        g_sdiv[i] = (int)nearbyint((255 << 12) / (1.0 * i));
        g_hdiv[i] = (int)nearbyint((180 << 12) / (6.0 * i));
    }
}

const int *seg__hsv_sdiv(void)
{
    pthread_once(&g_once, build_hsv_tables);
    return g_sdiv;
}

const int *seg__hsv_hdiv(void)
{
    pthread_once(&g_once, build_hsv_tables);
    return g_hdiv;
}

void seg__cvt_hsv_from_u8(const void *src, void *dst, int n, const seg__cvt *c)
{
    pthread_once(&g_once, build_hsv_tables);
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
        h = (h * g_hdiv[diff] + (1 << 11)) >> 12;
        h += h < 0 ? 180 : 0;
        d[0] = (uint8_t)SEG_MIN(SEG_MAX(h, 0), 255);
        d[1] = (uint8_t)sat;
        d[2] = (uint8_t)v;
    }
}

void seg__cvt_hsv_from_f32(const void *src, void *dst, int n, const seg__cvt *c)
{
    const float *s = src;
    float *d = dst;
    int scn = c->scn, bidx = c->bidx;
    for (int i = 0; i < n; i++, s += scn, d += 3) {
        float b = s[bidx], g = s[1], r = s[bidx ^ 2];
        float vmax = fmaxf(fmaxf(r, g), b), vmin = fminf(fminf(r, g), b);
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
        float hr = h * rev;
        d[0] = hr + res;
        d[1] = sat;
        d[2] = vmax;
    }
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
    *b = sector < 2 ? tab1 : sector == 2 ? tab3 : sector == 3 || sector == 4 ? tab0 : tab2;
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
    int sector = (int)floorf(h);
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
    const float hscale = 6.0f / 180.0f;
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
    const float hscale = 6.0f / 180.0f;
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

void seg__cvt_hsv_to_f32(const void *src, void *dst, int n, const seg__cvt *c)
{
    const float *s = src;
    float *d = dst;
    int dcn = c->dcn, bidx = c->bidx;
    const float hscale = 6.0f / 360.0f;
    for (int i = 0; i < n; i++, s += 3, d += dcn) {
        float b, g, r;
        hsv2rgb_native(s[0] * hscale, s[1], s[2], &b, &g, &r);
        d[bidx] = b;
        d[1] = g;
        d[bidx ^ 2] = r;
        if (dcn == 4)
            d[3] = 1.0f;
    }
}
