/* segkit contours: the borders of a mask's regions as JSON (cv2.findContours). */
#include "cli_mask.h"

#include <limits.h>
#include <string.h>

static const cli_opt opts[] = {
    {"output", 'o', CLI_STRING, NULL, NULL, "JSON file to write (required)"},
    {"mode", 0, CLI_STRING, "external", "external|list|ccomp|tree", "which borders, how nested"},
    {"approx", 0, CLI_STRING, "simple", "none|simple", "all border pixels or only corners"},
    {"draw", 0, CLI_STRING, NULL, NULL, "also write the mask with the contours drawn in green"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static int mode_code(const char *s)
{
    return strcmp(s, "list") == 0    ? SEG_RETR_LIST
           : strcmp(s, "ccomp") == 0 ? SEG_RETR_CCOMP
           : strcmp(s, "tree") == 0  ? SEG_RETR_TREE
                                     : SEG_RETR_EXTERNAL;
}

static int write_json(const cli_args *a, const char *path, const seg_image *mask,
                      const seg_contours *c)
{
    char tmp[4096];
    FILE *f = cli_open_atomic(a, path, tmp, sizeof tmp);
    if (!f)
        return 2;
    fprintf(f, "{\n  \"width\": %d,\n  \"height\": %d,\n  \"mode\": \"%s\",\n  \"approx\": \"%s\",\n"
               "  \"count\": %d,\n  \"contours\": [",
            mask->width, mask->height, cli_str(a, "mode"), cli_str(a, "approx"), c->count);
    for (int i = 0; i < c->count; i++) {
        const int32_t *p = c->points + 2 * c->offsets[i], *h = c->hierarchy + 4 * i;
        int n = (int)(c->offsets[i + 1] - c->offsets[i]);
        double area;
        int r[4];
        seg_contour_area(p, n, 1, &area);
        seg_bounding_rect(p, n, r);
        /* area as cv2.contourArea(c) (unsigned); bbox as cv2.boundingRect(c) */
        fprintf(f, "%s\n    {\"id\": %d, \"next\": %d, \"previous\": %d, \"first_child\": %d, "
                   "\"parent\": %d, \"area\": %.17g, \"bbox\": [%d, %d, %d, %d], \"points\": [",
                i ? "," : "", i, h[0], h[1], h[2], h[3], area < 0 ? -area : area, r[0], r[1],
                r[2], r[3]);
        for (int k = 0; k < n; k++)
            fprintf(f, "%s[%d, %d]", k ? ", " : "", p[2 * k], p[2 * k + 1]);
        fprintf(f, "]}");
    }
    fprintf(f, "%s]\n}\n", c->count ? "\n  " : "");
    return cli_commit_atomic(a, f, tmp, path);
}

static int run(const cli_args *a)
{
    if (!cli_given(a, "output"))
        return cli_fail(a, "give the JSON output with -o FILE");
    seg_image mask = {0};
    if (cli_read_mask(a, a->pos[0], &mask))
        return 2;
    seg_contours *c = NULL;
    int method = strcmp(cli_str(a, "approx"), "none") == 0 ? SEG_CHAIN_APPROX_NONE
                                                           : SEG_CHAIN_APPROX_SIMPLE;
    int rc = seg_find_contours(&mask, mode_code(cli_str(a, "mode")), method, &c);
    if (rc) {
        seg_image_free(&mask);
        return cli_fail_status(a, rc, "find_contours");
    }
    int status = write_json(a, cli_str(a, "output"), &mask, c);
    if (!status && cli_given(a, "draw")) {
        seg_image pic = {0};
        rc = seg_image_alloc(&pic, mask.width, mask.height, 3, SEG_U8);
        for (int y = 0; !rc && y < mask.height; y++)
            for (int x = 0; x < mask.width; x++) {
                uint8_t v = ((uint8_t *)mask.data)[y * mask.stride + x] ? 255 : 0;
                uint8_t *d = (uint8_t *)pic.data + y * pic.stride + 3 * x;
                d[0] = d[1] = d[2] = v / 2;
            }
        const double green[4] = {0, 255, 0, 0};
        if (!rc)
            rc = seg_draw_contours(&pic, c->points, c->offsets, c->count, -1, green, 1,
                                   SEG_LINE_8, c->hierarchy, INT_MAX, 0, 0);
        seg_write_options wo = seg_write_options_default();
        if (!rc)
            rc = seg_imwrite(cli_str(a, "draw"), &pic, &wo);
        if (rc)
            status = cli_fail_status(a, rc, "draw");
        seg_image_free(&pic);
    }
    if (!status)
        cli_info("contours: %s -> %s (%d contours, mode %s)", a->pos[0], cli_str(a, "output"),
                 c->count, cli_str(a, "mode"));
    seg_contours_free(c);
    seg_image_free(&mask);
    return status;
}

const seg_cli_command seg_cli_cmd_contours = {
    .name = "contours",
    .summary = "borders of a mask's regions as JSON (cv2.findContours semantics)",
    .usage = "MASK",
    .details = "A pixel is foreground when any of its channels is non-zero. The JSON lists\n"
               "each contour's points and its hierarchy links (next, previous, first_child,\n"
               "parent; -1 for none) exactly as cv2.findContours returns them.",
    .opts = opts,
    .min_pos = 1,
    .max_pos = 1,
    .run = run,
};
