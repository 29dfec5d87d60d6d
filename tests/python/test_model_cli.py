"""segkit model run and the .npy reader/writer behind it."""
import os

import numpy as np
import pytest

import segkit
from conftest import run_cli
from nn_models import export

DTYPES = [np.float32, np.float64, np.int64, np.int32, np.int16, np.int8, np.uint8, np.uint16,
          np.uint32, np.uint64, np.bool_, np.float16]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 3), (1, 3, 4, 5)])
def test_npy_round_trip_through_the_model_runner(tmp_path, dtype, shape):
    """An Identity model reads an .npy with segkit, runs, and writes it back."""
    import onnx
    from onnx import helper, TensorProto
    code = helper.np_dtype_to_tensor_dtype(np.dtype(dtype)) if hasattr(helper, "np_dtype_to_tensor_dtype") \
        else onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[np.dtype(dtype)]
    g = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g",
                          [helper.make_tensor_value_info("x", code, None)],
                          [helper.make_tensor_value_info("y", code, None)])
    path = str(tmp_path / "id.onnx")
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), path)
    a = (np.random.default_rng(0).standard_normal(shape) * 50).astype(dtype)
    np.save(tmp_path / "a.npy", a)
    run_cli("model", "run", path, tmp_path / "a.npy", "-o", tmp_path / "out", check=0)
    b = np.load(tmp_path / "out" / "y.npy")
    assert b.dtype == a.dtype and b.shape == a.shape and np.array_equal(a, b)


def test_model_run_matches_the_binding(tmp_path):
    path = str(tmp_path / "u.onnx")
    x, _ = export("unet", path, 13, 40, 48)
    np.save(tmp_path / "x.npy", x)
    p = run_cli("model", "run", path, "x=%s" % (tmp_path / "x.npy"), "-o", tmp_path / "o",
                "--repeat", "2", check=0)
    assert "median of 2" in p.stdout and "peak activations" in p.stdout
    want = segkit.Model(path).run({"x": x})["out0"]
    assert np.array_equal(np.load(tmp_path / "o" / "out0.npy"), want)


def test_model_run_errors(tmp_path):
    path = str(tmp_path / "u.onnx")
    export("unet", path, 13, 32, 32)
    np.save(tmp_path / "bad.npy", np.zeros((1, 3, 31, 32), np.float32))
    p = run_cli("model", "run", path, tmp_path / "bad.npy", "-o", tmp_path / "o", check=2)
    assert "dim 2 must be 32" in p.stderr and not (tmp_path / "o").exists()
    p = run_cli("model", "run", path, "y=%s" % (tmp_path / "bad.npy"), "-o", tmp_path / "o", check=2)
    assert "no input named 'y'" in p.stderr
    p = run_cli("model", "run", path, "-o", tmp_path / "o", check=2)
    assert "one .npy per input" in p.stderr
    for name, data in [("trunc.npy", np.lib.format.magic(1, 0) + b"\x10"),
                       ("magic.npy", b"NOTNUMPY" * 4),
                       ("fortran.npy", None), ("short.npy", None), ("obj.npy", None)]:
        f = tmp_path / name
        if name == "fortran.npy":
            np.save(f, np.asfortranarray(np.zeros((3, 4), np.float32)))
        elif name == "short.npy":
            np.save(f, np.zeros((1, 3, 32, 32), np.float32))
            f.write_bytes(f.read_bytes()[:-10])
        elif name == "obj.npy":
            np.save(f, np.array(["a", "b"]))
        else:
            f.write_bytes(data)
        p = run_cli("model", "run", path, f, "-o", tmp_path / "o", check=2)
        assert name in p.stderr and p.stderr.count("\n") == 1, p.stderr


def test_npy_fuzz_regressions(tmp_path):
    """Every input the fuzzer found is refused with a message (no huge allocation)."""
    import glob
    path = str(tmp_path / "u.onnx")
    export("unet", path, 13, 32, 32)
    root = os.path.join(os.path.dirname(__file__), "..", "..", "fuzz", "regressions", "fuzz_npy")
    files = glob.glob(os.path.join(root, "*"))
    assert files
    for f in files:
        p = run_cli("model", "run", path, f, "-o", tmp_path / "o", check=2)
        assert "npy" in p.stderr and p.stderr.count("\n") == 1
