/* BGR/RGB <-> CIE L*a*b* (D65, sRGB gamma) with OpenCV 4.6's exact arithmetic.
 *
 * Reference: modules/imgproc/src/color_lab.cpp of OpenCV 4.6.
 * - u8 forward (RGB2Lab_b): 8-bit sRGB -> linear via a 256-entry table (x 2040), a 12-bit
 *   fixed-point matrix to XYZ/white, a 3072-entry table of f(t) = cbrt(t) or
 *   7.787 t + 16/116 (x 2^15), then L = f(Y)*116-16 scaled by 255/100, a and b + 128.
 * - u8 backward (Lab2RGBinteger): tables LabToYF_b and abToXZ_b, 14-bit matrix, then a
 *   4096-entry inverse-gamma table.
 * - f32 forward (RGB2Lab_f with interpolation): a 33^3 LUT of 14-bit L, a, b sampled
 *   from the exact formula, trilinear fixed-point interpolation of the 14-bit input.
 * - f32 backward (Lab2RGBfloat): float formulas and a cubic-spline inverse gamma.
 * OpenCV builds its tables with soft-float arithmetic; IEEE float/double operations in
 * the same order give the same values (each soft-float operation is correctly rounded),
 * so the tables below are built with plain float/double code, never contracted to FMA
 * except where OpenCV itself calls mulAdd. */
#include "color_internal.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#ifdef __clang__
#pragma clang fp contract(off)
#endif

