"""Parity of segkit's Gaussian and box blur with OpenCV 4.6 (cv2).

u8 and u16 results must be identical (cv2's u8/u16 GaussianBlur is bit-exact fixed
point; its box filter sums in integers). f32 results agree within 1e-5 relative: both
filter in float with the same kernel, but add the taps in different orders."""
import itertools

import cv2
import numpy as np
import pytest

import segkit
from conftest import sample_path

BORDERS = [cv2.BORDER_CONSTANT, cv2.BORDER_REPLICATE, cv2.BORDER_REFLECT,
           cv2.BORDER_REFLECT_101]
SIZES = [(1, 1), (1, 7), (7, 1), (2, 3), (3, 2), (5, 4), (13, 17), (33, 9), (64, 48)]


def rand_image(rng, h, w, cn, dtype):
    shape = (h, w) if cn == 1 else (h, w, cn)
    if dtype == np.uint8:
        return rng.integers(0, 256, shape, dtype=np.uint8)
    if dtype == np.uint16:
        return rng.integers(0, 65536, shape, dtype=np.uint16)
    return (rng.random(shape) * 4 - 1).astype(np.float32)


def assert_same(got, want, dtype):
    assert got.shape == want.shape and got.dtype == want.dtype
    if dtype == np.float32:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    else:
        if not np.array_equal(got, want):
            diff = np.argwhere(got != want)
            raise AssertionError("%d pixels differ, first at %s: %s vs %s" % (
                len(diff), diff[0], got[tuple(diff[0])], want[tuple(diff[0])]))


def test_constants_match_cv2():
    for name in ["BORDER_CONSTANT", "BORDER_REPLICATE", "BORDER_REFLECT", "BORDER_REFLECT_101",
                 "BORDER_REFLECT101", "BORDER_DEFAULT"]:
        assert getattr(segkit, name) == getattr(cv2, name)


@pytest.mark.parametrize("ksize", range(1, 42))
def test_get_gaussian_kernel_exact(ksize):
    for sigma in [0, -1, 0.1, 0.3, 0.5, 0.8, 1, 1.1, 1.5, 2, 2.7, 3.3, 5, 7.25, 20]:
        want = cv2.getGaussianKernel(ksize, sigma)
        got = segkit.get_gaussian_kernel(ksize, sigma)
        assert got.shape == want.shape and got.dtype == want.dtype
        assert np.array_equal(got, want), (ksize, sigma, np.abs(got - want).max())


GAUSS_CASES = [((3, 3), 0, 0), ((5, 5), 0, 0), ((7, 7), 0, 0), ((9, 9), 0, 0), ((11, 11), 0, 0),
               ((0, 0), 1.3, 0), ((0, 0), 0.6, 2.1), ((5, 3), 0, 0), ((1, 7), 0, 0),
               ((9, 1), 2.0, 0), ((3, 15), 1.0, 4.0), ((31, 31), 0, 0), ((0, 5), 1.7, 0)]


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
@pytest.mark.parametrize("cn", [1, 2, 3, 4])
def test_gaussian_random_small(rng, dtype, cn):
    for (h, w), border, (ks, sx, sy) in itertools.product(SIZES, BORDERS, GAUSS_CASES):
        img = rand_image(rng, h, w, cn, dtype)
        want = cv2.GaussianBlur(img, ks, sx, sigmaY=sy, borderType=border)
        got = segkit.gaussian_blur(img, ks, sx, sigmaY=sy, borderType=border)
        assert_same(got, want, dtype)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
def test_gaussian_all_ksizes(rng, dtype):
    img = rand_image(rng, 45, 70, 3, dtype)
    for k in range(1, 32, 2):
        for sigma in [0, 0.7, float(rng.uniform(0.3, 8))]:
            for border in BORDERS:
                want = cv2.GaussianBlur(img, (k, k), sigma, borderType=border)
                got = segkit.gaussian_blur(img, (k, k), sigma, borderType=border)
                assert_same(got, want, dtype)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
