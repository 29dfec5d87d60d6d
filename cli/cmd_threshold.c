/* segkit threshold: fixed, Otsu, triangle or adaptive threshold, as cv2.threshold /
 * cv2.adaptiveThreshold. */
#include "cli.h"

#include <string.h>

static const cli_opt opts[] = {
    {"type", 't', CLI_STRING, "binary", "binary|binary-inv|trunc|tozero|tozero-inv",
     "what to write (cv2's THRESH_*; adaptive: binary or binary-inv)"},
    {"thresh", 0, CLI_DOUBLE, "127", NULL, "the threshold (ignored with --otsu/--triangle)"},
    {"maxval", 0, CLI_DOUBLE, NULL, NULL,
     "value written for 'on' pixels [255, or 65535 for 16-bit]"},
    {"otsu", 0, CLI_FLAG, NULL, NULL, "choose the threshold by Otsu's method (gray 8/16-bit)"},
    {"triangle", 0, CLI_FLAG, NULL, NULL,
     "choose the threshold by the triangle method (gray 8-bit)"},
    {"adaptive", 0, CLI_STRING, NULL, "mean|gaussian", "adaptive threshold with this local mean"},
    {"block", 0, CLI_INT, "11", NULL, "adaptive: block size (odd, > 1)"},
    {"c", 0, CLI_DOUBLE, "2", NULL, "adaptive: constant subtracted from the mean"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static int type_code(const char *s)
{
    static const char *names[] = {"binary", "binary-inv", "trunc", "tozero", "tozero-inv"};
    for (int i = 0; i < 5; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return 0;
}

/* Automatic and adaptive thresholds work on gray: colour input is converted (BGR). */
static int to_gray(const cli_args *a, seg_image *img)
{
    if (img->channels == 1)
        return 0;
    if (img->channels == 2) {
        seg_image_free(img);
        return cli_fail(a, "%s: gray+alpha input is not supported here; convert it first",
                        a->pos[0]);
    }
    seg_image g = {0};
    int rc = seg_cvt_color(img, &g, img->channels == 3 ? SEG_COLOR_BGR2GRAY : SEG_COLOR_BGRA2GRAY);
    seg_image_free(img);
    if (rc)
        return cli_fail_status(a, rc, "gray");
    *img = g;
    return 0;
}

static int run(const cli_args *a)
{
    bool otsu = cli_flag(a, "otsu"), tri = cli_flag(a, "triangle");
    bool adaptive = cli_given(a, "adaptive");
    if ((otsu || tri) + adaptive > 1 || (otsu && tri))
        return cli_fail(a, "choose one of --otsu, --triangle and --adaptive");
    int type = type_code(cli_str(a, "type"));
    if (adaptive && type > SEG_THRESH_BINARY_INV)
        return cli_fail(a, "--adaptive needs --type binary or binary-inv");
    seg_read_options ro = seg_read_options_default();
    seg_image img, out = {0};
    int rc = seg_imread(a->pos[0], &img, &ro);
    if (rc)
        return cli_fail_status(a, rc, "read");
    if ((otsu || tri || adaptive) && (rc = to_gray(a, &img)))
        return rc;
    double maxval = cli_given(a, "maxval") ? cli_double(a, "maxval")
                    : img.type == SEG_U16 ? 65535 : 255;
    double used = 0;
    if (adaptive) {
        int method = strcmp(cli_str(a, "adaptive"), "gaussian") == 0
                         ? SEG_ADAPTIVE_THRESH_GAUSSIAN_C : SEG_ADAPTIVE_THRESH_MEAN_C;
        long block = cli_int(a, "block");
        if (block < 3 || block > 65535) {
            seg_image_free(&img);
            return cli_fail(a, "--block must be odd and in 3..65535, got %ld", block);
        }
        rc = seg_adaptive_threshold(&img, &out, maxval, method, type, (int)block,
                                    cli_double(a, "c"));
    } else {
        int flags = type | (otsu ? SEG_THRESH_OTSU : 0) | (tri ? SEG_THRESH_TRIANGLE : 0);
        rc = seg_threshold(&img, &out, cli_double(a, "thresh"), maxval, flags, &used);
    }
    seg_image_free(&img);
    if (rc)
        return cli_fail_status(a, rc, "threshold");
    seg_write_options wo = seg_write_options_default();
    rc = seg_imwrite(a->pos[1], &out, &wo);
    seg_image_free(&out);
    if (rc)
        return cli_fail_status(a, rc, "write");
    if (adaptive)
        cli_info("threshold: %s -> %s (adaptive %s, block %ld, C %g)", a->pos[0], a->pos[1],
                 cli_str(a, "adaptive"), cli_int(a, "block"), cli_double(a, "c"));
    else
        cli_info("threshold: %s -> %s (%s, threshold %g)", a->pos[0], a->pos[1],
                 cli_str(a, "type"), used);
    return 0;
}

const seg_cli_command seg_cli_cmd_threshold = {
    .name = "threshold",
    .summary = "fixed, Otsu, triangle or adaptive threshold (cv2.threshold semantics)",
    .usage = "IN OUT",
    .details = "Fixed thresholds keep the image's depth and channels; --otsu, --triangle and\n"
               "--adaptive convert colour input to gray first. Prints the threshold used.",
    .opts = opts,
    .min_pos = 2,
    .max_pos = 2,
    .run = run,
};
