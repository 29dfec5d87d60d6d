"""Colour conversion, like cv2.cvtColor (OpenCV 4.6): same codes, same results.

    lab = segkit.cvt_color(bgr, segkit.COLOR_BGR2LAB)

u8 results are identical to cv2.cvtColor; f32 follows cv2's float formulas (H in
degrees 0..360, L in 0..100) within 1e-5; u16 supports the reorderings and gray.
"""
import ctypes

import numpy as np

from . import _lib as L

_cvt = L.fn("seg_cvt_color", [L.ImagePtr, L.ImagePtr, ctypes.c_int])

# cv2's names and values, plus upper-case aliases (COLOR_BGR2LAB == COLOR_BGR2Lab).
_CODES = {
    "BGR2BGRA": 0, "RGB2RGBA": 0, "BGRA2BGR": 1, "RGBA2RGB": 1,
    "BGR2RGBA": 2, "RGB2BGRA": 2, "RGBA2BGR": 3, "BGRA2RGB": 3,
    "BGR2RGB": 4, "RGB2BGR": 4, "BGRA2RGBA": 5, "RGBA2BGRA": 5,
    "BGR2GRAY": 6, "RGB2GRAY": 7, "GRAY2BGR": 8, "GRAY2RGB": 8,
    "GRAY2BGRA": 9, "GRAY2RGBA": 9, "BGRA2GRAY": 10, "RGBA2GRAY": 11,
    "BGR2YCrCb": 36, "RGB2YCrCb": 37, "YCrCb2BGR": 38, "YCrCb2RGB": 39,
    "BGR2HSV": 40, "RGB2HSV": 41, "BGR2Lab": 44, "RGB2Lab": 45,
    "HSV2BGR": 54, "HSV2RGB": 55, "Lab2BGR": 56, "Lab2RGB": 57,
    "BGR2HSV_FULL": 66, "RGB2HSV_FULL": 67, "HSV2BGR_FULL": 70, "HSV2RGB_FULL": 71,
}
_DCN = {36: 3, 37: 3, 38: 3, 39: 3, 0: 4, 1: 3, 2: 4, 3: 3, 4: 3, 5: 4, 6: 1, 7: 1, 8: 3, 9: 4, 10: 1, 11: 1,
        40: 3, 41: 3, 44: 3, 45: 3, 54: 3, 55: 3, 56: 3, 57: 3, 66: 3, 67: 3, 70: 3, 71: 3}

__all__ = ["cvt_color"]
for _name, _value in _CODES.items():
    for _n in {"COLOR_" + _name, "COLOR_" + _name.upper()}:
        globals()[_n] = _value
        __all__.append(_n)
del _name, _value, _n


def cvt_color(src, code, dst=None):
    """Convert src (H x W x C or H x W numpy array) by `code` (a COLOR_* constant), like
    cv2.cvtColor(src, code, dst). Returns the converted array (dst when given, which
    must have the right shape and dtype). Raises segkit.Error for an unknown code, the
    wrong channel count or dtype for the code, or a mismatched dst."""
    img, keep = L.as_image(src, "cvt_color")
    code = int(code)
    if dst is None:
        dcn = _DCN.get(code)
        if dcn is None:
            # Let the library produce its message for the unknown code.
            out = L.Image()
            L.check(_cvt(img, out, code))
            return L.to_array(out)
        shape = (img.height, img.width) if dcn == 1 else (img.height, img.width, dcn)
        dst = np.empty(shape, keep.dtype)
    if not isinstance(dst, np.ndarray):
        raise L.Error(-1, "cvt_color: dst must be a numpy array")
    out, out_arr = L.as_image(dst, "cvt_color dst")
    if out_arr is not dst:
        raise L.Error(-1, "cvt_color: dst must have contiguous rows")
    L.check(_cvt(img, out, code))
    return dst
