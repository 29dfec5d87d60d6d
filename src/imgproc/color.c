/* seg_cvt_color: argument checks, kernel dispatch, and the simple conversions
 * (channel reordering, alpha, gray) with OpenCV 4.6's cvtColor semantics
 * (modules/imgproc/src/color.cpp, color_rgb.simd.hpp). */
#include "color_internal.h"

#include <math.h>
#include <string.h>

/* What a code does; channel rules copy cvtColor's CvtHelper sets. */
typedef enum {
    K_REORDER, K_GRAY, K_FROM_GRAY, K_HSV, K_HSV_INV, K_LAB, K_LAB_INV, K_YCRCB, K_YCRCB_INV
} kind;

typedef struct {
    int code;
    kind k;
    unsigned scn_mask; /* bit c: c source channels allowed */
    int dcn;
    int bidx;          /* 2 when red comes first, or when reordering swaps R and B */
    const char *name;
} code_info;

#define S34 ((1u << 3) | (1u << 4))
static const code_info CODES[] = {
    {SEG_COLOR_BGR2BGRA, K_REORDER, S34, 4, 0, "BGR2BGRA"},
    {SEG_COLOR_BGRA2BGR, K_REORDER, S34, 3, 0, "BGRA2BGR"},
    {SEG_COLOR_BGR2RGBA, K_REORDER, S34, 4, 2, "BGR2RGBA"},
    {SEG_COLOR_RGBA2BGR, K_REORDER, S34, 3, 2, "RGBA2BGR"},
    {SEG_COLOR_BGR2RGB, K_REORDER, S34, 3, 2, "BGR2RGB"},
    {SEG_COLOR_BGRA2RGBA, K_REORDER, S34, 4, 2, "BGRA2RGBA"},
    {SEG_COLOR_BGR2GRAY, K_GRAY, S34, 1, 0, "BGR2GRAY"},
    {SEG_COLOR_RGB2GRAY, K_GRAY, S34, 1, 2, "RGB2GRAY"},
    {SEG_COLOR_GRAY2BGR, K_FROM_GRAY, 1u << 1, 3, 0, "GRAY2BGR"},
    {SEG_COLOR_GRAY2BGRA, K_FROM_GRAY, 1u << 1, 4, 0, "GRAY2BGRA"},
    {SEG_COLOR_BGRA2GRAY, K_GRAY, S34, 1, 0, "BGRA2GRAY"},
    {SEG_COLOR_RGBA2GRAY, K_GRAY, S34, 1, 2, "RGBA2GRAY"},
    {SEG_COLOR_BGR2HSV, K_HSV, S34, 3, 0, "BGR2HSV"},
    {SEG_COLOR_RGB2HSV, K_HSV, S34, 3, 2, "RGB2HSV"},
    {SEG_COLOR_BGR2LAB, K_LAB, S34, 3, 0, "BGR2LAB"},
    {SEG_COLOR_RGB2LAB, K_LAB, S34, 3, 2, "RGB2LAB"},
    {SEG_COLOR_HSV2BGR, K_HSV_INV, 1u << 3, 3, 0, "HSV2BGR"},
    {SEG_COLOR_HSV2RGB, K_HSV_INV, 1u << 3, 3, 2, "HSV2RGB"},
    {SEG_COLOR_LAB2BGR, K_LAB_INV, 1u << 3, 3, 0, "LAB2BGR"},
    {SEG_COLOR_LAB2RGB, K_LAB_INV, 1u << 3, 3, 2, "LAB2RGB"},
    {SEG_COLOR_BGR2YCRCB, K_YCRCB, S34, 3, 0, "BGR2YCrCb"},
    {SEG_COLOR_RGB2YCRCB, K_YCRCB, S34, 3, 2, "RGB2YCrCb"},
    {SEG_COLOR_YCRCB2BGR, K_YCRCB_INV, 1u << 3, 3, 0, "YCrCb2BGR"},
    {SEG_COLOR_YCRCB2RGB, K_YCRCB_INV, 1u << 3, 3, 2, "YCrCb2RGB"},
    {SEG_COLOR_BGR2HSV_FULL, K_HSV, S34, 3, 0, "BGR2HSV_FULL"},
    {SEG_COLOR_RGB2HSV_FULL, K_HSV, S34, 3, 2, "RGB2HSV_FULL"},
    {SEG_COLOR_HSV2BGR_FULL, K_HSV_INV, 1u << 3, 3, 0, "HSV2BGR_FULL"},
    {SEG_COLOR_HSV2RGB_FULL, K_HSV_INV, 1u << 3, 3, 2, "HSV2RGB_FULL"},
};

