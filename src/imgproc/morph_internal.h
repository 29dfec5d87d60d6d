/* Kernels shared by the morphology files (morph.c, morph_avx2.c); not API. */
#ifndef SEG_MORPH_INTERNAL_H
#define SEG_MORPH_INTERNAL_H

#include "internal.h"

/* dst[i] = min (or max) over k < nsrc of src[k][i], for n elements; nsrc >= 1 and dst
 * aliases no source. Floats use a < b ? a : b (the minps rule), which is cv2's result
 * for non-NaN values. */
typedef void (*seg__minmax_fn)(void *dst, const void *const *src, int nsrc, size_t n);

/* The plain C kernel for (type, is_max), and the AVX2 one (NULL for other types). */
seg__minmax_fn seg__morph_minmax_plain(seg_type type, int is_max);
seg__minmax_fn seg__morph_minmax_avx2(seg_type type, int is_max);

/* A kernel as runs of members per row, trimmed to the members' bounding box; the anchor
 * is relative to the box (it may lie outside it). Built by morph.c. */
typedef struct {
    int x0, len;
} seg__morph_run;

typedef struct {
    int kw, kh, ax, ay;
    int rect;                /* every cell of the box is a member */
    int maxlen;              /* longest run */
    int *row_start;          /* kh + 1 offsets into runs */
    seg__morph_run *runs;
} seg__morph_kernel;

/* One erosion (is_max 0) or dilation of src into dst (prepared, distinct from src) with
 * the default border, in row bands through seg__parallel_for (morph_rows.c).
 * Errors: SEG_ENOMEM (message names `who`). */
int seg__morph_once(const seg_image *src, seg_image *dst, const seg__morph_kernel *k,
                    int is_max, const char *who);

/* Open (first_max 0: erode then dilate) or close with one pass each, band by band with
 * the intermediate rows in a band buffer (no full-size temporary). dst is prepared and
 * must not share pixels with src. Errors: SEG_ENOMEM. */
int seg__morph_open_close(const seg_image *src, seg_image *dst, const seg__morph_kernel *k,
                          int first_max, const char *who);

#endif
