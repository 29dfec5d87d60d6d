"""COCO JSON + COCOeval: the reference's 12 numbers on the COCO fixtures (to 1e-12),
exact agreement with a pure-Python re-implementation of cocoeval.py on random data,
and clear errors for malformed inputs."""
import json
import os

import numpy as np
import pytest

import segkit
from segkit import mask as M
from segkit.evaluation import COCO, COCOeval
from conftest import data_path, run_cli
from cocoeval_ref import RefCOCO, RefCOCOeval

# The figures pycocotools prints for the fixtures (tests/data/coco/SOURCES.md).
REF_BBOX = [0.5045806987249628, 0.6969727247299577, 0.5729816669904824, 0.5856257209410443,
            0.5193996948036719, 0.5013978986347466, 0.38681277964578054, 0.5936795762842003,
            0.595352982877607, 0.6398109626113442, 0.5664205978994309, 0.5642905982905982]
REF_SEGM = [0.3195452758576433, 0.5622883972521636, 0.29892653412086784, 0.3873740315997838,
            0.31018272403369485, 0.3269339071005138, 0.2682297225711534, 0.41544868114906375,
            0.4168394992198818, 0.4694498622754236, 0.37675922666197265, 0.3814715099715099]
REF_SMALL = [0.6947194719471946, 0.6947194719471946, 0.6947194719471946, -1,
             0.7367986798679867, 0.0, 0.6666666666666666, 0.75, 0.75, -1,
             0.7916666666666666, 0.0]

GT = data_path("coco", "instances_val2014_100.json")
RES = {"bbox": data_path("coco", "instances_val2014_fakebbox100_results.json"),
       "segm": data_path("coco", "instances_val2014_fakesegm100_results.json")}


def reference_summary(stats):
    """The 12 lines as cocoeval.py's _summarize formats them."""
    iStr = " {:<18} {} @[ IoU={:<9} | area={:>6s} | maxDets={:>3d} ] = {:0.3f}"
    spec = [(1, None, "all", 100), (1, .5, "all", 100), (1, .75, "all", 100),
            (1, None, "small", 100), (1, None, "medium", 100), (1, None, "large", 100),
            (0, None, "all", 1), (0, None, "all", 10), (0, None, "all", 100),
            (0, None, "small", 100), (0, None, "medium", 100), (0, None, "large", 100)]
    lines = []
    for (ap, thr, area, md), s in zip(spec, stats):
        iou = "{:0.2f}:{:0.2f}".format(.5, .95) if thr is None else "{:0.2f}".format(thr)
        lines.append(iStr.format("Average Precision" if ap else "Average Recall",
                                 "(AP)" if ap else "(AR)", iou, area, md, s))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("iou_type", ["bbox", "segm"])
def test_fixture_matches_reference_figures(iou_type, capsys):
    gt = COCO(GT)
    dt = gt.loadRes(RES[iou_type])
    E = COCOeval(gt, dt, iou_type)
    E.evaluate()
    E.accumulate()
    E.summarize()
    ref = REF_BBOX if iou_type == "bbox" else REF_SEGM
    assert np.max(np.abs(E.stats - np.array(ref))) <= 1e-12, E.stats.tolist()
    assert capsys.readouterr().out == reference_summary(E.stats)
    assert E.eval["precision"].shape == (10, 101, 80, 4, 3)
    assert E.eval["recall"].shape == (10, 80, 4, 3)


def test_second_fixture_pair_polygons_to_rle():
    with open(data_path("coco", "dt_dataset.json")) as f:
        dts = json.load(f)
    gt = COCO(data_path("coco", "gt_dataset.json"))
    for d in dts:
        im = gt.imgs[d["image_id"]]
        d["segmentation"] = M.merge(M.frPyObjects(d["segmentation"], im["height"], im["width"]))
        d.pop("bbox", None)
    E = COCOeval(gt, gt.loadRes(dts), "segm")
    E.evaluate()
    E.accumulate()
    E.summarize(quiet=True)
    assert np.max(np.abs(E.stats - np.array(REF_SMALL))) <= 1e-12, E.stats.tolist()


# ---------------- random data vs the Python re-implementation ----------------

