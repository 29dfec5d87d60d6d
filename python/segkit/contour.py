"""Contours and polygon measures, cv2-compatible (OpenCV 4.6): find_contours,
contour_area, arc_length, bounding_rect, moments, approx_poly_dp, point_polygon_test."""
import ctypes

import numpy as np

from ._lib import lib, fn, check, as_image, Error, ImagePtr

__all__ = ["RETR_EXTERNAL", "RETR_LIST", "RETR_CCOMP", "RETR_TREE", "CHAIN_APPROX_NONE",
           "CHAIN_APPROX_SIMPLE", "find_contours", "contour_area", "arc_length",
           "bounding_rect", "moments", "approx_poly_dp", "point_polygon_test"]

RETR_EXTERNAL, RETR_LIST, RETR_CCOMP, RETR_TREE = 0, 1, 2, 3
CHAIN_APPROX_NONE, CHAIN_APPROX_SIMPLE = 1, 2


class _Contours(ctypes.Structure):
    _fields_ = [("count", ctypes.c_int), ("total_points", ctypes.c_size_t),
                ("points", ctypes.POINTER(ctypes.c_int32)),
                ("offsets", ctypes.POINTER(ctypes.c_size_t)),
                ("hierarchy", ctypes.POINTER(ctypes.c_int32))]


_MOMENT_KEYS = ("m00", "m10", "m01", "m20", "m11", "m02", "m30", "m21", "m12", "m03",
                "mu20", "mu11", "mu02", "mu30", "mu21", "mu12", "mu03",
                "nu20", "nu11", "nu02", "nu30", "nu21", "nu12", "nu03")


class _Moments(ctypes.Structure):
    _fields_ = [(k, ctypes.c_double) for k in _MOMENT_KEYS]


_CP = ctypes.POINTER(_Contours)
_I32P = ctypes.POINTER(ctypes.c_int32)
_find = fn("seg_find_contours", [ImagePtr, ctypes.c_int, ctypes.c_int, ctypes.POINTER(_CP)])
_free = fn("seg_contours_free", [_CP], None)
_area = fn("seg_contour_area", [_I32P, ctypes.c_int, ctypes.c_int,
                                ctypes.POINTER(ctypes.c_double)])
_arclen = fn("seg_arc_length", [_I32P, ctypes.c_int, ctypes.c_int,
                                ctypes.POINTER(ctypes.c_double)])
_brect = fn("seg_bounding_rect", [_I32P, ctypes.c_int, ctypes.POINTER(ctypes.c_int)])
_mom_poly = fn("seg_moments_polygon", [_I32P, ctypes.c_int, ctypes.POINTER(_Moments)])
_mom_img = fn("seg_moments_image", [ImagePtr, ctypes.c_int, ctypes.POINTER(_Moments)])
_approx = fn("seg_approx_poly_dp", [_I32P, ctypes.c_int, ctypes.c_double, ctypes.c_int, _I32P,
                                    ctypes.POINTER(ctypes.c_int)])
_pptest = fn("seg_point_polygon_test", [_I32P, ctypes.c_int, ctypes.c_double, ctypes.c_double,
                                        ctypes.c_int, ctypes.POINTER(ctypes.c_double)])


def find_contours(image, mode, method):
    """cv2.findContours(image, mode, method) -> (contours, hierarchy): a tuple of int32
    arrays of shape (N, 1, 2) and the int32 hierarchy of shape (1, count, 4)
    [next, previous, first child, parent], or ((), None) when there is no contour."""
    a = np.asarray(image)
    if a.ndim != 2 or a.dtype != np.uint8:
        raise Error(-8, "find_contours: expected a 2-D uint8 image, got %s %s"
                    % (a.dtype, a.shape))
    img, keep = as_image(a, "find_contours")
    res = _CP()
    check(_find(ctypes.byref(img), int(mode), int(method), ctypes.byref(res)))
    try:
        c = res.contents
        if c.count == 0:
            return (), None
        n = c.count
        offs = np.ctypeslib.as_array(c.offsets, (n + 1,)).tolist()
        pts = np.ctypeslib.as_array(c.points, (int(c.total_points) * 2,)).copy()
        pts = pts.reshape(-1, 1, 2)
        hier = np.ctypeslib.as_array(c.hierarchy, (n * 4,)).copy().reshape(1, n, 4)
    finally:
        _free(res)
    # views of one array: slicing is ~2x cheaper than np.split for many small contours
    contours = tuple([pts[a:b] for a, b in zip(offs[:-1], offs[1:])])
    return contours, hier


