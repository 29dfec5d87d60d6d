/* Gaussian mixture model of BGR colours as OpenCV's GrabCut GMM class (internal). */
#ifndef SEG_GMM_H
#define SEG_GMM_H

#include <stdint.h>

#define SEG_GMM_K 5

/* A model in cv2's 65-double layout (weights[5], means[5][3], covs[5][9]) with the
 * inverse covariances and determinants derived from it. */
typedef struct seg__gmm {
    double model[SEG_GMM_K * 13];
    double inv[SEG_GMM_K][9]; /* inverse covariance, inv[c][r * 3 + k] = cv2's inverseCovs[c][r][k] */
    double norm[SEG_GMM_K];   /* 1 / sqrt(det) */
    double det[SEG_GMM_K];
} seg__gmm;

/* Sample statistics for learning: sums and products per component (exact for integer
 * colours in any order, so partial sums can be merged). */
typedef struct seg__gmm_acc {
    double sums[SEG_GMM_K][3];
    double prods[SEG_GMM_K][9];
    int64_t counts[SEG_GMM_K];
} seg__gmm_acc;

/* Load a model (65 doubles) and derive inverses (cv2's GMM constructor). SEG_EINVAL when a
 * weighted component's covariance determinant is <= 1e-6. */
int seg__gmm_load(seg__gmm *g, const double *model, const char *who);

/* p(colour | component c), 0 for a component of weight 0 (cv2's GMM::operator()(ci, c)). */
static inline double seg__gmm_component(const seg__gmm *g, int c, const double *col)
{
    if (!(g->model[c] > 0))
        return 0;
    const double *m = g->model + SEG_GMM_K + 3 * c, *iv = g->inv[c];
    double d0 = col[0] - m[0], d1 = col[1] - m[1], d2 = col[2] - m[2];
    double mult = d0 * (d0 * iv[0] + d1 * iv[3] + d2 * iv[6]) +
                  d1 * (d0 * iv[1] + d1 * iv[4] + d2 * iv[7]) +
                  d2 * (d0 * iv[2] + d1 * iv[5] + d2 * iv[8]);
    return g->norm[c] * __builtin_exp(-0.5 * mult);
}

/* Mixture density (cv2's GMM::operator()(c)). */
double seg__gmm_prob(const seg__gmm *g, const double *col);
/* Most likely component, 0 when all are 0 (cv2's GMM::whichComponent). */
int seg__gmm_which(const seg__gmm *g, const double *col);

void seg__gmm_acc_add(seg__gmm_acc *a, int c, const double *col);
void seg__gmm_acc_merge(seg__gmm_acc *dst, const seg__gmm_acc *src);
/* Re-estimate the model from the statistics (cv2's endLearning: weights n / total, means,
 * covariances, 0.01 added to the diagonal when det <= 1e-6). SEG_EINVAL if still singular. */
int seg__gmm_learn(seg__gmm *g, const seg__gmm_acc *a, const char *who);

#endif
