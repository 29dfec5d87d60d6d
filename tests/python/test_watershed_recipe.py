"""The watershed recipe (seg_segment_watershed / segkit segment --method watershed)
against the same recipe written with cv2, on coins.png and the nuclei images."""
import glob
import json
import os

import cv2
import numpy as np
import pytest

import segkit
from conftest import data_path, run_cli, sample_path


def cv2_recipe(bgr, invert=1, ksize=3, open_it=2, dil_it=3, dist=cv2.DIST_L2, mask=5, frac=0.5,
               method="otsu", block=11, c=2, thresh=127, close_it=0):
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    ttype = cv2.THRESH_BINARY_INV if invert == 1 else cv2.THRESH_BINARY
    if method == "otsu":
        _, th = cv2.threshold(gray, 0, 255, ttype + cv2.THRESH_OTSU)
    elif method == "fixed":
        _, th = cv2.threshold(gray, thresh, 255, ttype)
    else:
        th = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C if method == "mean"
                                   else cv2.ADAPTIVE_THRESH_GAUSSIAN_C, ttype, block, c)
    if invert == -1 and np.count_nonzero(th) * 2 > th.size:
        th = 255 - th
    k = np.ones((ksize, ksize), np.uint8)
    if close_it:
        th = cv2.morphologyEx(th, cv2.MORPH_CLOSE, k, iterations=close_it)
    opening = cv2.morphologyEx(th, cv2.MORPH_OPEN, k, iterations=open_it)
    sure_bg = cv2.dilate(opening, k, iterations=dil_it)
    d = cv2.distanceTransform(opening, dist, mask)
    _, sure_fg = cv2.threshold(d, frac * float(d.max()), 255, 0)
    sure_fg = np.uint8(sure_fg)
    unknown = cv2.subtract(sure_bg, sure_fg)
    n, markers = cv2.connectedComponents(sure_fg)
    markers = markers + 1
    markers[unknown == 255] = 0
    markers = cv2.watershed(bgr, markers)
    return markers, n - 1


def nuclei():
    for p in sorted(glob.glob(data_path("nuclei", "images", "*.png"))):
        name = os.path.splitext(os.path.basename(p))[0]
        gt = cv2.imread(data_path("nuclei", "labels", name + ".png"), cv2.IMREAD_UNCHANGED)
        yield name, cv2.imread(p, cv2.IMREAD_COLOR), gt


def matched_iou(markers, gt):
    """Mean over ground-truth objects of the best IoU with a predicted object."""
    pred = np.where(markers >= 2, markers - 1, 0)
    ious = []
    for g in np.unique(gt):
        if g == 0:
            continue
        gm = gt == g
        ids, counts = np.unique(pred[gm], return_counts=True)
        best = 0.0
        for i, inter in zip(ids, counts):
            if i == 0:
                continue
            union = np.count_nonzero(gm | (pred == i))
            best = max(best, inter / union)
        ious.append(best)
    return float(np.mean(ious)) if ious else 0.0


OPTIONS = [dict(), dict(invert=0), dict(invert=-1, frac=0.3), dict(invert=0, frac=0.7, open_it=1),
           dict(invert=-1, mask=0), dict(invert=0, dist=cv2.DIST_L1, dil_it=1, ksize=5),
           dict(invert=0, method="mean", block=91, c=-16, close_it=2),
           dict(invert=1, method="gaussian", block=31, c=3, close_it=1, ksize=5),
           dict(invert=-1, method="mean", block=51, c=-4),
           dict(invert=0, method="fixed", thresh=100.5, close_it=3, frac=0.3),
           dict(invert=-1, method="fixed", thresh=60)]

# scikit-image's coins.png (uneven lighting): bright objects, a local-mean threshold over a
# 91-pixel block keeping pixels 16 above it, and a closing that fills the dark relief
# inside the coins before the opening (docs/watershed.md).
COINS = dict(invert=0, method="mean", block=91, c=-16, close_it=2)


