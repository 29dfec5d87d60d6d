/* Marker-based watershed, in the two flavours people use:
 *
 * - seg_watershed: OpenCV 4.6's cv2.watershed (Meyer's flooding on a colour image with
 *   256 FIFO buckets). Identical labels to cv2, queue order included.
 * - seg_watershed_skimage: scikit-image 0.19's skimage.segmentation.watershed on a
 *   gray image of any type (a priority queue ordered by pixel value, then by time of
 *   entry), with 4/8-connectivity, an optional mask, compact watershed and watershed
 *   lines. Identical labels to skimage, including its binary heap's order among
 *   equal-valued markers.
 *
 * Both are sequential (flooding is inherently ordered); results never depend on the
 * thread count. */
#ifndef SEGKIT_WATERSHED_H
#define SEGKIT_WATERSHED_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cv2.watershed(image, markers) of OpenCV 4.6, in place on markers.
 * image: 3-channel u8 (any channel order; the priority of a pixel entering the queue is
 *   the largest absolute per-channel difference to the labelled pixel it is reached
 *   from, 0..255).
 * markers: in/out, 1-channel s32 of image's size. In: > 0 are seeds, everything else
 *   unknown. Out, as cv2: the 1-pixel outer frame is set to -1 first; interior
 *   negative values become 0; pixels are flooded 4-connected from the seeds with 256
 *   FIFO queues in cv2's exact order; a pixel reached from two different labels
 *   becomes -1 (boundary). When no seed touches an unknown pixel the markers are left
 *   with just the frame set (as cv2 does).
 * Errors: SEG_EINVAL (empty image/markers), SEG_ETYPE (image not 3-channel u8, markers
 * not 1-channel s32), SEG_ESIZE (sizes differ), SEG_ENOMEM. */
SEG_API int seg_watershed(const seg_image *image, seg_image *markers);

/* skimage.segmentation.watershed(image, markers, connectivity, mask=mask,
 * compactness=compactness, watershed_line=watershed_line) of scikit-image 0.19.
 * image: 1-channel u8, u16, s32, f32 or f64 (compared as float64, as skimage converts
 *   it); NaN is refused (skimage's order is undefined there).
 * markers: 1-channel s32 of image's size; non-zero = seed with that label (markers
 *   outside the mask are ignored, as skimage multiplies them by the mask).
 * mask: optional (NULL = everywhere) 1-channel u8 of image's size, non-zero = flood.
 * out: s32 labels (allocated when empty, caller frees with seg_image_free; may be the
 *   markers image itself to work in place). Pixels no seed reaches, pixels outside the
 *   mask and, with watershed_line, the one-pixel lines between regions are 0.
 * connectivity: 1 (4 neighbours) or 2 (8 neighbours), in skimage's neighbour order.
 * compactness: >= 0; > 0 is the compact watershed (priority = value + compactness *
 *   Euclidean distance to the seed the pixel is reached from).
 * Errors: SEG_EINVAL (empty input, bad connectivity, negative or non-finite
 * compactness, NaN in the image), SEG_ETYPE, SEG_ESIZE (sizes differ), SEG_ENOMEM. */
SEG_API int seg_watershed_skimage(const seg_image *image, const seg_image *markers,
                                  const seg_image *mask, seg_image *out, int connectivity,
                                  double compactness, int watershed_line);

/* skimage.morphology.local_minima(image, connectivity) of scikit-image 0.19 (allow_borders
 * on): out[y][x] = 1 where the pixel belongs to a regional minimum, a plateau (pixels of
 * one value connected under the connectivity) whose every neighbour is strictly greater,
 * a neighbour outside the image counting as the image's maximum. Labelled in raster
 * order (seg_connected_components, SEG_CC_ORDER_RASTER) these are watershed_skimage's
 * default markers.
 * image: 1-channel u8, u16, s32, f32 or f64; NaN is refused. connectivity: 1 or 2.
 * out: u8 (allocated when empty, caller frees with seg_image_free; else must match).
 * Errors: SEG_EINVAL, SEG_ETYPE, SEG_ESIZE, SEG_ELIMIT, SEG_ENOMEM. */
SEG_API int seg_local_minima(const seg_image *image, int connectivity, seg_image *out);

#ifdef __cplusplus
}
#endif
#endif