def test_gaussian_sigma_only(rng, dtype):
    """ksize (0, 0): size from sigma (x3 for u8, x4 otherwise), sigma_y from sigma_x."""
    img = rand_image(rng, 97, 131, 1, dtype)
    for sx, sy in [(0.2, 0), (0.5, 0), (1, 0), (1.49, 0), (2.5, 0), (3, 0), (4.2, 1.1),
                   (0.9, 6.0), (25, 0), (11, 30)]:
        want = cv2.GaussianBlur(img, (0, 0), sx, sigmaY=sy)
        got = segkit.gaussian_blur(img, (0, 0), sx, sigmaY=sy)
        assert_same(got, want, dtype)


def test_gaussian_random_sigmas_u8(rng):
    """Random sigmas and sizes: the fixed-point kernel's rounding must follow cv2's."""
    for _ in range(150):
        h, w = rng.integers(1, 40, 2)
        cn = int(rng.choice([1, 3, 4]))
        img = rand_image(rng, h, w, cn, np.uint8)
        kw, kh = (int(v) * 2 + 1 for v in rng.integers(0, 10, 2))
        sx, sy = rng.uniform(0.05, 6, 2)
        border = int(rng.choice(BORDERS))
        want = cv2.GaussianBlur(img, (kw, kh), sx, sigmaY=sy, borderType=border)
        got = segkit.gaussian_blur(img, (kw, kh), sx, sigmaY=sy, borderType=border)
        assert_same(got, want, np.uint8)


@pytest.mark.parametrize("name", ["astronaut.png", "camera.png", "coins.png", "chelsea.png",
                                  "rocket.jpg"])
def test_gaussian_real_images(name):
    img = cv2.imread(sample_path(name), cv2.IMREAD_UNCHANGED)
    assert img is not None
    for ks, sigma in [((5, 5), 0), ((0, 0), 3), ((3, 9), 1.2), ((15, 15), 0)]:
        for border in [cv2.BORDER_REFLECT_101, cv2.BORDER_CONSTANT]:
            want = cv2.GaussianBlur(img, ks, sigma, borderType=border)
            got = segkit.gaussian_blur(img, ks, sigma, borderType=border)
            assert_same(got, want, np.uint8)
    f = img.astype(np.float32) / 255
    assert_same(segkit.gaussian_blur(f, (0, 0), 2), cv2.GaussianBlur(f, (0, 0), 2), np.float32)
    u16 = img.astype(np.uint16) * 257
    assert_same(segkit.gaussian_blur(u16, (7, 7), 0), cv2.GaussianBlur(u16, (7, 7), 0),
                np.uint16)


def test_gaussian_wide_simd_rows(rng):
    """Widths around the SIMD block sizes (16/32/64 elements) and their tails."""
    for w in [15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 129, 300]:
        for cn in [1, 3]:
            img = rand_image(rng, 21, w, cn, np.uint8)
            for ks in [(3, 3), (5, 5), (0, 0)]:
                want = cv2.GaussianBlur(img, ks, 2.2 if ks == (0, 0) else 0)
                got = segkit.gaussian_blur(img, ks, 2.2 if ks == (0, 0) else 0)
                assert_same(got, want, np.uint8)
            f = img.astype(np.float32)
            assert_same(segkit.gaussian_blur(f, (7, 7), 0), cv2.GaussianBlur(f, (7, 7), 0),
                        np.float32)


def test_gaussian_simd_equals_plain(rng):
    """The SIMD kernels against the plain C ones (the oracle), on images big enough to
    span many bands and vector blocks."""
    img = rand_image(rng, 301, 517, 3, np.uint8)
    f = img.astype(np.float32)
    u16 = rand_image(rng, 301, 517, 3, np.uint16)
    cases = [((5, 5), 0), ((0, 0), 3), ((3, 21), 0), ((0, 0), 9.5)]
    try:
        res = {}
        for opt in (False, True):
            segkit.set_use_optimized(opt)
            res[opt] = [segkit.gaussian_blur(a, ks, s) for a in (img, f, u16) for ks, s in cases]
    finally:
        segkit.set_use_optimized(True)
    for a, b in zip(res[False], res[True]):
        assert np.array_equal(a, b)


