/* GrabCut's colour GMMs: the arithmetic of OpenCV's GMM class in grabcut.cpp, kept in the
 * same order so that equal statistics give equal models. */
#include "internal.h"
#include "gmm.h"

#include <string.h>

/* Inverse and determinant of component c's covariance (cv2's calcInverseCovAndDeterm). */
static int inverse(seg__gmm *g, int ci, double singular_fix, const char *who)
{
    if (!(g->model[ci] > 0))
        return SEG_OK;
    double *c = g->model + SEG_GMM_K * 4 + 9 * ci;
    double dtrm = c[0] * (c[4] * c[8] - c[5] * c[7]) - c[1] * (c[3] * c[8] - c[5] * c[6]) +
                  c[2] * (c[3] * c[7] - c[4] * c[6]);
    if (dtrm <= 1e-6 && singular_fix > 0) {
        c[0] += singular_fix;
        c[4] += singular_fix;
        c[8] += singular_fix;
        dtrm = c[0] * (c[4] * c[8] - c[5] * c[7]) - c[1] * (c[3] * c[8] - c[5] * c[6]) +
               c[2] * (c[3] * c[7] - c[4] * c[6]);
    }
    if (!(dtrm > 1e-6))
        return seg__fail(SEG_EINVAL, "%s: GMM component %d has a singular covariance "
                         "(determinant %g)", who, ci, dtrm);
    g->det[ci] = dtrm;
    double inv_dtrm = 1.0 / dtrm;
    double *iv = g->inv[ci];
    iv[0] = (c[4] * c[8] - c[5] * c[7]) * inv_dtrm;
    iv[3] = -(c[3] * c[8] - c[5] * c[6]) * inv_dtrm;
    iv[6] = (c[3] * c[7] - c[4] * c[6]) * inv_dtrm;
    iv[1] = -(c[1] * c[8] - c[2] * c[7]) * inv_dtrm;
    iv[4] = (c[0] * c[8] - c[2] * c[6]) * inv_dtrm;
    iv[7] = -(c[0] * c[7] - c[1] * c[6]) * inv_dtrm;
    iv[2] = (c[1] * c[5] - c[2] * c[4]) * inv_dtrm;
    iv[5] = -(c[0] * c[5] - c[2] * c[3]) * inv_dtrm;
    iv[8] = (c[0] * c[4] - c[1] * c[3]) * inv_dtrm;
    g->norm[ci] = 1.0 / __builtin_sqrt(dtrm);
    return SEG_OK;
}

int seg__gmm_load(seg__gmm *g, const double *model, const char *who)
{
    memset(g, 0, sizeof(*g));
    memcpy(g->model, model, sizeof(g->model));
    for (int ci = 0; ci < SEG_GMM_K; ci++) {
        int st = inverse(g, ci, 0.0, who);
        if (st)
            return st;
    }
    return SEG_OK;
}

double seg__gmm_prob(const seg__gmm *g, const double *col)
{
    double res = 0;
    for (int ci = 0; ci < SEG_GMM_K; ci++)
        res += g->model[ci] * seg__gmm_component(g, ci, col);
    return res;
}

int seg__gmm_which(const seg__gmm *g, const double *col)
{
    int k = 0;
    double max = 0;
    for (int ci = 0; ci < SEG_GMM_K; ci++) {
        double p = seg__gmm_component(g, ci, col);
        if (p > max) {
            k = ci;
            max = p;
        }
    }
    return k;
}

void seg__gmm_acc_add(seg__gmm_acc *a, int c, const double *col)
{
    for (int r = 0; r < 3; r++) {
        a->sums[c][r] += col[r];
        for (int k = 0; k < 3; k++)
            a->prods[c][r * 3 + k] += col[r] * col[k];
    }
    a->counts[c]++;
}

void seg__gmm_acc_merge(seg__gmm_acc *dst, const seg__gmm_acc *src)
{
    for (int c = 0; c < SEG_GMM_K; c++) {
        for (int r = 0; r < 3; r++)
            dst->sums[c][r] += src->sums[c][r];
        for (int r = 0; r < 9; r++)
            dst->prods[c][r] += src->prods[c][r];
        dst->counts[c] += src->counts[c];
    }
}

int seg__gmm_learn(seg__gmm *g, const seg__gmm_acc *a, const char *who)
{
    int64_t total = 0;
    for (int ci = 0; ci < SEG_GMM_K; ci++)
        total += a->counts[ci];
    double *coefs = g->model, *mean = g->model + SEG_GMM_K, *cov = g->model + 4 * SEG_GMM_K;
    for (int ci = 0; ci < SEG_GMM_K; ci++) {
        int64_t n = a->counts[ci];
        if (n == 0) {
            coefs[ci] = 0;
            continue;
        }
        double inv_n = 1.0 / (double)n;
        coefs[ci] = (double)n / (double)total;
        double *m = mean + 3 * ci, *c = cov + 9 * ci;
        for (int r = 0; r < 3; r++)
            m[r] = a->sums[ci][r] * inv_n;
        for (int r = 0; r < 3; r++)
            for (int k = 0; k < 3; k++)
                c[r * 3 + k] = a->prods[ci][r * 3 + k] * inv_n - m[r] * m[k];
        int st = inverse(g, ci, 0.01, who);
        if (st)
            return st;
    }
    return SEG_OK;
}
