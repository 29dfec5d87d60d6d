/* segkit segment --method instance: a detector (Mask R-CNN / Faster R-CNN, ONNX) finds
 * object instances; per image the id map, the overlay and COCO results. */
#include "recipe_output.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cli_opt opts[] = {
    {"output", 'o', CLI_STRING, NULL, NULL, "output folder (one image: files go there; several: "
                                             "one sub-folder per image)"},
    {"model", 0, CLI_STRING, NULL, NULL, "ONNX detector (torchvision's Mask R-CNN export contract)"},
    {"score-threshold", 0, CLI_DOUBLE, "0.5", NULL, "keep detections scoring at least this "
                                                    "(0 for COCO evaluation)"},
    {"mask-threshold", 0, CLI_DOUBLE, "0.5", NULL, "mask pixels above this probability are "
                                                   "foreground"},
    {"max-instances", 0, CLI_INT, "100", NULL, "keep at most this many per image (0: all)"},
    {"alpha", 0, CLI_DOUBLE, "0.5", NULL, "opacity of the instance colours in overlay.png"},
    {"no-boxes", 0, CLI_FLAG, NULL, NULL, "do not outline the boxes in overlay.png"},
    {"no-labels", 0, CLI_FLAG, NULL, NULL, "do not write class names and scores in overlay.png"},
    {"results", 0, CLI_STRING, NULL, NULL, "also write every image's instances into one COCO "
                                            "results file"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

typedef struct inst_ctx {
    const seg_model *m;
    seg_instance_config cfg;
    seg_instance_draw_options draw;
    int next;              /* images done */
    int64_t *ids;          /* image id per positional image */
    seg_instances *sets;   /* kept for --results */
} inst_ctx;

/* The file name's stem as a number when it is all digits (COCO's 000000397133.jpg), else -1. */
static int64_t stem_number(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    int64_t v = 0;
    int digits = 0;
    for (const char *p = base; *p && *p != '.'; p++, digits++) {
        if (!isdigit((unsigned char)*p) || digits >= 18)
            return -1;
        v = v * 10 + (*p - '0');
    }
    return digits ? v : -1;
}

static int one_image(const cli_args *a, const char *path, const char *dir, void *vctx)
{
    inst_ctx *c = vctx;
    seg_image img, ids = {0}, over = {0};
    seg_instances inst = {0};
    char *json = NULL;
    int status = cli_read_bgr(a, path, &img), rc;
    if (status)
        return status;
    int64_t id = c->ids[c->next];
    const seg_instances *one = &inst;
    if ((rc = seg_segment_instance(c->m, &c->cfg, &img, SEG_ORDER_BGR, &inst)) ||
        (rc = seg_instances_id_map(&inst, &ids)) ||
        (rc = seg_instances_overlay(&img, SEG_ORDER_BGR, &inst, &c->draw, &over)) ||
        (rc = seg_instances_to_coco_json(&one, &id, 1, &json))) {
        status = cli_fail_status(a, rc, path);
        goto done;
    }
    char out[4096 + 32];
    snprintf(out, sizeof out, "%s/objects.json", dir);
    if ((status = cli_write_png(a, dir, "instances.png", &ids)) ||
        (status = cli_write_png(a, dir, "overlay.png", &over)) ||
        (status = cli_write_file(a, out, json, strlen(json))))
        goto done;
    cli_info("instance: %s -> %s/{instances.png, overlay.png, objects.json} (image_id %lld, "
             "%d instances)", path, dir, (long long)id, inst.count);
    if (c->sets) {
        c->sets[c->next] = inst; /* kept for the results file */
        memset(&inst, 0, sizeof inst);
    }
    c->next++;
done:
    seg_free(json);
    seg_instances_free(&inst);
    seg_image_free(&img);
    seg_image_free(&ids);
    seg_image_free(&over);
    return status;
}

static int write_results(const cli_args *a, inst_ctx *c, const char *path)
{
    const seg_instances **sets = calloc((size_t)c->next + 1, sizeof *sets);
    char *json = NULL;
    if (!sets)
        return cli_fail(a, "out of memory");
    for (int i = 0; i < c->next; i++)
        sets[i] = &c->sets[i];
    int rc = seg_instances_to_coco_json(sets, c->ids, (size_t)c->next, &json), status;
    free(sets);
    if (rc)
        return cli_fail_status(a, rc, "results");
    status = cli_write_file(a, path, json, strlen(json));
    seg_free(json);
    if (!status)
        cli_info("instance: %d images' results -> %s", c->next, path);
    return status;
}

static int run(const cli_args *a)
{
    const char *model_path = cli_str(a, "model"), *dir = cli_str(a, "output");
    const char *results = cli_str(a, "results");
    if (!model_path || !dir)
        return cli_fail(a, "--model and -o DIR are required");
    inst_ctx c = {0};
    seg_instance_config_default(&c.cfg);
    seg_instance_draw_options_default(&c.draw);
    double st = cli_double(a, "score-threshold"), mt = cli_double(a, "mask-threshold");
    double alpha = cli_double(a, "alpha");
    long maxn = cli_int(a, "max-instances");
    if (st < 0 || st > 1 || mt < 0 || mt >= 1)
        return cli_fail(a, "--score-threshold must be in 0..1 and --mask-threshold in 0..1 "
                           "(below 1)");
    if (alpha < 0 || alpha > 1)
        return cli_fail(a, "--alpha must be in 0..1");
    if (maxn < 0 || maxn > 65535)
        return cli_fail(a, "--max-instances must be in 0..65535");
    c.cfg.score_threshold = (float)st;
    c.cfg.mask_threshold = (float)mt;
    c.cfg.max_instances = (int)maxn;
    c.draw.alpha = (float)alpha;
    c.draw.draw_boxes = !cli_flag(a, "no-boxes");
    c.draw.draw_labels = !cli_flag(a, "no-labels");
    /* image ids: the file names' numbers when every name is a number, else 1, 2, ... */
    c.ids = calloc((size_t)a->npos + 1, sizeof *c.ids);
    c.sets = results ? calloc((size_t)a->npos + 1, sizeof *c.sets) : NULL;
    if (!c.ids || (results && !c.sets)) {
        free(c.ids);
        free(c.sets);
        return cli_fail(a, "out of memory");
    }
    bool numbered = true;
    for (int i = 0; i < a->npos; i++)
        numbered &= (c.ids[i] = stem_number(a->pos[i])) >= 0;
    for (int i = 0; i < a->npos && !numbered; i++)
        c.ids[i] = i + 1;
    int rc, status = 0;
    seg_model *m = NULL;
    if ((rc = seg_model_load(model_path, &m)))
        status = cli_fail_status(a, rc, "model");
    c.m = m;
    if (!status)
        status = cli_for_each_image(a, dir, one_image, &c);
    if (!status && results)
        status = write_results(a, &c, results);
    for (int i = 0; c.sets && i < c.next; i++)
        seg_instances_free(&c.sets[i]);
    free(c.sets);
    free(c.ids);
    seg_model_destroy(m);
    return status;
}

const seg_cli_command seg_cli_segment_instance = {
    .name = "instance",
    .summary = "a detector (Mask R-CNN, ONNX) finds object instances: box, class, score, mask",
    .usage = "IMAGE... --model FILE -o DIR [--results FILE]",
    .details = "Writes instances.png (16-bit: 1 + the instance's rank by score, painted least\n"
               "confident first so the most confident is on top; 0 = none), overlay.png (masks\n"
               "blended in per-instance colours, boxes outlined; no text) and objects.json (the\n"
               "image's COCO results: image_id, category_id, bbox [x, y, w, h], score,\n"
               "segmentation as compressed RLE). --results gathers all images into one COCO\n"
               "results file. image_id: the file name's number when every image is named by\n"
               "a number (COCO's 000000397133.jpg -> 397133), else 1, 2, ... in argument order.\n"
               "The model: torchvision's maskrcnn_resnet50_fpn / fasterrcnn_resnet50_fpn export\n"
               "(input [3, H, W] RGB in 0..1; outputs boxes, labels, scores[, masks]);\n"
               "see docs/instance.md.",
    .opts = opts,
    .min_pos = 1,
    .max_pos = CLI_MAX_POS,
    .run = run,
};
