"""The colour-statistics segmentation recipes (include/segkit/recipes_segment.h) in one
call each: k-means colour clustering and GrabCut from a rectangle or scribbles."""
import ctypes

import numpy as np

from ._lib import Error, Image, ImagePtr, as_image, check, fn
from .kmeans import _Criteria, KMEANS_PP_CENTERS
from .grabcut import _Rect

__all__ = ["segment_kmeans", "segment_grabcut"]

_SPACES = {"lab": 0, "bgr": 1, "hsv": 2}


class _KmOptions(ctypes.Structure):
    _fields_ = [("k", ctypes.c_int), ("color_space", ctypes.c_int), ("attempts", ctypes.c_int),
                ("criteria", _Criteria), ("flags", ctypes.c_int), ("seed", ctypes.c_uint64),
                ("xy_weight", ctypes.c_float)]


class _KmResult(ctypes.Structure):
    _fields_ = [("labels", Image), ("segmented", Image), ("k", ctypes.c_int),
                ("centers", ctypes.POINTER(ctypes.c_float)),
                ("centers_bgr", ctypes.POINTER(ctypes.c_uint8)),
                ("counts", ctypes.POINTER(ctypes.c_int64)), ("compactness", ctypes.c_double)]


class _GcOptions(ctypes.Structure):
    _fields_ = [("rect", _Rect), ("mask", ImagePtr), ("iterations", ctypes.c_int),
                ("seed", ctypes.c_uint64)]


class _GcResult(ctypes.Structure):
    _fields_ = [("mask", Image), ("labels", Image), ("cutout", Image),
                ("fg_pixels", ctypes.c_int64), ("bbox", _Rect),
                ("bgd_model", ctypes.c_double * 65), ("fgd_model", ctypes.c_double * 65)]


_km_default = fn("seg_kmseg_options_default", [ctypes.POINTER(_KmOptions)], None)
_km = fn("seg_segment_kmeans", [ImagePtr, ctypes.POINTER(_KmOptions), ctypes.POINTER(_KmResult)])
_km_free = fn("seg_kmseg_result_free", [ctypes.POINTER(_KmResult)], None)
_gc = fn("seg_segment_grabcut", [ImagePtr, ctypes.POINTER(_GcOptions),
                                 ctypes.POINTER(_GcResult)])
_gc_free = fn("seg_gcseg_result_free", [ctypes.POINTER(_GcResult)], None)


def _copy(img, dtype, channels):
    h, w = img.height, img.width
    item = np.dtype(dtype).itemsize
    buf = (ctypes.c_uint8 * (img.stride * h)).from_address(img.data)
    rows = np.frombuffer(buf, np.uint8).reshape(h, img.stride)[:, :w * channels * item]
    out = rows.copy().view(dtype)
    return out.reshape(h, w) if channels == 1 else out.reshape(h, w, channels)


def _bgr(img, who):
    a = np.asarray(img)
    if a.dtype != np.uint8 or a.ndim != 3 or a.shape[2] != 3:
        raise Error(-8, "%s: img must be uint8 H x W x 3 (BGR), got %s %s"
                    % (who, a.dtype, a.shape))
    return as_image(a)


def segment_kmeans(img, k=4, color_space="lab", attempts=3, criteria=None,
                   flags=KMEANS_PP_CENTERS, seed=0, xy_weight=0.0):
    """BGR image -> colour space -> k-means -> dict(labels (H x W int32), segmented (BGR),
    centers (k x 3, colour space), centers_bgr (k x 3 uint8), counts, compactness)."""
    src, keep = _bgr(img, "segment_kmeans")
    if color_space not in _SPACES:
        raise Error(-1, "segment_kmeans: color_space must be one of %s" % sorted(_SPACES))
    o = _KmOptions()
    _km_default(ctypes.byref(o))
    o.k, o.color_space, o.attempts = int(k), _SPACES[color_space], int(attempts)
    if criteria is not None:
        o.criteria = _Criteria(int(criteria[0]), int(criteria[1]), float(criteria[2]))
    o.flags, o.seed, o.xy_weight = int(flags), int(seed), float(xy_weight)
    r = _KmResult()
    check(_km(ctypes.byref(src), ctypes.byref(o), ctypes.byref(r)))
    try:
        n = r.k
        out = dict(labels=_copy(r.labels, np.int32, 1), segmented=_copy(r.segmented, np.uint8, 3),
                   centers=np.ctypeslib.as_array(r.centers, (n, 3)).copy(),
                   centers_bgr=np.ctypeslib.as_array(r.centers_bgr, (n, 3)).copy(),
                   counts=np.ctypeslib.as_array(r.counts, (n,)).copy(),
                   compactness=r.compactness)
    finally:
        _km_free(ctypes.byref(r))
    return out


def segment_grabcut(img, rect=None, mask=None, iterations=5, seed=0):
    """GrabCut from rect (x, y, w, h) or a scribble mask (uint8, values GC_* 0..3) ->
    dict(mask (0/255), labels (GC_* values), cutout (BGRA), fg_pixels, bbox, bgd_model,
    fgd_model)."""
    src, keep = _bgr(img, "segment_grabcut")
    o = _GcOptions()
    o.iterations, o.seed = int(iterations), int(seed)
    if mask is not None:
        m = np.asarray(mask)
        if m.dtype != np.uint8 or m.ndim != 2:
            raise Error(-8, "segment_grabcut: mask must be uint8 H x W")
        mimg, mkeep = as_image(m)
        o.mask = ctypes.pointer(mimg)
    elif rect is None:
        raise Error(-1, "segment_grabcut: give a rect or a mask")
    else:
        o.rect = _Rect(*[int(v) for v in rect])
    r = _GcResult()
    check(_gc(ctypes.byref(src), ctypes.byref(o), ctypes.byref(r)))
    try:
        b = r.bbox
        out = dict(mask=_copy(r.mask, np.uint8, 1), labels=_copy(r.labels, np.uint8, 1),
                   cutout=_copy(r.cutout, np.uint8, 4), fg_pixels=r.fg_pixels,
                   bbox=(b.x, b.y, b.width, b.height),
                   bgd_model=np.array(r.bgd_model).reshape(1, 65),
                   fgd_model=np.array(r.fgd_model).reshape(1, 65))
    finally:
        _gc_free(ctypes.byref(r))
    return out


