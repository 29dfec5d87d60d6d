"""torchvision 0.14's Mask R-CNN / Faster R-CNN with random weights (fixed seed) for the
engine's parity tests, exported to ONNX at test time.

Random weights make degenerate detections: sliver boxes a fraction of a pixel wide, whose
IoUs swing with the last float bits; scores all near 1/91; mask logits in the hundreds,
so probabilities saturate at exactly 1.0 and the pasted mask's bilinear border lands on
exactly 0.5, the threshold itself. Such a model tests nothing but rounding luck. So the
box regression layers are scaled down (boxes stay near their anchors: well-formed, with
IoUs away from the NMS thresholds), the class logits scaled up (scores spread over
(0, 1)), and the mask logits scaled to a few units with a bias of 0.5 (no saturation,
and dead features fall clearly on one side of 0.5). The backbone, FPN, RPN objectness
and the heads' hidden layers keep their random weights."""
import numpy as np
import torch
import torchvision


def make(kind="maskrcnn", seed=0, score_thresh=0.0, detections=100, min_size=192, max_size=256):
    torch.manual_seed(seed)
    ctor = {"maskrcnn": torchvision.models.detection.maskrcnn_resnet50_fpn,
            "fasterrcnn": torchvision.models.detection.fasterrcnn_resnet50_fpn}[kind]
    m = ctor(weights=None, weights_backbone=None, box_score_thresh=score_thresh,
             box_detections_per_img=detections, min_size=min_size, max_size=max_size)
    with torch.no_grad():
        m.rpn.head.bbox_pred.weight.mul_(0.05)
        m.roi_heads.box_predictor.bbox_pred.weight.mul_(0.05)
        m.roi_heads.box_predictor.cls_score.weight.mul_(2)
        if kind == "maskrcnn":
            m.roi_heads.mask_predictor.mask_fcn_logits.weight.mul_(0.05)
            m.roi_heads.mask_predictor.mask_fcn_logits.bias.fill_(0.5)
    return m.eval()


def export(model, path, opset, h=240, w=320):
    x = torch.rand(3, h, w)
    outputs = ["boxes", "labels", "scores"] + (["masks"] if model.roi_heads.has_mask() else [])
    torch.onnx.export(model, ([x],), path, opset_version=opset, input_names=["image"],
                      output_names=outputs, dynamic_axes={"image": [1, 2]})


def scene(h, w, seed):
    """A synthetic photo: a textured background with discs and rectangles (RGB, 0..1)."""
    rng = np.random.default_rng(seed)
    img = rng.random((3, 1, 1)) * 0.5 + 0.1 * rng.standard_normal((3, h, w))
    yy, xx = np.mgrid[0:h, 0:w]
    for _ in range(6):
        c = rng.random((3, 1))
        cy, cx, r = rng.integers(0, h), rng.integers(0, w), rng.integers(8, max(9, min(h, w) // 3))
        if rng.random() < 0.5:
            sel = (yy - cy) ** 2 + (xx - cx) ** 2 < r * r
        else:
            sel = (abs(yy - cy) < r) & (abs(xx - cx) < r * 0.7)
        img[:, sel] = c
    return np.clip(img, 0, 1).astype(np.float32)


def reference(model, image):
    with torch.no_grad():
        out = model([torch.from_numpy(image)])[0]
    return {k: v.numpy() for k, v in out.items()}
