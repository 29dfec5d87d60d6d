/* libFuzzer target: COCO annotation and result JSON (seg_coco_load_buffer and
 * seg_coco_load_results_buffer), then a COCOeval on what was read. The first byte picks
 * the mode; inputs are capped so one run stays fast. */
#include <segkit.h>

#include <stdint.h>
#include <string.h>

static const char gt_json[] =
    "{\"images\": [{\"id\": 1, \"width\": 12, \"height\": 9}, {\"id\": 2, \"width\": 5, \"height\": 4}],"
    " \"categories\": [{\"id\": 3, \"name\": \"a\"}, {\"id\": 4, \"name\": \"b\"}],"
    " \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 3, \"area\": 20, \"iscrowd\": 0,"
    " \"bbox\": [1, 1, 5, 4], \"segmentation\": [[1, 1, 6, 1, 6, 5, 1, 5]]},"
    " {\"id\": 2, \"image_id\": 2, \"category_id\": 4, \"area\": 6, \"iscrowd\": 1,"
    " \"bbox\": [0, 0, 3, 2], \"segmentation\": {\"size\": [4, 5], \"counts\": [0, 2, 2, 2, 14]}}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    int mode = data[0] % 3;
    const char *json = (const char *)data + 1;
    size_t len = size - 1;
    seg_set_num_threads(1);
    seg_coco *gt = NULL, *dt = NULL;
    if (mode == 0) {
        if (seg_coco_load_buffer(json, len, "fuzz.json", &gt) == 0) {
            seg_coco_annotation a;
            for (size_t i = 0; i < seg_coco_num_annotations(gt); i++) {
                seg_rle r;
                seg_coco_get_annotation(gt, i, &a);
                if (seg_coco_annotation_rle(gt, i, &r) == 0)
                    seg_rle_free(&r);
            }
        }
        seg_coco_destroy(gt);
        return 0;
    }
    if (seg_coco_load_buffer(gt_json, strlen(gt_json), "gt.json", &gt) != 0)
        __builtin_trap();
    if (seg_coco_load_results_buffer(gt, json, len, "fuzz.json", &dt) == 0) {
        seg_cocoeval *e = NULL;
        if (seg_cocoeval_create(gt, dt, mode == 1 ? SEG_IOU_BBOX : SEG_IOU_SEGM, &e) == 0 &&
            seg_cocoeval_evaluate(e) == 0 && seg_cocoeval_accumulate(e) == 0) {
            double stats[12];
            char text[2048];
            seg_cocoeval_summarize(e, stats, text, sizeof text);
        }
        seg_cocoeval_destroy(e);
    }
    seg_coco_destroy(dt);
    seg_coco_destroy(gt);
    return 0;
}
