/* Instance segmentation: from a detector's raw outputs (torchvision's Mask R-CNN /
 * Faster R-CNN exported to ONNX) to instances with a box, class, score and mask; the
 * instance id map and overlay to look at them; COCO result files to score them.
 *
 * The model contract (torchvision 0.14's maskrcnn_resnet50_fpn exported to ONNX): one
 * input `image`, float32 [3, H, W] RGB in 0..1 (the graph normalises and resizes
 * itself); outputs `boxes` f32 [N, 4] (x1, y1, x2, y2 in input pixels), `labels` i64 [N],
 * `scores` f32 [N] and, for Mask R-CNN, `masks` f32 [N, 1, H, W] (probabilities already
 * pasted into the image). Faster R-CNN has no `masks`.
 *
 * Masks may also come "raw", as the mask head's [N, 1, M, M] probabilities relative to
 * each box (M = 28 for torchvision); they are then pasted into the image exactly as
 * torchvision 0.14's roi_heads.paste_masks_in_image does (box expanded by (M + 2) / M,
 * mask padded by one zero pixel, box truncated to integers, bilinear resize with
 * align_corners=False, clipped to the image) -- bit-identical probabilities, so the
 * same pixels after the threshold. Each mask goes straight to its RLE: the N x H x W
 * float masks are never materialised (256 MB for 100 detections at 800x800).
 *
 * Ownership: a seg_instances is the caller's struct, filled by the library; release
 * what it holds with seg_instances_free. */
#ifndef SEGKIT_INSTANCE_H
#define SEGKIT_INSTANCE_H

#include "image.h"
#include "model.h"
#include "rle.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum seg_mask_layout {
    SEG_MASKS_AUTO = 0,   /* [N, 1, H, W] at the image's size: pasted; otherwise box-relative */
    SEG_MASKS_PASTED = 1, /* [N, 1, H, W] probabilities over the whole image */
    SEG_MASKS_BOX = 2     /* [N, 1, M, M] probabilities relative to each box (mask head) */
} seg_mask_layout;

typedef struct seg_instance_config {
    float score_threshold;  /* keep detections with score >= this [0.5] */
    float mask_threshold;   /* a pixel is foreground where its probability > this [0.5] */
    int max_instances;      /* keep at most this many, most confident first; 0: all [100] */
    seg_mask_layout mask_layout; /* [SEG_MASKS_AUTO] */
    int keep_bitmaps;       /* also fill each instance's full-size bitmap [0] */
    int num_classes;        /* names given in class_names [0: COCO's 91 ids] */
    const char *const *class_names; /* not owned; must outlive the config's use */
} seg_instance_config;

/* sizeof(seg_instance_config), for bindings that treat it as an opaque block. */
SEG_API size_t seg_instance_config_size(void);

/* Defaults as marked above. score_threshold 0.5 suits pictures; for COCO evaluation use 0
 * (torchvision's model has already dropped scores <= 0.05, its box_score_thresh). */
SEG_API void seg_instance_config_default(seg_instance_config *cfg);

typedef struct seg_instance {
    float box[4];      /* x1, y1, x2, y2 in image pixels, as the model gave them */
    int label;         /* class id (COCO category id for torchvision's models) */
    float score;
    double area;       /* foreground pixels of the mask; without masks the box's
                          (x2 - x1) * (y2 - y1) */
    seg_rle rle;       /* the mask at the image's size (COCO RLE, column-major); empty
                          (0 x 0, no counts) when the model gives no masks */
    seg_image bitmap;  /* with keep_bitmaps: u8 0/1 mask at the image's size; else empty */
} seg_instance;

typedef struct seg_instances {
    int count;
    int width, height;   /* the image's size */
    int has_masks;       /* 0 for box-only detectors */
    seg_instance *items; /* count entries by descending score (ties keep model order) */
} seg_instances;

/* sizeof(seg_instance) and sizeof(seg_instances), for bindings. */
SEG_API size_t seg_instance_struct_size(void);
SEG_API size_t seg_instances_struct_size(void);

/* Release everything an instances struct holds and reset it to empty. Accepts NULL. */
SEG_API void seg_instances_free(seg_instances *inst);

/* From raw detector outputs to instances.
 * boxes: float [N, 4] (x1, y1, x2, y2); labels: int64 or int32 [N]; scores: float [N];
 * masks (optional, NULL for box-only detectors): float [N, 1, h, w] or [N, h, w],
 * pasted or box-relative as cfg->mask_layout says. width, height: the image's size.
 * cfg: NULL for the defaults. Detections with score >= score_threshold are kept, sorted
 * by descending score (stable), at most max_instances; each mask is thresholded
 * (p > mask_threshold, as torchvision users write `masks > 0.5`) into an RLE.
 * out: set empty first; release with seg_instances_free.
 * Errors: SEG_EINVAL (a tensor of the wrong type or shape, counts that differ, a
 * non-finite box or score, a pasted mask of another size than the image; the message
 * names the tensor), SEG_ELIMIT (image over 2^32 pixels), SEG_ENOMEM. */
