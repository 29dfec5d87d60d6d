/* AVX2 Lab kernels: OpenCV 4.6's integer Lab (RGB2Lab_b, Lab2RGBinteger) and the
 * trilinear f32 Lab with gathers from the shared tables; identical bytes to the plain
 * kernels in color_lab.c. */
#include "color_internal.h"
#include "color_avx2.h"

void seg__cvt_lab_from_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    const seg__lab_tables *t = c->lab;
    const uint8_t *s = src;
    uint8_t *d = dst;
    const int *k = t->rgb2lab_c[c->bidx != 0];
    int scn = c->scn, i = 0;
    /* (c0, c1) word pairs for vpmaddwd; (c2, 2^11) with (x2, 1) adds the rounding. */
    __m256i kx01 = _mm256_set1_epi32((int)((uint32_t)k[0] | ((uint32_t)k[1] << 16)));
    __m256i kx2 = _mm256_set1_epi32((int)((uint32_t)k[2] | (2048u << 16)));
    __m256i ky01 = _mm256_set1_epi32((int)((uint32_t)k[3] | ((uint32_t)k[4] << 16)));
    __m256i ky2 = _mm256_set1_epi32((int)((uint32_t)k[5] | (2048u << 16)));
    __m256i kz01 = _mm256_set1_epi32((int)((uint32_t)k[6] | ((uint32_t)k[7] << 16)));
    __m256i kz2 = _mm256_set1_epi32((int)((uint32_t)k[8] | (2048u << 16)));
    const __m256i lscale = _mm256_set1_epi32((116 * 255 + 50) / 100);
    const __m256i lshift = _mm256_set1_epi32(-((16 * 255 * (1 << 15) + 50) / 100) + (1 << 14));
    const __m256i abshift = _mm256_set1_epi32(128 * (1 << 15) + (1 << 14));
    const __m256i k500 = _mm256_set1_epi32(500), k200 = _mm256_set1_epi32(200);
    const __m256i one_hi = _mm256_set1_epi32(1 << 16);
    const __m256i zero = _mm256_setzero_si256(), v255 = _mm256_set1_epi32(255);
    for (; i + 10 <= n; i += 8, s += 8 * scn, d += 24) {
        __m256i c0, c1, c2;
        seg__load8_u8(s, scn, &c0, &c1, &c2);
        __m256i g0 = _mm256_i32gather_epi32(t->gamma32, c0, 4);
        __m256i g1 = _mm256_i32gather_epi32(t->gamma32, c1, 4);
        __m256i g2 = _mm256_i32gather_epi32(t->gamma32, c2, 4);
        __m256i g01 = _mm256_or_si256(g0, _mm256_slli_epi32(g1, 16));
        __m256i g2o = _mm256_or_si256(g2, one_hi);
        __m256i X = _mm256_srli_epi32(
            _mm256_add_epi32(_mm256_madd_epi16(g01, kx01), _mm256_madd_epi16(g2o, kx2)), 12);
        __m256i Y = _mm256_srli_epi32(
            _mm256_add_epi32(_mm256_madd_epi16(g01, ky01), _mm256_madd_epi16(g2o, ky2)), 12);
        __m256i Z = _mm256_srli_epi32(
            _mm256_add_epi32(_mm256_madd_epi16(g01, kz01), _mm256_madd_epi16(g2o, kz2)), 12);
        __m256i fX = _mm256_i32gather_epi32(t->cbrt32, X, 4);
        __m256i fY = _mm256_i32gather_epi32(t->cbrt32, Y, 4);
        __m256i fZ = _mm256_i32gather_epi32(t->cbrt32, Z, 4);
        __m256i L = _mm256_srai_epi32(_mm256_add_epi32(_mm256_mullo_epi32(fY, lscale), lshift), 15);
        __m256i a = _mm256_srai_epi32(
            _mm256_add_epi32(_mm256_mullo_epi32(_mm256_sub_epi32(fX, fY), k500), abshift), 15);
        __m256i b = _mm256_srai_epi32(
            _mm256_add_epi32(_mm256_mullo_epi32(_mm256_sub_epi32(fY, fZ), k200), abshift), 15);
        L = _mm256_min_epi32(_mm256_max_epi32(L, zero), v255);
        a = _mm256_min_epi32(_mm256_max_epi32(a, zero), v255);
        b = _mm256_min_epi32(_mm256_max_epi32(b, zero), v255);
        seg__store8_u8x3(d, L, a, b);
    }
    seg__cvt_lab_from_u8(s, d, n - i, c);
}

