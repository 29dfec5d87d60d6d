"""Parity of segkit's morphology with cv2.erode / dilate / morphologyEx /
getStructuringElement (OpenCV 4.6, default border): exact equality everywhere."""
import os

import cv2
import numpy as np
import pytest

import segkit
from conftest import data_path, sample_path

OPS = [segkit.MORPH_ERODE, segkit.MORPH_DILATE, segkit.MORPH_OPEN, segkit.MORPH_CLOSE,
       segkit.MORPH_GRADIENT, segkit.MORPH_TOPHAT, segkit.MORPH_BLACKHAT]
SHAPES = [segkit.MORPH_RECT, segkit.MORPH_CROSS, segkit.MORPH_ELLIPSE]


def rand_image(rng, shape, dtype, density=None):
    if density is not None:
        return ((rng.random(shape) < density) * 255).astype(dtype)
    if dtype == np.uint8:
        return rng.integers(0, 256, shape, dtype=np.uint8)
    if dtype == np.uint16:
        return rng.integers(0, 65536, shape, dtype=np.uint16)
    return (rng.standard_normal(shape) * 1000).astype(np.float32)


def eq(out, ref, what=""):
    assert out.dtype == ref.dtype and out.shape == ref.shape, what
    np.testing.assert_array_equal(out, ref, err_msg=what)


