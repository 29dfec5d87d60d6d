"""COCO results of the instance task scored by segkit's own evaluator, and
`segkit segment --method instance` end to end with a tiny detector exported by torch
(constant boxes, masks thresholded from the image's colours: only ops the engine has)."""
import json
import os

import cv2
import numpy as np
import torch

import segkit
from conftest import run_cli


def gt_dataset():
    """Two images with a few shapes each; annotation masks drawn with cv2."""
    rng = np.random.default_rng(7)
    images, anns, masks = [], [], {}
    for img_id, (h, w) in ((3, (70, 90)), (8, (120, 64))):
        images.append({"id": img_id, "width": w, "height": h, "file_name": "%d.png" % img_id})
        masks[img_id] = []
        for k in range(4):
            m = np.zeros((h, w), np.uint8)
            cx, cy = int(rng.integers(10, w - 10)), int(rng.integers(10, h - 10))
            if k % 2:
                cv2.circle(m, (cx, cy), int(rng.integers(4, 15)), 1, -1)
            else:
                cv2.rectangle(m, (cx - 8, cy - 5), (cx + int(rng.integers(1, 9)), cy + 9), 1, -1)
            rle = segkit.mask.encode(np.asfortranarray(m))
            x, y, bw, bh = segkit.mask.toBbox(rle).tolist()
            cat = [1, 18, 44][k % 3]
            anns.append({"id": len(anns) + 1, "image_id": img_id, "category_id": cat,
                         "iscrowd": 0, "area": float(m.sum()), "bbox": [x, y, bw, bh],
                         "segmentation": {"size": [h, w], "counts": rle["counts"].decode()}})
            masks[img_id].append((m, [x, y, x + bw, y + bh], cat))
    cats = [{"id": c, "name": segkit.coco_category_name(c)} for c in (1, 18, 44)]
    return {"images": images, "annotations": anns, "categories": cats}, masks


def test_results_of_ground_truth_score_ap_one(tmp_path):
    ds, masks = gt_dataset()
    gt_path = tmp_path / "gt.json"
    gt_path.write_text(json.dumps(ds))
    sets, ids = [], []
    for img_id, items in masks.items():
        m = np.stack([x[0] for x in items])[:, None].astype(np.float32)
        boxes = np.array([x[1] for x in items], np.float32)
        labels = np.array([x[2] for x in items], np.int64)
        scores = np.linspace(0.9, 0.6, len(items)).astype(np.float32)
        sets.append(segkit.instances_from_outputs(boxes, labels, scores, m))
        ids.append(img_id)
    text = segkit.instances_to_coco_json(sets, ids)
    res = json.loads(text)
    assert len(res) == 8 and set(res[0]) == {"image_id", "category_id", "bbox", "score",
                                             "segmentation"}
    dt_path = tmp_path / "dt.json"
    dt_path.write_text(text)
    gt = segkit.COCO(str(gt_path))
    for iou in ("segm", "bbox"):
        e = segkit.COCOeval(gt, gt.loadRes(str(dt_path)), iou)
        e.evaluate()
        e.accumulate()
        stats = e.summarize(quiet=True)
        assert stats[0] == 1.0 and stats[1] == 1.0 and stats[8] == 1.0, (iou, stats)
        p = run_cli("eval", "coco", "--gt", gt_path, "--dt", dt_path, "--iou-type", iou,
                    "--json", "-q", check=0)
        assert json.loads(p.stdout)["stats"][0] == 1.0
    # a shifted mask is no longer a perfect match
    res[0]["segmentation"] = sets[0].to_coco(3)[1]["segmentation"]
    dt_path.write_text(json.dumps(res))
    e = segkit.COCOeval(gt, gt.loadRes(str(dt_path)), "segm")
    e.evaluate()
    e.accumulate()
    assert e.summarize(quiet=True)[0] < 1.0


class TinyDetector(torch.nn.Module):
    """Two detections: a red square and a green disc. Masks are the colour channels
    thresholded softly (sigmoid(40 (c - 0.5)) > 0.5 exactly where c > 0.5)."""

    def __init__(self):
        super().__init__()
        self.register_buffer("boxes", torch.tensor([[10.0, 8.0, 40.0, 30.0], [45.0, 20.0, 71.0, 46.0]]))
        self.register_buffer("labels", torch.tensor([1, 18], dtype=torch.int64))
        self.register_buffer("scores", torch.tensor([0.6, 0.9]))

    def forward(self, image):
        s = image.mean() * 0  # ties the constants to the input
        boxes, labels, scores = self.boxes + s, self.labels, self.scores + s
        masks = torch.sigmoid((image[:2] - 0.5) * 40.0).unsqueeze(1)  # R, G
        return boxes, labels, scores, masks


def scene(h=60, w=80):
    img = np.zeros((h, w, 3), np.uint8)
    img[8:30, 10:40] = (0, 0, 255)  # BGR red square
    cv2.circle(img, (58, 33), 13, (0, 255, 0), -1)
    return img


def export_tiny(path):
    torch.onnx.export(TinyDetector(), torch.zeros(3, 60, 80), str(path), opset_version=13,
                      input_names=["image"], output_names=["boxes", "labels", "scores", "masks"],
                      dynamic_axes={"image": {1: "h", 2: "w"}, "masks": {2: "h", 3: "w"}})