/* u8 hue range: 180, or for *_FULL 256 going to HSV but 255 coming back (as cv2). */
static int hue_range(int code)
{
    if (code == SEG_COLOR_BGR2HSV_FULL || code == SEG_COLOR_RGB2HSV_FULL)
        return 256;
    if (code == SEG_COLOR_HSV2BGR_FULL || code == SEG_COLOR_HSV2RGB_FULL)
        return 255;
    return 180;
}

static const code_info *find_code(int code)
{
    for (size_t i = 0; i < sizeof CODES / sizeof CODES[0]; i++)
        if (CODES[i].code == code)
            return &CODES[i];
    return NULL;
}

/* ---- reordering and alpha (RGB2RGB of OpenCV): dst = src[bidx], src[1], src[bidx^2]
 * (, src alpha or max) ---- */
/* Constant strides in each branch let the compiler vectorize the u16/f32 loops. */
#define REORDER_LOOP(SCN, DCN, T, ALPHA)                                                  \
    for (int i = 0; i < n; i++, s += SCN, d += DCN) {                                     \
        T t0 = s[bidx], t1 = s[1], t2 = s[bidx ^ 2];                                      \
        d[0] = t0; d[1] = t1; d[2] = t2;                                                  \
        if (DCN == 4)                                                                     \
            d[DCN - 1] = ALPHA;                                                           \
    }
#define DEFINE_REORDER(NAME, T, MAXV)                                                     \
    static void NAME(const void *src, void *dst, int n, const seg__cvt *c)               \
    {                                                                                     \
        const T *s = src;                                                                 \
        T *d = dst;                                                                       \
        int scn = c->scn, dcn = c->dcn, bidx = c->bidx;                                   \
        if (dcn == 3 && scn == 3) {                                                       \
            REORDER_LOOP(3, 3, T, MAXV)                                                   \
        } else if (dcn == 3) {                                                            \
            REORDER_LOOP(4, 3, T, MAXV)                                                   \
        } else if (scn == 3) {                                                            \
            REORDER_LOOP(3, 4, T, MAXV)                                                   \
        } else {                                                                          \
            REORDER_LOOP(4, 4, T, s[3])                                                   \
        }                                                                                 \
    }
DEFINE_REORDER(reorder_u8_plain, uint8_t, 255)
void seg__cvt_reorder_u8(const void *src, void *dst, int n, const seg__cvt *c)
{
    reorder_u8_plain(src, dst, n, c);
}
DEFINE_REORDER(reorder_u16, uint16_t, 65535)
DEFINE_REORDER(reorder_f32, float, 1.0f)

#define DEFINE_FROM_GRAY(NAME, T, MAXV)                                                   \
    static void NAME(const void *src, void *dst, int n, const seg__cvt *c)               \
    {                                                                                     \
        const T *s = src;                                                                 \
        T *d = dst;                                                                       \
        if (c->dcn == 3) {                                                                \
            for (int i = 0; i < n; i++) {                                                 \
                T v = s[i];                                                               \
                d[3 * i] = v; d[3 * i + 1] = v; d[3 * i + 2] = v;                         \
            }                                                                             \
        } else {                                                                          \
            for (int i = 0; i < n; i++) {                                                 \
                T v = s[i];                                                               \
                d[4 * i] = v; d[4 * i + 1] = v; d[4 * i + 2] = v; d[4 * i + 3] = MAXV;    \
            }                                                                             \
        }                                                                                 \
    }
DEFINE_FROM_GRAY(from_gray_u8, uint8_t, 255)
void seg__cvt_from_gray_u8(const void *src, void *dst, int n, const seg__cvt *c)
{
    from_gray_u8(src, dst, n, c);
}
DEFINE_FROM_GRAY(from_gray_u16, uint16_t, 65535)
DEFINE_FROM_GRAY(from_gray_f32, float, 1.0f)

/* ---- gray: Y = 0.299 R + 0.587 G + 0.114 B. u8 and u16 use OpenCV's 15-bit
 * coefficients RY15=9798, GY15=19235, BY15=3735 with rounding (RGB2Gray<uchar>,
 * RGB2Gray<ushort>); they sum to 2^15, so 65535 * 2^15 + 2^14 fits 32 bits. ---- */
enum { RY15 = 9798, GY15 = 19235, BY15 = 3735, GRAY_SHIFT = 15 };

void seg__cvt_gray_from_u8(const void *src, void *dst, int n, const seg__cvt *c)
{
    const uint8_t *s = src;
    uint8_t *d = dst;
    int scn = c->scn;
    int c0 = c->bidx ? RY15 : BY15, c2 = c->bidx ? BY15 : RY15;
    for (int i = 0; i < n; i++, s += scn)
        d[i] = (uint8_t)((s[0] * c0 + s[1] * GY15 + s[2] * c2 + (1 << (GRAY_SHIFT - 1))) >>
                         GRAY_SHIFT);
}

