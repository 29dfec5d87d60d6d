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
    {"from", 0, CLI_STRING, NULL, "coco|instance-maps", "input kind"},
    {"to", 0, CLI_STRING, NULL, "coco|coco-rle|label-maps", "output kind"},
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
    return cli_fail(a, "no conversion from %s to %s (coco -> coco-rle | label-maps, "
                    "instance-maps -> coco)", from, to);
}

const seg_cli_command seg_cli_cmd_convert_annotations = {
    .name = "convert-annotations",
    .summary = "convert annotations: COCO polygons -> RLE, COCO -> label maps, instance maps -> COCO",
    .usage = "INPUT --from KIND --to KIND -o OUTPUT",
    .details = "coco -> coco-rle: every polygon rasterised as pycocotools' annToRLE.\n"
               "coco -> label-maps: one PNG per image, category id per pixel (0 background).\n"
               "instance-maps -> coco: a folder of 1-channel PNGs, 0 = background, each other\n"
               "value one instance, to a COCO dataset with RLE masks, boxes and areas.",
    .opts = opts,
    .min_pos = 1,
    .max_pos = 1,
    .run = run,
};
