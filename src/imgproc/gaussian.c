/* Gaussian blur with OpenCV 4.6's semantics (cv2.GaussianBlur, cv2.getGaussianKernel).
 *
 * Kernel: getGaussianKernelBitExact (smooth.dispatch.cpp): fixed tables for ksize 1..9
 * when sigma <= 0, else exp(-x^2 / (2 sigma^2)) normalised, every step a correctly
 * rounded double operation (softdouble in OpenCV, plain IEEE double here, fma for its
 * mulAdd). u8 and u16 then take cv2's bit-exact fixed-point path: the kernel is rounded
 * to 8 (u8) or 16 (u16) fractional bits with error diffusion, rows are filtered exactly
 * in integers, and the column sum is rounded once: out = (sum + half) >> (2 * bits).
 * f32 filters with the float kernel (cv2's sepFilter2D), results within float rounding. */
#include "gaussian_u16.h"

#include <math.h>
#include <string.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF /* the SIMD float kernels must give the same bits */
#endif

#define GAUSS_MAX_KSIZE 65535

/* exp() as OpenCV's softfloat computes it (core/src/softfloat.cpp, f64_exp): 2^(x/ln2)
 * split into 2^(k/64) from a table and a degree-5 polynomial, every operation one
 * correctly rounded double step (so plain IEEE double arithmetic without contraction
 * reproduces it bit for bit). glibc's exp differs from it in the last bit, and the
 * kernel must match cv2.getGaussianKernel exactly. */
