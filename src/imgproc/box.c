/* Box filter with OpenCV 4.6's semantics (cv2.boxFilter / cv2.blur, ddepth = -1,
 * anchor at the centre: ksize / 2).
 *
 * cv2 sums rows then columns with running sums whose type it picks from the input
 * (createBoxFilter): u8 with kw * kh <= 256 sums in ushort and divides as
 * (s + delta) * scale >> 23 with its own rounding; other integer cases sum in int and
 * scale as float (round half even) for the elements its SIMD loops cover, i.e. the
 * first (n / 8) * 8 of a row of n elements, and in double for the rest; f32 sums in
 * double. This file reproduces each of those choices so u8 and u16 are bit-exact. */
#include "box_impl.h"

#include <math.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#define BOX_MAX_KSIZE 65535

static void box_h_u8_16_plain(const seg__sep *f, const void *srow, void *hrow)
{
    box_h_u8_16(f, srow, hrow);
}

static void box_v_u8_16_plain(const seg__sep *f, const void *const *rows, const void *departed,
                              void *state, void *drow)
{
    box_v_u8_16(f, rows, departed, state, drow);
}

static void box_v_u8_32_plain(const seg__sep *f, const void *const *rows, const void *departed,
                              void *state, void *drow)
{
    box_v_u8_32(f, rows, departed, state, drow);
}

/* Horizontal sums. Border columns go through xmap; interior columns sum kw taps with the
 * tap loop outside, so the element loop is contiguous and vectorises; very wide kernels
 * use running sums instead (two operations a pixel whatever kw is). Integer sums wrap in
 * 32 bits like cv2's int sums when unnormalised sums overflow. */
#define BOX_H(name, T, ST)                                                            \
    static void name(const seg__sep *f, const void *srow, void *hrow)                 \
    {                                                                                 \
        const T *s = srow;                                                            \
        ST *h = hrow;                                                                 \
        int cn = f->cn, w = f->n / cn, kw = f->kw;                                    \
        for (int part = 0; part < 2; part++) {                                        \
            int xa = part == 0 ? 0 : SEG_MAX(f->x1, f->x0);                           \
            int xb = part == 0 ? SEG_MIN(f->x0, w) : w;                               \
            for (int x = xa; x < xb; x++) {                                           \
                const int *m = f->xmap + x;                                           \
                for (int c = 0; c < cn; c++) {                                        \
                    ST acc = 0;                                                       \
                    for (int i = 0; i < kw; i++)                                      \
                        if (m[i] >= 0)                                                \
                            acc += s[m[i] * cn + c];                                  \
                    h[x * cn + c] = acc;                                              \
                }                                                                     \
            }                                                                         \
        }                                                                             \
        int e0 = f->x0 * cn, e1 = f->x1 * cn;                                         \
        const T *p = s - f->rx * cn;                                                  \
        if (e0 >= e1)                                                                 \
            return;                                                                   \
        if (kw <= 32) {                                                               \
            for (int e = e0; e < e1; e++)                                             \
                h[e] = p[e];                                                          \
            for (int i = 1; i < kw; i++) {                                            \
                const T *q = p + i * cn;                                              \
                for (int e = e0; e < e1; e++)                                         \
                    h[e] += q[e];                                                     \
            }                                                                         \
            return;                                                                   \
        }                                                                             \
        for (int c = 0; c < cn; c++) {                                                \
            ST acc = 0;                                                               \
            for (int i = 0; i < kw; i++)                                              \
                acc += p[e0 + c + i * cn];                                            \
            h[e0 + c] = acc;                                                          \
        }                                                                             \
        for (int e = e0 + cn; e < e1; e++)                                            \
            h[e] = h[e - cn] + p[e + (kw - 1) * cn] - p[e - cn];                      \
    }
BOX_H(box_h_u8_32, uint8_t, uint32_t)
BOX_H(box_h_u16_32, uint16_t, uint32_t)
BOX_H(box_h_f32, float, double)
BOX_H(box_h_u16_f64, uint16_t, double)

