/* Structuring elements (cv2.getStructuringElement of OpenCV 4.6). */
#include "internal.h"

#include <math.h>
#include <string.h>

int seg_get_structuring_element(int shape, int w, int h, int ax, int ay, seg_image *out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "structuring_element: output is NULL");
    memset(out, 0, sizeof *out);
    if (shape != SEG_MORPH_RECT && shape != SEG_MORPH_CROSS && shape != SEG_MORPH_ELLIPSE)
        return seg__fail(SEG_EINVAL, "structuring_element: unknown shape %d (0 rect, 1 cross, "
                         "2 ellipse)", shape);
    if (w < 1 || h < 1 || w > SEG_MORPH_MAX_KSIZE || h > SEG_MORPH_MAX_KSIZE)
        return seg__fail(SEG_EINVAL, "structuring_element: size %dx%d must be 1..%d per side", w,
                         h, SEG_MORPH_MAX_KSIZE);
    if (ax == -1)
        ax = w / 2;
    if (ay == -1)
        ay = h / 2;
    if (ax < 0 || ax >= w || ay < 0 || ay >= h)
        return seg__fail(SEG_EINVAL, "structuring_element: anchor (%d, %d) is outside the %dx%d "
                         "kernel", ax, ay, w, h);
    if (w == 1 && h == 1)
        shape = SEG_MORPH_RECT;
    int r = 0, c = 0;
    double inv_r2 = 0;
    if (shape == SEG_MORPH_ELLIPSE) {
        r = h / 2;
        c = w / 2;
        inv_r2 = r ? 1. / ((double)r * r) : 0;
    }
    int rc = seg_image_alloc(out, w, h, 1, SEG_U8);
    if (rc)
        return seg__fail(rc, "structuring_element: %s", seg_last_error());
    for (int i = 0; i < h; i++) {
        uint8_t *p = seg__row(out, i);
        int j1 = 0, j2 = 0;
        if (shape == SEG_MORPH_RECT || (shape == SEG_MORPH_CROSS && i == ay)) {
            j2 = w;
        } else if (shape == SEG_MORPH_CROSS) {
            j1 = ax;
            j2 = ax + 1;
        } else {
            int dy = i - r;
            if (dy >= -r && dy <= r) {
                /* cv2: saturate_cast<int>(c * sqrt((r*r - dy*dy) * inv_r2)), i.e. cvRound */
                int dx = (int)lrint(c * sqrt((double)(r * r - dy * dy) * inv_r2));
                j1 = SEG_MAX(c - dx, 0);
                j2 = SEG_MIN(c + dx + 1, w);
            }
        }
        memset(p, 0, (size_t)w);
        if (j2 > j1)
            memset(p + j1, 1, (size_t)(j2 - j1));
    }
    return SEG_OK;
}