def test_gaussian_threads_do_not_change_results(rng):
    img = rand_image(rng, 400, 123, 1, np.float32)
    old = segkit.get_num_threads()
    try:
        segkit.set_num_threads(1)
        a = segkit.gaussian_blur(img, (0, 0), 2.5)
        segkit.set_num_threads(2)
        b = segkit.gaussian_blur(img, (0, 0), 2.5)
    finally:
        segkit.set_num_threads(old)
    assert np.array_equal(a, b)


def test_gaussian_views_dst_and_in_place(rng):
    big = rand_image(rng, 80, 90, 3, np.uint8)
    view = big[5:70:2, 3:80:3]  # non-contiguous
    assert_same(segkit.gaussian_blur(view, (5, 5), 0), cv2.GaussianBlur(view, (5, 5), 0),
                np.uint8)
    roi = big[10:50, 10:60]  # contiguous rows, row stride larger than the width
    want = cv2.GaussianBlur(np.ascontiguousarray(roi), (7, 7), 0)
    assert_same(segkit.gaussian_blur(roi, (7, 7), 0), want, np.uint8)
    dst = np.zeros_like(big)
    out = segkit.gaussian_blur(big, (5, 5), 0, dst=dst)
    assert out is dst
    assert_same(dst, cv2.GaussianBlur(big, (5, 5), 0), np.uint8)
    want = cv2.GaussianBlur(big, (9, 9), 0)
    segkit.gaussian_blur(big, (9, 9), 0, dst=big)  # in place
    assert_same(big, want, np.uint8)
    f = rand_image(rng, 64, 33, 1, np.float32)
    want = cv2.GaussianBlur(f, (0, 0), 1.5)
    segkit.gaussian_blur(f, (0, 0), 1.5, dst=f)
    assert_same(f, want, np.float32)


BOX_KSIZES = [(1, 1), (2, 2), (3, 3), (5, 5), (4, 7), (1, 9), (8, 1), (16, 16), (17, 16),
              (31, 31), (30, 3), (45, 2), (3, 40)]


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
@pytest.mark.parametrize("cn", [1, 3, 4])
def test_box_random(rng, dtype, cn):
    """Small and odd sizes, every border, sizes both sides of cv2's 256-tap switch, and
    row lengths that are not multiples of 8 (cv2 rounds its SIMD part in float)."""
    for (h, w), border, ks in itertools.product(SIZES + [(20, 37)], BORDERS, BOX_KSIZES):
        img = rand_image(rng, h, w, cn, dtype)
        for norm in (True, False):
            want = cv2.boxFilter(img, -1, ks, normalize=norm, borderType=border)
            got = segkit.box_filter(img, -1, ks, normalize=norm, borderType=border)
            assert_same(got, want, dtype)
        assert_same(segkit.blur(img, ks, borderType=border),
                    cv2.blur(img, ks, borderType=border), dtype)


@pytest.mark.parametrize("name", ["astronaut.png", "coins.png"])
def test_box_real_images(name):
    img = cv2.imread(sample_path(name), cv2.IMREAD_UNCHANGED)
    for ks in [(3, 3), (5, 5), (7, 5), (21, 21), (31, 31)]:
        assert_same(segkit.blur(img, ks), cv2.blur(img, ks), np.uint8)
        u16 = img.astype(np.uint16) * 257
        assert_same(segkit.blur(u16, ks), cv2.blur(u16, ks), np.uint16)
        f = img.astype(np.float32)
        assert_same(segkit.blur(f, ks), cv2.blur(f, ks), np.float32)