def test_structuring_elements_match_cv2():
    for shape in SHAPES:
        for w in range(1, 32):
            for h in range(1, 32):
                eq(segkit.get_structuring_element(shape, (w, h)),
                   cv2.getStructuringElement(shape, (w, h)), "%d %dx%d" % (shape, w, h))
        for w, h in ((5, 5), (7, 4), (1, 9), (64, 3), (101, 99)):
            for ax, ay in ((0, 0), (w - 1, h - 1), (w // 3, h // 2), (-1, -1)):
                eq(segkit.get_structuring_element(shape, (w, h), (ax, ay)),
                   cv2.getStructuringElement(shape, (w, h), (ax, ay)))


def test_every_op_shape_size_iterations_type(rng):
    """ops x shapes x sizes 1..31 (square and not) x iterations x types, small image."""
    imgs = {t: rand_image(rng, (23, 29), t) for t in (np.uint8, np.uint16, np.float32)}
    sizes = [(k, k) for k in range(1, 32)] + [(k, 32 - k) for k in range(1, 32, 3)]
    for (w, h) in sizes:
        for shape in SHAPES:
            k = cv2.getStructuringElement(shape, (w, h))
            for t, img in imgs.items():
                for op in OPS:
                    for it in ((1, 2, 3) if w <= 7 else (1, 2)) if t == np.uint8 else (1,):
                        eq(segkit.morphology_ex(img, op, k, iterations=it),
                           cv2.morphologyEx(img, op, k, iterations=it),
                           "op %d shape %d %dx%d %s it %d" % (op, shape, w, h, t.__name__, it))


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
def test_masks_of_all_densities_and_odd_sizes(rng, dtype):
    sizes = [(1, 1), (1, 17), (17, 1), (2, 2), (5, 7), (31, 30), (64, 65), (100, 37)]
    for h, w in sizes:
        for density in (0.0, 0.05, 0.5, 0.95, 1.0):
            img = rand_image(rng, (h, w), dtype, density)
            for shape, ks in ((segkit.MORPH_ELLIPSE, (5, 5)), (segkit.MORPH_RECT, (3, 3)),
                              (segkit.MORPH_RECT, (15, 15)), (segkit.MORPH_CROSS, (7, 5)),
                              (segkit.MORPH_ELLIPSE, (31, 21))):
                k = cv2.getStructuringElement(shape, ks)
                for op in OPS:
                    eq(segkit.morphology_ex(img, op, k), cv2.morphologyEx(img, op, k),
                       "%dx%d density %s op %d" % (h, w, density, op))


@pytest.mark.parametrize("channels", [2, 3, 4])
def test_multichannel(rng, channels):
    for dtype in (np.uint8, np.uint16, np.float32):
        img = rand_image(rng, (40, 53, channels), dtype)
        for shape, ks in ((0, (3, 3)), (0, (11, 9)), (2, (5, 5)), (1, (9, 9)), (2, (17, 13))):
            k = cv2.getStructuringElement(shape, ks)
            for op in OPS:
                eq(segkit.morphology_ex(img, op, k, iterations=2),
                   cv2.morphologyEx(img, op, k, iterations=2))


def test_user_kernels_and_anchors(rng):
    img8 = rand_image(rng, (37, 41), np.uint8)
    imgf = rand_image(rng, (37, 41), np.float32)
    for trial in range(150):
        kh, kw = int(rng.integers(1, 10)), int(rng.integers(1, 10))
        k = (rng.random((kh, kw)) < rng.uniform(0.1, 1.0)).astype(np.uint8)
        if not k.any():
            k[rng.integers(kh), rng.integers(kw)] = 1
        k *= np.uint8(rng.choice([1, 7, 255]))
        anchor = (int(rng.integers(-1, kw)), int(rng.integers(-1, kh)))
        if anchor[0] == -1 or anchor[1] == -1:
            anchor = (-1, -1)
        it = int(rng.integers(1, 4))
        for img in (img8, imgf):
            eq(segkit.erode(img, k, anchor=anchor, iterations=it),
               cv2.erode(img, k, anchor=anchor, iterations=it), "trial %d" % trial)
            eq(segkit.dilate(img, k, anchor=anchor, iterations=it),
               cv2.dilate(img, k, anchor=anchor, iterations=it), "trial %d" % trial)
            op = OPS[trial % len(OPS)]
            eq(segkit.morphology_ex(img, op, k, anchor=anchor, iterations=it),
               cv2.morphologyEx(img, op, k, anchor=anchor, iterations=it), "trial %d" % trial)
    # boolean and int32 kernels are read like cv2 reads them (non-zero = member)
    kb = rng.random((5, 4)) < 0.5
    kb[0, 0] = True
    eq(segkit.erode(img8, kb), cv2.erode(img8, kb.astype(np.uint8)))
    eq(segkit.dilate(img8, kb.astype(np.int32) * 3), cv2.dilate(img8, kb.astype(np.uint8)))


def test_iteration_rules(rng):
    img = rand_image(rng, (30, 31), np.uint8)
    k = np.ones((3, 3), np.uint8)
    for it in (0, -1, 1, 2, 5, 9):
        eq(segkit.erode(img, k, iterations=it), cv2.erode(img, k, iterations=it))
        eq(segkit.dilate(img, None, iterations=max(it, 0)),
           cv2.dilate(img, None, iterations=max(it, 0)))
    eq(segkit.erode(img, np.ones((4, 2), np.uint8), anchor=(0, 3), iterations=4),
       cv2.erode(img, np.ones((4, 2), np.uint8), anchor=(0, 3), iterations=4))
    eq(segkit.erode(img, np.zeros((1, 1), np.uint8)), cv2.erode(img, np.zeros((1, 1), np.uint8)))
    for op in OPS:
        eq(segkit.morphology_ex(img, op, None, iterations=2),
           cv2.morphologyEx(img, op, None, iterations=2))


def test_float_border_and_infinities(rng):
    """cv2's float border is +-FLT_MAX, not infinity: an all-inf window that reaches the
    border gives FLT_MAX; a kernel entirely outside the image gives the border value."""
    img = rand_image(rng, (12, 15), np.float32)
    img[:, :3] = np.inf
    img[5:, 9:] = -np.inf
    for shape, ks in ((0, (3, 3)), (2, (7, 7)), (0, (9, 9)), (1, (5, 3))):
        k = cv2.getStructuringElement(shape, ks)
        for op in OPS:
            eq(segkit.morphology_ex(img, op, k), cv2.morphologyEx(img, op, k))
    k = np.zeros((1, 5), np.uint8)
    k[0, 4] = 1
    for t in (np.uint8, np.uint16, np.float32):
        col = rand_image(rng, (3, 2), t)
        eq(segkit.erode(col, k, anchor=(0, 0)), cv2.erode(col, k, anchor=(0, 0)))
        eq(segkit.dilate(col, k, anchor=(0, 0)), cv2.dilate(col, k, anchor=(0, 0)))


def test_hit_or_miss(rng):
    for trial in range(60):
        h, w = int(rng.integers(1, 40)), int(rng.integers(1, 40))
        img = rand_image(rng, (h, w), np.uint8, density=rng.uniform(0.1, 0.9))
        kh, kw = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        k = rng.integers(-1, 2, (kh, kw)).astype(np.int32)
        it = int(rng.integers(1, 3))
        eq(segkit.morphology_ex(img, segkit.MORPH_HITMISS, k, iterations=it),
           cv2.morphologyEx(img, cv2.MORPH_HITMISS, k, iterations=it), "trial %d" % trial)
    img = rand_image(rng, (20, 20), np.uint8, density=0.5)
    for k in (np.array([[0, 1, 0], [-1, 1, -1], [0, 0, 0]], np.int32),
              np.zeros((3, 3), np.int32), -np.ones((3, 3), np.int32),
              np.array([[0, 1, 0], [1, -1, 1], [0, 1, 0]], np.int8)):
        eq(segkit.morphology_ex(img, segkit.MORPH_HITMISS, k),
           cv2.morphologyEx(img, cv2.MORPH_HITMISS, k.astype(np.int32)))


def test_views_in_place_and_simd_vs_plain(rng):
    base = rand_image(rng, (80, 90, 3), np.uint8)
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))
    for view in (base[::2, ::3], base[5:-3, 7:], base[:, :, 1], base[::-1, ::-1]):
        for op in OPS:
            eq(segkit.morphology_ex(view, op, k), cv2.morphologyEx(view, op, k))
    for op in OPS:
        a = base.copy()
        ref = cv2.morphologyEx(a, op, k, iterations=2)
        out = segkit.morphology_ex(a, op, k, dst=a, iterations=2)
        assert out is a
        eq(a, ref)
    a = base.copy()
    segkit.erode(a, k, dst=a)
    eq(a, cv2.erode(base, k))
    big = rand_image(rng, (130, 257), np.uint16)
    for shape, ks in ((0, (3, 3)), (0, (21, 9)), (2, (15, 15)), (1, (3, 5))):
        kk = cv2.getStructuringElement(shape, ks)
        fast = segkit.morphology_ex(big, cv2.MORPH_GRADIENT, kk)
        segkit.set_use_optimized(False)
        try:
            plain = segkit.morphology_ex(big, cv2.MORPH_GRADIENT, kk)
        finally:
            segkit.set_use_optimized(True)
        eq(fast, plain)


