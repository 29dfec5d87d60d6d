/* COCO annotation files, result files and the COCO detection metric (COCOeval).
 *
 * Reading follows pycocotools' COCO (coco.py, cocoapi 2.0): the same fields, the same
 * loadRes rules for result files, the same annToRLE. Evaluation follows its COCOeval
 * (cocoeval.py) for iouType 'segm' and 'bbox' with the default parameters: IoU
 * thresholds np.linspace(.5, .95, 10), 101 recall points np.linspace(0, 1, 101), maxDets
 * 1/10/100, area ranges all [0, 1e10], small [0, 32^2], medium [32^2, 96^2], large
 * [96^2, 1e10], crowd handling, ignore flags, stable (mergesort) score order and the
 * greedy matching order; the 12 summary numbers equal pycocotools' to 1e-12.
 *
 * Handles are opaque: a seg_coco is made by seg_coco_load* and released with
 * seg_coco_destroy; a seg_cocoeval by seg_cocoeval_create / seg_cocoeval_destroy. A
 * handle belongs to one thread at a time; evaluation uses seg_set_num_threads() threads
 * and its results do not depend on that number.
 *
 * Errors name the file and the item, e.g. "gt.json: annotation 12: segmentation has odd
 * coordinate count" (items are counted from 0 in file order). Stricter than pycocotools,
 * which would crash later or silently skip: malformed JSON (byte offset given), a
 * result or annotation whose image or category is not in the ground truth, a polygon
 * with an odd number of coordinates, an RLE whose size differs from its image's or whose
 * counts do not add up, duplicate image or category ids. */
#ifndef SEGKIT_COCO_H
#define SEGKIT_COCO_H

#include "rle.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct seg_coco seg_coco;

typedef struct seg_coco_image {
    int64_t id;
    int width, height;     /* 0 when the file does not say */
    const char *file_name; /* "" when absent; owned by the seg_coco */
} seg_coco_image;

typedef struct seg_coco_category {
    int64_t id;
    const char *name;          /* owned by the seg_coco */
    const char *supercategory; /* "" when absent */
} seg_coco_category;

typedef enum seg_coco_segm_kind {
    SEG_COCO_SEGM_NONE = 0,    /* no segmentation */
    SEG_COCO_SEGM_POLYGON = 1, /* list of polygons */
    SEG_COCO_SEGM_RLE = 2,     /* RLE, compressed string or uncompressed counts */
    SEG_COCO_SEGM_BOX = 3      /* a result's box standing in for its mask (loadRes) */
} seg_coco_segm_kind;

typedef struct seg_coco_annotation {
    int64_t id, image_id, category_id;
    int iscrowd;
    int has_bbox;
    double bbox[4];  /* x, y, w, h */
    double area;     /* NaN when the file has none */
    double score;    /* results only; NaN for ground truth */
    seg_coco_segm_kind segm_kind;
    int rle_compressed;        /* RLE given as a counts string: see rle_string */
    size_t npolygons;          /* POLYGON: number of parts */
    const uint32_t *polygon_len; /* POLYGON: coordinates (2 per point) in each part */
    const double *polygon_xy;  /* POLYGON: all parts' coordinates, one after the other */
    seg_rle rle;               /* RLE: size; counts (a view owned by the seg_coco) only when
                                  uncompressed, else m = 0 and counts NULL (decode
                                  rle_string, or use seg_coco_annotation_rle) */
    const char *rle_string;    /* compressed RLE: the counts string as read (not
                                  NUL-terminated), owned by the seg_coco */
    size_t rle_string_len;
} seg_coco_annotation;

/* Read an instance annotation file (the dataset dict: images, categories, annotations;
 * other keys are skipped). Elements are parsed one at a time, so memory stays near the
 * size of the compact result rather than a whole JSON tree.
 * out: set to NULL first; on success a handle to release with seg_coco_destroy.
 * Errors: SEG_EIO (cannot read), SEG_EFORMAT (malformed; message names file and item),
 * SEG_ENOMEM. */
SEG_API int seg_coco_load(const char *path, seg_coco **out);

/* Same from memory: `len` bytes of JSON; `name` is used in error messages. */
SEG_API int seg_coco_load_buffer(const char *json, size_t len, const char *name, seg_coco **out);

