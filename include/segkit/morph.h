/* Mathematical morphology with OpenCV 4.6's semantics: cv2.erode, cv2.dilate,
 * cv2.morphologyEx and cv2.getStructuringElement. Outputs are identical to cv2's with its
 * default border (morphologyDefaultBorderValue: pixels outside the image count as the
 * type's maximum for erosion and its minimum for dilation, i.e. 255/65535/FLT_MAX and
 * 0/0/-FLT_MAX, so the border never wins over a real pixel). Constants have cv2's values.
 *
 * Kernels (structuring elements) are 1-channel images: u8 where non-zero marks a member,
 * or s32 (needed for hit-or-miss: 1 = must be foreground, -1 = must be background,
 * 0 = don't care; for the other operations non-zero marks a member). The anchor is the
 * kernel pixel placed on the output pixel; (-1, -1) means the centre (w/2, h/2).
 * As in cv2, dst(x, y) = min (erode) or max (dilate) of src(x + i - ax, y + j - ay) over
 * the members (i, j): dilation uses the kernel as given, not reflected. */
#ifndef SEGKIT_MORPH_H
#define SEGKIT_MORPH_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    SEG_MORPH_ERODE = 0,
    SEG_MORPH_DILATE = 1,
    SEG_MORPH_OPEN = 2,     /* erode `iterations` times, then dilate as many times */
    SEG_MORPH_CLOSE = 3,    /* dilate, then erode */
    SEG_MORPH_GRADIENT = 4, /* dilate - erode */
    SEG_MORPH_TOPHAT = 5,   /* src - open (saturated for integer types) */
    SEG_MORPH_BLACKHAT = 6, /* close - src (saturated for integer types) */
    SEG_MORPH_HITMISS = 7   /* u8, 1 channel: erode(src, k == 1) & erode(~src, k == -1) */
};

enum { SEG_MORPH_RECT = 0, SEG_MORPH_CROSS = 1, SEG_MORPH_ELLIPSE = 2 };

/* Largest kernel side accepted (user kernels, and rectangles grown by iterations). */
#define SEG_MORPH_MAX_KSIZE 4095

/* The structuring element cv2.getStructuringElement(shape, (w, h), (ax, ay)) returns:
 * a w x h u8 image of 0/1 (a 1x1 size is always a rectangle; an ellipse is the one
 * inscribed in the box, with cv2's row widths). (ax, ay) only places a cross's bars;
 * (-1, -1) is the centre. out: set empty first, then allocated (caller frees with
 * seg_image_free). Errors: SEG_EINVAL (unknown shape, size < 1 or above
 * SEG_MORPH_MAX_KSIZE, anchor outside the kernel), SEG_ENOMEM. */
SEG_API int seg_get_structuring_element(int shape, int w, int h, int ax, int ay,
                                        seg_image *out);

/* Erosion / dilation like cv2.erode / cv2.dilate(src, kernel, anchor=(ax, ay),
 * iterations=n). src: u8, u16 or f32, 1-4 channels (each channel on its own).
 * kernel: as above, or NULL for a 3x3 rectangle (cv2's default); an all-zero kernel is
 * refused (cv2's result is undefined there). iterations: 0 copies src, negative counts
 * as 1 (cv2 does the same); a 1x1 kernel copies src. dst: allocated when empty (caller
 * frees with seg_image_free) or must match src; may be src (in place).
 * Errors: SEG_EINVAL (empty image, bad kernel, anchor outside it), SEG_ETYPE, SEG_ESIZE,
 * SEG_ENOMEM. */
SEG_API int seg_erode(const seg_image *src, seg_image *dst, const seg_image *kernel, int ax,
                      int ay, int iterations);
SEG_API int seg_dilate(const seg_image *src, seg_image *dst, const seg_image *kernel, int ax,
                       int ay, int iterations);

/* cv2.morphologyEx(src, op, kernel, anchor=(ax, ay), iterations=n) for the SEG_MORPH_*
 * ops, with the same arguments and rules as seg_erode (HITMISS: u8 1-channel source; a
 * kernel without 1 or -1 gives an all-255 half, an all-zero kernel copies src, as cv2).
 * Errors as seg_erode, plus SEG_EINVAL for an unknown op. */
SEG_API int seg_morphology_ex(const seg_image *src, seg_image *dst, int op,
                              const seg_image *kernel, int ax, int ay, int iterations);

#ifdef __cplusplus
}
#endif
#endif
