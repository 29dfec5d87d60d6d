"""Evaluation: semantic-segmentation metrics, and pycocotools-like COCO / COCOeval.

    from segkit.evaluation import COCO, COCOeval
    gt = COCO("instances_val2017.json")
    dt = gt.loadRes("results.json")
    E = COCOeval(gt, dt, "segm")
    E.evaluate(); E.accumulate(); E.summarize()
    E.stats            # the 12 numbers, equal to pycocotools' to 1e-12

COCO and COCOeval mirror pycocotools' classes (cocoapi 2.0) for the commonly used
methods; the work is done in C (libsegkit) and in parallel. COCOeval supports iouType
'segm' and 'bbox' with the default Params (imgIds, catIds and useCats may be changed).
"""
import ctypes
import json
import os

import numpy as np

from ._lib import fn, check, as_image, Error
from .mask import _Rle, _free as _rle_free, _to_dict as _rle_dict

__all__ = ["confusion_matrix", "semantic_metrics", "COCO", "COCOeval", "ConfusionMatrix",
           "PanopticQuality", "pq_compute"]

_vp = ctypes.c_void_p
_u64p = ctypes.POINTER(ctypes.c_uint64)
_dp = ctypes.POINTER(ctypes.c_double)


class _Image(ctypes.Structure):
    _fields_ = [("id", ctypes.c_int64), ("width", ctypes.c_int), ("height", ctypes.c_int),
                ("file_name", ctypes.c_char_p)]


class _Cat(ctypes.Structure):
    _fields_ = [("id", ctypes.c_int64), ("name", ctypes.c_char_p),
                ("supercategory", ctypes.c_char_p)]


class _Ann(ctypes.Structure):
    _fields_ = [("id", ctypes.c_int64), ("image_id", ctypes.c_int64),
                ("category_id", ctypes.c_int64), ("iscrowd", ctypes.c_int),
                ("has_bbox", ctypes.c_int), ("bbox", ctypes.c_double * 4),
                ("area", ctypes.c_double), ("score", ctypes.c_double),
                ("segm_kind", ctypes.c_int), ("rle_compressed", ctypes.c_int),
                ("npolygons", ctypes.c_size_t), ("polygon_len", ctypes.POINTER(ctypes.c_uint32)),
                ("polygon_xy", _dp), ("rle", _Rle), ("rle_string", ctypes.c_void_p),
                ("rle_string_len", ctypes.c_size_t)]


_load = fn("seg_coco_load", [ctypes.c_char_p, ctypes.POINTER(_vp)])
_load_buf = fn("seg_coco_load_buffer", [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p,
                                        ctypes.POINTER(_vp)])
_load_res = fn("seg_coco_load_results", [_vp, ctypes.c_char_p, ctypes.POINTER(_vp)])
_load_res_buf = fn("seg_coco_load_results_buffer", [_vp, ctypes.c_char_p, ctypes.c_size_t,
                                                    ctypes.c_char_p, ctypes.POINTER(_vp)])
_destroy = fn("seg_coco_destroy", [_vp], None)
_n_img = fn("seg_coco_num_images", [_vp], ctypes.c_size_t)
_n_cat = fn("seg_coco_num_categories", [_vp], ctypes.c_size_t)
_n_ann = fn("seg_coco_num_annotations", [_vp], ctypes.c_size_t)
_get_img = fn("seg_coco_get_image", [_vp, ctypes.c_size_t, ctypes.POINTER(_Image)])
_get_cat = fn("seg_coco_get_category", [_vp, ctypes.c_size_t, ctypes.POINTER(_Cat)])
_get_ann = fn("seg_coco_get_annotation", [_vp, ctypes.c_size_t, ctypes.POINTER(_Ann)])
_ann_rle = fn("seg_coco_annotation_rle", [_vp, ctypes.c_size_t, ctypes.POINTER(_Rle)])
_save = fn("seg_coco_save", [_vp, ctypes.c_char_p, ctypes.c_int])

