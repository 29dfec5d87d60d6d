/* Connected-component labelling with per-component statistics.
 *
 * seg_connected_components gives the same labels as cv2.connectedComponentsWithStats in
 * OpenCV 4.6 with its default algorithm (Spaghetti/BBDT on 2x2 blocks for 8-connectivity,
 * SAUF for 4-connectivity): label 0 is the background, components are numbered 1..n-1 in
 * the order cv2 creates them, i.e. by the first 2x2 block (8-connectivity; blocks in
 * raster order, block (x/2, y/2)) or the first pixel (4-connectivity) in raster order.
 * SEG_CC_ORDER_RASTER instead numbers components by their first pixel in raster order,
 * the order of scikit-image's skimage.measure.label. Stats and centroids follow cv2:
 * left, top, width, height, area per label (label 0 = the background pixels, with
 * left = -1, top = INT32_MAX, width = height = area = 0 and NaN centroid when there is no
 * background, as cv2 reports it).
 *
 * The labeller is run-based union-find (the run-based two-scan family): rows are cut
 * into runs of foreground pixels, a run takes the labels of the touching runs above,
 * statistics are gathered per run in the same pass, per provisional label, and merged
 * at the end; bands of rows are labelled in parallel and joined along their borders; a
 * second pass fills each run with its final label. The final numbering is canonical
 * (defined by the image alone), so labels never depend on the thread count. */
#ifndef SEGKIT_COMPONENTS_H
#define SEGKIT_COMPONENTS_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Column order of the stats table, with cv2's values (cv2.CC_STAT_*). */
enum {
    SEG_CC_STAT_LEFT = 0,
    SEG_CC_STAT_TOP = 1,
    SEG_CC_STAT_WIDTH = 2,
    SEG_CC_STAT_HEIGHT = 3,
    SEG_CC_STAT_AREA = 4,
    SEG_CC_STAT_MAX = 5
};

/* Label numbering. */
enum {
    SEG_CC_ORDER_CV2 = 0,   /* cv2.connectedComponents' numbering (default) */
    SEG_CC_ORDER_RASTER = 1 /* by first pixel in raster order (skimage.measure.label) */
};

/* Per-label statistics, in one allocation (free with seg_components_free). Row i
 * describes label i; row 0 is the background. */
typedef struct seg_components {
    int count;          /* number of labels including the background */
    int32_t *stats;     /* count x SEG_CC_STAT_MAX: left, top, width, height, area */
    double *centroids;  /* count x 2: x, y (mean pixel coordinates) */
    int64_t *sums;      /* count x 2: exact sums of x and y (centroid = sum / area) */
} seg_components;

/* Label the connected non-zero regions of src.
 * src: u8, 1 channel (any non-zero value is foreground).
 * connectivity: 4 or 8. order: SEG_CC_ORDER_CV2 or SEG_CC_ORDER_RASTER.
 * labels: s32 1-channel output, same size (allocated when labels->data is NULL).
 * stats: optional (NULL to skip); set to NULL first, then to a new seg_components the
 *        caller frees with seg_components_free.
 * Returns the number of labels including the background (>= 1), or a negative status:
 * SEG_EINVAL, SEG_ETYPE, SEG_ESIZE, SEG_ENOMEM, SEG_EOVERFLOW. */
SEG_API int seg_connected_components(const seg_image *src, int connectivity, int order,
                                     seg_image *labels, seg_components **stats);

/* Free what seg_connected_components returned. Accepts NULL. */
SEG_API void seg_components_free(seg_components *comps);

/* Drop the components whose area is below min_area or above max_area (max_area < 0:
 * no upper limit): their pixels become background (0), the remaining labels are
 * renumbered 1..k keeping their order, and comps is updated in place (rows compacted,
 * the background row recomputed). labels and comps must come from the same call.
 * Returns the new number of labels including the background, or a negative status. */
SEG_API int seg_components_filter_area(seg_image *labels, seg_components *comps,
                                       int64_t min_area, int64_t max_area);

#ifdef __cplusplus
}
#endif
#endif
