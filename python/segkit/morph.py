"""Morphology with cv2's names, argument order and constants (cv2.erode, cv2.dilate,
cv2.morphologyEx, cv2.getStructuringElement of OpenCV 4.6; identical outputs with the
default border)."""
import ctypes

import numpy as np

from ._lib import Error, ImagePtr, Image, as_image, check, fn, to_array
from .threshold import _out

__all__ = ["get_structuring_element", "erode", "dilate", "morphology_ex",
           "MORPH_ERODE", "MORPH_DILATE", "MORPH_OPEN", "MORPH_CLOSE", "MORPH_GRADIENT",
           "MORPH_TOPHAT", "MORPH_BLACKHAT", "MORPH_HITMISS",
           "MORPH_RECT", "MORPH_CROSS", "MORPH_ELLIPSE"]

MORPH_ERODE, MORPH_DILATE, MORPH_OPEN, MORPH_CLOSE = 0, 1, 2, 3
MORPH_GRADIENT, MORPH_TOPHAT, MORPH_BLACKHAT, MORPH_HITMISS = 4, 5, 6, 7
MORPH_RECT, MORPH_CROSS, MORPH_ELLIPSE = 0, 1, 2

_strel = fn("seg_get_structuring_element", [ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                             ctypes.c_int, ctypes.c_int, ImagePtr])
_op_args = [ImagePtr, ImagePtr, ImagePtr, ctypes.c_int, ctypes.c_int, ctypes.c_int]
_erode = fn("seg_erode", _op_args)
_dilate = fn("seg_dilate", _op_args)
_morph_ex = fn("seg_morphology_ex", [ImagePtr, ImagePtr, ctypes.c_int, ImagePtr, ctypes.c_int,
                                     ctypes.c_int, ctypes.c_int])


def get_structuring_element(shape, ksize, anchor=(-1, -1)):
    """cv2.getStructuringElement(shape, (width, height), anchor) -> uint8 array of 0/1."""
    w, h = (int(v) for v in ksize)
    out = Image()
    check(_strel(int(shape), w, h, int(anchor[0]), int(anchor[1]), ctypes.byref(out)))
    return to_array(out)


def _kernel(kernel, name):
    """A kernel as a seg_image (uint8 kept as is; other integer/bool/float kernels become
    int32 with their values, so hit-or-miss's -1 survives); None -> NULL (3x3 rect)."""
    if kernel is None:
        return None, None
    k = np.asarray(kernel)
    if k.ndim != 2:
        raise Error(-1, "%s: the kernel must be a 2-D array, got shape %s" % (name, k.shape))
    if k.dtype == np.bool_:
        k = k.astype(np.uint8)
    elif k.dtype != np.uint8:
        if k.dtype.kind == "f":
            k = np.where(k != 0, np.where(k == -1, -1, np.where(k == 1, 1, 2)), 0)
        k = k.astype(np.int32)
    return as_image(k, name + " kernel")


def _run(f, src, kernel, dst, anchor, iterations, name, *extra):
    img, arr = as_image(src, name)
    out, given = _out(src, arr, dst)
    kimg, kept = _kernel(kernel, name)
    args = [img, out] + list(extra) + [kimg if kimg is not None else None,
                                       int(anchor[0]), int(anchor[1]), int(iterations)]
    check(f(*args))
    return given


def erode(src, kernel, dst=None, anchor=(-1, -1), iterations=1):
    """cv2.erode with the default border; kernel None is a 3x3 rectangle."""
    return _run(_erode, src, kernel, dst, anchor, iterations, "erode")


def dilate(src, kernel, dst=None, anchor=(-1, -1), iterations=1):
    """cv2.dilate with the default border; kernel None is a 3x3 rectangle."""
    return _run(_dilate, src, kernel, dst, anchor, iterations, "dilate")


def morphology_ex(src, op, kernel, dst=None, anchor=(-1, -1), iterations=1):
    """cv2.morphologyEx(src, op, kernel, dst, anchor, iterations) with the default border."""
    return _run(_morph_ex, src, kernel, dst, anchor, iterations, "morphology_ex", int(op))
