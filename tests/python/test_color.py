"""Parity of segkit.cvt_color with cv2.cvtColor (OpenCV 4.6).

u8 and u16: identical bytes. f32: within rtol=1e-5, atol=1e-5 (cv2's own SIMD and scalar
paths differ by an ulp; see docs/color.md); the f32 Lab LUT is checked exactly.
The 2^24-colour tests run the whole RGB cube (as a 4096x4096 image, in 1024-row chunks)."""
import numpy as np
import pytest
import cv2

import segkit
from conftest import sample_path

U8_CODES = [c for c in range(6)] + [6, 7, 10, 11, 36, 37, 40, 41, 44, 45, 66, 67]
INV_CODES = [38, 39, 54, 55, 56, 57, 70, 71]   # 3-channel YCrCb/HSV/Lab input
GRAY_IN = [8, 9]
U16_CODES = list(range(12)) + [36, 37, 38, 39]
SIZES = [(1, 1), (1, 7), (7, 1), (1, 40), (3, 31), (17, 33), (2, 64), (9, 65), (4, 257)]


@pytest.fixture(autouse=True)
def restore_settings():
    yield
    segkit.set_use_optimized(True)
    segkit.set_num_threads(0)


def channels_for(code):
    if code in GRAY_IN:
        return [1]
    if code in INV_CODES:
        return [3]
    return [3, 4]


def make(rng, h, w, c, dtype, code=None):
    shape = (h, w) if c == 1 else (h, w, c)
    if dtype == np.uint8:
        return rng.integers(0, 256, shape, dtype=np.uint8)
    if dtype == np.uint16:
        return rng.integers(0, 65536, shape, dtype=np.uint16)
    img = rng.random(shape, dtype=np.float32)
    if code in (54, 55, 70, 71):   # H in degrees
        img[..., 0] *= 360
    if code in (56, 57):       # L 0..100, a, b -127..127
        img[..., 0] *= 100
        img[..., 1:] = img[..., 1:] * 254 - 127
    return img


def both(src, code):
    """segkit with SIMD and with plain kernels; they must agree exactly."""
    fast = segkit.cvt_color(src, code)
    segkit.set_use_optimized(False)
    plain = segkit.cvt_color(src, code)
    segkit.set_use_optimized(True)
    assert np.array_equal(fast, plain, equal_nan=True), "SIMD and plain kernels differ"
    return fast


def compare(got, ref, dtype):
    assert got.shape == ref.shape and got.dtype == ref.dtype
    if dtype == np.float32:
        np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)
    else:
        assert np.array_equal(got, ref), "max diff %d" % np.abs(got.astype(int) - ref).max()


def all_colours(rows):
    """Rows [r0, r1) of the 4096x4096 image holding every 24-bit colour once."""
    r0, r1 = rows
    v = np.arange(r0 * 4096, r1 * 4096, dtype=np.uint32)
    return np.stack([v & 255, (v >> 8) & 255, v >> 16], -1).astype(np.uint8).reshape(-1, 4096, 3)


@pytest.mark.parametrize("code", [6, 7, 36, 38, 40, 41, 44, 45, 54, 55, 56, 57, 66, 70])
def test_all_2_24_colours_u8(code):
    # 1024-row chunks (12 MB): big enough for the non-temporal-store paths.
    for r0 in range(0, 4096, 1024):
        img = all_colours((r0, r0 + 1024))
        ref = cv2.cvtColor(img, code)
        got = both(img, code)
        assert np.array_equal(got, ref), "code %d differs in rows %d.." % (code, r0)


