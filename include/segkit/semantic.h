/* Semantic segmentation with a neural network: preprocessing, the run, a per-pixel
 * argmax (or a threshold for one-channel outputs), and the label map resized back to
 * the image with nearest neighbour; plus palettes and overlays to look at the result.
 *
 * What a model expects is said by a seg_semantic_config, read from a small JSON file
 * (see docs/semantic.md) or filled in by the caller:
 *   {"input": {"name": "sub_7", "layout": "nhwc", "size": [257, 257],
 *              "resize": "stretch", "color": "rgb", "scale": 0.00784313725,
 *              "offset": -1.0},
 *    "output": {"name": "ResizeBilinear_3", "layout": "nhwc", "kind": "logits"},
 *    "classes": ["background", "aeroplane", ...], "palette": "voc"} */
#ifndef SEGKIT_SEMANTIC_H
#define SEGKIT_SEMANTIC_H

#include "image.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SEG_SEMANTIC_MAX_CLASSES 4096

typedef enum seg_resize_mode {
    SEG_RESIZE_STRETCH = 0,  /* to the model's size, ignoring the aspect ratio */
    SEG_RESIZE_LETTERBOX = 1 /* keep the aspect ratio, pad the rest with the pad value */
} seg_resize_mode;

typedef enum seg_output_kind {
    SEG_OUTPUT_LOGITS = 0,        /* argmax over classes (softmax for probabilities) */
    SEG_OUTPUT_PROBABILITIES = 1, /* already normalised: argmax, no softmax */
    SEG_OUTPUT_SIGMOID_LOGITS = 2 /* one channel: foreground where sigmoid(x) >= threshold */
} seg_output_kind;

typedef struct seg_semantic_config {
    char input_name[128];   /* "" = the model's first input */
    int input_nhwc;         /* 1: [1,H,W,3] (TensorFlow), 0: [1,3,H,W] (PyTorch) */
    int width, height;      /* network input size; 0 = from the model's static shape */
    seg_resize_mode resize;
    int rgb;                /* 1: channels in RGB order, 0: BGR */
    float mean[3], std[3];  /* x' = (x * scale + offset - mean[c]) / std[c], x in 0..255 */
    float scale, offset;
    float pad_value;        /* letterbox padding, in 0..255 units before normalising */
    char output_name[128];  /* "" = the model's first output */
    int output_nhwc;        /* 1: [1,H,W,C], 0: [1,C,H,W] */
    seg_output_kind kind;
    float threshold;        /* for one-channel outputs (probability; default 0.5) */
    int num_classes;        /* names known (0 = unnamed) */
    char (*class_names)[64];
    uint8_t palette[256 * 3]; /* RGB per class (classes above 255 reuse palette[k % 256]) */
} seg_semantic_config;

/* sizeof(seg_semantic_config), for bindings that treat it as an opaque block. */
SEG_API size_t seg_semantic_config_size(void);

/* Defaults: NCHW, size from the model, stretch, RGB, ImageNet mean/std
 * (0.485, 0.456, 0.406) / (0.229, 0.224, 0.225) on x/255 (torchvision's convention),
 * logits, threshold 0.5, VOC palette. */
SEG_API void seg_semantic_config_default(seg_semantic_config *cfg);

/* Read a JSON model description (fields as in the header comment; any missing field
 * keeps its default). The class names are allocated; release with
 * seg_semantic_config_clear. Errors: SEG_EIO, SEG_EFORMAT (naming the field). */
SEG_API int seg_semantic_config_load(const char *path, seg_semantic_config *cfg);
SEG_API void seg_semantic_config_clear(seg_semantic_config *cfg);

/* Segment one image (u8, 1, 3 or 4 channels in `order`; gray is replicated, alpha
 * ignored). labels: u16 1-channel, image size, allocated when empty (class per pixel,
 * resized back with nearest neighbour as cv2.INTER_NEAREST). probs (optional, may be
 * NULL): a float32 tensor [C, h, w] at the network's output resolution (softmax of
 * logits; for one-channel outputs the foreground probability), owned by the caller
 * afterwards (seg_tensor_free).
 * Errors: SEG_EINVAL (image, config), SEG_EUNSUPPORTED (model shapes the config cannot
 * describe), or the model's errors. */
SEG_API int seg_segment_semantic(const seg_model *model, const seg_semantic_config *cfg,
                                 const seg_image *image, seg_order order, seg_image *labels,
                                 seg_tensor *probs);

/* The PASCAL VOC colour map (256 RGB triplets, bit-interleaved as the VOC devkit's
 * labelcolormap). */
SEG_API void seg_palette_voc(uint8_t palette[256 * 3]);

/* labels (u8 or u16, 1 channel) to a 3-channel u8 image in `order` using an RGB
 * palette of `n` entries (a label >= n uses label % n). dst allocated when empty. */
SEG_API int seg_colorize_labels(const seg_image *labels, const uint8_t *palette, int n,
                                seg_order order, seg_image *dst);

/* dst = image * (1 - alpha) + color * alpha where mask is non-zero (mask NULL: everywhere),
 * rounded to nearest; image and color u8 with 3 channels, same size. dst may be image. */
SEG_API int seg_overlay(const seg_image *image, const seg_image *color, const seg_image *mask,
                        float alpha, seg_image *dst);

#ifdef __cplusplus
}
#endif
#endif