def run_both(bgr, o):
    ref, nref = cv2_recipe(bgr, **o)
    got, n = segkit.segment_watershed(bgr, invert=o.get("invert", 1), ksize=o.get("ksize", 3),
                                      open_iterations=o.get("open_it", 2),
                                      dilate_iterations=o.get("dil_it", 3),
                                      distance_type=o.get("dist", 2), mask_size=o.get("mask", 5),
                                      fg_fraction=o.get("frac", 0.5),
                                      threshold=o.get("method", "otsu"),
                                      block_size=o.get("block", 11), c=o.get("c", 2),
                                      thresh=o.get("thresh", 127),
                                      close_iterations=o.get("close_it", 0))
    return ref, nref, got, n


def coins_reference():
    """The 24 coins by an independent method (scikit-image's coins tutorial: Sobel
    elevation, markers from gray < 30 / > 150, skimage's watershed, holes filled),
    regions over 100 pixels, labelled 1..24."""
    from scipy import ndimage as ndi
    from skimage.filters import sobel
    from skimage.segmentation import watershed as sk_watershed
    gray = cv2.imread(sample_path("coins.png"), cv2.IMREAD_GRAYSCALE)
    seeds = np.zeros(gray.shape, np.int32)
    seeds[gray < 30], seeds[gray > 150] = 1, 2
    fg = ndi.binary_fill_holes(sk_watershed(sobel(gray), seeds) == 2)
    lab, n = ndi.label(fg)
    big = np.flatnonzero(np.bincount(lab.ravel())[1:] > 100) + 1
    ref = np.zeros_like(lab)
    for i, k in enumerate(big):
        ref[lab == k] = i + 1
    return ref, len(big)


def test_coins_24_objects_one_coin_each_same_as_cv2():
    bgr = cv2.imread(sample_path("coins.png"), cv2.IMREAD_COLOR)
    ref, nref, got, n = run_both(bgr, COINS)
    assert n == nref == 24
    assert np.array_equal(got, ref)  # same label map as the cv2 recipe, so same areas
    coins, ncoins = coins_reference()
    assert ncoins == 24
    areas = np.bincount(np.where(got >= 2, got - 1, 0).ravel(), minlength=25)[1:]
    assert areas.min() > 900 and areas.max() < 3300  # coins here are 1000..3100 pixels
    matched = set()
    for i in range(1, 25):
        obj = got == i + 1
        ids, counts = np.unique(coins[obj], return_counts=True)
        j = ids[np.argmax(counts)]
        inside = counts.max() / obj.sum()
        iou = np.count_nonzero(obj & (coins == j)) / np.count_nonzero(obj | (coins == j))
        # all but a rim inside one coin, and most of that coin: no object spans two coins
        assert j != 0 and inside > 0.95 and iou > 0.8, (i, dict(zip(ids, counts)), iou)
        matched.add(j)
    assert len(matched) == 24  # one object per coin


@pytest.mark.parametrize("o", OPTIONS)
def test_same_markers_as_cv2_on_coins_and_nuclei(o):
    images = [cv2.imread(sample_path("coins.png"), cv2.IMREAD_COLOR)]
    images += [img for _, img, _ in nuclei()]
    for bgr in images:
        ref, nref, got, n = run_both(bgr, o)
        assert n == nref
        assert np.array_equal(got, ref)


def test_gray_and_bgra_inputs():
    bgr = cv2.imread(sample_path("coins.png"), cv2.IMREAD_COLOR)
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    ref, nref = cv2_recipe(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), invert=0)
    got, n = segkit.segment_watershed(gray, invert=0)
    assert n == nref and np.array_equal(got, ref)
    bgra = cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA)
    got, n = segkit.segment_watershed(bgra, invert=0)
    ref, nref = cv2_recipe(bgr, invert=0)
    assert n == nref and np.array_equal(got, ref)


def test_nuclei_counts_and_matched_iou_report(capsys):
    rows = []
    for name, bgr, gt in nuclei():
        ref, nref, got, n = run_both(bgr, dict(invert=-1))
        assert np.array_equal(got, ref)
        rows.append((name, int(gt.max()), n, nref, matched_iou(got, gt), matched_iou(ref, gt)))
    with capsys.disabled():
        print("\nimage          gt  segkit  cv2  IoU(segkit)  IoU(cv2)")
        for r in rows:
            print("%-13s %4d %6d %5d %10.3f %9.3f" % r)
    assert all(r[2] == r[3] and r[4] == r[5] for r in rows)


