"""Thresholds with cv2's names, argument order, return values and constants
(cv2.threshold, cv2.adaptiveThreshold of OpenCV 4.6; identical outputs)."""
import ctypes

import numpy as np

from ._lib import Error, ImagePtr, as_image, check, fn

__all__ = ["threshold", "adaptive_threshold",
           "THRESH_BINARY", "THRESH_BINARY_INV", "THRESH_TRUNC", "THRESH_TOZERO",
           "THRESH_TOZERO_INV", "THRESH_MASK", "THRESH_OTSU", "THRESH_TRIANGLE",
           "ADAPTIVE_THRESH_MEAN_C", "ADAPTIVE_THRESH_GAUSSIAN_C"]

THRESH_BINARY, THRESH_BINARY_INV, THRESH_TRUNC, THRESH_TOZERO, THRESH_TOZERO_INV = 0, 1, 2, 3, 4
THRESH_MASK, THRESH_OTSU, THRESH_TRIANGLE = 7, 8, 16
ADAPTIVE_THRESH_MEAN_C, ADAPTIVE_THRESH_GAUSSIAN_C = 0, 1

_threshold = fn("seg_threshold", [ImagePtr, ImagePtr, ctypes.c_double, ctypes.c_double,
                                  ctypes.c_int, ctypes.POINTER(ctypes.c_double)])
_adaptive = fn("seg_adaptive_threshold", [ImagePtr, ImagePtr, ctypes.c_double, ctypes.c_int,
                                          ctypes.c_int, ctypes.c_int, ctypes.c_double])


def _out(src, arr, dst):
    """The output view: the caller's dst (written in place) or a new numpy array (numpy's
    allocator recycles big blocks; a fresh zero-filled library image would cost page
    faults on every call)."""
    if dst is None:
        dst = np.empty(arr.shape, arr.dtype)
    dst = np.asarray(dst)
    if dst.shape != arr.shape or dst.dtype != arr.dtype:
        raise Error(-9, "dst must be %s %s, got %s %s" % (arr.shape, arr.dtype, dst.shape,
                                                          dst.dtype))
    img, kept = as_image(dst, "dst")
    if kept is not dst:
        raise Error(-1, "dst must have contiguous rows to be written in place")
    return img, dst


def threshold(src, thresh, maxval, type, dst=None):
    """cv2.threshold: returns (the threshold used, dst). src: uint8, uint16 or float32
    with 1-4 channels; OTSU (uint8/uint16) and TRIANGLE (uint8) need one channel."""
    img, arr = as_image(src, "threshold")
    out, given = _out(src, arr, dst)
    used = ctypes.c_double()
    check(_threshold(img, out, float(thresh), float(maxval), int(type), ctypes.byref(used)))
    return used.value, given


def adaptive_threshold(src, maxValue, adaptiveMethod, thresholdType, blockSize, C, dst=None):
    """cv2.adaptiveThreshold on a uint8 one-channel image; returns dst."""
    img, arr = as_image(src, "adaptive_threshold")
    out, given = _out(src, arr, dst)
    check(_adaptive(img, out, float(maxValue), int(adaptiveMethod), int(thresholdType),
                    int(blockSize), float(C)))
    return given
