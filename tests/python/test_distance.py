"""Distance transforms: parity with cv2.distanceTransform / distanceTransformWithLabels
(OpenCV 4.6) on random blobs, thin structures, real images and edge cases."""
import glob
import os

import cv2
import numpy as np
import pytest

import segkit
from conftest import data_path, sample_path

TYPES = [(segkit.DIST_L1, 3), (segkit.DIST_L1, 5), (segkit.DIST_C, 3), (segkit.DIST_C, 5),
         (segkit.DIST_L2, 3), (segkit.DIST_L2, 5), (segkit.DIST_L2, 0), (segkit.DIST_L1, 0)]


def blobs(h, w, seed, sigma, thr=0.5):
    r = np.random.default_rng(seed)
    f = cv2.GaussianBlur(r.random((h, w)).astype(np.float32), (0, 0), sigma)
    return (f > thr).astype(np.uint8)


def random_inputs():
    rng = np.random.default_rng(2024)
    out = []
    for h, w in [(1, 1), (1, 17), (23, 1), (2, 2), (5, 7), (31, 64), (64, 31), (97, 203),
                 (128, 128)]:
        for k in range(3):
            sigma = float(rng.uniform(0.3, max(0.5, min(h, w) / 3)))
            a = blobs(h, w, int(rng.integers(1 << 30)), sigma, float(rng.uniform(0.3, 0.7)))
            out.append(a)
        out.append((rng.random((h, w)) > 0.05).astype(np.uint8) * 255)  # sparse zeros
        one = np.ones((h, w), np.uint8)
        one[rng.integers(h), rng.integers(w)] = 0  # a single zero: long distances
        out.append(one)
    return out


