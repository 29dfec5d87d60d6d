/* Mask reading for the contours/components commands. */
#include "cli_mask.h"

#include <stdlib.h>
#include <string.h>

int cli_read_mask(const cli_args *a, const char *path, seg_image *mask)
{
    seg_read_options ro = seg_read_options_default(); /* unchanged: keep 16-bit labels */
    seg_image img;
    int rc = seg_imread(path, &img, &ro);
    if (rc)
        return cli_fail_status(a, rc, "read");
    rc = seg_image_alloc(mask, img.width, img.height, 1, SEG_U8);
    if (rc) {
        seg_image_free(&img);
        return cli_fail_status(a, rc, "mask");
    }
    size_t esz = seg_type_size(img.type);
    for (int y = 0; y < img.height; y++) {
        const uint8_t *s = (const uint8_t *)img.data + (size_t)y * img.stride;
        uint8_t *d = (uint8_t *)mask->data + (size_t)y * mask->stride;
        size_t per_px = esz * (size_t)img.channels;
        for (int x = 0; x < img.width; x++) {
            uint8_t any = 0;
            for (size_t k = 0; k < per_px; k++)
                any |= s[(size_t)x * per_px + k];
            d[x] = any != 0;
        }
    }
    seg_image_free(&img);
    return 0;
}
