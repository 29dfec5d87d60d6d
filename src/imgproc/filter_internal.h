/* Internals shared by the smoothing filters (border.c, sepfilter.c, gaussian*.c, box*.c). */
#ifndef SEG_FILTER_INTERNAL_H
#define SEG_FILTER_INTERNAL_H

#include "internal.h"

/* Non-zero for the border modes the filters accept. */
int seg__border_valid(int border);
/* Where coordinate p (any int) reads from in [0, len), or -1 for a constant (zero)
 * border; cv::borderInterpolate's rules. */
int seg__border_index(int p, int len, int border);
/* Table t[i] = seg__border_index(i - before, len, border), i in [0, before+len+after);
 * NULL on overflow or no memory. Free with seg__free. */
int *seg__border_table(int len, int before, int after, int border);

/* A separable filter run in horizontal bands of output rows. Each band keeps a ring of
 * kh + 1 horizontally filtered rows ("h-rows"), so the intermediate image never exists
 * in full and every h-row is used while it is in cache. */
typedef struct seg__sep seg__sep;
/* Filter one source row (w * cn elements) into an h-row. */
typedef void (*seg__hline_fn)(const seg__sep *f, const void *srow, void *hrow);
/* Combine the kh h-rows of the window (rows[0] is the top) into one output row.
 * `departed` is the h-row that left the window since the previous output row of the
 * band (NULL for the band's first row) and `state` a per-band scratch of state_bytes,
 * for running sums. */
typedef void (*seg__vline_fn)(const seg__sep *f, const void *const *rows, const void *departed,
                              void *state, void *drow);

struct seg__sep {
    const seg_image *src;
    seg_image *dst;
    int kw, kh;     /* kernel size */
    int rx, ry;     /* anchor: output (x, y) reads taps x - rx .. x - rx + kw - 1 */
    int border;
    int cn;
    int n;          /* elements in a row: width * cn */
    size_t hbytes;  /* bytes of one h-row */
    size_t state_bytes;
    const int *xmap; /* xmap[x + i]: source column of tap i for output column x, -1: zero */
    int x0, x1;     /* interior columns [x0, x1): every tap inside the row */
    seg__hline_fn hline;
    seg__vline_fn vline;
    const void *kx, *ky; /* kernels; their type depends on the filter */
    int normalize;
    double scale;
    uint32_t div_scale, div_delta; /* box u8: cv2's (s + delta) * scale >> 23 */
};

/* Run f over the whole image (src and dst set, dst already prepared; dst may be src).
 * Fills xmap/x0/x1 itself. Returns a status with `who` in the message. */
int seg__sep_run(seg__sep *f, const char *who);

/* cv2's fixed-point Gaussian kernel: k rounded to `bits` fractional bits with error
 * diffusion, the centre making the sum exactly 1 << bits (n odd). */
void seg__gauss_kernel_fixed(const double *k, int n, int bits, uint32_t *out);

/* Gaussian kernels (gaussian.c) and their SIMD versions. u8: 8.8 fixed point h-rows
 * (uint16), u16: 16.16 (uint32), f32: float. */
void seg__gauss_h_u8(const seg__sep *f, const void *srow, void *hrow);
void seg__gauss_v_u8(const seg__sep *f, const void *const *rows, const void *departed,
                     void *state, void *drow);
void seg__gauss_h_u8_edges(const seg__sep *f, const uint8_t *s, uint16_t *h);
void seg__gauss_h_u8_avx2(const seg__sep *f, const void *srow, void *hrow);
void seg__gauss_v_u8_avx2(const seg__sep *f, const void *const *rows, const void *departed,
                          void *state, void *drow);
void seg__gauss_h_u8_avx512(const seg__sep *f, const void *srow, void *hrow);
void seg__gauss_v_u8_avx512(const seg__sep *f, const void *const *rows, const void *departed,
                            void *state, void *drow);
void seg__gauss_h_u16_avx2(const seg__sep *f, const void *srow, void *hrow);
void seg__gauss_v_u16_avx2(const seg__sep *f, const void *const *rows, const void *departed,
                           void *state, void *drow);
void seg__gauss_h_f32_edges(const seg__sep *f, const float *s, float *h);
void seg__gauss_h_f32_avx2(const seg__sep *f, const void *srow, void *hrow);
void seg__gauss_v_f32_avx2(const seg__sep *f, const void *const *rows, const void *departed,
                           void *state, void *drow);

/* Box filter kernels (box.c, box_avx2.c). h-rows hold horizontal sums: uint16 for u8
 * with kw <= 257, column sums uint16 when kw * kh <= 256 (cv2's ushort path) and uint32
 * beyond; uint32 sums for u16, double for f32. */
void seg__box_h_u8_16_avx2(const seg__sep *f, const void *srow, void *hrow);
void seg__box_v_u8_16_avx2(const seg__sep *f, const void *const *rows, const void *departed,
                           void *state, void *drow);
void seg__box_v_u8_32_avx2(const seg__sep *f, const void *const *rows, const void *departed,
                           void *state, void *drow);

#endif
