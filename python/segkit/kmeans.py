"""k-means clustering with cv2.kmeans's signature, return types and constants.

    compactness, labels, centers = segkit.kmeans(data, K, None, criteria, attempts, flags,
                                                 seed=0)

is cv2.kmeans with segkit's generator seeded by `seed` (cv::RNG's generator: seed s gives
the random centres cv2 draws after cv2.setRNGSeed(s)). See include/segkit/kmeans.h.
"""
import ctypes

import numpy as np

from ._lib import Error, check, fn

__all__ = ["kmeans", "KMEANS_RANDOM_CENTERS", "KMEANS_USE_INITIAL_LABELS", "KMEANS_PP_CENTERS",
           "TERM_CRITERIA_COUNT", "TERM_CRITERIA_MAX_ITER", "TERM_CRITERIA_EPS"]

KMEANS_RANDOM_CENTERS = 0
KMEANS_USE_INITIAL_LABELS = 1
KMEANS_PP_CENTERS = 2
_KMEANS_USE_INITIAL_CENTERS = 4
TERM_CRITERIA_COUNT = 1
TERM_CRITERIA_MAX_ITER = 1
TERM_CRITERIA_EPS = 2


class _Criteria(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("max_iter", ctypes.c_int), ("epsilon", ctypes.c_double)]


_kmeans = fn("seg_kmeans", [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_size_t,
                            ctypes.c_int, ctypes.POINTER(_Criteria), ctypes.c_int, ctypes.c_int,
                            ctypes.c_uint64, ctypes.c_void_p, ctypes.c_void_p,
                            ctypes.POINTER(ctypes.c_double)])


def _points(data):
    a = np.asarray(data)
    if a.dtype != np.float32:
        raise Error(-8, "kmeans: data must be float32 (like cv2.kmeans), got %s" % a.dtype)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    elif a.ndim == 3 and a.shape[1] == 1:  # cv2 accepts N x 1 x d (d channels)
        a = a.reshape(a.shape[0], a.shape[2])
    elif a.ndim != 2:
        raise Error(-1, "kmeans: data must be N x d, got shape %s" % (a.shape,))
    if a.shape[0] == 1 and a.shape[1] > 1:  # cv2: a single row is N points of 1 dim
        a = a.reshape(-1, 1)
    if a.strides[1] != 4 or a.strides[0] % 4 or a.strides[0] < 4 * a.shape[1] or \
            not a.flags.aligned:
        a = np.ascontiguousarray(a)
    return a


def kmeans(data, K, bestLabels, criteria, attempts, flags, centers=None, seed=None):
    """cv2.kmeans(data, K, bestLabels, criteria, attempts, flags) -> (compactness, labels,
    centers). data: N x d float32; labels come back N x 1 int32, centers K x d float32.
    bestLabels: initial labels (read with KMEANS_USE_INITIAL_LABELS) or None.
    criteria: (type, max_iter, epsilon) with TERM_CRITERIA_* bits.
    centers: optional K x d initial centres for the first attempt (segkit's addition).
    seed: the generator's seed (None: 0, cv::RNG's default state)."""
    a = _points(data)
    n, d = a.shape
    try:
        ctype, max_iter, eps = criteria
    except (TypeError, ValueError):
        raise Error(-1, "kmeans: criteria must be a (type, max_iter, epsilon) tuple")
    crit = _Criteria(int(ctype), int(max_iter), float(eps))
    K = int(K)
    flags = int(flags)
    if flags & ~(KMEANS_USE_INITIAL_LABELS | KMEANS_PP_CENTERS):
        raise Error(-1, "kmeans: unknown flags %#x" % flags)
    labels = np.zeros((n, 1), np.int32)
    if flags & KMEANS_USE_INITIAL_LABELS:
        if bestLabels is None:
            raise Error(-1, "kmeans: KMEANS_USE_INITIAL_LABELS needs bestLabels")
        bl = np.asarray(bestLabels)
        if bl.dtype != np.int32 or bl.size != n:
            raise Error(-1, "kmeans: bestLabels must be %d int32 labels" % n)
        labels[:, 0] = bl.reshape(-1)
    cen = np.zeros((max(K, 0), d), np.float32)
    if centers is not None:
        c = np.asarray(centers)
        if c.shape != (K, d):
            raise Error(-1, "kmeans: centers must be %d x %d, got %s" % (K, d, c.shape))
        cen[:] = c
        flags |= _KMEANS_USE_INITIAL_CENTERS
    if seed is None:
        seed = 0
    if not 0 <= int(seed) < 2 ** 64:
        raise Error(-1, "kmeans: seed must be in 0..2^64-1")
    comp = ctypes.c_double()
    check(_kmeans(a.ctypes.data, n, d, a.strides[0], K, ctypes.byref(crit), int(attempts), flags,
                  int(seed), labels.ctypes.data, cen.ctypes.data, ctypes.byref(comp)))
    if bestLabels is not None and isinstance(bestLabels, np.ndarray) and \
            bestLabels.dtype == np.int32 and bestLabels.size == n and bestLabels.flags.writeable:
        bestLabels.reshape(-1)[:] = labels[:, 0]  # cv2 writes into a matching bestLabels
    return comp.value, labels, cen