def random_dataset(rng, n_img=12, n_cat=4):
    images = [{"id": int(i * 7 + 3), "width": int(rng.integers(20, 90)),
               "height": int(rng.integers(20, 90)), "file_name": "im%d.png" % i}
              for i in range(n_img)]
    cats = [{"id": int(c * 3 + 1), "name": "c%d" % c} for c in range(n_cat)]
    anns, aid = [], 1
    for im in images:
        h, w = im["height"], im["width"]
        for _ in range(int(rng.integers(0, 7))):
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            r = rng.uniform(2, 30)
            k = int(rng.integers(3, 9))
            ang = np.sort(rng.uniform(0, 2 * np.pi, k))
            poly = np.stack([cx + r * np.cos(ang), cy + r * np.sin(ang)], 1).ravel()
            poly = np.round(poly, 2).tolist()
            crowd = int(rng.random() < 0.15)
            rle = M.merge(M.frPyObjects([poly], h, w))
            bb = [float(v) for v in M.toBbox(rle)]
            ann = {"id": aid, "image_id": im["id"], "category_id": cats[int(rng.integers(n_cat))]["id"],
                   "iscrowd": crowd, "bbox": bb, "area": float(M.area(rle)) * rng.uniform(0.5, 1.5)}
            if crowd:
                m = M.decode(rle)
                runs = M.encode(m)
                from test_eval_rle import o_unstring
                ann["segmentation"] = {"size": [h, w], "counts": o_unstring(runs["counts"])}
            else:
                ann["segmentation"] = [poly]
            anns.append(ann)
            aid += 1
    return {"images": images, "categories": cats, "annotations": anns}


def random_results(rng, ds, kind):
    res = []
    by_img = {im["id"]: im for im in ds["images"]}
    for a in ds["annotations"]:
        im = by_img[a["image_id"]]
        for _ in range(int(rng.integers(0, 3))):
            x, y, w, h = a["bbox"]
            j = rng.normal(0, 3, 4)
            bb = [x + j[0], y + j[1], max(1.0, w + j[2]), max(1.0, h + j[3])]
            cat = a["category_id"] if rng.random() < 0.8 else ds["categories"][0]["id"]
            r = {"image_id": a["image_id"], "category_id": cat,
                 "score": float(np.round(rng.random(), 1))}  # many ties
            if kind == "bbox":
                r["bbox"] = [float(v) for v in bb]
            else:
                rle = M.frPyObjects([bb], im["height"], im["width"])[0]
                r["segmentation"] = {"size": rle["size"], "counts": rle["counts"].decode()}
            res.append(r)
    # some false positives on images without gt
    for im in ds["images"][:3]:
        bb = [1.0, 2.0, 10.0, 12.0]
        r = {"image_id": im["id"], "category_id": ds["categories"][-1]["id"], "score": 0.5}
        if kind == "bbox":
            r["bbox"] = bb
        else:
            rle = M.frPyObjects([bb], im["height"], im["width"])[0]
            r["segmentation"] = {"size": rle["size"], "counts": rle["counts"].decode()}
        res.append(r)
    return res


def run_both(ds, res, kind, use_cats=1, img_ids=None):
    gt = COCO(dataset=ds)
    E = COCOeval(gt, gt.loadRes(res), kind)
    E.params.useCats = use_cats
    rg = RefCOCO(dataset=json.loads(json.dumps(ds)))
    R = RefCOCOeval(rg, rg.loadRes(json.loads(json.dumps(res))), kind)
    R.params.useCats = use_cats
    if img_ids is not None:
        E.params.imgIds = img_ids
        R.params.imgIds = img_ids
    E.evaluate()
    E.accumulate()
    E.summarize(quiet=True)
    R.evaluate()
    R.accumulate()
    R.summarize()
    return E, R


