/* Colour-statistics segmentation recipes: k-means colour clustering and GrabCut, each one
 * call from a BGR image to the maps the `segkit segment --method kmeans|grabcut` command
 * writes (labels / segmented picture / per-cluster statistics; mask / cutout). */
#ifndef SEGKIT_RECIPES_SEGMENT_H
#define SEGKIT_RECIPES_SEGMENT_H

#include "grabcut.h"
#include "kmeans.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- k-means colour segmentation ----------------------------------------------------- */

enum { SEG_KMSEG_LAB = 0, SEG_KMSEG_BGR = 1, SEG_KMSEG_HSV = 2 };

typedef struct seg_kmseg_options {
    int k;                      /* clusters (default 4) */
    int color_space;            /* SEG_KMSEG_LAB (default), _BGR or _HSV (u8 cv2 scales) */
    int attempts;               /* default 3 */
    seg_term_criteria criteria; /* default {COUNT | EPS, 10, 1.0} */
    int flags;                  /* default SEG_KMEANS_PP_CENTERS */
    uint64_t seed;              /* default 0 (cv::RNG's default state) */
    float xy_weight;            /* > 0: add x, y (in pixels) times this weight as features */
} seg_kmseg_options;

/* Fill o with the defaults above. */
SEG_API void seg_kmseg_options_default(seg_kmseg_options *o);

typedef struct seg_kmseg_result {
    seg_image labels;    /* S32, 1 channel: cluster 0..k-1 per pixel */
    seg_image segmented; /* U8 BGR: each pixel the colour of its cluster centre */
    int k;
    float *centers;      /* k x 3: centre colours in the chosen colour space (u8 scale) */
    uint8_t *centers_bgr; /* k x 3: the centres rounded and converted back to BGR */
    int64_t *counts;     /* k: pixels per cluster */
    double compactness;
} seg_kmseg_result;

/* BGR -> colour space -> k-means over the pixels (plus optional x, y) -> label map.
 * bgr: U8, 3 channels. opt: NULL for the defaults. out: set empty first; on success owns
 * its images and arrays, release with seg_kmseg_result_free.
 * Errors: as seg_cvt_color and seg_kmeans (SEG_ETYPE for a non-BGR image, SEG_EINVAL
 * for k outside 1..pixels or an unknown colour space), SEG_ENOMEM. */
SEG_API int seg_segment_kmeans(const seg_image *bgr, const seg_kmseg_options *opt,
                               seg_kmseg_result *out);
SEG_API void seg_kmseg_result_free(seg_kmseg_result *r);

/* ---- GrabCut ------------------------------------------------------------------------- */

typedef struct seg_gcseg_options {
    seg_rect rect;            /* used when mask is NULL: the subject's rectangle */
    const seg_image *mask;    /* optional U8 1-channel scribble mask, values SEG_GC_* 0..3
                               * (GC_INIT_WITH_MASK); takes precedence over rect */
    int iterations;           /* default 5 */
    uint64_t seed;            /* default 0 */
} seg_gcseg_options;

SEG_API void seg_gcseg_options_default(seg_gcseg_options *o);

typedef struct seg_gcseg_result {
    seg_image mask;     /* U8: 255 foreground (GC_FGD / GC_PR_FGD), 0 background */
    seg_image labels;   /* U8: the four-class GrabCut mask (SEG_GC_* values) */
    seg_image cutout;   /* U8 BGRA: the image, alpha 0 on the background */
    int64_t fg_pixels;
    seg_rect bbox;      /* bounding box of the foreground (0 size when empty) */
    double bgd_model[SEG_GC_MODEL_SIZE], fgd_model[SEG_GC_MODEL_SIZE];
} seg_gcseg_result;

/* GrabCut from a rectangle or a scribble mask to a binary mask and a cutout.
 * bgr: U8, 3 channels. opt: required (a rectangle or a mask). out: set empty first; on
 * success owns its images, release with seg_gcseg_result_free.
 * Errors: as seg_grabcut_run, SEG_ENOMEM. */
SEG_API int seg_segment_grabcut(const seg_image *bgr, const seg_gcseg_options *opt,
                                seg_gcseg_result *out);
SEG_API void seg_gcseg_result_free(seg_gcseg_result *r);

#ifdef __cplusplus
}
#endif
#endif
