/* k-means clustering of N x d float points, with cv2.kmeans's semantics (OpenCV 4.6,
 * modules/core/src/kmeans.cpp).
 *
 * What is copied from cv2 exactly: the flags and their values, k-means++ seeding with 3
 * local trials per centre, random centres drawn in the data's bounding box widened by
 * 1/d on each side, the clamping of the criteria (max_iter clamped to [2, 100], 100
 * without SEG_TERM_MAX_ITER; epsilon FLT_EPSILON without SEG_TERM_EPS; iteration stops
 * when the largest squared centre shift <= epsilon^2), empty-cluster repair (the
 * farthest point of the biggest cluster becomes a one-point cluster), the last
 * iteration not re-assigning labels, K == 1 running one attempt of two iterations, and
 * the best attempt (smallest compactness, first on ties) being returned.
 *
 * Random numbers: segkit uses the same multiply-with-carry generator as cv::RNG
 * (state = (uint32)state * 4164903690 + (state >> 32); seed 0 means 0xffffffff), drawn
 * in the same order as cv2. So segkit with seed s and cv2 after cv2.setRNGSeed(s) pick
 * the same random centres; k-means++ picks the same seeds too, except that segkit sums
 * the distances in fixed pieces (cv2: one serial sum), which can change a pick only
 * when a draw falls within rounding error of a boundary.
 *
 * Arithmetic: point-centre distances are float, summed over dimensions in order like
 * cv::hal::normL2Sqr_ for d < 16 (bit-identical to cv2 there); centre sums are
 * accumulated per fixed piece (float over runs of at most 64 points per lane, then
 * double) and reduced in piece order, so results never depend on the thread count and
 * the SIMD path equals the plain path bit for bit. cv2 accumulates each centre as one
 * serial float sum; where that sum is exact (e.g. integer-valued data whose per-cluster
 * sums stay below 2^24) centres and labels are identical to cv2's given the same start
 * (tested); otherwise centres differ by float rounding (relative ~1e-6) and a label can
 * differ for a point equidistant within that rounding. */
#ifndef SEGKIT_KMEANS_H
#define SEGKIT_KMEANS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flags (cv2's values; SEG_KMEANS_USE_INITIAL_CENTERS is segkit's addition). */
enum {
    SEG_KMEANS_RANDOM_CENTERS = 0,
    SEG_KMEANS_USE_INITIAL_LABELS = 1,
    SEG_KMEANS_PP_CENTERS = 2,
    SEG_KMEANS_USE_INITIAL_CENTERS = 4
};

/* Termination criteria type bits (cv2.TERM_CRITERIA_*). */
enum { SEG_TERM_COUNT = 1, SEG_TERM_MAX_ITER = 1, SEG_TERM_EPS = 2 };

typedef struct seg_term_criteria {
    int type;       /* SEG_TERM_COUNT and/or SEG_TERM_EPS */
    int max_iter;   /* used with SEG_TERM_COUNT; clamped to [2, 100] as cv2 */
    double epsilon; /* used with SEG_TERM_EPS; compared with the squared centre shift as eps^2 */
} seg_term_criteria;

/* Cluster n points of `dims` floats into k clusters (cv2.kmeans).
 * data: n rows of dims floats, rows `row_stride` bytes apart (0: packed); all finite.
 * k: 1..n. criteria: NULL means {COUNT|EPS, 100, FLT_EPSILON}. attempts: < 1 means 1.
 * flags: SEG_KMEANS_RANDOM_CENTERS or SEG_KMEANS_PP_CENTERS, optionally with
 *   SEG_KMEANS_USE_INITIAL_LABELS (attempt 0 starts from the centres of `labels`) or
 *   SEG_KMEANS_USE_INITIAL_CENTERS (attempt 0 starts from `centers`); later attempts
 *   draw their start with the generator.
 * seed: the generator's seed (cv::RNG(seed); 0 is cv::RNG's default state).
 * labels: in/out, n int32 owned by the caller (read with USE_INITIAL_LABELS, values in
 *   0..k-1); on success the labels of the best attempt.
 * centers: in/out, k * dims floats owned by the caller (read with USE_INITIAL_CENTERS);
 *   on success the best attempt's centres.
 * compactness: out (may be NULL), sum over points of the squared distance to their centre.
 * Errors: SEG_EINVAL (NULL pointers, k outside 1..n, dims < 1, stride too small,
 *   non-finite data, labels out of range, both USE_INITIAL flags), SEG_EOVERFLOW,
 *   SEG_ENOMEM. On failure labels and centers may have been partly written. */
SEG_API int seg_kmeans(const float *data, int n, int dims, size_t row_stride, int k,
                       const seg_term_criteria *criteria, int attempts, int flags,
                       uint64_t seed, int32_t *labels, float *centers, double *compactness);

#ifdef __cplusplus
}
#endif
#endif
