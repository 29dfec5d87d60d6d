"""Evaluation benchmarks: COCOeval, COCO JSON loading, RLE, semantic confusion.

Peers (pycocotools is not installable here, and there is no PyPI):
- COCOeval / COCO loading: tests/python/cocoeval_ref.py, a faithful pure-Python/numpy
  RE-IMPLEMENTATION of pycocotools' coco.py + cocoeval.py (its Python loops for
  evaluateImg/accumulate, json.load for files); like pycocotools it does mask IoU in C
  (through segkit.mask). It is not pycocotools itself.
- RLE: numpy run lengths + the compressed-string algorithm in pure Python.
- Confusion matrix: numpy bincount (the usual mmseg/torchmetrics-style computation).

The synthetic large COCO set (5k images, 50k annotations, 200k segm results) is
generated into a temporary folder; its COCOeval cases run in subprocesses (started the
same way for both sides) so that peak memory (VmHWM of the child, its own address space's high-water mark) can
be reported per side.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

import run
from common import label

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))
COCO_DIR = os.path.join(ROOT, "tests", "data", "coco")
FIX_GT = os.path.join(COCO_DIR, "instances_val2014_100.json")
FIX_SEGM = os.path.join(COCO_DIR, "instances_val2014_fakesegm100_results.json")

_JOB = r"""
import json, sys, time
sys.path.insert(0, %(py)r); sys.path.insert(0, %(tests)r)
which, gt, res = sys.argv[1], sys.argv[2], sys.argv[3]
t = time.perf_counter()
if which == "segkit":
    import segkit
    segkit.set_num_threads(int(sys.argv[4]))
    from segkit.evaluation import COCO, COCOeval
    G = COCO(gt); D = G.loadRes(res); E = COCOeval(G, D, "segm")
    E.evaluate(); E.accumulate(); E.summarize(quiet=True)
else:
    from cocoeval_ref import RefCOCO, RefCOCOeval
    G = RefCOCO(gt); D = G.loadRes(res); E = RefCOCOeval(G, D, "segm")
    E.evaluate(); E.accumulate(); E.summarize()
# VmHWM: this address space's peak (ru_maxrss would carry the parent's over exec)
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(json.dumps({"s": time.perf_counter() - t, "stats": list(map(float, E.stats)),
                  "maxrss_mb": int(hwm) / 1024}))
