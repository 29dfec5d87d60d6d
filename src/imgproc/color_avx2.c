/* AVX2 colour kernels (placeholder: plain paths). */
#include "color_internal.h"

void seg__cvt_gray_from_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    seg__cvt_gray_from_u8(src, dst, n, c);
}
void seg__cvt_hsv_from_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    seg__cvt_hsv_from_u8(src, dst, n, c);
}
void seg__cvt_lab_from_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    seg__cvt_lab_from_u8(src, dst, n, c);
}
void seg__cvt_lab_to_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    seg__cvt_lab_to_u8(src, dst, n, c);
}
