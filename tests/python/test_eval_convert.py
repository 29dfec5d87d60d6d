"""segkit convert-annotations: COCO polygons -> RLE (same masks as annToRLE, same COCOeval
figures), COCO -> semantic label maps, instance label maps -> COCO."""
import json

import cv2
import numpy as np

from segkit import mask as M
from segkit.evaluation import COCO, COCOeval
from conftest import data_path, run_cli
from test_eval_coco import REF_SEGM, GT, RES


def test_coco_to_rle_keeps_masks_and_figures(tmp_path):
    out = tmp_path / "gt_rle.json"
    run_cli("convert-annotations", GT, "--from", "coco", "--to", "coco-rle", "-o", out, check=0)
    a, b = COCO(GT), COCO(str(out))
    for ann in a.anns.values():
        nb = b.anns[ann["id"]]
        assert isinstance(nb["segmentation"], dict)
        assert b.annToRLE(nb) == a.annToRLE(ann)
        assert nb["area"] == ann["area"] and nb["bbox"] == ann["bbox"]
    E = COCOeval(b, b.loadRes(RES["segm"]), "segm")
    E.evaluate()
    E.accumulate()
    E.summarize(quiet=True)
    assert np.max(np.abs(E.stats - np.array(REF_SEGM))) <= 1e-12


def test_coco_to_label_maps(tmp_path):
    src = data_path("coco", "gt_dataset.json")
    out = tmp_path / "maps"
    run_cli("convert-annotations", src, "--from", "coco", "--to", "label-maps", "-o", out, check=0)
    gt = COCO(src)
    for im in gt.imgs.values():
        exp = np.zeros((im["height"], im["width"]), np.uint8)
        for aid in gt.getAnnIds(imgIds=[im["id"]]):
            ann = gt.anns[aid]
            exp[M.decode(gt.annToRLE(ann)) > 0] = ann["category_id"]
        got = cv2.imread(str(out / (im["file_name"].rsplit(".", 1)[0] + ".png")),
                         cv2.IMREAD_UNCHANGED)
        assert np.array_equal(got, exp)


def test_instance_maps_to_coco(tmp_path, rng):
    d = tmp_path / "inst"
    d.mkdir()
    maps = []
    for i, (h, w, dt) in enumerate([(40, 50, np.uint16), (33, 21, np.uint8)]):
        m = np.zeros((h, w), dt)
        for v in (3, 7, 300 if dt == np.uint16 else 9):
            y, x = int(rng.integers(0, h - 5)), int(rng.integers(0, w - 5))
            m[y:y + int(rng.integers(2, 15)), x:x + int(rng.integers(2, 15))] = v
        cv2.imwrite(str(d / ("img%d.png" % i)), m)
        maps.append(m)
    out = tmp_path / "inst.json"
    run_cli("convert-annotations", d, "--from", "instance-maps", "--to", "coco", "-o", out,
            "--category", "nucleus", check=0)
    c = COCO(str(out))
    assert c.cats[1]["name"] == "nucleus"
    n = 0
    for i, m in enumerate(maps):
        im = c.imgs[i + 1]
        assert (im["height"], im["width"], im["file_name"]) == (m.shape[0], m.shape[1], "img%d.png" % i)
        anns = c.loadAnns(c.getAnnIds(imgIds=[i + 1]))
        values = [v for v in np.unique(m) if v]
        assert len(anns) == len(values)
        for ann, v in zip(anns, values):
            exp = (m == v).astype(np.uint8)
            assert np.array_equal(M.decode(ann["segmentation"]), exp)
            assert ann["area"] == exp.sum()
            ys, xs = np.nonzero(exp)
            assert ann["bbox"] == [xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1]
            n += 1
    assert n == 6


def test_bad_conversion_is_refused(tmp_path):
    p = run_cli("convert-annotations", GT, "--from", "instance-maps", "--to", "label-maps", "-o",
                tmp_path / "x", check=2)
    assert "no conversion from instance-maps to label-maps" in p.stderr
