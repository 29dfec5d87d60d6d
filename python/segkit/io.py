"""Image files (PNG, JPEG, PGM/PPM) with cv2's names, argument order and constants.

    img = segkit.imread("a.png")                       # like cv2.imread: BGR, uint8
    img = segkit.imread("a.png", segkit.IMREAD_UNCHANGED, order="rgb")
    segkit.imwrite("b.jpg", img, [segkit.IMWRITE_JPEG_QUALITY, 90])
    ok, buf = segkit.imencode(".png", img)
    img = segkit.imdecode(buf, segkit.IMREAD_COLOR)

Decoded pixels are identical to cv2.imread / cv2.imdecode (OpenCV 4.6) for PNG, JPEG and
PGM/PPM in every IMREAD_* mode. One deliberate difference: where cv2 returns None
(missing file, corrupt or truncated data, unknown format) or writes a grey-filled
image for a truncated JPEG, segkit raises segkit.Error with a message naming the file
and the problem. imwrite likewise returns True or raises; it never leaves a partial
file behind.

`order` ("bgr" like cv2, or "rgb" like PIL/skimage) says how 3- and 4-channel arrays are
laid out. `max_pixels` (default 2**28) refuses larger images before allocating.
"""
import ctypes
import os

import numpy as np

from ._lib import Image, ImagePtr, as_image, check, fn, to_array, Error

__all__ = ["imread", "imwrite", "imdecode", "imencode", "IMREAD_UNCHANGED", "IMREAD_GRAYSCALE",
           "IMREAD_COLOR", "IMREAD_ANYDEPTH", "IMREAD_ANYCOLOR", "IMWRITE_JPEG_QUALITY",
           "IMWRITE_PNG_COMPRESSION"]

IMREAD_UNCHANGED = -1
IMREAD_GRAYSCALE = 0
IMREAD_COLOR = 1
IMREAD_ANYDEPTH = 2
IMREAD_ANYCOLOR = 4
IMWRITE_JPEG_QUALITY = 1
IMWRITE_PNG_COMPRESSION = 16

DEFAULT_MAX_PIXELS = 1 << 28


class _ReadOptions(ctypes.Structure):
    _fields_ = [("mode", ctypes.c_int), ("order", ctypes.c_int), ("max_pixels", ctypes.c_uint64)]


class _WriteOptions(ctypes.Structure):
    _fields_ = [("order", ctypes.c_int), ("jpeg_quality", ctypes.c_int),
                ("png_compression", ctypes.c_int), ("palette", ctypes.c_void_p),
                ("palette_size", ctypes.c_int)]


_imread = fn("seg_imread", [ctypes.c_char_p, ImagePtr, ctypes.POINTER(_ReadOptions)])
_imdecode = fn("seg_imdecode", [ctypes.c_void_p, ctypes.c_size_t, ImagePtr,
                                ctypes.POINTER(_ReadOptions)])
_imwrite = fn("seg_imwrite", [ctypes.c_char_p, ImagePtr, ctypes.POINTER(_WriteOptions)])
_imencode = fn("seg_imencode", [ctypes.c_char_p, ImagePtr, ctypes.POINTER(_WriteOptions),
                                ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t)])
_free = fn("seg_free", [ctypes.c_void_p], None)


def _order(order):
    o = str(order).lower()
    if o not in ("bgr", "rgb"):
        raise Error(-1, "order must be 'bgr' or 'rgb', got %r" % (order,))
    return 0 if o == "bgr" else 1


def _read_opts(flags, order, max_pixels):
    if max_pixels is None:
        max_pixels = DEFAULT_MAX_PIXELS
    if int(max_pixels) <= 0:
        raise Error(-1, "max_pixels must be positive, got %r" % (max_pixels,))
    return _ReadOptions(int(flags), _order(order), int(max_pixels))


def _path(filename):
    return os.fsencode(filename)


