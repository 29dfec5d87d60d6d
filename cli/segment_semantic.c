/* segkit segment --method semantic: a neural network's per-pixel classes. */
#include "recipe_output.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const cli_opt opts[] = {
    {"output", 'o', CLI_STRING, NULL, NULL, "output folder (one image: files go there; several: "
                                             "one sub-folder per image)"},
    {"model", 0, CLI_STRING, NULL, NULL, "ONNX model file"},
    {"model-config", 0, CLI_STRING, NULL, NULL,
     "JSON description of the model's pre/post-processing [default: MODEL with .json, if present]"},
    {"alpha", 0, CLI_DOUBLE, "0.5", NULL, "opacity of the class colours in overlay.png"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static const char *class_name(const seg_semantic_config *cfg, int k, char *buf, size_t n)
{
    if (k < cfg->num_classes)
        return cfg->class_names[k];
    snprintf(buf, n, "class %d", k);
    return buf;
}

/* objects.json: per class present, its name, pixel count, share and bounding box. */
static char *objects_json(const seg_image *labels, const seg_semantic_config *cfg, const char *image,
                          int *n_present)
{
    enum { K = 65536 };
    int64_t *count = calloc(K, sizeof *count);
    int *x0 = malloc(K * sizeof(int)), *y0 = malloc(K * sizeof(int));
    int *x1 = malloc(K * sizeof(int)), *y1 = malloc(K * sizeof(int));
    char *text = NULL;
    if (!count || !x0 || !y0 || !x1 || !y1)
        goto done;
    for (int y = 0; y < labels->height; y++) {
        const uint16_t *r = (const uint16_t *)((const uint8_t *)labels->data + (size_t)y * labels->stride);
        for (int x = 0; x < labels->width; x++) {
            int k = r[x];
            if (!count[k]++) {
                x0[k] = x1[k] = x;
                y0[k] = y1[k] = y;
            }
            x0[k] = x < x0[k] ? x : x0[k];
            x1[k] = x > x1[k] ? x : x1[k];
            y1[k] = y;
        }
    }
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "classes");
    cJSON_AddStringToObject(root, "image", image);
    cJSON_AddNumberToObject(root, "width", labels->width);
    cJSON_AddNumberToObject(root, "height", labels->height);
    double total = (double)labels->width * labels->height;
    *n_present = 0;
    for (int k = 0; k < K; k++) {
        if (!count[k])
            continue;
        char buf[32];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", k);
        cJSON_AddStringToObject(o, "name", class_name(cfg, k, buf, sizeof buf));
        cJSON_AddNumberToObject(o, "pixels", (double)count[k]);
        cJSON_AddNumberToObject(o, "fraction", (double)count[k] / total);
        int bb[4] = {x0[k], y0[k], x1[k] - x0[k] + 1, y1[k] - y0[k] + 1};
        cJSON_AddItemToObject(o, "bbox", cJSON_CreateIntArray(bb, 4));
        cJSON_AddItemToArray(arr, o);
        (*n_present)++;
    }
    text = cJSON_Print(root);
    cJSON_Delete(root);
done:
    free(count), free(x0), free(y0), free(x1), free(y1);
    return text;
}

typedef struct sem_ctx {
    const seg_model *m;
    const seg_semantic_config *cfg;
} sem_ctx;