static double raw(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* sRGB2XYZ_D65, XYZ2sRGB_D65 and D65 exactly as OpenCV stores them (raw doubles). */
static const uint64_t RGB2XYZ_RAW[9] = {
    0x3fda65a14488c60dull, 0x3fd6e297396d0918ull, 0x3fc71819d2391d58ull,
    0x3fcb38cda6e75ff6ull, 0x3fe6e297396d0918ull, 0x3fb279aae6c8f755ull,
    0x3f93cc4ac6cdaf4bull, 0x3fbe836eb4e98138ull, 0x3fee68427418d691ull};
static const uint64_t XYZ2RGB_RAW[9] = {
    0x4009ec804102ff8full, 0xbff8982a9930be0eull, 0xbfdfe7ff583a53b9ull,
    0xbfef042528ae74f3ull, 0x3ffe040f23897204ull, 0x3fa546d3f9e7b80bull,
    0x3fac7de5082cf52cull, 0xbfca1e14bdfd2631ull, 0x3ff0eabef06b3786ull};
static const uint64_t D65_RAW[3] = {0x3fee6a22b3892ee8ull, 0x3ff0000000000000ull,
                                    0x3ff16b8950763a19ull};

static int round_d(double x) { return (int)nearbyint(x); }
static int round_f(float x) { return (int)nearbyintf(x); }

static float apply_gamma(float x)
{
    double xd = x;
    return (float)(xd <= 809.0 / 20000.0 ? xd / (323.0 / 25.0)
                                         : pow((xd + 11.0 / 200.0) / (1.0 + 11.0 / 200.0),
                                               12.0 / 5.0));
}

static float apply_inv_gamma(float x)
{
    double xd = x;
    return (float)(xd <= 7827.0 / 2500000.0
                       ? xd * (323.0 / 25.0)
                       : pow(xd, 1.0 / (12.0 / 5.0)) * (1.0 + 11.0 / 200.0) - 11.0 / 200.0);
}

static const float LTHRESH = 216.0f / 24389.0f;
static const float LSCALE = 841.0f / 108.0f;
static const float LBIAS = 16.0f / 116.0f;

/* OpenCV's soft-float cbrt: Turkowski's quartic rational approximation evaluated in
 * double on the mantissa reduced to [1/8, 1), scaled back, and truncated (not rounded)
 * to float. It is one ulp below the correctly rounded cube root for a few inputs, which
 * changes LabCbrtTab_b[324]; copying it is what makes the 8-bit Lab exact. */
static float cv_cbrtf(float x)
{
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    int ex = (int)((bits >> 23) & 255) - 127;
    int shx = ex % 3;
    shx -= shx >= 0 ? 3 : 0;
    ex = (ex - shx) / 3;
    uint32_t mb = (bits & ((1u << 23) - 1)) | ((uint32_t)(shx + 127) << 23);
    float frf;
    memcpy(&frf, &mb, sizeof frf);
    double fr = frf;
    double num = (((45.2548339756803022511987494 * fr + 192.2798368355061050458134625) * fr +
                   119.1654824285581628956914143) * fr + 13.43250139086239872172837314) * fr +
                 0.1636161226585754240958355063;
    double den = (((14.80884093219134573786480845 * fr + 151.9714051044435648658557668) * fr +
                   168.5254414101568283957668343) * fr + 33.9905941350215598754191872) * fr +
                 1.0;
    double r = ldexp(num / den, ex);
    uint64_t rb;
    memcpy(&rb, &r, sizeof rb);
    rb &= ~((UINT64_C(1) << 29) - 1);
    memcpy(&r, &rb, sizeof r);
    return (bits & 0x7fffffffu) ? (float)r : 0.0f;
}

/* f(t) of CIE Lab: cube root above (6/29)^3, linear below (OpenCV: mulAdd = fused). */
static float lab_f(float t)
{
    return t > LTHRESH ? cv_cbrtf(t) : fmaf(t, LSCALE, LBIAS);
}

/* OpenCV's splineBuild (soft-float), in float arithmetic. */
static void spline_build(const float *f, int n, float *tab)
{
    float cn = 0;
    tab[0] = tab[1] = 0.0f;
    for (int i = 1; i < n; i++) {
        float t2 = f[i] * 2.0f;
        float t = ((f[i + 1] - t2) + f[i - 1]) * 3.0f;
        float l = 1.0f / (4.0f - tab[(i - 1) * 4]);
        tab[i * 4] = l;
        tab[i * 4 + 1] = (t - tab[(i - 1) * 4 + 1]) * l;
    }
    for (int j = 0; j < n; j++) {
        int i = n - j - 1;
        float c = tab[i * 4 + 1] - tab[i * 4] * cn;
        float b = (f[i + 1] - f[i]) - (cn + c * 2.0f) / 3.0f;
        float d = (cn - c) / 3.0f;
        tab[i * 4] = f[i];
        tab[i * 4 + 1] = b;
        tab[i * 4 + 2] = c;
        tab[i * 4 + 3] = d;
        cn = c;
    }
}

static int build_forward_lut(seg__lab_tables *t, const double *m, const double *w)
{
    enum { D = SEG_LAB_LUT_DIM };
    /* scaledCoeffs: the p axis is blue (OpenCV's LUT is indexed B, G, R). */
    float s[9];
    for (int i = 0; i < 3; i++) {
        double sw = i == 1 ? 1.0 : 1.0 / w[i];
        s[i * 3 + 0] = (float)(m[i * 3 + 2] * sw);
        s[i * 3 + 1] = (float)(m[i * 3 + 1] * sw);
        s[i * 3 + 2] = (float)(m[i * 3 + 0] * sw);
    }
    const float f9033 = 24389.0f / 27.0f;
    int16_t *prev = seg__malloc(sizeof(int16_t) * D * D * D * 3);
    if (!prev)
        return -1;
    for (int p = 0; p < D; p++)
        for (int q = 0; q < D; q++)
            for (int r = 0; r < D; r++) {
                int idx = p * 3 + q * D * 3 + r * D * D * 3;
                float R = apply_gamma((float)p / 32.0f);
                float G = apply_gamma((float)q / 32.0f);
                float B = apply_gamma((float)r / 32.0f);
                float x0 = R * s[0], x1 = G * s[1], x2 = B * s[2];
                float X = (x0 + x1) + x2;
                float y0 = R * s[3], y1 = G * s[4], y2 = B * s[5];
                float Y = (y0 + y1) + y2;
                float z0 = R * s[6], z1 = G * s[7], z2 = B * s[8];
                float Z = (z0 + z1) + z2;
                float FX = lab_f(X), FY = lab_f(Y), FZ = lab_f(Z);
                float L;
                if (Y > LTHRESH) {
                    float l116 = 116.0f * FY;
                    L = l116 - 16.0f;
                } else {
                    L = f9033 * Y;
                }
                float a = 500.0f * (FX - FY);
                float b = 200.0f * (FY - FZ);
                float lb = 16384.0f * L;
                prev[idx] = (int16_t)round_f(lb / 100.0f);
                float ab = (a + 128.0f) * 16384.0f;
                prev[idx + 1] = (int16_t)round_f(ab / 256.0f);
                float bb = (b + 128.0f) * 16384.0f;
                prev[idx + 2] = (int16_t)round_f(bb / 256.0f);
            }
    /* Each cell stores its 8 corners' L, then a, then b (OpenCV's fill_one layout). */
    for (int p = 0; p < D; p++)
        for (int q = 0; q < D; q++)
            for (int r = 0; r < D; r++)
                for (int c = 0; c < 8; c++) {
                    int dp = c >> 2, dq = (c >> 1) & 1, dr = c & 1;
                    int old = SEG_MIN(p + dp, D - 1) * 3 + SEG_MIN(q + dq, D - 1) * D * 3 +
                              SEG_MIN(r + dr, D - 1) * D * D * 3;
                    int nw = p * 24 + q * D * 24 + r * D * D * 24 + c;
                    t->lut[nw] = prev[old];
                    t->lut[nw + 8] = prev[old + 1];
                    t->lut[nw + 16] = prev[old + 2];
                }
    for (int p = 0; p < SEG_TRI_BASE; p++)
        for (int q = 0; q < SEG_TRI_BASE; q++)
            for (int r = 0; r < SEG_TRI_BASE; r++) {
                int pp = SEG_TRI_BASE - p, qq = SEG_TRI_BASE - q, rr = SEG_TRI_BASE - r;
                int16_t *wt = &t->tri[8 * p + 8 * SEG_TRI_BASE * q +
                                      8 * SEG_TRI_BASE * SEG_TRI_BASE * r];
                wt[0] = (int16_t)(pp * qq * rr); wt[1] = (int16_t)(pp * qq * r);
                wt[2] = (int16_t)(pp * q * rr);  wt[3] = (int16_t)(pp * q * r);
                wt[4] = (int16_t)(p * qq * rr);  wt[5] = (int16_t)(p * qq * r);
                wt[6] = (int16_t)(p * q * rr);   wt[7] = (int16_t)(p * q * r);
            }
    seg__free(prev);
    return 0;
}

static seg__lab_tables *g_tables;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void build_tables(void)
{
    seg__lab_tables *t = seg__calloc(1, sizeof *t);
    int16_t *lut = seg__malloc((size_t)SEG_LAB_LUT_DIM * SEG_LAB_LUT_DIM * SEG_LAB_LUT_DIM * 24 *
                               sizeof(int16_t));
    if (!t || !lut) {
        seg__free(t);
        seg__free(lut);
        return;
    }
    t->lut = lut;
    double m[9], im[9], w[3];
    for (int i = 0; i < 9; i++) {
        m[i] = raw(RGB2XYZ_RAW[i]);
        im[i] = raw(XYZ2RGB_RAW[i]);
    }
    for (int i = 0; i < 3; i++)
        w[i] = raw(D65_RAW[i]);

    for (int i = 0; i < 256; i++) {
        float x = (float)i / 255.0f;
        t->gamma_b[i] = (uint16_t)round_f(2040.0f * apply_gamma(x));
        t->gamma32[i] = t->gamma_b[i];
    }
    const float cb_scale = 1.0f / 2040.0f;
    for (int i = 0; i < SEG_LAB_CBRT_B; i++) {
        float x = cb_scale * (float)i;
        t->cbrt_b[i] = (uint16_t)round_f(32768.0f * lab_f(x));
        t->cbrt32[i] = t->cbrt_b[i];
    }
    for (int i = 0; i < SEG_INV_GAMMA_SIZE; i++) {
        float x = (1.0f / 4096.0f) * (float)i;
        t->inv_gamma_b[i] = (uint16_t)round_f(255.0f * apply_inv_gamma(x));
        t->inv_gamma32[i] = t->inv_gamma_b[i];
    }
    for (int b = 0; b < 2; b++) {
        int bidx = b ? 2 : 0;
        for (int i = 0; i < 3; i++) {
            const double *c = &m[i * 3];
            int *k = t->rgb2lab_c[b];
            k[i * 3 + (bidx ^ 2)] = round_d(4096.0 * c[0] / w[i]);
            k[i * 3 + 1] = round_d(4096.0 * c[1] / w[i]);
            k[i * 3 + bidx] = round_d(4096.0 * c[2] / w[i]);
            double c0 = im[i], c1 = im[i + 3], c2 = im[i + 6];
            int *ki = t->lab2rgb_c[b];
            ki[i + bidx * 3] = round_d(4096.0 * c0 * w[i]);
            ki[i + 3] = round_d(4096.0 * c1 * w[i]);
            ki[i + (bidx ^ 2) * 3] = round_d(4096.0 * c2 * w[i]);
            float *kf = t->lab2rgb_cf[b];
            kf[i + (bidx ^ 2) * 3] = (float)(c0 * w[i]);
            kf[i + 3] = (float)(c1 * w[i]);
            kf[i + bidx * 3] = (float)(c2 * w[i]);
        }
    }
    for (int i = 0; i < 256; i++) {
        int y, ify;
        if (i <= 20) {
            y = round_f((float)(i * SEG_LAB_BASE * 20 * 9) / (float)(17 * 29 * 29 * 29));
            float f1 = 16.0f / 116.0f;
            float f2 = (float)(i * 5) / (float)(3 * 17 * 29);
            ify = round_f(16384.0f * (f1 + f2));
        } else {
            float f1 = (float)(i * 100 * SEG_LAB_BASE) / (float)(255 * 116);
            float f2 = (float)(16 * SEG_LAB_BASE) / 116.0f;
            float fy = f1 + f2;
            ify = round_f(fy);
            float fy2 = fy * fy;
            float fy3 = fy2 * fy;
            y = round_f(fy3 / (float)(SEG_LAB_BASE * SEG_LAB_BASE));
        }
        t->y_fy[i * 2] = (uint16_t)y;
        t->y_fy[i * 2 + 1] = (uint16_t)ify;
    }
    for (int i = SEG_MIN_AB; i < SEG_LAB_BASE * 9 / 4 + SEG_MIN_AB; i++) {
        int v;
        if (i <= 3390)
            v = i * 108 / 841 - SEG_LAB_BASE * 16 / 116 * 108 / 841;
        else
            v = i * i / SEG_LAB_BASE * i / SEG_LAB_BASE;
        t->ab_xz[i - SEG_MIN_AB] = v;
    }
    float ig[SEG_GAMMA_TAB + 1];
    for (int i = 0; i <= SEG_GAMMA_TAB; i++)
        ig[i] = apply_inv_gamma((1.0f / SEG_GAMMA_TAB) * (float)i);
    spline_build(ig, SEG_GAMMA_TAB, t->inv_gamma_spline);
    if (build_forward_lut(t, m, w) != 0) {
        seg__free(t->lut);
        seg__free(t);
        return;
    }
    g_tables = t;
}

const seg__lab_tables *seg__lab_tables_get(void)
{
    pthread_once(&g_once, build_tables);
    return g_tables;
}

/* ---- u8 kernels ---- */

void seg__cvt_lab_from_u8(const void *src, void *dst, int n, const seg__cvt *c)
{
    const seg__lab_tables *t = c->lab;
    const uint8_t *s = src;
    uint8_t *d = dst;
    const int *k = t->rgb2lab_c[c->bidx != 0];
    const int lscale = (116 * 255 + 50) / 100;
    const int lshift = -((16 * 255 * (1 << SEG_LAB_SHIFT2) + 50) / 100);
    const int half = 1 << (SEG_LAB_SHIFT - 1), half2 = 1 << (SEG_LAB_SHIFT2 - 1);
    int scn = c->scn;
    for (int i = 0; i < n; i++, s += scn, d += 3) {
        int R = t->gamma_b[s[0]], G = t->gamma_b[s[1]], B = t->gamma_b[s[2]];
        int fX = t->cbrt_b[(R * k[0] + G * k[1] + B * k[2] + half) >> SEG_LAB_SHIFT];
        int fY = t->cbrt_b[(R * k[3] + G * k[4] + B * k[5] + half) >> SEG_LAB_SHIFT];
        int fZ = t->cbrt_b[(R * k[6] + G * k[7] + B * k[8] + half) >> SEG_LAB_SHIFT];
        int L = (lscale * fY + lshift + half2) >> SEG_LAB_SHIFT2;
        int a = (500 * (fX - fY) + 128 * (1 << SEG_LAB_SHIFT2) + half2) >> SEG_LAB_SHIFT2;
        int b = (200 * (fY - fZ) + 128 * (1 << SEG_LAB_SHIFT2) + half2) >> SEG_LAB_SHIFT2;
        d[0] = (uint8_t)SEG_MIN(SEG_MAX(L, 0), 255);
        d[1] = (uint8_t)SEG_MIN(SEG_MAX(a, 0), 255);
        d[2] = (uint8_t)SEG_MIN(SEG_MAX(b, 0), 255);
    }
}

void seg__cvt_lab_to_u8(const void *src, void *dst, int n, const seg__cvt *c)
{
    const seg__lab_tables *t = c->lab;
    const uint8_t *s = src;
    uint8_t *d = dst;
    const int *k = t->lab2rgb_c[c->bidx != 0];
    const int shift = SEG_LAB_SHIFT + (SEG_LAB_BASE_SHIFT - SEG_INV_GAMMA_SHIFT);
    const int half = 1 << (shift - 1);
    int dcn = c->dcn;
    for (int i = 0; i < n; i++, s += 3, d += dcn) {
        int y = t->y_fy[s[0] * 2], ify = t->y_fy[s[0] * 2 + 1];
        int adiv = ((5 * s[1] * 53687 + (1 << 7)) >> 13) - 128 * SEG_LAB_BASE / 500;
        int bdiv = ((s[2] * 41943 + (1 << 4)) >> 9) - 128 * SEG_LAB_BASE / 200 + 1;
        int x = t->ab_xz[ify + adiv - SEG_MIN_AB];
        int z = t->ab_xz[ify - bdiv - SEG_MIN_AB];
        int ro = (k[0] * x + k[1] * y + k[2] * z + half) >> shift;
        int go = (k[3] * x + k[4] * y + k[5] * z + half) >> shift;
        int bo = (k[6] * x + k[7] * y + k[8] * z + half) >> shift;
        ro = SEG_MAX(0, SEG_MIN(SEG_INV_GAMMA_SIZE - 1, ro));
        go = SEG_MAX(0, SEG_MIN(SEG_INV_GAMMA_SIZE - 1, go));
        bo = SEG_MAX(0, SEG_MIN(SEG_INV_GAMMA_SIZE - 1, bo));
        d[0] = (uint8_t)t->inv_gamma_b[bo];
        d[1] = (uint8_t)t->inv_gamma_b[go];
        d[2] = (uint8_t)t->inv_gamma_b[ro];
        if (dcn == 4)
            d[3] = 255;
    }
}

/* ---- f32 kernels ---- */

/* min(max(v, 0), 1) with the SIMD max/min semantics: NaN becomes 0 (never an index). */
static float clip01(float v)
{
    return v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;
}

void seg__cvt_lab_from_f32(const void *src, void *dst, int n, const seg__cvt *c)
{
    const seg__lab_tables *t = c->lab;
    const float *s = src;
    float *d = dst;
    int scn = c->scn, bidx = c->bidx;
    const int tshift = SEG_LAB_BASE_SHIFT - SEG_LAB_LUT_SHIFT;
    const int fshift = SEG_LAB_BASE_SHIFT - 8 - 1;
    const int mask = SEG_TRI_BASE - 1;
    for (int i = 0; i < n; i++, s += scn, d += 3) {
        /* OpenCV's cube axes: p = blue, q = green, r = red. */
        int cx = round_f(clip01(s[bidx]) * (float)SEG_LAB_BASE);
        int cy = round_f(clip01(s[1]) * (float)SEG_LAB_BASE);
        int cz = round_f(clip01(s[bidx ^ 2]) * (float)SEG_LAB_BASE);
        const int16_t *cell = &t->lut[24 * (cx >> tshift) + 24 * SEG_LAB_LUT_DIM * (cy >> tshift) +
                                      24 * SEG_LAB_LUT_DIM * SEG_LAB_LUT_DIM * (cz >> tshift)];
        const int16_t *w = &t->tri[8 * ((cx >> fshift) & mask) +
                                   8 * SEG_TRI_BASE * ((cy >> fshift) & mask) +
                                   8 * SEG_TRI_BASE * SEG_TRI_BASE * ((cz >> fshift) & mask)];
        int acc[3] = {0, 0, 0};
        for (int ch = 0; ch < 3; ch++)
            for (int j = 0; j < 8; j++)
                acc[ch] += cell[ch * 8 + j] * w[j];
        int half = 1 << (SEG_TRI_SHIFT * 3 - 1);
        int iL = (acc[0] + half) >> (SEG_TRI_SHIFT * 3);
        int ia = (acc[1] + half) >> (SEG_TRI_SHIFT * 3);
        int ib = (acc[2] + half) >> (SEG_TRI_SHIFT * 3);
        d[0] = (float)iL * (100.0f / SEG_LAB_BASE);
        d[1] = (float)ia * (256.0f / SEG_LAB_BASE) - 128.0f;
        d[2] = (float)ib * (256.0f / SEG_LAB_BASE) - 128.0f;
    }
}

static float spline(float x, const float *tab, int n)
{
    int ix = SEG_MIN(SEG_MAX((int)x, 0), n - 1);
    x -= (float)ix;
    tab += ix * 4;
    return ((tab[3] * x + tab[2]) * x + tab[1]) * x + tab[0];
}

void seg__cvt_lab_to_f32(const void *src, void *dst, int n, const seg__cvt *c)
{
    const seg__lab_tables *t = c->lab;
    const float *s = src;
    float *d = dst;
    const float *k = t->lab2rgb_cf[c->bidx != 0];
    int dcn = c->dcn;
    const float lthresh = 8.0f, fthresh = 6.0f / 29.0f;
    const float b16_116 = 16.0f / 116.0f;
    /* OpenCV runs blocks of 8 pixels through its SIMD formula (multiplications by
     * reciprocals) and the rest through divisions; keep the same split. */
    int nsimd = n / 8 * 8;
    for (int i = 0; i < n; i++, s += 3, d += dcn) {
        float li = s[0], ai = s[1], bi = s[2];
        float y, fy, fxz[2];
        if (i < nsimd) {
            float ylo = li * (1.0f / 903.3f);
            float fylo = 7.787f * ylo + b16_116;
            float fyhi = (li + 16.0f) * (1.0f / 116.0f);
            float yhi = fyhi * fyhi * fyhi;
            int lo = li <= lthresh;
            y = lo ? ylo : yhi;
            fy = lo ? fylo : fyhi;
            fxz[0] = ai * (1.0f / 500.0f) + fy;
            fxz[1] = bi * (-1.0f / 200.0f) + fy;
            for (int j = 0; j < 2; j++) {
                float f = fxz[j];
                fxz[j] = f <= fthresh ? (f - b16_116) * (1.0f / 7.787f) : f * f * f;
            }
        } else {
            if (li <= lthresh) {
                y = li / 903.3f;
                fy = 7.787f * y + 16.0f / 116.0f;
            } else {
                fy = (li + 16.0f) / 116.0f;
                y = fy * fy * fy;
            }
            fxz[0] = ai / 500.0f + fy;
            fxz[1] = fy - bi / 200.0f;
            for (int j = 0; j < 2; j++)
                fxz[j] = fxz[j] <= fthresh ? (fxz[j] - 16.0f / 116.0f) / 7.787f
                                           : fxz[j] * fxz[j] * fxz[j];
        }
        float x = fxz[0], z = fxz[1];
        float ro = k[0] * x + (k[1] * y + k[2] * z);
        float go = k[3] * x + (k[4] * y + k[5] * z);
        float bo = k[6] * x + (k[7] * y + k[8] * z);
        if (i >= nsimd) {
            ro = (k[0] * x + k[1] * y) + k[2] * z;
            go = (k[3] * x + k[4] * y) + k[5] * z;
            bo = (k[6] * x + k[7] * y) + k[8] * z;
        }
        ro = spline(clip01(ro) * (float)SEG_GAMMA_TAB, t->inv_gamma_spline, SEG_GAMMA_TAB);
        go = spline(clip01(go) * (float)SEG_GAMMA_TAB, t->inv_gamma_spline, SEG_GAMMA_TAB);
        bo = spline(clip01(bo) * (float)SEG_GAMMA_TAB, t->inv_gamma_spline, SEG_GAMMA_TAB);
        d[0] = ro;
        d[1] = go;
        d[2] = bo;
        if (dcn == 4)
            d[3] = 1.0f;
    }
}
