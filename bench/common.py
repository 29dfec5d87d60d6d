"""Inputs shared by the benchmarks: deterministic natural-looking test images."""
import os

import numpy as np

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")


def photo(w, h, channels=3, seed=0):
    """A real photo (data/astronaut.png) tiled/cropped to w x h, so codecs and filters see
    natural statistics rather than noise."""
    import cv2
    src = cv2.imread(os.path.join(DATA, "astronaut.png"), cv2.IMREAD_COLOR)
    reps = (h // src.shape[0] + 1, w // src.shape[1] + 1, 1)
    img = np.tile(src, reps)[:h, :w]
    if channels == 1:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    return np.ascontiguousarray(img)


def label(w, h):
    return "%dx%d" % (w, h)
