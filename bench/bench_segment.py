"""k-means (K=4, 3 attempts, 1080p LAB pixels) and GrabCut (5 iterations, fixed rectangle)
against cv2 with the same threads. These take seconds a call, so repeats are few."""
import numpy as np

import common
from run import Case


def cases(sizes):
    import cv2
    import segkit

    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 10, 1.0)
    if any(w * h >= 1920 * 1080 for w, h in sizes):
        lab = cv2.cvtColor(common.photo(1920, 1080), cv2.COLOR_BGR2LAB)
        pts = lab.reshape(-1, 3).astype(np.float32)
        seeds = iter(range(1, 10 ** 6))
        result = {}

        def sk_kmeans():
            result["segkit"] = segkit.kmeans(pts, 4, None, crit, 3, segkit.KMEANS_PP_CENTERS,
                                             seed=next(seeds))[0]

        def cv_kmeans():
            result["cv2"] = cv2.kmeans(pts, 4, None, crit, 3, cv2.KMEANS_PP_CENTERS)[0]

        yield Case("kmeans K=4 x3 LAB", "1920x1080", sk_kmeans, cv_kmeans, repeat=3)
        print("  compactness segkit/cv2 = %.4f" % (result["segkit"] / result["cv2"]))

    for w, h in ((640, 360), (1920, 1080)):
        if not any(sw * sh >= w * h for sw, sh in sizes):
            continue
        img = common.photo(w, h)
        rect = (w * 7 // 32, h // 12, w * 9 // 16, h * 5 // 6)

        def sk_grabcut(img=img, rect=rect):
            mask = np.zeros(img.shape[:2], np.uint8)
            segkit.grab_cut(img, mask, rect, None, None, 5, segkit.GC_INIT_WITH_RECT, seed=1)

        def cv_grabcut(img=img, rect=rect):
            mask = np.zeros(img.shape[:2], np.uint8)
            cv2.grabCut(img, mask, rect, np.zeros((1, 65)), np.zeros((1, 65)), 5,
                        cv2.GC_INIT_WITH_RECT)

        yield Case("grabcut 5 iter", common.label(w, h), sk_grabcut, cv_grabcut,
                   repeat=3 if w < 1000 else 1)