@pytest.mark.parametrize("code,w", [(44, 31), (54, 31), (56, 97), (70, 33)])
def test_all_colours_with_odd_row_lengths(code, w):
    # The 2^24 colours again in rows of w pixels: SIMD tails and cv2's
    # position-dependent HSV2BGR rounding (its AVX2 blocks truncate, its tail rounds).
    v = np.arange((1 << 24) // w * w, dtype=np.uint32)
    img = np.stack([v & 255, (v >> 8) & 255, v >> 16], -1).astype(np.uint8).reshape(-1, w, 3)
    assert np.array_equal(both(img, code), cv2.cvtColor(img, code))


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("code", U8_CODES + INV_CODES + GRAY_IN)
def test_random_sizes(rng, code, dtype):
    for (h, w) in SIZES:
        for c in channels_for(code):
            img = make(rng, h, w, c, dtype, code)
            compare(both(img, code), cv2.cvtColor(img, code), dtype)


@pytest.mark.parametrize("code", U16_CODES)
def test_u16(rng, code):
    for (h, w) in SIZES:
        for c in channels_for(code):
            img = make(rng, h, w, c, np.uint16)
            compare(both(img, code), cv2.cvtColor(img, code), np.uint16)


@pytest.mark.parametrize("code", [4, 6, 40, 44, 54, 56])
def test_non_contiguous_views(rng, code):
    c = 3
    big = rng.integers(0, 256, (40, 70, c + 1), dtype=np.uint8)
    views = [big[3:30, 5:66, :c],          # rows with a stride wider than the row
             big[::2, ::3, :c],            # strided columns (copied by the binding)
             big[5:6, 2:69, :c], big[1:38, 7:8, :c]]
    for v in views:
        assert np.array_equal(both(v, code), cv2.cvtColor(v, code))
    f = big.astype(np.float32) / 255
    for v in (f[3:30, 5:66, :c], f[::2, ::3, :c]):
        compare(both(v, code if code < 54 else 4), cv2.cvtColor(v, code if code < 54 else 4),
                np.float32)


@pytest.mark.parametrize("name", ["astronaut.png", "chelsea.png", "coffee.png"])
def test_real_images(name):
    bgr = cv2.imread(sample_path(name), cv2.IMREAD_COLOR)
    assert bgr is not None
    for code in [4, 6, 7, 36, 40, 41, 44, 45, 0]:
        assert np.array_equal(both(bgr, code), cv2.cvtColor(bgr, code)), code
    for code, fwd in [(38, 36), (54, 40), (55, 41), (56, 44), (57, 45), (70, 66), (71, 67)]:
        x = cv2.cvtColor(bgr, fwd)
        assert np.array_equal(both(x, code), cv2.cvtColor(x, code)), code
    f = bgr.astype(np.float32) / 255
    for code in [6, 40, 44]:
        compare(both(f, code), cv2.cvtColor(f, code), np.float32)
    for code, fwd in [(54, 40), (56, 44)]:
        x = cv2.cvtColor(f, fwd)
        compare(both(x, code), cv2.cvtColor(x, code), np.float32)


def test_lab_f32_lut_is_opencvs():
    # At the 33^3 grid points cv2's interpolated f32 Lab returns its LUT entries exactly.
    g = np.stack(np.meshgrid(*[np.arange(33)] * 3, indexing="ij"), -1)
    img = (g.reshape(33 * 33, 33, 3) / 32).astype(np.float32)
    for code in (44, 45):
        assert np.array_equal(both(img, code), cv2.cvtColor(img, code))


def test_f32_out_of_range_inputs(rng):
    img = (rng.random((9, 33, 3), dtype=np.float32) * 3 - 1)   # cv2 clips Lab input to 0..1
    compare(both(img, 44), cv2.cvtColor(img, 44), np.float32)
    compare(both(img, 6), cv2.cvtColor(img, 6), np.float32)


def test_f32_nan_and_inf_do_not_crash(rng):
    img = rng.random((5, 37, 3), dtype=np.float32)
    img[0, ::3] = np.nan
    img[1, ::2] = np.inf
    img[2, ::2] = -np.inf
    for code in (6, 36, 38, 40, 44, 54, 56):
        out = both(img, code)        # SIMD and plain agree, no crash
        assert out.shape[:2] == img.shape[:2]
    # Where cv2 is well defined (clipped Lab input), segkit agrees.
    ok = np.isfinite(img).all(-1) | np.isinf(img).any(-1) & ~np.isnan(img).any(-1)
    a, b = cv2.cvtColor(img, 44), segkit.cvt_color(img, 44)
    assert np.array_equal(a[ok], b[ok])


def test_result_does_not_depend_on_threads(rng):
    img = rng.integers(0, 256, (301, 123, 3), dtype=np.uint8)
    for code in (6, 40, 44, 56):
        segkit.set_num_threads(1)
        one = segkit.cvt_color(img, code)
        segkit.set_num_threads(3)
        assert np.array_equal(one, segkit.cvt_color(img, code))


def test_dst_argument(rng):
    img = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)
    out = np.zeros((20, 30, 3), np.uint8)
    res = segkit.cvt_color(img, segkit.COLOR_BGR2LAB, out)
    assert res is out and np.array_equal(out, cv2.cvtColor(img, cv2.COLOR_BGR2Lab))
    gray = np.zeros((20, 30), np.uint8)
    segkit.cvt_color(img, segkit.COLOR_BGR2GRAY, gray)
    assert np.array_equal(gray, cv2.cvtColor(img, cv2.COLOR_BGR2GRAY))