_ev_create = fn("seg_cocoeval_create", [_vp, _vp, ctypes.c_int, ctypes.POINTER(_vp)])
_ev_destroy = fn("seg_cocoeval_destroy", [_vp], None)
_ev_imgs = fn("seg_cocoeval_set_img_ids", [_vp, ctypes.POINTER(ctypes.c_int64), ctypes.c_size_t])
_ev_cats = fn("seg_cocoeval_set_cat_ids", [_vp, ctypes.POINTER(ctypes.c_int64), ctypes.c_size_t])
_ev_usecats = fn("seg_cocoeval_set_use_cats", [_vp, ctypes.c_int])
_ev_evaluate = fn("seg_cocoeval_evaluate", [_vp])
_ev_accumulate = fn("seg_cocoeval_accumulate", [_vp])
_ev_summarize = fn("seg_cocoeval_summarize", [_vp, _dp, ctypes.c_char_p, ctypes.c_size_t])
_ev_precision = fn("seg_cocoeval_precision", [_vp], _dp)
_ev_recall = fn("seg_cocoeval_recall", [_vp], _dp)
_ev_scores = fn("seg_cocoeval_scores", [_vp], _dp)
_ev_ncats = fn("seg_cocoeval_num_cats", [_vp], ctypes.c_size_t)


class _Handle:
    def __init__(self, ptr, destroy):
        self.ptr, self._destroy = ptr, destroy

    def __del__(self):
        if self.ptr:
            self._destroy(self.ptr)
            self.ptr = None


