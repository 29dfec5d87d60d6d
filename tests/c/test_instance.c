/* The instance task in C: outputs -> instances (order, thresholds, both mask layouts,
 * errors), the paste geometry, id map, overlay and COCO results text. The parity with
 * torchvision is tested in tests/python/test_instance.py. */
#include "check.h"
#include "tasks/instance_internal.h"

#include <math.h>
#include <string.h>

static seg_tensor view(int type, void *data, size_t nbytes, int ndim, const int64_t *dims)
{
    seg_tensor t = {.elem_type = type, .ndim = ndim, .data = data, .nbytes = nbytes};
    for (int d = 0; d < ndim; d++)
        t.dims[d] = dims[d];
    return t;
}

enum { H = 20, W = 30, N = 3 };
static float boxes[N][4] = {{2, 3, 12, 15}, {10, 0, 29, 19}, {0, 0, 5, 5}};
static int64_t labels[N] = {1, 18, 44};
static float scores[N] = {0.6f, 0.9f, 0.3f};
static float masks[N][H][W];

/* seg_instances_from_outputs on n detections with masks [n, 1, mh, mw] (pixels of a
 * W x H image), every bitmap kept. */
static int from_arrays(int n, const float *bx, const int64_t *lb, const float *sc,
                       const float *m, int mh, int mw, seg_instances *inst)
{
    const int64_t db[2] = {n, 4}, d1[1] = {n}, dm[4] = {n, 1, mh, mw};
    seg_tensor tb = view(SEG_DT_FLOAT, (void *)bx, sizeof(float) * 4 * n, 2, db);
    seg_tensor tl = view(SEG_DT_INT64, (void *)lb, sizeof(int64_t) * n, 1, d1);
    seg_tensor ts = view(SEG_DT_FLOAT, (void *)sc, sizeof(float) * n, 1, d1);
    seg_tensor tm = view(SEG_DT_FLOAT, (void *)m, sizeof(float) * n * mh * mw, 4, dm);
    seg_instance_config cfg;
    seg_instance_config_default(&cfg);
    cfg.keep_bitmaps = 1;
    return seg_instances_from_outputs(&tb, &tl, &ts, &tm, W, H, &cfg, inst);
}

static void make_masks(void)
{
    for (int i = 0; i < N; i++)
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                const float *b = boxes[i];
                bool in = x >= b[0] && x < b[2] && y >= b[1] && y < b[3];
                masks[i][y][x] = in ? 0.75f : (x + y) % 2 ? 0.5f : 0.25f; /* 0.5: not > 0.5 */
            }
}

