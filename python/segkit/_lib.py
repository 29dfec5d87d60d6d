"""Loading libsegkit and moving numpy arrays in and out of seg_image views.

The shared library is found in this order: $SEGKIT_LIBRARY; a copy installed beside
this package; the build tree of a source checkout (build/libsegkit.so next to python/);
the system's library path.
"""
import ctypes
import ctypes.util
import os

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))


def _candidates():
    env = os.environ.get("SEGKIT_LIBRARY")
    if env:
        return [env]
    names = [os.path.join(_HERE, "libsegkit.so")]
    root = os.path.dirname(os.path.dirname(_HERE))
    names += [os.path.join(root, d, "libsegkit.so") for d in ("build", "build-release")]
    found = ctypes.util.find_library("segkit")
    if found:
        names.append(found)
    return names


# segkit's threads (and oneDNN's) come from libgomp, which by default spins while it
# waits for work; when the machine is shared that spinning steals the cores the other
# threads need (measured here: up to 10x slower under load). libgomp reads this setting
# once, when it is first loaded, so it is set before loading the library, unless the
# user chose otherwise.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _load():
    tried = []
    for path in _candidates():
        if os.path.sep in path and not os.path.exists(path):
            tried.append(path)
            continue
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise ImportError("segkit: cannot find libsegkit.so; build it (scripts/build.sh) or set "
                      "SEGKIT_LIBRARY. Tried: " + "; ".join(tried))


lib = _load()


class Error(Exception):
    """A failed segkit call: .status is the library's code, str() its message."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


lib.seg_strerror.restype = ctypes.c_char_p
lib.seg_strerror.argtypes = [ctypes.c_int]
lib.seg_last_error.restype = ctypes.c_char_p
lib.seg_last_error.argtypes = []
lib.seg_version.restype = ctypes.c_char_p


def check(status):
    """Raise Error for a negative status, with the calling thread's message."""
    if status < 0:
        msg = lib.seg_last_error().decode("utf-8", "replace")
        raise Error(status, msg or lib.seg_strerror(status).decode())
    return status


def fn(name, argtypes, restype=ctypes.c_int):
    """Declare a C function's signature and return it."""
    f = getattr(lib, name)
    f.argtypes = argtypes
    f.restype = restype
    return f


SEG_U8, SEG_U16, SEG_S32, SEG_F32, SEG_F64 = 0, 1, 2, 3, 4
_DTYPE_TO_TYPE = {np.dtype(np.uint8): SEG_U8, np.dtype(np.uint16): SEG_U16,
                  np.dtype(np.int32): SEG_S32, np.dtype(np.float32): SEG_F32}
_TYPE_TO_DTYPE = {v: k for k, v in _DTYPE_TO_TYPE.items()}
_TYPE_TO_DTYPE[SEG_F64] = np.dtype(np.float64)


class Image(ctypes.Structure):
    """Mirror of struct seg_image (checked against seg_image_struct_size at import)."""
    _fields_ = [("data", ctypes.c_void_p), ("width", ctypes.c_int), ("height", ctypes.c_int),
                ("stride", ctypes.c_size_t), ("channels", ctypes.c_int), ("type", ctypes.c_int),
                ("owned", ctypes.c_int)]


ImagePtr = ctypes.POINTER(Image)
fn("seg_image_struct_size", [], ctypes.c_size_t)
if lib.seg_image_struct_size() != ctypes.sizeof(Image):
    raise ImportError("segkit: seg_image layout differs from this binding; rebuild")
fn("seg_image_free", [ImagePtr], None)


def as_image(arr, name="image", allow_f64=False):
    """A seg_image view of a numpy array (2-D gray or H x W x C), without a copy when the
    pixels of each row are contiguous. float64 only where the function takes it
    (allow_f64). Returns (Image, array kept alive)."""
    arr = np.asarray(arr)
    if arr.dtype == np.bool_:
        arr = arr.view(np.uint8)
    f64 = allow_f64 and arr.dtype == np.float64
    if arr.dtype not in _DTYPE_TO_TYPE and not f64:
        raise Error(-8, "%s: dtype %s is not supported (uint8, uint16, int32, float32)"
                    % (name, arr.dtype))
    if arr.ndim == 2:
        h, w = arr.shape
        c = 1
    elif arr.ndim == 3:
        h, w, c = arr.shape
    else:
        raise Error(-1, "%s: expected a 2-D or 3-D array, got shape %s" % (name, arr.shape))
    if not (1 <= c <= 4):
        raise Error(-8, "%s: %d channels are not supported" % (name, c))
    item = arr.dtype.itemsize
    row_ok = arr.ndim == 2 and arr.strides[1] == item or \
        arr.ndim == 3 and arr.strides[2] == item and arr.strides[1] == item * c
    if not row_ok or arr.strides[0] < w * c * item or not arr.flags.aligned:
        arr = np.ascontiguousarray(arr)
    img = Image(arr.ctypes.data if arr.size else None, w, h,
                arr.strides[0] if h > 1 else w * c * item, c,
                SEG_F64 if f64 else _DTYPE_TO_TYPE[arr.dtype], 0)
    return img, arr


class _Owner:
    """Keeps a library-allocated seg_image alive while numpy views it."""

    def __init__(self, img):
        self.img = img

    def __del__(self):
        lib.seg_image_free(ctypes.byref(self.img))


def to_array(img, squeeze=True):
    """Take a library-allocated (owned) seg_image as a numpy array without copying.
    The array frees the pixels when it is garbage collected."""
    dtype = _TYPE_TO_DTYPE[img.type]
    h, w, c = img.height, img.width, img.channels
    if not img.data or h == 0 or w == 0:
        lib.seg_image_free(ctypes.byref(img))
        return np.zeros((h, w) if c == 1 and squeeze else (h, w, c), dtype)
    owner = _Owner(img)
    buf = (ctypes.c_uint8 * (img.stride * h)).from_address(img.data)
    buf._segkit_owner = owner
    flat = np.frombuffer(buf, np.uint8)
    shape = (h, w) if c == 1 and squeeze else (h, w, c)
    strides = (img.stride, dtype.itemsize) if len(shape) == 2 else \
        (img.stride, c * dtype.itemsize, dtype.itemsize)
    return np.lib.stride_tricks.as_strided(flat.view(dtype) if img.stride % dtype.itemsize == 0
                                           else flat, shape=shape, strides=strides,
                                           writeable=True)


def output_like(shape, dtype):
    """A numpy output array and its seg_image view (the library writes in place)."""
    arr = np.empty(shape, dtype)
    img, arr = as_image(arr)
    return img, arr
