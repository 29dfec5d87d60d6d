/* Box-filter row and column kernels for u8 images, written once and compiled twice:
 * plain (box.c) and with AVX2 flags (box_avx2.c), where the compiler vectorises these
 * loops. Integer arithmetic, or float without contraction: both builds give the same
 * bits. */
#ifndef SEG_BOX_IMPL_H
#define SEG_BOX_IMPL_H

#include "filter_internal.h"

#include <math.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* Horizontal sums of kw <= 257 taps in uint16; interior columns read the row directly. */
static inline void box_h_u8_16_edges(const seg__sep *f, const uint8_t *restrict s,
                                     uint16_t *restrict h)
{
    int cn = f->cn, w = f->n / cn, kw = f->kw;
    for (int part = 0; part < 2; part++) {
        int xa = part == 0 ? 0 : SEG_MAX(f->x1, f->x0), xb = part == 0 ? SEG_MIN(f->x0, w) : w;
        for (int x = xa; x < xb; x++) {
            const int *m = f->xmap + x;
            for (int c = 0; c < cn; c++) {
                unsigned acc = 0;
                for (int i = 0; i < kw; i++)
                    if (m[i] >= 0)
                        acc += s[m[i] * cn + c];
                h[x * cn + c] = (uint16_t)acc;
            }
        }
    }
}

static inline void box_h_u8_16(const seg__sep *f, const uint8_t *restrict s,
                               uint16_t *restrict h)
{
    int cn = f->cn, kw = f->kw;
    box_h_u8_16_edges(f, s, h);
    int e0 = f->x0 * cn, e1 = f->x1 * cn;
    const uint8_t *p = s - f->rx * cn;
    for (int e = e0; e < e1; e++)
        h[e] = p[e];
    for (int i = 1; i < kw; i++) {
        const uint8_t *q = p + i * cn;
        for (int e = e0; e < e1; e++)
            h[e] = (uint16_t)(h[e] + q[e]);
    }
}

/* Column pass: running sums in `state` (uint16 per element), then cv2's division
 * (s + delta) * scale >> 23 (ColumnSum<ushort, uchar>) or saturation when not
 * normalising. */
static inline void box_v_u8_16(const seg__sep *f, const void *const *rows, const void *departed,
                               uint16_t *restrict sum, uint8_t *restrict d)
{
    int n = f->n, kh = f->kh;
    if (!departed) {
        const uint16_t *r0 = rows[0];
        for (int e = 0; e < n; e++)
            sum[e] = r0[e];
        for (int j = 1; j < kh; j++) {
            const uint16_t *r = rows[j];
            for (int e = 0; e < n; e++)
                sum[e] = (uint16_t)(sum[e] + r[e]);
        }
    } else {
        const uint16_t *a = rows[kh - 1], *b = departed;
        for (int e = 0; e < n; e++)
            sum[e] = (uint16_t)(sum[e] + a[e] - b[e]);
    }
    if (f->normalize && f->kw * f->kh > 1) {
        uint32_t ds = f->div_scale, dd = f->div_delta;
        for (int e = 0; e < n; e++)
            d[e] = (uint8_t)(((sum[e] + dd) * ds) >> 23);
    } else {
        for (int e = 0; e < n; e++)
            d[e] = (uint8_t)(sum[e] > 255 ? 255 : sum[e]);
    }
}

/* Column pass for more than 256 taps: uint32 running sums of the uint16 h-rows, then
 * cv2's ColumnSum<int, uchar>: round(s * scale) half to even, in float for the first
 * (n / 8) * 8 elements (its SIMD part) and in double for the rest. Adding and removing
 * 1.5 * 2^23 rounds a float below 2^22 half to even in a form that vectorises. */
static inline void box_v_u8_32(const seg__sep *f, const void *const *rows, const void *departed,
                               uint32_t *restrict sum, uint8_t *restrict d)
{
    int n = f->n, kh = f->kh, vec_end = n / 8 * 8;
    if (!departed) {
        const uint16_t *r0 = rows[0];
        for (int e = 0; e < n; e++)
            sum[e] = r0[e];
        for (int j = 1; j < kh; j++) {
            const uint16_t *r = rows[j];
            for (int e = 0; e < n; e++)
                sum[e] += r[e];
        }
    } else {
        const uint16_t *a = rows[kh - 1], *b = departed;
        for (int e = 0; e < n; e++)
            sum[e] = sum[e] + a[e] - b[e];
    }
    if (!f->normalize) {
        for (int e = 0; e < n; e++)
            d[e] = (uint8_t)(sum[e] > 255 ? 255 : sum[e]);
        return;
    }
    const float fs = (float)f->scale, magic = 12582912.0f;
    for (int e = 0; e < vec_end; e++) {
        /* s <= 255 * area, so s * scale rounds to at most 255: no clamp needed. */
        float v = (float)(int32_t)sum[e] * fs;
        d[e] = (uint8_t)(int32_t)((v + magic) - magic);
    }
    for (int e = vec_end; e < n; e++) {
        d[e] = (uint8_t)nearbyint((double)sum[e] * f->scale);
    }
}

#endif