static void running_u32(const seg__sep *f, const void *const *rows, const void *departed,
                        uint32_t *sum)
{
    int n = f->n;
    if (!departed) {
        for (int e = 0; e < n; e++)
            sum[e] = 0;
        for (int j = 0; j < f->kh; j++)
            for (int e = 0; e < n; e++)
                sum[e] += ((const uint32_t *)rows[j])[e];
    } else {
        const uint32_t *a = rows[f->kh - 1], *b = departed;
        for (int e = 0; e < n; e++)
            sum[e] += a[e] - b[e];
    }
}

/* cv2's ColumnSum<int, T>: saturate(round(s * scale)), half to even; in float (as its
 * SIMD loops do) for the first (n / 8) * 8 elements of a row, in double for the rest.
 * Adding and removing 1.5 * 2^23 rounds a float below 2^22 to an integer, half to even,
 * in a form the compiler can vectorise. */
#define BOX_V_INT(name, T, MAXV)                                                      \
    static void name(const seg__sep *f, const void *const *rows, const void *departed,\
                     void *state, void *drow)                                         \
    {                                                                                 \
        uint32_t *sum = state;                                                        \
        T *d = drow;                                                                  \
        int n = f->n, vec_end = f->n / 8 * 8;                                         \
        running_u32(f, rows, departed, sum);                                          \
        if (!f->normalize) {                                                          \
            for (int e = 0; e < n; e++) {                                             \
                int32_t v = (int32_t)sum[e];                                          \
                d[e] = (T)(v < 0 ? 0 : v > MAXV ? MAXV : v);                          \
            }                                                                         \
            return;                                                                   \
        }                                                                             \
        const float fs = (float)f->scale, magic = 12582912.0f;                        \
        for (int e = 0; e < vec_end; e++) {                                           \
            float v = (float)(int32_t)sum[e] * fs;                                    \
            v = v > (float)MAXV ? (float)MAXV : v < 0 ? 0 : v;                        \
            d[e] = (T)(int32_t)((v + magic) - magic);                                 \
        }                                                                             \
        for (int e = vec_end; e < n; e++) {                                           \
            double v = nearbyint((double)(int32_t)sum[e] * f->scale);                 \
            d[e] = (T)(v < 0 ? 0 : v > MAXV ? MAXV : v);                              \
        }                                                                             \
    }
BOX_V_INT(box_v_u8_32w, uint8_t, 255)
BOX_V_INT(box_v_u16_32, uint16_t, 65535)

static void box_v_f32(const seg__sep *f, const void *const *rows, const void *departed,
                      void *state, void *drow)
{
    double *sum = state;
    float *d = drow;
    int n = f->n;
    if (!departed) {
        for (int e = 0; e < n; e++)
            sum[e] = 0;
        for (int j = 0; j < f->kh; j++)
            for (int e = 0; e < n; e++)
                sum[e] += ((const double *)rows[j])[e];
    } else {
        const double *a = rows[f->kh - 1], *b = departed;
        for (int e = 0; e < n; e++)
            sum[e] = sum[e] + a[e] - b[e];
    }
    for (int e = 0; e < n; e++)
        d[e] = (float)(f->normalize ? sum[e] * f->scale : sum[e]);
}

/* u16 sums beyond int range: cv2 sums in double and rounds the scaled double. */
static void box_v_u16_f64(const seg__sep *f, const void *const *rows, const void *departed,
                          void *state, void *drow)
{
    double *sum = state;
    uint16_t *d = drow;
    int n = f->n;
    if (!departed) {
        for (int e = 0; e < n; e++)
            sum[e] = 0;
        for (int j = 0; j < f->kh; j++)
            for (int e = 0; e < n; e++)
                sum[e] += ((const double *)rows[j])[e];
    } else {
        const double *a = rows[f->kh - 1], *b = departed;
        for (int e = 0; e < n; e++)
            sum[e] = sum[e] + a[e] - b[e];
    }
    for (int e = 0; e < n; e++) {
        double v = nearbyint(sum[e] * f->scale);
        d[e] = (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : v);
    }
}


