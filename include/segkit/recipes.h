/* Whole segmentation recipes as one call each (src/tasks/). Each recipe is a plain
 * function over the lower-level public API, so a C user can also call the pieces. */
#ifndef SEGKIT_RECIPES_H
#define SEGKIT_RECIPES_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- watershed recipe (src/tasks/watershed_recipe.c) -------------------------------
 * The seed's marker watershed (OpenCV's "Image Segmentation with Watershed Algorithm"):
 *   gray = cvtColor(image, BGR2GRAY)
 *   th = threshold(gray, 0, 255, THRESH_BINARY_INV | THRESH_OTSU)      (invert)
 *   opening = morphologyEx(th, MORPH_OPEN, ones(k, k), iterations=open_iterations)
 *   sure_bg = dilate(opening, ones(k, k), iterations=dilate_iterations)
 *   dist = distanceTransform(opening, dist_type, dist_mask)
 *   sure_fg = dist > fg_fraction * max(dist)
 *   unknown = sure_bg - sure_fg
 *   markers = connectedComponents(sure_fg) + 1; markers[unknown] = 0
 *   watershed(image, markers)
 * Every step goes through segkit's cv2-identical functions, so the markers equal those
 * of the same recipe written with cv2 (tests/python/test_watershed_recipe.py). */
typedef struct seg_watershed_recipe_options {
    int invert;            /* 1: objects darker than the background (THRESH_BINARY_INV,
                              the seed's choice); 0: brighter (THRESH_BINARY); -1: auto,
                              whichever makes the objects the smaller part */
    int ksize;             /* side of the square structuring element (3) */
    int open_iterations;   /* opening iterations (2) */
    int dilate_iterations; /* dilations for the sure background (3) */
    int dist_type;         /* SEG_DIST_L1 / L2 / C (SEG_DIST_L2) */
    int dist_mask;         /* SEG_DIST_MASK_3 / 5 / PRECISE (SEG_DIST_MASK_5) */
    double fg_fraction;    /* sure foreground: distance > fg_fraction * max (0.5) */
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
 * unknown distance type or mask), SEG_ETYPE (not u8 1/3/4 channels), SEG_ESIZE,
 * SEG_ENOMEM, or the failing step's status (its message names the step). */
SEG_API int seg_segment_watershed(const seg_image *image,
                                  const seg_watershed_recipe_options *opts,
                                  seg_image *markers, int *n_objects);

#ifdef __cplusplus
}
#endif
#endif
