/* The u8 box filter's kernels (box_impl.h) compiled with AVX2: the loops are integer
 * only, so the compiler's vectorised code gives exactly the plain results. */
#include "box_impl.h"

void seg__box_h_u8_16_avx2(const seg__sep *f, const void *srow, void *hrow)
{
    box_h_u8_16(f, srow, hrow);
}

void seg__box_v_u8_16_avx2(const seg__sep *f, const void *const *rows, const void *departed,
                           void *state, void *drow)
{
    box_v_u8_16(f, rows, departed, state, drow);
}
