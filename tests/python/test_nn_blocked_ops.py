"""Operators that run on oneDNN's blocked layout (nChw16c / nChw8c) between convolutions,
and the activations fused into convolutions: each small graph runs on the fast path and
on the plain C path (seg_set_use_optimized(0): plain NCHW everywhere, no blocked layout,
direct convolution), which is the oracle. 20 channels, so the last channel block is
partly padding, which must stay zero; the op's output is either read by a convolution
or is the graph output itself."""
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import segkit

C = 20


def build(path, op_nodes, inits=(), out_conv=True, opset=13, hw=(23, 31), out_hw=None):
    """x -> Conv(3x3, C -> C) -> 'a' -> op_nodes (ending in 'b') [-> Conv 1x1 -> y]."""
    rng = np.random.default_rng(7)
    h, w = hw
    tensors = [numpy_helper.from_array(rng.standard_normal((C, C, 3, 3)).astype(np.float32) * 0.2, "w1"),
               numpy_helper.from_array(rng.standard_normal(C).astype(np.float32), "b1"),
               numpy_helper.from_array(rng.standard_normal((7, C, 1, 1)).astype(np.float32) * 0.3, "w2")]
    tensors += [numpy_helper.from_array(np.asarray(v), k) for k, v in inits]
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["a"], pads=[1, 1, 1, 1])] + op_nodes
    if out_conv:
        nodes.append(helper.make_node("Conv", ["b", "w2"], ["y"]))
        out = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    else:
        nodes.append(helper.make_node("Identity", ["b"], ["y"]))
        out = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, C, h, w])],
                          [out], tensors)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
    return rng.standard_normal((1, C, h, w)).astype(np.float32)


def fast_and_plain(path, x):
    m = segkit.Model(path)
    fast = m.run({"x": x})["y"]
    segkit.set_use_optimized(False)
    try:
        plain = m.run({"x": x})["y"]
    finally:
        segkit.set_use_optimized(True)
    return fast, plain


def check(path, x):
    fast, plain = fast_and_plain(path, x)
    assert fast.shape == plain.shape
    scale = max(float(np.abs(plain).max()), 1e-6)
    assert float(np.abs(fast - plain).max()) <= 2e-5 * scale
    return fast


RESIZES = [("nearest", "asymmetric", "floor", [1, 1, 2, 2]),
           ("nearest", "half_pixel", "round_prefer_ceil", [1, 1, 1.7, 0.6]),
           ("linear", "half_pixel", None, [1, 1, 2.5, 3]),
           ("linear", "align_corners", None, [1, 1, 0.5, 0.75]),
           ("linear", "pytorch_half_pixel", None, [1, 1, 4, 4]),
           ("cubic", "asymmetric", None, [1, 1, 2, 1.5])]


@pytest.mark.parametrize("out_conv", [True, False])
@pytest.mark.parametrize("mode,ct,nearest,scales", RESIZES)
def test_resize(tmp_path, mode, ct, nearest, scales, out_conv):
    p = str(tmp_path / "m.onnx")
    kw = {"nearest_mode": nearest} if nearest else {}
    node = helper.make_node("Resize", ["a", "", "sc"], ["b"], mode=mode,
                            coordinate_transformation_mode=ct, **kw)
    x = build(p, [node], [("sc", np.array(scales, np.float32))], out_conv)
    check(p, x)


def test_upsample_opset9(tmp_path):
    p = str(tmp_path / "m.onnx")
    node = helper.make_node("Upsample", ["a", "sc"], ["b"], mode="linear")
    x = build(p, [node], [("sc", np.array([1, 1, 3, 2], np.float32))], opset=9)
    check(p, x)


POOLS = [("MaxPool", dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])),
         ("MaxPool", dict(kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)),
         ("AveragePool", dict(kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1])),
         ("AveragePool", dict(kernel_shape=[3, 2], strides=[2, 3], pads=[1, 0, 1, 1],
                              count_include_pad=1)),
         ("GlobalAveragePool", {}), ("GlobalMaxPool", {})]


