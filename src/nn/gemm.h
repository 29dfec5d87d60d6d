/* Single-precision matrix products for MatMul, Gemm and ConvTranspose. */
#ifndef SEG_NN_GEMM_H
#define SEG_NN_GEMM_H

#include <stdbool.h>
#include <stdint.h>

/* C[M,N] = op(A)[M,K] * op(B)[K,N], row-major with leading dimensions lda/ldb/ldc
 * (op = transpose when ta/tb). oneDNN's sgemm on fixed tiles of C spread over segkit's
 * threads (one oneDNN thread each), so the result does not depend on the thread count;
 * the plain loops (seg_set_use_optimized(0)) are its test oracle. */
void seg__nn_gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                  const float *B, int64_t ldb, float *C, int64_t ldc);

#endif