void seg__cvt_lab_to_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    const seg__lab_tables *t = c->lab;
    const uint8_t *s = src;
    uint8_t *d = dst;
    const int *k = t->lab2rgb_c[c->bidx != 0];
    int i = 0;
    __m256i kk[9];
    for (int j = 0; j < 9; j++)
        kk[j] = _mm256_set1_epi32(k[j]);
    const __m256i half = _mm256_set1_epi32(1 << 13), zero = _mm256_setzero_si256();
    const __m256i top = _mm256_set1_epi32(SEG_INV_GAMMA_SIZE - 1);
    const __m256i m16 = _mm256_set1_epi32(0xffff);
    const __m256i xoff = _mm256_set1_epi32(-(128 * SEG_LAB_BASE / 500) - SEG_MIN_AB);
    const __m256i zoff = _mm256_set1_epi32(128 * SEG_LAB_BASE / 200 - 1 - SEG_MIN_AB);
    if (c->dcn == 3) {
        for (; i + 10 <= n; i += 8, s += 24, d += 24) {
            __m256i L, A, B;
            seg__load8_u8(s, 3, &L, &A, &B);
            __m256i yf = _mm256_i32gather_epi32((const int *)t->y_fy, L, 4);
            __m256i y = _mm256_and_si256(yf, m16), ify = _mm256_srli_epi32(yf, 16);
            __m256i adiv = _mm256_srli_epi32(
                _mm256_add_epi32(_mm256_mullo_epi32(A, _mm256_set1_epi32(5 * 53687)),
                                 _mm256_set1_epi32(1 << 7)), 13);
            __m256i bdiv = _mm256_srli_epi32(
                _mm256_add_epi32(_mm256_mullo_epi32(B, _mm256_set1_epi32(41943)),
                                 _mm256_set1_epi32(1 << 4)), 9);
            __m256i xi = _mm256_add_epi32(_mm256_add_epi32(ify, adiv), xoff);
            __m256i zi = _mm256_add_epi32(_mm256_sub_epi32(ify, bdiv), zoff);
            __m256i x = _mm256_i32gather_epi32(t->ab_xz, xi, 4);
            __m256i z = _mm256_i32gather_epi32(t->ab_xz, zi, 4);
            __m256i o[3];
            for (int j = 0; j < 3; j++) {
                __m256i acc = _mm256_add_epi32(_mm256_mullo_epi32(kk[3 * j], x),
                                               _mm256_mullo_epi32(kk[3 * j + 1], y));
                acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(kk[3 * j + 2], z));
                acc = _mm256_srai_epi32(_mm256_add_epi32(acc, half), 14);
                acc = _mm256_min_epi32(_mm256_max_epi32(acc, zero), top);
                o[j] = _mm256_i32gather_epi32(t->inv_gamma32, acc, 4);
            }
            /* o[0] is "ro" (red for BGR output), written last, as OpenCV does. */
            seg__store8_u8x3(d, o[2], o[1], o[0]);
        }
    }
    seg__cvt_lab_to_u8(s, d, n - i, c);
}

/* f32 -> Lab: two pixels per 256-bit step (one per lane): the 8 corners' L, a, b
 * (int16) times the 8 weights with vpmaddwd, summed horizontally; the same integer sums
 * as the plain kernel, then the same float scaling. */
static inline __m256i load2(const int16_t *p0, const int16_t *p1)
{
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)p0)),
                                   _mm_loadu_si128((const __m128i *)p1), 1);
}

