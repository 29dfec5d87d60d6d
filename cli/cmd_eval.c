/* segkit eval coco|semantic|panoptic: score results against ground truth. Each
 * sub-command is a seg_cli_command of its own (options, help) picked here. */
#include "cli.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
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


/* ---- eval semantic ---- */

static const cli_opt sem_opts[] = {
    {"pred", 0, CLI_STRING, NULL, NULL, "folder of predicted label-map PNGs"},
    {"gt", 0, CLI_STRING, NULL, NULL, "folder of ground-truth label-map PNGs (same names)"},
    {"num-classes", 'n', CLI_INT, NULL, NULL, "number of classes (labels 0..N-1)"},
    {"ignore", 0, CLI_INT, "255", NULL, "ground-truth label to skip (-1: none)"},
    {"names", 0, CLI_STRING, NULL, NULL, "text file with one class name per line"},
    {"json", 0, CLI_FLAG, NULL, NULL, "print the metrics as JSON"},
    {"quiet", 'q', CLI_FLAG, NULL, NULL, "no progress on stderr"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_png_ext(const char *n)
{
    size_t l = strlen(n);
    return l > 4 && strcasecmp(n + l - 4, ".png") == 0;
}

/* Sorted *.png names of a folder (malloc'd array of malloc'd strings). */
static int list_pngs(const cli_args *a, const char *dir, char ***out, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return cli_fail(a, "%s: cannot open folder", dir);
    char **v = NULL;
    size_t cnt = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!has_png_ext(e->d_name))
            continue;
        if (cnt == cap) {
            cap = cap ? cap * 2 : 256;
            char **nv = realloc(v, cap * sizeof *v);
            if (!nv)
                break;
            v = nv;
        }
        v[cnt] = strdup(e->d_name);
        if (v[cnt])
            cnt++;
    }
    closedir(d);
    qsort(v, cnt, sizeof *v, cmp_str);
    *out = v;
    *n = cnt;
    return 0;
}

static char **read_names(const char *path, int n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char **names = calloc((size_t)n, sizeof *names);
    char line[512];
    for (int i = 0; names && i < n && fgets(line, sizeof line, f); i++) {
        line[strcspn(line, "\r\n")] = '\0';
        names[i] = strdup(line);
    }
    fclose(f);
    return names;
}

static void print_or_null(double v)
{
    if (isnan(v))
        fputs("null", stdout);
    else
        json_num(v);
}