"""


def _job(which, gt, res, threads, record):
    code = _JOB % {"py": os.path.join(ROOT, "python"), "tests": os.path.join(ROOT, "tests", "python")}
    p = subprocess.run([sys.executable, "-c", code, which, gt, res, str(threads)],
                       capture_output=True, text=True, check=True)
    record[which] = json.loads(p.stdout.strip().splitlines()[-1])


def make_large_set(folder, n_img=5000, n_ann=50000, n_res=200000, n_cat=80, seed=0):
    """Synthetic COCO set: polygons for gt (10 a picture), compressed RLE results."""
    from segkit import mask as M
    rng = np.random.default_rng(seed)
    images = [{"id": i + 1, "width": 640, "height": 480, "file_name": "%06d.jpg" % (i + 1)}
              for i in range(n_img)]
    cats = [{"id": c + 1, "name": "class%d" % c} for c in range(n_cat)]
    anns = []
    per_img = n_ann // n_img
    for i in range(n_ann):
        img = images[i // per_img]
        cx, cy = rng.uniform(20, 620), rng.uniform(20, 460)
        r = rng.uniform(4, 120)
        ang = np.sort(rng.uniform(0, 2 * np.pi, 8))
        poly = np.round(np.stack([cx + r * np.cos(ang), cy + r * np.sin(ang)], 1).ravel(), 2)
        poly = np.clip(poly, 0, 639).tolist()
        rle = M.frPyObjects([poly], 480, 640)[0]
        anns.append({"id": i + 1, "image_id": img["id"], "category_id": int(rng.integers(n_cat)) + 1,
                     "iscrowd": int(rng.random() < 0.01), "segmentation": [poly],
                     "area": float(M.area(rle)), "bbox": [float(v) for v in M.toBbox(rle)]})
    res = []
    for j in range(n_res):
        a = anns[int(rng.integers(n_ann))]
        x, y, w, h = a["bbox"]
        jit = rng.normal(0, 0.15, 4) * np.array([w, h, w, h])
        bb = [x + jit[0], y + jit[1], max(1.0, w + jit[2]), max(1.0, h + jit[3])]
        rle = M.frPyObjects([bb], 480, 640)[0]
        cat = a["category_id"] if rng.random() < 0.7 else int(rng.integers(n_cat)) + 1
        res.append({"image_id": a["image_id"], "category_id": cat, "score": round(float(rng.random()), 3),
                    "segmentation": {"size": [480, 640], "counts": rle["counts"].decode()}})
    gt_path = os.path.join(folder, "gt.json")
    res_path = os.path.join(folder, "res.json")
    with open(gt_path, "w") as f:
        json.dump({"images": images, "categories": cats, "annotations": anns}, f)
    with open(res_path, "w") as f:
        json.dump(res, f)
    return gt_path, res_path


# ---- RLE peers (numpy + pure Python) ----

def np_encode(m):
    flat = np.asarray(m, dtype=np.uint8).ravel(order="F")
    change = np.flatnonzero(np.diff(flat)) + 1
    bounds = np.concatenate([[0], change, [flat.size]])
    runs = np.diff(bounds).tolist()
    if flat.size and flat[0]:
        runs = [0] + runs
    out = []
    for i, c in enumerate(runs):
        x = c - runs[i - 2] if i > 2 else c
        while True:
            ch = x & 0x1F
            x >>= 5
            more = (x != -1) if (ch & 0x10) else (x != 0)
            out.append(chr((ch | 0x20 if more else ch) + 48))
            if not more:
                break
    return "".join(out).encode()


def np_decode(s, h, w):
    counts, p = [], 0
    while p < len(s):
        x, k, more = 0, 0, True
        while more:
            c = s[p] - 48
            x |= (c & 0x1F) << (5 * k)
            more = c & 0x20
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    vals = np.arange(len(counts)) % 2
    return np.repeat(vals.astype(np.uint8), counts).reshape((h, w), order="F")


def cases(sizes):
    import segkit
    from segkit import mask as M
    from segkit.evaluation import COCO, COCOeval, confusion_matrix
    from cocoeval_ref import RefCOCO, RefCOCOeval
    threads = segkit.get_num_threads()

    # ---- COCOeval on the 100-image fixture (in process) ----
    def sk_fixture():
        G = COCO(FIX_GT)
        E = COCOeval(G, G.loadRes(FIX_SEGM), "segm")
        E.evaluate()
        E.accumulate()
        E.summarize(quiet=True)

    def ref_fixture():
        G = RefCOCO(FIX_GT)
        E = RefCOCOeval(G, G.loadRes(FIX_SEGM), "segm")
        E.evaluate()
        E.accumulate()
        E.summarize()
    yield run.Case("eval cocoeval segm (load+eval)", "100 img", sk_fixture, ref_fixture,
                   "py-reimpl cocoeval", repeat=5)
    if run.wanted("eval cocoeval segm (load+eval)"):
        mem = {}
        _job("segkit", FIX_GT, FIX_SEGM, threads, mem)
        _job("peer", FIX_GT, FIX_SEGM, threads, mem)
        print("# cocoeval segm 100 img, peak RSS of a whole run: segkit %.0f MB, peer %.0f MB"
              % (mem["segkit"]["maxrss_mb"], mem["peer"]["maxrss_mb"]), flush=True)

    # ---- RLE throughput on a 1080p blob mask ----
    h, w = 1080, 1920
    yy, xx = np.mgrid[:h, :w]
    m = (((xx - 900) ** 2 / 600 ** 2 + (yy - 500) ** 2 / 380 ** 2) < 1) | \
        ((xx // 97 + yy // 61) % 7 == 0)
    mf = np.asfortranarray(m.astype(np.uint8))
    rle = M.encode(mf)
    assert rle["counts"] == np_encode(mf)
    yield run.Case("eval rle encode (to string)", label(w, h), lambda: M.encode(mf),
                   lambda: np_encode(mf), "numpy+python")
    yield run.Case("eval rle decode (from string)", label(w, h), lambda: M.decode(rle),
                   lambda: np_decode(rle["counts"], h, w), "numpy+python")

    # ---- semantic confusion over 1080p label maps (scaled: 100 maps, 10 distinct) ----
    rng = np.random.default_rng(0)
    pool = []
    for i in range(10):
        g = (rng.integers(0, 21, (h // 60 + 1, w // 60 + 1)).repeat(60, 0).repeat(60, 1)[:h, :w]
             ).astype(np.uint8)
        p = np.where(rng.random((h, w)) < 0.1, rng.integers(0, 21, (h, w)), g).astype(np.uint8)
        g[rng.random((h, w)) < 0.05] = 255
        pool.append((g, p))
    n_maps = 100

    def sk_conf():
        cm = segkit.evaluation.ConfusionMatrix(21, 255)
        for i in range(n_maps):
            g, p = pool[i % 10]
            cm.update(g, p)
        return cm.matrix

    def np_conf():
        cm = np.zeros(21 * 21, np.int64)
        for i in range(n_maps):
            g, p = pool[i % 10]
            k = g != 255
            cm += np.bincount(g[k].astype(np.int64) * 21 + p[k], minlength=21 * 21)
        return cm.reshape(21, 21)
    assert np.array_equal(sk_conf().astype(np.int64), np_conf())
    yield run.Case("eval semantic confusion 21 cls", "100x1080p", sk_conf, np_conf, "numpy bincount",
                   repeat=3)

    # ---- the synthetic large set ----
    if not (run.wanted("eval coco json load gt+res") or run.wanted("eval cocoeval segm (subprocess)")):
        return  # building the large set takes a while: only when its cases run
    tmp = tempfile.TemporaryDirectory(prefix="segkit_bench_eval_")
    t0 = time.perf_counter()
    gt_path, res_path = make_large_set(tmp.name)
    print("# large set: 5000 images, 50000 annotations, 200000 segm results generated in %.0fs "
          "(gt %.0f MB, results %.0f MB)" % (time.perf_counter() - t0,
                                            os.path.getsize(gt_path) / 2 ** 20,
                                            os.path.getsize(res_path) / 2 ** 20), flush=True)

    def sk_load():
        G = COCO(gt_path)
        G.loadRes(res_path)

    def ref_load():
        G = RefCOCO(gt_path)
        G.loadRes(res_path)
    yield run.Case("eval coco json load gt+res", "5k/50k/200k", sk_load, ref_load,
                   "json.load+index", repeat=3)
    big = {}
    yield run.Case("eval cocoeval segm (subprocess)", "5k/50k/200k",
                   lambda: _job("segkit", gt_path, res_path, threads, big),
                   lambda: _job("peer", gt_path, res_path, threads, big),
                   "py-reimpl cocoeval", repeat=1)
    if "segkit" in big and "peer" in big:  # only when that case ran
        print("# cocoeval segm 5k/50k/200k: peak RSS segkit %.0f MB, peer %.0f MB; stats equal: %s"
              % (big["segkit"]["maxrss_mb"], big["peer"]["maxrss_mb"],
                 np.max(np.abs(np.array(big["segkit"]["stats"]) - big["peer"]["stats"])) <= 1e-12),
              flush=True)
    tmp.cleanup()