void seg__cvt_lab_from_f32_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    const seg__lab_tables *t = c->lab;
    const float *s = src;
    float *d = dst;
    int scn = c->scn, i = 0;
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
    const __m256 base = _mm256_set1_ps((float)SEG_LAB_BASE);
    const __m256 scale = _mm256_setr_ps(100.0f / SEG_LAB_BASE, 256.0f / SEG_LAB_BASE,
                                        256.0f / SEG_LAB_BASE, 0.0f, 100.0f / SEG_LAB_BASE,
                                        256.0f / SEG_LAB_BASE, 256.0f / SEG_LAB_BASE, 0.0f);
    const __m256 shift = _mm256_setr_ps(0.0f, 128.0f, 128.0f, 0.0f, 0.0f, 128.0f, 128.0f, 0.0f);
    const __m256i half = _mm256_set1_epi32(1 << (SEG_TRI_SHIFT * 3 - 1));
    const __m256i pack6 = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7);
    const __m256i mask6 = _mm256_setr_epi32(-1, -1, -1, -1, -1, -1, 0, 0);
    const __m256i m = _mm256_set1_epi32(15);
    int32_t cell[8], wi[8];
    for (; i + 8 <= n; i += 8, s += 8 * scn) {
        __m256 x, y, z;
        seg__load8_f32(s, scn, &x, &y, &z);
        if (c->bidx) {
            __m256 tmp = x;
            x = z;
            z = tmp;
        }
        /* OpenCV's clip(): v < 0 ? 0 : v > 1 ? 1 : v (NaN input is not specified). */
        __m256i cx = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_min_ps(_mm256_max_ps(x, zero), one), base));
        __m256i cy = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_min_ps(_mm256_max_ps(y, zero), one), base));
        __m256i cz = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_min_ps(_mm256_max_ps(z, zero), one), base));
        __m256i ci = _mm256_mullo_epi32(_mm256_srli_epi32(cx, 9), _mm256_set1_epi32(24));
        ci = _mm256_add_epi32(ci, _mm256_mullo_epi32(_mm256_srli_epi32(cy, 9),
                                                     _mm256_set1_epi32(24 * SEG_LAB_LUT_DIM)));
        ci = _mm256_add_epi32(ci, _mm256_mullo_epi32(_mm256_srli_epi32(cz, 9),
                                                     _mm256_set1_epi32(24 * SEG_LAB_LUT_DIM *
                                                                       SEG_LAB_LUT_DIM)));
        __m256i w = _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(cx, 5), m), 3);
        w = _mm256_add_epi32(w, _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(cy, 5), m), 7));
        w = _mm256_add_epi32(w, _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(cz, 5), m), 11));
        _mm256_storeu_si256((__m256i *)cell, ci);
        _mm256_storeu_si256((__m256i *)wi, w);
        for (int j = 0; j < 8; j += 2, d += 6) {
            const int16_t *p0 = t->lut + cell[j], *p1 = t->lut + cell[j + 1];
            __m256i wv = load2(t->tri + wi[j], t->tri + wi[j + 1]);
            __m256i l = _mm256_madd_epi16(load2(p0, p1), wv);
            __m256i a = _mm256_madd_epi16(load2(p0 + 8, p1 + 8), wv);
            __m256i b = _mm256_madd_epi16(load2(p0 + 16, p1 + 16), wv);
            __m256i sum = _mm256_hadd_epi32(_mm256_hadd_epi32(l, a),
                                            _mm256_hadd_epi32(b, _mm256_setzero_si256()));
            sum = _mm256_srai_epi32(_mm256_add_epi32(sum, half), SEG_TRI_SHIFT * 3);
            __m256 f = _mm256_sub_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(sum), scale), shift);
            _mm256_maskstore_ps(d, mask6, _mm256_permutevar8x32_ps(f, pack6));
        }
    }
    seg__cvt_lab_from_f32(s, d, n - i, c);
}

static inline __m256 spline8(__m256 x, const float *tab)
{
    __m256i ix = _mm256_cvttps_epi32(x);
    ix = _mm256_min_epi32(_mm256_max_epi32(ix, _mm256_setzero_si256()),
                          _mm256_set1_epi32(SEG_GAMMA_TAB - 1));
    x = _mm256_sub_ps(x, _mm256_cvtepi32_ps(ix));
    ix = _mm256_slli_epi32(ix, 2);
    __m256 t0 = _mm256_i32gather_ps(tab, ix, 4), t1 = _mm256_i32gather_ps(tab + 1, ix, 4);
    __m256 t2 = _mm256_i32gather_ps(tab + 2, ix, 4), t3 = _mm256_i32gather_ps(tab + 3, ix, 4);
    __m256 r = _mm256_add_ps(_mm256_mul_ps(t3, x), t2);
    r = _mm256_add_ps(_mm256_mul_ps(r, x), t1);
    return _mm256_add_ps(_mm256_mul_ps(r, x), t0);
}

