/* segkit segment --method otsu: gray, blur, Otsu, opening, components, area filter. */
#include "recipe_output.h"

#include <string.h>

static const cli_opt opts[] = {
    {"output", 'o', CLI_STRING, NULL, NULL, "output folder (several images: a sub-folder each)"},
    {"blur", 0, CLI_INT, "5", NULL, "Gaussian kernel size (odd; 0 = no blur)"},
    {"sigma", 0, CLI_DOUBLE, "0", NULL, "Gaussian sigma (0 = from the size, as cv2)"},
    {"invert", 0, CLI_FLAG, NULL, NULL, "objects are darker than the background (THRESH_BINARY_INV)"},
    {"open-shape", 0, CLI_STRING, "ellipse", "rect|cross|ellipse", "opening kernel shape"},
    {"open-size", 0, CLI_INT, "5", NULL, "opening kernel size (0 = no opening)"},
    {"open-iterations", 0, CLI_INT, "1", NULL, "opening iterations"},
    {"connectivity", 0, CLI_INT, "8", "4|8", "pixel connectivity of objects"},
    {"min-area", 0, CLI_INT, "0", NULL, "drop objects smaller than this (pixels)"},
    {"max-area", 0, CLI_INT, "-1", NULL, "drop objects larger than this (-1 = no limit)"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static int one(const cli_args *a, const char *path, const char *dir, void *ctx)
{
    const seg_otsu_options *opt = ctx;
    seg_image img;
    int status = cli_read_bgr(a, path, &img);
    if (status)
        return status;
    seg_otsu_result r;
    int rc = seg_segment_otsu(&img, opt, &r);
    if (rc) {
        seg_image_free(&img);
        return cli_fail_status(a, rc, path);
    }
    /* overlay: outer contours in green, boxes in blue (BGR), as the OpenCV recipe draws */
    seg_contours *cs = NULL;
    const double green[4] = {0, 255, 0, 0}, blue[4] = {255, 0, 0, 0};
    rc = seg_find_contours(&r.mask, SEG_RETR_EXTERNAL, SEG_CHAIN_APPROX_SIMPLE, &cs);
    if (!rc)
        rc = seg_draw_contours(&img, cs->points, cs->offsets, cs->count, -1, green, 2, SEG_LINE_8,
                               NULL, INT32_MAX, 0, 0);
    seg_objects *objs = NULL;
    if (!rc)
        rc = seg_objects_from_labels(&r.labels, &objs);
    for (int i = 0; !rc && i < objs->count; i++) {
        const seg_object *o = &objs->objects[i];
        rc = seg_draw_rectangle(&img, o->x, o->y, o->x + o->w - 1, o->y + o->h - 1, blue, 1,
                                SEG_LINE_8);
    }
    seg_contours_free(cs);
    if (rc)
        status = cli_fail_status(a, rc, "overlay");
    else
        status = cli_write_recipe(a, "otsu", dir, path, &r.labels, &img, &r.mask, objs);
    seg_objects_free(objs);
    if (!status)
        cli_info("  Otsu threshold %g", r.threshold);
    seg_otsu_result_free(&r);
    seg_image_free(&img);
    return status;
}

static int run(const cli_args *a)
{
    const char *dir = cli_str(a, "output");
    if (!dir)
        return cli_fail(a, "-o DIR is required");
    seg_otsu_options o;
    seg_otsu_options_default(&o);
    o.blur_ksize = (int)cli_int(a, "blur");
    o.blur_sigma = cli_double(a, "sigma");
    o.invert = cli_flag(a, "invert");
    const char *shape = cli_str(a, "open-shape");
    o.open_shape = strcmp(shape, "rect") == 0 ? SEG_MORPH_RECT
                 : strcmp(shape, "cross") == 0 ? SEG_MORPH_CROSS : SEG_MORPH_ELLIPSE;
    o.open_size = (int)cli_int(a, "open-size");
    o.open_iterations = (int)cli_int(a, "open-iterations");
    o.connectivity = (int)cli_int(a, "connectivity");
    o.min_area = cli_int(a, "min-area");
    o.max_area = cli_int(a, "max-area");
    if (o.blur_ksize < 0 || (o.blur_ksize && o.blur_ksize % 2 == 0) || o.blur_ksize > 255)
        return cli_fail(a, "--blur must be 0 or an odd size up to 255");
    if (o.open_size < 0 || o.open_size > 255 || o.open_iterations < 0 || o.open_iterations > 100)
        return cli_fail(a, "--open-size must be in 0..255 and --open-iterations in 0..100");
    return cli_for_each_image(a, dir, one, &o);
}

const seg_cli_command seg_cli_segment_otsu = {
    .name = "otsu",
    .summary = "gray, Gaussian blur, Otsu threshold, opening, connected components",
    .usage = "IMAGE... --method otsu -o DIR",
    .details = "Writes mask.png (0/255), labels.png (16-bit object ids), overlay.png (outer\n"
               "contours in green, boxes in blue) and objects.json (id, bbox [x, y, w, h],\n"
               "area, centroid, outer polygon per object). Each step is identical to its cv2\n"
               "call: cvtColor, GaussianBlur, threshold(OTSU), morphologyEx(OPEN),\n"
               "connectedComponentsWithStats.",
    .opts = opts,
    .min_pos = 1,
    .max_pos = CLI_MAX_POS,
    .run = run,
};