/* Constant channel strides (3 or 4) let the compiler vectorize these loops. */
#define GRAY_LOOP(SCN, EXPR)                                                              \
    for (int i = 0; i < n; i++, s += SCN)                                                 \
        d[i] = EXPR;

static void gray_from_u16(const void *src, void *dst, int n, const seg__cvt *c)
{
    const uint16_t *s = src;
    uint16_t *d = dst;
    uint32_t c0 = c->bidx ? RY15 : BY15, c2 = c->bidx ? BY15 : RY15;
#define G16 (uint16_t)((s[0] * c0 + s[1] * (uint32_t)GY15 + s[2] * c2 + (1u << (GRAY_SHIFT - 1))) \
                       >> GRAY_SHIFT)
    if (c->scn == 3) {
        GRAY_LOOP(3, G16)
    } else {
        GRAY_LOOP(4, G16)
    }
#undef G16
}

void seg__cvt_gray_from_f32(const void *src, void *dst, int n, const seg__cvt *c)
{
    const float *s = src;
    float *d = dst;
    float c0 = c->bidx ? 0.299f : 0.114f, c2 = c->bidx ? 0.114f : 0.299f;
    /* cv2's AVX2 code computes fma(x2, c2, fma(x1, 0.587, x0 * c0)) on blocks of 8 pixels;
     * its scalar tail x0*c0 + x1*0.587 + x2*c2 is contracted by the compiler into
     * fma(x2, c2, fma(x0, c0, x1 * 0.587)). Both copied, so f32 gray is bit-exact. */
    int nsimd = n / 8 * 8, scn = c->scn;
    for (int i = 0; i < nsimd; i++, s += scn)
        d[i] = fmaf(s[2], c2, fmaf(s[1], 0.587f, s[0] * c0));
    for (int i = nsimd; i < n; i++, s += scn)
        d[i] = fmaf(s[2], c2, fmaf(s[0], c0, s[1] * 0.587f));
}

/* ---- dispatch ---- */

seg__cvt_row seg__cvt_kernel(int code, seg_type type, unsigned cpu)
{
    const code_info *ci = find_code(code);
    if (!ci)
        return NULL;
    int avx2 = (cpu & SEG_CPU_AVX2) != 0, avx512 = (cpu & SEG_CPU_AVX512) != 0;
    switch (ci->k) {
    case K_REORDER:
        if (type == SEG_U8)
            return avx512 ? seg__cvt_reorder_u8_avx512
                          : avx2 ? seg__cvt_reorder_u8_avx2 : seg__cvt_reorder_u8;
        return type == SEG_U16 ? reorder_u16
                                           : type == SEG_F32 ? reorder_f32 : NULL;
    case K_FROM_GRAY:
        if (type == SEG_U8)
            return avx2 ? seg__cvt_from_gray_u8_avx2 : seg__cvt_from_gray_u8;
        return type == SEG_U16 ? from_gray_u16
                                             : type == SEG_F32 ? from_gray_f32 : NULL;
    case K_GRAY:
        if (type == SEG_U8)
            return avx2 ? seg__cvt_gray_from_u8_avx2 : seg__cvt_gray_from_u8;
        if (type == SEG_F32)
            return avx2 ? seg__cvt_gray_from_f32_avx2 : seg__cvt_gray_from_f32;
        if (type == SEG_U16)
            return avx512 ? seg__cvt_gray_from_u16_avx512
                          : avx2 ? seg__cvt_gray_from_u16_avx2 : gray_from_u16;
        return NULL;
    case K_HSV:
        if (type == SEG_U8)
            return avx512 ? seg__cvt_hsv_from_u8_avx512
                          : avx2 ? seg__cvt_hsv_from_u8_avx2 : seg__cvt_hsv_from_u8;
        if (type == SEG_F32)
            return avx2 ? seg__cvt_hsv_from_f32_avx2 : seg__cvt_hsv_from_f32;
        return NULL;
    case K_HSV_INV:
        if (type == SEG_U8)
            return avx512 ? seg__cvt_hsv_to_u8_avx512
                          : avx2 ? seg__cvt_hsv_to_u8_avx2 : seg__cvt_hsv_to_u8;
        if (type == SEG_F32)
            return avx2 ? seg__cvt_hsv_to_f32_avx2 : seg__cvt_hsv_to_f32;
        return NULL;
    case K_LAB:
        if (type == SEG_U8)
            return avx512 ? seg__cvt_lab_from_u8_avx512
                          : avx2 ? seg__cvt_lab_from_u8_avx2 : seg__cvt_lab_from_u8;
        if (type == SEG_F32)
            return avx2 ? seg__cvt_lab_from_f32_avx2 : seg__cvt_lab_from_f32;
        return NULL;
    case K_YCRCB:
        return seg__cvt_ycrcb_kernel(0, type);
    case K_YCRCB_INV:
        return seg__cvt_ycrcb_kernel(1, type);
    case K_LAB_INV:
        if (type == SEG_U8)
            return avx2 ? seg__cvt_lab_to_u8_avx2 : seg__cvt_lab_to_u8;
        if (type == SEG_F32)
            return avx2 ? seg__cvt_lab_to_f32_avx2 : seg__cvt_lab_to_f32;
        return NULL;
    }
    return NULL;
}