static double bits_to_double(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static double cv_exp(double x)
{
    static const uint64_t tab[64] = {
        0x3ff0000000000000, 0x3ff02c9a3e778061, 0x3ff059b0d3158574, 0x3ff0874518759bc8,
        0x3ff0b5586cf9890f, 0x3ff0e3ec32d3d1a2, 0x3ff11301d0125b51, 0x3ff1429aaea92de0,
        0x3ff172b83c7d517b, 0x3ff1a35beb6fcb75, 0x3ff1d4873168b9aa, 0x3ff2063b88628cd6,
        0x3ff2387a6e756238, 0x3ff26b4565e27cdd, 0x3ff29e9df51fdee1, 0x3ff2d285a6e4030b,
        0x3ff306fe0a31b715, 0x3ff33c08b26416ff, 0x3ff371a7373aa9cb, 0x3ff3a7db34e59ff7,
        0x3ff3dea64c123422, 0x3ff4160a21f72e2a, 0x3ff44e086061892d, 0x3ff486a2b5c13cd0,
        0x3ff4bfdad5362a27, 0x3ff4f9b2769d2ca7, 0x3ff5342b569d4f82, 0x3ff56f4736b527da,
        0x3ff5ab07dd485429, 0x3ff5e76f15ad2148, 0x3ff6247eb03a5585, 0x3ff6623882552225,
        0x3ff6a09e667f3bcd, 0x3ff6dfb23c651a2f, 0x3ff71f75e8ec5f74, 0x3ff75feb564267c9,
        0x3ff7a11473eb0187, 0x3ff7e2f336cf4e62, 0x3ff82589994cce13, 0x3ff868d99b4492ed,
        0x3ff8ace5422aa0db, 0x3ff8f1ae99157736, 0x3ff93737b0cdc5e5, 0x3ff97d829fde4e50,
        0x3ff9c49182a3f090, 0x3ffa0c667b5de565, 0x3ffa5503b23e255d, 0x3ffa9e6b5579fdbf,
        0x3ffae89f995ad3ad, 0x3ffb33a2b84f15fb, 0x3ffb7f76f2fb5e47, 0x3ffbcc1e904bc1d2,
        0x3ffc199bdd85529c, 0x3ffc67f12e57d14b, 0x3ffcb720dcef9069, 0x3ffd072d4a07897c,
        0x3ffd5818dcfba487, 0x3ffda9e603db3285, 0x3ffdfc97337b9b5f, 0x3ffe502ee78b3ff6,
        0x3ffea4afa2a490da, 0x3ffefa1bee615a27, 0x3fff50765b6e4540, 0x3fffa7c1819e90d8};
    if (isnan(x))
        return x;
    if (isinf(x))
        return x > 0 ? x : 0.0;
    const double a0c = bits_to_double(0x3f83ce0f3e46f431);
    const double p5 = 1.0 / a0c, p4 = bits_to_double(0x3fe62e42fefa39f1) / a0c,
                 p3 = bits_to_double(0x3fcebfbdff82a45a) / a0c,
                 p2 = bits_to_double(0x3fac6b08d81fec75) / a0c,
                 p1 = bits_to_double(0x3f83b2a72b4f3cd3) / a0c,
                 p0 = bits_to_double(0x3f55e7aa1566c2a4) / a0c;
    double x0;
    if (fabs(x) >= 2048.0) /* exponent field > 1023 + 10 */
        x0 = x < 0 ? -3000.0 * 64 : 3000.0 * 64;
    else
        x0 = x * (bits_to_double(0x3ff71547652b82fe) * 64.0);
    double r = nearbyint(x0);
    int v = (int)r;
    int t = (int)floor(r / 64.0) + 1023;
    t = t < 0 ? 0 : t > 2047 ? 2047 : t;
    double scale = bits_to_double((uint64_t)t << 52);
    x0 = (x0 - r) * (1.0 / 64);
    double poly = ((((p0 * x0 + p1) * x0 + p2) * x0 + p3) * x0 + p4) * x0 + p5;
    return scale * a0c * bits_to_double(tab[v & 63]) * poly;
}

/* The double kernel of getGaussianKernelBitExact; out has n entries. */
static void kernel_bitexact(int n, double sigma, double *out)
{
    static const double t3[] = {0.25, 0.5, 0.25};
    static const double t5[] = {0.0625, 0.25, 0.375, 0.25, 0.0625};
    static const double t7[] = {0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125};
    static const double t9[] = {4 / 256., 13 / 256., 30 / 256., 51 / 256., 60 / 256.,
                                51 / 256., 30 / 256., 13 / 256., 4 / 256.};
    if (sigma <= 0 && n == 1) {
        out[0] = 1.0;
        return;
    }
    const double *table = n == 3 ? t3 : n == 5 ? t5 : n == 7 ? t7 : n == 9 ? t9 : NULL;
    if (sigma <= 0 && table) {
        memcpy(out, table, sizeof(double) * (size_t)n);
        return;
    }
    double sx = sigma > 0 ? sigma : fma((double)n, 0.15, 0.35); /* ((n-1)/2 - 1) 0.3 + 0.8 */
    double scale2x = -0.125 / (sx * sx);
    int n2 = (n - 1) / 2;
    double sum = 0;
    for (int i = 0, x = 1 - n; i < n2; i++, x += 2) {
        double t = cv_exp((double)x * x * scale2x);
        out[i] = t;
        sum += t;
    }
    sum *= 2;
    sum += 1;
    if ((n & 1) == 0)
        sum += 1;
    double mul1 = 1 / sum;
    for (int i = 0; i < n2; i++) {
        double t = out[i] * mul1;
        out[i] = t;
        out[n - 1 - i] = t;
    }
    out[n2] = mul1;
    if ((n & 1) == 0)
        out[n2 + 1] = mul1;
}

/* getGaussianKernelFixedPoint_ED: round to `bits` fractional bits, carrying each tap's
 * rounding error into the next; the centre takes what makes the sum exactly one. */
void seg__gauss_kernel_fixed(const double *k, int n, int bits, uint32_t *out)
{
    int64_t one = (int64_t)1 << bits, sum = 0;
    double err = 0, mult = (double)one;
    for (int i = 0; i < n / 2; i++) {
        double adj = k[i] * mult + err;
        int64_t v = (int64_t)nearbyint(adj); /* cvRound: half to even */
        err = adj - (double)v;
        out[i] = out[n - 1 - i] = (uint32_t)v;
        sum += v;
    }
    out[n / 2] = (uint32_t)(one - 2 * sum);
}

int seg_gaussian_kernel(int ksize, double sigma, double *out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "gaussian_kernel: output is NULL");
    if (ksize <= 0 || ksize > GAUSS_MAX_KSIZE)
        return seg__fail(SEG_EINVAL, "gaussian_kernel: ksize %d must be in 1..%d", ksize,
                         GAUSS_MAX_KSIZE);
    if (isnan(sigma))
        return seg__fail(SEG_EINVAL, "gaussian_kernel: sigma is NaN");
    kernel_bitexact(ksize, sigma, out);
    return SEG_OK;
}

