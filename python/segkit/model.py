"""ONNX models: segkit.Model(path) describes a network's inputs and outputs."""
import ctypes

import numpy as np

from ._lib import lib, fn, check, Error  # noqa: F401

__all__ = ["Model"]

MAX_RANK = 16


class _TensorInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("elem_type", ctypes.c_int), ("ndim", ctypes.c_int),
                ("dims", ctypes.c_int64 * MAX_RANK), ("dim_names", ctypes.c_char_p * MAX_RANK)]


_P = ctypes.c_void_p
_load = fn("seg_model_load", [ctypes.c_char_p, ctypes.POINTER(_P)])
_load_mem = fn("seg_model_load_memory", [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(_P)])
_destroy = fn("seg_model_destroy", [_P], None)
_n_in = fn("seg_model_num_inputs", [_P])
_n_out = fn("seg_model_num_outputs", [_P])
_in = fn("seg_model_input", [_P, ctypes.c_int, ctypes.POINTER(_TensorInfo)])
_out = fn("seg_model_output", [_P, ctypes.c_int, ctypes.POINTER(_TensorInfo)])
_opset = fn("seg_model_opset", [_P], ctypes.c_int64)
_producer = fn("seg_model_producer", [_P], ctypes.c_char_p)
_n_nodes = fn("seg_model_num_nodes", [_P])
_node_op = fn("seg_model_node_op", [_P, ctypes.c_int], ctypes.c_char_p)
_n_params = fn("seg_model_num_parameters", [_P], ctypes.c_int64)

_DTYPES = {1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16, 6: np.int32,
           7: np.int64, 9: np.bool_, 10: np.float16, 11: np.float64, 12: np.uint32,
           13: np.uint64}


class TensorInfo:
    """A graph input or output: name, numpy dtype (None if unknown) and shape (a tuple
    with None for dynamic dimensions, or the symbolic name as a string)."""

    def __init__(self, info):
        self.name = info.name.decode()
        self.dtype = np.dtype(_DTYPES[info.elem_type]) if info.elem_type in _DTYPES else None
        if info.ndim < 0:
            self.shape = None
        else:
            self.shape = tuple(
                int(info.dims[d]) if info.dims[d] >= 0 else
                (info.dim_names[d].decode() if info.dim_names[d] else None)
                for d in range(info.ndim))

    def __repr__(self):
        return "TensorInfo(%r, %s, %s)" % (self.name, self.dtype, self.shape)


class Model:
    """An ONNX model loaded by segkit (from a path, or bytes). Raises segkit.Error with
    the reader's message for a malformed file."""

    def __init__(self, source):
        self._h = _P()
        if isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
            check(_load_mem(data, len(data), ctypes.byref(self._h)))
        else:
            check(_load(str(source).encode(), ctypes.byref(self._h)))
        self.inputs = [self._info(_in, i) for i in range(_n_in(self._h))]
        self.outputs = [self._info(_out, i) for i in range(_n_out(self._h))]

    def _info(self, f, i):
        t = _TensorInfo()
        check(f(self._h, i, ctypes.byref(t)))
        return TensorInfo(t)

    @property
    def opset(self):
        return _opset(self._h)

    @property
    def producer(self):
        return _producer(self._h).decode()

    @property
    def ops(self):
        """Op types of the main graph's nodes, in file order."""
        return [_node_op(self._h, i).decode() for i in range(_n_nodes(self._h))]

    @property
    def num_parameters(self):
        return _n_params(self._h)

    def close(self):
        if self._h:
            _destroy(self._h)
            self._h = _P()

    def __del__(self):
        self.close()