@pytest.mark.parametrize("name", ["coins.png", "astronaut.png", "horse", "page"])
def test_real_images(name):
    path = sample_path(name) if "." in name else data_path("binary", name + ".png")
    img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    assert img is not None
    gray = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_OTSU)
    for src in (img, mask):
        for shape, ks in ((2, (5, 5)), (0, (15, 15)), (0, (3, 3)), (2, (31, 31)),
                          (0, (51, 51)), (1, (9, 9))):
            k = cv2.getStructuringElement(shape, ks)
            for op in OPS:
                eq(segkit.morphology_ex(src, op, k), cv2.morphologyEx(src, op, k),
                   "%s op %d shape %d %s" % (name, op, shape, ks))
        eq(segkit.morphology_ex(mask, segkit.MORPH_HITMISS,
                                np.array([[-1, -1, -1], [0, 1, 0], [1, 1, 1]], np.int32)),
           cv2.morphologyEx(mask, cv2.MORPH_HITMISS,
                            np.array([[-1, -1, -1], [0, 1, 0], [1, 1, 1]], np.int32)))


def test_bad_input_gives_clear_errors():
    img = np.zeros((6, 7), np.uint8)
    k3 = np.ones((3, 3), np.uint8)
    cases = [
        (lambda: segkit.erode(np.zeros((0, 4), np.uint8), k3), "empty"),
        (lambda: segkit.erode(np.zeros((4, 4), np.int32), k3), "type s32"),
        (lambda: segkit.erode(img, np.zeros((3, 3), np.uint8)), "no member"),
        (lambda: segkit.dilate(img, np.ones((1, 5000), np.uint8)), "too large"),
        (lambda: segkit.erode(img, np.ones((3, 3, 3), np.uint8)), "2-D"),
        (lambda: segkit.erode(img, np.ones((0, 3), np.uint8)), "empty"),
        (lambda: segkit.erode(img, k3, anchor=(3, 0)), "outside"),
        (lambda: segkit.erode(img, k3, anchor=(-2, 1)), "outside"),
        (lambda: segkit.morphology_ex(img, 8, k3), "unknown operation"),
        (lambda: segkit.morphology_ex(img, -1, k3), "unknown operation"),
        (lambda: segkit.morphology_ex(np.zeros((4, 4, 3), np.uint8), 7, k3), "hit-or-miss"),
        (lambda: segkit.morphology_ex(np.zeros((4, 4), np.float32), 7, k3), "hit-or-miss"),
        (lambda: segkit.get_structuring_element(3, (3, 3)), "unknown shape"),
        (lambda: segkit.get_structuring_element(0, (0, 3)), "size"),
        (lambda: segkit.get_structuring_element(0, (3, 100000)), "size"),
        (lambda: segkit.get_structuring_element(1, (3, 3), (3, 1)), "outside"),
        (lambda: segkit.erode(img, k3, dst=np.zeros((6, 6), np.uint8)), "dst"),
    ]
    for f, msg in cases:
        with pytest.raises(segkit.Error, match=msg):
            f()
    if "libasan" in os.environ.get("LD_PRELOAD", ""):
        return  # ASan's preloaded runtime cannot unwind cv2's C++ exceptions
    with pytest.raises(cv2.error):  # the reference refuses these too
        cv2.erode(img, k3, anchor=(3, 0))
    with pytest.raises(cv2.error):
        cv2.morphologyEx(np.zeros((4, 4, 3), np.uint8), 7, k3)


