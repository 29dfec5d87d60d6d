/* The depthwise kernel compiled for AVX-512: one 16-lane register per channel block. */
#include "nn/dwconv.h"

#define DW_BLK 16
#define DW_NAME dw16
#include "nn/dwconv_kernel.inc"

void seg__nn_dw16_avx512(void *ctx, int64_t r0, int64_t r1) { dw16(ctx, r0, r1); }
