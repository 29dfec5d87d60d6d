/* segkit morph: erode, dilate, open, close, gradient, top-hat, black-hat with a
 * rectangle, ellipse or cross, as cv2.morphologyEx with cv2.getStructuringElement. */
#include "cli.h"

#include <string.h>

static const cli_opt opts[] = {
    {"op", 0, CLI_STRING, "open", "erode|dilate|open|close|gradient|tophat|blackhat",
     "the operation"},
    {"shape", 0, CLI_STRING, "rect", "rect|cross|ellipse", "structuring element"},
    {"size", 'k', CLI_STRING, "3", NULL, "structuring element size WxH or N"},
    {"iterations", 'n', CLI_INT, "1", NULL, "times each erosion/dilation is applied (>= 1)"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static int code_of(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return 0;
}

static int run(const cli_args *a)
{
    static const char *const ops[] = {"erode", "dilate", "open", "close",
                                      "gradient", "tophat", "blackhat"};
    static const char *const shapes[] = {"rect", "cross", "ellipse"};
    int op = code_of(cli_str(a, "op"), ops, 7), shape = code_of(cli_str(a, "shape"), shapes, 3);
    int kw, kh;
    if (cli_size(a, "size", 1, SEG_MORPH_MAX_KSIZE, &kw, &kh))
        return 2;
    long it = cli_int(a, "iterations");
    if (it < 1 || it > 10000)
        return cli_fail(a, "--iterations must be in 1..10000, got %ld", it);
    seg_image k, img, out = {0};
    int rc = seg_get_structuring_element(shape, kw, kh, -1, -1, &k);
    if (rc)
        return cli_fail_status(a, rc, "structuring element");
    seg_read_options ro = seg_read_options_default();
    rc = seg_imread(a->pos[0], &img, &ro);
    if (rc) {
        seg_image_free(&k);
        return cli_fail_status(a, rc, "read");
    }
    rc = seg_morphology_ex(&img, &out, op, &k, -1, -1, (int)it);
    seg_image_free(&img);
    seg_image_free(&k);
    if (rc)
        return cli_fail_status(a, rc, "morph");
    seg_write_options wo = seg_write_options_default();
    rc = seg_imwrite(a->pos[1], &out, &wo);
    seg_image_free(&out);
    if (rc)
        return cli_fail_status(a, rc, "write");
    cli_info("morph: %s -> %s (%s, %s %dx%d, %ld iteration%s)", a->pos[0], a->pos[1],
             ops[op], shapes[shape], kw, kh, it, it == 1 ? "" : "s");
    return 0;
}

const seg_cli_command seg_cli_cmd_morph = {
    .name = "morph",
    .summary = "erode, dilate, open, close, gradient, top-hat, black-hat (cv2.morphologyEx)",
    .usage = "IN OUT",
    .opts = opts,
    .min_pos = 2,
    .max_pos = 2,
    .run = run,
};