SEG_API int seg_instances_from_outputs(const seg_tensor *boxes, const seg_tensor *labels,
                                       const seg_tensor *scores, const seg_tensor *masks,
                                       int width, int height, const seg_instance_config *cfg,
                                       seg_instances *out);

/* Run a detector on one image and return its instances: image u8 with 1, 3 or 4
 * channels in `order` (gray replicated, alpha ignored) becomes the float RGB [3, H, W]
 * (or [1, 3, H, W], as the model's input rank says) in 0..1; outputs are found by the
 * names boxes / labels / scores / masks, else by position (3 or 4 outputs), then as
 * seg_instances_from_outputs. cfg: NULL for the defaults. out: as above.
 * Errors: SEG_EINVAL (image, a model with other inputs or outputs), the model's errors,
 * those of seg_instances_from_outputs. */
SEG_API int seg_segment_instance(const seg_model *model, const seg_instance_config *cfg,
                                 const seg_image *image, seg_order order, seg_instances *out);

/* COCO category name of id 0..90 as torchvision lists them ("__background__" at 0,
 * "N/A" at the ids COCO left unused, "person" at 1, ..., "toothbrush" at 90); NULL
 * outside. */
SEG_API const char *seg_coco_category_name(int id);

/* The name of class `label` under cfg (its class_names, or COCO's when it has none;
 * cfg may be NULL); NULL when there is no name. */
SEG_API const char *seg_instance_class_name(const seg_instance_config *cfg, int label);

/* ---- looking at instances (src/tasks/instance_draw.c) ---- */

/* The colour of the instance at position i (deterministic: hues a golden-ratio step
 * apart, full saturation range kept bright), as R, G, B. */
SEG_API void seg_instance_color(int i, uint8_t rgb[3]);

/* Instance id map: u16, 1 channel, the image's size (allocated when empty, else
 * checked); pixel = 1 + position of the instance covering it, 0 for none. Painter's
 * order: the least confident is drawn first, so where masks overlap the most confident
 * wins. Box-only instances paint their box rasterised as COCO does (seg_rle_from_bbox).
 * Errors: SEG_EINVAL, SEG_ELIMIT (over 65535 instances), SEG_ESIZE (dst of another size). */
SEG_API int seg_instances_id_map(const seg_instances *inst, seg_image *ids);

typedef struct seg_instance_draw_options {
    float alpha;      /* mask opacity, 0..1 [0.5] */
    int draw_boxes;   /* outline each box in its instance's colour [1] */
    int thickness;    /* box line width [2] */
    int draw_labels;  /* class name and score on a tab at each box's top-left [1] */
    int text_scale;   /* label text size, 1..16 (seg_draw_text) [1] */
    int num_classes;  /* class names for the labels (NULL / 0: COCO's 91 ids) */
    const char *const *class_names;
} seg_instance_draw_options;

SEG_API void seg_instance_draw_options_default(seg_instance_draw_options *opt);

/* Overlay: each mask alpha-blended in its instance's colour, in painter's order
 * (least confident first, so the most confident ends on top), then the boxes in the same
 * order (cv2.rectangle with corners rounded to the nearest pixel), then each label
 * ("name 0.97" in segkit's bitmap font, seg_draw_text) on a tab of the instance's colour
 * above the box's top-left corner (inside the box when there is no room above), black or
 * white text by the colour's brightness. image: u8 3 channels in `order`; dst: allocated when empty (may be
 * image itself). Blend as seg_overlay. opt NULL: defaults.
 * Errors: SEG_EINVAL, SEG_ESIZE (instances of another image size), SEG_ETYPE. */
SEG_API int seg_instances_overlay(const seg_image *image, seg_order order,
                                  const seg_instances *inst,
                                  const seg_instance_draw_options *opt, seg_image *dst);

/* ---- COCO results (src/tasks/instance_coco.c) ---- */

/* A COCO result file's text for n images: one JSON array holding, per instance,
 * {"image_id", "category_id": label, "bbox": [x1, y1, x2 - x1, y2 - y1], "score",
 * "segmentation": {"size": [h, w], "counts": compressed RLE string}} (no segmentation for
 * box-only instances). sets[i]'s instances get image_ids[i]. Floats are written in the
 * shortest form that reads back to the same float. *json: released with seg_free.
 * Read back by seg_coco_load_results / pycocotools' loadRes; note that with a bbox
 * present loadRes takes each result's area from the box (w * h), which only moves
 * results between the small/medium/large ranges.
 * Errors: SEG_EINVAL, SEG_ENOMEM. */
SEG_API int seg_instances_to_coco_json(const seg_instances *const *sets,
                                       const int64_t *image_ids, size_t n, char **json);

#ifdef __cplusplus
}
#endif
#endif
