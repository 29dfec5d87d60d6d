"""Library-wide settings: version, threads, SIMD dispatch (cv2-like names)."""
import ctypes

from ._lib import lib, fn, Error  # noqa: F401

__all__ = ["Error", "__version__", "set_num_threads", "get_num_threads", "set_use_optimized",
           "use_optimized", "cpu_features"]

__version__ = lib.seg_version().decode()

_set_threads = fn("seg_set_num_threads", [ctypes.c_int], None)
_get_threads = fn("seg_get_num_threads", [], ctypes.c_int)
_set_opt = fn("seg_set_use_optimized", [ctypes.c_int], None)
_use_opt = fn("seg_use_optimized", [], ctypes.c_int)
_cpu = fn("seg_cpu_features", [], ctypes.c_uint)


def set_num_threads(n):
    """Threads for segkit's operations (like cv2.setNumThreads); n <= 0 restores the
    default (SEGKIT_NUM_THREADS or the CPU count). Results do not depend on it."""
    _set_threads(int(n))


def get_num_threads():
    return _get_threads()


def set_use_optimized(on):
    """Like cv2.setUseOptimized: False runs the plain C kernels (the SIMD oracle)."""
    _set_opt(1 if on else 0)


def use_optimized():
    return bool(_use_opt())


def cpu_features():
    """The SIMD levels detected at run time, e.g. ['avx2', 'avx512']."""
    f = _cpu()
    return [n for bit, n in ((1, "avx2"), (2, "avx512")) if f & bit]
