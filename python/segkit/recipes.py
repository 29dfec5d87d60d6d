"""Whole recipes as one call, and label maps to objects (box, area, centroid, outline)."""
import ctypes
import json

from . import _lib as L

__all__ = ["segment_otsu", "objects_from_labels"]


class _OtsuOptions(ctypes.Structure):
    _fields_ = [("blur_ksize", ctypes.c_int), ("blur_sigma", ctypes.c_double),
                ("invert", ctypes.c_int), ("open_shape", ctypes.c_int),
                ("open_size", ctypes.c_int), ("open_iterations", ctypes.c_int),
                ("connectivity", ctypes.c_int), ("min_area", ctypes.c_int64),
                ("max_area", ctypes.c_int64)]


class _OtsuResult(ctypes.Structure):
    _fields_ = [("mask", L.Image), ("labels", L.Image), ("count", ctypes.c_int),
                ("threshold", ctypes.c_double)]


_defaults = L.fn("seg_otsu_options_default", [ctypes.POINTER(_OtsuOptions)], None)
_otsu = L.fn("seg_segment_otsu", [L.ImagePtr, ctypes.POINTER(_OtsuOptions),
                                  ctypes.POINTER(_OtsuResult)])
_from_labels = L.fn("seg_objects_from_labels", [L.ImagePtr, ctypes.POINTER(ctypes.c_void_p)])
_to_json = L.fn("seg_objects_to_json", [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                        ctypes.c_int, ctypes.POINTER(ctypes.c_void_p)])
_objs_free = L.fn("seg_objects_free", [ctypes.c_void_p], None)
_free = L.fn("seg_free", [ctypes.c_void_p], None)


def segment_otsu(image, blur_ksize=5, blur_sigma=0.0, invert=False, open_shape=2, open_size=5,
                 open_iterations=1, connectivity=8, min_area=0, max_area=-1):
    """gray -> GaussianBlur -> Otsu -> open -> connected components -> area filter, each
    step as its cv2 call. Returns (mask uint8 0/255, labels int32, count, threshold)."""
    o = _OtsuOptions()
    _defaults(ctypes.byref(o))
    o.blur_ksize, o.blur_sigma, o.invert = blur_ksize, blur_sigma, 1 if invert else 0
    o.open_shape, o.open_size, o.open_iterations = open_shape, open_size, open_iterations
    o.connectivity, o.min_area, o.max_area = connectivity, min_area, max_area
    img, keep = L.as_image(image)
    r = _OtsuResult()
    L.check(_otsu(img, ctypes.byref(o), ctypes.byref(r)))
    return L.to_array(r.mask), L.to_array(r.labels), r.count, r.threshold


def objects_from_labels(labels):
    """Objects of an int32/uint16 label map (<= 0 is background) as a list of dicts
    {id, bbox [x, y, w, h], area, centroid [x, y], polygon [[x, y], ...]} (the outer
    contour, cv2.findContours RETR_EXTERNAL / CHAIN_APPROX_SIMPLE)."""
    img, keep = L.as_image(labels)
    h = ctypes.c_void_p()
    L.check(_from_labels(img, ctypes.byref(h)))
    text = ctypes.c_void_p()
    try:
        L.check(_to_json(h, None, img.width, img.height, ctypes.byref(text)))
        data = json.loads(ctypes.string_at(text.value).decode())
    finally:
        _objs_free(h)
        _free(text)
    return data["objects"]
