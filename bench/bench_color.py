"""Colour conversion vs cv2.cvtColor (same threads): gray, HSV, Lab both ways (u8), Lab f32."""
import cv2
import numpy as np

import segkit
from common import photo, label
from run import Case


def cases(sizes):
    for (w, h) in sizes:
        bgr = photo(w, h)
        hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
        lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2Lab)
        bgr_f = (bgr.astype(np.float32) / 255.0)
        rows = [("cvt_color BGR2GRAY u8", bgr, cv2.COLOR_BGR2GRAY),
                ("cvt_color BGR2HSV u8", bgr, cv2.COLOR_BGR2HSV),
                ("cvt_color HSV2BGR u8", hsv, cv2.COLOR_HSV2BGR),
                ("cvt_color BGR2LAB u8", bgr, cv2.COLOR_BGR2Lab),
                ("cvt_color LAB2BGR u8", lab, cv2.COLOR_Lab2BGR),
                ("cvt_color BGR2LAB f32", bgr_f, cv2.COLOR_BGR2Lab)]
        for name, src, code in rows:
            out = segkit.cvt_color(src, code)
            ref = cv2.cvtColor(src, code)
            # Preallocated outputs on both sides: time the conversion, not the allocator.
            yield Case(name, label(w, h),
                       lambda s=src, c=code, o=out: segkit.cvt_color(s, c, o),
                       lambda s=src, c=code, o=ref: cv2.cvtColor(s, c, o))
