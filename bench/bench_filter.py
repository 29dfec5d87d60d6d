"""Blur benchmarks: segkit vs cv2 (same thread count, set by bench/run.py)."""
import numpy as np

import run
from common import label, photo

import segkit


def cases(sizes):
    import cv2
    for w, h in sizes:
        gray, bgr = photo(w, h, 1), photo(w, h, 3)
        f32 = bgr.astype(np.float32) / 255
        s = label(w, h)
        yield run.Case("gaussian_blur 5x5 u8 gray", s,
                       lambda: segkit.gaussian_blur(gray, (5, 5), 0),
                       lambda: cv2.GaussianBlur(gray, (5, 5), 0))
        yield run.Case("gaussian_blur 5x5 u8 bgr", s,
                       lambda: segkit.gaussian_blur(bgr, (5, 5), 0),
                       lambda: cv2.GaussianBlur(bgr, (5, 5), 0))
        yield run.Case("gaussian_blur sigma3 u8 bgr", s,
                       lambda: segkit.gaussian_blur(bgr, (0, 0), 3),
                       lambda: cv2.GaussianBlur(bgr, (0, 0), 3))
        yield run.Case("gaussian_blur 5x5 f32 bgr", s,
                       lambda: segkit.gaussian_blur(f32, (5, 5), 0),
                       lambda: cv2.GaussianBlur(f32, (5, 5), 0))
        yield run.Case("blur 5x5 u8 gray", s,
                       lambda: segkit.blur(gray, (5, 5)),
                       lambda: cv2.blur(gray, (5, 5)))
        yield run.Case("blur 5x5 u8 bgr", s,
                       lambda: segkit.blur(bgr, (5, 5)),
                       lambda: cv2.blur(bgr, (5, 5)))
