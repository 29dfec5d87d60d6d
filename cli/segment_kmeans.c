/* segkit segment --method kmeans: colour clustering (LAB by default) into k segments. */
#include "recipe_output.h"

#include <stdio.h>
#include <string.h>

static const cli_opt opts[] = {
    {"output", 'o', CLI_STRING, NULL, NULL, "output folder (several images: a sub-folder each)"},
    {"k", 'k', CLI_INT, "4", NULL, "number of clusters"},
    {"color-space", 0, CLI_STRING, "lab", "lab|bgr|hsv", "features clustered (cv2's 8-bit scales)"},
    {"attempts", 0, CLI_INT, "3", NULL, "runs from different seeds; the most compact is kept"},
    {"iterations", 0, CLI_INT, "10", NULL, "at most this many iterations per attempt"},
    {"eps", 0, CLI_DOUBLE, "1.0", NULL, "stop when no centre moves more than this"},
    {"seed", 0, CLI_INT, "0", NULL, "random seed (cv::RNG state)"},
    {"xy-weight", 0, CLI_DOUBLE, "0", NULL, "add pixel x, y times this as features (0 = colour only)"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static int one(const cli_args *a, const char *path, const char *dir, void *ctx)
{
    const seg_kmseg_options *opt = ctx;
    seg_image img, ids = {0};
    int status = cli_read_bgr(a, path, &img);
    if (status)
        return status;
    seg_kmseg_result r;
    int rc = seg_segment_kmeans(&img, opt, &r);
    if (rc) {
        seg_image_free(&img);
        return cli_fail_status(a, rc, path);
    }
    /* objects are clusters: id = cluster + 1, so that 0 stays "nothing" in labels.png */
    rc = seg_image_convert(&r.labels, &ids, SEG_S32, 1.0, 1.0);
    status = rc ? cli_fail_status(a, rc, "labels")
                : cli_write_recipe(a, "kmeans", dir, path, &ids, &r.segmented, NULL, NULL);
    if (!status) {
        printf("  compactness %.6g; clusters (BGR centre, pixels):", r.compactness);
        for (int i = 0; i < r.k; i++)
            printf(" %d=(%d,%d,%d) %lld", i + 1, r.centers_bgr[3 * i], r.centers_bgr[3 * i + 1],
                   r.centers_bgr[3 * i + 2], (long long)r.counts[i]);
        printf("\n");
    }
    seg_image_free(&ids);
    seg_kmseg_result_free(&r);
    seg_image_free(&img);
    return status;
}

static int run(const cli_args *a)
{
    const char *dir = cli_str(a, "output");
    if (!dir)
        return cli_fail(a, "-o DIR is required");
    seg_kmseg_options o;
    seg_kmseg_options_default(&o);
    o.k = (int)cli_int(a, "k");
    const char *cs = cli_str(a, "color-space");
    o.color_space = strcmp(cs, "bgr") == 0 ? SEG_KMSEG_BGR : strcmp(cs, "hsv") == 0 ? SEG_KMSEG_HSV
                                                                                     : SEG_KMSEG_LAB;
    o.attempts = (int)cli_int(a, "attempts");
    o.criteria.type = SEG_TERM_COUNT | SEG_TERM_EPS;
    o.criteria.max_iter = (int)cli_int(a, "iterations");
    o.criteria.epsilon = cli_double(a, "eps");
    o.seed = (uint64_t)cli_int(a, "seed");
    o.xy_weight = (float)cli_double(a, "xy-weight");
    if (o.k < 1 || o.k > 256 || o.attempts < 1 || o.attempts > 100 || o.criteria.max_iter < 1 ||
        o.criteria.epsilon < 0 || o.xy_weight < 0)
        return cli_fail(a, "--k must be in 1..256, --attempts in 1..100, --iterations >= 1, "
                           "--eps and --xy-weight >= 0");
    return cli_for_each_image(a, dir, one, &o);
}

const seg_cli_command seg_cli_segment_kmeans = {
    .name = "kmeans",
    .summary = "k-means colour clustering (cv2.kmeans semantics, k-means++ seeding)",
    .usage = "IMAGE... --method kmeans -o DIR",
    .details = "Writes labels.png (16-bit: cluster + 1 per pixel), overlay.png (each pixel in\n"
               "its cluster's colour) and objects.json (per cluster: id = cluster + 1, bbox,\n"
               "area, centroid, outline of its largest piece).",
    .opts = opts,
    .min_pos = 1,
    .max_pos = CLI_MAX_POS,
    .run = run,
};
