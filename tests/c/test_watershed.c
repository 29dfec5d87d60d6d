/* Watersheds through the C API: argument errors, the outer frame, in-place output of the
 * skimage variant, the watershed recipe's options. Labels themselves are checked against
 * cv2 and skimage in tests/python/test_watershed.py and test_watershed_recipe.py. */
#include "check.h"
#include "internal.h"

#include <math.h>
#include <string.h>

static void test_cv_errors_and_frame(void)
{
    seg_image img, gray, mk, mk_small, mk_f;
    CHECK_EQ_INT(seg_image_alloc(&img, 9, 7, 3, SEG_U8), SEG_OK);
    CHECK_EQ_INT(seg_image_alloc(&gray, 9, 7, 1, SEG_U8), SEG_OK);
    CHECK_EQ_INT(seg_image_alloc(&mk, 9, 7, 1, SEG_S32), SEG_OK);
    CHECK_EQ_INT(seg_image_alloc(&mk_small, 8, 7, 1, SEG_S32), SEG_OK);
    CHECK_EQ_INT(seg_image_alloc(&mk_f, 9, 7, 1, SEG_F32), SEG_OK);
    CHECK_EQ_INT(seg_watershed(&gray, &mk), SEG_ETYPE);
    CHECK(strstr(seg_last_error(), "3-channel") != NULL);
    CHECK_EQ_INT(seg_watershed(&img, &mk_small), SEG_ESIZE);
    CHECK_EQ_INT(seg_watershed(&img, &mk_f), SEG_ETYPE);
    CHECK_EQ_INT(seg_watershed(&img, NULL), SEG_EINVAL);
    ((int32_t *)seg__row(&mk, 3))[4] = 5;
    CHECK_EQ_INT(seg_watershed(&img, &mk), SEG_OK);
    int frame = 1, inner = 1;
    for (int y = 0; y < 7; y++)
        for (int x = 0; x < 9; x++) {
            int32_t v = ((int32_t *)seg__row(&mk, y))[x];
            if (y == 0 || y == 6 || x == 0 || x == 8)
                frame &= v == -1;
            else
                inner &= v == 5; /* one seed on a flat image floods everything */
        }
    CHECK(frame);
    CHECK(inner);
    seg_image_free(&img);
    seg_image_free(&gray);
    seg_image_free(&mk);
    seg_image_free(&mk_small);
    seg_image_free(&mk_f);
}

static void test_sk_errors_and_in_place(void)
{
    seg_image img, mk, mask3, out = {0};
    CHECK_EQ_INT(seg_image_alloc(&img, 6, 5, 1, SEG_F32), SEG_OK);
    CHECK_EQ_INT(seg_image_alloc(&mk, 6, 5, 1, SEG_S32), SEG_OK);
    CHECK_EQ_INT(seg_image_alloc(&mask3, 6, 5, 3, SEG_U8), SEG_OK);
    CHECK_EQ_INT(seg_watershed_skimage(&img, &mk, NULL, &out, 3, 0, 0), SEG_EINVAL);
    CHECK_EQ_INT(seg_watershed_skimage(&img, &mk, &mask3, &out, 1, 0, 0), SEG_ETYPE);
    CHECK_EQ_INT(seg_watershed_skimage(&img, &mk, NULL, &out, 1, -0.5, 0), SEG_EINVAL);
    CHECK_EQ_INT(seg_watershed_skimage(&img, &img, NULL, &out, 1, 0, 0), SEG_ETYPE);
    CHECK(out.data == NULL);
    ((int32_t *)seg__row(&mk, 0))[0] = 2;
    ((int32_t *)seg__row(&mk, 4))[5] = 3;
    CHECK_EQ_INT(seg_watershed_skimage(&img, &mk, NULL, &mk, 1, 0, 0), SEG_OK); /* in place */
    int labelled = 1;
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 6; x++) {
            int32_t v = ((int32_t *)seg__row(&mk, y))[x];
            labelled &= v == 2 || v == 3;
        }
    CHECK(labelled);
    seg_image_free(&img);
    seg_image_free(&mk);
    seg_image_free(&mask3);
}

/* Two bright discs on a background ramp brighter on the right than the discs on the
 * left: no global threshold separates them, a local mean does. */
static void test_recipe_threshold_options(void)
{
    CHECK(seg_watershed_recipe_options_size() == sizeof(seg_watershed_recipe_options));
    seg_watershed_recipe_options o = seg_watershed_recipe_defaults();
    CHECK(o.thresh_method == SEG_WATERSHED_THRESH_OTSU && o.close_iterations == 0);
    CHECK(o.block_size == 11 && o.c == 2 && o.thresh == 127);
    seg_image img, mk = {0};
    CHECK_EQ_INT(seg_image_alloc(&img, 120, 60, 1, SEG_U8), SEG_OK);
    for (int y = 0; y < 60; y++) {
        uint8_t *r = seg__row(&img, y);
        for (int x = 0; x < 120; x++) {
            int v = 20 + x * 150 / 120, d1 = (x - 25) * (x - 25) + (y - 30) * (y - 30),
                d2 = (x - 95) * (x - 95) + (y - 30) * (y - 30);
            r[x] = (uint8_t)(d1 < 100 || d2 < 100 ? v + 60 : v);
        }
    }
    int n = -1;
    o.invert = 0;
    o.thresh_method = SEG_WATERSHED_THRESH_MEAN;
    o.block_size = 41;
    o.c = -20;
    o.close_iterations = 1;
    CHECK_EQ_INT(seg_segment_watershed(&img, &o, &mk, &n), SEG_OK);
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_INT(((int32_t *)seg__row(&mk, 30))[25], 2);
    CHECK_EQ_INT(((int32_t *)seg__row(&mk, 30))[95], 3);
    o.thresh_method = SEG_WATERSHED_THRESH_GAUSSIAN;
    CHECK_EQ_INT(seg_segment_watershed(&img, &o, &mk, &n), SEG_OK);
    CHECK_EQ_INT(n, 2);
    o.thresh_method = SEG_WATERSHED_THRESH_FIXED;
    o.thresh = 100;
    CHECK_EQ_INT(seg_segment_watershed(&img, &o, &mk, &n), SEG_OK);
    CHECK(n != 2); /* the right half of the ramp passes a global threshold */
    seg_watershed_recipe_options bad = o;
    bad.thresh_method = 4;
    CHECK_EQ_INT(seg_segment_watershed(&img, &bad, &mk, &n), SEG_EINVAL);
    bad = o;
    bad.thresh_method = SEG_WATERSHED_THRESH_MEAN;
    bad.block_size = 4;
    CHECK_EQ_INT(seg_segment_watershed(&img, &bad, &mk, &n), SEG_EINVAL);
    bad.block_size = 5;
    bad.c = NAN;
    CHECK_EQ_INT(seg_segment_watershed(&img, &bad, &mk, &n), SEG_EINVAL);
    bad = o;
    bad.close_iterations = -1;
    CHECK_EQ_INT(seg_segment_watershed(&img, &bad, &mk, &n), SEG_EINVAL);
    seg_image_free(&img);
    seg_image_free(&mk);
}

int main(void)
{
    test_cv_errors_and_frame();
    test_sk_errors_and_in_place();
    test_recipe_threshold_options();
    return check_report();
}