class COCO:
    """Ground truth (an annotation file) or results (COCO.loadRes), like pycocotools.COCO.

    COCO(path) reads the file in C; COCO(dataset=dict) takes an already-loaded dict.
    Annotation dicts (loadAnns, .anns) are built on demand from the C index.
    """

    def __init__(self, annotation_file=None, dataset=None, _handle=None, _gt=None):
        self._gt = _gt  # results keep their ground truth alive
        self._dataset = dataset
        self._path = annotation_file
        if _handle is not None:
            self._h = _handle
        else:
            out = _vp()
            if annotation_file is not None:
                check(_load(os.fsencode(annotation_file), ctypes.byref(out)))
            else:
                data = json.dumps(dataset if dataset is not None else {}).encode()
                check(_load_buf(data, len(data), b"<dataset>", ctypes.byref(out)))
            self._h = _Handle(out, _destroy)
        self._imgs = self._cats = self._anns = None

    @property
    def _ptr(self):
        return self._h.ptr

    # ---- plain data ----
    def _image(self, i):
        im = _Image()
        check(_get_img(self._ptr, i, ctypes.byref(im)))
        return {"id": im.id, "width": im.width, "height": im.height,
                "file_name": im.file_name.decode("utf-8", "replace")}

    def _category(self, i):
        c = _Cat()
        check(_get_cat(self._ptr, i, ctypes.byref(c)))
        d = {"id": c.id, "name": c.name.decode("utf-8", "replace")}
        if c.supercategory:
            d["supercategory"] = c.supercategory.decode("utf-8", "replace")
        return d

    def _annotation(self, i):
        a = _Ann()
        check(_get_ann(self._ptr, i, ctypes.byref(a)))
        d = {"id": a.id, "image_id": a.image_id, "category_id": a.category_id,
             "iscrowd": a.iscrowd}
        if a.has_bbox:
            d["bbox"] = list(a.bbox)
        if not np.isnan(a.area):
            d["area"] = a.area
        if not np.isnan(a.score):
            d["score"] = a.score
        if a.segm_kind == 1:
            lens = np.ctypeslib.as_array(a.polygon_len, (a.npolygons,)).tolist()
            xy = np.ctypeslib.as_array(a.polygon_xy, (int(sum(lens)),)).tolist()
            polys, o = [], 0
            for n in lens:
                polys.append(xy[o:o + n])
                o += n
            d["segmentation"] = polys
        elif a.segm_kind == 2:
            if a.rle_compressed:
                d["segmentation"] = {"size": [a.rle.height, a.rle.width],
                                     "counts": ctypes.string_at(a.rle_string, a.rle_string_len)}
            else:
                cnts = np.ctypeslib.as_array(a.rle.counts, (a.rle.m,)).tolist() if a.rle.m else []
                d["segmentation"] = {"size": [a.rle.height, a.rle.width], "counts": cnts}
        elif a.segm_kind == 3:
            x, y, w, h = a.bbox
            d["segmentation"] = [[x, y, x, y + h, x + w, y + h, x + w, y]]
        return d

    @property
    def imgs(self):
        if self._imgs is None:
            self._imgs = {}
            for i in range(_n_img(self._ptr)):
                im = self._image(i)
                self._imgs[im["id"]] = im
        return self._imgs

    @property
    def cats(self):
        if self._cats is None:
            self._cats = {}
            for i in range(_n_cat(self._ptr)):
                c = self._category(i)
                self._cats[c["id"]] = c
        return self._cats

    @property
    def anns(self):
        if self._anns is None:
            self._anns = {}
            self._ann_index = {}
            for i in range(_n_ann(self._ptr)):
                a = self._annotation(i)
                self._anns[a["id"]] = a
                self._ann_index[a["id"]] = i
        return self._anns

    @property
    def dataset(self):
        if self._dataset is None:
            if self._path is not None and self._gt is None:
                with open(self._path) as f:
                    self._dataset = json.load(f)
            else:
                self._dataset = {"images": list(self.imgs.values()),
                                 "categories": list(self.cats.values()),
                                 "annotations": list(self.anns.values())}
        return self._dataset

    # ---- pycocotools' query methods ----
    def getImgIds(self, imgIds=[], catIds=[]):
        imgIds = _as_list(imgIds)
        catIds = _as_list(catIds)
        ids = set(self.imgs) if not imgIds else set(imgIds)
        if catIds:
            with_cat = {a["image_id"] for a in self.anns.values() if a["category_id"] in catIds}
            ids &= with_cat
        return list(ids)

    def getCatIds(self, catNms=[], supNms=[], catIds=[]):
        catNms, supNms, catIds = _as_list(catNms), _as_list(supNms), _as_list(catIds)
        cats = list(self.cats.values())
        if catNms:
            cats = [c for c in cats if c["name"] in catNms]
        if supNms:
            cats = [c for c in cats if c.get("supercategory") in supNms]
        if catIds:
            cats = [c for c in cats if c["id"] in catIds]
        return [c["id"] for c in cats]

    def getAnnIds(self, imgIds=[], catIds=[], areaRng=[], iscrowd=None):
        imgIds, catIds = _as_list(imgIds), _as_list(catIds)
        anns = list(self.anns.values())
        if imgIds:
            s = set(imgIds)
            order = {i: n for n, i in enumerate(imgIds)}
            anns = sorted((a for a in anns if a["image_id"] in s),
                          key=lambda a: order[a["image_id"]])
        if catIds:
            anns = [a for a in anns if a["category_id"] in catIds]
        if areaRng:
            anns = [a for a in anns if areaRng[0] < a.get("area", 0) < areaRng[1]]
        if iscrowd is not None:
            anns = [a for a in anns if a["iscrowd"] == iscrowd]
        return [a["id"] for a in anns]

    def loadAnns(self, ids=[]):
        return [self.anns[i] for i in _as_list(ids)]

    def loadCats(self, ids=[]):
        return [self.cats[i] for i in _as_list(ids)]

    def loadImgs(self, ids=[]):
        return [self.imgs[i] for i in _as_list(ids)]

    def getCatNms(self):
        return [c["name"] for c in self.cats.values()]

    def loadRes(self, resFile):
        """Results against this ground truth: a result-file path or a list of dicts."""
        out = _vp()
        if isinstance(resFile, (str, bytes, os.PathLike)):
            check(_load_res(self._ptr, os.fsencode(resFile), ctypes.byref(out)))
        else:
            anns = resFile.tolist() if isinstance(resFile, np.ndarray) else list(resFile)
            data = json.dumps(anns, default=_json_default).encode()
            check(_load_res_buf(self._ptr, data, len(data), b"<results>", ctypes.byref(out)))
        return COCO(_handle=_Handle(out, _destroy), _gt=self)

    def annToRLE(self, ann):
        """The annotation's mask as one RLE dict (pycocotools' annToRLE)."""
        self.anns
        i = self._ann_index[ann["id"] if isinstance(ann, dict) else ann]
        r = _Rle()
        check(_ann_rle(self._ptr, i, ctypes.byref(r)))
        try:
            return _rle_dict(r)
        finally:
            _rle_free(ctypes.byref(r))

    def annToMask(self, ann):
        from . import mask as _mask
        return _mask.decode(self.annToRLE(ann))

    def save(self, path, as_results=None, rle=False):
        """Write as a result file (default for results) or a dataset file; rle=True
        stores every mask as compressed RLE."""
        if as_results is None:
            as_results = self._gt is not None
        check(_save(self._ptr, os.fsencode(path), (1 if as_results else 0) | (2 if rle else 0)))


