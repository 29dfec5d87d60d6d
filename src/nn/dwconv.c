/* Depthwise convolution on nChw8c / nChw16c in plain C (the oracle for the ISA builds). */
#include "nn/dwconv.h"

#define DW_BLK 8
#define DW_NAME dw8
#include "nn/dwconv_kernel.inc"
#undef DW_BLK
#undef DW_NAME
#define DW_BLK 16
#define DW_NAME dw16
#include "nn/dwconv_kernel.inc"

void seg__nn_dw8(void *ctx, int64_t r0, int64_t r1) { dw8(ctx, r0, r1); }
void seg__nn_dw16(void *ctx, int64_t r0, int64_t r1) { dw16(ctx, r0, r1); }
