"""Semantic segmentation with an ONNX network, label colouring and overlays."""
import ctypes

import numpy as np

from . import _lib as L
from .model import Model, _Tensor, _tfree

__all__ = ["segment_semantic", "colorize_labels", "overlay", "palette_voc"]

_size = L.fn("seg_semantic_config_size", [], ctypes.c_size_t)()
_default = L.fn("seg_semantic_config_default", [ctypes.c_void_p], None)
_load = L.fn("seg_semantic_config_load", [ctypes.c_char_p, ctypes.c_void_p])
_clear = L.fn("seg_semantic_config_clear", [ctypes.c_void_p], None)
_segment = L.fn("seg_segment_semantic", [ctypes.c_void_p, ctypes.c_void_p, L.ImagePtr, ctypes.c_int,
                                         L.ImagePtr, ctypes.POINTER(_Tensor)])
_voc = L.fn("seg_palette_voc", [ctypes.c_char_p], None)
_colorize = L.fn("seg_colorize_labels", [L.ImagePtr, ctypes.c_char_p, ctypes.c_int, ctypes.c_int,
                                         L.ImagePtr])
_overlay = L.fn("seg_overlay", [L.ImagePtr, L.ImagePtr, L.ImagePtr, ctypes.c_float, L.ImagePtr])


class _Config:
    def __init__(self, path):
        self.buf = ctypes.create_string_buffer(_size)
        if path is None:
            _default(self.buf)
        else:
            L.check(_load(str(path).encode(), self.buf))

    def __del__(self):
        _clear(self.buf)


def segment_semantic(image, model, config=None, order="bgr", probabilities=False):
    """Per-pixel classes of `image` (uint8 H x W x 3 in `order`, or gray) by an ONNX
    network: `model` is a segkit.Model or a path; `config` the path of its JSON
    description (see docs/semantic.md; None: torchvision's conventions). Returns the
    uint16 label map at the image's size, and with probabilities=True also the float32
    class probabilities [C, h, w] at the network's output resolution."""
    m = model if isinstance(model, Model) else Model(model)
    cfg = _Config(config)
    img, keep = L.as_image(image)
    out = L.Image()
    probs = _Tensor()
    L.check(_segment(m._h, cfg.buf, img, 1 if order == "rgb" else 0, out,
                     ctypes.byref(probs) if probabilities else None))
    labels = L.to_array(out)
    if not probabilities:
        return labels
    try:
        shape = tuple(probs.dims[d] for d in range(probs.ndim))
        buf = (ctypes.c_uint8 * probs.nbytes).from_address(probs.data)
        p = np.frombuffer(buf, np.float32).reshape(shape).copy()
    finally:
        _tfree(ctypes.byref(probs))
    return labels, p


def palette_voc():
    """The PASCAL VOC colour map: uint8 [256, 3] RGB."""
    buf = ctypes.create_string_buffer(768)
    _voc(buf)
    return np.frombuffer(buf.raw, np.uint8).reshape(256, 3).copy()


def colorize_labels(labels, palette=None, order="bgr"):
    """Colour a label map (uint8/uint16) with an RGB palette [n, 3] (default VOC)."""
    pal = np.ascontiguousarray(palette_voc() if palette is None else palette, np.uint8)
    if pal.ndim != 2 or pal.shape[1] != 3:
        raise L.Error(-1, "colorize: palette must be [n, 3]")
    img, keep = L.as_image(labels)
    out = L.Image()
    L.check(_colorize(img, pal.tobytes(), len(pal), 1 if order == "rgb" else 0, out))
    return L.to_array(out)


def overlay(image, color, alpha=0.5, mask=None):
    """image * (1 - alpha) + color * alpha where mask is non-zero (everywhere if None)."""
    a, ka = L.as_image(image)
    c, kc = L.as_image(color)
    mk = L.as_image(mask) if mask is not None else (None, None)
    out = L.Image()
    L.check(_overlay(a, c, mk[0], float(alpha), out))
    return L.to_array(out)
