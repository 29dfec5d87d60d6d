/* Classical segmentation recipes as one call each, and what they share: turning a label
 * map into objects (box, area, centroid, outline) and writing them as JSON.
 * (k-means and GrabCut recipes: recipes_segment.h.) */
#ifndef SEGKIT_RECIPES_H
#define SEGKIT_RECIPES_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One labelled object. */
typedef struct seg_object {
    int id;                 /* its label */
    int x, y, w, h;         /* bounding box */
    int64_t area;           /* pixels */
    double cx, cy;          /* centroid (mean pixel coordinates) */
    int n_points;           /* outer contour (cv2.findContours RETR_EXTERNAL,
                               CHAIN_APPROX_SIMPLE of the object's pixels; the largest one
                               when the object is in several pieces) */
    const int32_t *points;  /* 2 * n_points values x0, y0, x1, y1, ... */
} seg_object;

typedef struct seg_objects {
    int count;
    seg_object *objects; /* by increasing id; everything in one allocation */
} seg_objects;

/* The objects of a label map (s32 or u16, 1 channel; 0 and negative values, such as the
 * watershed's -1 boundaries, are background). *out is NULL on failure; free with
 * seg_objects_free. Errors: SEG_EINVAL, SEG_ETYPE, SEG_ELIMIT (more than 2^24 labels),
 * SEG_ENOMEM. */
SEG_API int seg_objects_from_labels(const seg_image *labels, seg_objects **out);
SEG_API void seg_objects_free(seg_objects *objects);

/* JSON text {"image": name, "width", "height", "count", "objects": [{"id", "bbox": [x, y,
 * w, h], "area", "centroid": [x, y], "polygon": [[x, y], ...]}, ...]} (name may be NULL).
 * *json is released with seg_free. */
SEG_API int seg_objects_to_json(const seg_objects *objects, const char *name, int width,
                                int height, char **json);

/* ---- the Otsu recipe ---- */

typedef struct seg_otsu_options {
    int blur_ksize;      /* Gaussian kernel (odd; 0: no blur) [5] */
    double blur_sigma;   /* [0: from the size, as cv2] */
    int invert;          /* objects darker than the background: THRESH_BINARY_INV [0] */
    int open_shape;      /* SEG_MORPH_RECT / CROSS / ELLIPSE [ELLIPSE] */
    int open_size;       /* opening kernel size (0: no opening) [5] */
    int open_iterations; /* [1] */
    int connectivity;    /* 4 or 8 [8] */
    int64_t min_area;    /* drop smaller components [0] */
    int64_t max_area;    /* drop larger ones (< 0: no limit) [-1] */
} seg_otsu_options;

SEG_API void seg_otsu_options_default(seg_otsu_options *o);

typedef struct seg_otsu_result {
    seg_image mask;   /* u8 0/255 after the opening */
    seg_image labels; /* s32 components after the area filter (0 = background) */
    int count;        /* objects kept */
    double threshold; /* the value Otsu chose */
} seg_otsu_result;

/* gray (BGR/BGRA input converted as cv2.cvtColor) -> GaussianBlur -> Otsu threshold
 * (inverted if asked) -> open -> connected components with stats -> area filter: the
 * same steps, each identical to its cv2 call, as the classic OpenCV recipe. result's
 * images are allocated (free with seg_otsu_result_free). */
SEG_API int seg_segment_otsu(const seg_image *image, const seg_otsu_options *opt,
                             seg_otsu_result *result);
SEG_API void seg_otsu_result_free(seg_otsu_result *result);

#ifdef __cplusplus
}
#endif
#endif
