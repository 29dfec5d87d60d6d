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


def test_labelme_to_coco(tmp_path):
    d = tmp_path / "lm"
    d.mkdir()
    files = [
        {"version": "5.0.1", "flags": {}, "imagePath": "a.jpg", "imageData": None,
         "imageHeight": 40, "imageWidth": 60,
         "shapes": [
             {"label": "cat", "points": [[5.5, 4.2], [30.1, 6.0], [20.7, 25.3]], "group_id": None,
              "shape_type": "polygon", "flags": {}},
             {"label": "dog", "points": [[40, 10], [55.5, 30.2]], "group_id": None,
              "shape_type": "rectangle", "flags": {}},
             {"label": "cat", "points": [[35, 30], [45, 31], [40, 38]], "group_id": 1,
              "shape_type": "polygon", "flags": {}},
             {"label": "dog", "points": [[1, 30], [8, 30], [4, 36]], "group_id": 1,
              "shape_type": "polygon", "flags": {}},
             {"label": "cat", "points": [[50, 1], [58, 2], [55, 8]], "group_id": 1,
              "shape_type": "polygon", "flags": {}}]},
        {"imagePath": "b.jpg", "imageHeight": 20, "imageWidth": 25,
         "shapes": [{"label": "bird", "points": [[1, 1], [10, 2], [5, 9]]}]},
    ]
    for i, f in enumerate(files):
        (d / ("%d.json" % i)).write_text(json.dumps(f))
    out = tmp_path / "coco.json"
    run_cli("convert-annotations", d, "--from", "labelme", "--to", "coco", "-o", out, check=0)
    c = COCO(str(out))
    assert [c.cats[k]["name"] for k in sorted(c.cats)] == ["cat", "dog", "bird"]
    anns = [c.anns[k] for k in sorted(c.anns)]
    # shape 0, shape 1 (rectangle), group 1 of cats (shapes 2 and 4), group 1 of dogs, bird
    assert len(anns) == 5
    cat_group = anns[2]
    assert cat_group["segmentation"] == [[35, 30, 45, 31, 40, 38], [50, 1, 58, 2, 55, 8]]
    x1, y1, x2, y2 = 40, 10, 55.5, 30.2
    assert anns[1]["segmentation"] == [[x1, y1, x2, y1, x2, y2, x1, y2]]
    for a in anns:
        im = c.imgs[a["image_id"]]
        rle = M.merge(M.frPyObjects(a["segmentation"], im["height"], im["width"]))
        assert a["area"] == M.area(rle)
        assert a["bbox"] == list(M.toBbox(rle))
    (d / "2.json").write_text(json.dumps({"imageHeight": 5, "imageWidth": 5, "shapes": [
        {"label": "x", "points": [[1, 1], [2, 2]], "shape_type": "circle"}]}))
    p = run_cli("convert-annotations", d, "--from", "labelme", "--to", "coco", "-o", out, check=2)
    assert "2.json: shape 0: shape_type 'circle' is not supported" in p.stderr


def test_coco_to_labelme_round_trip(tmp_path):
    src = data_path("coco", "gt_dataset.json")
    lm = tmp_path / "lm"
    run_cli("convert-annotations", src, "--from", "coco", "--to", "labelme", "-o", lm, check=0)
    back = tmp_path / "back.json"
    run_cli("convert-annotations", lm, "--from", "labelme", "--to", "coco", "-o", back, check=0)
    a, b = COCO(src), COCO(str(back))
    name_of_a = {k: v["name"] for k, v in a.cats.items()}
    name_of_b = {k: v["name"] for k, v in b.cats.items()}
    img_b = {im["file_name"]: im["id"] for im in b.imgs.values()}

    def shapes(c, names, img_id):
        return sorted((names[x["category_id"]], json.dumps(x["segmentation"]))
                      for x in c.anns.values() if x["image_id"] == img_id)
    for im in a.imgs.values():
        bid = img_b[im["file_name"]]
        assert b.imgs[bid]["width"] == im["width"] and b.imgs[bid]["height"] == im["height"]
        assert shapes(a, name_of_a, im["id"]) == shapes(b, name_of_b, bid)


def test_rle_annotations_to_labelme_polygons(tmp_path, rng):
    # instance maps -> COCO (RLE) -> LabelMe: each mask's outer borders as cv2 traces them
    d = tmp_path / "inst"
    d.mkdir()
    m = np.zeros((30, 40), np.uint8)
    m[3:12, 4:20] = 1
    m[15:25, 22:35] = 2
    m[16:18, 2:6] = 2  # instance 2 has two parts
    cv2.imwrite(str(d / "x.png"), m)
    coco = tmp_path / "x.json"
    run_cli("convert-annotations", d, "--from", "instance-maps", "--to", "coco", "-o", coco, check=0)
    lm = tmp_path / "lm"
    run_cli("convert-annotations", coco, "--from", "coco", "--to", "labelme", "-o", lm, check=0)
    doc = json.loads((lm / "x.json").read_text())
    got = [(s["group_id"], np.array(s["points"]).ravel().tolist()) for s in doc["shapes"]]
    exp = []
    for aid, v in ((1, 1), (2, 2)):
        cs = [c.reshape(-1).astype(float).tolist() for c in
              cv2.findContours((m == v).astype(np.uint8), cv2.RETR_EXTERNAL,
                               cv2.CHAIN_APPROX_SIMPLE)[0] if len(c) >= 3]
        exp += [(aid if len(cs) > 1 else None, c) for c in cs]
    assert got == exp
