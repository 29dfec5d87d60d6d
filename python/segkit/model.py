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


class _Tensor(ctypes.Structure):
    _fields_ = [("elem_type", ctypes.c_int), ("ndim", ctypes.c_int),
                ("dims", ctypes.c_int64 * MAX_RANK), ("data", ctypes.c_void_p),
                ("nbytes", ctypes.c_size_t), ("owned", ctypes.c_int)]


if fn("seg_tensor_struct_size", [], ctypes.c_size_t)() != ctypes.sizeof(_Tensor):
    raise ImportError("segkit: seg_tensor layout differs from this binding; rebuild")
_run = fn("seg_model_run", [_P, ctypes.POINTER(_Tensor), ctypes.c_int, ctypes.POINTER(_Tensor),
                            ctypes.c_int, ctypes.POINTER(ctypes.c_size_t)])
_run_values = fn("seg_model_run_values", [_P, ctypes.POINTER(_Tensor), ctypes.c_int,
                                          ctypes.POINTER(ctypes.c_char_p), ctypes.c_int,
                                          ctypes.POINTER(_Tensor), ctypes.POINTER(ctypes.c_size_t)])
_tfree = fn("seg_tensor_free", [ctypes.POINTER(_Tensor)], None)


class _Owned:
    """An output tensor's memory seen by numpy without a copy; freed with the array."""

    def __init__(self, t, dtype, shape):
        self._t = _Tensor()
        ctypes.pointer(self._t)[0] = t
        self.__array_interface__ = {"shape": shape, "typestr": np.dtype(dtype).str,
                                    "data": (t.data or 0, False), "version": 3}

    def __del__(self):
        _tfree(ctypes.byref(self._t))

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

    def run(self, feeds, output_names=None):
        """Run the network: feeds maps input names to numpy arrays (C-contiguous copies are
        made only where needed); returns {output name: ndarray} for every output, or for
        the values named in output_names (any value of the graph, intermediate ones too;
        only what they need runs). The arrays own the engine's buffers (no copy). The
        peak activation memory of the run is kept in .peak_memory."""
        codes = {np.dtype(v): k for k, v in _DTYPES.items()}
        arrays, ins = [], (_Tensor * max(1, len(self.inputs)))()
        unknown = set(feeds) - {t.name for t in self.inputs}
        if unknown:
            raise Error(-1, "model: no input named %s" % ", ".join(sorted(unknown)))
        for i, info in enumerate(self.inputs):
            if info.name not in feeds:
                raise Error(-1, "model: input '%s' is not fed" % info.name)
            a = np.ascontiguousarray(feeds[info.name])
            if a.dtype not in codes or a.ndim > MAX_RANK:
                raise Error(-1, "model: input '%s': unsupported dtype %s or rank %d"
                            % (info.name, a.dtype, a.ndim))
            arrays.append(a)
            t = ins[i]
            t.elem_type, t.ndim = codes[a.dtype], a.ndim
            for d in range(a.ndim):
                t.dims[d] = a.shape[d]
            t.data, t.nbytes = a.ctypes.data, a.nbytes
        peak = ctypes.c_size_t()
        if output_names is None:
            names = [t.name for t in self.outputs]
            outs = (_Tensor * max(1, len(names)))()
            check(_run(self._h, ins, len(self.inputs), outs, len(names), ctypes.byref(peak)))
        else:
            # only what these values need runs (any value name of the graph)
            names = list(output_names)
            cnames = (ctypes.c_char_p * max(1, len(names)))(*[n.encode() for n in names])
            outs = (_Tensor * max(1, len(names)))()
            check(_run_values(self._h, ins, len(self.inputs), cnames, len(names), outs,
                              ctypes.byref(peak)))
        self.peak_memory = peak.value
        result, owners = {}, []
        try:
            for t in outs[:len(names)]:
                # bfloat16 (16), which numpy lacks, comes out as its raw uint16 patterns
                dt = np.uint16 if t.elem_type == 16 else _DTYPES.get(t.elem_type)
                if dt is None:
                    raise Error(-1, "model: output of unsupported element type %d" % t.elem_type)
                owners.append(_Owned(t, dt, tuple(t.dims[d] for d in range(t.ndim))))
                t.owned = 0  # the owner frees it
        finally:
            for t in outs[len(owners):len(names)]:
                _tfree(ctypes.byref(t))
        for name, o in zip(names, owners):
            result[name] = np.asarray(o)
        return result

    def close(self):
        if self._h:
            _destroy(self._h)
            self._h = _P()

    def __del__(self):
        self.close()
