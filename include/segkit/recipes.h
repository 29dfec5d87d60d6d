/* Classical segmentation recipes as one call each (Otsu, watershed), and what they share: turning a label
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

/* ---- watershed recipe (src/tasks/watershed_recipe.c) -------------------------------
 * The seed's marker watershed (OpenCV's "Image Segmentation with Watershed Algorithm"):
 *   gray = cvtColor(image, BGR2GRAY)
 *   th = threshold(gray, 0, 255, THRESH_BINARY_INV | THRESH_OTSU)      (invert, Otsu)
 *     or adaptiveThreshold(gray, 255, MEAN_C / GAUSSIAN_C, type, block_size, c)
 *     or threshold(gray, thresh, 255, type)                          (thresh_method)
 *   th = morphologyEx(th, MORPH_CLOSE, ones(k, k), iterations=close_iterations)  (if > 0)
 *   opening = morphologyEx(th, MORPH_OPEN, ones(k, k), iterations=open_iterations)
 *   sure_bg = dilate(opening, ones(k, k), iterations=dilate_iterations)
 *   dist = distanceTransform(opening, dist_type, dist_mask)
 *   sure_fg = dist > fg_fraction * max(dist)
 *   unknown = sure_bg - sure_fg
 *   markers = connectedComponents(sure_fg) + 1; markers[unknown] = 0
 *   watershed(image, markers)
 * Every step goes through segkit's cv2-identical functions, so the markers equal those
 * of the same recipe written with cv2 (tests/python/test_watershed_recipe.py). */
enum {
    SEG_WATERSHED_THRESH_OTSU = 0,     /* Otsu's global threshold (the seed's) */
    SEG_WATERSHED_THRESH_MEAN = 1,     /* adaptiveThreshold, ADAPTIVE_THRESH_MEAN_C */
    SEG_WATERSHED_THRESH_GAUSSIAN = 2, /* adaptiveThreshold, ADAPTIVE_THRESH_GAUSSIAN_C */
    SEG_WATERSHED_THRESH_FIXED = 3     /* threshold at `thresh` */
};

/* Layout: the last five fields were appended in 0.1.0, before any release; bindings
 * compare their mirror with seg_watershed_recipe_options_size(). Always start from
 * seg_watershed_recipe_defaults(). */
typedef struct seg_watershed_recipe_options {
    int invert;            /* 1: objects darker than the background (THRESH_BINARY_INV,
                              the seed's choice); 0: brighter (THRESH_BINARY); -1: auto,
                              the binary mask, or 255 minus it if that has fewer pixels set */
    int ksize;             /* side of the square structuring element (3) */
    int open_iterations;   /* opening iterations (2) */
    int dilate_iterations; /* dilations for the sure background (3) */
    int dist_type;         /* SEG_DIST_L1 / L2 / C (SEG_DIST_L2) */
    int dist_mask;         /* SEG_DIST_MASK_3 / 5 / PRECISE (SEG_DIST_MASK_5) */
    double fg_fraction;    /* sure foreground: distance > fg_fraction * max (0.5) */
    int thresh_method;     /* SEG_WATERSHED_THRESH_* (OTSU) */
    int block_size;        /* MEAN / GAUSSIAN: odd neighbourhood side >= 3 (11) */
    double c;              /* MEAN / GAUSSIAN: constant subtracted from the local mean, as
                              cv2's C; negative keeps pixels brighter than the mean (2) */
    double thresh;         /* FIXED: the threshold (127) */
    int close_iterations;  /* closing (same element) before the opening; 0: none (0) */
} seg_watershed_recipe_options;

/* The defaults above (the seed's recipe with fraction 0.5). */
SEG_API seg_watershed_recipe_options seg_watershed_recipe_defaults(void);

/* sizeof(seg_watershed_recipe_options), so bindings can check their mirror of it. */
SEG_API size_t seg_watershed_recipe_options_size(void);

/* Run the recipe on image (u8; 3-channel BGR, 4-channel BGRA or 1-channel gray; a gray
 * image is flooded as its GRAY2BGR copy).
 * markers: s32 output of image's size (allocated when empty, caller frees with
 *   seg_image_free), cv2's convention after the watershed: -1 on boundaries and on the
 *   image's outer frame, 1 for the background, 2 .. n_objects + 1 for the objects.
 * n_objects: optional out, the number of sure-foreground components (objects).
 * opts: NULL for the defaults.
 * Errors: SEG_EINVAL (bad options: ksize < 1, iterations < 0, fraction outside [0, 1),
 * unknown threshold method, even or < 3 block size, NaN c or thresh, unknown distance
 * type or mask), SEG_ETYPE (not u8 1/3/4 channels), SEG_ESIZE,
 * SEG_ENOMEM, or the failing step's status (its message names the step). */
SEG_API int seg_segment_watershed(const seg_image *image,
                                  const seg_watershed_recipe_options *opts,
                                  seg_image *markers, int *n_objects);

#ifdef __cplusplus
}
#endif
#endif