def test_segment_instance_with_a_tiny_detector(tmp_path):
    model = tmp_path / "tiny.onnx"
    export_tiny(model)
    img = scene()
    inst = segkit.segment_instance(img, str(model), score_threshold=0)
    assert list(inst.labels) == [18, 1] and np.allclose(inst.scores, [0.9, 0.6])
    assert np.array_equal(inst.masks[1], img[:, :, 2] > 127)
    assert np.array_equal(inst.masks[0], img[:, :, 1] > 127)
    rgb = segkit.segment_instance(img[:, :, ::-1], segkit.Model(str(model)), order="rgb")
    assert rgb.rle == inst.rle
    gray = segkit.segment_instance(np.full((20, 30), 200, np.uint8), str(model), score_threshold=0)
    assert gray.masks.shape == (2, 20, 30) and gray.masks.all()


def test_cli_instance(tmp_path):
    model = tmp_path / "tiny.onnx"
    export_tiny(model)
    img = scene()
    cv2.imwrite(str(tmp_path / "000000000042.png"), img)
    cv2.imwrite(str(tmp_path / "000000000007.png"), scene(70, 90))
    out = tmp_path / "out"
    p = run_cli("segment", tmp_path / "000000000042.png", "--method", "instance", "--model", model,
                "-o", out, "--score-threshold", "0", check=0)
    assert "2 instances" in p.stdout and "image_id 42" in p.stdout
    ids = cv2.imread(str(out / "instances.png"), cv2.IMREAD_UNCHANGED)
    assert ids.dtype == np.uint16 and ids.shape == (60, 80)
    assert set(np.unique(ids)) == {0, 1, 2}
    assert (ids == 1).sum() == (img[:, :, 1] > 127).sum() and (ids == 2).sum() == (img[:, :, 2] > 127).sum()
    over = cv2.imread(str(out / "overlay.png"))
    assert over.shape == img.shape and not np.array_equal(over, img)
    objs = json.loads((out / "objects.json").read_text())
    assert [o["category_id"] for o in objs] == [18, 1] and objs[0]["image_id"] == 42
    assert objs[1]["bbox"] == [10, 8, 30, 22]
    # the score threshold drops the red square (0.6); several images -> one results file
    res = tmp_path / "res.json"
    p = run_cli("segment", tmp_path / "000000000042.png", tmp_path / "000000000007.png",
                "--method", "instance", "--model", model, "-o", out / "many", "--results", res,
                "--score-threshold", "0.7", "--no-boxes", check=0)
    rows = json.loads(res.read_text())
    assert [(r["image_id"], r["category_id"]) for r in rows] == [(42, 18), (7, 18)]
    assert os.path.exists(out / "many" / "000000000007" / "overlay.png")
    # names that are not all numbers: ids 1, 2, ...
    cv2.imwrite(str(tmp_path / "a.png"), img)
    run_cli("segment", tmp_path / "a.png", tmp_path / "000000000007.png", "--method", "instance",
            "--model", model, "-o", out / "named", "--results", res, check=0)
    assert sorted({r["image_id"] for r in json.loads(res.read_text())}) == [1, 2]
    # the results score AP 1.0 against ground truth made from the same shapes
    h, w = img.shape[:2]
    anns = []
    for k, (cat, m) in enumerate(((1, img[:, :, 2] > 127), (18, img[:, :, 1] > 127))):
        rle = segkit.mask.encode(np.asfortranarray(m.astype(np.uint8)))
        anns.append({"id": k + 1, "image_id": 42, "category_id": cat, "iscrowd": 0,
                     "area": float(m.sum()), "bbox": segkit.mask.toBbox(rle).tolist(),
                     "segmentation": {"size": [h, w], "counts": rle["counts"].decode()}})
    gt = tmp_path / "gt.json"
    gt.write_text(json.dumps({"images": [{"id": 42, "width": w, "height": h}], "annotations": anns,
                              "categories": [{"id": 1, "name": "person"}, {"id": 18, "name": "dog"}]}))
    run_cli("segment", tmp_path / "000000000042.png", "--method", "instance", "--model", model,
            "-o", out / "eval", "--results", res, "--score-threshold", "0", check=0)
    p = run_cli("eval", "coco", "--gt", gt, "--dt", res, "--json", "-q", check=0)
    assert abs(json.loads(p.stdout)["stats"][0] - 1.0) < 1e-12


def test_cli_instance_errors(tmp_path):
    model = tmp_path / "tiny.onnx"
    export_tiny(model)
    cv2.imwrite(str(tmp_path / "x.png"), scene())
    p = run_cli("segment", tmp_path / "x.png", "--method", "instance", "-o", tmp_path / "o",
                check=2)
    assert "--model" in p.stderr and p.stderr.count("\n") == 1
    p = run_cli("segment", tmp_path / "x.png", "--method", "instance", "--model", model,
                "--mask-threshold", "1.5", "-o", tmp_path / "o", check=2)
    assert "--mask-threshold" in p.stderr
    p = run_cli("segment", tmp_path / "missing.png", "--method", "instance", "--model", model,
                "-o", tmp_path / "o", check=2)
    assert "missing.png" in p.stderr
    # a model that is not a detector: clear error, nothing written
    torch.onnx.export(torch.nn.Conv2d(3, 2, 1), torch.zeros(1, 3, 8, 8), str(tmp_path / "c.onnx"),
                      opset_version=13)
    res = tmp_path / "res.json"
    p = run_cli("segment", tmp_path / "x.png", "--method", "instance", "--model",
                tmp_path / "c.onnx", "-o", tmp_path / "c", "--results", res, check=2)
    assert "outputs" in p.stderr and p.stderr.count("\n") == 1
    assert not res.exists() and not (tmp_path / "c" / "instances.png").exists()
    assert not [f for f in os.listdir(tmp_path / "c") if ".tmp" in f]