@pytest.mark.parametrize("kind", ["bbox", "segm"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_data_equals_reimplementation(kind, seed):
    rng = np.random.default_rng(seed)
    ds = random_dataset(rng)
    res = random_results(rng, ds, kind)
    E, R = run_both(ds, res, kind)
    assert np.array_equal(E.eval["precision"], R.eval["precision"])
    assert np.array_equal(E.eval["recall"], R.eval["recall"])
    assert np.max(np.abs(E.stats - R.stats)) <= 1e-12


def test_use_cats_off_and_image_subset():
    rng = np.random.default_rng(7)
    ds = random_dataset(rng)
    res = random_results(rng, ds, "bbox")
    E, R = run_both(ds, res, "bbox", use_cats=0)
    assert np.array_equal(E.eval["precision"], R.eval["precision"])
    ids = [im["id"] for im in ds["images"][::2]]
    E, R = run_both(ds, res, "bbox", img_ids=ids)
    assert np.array_equal(E.eval["precision"], R.eval["precision"])
    assert np.max(np.abs(E.stats - R.stats)) <= 1e-12


def test_results_do_not_depend_on_threads():
    gt = COCO(GT)
    out = []
    for n in (1, 3):
        segkit.set_num_threads(n)
        E = COCOeval(gt, gt.loadRes(RES["segm"]), "segm")
        E.evaluate()
        E.accumulate()
        out.append(E.eval["precision"])
    segkit.set_num_threads(0)
    assert np.array_equal(out[0], out[1])


def test_save_and_reload_results(tmp_path):
    gt = COCO(GT)
    dt = gt.loadRes(RES["segm"])
    p = tmp_path / "res.json"
    dt.save(str(p))
    with open(p) as f, open(RES["segm"]) as g:
        a, b = json.load(f), json.load(g)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert x["segmentation"] == y["segmentation"] and x["score"] == y["score"]
        assert x["image_id"] == y["image_id"] and x["category_id"] == y["category_id"]
    E = COCOeval(gt, gt.loadRes(str(p)), "segm")
    E.evaluate()
    E.accumulate()
    E.summarize(quiet=True)
    assert np.max(np.abs(E.stats - np.array(REF_SEGM))) <= 1e-12
    q = tmp_path / "gt.json"
    gt.save(str(q))
    gt2 = COCO(str(q))
    assert gt2.anns[1774]["segmentation"] == gt.anns[1774]["segmentation"]
    assert gt2.imgs == gt.imgs


def test_annotation_dicts_and_ann_to_rle():
    gt = COCO(GT)
    a = gt.anns[1774]
    assert a["image_id"] == 74 and a["category_id"] == 18 and a["bbox"] == [61.87, 276.25, 296.42, 103.18]
    im = gt.imgs[74]
    rle = gt.annToRLE(a)
    assert rle == M.merge(M.frPyObjects(a["segmentation"], im["height"], im["width"]))
    crowd = [x for x in gt.anns.values() if x["iscrowd"]][0]
    r = gt.annToRLE(crowd)
    assert r == M.frPyObjects(crowd["segmentation"], r["size"][0], r["size"][1])
    assert len(gt.getAnnIds(imgIds=[74])) == len([x for x in gt.anns.values() if x["image_id"] == 74])


# ---------------- errors ----------------

def write(tmp_path, name, obj):
    p = tmp_path / name
    p.write_text(obj if isinstance(obj, str) else json.dumps(obj))
    return str(p)


def small_gt():
    return {"images": [{"id": 1, "width": 10, "height": 8}],
            "categories": [{"id": 5, "name": "a"}],
            "annotations": [{"id": 1, "image_id": 1, "category_id": 5, "bbox": [1, 1, 3, 3],
                             "area": 9, "iscrowd": 0, "segmentation": [[1, 1, 4, 1, 4, 4]]}]}


def test_malformed_json_names_file_and_position(tmp_path):
    p = write(tmp_path, "gt.json", '{"images": [{"id": 1,}]}')
    with pytest.raises(segkit.Error, match=r"gt.json: malformed JSON at line 1 column \d+"):
        COCO(p)
    p = write(tmp_path, "gt.json", '{"images": [], "annotations": [')
    with pytest.raises(segkit.Error, match="gt.json: malformed JSON"):
        COCO(p)


def test_bad_items_are_named(tmp_path):
    ds = small_gt()
    ds["annotations"].append(dict(ds["annotations"][0], id=2, segmentation=[[1, 2, 3]]))
    with pytest.raises(segkit.Error, match="gt.json: annotation 1: segmentation has odd "
                       "coordinate count"):
        COCO(write(tmp_path, "gt.json", ds))
    ds = small_gt()
    ds["annotations"][0]["segmentation"] = {"size": [5, 5], "counts": [25]}
    with pytest.raises(segkit.Error, match="gt.json: annotation 0: RLE size 5x5 differs from "
                       "image 1's size 8x10"):
        COCO(write(tmp_path, "gt.json", ds))
    ds = small_gt()
    ds["annotations"][0]["image_id"] = 9
    with pytest.raises(segkit.Error, match="annotation 0: image_id 9 is not in the images"):
        COCO(write(tmp_path, "gt.json", ds))
    ds = small_gt()
    ds["images"].append({"id": 1, "width": 3, "height": 3})
    with pytest.raises(segkit.Error, match="image 1: duplicate id 1"):
        COCO(write(tmp_path, "gt.json", ds))


def test_results_for_unknown_image_or_category(tmp_path):
    gt = COCO(write(tmp_path, "gt.json", small_gt()))
    ok = {"image_id": 1, "category_id": 5, "bbox": [1, 1, 2, 2], "score": 0.5}
    with pytest.raises(segkit.Error, match="res.json: result 1: image_id 3 is not in the "
                       "ground truth"):
        gt.loadRes(write(tmp_path, "res.json", [ok, dict(ok, image_id=3)]))
    with pytest.raises(segkit.Error, match="res.json: result 0: category_id 6 is not in the "
                       "ground truth"):
        gt.loadRes(write(tmp_path, "res.json", [dict(ok, category_id=6)]))
    with pytest.raises(segkit.Error, match="res.json: result 0: missing 'score'"):
        gt.loadRes(write(tmp_path, "res.json", [{"image_id": 1, "category_id": 5, "bbox": [1, 1, 2, 2]}]))
    bad = {"image_id": 1, "category_id": 5, "score": 1.0,
           "segmentation": {"size": [8, 10], "counts": "0"}}
    with pytest.raises(segkit.Error, match="res.json: result 0: segmentation rle_from_string: "
                       "counts add up to 0, not 8x10"):
        gt.loadRes(write(tmp_path, "res.json", [bad]))
    with pytest.raises(segkit.Error, match="res.json: malformed JSON|a result file must be"):
        gt.loadRes(write(tmp_path, "res.json", {"a": 1}))


def test_missing_area_is_reported_at_evaluation(tmp_path):
    ds = small_gt()
    del ds["annotations"][0]["area"]
    gt = COCO(write(tmp_path, "gt.json", ds))
    E = COCOeval(gt, gt.loadRes([{"image_id": 1, "category_id": 5, "bbox": [1, 1, 2, 2],
                                  "score": 0.5}]), "bbox")
    with pytest.raises(segkit.Error, match="gt.json: annotation 0: has no 'area'"):
        E.evaluate()


# ---------------- the command line ----------------

@pytest.mark.parametrize("iou_type", ["bbox", "segm"])
def test_cli_eval_coco(iou_type):
    ref = REF_BBOX if iou_type == "bbox" else REF_SEGM
    p = run_cli("eval", "coco", "--gt", GT, "--dt", RES[iou_type], "--iou-type", iou_type, check=0)
    assert p.stdout == reference_summary(ref)
    assert "loaded 100 images" in p.stderr
    p = run_cli("eval", "coco", "--gt", GT, "--dt", RES[iou_type], "--iou-type", iou_type,
                "--json", "-q", check=0)
    out = json.loads(p.stdout)
    assert np.max(np.abs(np.array(out["stats"]) - ref)) <= 1e-12
    assert len(out["per_category"]) == 80 and p.stderr == ""


def test_cli_eval_coco_errors(tmp_path):
    p = run_cli("eval", "coco", "--gt", GT, "--dt", write(tmp_path, "res.json", "[{"), check=2)
    assert "res.json: malformed JSON" in p.stderr and p.stdout == ""
    p = run_cli("eval", "nope", check=2)
    assert "unknown sub-command 'nope'" in p.stderr
    p = run_cli("eval", "coco", "--gt", GT, "--dt", RES["bbox"], "--iou-type", "keypoints", check=2)
    assert "--iou-type must be one of segm|bbox" in p.stderr