def _as_list(x):
    if x is None:
        return []
    if isinstance(x, (list, tuple, set, np.ndarray)):
        return list(x)
    return [x]


def _json_default(o):
    if isinstance(o, bytes):
        return o.decode("ascii")
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError("not JSON serialisable: %r" % type(o))


class Params:
    """COCOeval's default parameters (cocoeval.Params for segm/bbox)."""

    def __init__(self, iouType="segm"):
        self.iouType = iouType
        self.imgIds = []
        self.catIds = []
        self.iouThrs = np.linspace(.5, 0.95, int(np.round((0.95 - .5) / .05)) + 1, endpoint=True)
        self.recThrs = np.linspace(.0, 1.00, int(np.round((1.00 - .0) / .01)) + 1, endpoint=True)
        self.maxDets = [1, 10, 100]
        self.areaRng = [[0 ** 2, 1e5 ** 2], [0 ** 2, 32 ** 2], [32 ** 2, 96 ** 2],
                        [96 ** 2, 1e5 ** 2]]
        self.areaRngLbl = ["all", "small", "medium", "large"]
        self.useCats = 1
        self.useSegm = None


class COCOeval:
    """pycocotools.cocoeval.COCOeval for iouType 'segm' and 'bbox', computed in C."""

    def __init__(self, cocoGt=None, cocoDt=None, iouType="segm"):
        if iouType not in ("segm", "bbox"):
            raise Error(-7, "COCOeval: iouType %r is not supported (segm, bbox)" % (iouType,))
        self.cocoGt, self.cocoDt = cocoGt, cocoDt
        self.params = Params(iouType)
        self.eval = {}
        self.stats = []
        self._h = None
        if cocoGt is not None:
            self.params.imgIds = sorted(cocoGt.getImgIds())
            self.params.catIds = sorted(cocoGt.getCatIds())

    def _check_params(self):
        p, d = self.params, Params(self.params.iouType)
        if not (np.array_equal(p.iouThrs, d.iouThrs) and np.array_equal(p.recThrs, d.recThrs)
                and list(p.maxDets) == d.maxDets and
                [list(map(float, a)) for a in p.areaRng] == d.areaRng):
            raise Error(-7, "COCOeval: only the default iouThrs, recThrs, maxDets and areaRng "
                        "are supported")

    def evaluate(self):
        p = self.params
        self._check_params()
        h = _vp()
        check(_ev_create(self.cocoGt._ptr, self.cocoDt._ptr, 0 if p.iouType == "segm" else 1,
                         ctypes.byref(h)))
        self._h = _Handle(h, _ev_destroy)
        for ids, setter in ((p.imgIds, _ev_imgs), (p.catIds, _ev_cats)):
            arr = np.ascontiguousarray(np.unique(np.asarray(list(ids), dtype=np.int64)))
            if len(arr):
                check(setter(h, arr.ctypes.data_as(ctypes.POINTER(ctypes.c_int64)), len(arr)))
        check(_ev_usecats(h, 1 if p.useCats else 0))
        check(_ev_evaluate(h))

    def accumulate(self, p=None):
        if self._h is None:
            raise Error(-1, "COCOeval: run evaluate() first")
        check(_ev_accumulate(self._h.ptr))
        K = _ev_ncats(self._h.ptr)
        T, R, A, M = 10, 101, 4, 3

        def arr(ptr, shape):
            n = int(np.prod(shape))
            return np.ctypeslib.as_array(ptr, (n,)).copy().reshape(shape) if n else \
                np.zeros(shape)
        self.eval = {"params": self.params, "counts": [T, R, K, A, M],
                     "precision": arr(_ev_precision(self._h.ptr), (T, R, K, A, M)),
                     "recall": arr(_ev_recall(self._h.ptr), (T, K, A, M)),
                     "scores": arr(_ev_scores(self._h.ptr), (T, R, K, A, M))}

    def summarize(self, quiet=False):
        if not self.eval:
            raise Error(-1, "COCOeval: run accumulate() first")
        stats = (ctypes.c_double * 12)()
        buf = ctypes.create_string_buffer(2048)
        check(_ev_summarize(self._h.ptr, stats, buf, len(buf)))
        self.summary = buf.value.decode()
        if not quiet:
            print(self.summary, end="")
        self.stats = np.array(stats[:], dtype=np.float64)
        return self.stats

    def category_ap(self):
        """{category id: AP@[.5:.95] (area all, maxDets 100)}, -1 where undefined."""
        pr = self.eval["precision"][:, :, :, 0, 2]
        out = {}
        cat_ids = sorted(set(self.params.catIds)) if self.params.useCats else [-1]
        for k, cid in enumerate(cat_ids):
            s = pr[:, :, k]
            s = s[s > -1]
            out[cid] = float(np.mean(s)) if s.size else -1.0
        return out


