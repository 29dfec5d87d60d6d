/* Recipe: GrabCut from a rectangle or scribbles to a binary mask and a cutout. */
#include "internal.h"

#include <string.h>

void seg_gcseg_options_default(seg_gcseg_options *o)
{
    memset(o, 0, sizeof(*o));
    o->iterations = 5;
}

void seg_gcseg_result_free(seg_gcseg_result *r)
{
    if (!r)
        return;
    seg_image_free(&r->mask);
    seg_image_free(&r->labels);
    seg_image_free(&r->cutout);
    memset(r, 0, sizeof(*r));
}

int seg_segment_grabcut(const seg_image *bgr, const seg_gcseg_options *opt, seg_gcseg_result *out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "segment grabcut: out is NULL");
    memset(out, 0, sizeof(*out));
    if (!opt)
        return seg__fail(SEG_EINVAL, "segment grabcut: options (a rectangle or a mask) needed");
    int st = seg__check_input(bgr, SEG_TYPES(SEG_U8), 1u << 3, "segment grabcut");
    if (st)
        return st;
    int w = bgr->width, h = bgr->height, mode = SEG_GC_INIT_WITH_RECT;
    if (opt->mask) {
        mode = SEG_GC_INIT_WITH_MASK;
        st = seg_image_copy(opt->mask, &out->labels);
        if (!st && (out->labels.width != w || out->labels.height != h ||
                    out->labels.channels != 1 || out->labels.type != SEG_U8))
            st = seg__fail(SEG_ESIZE, "segment grabcut: the mask must be a %dx%d u8 image", w, h);
    } else {
        st = seg_image_alloc(&out->labels, w, h, 1, SEG_U8);
    }
    if (!st)
        st = seg_grab_cut(bgr, &out->labels, opt->rect, out->bgd_model, out->fgd_model,
                          opt->iterations, mode, opt->seed);
    if (!st && !(st = seg_image_alloc(&out->mask, w, h, 1, SEG_U8)))
        st = seg_image_alloc(&out->cutout, w, h, 4, SEG_U8);
    if (st) {
        seg_gcseg_result_free(out);
        return st;
    }
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (int y = 0; y < h; y++) {
        const uint8_t *lab = seg__row(&out->labels, y), *src = seg__row(bgr, y);
        uint8_t *m = seg__row(&out->mask, y), *cut = seg__row(&out->cutout, y);
        for (int x = 0; x < w; x++) {
            int f = lab[x] == SEG_GC_FGD || lab[x] == SEG_GC_PR_FGD;
            m[x] = f ? 255 : 0;
            memcpy(cut + 4 * x, src + 3 * x, 3);
            cut[4 * x + 3] = m[x];
            if (f) {
                out->fg_pixels++;
                x0 = SEG_MIN(x0, x);
                x1 = SEG_MAX(x1, x);
                y0 = SEG_MIN(y0, y);
                y1 = SEG_MAX(y1, y);
            }
        }
    }
    if (x1 >= 0)
        out->bbox = (seg_rect){x0, y0, x1 - x0 + 1, y1 - y0 + 1};
    return SEG_OK;
}
