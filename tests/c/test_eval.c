/* eval: RLE round trips against runs counted here, COCOeval on the COCO fixtures against
 * pycocotools' published figures (tests/data/coco/SOURCES.md), confusion matrix against
 * a naive count, error messages. */
#include "check.h"
#include "internal.h"

#include <math.h>
#include <string.h>

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

static void test_rle_round_trip(void)
{
    const int sizes[][2] = {{1, 1}, {1, 9}, {9, 1}, {13, 17}, {64, 40}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int h = sizes[s][0], w = sizes[s][1];
        seg_image m;
        CHECK_EQ_INT(seg_image_alloc(&m, w, h, 1, SEG_U8), SEG_OK);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                ((uint8_t *)seg__row(&m, y))[x] = (uint8_t)(rnd() % 3 == 0 ? (rnd() % 5 + 1) : 0);
        seg_rle r;
        CHECK_EQ_INT(seg_rle_encode(&m, &r), SEG_OK);
        /* runs counted in column-major order, starting with zeros */
        uint32_t runs[4096];
        size_t k = 0;
        uint32_t run = 0;
        int prev = 0;
        uint64_t area = 0;
        for (int x = 0; x < w; x++)
            for (int y = 0; y < h; y++) {
                int v = ((uint8_t *)seg__row(&m, y))[x] != 0;
                area += (uint64_t)v;
                if (v != prev) {
                    runs[k++] = run;
                    run = 0;
                    prev = v;
                }
                run++;
            }
        runs[k++] = run;
        CHECK_EQ_INT(r.m, k);
        CHECK(memcmp(r.counts, runs, k * sizeof *runs) == 0);
        CHECK_EQ_INT(seg_rle_area(&r), area);
        size_t len;
        CHECK_EQ_INT(seg_rle_to_string(&r, NULL, 0, &len), SEG_OK);
        char buf[8192];
        CHECK_EQ_INT(seg_rle_to_string(&r, buf, sizeof buf, &len), SEG_OK);
        CHECK_EQ_INT(strlen(buf), len);
        seg_rle back;
        CHECK_EQ_INT(seg_rle_from_string(buf, len, h, w, &back), SEG_OK);
        CHECK(back.m == r.m && memcmp(back.counts, r.counts, r.m * sizeof *r.counts) == 0);
        seg_image dec = {0};
        CHECK_EQ_INT(seg_rle_decode(&back, &dec), SEG_OK);
        int same = 1;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                same &= ((uint8_t *)seg__row(&dec, y))[x] == (((uint8_t *)seg__row(&m, y))[x] != 0);
        CHECK(same);
        seg_image_free(&dec);
        seg_rle_free(&back);
        seg_rle_free(&r);
        seg_image_free(&m);
    }
    seg_rle bad;
    CHECK_EQ_INT(seg_rle_from_string("0~", 2, 1, 1, &bad), SEG_EFORMAT);
    CHECK(strstr(seg_last_error(), "outside '0'..'o'") != NULL);
    CHECK(bad.counts == NULL);
    CHECK_EQ_INT(seg_rle_from_string("1", 1, 2, 2, &bad), SEG_EFORMAT);
    CHECK(strstr(seg_last_error(), "add up to 1, not 2x2") != NULL);
    CHECK_EQ_INT(seg_rle_from_string("P", 1, 2, 2, &bad), SEG_EFORMAT);
    CHECK(strstr(seg_last_error(), "cut short") != NULL);
}

