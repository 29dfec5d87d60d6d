"""Instance segmentation (Mask R-CNN style): raw detector outputs to instances, the id
map and overlay, COCO result files. See docs/instance.md."""
import ctypes
import json

import numpy as np

from . import _lib as L
from . import mask as _mask
from .model import Model, _Tensor

__all__ = ["Instances", "segment_instance", "instances_from_outputs", "instances_to_coco_json",
           "instance_color", "coco_category_name"]


class _Instance(ctypes.Structure):
    _fields_ = [("box", ctypes.c_float * 4), ("label", ctypes.c_int), ("score", ctypes.c_float),
                ("area", ctypes.c_double), ("rle", _mask._Rle), ("bitmap", L.Image)]


class _Instances(ctypes.Structure):
    _fields_ = [("count", ctypes.c_int), ("width", ctypes.c_int), ("height", ctypes.c_int),
                ("has_masks", ctypes.c_int), ("items", ctypes.POINTER(_Instance))]


class _Config(ctypes.Structure):
    _fields_ = [("score_threshold", ctypes.c_float), ("mask_threshold", ctypes.c_float),
                ("max_instances", ctypes.c_int), ("mask_layout", ctypes.c_int),
                ("keep_bitmaps", ctypes.c_int), ("num_classes", ctypes.c_int),
                ("class_names", ctypes.POINTER(ctypes.c_char_p))]


class _DrawOptions(ctypes.Structure):
    _fields_ = [("alpha", ctypes.c_float), ("draw_boxes", ctypes.c_int),
                ("thickness", ctypes.c_int), ("draw_labels", ctypes.c_int),
                ("text_scale", ctypes.c_int), ("num_classes", ctypes.c_int),
                ("class_names", ctypes.POINTER(ctypes.c_char_p))]


for _name, _cls in (("seg_instance_struct_size", _Instance),
                    ("seg_instances_struct_size", _Instances),
                    ("seg_instance_config_size", _Config)):
    if L.fn(_name, [], ctypes.c_size_t)() != ctypes.sizeof(_cls):
        raise ImportError("segkit: %s layout differs from this binding; rebuild" % _cls.__name__)

_P = ctypes.POINTER
_TP = _P(_Tensor)
_default = L.fn("seg_instance_config_default", [_P(_Config)], None)
_free = L.fn("seg_instances_free", [_P(_Instances)], None)
_from_outputs = L.fn("seg_instances_from_outputs", [_TP, _TP, _TP, _TP, ctypes.c_int, ctypes.c_int,
                                                    _P(_Config), _P(_Instances)])
_segment = L.fn("seg_segment_instance", [ctypes.c_void_p, _P(_Config), L.ImagePtr, ctypes.c_int,
                                         _P(_Instances)])
_id_map = L.fn("seg_instances_id_map", [_P(_Instances), L.ImagePtr])
_overlay = L.fn("seg_instances_overlay", [L.ImagePtr, ctypes.c_int, _P(_Instances),
                                          _P(_DrawOptions), L.ImagePtr])
_to_json = L.fn("seg_instances_to_coco_json", [_P(_P(_Instances)), _P(ctypes.c_int64),
                                               ctypes.c_size_t, _P(ctypes.c_void_p)])
_color = L.fn("seg_instance_color", [ctypes.c_int, ctypes.c_char_p], None)
_cat_name = L.fn("seg_coco_category_name", [ctypes.c_int], ctypes.c_char_p)
_seg_free = L.fn("seg_free", [ctypes.c_void_p], None)

_LAYOUTS = {"auto": 0, "pasted": 1, "box": 2}


def coco_category_name(category_id):
    """torchvision's COCO name of category id 0..90 ('N/A' at unused ids), or None."""
    n = _cat_name(int(category_id))
    return n.decode() if n is not None else None


def instance_color(i):
    """The (r, g, b) colour segkit draws the instance at position i in."""
    buf = ctypes.create_string_buffer(3)
    _color(int(i), buf)
    return tuple(buf.raw)


