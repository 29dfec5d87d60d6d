/* IEEE half precision and bfloat16 <-> float32, for f16 weights and Cast. */
#ifndef SEG_NN_HALF_H
#define SEG_NN_HALF_H

#include <stdint.h>

float seg__half_to_float(uint16_t h);
/* Round to nearest even, as numpy's astype(float16); overflow gives infinity, NaN stays
 * NaN. */
uint16_t seg__float_to_half(float f);
float seg__bf16_to_float(uint16_t b);
/* Round to nearest even on the dropped 16 bits; NaN stays NaN. */
uint16_t seg__float_to_bf16(float f);

#endif
