/* Matrix products: oneDNN's sgemm per tile of C, or plain loops as the oracle. */
#include "nn/gemm.h"
#include "internal.h"

#include <dnnl.h>
#include <omp.h>

typedef struct gemm_ctx {
    bool ta, tb, by_rows;
    int64_t M, N, K, lda, ldb, ldc;
    const float *A, *B;
    float *C;
} gemm_ctx;

static float a_at(const gemm_ctx *c, int64_t i, int64_t k)
{
    return c->ta ? c->A[k * c->lda + i] : c->A[i * c->lda + k];
}

static float b_at(const gemm_ctx *c, int64_t k, int64_t j)
{
    return c->tb ? c->B[j * c->ldb + k] : c->B[k * c->ldb + j];
}

/* Rows [i0, i1) x columns [j0, j1) of C. */
static void tile(const gemm_ctx *c, int64_t i0, int64_t i1, int64_t j0, int64_t j1)
{
    if (!seg_use_optimized()) {
        for (int64_t i = i0; i < i1; i++)
            for (int64_t j = j0; j < j1; j++) {
                float acc = 0;
                for (int64_t k = 0; k < c->K; k++)
                    acc += a_at(c, i, k) * b_at(c, k, j);
                c->C[i * c->ldc + j] = acc;
            }
        return;
    }
    const float *a = c->ta ? c->A + i0 : c->A + i0 * c->lda;
    const float *b = c->tb ? c->B + j0 * c->ldb : c->B + j0;
    omp_set_num_threads(1);
    dnnl_sgemm(c->ta ? 'T' : 'N', c->tb ? 'T' : 'N', i1 - i0, j1 - j0, c->K, 1.0f, a, c->lda, b,
               c->ldb, 0.0f, c->C + i0 * c->ldc + j0, c->ldc);
}

static void gemm_range(void *vc, int64_t b, int64_t e)
{
    const gemm_ctx *c = vc;
    if (c->by_rows)
        tile(c, b, e, 0, c->N);
    else
        tile(c, 0, c->M, b, e);
}

void seg__nn_gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                  const float *B, int64_t ldb, float *C, int64_t ldc)
{
    if (M <= 0 || N <= 0)
        return;
    if (K <= 0) {
        for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++)
                C[i * ldc + j] = 0;
        return;
    }
    gemm_ctx c = {ta, tb, M >= 128, M, N, K, lda, ldb, ldc, A, B, C};
    /* tiles depend on the shape alone: one sgemm per row band, or per column band when
     * there are few rows */
    if (c.by_rows)
        seg__parallel_for(M, seg__grain(M, 64), gemm_range, &c);
    else
        seg__parallel_for(N, seg__grain(N, 256), gemm_range, &c);
}