/* ---- plain kernels (the oracle for the SIMD ones) ---- */

/* Interior of a float row: kernel symmetric, h = k[r] s[0] + sum_i k[r-i] (s[-i] + s[i]). */
static void gauss_h_f32_interior(const seg__sep *f, const float *restrict s,
                                        float *restrict h)
{
    const float *k = f->kx;
    int cn = f->cn, r = f->kw / 2;
    int e0 = f->x0 * cn, e1 = f->x1 * cn;
    /* Tap-outer loops so that the element loop is contiguous and vectorises. */
    for (int e = e0; e < e1; e++)
        h[e] = k[r] * s[e];
    for (int i = 1; i <= r; i++) {
        const float *a = s - i * cn, *b = s + i * cn;
        float kk = k[r - i];
        for (int e = e0; e < e1; e++)
            h[e] = h[e] + kk * (a[e] + b[e]);
    }
}

/* Column pass for float: same symmetric order. */
static void gauss_v_f32(const seg__sep *f, const void *const *rows, float *restrict d)
{
    const float *k = f->ky;
    int r = f->kh / 2, n = f->n;
    const float *c = rows[r];
    for (int e = 0; e < n; e++)
        d[e] = k[r] * c[e];
    for (int i = 1; i <= r; i++) {
        const float *a = rows[r - i], *b = rows[r + i];
        float kk = k[r - i];
        for (int e = 0; e < n; e++)
            d[e] = d[e] + kk * (a[e] + b[e]);
    }
}

/* Border columns of a u8 row (those whose taps leave the row), through xmap. */
void seg__gauss_h_u8_edges(const seg__sep *f, const uint8_t *s, uint16_t *h)
{
    const uint32_t *k = f->kx;
    int cn = f->cn, w = f->n / cn;
    for (int part = 0; part < 2; part++) {
        int xa = part == 0 ? 0 : SEG_MAX(f->x1, f->x0), xb = part == 0 ? SEG_MIN(f->x0, w) : w;
        for (int x = xa; x < xb; x++) {
            const int *m = f->xmap + x;
            for (int c = 0; c < cn; c++) {
                uint32_t acc = 0;
                for (int i = 0; i < f->kw; i++)
                    if (m[i] >= 0)
                        acc += k[i] * s[m[i] * cn + c];
                h[x * cn + c] = (uint16_t)acc;
            }
        }
    }
}

/* Plain u8 rows and columns with the tap loop outside, so that even the plain build
 * vectorises (SSE2); exact integer sums in any order. */
void seg__gauss_h_u8(const seg__sep *f, const void *srow, void *hrow)
{
    const uint8_t *s = srow;
    uint16_t *h = hrow;
    const uint32_t *k = f->kx;
    int cn = f->cn, e0 = f->x0 * cn, e1 = f->x1 * cn;
    seg__gauss_h_u8_edges(f, s, h);
    const uint8_t *p = s - f->rx * cn;
    uint16_t k0 = (uint16_t)k[0];
    for (int e = e0; e < e1; e++)
        h[e] = (uint16_t)(k0 * p[e]); /* every partial sum <= the total <= 65280 */
    for (int i = 1; i < f->kw; i++) {
        const uint8_t *q = p + i * cn;
        uint16_t ki = (uint16_t)k[i];
        for (int e = e0; e < e1; e++)
            h[e] = (uint16_t)(h[e] + ki * q[e]);
    }
}

void seg__gauss_v_u8(const seg__sep *f, const void *const *rows, const void *departed,
                     void *state, void *drow)
{
    const uint32_t *k = f->ky;
    uint32_t *acc = state;
    uint8_t *d = drow;
    int n = f->n;
    /* 16 x 16 -> 32-bit products, which SSE2 has (pmullw/pmulhuw); taps are <= 256. */
    const uint16_t *r0 = rows[0];
    uint16_t k0 = (uint16_t)k[0];
    for (int e = 0; e < n; e++)
        acc[e] = (uint32_t)k0 * r0[e] + (1u << 15);
    for (int j = 1; j < f->kh; j++) {
        const uint16_t *rj = rows[j];
        uint16_t kj = (uint16_t)k[j];
        for (int e = 0; e < n; e++)
            acc[e] += (uint32_t)kj * rj[e];
    }
    for (int e = 0; e < n; e++)
        d[e] = (uint8_t)(acc[e] >> 16);
}

