"""The watershed recipe as one call: segment_watershed(image, ...) -> (markers, n_objects),
the seed's Otsu / opening / distance / cv2-watershed pipeline (see segkit/recipes.h)."""
import ctypes

import numpy as np

from ._lib import Error, Image, ImagePtr, as_image, check, fn, to_array

__all__ = ["segment_watershed"]


class _Options(ctypes.Structure):
    _fields_ = [("invert", ctypes.c_int), ("ksize", ctypes.c_int),
                ("open_iterations", ctypes.c_int), ("dilate_iterations", ctypes.c_int),
                ("dist_type", ctypes.c_int), ("dist_mask", ctypes.c_int),
                ("fg_fraction", ctypes.c_double), ("thresh_method", ctypes.c_int),
                ("block_size", ctypes.c_int), ("c", ctypes.c_double), ("thresh", ctypes.c_double),
                ("close_iterations", ctypes.c_int)]


THRESH_METHODS = {"otsu": 0, "mean": 1, "gaussian": 2, "fixed": 3}


fn("seg_watershed_recipe_options_size", [], ctypes.c_size_t)
_defaults = fn("seg_watershed_recipe_defaults", [], _Options)
_run = fn("seg_segment_watershed", [ImagePtr, ctypes.POINTER(_Options), ImagePtr,
                                    ctypes.POINTER(ctypes.c_int)])


def segment_watershed(image, invert=1, ksize=3, open_iterations=2, dilate_iterations=3,
                      distance_type=2, mask_size=5, fg_fraction=0.5, threshold="otsu",
                      block_size=11, c=2.0, thresh=127.0, close_iterations=0):
    """Run the watershed recipe on a uint8 BGR (or gray / BGRA) image. invert: 1 for
    objects darker than the background (the seed's THRESH_BINARY_INV), 0 brighter, -1
    auto. threshold: "otsu", "mean" / "gaussian" (cv2.adaptiveThreshold with block_size
    and c) or "fixed" (at thresh). close_iterations: a closing before the opening.
    Returns (markers, n_objects): int32 markers in cv2's convention (-1 boundaries and
    outer frame, 1 background, 2..n_objects+1 objects). scikit-image's coins.png:
    invert=0, threshold="mean", block_size=91, c=-16, close_iterations=2 gives 24 coins."""
    from ._lib import lib
    if lib.seg_watershed_recipe_options_size() != ctypes.sizeof(_Options):
        raise Error(-11, "segment_watershed: options layout differs from the library")
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise Error(-8, "segment_watershed: image must be uint8 (got %s)" % image.dtype)
    o = _defaults()
    o.invert, o.ksize = int(invert), int(ksize)
    o.open_iterations, o.dilate_iterations = int(open_iterations), int(dilate_iterations)
    o.dist_type, o.dist_mask, o.fg_fraction = int(distance_type), int(mask_size), float(fg_fraction)
    if threshold not in THRESH_METHODS:
        raise Error(-1, "segment_watershed: threshold %r must be one of %s"
                    % (threshold, ", ".join(THRESH_METHODS)))
    o.thresh_method = THRESH_METHODS[threshold]
    o.block_size, o.c, o.thresh = int(block_size), float(c), float(thresh)
    o.close_iterations = int(close_iterations)
    img, keep = as_image(image, "image")
    out, n = Image(), ctypes.c_int(0)
    check(_run(img, ctypes.byref(o), out, ctypes.byref(n)))
    return to_array(out), n.value
