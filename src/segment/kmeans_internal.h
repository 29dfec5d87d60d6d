/* Shared between kmeans.c and its AVX2 kernel; not API. */
#ifndef SEG_KMEANS_INTERNAL_H
#define SEG_KMEANS_INTERNAL_H

#include <segkit/kmeans.h>
#include <stdint.h>

/* seg_kmeans with the generator's state passed in and updated (cv::RNG state, never 0),
 * so a caller can draw several clusterings from one stream as cv2 does with theRNG(). */
int seg__kmeans_rng(const float *data, int n, int dims, size_t row_stride, int k,
                    const seg_term_criteria *criteria, int attempts, int flags,
                    uint64_t *rng_state, int32_t *labels, float *centers, double *compactness);

/* Centre sums are accumulated per piece in 8 float lanes (lane = (i - piece begin) % 8)
 * and flushed into doubles every SEG_KM_FLUSH points of the piece, lanes in order; the
 * plain and the SIMD kernels follow this same scheme so they agree bit for bit. */
#define SEG_KM_LANES 8
#define SEG_KM_FLUSH 512
/* The AVX2 kernel keeps its sums in registers for up to this many clusters. */
#define SEG_KM_AVX2_MAXK 16

/* Add facc (k*d*8 floats, [(c*d+j)*8 + lane]) into dacc (k*d doubles), lanes in order,
 * and zero facc. */
static inline void seg__km_flush(float *facc, double *dacc, int kd)
{
    for (int q = 0; q < kd; q++) {
        for (int l = 0; l < SEG_KM_LANES; l++) {
            dacc[q] += facc[q * SEG_KM_LANES + l];
            facc[q * SEG_KM_LANES + l] = 0.f;
        }
    }
}

/* d = 3, k <= SEG_KM_AVX2_MAXK: label points [b, e) of the SoA arrays x, y, z by their
 * nearest centre (centers: k*3), add them to facc/dacc/cnt like the plain kernel. Handles
 * whole groups of 8 from b only and returns the index where it stopped; facc must be
 * zero on entry and holds the unflushed lanes on return. */
int64_t seg__kmeans_assign3_avx2(const float *x, const float *y, const float *z, int64_t b,
                                 int64_t e, const float *centers, int k, int32_t *labels,
                                 float *facc, double *dacc, int64_t *cnt);

/* d = 3: k-means++ distances of points [b, e) to `center`, tdist = min(dist, that)
 * (dist may be NULL), summed into 8 double lanes (lanes[l] gets points with
 * (i - b) % 8 == l); whole groups of 8 only, returns where it stopped. */
int64_t seg__kmeans_pp3_avx2(const float *x, const float *y, const float *z, int64_t b,
                             int64_t e, const float *center, const float *dist, float *tdist,
                             double *lanes);
/* d = 3, k <= 8: distances to the labelled centres summed into 8 double lanes as above. */
int64_t seg__kmeans_compact3_avx2(const float *x, const float *y, const float *z,
                                  const int32_t *labels, int64_t b, int64_t e,
                                  const float *centers, int k, double *lanes);

#endif
