/* Gaussian row/column kernels written once and compiled twice: by gaussian.c for the
 * plain build and by gaussian_avx2.c with AVX2 flags, where the compiler vectorises the
 * same loops. Float contraction is off in both, so the two give identical results. */
#ifndef SEG_GAUSSIAN_IMPL_H
#define SEG_GAUSSIAN_IMPL_H

#include "filter_internal.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* Interior of a float row: kernel symmetric, h = k[r] s[0] + sum_i k[r-i] (s[-i] + s[i]). */
static inline void gauss_h_f32_interior(const seg__sep *f, const float *restrict s,
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
static inline void gauss_v_f32(const seg__sep *f, const void *const *rows, float *restrict d)
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

#endif
