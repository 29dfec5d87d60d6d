/* segkit components: connected components of a mask as a 16-bit label PNG
 * (cv2.connectedComponentsWithStats), with an optional area filter and JSON stats. */
#include "cli_mask.h"

#include <string.h>

static const cli_opt opts[] = {
    {"output", 'o', CLI_STRING, NULL, NULL, "16-bit label PNG to write (required)"},
    {"connectivity", 'c', CLI_STRING, "8", "4|8", "pixel neighbourhood"},
    {"order", 0, CLI_STRING, "cv2", "cv2|raster",
     "label numbering: cv2's, or by first pixel (skimage.measure.label)"},
    {"min-area", 0, CLI_INT, "0", NULL, "drop components smaller than this (pixels)"},
    {"max-area", 0, CLI_INT, "-1", NULL, "drop components larger than this (-1: no limit)"},
    {"json", 0, CLI_STRING, NULL, NULL, "also write per-component stats as JSON"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static int write_json(const cli_args *a, const char *path, const seg_components *s)
{
    char tmp[4096];
    FILE *f = cli_open_atomic(a, path, tmp, sizeof tmp);
    if (!f)
        return 2;
    fprintf(f, "{\n  \"count\": %d,\n  \"connectivity\": %s,\n  \"components\": [", s->count - 1,
            cli_str(a, "connectivity"));
    for (int l = 1; l < s->count; l++) {
        const int32_t *st = s->stats + 5 * l;
        fprintf(f, "%s\n    {\"id\": %d, \"bbox\": [%d, %d, %d, %d], \"area\": %d, "
                   "\"centroid\": [%.17g, %.17g]}",
                l > 1 ? "," : "", l, st[0], st[1], st[2], st[3], st[4], s->centroids[2 * l],
                s->centroids[2 * l + 1]);
    }
    fprintf(f, "%s]\n}\n", s->count > 1 ? "\n  " : "");
    return cli_commit_atomic(a, f, tmp, path);
}

static int run(const cli_args *a)
{
    if (!cli_given(a, "output"))
        return cli_fail(a, "give the label PNG with -o FILE");
    long min_area = cli_int(a, "min-area"), max_area = cli_int(a, "max-area");
    if (min_area < 0)
        return cli_fail(a, "--min-area must be >= 0");
    seg_image mask = {0}, labels = {0}, out = {0};
    if (cli_read_mask(a, a->pos[0], &mask))
        return 2;
    seg_components *s = NULL;
    int conn = strcmp(cli_str(a, "connectivity"), "4") == 0 ? 4 : 8;
    int order = strcmp(cli_str(a, "order"), "raster") == 0 ? SEG_CC_ORDER_RASTER
                                                          : SEG_CC_ORDER_CV2;
    int n = seg_connected_components(&mask, conn, order, &labels, &s);
    int status = 0;
    if (n < 0)
        status = cli_fail_status(a, n, "components");
    if (!status) {
        n = seg_components_filter_area(&labels, s, min_area, max_area);
        if (n < 0)
            status = cli_fail_status(a, n, "area filter");
    }
    if (!status && n - 1 > 65535)
        status = cli_fail(a, "%d components do not fit a 16-bit label PNG", n - 1);
    if (!status) {
        int rc = seg_image_convert(&labels, &out, SEG_U16, 1.0, 0.0);
        seg_write_options wo = seg_write_options_default();
        if (!rc)
            rc = seg_imwrite(cli_str(a, "output"), &out, &wo);
        if (rc)
            status = cli_fail_status(a, rc, "write");
    }
    if (!status && cli_given(a, "json"))
        status = write_json(a, cli_str(a, "json"), s);
    if (!status)
        cli_info("components: %s -> %s (%d components, %d-connected)", a->pos[0],
                 cli_str(a, "output"), n - 1, conn);
    seg_components_free(s);
    seg_image_free(&out);
    seg_image_free(&labels);
    seg_image_free(&mask);
    return status;
}

const seg_cli_command seg_cli_cmd_components = {
    .name = "components",
    .summary = "connected components of a mask as a 16-bit label PNG (cv2 semantics)",
    .usage = "MASK",
    .details = "A pixel is foreground when any of its channels is non-zero. Labels are numbered\n"
               "as cv2.connectedComponents does (or in raster order with --order raster);\n"
               "after --min-area/--max-area the kept components are renumbered 1..n in order.",
    .opts = opts,
    .min_pos = 1,
    .max_pos = 1,
    .run = run,
};
