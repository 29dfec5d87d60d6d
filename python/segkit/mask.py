"""A drop-in for pycocotools.mask: COCO run-length encoding in C.

    from segkit import mask as maskUtils
    rle = maskUtils.encode(np.asfortranarray(m))     # {'size': [h, w], 'counts': b'...'}
    maskUtils.decode(rle), maskUtils.area(rle), maskUtils.toBbox(rle)
    maskUtils.merge([r1, r2], intersect=0), maskUtils.iou(dts, gts, iscrowd)
    maskUtils.frPyObjects(polygons_or_boxes_or_rle, h, w)

Same names, arguments, return types and results (byte-identical counts strings) as
pycocotools (cocoapi 2.0, common/maskApi.c). Differences: inputs that need not be
Fortran-ordered (any array is accepted and converted), non-binary masks (any non-zero
byte is foreground), and malformed inputs raise segkit.Error instead of producing
garbage: counts strings with bad characters or counts that do not add up to h*w,
merging RLEs of different sizes. These names are deliberately kept out of the top-level
segkit namespace (`__all__` is empty): use `from segkit import mask`.
"""
import ctypes

import numpy as np

from ._lib import fn, check, Error

__all__ = []  # pycocotools' names stay in segkit.mask only

_u32p = ctypes.POINTER(ctypes.c_uint32)
_dp = ctypes.POINTER(ctypes.c_double)


class _Rle(ctypes.Structure):
    _fields_ = [("height", ctypes.c_int), ("width", ctypes.c_int), ("m", ctypes.c_size_t),
                ("counts", _u32p)]


_RleP = ctypes.POINTER(_Rle)
_free = fn("seg_rle_free", [_RleP], None)
_encode = fn("seg_rle_encode_colmajor", [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, _RleP])
_decode = fn("seg_rle_decode_colmajor", [_RleP, ctypes.c_void_p])
_area = fn("seg_rle_area", [_RleP], ctypes.c_uint64)
_bbox = fn("seg_rle_to_bbox", [_RleP, _dp], None)
_to_string = fn("seg_rle_to_string", [_RleP, ctypes.c_char_p, ctypes.c_size_t,
                                      ctypes.POINTER(ctypes.c_size_t)])
_from_string = fn("seg_rle_from_string", [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int,
                                          ctypes.c_int, _RleP])
_from_counts = fn("seg_rle_from_counts", [_u32p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                                          _RleP])
_from_poly = fn("seg_rle_from_polygon", [_dp, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, _RleP])
_from_bbox = fn("seg_rle_from_bbox", [_dp, ctypes.c_int, ctypes.c_int, _RleP])
_merge = fn("seg_rle_merge", [_RleP, ctypes.c_size_t, ctypes.c_int, _RleP])
_rle_iou = fn("seg_rle_iou", [_RleP, ctypes.c_size_t, _RleP, ctypes.c_size_t,
                              ctypes.POINTER(ctypes.c_uint8), _dp])
_bb_iou = fn("seg_bbox_iou", [_dp, ctypes.c_size_t, _dp, ctypes.c_size_t,
                              ctypes.POINTER(ctypes.c_uint8), _dp])


class _Rles:
    """An owned array of C RLEs."""

    def __init__(self, n):
        self.n = n
        self.arr = (_Rle * max(n, 1))()

    def __del__(self):
        for i in range(self.n):
            _free(ctypes.byref(self.arr[i]))

    def ptr(self):
        return ctypes.cast(self.arr, _RleP)


def _to_dict(r):
    n = ctypes.c_size_t()
    check(_to_string(ctypes.byref(r), None, 0, ctypes.byref(n)))
    buf = ctypes.create_string_buffer(n.value + 1)
    check(_to_string(ctypes.byref(r), buf, n.value + 1, ctypes.byref(n)))
    return {"size": [r.height, r.width], "counts": buf.raw[:n.value]}


def _to_dicts(rs):
    return [_to_dict(rs.arr[i]) for i in range(rs.n)]


def _size(obj):
    try:
        h, w = obj["size"]
        return int(h), int(w)
    except (KeyError, TypeError, ValueError):
        raise Error(-5, "RLE: expected a dict with 'size': [h, w] and 'counts'") from None


