/* seg_image: allocation, views, copies, element-type conversion. */
#include "internal.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

size_t seg_image_struct_size(void)
{
    return sizeof(seg_image);
}

size_t seg_type_size(seg_type type)
{
    switch (type) {
    case SEG_U8: return 1;
    case SEG_U16: return 2;
    case SEG_S32: return 4;
    case SEG_F32: return 4;
    case SEG_F64: return 8;
    }
    return 0;
}

const char *seg__type_name(seg_type t)
{
    switch (t) {
    case SEG_U8: return "u8";
    case SEG_U16: return "u16";
    case SEG_S32: return "s32";
    case SEG_F32: return "f32";
    case SEG_F64: return "f64";
    }
    return "unknown";
}

unsigned seg__type_bits(int first, ...)
{
    unsigned bits = 0;
    va_list ap;
    va_start(ap, first);
    for (int t = first; t >= 0; t = va_arg(ap, int))
        bits |= 1u << t;
    va_end(ap);
    return bits;
}

bool seg__image_bytes(int w, int h, int c, size_t elem, size_t *row_bytes, size_t *total)
{
    size_t row;
    if (w < 0 || h < 0 || c <= 0 || elem == 0)
        return false;
    if (!seg__mul((size_t)w, (size_t)c, &row) || !seg__mul(row, elem, &row))
        return false;
    if (row_bytes)
        *row_bytes = row;
    if (total && !seg__mul(row, (size_t)h, total))
        return false;
    return true;
}

static void set_empty(seg_image *img)
{
    memset(img, 0, sizeof *img);
}

int seg_image_alloc(seg_image *out, int width, int height, int channels, seg_type type)
{
    if (!out)
        return seg__fail(SEG_EINVAL, "image: output is NULL");
    set_empty(out);
    size_t elem = seg_type_size(type);
    if (width < 0 || height < 0)
        return seg__fail(SEG_EINVAL, "image: negative size %dx%d", width, height);
    if (channels < 1 || channels > 4 || elem == 0)
        return seg__fail(SEG_EINVAL, "image: bad channels %d or type %d", channels, (int)type);
    size_t row, stride, total;
    if (!seg__image_bytes(width, height, channels, elem, &row, NULL) ||
        !seg__add(row, SEG_ALIGN - 1, &stride))
        return seg__fail(SEG_EOVERFLOW, "image: %dx%dx%d overflows", width, height, channels);
    stride &= ~(size_t)(SEG_ALIGN - 1);
    if (!seg__mul(stride, (size_t)height, &total))
        return seg__fail(SEG_EOVERFLOW, "image: %dx%dx%d overflows", width, height, channels);
    void *data = seg__calloc(total ? total : 1, 1);
    if (!data)
        return seg__fail(SEG_ENOMEM, "image: cannot allocate %zu bytes", total);
    out->data = data;
    out->width = width;
    out->height = height;
    out->stride = stride;
    out->channels = channels;
    out->type = type;
    out->owned = 1;
    return SEG_OK;
}

void seg_image_free(seg_image *img)
{
    if (!img)
        return;
    if (img->owned)
        seg__free(img->data);
    set_empty(img);
}

int seg_image_wrap(seg_image *out, void *data, int width, int height, size_t stride, int channels,
                   seg_type type)
{
    if (!out)
        return seg__fail(SEG_EINVAL, "image: output is NULL");
    set_empty(out);
    size_t elem = seg_type_size(type), row, total;
    if (channels < 1 || channels > 4 || elem == 0)
        return seg__fail(SEG_EINVAL, "image: bad channels %d or type %d", channels, (int)type);
    if (!seg__image_bytes(width, height, channels, elem, &row, NULL))
        return seg__fail(SEG_EOVERFLOW, "image: bad size %dx%dx%d", width, height, channels);
    if (stride == 0)
        stride = row;
    if (stride < row)
        return seg__fail(SEG_EINVAL, "image: stride %zu is below the row size %zu", stride, row);
    if (!seg__mul(stride, (size_t)height, &total))
        return seg__fail(SEG_EOVERFLOW, "image: %dx%d with stride %zu overflows", width, height,
                         stride);
    if (!data && total)
        return seg__fail(SEG_EINVAL, "image: NULL data for a non-empty image");
    out->data = data;
    out->width = width;
    out->height = height;
    out->stride = stride;
    out->channels = channels;
    out->type = type;
    return SEG_OK;
}

int seg_image_valid(const seg_image *img)
{
    size_t row;
    if (!img || !img->data || img->width <= 0 || img->height <= 0)
        return 0;
    if (img->channels < 1 || img->channels > 4 || !seg_type_size(img->type))
        return 0;
    if (!seg__image_bytes(img->width, img->height, img->channels, seg_type_size(img->type), &row,
                          NULL))
        return 0;
    return img->stride >= row;
}

