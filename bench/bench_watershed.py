"""Distance transforms and marker watersheds against cv2 (same threads) and skimage
(single-threaded by nature; 1920x1080 only, it takes seconds beyond)."""
import os

import cv2
import numpy as np

import run
import segkit
from common import label

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")


def blobs(w, h, seed=0, sigma=8.0):
    r = np.random.default_rng(seed)
    f = cv2.GaussianBlur(r.random((h, w)).astype(np.float32), (0, 0), sigma)
    return (f > 0.5).astype(np.uint8)


def cv2_recipe(bgr):
    """The same recipe in cv2 (bright objects)."""
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    _, th = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    k = np.ones((3, 3), np.uint8)
    opening = cv2.morphologyEx(th, cv2.MORPH_OPEN, k, iterations=2)
    sure_bg = cv2.dilate(opening, k, iterations=3)
    d = cv2.distanceTransform(opening, cv2.DIST_L2, 5)
    _, fg = cv2.threshold(d, 0.5 * float(d.max()), 255, 0)
    fg = np.uint8(fg)
    unknown = cv2.subtract(sure_bg, fg)
    _, markers = cv2.connectedComponents(fg)
    markers = markers + 1
    markers[unknown == 255] = 0
    return cv2.watershed(bgr, markers)


def cases(sizes):
    for w, h in sizes:
        b = blobs(w, h)
        lab = label(w, h)
        yield run.Case("distance L2/5", lab, lambda b=b: segkit.distance_transform(b, 2, 5),
                       lambda b=b: cv2.distanceTransform(b, cv2.DIST_L2, 5))
        yield run.Case("distance exact L2", lab, lambda b=b: segkit.distance_transform(b, 2, 0),
                       lambda b=b: cv2.distanceTransform(b, cv2.DIST_L2, cv2.DIST_MASK_PRECISE))
        # cv2-semantics watershed on blobs: the seed recipe's markers
        d = cv2.distanceTransform(b, cv2.DIST_L2, 5)
        fg = (d > 3).astype(np.uint8)
        _, mk = cv2.connectedComponents(fg)
        mk = mk.astype(np.int32) + 1
        mk[(b > 0) & (fg == 0)] = 0
        img = cv2.GaussianBlur(cv2.cvtColor(b * 200, cv2.COLOR_GRAY2BGR), (0, 0), 2)
        yield run.Case("watershed cv2-semantics", lab,
                       lambda img=img, mk=mk: segkit.watershed(img, mk.copy()),
                       lambda img=img, mk=mk: cv2.watershed(img, mk.copy()))
        yield run.Case("watershed recipe (Otsu..watershed)", lab,
                       lambda img=img: segkit.segment_watershed(img, invert=0),
                       lambda img=img: cv2_recipe(img))
        if (w, h) == (1920, 1080):
            from skimage.segmentation import watershed as sk_watershed
            nd = -d
            _, mk2 = cv2.connectedComponents((d > 0.6 * d.max()).astype(np.uint8))
            mk2 = mk2.astype(np.int32)
            m = b > 0
            yield run.Case("watershed skimage-semantics", lab,
                           lambda: segkit.watershed_skimage(nd, mk2, 1, m),
                           lambda: sk_watershed(nd, mk2, mask=m), "skimage", repeat=3)
            yield run.Case("watershed skimage no mask", lab,
                           lambda: segkit.watershed_skimage(nd, mk2),
                           lambda: sk_watershed(nd, mk2), "skimage", repeat=3)
            # u8 relief with 12 single-pixel seeds anywhere (not at minima): skimage's
            # heap order matters only while two seeds share a value
            r = np.random.default_rng(1)
            relief = cv2.normalize(cv2.GaussianBlur(r.random((h, w)).astype(np.float32),
                                                    (0, 0), 8), None, 0, 255,
                                   cv2.NORM_MINMAX).astype(np.uint8)
            mk3 = np.zeros((h, w), np.int32)
            mk3[r.integers(0, h, 12), r.integers(0, w, 12)] = np.arange(1, 13)
            yield run.Case("watershed skimage u8, 12 seeds", lab,
                           lambda: segkit.watershed_skimage(relief, mk3),
                           lambda: sk_watershed(relief, mk3), "skimage", repeat=3)
            # skimage's default markers: the relief's local minima, labelled
            yield run.Case("watershed skimage u8, markers=None", lab,
                           lambda: segkit.watershed_skimage(relief),
                           lambda: sk_watershed(relief), "skimage", repeat=3)
            # float gradient magnitude of a photo, markers from two thresholds (skimage's
            # region-based example): almost every value distinct, the sorted flood
            photo = cv2.resize(cv2.imread(os.path.join(DATA, "coffee.png"), cv2.IMREAD_GRAYSCALE),
                               (w, h))
            grad = np.hypot(cv2.Sobel(photo, cv2.CV_32F, 1, 0, ksize=5),
                            cv2.Sobel(photo, cv2.CV_32F, 0, 1, ksize=5))
            mk4 = np.zeros((h, w), np.int32)
            mk4[photo < 60], mk4[photo > 180] = 1, 2
            yield run.Case("watershed skimage gradient f32", lab,
                           lambda: segkit.watershed_skimage(grad, mk4),
                           lambda: sk_watershed(grad, mk4), "skimage", repeat=3)
            noise = r.random((h, w)).astype(np.float32)
            mk5 = np.zeros((h, w), np.int32)
            mk5[r.integers(0, h, 100), r.integers(0, w, 100)] = np.arange(1, 101)
            yield run.Case("watershed skimage noise f32, 100 seeds", lab,
                           lambda: segkit.watershed_skimage(noise, mk5),
                           lambda: sk_watershed(noise, mk5), "skimage", repeat=3)
            # float64 as scipy returns it (skimage's gallery recipe): not exact in float32
            from scipy import ndimage as ndi
            nd64 = -ndi.distance_transform_edt(b)
            yield run.Case("watershed skimage -edt f64, mask", lab,
                           lambda: segkit.watershed_skimage(nd64, mk2, 1, m),
                           lambda: sk_watershed(nd64, mk2, mask=m), "skimage", repeat=3)
            yield run.Case("watershed skimage compact 0.01, mask", lab,
                           lambda: segkit.watershed_skimage(nd, mk2, 1, m, 0.01),
                           lambda: sk_watershed(nd, mk2, mask=m, compactness=0.01), "skimage",
                           repeat=3)