@pytest.mark.parametrize("out_conv", [True, False])
@pytest.mark.parametrize("op,attrs", POOLS)
def test_pool(tmp_path, op, attrs, out_conv):
    p = str(tmp_path / "m.onnx")
    x = build(p, [helper.make_node(op, ["a"], ["b"], **attrs)], out_conv=out_conv)
    check(p, x)


@pytest.mark.parametrize("op", ["Mul", "Add", "Sub", "Div"])
@pytest.mark.parametrize("shape", [(1, C, 1, 1), (C, 1, 1), (1,), ()])
@pytest.mark.parametrize("vec_first", [False, True])
def test_per_channel_and_scalar_operands(tmp_path, op, shape, vec_first):
    p = str(tmp_path / "m.onnx")
    v = (np.random.default_rng(3).random(shape) + 0.5).astype(np.float32)
    nodes, inits, a = [], [("v", v)], "a"
    if op == "Div" and vec_first:  # divide by values away from zero: 0.5 + sigmoid(a)
        nodes = [helper.make_node("Sigmoid", ["a"], ["s"]), helper.make_node("Add", ["s", "half"], ["d"])]
        inits.append(("half", np.array(0.5, np.float32)))
        a = "d"
    ins = ["v", a] if vec_first else [a, "v"]
    x = build(p, nodes + [helper.make_node(op, ins, ["b"])], inits, out_conv=False)
    check(p, x)


def test_squeeze_excite(tmp_path):
    """GlobalAveragePool -> Conv -> Relu -> Conv -> HardSigmoid -> Mul(x, scale): the
    scale stays blocked ([1, C, 1, 1]) and multiplies the blocked activation per channel."""
    p = str(tmp_path / "m.onnx")
    rng = np.random.default_rng(11)
    nodes = [helper.make_node("GlobalAveragePool", ["a"], ["g"]),
             helper.make_node("Conv", ["g", "s1", "sb1"], ["s"]),
             helper.make_node("Relu", ["s"], ["r"]),
             helper.make_node("Conv", ["r", "s2", "sb2"], ["t"]),
             helper.make_node("HardSigmoid", ["t"], ["h"], alpha=1 / 6, beta=0.5),
             helper.make_node("Mul", ["a", "h"], ["b"])]
    inits = [("s1", rng.standard_normal((8, C, 1, 1)).astype(np.float32)),
             ("sb1", rng.standard_normal(8).astype(np.float32)),
             ("s2", rng.standard_normal((C, 8, 1, 1)).astype(np.float32)),
             ("sb2", rng.standard_normal(C).astype(np.float32))]
    x = build(p, nodes, inits)
    check(p, x)


@pytest.mark.parametrize("act", ["hswish", "hswish14", "hsigmoid", "sigmoid", "exp", "clip"])
def test_fused_and_blocked_activations(tmp_path, act):
    """Conv -> x, Mul(x, HardSigmoid(x)) becomes one convolution with a HardSwish
    post-op; HardSigmoid and Sigmoid fuse as post-ops too; others run on the blocked
    layout with the padding kept at zero."""
    p = str(tmp_path / "m.onnx")
    opset = 13
    if act == "hswish":
        nodes = [helper.make_node("HardSigmoid", ["a"], ["h"], alpha=1 / 6, beta=0.5),
                 helper.make_node("Mul", ["h", "a"], ["b"])]
    elif act == "hswish14":
        nodes, opset = [helper.make_node("HardSwish", ["a"], ["b"])], 14
    elif act == "hsigmoid":
        nodes = [helper.make_node("HardSigmoid", ["a"], ["b"], alpha=0.3, beta=0.4)]
    elif act == "sigmoid":
        nodes = [helper.make_node("Sigmoid", ["a"], ["b"])]
    elif act == "exp":
        nodes = [helper.make_node("Relu", ["a"], ["r"]), helper.make_node("Exp", ["r"], ["b"])]
    else:
        nodes = [helper.make_node("Relu", ["a"], ["r"]),
                 helper.make_node("Clip", ["r", "lo", "hi"], ["b"])]
    inits = [("lo", np.array(0.5, np.float32)), ("hi", np.array(1.5, np.float32))] if act == "clip" else []
    x = build(p, nodes, inits, opset=opset)
    check(p, x)
    if act in ("hswish", "hswish14", "hsigmoid", "sigmoid"):
        from conftest import run_cli
        info = run_cli("model", "info", p, check=0).stdout
        assert "runs 2 nodes" in info, info