static void gauss_h_u16_plain(const seg__sep *f, const void *srow, void *hrow)
{
    gauss_h_u16(f, srow, hrow);
}

static void gauss_v_u16_plain(const seg__sep *f, const void *const *rows, const void *departed,
                              void *state, void *drow)
{
    gauss_v_u16(f, rows, state, drow);
}

void seg__gauss_h_f32_edges(const seg__sep *f, const float *s, float *h)
{
    const float *k = f->kx;
    int cn = f->cn, w = f->n / cn, r = f->kw / 2;
    for (int part = 0; part < 2; part++) {
        int xa = part == 0 ? 0 : SEG_MAX(f->x1, f->x0), xb = part == 0 ? SEG_MIN(f->x0, w) : w;
        for (int x = xa; x < xb; x++) {
            const int *m = f->xmap + x;
            for (int c = 0; c < cn; c++) {
                float v0 = m[r] >= 0 ? s[m[r] * cn + c] : 0.f;
                float acc = k[r] * v0;
                for (int i = 1; i <= r; i++) {
                    float a = m[r - i] >= 0 ? s[m[r - i] * cn + c] : 0.f;
                    float b = m[r + i] >= 0 ? s[m[r + i] * cn + c] : 0.f;
                    acc = acc + k[r - i] * (a + b);
                }
                h[x * cn + c] = acc;
            }
        }
    }
}

static void gauss_h_f32(const seg__sep *f, const void *srow, void *hrow)
{
    seg__gauss_h_f32_edges(f, srow, hrow);
    gauss_h_f32_interior(f, srow, hrow);
}

static void gauss_v_f32_plain(const seg__sep *f, const void *const *rows, const void *departed,
                              void *state, void *drow)
{
    gauss_v_f32(f, rows, drow);
}

/* ---- the operation ---- */

static int ksize_from_sigma(double sigma, int u8, int *k)
{
    double v = sigma * (u8 ? 3 : 4) * 2 + 1;
    if (!(v < GAUSS_MAX_KSIZE))
        return -1;
    *k = (int)nearbyint(v) | 1;
    return 0;
}