# ---- semantic segmentation ----

_cm_create = fn("seg_confusion_create", [ctypes.c_int, ctypes.c_int, ctypes.POINTER(_vp)])
_cm_destroy = fn("seg_confusion_destroy", [_vp], None)
_cm_update = fn("seg_confusion_update", [_vp, ctypes.c_void_p, ctypes.c_void_p])
_cm_counts = fn("seg_confusion_counts", [_vp], _u64p)
_scores = fn("seg_semantic_scores_compute", [_u64p, ctypes.c_int, ctypes.c_void_p, _dp, _dp, _dp])


class _Scores(ctypes.Structure):
    _fields_ = [("pixel_accuracy", ctypes.c_double), ("mean_accuracy", ctypes.c_double),
                ("mean_iou", ctypes.c_double), ("fw_iou", ctypes.c_double),
                ("mean_dice", ctypes.c_double), ("total", ctypes.c_uint64)]


def _label_view(a, name):
    a = np.asarray(a)
    if a.dtype in (np.int64, np.int16, np.int8, np.uint32):
        if a.size and (a.min() < -2 ** 31 or a.max() >= 2 ** 31):
            raise Error(-1, "%s: labels do not fit int32" % name)
        a = a.astype(np.int32)
    if a.dtype not in (np.uint8, np.uint16, np.int32):
        raise Error(-8, "%s: dtype %s is not a label type (uint8, uint16, int32)" % (name, a.dtype))
    if a.ndim != 2:
        raise Error(-1, "%s: expected a 2-D label map, got shape %s" % (name, a.shape))
    return as_image(a, name)


class ConfusionMatrix:
    """A streaming confusion matrix (rows: ground truth, columns: prediction)."""

    def __init__(self, num_classes, ignore_index=255):
        h = _vp()
        check(_cm_create(int(num_classes), -1 if ignore_index is None else int(ignore_index),
                         ctypes.byref(h)))
        self._h = _Handle(h, _cm_destroy)
        self.num_classes = int(num_classes)

    def update(self, gt, pred):
        gi, gk = _label_view(gt, "gt")
        pi, pk = _label_view(pred, "pred")
        check(_cm_update(self._h.ptr, ctypes.byref(gi), ctypes.byref(pi)))
        return self

    @property
    def matrix(self):
        n = self.num_classes
        return np.ctypeslib.as_array(_cm_counts(self._h.ptr), (n * n,)).copy().reshape(n, n)


