"""GrabCut with cv2.grabCut's signature, mask values, models and modes.

    mask, bgd_model, fgd_model = segkit.grab_cut(img, mask, rect, bgd_model, fgd_model,
                                                 iter_count, segkit.GC_INIT_WITH_RECT)

Like cv2, `mask` (uint8 H x W) and the models (float64, 1 x 65) are updated in place and
also returned; models from cv2 work here and back. `seed=` seeds the k-means start
(cv::RNG's generator; see include/segkit/grabcut.h).
"""
import ctypes

import numpy as np

from ._lib import Error, ImagePtr, as_image, check, fn

__all__ = ["grab_cut", "GC_BGD", "GC_FGD", "GC_PR_BGD", "GC_PR_FGD", "GC_INIT_WITH_RECT",
           "GC_INIT_WITH_MASK", "GC_EVAL", "GC_EVAL_FREEZE_MODEL"]

GC_BGD, GC_FGD, GC_PR_BGD, GC_PR_FGD = 0, 1, 2, 3
GC_INIT_WITH_RECT, GC_INIT_WITH_MASK, GC_EVAL, GC_EVAL_FREEZE_MODEL = 0, 1, 2, 3


class _Rect(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int),
                ("height", ctypes.c_int)]


_DBL = ctypes.POINTER(ctypes.c_double)
_grabcut = fn("seg_grab_cut", [ImagePtr, ImagePtr, _Rect, _DBL, _DBL, ctypes.c_int, ctypes.c_int,
                              ctypes.c_uint64])


def _model(m, name):
    if m is None:
        return np.zeros((1, 65), np.float64), None
    a = np.asarray(m)
    if a.dtype != np.float64 or a.size != 65:
        raise Error(-1, "grab_cut: %s must be 65 float64 values (1 x 65), got %s %s"
                    % (name, a.dtype, a.shape))
    if isinstance(m, np.ndarray) and a.flags.c_contiguous and a.flags.writeable:
        return a, None
    return np.ascontiguousarray(a).copy(), m


def grab_cut(img, mask, rect, bgdModel, fgdModel, iterCount, mode=GC_EVAL, seed=None):
    """cv2.grabCut(img, mask, rect, bgdModel, fgdModel, iterCount, mode) ->
    (mask, bgdModel, fgdModel). img: uint8 H x W x 3; mask: uint8 H x W (written in place;
    with GC_INIT_WITH_RECT it may be None); rect: (x, y, w, h), used with
    GC_INIT_WITH_RECT."""
    im = np.asarray(img)
    if im.dtype != np.uint8 or im.ndim != 3 or im.shape[2] != 3:
        raise Error(-8, "grab_cut: img must be uint8 H x W x 3, got %s %s" % (im.dtype, im.shape))
    src, src_keep = as_image(im)
    if mask is None:
        if mode != GC_INIT_WITH_RECT:
            raise Error(-1, "grab_cut: mask is None (only GC_INIT_WITH_RECT creates one)")
        mask = np.zeros(im.shape[:2], np.uint8)
    if not isinstance(mask, np.ndarray) or mask.dtype != np.uint8 or mask.ndim != 2:
        raise Error(-8, "grab_cut: mask must be a uint8 H x W numpy array")
    if mask.shape != im.shape[:2]:
        raise Error(-9, "grab_cut: mask is %dx%d but the image is %dx%d"
                    % (mask.shape[1], mask.shape[0], im.shape[1], im.shape[0]))
    work = mask if mask.flags.writeable and mask.strides[1] == 1 else mask.copy()
    mimg, work = as_image(work)
    if rect is None:
        rect = (0, 0, 0, 0)
    try:
        r = _Rect(*[int(v) for v in rect])
    except (TypeError, ValueError):
        raise Error(-1, "grab_cut: rect must be (x, y, width, height)")
    bgd, bgd_orig = _model(bgdModel, "bgdModel")
    fgd, fgd_orig = _model(fgdModel, "fgdModel")
    seed = 0 if seed is None else int(seed)
    if not 0 <= seed < 2 ** 64:
        raise Error(-1, "grab_cut: seed must be in 0..2^64-1")
    check(_grabcut(ctypes.byref(src), ctypes.byref(mimg), r, bgd.ctypes.data_as(_DBL),
                   fgd.ctypes.data_as(_DBL), int(iterCount), int(mode), seed))
    if work is not mask:
        mask[...] = work
    for new, orig in ((bgd, bgd_orig), (fgd, fgd_orig)):
        if isinstance(orig, np.ndarray) and orig.flags.writeable:
            orig[...] = new.reshape(orig.shape)
    return mask, (bgd if bgd_orig is None else bgd.reshape(1, 65)), \
        (fgd if fgd_orig is None else fgd.reshape(1, 65))
