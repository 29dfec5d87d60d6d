/* GrabCut foreground extraction from a rectangle or a scribble mask, with cv2.grabCut's
 * model (OpenCV 4.6, modules/imgproc/src/grabcut.cpp).
 *
 * Copied from cv2: mask values (SEG_GC_BGD 0, FGD 1, PR_BGD 2, PR_FGD 3) and modes
 * (INIT_WITH_RECT 0, INIT_WITH_MASK 1, EVAL 2, EVAL_FREEZE_MODEL 3); the rectangle is
 * clipped to the image and its inside set to PR_FGD, the rest BGD; two 5-component
 * full-covariance GMMs in BGR (model layout: 1 x 65 doubles = 5 weights, 5 x 3 means,
 * 5 x 9 covariances, exactly cv2's bgdModel/fgdModel, so models move between the two),
 * initialised by k-means++ (10 iterations) on each class's pixels, 0.01 added to the
 * diagonal of a near-singular covariance; beta = 1 / (2 * mean squared colour
 * difference over the 8-neighbour pairs), gamma 50, lambda 450, n-link weights
 * gamma * exp(-beta * |dc|^2) (diagonals / sqrt 2), t-links -log p(colour | GMM) for
 * probable pixels and (0, lambda) / (lambda, 0) for sure ones; each iteration assigns
 * components, re-learns the GMMs (not in EVAL_FREEZE_MODEL), builds the graph and updates
 * only the probable pixels from the min cut.
 *
 * Differences: the min cut is exact (Boykov-Kolmogorov on the grid with float
 * capacities; cv2 uses double), and sure pixels are folded into their neighbours'
 * t-links (their lambda exceeds the sum of their n-links, so they never change side);
 * pixels on a zero-cost tie go to the source (foreground) side. The k-means start uses
 * segkit's k-means with cv::RNG's generator: with `seed` equal to the cv2.setRNGSeed value
 * the starting clusters are cv2's whenever cv2's float centre sums are exact. -log(0)
 * (a colour with zero likelihood) is capped at 1e4 instead of infinity. */
#ifndef SEGKIT_GRABCUT_H
#define SEGKIT_GRABCUT_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { SEG_GC_BGD = 0, SEG_GC_FGD = 1, SEG_GC_PR_BGD = 2, SEG_GC_PR_FGD = 3 };
enum {
    SEG_GC_INIT_WITH_RECT = 0,
    SEG_GC_INIT_WITH_MASK = 1,
    SEG_GC_EVAL = 2,
    SEG_GC_EVAL_FREEZE_MODEL = 3
};
/* Doubles in one GMM model (cv2's 1 x 65 bgdModel / fgdModel). */
#define SEG_GC_MODEL_SIZE 65

typedef struct seg_rect {
    int x, y, width, height;
} seg_rect;

/* A GrabCut session: the two GMMs and the generator, kept between calls so a user can
 * refine the mask with new scribbles and continue (cv2: pass bgdModel/fgdModel back). */
typedef struct seg_grabcut seg_grabcut;

/* Create a session with empty models. seed: the generator's seed for the k-means start
 * (cv::RNG(seed); 0 is cv::RNG's default state). out: set to NULL first; free with
 * seg_grabcut_destroy. Errors: SEG_EINVAL (out NULL), SEG_ENOMEM. */
SEG_API int seg_grabcut_create(seg_grabcut **out, uint64_t seed);

/* Free a session and set *gc to NULL; accepts NULL and *gc == NULL. */
SEG_API void seg_grabcut_destroy(seg_grabcut **gc);

/* Run GrabCut on the session (cv2.grabCut(img, mask, rect, bgdModel, fgdModel, iter_count,
 * mode) with the models held by gc).
 * img: 8-bit 3-channel (BGR, like cv2; any order works, the models follow it).
 * mask: in/out 8-bit 1-channel image of img's size, owned by the caller. With
 *   INIT_WITH_RECT it is overwritten from rect; with INIT_WITH_MASK / EVAL it must hold
 *   only the four SEG_GC_* values. On success probable pixels hold the new labelling.
 * rect: used with INIT_WITH_RECT (clipped to the image; must overlap it).
 * iter_count: iterations (<= 0: only initialise); EVAL_FREEZE_MODEL runs one.
 * Errors: SEG_EINVAL (bad mode, rect outside the image, mask values other than 0..3, one
 *   class without pixels at initialisation, a singular covariance), SEG_ETYPE (img not
 *   u8 x 3, mask not u8 x 1), SEG_ESIZE (mask size), SEG_ENOMEM. On failure the models
 *   are unchanged; the mask may have been re-initialised from rect. */
SEG_API int seg_grabcut_run(seg_grabcut *gc, const seg_image *img, seg_image *mask,
                            seg_rect rect, int iter_count, int mode);

/* Copy the session's models out (bgd, fgd: 65 doubles each, caller-owned; may be NULL),
 * or load them in (models from cv2 or from an earlier session). Errors: SEG_EINVAL. */
SEG_API int seg_grabcut_get_models(const seg_grabcut *gc, double *bgd, double *fgd);
SEG_API int seg_grabcut_set_models(seg_grabcut *gc, const double *bgd, const double *fgd);

/* One call, like cv2.grabCut: bgd_model / fgd_model are in/out arrays of 65 doubles
 * (all zeros = empty), updated on success. Other parameters as seg_grabcut_run. */
SEG_API int seg_grab_cut(const seg_image *img, seg_image *mask, seg_rect rect, double *bgd_model,
                         double *fgd_model, int iter_count, int mode, uint64_t seed);

#ifdef __cplusplus
}
#endif
#endif
