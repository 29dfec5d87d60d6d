"""The k-means and GrabCut recipes against the same pipelines written with cv2."""
import cv2
import numpy as np
import pytest

import segkit
from conftest import sample_path

CRIT = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 10, 1.0)


def small(name, scale=0.4):
    img = cv2.imread(sample_path(name), cv2.IMREAD_COLOR)
    return cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


@pytest.mark.parametrize("space,code,back", [("lab", cv2.COLOR_BGR2LAB, cv2.COLOR_LAB2BGR),
                                             ("hsv", cv2.COLOR_BGR2HSV, cv2.COLOR_HSV2BGR),
                                             ("bgr", None, None)])
def test_kmeans_recipe_matches_cv2_pipeline(space, code, back):
    for name in ("chelsea.png", "coffee.png"):
        img = small(name)
        conv = cv2.cvtColor(img, code) if code is not None else img
        cv2.setRNGSeed(5)
        comp, labels, centers = cv2.kmeans(conv.reshape(-1, 3).astype(np.float32), 4, None,
                                           CRIT, 3, cv2.KMEANS_PP_CENTERS)
        r = segkit.segment_kmeans(img, k=4, color_space=space, criteria=CRIT, seed=5)
        np.testing.assert_array_equal(r["labels"], labels.reshape(img.shape[:2]))
        np.testing.assert_array_equal(r["centers"], centers)
        assert r["compactness"] == pytest.approx(comp, rel=1e-9)
        np.testing.assert_array_equal(r["counts"], np.bincount(labels.ravel(), minlength=4))
        c8 = np.clip(np.rint(centers), 0, 255).astype(np.uint8).reshape(4, 1, 3)
        want_bgr = (cv2.cvtColor(c8, back) if back is not None else c8).reshape(4, 3)
        np.testing.assert_array_equal(r["centers_bgr"], want_bgr)
        np.testing.assert_array_equal(r["segmented"], want_bgr[r["labels"]])


def test_kmeans_recipe_xy_features():
    img = small("chelsea.png")
    lab = cv2.cvtColor(img, cv2.COLOR_BGR2LAB).reshape(-1, 3).astype(np.float32)
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    feats = np.hstack([lab, (xx.reshape(-1, 1) * np.float32(0.5)).astype(np.float32),
                       (yy.reshape(-1, 1) * np.float32(0.5)).astype(np.float32)])
    want = segkit.kmeans(feats, 5, None, CRIT, 2, segkit.KMEANS_PP_CENTERS, seed=2)
    r = segkit.segment_kmeans(img, k=5, attempts=2, criteria=CRIT, seed=2, xy_weight=0.5)
    np.testing.assert_array_equal(r["labels"].ravel(), want[1].ravel())
    with pytest.raises(segkit.Error, match="color_space"):
        segkit.segment_kmeans(img, color_space="xyz")
    with pytest.raises(segkit.Error, match="k = 0"):
        segkit.segment_kmeans(img, k=0)
    with pytest.raises(segkit.Error, match="uint8 H x W x 3"):
        segkit.segment_kmeans(img[..., 0])


def test_grabcut_recipe_matches_grab_cut():
    img = small("astronaut.png", 0.5)
    rect = (30, 5, 195, 250)
    m = np.zeros(img.shape[:2], np.uint8)
    bgd, fgd = np.zeros((1, 65)), np.zeros((1, 65))
    segkit.grab_cut(img, m, rect, bgd, fgd, 4, segkit.GC_INIT_WITH_RECT, seed=3)
    r = segkit.segment_grabcut(img, rect=rect, iterations=4, seed=3)
    np.testing.assert_array_equal(r["labels"], m)
    fg = (m == 1) | (m == 3)
    np.testing.assert_array_equal(r["mask"], np.where(fg, 255, 0))
    np.testing.assert_array_equal(r["cutout"][..., :3], img)
    np.testing.assert_array_equal(r["cutout"][..., 3], r["mask"])
    assert r["fg_pixels"] == fg.sum()
    ys, xs = np.nonzero(fg)
    assert r["bbox"] == (xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1)
    np.testing.assert_array_equal(r["bgd_model"], bgd)
    # scribbles: the rect result as a mask, re-run with GC_INIT_WITH_MASK
    m2 = m.copy()
    segkit.grab_cut(img, m2, None, np.zeros((1, 65)), np.zeros((1, 65)), 2,
                    segkit.GC_INIT_WITH_MASK, seed=1)
    r2 = segkit.segment_grabcut(img, mask=m, iterations=2, seed=1)
    np.testing.assert_array_equal(r2["labels"], m2)
    with pytest.raises(segkit.Error, match="rect or a mask"):
        segkit.segment_grabcut(img)
    with pytest.raises(segkit.Error, match="does not overlap"):
        segkit.segment_grabcut(img, rect=(5000, 0, 5, 5))
    bad = m.copy()
    bad[0, 0] = 9
    with pytest.raises(segkit.Error, match="mask value 9"):
        segkit.segment_grabcut(img, mask=bad)
