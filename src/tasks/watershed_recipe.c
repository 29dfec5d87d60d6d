/* The watershed recipe (recipes.h): threshold, opening, sure background, distance,
 * sure foreground, markers, cv2-semantics watershed, each step a public segkit call. */
#include "internal.h"

#include <string.h>

seg_watershed_recipe_options seg_watershed_recipe_defaults(void)
{
    seg_watershed_recipe_options o = {
        .invert = 1,
        .ksize = 3,
        .open_iterations = 2,
        .dilate_iterations = 3,
        .dist_type = SEG_DIST_L2,
        .dist_mask = SEG_DIST_MASK_5,
        .fg_fraction = 0.5,
        .thresh_method = SEG_WATERSHED_THRESH_OTSU,
        .block_size = 11,
        .c = 2,
        .thresh = 127,
        .close_iterations = 0,
    };
    return o;
}

size_t seg_watershed_recipe_options_size(void)
{
    return sizeof(seg_watershed_recipe_options);
}

#define STEP(call, what)                                                                 \
    do {                                                                                 \
        rc = (call);                                                                     \
        if (rc < 0) {                                                                    \
            rc = seg__fail(rc, "segment_watershed: %s: %s", what, seg_last_error());    \
            goto done;                                                                   \
        }                                                                                \
    } while (0)

