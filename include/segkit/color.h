/* Colour conversion with OpenCV 4.6's cvtColor semantics. Codes have cv2's COLOR_*
 * values. For u8 the results are identical to cv2.cvtColor (OpenCV's fixed-point
 * formulas and, for LAB, its LUT with trilinear interpolation: L*255/100, a+128, b+128);
 * for f32 they follow cv2's float formulas (L in 0..100, H in 0..360) within 1e-5. */
#ifndef SEGKIT_COLOR_H
#define SEGKIT_COLOR_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    SEG_COLOR_BGR2BGRA = 0, SEG_COLOR_RGB2RGBA = 0,
    SEG_COLOR_BGRA2BGR = 1, SEG_COLOR_RGBA2RGB = 1,
    SEG_COLOR_BGR2RGBA = 2, SEG_COLOR_RGB2BGRA = 2,
    SEG_COLOR_RGBA2BGR = 3, SEG_COLOR_BGRA2RGB = 3,
    SEG_COLOR_BGR2RGB = 4, SEG_COLOR_RGB2BGR = 4,
    SEG_COLOR_BGRA2RGBA = 5, SEG_COLOR_RGBA2BGRA = 5,
    SEG_COLOR_BGR2GRAY = 6, SEG_COLOR_RGB2GRAY = 7,
    SEG_COLOR_GRAY2BGR = 8, SEG_COLOR_GRAY2RGB = 8,
    SEG_COLOR_GRAY2BGRA = 9, SEG_COLOR_GRAY2RGBA = 9,
    SEG_COLOR_BGRA2GRAY = 10, SEG_COLOR_RGBA2GRAY = 11,
    SEG_COLOR_BGR2YCRCB = 36, SEG_COLOR_RGB2YCRCB = 37,
    SEG_COLOR_YCRCB2BGR = 38, SEG_COLOR_YCRCB2RGB = 39,
    SEG_COLOR_BGR2HSV = 40, SEG_COLOR_RGB2HSV = 41,
    SEG_COLOR_BGR2LAB = 44, SEG_COLOR_RGB2LAB = 45,
    SEG_COLOR_HSV2BGR = 54, SEG_COLOR_HSV2RGB = 55,
    SEG_COLOR_LAB2BGR = 56, SEG_COLOR_LAB2RGB = 57,
    /* H over the full byte range 0..255 for u8 (f32 H stays in degrees) */
    SEG_COLOR_BGR2HSV_FULL = 66, SEG_COLOR_RGB2HSV_FULL = 67,
    SEG_COLOR_HSV2BGR_FULL = 70, SEG_COLOR_HSV2RGB_FULL = 71
};

/* dst = src converted by `code` (a SEG_COLOR_* value), identical to cv2.cvtColor in
 * OpenCV 4.6 (see docs/color.md).
 * src: in, 3 or 4 channels for codes from BGR/RGB(A), 1 for GRAY2*, 3 for HSV2* and
 *   LAB2*. Types: u8 and f32 for all codes, u16 for the reorderings and gray.
 * dst: out; allocated when dst->data is NULL (caller frees with seg_image_free), else it
 *   must already be width x height with the code's channels and src's type. It must not
 *   overlap src.
 * u8/u16: bit-exact with cv2 (all 2^24 colours tested for gray, HSV, Lab both ways).
 * f32: cv2's float formulas (H in degrees 0..360, L 0..100, sRGB gamma) within 1e-5.
 * Errors: SEG_EINVAL (unknown code, empty input, NULL dst, overlap), SEG_ETYPE (wrong
 * channel count or type for the code), SEG_ESIZE (dst mismatch), SEG_ENOMEM. */
SEG_API int seg_cvt_color(const seg_image *src, seg_image *dst, int code);

#ifdef __cplusplus
}
#endif
#endif