def test_wide_rows_in_place_source_path(rng):
    """Rows wide enough that small kernels read the source in place (edges padded) and
    equal kernel rows are merged first: every shape, sizes 2..15, anchors, f32 infinities."""
    imgs = [rand_image(rng, (19, 203), np.uint8), rand_image(rng, (9, 160, 3), np.uint16),
            rand_image(rng, (17, 150), np.float32)]
    imgs[2][:, :4] = np.inf
    imgs[2][3:, -5:] = -np.inf
    for img in imgs:
        for shape in SHAPES:
            for size in range(2, 16):
                for ks in ((size, size), (size, 3), (3, size)):
                    k = cv2.getStructuringElement(shape, ks)
                    for anchor in ((-1, -1), (0, 0), (ks[0] - 1, ks[1] - 1)):
                        for f, g in ((segkit.erode, cv2.erode), (segkit.dilate, cv2.dilate)):
                            eq(f(img, k, anchor=anchor), g(img, k, anchor=anchor),
                               "%s %s %s %s" % (img.dtype, shape, ks, anchor))


def test_open_close_in_bands(rng):
    """Open/close run fused band by band (first pass recomputed for the rows each band
    needs): tall images give many bands; anchors at the corners move the rows needed."""
    imgs = [rand_image(rng, (700, 300), np.uint8, density=0.4),
            rand_image(rng, (520, 130, 2), np.float32)]
    imgs[1][:40] = np.inf
    for img in imgs:
        for shape, ks in ((2, (5, 5)), (0, (15, 15)), (1, (3, 9)), (2, (9, 3)), (0, (1, 7))):
            k = cv2.getStructuringElement(shape, ks)
            for anchor in ((-1, -1), (0, 0), (ks[0] - 1, ks[1] - 1)):
                for it in (1, 2):
                    for op in (segkit.MORPH_OPEN, segkit.MORPH_CLOSE):
                        eq(segkit.morphology_ex(img, op, k, anchor=anchor, iterations=it),
                           cv2.morphologyEx(img, op, k, anchor=anchor, iterations=it),
                           "%s %s %s it %d op %d" % (shape, ks, anchor, it, op))
