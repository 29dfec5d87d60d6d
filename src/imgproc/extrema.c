/* Regional minima: skimage.morphology.local_minima(image, connectivity=c) of scikit-image
 * 0.19 with allow_borders=True, as watershed uses it for its default markers.
 *
 * skimage inverts the image, pads it by one pixel with the inverted image's minimum and
 * flood-fills each plateau (pixels of one value, connected under the connectivity):
 * the plateau is a maximum when no neighbour is higher and no neighbour of equal value
 * is padding. Back in the original image: a plateau is a minimum when every neighbour
 * is strictly greater, a neighbour outside the image counting as the image's maximum
 * (so a plateau at that maximum touching the border is not one). skimage first skips
 * row runs that are not lower than both row neighbours; a true minimum never has such a
 * run, so flooding every plateau gives the same answer. */
#include "internal.h"

#include <math.h>
#include <string.h>

static double value_at(const seg_image *img, int x, int y)
{
    return seg__elem_f64(seg__row(img, y), img->type, x);
}

int seg_local_minima(const seg_image *image, int connectivity, seg_image *out)
{
    seg__clear_error();
    const char *who = "local_minima";
    int rc = seg__check_input(image, SEG_TYPES(SEG_U8, SEG_U16, SEG_S32, SEG_F32, SEG_F64),
                              1u << 1, who);
    if (rc)
        return rc;
    if (connectivity != 1 && connectivity != 2)
        return seg__fail(SEG_EINVAL, "%s: connectivity %d is not 1 or 2", who, connectivity);
    const int w = image->width, h = image->height;
    rc = seg__image_prepare(out, w, h, 1, SEG_U8, who);
    if (rc)
        return rc;
    for (int y = 0; y < h; y++)
        memset(seg__row(out, y), 0, (size_t)w);
    const size_t n = (size_t)w * (size_t)h;
    if (n > UINT32_MAX)
        return seg__fail(SEG_ELIMIT, "%s: %dx%d exceeds 2^32 pixels", who, w, h);
    uint8_t *seen = seg__calloc(n, 1);
    uint32_t *queue = seg__malloc(n * sizeof(uint32_t));
    if (!seen || !queue) {
        seg__free(seen);
        seg__free(queue);
        return seg__fail(SEG_ENOMEM, "%s: cannot allocate work arrays for %dx%d", who, w, h);
    }
    double top = -INFINITY; /* the padding's value */
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const double v = value_at(image, x, y);
            if (isnan(v)) {
                seg__free(seen);
                seg__free(queue);
                return seg__fail(SEG_EINVAL, "%s: the image has NaN at (%d, %d)", who, x, y);
            }
            top = fmax(top, v);
        }
    static const int dx[8] = {0, -1, 1, 0, -1, 1, -1, 1}, dy[8] = {-1, 0, 0, 1, -1, -1, 1, 1};
    const int nnb = connectivity == 1 ? 4 : 8;
    for (size_t start = 0; start < n; start++) {
        if (seen[start])
            continue;
        const double v = value_at(image, (int)(start % (size_t)w), (int)(start / (size_t)w));
        size_t head = 0, tail = 0;
        queue[tail++] = (uint32_t)start;
        seen[start] = 1;
        int is_min = 1;
        while (head < tail) {
            const uint32_t q = queue[head++];
            const int qx = (int)(q % (uint32_t)w), qy = (int)(q / (uint32_t)w);
            for (int k = 0; k < nnb; k++) {
                const int x = qx + dx[k], y = qy + dy[k];
                if (x < 0 || y < 0 || x >= w || y >= h) {
                    if (!(top > v)) /* padding at the image's maximum: not strictly greater */
                        is_min = 0;
                    continue;
                }
                const double u = value_at(image, x, y);
                const size_t j = (size_t)y * (size_t)w + (size_t)x;
                if (u == v) {
                    if (!seen[j]) {
                        seen[j] = 1;
                        queue[tail++] = (uint32_t)j;
                    }
                } else if (u < v) {
                    is_min = 0;
                }
            }
        }
        if (is_min)
            for (size_t i = 0; i < tail; i++)
                ((uint8_t *)seg__row(out, (int)(queue[i] / (uint32_t)w)))[queue[i] % (uint32_t)w] = 1;
    }
    seg__free(seen);
    seg__free(queue);
    return SEG_OK;
}
