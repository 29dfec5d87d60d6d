/* seg_image: a plain view of pixels.
 *
 * Pixels are interleaved (channel-last), rows `stride` bytes apart. Three-channel
 * images are in the order the caller says: segkit's readers and writers take an
 * explicit seg_order (BGR like OpenCV, or RGB like PIL/skimage), and colour conversions
 * name the order in their code (SEG_COLOR_BGR2GRAY vs SEG_COLOR_RGB2GRAY).
 *
 * Ownership: an image made by seg_image_alloc (or by a library function that fills an
 * empty output) owns its pixels: `owned` is non-zero and seg_image_free releases them.
 * Views (seg_image_wrap, seg_image_roi) never own. Output convention used everywhere:
 * a function writing `seg_image *dst` allocates it when dst->data is NULL (caller then
 * frees with seg_image_free), or writes into the caller's buffer when dst->data is set,
 * after checking its size, channels and type match. */
#ifndef SEGKIT_IMAGE_H
#define SEGKIT_IMAGE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum seg_type {
    SEG_U8 = 0,
    SEG_U16 = 1,
    SEG_S32 = 2,
    SEG_F32 = 3,
    SEG_F64 = 4 /* so far for seg_watershed_skimage (skimage's float64 images), copy and
                 * convert; other functions refuse it with SEG_ETYPE */
} seg_type;

typedef enum seg_order { SEG_ORDER_BGR = 0, SEG_ORDER_RGB = 1 } seg_order;

typedef struct seg_image {
    void *data;      /* first pixel of the first row */
    int width;       /* columns, >= 0 */
    int height;      /* rows, >= 0 */
    size_t stride;   /* bytes between rows, >= width * channels * elem size */
    int channels;    /* 1, 2 (gray+alpha), 3 or 4 */
    seg_type type;
    int owned;       /* non-zero: data was allocated by segkit; seg_image_free releases it */
} seg_image;

/* sizeof(seg_image), so bindings can check their mirror of the layout. */
SEG_API size_t seg_image_struct_size(void);

/* Bytes per element of `type` (0 for an unknown type). */
SEG_API size_t seg_type_size(seg_type type);

/* Allocate width x height x channels of `type`, rows 64-byte aligned, zero-filled.
 * out: set to an empty image first; on success owns its pixels (seg_image_free).
 * Errors: SEG_EINVAL (negative size, bad channels/type), SEG_EOVERFLOW, SEG_ENOMEM. */
SEG_API int seg_image_alloc(seg_image *out, int width, int height, int channels, seg_type type);

/* Release pixels if the image owns them and reset it to empty. Accepts NULL. */
SEG_API void seg_image_free(seg_image *img);

/* Make a non-owning view of caller memory. stride 0 means tightly packed.
 * Errors: SEG_EINVAL (NULL data with non-zero size, stride too small), SEG_EOVERFLOW. */
SEG_API int seg_image_wrap(seg_image *out, void *data, int width, int height, size_t stride,
                           int channels, seg_type type);

/* A view of the rectangle (x, y, w, h) of src, sharing its pixels (no copy).
 * Errors: SEG_EINVAL when the rectangle is not inside src. */
SEG_API int seg_image_roi(const seg_image *src, seg_image *out, int x, int y, int w, int h);

/* Copy src into dst (dst allocated when empty, else must match). */
SEG_API int seg_image_copy(const seg_image *src, seg_image *dst);

/* Convert element type: dst = saturate(round(src * scale + shift)) for integer
 * targets, like OpenCV's Mat::convertTo(dst, type, alpha=scale, beta=shift): rounding
 * half to even and saturation; float target is plain src * scale + shift.
 * dst keeps src's channels; allocated when empty. */
SEG_API int seg_image_convert(const seg_image *src, seg_image *dst, seg_type type, double scale,
                              double shift);

/* Non-zero when img describes a valid, non-empty image (checks sizes and stride). */
SEG_API int seg_image_valid(const seg_image *img);

#ifdef __cplusplus
}
#endif
#endif
