"""Marker watershed: watershed(image, markers) with cv2.watershed's semantics (OpenCV 4.6)
and watershed_skimage(image, markers, ...) with skimage.segmentation.watershed's
(scikit-image 0.19)."""
import ctypes

import numpy as np

from ._lib import Error, Image, ImagePtr, as_image, check, fn, to_array

__all__ = ["watershed", "watershed_skimage", "local_minima"]

_NATIVE = {np.dtype(t) for t in (np.uint8, np.uint16, np.int32, np.float32, np.float64)}

_ws = fn("seg_watershed", [ImagePtr, ImagePtr])
_lmin = fn("seg_local_minima", [ImagePtr, ctypes.c_int, ImagePtr])
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


def _as_gray(image, who):
    """A 2-D image as the library takes it: bool, int8 and int16 widened, other numeric
    types (uint32, int64, float16, ...) as float64, as skimage converts them."""
    image = np.asarray(image)
    if image.ndim != 2:
        raise Error(-8, "%s: image must be 2-D (got shape %s)" % (who, image.shape))
    if image.dtype == np.bool_ or image.dtype == np.int8:
        image = image.astype(np.int32) if image.dtype == np.int8 else image.view(np.uint8)
    elif image.dtype == np.int16:
        image = image.astype(np.int32)
    elif image.dtype.kind in "iuf" and image.dtype not in _NATIVE:
        image = image.astype(np.float64)
    return image


def local_minima(image, connectivity=1):
    """skimage.morphology.local_minima(image, connectivity=connectivity) (scikit-image
    0.19, allow_borders=True) for 2-D images: a boolean array, True on every plateau
    whose neighbours are all greater (outside the image counts as its maximum)."""
    image = _as_gray(image, "local_minima")
    img, keep = as_image(image, "image", allow_f64=True)
    out = Image()
    check(_lmin(img, int(connectivity), out))
    return to_array(out).view(np.bool_)


def _minima_seeds(image, connectivity, mask):
    """skimage 0.19's default markers: local minima, masked, labelled in raster order
    (ndimage.label with the same connectivity)."""
    from .components import connected_components
    m = local_minima(image, connectivity)
    if mask is not None:
        m = m & (np.asarray(mask) != 0)
    conn = {1: 4, 2: 8}.get(connectivity)
    if conn is None:
        raise Error(-1, "watershed_skimage: connectivity %r is not 1 or 2" % (connectivity,))
    return connected_components(m.view(np.uint8), connectivity=conn, order="raster")[1]


def _grid_seeds(shape, count, mask):
    """skimage 0.19's markers for a number: regular_seeds(shape, int(count / (in-mask
    pixels / pixels))) times the mask, with regular_grid's step rule for two axes."""
    size = shape[0] * shape[1]
    inside = size if mask is None else int(np.count_nonzero(np.asarray(mask)))
    if inside == 0 or size == 0:
        raise Error(-1, "watershed_skimage: a number of seeds needs a non-empty mask")
    try:
        n = int(count / (inside / size))
    except (TypeError, ValueError, OverflowError):
        raise Error(-8, "watershed_skimage: markers must be an integer array or a number "
                    "(got %r)" % (count,)) from None
    if n < 1:
        raise Error(-1, "watershed_skimage: %r seeds over the mask make no seed" % (count,))
    seeds = np.zeros(shape, np.int32)
    dims = np.asarray(shape)
    order = np.argsort(np.argsort(dims))
    sorted_dims = np.sort(dims)
    if size <= n:
        grid = (slice(None), slice(None))
    else:
        steps = np.full(2, (size / n) ** 0.5)
        if (sorted_dims < steps).any():  # the short side takes its whole length (with
            steps[0] = sorted_dims[0]     # n >= 1 regular_grid's loop stops there)
            steps[1] = float(sorted_dims[1]) / n
        starts = (steps // 2).astype(int)
        steps = np.round(steps).astype(int)
        slices = [slice(a, None, b) for a, b in zip(starts, steps)]
        grid = tuple(slices[i] for i in order)
    picked = seeds[grid]
    seeds[grid] = 1 + np.arange(picked.size).reshape(picked.shape)
    if mask is not None:
        seeds *= np.asarray(mask) != 0
    return seeds


def watershed_skimage(image, markers=None, connectivity=1, mask=None, compactness=0,
                      watershed_line=False):
    """skimage.segmentation.watershed(image, markers, connectivity, mask=mask,
    compactness=compactness, watershed_line=watershed_line) for 2-D images: image of
    uint8, uint16, int32, float32 or float64 as they are; bool, int8 and int16 widened;
    any other integer or float type converted to float64 as skimage converts every
    image. Markers: an integer array (converted to int32 as skimage does); a number of
    seeds spread on skimage's regular grid (skimage.util.regular_seeds, the count scaled
    to the mask's area as skimage scales it); or None for skimage's default, the local
    minima labelled in raster order. Optional boolean mask. Returns the int32 label
    image."""
    image = _as_gray(image, "watershed_skimage")
    if markers is None:  # skimage: the local minima
        markers = _minima_seeds(image, connectivity, mask)
    elif not isinstance(markers, (np.ndarray, list, tuple)):  # skimage: a number of seeds
        markers = _grid_seeds(image.shape, markers, mask)
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