static void test_cocoeval_fixtures(void)
{
    /* pycocotools' figures for the fixtures (tests/data/coco/SOURCES.md) */
    static const double ref[2][12] = {
        {0.5045806987249628, 0.6969727247299577, 0.5729816669904824, 0.5856257209410443,
         0.5193996948036719, 0.5013978986347466, 0.38681277964578054, 0.5936795762842003,
         0.595352982877607, 0.6398109626113442, 0.5664205978994309, 0.5642905982905982},
        {0.3195452758576433, 0.5622883972521636, 0.29892653412086784, 0.3873740315997838,
         0.31018272403369485, 0.3269339071005138, 0.2682297225711534, 0.41544868114906375,
         0.4168394992198818, 0.4694498622754236, 0.37675922666197265, 0.3814715099715099}};
    static const char *res[2] = {"instances_val2014_fakebbox100_results.json",
                                 "instances_val2014_fakesegm100_results.json"};
    seg_coco *gt = NULL;
    CHECK_EQ_INT(seg_coco_load(SEG_TEST_DATA "/coco/instances_val2014_100.json", &gt), SEG_OK);
    CHECK_EQ_INT(seg_coco_num_images(gt), 100);
    CHECK_EQ_INT(seg_coco_num_annotations(gt), 839);
    CHECK_EQ_INT(seg_coco_num_categories(gt), 80);
    for (int t = 0; t < 2; t++) {
        char path[512];
        snprintf(path, sizeof path, "%s/coco/%s", SEG_TEST_DATA, res[t]);
        seg_coco *dt = NULL;
        CHECK_EQ_INT(seg_coco_load_results(gt, path, &dt), SEG_OK);
        CHECK_EQ_INT(seg_coco_num_annotations(dt), 734);
        double stats[2][12];
        for (int th = 0; th < 2; th++) {
            seg_set_num_threads(th ? 3 : 1);
            seg_cocoeval *e = NULL;
            CHECK_EQ_INT(seg_cocoeval_create(gt, dt, t ? SEG_IOU_SEGM : SEG_IOU_BBOX, &e), SEG_OK);
            CHECK_EQ_INT(seg_cocoeval_evaluate(e), SEG_OK);
            CHECK_EQ_INT(seg_cocoeval_accumulate(e), SEG_OK);
            char text[2048];
            CHECK_EQ_INT(seg_cocoeval_summarize(e, stats[th], text, sizeof text), SEG_OK);
            const char *first = " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | "
                                "maxDets=100 ] = ";
            CHECK(strncmp(text, first, strlen(first)) == 0);
            seg_cocoeval_destroy(e);
        }
        seg_set_num_threads(0);
        for (int i = 0; i < 12; i++) {
            CHECK(fabs(stats[0][i] - ref[t][i]) <= 1e-12);
            CHECK(stats[0][i] == stats[1][i]);
        }
        seg_coco_destroy(dt);
    }
    seg_coco *dt = NULL;
    const char *bad = "[{\"image_id\": 42, \"category_id\": 18, \"bbox\": [1,2,3,4], \"score\": 1},"
                      " {\"image_id\": 41, \"category_id\": 18, \"bbox\": [1,2,3,4], \"score\": 1}]";
    CHECK_EQ_INT(seg_coco_load_results_buffer(gt, bad, strlen(bad), "res.json", &dt), SEG_EFORMAT);
    CHECK(strstr(seg_last_error(), "res.json: result 1: image_id 41 is not in the ground truth"));
    CHECK(dt == NULL);
    seg_coco_destroy(gt);

    const char *broken = "{\"images\": [{\"id\": 1}], \"annotations\": [{\"id\": 1,\n \"image_id\": }]}";
    CHECK_EQ_INT(seg_coco_load_buffer(broken, strlen(broken), "gt.json", &gt), SEG_EFORMAT);
    CHECK(strstr(seg_last_error(), "gt.json: malformed JSON at line 2") != NULL);
    CHECK(gt == NULL);
}

static void test_confusion(void)
{
    const int n = 6, w = 301, h = 123;
    seg_image g, p;
    CHECK_EQ_INT(seg_image_alloc(&g, w, h, 1, SEG_U8), SEG_OK);
    CHECK_EQ_INT(seg_image_alloc(&p, w, h, 1, SEG_S32), SEG_OK);
    uint64_t naive[36] = {0};
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int gv = rnd() % 10 == 0 ? 255 : (int)(rnd() % n), pv = (int)(rnd() % n);
            ((uint8_t *)seg__row(&g, y))[x] = (uint8_t)gv;
            ((int32_t *)seg__row(&p, y))[x] = pv;
            if (gv != 255)
                naive[gv * n + pv]++;
        }
    seg_confusion *c = NULL;
    CHECK_EQ_INT(seg_confusion_create(n, 255, &c), SEG_OK);
    CHECK_EQ_INT(seg_confusion_update(c, &g, &p), SEG_OK);
    CHECK(memcmp(seg_confusion_counts(c), naive, sizeof naive) == 0);
    seg_semantic_scores s;
    double iou[6];
    CHECK_EQ_INT(seg_semantic_scores_compute(seg_confusion_counts(c), n, &s, iou, NULL, NULL),
                 SEG_OK);
    double sum = 0;
    for (int k = 0; k < n; k++) {
        uint64_t tp = naive[k * n + k], row = 0, col = 0;
        for (int q = 0; q < n; q++) {
            row += naive[k * n + q];
            col += naive[q * n + k];
        }
        CHECK(iou[k] == (double)tp / (double)(row + col - tp));
        sum += iou[k];
    }
    CHECK(fabs(s.mean_iou - sum / n) < 1e-15);
    ((int32_t *)seg__row(&p, 7))[3] = 9;
    CHECK_EQ_INT(seg_confusion_update(c, &g, &p), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "predicted label 9 at (x=3, y=7)") != NULL);
    seg_confusion_destroy(c);
    seg_image_free(&g);
    seg_image_free(&p);
}

