/* Kernels behind seg_distance_transform (distance.c); not API. Each takes a validated
 * 1-channel u8 src and a prepared output of the same size. */
#ifndef SEG_DISTANCE_INTERNAL_H
#define SEG_DISTANCE_INTERNAL_H

#include "internal.h"

/* cv2's 3x3 / 5x5 chamfer transform in 16.16 fixed point, f32 output (mask 3 or 5). */
int seg__distance_chamfer(const seg_image *src, seg_image *dst, int dist_type, int mask_size);
/* cv2's distanceTransformEx_5x5: 5x5 chamfer with nearest-zero labels. */
int seg__distance_chamfer_labels(const seg_image *src, seg_image *dst, seg_image *labels,
                                 int dist_type, int label_type);
/* cv2's 8-bit saturating city-block transform (dstType=CV_8U with DIST_L1). */
int seg__distance_l1_u8(const seg_image *src, seg_image *dst);
/* Exact Euclidean transform (cv2's DIST_MASK_PRECISE), f32 output. */
int seg__distance_exact(const seg_image *src, seg_image *dst);

#endif
