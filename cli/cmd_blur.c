/* segkit blur: Gaussian or box blur, as cv2.GaussianBlur / cv2.blur. */
#include "cli.h"

#include <string.h>

static const cli_opt opts[] = {
    {"kind", 0, CLI_STRING, "gaussian", "gaussian|box", "filter"},
    {"ksize", 'k', CLI_STRING, NULL, NULL,
     "kernel size WxH or N (odd for gaussian; 0 derives it from --sigma) [gaussian: 0, box: 5]"},
    {"sigma", 's', CLI_DOUBLE, "0", NULL, "Gaussian sigma in x (0: from the kernel size)"},
    {"sigma-y", 0, CLI_DOUBLE, "0", NULL, "Gaussian sigma in y (0: same as x)"},
    {"border", 0, CLI_STRING, "reflect101", "reflect101|reflect|replicate|constant",
     "how pixels beyond the edge are made"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static int border_code(const char *s)
{
    if (strcmp(s, "reflect") == 0)
        return SEG_BORDER_REFLECT;
    if (strcmp(s, "replicate") == 0)
        return SEG_BORDER_REPLICATE;
    if (strcmp(s, "constant") == 0)
        return SEG_BORDER_CONSTANT;
    return SEG_BORDER_REFLECT_101;
}

static int run(const cli_args *a)
{
    bool box = strcmp(cli_str(a, "kind"), "box") == 0;
    int kw = box ? 5 : 0, kh = kw;
    if (cli_given(a, "ksize") && cli_size(a, "ksize", box ? 1 : 0, 4095, &kw, &kh))
        return 2;
    double sx = cli_double(a, "sigma"), sy = cli_double(a, "sigma-y");
    if (!box && kw == 0 && kh == 0 && sx <= 0)
        return cli_fail(a, "give --ksize or a positive --sigma");
    seg_read_options ro = seg_read_options_default();
    seg_image img, out = {0};
    int rc = seg_imread(a->pos[0], &img, &ro);
    if (rc)
        return cli_fail_status(a, rc, "read");
    int border = border_code(cli_str(a, "border"));
    rc = box ? seg_box_blur(&img, &out, kw, kh, 1, border)
             : seg_gaussian_blur(&img, &out, kw, kh, sx, sy, border);
    seg_image_free(&img);
    if (rc)
        return cli_fail_status(a, rc, "blur");
    seg_write_options wo = seg_write_options_default();
    rc = seg_imwrite(a->pos[1], &out, &wo);
    seg_image_free(&out);
    if (rc)
        return cli_fail_status(a, rc, "write");
    cli_info("blur: %s -> %s (%s, ksize %dx%d, sigma %g)", a->pos[0], a->pos[1],
             box ? "box" : "gaussian", kw, kh, sx);
    return 0;
}

const seg_cli_command seg_cli_cmd_blur = {
    .name = "blur",
    .summary = "Gaussian or box blur (cv2.GaussianBlur / cv2.blur semantics)",
    .usage = "IN OUT",
    .opts = opts,
    .min_pos = 2,
    .max_pos = 2,
    .run = run,
};
