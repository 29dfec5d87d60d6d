/* The k-means and GrabCut recipes (src/tasks/) on synthetic images with known answers. */
#include "check.h"
#include "internal.h"

#include <string.h>

/* 60x40 BGR image: left half (x < 30) dark red (0, 0, 160), right half light green, with
 * a little deterministic noise; for GrabCut a blue square on grey. */
static void make_halves(seg_image *img)
{
    CHECK_EQ_INT(seg_image_alloc(img, 60, 40, 3, SEG_U8), SEG_OK);
    unsigned s = 7;
    for (int y = 0; y < 40; y++) {
        uint8_t *p = seg__row(img, y);
        for (int x = 0; x < 60; x++) {
            s = s * 1103515245u + 12345u;
            int noise = (int)((s >> 16) % 9) - 4;
            const int left[3] = {10, 20, 160}, right[3] = {120, 220, 120};
            for (int c = 0; c < 3; c++)
                p[3 * x + c] = (uint8_t)((x < 30 ? left[c] : right[c]) + noise);
        }
    }
}

static void test_kmeans_recipe(void)
{
    seg_image img;
    make_halves(&img);
    for (int space = 0; space < 3; space++) {
        seg_kmseg_options o;
        seg_kmseg_options_default(&o);
        o.k = 2;
        o.color_space = space;
        o.seed = 3;
        seg_kmseg_result r;
        CHECK_EQ_INT(seg_segment_kmeans(&img, &o, &r), SEG_OK);
        CHECK_EQ_INT(r.k, 2);
        const int32_t *row0 = seg__row(&r.labels, 0);
        int left = row0[0], ok = 1;
        for (int y = 0; y < 40; y++) {
            const int32_t *lab = seg__row(&r.labels, y);
            for (int x = 0; x < 60; x++)
                ok &= lab[x] == (x < 30 ? left : 1 - left);
        }
        CHECK(ok);
        CHECK_EQ_INT(r.counts[0], 1200);
        CHECK_EQ_INT(r.counts[1], 1200);
        /* the left centre converted back is close to the left colour */
        const uint8_t *c = r.centers_bgr + 3 * left;
        CHECK(abs(c[0] - 10) <= 4 && abs(c[1] - 20) <= 4 && abs(c[2] - 160) <= 4);
        CHECK(memcmp(seg__row(&r.segmented, 5), c, 3) == 0);
        seg_kmseg_result_free(&r);
    }
    seg_kmseg_options o;
    seg_kmseg_options_default(&o);
    o.xy_weight = 0.5f;
    seg_kmseg_result r;
    CHECK_EQ_INT(seg_segment_kmeans(&img, &o, &r), SEG_OK);
    seg_kmseg_result_free(&r);
    o.k = 60 * 40 + 1;
    CHECK_EQ_INT(seg_segment_kmeans(&img, &o, &r), SEG_EINVAL);
    CHECK(r.labels.data == NULL);
    o.k = 2;
    o.color_space = 9;
    CHECK_EQ_INT(seg_segment_kmeans(&img, &o, &r), SEG_EINVAL);
    seg_image gray;
    CHECK_EQ_INT(seg_image_alloc(&gray, 4, 4, 1, SEG_U8), SEG_OK);
    CHECK(seg_segment_kmeans(&gray, NULL, &r) < 0);
    seg_image_free(&gray);
    seg_image_free(&img);
}

static void test_grabcut_recipe(void)
{
    seg_image img;
    CHECK_EQ_INT(seg_image_alloc(&img, 64, 48, 3, SEG_U8), SEG_OK);
    unsigned s = 1;
    for (int y = 0; y < 48; y++) {
        uint8_t *p = seg__row(&img, y);
        for (int x = 0; x < 64; x++) {
            s = s * 1103515245u + 12345u;
            int in = x >= 20 && x < 44 && y >= 14 && y < 34;
            for (int c = 0; c < 3; c++)
                p[3 * x + c] = (uint8_t)((in ? (c == 0 ? 200 : 30) : 128) + (int)((s >> 16) % 11) - 5);
        }
    }
    seg_gcseg_options o;
    seg_gcseg_options_default(&o);
    o.rect = (seg_rect){10, 6, 44, 36};
    seg_gcseg_result r;
    CHECK_EQ_INT(seg_segment_grabcut(&img, &o, &r), SEG_OK);
    CHECK_EQ_INT(r.fg_pixels, 24 * 20);
    CHECK(r.bbox.x == 20 && r.bbox.y == 14 && r.bbox.width == 24 && r.bbox.height == 20);
    CHECK_EQ_INT(((uint8_t *)seg__row(&r.mask, 20))[30], 255);
    CHECK_EQ_INT(((uint8_t *)seg__row(&r.cutout, 20))[4 * 30 + 3], 255);
    CHECK_EQ_INT(((uint8_t *)seg__row(&r.cutout, 2))[4 * 2 + 3], 0);
    /* the same with a scribble mask: everything probable background, a sure-fg dot */
    seg_image scribbles;
    CHECK_EQ_INT(seg_image_alloc(&scribbles, 64, 48, 1, SEG_U8), SEG_OK);
    for (int y = 0; y < 48; y++)
        memset(seg__row(&scribbles, y), SEG_GC_PR_BGD, 64);
    for (int y = 22; y < 26; y++)
        memset((uint8_t *)seg__row(&scribbles, y) + 30, SEG_GC_FGD, 4);
    seg_gcseg_result r2;
    o.mask = &scribbles;
    CHECK_EQ_INT(seg_segment_grabcut(&img, &o, &r2), SEG_OK);
    CHECK_EQ_INT(r2.fg_pixels, 24 * 20);
    seg_gcseg_result_free(&r2);
    ((uint8_t *)seg__row(&scribbles, 0))[0] = 7;
    CHECK_EQ_INT(seg_segment_grabcut(&img, &o, &r2), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "mask value 7") != NULL);
    CHECK(r2.mask.data == NULL);
    o.mask = NULL;
    o.rect = (seg_rect){100, 100, 5, 5};
    CHECK_EQ_INT(seg_segment_grabcut(&img, &o, &r2), SEG_EINVAL);
    seg_image_free(&scribbles);
    seg_gcseg_result_free(&r);
    seg_gcseg_result_free(NULL);
    seg_image_free(&img);
}

int main(void)
{
    test_kmeans_recipe();
    test_grabcut_recipe();
    return check_report();
}
