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

#ifdef __cplusplus
}
#endif
#endif
