"""Instance task: torchvision's mask pasting and thresholding, order, painter's order,
errors. The COCO results and the CLI are in test_instance_coco.py / test_instance_cli.py."""
import numpy as np
import pytest
import torch
import torchvision
from torchvision.models.detection.roi_heads import paste_masks_in_image

import segkit
from segkit import mask as mask_utils

torch.set_num_threads(1)


def random_boxes(rng, n, h, w):
    """Boxes of every kind: tiny (< 1 px), small, large, partly outside the image."""
    x1 = rng.uniform(-40, w, n)
    y1 = rng.uniform(-40, h, n)
    size = rng.choice([0.3, 3.0, 30.0, 300.0], n)
    x2 = x1 + rng.uniform(0, 1, n) * size
    y2 = y1 + rng.uniform(0, 1, n) * size
    return np.stack([x1, y1, x2, y2], 1).astype(np.float32)


def torch_paste(masks, boxes, h, w):
    """paste_masks_in_image one box at a time; None for a box torchvision cannot paste
    (its expanded box misses the image entirely and the slice assignment fails)."""
    out = []
    for m, b in zip(masks, boxes):
        try:
            out.append(paste_masks_in_image(torch.from_numpy(m[None]), torch.from_numpy(b[None]),
                                            (h, w))[0, 0].numpy())
        except RuntimeError:
            out.append(None)
    return out


@pytest.mark.parametrize("M", [28, 14, 7, 3])
def test_box_masks_pasted_like_torchvision(M):
    rng = np.random.default_rng(M)
    checked = 0
    for trial in range(12):
        h, w = (int(v) for v in rng.integers(8, 160, 2))
        n = 12
        boxes = random_boxes(rng, n, h, w)
        masks = rng.random((n, 1, M, M)).astype(np.float32)
        if trial % 3 == 0:  # masks with hard 0/1 edges: many exact ties at the threshold
            masks = (masks > 0.5).astype(np.float32)
        ref = torch_paste(masks, boxes, h, w)
        for thr in (0.5, 0.25, 0.8):
            inst = segkit.instances_from_outputs(boxes, np.arange(n), np.linspace(1, 0.5, n,
                                                 dtype=np.float32), masks, image_size=(h, w),
                                                 score_threshold=0, mask_threshold=thr,
                                                 mask_layout="box")
            assert len(inst) == n and np.array_equal(inst.labels, np.arange(n))
            got = inst.masks
            for i in range(n):
                if ref[i] is None:
                    continue
                want = ref[i] > thr
                assert np.array_equal(got[i], want), (trial, thr, i, boxes[i])
                assert inst.areas[i] == want.sum()
                # and the RLE is pycocotools' encoding of that mask, byte for byte
                assert inst.rle[i] == mask_utils.encode(np.asfortranarray(want.astype(np.uint8)))
                checked += 1
    assert checked > 200


def test_pasted_masks_give_the_same_rles():
    rng = np.random.default_rng(3)
    h, w, n = 61, 83, 20
    boxes = random_boxes(rng, n, h, w)
    boxes[:, 0::2] = np.clip(boxes[:, 0::2], 0, w)  # as the model's boxes, clipped to the image
    boxes[:, 1::2] = np.clip(boxes[:, 1::2], 0, h)
    masks = rng.random((n, 1, 28, 28)).astype(np.float32)
    pasted = paste_masks_in_image(torch.from_numpy(masks), torch.from_numpy(boxes), (h, w)).numpy()
    scores = rng.random(n).astype(np.float32)
    a = segkit.instances_from_outputs(boxes, np.ones(n, int), scores, masks, image_size=(h, w),
                                      score_threshold=0, mask_layout="box")
    b = segkit.instances_from_outputs(boxes, np.ones(n, int), scores, pasted, score_threshold=0)
    c = segkit.instances_from_outputs(boxes, np.ones(n, int), scores, torch.from_numpy(pasted[:, 0]),
                                      score_threshold=0)  # [N, H, W] and torch tensors too
    assert a.rle == b.rle == c.rle
    order = np.argsort(-scores, kind="stable")
    assert np.array_equal(b.scores, scores[order]) and np.array_equal(b.boxes, boxes[order])
    assert np.array_equal(b.masks, pasted[order, 0] > 0.5)