static int run_semantic(const cli_args *a)
{
    const char *pred_dir = cli_str(a, "pred"), *gt_dir = cli_str(a, "gt");
    if (!pred_dir || !gt_dir || !cli_given(a, "num-classes"))
        return cli_fail(a, "--pred, --gt and --num-classes are required");
    long nc = cli_int(a, "num-classes");
    if (nc < 1 || nc > 65536)
        return cli_fail(a, "--num-classes must be in 1..65536");
    char **files = NULL, **names = NULL;
    size_t nf = 0;
    int rc = list_pngs(a, gt_dir, &files, &nf);
    if (rc)
        return rc;
    if (nf == 0) {
        free(files);
        return cli_fail(a, "%s: no .png label maps", gt_dir);
    }
    if (cli_str(a, "names") && !(names = read_names(cli_str(a, "names"), (int)nc))) {
        rc = cli_fail(a, "%s: cannot read class names", cli_str(a, "names"));
        goto out;
    }
    seg_confusion *cm = NULL;
    int st = seg_confusion_create((int)nc, (int)cli_int(a, "ignore"), &cm);
    if (st) {
        rc = cli_fail_status(a, st, "confusion matrix");
        goto out;
    }
    int quiet = cli_flag(a, "quiet");
    double t0 = now(), last = t0;
    for (size_t i = 0; i < nf && !rc; i++) {
        char gp[4096], pp[4096];
        snprintf(gp, sizeof gp, "%s/%s", gt_dir, files[i]);
        snprintf(pp, sizeof pp, "%s/%s", pred_dir, files[i]);
        seg_read_options o = seg_read_options_default();
        o.mode = SEG_IMREAD_UNCHANGED;
        seg_image g = {0}, p = {0};
        if ((st = seg_imread(gp, &g, &o)) != 0)
            rc = cli_fail_status(a, st, gp);
        else if ((st = seg_imread(pp, &p, &o)) != 0)
            rc = cli_fail_status(a, st, pp);
        else if (g.channels != 1 || p.channels != 1)
            rc = cli_fail(a, "%s: label maps must be 1-channel 8/16-bit PNGs (this one has %d "
                          "channels; palette PNGs are expanded to colour by the reader)",
                          g.channels != 1 ? gp : pp, g.channels != 1 ? g.channels : p.channels);
        else if ((st = seg_confusion_update(cm, &g, &p)) != 0)
            rc = cli_fail_status(a, st, pp);
        seg_image_free(&g);
        seg_image_free(&p);
        if (!quiet && (now() - last > 1.0 || i + 1 == nf) && nf > 1) {
            fprintf(stderr, "\r%zu/%zu label maps (%.1fs)%s", i + 1, nf, now() - t0,
                    i + 1 == nf ? "\n" : "");
            last = now();
        }
    }
    if (!rc) {
        double *iou = malloc((size_t)nc * 3 * sizeof *iou);
        seg_semantic_scores s;
        if (!iou || seg_semantic_scores_compute(seg_confusion_counts(cm), (int)nc, &s, iou,
                                                iou + nc, iou + 2 * nc) != 0) {
            rc = cli_fail(a, "out of memory");
        } else if (cli_flag(a, "json")) {
            printf("{\"num_images\": %zu, \"num_classes\": %ld, \"pixels\": %llu, "
                   "\"pixel_accuracy\": ", nf, nc, (unsigned long long)s.total);
            print_or_null(s.pixel_accuracy);
            fputs(", \"mean_accuracy\": ", stdout);
            print_or_null(s.mean_accuracy);
            fputs(", \"mean_iou\": ", stdout);
            print_or_null(s.mean_iou);
            fputs(", \"fw_iou\": ", stdout);
            print_or_null(s.fw_iou);
            fputs(", \"mean_dice\": ", stdout);
            print_or_null(s.mean_dice);
            fputs(", \"per_class\": [", stdout);
            for (long k = 0; k < nc; k++) {
                printf("%s{\"class\": %ld, \"name\": ", k ? ", " : "", k);
                json_str(names && names[k] ? names[k] : "");
                fputs(", \"iou\": ", stdout);
                print_or_null(iou[k]);
                fputs(", \"accuracy\": ", stdout);
                print_or_null(iou[nc + k]);
                fputs(", \"dice\": ", stdout);
                print_or_null(iou[2 * nc + k]);
                putchar('}');
            }
            fputs("]}\n", stdout);
        } else {
            printf("%-6s %-20s %8s %8s %8s\n", "class", "name", "IoU", "Acc", "Dice");
            for (long k = 0; k < nc; k++) {
                if (isnan(iou[k]))
                    continue; /* absent from gt and prediction */
                printf("%-6ld %-20s %8.4f %8.4f %8.4f\n", k, names && names[k] ? names[k] : "",
                       iou[k], iou[nc + k], iou[2 * nc + k]);
            }
            printf("\nimages %zu, pixels %llu\nmIoU %.4f  mAcc %.4f  aAcc %.4f  fwIoU %.4f  "
                   "mDice %.4f\n", nf, (unsigned long long)s.total, s.mean_iou,
                   s.mean_accuracy, s.pixel_accuracy, s.fw_iou, s.mean_dice);
        }
        free(iou);
    }
    seg_confusion_destroy(cm);
out:
    for (size_t i = 0; i < nf; i++)
        free(files[i]);
    free(files);
    if (names)
        for (long k = 0; k < nc; k++)
            free(names[k]);
    free(names);
    return rc;
}

static const seg_cli_command eval_semantic = {
    .name = "eval semantic",
    .summary = "mIoU, accuracy, Dice of label-map PNGs matched by name",
    .usage = "--pred DIR --gt DIR --num-classes N",
    .details = "IoU per class over classes present in gt or prediction (NaN otherwise, left out\n"
               "of the means), as mmsegmentation / torchmetrics; pixels whose gt equals --ignore\n"
               "are not counted. Label maps: 1-channel 8- or 16-bit PNGs.",
    .opts = sem_opts,
    .run = run_semantic,
};

/* ---- eval panoptic ---- */

