"""Parity of connected components with cv2 4.6 (labels, stats, centroids: exact) and with
skimage.measure.label (raster order), thread-count independence, the area filter."""
import cv2
import numpy as np
import pytest
from skimage.measure import label as sk_label

import segkit
from conftest import data_path, sample_path


def masks(rng):
    yield np.zeros((1, 1), np.uint8)
    yield np.ones((1, 1), np.uint8)
    yield np.zeros((9, 4), np.uint8)
    yield np.full((9, 4), 200, np.uint8)
    for shape in ((1, 31), (31, 1), (2, 2), (3, 5), (1, 2), (2, 1)):
        for d in (0.3, 0.6):
            yield (rng.random(shape) < d).astype(np.uint8)
    for _ in range(300):
        h, w = rng.integers(1, 40, 2)
        d = rng.choice([0.05, 0.3, 0.45, 0.6, 0.9])
        yield ((rng.random((h, w)) < d) * rng.integers(1, 256)).astype(np.uint8)


def big_masks(rng):
    coins = cv2.imread(sample_path("coins.png"), cv2.IMREAD_GRAYSCALE)
    camera = cv2.imread(sample_path("camera.png"), cv2.IMREAD_GRAYSCALE)
    text = cv2.imread(data_path("contours", "text.png"), cv2.IMREAD_GRAYSCALE)
    nuclei = cv2.imread(data_path("contours", "nuclei_07fb37aafa66.png"), cv2.IMREAD_UNCHANGED)
    yield cv2.threshold(coins, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
    yield cv2.adaptiveThreshold(camera, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 11, 2)
    yield (text < 100).astype(np.uint8)
    yield (nuclei > 0).astype(np.uint8)
    yield (nuclei % 2 == 1).astype(np.uint8)
    for d in (0.3, 0.5, 0.6):  # several bands, odd sizes
        yield (rng.random((rng.integers(300, 700), rng.integers(300, 700))) < d).astype(np.uint8)


def assert_same(img, conn):
    n1, l1, s1, c1 = cv2.connectedComponentsWithStats(img, connectivity=conn)
    n2, l2, s2, c2 = segkit.connected_components_with_stats(img, connectivity=conn)
    assert n1 == n2
    assert l2.dtype == np.int32 and np.array_equal(l1, l2)
    assert s2.dtype == np.int32 and np.array_equal(s1, s2)
    assert c2.dtype == np.float64 and np.array_equal(c1, c2, equal_nan=True)


def test_random_masks_with_stats(rng):
    for m in masks(rng):
        for conn in (4, 8):
            assert_same(m, conn)


def test_large_and_real_masks(rng):
    for m in big_masks(rng):
        for conn in (4, 8):
            assert_same(m, conn)


def test_labels_only_and_16u(rng):
    for m in list(masks(rng))[::10]:
        for conn in (4, 8):
            n1, l1 = cv2.connectedComponents(m, connectivity=conn)
            n2, l2 = segkit.connected_components(m, connectivity=conn)
            assert n1 == n2 and np.array_equal(l1, l2)
            n1, l1 = cv2.connectedComponents(m, connectivity=conn, ltype=cv2.CV_16U)
            n2, l2 = segkit.connected_components(m, connectivity=conn, ltype=segkit.CV_16U)
            assert n1 == n2 and l2.dtype == np.uint16 and np.array_equal(l1, l2)


def test_skimage_raster_order(rng):
    for m in list(masks(rng))[::3] + list(big_masks(rng)):
        for conn in (1, 2):
            ref = sk_label(m, connectivity=conn)
            got = segkit.label(m, connectivity=conn)
            assert np.array_equal(ref, got)
            n, lab, stats, cents = segkit.connected_components_with_stats(
                m, connectivity=4 if conn == 1 else 8, order="raster")
            assert np.array_equal(lab, ref) and n == ref.max() + 1
            assert np.array_equal(np.bincount(ref.ravel(), minlength=n), stats[:, 4])


def test_threads_do_not_change_results(rng):
    m = (rng.random((613, 517)) < 0.55).astype(np.uint8)
    ref = None
    try:
        for t in (1, 2, 3, 7):
            segkit.set_num_threads(t)
            for opt in (True, False):
                segkit.set_use_optimized(opt)
                r = [segkit.connected_components_with_stats(m, connectivity=c) for c in (4, 8)]
                if ref is None:
                    ref = r
                for a, b in zip(ref, r):
                    assert all(np.array_equal(x, y, equal_nan=True) for x, y in zip(a[1:], b[1:]))
    finally:
        segkit.set_num_threads(0)
        segkit.set_use_optimized(True)


def test_parallel_bands_large_image(rng):
    # above 4 megapixels the bands run on several threads: same labels as cv2 and as 1 thread
    m = (rng.random((2100, 2050)) < 0.55).astype(np.uint8)
    try:
        for conn in (4, 8):
            segkit.set_num_threads(1)
            one = segkit.connected_components_with_stats(m, connectivity=conn)
            segkit.set_num_threads(3)
            three = segkit.connected_components_with_stats(m, connectivity=conn)
            ref = cv2.connectedComponentsWithStats(m, connectivity=conn)
            for a, b, c in zip(one[1:], three[1:], ref[1:]):
                assert np.array_equal(a, b) and np.array_equal(a, c, equal_nan=True)
    finally:
        segkit.set_num_threads(0)


def filter_reference(img, conn, lo, hi):
    """The area filter computed from cv2's output with numpy."""
    n, lab, st, ce = cv2.connectedComponentsWithStats(img, connectivity=conn)
    keep = [l for l in range(1, n) if st[l, 4] >= lo and (hi < 0 or st[l, 4] <= hi)]
    remap = np.zeros(n, np.int32)
    remap[keep] = np.arange(1, len(keep) + 1)
    out = remap[lab]
    bg = out == 0
    ys, xs = np.nonzero(bg)
    if len(xs):
        bgrow = [xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1, len(xs)]
        bgc = [xs.mean(), ys.mean()]
    else:
        bgrow, bgc = [-1, 2147483647, 0, 0, 0], [np.nan, np.nan]
    stats = np.vstack([bgrow] + [st[l] for l in keep]).astype(np.int32)
    cents = np.vstack([bgc] + [ce[l] for l in keep])
    return len(keep) + 1, out, stats, cents


def test_area_filter(rng):
    for m in list(big_masks(rng))[:4] + [(rng.random((50, 60)) < 0.5).astype(np.uint8)]:
        for conn in (4, 8):
            for lo, hi in ((0, -1), (5, -1), (20, 400), (0, 3), (10 ** 9, -1)):
                n1, l1, s1, c1 = filter_reference(m, conn, lo, hi)
                n2, l2, s2, c2 = segkit.filter_components_by_area(m, lo, hi, connectivity=conn)
                assert n1 == n2 and np.array_equal(l1, l2) and np.array_equal(s1, s2)
                assert np.allclose(c1, c2, rtol=1e-12, atol=0, equal_nan=True)


def test_constants():
    for k in ("CC_STAT_LEFT", "CC_STAT_TOP", "CC_STAT_WIDTH", "CC_STAT_HEIGHT", "CC_STAT_AREA",
              "CC_STAT_MAX", "CV_16U", "CV_32S"):
        assert getattr(segkit, k) == getattr(cv2, k)


def test_bad_input():
    with pytest.raises(segkit.Error, match="connectivity"):
        segkit.connected_components(np.zeros((3, 3), np.uint8), connectivity=6)
    with pytest.raises(segkit.Error, match="2-D uint8"):
        segkit.connected_components_with_stats(np.zeros((3, 3), np.float32))
    with pytest.raises(segkit.Error, match="2-D uint8"):
        segkit.connected_components_with_stats(np.zeros((3, 3, 3), np.uint8))
    with pytest.raises(segkit.Error, match="empty"):
        segkit.connected_components(np.zeros((0, 3), np.uint8))
    with pytest.raises(segkit.Error, match="order"):
        segkit.connected_components(np.zeros((3, 3), np.uint8), order="zigzag")
    grid = np.zeros((600, 600), np.uint8)
    grid[::2, ::2] = 1  # 90000 components (cv2 silently returns garbage for CV_16U here)
    with pytest.raises(segkit.Error, match="do not fit CV_16U"):
        segkit.connected_components(grid, ltype=segkit.CV_16U)
    with pytest.raises(segkit.Error, match="connectivity=... by name"):
        segkit.connected_components(np.zeros((3, 3), np.uint8), 4)
    with pytest.raises(segkit.Error, match="ltype"):
        segkit.connected_components(np.zeros((3, 3), np.uint8), ltype=5)