def test_constants_match_cv2():
    names = [n for n in segkit.color.__all__ if n.startswith("COLOR_")]
    assert "COLOR_BGR2LAB" in names and "COLOR_BGR2Lab" in names
    checked = 0
    for n in names:
        if hasattr(cv2, n):
            assert getattr(segkit, n) == getattr(cv2, n), n
            checked += 1
        else:   # an upper-case alias of a cv2 name
            alias = [m for m in dir(cv2) if m.upper() == n.upper() and m.startswith("COLOR_")]
            assert alias and getattr(cv2, alias[0]) == getattr(segkit, n), n
    assert checked >= 36


def test_bad_input(rng):
    img3 = rng.integers(0, 256, (5, 6, 3), dtype=np.uint8)
    gray = img3[..., 0].copy()
    four = rng.integers(0, 256, (5, 6, 4), dtype=np.uint8)
    with pytest.raises(segkit.Error, match="unknown conversion code 999"):
        segkit.cvt_color(img3, 999)
    with pytest.raises(segkit.Error, match="unknown conversion code"):
        segkit.cvt_color(img3, 12)
    with pytest.raises(segkit.Error, match="BGR2GRAY needs 3 or 4 channels, the input has 1"):
        segkit.cvt_color(gray, segkit.COLOR_BGR2GRAY)
    with pytest.raises(segkit.Error, match="GRAY2BGR needs 1 channels"):
        segkit.cvt_color(img3, segkit.COLOR_GRAY2BGR)
    with pytest.raises(segkit.Error, match="HSV2BGR needs 3 channels"):
        segkit.cvt_color(four, segkit.COLOR_HSV2BGR)
    with pytest.raises(segkit.Error, match="LAB2BGR does not support element type u16"):
        segkit.cvt_color(img3.astype(np.uint16), segkit.COLOR_Lab2BGR)
    with pytest.raises(segkit.Error, match="BGR2HSV does not support element type s32"):
        segkit.cvt_color(img3.astype(np.int32), segkit.COLOR_BGR2HSV)
    with pytest.raises(segkit.Error, match="dtype float64"):
        segkit.cvt_color(img3.astype(np.float64), segkit.COLOR_BGR2LAB)
    with pytest.raises(segkit.Error, match="output is 6x5x3 u8, expected 6x5x1 u8"):
        segkit.cvt_color(img3, segkit.COLOR_BGR2GRAY, np.zeros((5, 6, 3), np.uint8))
    with pytest.raises(segkit.Error, match="expected 6x5x3 u8"):
        segkit.cvt_color(img3, segkit.COLOR_BGR2LAB, np.zeros((5, 7, 3), np.uint8))
    with pytest.raises(segkit.Error, match="expected 6x5x3 u8"):
        segkit.cvt_color(img3, segkit.COLOR_BGR2LAB, np.zeros((5, 6, 3), np.float32))
    with pytest.raises(segkit.Error, match="must not overlap"):
        segkit.cvt_color(img3, segkit.COLOR_BGR2RGB, img3)
    with pytest.raises(segkit.Error, match="empty"):
        segkit.cvt_color(np.zeros((0, 4, 3), np.uint8), segkit.COLOR_BGR2RGB)