static const cli_opt pan_opts[] = {
    {"gt-json", 0, CLI_STRING, NULL, NULL, "ground-truth panoptic JSON"},
    {"gt-dir", 0, CLI_STRING, NULL, NULL, "folder of ground-truth panoptic PNGs"},
    {"pred-json", 0, CLI_STRING, NULL, NULL, "predicted panoptic JSON"},
    {"pred-dir", 0, CLI_STRING, NULL, NULL, "folder of predicted panoptic PNGs"},
    {"json", 0, CLI_FLAG, NULL, NULL, "print the results as JSON"},
    {"quiet", 'q', CLI_FLAG, NULL, NULL, "no progress on stderr"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static void pan_progress(void *user, size_t done, size_t total)
{
    double *last = user;
    if (now() - *last > 1.0 || done == total) {
        fprintf(stderr, "\r%zu/%zu images%s", done, total, done == total ? "\n" : "");
        *last = now();
    }
}

static int run_panoptic(const cli_args *a)
{
    const char *gj = cli_str(a, "gt-json"), *gd = cli_str(a, "gt-dir");
    const char *pj = cli_str(a, "pred-json"), *pd = cli_str(a, "pred-dir");
    if (!gj || !gd || !pj || !pd)
        return cli_fail(a, "--gt-json, --gt-dir, --pred-json and --pred-dir are required");
    seg_pq *pq = NULL;
    double last = now();
    int st = seg_pq_evaluate_files(gj, gd, pj, pd, cli_flag(a, "quiet") ? NULL : pan_progress,
                                   &last, &pq);
    if (st)
        return cli_fail_status(a, st, "panoptic");
    static const char *rows[3] = {"All", "Things", "Stuff"};
    static const int which[3] = {-1, 1, 0};
    double v[3][3];
    int n[3];
    for (int r = 0; r < 3; r++)
        seg_pq_average(pq, which[r], &v[r][0], &v[r][1], &v[r][2], &n[r]);
    size_t K = seg_pq_num_categories(pq);
    if (cli_flag(a, "json")) {
        putchar('{');
        for (int r = 0; r < 3; r++) {
            printf("%s\"%s\": {\"pq\": ", r ? ", " : "", rows[r]);
            json_num(v[r][0]);
            fputs(", \"sq\": ", stdout);
            json_num(v[r][1]);
            fputs(", \"rq\": ", stdout);
            json_num(v[r][2]);
            printf(", \"n\": %d}", n[r]);
        }
        fputs(", \"per_class\": [", stdout);
        for (size_t k = 0; k < K; k++) {
            seg_pq_stat s;
            seg_pq_category(pq, k, &s);
            printf("%s{\"id\": %lld, \"name\": ", k ? ", " : "",
                   (long long)seg_pq_category_id(pq, k));
            json_str(seg_pq_category_name(pq, k));
            fputs(", \"pq\": ", stdout);
            json_num(s.pq);
            fputs(", \"sq\": ", stdout);
            json_num(s.sq);
            fputs(", \"rq\": ", stdout);
            json_num(s.rq);
            printf(", \"tp\": %lld, \"fp\": %lld, \"fn\": %lld}", (long long)s.tp,
                   (long long)s.fp, (long long)s.fn);
        }
        fputs("]}\n", stdout);
    } else {
        /* panopticapi's print_results table */
        printf("%10s| %5s  %5s  %5s %5s\n", "", "PQ", "SQ", "RQ", "N");
        printf("--------------------------------------\n");
        for (int r = 0; r < 3; r++)
            printf("%-10s| %5.1f  %5.1f  %5.1f %5d\n", rows[r], 100 * v[r][0], 100 * v[r][1],
                   100 * v[r][2], n[r]);
    }
    seg_pq_destroy(pq);
    return 0;
}

static const seg_cli_command eval_panoptic = {
    .name = "eval panoptic",
    .summary = "panoptic quality (PQ/SQ/RQ) of COCO panoptic PNG + JSON, as panopticapi",
    .usage = "--gt-json F --gt-dir D --pred-json F --pred-dir D",
    .opts = pan_opts,
    .run = run_panoptic,
};

/* ---- dispatch ---- */

static const seg_cli_command *const subs[] = {&eval_coco, &eval_semantic, &eval_panoptic, NULL};

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
    .summary = "score results: eval coco (AP/AR) | semantic (mIoU) | panoptic (PQ)",
    .usage = "SUBCOMMAND [options]",
    .run_raw = run_raw,
};
