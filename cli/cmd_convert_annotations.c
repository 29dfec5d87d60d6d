/* segkit convert-annotations: between COCO polygons / RLE, instance label maps and
 * semantic label maps. */
#include "cli.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const cli_opt opts[] = {
    {"from", 0, CLI_STRING, NULL, "coco|instance-maps|labelme", "input kind"},
    {"to", 0, CLI_STRING, NULL, "coco|coco-rle|label-maps|labelme", "output kind"},
    {"output", 'o', CLI_STRING, NULL, NULL, "output file (coco, coco-rle) or folder (label-maps)"},
    {"category", 0, CLI_STRING, "object", NULL, "instance-maps: category name of every instance"},
    {"quiet", 'q', CLI_FLAG, NULL, NULL, "no progress on stderr"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* COCO file -> the same dataset with every mask as compressed RLE. */
static int coco_to_rle(const cli_args *a, const char *in, const char *out)
{
    seg_coco *c = NULL;
    int st = seg_coco_load(in, &c);
    if (!st)
        st = seg_coco_save(c, out, SEG_COCO_SAVE_RLE);
    int rc = st ? cli_fail_status(a, st, "convert") : 0;
    if (!rc && !cli_flag(a, "quiet"))
        fprintf(stderr, "%zu annotations written as RLE to %s\n", seg_coco_num_annotations(c), out);
    seg_coco_destroy(c);
    return rc;
}

/* COCO file -> one semantic label-map PNG per image (category id per pixel, later
 * annotations over earlier ones, 0 = background; 16-bit when an id exceeds 255). */
static int coco_to_label_maps(const cli_args *a, const char *in, const char *dir)
{
    seg_coco *c = NULL;
    int st = seg_coco_load(in, &c);
    if (st)
        return cli_fail_status(a, st, "convert");
    int rc = 0, wide = 0;
    mkdir(dir, 0777);
    for (size_t k = 0; k < seg_coco_num_categories(c); k++) {
        seg_coco_category cat;
        seg_coco_get_category(c, k, &cat);
        if (cat.id < 0 || cat.id > 65535) {
            rc = cli_fail(a, "%s: category id %lld does not fit a 16-bit label map", in,
                          (long long)cat.id);
            goto done;
        }
        wide |= cat.id > 255;
    }
    size_t *idx = NULL, cap = 0;
    for (size_t i = 0; i < seg_coco_num_images(c) && !rc; i++) {
        seg_coco_image im;
        seg_coco_get_image(c, i, &im);
        seg_image map = {0};
        if ((st = seg_image_alloc(&map, im.width, im.height, 1, wide ? SEG_U16 : SEG_U8)) != 0) {
            rc = cli_fail_status(a, st, im.file_name);
            break;
        }
        int64_t n = seg_coco_image_annotations(c, im.id, -1, NULL, 0);
        if ((size_t)n > cap) {
            cap = (size_t)n;
            size_t *ni = realloc(idx, cap * sizeof *idx);
            if (!ni) {
                rc = cli_fail(a, "out of memory");
                seg_image_free(&map);
                break;
            }
            idx = ni;
        }
        seg_coco_image_annotations(c, im.id, -1, idx, cap);
        for (int64_t j = 0; j < n && !rc; j++) {
            seg_rle r;
            seg_image m = {0};
            seg_coco_annotation ann;
            seg_coco_get_annotation(c, idx[j], &ann);
            if ((st = seg_coco_annotation_rle(c, idx[j], &r)) != 0 || (st = seg_rle_decode(&r, &m)) != 0) {
                rc = cli_fail_status(a, st, in);
                seg_rle_free(&r);
                break;
            }
            for (int y = 0; y < m.height && y < map.height; y++) {
                const uint8_t *mr = (const uint8_t *)m.data + (size_t)y * m.stride;
                uint8_t *dr = (uint8_t *)map.data + (size_t)y * map.stride;
                for (int x = 0; x < m.width && x < map.width; x++)
                    if (mr[x]) {
                        if (wide)
                            ((uint16_t *)(void *)dr)[x] = (uint16_t)ann.category_id;
                        else
                            dr[x] = (uint8_t)ann.category_id;
                    }
            }
            seg_image_free(&m);
            seg_rle_free(&r);
        }
        if (!rc) {
            char path[4096], base[1024];
            snprintf(base, sizeof base, "%s", *im.file_name ? im.file_name : "image");
            char *dot = strrchr(base, '.');
            if (dot)
                *dot = '\0';
            if (!*im.file_name)
                snprintf(base, sizeof base, "%lld", (long long)im.id);
            snprintf(path, sizeof path, "%s/%s.png", dir, base);
            if ((st = seg_imwrite(path, &map, NULL)) != 0)
                rc = cli_fail_status(a, st, path);
        }
        seg_image_free(&map);
    }
    free(idx);
    if (!rc && !cli_flag(a, "quiet"))
        fprintf(stderr, "%zu label maps written to %s\n", seg_coco_num_images(c), dir);
done:
    seg_coco_destroy(c);
    return rc;
}

/* A folder of instance label maps (0 = background, each other value one instance)
 * -> a COCO dataset with one RLE annotation per instance. */
static int instance_maps_to_coco(const cli_args *a, const char *dir, const char *out)
{
    DIR *d = opendir(dir);
    if (!d)
        return cli_fail(a, "%s: cannot open folder", dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l <= 4 || strcasecmp(e->d_name + l - 4, ".png") != 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn)
                break;
            names = nn;
        }
        if ((names[n] = strdup(e->d_name)) != NULL)
            n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    seg_coco *c = NULL;
    int rc = 0, st = seg_coco_create(out, &c);
    if (!st)
        st = seg_coco_add_category(c, 1, cli_str(a, "category"), "");
    if (st)
        rc = cli_fail_status(a, st, "convert");
    int64_t ann_id = 1;
    for (size_t i = 0; i < n && !rc; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        seg_read_options o = seg_read_options_default();
        o.mode = SEG_IMREAD_UNCHANGED;
        seg_image img = {0}, mask = {0};
        if ((st = seg_imread(path, &img, &o)) != 0) {
            rc = cli_fail_status(a, st, path);
            break;
        }
        if (img.channels != 1) {
            rc = cli_fail(a, "%s: an instance label map must have 1 channel, not %d", path,
                          img.channels);
            seg_image_free(&img);
            break;
        }
        if ((st = seg_coco_add_image(c, (int64_t)i + 1, img.width, img.height, names[i])) != 0 ||
            (st = seg_image_alloc(&mask, img.width, img.height, 1, SEG_U8)) != 0) {
            rc = cli_fail_status(a, st, path);
            seg_image_free(&img);
            break;
        }
        /* instance values present, ascending */
        int maxv = img.type == SEG_U16 ? 65535 : 255;
        uint8_t *seen = calloc((size_t)maxv + 1, 1);
        for (int y = 0; seen && y < img.height; y++)
            for (int x = 0; x < img.width; x++) {
                const uint8_t *row = (const uint8_t *)img.data + (size_t)y * img.stride;
                seen[img.type == SEG_U16 ? ((const uint16_t *)(const void *)row)[x] : row[x]] = 1;
            }
        for (int v = 1; seen && v <= maxv && !rc; v++) {
            if (!seen[v])
                continue;
            for (int y = 0; y < img.height; y++) {
                const uint8_t *row = (const uint8_t *)img.data + (size_t)y * img.stride;
                uint8_t *mr = (uint8_t *)mask.data + (size_t)y * mask.stride;
                for (int x = 0; x < img.width; x++)
                    mr[x] = (img.type == SEG_U16 ? ((const uint16_t *)(const void *)row)[x]
                                                 : row[x]) == v;
            }
            seg_rle r;
            if ((st = seg_rle_encode(&mask, &r)) != 0) {
                rc = cli_fail_status(a, st, path);
                break;
            }
            seg_coco_annotation ann;
            memset(&ann, 0, sizeof ann);
            ann.id = ann_id++;
            ann.image_id = (int64_t)i + 1;
            ann.category_id = 1;
            ann.has_bbox = 1;
            seg_rle_to_bbox(&r, ann.bbox);
            ann.area = (double)seg_rle_area(&r);
            ann.score = 0.0 / 0.0;
            ann.segm_kind = SEG_COCO_SEGM_RLE;
            ann.rle_compressed = 1;
            ann.rle = r;
            st = seg_coco_add_annotation(c, &ann);
            seg_rle_free(&r);
            if (st)
                rc = cli_fail_status(a, st, path);
        }
        free(seen);
        seg_image_free(&mask);
        seg_image_free(&img);
    }
    if (!rc && ((st = seg_coco_finish(c)) != 0 || (st = seg_coco_save(c, out, 0)) != 0))
        rc = cli_fail_status(a, st, out);
    if (!rc && !cli_flag(a, "quiet"))
        fprintf(stderr, "%zu images, %lld instances written to %s\n", n, (long long)ann_id - 1,
                out);
    seg_coco_destroy(c);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

static void put_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* COCO file -> one LabelMe JSON per image (a multi-part polygon's parts share group_id =
 * the annotation id). RLE masks become the polygons of their outer borders
 * (seg_rle_to_polygons, cv2.findContours RETR_EXTERNAL + CHAIN_APPROX_SIMPLE); empty
 * masks are skipped and counted on stderr. */
static int coco_to_labelme(const cli_args *a, const char *in, const char *dir)
{
    seg_coco *c = NULL;
    int st = seg_coco_load(in, &c);
    if (st)
        return cli_fail_status(a, st, "convert");
    mkdir(dir, 0777);
    int rc = 0;
    size_t skipped = 0, *idx = NULL, cap = 0;
    for (size_t i = 0; i < seg_coco_num_images(c) && !rc; i++) {
        seg_coco_image im;
        seg_coco_get_image(c, i, &im);
        int64_t n = seg_coco_image_annotations(c, im.id, -1, NULL, 0);
        if ((size_t)n > cap) {
            size_t *ni = realloc(idx, (size_t)n * sizeof *idx);
            if (!ni) {
                rc = cli_fail(a, "out of memory");
                break;
            }
            idx = ni;
            cap = (size_t)n;
        }
        seg_coco_image_annotations(c, im.id, -1, idx, cap);
        char base[1024], path[4096], tmp[4200];
        snprintf(base, sizeof base, "%s", *im.file_name ? im.file_name : "image");
        char *dot = strrchr(base, '.');
        if (dot)
            *dot = '\0';
        if (!*im.file_name)
            snprintf(base, sizeof base, "%lld", (long long)im.id);
        snprintf(path, sizeof path, "%s/%s.json", dir, base);
        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        FILE *f = fopen(tmp, "w");
        if (!f) {
            rc = cli_fail(a, "%s: cannot write", path);
            break;
        }
        fputs("{\"version\": \"5.0.1\", \"flags\": {}, \"shapes\": [", f);
        int first = 1;
        for (int64_t j = 0; j < n; j++) {
            seg_coco_annotation ann;
            seg_coco_get_annotation(c, idx[j], &ann);
            seg_polygons *traced = NULL;
            uint32_t *tlen = NULL;
            if (ann.segm_kind == SEG_COCO_SEGM_RLE) {
                /* mask -> outer borders (cv2.findContours RETR_EXTERNAL) */
                seg_rle r;
                st = seg_coco_annotation_rle(c, idx[j], &r);
                if (!st) {
                    st = seg_rle_to_polygons(&r, SEG_RETR_EXTERNAL, 0.0, &traced);
                    seg_rle_free(&r);
                }
                if (st) {
                    fclose(f);
                    remove(tmp);
                    rc = cli_fail_status(a, st, in);
                    break;
                }
                tlen = malloc(((size_t)traced->count + 1) * sizeof *tlen);
                if (!tlen || traced->count == 0) {
                    free(tlen);
                    seg_polygons_free(traced);
                    skipped++;
                    continue;
                }
                for (int q = 0; q < traced->count; q++)
                    tlen[q] = (uint32_t)(traced->offsets[q + 1] - traced->offsets[q]);
                ann.npolygons = (size_t)traced->count;
                ann.polygon_len = tlen;
                ann.polygon_xy = traced->xy;
            } else if (ann.segm_kind != SEG_COCO_SEGM_POLYGON) {
                skipped++;
                continue;
            }
            int64_t ci = seg_coco_find_category(c, ann.category_id);
            seg_coco_category cat = {0, "", ""};
            if (ci >= 0)
                seg_coco_get_category(c, (size_t)ci, &cat);
            const double *xy = ann.polygon_xy;
            for (size_t p = 0; p < ann.npolygons; p++) {
                fputs(first ? "\n  {\"label\": " : ",\n  {\"label\": ", f);
                first = 0;
                put_json_str(f, cat.name);
                fputs(", \"points\": [", f);
                for (uint32_t k = 0; k + 1 < ann.polygon_len[p]; k += 2)
                    fprintf(f, "%s[%.17g, %.17g]", k ? ", " : "", xy[k], xy[k + 1]);
                xy += ann.polygon_len[p];
                if (ann.npolygons > 1)
                    fprintf(f, "], \"group_id\": %lld", (long long)ann.id);
                else
                    fputs("], \"group_id\": null", f);
                fputs(", \"shape_type\": \"polygon\", \"flags\": {}}", f);
            }
            free(tlen);
            seg_polygons_free(traced);
        }
        if (rc)
            break;
        fputs("],\n\"imagePath\": ", f);
        put_json_str(f, im.file_name);
        fprintf(f, ", \"imageData\": null, \"imageHeight\": %d, \"imageWidth\": %d}\n",
                im.height, im.width);
        if (fclose(f) != 0 || rename(tmp, path) != 0) {
            remove(tmp);
            rc = cli_fail(a, "%s: write failed", path);
        }
    }
    free(idx);
    if (!rc && !cli_flag(a, "quiet"))
        fprintf(stderr, "%zu LabelMe files written to %s%s", seg_coco_num_images(c), dir,
                skipped ? "" : "\n");
    if (!rc && !cli_flag(a, "quiet") && skipped)
        fprintf(stderr, "; %zu empty masks skipped\n", skipped);
    seg_coco_destroy(c);
    return rc;
}

/* A folder of LabelMe JSON files (sorted by name) -> one COCO dataset. */
static int labelme_to_coco(const cli_args *a, const char *dir, const char *out)
{
    DIR *d = opendir(dir);
    if (!d)
        return cli_fail(a, "%s: cannot open folder", dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l <= 5 || strcasecmp(e->d_name + l - 5, ".json") != 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn)
                break;
            names = nn;
        }
        size_t len = strlen(dir) + l + 2;
        if ((names[n] = malloc(len)) != NULL) {
            snprintf(names[n], len, "%s/%s", dir, e->d_name);
            n++;
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    seg_coco *c = NULL;
    int rc = 0, st = seg_coco_from_labelme((const char *const *)names, n, out, &c);
    if (!st)
        st = seg_coco_save(c, out, 0);
    if (st)
        rc = cli_fail_status(a, st, "convert");
    else if (!cli_flag(a, "quiet"))
        fprintf(stderr, "%zu LabelMe files, %zu annotations, %zu categories written to %s\n", n,
                seg_coco_num_annotations(c), seg_coco_num_categories(c), out);
    seg_coco_destroy(c);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

static int run(const cli_args *a)
{
    const char *from = cli_str(a, "from"), *to = cli_str(a, "to"), *out = cli_str(a, "output");
    if (!from || !to || !out)
        return cli_fail(a, "--from, --to and -o are required");
    const char *in = a->pos[0];
    if (strcmp(from, "coco") == 0 && strcmp(to, "coco-rle") == 0)
        return coco_to_rle(a, in, out);
    if (strcmp(from, "coco") == 0 && strcmp(to, "label-maps") == 0)
        return coco_to_label_maps(a, in, out);
    if (strcmp(from, "instance-maps") == 0 && strcmp(to, "coco") == 0)
        return instance_maps_to_coco(a, in, out);
    if (strcmp(from, "labelme") == 0 && strcmp(to, "coco") == 0)
        return labelme_to_coco(a, in, out);
    if (strcmp(from, "coco") == 0 && strcmp(to, "labelme") == 0)
        return coco_to_labelme(a, in, out);
    return cli_fail(a, "no conversion from %s to %s (coco -> coco-rle | label-maps, "
                    "instance-maps -> coco, labelme <-> coco)", from, to);
}

const seg_cli_command seg_cli_cmd_convert_annotations = {
    .name = "convert-annotations",
    .summary = "convert annotations: COCO polygons -> RLE, COCO -> label maps, instance maps / LabelMe -> COCO",
    .usage = "INPUT --from KIND --to KIND -o OUTPUT",
    .details = "coco -> coco-rle: every polygon rasterised as pycocotools' annToRLE.\n"
               "coco -> label-maps: one PNG per image, category id per pixel (0 background).\n"
               "instance-maps -> coco: a folder of 1-channel PNGs, 0 = background, each other\n"
               "value one instance, to a COCO dataset with RLE masks, boxes and areas.\n"
               "labelme -> coco: a folder of LabelMe JSON files (polygon and rectangle shapes;\n"
               "shapes sharing a group_id and label form one instance) to one COCO dataset.\n"
               "coco -> labelme: one LabelMe JSON per image; RLE masks become the polygons of\n"
               "their outer borders (cv2.findContours RETR_EXTERNAL, CHAIN_APPROX_SIMPLE).",
    .opts = opts,
    .min_pos = 1,
    .max_pos = 1,
    .run = run,
};
