/* The Otsu recipe: gray, Gaussian blur, Otsu threshold, opening, components, area
 * filter; each step is the library's cv2-identical operation. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

void seg_otsu_options_default(seg_otsu_options *o)
{
    o->blur_ksize = 5;
    o->blur_sigma = 0;
    o->invert = 0;
    o->open_shape = SEG_MORPH_ELLIPSE;
    o->open_size = 5;
    o->open_iterations = 1;
    o->connectivity = 8;
    o->min_area = 0;
    o->max_area = -1;
}

void seg_otsu_result_free(seg_otsu_result *r)
{
    if (!r)
        return;
    seg_image_free(&r->mask);
    seg_image_free(&r->labels);
    r->count = 0;
}

int seg_segment_otsu(const seg_image *image, const seg_otsu_options *opt, seg_otsu_result *r)
{
    seg__clear_error();
    if (!r)
        return seg__fail(SEG_EINVAL, "otsu: result is NULL");
    memset(r, 0, sizeof *r);
    seg_otsu_options d;
    if (!opt) {
        seg_otsu_options_default(&d);
        opt = &d;
    }
    int rc = seg__check_input(image, SEG_TYPES(SEG_U8), (1u << 1) | (1u << 3) | (1u << 4), "otsu");
    if (rc)
        return rc;
    if (opt->blur_ksize < 0 || (opt->blur_ksize && opt->blur_ksize % 2 == 0) ||
        opt->open_size < 0 || opt->open_iterations < 0 ||
        (opt->connectivity != 4 && opt->connectivity != 8))
        return seg__fail(SEG_EINVAL, "otsu: blur size must be 0 or odd, open size and iterations "
                                     ">= 0, connectivity 4 or 8");
    seg_image gray = {0}, blurred = {0}, bin = {0}, kernel = {0};
    seg_components *cc = NULL;
    if (image->channels == 1)
        rc = seg_image_copy(image, &gray);
    else
        rc = seg_cvt_color(image, &gray, image->channels == 3 ? SEG_COLOR_BGR2GRAY
                                                             : SEG_COLOR_BGRA2GRAY);
    if (!rc && opt->blur_ksize)
        rc = seg_gaussian_blur(&gray, &blurred, opt->blur_ksize, opt->blur_ksize, opt->blur_sigma,
                               0, SEG_BORDER_DEFAULT);
    if (!rc)
        rc = seg_threshold(opt->blur_ksize ? &blurred : &gray, &bin, 0, 255,
                           (opt->invert ? SEG_THRESH_BINARY_INV : SEG_THRESH_BINARY) | SEG_THRESH_OTSU,
                           &r->threshold);
    if (!rc && opt->open_size && opt->open_iterations) {
        rc = seg_get_structuring_element(opt->open_shape, opt->open_size, opt->open_size, -1, -1,
                                         &kernel);
        if (!rc)
            rc = seg_morphology_ex(&bin, &r->mask, SEG_MORPH_OPEN, &kernel, -1, -1,
                                   opt->open_iterations);
    } else if (!rc) {
        rc = seg_image_copy(&bin, &r->mask);
    }
    /* these two return the label count (>= 1) on success */
    if (!rc && (rc = seg_connected_components(&r->mask, opt->connectivity, SEG_CC_ORDER_CV2,
                                              &r->labels, &cc)) > 0)
        rc = SEG_OK;
    if (!rc && (rc = seg_components_filter_area(&r->labels, cc, opt->min_area, opt->max_area)) > 0)
        rc = SEG_OK;
    if (!rc)
        r->count = cc->count - 1;
    seg_components_free(cc);
    seg_image_free(&gray);
    seg_image_free(&blurred);
    seg_image_free(&bin);
    seg_image_free(&kernel);
    if (rc) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", seg_last_error());
        seg_otsu_result_free(r);
        return seg__fail(rc, "otsu: %s", msg);
    }
    return SEG_OK;
}