def confusion_matrix(gt, pred, num_classes, ignore_index=255):
    """Confusion matrix (uint64, [gt, pred]) of label maps: one pair of 2-D arrays, or
    two equally long sequences of them."""
    cm = ConfusionMatrix(num_classes, ignore_index)
    if isinstance(gt, np.ndarray) and gt.ndim == 2:
        gt, pred = [gt], [pred]
    gt, pred = list(gt), list(pred)
    if len(gt) != len(pred):
        raise Error(-9, "confusion_matrix: %d ground-truth maps but %d predictions"
                    % (len(gt), len(pred)))
    for i, (g, p) in enumerate(zip(gt, pred)):
        try:
            cm.update(g, p)
        except Error as e:
            raise Error(e.status, "label map %d: %s" % (i, e)) from None
    return cm.matrix


def semantic_metrics(cm):
    """Metrics of a confusion matrix (see include/segkit/eval.h for the definitions):
    dict with pixel_accuracy, mean_accuracy, mean_iou, fw_iou, mean_dice, total and the
    per-class arrays iou, accuracy, dice (NaN for classes absent from gt and prediction)."""
    cm = np.ascontiguousarray(cm, dtype=np.uint64)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise Error(-1, "semantic_metrics: expected a square matrix, got shape %s" % (cm.shape,))
    n = cm.shape[0]
    s = _Scores()
    iou, acc, dice = np.empty(n), np.empty(n), np.empty(n)
    check(_scores(cm.ctypes.data_as(_u64p), n, ctypes.byref(s), iou.ctypes.data_as(_dp),
                  acc.ctypes.data_as(_dp), dice.ctypes.data_as(_dp)))
    return {"pixel_accuracy": s.pixel_accuracy, "mean_accuracy": s.mean_accuracy,
            "mean_iou": s.mean_iou, "fw_iou": s.fw_iou, "mean_dice": s.mean_dice,
            "total": int(s.total), "iou": iou, "accuracy": acc, "dice": dice}


# ---- panoptic quality ----

class _Segment(ctypes.Structure):
    _fields_ = [("id", ctypes.c_int64), ("category_id", ctypes.c_int64),
                ("iscrowd", ctypes.c_int), ("area", ctypes.c_double)]


class _PQStat(ctypes.Structure):
    _fields_ = [("pq", ctypes.c_double), ("sq", ctypes.c_double), ("rq", ctypes.c_double),
                ("iou_sum", ctypes.c_double), ("tp", ctypes.c_int64), ("fp", ctypes.c_int64),
                ("fn", ctypes.c_int64)]


_pq_create = fn("seg_pq_create", [ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_int),
                                  ctypes.c_size_t, ctypes.POINTER(_vp)])
_pq_destroy = fn("seg_pq_destroy", [_vp], None)
_pq_update = fn("seg_pq_update", [_vp, ctypes.c_void_p, ctypes.POINTER(_Segment), ctypes.c_size_t,
                                  ctypes.c_void_p, ctypes.POINTER(_Segment), ctypes.c_size_t])
_pq_category = fn("seg_pq_category", [_vp, ctypes.c_size_t, ctypes.POINTER(_PQStat)])
_pq_average = fn("seg_pq_average", [_vp, ctypes.c_int, _dp, _dp, _dp,
                                    ctypes.POINTER(ctypes.c_int)])


def _segments(segs, gt):
    arr = (_Segment * max(len(segs), 1))()
    for i, s in enumerate(segs):
        arr[i].id = int(s["id"])
        arr[i].category_id = int(s["category_id"])
        arr[i].iscrowd = int(s.get("iscrowd", 0))
        arr[i].area = float(s.get("area", 0)) if gt else 0.0
    return arr


