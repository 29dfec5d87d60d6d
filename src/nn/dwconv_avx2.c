/* The depthwise kernel compiled for AVX2: one 8-lane register per channel block. */
#include "nn/dwconv.h"

#define DW_BLK 8
#define DW_NAME dw8
#include "nn/dwconv_kernel.inc"

void seg__nn_dw8_avx2(void *ctx, int64_t r0, int64_t r1) { dw8(ctx, r0, r1); }