int seg_gaussian_blur(const seg_image *src, seg_image *dst, int ksize_w, int ksize_h,
                      double sigma_x, double sigma_y, int border)
{
    seg__clear_error();
    static const char *who = "gaussian_blur";
    int rc = seg__check_input(src, SEG_TYPES(SEG_U8, SEG_U16, SEG_F32),
                              (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4), who);
    if (rc)
        return rc;
    if (!seg__border_valid(border))
        return seg__fail(SEG_EINVAL, "%s: border %d is not one of constant (0), replicate (1), "
                                     "reflect (2), reflect-101 (4)", who, border);
    if (ksize_w < 0 || ksize_h < 0)
        return seg__fail(SEG_EINVAL, "%s: kernel size %dx%d is negative", who, ksize_w, ksize_h);
    if (isnan(sigma_x) || isnan(sigma_y) || isinf(sigma_x) || isinf(sigma_y))
        return seg__fail(SEG_EINVAL, "%s: sigma must be finite", who);
    if (!dst)
        return seg__fail(SEG_EINVAL, "%s: output image is NULL", who);
    int in_place = dst->data && dst->data == src->data;
    if (in_place && dst->stride != src->stride)
        return seg__fail(SEG_EINVAL, "%s: output overlaps the input with another stride", who);
    /* cv2: a side of length 1 gets a kernel of 1 unless the border is constant. */
    if (border != SEG_BORDER_CONSTANT) {
        if (src->height == 1)
            ksize_h = 1;
        if (src->width == 1)
            ksize_w = 1;
    }
    int u8 = src->type == SEG_U8;
    if (sigma_y <= 0)
        sigma_y = sigma_x;
    if ((ksize_w == 0 && sigma_x > 0 && ksize_from_sigma(sigma_x, u8, &ksize_w)) ||
        (ksize_h == 0 && sigma_y > 0 && ksize_from_sigma(sigma_y, u8, &ksize_h)))
        return seg__fail(SEG_EINVAL, "%s: sigma %g gives a kernel larger than %d", who,
                         SEG_MAX(sigma_x, sigma_y), GAUSS_MAX_KSIZE);
    if (ksize_w == 0 || ksize_h == 0)
        return seg__fail(SEG_EINVAL, "%s: kernel size %dx%d needs a positive sigma to derive it",
                         who, ksize_w, ksize_h);
    if (ksize_w % 2 == 0 || ksize_h % 2 == 0)
        return seg__fail(SEG_EINVAL, "%s: kernel size %dx%d must be odd", who, ksize_w, ksize_h);
    if (ksize_w > GAUSS_MAX_KSIZE || ksize_h > GAUSS_MAX_KSIZE)
        return seg__fail(SEG_EINVAL, "%s: kernel size %dx%d exceeds %d", who, ksize_w, ksize_h,
                         GAUSS_MAX_KSIZE);
    rc = seg__image_prepare(dst, src->width, src->height, src->channels, src->type, who);
    if (rc)
        return rc;
    if (ksize_w == 1 && ksize_h == 1)
        return in_place ? SEG_OK : seg_image_copy(src, dst);
    sigma_x = SEG_MAX(sigma_x, 0.0);
    sigma_y = SEG_MAX(sigma_y, 0.0);

    double *kd = seg__malloc(sizeof(double) * ((size_t)ksize_w + (size_t)ksize_h));
    uint32_t *kq = seg__malloc(sizeof(uint32_t) * ((size_t)ksize_w + (size_t)ksize_h));
    if (!kd || !kq) {
        seg__free(kd);
        seg__free(kq);
        return seg__fail(SEG_ENOMEM, "%s: out of memory", who);
    }
    double *kdx = kd, *kdy = kd + ksize_w;
    kernel_bitexact(ksize_w, sigma_x, kdx);
    kernel_bitexact(ksize_h, sigma_y, kdy);
    float *kfx = (float *)kq, *kfy = (float *)kq + ksize_w;
    uint32_t *kqx = kq, *kqy = kq + ksize_w;

    unsigned cpu = seg__cpu_active();
    seg__sep f = {0};
    f.src = src;
    f.dst = dst;
    f.kw = ksize_w;
    f.kh = ksize_h;
    f.rx = ksize_w / 2;
    f.ry = ksize_h / 2;
    f.border = border;
    size_t n = (size_t)src->width * (size_t)src->channels;
    switch (src->type) {
    case SEG_U8:
        seg__gauss_kernel_fixed(kdx, ksize_w, 8, kqx);
        seg__gauss_kernel_fixed(kdy, ksize_h, 8, kqy);
        f.hbytes = n * sizeof(uint16_t);
        f.state_bytes = n * sizeof(uint32_t); /* the plain column pass's sums */
        f.hline = seg__gauss_h_u8;
        f.vline = seg__gauss_v_u8;
        if (cpu & SEG_CPU_AVX512) {
            f.hline = seg__gauss_h_u8_avx512;
            f.vline = seg__gauss_v_u8_avx512;
        } else if (cpu & SEG_CPU_AVX2) {
            f.hline = seg__gauss_h_u8_avx2;
            f.vline = seg__gauss_v_u8_avx2;
        }
        break;
    case SEG_U16:
        seg__gauss_kernel_fixed(kdx, ksize_w, 16, kqx);
        seg__gauss_kernel_fixed(kdy, ksize_h, 16, kqy);
        f.hbytes = n * sizeof(uint32_t);
        f.state_bytes = n * sizeof(uint64_t);
        f.hline = gauss_h_u16_plain;
        f.vline = gauss_v_u16_plain;
        if (cpu & SEG_CPU_AVX2) {
            f.hline = seg__gauss_h_u16_avx2;
            f.vline = seg__gauss_v_u16_avx2;
        }
        break;
    default:
        for (int i = 0; i < ksize_w; i++)
            kfx[i] = (float)kdx[i];
        for (int i = 0; i < ksize_h; i++)
            kfy[i] = (float)kdy[i];
        f.hbytes = n * sizeof(float);
        f.hline = gauss_h_f32;
        f.vline = gauss_v_f32_plain;
        if (cpu & SEG_CPU_AVX2) {
            f.hline = seg__gauss_h_f32_avx2;
            f.vline = seg__gauss_v_f32_avx2;
        }
        break;
    }
    f.kx = kq;
    f.ky = kq + ksize_w;
    rc = seg__sep_run(&f, who);
    seg__free(kd);
    seg__free(kq);
    return rc;
}