def _id_view(a, name):
    a = np.asarray(a)
    if a.ndim == 3 and a.shape[2] == 3 and a.dtype == np.uint8:
        return as_image(a, name)
    if a.ndim == 2 and a.dtype in (np.int32, np.int64, np.uint32, np.uint16, np.uint8):
        return as_image(a.astype(np.int32, copy=False), name)
    raise Error(-8, "%s: expected an H x W x 3 uint8 RGB panoptic image or an H x W id map, "
                "got %s %s" % (name, a.dtype, a.shape))


class PanopticQuality:
    """PQ/SQ/RQ accumulated over images, with panopticapi's pq_compute rules.

    categories: the panoptic JSON's list of {'id', 'isthing', ...}. update() takes the
    ground-truth and predicted panoptic images (H x W x 3 uint8 in RGB order, id = R +
    256 G + 256^2 B, or H x W integer ids) and their segments_info lists."""

    def __init__(self, categories):
        self.categories = list(categories)
        ids = np.array([c["id"] for c in self.categories], dtype=np.int64)
        things = np.array([int(c.get("isthing", 0)) for c in self.categories], dtype=np.intc)
        h = _vp()
        check(_pq_create(ids.ctypes.data_as(ctypes.POINTER(ctypes.c_int64)),
                         things.ctypes.data_as(ctypes.POINTER(ctypes.c_int)), len(ids),
                         ctypes.byref(h)))
        self._h = _Handle(h, _pq_destroy)

    def update(self, gt, gt_segments, pred, pred_segments):
        gi, gk = _id_view(gt, "gt")
        pi, pk = _id_view(pred, "pred")
        gs, ps = _segments(gt_segments, True), _segments(pred_segments, False)
        check(_pq_update(self._h.ptr, ctypes.byref(gi), gs, len(gt_segments), ctypes.byref(pi),
                         ps, len(pred_segments)))
        return self

    def results(self):
        """Like pq_compute's return: {'All'|'Things'|'Stuff': {pq, sq, rq, n},
        'per_class': {category id: {pq, sq, rq, tp, fp, fn}}}."""
        out = {}
        for name, which in (("All", -1), ("Things", 1), ("Stuff", 0)):
            a, b, c, n = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_int()
            check(_pq_average(self._h.ptr, which, ctypes.byref(a), ctypes.byref(b),
                              ctypes.byref(c), ctypes.byref(n)))
            out[name] = {"pq": a.value, "sq": b.value, "rq": c.value, "n": n.value}
        per = {}
        for k, cat in enumerate(self.categories):
            s = _PQStat()
            check(_pq_category(self._h.ptr, k, ctypes.byref(s)))
            per[cat["id"]] = {"pq": s.pq, "sq": s.sq, "rq": s.rq, "tp": s.tp, "fp": s.fp,
                              "fn": s.fn, "iou": s.iou_sum}
        out["per_class"] = per
        return out


_pq_files = fn("seg_pq_evaluate_files", [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                                         ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p,
                                         ctypes.POINTER(_vp)])
_pq_ncat = fn("seg_pq_num_categories", [_vp], ctypes.c_size_t)
_pq_cat_id = fn("seg_pq_category_id", [_vp, ctypes.c_size_t], ctypes.c_int64)


def pq_compute(gt_json_file, pred_json_file, gt_folder=None, pred_folder=None):
    """panopticapi.evaluation.pq_compute over files, in C: the two panoptic JSONs and the
    folders of their PNGs (default: the JSON paths without '.json'). Returns
    {'All'|'Things'|'Stuff': {pq, sq, rq, n}, 'per_class': {category id: {...}}}."""
    gt_folder = gt_folder or gt_json_file.replace(".json", "")
    pred_folder = pred_folder or pred_json_file.replace(".json", "")
    h = _vp()
    check(_pq_files(os.fsencode(gt_json_file), os.fsencode(gt_folder),
                    os.fsencode(pred_json_file), os.fsencode(pred_folder), None, None,
                    ctypes.byref(h)))
    pq = PanopticQuality.__new__(PanopticQuality)
    pq._h = _Handle(h, _pq_destroy)
    pq.categories = [{"id": _pq_cat_id(h, k)} for k in range(_pq_ncat(h))]
    return pq.results()