def test_subnormal_weights_are_flushed_on_the_fast_path_only(tmp_path):
    """Subnormal weights (found in TF conversions) are zero on the fast path: their
    products are far below float32 resolution of the sums, but cost ~100 cycles each."""
    p = str(tmp_path / "m.onnx")
    x = build(p, [helper.make_node("Relu", ["a"], ["b"])])
    import onnx
    m = onnx.load(p)
    w = numpy_helper.to_array(m.graph.initializer[2]).copy()
    w[:, ::2] = 1e-40  # subnormal
    m.graph.initializer[2].CopyFrom(numpy_helper.from_array(w, "w2"))
    onnx.save(m, p)
    check(p, x)


@pytest.mark.parametrize("k,d,stride,pad", [(3, 2, 1, 2), (5, 2, 1, 4), (5, 3, 2, 3), (3, 4, 1, 0)])
@pytest.mark.parametrize("post", ["relu", "hswish", "residual"])
def test_dilated_depthwise(tmp_path, k, d, stride, pad, post):
    """Dilated depthwise convolutions run on segkit's own kernels (oneDNN 2.6 has no JIT
    one): interior pixels eight at a time, borders one by one; fused activations and a
    fused residual."""
    p = str(tmp_path / "m.onnx")
    rng = np.random.default_rng(k * 10 + d)
    nodes = [helper.make_node("Conv", ["a", "dw", "db"], ["c"], group=C, dilations=[d, d],
                              strides=[stride, stride], pads=[pad] * 4)]
    if post == "relu":
        nodes.append(helper.make_node("Relu", ["c"], ["b"]))
    elif post == "hswish":
        nodes += [helper.make_node("HardSigmoid", ["c"], ["h"], alpha=1 / 6, beta=0.5),
                  helper.make_node("Mul", ["c", "h"], ["b"])]
    else:
        nodes.append(helper.make_node("Add", ["c", "r"], ["b"]))
    inits = [("dw", rng.standard_normal((C, 1, k, k)).astype(np.float32)),
             ("db", rng.standard_normal(C).astype(np.float32))]
    if post == "residual":  # the residual: another conv of the input, same output shape
        hw = (23, 31)
        oh = (hw[0] + 2 * pad - d * (k - 1) - 1) // stride + 1
        ow = (hw[1] + 2 * pad - d * (k - 1) - 1) // stride + 1
        nodes.insert(0, helper.make_node("Resize", ["a", "", "", "sz"], ["r"], mode="nearest"))
        inits.append(("sz", np.array([1, C, oh, ow], np.int64)))
    x = build(p, nodes, inits)
    check(p, x)


@pytest.mark.parametrize("mode,scales", [("linear", [1, 1, 2.5, 3]), ("nearest", [1, 1, 2, 0.5]),
                                         ("cubic", [1, 1, 1.5, 2])])
@pytest.mark.parametrize("source", ["conv", "input"])
def test_resize_then_transpose_to_nhwc(tmp_path, mode, scales, source):
    """Resize -> Transpose(0, 2, 3, 1), as TensorFlow conversions end: the resize writes
    NHWC itself, from a blocked input (after a convolution) or a plain one."""
    p = str(tmp_path / "m.onnx")
    nodes = [helper.make_node("Resize", ["a", "", "sc"], ["r"], mode=mode),
             helper.make_node("Transpose", ["r"], ["t"], perm=[0, 2, 3, 1]),
             helper.make_node("Softmax", ["t"], ["b"], axis=-1)]
    x = build(p, nodes, [("sc", np.array(scales, np.float32))], out_conv=False)
    if source == "input":  # no convolution before: the resize reads the graph input
        import onnx
        m = onnx.load(p)
        del m.graph.node[0]
        m.graph.node[0].input[0] = "x"
        onnx.save(m, p)
    fast = check(p, x)
    assert fast.shape == (1, int(23 * scales[2]), int(31 * scales[3]), C)
