/* Internals shared by the instance files (src/tasks/instance*.c); not installed, not API. */
#ifndef SEG_INSTANCE_INTERNAL_H
#define SEG_INSTANCE_INTERNAL_H

#include "internal.h"

/* Where a box-relative M x M mask lands once pasted, as torchvision 0.14's
 * paste_masks_in_image computes it: the box expanded by (M + 2) / M in float32 and
 * truncated to int64 (bx0, by0, bx1, by1), the resized mask's size (bw, bh, at least 1),
 * and the part inside a W x H image, [x0, x1) x [y0, y1) (empty when x1 <= x0 or
 * y1 <= y0). Box coordinates must be finite and below 2^40 in magnitude. */
typedef struct seg__paste_rect {
    int64_t bx0, by0, bw, bh;
    int x0, y0, x1, y1;
} seg__paste_rect;

void seg__paste_geometry(const float box[4], int M, int W, int H, seg__paste_rect *r);

/* The pasted probabilities inside r (row-major, (x1 - x0) x (y1 - y0)), bit-identical to
 * paste_masks_in_image's (F.interpolate bilinear, align_corners=False, on the mask padded
 * by one zero pixel), thresholded: crop[i] = p > thr. mask: M x M row-major.
 * Returns SEG_OK or SEG_ENOMEM (no message: callable from worker threads). */
int seg__paste_threshold(const float *mask, int M, const seg__paste_rect *r, float thr,
                         uint8_t *crop);

/* The RLE of a W x H mask that is zero outside the crop [x0, x0 + cw) x [y0, y0 + ch)
 * (crop row-major, cw x ch bytes, non-zero = foreground). Counts are malloc'd (as rle.c's);
 * *ones receives the foreground pixel count. Returns SEG_OK or SEG_ENOMEM (no message:
 * callable from worker threads). */
int seg__rle_from_crop(const uint8_t *crop, int cw, int ch, int x0, int y0, int W, int H,
                       seg_rle *out, uint64_t *ones);

/* Call fn(ctx, x, y0, y1) for each vertical foreground run of an RLE (column x, rows
 * [y0, y1)), in column-major order. */
typedef void (*seg__run_fn)(void *ctx, int x, int y0, int y1);
void seg__rle_for_each_run(const seg_rle *r, seg__run_fn fn, void *ctx);

#endif