/* Lab -> BGR f32: OpenCV's SIMD formula (reciprocal multiplications, no FMA) on blocks of
 * 8 pixels; the tail (fewer than 8) goes to the plain kernel's division formula. */
void seg__cvt_lab_to_f32_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    const seg__lab_tables *t = c->lab;
    const float *s = src;
    float *d = dst;
    if (c->dcn != 3) {
        seg__cvt_lab_to_f32(src, dst, n, c);
        return;
    }
    const float *k = t->lab2rgb_cf[c->bidx != 0];
    __m256 kk[9];
    for (int j = 0; j < 9; j++)
        kk[j] = _mm256_set1_ps(k[j]);
    const __m256 lth = _mm256_set1_ps(8.0f), fth = _mm256_set1_ps(6.0f / 29.0f);
    const __m256 b16 = _mm256_set1_ps(16.0f / 116.0f), inv903 = _mm256_set1_ps(1.0f / 903.3f);
    const __m256 k7787 = _mm256_set1_ps(7.787f), inv7787 = _mm256_set1_ps(1.0f / 7.787f);
    const __m256 k16 = _mm256_set1_ps(16.0f), inv116 = _mm256_set1_ps(1.0f / 116.0f);
    const __m256 inv500 = _mm256_set1_ps(1.0f / 500.0f), ninv200 = _mm256_set1_ps(-1.0f / 200.0f);
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
    const __m256 gscale = _mm256_set1_ps((float)SEG_GAMMA_TAB);
    int i = 0;
    for (; i + 8 <= n; i += 8, s += 24, d += 24) {
        __m256 li, ai, bi;
        seg__load8_f32x3(s, &li, &ai, &bi);
        __m256 lo = _mm256_cmp_ps(li, lth, _CMP_LE_OQ);
        __m256 ylo = _mm256_mul_ps(li, inv903);
        __m256 fylo = _mm256_add_ps(_mm256_mul_ps(k7787, ylo), b16);
        __m256 fyhi = _mm256_mul_ps(_mm256_add_ps(li, k16), inv116);
        __m256 yhi = _mm256_mul_ps(_mm256_mul_ps(fyhi, fyhi), fyhi);
        __m256 y = _mm256_blendv_ps(yhi, ylo, lo), fy = _mm256_blendv_ps(fyhi, fylo, lo);
        __m256 f[2] = {_mm256_add_ps(_mm256_mul_ps(ai, inv500), fy),
                       _mm256_add_ps(_mm256_mul_ps(bi, ninv200), fy)};
        for (int j = 0; j < 2; j++) {
            __m256 flo = _mm256_mul_ps(_mm256_sub_ps(f[j], b16), inv7787);
            __m256 fhi = _mm256_mul_ps(_mm256_mul_ps(f[j], f[j]), f[j]);
            f[j] = _mm256_blendv_ps(fhi, flo, _mm256_cmp_ps(f[j], fth, _CMP_LE_OQ));
        }
        __m256 o[3];
        for (int j = 0; j < 3; j++) {
            __m256 v = _mm256_add_ps(_mm256_mul_ps(kk[3 * j], f[0]),
                                     _mm256_add_ps(_mm256_mul_ps(kk[3 * j + 1], y),
                                                   _mm256_mul_ps(kk[3 * j + 2], f[1])));
            v = _mm256_min_ps(_mm256_max_ps(v, zero), one);
            o[j] = spline8(_mm256_mul_ps(v, gscale), t->inv_gamma_spline);
        }
        seg__store8_f32x3(d, o[0], o[1], o[2]);
    }
    seg__cvt_lab_to_f32(s, d, n - i, c);
}