/* Read a result file against ground truth `gt`, like pycocotools' COCO.loadRes: a JSON
 * array of {image_id, category_id, score, bbox and/or segmentation}. As loadRes, the
 * first element decides: with a non-empty 'bbox', every result is a box (area = w*h,
 * a missing segmentation becomes the box); otherwise with 'segmentation', area and a
 * missing bbox come from the mask. Results get ids 1..n and iscrowd 0; images and
 * categories are gt's. An empty array is allowed (no detections).
 * Errors as seg_coco_load, and SEG_EFORMAT for a result whose image or category is not
 * in gt (loadRes asserts on unknown images and ignores unknown categories). */
SEG_API int seg_coco_load_results(const seg_coco *gt, const char *path, seg_coco **out);
SEG_API int seg_coco_load_results_buffer(const seg_coco *gt, const char *json, size_t len,
                                         const char *name, seg_coco **out);

/* Release a handle. Accepts NULL. */
SEG_API void seg_coco_destroy(seg_coco *c);

SEG_API size_t seg_coco_num_images(const seg_coco *c);
SEG_API size_t seg_coco_num_categories(const seg_coco *c);
SEG_API size_t seg_coco_num_annotations(const seg_coco *c);
/* Non-zero for a handle made by seg_coco_load_results*. */
SEG_API int seg_coco_is_results(const seg_coco *c);

/* Item i in file order; pointers inside stay valid until seg_coco_destroy.
 * Errors: SEG_EINVAL for i out of range. */
SEG_API int seg_coco_get_image(const seg_coco *c, size_t i, seg_coco_image *out);
SEG_API int seg_coco_get_category(const seg_coco *c, size_t i, seg_coco_category *out);
SEG_API int seg_coco_get_annotation(const seg_coco *c, size_t i, seg_coco_annotation *out);

/* Index of the image / category with this id, or -1. */
SEG_API int64_t seg_coco_find_image(const seg_coco *c, int64_t id);
SEG_API int64_t seg_coco_find_category(const seg_coco *c, int64_t id);

/* Annotations of one image (optionally one category, category_id < 0 for all), in file
 * order, like getAnnIds(imgIds=[id], catIds=[cat]). Writes up to cap indices into idx
 * and returns the total count (>= 0), or a negative status. */
SEG_API int64_t seg_coco_image_annotations(const seg_coco *c, int64_t image_id,
                                           int64_t category_id, size_t *idx, size_t cap);

/* The mask of annotation i as one RLE, exactly pycocotools' COCO.annToRLE: polygon parts
 * rasterised at the image size and merged, uncompressed RLE converted, a result's box
 * rasterised as a polygon. out owns its counts (seg_rle_free).
 * Errors: SEG_EFORMAT when there is no segmentation or the image has no size. */
SEG_API int seg_coco_annotation_rle(const seg_coco *c, size_t i, seg_rle *out);

enum {
    SEG_COCO_SAVE_RESULTS = 1, /* a result file: a JSON array of {image_id, category_id,
                                  segmentation, bbox, score} */
    SEG_COCO_SAVE_RLE = 2      /* every mask as compressed RLE (polygons rasterised as
                                  annToRLE does); result files always use RLE */
};

/* Write a dataset file (images, categories, annotations with their segmentation as read)
 * or, with SEG_COCO_SAVE_RESULTS, a result file. Numbers are printed in the shortest
 * form that reads back to the same double; a result's box derived from its mask is not
 * written (reading it back would switch loadRes to its box branch). Written to a
 * temporary name, then renamed. Errors: SEG_EIO, SEG_ENOMEM, SEG_EFORMAT (a polygon
 * that cannot be rasterised). */
SEG_API int seg_coco_save(const seg_coco *c, const char *path, int flags);

/* ---- building a dataset (for converters) ---- */

/* An empty dataset named `name` (for messages). Release with seg_coco_destroy. After
 * adding items, call seg_coco_finish before any lookup, save or evaluation. */
SEG_API int seg_coco_create(const char *name, seg_coco **out);
/* Append an image / a category (ids are checked by seg_coco_finish). */
SEG_API int seg_coco_add_image(seg_coco *c, int64_t id, int width, int height,
                               const char *file_name);
SEG_API int seg_coco_add_category(seg_coco *c, int64_t id, const char *name,
                                  const char *supercategory);