int seg_box_blur(const seg_image *src, seg_image *dst, int ksize_w, int ksize_h, int normalize,
                 int border)
{
    seg__clear_error();
    static const char *who = "box_blur";
    int rc = seg__check_input(src, SEG_TYPES(SEG_U8, SEG_U16, SEG_F32),
                              (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4), who);
    if (rc)
        return rc;
    if (!seg__border_valid(border))
        return seg__fail(SEG_EINVAL, "%s: border %d is not one of constant (0), replicate (1), "
                                     "reflect (2), reflect-101 (4)", who, border);
    if (ksize_w <= 0 || ksize_h <= 0)
        return seg__fail(SEG_EINVAL, "%s: kernel size %dx%d must be positive", who, ksize_w,
                         ksize_h);
    if (ksize_w > BOX_MAX_KSIZE || ksize_h > BOX_MAX_KSIZE)
        return seg__fail(SEG_EINVAL, "%s: kernel size %dx%d exceeds %d", who, ksize_w, ksize_h,
                         BOX_MAX_KSIZE);
    if ((double)ksize_w * ksize_h > (double)(1 << 23))
        return seg__fail(SEG_EINVAL, "%s: kernel area %dx%d exceeds 2^23", who, ksize_w, ksize_h);
    if (!dst)
        return seg__fail(SEG_EINVAL, "%s: output image is NULL", who);
    if (dst->data && dst->data == src->data && dst->stride != src->stride)
        return seg__fail(SEG_EINVAL, "%s: output overlaps the input with another stride", who);
    rc = seg__image_prepare(dst, src->width, src->height, src->channels, src->type, who);
    if (rc)
        return rc;

    double area = (double)ksize_w * ksize_h;
    seg__sep f = {0};
    f.src = src;
    f.dst = dst;
    f.kw = ksize_w;
    f.kh = ksize_h;
    f.rx = ksize_w / 2;
    f.ry = ksize_h / 2;
    f.border = border;
    f.normalize = normalize != 0;
    f.scale = normalize ? 1.0 / area : 1.0;
    size_t n = (size_t)src->width * (size_t)src->channels;
    unsigned cpu = seg__cpu_active();
    if (src->type == SEG_U8 && area <= 256) {
        /* ColumnSum<ushort, uchar>: d = cvRound(1/scale), scale 2^23 / d split into an
         * integer multiplier and a rounding delta. */
        if (f.scale != 1) {
            int dv = (int)nearbyint(1.0 / f.scale);
            double scalef = (double)(1 << 23) / dv;
            int ds = (int)floor(scalef);
            scalef -= ds;
            int dd = dv / 2;
            if (scalef < 0.5)
                dd++;
            else
                ds++;
            f.div_scale = (uint32_t)ds;
            f.div_delta = (uint32_t)dd;
        }
        f.hbytes = n * sizeof(uint16_t);
        f.state_bytes = n * sizeof(uint16_t);
        f.hline = box_h_u8_16_plain;
        f.vline = box_v_u8_16_plain;
        if (cpu & SEG_CPU_AVX2) {
            f.hline = seg__box_h_u8_16_avx2;
            f.vline = seg__box_v_u8_16_avx2;
        }
    } else if (src->type == SEG_U8 && ksize_w <= 257) {
        f.hbytes = n * sizeof(uint16_t);
        f.state_bytes = n * sizeof(uint32_t);
        f.hline = box_h_u8_16_plain;
        f.vline = box_v_u8_32_plain;
        if (cpu & SEG_CPU_AVX2) {
            f.hline = seg__box_h_u8_16_avx2;
            f.vline = seg__box_v_u8_32_avx2;
        }
    } else if (src->type == SEG_U8 || (src->type == SEG_U16 && (!normalize || area <= 32768))) {
        f.hbytes = n * sizeof(uint32_t);
        f.state_bytes = n * sizeof(uint32_t);
        f.hline = src->type == SEG_U8 ? box_h_u8_32 : box_h_u16_32;
        f.vline = src->type == SEG_U8 ? box_v_u8_32w : box_v_u16_32;
    } else if (src->type == SEG_U16) {
        f.hbytes = n * sizeof(double);
        f.state_bytes = n * sizeof(double);
        f.hline = box_h_u16_f64;
        f.vline = box_v_u16_f64;
    } else {
        f.hbytes = n * sizeof(double);
        f.state_bytes = n * sizeof(double);
        f.hline = box_h_f32;
        f.vline = box_v_f32;
    }
    return seg__sep_run(&f, who);
}
