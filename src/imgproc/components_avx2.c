/* AVX2 build of the label-writing loop of components.c (same C, compiled with -mavx2 so
 * the compiler vectorises it 8 labels at a time); the plain build is the oracle. */
#include "internal.h"

void seg__cc_write_row_avx2(int32_t *restrict dst, const uint8_t *restrict src,
                            const int32_t *restrict lab, int w);

void seg__cc_write_row_avx2(int32_t *restrict dst, const uint8_t *restrict src,
                            const int32_t *restrict lab, int w)
{
    for (int x = 0; x < w; x++)
        dst[x] = lab[x] & -(int32_t)(src[x] != 0);
}
