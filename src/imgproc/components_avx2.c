/* AVX2 build of the run-filling loop of components.c (the same C, compiled with -mavx2
 * so the compiler stores 8 labels at a time); the plain build is the oracle. */
#include "internal.h"

void seg__cc_fill_row_avx2(int32_t *restrict dst, int x0, int x1, int32_t v);

void seg__cc_fill_row_avx2(int32_t *restrict dst, int x0, int x1, int32_t v)
{
    for (int x = x0; x <= x1; x++)
        dst[x] = v;
}
