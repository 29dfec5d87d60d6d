/* COCO's category names (torchvision's list) and COCO result files for instances. */
#include "tasks/instance_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* torchvision.models.detection's _COCO_CATEGORIES: the 91 ids of the 2014 paper, of
 * which the 2017 release kept 80 ("N/A" marks the rest). */
static const char *const coco_names[91] = {
    "__background__", "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train",
    "truck", "boat", "traffic light", "fire hydrant", "N/A", "stop sign", "parking meter",
    "bench", "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra",
    "giraffe", "N/A", "backpack", "umbrella", "N/A", "N/A", "handbag", "tie", "suitcase",
    "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove",
    "skateboard", "surfboard", "tennis racket", "bottle", "N/A", "wine glass", "cup", "fork",
    "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot",
    "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed", "N/A",
    "dining table", "N/A", "N/A", "toilet", "N/A", "tv", "laptop", "mouse", "remote",
    "keyboard", "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "N/A",
    "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush"};

const char *seg_coco_category_name(int id)
{
    return id >= 0 && id < 91 ? coco_names[id] : NULL;
}

const char *seg_instance_class_name(const seg_instance_config *cfg, int label)
{
    if (cfg && cfg->num_classes > 0 && cfg->class_names)
        return label >= 0 && label < cfg->num_classes ? cfg->class_names[label] : NULL;
    return seg_coco_category_name(label);
}

typedef struct sbuf {
    char *s;
    size_t len, cap;
    bool oom;
} sbuf;

static void put(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sbuf *b, const char *fmt, ...)
{
    for (int pass = 0; pass < 2 && !b->oom; pass++) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = true;
            return;
        }
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = SEG_MAX(b->cap * 2, b->len + (size_t)n + 4096);
        char *t = realloc(b->s, cap);
        if (!t) {
            b->oom = true;
            return;
        }
        b->s = t;
        b->cap = cap;
    }
}

/* The shortest %g form that reads back to the same float, without an exponent for
 * ordinary magnitudes (10, not 1e+01), as Python's repr prints numbers. */
static void put_float(sbuf *b, float v)
{
    char t[32];
    double a = fabs((double)v);
    bool plain = a == 0 || (a >= 1e-4 && a < 1e16);
    for (int prec = 1; prec <= 9; prec++) {
        snprintf(t, sizeof t, "%.*g", prec, (double)v);
        if (strtof(t, NULL) == v && !(plain && strchr(t, 'e')))
            break;
    }
    put(b, "%s", t);
}

static int put_instance(sbuf *b, const seg_instances *set, int i, int64_t image_id, bool first)
{
    const seg_instance *it = &set->items[i];
    const float *x = it->box;
    float bb[4] = {x[0], x[1], x[2] - x[0], x[3] - x[1]};
    for (int k = 0; k < 4; k++)
        if (!isfinite(bb[k]))
            return seg__fail(SEG_EINVAL, "coco results: instance %d has a non-finite box", i);
    if (!isfinite(it->score))
        return seg__fail(SEG_EINVAL, "coco results: instance %d has a non-finite score", i);
    put(b, "%s{\"image_id\": %lld, \"category_id\": %d, \"bbox\": [", first ? "" : ",\n ",
        (long long)image_id, it->label);
    for (int k = 0; k < 4; k++) {
        put(b, k ? ", " : "");
        put_float(b, bb[k]);
    }
    put(b, "], \"score\": ");
    put_float(b, it->score);
    if (set->has_masks) {
        size_t n = 0;
        seg_rle_to_string(&it->rle, NULL, 0, &n);
        char *s = malloc(n + 1);
        if (!s)
            return seg__fail(SEG_ENOMEM, "coco results: out of memory");
        seg_rle_to_string(&it->rle, s, n + 1, &n);
        /* the alphabet '0'..'o' holds '\\' (92): escape it for JSON */
        put(b, ", \"segmentation\": {\"size\": [%d, %d], \"counts\": \"", it->rle.height,
            it->rle.width);
        for (char *p = s, *q; *p; p = q) {
            q = strchr(p, '\\');
            if (!q) {
                put(b, "%s", p);
                break;
            }
            put(b, "%.*s\\\\", (int)(q - p), p);
            q++;
        }
        put(b, "\"}");
        free(s);
    }
    put(b, "}");
    return SEG_OK;
}

int seg_instances_to_coco_json(const seg_instances *const *sets, const int64_t *image_ids,
                               size_t n, char **json)
{
    seg__clear_error();
    if (!json)
        return seg__fail(SEG_EINVAL, "coco results: json is NULL");
    *json = NULL;
    if (n && (!sets || !image_ids))
        return seg__fail(SEG_EINVAL, "coco results: sets or image_ids is NULL");
    sbuf b = {0};
    int rc = SEG_OK;
    bool first = true;
    put(&b, "[");
    for (size_t s = 0; s < n && !rc; s++) {
        const seg_instances *set = sets[s];
        if (!set || set->count < 0 || (set->count && !set->items)) {
            rc = seg__fail(SEG_EINVAL, "coco results: set %zu is NULL or malformed", s);
            break;
        }
        for (int i = 0; i < set->count && !rc; i++, first = false)
            rc = put_instance(&b, set, i, image_ids[s], first);
    }
    put(&b, "]\n");
    if (!rc && b.oom)
        rc = seg__fail(SEG_ENOMEM, "coco results: out of memory");
    if (rc) {
        free(b.s);
        return rc;
    }
    *json = b.s;
    return SEG_OK;
}
