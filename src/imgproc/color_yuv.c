/* BGR/RGB <-> YCrCb (BT.601, full range) with OpenCV 4.6's arithmetic
 * (modules/imgproc/src/color_yuv.simd.hpp: RGB2YCrCb_i/_f, YCrCb2RGB_i/_f).
 * Integers: Y = (B*1868 + G*9617 + R*4899 + 2^13) >> 14, Cr = ((R-Y)*11682 + half) >> 14
 * with half = 128 (u8) or 32768 (u16) in 2^14 units, Cb likewise with 9241; back with
 * 22987, -11698, -5636, 29049. Floats: cv2's float coefficients. */
#include "color_internal.h"

#ifdef __clang__
#pragma clang fp contract(off)
#endif

enum { R2Y = 4899, G2Y = 9617, B2Y = 1868, YCRI = 11682, YCBI = 9241, SH = 14 };
enum { CR2RI = 22987, CR2GI = -11698, CB2GI = -5636, CB2BI = 29049 };

static int descale(int x)
{
    return (x + (1 << (SH - 1))) >> SH; /* arithmetic shift, as CV_DESCALE */
}

#define DEFINE_TO_YCRCB(NAME, T, HALF, MAXV)                                              \
    static void NAME(const void *src, void *dst, int n, const seg__cvt *c)               \
    {                                                                                     \
        const T *s = src;                                                                 \
        T *d = dst;                                                                       \
        int scn = c->scn, bidx = c->bidx;                                                 \
        int c0 = bidx ? R2Y : B2Y, c2 = bidx ? B2Y : R2Y;                                 \
        for (int i = 0; i < n; i++, s += scn, d += 3) {                                   \
            int y = descale(s[0] * c0 + s[1] * G2Y + s[2] * c2);                          \
            int cr = descale((s[bidx ^ 2] - y) * YCRI + (HALF << SH));                    \
            int cb = descale((s[bidx] - y) * YCBI + (HALF << SH));                        \
            d[0] = (T)SEG_MIN(SEG_MAX(y, 0), MAXV);                                       \
            d[1] = (T)SEG_MIN(SEG_MAX(cr, 0), MAXV);                                      \
            d[2] = (T)SEG_MIN(SEG_MAX(cb, 0), MAXV);                                      \
        }                                                                                 \
    }

#define DEFINE_FROM_YCRCB(NAME, T, HALF, MAXV)                                            \
    static void NAME(const void *src, void *dst, int n, const seg__cvt *c)               \
    {                                                                                     \
        const T *s = src;                                                                 \
        T *d = dst;                                                                       \
        int dcn = c->dcn, bidx = c->bidx;                                                 \
        for (int i = 0; i < n; i++, s += 3, d += dcn) {                                   \
            int y = s[0], cr = s[1] - HALF, cb = s[2] - HALF;                             \
            int b = y + descale(cb * CB2BI);                                              \
            int g = y + descale(cb * CB2GI + cr * CR2GI);                                 \
            int r = y + descale(cr * CR2RI);                                              \
            d[bidx] = (T)SEG_MIN(SEG_MAX(b, 0), MAXV);                                    \
            d[1] = (T)SEG_MIN(SEG_MAX(g, 0), MAXV);                                       \
            d[bidx ^ 2] = (T)SEG_MIN(SEG_MAX(r, 0), MAXV);                                \
            if (dcn == 4)                                                                 \
                d[3] = MAXV;                                                              \
        }                                                                                 \
    }

DEFINE_TO_YCRCB(to_ycrcb_u8, uint8_t, 128, 255)
DEFINE_TO_YCRCB(to_ycrcb_u16, uint16_t, 32768, 65535)
DEFINE_FROM_YCRCB(from_ycrcb_u8, uint8_t, 128, 255)
DEFINE_FROM_YCRCB(from_ycrcb_u16, uint16_t, 32768, 65535)

static void to_ycrcb_f32(const void *src, void *dst, int n, const seg__cvt *c)
{
    const float *s = src;
    float *d = dst;
    int scn = c->scn, bidx = c->bidx;
    float c0 = bidx ? 0.299f : 0.114f, c2 = bidx ? 0.114f : 0.299f;
    for (int i = 0; i < n; i++, s += scn, d += 3) {
        float y = s[0] * c0 + s[1] * 0.587f + s[2] * c2;
        d[0] = y;
        d[1] = (s[bidx ^ 2] - y) * 0.713f + 0.5f;
        d[2] = (s[bidx] - y) * 0.564f + 0.5f;
    }
}

static void from_ycrcb_f32(const void *src, void *dst, int n, const seg__cvt *c)
{
    const float *s = src;
    float *d = dst;
    int dcn = c->dcn, bidx = c->bidx;
    for (int i = 0; i < n; i++, s += 3, d += dcn) {
        float y = s[0], cr = s[1] - 0.5f, cb = s[2] - 0.5f;
        d[bidx] = y + cb * 1.773f;
        d[1] = y + cb * -0.344f + cr * -0.714f;
        d[bidx ^ 2] = y + cr * 1.403f;
        if (dcn == 4)
            d[3] = 1.0f;
    }
}

seg__cvt_row seg__cvt_ycrcb_kernel(int inverse, seg_type type)
{
    if (type == SEG_U8)
        return inverse ? from_ycrcb_u8 : to_ycrcb_u8;
    if (type == SEG_U16)
        return inverse ? from_ycrcb_u16 : to_ycrcb_u16;
    if (type == SEG_F32)
        return inverse ? from_ycrcb_f32 : to_ycrcb_f32;
    return NULL;
}
