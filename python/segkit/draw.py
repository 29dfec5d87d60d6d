"""Drawing in place, cv2-compatible (OpenCV 4.6) for LINE_8/LINE_4 and shift 0: line,
rectangle, polylines, fill_poly, draw_contours. Like cv2, each draws into `img` and
returns it; img must be a writable C-contiguous uint8 (1, 3 or 4 channels) or a
1-channel uint16/int32/float32 array."""
import ctypes

import numpy as np

from ._lib import fn, check, as_image, Error, ImagePtr

__all__ = ["FILLED", "LINE_4", "LINE_8", "LINE_AA", "line", "rectangle", "polylines",
           "fill_poly", "draw_contours", "put_text", "text_size"]

FILLED, LINE_4, LINE_8, LINE_AA = -1, 4, 8, 16
_INT_MAX = 2147483647

_D4 = ctypes.c_double * 4
_I32P = ctypes.POINTER(ctypes.c_int32)
_SZP = ctypes.POINTER(ctypes.c_size_t)
_line = fn("seg_draw_line", [ImagePtr, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                             _D4, ctypes.c_int, ctypes.c_int])
_rect = fn("seg_draw_rectangle", [ImagePtr, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                  ctypes.c_int, _D4, ctypes.c_int, ctypes.c_int])
_polylines = fn("seg_draw_polylines", [ImagePtr, _I32P, _SZP, ctypes.c_int, ctypes.c_int, _D4,
                                       ctypes.c_int, ctypes.c_int])
_fill = fn("seg_fill_poly", [ImagePtr, _I32P, _SZP, ctypes.c_int, _D4, ctypes.c_int,
                             ctypes.c_int, ctypes.c_int])
_text = fn("seg_draw_text", [ImagePtr, ctypes.c_int, ctypes.c_int, ctypes.c_char_p, _D4,
                             ctypes.c_int])
_text_size = fn("seg_text_size", [ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int),
                                  ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int)])
_contours = fn("seg_draw_contours", [ImagePtr, _I32P, _SZP, ctypes.c_int, ctypes.c_int, _D4,
                                     ctypes.c_int, ctypes.c_int, _I32P, ctypes.c_int,
                                     ctypes.c_int, ctypes.c_int])


def _canvas(img, who):
    if not isinstance(img, np.ndarray):
        raise Error(-1, "%s: img must be a numpy array (drawing is in place)" % who)
    if not img.flags.writeable:
        raise Error(-1, "%s: img is read-only" % who)
    view, kept = as_image(img, who)
    if kept is not img and not (kept.base is img and kept.ctypes.data == img.ctypes.data):
        raise Error(-1, "%s: img must have contiguous rows to be drawn on in place" % who)
    return view


def _color(color, who):
    if np.isscalar(color):
        vals = [float(color)]
    else:
        vals = [float(v) for v in color]
    if len(vals) > 4:
        raise Error(-1, "%s: color has more than 4 values" % who)
    return _D4(*(vals + [0.0] * (4 - len(vals))))


def _line_type(lineType, who):
    if lineType == LINE_AA:
        raise Error(-7, "%s: LINE_AA is not supported (use LINE_8 or LINE_4)" % who)
    return int(lineType)


def _pt(p, who):
    try:
        x, y = p
        return int(x), int(y)
    except (TypeError, ValueError):
        raise Error(-1, "%s: a point must be (x, y), got %r" % (who, p))


def _polys(pts, who):
    if isinstance(pts, np.ndarray) and pts.dtype != object and pts.ndim in (2, 3) and \
            pts.shape[-1] == 2 and (pts.ndim == 2 or pts.shape[1] == 1):
        pts = [pts]
    arrs = []
    for p in pts:
        a = np.asarray(p)
        if a.size and (a.dtype.kind not in "iu" or a.shape[-1] != 2):
            raise Error(-1, "%s: each polygon must be int32 points of shape (N, 1, 2), got "
                        "%s %s" % (who, a.dtype, a.shape))
        arrs.append(a.reshape(-1, 2).astype(np.int32, copy=False))
    offs = np.zeros(len(arrs) + 1, np.uintp)
    if arrs:
        offs[1:] = np.cumsum([len(a) for a in arrs])
    flat = np.ascontiguousarray(np.concatenate(arrs) if arrs else np.zeros((0, 2), np.int32))
    return flat, offs, len(arrs)