def real_masks():
    coins = cv2.imread(sample_path("coins.png"), cv2.IMREAD_GRAYSCALE)
    _, th = cv2.threshold(coins, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    masks = [th, 255 - th]
    for p in sorted(glob.glob(data_path("nuclei", "labels", "*.png")))[:6]:
        lab = cv2.imread(p, cv2.IMREAD_UNCHANGED)
        masks.append((lab > 0).astype(np.uint8))
    return masks


@pytest.mark.parametrize("dt,ms", TYPES)
def test_random_and_edge_inputs_match_cv2(dt, ms):
    for a in random_inputs():
        assert np.array_equal(segkit.distance_transform(a, dt, ms), cv2.distanceTransform(a, dt, ms))


@pytest.mark.parametrize("dt,ms", TYPES)
def test_real_images_match_cv2(dt, ms):
    for a in real_masks():
        assert np.array_equal(segkit.distance_transform(a, dt, ms), cv2.distanceTransform(a, dt, ms))


def test_no_zero_pixel_gives_cv2_infinity():
    for shape in [(1, 1), (3, 4), (40, 70)]:
        a = np.full(shape, 7, np.uint8)
        for dt, ms in TYPES:
            assert np.array_equal(segkit.distance_transform(a, dt, ms), cv2.distanceTransform(a, dt, ms))
        for lt in (0, 1):
            sd, sl = segkit.distance_transform_with_labels(a, segkit.DIST_L2, 5, lt)
            rd, rl = cv2.distanceTransformWithLabels(a, cv2.DIST_L2, 5, labelType=lt)
            assert np.array_equal(sd, rd) and np.array_equal(sl, rl)


def test_all_zero_image():
    a = np.zeros((9, 13), np.uint8)
    for dt, ms in TYPES:
        assert np.array_equal(segkit.distance_transform(a, dt, ms), cv2.distanceTransform(a, dt, ms))


def test_non_contiguous_views():
    base = blobs(120, 150, 3, 4)
    for a in (base[::2, ::3], base[10:90, 20:77], base.T):
        for dt, ms in TYPES:
            assert np.array_equal(segkit.distance_transform(a, dt, ms),
                                  cv2.distanceTransform(np.ascontiguousarray(a), dt, ms))


def test_l1_u8_output_matches_cv2():
    inputs = random_inputs() + real_masks()
    big = np.ones((300, 700), np.uint8)  # distances above 255 saturate
    big[0, 0] = 0
    inputs.append(big)
    for a in inputs:
        r = cv2.distanceTransform(a, cv2.DIST_L1, 3, dstType=cv2.CV_8U)
        s = segkit.distance_transform(a, segkit.DIST_L1, 3, 0)
        assert s.dtype == np.uint8 and np.array_equal(s, r)
    # as in cv2, CV_8U with another distance type gives float32 distances
    a = inputs[5]
    assert np.array_equal(segkit.distance_transform(a, segkit.DIST_L2, 5, 0),
                          cv2.distanceTransform(a, cv2.DIST_L2, 5, dstType=cv2.CV_8U))


@pytest.mark.parametrize("lt", [segkit.DIST_LABEL_CCOMP, segkit.DIST_LABEL_PIXEL])
def test_labels_match_cv2(lt):
    for a in random_inputs()[::2] + real_masks()[:4]:
        for dt in (1, 2, 3):
            for ms in (0, 3, 5):
                sd, sl = segkit.distance_transform_with_labels(a, dt, ms, lt)
                rd, rl = cv2.distanceTransformWithLabels(a, dt, ms, labelType=lt)
                assert np.array_equal(sd, rd) and np.array_equal(sl, rl), (a.shape, dt, ms)


def test_plain_and_simd_agree_and_threads_do_not_matter():
    inputs = [blobs(300, 517, 9, 6), blobs(200, 333, 4, 30, 0.45), real_masks()[0]]
    one = np.ones((150, 400), np.uint8)
    one[75, 200] = 0  # far pixels take the envelope path
    inputs.append(one)
    try:
        for a in inputs:
            for dt, ms in [(2, 0), (2, 5), (2, 3), (1, 3)]:
                ref = cv2.distanceTransform(a, dt, ms)
                for opt in (False, True):
                    segkit.set_use_optimized(opt)
                    for th in (1, 2, 3):
                        segkit.set_num_threads(th)
                        assert np.array_equal(segkit.distance_transform(a, dt, ms), ref)
    finally:
        segkit.set_use_optimized(True)
        segkit.set_num_threads(0)


def test_precise_large_and_wide():
    a = blobs(1080, 1920, 1, 8)
    assert np.array_equal(segkit.distance_transform(a, 2, 0), cv2.distanceTransform(a, 2, 0))
    # Up to 4096 columns cv2's float squares are exact and the results identical. Wider
    # rows lose precision in cv2 4.6 (zero pixels can come out as 1); segkit stays exact
    # there, checked against scipy's exact transform.
    w = blobs(3, 4096, 2, 1.5)
    assert np.array_equal(segkit.distance_transform(w, 2, 0), cv2.distanceTransform(w, 2, 0))
    from scipy import ndimage as ndi
    wide = blobs(4, 5000, 3, 1.5)
    exact = ndi.distance_transform_edt(wide).astype(np.float32)
    assert np.allclose(segkit.distance_transform(wide, 2, 0), exact, rtol=1e-6, atol=0)


def test_bad_input():
    a = np.ones((5, 5), np.uint8)
    with pytest.raises(segkit.Error, match="uint8"):
        segkit.distance_transform(a.astype(np.float32), 2, 3)
    with pytest.raises(segkit.Error, match="single-channel"):
        segkit.distance_transform(np.ones((5, 5, 3), np.uint8), 2, 3)
    with pytest.raises(segkit.Error, match="distance type 7"):
        segkit.distance_transform(a, 7, 3)
    with pytest.raises(segkit.Error, match="mask size 4"):
        segkit.distance_transform(a, 2, 4)
    with pytest.raises(segkit.Error, match="dstType"):
        segkit.distance_transform(a, 2, 3, 2)
    with pytest.raises(segkit.Error, match="label type 5"):
        segkit.distance_transform_with_labels(a, 2, 5, 5)
    with pytest.raises(segkit.Error, match="empty"):
        segkit.distance_transform(np.zeros((0, 4), np.uint8), 2, 3)