def imread(filename, flags=IMREAD_COLOR, order="bgr", max_pixels=None):
    """Read an image file like cv2.imread(filename, flags) (same pixels, same dtype and
    shape). Raises segkit.Error where cv2 would return None."""
    opts = _read_opts(flags, order, max_pixels)
    img = Image()
    check(_imread(_path(filename), ctypes.byref(img), ctypes.byref(opts)))
    return to_array(img)


def imdecode(buf, flags, order="bgr", max_pixels=None):
    """Decode an encoded image held in memory (bytes or a uint8 array), like
    cv2.imdecode(buf, flags)."""
    if isinstance(buf, (bytes, bytearray, memoryview)):
        arr = np.frombuffer(buf, np.uint8)
    else:
        arr = np.ascontiguousarray(np.asarray(buf))
        if arr.dtype != np.uint8:
            raise Error(-1, "imdecode: buffer must be uint8, got %s" % arr.dtype)
    opts = _read_opts(flags, order, max_pixels)
    img = Image()
    check(_imdecode(arr.ctypes.data if arr.size else None, arr.size, ctypes.byref(img),
                    ctypes.byref(opts)))
    return to_array(img)


def _write_opts(params, order, palette):
    o = _WriteOptions(_order(order), 95, -1, None, 0)
    params = [] if params is None else [int(p) for p in params]
    if len(params) % 2:
        raise Error(-1, "params must be a flat list of (flag, value) pairs")
    for key, val in zip(params[::2], params[1::2]):
        if key == IMWRITE_JPEG_QUALITY:
            o.jpeg_quality = min(max(val, 1), 100)  # cv2 clamps to 0..100; 0 acts as 1
        elif key == IMWRITE_PNG_COMPRESSION:
            o.png_compression = min(max(val, 0), 9)  # cv2 clamps to 0..9
        else:
            raise Error(-7, "imwrite: unsupported parameter %d (IMWRITE_JPEG_QUALITY=1, "
                        "IMWRITE_PNG_COMPRESSION=16)" % key)
    keep = None
    if palette is not None:
        pal = np.ascontiguousarray(np.asarray(palette, dtype=np.uint8).reshape(-1, 3))
        if not 1 <= len(pal) <= 256:
            raise Error(-1, "imwrite: palette needs 1..256 RGB entries, got %d" % len(pal))
        o.palette = pal.ctypes.data
        o.palette_size = len(pal)
        keep = pal
    return o, keep


def imwrite(filename, img, params=None, order="bgr", palette=None):
    """Write img like cv2.imwrite(filename, img, params); the format comes from the
    extension. params is cv2's flat list, e.g. [IMWRITE_JPEG_QUALITY, 90]. palette: an
    N x 3 array of RGB colours makes a palette PNG from a uint8 label map. Returns True;
    raises segkit.Error on failure (leaving no file)."""
    view, keep_img = as_image(img, "imwrite")
    opts, keep_pal = _write_opts(params, order, palette)
    check(_imwrite(_path(filename), ctypes.byref(view), ctypes.byref(opts)))
    del keep_img, keep_pal
    return True


def imencode(ext, img, params=None, order="bgr", palette=None):
    """Encode to memory like cv2.imencode(ext, img, params) -> (True, uint8 array)."""
    view, keep_img = as_image(img, "imencode")
    opts, keep_pal = _write_opts(params, order, palette)
    ptr = ctypes.c_void_p()
    size = ctypes.c_size_t()
    check(_imencode(ext.encode() if isinstance(ext, str) else bytes(ext), ctypes.byref(view),
                    ctypes.byref(opts), ctypes.byref(ptr), ctypes.byref(size)))
    try:
        out = np.empty(size.value, np.uint8)
        if size.value:
            ctypes.memmove(out.ctypes.data, ptr.value, size.value)
    finally:
        _free(ptr)
    del keep_img, keep_pal
    return True, out