static void test_from_outputs_pasted(void)
{
    make_masks();
    seg_instances inst;
    CHECK_EQ_INT(from_arrays(N, &boxes[0][0], labels, scores, &masks[0][0][0], H, W, &inst),
                 SEG_OK);
    CHECK_EQ_INT(inst.count, 2); /* 0.3 is below 0.5 */
    CHECK(inst.has_masks && inst.width == W && inst.height == H);
    CHECK_EQ_INT(inst.items[0].label, 18); /* by descending score */
    CHECK_EQ_INT(inst.items[1].label, 1);
    CHECK(inst.items[0].score == 0.9f && memcmp(inst.items[0].box, boxes[1], 16) == 0);
    CHECK(inst.items[1].area == 10 * 12 && inst.items[0].area == 19 * 19);
    for (int k = 0; k < 2; k++) {
        seg_rle want;
        CHECK_EQ_INT(seg_rle_encode(&inst.items[k].bitmap, &want), SEG_OK);
        CHECK(want.m == inst.items[k].rle.m &&
              memcmp(want.counts, inst.items[k].rle.counts, want.m * 4) == 0);
        CHECK((double)seg_rle_area(&want) == inst.items[k].area);
        seg_rle_free(&want);
    }
    /* painter's order: where 0 (label 18) and 1 (label 1) overlap, 0 is on top */
    seg_image ids = {0};
    CHECK_EQ_INT(seg_instances_id_map(&inst, &ids), SEG_OK);
    CHECK_EQ_INT(((uint16_t *)seg__row(&ids, 5))[11], 1);
    CHECK_EQ_INT(((uint16_t *)seg__row(&ids, 5))[5], 2);
    CHECK_EQ_INT(((uint16_t *)seg__row(&ids, 19))[5], 0);
    seg_image img, over = {0};
    CHECK_EQ_INT(seg_image_alloc(&img, W, H, 3, SEG_U8), SEG_OK);
    seg_instance_draw_options opt;
    seg_instance_draw_options_default(&opt);
    opt.draw_boxes = 0;
    opt.alpha = 1.0f;
    CHECK_EQ_INT(seg_instances_overlay(&img, SEG_ORDER_RGB, &inst, &opt, &over), SEG_OK);
    uint8_t c0[3];
    seg_instance_color(0, c0);
    CHECK(memcmp((uint8_t *)seg__row(&over, 5) + 3 * 11, c0, 3) == 0);
    CHECK(memcmp((uint8_t *)seg__row(&over, 19) + 3 * 5, "\0\0\0", 3) == 0);
    opt.alpha = 2;
    CHECK_EQ_INT(seg_instances_overlay(&img, SEG_ORDER_RGB, &inst, &opt, &over), SEG_EINVAL);
    /* COCO results text */
    const seg_instances *sets[1] = {&inst};
    int64_t id = 7;
    char *json = NULL;
    CHECK_EQ_INT(seg_instances_to_coco_json(sets, &id, 1, &json), SEG_OK);
    CHECK(json && strstr(json, "{\"image_id\": 7, \"category_id\": 18, \"bbox\": [10, 0, 19, 19], "
                               "\"score\": 0.9, \"segmentation\": {\"size\": [20, 30]"));
    CHECK(json && strstr(json, "\"category_id\": 1, \"bbox\": [2, 3, 10, 12], \"score\": 0.6,"));
    seg_free(json);
    seg_image_free(&img);
    seg_image_free(&over);
    seg_image_free(&ids);
    seg_instances_free(&inst);
    CHECK(inst.count == 0 && inst.items == NULL);
    seg_instances_free(NULL);

    /* no masks: areas from the boxes, no segmentation in the results */
    const int64_t db[2] = {N, 4}, d1[1] = {N};
    seg_tensor tb = view(SEG_DT_FLOAT, boxes, sizeof boxes, 2, db);
    seg_tensor tl = view(SEG_DT_INT64, labels, sizeof labels, 1, d1);
    seg_tensor ts = view(SEG_DT_FLOAT, scores, sizeof scores, 1, d1);
    seg_instance_config cfg;
    seg_instance_config_default(&cfg);
    cfg.score_threshold = 0;
    cfg.max_instances = 2;
    CHECK_EQ_INT(seg_instances_from_outputs(&tb, &tl, &ts, NULL, W, H, &cfg, &inst), SEG_OK);
    CHECK(inst.count == 2 && !inst.has_masks && inst.items[1].area == 120.0);
    CHECK(inst.items[0].rle.m == 0 && inst.items[0].bitmap.data == NULL);
    CHECK_EQ_INT(seg_instances_to_coco_json(sets, &id, 1, &json), SEG_OK);
    CHECK(json && !strstr(json, "segmentation"));
    seg_free(json);
    seg_instances_free(&inst);
}

static void test_bad_outputs(void)
{
    const int64_t db[2] = {N, 4}, d1[1] = {N}, d2[1] = {2}, dm[4] = {N, 1, H, W};
    int32_t lab32[N] = {1, 2, 3};
    seg_tensor tb = view(SEG_DT_FLOAT, boxes, sizeof boxes, 2, db);
    seg_tensor tl = view(SEG_DT_INT32, lab32, sizeof lab32, 1, d1);
    seg_tensor ts = view(SEG_DT_FLOAT, scores, sizeof scores, 1, d1);
    seg_tensor tm = view(SEG_DT_FLOAT, masks, sizeof masks, 4, dm);
    seg_instances inst;
    CHECK_EQ_INT(seg_instances_from_outputs(&tb, &tl, &ts, &tm, W, H, NULL, &inst), SEG_OK);
    seg_instances_free(&inst);
    seg_tensor bad = ts;
    bad.dims[0] = 2;
    CHECK_EQ_INT(seg_instances_from_outputs(&tb, &tl, &bad, &tm, W, H, NULL, &inst), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "differ in count") != NULL);
    CHECK(inst.count == 0 && inst.items == NULL);
    bad = view(SEG_DT_INT64, labels, sizeof labels, 1, d2);
    CHECK_EQ_INT(seg_instances_from_outputs(&tb, &tl, &bad, &tm, W, H, NULL, &inst), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "scores must be float32") != NULL);
    bad = tm;
    bad.nbytes -= 4;
    CHECK_EQ_INT(seg_instances_from_outputs(&tb, &tl, &ts, &bad, W, H, NULL, &inst), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "fewer bytes") != NULL);
    CHECK_EQ_INT(seg_instances_from_outputs(&tb, &tl, &ts, &tm, W + 1, H, NULL, &inst),
                 SEG_EINVAL); /* masks are then box-relative, and not square */
    CHECK(strstr(seg_last_error(), "square") != NULL);
    CHECK_EQ_INT(seg_instances_from_outputs(&tb, &tl, &ts, &tm, 0, H, NULL, &inst), SEG_EINVAL);
    CHECK_EQ_INT(seg_instances_from_outputs(NULL, &tl, &ts, &tm, W, H, NULL, &inst), SEG_EINVAL);
    float inf_box[N][4];
    memcpy(inf_box, boxes, sizeof boxes);
    inf_box[2][3] = INFINITY;
    bad = view(SEG_DT_FLOAT, inf_box, sizeof inf_box, 2, db);
    CHECK_EQ_INT(seg_instances_from_outputs(&bad, &tl, &ts, NULL, W, H, NULL, &inst), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "box 2") != NULL);
    CHECK_EQ_INT(seg_segment_instance(NULL, NULL, NULL, SEG_ORDER_BGR, &inst), SEG_EINVAL);
}

