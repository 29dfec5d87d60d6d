"""Parity of segkit's thresholds with cv2.threshold / cv2.adaptiveThreshold (OpenCV 4.6):
exact equality of the images and of the returned threshold."""
import os

import cv2
import numpy as np
import pytest

import segkit
from conftest import data_path, sample_path

SIZES = [(1, 1), (1, 9), (9, 1), (2, 3), (13, 17), (64, 33), (120, 161)]
TYPES = [segkit.THRESH_BINARY, segkit.THRESH_BINARY_INV, segkit.THRESH_TRUNC,
         segkit.THRESH_TOZERO, segkit.THRESH_TOZERO_INV]


def rand_image(rng, h, w, dtype, c=1):
    shape = (h, w) if c == 1 else (h, w, c)
    if dtype == np.uint8:
        return rng.integers(0, 256, shape, dtype=np.uint8)
    if dtype == np.uint16:
        return rng.integers(0, 65536, shape, dtype=np.uint16)
    return (rng.standard_normal(shape) * 100).astype(np.float32)


def same(t_ref, ref, t, out):
    assert t == t_ref
    assert out.dtype == ref.dtype and out.shape == ref.shape
    np.testing.assert_array_equal(out, ref)


@pytest.mark.parametrize("dtype,threshes,maxvals", [
    (np.uint8, [-300, -1, -0.5, 0, 0.5, 10.7, 127, 200.2, 254, 254.9, 255, 256, 1e6],
     [255, 200.5, 201.5, 300, -3, 0]),
    (np.uint16, [-2, -0.3, 0, 999.9, 30000, 65534, 65534.5, 65535, 70000],
     [65535, 1000.5, 70000, -1]),
    (np.float32, [-1e30, -50.25, 0, 0.1, 33.3, 1e30], [255, 1.5, -7.25, 1e6]),
])
def test_fixed_thresholds_match_cv2(rng, dtype, threshes, maxvals):
    for h, w in SIZES:
        for c in (1, 2, 3, 4):
            img = rand_image(rng, h, w, dtype, c)
            for ty in TYPES:
                for th in threshes:
                    for mv in maxvals[:2] if c > 1 else maxvals:
                        same(*cv2.threshold(img, th, mv, ty), *segkit.threshold(img, th, mv, ty))


def test_non_contiguous_views_and_in_place(rng):
    base = rng.integers(0, 256, (60, 90, 3), dtype=np.uint8)
    for view in (base[::2, ::3], base[5:-7, 3:-2], base[:, :, 1], base[::-1]):
        for ty in TYPES:
            same(*cv2.threshold(view, 99.5, 250, ty), *segkit.threshold(view, 99.5, 250, ty))
    a = base.copy()
    t_ref, ref = cv2.threshold(a, 60, 255, cv2.THRESH_TOZERO)
    t, out = segkit.threshold(a, 60, 255, segkit.THRESH_TOZERO, dst=a)
    assert out is a
    same(t_ref, ref, t, a)