class Instances:
    """Detections of one image, most confident first: boxes float32 [N, 4] (x1, y1, x2,
    y2), labels int64 [N], scores float32 [N], areas float64 [N] (mask pixels, or box area
    without masks), rle (pycocotools dicts {'size': [h, w], 'counts': bytes}, None without
    masks), masks (bool [N, H, W], decoded on first use), names (class names)."""

    def __init__(self, c, class_names):
        self._c = c  # the library's struct, released in __del__
        n = c.count
        items = [c.items[i] for i in range(n)]
        self.height, self.width, self.has_masks = c.height, c.width, bool(c.has_masks)
        self.boxes = np.array([list(it.box) for it in items], np.float32).reshape(n, 4)
        self.labels = np.array([it.label for it in items], np.int64)
        self.scores = np.array([it.score for it in items], np.float32)
        self.areas = np.array([it.area for it in items], np.float64)
        self.rle = [_mask._to_dict(it.rle) for it in items] if self.has_masks else None
        names = list(class_names) if class_names is not None else None
        self._names = [str(x) for x in names] if names else None
        self.names = [(names[k] if 0 <= k < len(names) else None) if names is not None
                      else coco_category_name(k) for k in self.labels]
        self._masks = None

    def __del__(self):
        _free(ctypes.byref(self._c))

    def __len__(self):
        return self._c.count

    @property
    def masks(self):
        if self._masks is None:
            if not self.has_masks:
                return None
            if len(self) == 0:
                self._masks = np.zeros((0, self.height, self.width), bool)
            else:
                self._masks = np.ascontiguousarray(_mask.decode(self.rle).transpose(2, 0, 1)) > 0
        return self._masks

    def id_map(self):
        """uint16 [H, W]: 1 + the position of the instance on top at each pixel, 0 for none
        (painter's order: the most confident drawn last)."""
        out = L.Image()
        L.check(_id_map(ctypes.byref(self._c), out))
        return L.to_array(out)

    def overlay(self, image, order="bgr", alpha=0.5, boxes=True, thickness=2, labels=True,
                text_scale=1):
        """The image with each mask blended in its instance's colour, boxes outlined and
        labelled with class name and score (the class names given to segment_instance /
        instances_from_outputs, else COCO's)."""
        img, keep = L.as_image(image)
        names = self._names
        cnames = (ctypes.c_char_p * len(names))(*[n.encode() for n in names]) if names else None
        opt = _DrawOptions(alpha, 1 if boxes else 0, thickness, 1 if labels else 0, text_scale,
                           len(names) if names else 0, cnames)
        out = L.Image()
        L.check(_overlay(img, 1 if order == "rgb" else 0, ctypes.byref(self._c), ctypes.byref(opt),
                         out))
        return L.to_array(out)

    def to_coco(self, image_id=1):
        """COCO result dicts (what a results JSON file holds) for this image."""
        return json.loads(instances_to_coco_json([self], [image_id]))


def instances_to_coco_json(instances, image_ids):
    """COCO results JSON text for several images (Instances, one image id each)."""
    instances = list(instances)
    ids = list(image_ids)
    if len(ids) != len(instances):
        raise L.Error(-1, "instances_to_coco_json: %d instance sets, %d image ids"
                      % (len(instances), len(ids)))
    sets = (_P(_Instances) * max(1, len(instances)))(*[ctypes.pointer(i._c) for i in instances])
    id_arr = (ctypes.c_int64 * max(1, len(ids)))(*ids)
    text = ctypes.c_void_p()
    L.check(_to_json(sets, id_arr, len(instances), ctypes.byref(text)))
    try:
        return ctypes.string_at(text.value).decode()
    finally:
        _seg_free(text)


