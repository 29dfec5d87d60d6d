/* segkit eval coco|semantic|panoptic: score results against ground truth. Each
 * sub-command is a seg_cli_command of its own (options, help) picked here. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void json_num(double v)
{
    if (!isfinite(v)) {
        fputs("null", stdout);
        return;
    }
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, stdout);
}

static void json_str(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

/* ---- eval coco ---- */

static const cli_opt coco_opts[] = {
    {"gt", 0, CLI_STRING, NULL, NULL, "ground-truth annotation file (instances_*.json)"},
    {"dt", 0, CLI_STRING, NULL, NULL, "result file (a JSON array of detections)"},
    {"iou-type", 0, CLI_STRING, "segm", "segm|bbox", "what to compare"},
    {"json", 0, CLI_FLAG, NULL, NULL, "print {\"stats\": [12 numbers], ...} instead of the table"},
    {"per-class", 0, CLI_FLAG, NULL, NULL, "also print AP per category"},
    {"quiet", 'q', CLI_FLAG, NULL, NULL, "no progress on stderr"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static int run_coco(const cli_args *a)
{
    const char *gt_path = cli_str(a, "gt"), *dt_path = cli_str(a, "dt");
    if (!gt_path || !dt_path)
        return cli_fail(a, "--gt and --dt are required");
    int bbox = strcmp(cli_str(a, "iou-type"), "bbox") == 0;
    int quiet = cli_flag(a, "quiet");
    seg_coco *gt = NULL, *dt = NULL;
    seg_cocoeval *ev = NULL;
    int rc = 0, st;
    double t0 = now();
    if ((st = seg_coco_load(gt_path, &gt)) != 0) {
        rc = cli_fail_status(a, st, "loading ground truth");
        goto done;
    }
    if (!quiet)
        fprintf(stderr, "loaded %zu images, %zu annotations, %zu categories (%.2fs)\n",
                seg_coco_num_images(gt), seg_coco_num_annotations(gt),
                seg_coco_num_categories(gt), now() - t0);
    t0 = now();
    if ((st = seg_coco_load_results(gt, dt_path, &dt)) != 0) {
        rc = cli_fail_status(a, st, "loading results");
        goto done;
    }
    if (!quiet)
        fprintf(stderr, "loaded %zu results (%.2fs)\n", seg_coco_num_annotations(dt), now() - t0);
    t0 = now();
    if ((st = seg_cocoeval_create(gt, dt, bbox ? SEG_IOU_BBOX : SEG_IOU_SEGM, &ev)) != 0 ||
        (st = seg_cocoeval_evaluate(ev)) != 0) {
        rc = cli_fail_status(a, st, "evaluating");
        goto done;
    }
    if (!quiet)
        fprintf(stderr, "evaluated *%s* (%.2fs)\n", bbox ? "bbox" : "segm", now() - t0);
    t0 = now();
    if ((st = seg_cocoeval_accumulate(ev)) != 0) {
        rc = cli_fail_status(a, st, "accumulating");
        goto done;
    }
    double stats[12];
    char text[2048];
    if ((st = seg_cocoeval_summarize(ev, stats, text, sizeof text)) != 0) {
        rc = cli_fail_status(a, st, "summarizing");
        goto done;
    }
    if (!quiet)
        fprintf(stderr, "accumulated (%.2fs)\n", now() - t0);
    size_t K = seg_cocoeval_num_cats(ev);
    const int64_t *ids = seg_cocoeval_cat_ids(ev);
    if (cli_flag(a, "json")) {
        static const char *names[12] = {"AP", "AP50", "AP75", "APs", "APm", "APl",
                                        "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"};
        printf("{\"iou_type\": \"%s\", \"stats\": [", bbox ? "bbox" : "segm");
        for (int i = 0; i < 12; i++) {
            if (i)
                fputs(", ", stdout);
            json_num(stats[i]);
        }
        fputs("], \"named\": {", stdout);
        for (int i = 0; i < 12; i++) {
            printf("%s\"%s\": ", i ? ", " : "", names[i]);
            json_num(stats[i]);
        }
        fputs("}, \"per_category\": [", stdout);
        for (size_t k = 0; k < K && K == seg_coco_num_categories(gt); k++) {
            seg_coco_category cat;
            int64_t ci = seg_coco_find_category(gt, ids[k]);
            if (ci < 0 || seg_coco_get_category(gt, (size_t)ci, &cat) != 0)
                continue;
            printf("%s{\"id\": %lld, \"name\": ", k ? ", " : "", (long long)cat.id);
            json_str(cat.name);
            fputs(", \"ap\": ", stdout);
            json_num(seg_cocoeval_category_ap(ev, k));
            putchar('}');
        }
        fputs("]}\n", stdout);
    } else {
        fputs(text, stdout);
        if (cli_flag(a, "per-class")) {
            printf("\n%-8s %-24s %s\n", "id", "category", "AP");
            for (size_t k = 0; k < K; k++) {
                seg_coco_category cat = {0, "", ""};
                int64_t ci = seg_coco_find_category(gt, ids[k]);
                if (ci >= 0)
                    seg_coco_get_category(gt, (size_t)ci, &cat);
                printf("%-8lld %-24s %.3f\n", (long long)ids[k], cat.name,
                       seg_cocoeval_category_ap(ev, k));
            }
        }
    }
done:
    seg_cocoeval_destroy(ev);
    seg_coco_destroy(dt);
    seg_coco_destroy(gt);
    return rc;
}

static const seg_cli_command eval_coco = {
    .name = "eval coco",
    .summary = "COCO detection metric (AP/AR) for segm or bbox results, as pycocotools",
    .usage = "--gt ANN.json --dt RES.json [--iou-type segm|bbox]",
    .details = "Prints the 12-line summary exactly as pycocotools' COCOeval.summarize();\n"
               "the numbers equal pycocotools' to 1e-12.",
    .opts = coco_opts,
    .min_pos = 0,
    .max_pos = 0,
    .run = run_coco,
};

/* ---- dispatch ---- */

static const seg_cli_command *const subs[] = {&eval_coco, NULL};

static int run_raw(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        FILE *f = argc < 1 ? stderr : stdout;
        fprintf(f, "usage: segkit eval SUBCOMMAND [options]\n\nScore results against ground "
                   "truth. Sub-commands:\n");
        for (int i = 0; subs[i]; i++)
            fprintf(f, "  %-10s %s\n", subs[i]->name + 5, subs[i]->summary);
        fprintf(f, "\n'segkit eval SUBCOMMAND --help' lists its options.\n");
        return argc < 1 ? 2 : 0;
    }
    for (int i = 0; subs[i]; i++)
        if (strcmp(subs[i]->name + 5, argv[0]) == 0)
            return cli_run(subs[i], argc - 1, argv + 1);
    fprintf(stderr, "segkit eval: unknown sub-command '%s' (", argv[0]);
    for (int i = 0; subs[i]; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", subs[i]->name + 5);
    fprintf(stderr, ")\n");
    return 2;
}

const seg_cli_command seg_cli_cmd_eval = {
    .name = "eval",
    .summary = "score results: eval coco (AP/AR)",
    .usage = "SUBCOMMAND [options]",
    .run_raw = run_raw,
};
