"""Smoothing filters with cv2's names, argument order and constants:
gaussian_blur (cv2.GaussianBlur), blur (cv2.blur), box_filter (cv2.boxFilter),
get_gaussian_kernel (cv2.getGaussianKernel). u8 results are identical to OpenCV 4.6."""
import ctypes

import numpy as np

from ._lib import Error, Image, ImagePtr, as_image, check, fn

__all__ = ["BORDER_CONSTANT", "BORDER_REPLICATE", "BORDER_REFLECT", "BORDER_REFLECT_101",
           "BORDER_REFLECT101", "BORDER_DEFAULT", "gaussian_blur", "blur", "box_filter",
           "get_gaussian_kernel"]

BORDER_CONSTANT = 0
BORDER_REPLICATE = 1
BORDER_REFLECT = 2
BORDER_REFLECT_101 = 4
BORDER_REFLECT101 = 4
BORDER_DEFAULT = 4

_gauss = fn("seg_gaussian_blur", [ImagePtr, ImagePtr, ctypes.c_int, ctypes.c_int,
                                   ctypes.c_double, ctypes.c_double, ctypes.c_int])
_box = fn("seg_box_blur", [ImagePtr, ImagePtr, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                           ctypes.c_int])
_kernel = fn("seg_gaussian_kernel", [ctypes.c_int, ctypes.c_double,
                                     ctypes.POINTER(ctypes.c_double)])


def _ksize(ksize, who):
    try:
        kw, kh = ksize
        return int(kw), int(kh)
    except (TypeError, ValueError):
        raise Error(-1, "%s: ksize must be a pair of ints (width, height), got %r"
                    % (who, ksize)) from None


_TYPES = {np.dtype(np.uint8): 0, np.dtype(np.uint16): 1, np.dtype(np.float32): 3}


def _fast_view(arr):
    """Image for a C-contiguous 2-D/3-D array of a filter type, else None (as_image then
    handles copies, odd strides and the error messages). Saves microseconds per call."""
    t = _TYPES.get(arr.dtype)
    if t is None or not arr.flags.c_contiguous or arr.size == 0:
        return None
    if arr.ndim == 2:
        h, w = arr.shape
        c = 1
    elif arr.ndim == 3 and 1 <= arr.shape[2] <= 4:
        h, w, c = arr.shape
    else:
        return None
    return Image(arr.ctypes.data, w, h, w * c * arr.itemsize, c, t, 0)


def _run(func, args, src, dst, who):
    """func(src_image, dst_image, *args); returns the output array (dst when given)."""
    arr = src if isinstance(src, np.ndarray) else np.asarray(src)
    if arr.size == 0:
        raise Error(-1, "%s: input image is empty" % who)
    simg = _fast_view(arr)
    keep = arr
    if simg is None:
        simg, keep = as_image(arr, who)
    if dst is None:
        # numpy's allocation skips the zero-fill a library-allocated image would get.
        # Like cv2, an H x W x 1 input gives an H x W output.
        shape = arr.shape[:2] if arr.ndim == 3 and arr.shape[2] == 1 else arr.shape
        dst = np.empty(shape, arr.dtype)
    elif not isinstance(dst, np.ndarray) or dst.dtype != arr.dtype or \
            dst.reshape(dst.shape[:2] + (-1,)).shape != arr.reshape(arr.shape[:2] + (-1,)).shape:
        raise Error(-9, "%s: dst must be an array of shape %s and dtype %s"
                    % (who, arr.shape, arr.dtype))
    dimg = _fast_view(dst)
    if dimg is None:
        dimg, dkeep = as_image(dst, who)
        if dkeep is not dst:
            raise Error(-1, "%s: dst must have contiguous rows" % who)
    check(func(ctypes.byref(simg), ctypes.byref(dimg), *args))
    del keep
    return dst


def gaussian_blur(src, ksize, sigmaX, dst=None, sigmaY=0, borderType=BORDER_DEFAULT):
    """cv2.GaussianBlur: ksize (w, h) odd or 0 to derive from sigma; u8/u16 bit-exact."""
    kw, kh = _ksize(ksize, "gaussian_blur")
    return _run(_gauss, (kw, kh, float(sigmaX), float(sigmaY), int(borderType)), src, dst,
                "gaussian_blur")


def box_filter(src, ddepth, ksize, dst=None, anchor=(-1, -1), normalize=True,
               borderType=BORDER_DEFAULT):
    """cv2.boxFilter with ddepth=-1 (output type = input type) and the centre anchor."""
    if ddepth != -1:
        raise Error(-7, "box_filter: only ddepth=-1 (same type as the input) is supported")
    kw, kh = _ksize(ksize, "box_filter")
    if tuple(anchor) not in ((-1, -1), (kw // 2, kh // 2)):
        raise Error(-7, "box_filter: only the centre anchor is supported, got %r" % (anchor,))
    return _run(_box, (kw, kh, 1 if normalize else 0, int(borderType)), src, dst, "box_filter")


def blur(src, ksize, dst=None, anchor=(-1, -1), borderType=BORDER_DEFAULT):
    """cv2.blur: the normalised box filter."""
    return box_filter(src, -1, ksize, dst, anchor, True, borderType)


def get_gaussian_kernel(ksize, sigma):
    """cv2.getGaussianKernel(ksize, sigma): a (ksize, 1) float64 column."""
    k = int(ksize)
    if k <= 0:
        raise Error(-1, "get_gaussian_kernel: ksize %d must be positive" % k)
    out = np.empty((k, 1), np.float64)
    check(_kernel(k, float(sigma), out.ctypes.data_as(ctypes.POINTER(ctypes.c_double))))
    return out