def _fill(r, obj):
    """C RLE from a dict with compressed (str/bytes) or uncompressed (list) counts."""
    if not isinstance(obj, dict) or "counts" not in obj:
        raise Error(-5, "RLE: expected a dict with 'size' and 'counts', got %r" % type(obj))
    h, w = _size(obj)
    c = obj["counts"]
    if isinstance(c, str):
        c = c.encode("ascii", "replace")
    if isinstance(c, (bytes, bytearray)):
        check(_from_string(bytes(c), len(c), h, w, ctypes.byref(r)))
    else:
        a = np.ascontiguousarray(np.asarray(c, dtype=np.int64).ravel())
        if a.size and (a.min() < 0 or a.max() > 0xFFFFFFFF):
            raise Error(-5, "RLE: uncompressed counts must be in 0..2^32-1")
        a = a.astype(np.uint32)
        check(_from_counts(a.ctypes.data_as(_u32p), a.size, h, w, ctypes.byref(r)))


def _from_objs(objs):
    rs = _Rles(len(objs))
    for i, o in enumerate(objs):
        _fill(rs.arr[i], o)
    return rs


def encode(bimask):
    """Encode a binary mask H x W (-> one RLE dict) or H x W x N (-> list of N)."""
    m = np.asarray(bimask)
    if m.dtype != np.uint8:
        m = (m != 0).astype(np.uint8)
    if m.ndim == 2:
        return encode(m.reshape(m.shape + (1,), order="A"))[0]
    if m.ndim != 3:
        raise Error(-1, "encode: expected H x W or H x W x N, got shape %s" % (m.shape,))
    h, w, n = m.shape
    rs = _Rles(n)
    for i in range(n):
        col = np.asfortranarray(m[:, :, i])
        check(_encode(col.ctypes.data, h, w, ctypes.byref(rs.arr[i])))
    return _to_dicts(rs)


def decode(rleObjs):
    """RLE dict -> H x W uint8 mask; list of N -> H x W x N (Fortran order, as pycocotools)."""
    if isinstance(rleObjs, list):
        rs = _from_objs(rleObjs)
        if rs.n == 0:
            raise Error(-1, "decode: empty list")
        h, w = rs.arr[0].height, rs.arr[0].width
        out = np.zeros((h, w, rs.n), dtype=np.uint8, order="F")
        for i in range(rs.n):
            if (rs.arr[i].height, rs.arr[i].width) != (h, w):
                raise Error(-9, "decode: RLE %d is %dx%d, RLE 0 is %dx%d" % (
                    i, rs.arr[i].height, rs.arr[i].width, h, w))
            check(_decode(ctypes.byref(rs.arr[i]), out[:, :, i].ctypes.data))
        return out
    return decode([rleObjs])[:, :, 0]


def area(rleObjs):
    """Foreground pixel count: uint32 array for a list, a number for one RLE."""
    if isinstance(rleObjs, list):
        rs = _from_objs(rleObjs)
        return np.array([_area(ctypes.byref(rs.arr[i])) for i in range(rs.n)], dtype=np.uint32)
    return area([rleObjs])[0]


def toBbox(rleObjs):
    """[x, y, w, h] boxes: N x 4 float64 for a list, 4 values for one RLE."""
    if isinstance(rleObjs, list):
        rs = _from_objs(rleObjs)
        out = np.zeros((rs.n, 4), dtype=np.float64)
        for i in range(rs.n):
            _bbox(ctypes.byref(rs.arr[i]), out[i].ctypes.data_as(_dp))
        return out
    return toBbox([rleObjs])[0]


def merge(rleObjs, intersect=0):
    """Union (or intersection with intersect=1) of a list of RLEs of one size."""
    rs = _from_objs(list(rleObjs))
    out = _Rle()
    check(_merge(rs.ptr(), rs.n, 1 if intersect else 0, ctypes.byref(out)))
    try:
        return _to_dict(out)
    finally:
        _free(ctypes.byref(out))


def _boxes(objs):
    a = np.asarray(objs, dtype=np.float64)
    if a.ndim == 1:
        a = a.reshape(1, -1)
    if a.ndim != 2 or a.shape[1] != 4:
        raise Error(-1, "iou: boxes must be N x 4")
    return np.ascontiguousarray(a)