def line(img, pt1, pt2, color, thickness=1, lineType=LINE_8, shift=0):
    """cv2.line (shift must be 0)."""
    if shift:
        raise Error(-7, "line: shift is not supported")
    view = _canvas(img, "line")
    (x1, y1), (x2, y2) = _pt(pt1, "line"), _pt(pt2, "line")
    check(_line(ctypes.byref(view), x1, y1, x2, y2, _color(color, "line"), int(thickness),
                _line_type(lineType, "line")))
    return img


def rectangle(img, pt1, pt2, color, thickness=1, lineType=LINE_8, shift=0):
    """cv2.rectangle(img, pt1, pt2, color, thickness) (shift must be 0)."""
    if shift:
        raise Error(-7, "rectangle: shift is not supported")
    view = _canvas(img, "rectangle")
    (x1, y1), (x2, y2) = _pt(pt1, "rectangle"), _pt(pt2, "rectangle")
    check(_rect(ctypes.byref(view), x1, y1, x2, y2, _color(color, "rectangle"), int(thickness),
                _line_type(lineType, "rectangle")))
    return img


def polylines(img, pts, isClosed, color, thickness=1, lineType=LINE_8, shift=0):
    """cv2.polylines (shift must be 0)."""
    if shift:
        raise Error(-7, "polylines: shift is not supported")
    view = _canvas(img, "polylines")
    flat, offs, n = _polys(pts, "polylines")
    check(_polylines(ctypes.byref(view), flat.ctypes.data_as(_I32P), offs.ctypes.data_as(_SZP),
                     n, 1 if isClosed else 0, _color(color, "polylines"), int(thickness),
                     _line_type(lineType, "polylines")))
    return img


def fill_poly(img, pts, color, lineType=LINE_8, shift=0, offset=(0, 0)):
    """cv2.fillPoly (shift must be 0): even-odd fill of all polygons together."""
    if shift:
        raise Error(-7, "fill_poly: shift is not supported")
    view = _canvas(img, "fill_poly")
    flat, offs, n = _polys(pts, "fill_poly")
    ox, oy = _pt(offset, "fill_poly")
    check(_fill(ctypes.byref(view), flat.ctypes.data_as(_I32P), offs.ctypes.data_as(_SZP), n,
                _color(color, "fill_poly"), _line_type(lineType, "fill_poly"), ox, oy))
    return img


def draw_contours(image, contours, contourIdx, color, thickness=1, lineType=LINE_8,
                  hierarchy=None, maxLevel=_INT_MAX, offset=(0, 0)):
    """cv2.drawContours: thickness FILLED (-1) fills with holes respected."""
    view = _canvas(image, "draw_contours")
    flat, offs, n = _polys(contours, "draw_contours")
    hp = None
    if hierarchy is not None:
        h = np.ascontiguousarray(np.asarray(hierarchy, np.int32).reshape(-1, 4))
        if len(h) != n:
            raise Error(-1, "draw_contours: hierarchy has %d entries for %d contours"
                        % (len(h), n))
        hp = h.ctypes.data_as(_I32P)
    ox, oy = _pt(offset, "draw_contours")
    check(_contours(ctypes.byref(view), flat.ctypes.data_as(_I32P), offs.ctypes.data_as(_SZP),
                    n, int(contourIdx), _color(color, "draw_contours"), int(thickness),
                    _line_type(lineType, "draw_contours"), hp, int(maxLevel), ox, oy))
    return image


def text_size(text, scale=1):
    """(width, height, baseline) of the box put_text fills: height 16*scale, baseline
    11*scale rows from the top."""
    w, h, b = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    check(_text_size(text.encode("latin-1", "replace"), scale, ctypes.byref(w), ctypes.byref(h),
                     ctypes.byref(b)))
    return w.value, h.value, b.value


def put_text(img, text, org, color, scale=1):
    """Text in segkit's bitmap font (printable ASCII from OpenCV's FONT_HERSHEY_PLAIN at
    0.9, each glyph as cv2.putText draws it), enlarged by an integer scale. Unlike
    cv2.putText, org is the top-left corner of the text box (baseline 11*scale below)."""
    view = _canvas(img, "put_text")
    check(_text(view, int(org[0]), int(org[1]), text.encode("latin-1", "replace"),
                _color(color, "put_text"), scale))
    return img

