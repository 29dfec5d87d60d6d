"""Panoptic quality against a small numpy re-implementation of panopticapi's
pq_compute_single_core + PQStat.pq_average, written here from their definition."""
from collections import defaultdict

import numpy as np
import pytest

import segkit
from segkit.evaluation import PanopticQuality

VOID = 0
OFFSET = 256 * 256 * 256


def rgb2id(a):
    a = a.astype(np.uint32)
    return a[..., 0] + 256 * a[..., 1] + 256 * 256 * a[..., 2]


def id2rgb(ids):
    out = np.zeros(ids.shape + (3,), np.uint8)
    v = ids.copy()
    for c in range(3):
        out[..., c] = v % 256
        v //= 256
    return out


class Oracle:
    def __init__(self, categories):
        self.categories = {c["id"]: c for c in categories}
        self.stat = defaultdict(lambda: {"iou": 0.0, "tp": 0, "fp": 0, "fn": 0})

    def update(self, pan_gt, gt_info, pan_pred, pred_info):
        gt_segms = {el["id"]: dict(el) for el in gt_info}
        pred_segms = {el["id"]: dict(el) for el in pred_info}
        labels, cnt = np.unique(pan_pred, return_counts=True)
        for label, c in zip(labels, cnt):
            if label not in pred_segms:
                assert label == VOID
                continue
            pred_segms[label]["area"] = c
        pan_gt_pred = pan_gt.astype(np.uint64) * OFFSET + pan_pred.astype(np.uint64)
        gt_pred_map = {}
        labels, cnt = np.unique(pan_gt_pred, return_counts=True)
        for label, inter in zip(labels, cnt):
            gt_pred_map[(label // OFFSET, label % OFFSET)] = inter
        gt_matched, pred_matched = set(), set()
        for (gl, pl), inter in gt_pred_map.items():
            if gl not in gt_segms or pl not in pred_segms:
                continue
            if gt_segms[gl]["iscrowd"] == 1:
                continue
            if gt_segms[gl]["category_id"] != pred_segms[pl]["category_id"]:
                continue
            union = pred_segms[pl]["area"] + gt_segms[gl]["area"] - inter - \
                gt_pred_map.get((VOID, pl), 0)
            iou = inter / union
            if iou > 0.5:
                s = self.stat[gt_segms[gl]["category_id"]]
                s["tp"] += 1
                s["iou"] += iou
                gt_matched.add(gl)
                pred_matched.add(pl)
        crowd = {}
        for gl, info in gt_segms.items():
            if gl in gt_matched:
                continue
            if info["iscrowd"] == 1:
                crowd[info["category_id"]] = gl
                continue
            self.stat[info["category_id"]]["fn"] += 1
        for pl, info in pred_segms.items():
            if pl in pred_matched:
                continue
            inter = gt_pred_map.get((VOID, pl), 0)
            if info["category_id"] in crowd:
                inter += gt_pred_map.get((crowd[info["category_id"]], pl), 0)
            if inter / info["area"] > 0.5:
                continue
            self.stat[info["category_id"]]["fp"] += 1

    def average(self, isthing):
        pq = sq = rq = 0.0
        n = 0
        per = {}
        for label, info in self.categories.items():
            if isthing is not None and (info["isthing"] == 1) != isthing:
                continue
            s = self.stat[label]
            tp, fp, fn, iou = s["tp"], s["fp"], s["fn"], s["iou"]
            if tp + fp + fn == 0:
                per[label] = {"pq": 0.0, "sq": 0.0, "rq": 0.0}
                continue
            n += 1
            p = iou / (tp + 0.5 * fp + 0.5 * fn)
            q = iou / tp if tp != 0 else 0
            r = tp / (tp + 0.5 * fp + 0.5 * fn)
            per[label] = {"pq": p, "sq": q, "rq": r}
            pq, sq, rq = pq + p, sq + q, rq + r
        return {"pq": pq / n, "sq": sq / n, "rq": rq / n, "n": n}, per


CATS = [{"id": 1, "isthing": 1}, {"id": 2, "isthing": 1}, {"id": 7, "isthing": 0},
        {"id": 9, "isthing": 0}]


def random_case(rng, h, w):
    """A gt made of rectangles (some crowd, some void) and a prediction that perturbs it:
    shifted, merged, split and invented segments, some VOID pixels."""
    gt = np.zeros((h, w), np.int64)
    gt_info, nid = [], 1
    for _ in range(int(rng.integers(1, 8))):
        y0, x0 = int(rng.integers(0, h)), int(rng.integers(0, w))
        y1, x1 = min(h, y0 + int(rng.integers(1, h + 2))), min(w, x0 + int(rng.integers(1, w + 2)))
        sid = int(rng.integers(1, 2 ** 24 - 1))
        gt[y0:y1, x0:x1] = sid
        gt_info.append({"id": sid, "category_id": CATS[int(rng.integers(4))]["id"],
                        "iscrowd": int(rng.random() < 0.2)})
    present = set(np.unique(gt).tolist())
    gt_info = [g for g in gt_info if g["id"] in present]
    for g in gt_info:
        g["area"] = int((gt == g["id"]).sum())
    pred = np.zeros((h, w), np.int64)
    pred_info = []
    for g in gt_info:
        if rng.random() < 0.15:
            continue
        ys, xs = np.nonzero(gt == g["id"])
        dy, dx = int(rng.integers(-2, 3)), int(rng.integers(-2, 3))
        sid = int(rng.integers(1, 2 ** 24 - 1))
        yy, xx = np.clip(ys + dy, 0, h - 1), np.clip(xs + dx, 0, w - 1)
        pred[yy, xx] = sid
        cat = g["category_id"] if rng.random() < 0.85 else CATS[int(rng.integers(4))]["id"]
        pred_info.append({"id": sid, "category_id": cat})
    if rng.random() < 0.5:  # an invented segment
        sid = int(rng.integers(1, 2 ** 24 - 1))
        pred[: h // 3, : w // 3] = sid
        pred_info.append({"id": sid, "category_id": CATS[int(rng.integers(4))]["id"]})
    pred[rng.random((h, w)) < 0.05] = 0
    present = set(np.unique(pred).tolist())
    pred_info = [p for p in pred_info if p["id"] in present]
    return gt, gt_info, pred, pred_info


def test_random_cases_match_oracle(rng):
    pq, ref = PanopticQuality(CATS), Oracle(CATS)
    for i in range(60):
        h, w = [(1, 1), (1, 9), (9, 1), (23, 31), (64, 48)][i % 5]
        gt, gi, pred, pi = random_case(rng, h, w)
        # alternate the two input forms: RGB PNG pixels and integer id maps
        if i % 2:
            pq.update(id2rgb(gt), gi, id2rgb(pred), pi)
        else:
            pq.update(gt.astype(np.int32), gi, pred.astype(np.int32), pi)
        ref.update(gt, gi, pred, pi)
    got = pq.results()
    for name, isthing in (("All", None), ("Things", True), ("Stuff", False)):
        exp, per = ref.average(isthing)
        for k in ("pq", "sq", "rq"):
            assert got[name][k] == pytest.approx(exp[k], rel=1e-12, abs=1e-15), (name, k)
        assert got[name]["n"] == exp["n"]
        if isthing is None:
            for cid, v in per.items():
                for k in ("pq", "sq", "rq"):
                    assert got["per_class"][cid][k] == pytest.approx(v[k], rel=1e-12, abs=1e-15)
    tp = sum(v["tp"] for v in got["per_class"].values())
    assert tp > 20  # the cases do exercise matching


def test_void_and_crowd_rules():
    # one gt thing and one crowd region of the same category; a prediction that lies
    # mostly on the crowd region is not a false positive
    gt = np.zeros((10, 10), np.int32)
    gt[0:5, :] = 5
    gt[5:10, 0:5] = 6
    gi = [{"id": 5, "category_id": 1, "iscrowd": 0, "area": 50},
          {"id": 6, "category_id": 1, "iscrowd": 1, "area": 25}]
    pred = np.zeros((10, 10), np.int32)
    pred[0:5, :] = 11
    pred[5:10, 0:6] = 12
    pi = [{"id": 11, "category_id": 1}, {"id": 12, "category_id": 1}]
    pq = PanopticQuality(CATS).update(gt, gi, pred, pi)
    ref = Oracle(CATS)
    ref.update(gt, gi, pred, pi)
    r = pq.results()["per_class"][1]
    assert (r["tp"], r["fp"], r["fn"]) == (1, 0, 0)
    assert r["pq"] == ref.average(None)[1][1]["pq"] == 1.0


def test_errors():
    pq = PanopticQuality(CATS)
    gt = np.zeros((4, 4), np.int32)
    pred = np.zeros((4, 4), np.int32)
    pred[1, 2] = 77
    with pytest.raises(segkit.Error, match=r"id 77 at \(x=2, y=1\) is in the prediction PNG but "
                       "not in its segments_info"):
        pq.update(gt, [], pred, [])
    with pytest.raises(segkit.Error, match="pred segment 78 is in segments_info but not in the PNG"):
        pq.update(gt, [], pred, [{"id": 77, "category_id": 1}, {"id": 78, "category_id": 1}])
    with pytest.raises(segkit.Error, match="category_id 3, not a known category"):
        pq.update(gt, [], pred, [{"id": 77, "category_id": 3}])
    with pytest.raises(segkit.Error, match="gt is 4x4 but pred is 5x4"):
        pq.update(gt, [], np.zeros((4, 5), np.int32), [])


def test_files_python_and_cli(tmp_path, rng):
    import json
    import cv2
    from conftest import run_cli
    from segkit.evaluation import pq_compute
    cats = [dict(c, name="cat%d" % c["id"]) for c in CATS]
    gdir, pdir = tmp_path / "gt", tmp_path / "pred"
    gdir.mkdir()
    pdir.mkdir()
    ganns, panns = [], []
    ref = Oracle(CATS)
    for i in range(6):
        gt, gi, pred, pi = random_case(rng, 40, 50)
        name = "%03d.png" % i
        cv2.imwrite(str(gdir / name), id2rgb(gt)[:, :, ::-1])  # cv2 writes BGR
        cv2.imwrite(str(pdir / name), id2rgb(pred)[:, :, ::-1])
        ganns.append({"image_id": i, "file_name": name, "segments_info": gi})
        panns.append({"image_id": i, "file_name": name, "segments_info": pi})
        ref.update(gt, gi, pred, pi)
    gj, pj = tmp_path / "gt.json", tmp_path / "pred.json"
    gj.write_text(json.dumps({"categories": cats, "annotations": ganns}))
    pj.write_text(json.dumps({"annotations": panns[::-1]}))
    got = pq_compute(str(gj), str(pj), str(gdir), str(pdir))
    exp, _ = ref.average(None)
    assert got["All"]["pq"] == pytest.approx(exp["pq"], rel=1e-12)
    p = run_cli("eval", "panoptic", "--gt-json", gj, "--gt-dir", gdir, "--pred-json", pj,
                "--pred-dir", pdir, "--json", "-q", check=0)
    out = json.loads(p.stdout)
    for name, isthing in (("All", None), ("Things", True), ("Stuff", False)):
        e, _ = ref.average(isthing)
        assert out[name]["pq"] == pytest.approx(e["pq"], rel=1e-12)
        assert out[name]["n"] == e["n"]
    assert out["per_class"][0]["name"] == "cat1"
    p = run_cli("eval", "panoptic", "--gt-json", gj, "--gt-dir", gdir, "--pred-json", pj,
                "--pred-dir", pdir, check=0)
    assert p.stdout.splitlines()[2].startswith("All       |")
    pj.write_text(json.dumps({"annotations": panns[1:]}))
    p = run_cli("eval", "panoptic", "--gt-json", gj, "--gt-dir", gdir, "--pred-json", pj,
                "--pred-dir", pdir, check=2)
    assert "pred.json: no prediction (with a file_name) for image_id 0" in p.stderr