/* Append an annotation (its image_id and category_id are checked by seg_coco_finish);
 * the segmentation is
 * copied (POLYGON: npolygons, polygon_len, polygon_xy; RLE: rle.counts, kept as a
 * compressed string when rle_compressed). The id, iscrowd, bbox and area are taken as given. */
SEG_API int seg_coco_add_annotation(seg_coco *c, const seg_coco_annotation *a);
/* Index what was added: duplicate ids, unknown images or categories and RLE sizes give
 * SEG_EFORMAT naming the item, as for a loaded file. */
SEG_API int seg_coco_finish(seg_coco *c);

/* ---- COCOeval ---- */

typedef struct seg_cocoeval seg_cocoeval;

typedef enum seg_iou_type { SEG_IOU_SEGM = 0, SEG_IOU_BBOX = 1 } seg_iou_type;

/* Dimensions of the default parameters. */
enum { SEG_COCOEVAL_T = 10, SEG_COCOEVAL_R = 101, SEG_COCOEVAL_A = 4, SEG_COCOEVAL_M = 3 };

/* Set up an evaluation of detections dt (from seg_coco_load_results on gt) against gt
 * with pycocotools' default Params (imgIds = all gt images, catIds = all gt categories,
 * useCats = 1). gt and dt must outlive the evaluation. out: NULL first; release with
 * seg_cocoeval_destroy. Errors: SEG_EINVAL. */
SEG_API int seg_cocoeval_create(const seg_coco *gt, const seg_coco *dt, seg_iou_type type,
                                seg_cocoeval **out);
SEG_API void seg_cocoeval_destroy(seg_cocoeval *e);

/* Restrict to these image ids / category ids (params.imgIds / params.catIds; sorted and
 * de-duplicated as evaluate() does). n == 0 restores "all". Call before evaluate. */
SEG_API int seg_cocoeval_set_img_ids(seg_cocoeval *e, const int64_t *ids, size_t n);
SEG_API int seg_cocoeval_set_cat_ids(seg_cocoeval *e, const int64_t *ids, size_t n);
/* params.useCats: 0 pools all categories as proposal scoring does. */
SEG_API int seg_cocoeval_set_use_cats(seg_cocoeval *e, int use_cats);

/* evaluate(): IoUs and greedy matching per image and category, in parallel.
 * Errors: SEG_EFORMAT naming the annotation that lacks what iouType needs (a bbox, an
 * area, a segmentation, an image size). */
SEG_API int seg_cocoeval_evaluate(seg_cocoeval *e);

/* accumulate(): precision [T,R,K,A,M], recall [T,K,A,M] and scores, -1 where no gt. */
SEG_API int seg_cocoeval_accumulate(seg_cocoeval *e);

/* summarize(): the 12 stats (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm,
 * ARl), -1 where undefined, each the numpy mean of the valid entries. text (optional,
 * cap bytes) receives the 12 lines pycocotools prints, byte for byte.
 * Errors: SEG_EINVAL before accumulate; SEG_ELIMIT when text is too small. */
SEG_API int seg_cocoeval_summarize(seg_cocoeval *e, double stats[12], char *text, size_t cap);

/* The accumulated arrays (valid until destroy or the next evaluate), C order:
 * precision and scores [T][R][K][A][M], recall [T][K][A][M]. K is the number of
 * evaluated categories (1 when useCats is 0); seg_cocoeval_cat_ids gives their ids.
 * NULL before accumulate. */
SEG_API const double *seg_cocoeval_precision(const seg_cocoeval *e);
SEG_API const double *seg_cocoeval_recall(const seg_cocoeval *e);
SEG_API const double *seg_cocoeval_scores(const seg_cocoeval *e);
SEG_API size_t seg_cocoeval_num_cats(const seg_cocoeval *e);
SEG_API const int64_t *seg_cocoeval_cat_ids(const seg_cocoeval *e);

/* AP of one category index k (0..K-1): mean of precision[:, :, k, area 0 (all),
 * maxDets 100] over entries > -1, or -1 (what the usual per-class AP tables print). */
SEG_API double seg_cocoeval_category_ap(const seg_cocoeval *e, size_t k);

#ifdef __cplusplus
}
#endif
#endif