def test_box_simd_equals_plain_and_in_place(rng):
    img = rand_image(rng, 333, 401, 3, np.uint8)
    try:
        segkit.set_use_optimized(False)
        a = [segkit.box_filter(img, -1, ks, normalize=n) for ks in BOX_KSIZES for n in (1, 0)]
        segkit.set_use_optimized(True)
        b = [segkit.box_filter(img, -1, ks, normalize=n) for ks in BOX_KSIZES for n in (1, 0)]
    finally:
        segkit.set_use_optimized(True)
    for x, y in zip(a, b):
        assert np.array_equal(x, y)
    want = cv2.blur(img, (5, 5))
    segkit.blur(img, (5, 5), dst=img)
    assert_same(img, want, np.uint8)


def test_errors(rng):
    img = rand_image(rng, 10, 10, 1, np.uint8)
    bad = [
        (lambda: segkit.gaussian_blur(img, (4, 5), 0), "odd"),
        (lambda: segkit.gaussian_blur(img, (-3, -3), 1), "negative"),
        (lambda: segkit.gaussian_blur(img, (0, 0), 0), "sigma"),
        (lambda: segkit.gaussian_blur(img, (3, 3), 0, borderType=3), "border"),
        (lambda: segkit.gaussian_blur(img, (3, 3), 0, borderType=16), "border"),
        (lambda: segkit.gaussian_blur(img, (3, 3), float("nan")), "sigma"),
        (lambda: segkit.gaussian_blur(img, (0, 0), 1e9), "larger"),
        (lambda: segkit.gaussian_blur(img.astype(np.int32), (3, 3), 0), "type"),
        (lambda: segkit.gaussian_blur(np.zeros((0, 5), np.uint8), (3, 3), 0), "empty"),
        (lambda: segkit.gaussian_blur(img, 3, 0), "ksize"),
        (lambda: segkit.gaussian_blur(img, (3, 3), 0, dst=np.zeros((9, 10), np.uint8)), "dst"),
        (lambda: segkit.box_filter(img, cv2.CV_32F, (3, 3)), "ddepth"),
        (lambda: segkit.box_filter(img, -1, (0, 3)), "positive"),
        (lambda: segkit.blur(img, (3, 3), anchor=(0, 0)), "anchor"),
        (lambda: segkit.blur(img, (3, 3), borderType=5), "border"),
        (lambda: segkit.get_gaussian_kernel(0, 1), "ksize"),
    ]
    for call, word in bad:
        with pytest.raises(segkit.Error) as e:
            call()
        assert word in str(e.value), str(e.value)


def test_single_row_even_kernel_like_cv2(rng):
    """cv2 turns the kernel of a length-1 side into 1 (non-constant borders), so an even
    size along that side is accepted there."""
    row = rand_image(rng, 1, 20, 1, np.uint8)
    assert_same(segkit.gaussian_blur(row, (5, 4), 0), cv2.GaussianBlur(row, (5, 4), 0),
                np.uint8)


def test_output_shapes_like_cv2(rng):
    """An H x W x 1 input gives H x W (as cv2 does); a given dst keeps its own shape."""
    a = rand_image(rng, 9, 11, 1, np.uint8)[:, :, None]
    for ours, theirs in [(segkit.gaussian_blur(a, (3, 3), 0), cv2.GaussianBlur(a, (3, 3), 0)),
                         (segkit.blur(a, (3, 3)), cv2.blur(a, (3, 3))),
                         (segkit.box_filter(a, -1, (3, 3)), cv2.boxFilter(a, -1, (3, 3)))]:
        assert ours.shape == theirs.shape == (9, 11)
        assert np.array_equal(ours, theirs)
    d = np.empty_like(a)
    assert segkit.gaussian_blur(a, (3, 3), 0, dst=d) is d and d.shape == (9, 11, 1)
    assert np.array_equal(d[:, :, 0], cv2.GaussianBlur(a, (3, 3), 0))
