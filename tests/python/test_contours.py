"""Parity of find_contours and the polygon measures with cv2 4.6 (exact unless noted)."""
import cv2
import numpy as np
import pytest

import segkit
from conftest import data_path, sample_path

MODES = (segkit.RETR_EXTERNAL, segkit.RETR_LIST, segkit.RETR_CCOMP, segkit.RETR_TREE)
METHODS = (segkit.CHAIN_APPROX_NONE, segkit.CHAIN_APPROX_SIMPLE)


def random_masks(rng):
    """Masks of many sizes and densities, including the degenerate shapes."""
    yield np.zeros((1, 1), np.uint8)
    yield np.ones((1, 1), np.uint8)
    yield np.zeros((7, 5), np.uint8)
    yield np.full((7, 5), 255, np.uint8)
    for shape in ((1, 17), (17, 1), (2, 2), (3, 3), (1, 2), (2, 1)):
        for d in (0.3, 0.7):
            yield (rng.random(shape) < d).astype(np.uint8)
    for _ in range(250):
        h, w = rng.integers(1, 33, 2)
        d = rng.choice([0.05, 0.3, 0.5, 0.7, 0.95])
        yield ((rng.random((h, w)) < d) * rng.integers(1, 256)).astype(np.uint8)
    for _ in range(6):  # many contours: NBD values wrap around (cv2 keeps 126 in rotation)
        yield (rng.random((rng.integers(90, 160), rng.integers(90, 160))) < 0.5).astype(np.uint8)


def blobs(rng, h, w, sigma):
    noise = (rng.random((h, w)) * 255).astype(np.uint8)
    return (cv2.GaussianBlur(noise, (0, 0), sigma) > 127).astype(np.uint8) * 255


def nested_rings(n):
    """Concentric squares: a deep hierarchy (TREE depth n)."""
    m = np.zeros((4 * n + 3, 4 * n + 3), np.uint8)
    for k in range(n + 1):
        m[2 * k:m.shape[0] - 2 * k, 2 * k:m.shape[1] - 2 * k] = 1 - k % 2
    return m