def test_mask_rcnn_postprocess_matches_torchvision():
    """A real (random-weight) Mask R-CNN: its mask head's 28x28 probabilities pasted by
    segkit equal torchvision's pasted masks after the threshold, and the pasted output
    itself goes through unchanged."""
    torch.manual_seed(0)
    net = torchvision.models.detection.maskrcnn_resnet50_fpn(
        weights=None, weights_backbone=None, box_score_thresh=0.0, min_size=256, max_size=320)
    net.eval()
    img = torch.rand(3, 150, 230, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        images, _ = net.transform([img])
        feats = net.backbone(images.tensors)
        props, _ = net.rpn(images, feats)
        dets, _ = net.roi_heads(feats, props, images.image_sizes)
        raw = dets[0]["masks"].clone()
        out = net.transform.postprocess(dets, images.image_sizes, [(150, 230)])[0]
    n = len(out["scores"])
    assert n > 20 and raw.shape[-1] == 28
    a = segkit.instances_from_outputs(out["boxes"], out["labels"], out["scores"], raw,
                                      image_size=(150, 230), score_threshold=0, mask_layout="box")
    b = segkit.instances_from_outputs(out["boxes"], out["labels"], out["scores"], out["masks"],
                                      score_threshold=0)
    want = out["masks"].numpy()[:, 0] > 0.5
    assert len(a) == len(b) == n
    assert np.array_equal(a.masks, want) and np.array_equal(b.masks, want)
    assert np.array_equal(a.labels, out["labels"].numpy())
    assert np.array_equal(a.scores, out["scores"].numpy())  # already descending


def test_threshold_order_and_limit():
    boxes = np.array([[0, 0, 4, 4]] * 5, np.float32)
    scores = np.array([0.3, 0.9, 0.5, 0.9, 0.7], np.float32)
    inst = segkit.instances_from_outputs(boxes, [1, 2, 3, 4, 5], scores, image_size=(10, 10))
    assert list(inst.labels) == [2, 4, 5, 3]  # >= 0.5, descending, ties in model order
    assert inst.masks is None and inst.rle is None and list(inst.areas) == [16] * 4
    assert inst.names == ["bicycle", "motorcycle", "airplane", "car"]
    inst = segkit.instances_from_outputs(boxes, [1, 2, 3, 4, 5], scores, image_size=(10, 10),
                                         score_threshold=0, max_instances=2, class_names=["a", "b", "c"])
    assert list(inst.labels) == [2, 4] and inst.names == ["c", None]
    empty = segkit.instances_from_outputs(np.zeros((0, 4), np.float32), np.zeros(0, np.int64),
                                          np.zeros(0, np.float32), np.zeros((0, 1, 7, 9), np.float32))
    assert len(empty) == 0 and empty.masks.shape == (0, 7, 9)
    assert empty.id_map().shape == (7, 9) and empty.to_coco() == []


def test_id_map_and_overlay_painters_order():
    h, w = 40, 50
    m = np.zeros((3, 1, h, w), np.float32)
    m[0, 0, 5:25, 5:30] = 1     # most confident
    m[1, 0, 15:35, 20:45] = 1   # overlaps 0 and 2
    m[2, 0, 0:10, 0:50] = 1     # least confident
    boxes = np.array([[5, 5, 30, 25], [20, 15, 45, 35], [0, 0, 50, 10]], np.float32)
    inst = segkit.instances_from_outputs(boxes, [1, 2, 3], [0.9, 0.8, 0.7], m)
    ids = inst.id_map()
    want = np.zeros((h, w), np.uint16)
    for i in (2, 1, 0):  # least confident first
        want[m[i, 0] > 0.5] = i + 1
    assert ids.dtype == np.uint16 and np.array_equal(ids, want)
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    for order in ("bgr", "rgb"):
        over = inst.overlay(img, order=order, alpha=0.4, boxes=False, labels=False)
        ref = img.astype(np.int64)
        a = int(0.4 * 256 + 0.5)
        for i in (2, 1, 0):
            col = np.array(segkit.instance_color(i))
            col = col[::-1] if order == "bgr" else col
            sel = m[i, 0] > 0.5
            ref[sel] = (ref[sel] * (256 - a) + col * a + 128) >> 8
        assert np.array_equal(over, ref.astype(np.uint8))
    boxed = inst.overlay(img, labels=False)
    col = np.array(segkit.instance_color(0))[::-1]
    assert np.array_equal(boxed[5, 5], col) and np.array_equal(boxed[25, 30], col)
    # box-only instances paint their boxes
    bo = segkit.instances_from_outputs(boxes, [1, 2, 3], [0.9, 0.8, 0.7], image_size=(h, w))
    ids = bo.id_map()
    assert ids[6, 6] == 1 and ids[30, 40] == 2 and ids[2, 48] == 3
    colours = {segkit.instance_color(i) for i in range(50)}
    assert len(colours) == 50


def test_bad_outputs_are_refused_with_a_clear_message():
    b = np.zeros((2, 4), np.float32)
    lab = np.zeros(2, np.int64)
    s = np.ones(2, np.float32)
    m = np.zeros((2, 1, 8, 8), np.float32)
    cases = [
        (dict(boxes=np.zeros((2, 5), np.float32)), "boxes must be \\[N, 4\\]"),
        (dict(labels=np.zeros(3, np.int64)), "differ in count"),
        (dict(scores=np.ones((2, 1), np.float32)), "scores must be 1-D"),
        (dict(masks=np.zeros((3, 1, 8, 8), np.float32)), "3 masks for 2 boxes"),
        (dict(masks=np.zeros((2, 2, 8, 8), np.float32)), "masks must be"),
        (dict(masks=np.zeros((2, 1, 8, 9), np.float32), image_size=(20, 20)), "square"),
        (dict(masks=np.zeros((2, 1, 9, 9), np.float32), image_size=(20, 20),
              mask_layout="pasted"), "pasted masks are 9x9"),
        (dict(boxes=np.array([[0, 0, np.nan, 1]] * 2, np.float32)), "box 0 has a non-finite"),
        (dict(scores=np.array([1, np.nan], np.float32)), "score 1 is NaN"),
        (dict(labels=np.zeros(2, np.float64) + 0.5), "labels: dtype"),
    ]
    for change, msg in cases:
        args = dict(boxes=b, labels=lab, scores=s, masks=m, image_size=(8, 8))
        args.update(change)
        with pytest.raises(segkit.Error, match=msg):
            segkit.instances_from_outputs(**args)
    with pytest.raises(segkit.Error, match="image_size"):
        segkit.instances_from_outputs(b, lab, s)


def test_coco_names():
    assert segkit.coco_category_name(0) == "__background__"
    assert segkit.coco_category_name(1) == "person" and segkit.coco_category_name(12) == "N/A"
    assert segkit.coco_category_name(90) == "toothbrush" and segkit.coco_category_name(91) is None
    from torchvision.models.detection.mask_rcnn import MaskRCNN_ResNet50_FPN_Weights
    cats = MaskRCNN_ResNet50_FPN_Weights.COCO_V1.meta["categories"]
    assert [segkit.coco_category_name(i) for i in range(91)] == cats
