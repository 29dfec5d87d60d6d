/* Colour conversion internals shared by color*.c (not API).
 *
 * Every conversion is a row kernel: fn(src_row, dst_row, n_pixels, cvt). The plain C
 * kernels are the reference; the *_avx2 / *_avx512 kernels must give identical bytes
 * (tests/c/test_color.c and tests/python/test_color.py compare them). */
#ifndef SEG_COLOR_INTERNAL_H
#define SEG_COLOR_INTERNAL_H

#include "internal.h"

/* OpenCV's fixed-point constants (modules/imgproc/src/color.hpp, color_lab.cpp). */
enum {
    SEG_LAB_SHIFT = 12,                 /* lab_shift == xyz_shift */
    SEG_GAMMA_SHIFT = 3,
    SEG_LAB_SHIFT2 = SEG_LAB_SHIFT + SEG_GAMMA_SHIFT,
    SEG_LAB_CBRT_B = 256 * 3 / 2 * (1 << SEG_GAMMA_SHIFT), /* 3072 */
    SEG_INV_GAMMA_SHIFT = 12,
    SEG_INV_GAMMA_SIZE = 1 << SEG_INV_GAMMA_SHIFT,
    SEG_LAB_BASE_SHIFT = 14,
    SEG_LAB_BASE = 1 << SEG_LAB_BASE_SHIFT,
    SEG_LAB_LUT_SHIFT = 5,
    SEG_LAB_LUT_DIM = (1 << SEG_LAB_LUT_SHIFT) + 1, /* 33 */
    SEG_TRI_SHIFT = 8 - SEG_LAB_LUT_SHIFT + 1,       /* 4 */
    SEG_TRI_BASE = 1 << SEG_TRI_SHIFT,               /* 16 */
    SEG_MIN_AB = -8145,
    SEG_GAMMA_TAB = 1024
};

/* Tables of OpenCV 4.6's Lab code, built once (seg__lab_tables) and then read-only. */
typedef struct seg__lab_tables {
    uint16_t gamma_b[256];              /* sRGBGammaTab_b: 8-bit sRGB -> linear * 2040 */
    uint16_t cbrt_b[SEG_LAB_CBRT_B];    /* LabCbrtTab_b: f(t) * 2^15 */
    int32_t gamma32[256];               /* gamma_b widened for gathers */
    int32_t cbrt32[SEG_LAB_CBRT_B];     /* cbrt_b widened for gathers */
    int rgb2lab_c[2][9];                /* RGB2Lab_b coefficients, [bidx != 0] */
    uint16_t inv_gamma_b[SEG_INV_GAMMA_SIZE]; /* sRGBInvGammaTab_b */
    int32_t inv_gamma32[SEG_INV_GAMMA_SIZE];  /* inv_gamma_b widened for gathers */
    uint16_t y_fy[512];                 /* LabToYF_b */
    int32_t ab_xz[SEG_LAB_BASE * 9 / 4];      /* abToXZ_b, offset by SEG_MIN_AB */
    int lab2rgb_c[2][9];                /* Lab2RGBinteger coefficients */
    float lab2rgb_cf[2][9];             /* Lab2RGBfloat coefficients */
    float inv_gamma_spline[SEG_GAMMA_TAB * 4]; /* sRGBInvGammaTab (cubic spline) */
    int16_t tri[SEG_TRI_BASE * SEG_TRI_BASE * SEG_TRI_BASE * 8]; /* trilinearLUT */
    int16_t *lut;                       /* RGB2LabLUT_s16: 33^3 cells x 3 x 8 */
} seg__lab_tables;

/* The shared tables, built on first use (thread-safe); NULL when out of memory. */
const seg__lab_tables *seg__lab_tables_get(void);

typedef struct seg__cvt {
    int scn, dcn;   /* source / destination channels */
    int bidx;       /* 0: blue first (BGR), 2: red first (RGB) */
    int hrange;     /* u8 hue range: 180; *_FULL: 256 to HSV, 255 back (cv2's choice) */
    const seg__lab_tables *lab;
    int stream;     /* output too big to stay cached: kernels may use non-temporal stores */
} seg__cvt;

typedef void (*seg__cvt_row)(const void *src, void *dst, int n, const seg__cvt *c);

/* RGB2HSV_b's division tables: sdiv[v] = round(255*2^12/v), hdiv[d] =
 * round(hrange*2^12/(6d)) for hrange 180 or 256. */
const int *seg__hsv_sdiv(void);
const int *seg__hsv_hdiv(int hrange);
/* HSV2RGB_b's two formulas, count pixels from s to d: cv2's SIMD blocks (truncating)
 * and its scalar tail (rounding). */
void seg__cvt_hsv_to_u8_trunc(const uint8_t *s, uint8_t *d, int count, const seg__cvt *c);
void seg__cvt_hsv_to_u8_native(const uint8_t *s, uint8_t *d, int count, const seg__cvt *c);
void seg__cvt_hsv_from_f32_tail(const float *s, float *d, int count, const seg__cvt *c);
void seg__cvt_hsv_to_f32_native(const float *s, float *d, int count, const seg__cvt *c);

/* Plain C kernels (the oracle). */
void seg__cvt_hsv_from_u8(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_hsv_from_f32(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_hsv_to_u8(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_hsv_to_f32(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_lab_from_u8(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_lab_from_f32(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_lab_to_u8(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_lab_to_f32(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_gray_from_u8(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_reorder_u8(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_gray_from_f32(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_from_gray_u8(const void *src, void *dst, int n, const seg__cvt *c);

/* YCrCb (color_yuv.c): plain kernels only. */
seg__cvt_row seg__cvt_ycrcb_kernel(int inverse, seg_type type);

/* SIMD kernels: same contract, same bytes. */
void seg__cvt_lab_from_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_lab_from_u8_avx512(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_lab_to_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_gray_from_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_reorder_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_hsv_from_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_hsv_to_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_lab_from_f32_avx2(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_gray_from_u16_avx2(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_from_gray_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_gray_from_f32_avx2(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_hsv_from_f32_avx2(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_hsv_to_f32_avx2(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_lab_to_f32_avx2(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_hsv_from_u8_avx512(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_hsv_to_u8_avx512(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_reorder_u8_avx512(const void *src, void *dst, int n, const seg__cvt *c);
void seg__cvt_gray_from_u16_avx512(const void *src, void *dst, int n, const seg__cvt *c);

/* Pick the kernel for a code/type at the current CPU level; NULL when unsupported.
 * Exposed so the C test can run the plain and the SIMD kernel side by side. */
seg__cvt_row seg__cvt_kernel(int code, seg_type type, unsigned cpu);

#endif