def real_masks():
    coins = cv2.imread(sample_path("coins.png"), cv2.IMREAD_GRAYSCALE)
    camera = cv2.imread(sample_path("camera.png"), cv2.IMREAD_GRAYSCALE)
    text = cv2.imread(data_path("contours", "text.png"), cv2.IMREAD_GRAYSCALE)
    horse = cv2.imread(data_path("contours", "horse.png"), cv2.IMREAD_UNCHANGED)[:, :, 0]
    nuclei = cv2.imread(data_path("contours", "nuclei_07fb37aafa66.png"), cv2.IMREAD_UNCHANGED)
    yield "coins-otsu", cv2.threshold(coins, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
    yield "coins-100", (coins > 100).astype(np.uint8)
    yield "camera-inv", cv2.threshold(camera, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    yield "camera-adaptive", cv2.adaptiveThreshold(camera, 255, cv2.ADAPTIVE_THRESH_MEAN_C,
                                                   cv2.THRESH_BINARY, 11, 2)
    yield "text", (text < 100).astype(np.uint8)
    yield "horse", (horse > 0).astype(np.uint8)
    yield "horse-inv", (horse == 0).astype(np.uint8)
    yield "nuclei", (nuclei > 0).astype(np.uint8)


def assert_same(img, mode, method):
    c1, h1 = cv2.findContours(img, mode, method)
    c2, h2 = segkit.find_contours(img, mode, method)
    assert isinstance(c2, tuple) and len(c1) == len(c2), (img.shape, mode, method)
    for a, b in zip(c1, c2):
        assert b.dtype == np.int32 and b.shape == a.shape and np.array_equal(a, b)
    if h1 is None:
        assert h2 is None
    else:
        assert h2.dtype == np.int32 and h2.shape == h1.shape and np.array_equal(h1, h2)


def test_random_masks_all_modes(rng):
    for m in random_masks(rng):
        for mode in MODES:
            for method in METHODS:
                assert_same(m, mode, method)


def test_blobs_and_rings(rng):
    imgs = [blobs(rng, 120, 171, s) for s in (1.5, 3, 6)] + [nested_rings(n) for n in (1, 5, 40)]
    for m in imgs:
        for mode in MODES:
            for method in METHODS:
                assert_same(m, mode, method)


@pytest.mark.parametrize("name,mask", list(real_masks()))
def test_real_images(name, mask):
    for mode in MODES:
        for method in METHODS:
            assert_same(mask, mode, method)


def test_strided_views(rng):
    big = (rng.random((80, 90)) < 0.5).astype(np.uint8)
    for v in (big[5:60, 7:71], big[::2, ::3], big[::-1], np.asfortranarray(big), big.T):
        for mode in MODES:
            assert_same(np.ascontiguousarray(v), mode, segkit.CHAIN_APPROX_SIMPLE)
            c1, h1 = cv2.findContours(np.ascontiguousarray(v), mode, cv2.CHAIN_APPROX_SIMPLE)
            c2, h2 = segkit.find_contours(v, mode, segkit.CHAIN_APPROX_SIMPLE)
            assert len(c1) == len(c2) and all(np.array_equal(a, b) for a, b in zip(c1, c2))


def test_input_not_modified(rng):
    m = ((rng.random((40, 40)) < 0.5) * 7).astype(np.uint8)
    keep = m.copy()
    segkit.find_contours(m, segkit.RETR_TREE, segkit.CHAIN_APPROX_NONE)
    assert np.array_equal(m, keep)


def test_constants():
    for name in ("RETR_EXTERNAL", "RETR_LIST", "RETR_CCOMP", "RETR_TREE", "CHAIN_APPROX_NONE",
                 "CHAIN_APPROX_SIMPLE"):
        assert getattr(segkit, name) == getattr(cv2, name)


def test_bad_input():
    with pytest.raises(segkit.Error, match="find_contours"):
        segkit.find_contours(np.zeros((4, 4), np.float32), 0, 1)
    with pytest.raises(segkit.Error, match="find_contours"):
        segkit.find_contours(np.zeros((4, 4, 3), np.uint8), 0, 1)
    with pytest.raises(segkit.Error, match="unknown mode"):
        segkit.find_contours(np.zeros((4, 4), np.uint8), 4, 1)
    with pytest.raises(segkit.Error, match="unknown method"):
        segkit.find_contours(np.zeros((4, 4), np.uint8), 0, 3)
    with pytest.raises(segkit.Error, match="empty"):
        segkit.find_contours(np.zeros((0, 4), np.uint8), 0, 1)


def sample_contours(rng):
    out = []
    for _, m in list(real_masks())[:4]:
        cs, _ = cv2.findContours(m, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
        out += list(cs[:: max(1, len(cs) // 40)])
    for _ in range(60):  # arbitrary polygons, self-intersecting ones included
        out.append(rng.integers(-50, 300, (rng.integers(1, 30), 1, 2)).astype(np.int32))
    return out


def test_measures(rng):
    for c in sample_contours(rng):
        assert segkit.contour_area(c) == cv2.contourArea(c)
        assert segkit.contour_area(c, True) == cv2.contourArea(c, True)
        assert segkit.arc_length(c, True) == cv2.arcLength(c, True)
        assert segkit.arc_length(c, False) == cv2.arcLength(c, False)
        assert segkit.bounding_rect(c) == cv2.boundingRect(c)
        m1, m2 = cv2.moments(c), segkit.moments(c)
        assert m1.keys() == m2.keys()
        for k in m1:
            assert m1[k] == m2[k] or abs(m1[k] - m2[k]) <= 1e-9 * max(1.0, abs(m1[k])), k
        # 2-D (N, 2) input is a contour too
        assert segkit.moments(c.reshape(-1, 2))["m00"] == m1["m00"] or len(c) == 1


def test_approx_poly_dp(rng):
    for c in sample_contours(rng):
        for eps in (0.0, 0.5, 1.0, 2.5, 10.0):
            for closed in (True, False):
                a = cv2.approxPolyDP(c, eps, closed)
                b = segkit.approx_poly_dp(c, eps, closed)
                assert b.dtype == np.int32 and np.array_equal(a, b), (eps, closed, len(c))
    with pytest.raises(segkit.Error, match="epsilon"):
        segkit.approx_poly_dp(np.zeros((3, 1, 2), np.int32), -1, True)


def test_point_polygon_test(rng):
    for c in sample_contours(rng)[::3]:
        x, y, w, h = cv2.boundingRect(c)
        pts = [(float(px), float(py)) for px, py in
               zip(rng.integers(x - 3, x + w + 3, 30), rng.integers(y - 3, y + h + 3, 30))]
        pts += [(float(px) + 0.25, float(py) - 0.5) for px, py in pts[:10]]
        pts += [tuple(map(float, c[0, 0]))]
        for p in pts:
            for md in (False, True):
                assert segkit.point_polygon_test(c, p, md) == cv2.pointPolygonTest(c, p, md)


def test_image_moments():
    cam = cv2.imread(sample_path("camera.png"), cv2.IMREAD_GRAYSCALE)
    imgs = [cam, cam[:101, :77], cam.astype(np.uint16) * 200, cam.astype(np.float32) / 7,
            (cam > 128).astype(np.uint8)]
    for img in imgs:
        for binary in (False, True):
            m1, m2 = cv2.moments(img, binary), segkit.moments(img, binary)
            for k in m1:
                # tiles are summed in the same order; the tolerance covers float images
                assert abs(m1[k] - m2[k]) <= 1e-9 * max(1.0, abs(m1[k])), (k, m1[k], m2[k])