static void test_build_dataset(void)
{
    seg_coco *c = NULL;
    CHECK_EQ_INT(seg_coco_create("built.json", &c), SEG_OK);
    CHECK_EQ_INT(seg_coco_add_image(c, 7, 6, 4, "a.png"), SEG_OK);
    CHECK_EQ_INT(seg_coco_add_category(c, 1, "thing", ""), SEG_OK);
    uint8_t px[24] = {0};
    px[5] = px[6] = px[9] = 1; /* column-major 4 x 6 */
    seg_rle r;
    CHECK_EQ_INT(seg_rle_encode_colmajor(px, 4, 6, &r), SEG_OK);
    seg_coco_annotation a;
    memset(&a, 0, sizeof a);
    a.id = 3;
    a.image_id = 7;
    a.category_id = 1;
    a.segm_kind = SEG_COCO_SEGM_RLE;
    a.rle_compressed = 1;
    a.rle = r;
    a.area = (double)seg_rle_area(&r);
    CHECK_EQ_INT(seg_coco_add_annotation(c, &a), SEG_OK);
    /* lookups refuse a dataset that is not indexed yet */
    CHECK_EQ_INT(seg_coco_find_image(c, 7), -1);
    seg_rle back;
    CHECK_EQ_INT(seg_coco_annotation_rle(c, 0, &back), SEG_EINVAL);
    CHECK_EQ_INT(seg_coco_finish(c), SEG_OK);
    CHECK_EQ_INT(seg_coco_find_image(c, 7), 0);
    CHECK_EQ_INT(seg_coco_annotation_rle(c, 0, &back), SEG_OK);
    CHECK(back.m == r.m && memcmp(back.counts, r.counts, r.m * sizeof *r.counts) == 0);
    seg_rle_free(&back);
    a.image_id = 8;
    CHECK_EQ_INT(seg_coco_add_annotation(c, &a), SEG_OK);
    CHECK_EQ_INT(seg_coco_finish(c), SEG_EFORMAT);
    CHECK(strstr(seg_last_error(), "built.json: annotation 1: image_id 8 is not in the images"));
    seg_rle_free(&r);
    seg_coco_destroy(c);
}

static void test_panoptic_small(void)
{
    /* gt: left half segment 1 (cat 1), right half VOID; pred: 3 columns of segment 9 */
    int32_t g[4 * 4], p[4 * 4];
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 4; x++) {
            g[y * 4 + x] = x < 2 ? 1 : 0;
            p[y * 4 + x] = x < 3 ? 9 : 0;
        }
    seg_image gi, pi;
    seg_image_wrap(&gi, g, 4, 4, 0, 1, SEG_S32);
    seg_image_wrap(&pi, p, 4, 4, 0, 1, SEG_S32);
    int64_t cats[1] = {1};
    int things[1] = {1};
    seg_pq *pq = NULL;
    CHECK_EQ_INT(seg_pq_create(cats, things, 1, &pq), SEG_OK);
    seg_panoptic_segment gs = {1, 1, 0, 8}, ps = {9, 1, 0, 0};
    CHECK_EQ_INT(seg_pq_update(pq, &gi, &gs, 1, &pi, &ps, 1), SEG_OK);
    seg_pq_stat st;
    CHECK_EQ_INT(seg_pq_category(pq, 0, &st), SEG_OK);
    /* intersection 8, union = 12 + 8 - 8 - 4 (pred on VOID) = 8: IoU 1 */
    CHECK(st.tp == 1 && st.fp == 0 && st.fn == 0 && st.iou_sum == 1.0);
    seg_pq_destroy(pq);
}

int main(void)
{
    test_rle_round_trip();
    test_cocoeval_fixtures();
    test_confusion();
    test_build_dataset();
    test_panoptic_small();
    return check_report();
}
