"""Drawing is pixel-identical to cv2 4.6 (LINE_8 / LINE_4, thin, thick and filled)."""
import cv2
import numpy as np
import pytest

import segkit
from conftest import data_path, sample_path

KINDS = ((np.uint8, 1), (np.uint8, 3), (np.uint8, 4), (np.int32, 1), (np.uint16, 1),
         (np.float32, 1))


def canvas(rng, h, w, dt, ch):
    shape = (h, w) if ch == 1 else (h, w, ch)
    return rng.integers(0, 100, shape).astype(dt)


def color_for(rng, ch):
    if ch == 1:
        return float(rng.integers(1, 300))
    return tuple(float(v) for v in rng.integers(0, 256, ch))


def test_lines_rectangles(rng):
    for _ in range(150):
        h, w = (int(v) for v in rng.integers(1, 50, 2))
        dt, ch = KINDS[rng.integers(len(KINDS))]
        base = canvas(rng, h, w, dt, ch)
        color = color_for(rng, ch)
        p1 = tuple(int(v) for v in rng.integers(-20, 70, 2))
        p2 = tuple(int(v) for v in rng.integers(-20, 70, 2))
        for th in (1, 2, 3, 6):
            for lt in (segkit.LINE_4, segkit.LINE_8):
                a, b = base.copy(), base.copy()
                cv2.line(a, p1, p2, color, th, lt)
                assert segkit.line(b, p1, p2, color, th, lt) is b
                assert np.array_equal(a, b), (p1, p2, th, lt, dt, ch)
        for th in (1, 2, 4, segkit.FILLED):
            a, b = base.copy(), base.copy()
            cv2.rectangle(a, p1, p2, color, th)
            segkit.rectangle(b, p1, p2, color, th)
            assert np.array_equal(a, b), (p1, p2, th)


def test_polylines_fill_poly(rng):
    for _ in range(150):
        h, w = (int(v) for v in rng.integers(1, 60, 2))
        dt, ch = KINDS[rng.integers(len(KINDS))]
        base = canvas(rng, h, w, dt, ch)
        color = color_for(rng, ch)
        polys = [rng.integers(-10, 70, (rng.integers(1, 9), 1, 2)).astype(np.int32)
                 for _ in range(rng.integers(1, 4))]
        for closed in (False, True):
            for th in (1, 3):
                a, b = base.copy(), base.copy()
                cv2.polylines(a, polys, closed, color, th)
                segkit.polylines(b, polys, closed, color, th)
                assert np.array_equal(a, b)
        for off in ((0, 0), (3, -2)):
            for lt in (segkit.LINE_4, segkit.LINE_8):
                a, b = base.copy(), base.copy()
                cv2.fillPoly(a, polys, color, lt, offset=off)
                segkit.fill_poly(b, polys, color, lt, offset=off)
                assert np.array_equal(a, b)


def contour_sets(rng):
    for i in range(40):
        h, w = (int(v) for v in rng.integers(5, 70, 2))
        m = (rng.random((h, w)) < rng.choice([0.3, 0.5, 0.7])).astype(np.uint8)
        if i % 2:
            m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
        yield m
    coins = cv2.imread(sample_path("coins.png"), cv2.IMREAD_GRAYSCALE)
    yield cv2.threshold(coins, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
    text = cv2.imread(data_path("contours", "text.png"), cv2.IMREAD_GRAYSCALE)
    yield (text < 100).astype(np.uint8)


def test_draw_contours(rng):
    for m in contour_sets(rng):
        h, w = m.shape
        for mode in (cv2.RETR_TREE, cv2.RETR_CCOMP, cv2.RETR_EXTERNAL):
            cs, hi = cv2.findContours(m, mode, cv2.CHAIN_APPROX_SIMPLE)
            if not cs:
                continue
            for idx in (-1, 0, len(cs) // 2):
                for th in (1, segkit.FILLED, 2):
                    for ml in (0, 1, 2, 2147483647, -1):
                        for hh in (hi, None):
                            a = np.zeros((h, w, 3), np.uint8)
                            b = a.copy()
                            cv2.drawContours(a, cs, idx, (0, 255, 7), th, 8, hh, ml)
                            segkit.draw_contours(b, cs, idx, (0, 255, 7), th, 8, hh, ml)
                            assert np.array_equal(a, b), (mode, idx, th, ml, hh is None)


def test_draw_contours_label_image_and_offset(rng):
    for m in list(contour_sets(rng))[::5]:
        cs, hi = cv2.findContours(m, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
        if not cs:
            continue
        for dt, value in ((np.int32, 1234567), (np.uint16, 70000), (np.float32, 0.5)):
            a = np.zeros(m.shape, dt)
            b = a.copy()
            cv2.drawContours(a, cs, -1, value, -1, offset=(2, -1))
            segkit.draw_contours(b, cs, -1, value, -1, offset=(2, -1))
            assert np.array_equal(a, b)


def test_filled_contours_rebuild_mask(rng):
    # a property cv2 also has: filling all CCOMP contours (holes by even-odd) gives the mask
    for m in list(contour_sets(rng))[::4]:
        cs, hi = segkit.find_contours(m, segkit.RETR_CCOMP, segkit.CHAIN_APPROX_SIMPLE)
        a = np.zeros(m.shape, np.uint8)
        b = a.copy()
        cv2.drawContours(a, cs, -1, 1, segkit.FILLED, 8, hi)
        segkit.draw_contours(b, cs, -1, 1, segkit.FILLED, 8, hi)
        assert np.array_equal(a, b) and np.array_equal(b, (m > 0).astype(np.uint8))


def test_bad_input(rng):
    img = np.zeros((10, 10), np.uint8)
    with pytest.raises(segkit.Error, match="LINE_AA"):
        segkit.line(img, (0, 0), (5, 5), 255, 1, segkit.LINE_AA)
    with pytest.raises(segkit.Error, match="thickness"):
        segkit.line(img, (0, 0), (5, 5), 255, -1)
    with pytest.raises(segkit.Error, match="thickness"):
        segkit.line(img, (0, 0), (5, 5), 255, 40000)
    with pytest.raises(segkit.Error, match="contiguous rows"):
        segkit.line(np.zeros((10, 20), np.uint8)[:, ::2], (0, 0), (5, 5), 255)
    with pytest.raises(segkit.Error, match="read-only"):
        ro = np.zeros((4, 4), np.uint8)
        ro.flags.writeable = False
        segkit.line(ro, (0, 0), (1, 1), 1)
    with pytest.raises(segkit.Error, match="1 channel"):
        segkit.line(np.zeros((4, 4, 3), np.int32), (0, 0), (1, 1), 1)
    cs = (np.array([[[1, 1]], [[3, 3]]], np.int32),)
    with pytest.raises(segkit.Error, match="contour index"):
        segkit.draw_contours(img, cs, 3, 255)
    with pytest.raises(segkit.Error, match="hierarchy has"):
        segkit.draw_contours(img, cs, -1, 255, 1, 8, np.zeros((1, 2, 4), np.int32))
    cyc = np.array([[[0, -1, -1, -1]]], np.int32)  # a contour that is its own sibling
    with pytest.raises(segkit.Error, match="cycle"):
        segkit.draw_contours(img, cs, -1, 255, 1, 8, cyc)
    with pytest.raises(segkit.Error, match="shift"):
        segkit.line(img, (0, 0), (1, 1), 1, 1, 8, 2)
