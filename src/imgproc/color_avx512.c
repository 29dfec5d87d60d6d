#include "color_internal.h"
void seg__cvt_lab_from_u8_avx512(const void *src, void *dst, int n, const seg__cvt *c)
{
    seg__cvt_lab_from_u8(src, dst, n, c);
}
