/* Looking at label maps: the VOC palette, label colouring and alpha overlays. */
#include "internal.h"

void seg_palette_voc(uint8_t palette[256 * 3])
{
    /* The VOC devkit's labelcolormap: bits of the label spread over the colour bits. */
    for (int i = 0; i < 256; i++) {
        int r = 0, g = 0, b = 0, c = i;
        for (int j = 0; j < 8; j++) {
            r |= ((c >> 0) & 1) << (7 - j);
            g |= ((c >> 1) & 1) << (7 - j);
            b |= ((c >> 2) & 1) << (7 - j);
            c >>= 3;
        }
        palette[3 * i] = (uint8_t)r;
        palette[3 * i + 1] = (uint8_t)g;
        palette[3 * i + 2] = (uint8_t)b;
    }
}

int seg_colorize_labels(const seg_image *labels, const uint8_t *palette, int n, seg_order order,
                        seg_image *dst)
{
    seg__clear_error();
    int rc = seg__check_input(labels, SEG_TYPES(SEG_U8, SEG_U16), 1u << 1, "colorize");
    if (rc)
        return rc;
    if (!palette || n < 1 || n > 65536)
        return seg__fail(SEG_EINVAL, "colorize: palette needs 1..65536 entries");
    if ((rc = seg__image_prepare(dst, labels->width, labels->height, 3, SEG_U8, "colorize")))
        return rc;
    int r = order == SEG_ORDER_RGB ? 0 : 2, b = 2 - r;
    for (int y = 0; y < labels->height; y++) {
        const uint8_t *l8 = seg__row(labels, y);
        const uint16_t *l16 = seg__row(labels, y);
        uint8_t *d = seg__row(dst, y);
        for (int x = 0; x < labels->width; x++) {
            int k = (labels->type == SEG_U8 ? l8[x] : l16[x]) % n;
            d[3 * x + r] = palette[3 * k];
            d[3 * x + 1] = palette[3 * k + 1];
            d[3 * x + b] = palette[3 * k + 2];
        }
    }
    return SEG_OK;
}

int seg_overlay(const seg_image *image, const seg_image *color, const seg_image *mask, float alpha,
                seg_image *dst)
{
    seg__clear_error();
    int rc = seg__check_input(image, SEG_TYPES(SEG_U8), 1u << 3, "overlay");
    if (!rc)
        rc = seg__check_input(color, SEG_TYPES(SEG_U8), 1u << 3, "overlay");
    if (!rc && mask)
        rc = seg__check_input(mask, SEG_TYPES(SEG_U8, SEG_U16), 1u << 1, "overlay");
    if (rc)
        return rc;
    if (!(alpha >= 0 && alpha <= 1))
        return seg__fail(SEG_EINVAL, "overlay: alpha must be in [0, 1]");
    if (color->width != image->width || color->height != image->height ||
        (mask && (mask->width != image->width || mask->height != image->height)))
        return seg__fail(SEG_ESIZE, "overlay: image, colour and mask sizes differ");
    if (dst != image && (rc = seg__image_prepare(dst, image->width, image->height, 3, SEG_U8,
                                                  "overlay")))
        return rc;
    int a = (int)(alpha * 256.0f + 0.5f);
    for (int y = 0; y < image->height; y++) {
        const uint8_t *s = seg__row(image, y), *c = seg__row(color, y);
        const uint8_t *m8 = mask ? seg__row(mask, y) : NULL;
        const uint16_t *m16 = mask ? seg__row(mask, y) : NULL;
        uint8_t *d = seg__row(dst, y);
        for (int x = 0; x < image->width; x++) {
            bool on = !mask || (mask->type == SEG_U8 ? m8[x] : m16[x]);
            for (int k = 0; k < 3; k++)
                d[3 * x + k] = on ? (uint8_t)((s[3 * x + k] * (256 - a) + c[3 * x + k] * a + 128) >> 8)
                                  : s[3 * x + k];
        }
    }
    return SEG_OK;
}
