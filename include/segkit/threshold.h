/* Fixed, automatic (Otsu, triangle) and adaptive thresholds with OpenCV 4.6's semantics:
 * every output is identical to cv2.threshold / cv2.adaptiveThreshold, corner cases
 * included (see each function). Constants have cv2's values. */
#ifndef SEGKIT_THRESHOLD_H
#define SEGKIT_THRESHOLD_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    SEG_THRESH_BINARY = 0,     /* src > t ? maxval : 0 */
    SEG_THRESH_BINARY_INV = 1, /* src > t ? 0 : maxval */
    SEG_THRESH_TRUNC = 2,      /* src > t ? t : src */
    SEG_THRESH_TOZERO = 3,     /* src > t ? src : 0 */
    SEG_THRESH_TOZERO_INV = 4, /* src > t ? 0 : src */
    SEG_THRESH_MASK = 7,
    SEG_THRESH_OTSU = 8,       /* flag: choose t by Otsu's method (u8, u16; 1 channel) */
    SEG_THRESH_TRIANGLE = 16   /* flag: choose t by the triangle method (u8; 1 channel) */
};

enum { SEG_ADAPTIVE_THRESH_MEAN_C = 0, SEG_ADAPTIVE_THRESH_GAUSSIAN_C = 1 };

/* dst = threshold of src, like cv2.threshold(src, thresh, maxval, type) in OpenCV 4.6.
 * src: u8, u16 or f32, 1-4 channels (each element thresholded on its own).
 * type: one of SEG_THRESH_BINARY..TOZERO_INV, optionally | SEG_THRESH_OTSU or
 * | SEG_THRESH_TRIANGLE (then src must be 1 channel; Otsu u8/u16, triangle u8, and
 * `thresh` is ignored). For u8 and u16, as cv2: t = floor(thresh), maxval is rounded
 * (half to even) and saturated, TRUNC uses t as the value, and a t outside the type's
 * range fills or copies the output. Otsu: ties go to the lowest threshold; a uniform
 * image gives 0.
 * dst: allocated when empty (caller frees with seg_image_free) or must match src;
 * dst may be src (in place). used: optional out, the threshold actually applied (what
 * cv2 returns). Errors: SEG_EINVAL (empty image, unknown type or flag combination),
 * SEG_ETYPE (element type or channels not supported for the flags), SEG_ESIZE. */
SEG_API int seg_threshold(const seg_image *src, seg_image *dst, double thresh, double maxval,
                          int type, double *used);

/* Adaptive threshold like cv2.adaptiveThreshold(src, maxval, method, type, block, C) in
 * OpenCV 4.6: the local mean (MEAN_C: block x block box mean of u8 rounded to nearest;
 * GAUSSIAN_C: Gaussian-weighted, computed in f32 and rounded to u8, sigma from the block
 * size, through seg_gaussian_blur) with a replicated border; dst = maxval where
 * src - mean > -ceil(C) (BINARY) or src - mean <= -floor(C) (BINARY_INV), else 0.
 * maxval < 0 gives an all-zero image; maxval is rounded and saturated to u8.
 * src: u8, 1 channel. block: odd, 3..65535. dst allocated when empty (caller frees with
 * seg_image_free) or must match; may be src (in place). Errors: SEG_EINVAL (bad block,
 * method or type, NaN C), SEG_ETYPE, SEG_ESIZE, SEG_ENOMEM. GAUSSIAN_C is identical to
 * cv2 as far as seg_gaussian_blur's f32 output is (a mean exactly between two integers
 * could round differently; none seen in the tests). */
SEG_API int seg_adaptive_threshold(const seg_image *src, seg_image *dst, double maxval,
                                   int method, int type, int block, double c);

#ifdef __cplusplus
}
#endif
#endif
