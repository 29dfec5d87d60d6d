/* Smoothing filters with OpenCV 4.6 semantics: GaussianBlur (u8 output bit-exact: OpenCV
 * builds an 8.8 fixed-point kernel and rounds the same way) and box blur (cv2.blur /
 * boxFilter). Border modes have cv2's BORDER_* values; the default is reflect-101. */
#ifndef SEGKIT_FILTER_H
#define SEGKIT_FILTER_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    SEG_BORDER_CONSTANT = 0, /* zeros */
    SEG_BORDER_REPLICATE = 1,
    SEG_BORDER_REFLECT = 2,
    SEG_BORDER_REFLECT_101 = 4,
    SEG_BORDER_DEFAULT = 4
};

/* Gaussian blur like cv2.GaussianBlur(src, (ksize_w, ksize_h), sigma_x, sigma_y, border).
 * Kernel sizes odd and positive, or 0 to derive them from sigma (cv2's rule:
 * round(sigma * (u8 ? 3 : 4) * 2 + 1) | 1); sigma <= 0 derives sigma from the size
 * (0.3 * ((k - 1) * 0.5 - 1) + 0.8); sigma_y = 0 means sigma_y = sigma_x. Types u8, u16
 * and f32, 1-4 channels. dst allocated when empty or must match src; may equal src
 * (in-place is allowed). Errors: SEG_EINVAL (even/negative size, both size and sigma
 * zero, bad border), SEG_ETYPE. */
SEG_API int seg_gaussian_blur(const seg_image *src, seg_image *dst, int ksize_w, int ksize_h,
                              double sigma_x, double sigma_y, int border);

/* Box filter like cv2.boxFilter(src, -1, (ksize_w, ksize_h), normalize=normalize,
 * borderType=border) with the anchor at the centre; normalize != 0 is cv2.blur.
 * Same types, sizes and in-place rule as seg_gaussian_blur (any positive size). */
SEG_API int seg_box_blur(const seg_image *src, seg_image *dst, int ksize_w, int ksize_h,
                         int normalize, int border);

/* The 1-D Gaussian kernel cv2.getGaussianKernel(ksize, sigma) gives (double), written to
 * out[0..ksize-1]. */
SEG_API int seg_gaussian_kernel(int ksize, double sigma, double *out);

#ifdef __cplusplus
}
#endif
#endif
