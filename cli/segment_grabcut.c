/* segkit segment --method grabcut: foreground from a rectangle or a scribble mask. */
#include "recipe_output.h"

#include <stdio.h>
#include <string.h>

static const cli_opt opts[] = {
    {"output", 'o', CLI_STRING, NULL, NULL, "output folder (several images: a sub-folder each)"},
    {"rect", 0, CLI_STRING, NULL, NULL, "the subject's rectangle X,Y,W,H (GC_INIT_WITH_RECT)"},
    {"mask", 0, CLI_STRING, NULL, NULL,
     "scribble mask: 8-bit PNG with cv2's values 0 = background, 1 = foreground, 2 = probably "
     "background, 3 = probably foreground (GC_INIT_WITH_MASK)"},
    {"iterations", 0, CLI_INT, "5", NULL, "GrabCut iterations"},
    {"seed", 0, CLI_INT, "0", NULL, "random seed of the initial clustering"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

typedef struct gc_ctx {
    seg_gcseg_options o;
    seg_image mask;
} gc_ctx;

static int one(const cli_args *a, const char *path, const char *dir, void *vctx)
{
    gc_ctx *c = vctx;
    seg_image img, ids = {0}, over = {0};
    int status = cli_read_bgr(a, path, &img);
    if (status)
        return status;
    seg_gcseg_result r;
    int rc = seg_segment_grabcut(&img, &c->o, &r);
    if (rc) {
        seg_image_free(&img);
        return cli_fail_status(a, rc, path);
    }
    /* labels: 1 on the foreground; overlay: the background darkened to a third */
    rc = seg_image_convert(&r.mask, &ids, SEG_S32, 1.0 / 255.0, 0.0);
    if (!rc)
        rc = seg_image_copy(&img, &over);
    for (int y = 0; !rc && y < img.height; y++) {
        uint8_t *p = (uint8_t *)over.data + (size_t)y * over.stride;
        const uint8_t *m = (const uint8_t *)r.mask.data + (size_t)y * r.mask.stride;
        for (int x = 0; x < img.width; x++)
            if (!m[x])
                for (int k = 0; k < 3; k++)
                    p[3 * x + k] = (uint8_t)(p[3 * x + k] / 3);
    }
    status = rc ? cli_fail_status(a, rc, "grabcut")
                : cli_write_recipe(a, "grabcut", dir, path, &ids, &over, &r.mask, NULL);
    if (!status) {
        char out[4096 + 32];
        snprintf(out, sizeof out, "%s/cutout.png", dir);
        seg_write_options wo = seg_write_options_default();
        if ((rc = seg_imwrite(out, &r.cutout, &wo)))
            status = cli_fail_status(a, rc, "write");
        else
            cli_info("  foreground %lld pixels, box %d,%d,%d,%d; cutout.png (BGRA)",
                     (long long)r.fg_pixels, r.bbox.x, r.bbox.y, r.bbox.width, r.bbox.height);
    }
    seg_image_free(&ids);
    seg_image_free(&over);
    seg_gcseg_result_free(&r);
    seg_image_free(&img);
    return status;
}

static int run(const cli_args *a)
{
    const char *dir = cli_str(a, "output"), *rect = cli_str(a, "rect"), *mask = cli_str(a, "mask");
    if (!dir)
        return cli_fail(a, "-o DIR is required");
    if (!rect == !mask)
        return cli_fail(a, "give exactly one of --rect X,Y,W,H and --mask FILE");
    gc_ctx c = {0};
    seg_gcseg_options_default(&c.o);
    c.o.iterations = (int)cli_int(a, "iterations");
    c.o.seed = (uint64_t)cli_int(a, "seed");
    if (c.o.iterations < 1 || c.o.iterations > 100)
        return cli_fail(a, "--iterations must be in 1..100");
    if (rect) {
        int x, y, w, h;
        char tail;
        if (sscanf(rect, "%d,%d,%d,%d%c", &x, &y, &w, &h, &tail) != 4)
            return cli_fail(a, "--rect expects X,Y,W,H, got '%s'", rect);
        c.o.rect = (seg_rect){x, y, w, h};
    }
    if (mask) {
        if (a->npos != 1)
            return cli_fail(a, "--mask goes with one image");
        seg_read_options ro = seg_read_options_default();
        ro.mode = SEG_IMREAD_GRAYSCALE;
        int rc = seg_imread(mask, &c.mask, &ro);
        if (rc)
            return cli_fail_status(a, rc, "mask");
        c.o.mask = &c.mask;
    }
    int status = cli_for_each_image(a, dir, one, &c);
    seg_image_free(&c.mask);
    return status;
}

const seg_cli_command seg_cli_segment_grabcut = {
    .name = "grabcut",
    .summary = "GrabCut foreground from a rectangle or a scribble mask",
    .usage = "IMAGE... --method grabcut (--rect X,Y,W,H | --mask FILE) -o DIR",
    .details = "Writes mask.png (0/255 foreground), labels.png (1 = foreground), overlay.png\n"
               "(the background darkened), cutout.png (BGRA, transparent background) and\n"
               "objects.json (the foreground's box, area, centroid and outline).",
    .opts = opts,
    .min_pos = 1,
    .max_pos = CLI_MAX_POS,
    .run = run,
};
