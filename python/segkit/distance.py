"""Distance transforms with cv2's names, argument order and constants:
distance_transform(src, distanceType, maskSize, dstType=CV_32F) and
distance_transform_with_labels(src, distanceType, maskSize, labelType) -> (dst, labels),
identical to cv2.distanceTransform / cv2.distanceTransformWithLabels (OpenCV 4.6)."""
import ctypes

import numpy as np

from ._lib import Error, ImagePtr, as_image, check, fn, to_array, Image, SEG_U8, SEG_F32

__all__ = ["distance_transform", "distance_transform_with_labels", "DIST_L1", "DIST_L2",
           "DIST_C", "DIST_MASK_3", "DIST_MASK_5", "DIST_MASK_PRECISE", "DIST_LABEL_CCOMP",
           "DIST_LABEL_PIXEL"]

DIST_L1, DIST_L2, DIST_C = 1, 2, 3
DIST_MASK_PRECISE, DIST_MASK_3, DIST_MASK_5 = 0, 3, 5
DIST_LABEL_CCOMP, DIST_LABEL_PIXEL = 0, 1
_CV_8U, _CV_32F = 0, 5

_dt = fn("seg_distance_transform", [ImagePtr, ImagePtr, ctypes.c_int, ctypes.c_int, ctypes.c_int])
_dtl = fn("seg_distance_transform_with_labels",
          [ImagePtr, ImagePtr, ImagePtr, ctypes.c_int, ctypes.c_int, ctypes.c_int])


def _src(src, who):
    a = np.asarray(src)
    if a.dtype != np.uint8 and a.dtype != np.bool_:
        raise Error(-8, "%s: src must be uint8 (got %s)" % (who, a.dtype))
    if a.ndim != 2:
        raise Error(-8, "%s: src must be a 2-D single-channel image (got shape %s)"
                    % (who, a.shape))
    return as_image(a, "src")


def distance_transform(src, distanceType, maskSize, dstType=_CV_32F):
    """Distance of each non-zero pixel of a uint8 image to the nearest zero pixel, as
    cv2.distanceTransform. dstType: 5 (CV_32F) or 0 (CV_8U, used only with DIST_L1; as in
    cv2 other distance types then return float32). Returns the distance image."""
    if dstType not in (_CV_8U, _CV_32F):
        raise Error(-1, "distance_transform: dstType must be CV_8U (0) or CV_32F (5)")
    img, keep = _src(src, "distance_transform")
    out_type = SEG_U8 if dstType == _CV_8U and int(distanceType) == DIST_L1 else SEG_F32
    dst = Image()
    check(_dt(img, dst, int(distanceType), int(maskSize), out_type))
    return to_array(dst)


def distance_transform_with_labels(src, distanceType, maskSize, labelType=DIST_LABEL_CCOMP):
    """(dst, labels) as cv2.distanceTransformWithLabels: float32 distances (5x5 chamfer
    mask, as cv2 uses whatever maskSize says) and int32 labels of the nearest zero pixel
    (DIST_LABEL_CCOMP: its 8-connected component of zeros; DIST_LABEL_PIXEL: the pixel)."""
    img, keep = _src(src, "distance_transform_with_labels")
    dst, lab = Image(), Image()
    check(_dtl(img, dst, lab, int(distanceType), int(maskSize), int(labelType)))
    return to_array(dst), to_array(lab)
