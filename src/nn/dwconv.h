/* Depthwise convolution on blocked activations (dwconv.c, dwconv_avx512.c). */
#ifndef SEG_NN_DWCONV_H
#define SEG_NN_DWCONV_H

#include "nn/act.h"

#include <stdint.h>

typedef struct seg_dw_ctx {
    const float *in, *w, *bias; /* w packed [cb][kh][kw][blk], bias [cb * blk] */
    float *out;
    int64_t cb, H, W, OH, OW, kh, kw, sh, sw, dh, dw, pt, pl;
    int act;       /* NN_ACT_* (nn/act.h) */
    float lo, hi;
    int add;       /* out holds the residual to add before the activation */
} seg_dw_ctx;

void seg__nn_dw8(void *ctx, int64_t r0, int64_t r1);
void seg__nn_dw16(void *ctx, int64_t r0, int64_t r1);
void seg__nn_dw16_avx512(void *ctx, int64_t r0, int64_t r1);
void seg__nn_dw8_avx2(void *ctx, int64_t r0, int64_t r1);

#endif