def test_bad_options():
    bgr = np.zeros((20, 20, 3), np.uint8)
    with pytest.raises(segkit.Error, match="fg_fraction"):
        segkit.segment_watershed(bgr, fg_fraction=1.5)
    with pytest.raises(segkit.Error, match="ksize"):
        segkit.segment_watershed(bgr, ksize=0)
    with pytest.raises(segkit.Error, match="invert"):
        segkit.segment_watershed(bgr, invert=3)
    with pytest.raises(segkit.Error):
        segkit.segment_watershed(np.zeros((20, 20, 2), np.uint8))
    with pytest.raises(segkit.Error, match="block_size"):
        segkit.segment_watershed(bgr, threshold="mean", block_size=10)
    with pytest.raises(segkit.Error, match="block_size"):
        segkit.segment_watershed(bgr, threshold="gaussian", block_size=1)
    with pytest.raises(segkit.Error, match="threshold"):
        segkit.segment_watershed(bgr, threshold="triangle")
    with pytest.raises(segkit.Error, match="iterations"):
        segkit.segment_watershed(bgr, close_iterations=-1)
    with pytest.raises(segkit.Error, match="thresh"):
        segkit.segment_watershed(bgr, threshold="fixed", thresh=float("nan"))


def test_cli_writes_labels_overlay_objects(tmp_path):
    coins = sample_path("coins.png")
    out = tmp_path / "ws"
    p = run_cli("segment", coins, "--method", "watershed", "-o", out, "--invert", "bright",
                check=0)
    bgr = cv2.imread(coins, cv2.IMREAD_COLOR)
    ref, nref = cv2_recipe(bgr, invert=0)
    labels = cv2.imread(str(out / "labels.png"), cv2.IMREAD_UNCHANGED)
    assert labels.dtype == np.uint16
    assert np.array_equal(labels, np.where(ref >= 2, ref - 1, 0))
    overlay = cv2.imread(str(out / "overlay.png"), cv2.IMREAD_COLOR)
    expect = bgr.copy()
    expect[ref == -1] = (0, 0, 255)
    assert np.array_equal(overlay, expect)
    objs = json.loads((out / "objects.json").read_text())
    assert objs["count"] == nref and len(objs["objects"]) == nref
    for o in objs["objects"]:
        m = ref == o["id"] + 1
        ys, xs = np.nonzero(m)
        assert o["area"] == m.sum()
        if not m.any():  # its seed was only on the frame the watershed overwrites
            assert o["bbox"] == [0, 0, 0, 0] and o["centroid"] is None and o["polygon"] == []
            continue
        assert o["bbox"] == [xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1]
        assert np.allclose(o["centroid"], [xs.mean(), ys.mean()], atol=1e-4)
        cs, _ = cv2.findContours(m.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        big = max(cs, key=len).reshape(-1, 2).tolist()
        assert o["polygon"] == big
    assert str(nref) in p.stdout
    # several images: one folder each; a bad option: exit 2 with one line
    run_cli("segment", coins, sample_path("camera.png"), "--method", "watershed", "-o",
            tmp_path / "many", check=0)
    assert (tmp_path / "many" / "coins" / "labels.png").exists()
    assert (tmp_path / "many" / "camera" / "objects.json").exists()
    p = run_cli("segment", coins, "--method", "watershed", "-o", out, "--fraction", "2", check=2)
    assert "fg_fraction" in p.stderr
    p = run_cli("segment", coins, "--method", "watershed", check=2)
    assert "-o" in p.stderr


def test_cli_coins_options_find_24(tmp_path):
    coins = sample_path("coins.png")
    p = run_cli("segment", coins, "--method", "watershed", "-o", tmp_path, "--invert", "bright",
                "--threshold", "mean", "--block", "91", "--c", "-16", "--close-iterations", "2",
                check=0)
    ref, nref = cv2_recipe(cv2.imread(coins, cv2.IMREAD_COLOR), **COINS)
    labels = cv2.imread(str(tmp_path / "labels.png"), cv2.IMREAD_UNCHANGED)
    assert nref == 24 and json.loads((tmp_path / "objects.json").read_text())["count"] == 24
    assert np.array_equal(labels, np.where(ref >= 2, ref - 1, 0))
    assert "24 objects" in p.stdout