def _points(curve, who):
    a = np.asarray(curve)
    if a.dtype != np.int32:
        if a.dtype.kind in "iu" or (a.dtype.kind == "f" and a.size and
                                    np.all(a == np.round(a))):
            a = a.astype(np.int32)
        else:
            raise Error(-8, "%s: expected int32 points, got %s" % (who, a.dtype))
    if a.size % 2 or (a.ndim >= 1 and a.shape[-1] != 2 and a.size):
        raise Error(-1, "%s: expected points of shape (N, 1, 2) or (N, 2), got %s"
                    % (who, a.shape))
    a = np.ascontiguousarray(a.reshape(-1, 2))
    return a, a.ctypes.data_as(_I32P), len(a)


def contour_area(contour, oriented=False):
    """cv2.contourArea(contour, oriented=False)."""
    _, p, n = _points(contour, "contour_area")
    r = ctypes.c_double()
    check(_area(p, n, 1 if oriented else 0, ctypes.byref(r)))
    return r.value


def arc_length(curve, closed):
    """cv2.arcLength(curve, closed)."""
    _, p, n = _points(curve, "arc_length")
    r = ctypes.c_double()
    check(_arclen(p, n, 1 if closed else 0, ctypes.byref(r)))
    return r.value


def bounding_rect(array):
    """cv2.boundingRect(points) -> (x, y, w, h) for int32 points; for a 2-D uint8 mask,
    the box of its non-zero pixels."""
    a = np.asarray(array)
    if a.dtype == np.uint8 and a.ndim == 2 and a.shape[-1] != 2:
        ys, xs = np.nonzero(a)
        if len(xs) == 0:
            return (0, 0, 0, 0)
        return (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
                int(ys.max() - ys.min() + 1))
    _, p, n = _points(a, "bounding_rect")
    r = (ctypes.c_int * 4)()
    check(_brect(p, n, r))
    return tuple(r)


def moments(array, binaryImage=False):
    """cv2.moments(array, binaryImage=False) -> dict with cv2's keys: a contour (int32
    points of shape (N, 1, 2) or (N, 2)) or a 2-D image."""
    a = np.asarray(array)
    m = _Moments()
    is_points = a.dtype == np.int32 and (a.ndim == 3 and a.shape[1:] == (1, 2) or
                                         a.ndim == 2 and a.shape[1] == 2 and a.shape[0] != 1)
    if is_points:
        _, p, n = _points(a, "moments")
        check(_mom_poly(p, n, ctypes.byref(m)))
    else:
        if a.ndim != 2:
            raise Error(-1, "moments: expected points or a 2-D image, got shape %s"
                        % (a.shape,))
        img, keep = as_image(a, "moments")
        check(_mom_img(ctypes.byref(img), 1 if binaryImage else 0, ctypes.byref(m)))
    return {k: getattr(m, k) for k in _MOMENT_KEYS}


def approx_poly_dp(curve, epsilon, closed):
    """cv2.approxPolyDP(curve, epsilon, closed) -> int32 points of shape (M, 1, 2)."""
    a, p, n = _points(curve, "approx_poly_dp")
    out = np.empty((max(n, 1), 2), np.int32)
    cnt = ctypes.c_int()
    check(_approx(p, n, float(epsilon), 1 if closed else 0, out.ctypes.data_as(_I32P),
                  ctypes.byref(cnt)))
    return out[:cnt.value].reshape(-1, 1, 2).copy()


def point_polygon_test(contour, pt, measureDist):
    """cv2.pointPolygonTest(contour, pt, measureDist)."""
    _, p, n = _points(contour, "point_polygon_test")
    x, y = pt
    r = ctypes.c_double()
    check(_pptest(p, n, float(x), float(y), 1 if measureDist else 0, ctypes.byref(r)))
    return r.value
