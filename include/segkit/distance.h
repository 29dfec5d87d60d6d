/* Distance transforms with OpenCV 4.6's semantics (cv2.distanceTransform and
 * cv2.distanceTransformWithLabels).
 *
 * Every non-zero pixel of a 1-channel u8 image gets the distance to the nearest zero
 * pixel; zero pixels get 0. Constants have cv2's values (DIST_L1 = 1, ...).
 *
 * - Chamfer masks (3x3, 5x5): OpenCV's weights (L1 3x3: 1/2, C 3x3: 1/1,
 *   L2 3x3: 0.955/1.3693, L2 5x5: 1/1.4/2.1969, L1 5x5: 1/2/3, C 5x5: 1/1/2), computed
 *   like cv2 in 16.16 fixed point with its two raster passes, so the f32 output is
 *   bit-identical to cv2's. As in cv2, DIST_L1 and DIST_C always use the 3x3 mask (a
 *   larger mask gives the same distances) unless labels are asked for.
 * - SEG_DIST_MASK_PRECISE with SEG_DIST_L2: the exact Euclidean distance (cv2's
 *   Felzenszwalb-Huttenlocher transform). segkit computes the exact squared distance in
 *   integers and returns sqrtf of it, which equals cv2's float result wherever cv2's
 *   float envelope finds the true minimum (all tested inputs: bit-identical); the
 *   documented tolerance is 1e-5 relative.
 * - No zero pixel at all: every pixel gets cv2's "infinity": 8192 for the chamfer masks
 *   and sqrtf(1e15f) = 31622776 for the precise transform.
 *
 * Threading: the precise transform runs in parallel (columns, then rows) over a split
 * that depends only on the image size, so results never depend on the thread count.
 * The chamfer passes are sequential by nature (each pixel depends on the previous one). */
#ifndef SEGKIT_DISTANCE_H
#define SEGKIT_DISTANCE_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { SEG_DIST_L1 = 1, SEG_DIST_L2 = 2, SEG_DIST_C = 3 };
enum { SEG_DIST_MASK_PRECISE = 0, SEG_DIST_MASK_3 = 3, SEG_DIST_MASK_5 = 5 };
enum { SEG_DIST_LABEL_CCOMP = 0, SEG_DIST_LABEL_PIXEL = 1 };

/* dst = distance of every pixel of src (1-channel u8, zero = background) to the nearest
 * zero pixel, identical to cv2.distanceTransform(src, distance_type, mask_size,
 * dstType=...) in OpenCV 4.6.
 * distance_type: SEG_DIST_L1, SEG_DIST_L2 or SEG_DIST_C.
 * mask_size: SEG_DIST_MASK_3, SEG_DIST_MASK_5 or SEG_DIST_MASK_PRECISE (0; exact
 *   Euclidean for L2; L1 and C use the 3x3 mask whatever the size, as cv2 does).
 * dst_type: SEG_F32 (all types), or SEG_U8 with SEG_DIST_L1 only: cv2's saturating
 *   8-bit city-block transform (distances above 255 become 255).
 * dst: allocated when empty (caller frees with seg_image_free), else must be
 *   src's size, 1 channel, dst_type; must not alias src.
 * Errors: SEG_EINVAL (empty image, unknown distance type or mask size, U8 output with a
 * type other than L1), SEG_ETYPE (src not 1-channel u8), SEG_ESIZE (dst mismatch),
 * SEG_ENOMEM. */
SEG_API int seg_distance_transform(const seg_image *src, seg_image *dst, int distance_type,
                                   int mask_size, seg_type dst_type);

/* Distance transform and, in labels (1-channel s32), the label of the nearest zero
 * pixel, identical to cv2.distanceTransformWithLabels in OpenCV 4.6: as in cv2 the 5x5
 * chamfer mask of distance_type is used whatever mask_size says (the precise transform
 * has no label output), and
 * - SEG_DIST_LABEL_CCOMP: zero pixels are numbered by their 8-connected component of
 *   zeros, 1..N in the order cv2.connectedComponents numbers them;
 * - SEG_DIST_LABEL_PIXEL: each zero pixel gets its own label 1..N in raster order.
 * A non-zero pixel gets the label of the zero pixel its chamfer path comes from (cv2's
 * tie order). With no zero pixel, labels are all 0.
 * dst (f32) and labels (s32) follow the output convention (allocated when empty).
 * Errors: as seg_distance_transform, plus SEG_EINVAL for an unknown label_type. */
SEG_API int seg_distance_transform_with_labels(const seg_image *src, seg_image *dst,
                                               seg_image *labels, int distance_type,
                                               int mask_size, int label_type);

#ifdef __cplusplus
}
#endif
#endif