int seg_image_roi(const seg_image *src, seg_image *out, int x, int y, int w, int h)
{
    if (!out)
        return seg__fail(SEG_EINVAL, "roi: output is NULL");
    set_empty(out);
    if (!seg_image_valid(src))
        return seg__fail(SEG_EINVAL, "roi: source image is empty or invalid");
    if (x < 0 || y < 0 || w < 0 || h < 0 || x > src->width - w || y > src->height - h)
        return seg__fail(SEG_EINVAL, "roi: rectangle (%d,%d,%d,%d) is not inside %dx%d", x, y, w,
                         h, src->width, src->height);
    *out = *src;
    out->owned = 0;
    out->data = (uint8_t *)seg__row(src, y) + (size_t)x * src->channels * seg_type_size(src->type);
    out->width = w;
    out->height = h;
    return SEG_OK;
}

int seg__check_input(const seg_image *src, unsigned type_mask, unsigned channel_mask,
                     const char *who)
{
    if (!seg_image_valid(src))
        return seg__fail(SEG_EINVAL, "%s: input image is empty or invalid", who);
    if (!(type_mask & (1u << src->type)))
        return seg__fail(SEG_ETYPE, "%s: element type %s is not supported", who,
                         seg__type_name(src->type));
    if (!(channel_mask & (1u << src->channels)))
        return seg__fail(SEG_ETYPE, "%s: %d channels are not supported", who, src->channels);
    return SEG_OK;
}

int seg__image_prepare(seg_image *dst, int w, int h, int c, seg_type type, const char *who)
{
    if (!dst)
        return seg__fail(SEG_EINVAL, "%s: output image is NULL", who);
    if (!dst->data) {
        int rc = seg_image_alloc(dst, w, h, c, type);
        return rc ? seg__fail(rc, "%s: %s", who, seg_last_error()) : SEG_OK;
    }
    size_t row;
    if (dst->width != w || dst->height != h || dst->channels != c || dst->type != type)
        return seg__fail(SEG_ESIZE, "%s: output is %dx%dx%d %s, expected %dx%dx%d %s", who,
                         dst->width, dst->height, dst->channels, seg__type_name(dst->type), w, h,
                         c, seg__type_name(type));
    if (!seg__image_bytes(w, h, c, seg_type_size(type), &row, NULL) || dst->stride < row)
        return seg__fail(SEG_EINVAL, "%s: output stride %zu is too small", who, dst->stride);
    return SEG_OK;
}

int seg_image_copy(const seg_image *src, seg_image *dst)
{
    seg__clear_error();
    if (!seg_image_valid(src))
        return seg__fail(SEG_EINVAL, "copy: input image is empty or invalid");
    int rc = seg__image_prepare(dst, src->width, src->height, src->channels, src->type, "copy");
    if (rc)
        return rc;
    size_t row = (size_t)src->width * src->channels * seg_type_size(src->type);
    for (int y = 0; y < src->height; y++)
        memmove(seg__row(dst, y), seg__row(src, y), row);
    return SEG_OK;
}

/* OpenCV's saturate_cast: round half to even (cvRound = lrint), then clamp. */
static void store(void *row, int i, seg_type t, double v)
{
    if (t == SEG_F32) {
        ((float *)row)[i] = (float)v;
        return;
    }
    if (t == SEG_F64) {
        ((double *)row)[i] = v;
        return;
    }
    double lo = t == SEG_S32 ? -2147483648.0 : 0.0;
    double hi = t == SEG_U8 ? 255.0 : t == SEG_U16 ? 65535.0 : 2147483647.0;
    double r = isnan(v) ? 0.0 : nearbyint(v);
    r = r < lo ? lo : r > hi ? hi : r;
    switch (t) {
    case SEG_U8: ((uint8_t *)row)[i] = (uint8_t)r; break;
    case SEG_U16: ((uint16_t *)row)[i] = (uint16_t)r; break;
    case SEG_S32: ((int32_t *)row)[i] = (int32_t)r; break;
    default: break;
    }
}

int seg_image_convert(const seg_image *src, seg_image *dst, seg_type type, double scale,
                      double shift)
{
    seg__clear_error();
    if (!seg_image_valid(src))
        return seg__fail(SEG_EINVAL, "convert: input image is empty or invalid");
    if (!seg_type_size(type))
        return seg__fail(SEG_EINVAL, "convert: unknown target type %d", (int)type);
    if (dst == src || (dst && dst->data == src->data && dst->type != src->type))
        return seg__fail(SEG_EINVAL, "convert: output must not alias the input");
    int rc = seg__image_prepare(dst, src->width, src->height, src->channels, type, "convert");
    if (rc)
        return rc;
    int n = src->width * src->channels;
    for (int y = 0; y < src->height; y++) {
        const void *s = seg__row(src, y);
        void *d = seg__row(dst, y);
        for (int i = 0; i < n; i++)
            store(d, i, type, seg__elem_f64(s, src->type, i) * scale + shift);
    }
    return SEG_OK;
}