int seg_segment_watershed(const seg_image *image, const seg_watershed_recipe_options *opts,
                          seg_image *markers, int *n_objects)
{
    seg__clear_error();
    const char *who = "segment_watershed";
    if (n_objects)
        *n_objects = 0;
    seg_watershed_recipe_options o = opts ? *opts : seg_watershed_recipe_defaults();
    int rc = seg__check_input(image, SEG_TYPES(SEG_U8), (1u << 1) | (1u << 3) | (1u << 4), who);
    if (rc)
        return rc;
    if (o.ksize < 1 || o.ksize > 255 || o.open_iterations < 0 || o.dilate_iterations < 0 ||
        o.close_iterations < 0)
        return seg__fail(SEG_EINVAL, "%s: ksize %d must be 1..255 and iterations >= 0", who,
                         o.ksize);
    if (!(o.fg_fraction >= 0 && o.fg_fraction < 1))
        return seg__fail(SEG_EINVAL, "%s: fg_fraction %g must be in [0, 1)", who, o.fg_fraction);
    if (o.invert < -1 || o.invert > 1)
        return seg__fail(SEG_EINVAL, "%s: invert %d must be -1, 0 or 1", who, o.invert);
    const int adaptive = o.thresh_method == SEG_WATERSHED_THRESH_MEAN ||
                         o.thresh_method == SEG_WATERSHED_THRESH_GAUSSIAN;
    if (!adaptive && o.thresh_method != SEG_WATERSHED_THRESH_OTSU &&
        o.thresh_method != SEG_WATERSHED_THRESH_FIXED)
        return seg__fail(SEG_EINVAL, "%s: unknown thresh_method %d", who, o.thresh_method);
    if (adaptive && (o.block_size < 3 || o.block_size % 2 == 0 || o.c != o.c))
        return seg__fail(SEG_EINVAL, "%s: block_size %d must be odd and >= 3, c a number", who,
                         o.block_size);
    if (o.thresh_method == SEG_WATERSHED_THRESH_FIXED && o.thresh != o.thresh)
        return seg__fail(SEG_EINVAL, "%s: thresh is NaN", who);
    const int w = image->width, h = image->height;
    if (markers && markers->data && markers->data == image->data)
        return seg__fail(SEG_EINVAL, "%s: markers must not alias the image", who);
    int markers_was_empty = markers && !markers->data;
    rc = seg__image_prepare(markers, w, h, 1, SEG_S32, who);
    if (rc)
        return rc;

    seg_image gray = {0}, bgr = {0}, th = {0}, kernel = {0}, opening = {0}, bg = {0};
    seg_image dist = {0}, fg = {0}, cc = {0}, closed = {0};
    const seg_image *open_in = &th;
    const seg_image *gray_in = image, *bgr_in = image;
    if (image->channels == 1) {
        STEP(seg_cvt_color(image, &bgr, SEG_COLOR_GRAY2BGR), "gray to BGR");
        bgr_in = &bgr;
    } else if (image->channels == 3) {
        STEP(seg_cvt_color(image, &gray, SEG_COLOR_BGR2GRAY), "BGR to gray");
        gray_in = &gray;
    } else {
        STEP(seg_cvt_color(image, &gray, SEG_COLOR_BGRA2GRAY), "BGRA to gray");
        STEP(seg_cvt_color(image, &bgr, SEG_COLOR_BGRA2BGR), "BGRA to BGR");
        gray_in = &gray;
        bgr_in = &bgr;
    }
    /* auto mode keeps the polarity whose foreground is the smaller part */
    const int inv = o.invert, type = inv == 1 ? SEG_THRESH_BINARY_INV : SEG_THRESH_BINARY;
    if (adaptive)
        STEP(seg_adaptive_threshold(gray_in, &th, 255,
                                    o.thresh_method == SEG_WATERSHED_THRESH_MEAN
                                        ? SEG_ADAPTIVE_THRESH_MEAN_C
                                        : SEG_ADAPTIVE_THRESH_GAUSSIAN_C,
                                    type, o.block_size, o.c),
             "adaptive threshold");
    else if (o.thresh_method == SEG_WATERSHED_THRESH_FIXED)
        STEP(seg_threshold(gray_in, &th, o.thresh, 255, type, NULL), "threshold");
    else
        STEP(seg_threshold(gray_in, &th, 0, 255, type | SEG_THRESH_OTSU, NULL), "Otsu threshold");
    if (inv == -1) {
        size_t on = 0;
        for (int y = 0; y < h; y++) {
            const uint8_t *r = seg__row(&th, y);
            for (int x = 0; x < w; x++)
                on += r[x] != 0;
        }
        if (on * 2 > (size_t)w * (size_t)h)
            for (int y = 0; y < h; y++) {
                uint8_t *r = seg__row(&th, y);
                for (int x = 0; x < w; x++)
                    r[x] = (uint8_t)(255 - r[x]); /* = THRESH_BINARY_INV at the same t
                                                     (adaptive: for an integer c) */
            }
    }
    STEP(seg_get_structuring_element(SEG_MORPH_RECT, o.ksize, o.ksize, -1, -1, &kernel),
         "structuring element");
    if (o.close_iterations > 0) { /* fills dark gaps (cracks, relief) inside the objects */
        STEP(seg_morphology_ex(&th, &closed, SEG_MORPH_CLOSE, &kernel, -1, -1,
                               o.close_iterations),
             "closing");
        open_in = &closed;
    }
    STEP(seg_morphology_ex(open_in, &opening, SEG_MORPH_OPEN, &kernel, -1, -1,
                           o.open_iterations),
         "opening");
    STEP(seg_dilate(&opening, &bg, &kernel, -1, -1, o.dilate_iterations), "sure background");
    STEP(seg_distance_transform(&opening, &dist, o.dist_type, o.dist_mask, SEG_F32), "distance");
    float dmax = 0;
    for (int y = 0; y < h; y++) {
        const float *r = seg__row(&dist, y);
        for (int x = 0; x < w; x++)
            dmax = r[x] > dmax ? r[x] : dmax;
    }
    /* cv2.threshold(dist, fraction * max, 255, THRESH_BINARY) compares in float */
    const float t = (float)(o.fg_fraction * (double)dmax);
    STEP(seg_image_alloc(&fg, w, h, 1, SEG_U8), "sure foreground");
    for (int y = 0; y < h; y++) {
        const float *d = seg__row(&dist, y);
        uint8_t *f = seg__row(&fg, y);
        for (int x = 0; x < w; x++)
            f[x] = d[x] > t ? 255 : 0;
    }
    int n;
    STEP(n = seg_connected_components(&fg, 8, SEG_CC_ORDER_CV2, &cc, NULL), "markers");
    for (int y = 0; y < h; y++) {
        const int32_t *l = seg__row(&cc, y);
        const uint8_t *b = seg__row(&bg, y), *f = seg__row(&fg, y);
        int32_t *m = seg__row(markers, y);
        for (int x = 0; x < w; x++) /* unknown = sure_bg - sure_fg (saturating) == 255 */
            m[x] = (b[x] == 255 && f[x] == 0) ? 0 : l[x] + 1;
    }
    STEP(seg_watershed(bgr_in, markers), "watershed");
    if (n_objects)
        *n_objects = n - 1;
    rc = SEG_OK;
done:
    seg_image_free(&gray);
    seg_image_free(&bgr);
    seg_image_free(&th);
    seg_image_free(&closed);
    seg_image_free(&kernel);
    seg_image_free(&opening);
    seg_image_free(&bg);
    seg_image_free(&dist);
    seg_image_free(&fg);
    seg_image_free(&cc);
    if (rc && markers_was_empty)
        seg_image_free(markers);
    return rc;
}