def otsu_inputs(rng):
    yield rng.integers(0, 256, (50, 70), dtype=np.uint8)
    yield np.full((7, 9), 42, np.uint8)                     # uniform -> 0
    yield np.zeros((1, 1), np.uint8)
    yield np.array([[10, 200]], np.uint8)                   # two values
    yield np.array([[0, 0, 255, 255]], np.uint8)
    yield np.repeat(np.arange(0, 256, 51, dtype=np.uint8), 3).reshape(1, -1)  # ties
    for _ in range(20):                                      # bimodal mixtures
        n = int(rng.integers(1, 4000))
        a = np.concatenate([rng.normal(rng.uniform(0, 255), rng.uniform(1, 40), n),
                            rng.normal(rng.uniform(0, 255), rng.uniform(1, 40), n // 2 + 1)])
        h = int(rng.integers(1, 5))
        a = np.clip(a, 0, 255).astype(np.uint8)[: (a.size // h) * h].reshape(h, -1)
        yield a
    for n in (1, 2, 3, 5):                                  # few distinct levels
        yield rng.choice(rng.integers(0, 256, n), size=(31, 17)).astype(np.uint8)


@pytest.mark.parametrize("flag", ["otsu", "triangle"])
def test_automatic_thresholds_match_cv2(rng, flag):
    f = segkit.THRESH_OTSU if flag == "otsu" else segkit.THRESH_TRIANGLE
    for img in otsu_inputs(rng):
        for ty in TYPES:
            same(*cv2.threshold(img, 77, 255, ty | f), *segkit.threshold(img, 77, 255, ty | f))
        view = img[:, ::2]
        same(*cv2.threshold(view, 0, 128, f), *segkit.threshold(view, 0, 128, f))


def test_otsu_u16_matches_cv2(rng):
    imgs = [rng.integers(0, 65536, (40, 51), dtype=np.uint16),
            (rng.normal(20000, 3000, (30, 30)).clip(0, 65535)).astype(np.uint16),
            np.full((4, 4), 1234, np.uint16), np.array([[3, 60000]], np.uint16),
            rng.choice(np.array([5, 700, 40000], np.uint16), size=(25, 9))]
    for img in imgs:
        for ty in TYPES:
            same(*cv2.threshold(img, 0, 65535, ty | cv2.THRESH_OTSU),
                 *segkit.threshold(img, 0, 65535, ty | segkit.THRESH_OTSU))


@pytest.mark.parametrize("name", ["coins.png", "camera.png", "astronaut.png", "page",
                                  "horse"])
def test_real_images(name):
    path = sample_path(name) if "." in name else data_path("binary", name + ".png")
    img = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    assert img is not None
    for f in (cv2.THRESH_OTSU, cv2.THRESH_TRIANGLE):
        for ty in TYPES:
            same(*cv2.threshold(img, 0, 255, ty | f), *segkit.threshold(img, 0, 255, ty | f))
    for method in (segkit.ADAPTIVE_THRESH_MEAN_C, segkit.ADAPTIVE_THRESH_GAUSSIAN_C):
        for ty in (0, 1):
            for block, c in ((11, 2), (31, -5), (3, 0.5)):
                np.testing.assert_array_equal(
                    segkit.adaptive_threshold(img, 255, method, ty, block, c),
                    cv2.adaptiveThreshold(img, 255, method, ty, block, c))
    if "." in name:  # colour and 16-bit versions of the photos
        col = cv2.imread(path, cv2.IMREAD_COLOR)
        same(*cv2.threshold(col, 100.5, 255, 0), *segkit.threshold(col, 100.5, 255, 0))
        img16 = img.astype(np.uint16) * 257
        same(*cv2.threshold(img16, 0, 65535, cv2.THRESH_OTSU),
             *segkit.threshold(img16, 0, 65535, segkit.THRESH_OTSU))


ADAPT_SIZES = [(1, 1), (1, 12), (12, 1), (3, 3), (5, 40), (37, 23), (97, 130)]


def test_adaptive_mean_matches_cv2(rng):
    for h, w in ADAPT_SIZES:
        img = rng.integers(0, 256, (h, w), dtype=np.uint8)
        smooth = cv2.resize(rng.integers(0, 256, (4, 4), dtype=np.uint8), (w, h))
        for src in (img, smooth, np.zeros((h, w), np.uint8), np.full((h, w), 255, np.uint8)):
            for block in (3, 5, 11, 31, 151):
                for c in (-3.5, -1, 0, 0.5, 2, 2.7, 300):
                    for ty in (cv2.THRESH_BINARY, cv2.THRESH_BINARY_INV):
                        for mv in (255, 100.6, 300, -1) if block == 5 else (255,):
                            np.testing.assert_array_equal(
                                segkit.adaptive_threshold(src, mv, 0, ty, block, c),
                                cv2.adaptiveThreshold(src, mv, 0, ty, block, c),
                                err_msg="%dx%d block %d C %s type %d max %s" % (
                                    h, w, block, c, ty, mv))


def test_adaptive_views_and_in_place(rng):
    base = rng.integers(0, 256, (70, 80), dtype=np.uint8)
    for view in (base[::2, ::3], base[3:-5, 7:]):
        np.testing.assert_array_equal(segkit.adaptive_threshold(view, 255, 0, 0, 7, 1.5),
                                      cv2.adaptiveThreshold(view, 255, 0, 0, 7, 1.5))
    a = base.copy()
    ref = cv2.adaptiveThreshold(a, 255, 0, 1, 9, -2)
    out = segkit.adaptive_threshold(a, 255, 0, 1, 9, -2, dst=a)
    assert out is a
    np.testing.assert_array_equal(a, ref)


def test_adaptive_gaussian_matches_cv2(rng):
    for h, w in ADAPT_SIZES:
        img = rng.integers(0, 256, (h, w), dtype=np.uint8)
        for src in (img, img[:, ::-1]):
            for mv in (255, 77.5, -1):
                np.testing.assert_array_equal(segkit.adaptive_threshold(src, mv, 1, 0, 7, 1),
                                              cv2.adaptiveThreshold(src, mv, 1, 0, 7, 1))
        for block in (3, 5, 11, 25):
            for c in (-3.5, 0, 2, 2.7):
                for ty in (0, 1):
                    np.testing.assert_array_equal(
                        segkit.adaptive_threshold(img, 255, 1, ty, block, c),
                        cv2.adaptiveThreshold(img, 255, 1, ty, block, c))


def test_bad_input_gives_clear_errors():
    img = np.zeros((4, 5), np.uint8)
    cases = [
        (lambda: segkit.threshold(img, 1, 255, 5), "unknown threshold type"),
        (lambda: segkit.threshold(img, 1, 255, 8 | 16), "unknown flags"),
        (lambda: segkit.threshold(img, 1, 255, 32), "unknown flags"),
        (lambda: segkit.threshold(np.zeros((4, 5, 3), np.uint8), 0, 255, 8), "Otsu needs"),
        (lambda: segkit.threshold(np.zeros((4, 5), np.float32), 0, 1, 8), "Otsu needs"),
        (lambda: segkit.threshold(np.zeros((4, 5), np.uint16), 0, 1, 16), "triangle"),
        (lambda: segkit.threshold(np.zeros((0, 5), np.uint8), 0, 1, 0), "empty"),
        (lambda: segkit.threshold(np.zeros((3, 3), np.int32), 0, 1, 0), "type s32"),
        (lambda: segkit.threshold(img, 0, 1, 0, dst=np.zeros((4, 4), np.uint8)), "dst"),
        (lambda: segkit.adaptive_threshold(np.zeros((4, 5, 3), np.uint8), 255, 0, 0, 3, 0),
         "channels"),
        (lambda: segkit.adaptive_threshold(np.zeros((4, 5), np.uint16), 255, 0, 0, 3, 0),
         "type u16"),
        (lambda: segkit.adaptive_threshold(img, 255, 0, 0, 4, 0), "must be odd"),
        (lambda: segkit.adaptive_threshold(img, 255, 0, 0, 1, 0), "must be odd"),
        (lambda: segkit.adaptive_threshold(img, 255, 0, 0, -3, 0), "must be odd"),
        (lambda: segkit.adaptive_threshold(img, 255, 0, 0, 1 << 20 | 1, 0), "too large"),
        (lambda: segkit.adaptive_threshold(img, 255, 2, 0, 3, 0), "unknown method"),
        (lambda: segkit.adaptive_threshold(img, 255, 0, 2, 3, 0), "THRESH_BINARY"),
        (lambda: segkit.adaptive_threshold(np.zeros((0, 0), np.uint8), 255, 0, 0, 3, 0),
         "empty"),
    ]
    for f, msg in cases:
        with pytest.raises(segkit.Error, match=msg):
            f()
    # the reference refuses the same inputs (not under ASan, whose preloaded runtime
    # cannot unwind cv2's C++ exceptions)
    if "libasan" in os.environ.get("LD_PRELOAD", ""):
        return
    with pytest.raises(cv2.error):
        cv2.adaptiveThreshold(img, 255, 0, 0, 4, 0)
    with pytest.raises(cv2.error):
        cv2.threshold(np.zeros((4, 5, 3), np.uint8), 0, 255, 8)


def test_maxval_rounding_and_nan(rng):
    """maxval is cv2's saturate_cast: halves round to even, NaN gives 0."""
    img = rng.integers(0, 256, (20, 30), dtype=np.uint8)
    for mv in (float("nan"), 0.5, 1.5, 2.5, 254.5, 255.5, 1e9):
        np.testing.assert_array_equal(segkit.adaptive_threshold(img, mv, 0, 0, 5, 1),
                                      cv2.adaptiveThreshold(img, mv, 0, 0, 5, 1))
        for ty in TYPES:
            same(*cv2.threshold(img, 100, mv, ty), *segkit.threshold(img, 100, mv, ty))
            i16 = img.astype(np.uint16) * 200
            same(*cv2.threshold(i16, 20000, mv, ty), *segkit.threshold(i16, 20000, mv, ty))