static void test_box_relative(void)
{
    /* geometry: box (10, 10, 20, 20), M = 28 -> half-width 5 * 30/28 -> [9, 20], 12 wide */
    const float box[4] = {10, 10, 20, 20};
    seg__paste_rect r;
    seg__paste_geometry(box, 28, 100, 15, &r);
    CHECK(r.bx0 == 9 && r.by0 == 9 && r.bw == 12 && r.bh == 12);
    CHECK(r.x0 == 9 && r.x1 == 21 && r.y0 == 9 && r.y1 == 15);
    const float outside[4] = {-50, -50, -40, -40};
    seg__paste_geometry(outside, 28, 100, 100, &r);
    CHECK(r.x1 == r.x0 && r.y1 == r.y0);
    /* an all-ones 4x4 mask: foreground around the centre, nothing far from the box */
    float ones[2][4][4];
    for (int i = 0; i < 32; i++)
        (&ones[0][0][0])[i] = 1.0f;
    float bx[2][4] = {{4, 4, 16, 12}, {-5, -5, 2, 3}};
    int64_t lb[2] = {1, 2};
    float sc[2] = {0.9f, 0.8f};
    seg_instances inst;
    CHECK_EQ_INT(from_arrays(2, &bx[0][0], lb, sc, &ones[0][0][0], 4, 4, &inst), SEG_OK);
    CHECK_EQ_INT(inst.count, 2);
    const seg_image *b0 = &inst.items[0].bitmap;
    CHECK(((uint8_t *)seg__row(b0, 8))[10] == 1 && ((uint8_t *)seg__row(b0, 8))[25] == 0);
    CHECK(((uint8_t *)seg__row(b0, 16))[10] == 0);
    CHECK(((uint8_t *)seg__row(&inst.items[1].bitmap, 0))[0] == 1); /* clipped at the corner */
    for (int k = 0; k < 2; k++) {
        seg_image dec = {0};
        CHECK_EQ_INT(seg_rle_decode(&inst.items[k].rle, &dec), SEG_OK);
        int same = 1;
        for (int y = 0; y < H; y++)
            same &= memcmp(seg__row(&dec, y), seg__row(&inst.items[k].bitmap, y), W) == 0;
        CHECK(same);
        seg_image_free(&dec);
    }
    seg_instances_free(&inst);
}

int main(void)
{
    test_from_outputs_pasted();
    test_bad_outputs();
    test_box_relative();
    CHECK(strcmp(seg_coco_category_name(18), "dog") == 0 && seg_coco_category_name(-1) == NULL);
    const char *names[2] = {"bg", "thing"};
    seg_instance_config cfg;
    seg_instance_config_default(&cfg);
    cfg.num_classes = 2;
    cfg.class_names = names;
    CHECK(strcmp(seg_instance_class_name(&cfg, 1), "thing") == 0);
    CHECK(seg_instance_class_name(&cfg, 2) == NULL);
    CHECK(strcmp(seg_instance_class_name(NULL, 1), "person") == 0);
    return check_report();
}
