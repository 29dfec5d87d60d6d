/* Mask -> polygons for export: RLE decoded, borders traced by seg_find_contours
 * (cv2.findContours semantics), contours of fewer than 3 points dropped. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void seg_polygons_free(seg_polygons *p)
{
    free(p);
}

int seg_rle_to_polygons(const seg_rle *r, int mode, double offset, seg_polygons **out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "rle_to_polygons: out is NULL");
    *out = NULL;
    if (!r)
        return seg__fail(SEG_EINVAL, "rle_to_polygons: rle is NULL");
    seg_image m = {0};
    seg_contours *cs = NULL;
    int st = 0;
    size_t keep = 0, pts = 0;
    if (r->height > 0 && r->width > 0) {
        if ((st = seg_rle_decode(r, &m)) != 0)
            return st;
        st = seg_find_contours(&m, mode, SEG_CHAIN_APPROX_SIMPLE, &cs);
        seg_image_free(&m);
        if (st)
            return st;
        for (int i = 0; i < cs->count; i++) {
            size_t n = cs->offsets[i + 1] - cs->offsets[i];
            if (n >= 3) {
                keep++;
                pts += n;
            }
        }
    }
    /* one block: header, offsets, coordinates */
    size_t head = (sizeof(seg_polygons) + 15) & ~(size_t)15;
    size_t offb = ((keep + 1) * sizeof(size_t) + 15) & ~(size_t)15;
    seg_polygons *p = malloc(head + offb + 2 * pts * sizeof(double) + 1);
    if (!p) {
        seg_contours_free(cs);
        return seg__fail(SEG_ENOMEM, "rle_to_polygons: out of memory");
    }
    size_t *off = (size_t *)(void *)((char *)p + head);
    double *xy = (double *)(void *)((char *)p + head + offb);
    size_t k = 0, o = 0;
    off[0] = 0;
    for (int i = 0; cs && i < cs->count; i++) {
        size_t b = cs->offsets[i], n = cs->offsets[i + 1] - b;
        if (n < 3)
            continue;
        for (size_t j = 0; j < 2 * n; j++)
            xy[o++] = (double)cs->points[2 * b + j] + offset;
        off[++k] = o;
    }
    seg_contours_free(cs);
    p->count = (int)keep;
    p->offsets = off;
    p->xy = xy;
    *out = p;
    return SEG_OK;
}