def _config(score_threshold, mask_threshold, max_instances, mask_layout, class_names):
    cfg = _Config()
    _default(ctypes.byref(cfg))
    cfg.score_threshold = score_threshold
    cfg.mask_threshold = mask_threshold
    cfg.max_instances = max_instances
    if mask_layout not in _LAYOUTS:
        raise L.Error(-1, "mask_layout must be one of %s" % ", ".join(_LAYOUTS))
    cfg.mask_layout = _LAYOUTS[mask_layout]
    keep = None
    if class_names is not None:
        keep = (ctypes.c_char_p * max(1, len(class_names)))(*[str(s).encode() for s in class_names])
        cfg.num_classes = len(class_names)
        cfg.class_names = ctypes.cast(keep, _P(ctypes.c_char_p))
    return cfg, keep


_CODES = {np.dtype(np.float32): 1, np.dtype(np.int32): 6, np.dtype(np.int64): 7}


def _tensor(a, name, dtypes):
    a = np.asarray(a)
    if a.dtype not in dtypes:
        if a.dtype.kind == "f" and dtypes[0] == np.float32 or a.dtype.kind in "iu" and \
                dtypes[0] == np.int64:
            a = a.astype(dtypes[0])
        else:
            raise L.Error(-1, "%s: dtype %s is not supported" % (name, a.dtype))
    a = np.ascontiguousarray(a)
    t = _Tensor()
    t.elem_type = _CODES[a.dtype]
    t.ndim = a.ndim
    for d, s in enumerate(a.shape[:16]):
        t.dims[d] = s
    t.data = a.ctypes.data if a.size else None
    t.nbytes = a.nbytes
    return t, a


def instances_from_outputs(boxes, labels, scores, masks=None, image_size=None,
                           score_threshold=0.5, mask_threshold=0.5, max_instances=100,
                           mask_layout="auto", class_names=None):
    """Instances from a detector's raw outputs (numpy arrays or torch tensors):
    boxes [N, 4], labels [N], scores [N], masks [N, 1, h, w] (pasted into the image, or the
    mask head's box-relative [N, 1, M, M], pasted here as torchvision does) or None.
    image_size: (height, width); may be left out when masks are pasted."""
    arrs = [None if x is None else (x.detach().cpu().numpy() if hasattr(x, "detach") else x)
            for x in (boxes, labels, scores, masks)]
    if image_size is None:
        if arrs[3] is None or mask_layout == "box":
            raise L.Error(-1, "instances_from_outputs: image_size (height, width) is needed")
        image_size = np.shape(arrs[3])[-2:]
    h, w = (int(v) for v in image_size)
    tb, kb = _tensor(arrs[0], "boxes", [np.float32])
    tl, kl = _tensor(arrs[1], "labels", [np.int64, np.int32])
    ts, ks = _tensor(arrs[2], "scores", [np.float32])
    tm, km = _tensor(arrs[3], "masks", [np.float32]) if arrs[3] is not None else (None, None)
    cfg, keep = _config(score_threshold, mask_threshold, max_instances, mask_layout, class_names)
    out = _Instances()
    L.check(_from_outputs(ctypes.byref(tb), ctypes.byref(tl), ctypes.byref(ts),
                          ctypes.byref(tm) if tm is not None else None, w, h, ctypes.byref(cfg),
                          ctypes.byref(out)))
    return Instances(out, class_names)


def segment_instance(image, model, score_threshold=0.5, mask_threshold=0.5, max_instances=100,
                     order="bgr", class_names=None):
    """Run a detector (segkit.Model or ONNX path; torchvision's Mask R-CNN / Faster R-CNN
    export contract, see docs/instance.md) on a uint8 image (H x W x 3 in `order`, or
    gray) and return its Instances."""
    m = model if isinstance(model, Model) else Model(model)
    img, keep_img = L.as_image(image)
    cfg, keep = _config(score_threshold, mask_threshold, max_instances, "auto", class_names)
    out = _Instances()
    L.check(_segment(m._h, ctypes.byref(cfg), img, 1 if order == "rgb" else 0, ctypes.byref(out)))
    return Instances(out, class_names)
