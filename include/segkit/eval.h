/* Scoring segmentations: semantic metrics from a streaming confusion matrix.
 *
 * Semantic metrics follow the common evaluators (mmsegmentation's
 * total_intersect_and_union + eval_metrics, torchmetrics with absent classes as NaN):
 * per class c with tp = cm[c][c], gt_c = row sum, pred_c = column sum,
 *   IoU_c  = tp / (gt_c + pred_c - tp)      NaN when gt_c + pred_c == 0
 *   Acc_c  = tp / gt_c                      NaN when gt_c == 0
 *   Dice_c = 2 tp / (gt_c + pred_c)         NaN when gt_c + pred_c == 0  (= F1_c)
 *   mIoU, mean accuracy, mean Dice = means over the non-NaN classes (classes present in
 *   the ground truth or the prediction; nanmean), NaN when there are none;
 *   pixel accuracy = sum tp / total; frequency-weighted IoU = sum over classes with
 *   gt_c > 0 of (gt_c / total) * IoU_c.
 * Pixels whose ground truth equals the ignore index are not counted. */
#ifndef SEGKIT_EVAL_H
#define SEGKIT_EVAL_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct seg_confusion seg_confusion;

/* A num_classes x num_classes matrix of 64-bit counts (rows: ground truth, columns:
 * prediction), all zero. ignore_index: ground-truth value to skip (255 in most
 * datasets; -1 for none). out: NULL first; release with seg_confusion_destroy.
 * Errors: SEG_EINVAL for num_classes outside 1..65536. */
SEG_API int seg_confusion_create(int num_classes, int ignore_index, seg_confusion **out);
SEG_API void seg_confusion_destroy(seg_confusion *c);
SEG_API void seg_confusion_reset(seg_confusion *c);
SEG_API int seg_confusion_num_classes(const seg_confusion *c);

/* Add one pair of label maps: gt and pred are 1-channel u8, u16 or s32 images of the
 * same size (any stride; the two types may differ). Runs in parallel with per-piece
 * sub-histograms merged in a fixed order (counts are exact integers, so the result
 * never depends on the thread count).
 * Errors: SEG_ESIZE for different sizes; SEG_EINVAL for a label outside
 * 0..num_classes-1 (other than the ignore index in gt), naming the value and pixel. */
SEG_API int seg_confusion_update(seg_confusion *c, const seg_image *gt, const seg_image *pred);

/* Add another matrix of the same size (e.g. from another worker). */
SEG_API int seg_confusion_merge(seg_confusion *dst, const seg_confusion *src);

/* The counts, row-major num_classes x num_classes, cm[gt * n + pred]; valid until the
 * next call on c. */
SEG_API const uint64_t *seg_confusion_counts(const seg_confusion *c);

typedef struct seg_semantic_scores {
    double pixel_accuracy;
    double mean_accuracy;
    double mean_iou;
    double fw_iou;
    double mean_dice;
    uint64_t total; /* counted pixels */
} seg_semantic_scores;

/* The metrics above from a confusion matrix (cm as seg_confusion_counts, n classes).
 * iou, acc, dice: optional arrays of n doubles receiving the per-class values. */
SEG_API int seg_semantic_scores_compute(const uint64_t *cm, int n, seg_semantic_scores *out,
                                        double *iou, double *acc, double *dice);

/* ---- Panoptic quality (panopticapi's pq_compute) ----
 *
 * Segment ids come from COCO panoptic PNGs, id = R + 256 * G + 256^2 * B, or from a
 * 1-channel s32 id map; id 0 is VOID. Per image, as pq_compute_single_core: a gt and a
 * predicted segment of the same category match when IoU > 0.5, where the union leaves
 * out the predicted segment's pixels on VOID (gt area is the JSON 'area', predicted area
 * is counted in the PNG); crowd gt segments never match and are not false negatives; an
 * unmatched predicted segment is not a false positive when more than half of it lies on
 * VOID plus the crowd region of its category. Averages follow pq_average: per category
 * PQ = sum IoU / (TP + FP/2 + FN/2), SQ = sum IoU / TP (0 without TP), RQ = TP / (TP +
 * FP/2 + FN/2); categories with TP + FP + FN == 0 are left out of the means (and the
 * reference divides by zero when none is left: segkit returns n = 0 and zeros). */

typedef struct seg_panoptic_segment {
    int64_t id;          /* segment id in the PNG (non-zero) */
    int64_t category_id;
    int iscrowd;
    double area;         /* gt: the JSON 'area' (used as the reference does); ignored for
                            predictions, whose area is counted in the PNG */
} seg_panoptic_segment;

typedef struct seg_pq seg_pq;

/* An accumulator over images for these categories (isthing[k] non-zero for things).
 * out: NULL first; release with seg_pq_destroy. Errors: SEG_EINVAL (duplicate ids). */
SEG_API int seg_pq_create(const int64_t *category_ids, const int *isthing, size_t ncat,
                          seg_pq **out);
SEG_API void seg_pq_destroy(seg_pq *pq);

/* Add one image. gt and pred: u8 3-channel RGB panoptic PNG pixels, or 1-channel s32
 * ids; same size. Segment lists as in the JSON's segments_info.
 * Errors (SEG_EFORMAT, naming the segment): a predicted id in the PNG but not in the
 * list or the reverse, an unknown category, duplicate ids; SEG_ESIZE for sizes. */
SEG_API int seg_pq_update(seg_pq *pq, const seg_image *gt, const seg_panoptic_segment *gt_segs,
                          size_t ngt, const seg_image *pred,
                          const seg_panoptic_segment *pred_segs, size_t npred);

typedef struct seg_pq_stat {
    double pq, sq, rq;
    double iou_sum;
    int64_t tp, fp, fn;
} seg_pq_stat;

/* Per category k (in the order given to seg_pq_create). */
SEG_API int seg_pq_category(const seg_pq *pq, size_t k, seg_pq_stat *out);

/* Means over categories: which = -1 all, 1 things, 0 stuff; *n = categories counted. */
SEG_API int seg_pq_average(const seg_pq *pq, int which, double *pq_out, double *sq, double *rq,
                           int *n);

/* Name of category k (from the panoptic JSON; "" for seg_pq_create), and its id. */
SEG_API const char *seg_pq_category_name(const seg_pq *pq, size_t k);
SEG_API int64_t seg_pq_category_id(const seg_pq *pq, size_t k);
SEG_API size_t seg_pq_num_categories(const seg_pq *pq);

/* Called after each image by the file-level functions (may be NULL). */
typedef void (*seg_progress_fn)(void *user, size_t done, size_t total);

/* panopticapi's pq_compute over files: the gt and predicted panoptic JSONs (categories
 * with 'isthing'; annotations with file_name and segments_info) and the folders of their
 * PNGs (read with seg_imread). Every gt image needs a prediction with the same image_id.
 * out: NULL first; on success an accumulator to query (seg_pq_average, ...) and release
 * with seg_pq_destroy. Errors name the file and item, e.g. "pred.json: no prediction for
 * image_id 139" or "pan/000139.png: pq_update: segment with id 5 at ...". */
SEG_API int seg_pq_evaluate_files(const char *gt_json, const char *gt_dir, const char *pred_json,
                                  const char *pred_dir, seg_progress_fn progress, void *user,
                                  seg_pq **out);

#ifdef __cplusplus
}
#endif
#endif
