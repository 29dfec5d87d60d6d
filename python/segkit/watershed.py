"""Marker watershed: watershed(image, markers) with cv2.watershed's semantics (OpenCV 4.6)
and watershed_skimage(image, markers, ...) with skimage.segmentation.watershed's
(scikit-image 0.19)."""
import ctypes

import numpy as np

from ._lib import Error, Image, ImagePtr, as_image, check, fn, to_array

__all__ = ["watershed", "watershed_skimage"]

_NATIVE = {np.dtype(t) for t in (np.uint8, np.uint16, np.int32, np.float32, np.float64)}

_ws = fn("seg_watershed", [ImagePtr, ImagePtr])
_wsk = fn("seg_watershed_skimage", [ImagePtr, ImagePtr, ImagePtr, ImagePtr, ctypes.c_int,
                                    ctypes.c_double, ctypes.c_int])


def watershed(image, markers):
    """cv2.watershed: image uint8 H x W x 3, markers int32 H x W (> 0 = seeds). Like cv2,
    markers is modified in place (frame and boundaries -1, regions their label) and is
    also returned."""
    if markers is None:
        raise Error(-1, "watershed: markers are required (int32 array of the image's size)")
    if not isinstance(markers, np.ndarray) or markers.dtype != np.int32:
        raise Error(-8, "watershed: markers must be an int32 numpy array (got %s)"
                    % getattr(markers, "dtype", type(markers).__name__))
    if markers.ndim != 2:
        raise Error(-8, "watershed: markers must be 2-D (got shape %s)" % (markers.shape,))
    if not markers.flags.writeable:
        raise Error(-1, "watershed: markers are read-only (they are updated in place)")
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise Error(-8, "watershed: image must be uint8 H x W x 3 (got %s %s)"
                    % (image.dtype, image.shape))
    if image.shape[:2] != markers.shape:
        raise Error(-9, "watershed: markers shape %s differs from the image's %s"
                    % (markers.shape, image.shape[:2]))
    img, keep = as_image(image, "image")
    mk, mkeep = as_image(markers, "markers")
    check(_ws(img, mk))
    if mkeep is not markers:  # a non-contiguous view was copied: write the result back
        markers[...] = mkeep
    return markers


def watershed_skimage(image, markers, connectivity=1, mask=None, compactness=0,
                      watershed_line=False):
    """skimage.segmentation.watershed(image, markers, connectivity, mask=mask,
    compactness=compactness, watershed_line=watershed_line) for 2-D images: image of
    uint8, uint16, int32, float32 or float64 as they are; bool, int8 and int16 widened;
    any other integer or float type converted to float64 as skimage converts every
    image. Integer markers (converted to int32 as skimage does), optional boolean mask.
    Returns the int32 label image."""
    if markers is None:
        raise Error(-1, "watershed_skimage: markers are required (an integer array)")
    image = np.asarray(image)
    if image.ndim != 2:
        raise Error(-8, "watershed_skimage: image must be 2-D (got shape %s)" % (image.shape,))
    if image.dtype == np.bool_ or image.dtype == np.int8:
        image = image.astype(np.int32) if image.dtype == np.int8 else image.view(np.uint8)
    elif image.dtype == np.int16:
        image = image.astype(np.int32)
    elif image.dtype.kind in "iuf" and image.dtype not in _NATIVE:
        image = image.astype(np.float64)
    markers = np.asarray(markers)
    if markers.dtype.kind not in "iub":
        raise Error(-8, "watershed_skimage: markers must be an integer array (got %s)"
                    % markers.dtype)
    if markers.shape != image.shape:
        raise Error(-9, "watershed_skimage: markers shape %s differs from the image's %s"
                    % (markers.shape, image.shape))
    markers = markers.astype(np.int32, copy=False)
    img, keep = as_image(image, "image", allow_f64=True)
    mk, mkeep = as_image(markers, "markers")
    mask_ptr = None
    if mask is not None:
        mask = np.asarray(mask)
        if mask.shape != image.shape:
            raise Error(-9, "watershed_skimage: mask shape %s differs from the image's %s"
                        % (mask.shape, image.shape))
        mask = (mask != 0).view(np.uint8)
        mimg, mkeep2 = as_image(mask, "mask")
        mask_ptr = ctypes.byref(mimg)
    out = Image()
    check(_wsk(img, mk, mask_ptr, out, int(connectivity), float(compactness),
               1 if watershed_line else 0))
    return to_array(out)
