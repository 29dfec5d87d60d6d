"""The ONNX reader against the onnx package's own parser, and hostile files."""
import os

import numpy as np
import onnx
import pytest
import torch
from onnx import helper, numpy_helper, TensorProto

import segkit
from conftest import run_cli

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
REAL = [os.path.join(ROOT, "data", "models", "deeplabv3_mnv2_pascal_onnx",
                     "deeplab_v3_1_default_1.onnx"),
        os.path.join(ROOT, "data", "models", "road_segmentation_adas_0001_onnx",
                     "model_float32.onnx")]


def expected(path):
    m = onnx.load(path)
    init = {t.name for t in m.graph.initializer}
    params = sum(int(np.prod(t.dims)) for t in m.graph.initializer)
    params += sum(int(np.prod(a.t.dims)) for n in m.graph.node if n.op_type == "Constant"
                  for a in n.attribute if a.HasField("t"))

    def info(v):
        tt = v.type.tensor_type
        shape = tuple(d.dim_value if d.HasField("dim_value") else
                      (d.dim_param or None) for d in tt.shape.dim)
        return v.name, tt.elem_type, shape
    opset = [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")][0]
    return dict(inputs=[info(v) for v in m.graph.input if v.name not in init],
                outputs=[info(v) for v in m.graph.output],
                ops=[n.op_type for n in m.graph.node], params=params, opset=opset,
                producer=m.producer_name)


def check_same(path):
    want = expected(path)
    m = segkit.Model(path)
    dt = {1: np.float32, 7: np.int64, 6: np.int32}
    assert [(t.name, t.shape) for t in m.inputs] == [(n, s) for n, _, s in want["inputs"]]
    assert [t.dtype for t in m.inputs] == [np.dtype(dt[e]) for _, e, _ in want["inputs"]]
    assert [(t.name, t.shape) for t in m.outputs] == [(n, s) for n, _, s in want["outputs"]]
    assert m.ops == want["ops"]
    assert m.num_parameters == want["params"]
    assert m.opset == want["opset"]
    assert m.producer == want["producer"]


@pytest.mark.parametrize("path", REAL)
def test_real_models_match_onnx(path):
    check_same(path)


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(8)
        self.head = torch.nn.Conv2d(8, 4, 1)

    def forward(self, x):
        y = torch.relu(self.bn(self.conv(x)))
        y = torch.nn.functional.interpolate(y, scale_factor=2.0, mode="bilinear",
                                            align_corners=False)
        return self.head(y).argmax(1)


@pytest.mark.parametrize("opset", [9, 11, 13, 17])
@pytest.mark.parametrize("dynamic", [False, True])
def test_torch_exports_match_onnx(tmp_path, opset, dynamic):
    torch.manual_seed(0)
    path = str(tmp_path / "tiny.onnx")
    axes = {"x": {0: "batch", 2: "h", 3: "w"}} if dynamic else None
    torch.onnx.export(Tiny().eval(), torch.randn(1, 3, 16, 20), path, opset_version=opset,
                      input_names=["x"], output_names=["labels"], dynamic_axes=axes)
    check_same(path)
    m = segkit.Model(open(path, "rb").read())   # from memory too
    assert m.inputs[0].shape == (("batch", 3, "h", "w") if dynamic else (1, 3, 16, 20))


def test_typed_fields_and_external_data(tmp_path):
    """Tensors stored in float_data/int64_data/int32_data and in an external file."""
    w = np.arange(12, dtype=np.float32).reshape(3, 4)
    t_f = helper.make_tensor("wf", TensorProto.FLOAT, [3, 4], w.ravel().tolist())
    t_i = helper.make_tensor("wi", TensorProto.INT64, [2], [7, -3])
    t_h = helper.make_tensor("wh", TensorProto.FLOAT16, [2],
                             np.array([1.5, -2], np.float16).view(np.uint16).tolist())
    t_e = numpy_helper.from_array(np.ones((5, 5), np.float32), "we")
    g = helper.make_graph([helper.make_node("Add", ["x", "wf"], ["y"])], "g",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 4])],
                          [t_f, t_i, t_h, t_e])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    path = str(tmp_path / "m.onnx")
    onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                    location="weights.bin", size_threshold=64)
    m = segkit.Model(path)
    assert m.num_parameters == 12 + 2 + 2 + 25
    with pytest.raises(segkit.Error, match="external data"):
        segkit.Model(open(path, "rb").read())
    os.remove(str(tmp_path / "weights.bin"))
    with pytest.raises(segkit.Error, match="weights.bin"):
        segkit.Model(path)


def test_lying_payloads():
    g = helper.make_graph([], "g", [], [])
    bad = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[4, 4],
                      raw_data=np.zeros(4, np.float32).tobytes())
    g.initializer.append(bad)
    data = helper.make_model(g).SerializeToString()
    with pytest.raises(segkit.Error, match="raw_data holds 16 bytes, shape needs 64"):
        segkit.Model(data)
    g2 = helper.make_graph([], "g", [], [])
    huge = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[2**40, 2**30])
    g2.initializer.append(huge)
    with pytest.raises(segkit.Error, match="too large"):
        segkit.Model(helper.make_model(g2).SerializeToString())


def test_truncated_and_corrupted_files_never_crash(tmp_path):
    data = open(REAL[1], "rb").read()
    rng = np.random.default_rng(1)
    cuts = sorted(set(rng.integers(1, len(data) - 1, 150).tolist())) + [1, 2, 10, 100]
    failures = 0
    for n in cuts:
        try:
            segkit.Model(data[:n])
        except segkit.Error as e:
            failures += 1
            assert str(e).startswith("onnx: ") or "model:" in str(e), str(e)
    # Every proper prefix misses the end of some message or all of the graph.
    assert failures == len(cuts)
    arr = np.frombuffer(data, np.uint8).copy()
    for _ in range(150):
        b = arr.copy()
        idx = rng.integers(0, len(b), 8)
        b[idx] = rng.integers(0, 256, 8)
        try:
            segkit.Model(b.tobytes())
        except segkit.Error as e:
            assert str(e)


def test_cli_model_info(tmp_path):
    p = run_cli("model", "info", REAL[0], check=0)
    assert "tf2onnx" in p.stdout and "opset 9" in p.stdout
    assert "sub_7" in p.stdout and "[1, 257, 257, 3]" in p.stdout and "Conv x55" in p.stdout
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"\x0a\xff\xff\xff\xff\x0f")
    p = run_cli("model", "info", str(junk), check=2)
    assert "junk.onnx" in p.stderr and p.stderr.count("\n") == 1
    p = run_cli("model", "info", str(tmp_path / "missing.onnx"), check=2)
    assert "cannot open" in p.stderr
    run_cli("model", check=2)
