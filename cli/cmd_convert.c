/* segkit convert: change file format, colour space and element type in one step. */
#include "cli.h"

#include <string.h>

static const cli_opt opts[] = {
    {"to", 0, CLI_STRING, NULL, "gray|bgr|rgb|lab|hsv",
     "colour space of the output (lab/hsv: cv2's 8-bit encodings for u8, float ranges for f32)"},
    {"type", 0, CLI_STRING, NULL, "u8|u16|f32",
     "element type of the output: u8 0..255, u16 0..65535, f32 0..1 (values are rescaled)"},
    {"quality", 0, CLI_INT, "95", NULL, "JPEG quality 1..100"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static seg_type parse_type(const char *s)
{
    return strcmp(s, "u16") == 0 ? SEG_U16 : strcmp(s, "f32") == 0 ? SEG_F32 : SEG_U8;
}

static double type_max(seg_type t)
{
    return t == SEG_U8 ? 255.0 : t == SEG_U16 ? 65535.0 : 1.0;
}

/* The cvt_color codes (at most two, -1 for none) taking a BGR(A)/gray image of
 * `channels` to colour space `to`: gray and BGRA inputs go through BGR first. Returns
 * false when the conversion does not exist. */
static bool color_codes(int channels, const char *to, int codes[2])
{
    codes[0] = codes[1] = -1;
    if (channels == 2)
        return false; /* gray + alpha has no colour conversion: say so rather than guess */
    if (strcmp(to, "gray") == 0) {
        codes[0] = channels == 1 ? -1 : channels == 3 ? SEG_COLOR_BGR2GRAY : SEG_COLOR_BGRA2GRAY;
        return true;
    }
    int to_bgr = channels == 1 ? SEG_COLOR_GRAY2BGR : channels == 4 ? SEG_COLOR_BGRA2BGR : -1;
    int from_bgr = strcmp(to, "bgr") == 0   ? -1
                 : strcmp(to, "rgb") == 0   ? SEG_COLOR_BGR2RGB
                 : strcmp(to, "lab") == 0   ? SEG_COLOR_BGR2LAB
                                            : SEG_COLOR_BGR2HSV;
    codes[0] = to_bgr >= 0 ? to_bgr : from_bgr;
    codes[1] = to_bgr >= 0 ? from_bgr : -1;
    return true;
}

static int step_type(seg_image *img, seg_type t)
{
    if (img->type == t)
        return SEG_OK;
    seg_image out = {0};
    int rc = seg_image_convert(img, &out, t, type_max(t) / type_max(img->type), 0.0);
    if (rc == SEG_OK) {
        seg_image_free(img);
        *img = out;
    }
    return rc;
}

static int step_color(seg_image *img, int code)
{
    seg_image out = {0};
    int rc = seg_cvt_color(img, &out, code);
    if (rc == SEG_OK) {
        seg_image_free(img);
        *img = out;
    }
    return rc;
}

static int run(const cli_args *a)
{
    const char *in = a->pos[0], *outpath = a->pos[1];
    seg_read_options ro = seg_read_options_default();
    seg_image img;
    int rc = seg_imread(in, &img, &ro);
    if (rc)
        return cli_fail_status(a, rc, "read");
    const char *to = cli_str(a, "to");
    seg_type target = cli_given(a, "type") ? parse_type(cli_str(a, "type")) : img.type;
    int codes[2] = {-1, -1};
    if (to && !color_codes(img.channels, to, codes)) {
        seg_image_free(&img);
        return cli_fail(a, "cannot convert a %d-channel image to %s", img.channels, to);
    }
    /* Colour work happens in the more precise of the two types: float LAB/HSV when the
     * output is f32, cv2's 8-bit encodings otherwise. u16 colour spaces other than
     * reorderings and gray go through f32. */
    bool float_first = target == SEG_F32 ||
                       (codes[0] >= 0 && img.type == SEG_U16 && to &&
                        (strcmp(to, "lab") == 0 || strcmp(to, "hsv") == 0));
    if (float_first)
        rc = step_type(&img, SEG_F32);
    for (int k = 0; k < 2 && rc == SEG_OK; k++)
        if (codes[k] >= 0)
            rc = step_color(&img, codes[k]);
    if (rc == SEG_OK)
        rc = step_type(&img, target);
    if (rc) {
        seg_image_free(&img);
        return cli_fail_status(a, rc, "convert");
    }
    seg_write_options wo = seg_write_options_default();
    wo.jpeg_quality = (int)cli_int(a, "quality");
    if (wo.jpeg_quality < 1 || wo.jpeg_quality > 100) {
        seg_image_free(&img);
        return cli_fail(a, "--quality must be in 1..100");
    }
    rc = seg_imwrite(outpath, &img, &wo);
    if (rc) {
        seg_image_free(&img);
        return cli_fail_status(a, rc, "write");
    }
    cli_info("convert: %s -> %s (%dx%d, %d channel%s, %s%s%s)", in, outpath, img.width,
             img.height, img.channels, img.channels == 1 ? "" : "s",
             img.type == SEG_U8 ? "u8" : img.type == SEG_U16 ? "u16" : "f32", to ? ", " : "",
             to ? to : "");
    seg_image_free(&img);
    return 0;
}

const seg_cli_command seg_cli_cmd_convert = {
    .name = "convert",
    .summary = "convert an image between formats, colour spaces and element types",
    .usage = "IN OUT",
    .details = "Formats come from the file names (.png, .jpg, .pgm/.ppm, .npy). Colour\n"
               "images are taken as BGR, as cv2 does; --to rgb swaps the channels.\n"
               "f32 output needs .npy (image files hold integers only).",
    .opts = opts,
    .min_pos = 2,
    .max_pos = 2,
    .run = run,
};