/* Rough cost of a kernel in 0.1 ns per pixel (SIMD kernels, one core), for the split. */
static int64_t cost_per_pixel(kind k, seg_type t)
{
    int f = t == SEG_U8 ? 1 : 3;
    switch (k) {
    case K_REORDER: case K_FROM_GRAY: return 3 * f;
    case K_GRAY: return 2 * f;
    case K_HSV: return 7 * f;
    case K_HSV_INV: return 11 * f;
    case K_LAB: return t == SEG_U8 ? 10 : 100;
    case K_LAB_INV: return t == SEG_U8 ? 40 : 50;
    case K_YCRCB: case K_YCRCB_INV: return 10;
    }
    return 10;
}

typedef struct {
    const seg_image *src;
    seg_image *dst;
    seg__cvt_row fn;
    seg__cvt cvt;
} job;

static void run_rows(void *ctx, int64_t begin, int64_t end)
{
    const job *j = ctx;
    for (int64_t y = begin; y < end; y++)
        j->fn(seg__row(j->src, (int)y), seg__row(j->dst, (int)y), j->src->width, &j->cvt);
}

static int overlaps(const seg_image *a, const seg_image *b)
{
    const uint8_t *a0 = a->data, *b0 = b->data;
    const uint8_t *a1 = a0 + (size_t)(a->height - 1) * a->stride +
                        (size_t)a->width * a->channels * seg_type_size(a->type);
    const uint8_t *b1 = b0 + (size_t)(b->height - 1) * b->stride +
                        (size_t)b->width * b->channels * seg_type_size(b->type);
    return a0 < b1 && b0 < a1;
}

int seg_cvt_color(const seg_image *src, seg_image *dst, int code)
{
    seg__clear_error();
    const code_info *ci = find_code(code);
    if (!ci)
        return seg__fail(SEG_EINVAL, "cvt_color: unknown conversion code %d", code);
    if (!seg_image_valid(src) || src->width == 0 || src->height == 0)
        return seg__fail(SEG_EINVAL, "cvt_color: input image is empty or invalid");
    if (!(ci->scn_mask & (1u << src->channels)))
        return seg__fail(SEG_ETYPE, "cvt_color: %s needs %s channels, the input has %d",
                         ci->name, ci->scn_mask == S34 ? "3 or 4" : ci->scn_mask == 2 ? "1" : "3",
                         src->channels);
    if (!seg__cvt_kernel(code, src->type, 0))
        return seg__fail(SEG_ETYPE, "cvt_color: %s does not support element type %s", ci->name,
                         seg__type_name(src->type));
    if (!dst)
        return seg__fail(SEG_EINVAL, "cvt_color: output image is NULL");
    if (dst->data && overlaps(src, dst))
        return seg__fail(SEG_EINVAL, "cvt_color: output must not overlap the input");
    int rc = seg__image_prepare(dst, src->width, src->height, ci->dcn, src->type, "cvt_color");
    if (rc)
        return rc;
    job j = {src, dst, seg__cvt_kernel(code, src->type, seg__cpu_active()),
             {src->channels, ci->dcn, ci->bidx, hue_range(code), NULL, 0}};
    size_t out_bytes = (size_t)dst->height * dst->stride;
    j.cvt.stream = out_bytes >= ((size_t)8 << 20); /* well past a core's cache share */
    if (ci->k == K_LAB || ci->k == K_LAB_INV) {
        j.cvt.lab = seg__lab_tables_get();
        if (!j.cvt.lab)
            return seg__fail(SEG_ENOMEM, "cvt_color: cannot allocate the Lab tables");
    }
    /* Pieces of at least ~0.5 ms of work: a light conversion of a small image runs on the
     * calling thread, where a fork/join would cost more than it saves (and far more on a
     * loaded machine, where a worker may wait a whole time slice to be scheduled). */
    int64_t min_pixels = 1000000 / cost_per_pixel(ci->k, src->type);
    int64_t min_rows = SEG_MAX(1, min_pixels / src->width);
    seg__parallel_for(src->height, seg__grain(src->height, min_rows), run_rows, &j);
    return SEG_OK;
}
