"""Connected components, cv2-compatible (OpenCV 4.6): connected_components,
connected_components_with_stats, plus an area filter and scikit-image's label order."""
import ctypes

import numpy as np

from ._lib import fn, check, as_image, Error, ImagePtr, Image, to_array, output_like

__all__ = ["CC_STAT_LEFT", "CC_STAT_TOP", "CC_STAT_WIDTH", "CC_STAT_HEIGHT", "CC_STAT_AREA",
           "CC_STAT_MAX", "CV_16U", "CV_32S", "connected_components",
           "connected_components_with_stats", "filter_components_by_area", "label"]

CC_STAT_LEFT, CC_STAT_TOP, CC_STAT_WIDTH, CC_STAT_HEIGHT, CC_STAT_AREA, CC_STAT_MAX = range(6)
CV_16U, CV_32S = 2, 4
_ORDER = {"cv2": 0, "raster": 1}


class _Comps(ctypes.Structure):
    _fields_ = [("count", ctypes.c_int), ("stats", ctypes.POINTER(ctypes.c_int32)),
                ("centroids", ctypes.POINTER(ctypes.c_double)),
                ("sums", ctypes.POINTER(ctypes.c_int64))]


_CP = ctypes.POINTER(_Comps)
_cc = fn("seg_connected_components", [ImagePtr, ctypes.c_int, ctypes.c_int, ImagePtr,
                                      ctypes.POINTER(_CP)])
_free = fn("seg_components_free", [_CP], None)
_filter = fn("seg_components_filter_area", [ImagePtr, _CP, ctypes.c_int64, ctypes.c_int64])


def _mask(image, who):
    a = np.asarray(image)
    if a.dtype == np.bool_:
        a = a.view(np.uint8)
    if a.ndim != 2 or a.dtype != np.uint8:
        raise Error(-8, "%s: expected a 2-D uint8 image, got %s %s" % (who, a.dtype, a.shape))
    return a


def _run(image, connectivity, order, with_stats, who):
    a = _mask(image, who)
    if order not in _ORDER:
        raise Error(-1, "%s: order must be 'cv2' or 'raster', got %r" % (who, order))
    img, keep = as_image(a, who)
    out, labels = output_like(a.shape, np.int32)  # written in place: no zero-fill
    res = _CP()
    n = check(_cc(ctypes.byref(img), int(connectivity), _ORDER[order], ctypes.byref(out),
                  ctypes.byref(res) if with_stats else None))
    if not with_stats:
        return n, labels
    try:
        c = res.contents
        stats = np.ctypeslib.as_array(c.stats, (n, CC_STAT_MAX)).copy()
        cents = np.ctypeslib.as_array(c.centroids, (n, 2)).copy()
    finally:
        _free(res)
    return n, labels, stats, cents


def _check_outputs(who, *outs):
    # cv2's positional order puts output arrays before connectivity: catch
    # connected_components(img, 4), which cv2 silently runs with 8-connectivity
    for o in outs:
        if o is not None and not isinstance(o, np.ndarray):
            raise Error(-1, "%s: the arguments after the image are cv2's output arrays; "
                        "pass connectivity=... by name" % who)


def _ltype(labels, n, ltype, who):
    if ltype == CV_32S:
        return labels
    if ltype == CV_16U:
        if n - 1 > 65535:
            raise Error(-6, "%s: %d labels do not fit CV_16U" % (who, n - 1))
        return labels.astype(np.uint16)
    raise Error(-1, "%s: ltype must be CV_32S (4) or CV_16U (2), got %r" % (who, ltype))


def connected_components(image, labels=None, connectivity=8, ltype=CV_32S, order="cv2"):
    """cv2.connectedComponents(image, connectivity=8, ltype=CV_32S) -> (n, labels).
    order='raster' numbers components by their first pixel (skimage.measure.label)."""
    _check_outputs("connected_components", labels)
    n, lab = _run(image, connectivity, order, False, "connected_components")
    return n, _ltype(lab, n, ltype, "connected_components")


def connected_components_with_stats(image, labels=None, stats=None, centroids=None,
                                    connectivity=8, ltype=CV_32S, order="cv2"):
    """cv2.connectedComponentsWithStats(image, connectivity=8) -> (n, labels, stats,
    centroids): stats int32 (n, 5) [left, top, width, height, area], centroids float64."""
    _check_outputs("connected_components_with_stats", labels, stats, centroids)
    n, lab, st, ce = _run(image, connectivity, order, True, "connected_components_with_stats")
    return n, _ltype(lab, n, ltype, "connected_components_with_stats"), st, ce


def filter_components_by_area(image, min_area=0, max_area=-1, connectivity=8, order="cv2"):
    """Label image, then drop components with area < min_area or > max_area (max_area < 0:
    no limit) and renumber the rest 1..k in order -> (k + 1, labels, stats, centroids)."""
    a = _mask(image, "filter_components_by_area")
    img, keep = as_image(a)
    if order not in _ORDER:
        raise Error(-1, "filter_components_by_area: order must be 'cv2' or 'raster'")
    out = Image()
    res = _CP()
    check(_cc(ctypes.byref(img), int(connectivity), _ORDER[order], ctypes.byref(out),
              ctypes.byref(res)))
    try:
        n = check(_filter(ctypes.byref(out), res, int(min_area), int(max_area)))
        c = res.contents
        stats = np.ctypeslib.as_array(c.stats, (n, CC_STAT_MAX)).copy()
        cents = np.ctypeslib.as_array(c.centroids, (n, 2)).copy()
    finally:
        _free(res)
    return n, to_array(out), stats, cents


def label(image, connectivity=2):
    """skimage.measure.label(image, connectivity) for a 2-D mask (background 0): labels
    numbered by first pixel in raster order; connectivity 1 = 4-neighbours, 2 = 8."""
    if connectivity not in (1, 2):
        raise Error(-1, "label: connectivity must be 1 or 2 for a 2-D image")
    return _run(image, 4 if connectivity == 1 else 8, "raster", False, "label")[1]
