"""Distance transforms and marker watersheds against cv2 (same threads) and skimage
(single-threaded by nature; 1920x1080 only, it takes seconds beyond)."""
import cv2
import numpy as np

import run
import segkit
from common import label


def blobs(w, h, seed=0, sigma=8.0):
    r = np.random.default_rng(seed)
    f = cv2.GaussianBlur(r.random((h, w)).astype(np.float32), (0, 0), sigma)
    return (f > 0.5).astype(np.uint8)


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
