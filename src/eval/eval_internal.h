/* Internals shared by the eval/ files; not installed, not API. */
#ifndef SEG_EVAL_INTERNAL_H
#define SEG_EVAL_INTERNAL_H

#include "internal.h"

/* seg_rle_iou without argument checks or threads (the caller checked the RLEs and runs
 * many of these in parallel itself); gbox is scratch for n * 4 doubles. */
int seg__rle_iou_serial(const seg_rle *dt, size_t m, const seg_rle *gt, size_t n,
                        const uint8_t *iscrowd, double *out, double *gbox);

/* ---- COCO dataset (coco_json.c), read by cocoeval.c ---- */

typedef struct coco_image {
    int64_t id;
    int width, height;
    char *file_name;
} coco_image;

typedef struct coco_cat {
    int64_t id;
    char *name, *supercategory;
} coco_cat;

typedef struct coco_ann {
    int64_t id, image_id, category_id;
    double bbox[4], area, score;
    int32_t img, cat; /* indices into images / cats */
    uint8_t iscrowd, has_bbox, kind, compressed;
    uint8_t bbox_derived; /* results: bbox computed from the mask, not read */
    uint8_t area_set;     /* results: area already computed while parsing */
    uint32_t npoly;   /* POLYGON: parts, lengths at poly_len[poly_off..] */
    size_t poly_off;  /* index into poly_len */
    size_t xy_off;    /* index into xy of the first coordinate */
    size_t cnt_off, cnt_m; /* RLE: uncompressed counts in cnt[cnt_off .. + cnt_m], or
                              compressed: the string in str[cnt_off .. + cnt_m] (bytes);
                              kept as text, 3-4x smaller than its counts */
    int rle_h, rle_w;
} coco_ann;

struct seg_coco {
    char *name; /* file name for messages */
    int is_results;
    int dirty;    /* built with seg_coco_add_*: index not current until seg_coco_finish */
    int res_mode; /* results: 1 boxes, 2 masks (loadRes' branch) */
    coco_image *images;
    size_t nimages, cap_images;
    coco_cat *cats;
    size_t ncats, cap_cats;
    coco_ann *anns;
    size_t nanns, cap_anns;
    uint32_t *poly_len;
    size_t npoly_len, cap_poly_len;
    double *xy;
    size_t nxy, cap_xy;
    uint32_t *cnt;
    size_t ncnt, cap_cnt;
    char *str;
    size_t nstr, cap_str;
    /* index: ids sorted with their positions; annotations grouped by image */
    int64_t *img_ids;
    int32_t *img_pos;
    int64_t *cat_ids;
    int32_t *cat_pos;
    size_t *img_ann_start; /* nimages + 1, over img_ann */
    size_t *img_ann;       /* annotation indices grouped by image, file order within */
};

/* The image / category index of an id, or -1. */
int64_t seg__coco_img_index(const seg_coco *c, int64_t id);
int64_t seg__coco_cat_index(const seg_coco *c, int64_t id);
/* coco_json.c helpers shared with coco_access.c: growable arrays, strdup, a new empty
 * handle, and (re)building the id index and the per-image annotation lists. */
int seg__coco_grow(void **p, size_t *cap, size_t need, size_t elem);
char *seg__coco_dup_str(const char *s);
seg_coco *seg__coco_new(const char *name);
int seg__coco_finish_index(seg_coco *c);
/* annToRLE of annotation i (no clear_error; messages name the file and item). */
int seg__coco_ann_rle(const seg_coco *c, size_t i, seg_rle *out);
/* Same, but an RLE annotation comes back as a view of the dataset's counts (*owned = 0,
 * do not free); otherwise *owned = 1 and out must be freed. */
int seg__coco_ann_rle_view(const seg_coco *c, size_t i, seg_rle *out, int *owned);

/* Name category k of a panoptic accumulator (panoptic.c). */
int seg__pq_set_name(seg_pq *pq, size_t k, const char *name);

#endif