def _is_boxes(objs):
    if isinstance(objs, np.ndarray):
        return True
    return all(isinstance(o, (list, np.ndarray)) and len(o) == 4 for o in objs)


def iou(dt, gt, pyiscrowd):
    """IoU matrix [len(dt), len(gt)] of RLEs or boxes (same kind for both); for a crowd gt
    the union is the detection alone. Returns [] when either side is empty."""
    if len(dt) == 0 or len(gt) == 0:
        return []
    iscrowd = np.ascontiguousarray(np.asarray(pyiscrowd, dtype=np.uint8).ravel())
    dbox, gbox = _is_boxes(dt), _is_boxes(gt)
    if dbox != gbox:
        raise Error(-1, "iou: dt and gt must both be boxes or both be RLEs")
    if len(iscrowd) != len(gt):
        raise Error(-1, "iou: iscrowd must have one entry per gt (%d vs %d)"
                    % (len(iscrowd), len(gt)))
    cp = iscrowd.ctypes.data_as(ctypes.POINTER(ctypes.c_uint8))
    if dbox:
        d, g = _boxes(dt), _boxes(gt)
        out = np.zeros((len(d), len(g)), dtype=np.float64)
        check(_bb_iou(d.ctypes.data_as(_dp), len(d), g.ctypes.data_as(_dp), len(g), cp,
                      out.ctypes.data_as(_dp)))
        return out
    if not all(isinstance(o, dict) for o in list(dt) + list(gt)):
        raise Error(-1, "iou: list input can be boxes (Nx4) or RLEs ([RLE])")
    d, g = _from_objs(list(dt)), _from_objs(list(gt))
    out = np.zeros((d.n, g.n), dtype=np.float64)
    check(_rle_iou(d.ptr(), d.n, g.ptr(), g.n, cp, out.ctypes.data_as(_dp)))
    return out


def _poly(p, h, w):
    a = np.ascontiguousarray(np.asarray(p, dtype=np.float64).ravel())
    if a.size % 2:
        raise Error(-5, "frPyObjects: polygon has odd coordinate count (%d)" % a.size)
    rs = _Rles(1)
    check(_from_poly(a.ctypes.data_as(_dp), a.size // 2, h, w, ctypes.byref(rs.arr[0])))
    return _to_dict(rs.arr[0])


def _bb(b, h, w):
    a = np.ascontiguousarray(np.asarray(b, dtype=np.float64).ravel())
    if a.size != 4:
        raise Error(-1, "frPyObjects: a box has 4 numbers")
    rs = _Rles(1)
    check(_from_bbox(a.ctypes.data_as(_dp), h, w, ctypes.byref(rs.arr[0])))
    return _to_dict(rs.arr[0])


def _uncompressed(o):
    rs = _from_objs([o])
    return _to_dict(rs.arr[0])


def frPyObjects(pyobj, h, w):
    """Polygons, boxes or uncompressed RLEs -> compressed RLE dict(s), with pycocotools'
    dispatch: an N x 4 array or a list whose first item has 4 numbers is boxes; longer
    lists are polygons; dicts are uncompressed RLEs (their own 'size' is used)."""
    h, w = int(h), int(w)
    if isinstance(pyobj, np.ndarray):
        return [_bb(b, h, w) for b in _boxes(pyobj)]
    if isinstance(pyobj, list) and pyobj and isinstance(pyobj[0], dict):
        return [_uncompressed(o) for o in pyobj]
    if isinstance(pyobj, list) and pyobj and isinstance(pyobj[0], (list, tuple, np.ndarray)):
        if len(pyobj[0]) == 4:
            return [_bb(b, h, w) for b in pyobj]
        if len(pyobj[0]) > 4:
            return [_poly(p, h, w) for p in pyobj]
    if isinstance(pyobj, list) and len(pyobj) == 4:
        return _bb(pyobj, h, w)
    if isinstance(pyobj, list) and len(pyobj) > 4:
        return _poly(pyobj, h, w)
    if isinstance(pyobj, dict) and "counts" in pyobj and "size" in pyobj:
        return _uncompressed(pyobj)
    raise Error(-7, "frPyObjects: input type is not supported")
