/* u16 Gaussian row and column kernels (cv2's 16.16 fixed-point path): the plain versions
 * (the oracle), also used by gaussian_avx2.c for its border columns and for kernels too
 * large for its registers. Tap-outer loops, so the compiler can vectorise them. */
#ifndef SEG_GAUSSIAN_U16_H
#define SEG_GAUSSIAN_U16_H

#include "filter_internal.h"

/* h = sum k[i] s[x - r + i] exactly in 32 bits (<= 65535 * 65536). Interior columns pair
 * the taps by symmetry: a side tap is <= 65536 / 3, so k (a + b) stays below 2^32. */
static inline void gauss_h_u16_edges(const seg__sep *f, const uint16_t *restrict s,
                                     uint32_t *restrict h)
{
    const uint32_t *k = f->kx;
    int cn = f->cn, w = f->n / cn, kw = f->kw;
    for (int part = 0; part < 2; part++) {
        int xa = part == 0 ? 0 : SEG_MAX(f->x1, f->x0), xb = part == 0 ? SEG_MIN(f->x0, w) : w;
        for (int x = xa; x < xb; x++) {
            const int *m = f->xmap + x;
            for (int c = 0; c < cn; c++) {
                uint32_t acc = 0;
                for (int i = 0; i < kw; i++)
                    if (m[i] >= 0)
                        acc += k[i] * s[m[i] * cn + c];
                h[x * cn + c] = acc;
            }
        }
    }
}

static inline void gauss_h_u16(const seg__sep *f, const uint16_t *restrict s,
                               uint32_t *restrict h)
{
    const uint32_t *k = f->kx;
    int cn = f->cn, r = f->kw / 2;
    gauss_h_u16_edges(f, s, h);
    int e0 = f->x0 * cn, e1 = f->x1 * cn;
    for (int e = e0; e < e1; e++)
        h[e] = k[r] * s[e];
    for (int i = 1; i <= r; i++) {
        const uint16_t *a = s - i * cn, *b = s + i * cn;
        uint32_t kk = k[r - i];
        for (int e = e0; e < e1; e++)
            h[e] += kk * ((uint32_t)a[e] + b[e]);
    }
}

/* out = (sum k[j] h_j + 2^31) >> 32 in 64 bits, accumulated in `acc` (n uint64). */
static inline void gauss_v_u16(const seg__sep *f, const void *const *rows,
                               uint64_t *restrict acc, uint16_t *restrict d)
{
    const uint32_t *k = f->ky;
    int n = f->n, kh = f->kh;
    const uint32_t *r0 = rows[0];
    for (int e = 0; e < n; e++)
        acc[e] = (uint64_t)k[0] * r0[e] + ((uint64_t)1 << 31);
    for (int j = 1; j < kh; j++) {
        const uint32_t *rj = rows[j];
        uint64_t kk = k[j];
        for (int e = 0; e < n; e++)
            acc[e] += kk * rj[e];
    }
    for (int e = 0; e < n; e++) {
        uint64_t v = acc[e] >> 32;
        d[e] = (uint16_t)(v > 65535 ? 65535 : v);
    }
}

#endif