static int one_image(const cli_args *a, const char *path, const char *dir, void *vctx)
{
    const sem_ctx *sc = vctx;
    const seg_model *m = sc->m;
    const seg_semantic_config *cfg = sc->cfg;
    seg_image img, labels = {0}, color = {0}, over = {0};
    int rc, status = cli_read_bgr(a, path, &img), n_present = 0;
    if (status)
        return status;
    char out[4096 + 32];
    rc = seg_segment_semantic(m, cfg, &img, SEG_ORDER_BGR, &labels, NULL);
    if (rc) {
        status = cli_fail_status(a, rc, path);
        goto done;
    }
    /* labels.png: a palette PNG with the class colours when the classes fit in 8 bits */
    seg_write_options wo = seg_write_options_default();
    bool fits = true;
    for (int y = 0; y < labels.height && fits; y++)
        for (int x = 0; x < labels.width; x++)
            fits &= ((const uint16_t *)((uint8_t *)labels.data + (size_t)y * labels.stride))[x] < 256;
    seg_image l8 = {0};
    if (fits && (rc = seg_image_convert(&labels, &l8, SEG_U8, 1.0, 0.0)) == SEG_OK) {
        wo.palette = cfg->palette;
        wo.palette_size = 256;
    }
    snprintf(out, sizeof out, "%s/labels.png", dir);
    rc = rc ? rc : seg_imwrite(out, fits ? &l8 : &labels, &wo);
    seg_image_free(&l8);
    if (rc) {
        status = cli_fail_status(a, rc, "write");
        goto done;
    }
    if ((rc = seg_colorize_labels(&labels, cfg->palette, 256, SEG_ORDER_BGR, &color)) ||
        (rc = seg_overlay(&img, &color, &labels, (float)cli_double(a, "alpha"), &over))) {
        status = cli_fail_status(a, rc, "overlay");
        goto done;
    }
    snprintf(out, sizeof out, "%s/overlay.png", dir);
    seg_write_options wo2 = seg_write_options_default();
    if ((rc = seg_imwrite(out, &over, &wo2))) {
        status = cli_fail_status(a, rc, "write");
        goto done;
    }
    char *json = objects_json(&labels, cfg, path, &n_present);
    if (!json) {
        status = cli_fail(a, "out of memory");
        goto done;
    }
    snprintf(out, sizeof out, "%s/objects.json", dir);
    status = cli_write_file(a, out, json, strlen(json));
    free(json);
    if (!status)
        cli_info("semantic: %s -> %s/{labels.png, overlay.png, objects.json} (%dx%d, %d classes present)",
                 path, dir, img.width, img.height, n_present);
done:
    seg_image_free(&img);
    seg_image_free(&labels);
    seg_image_free(&color);
    seg_image_free(&over);
    return status;
}

static int run(const cli_args *a)
{
    const char *model_path = cli_str(a, "model"), *dir = cli_str(a, "output");
    if (!model_path || !dir)
        return cli_fail(a, "--model and -o DIR are required");
    double alpha = cli_double(a, "alpha");
    if (alpha < 0 || alpha > 1)
        return cli_fail(a, "--alpha must be in 0..1");
    seg_semantic_config cfg;
    seg_semantic_config_default(&cfg);
    char side[4096];
    const char *cfg_path = cli_str(a, "model-config");
    struct stat st;
    if (!cfg_path) {
        snprintf(side, sizeof side, "%s", model_path);
        char *dot = strrchr(side, '.');
        if (dot && !strchr(dot, '/') && (size_t)(dot - side) + 6 < sizeof side) {
            strcpy(dot, ".json");
            if (stat(side, &st) == 0)
                cfg_path = side;
        }
    }
    int rc;
    if (cfg_path && (rc = seg_semantic_config_load(cfg_path, &cfg)))
        return cli_fail_status(a, rc, "model config");
    seg_model *m;
    if ((rc = seg_model_load(model_path, &m))) {
        seg_semantic_config_clear(&cfg);
        return cli_fail_status(a, rc, "model");
    }
    sem_ctx sc = {m, &cfg};
    int status = cli_for_each_image(a, dir, one_image, &sc);
    seg_model_destroy(m);
    seg_semantic_config_clear(&cfg);
    return status;
}

const seg_cli_command seg_cli_segment_semantic = {
    .name = "semantic",
    .summary = "a neural network (ONNX) labels every pixel with a class",
    .usage = "IMAGE... --model FILE [--model-config FILE] -o DIR",
    .details = "Writes labels.png (palette PNG: one colour per class; 16-bit when there are\n"
               "more than 256 classes), overlay.png (class colours over the image) and\n"
               "objects.json (per class present: name, pixels, fraction, bbox [x, y, w, h]).\n"
               "The model config (JSON) gives the input size, layout, colour order,\n"
               "normalisation and the class names; see docs/semantic.md.",
    .opts = opts,
    .min_pos = 1,
    .max_pos = CLI_MAX_POS,
    .run = run,
};
