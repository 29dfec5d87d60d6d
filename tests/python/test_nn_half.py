"""f16 and bf16 tensors: Cast both ways (bit-identical to numpy's float16 rounding, and to
round-to-nearest-even bfloat16), and a model storing its weights in f16 behind Cast
nodes (folded at load: the convolution then runs in f32 on the widened weights)."""
import numpy as np
import torch
from onnx import TensorProto, helper

import segkit


def cast_model(src, dst, n):
    x = helper.make_tensor_value_info("x", src, [n])
    y = helper.make_tensor_value_info("y", dst, None)
    z = helper.make_tensor_value_info("z", src, None)
    g = helper.make_graph([helper.make_node("Cast", ["x"], ["y"], to=dst),
                           helper.make_node("Cast", ["y"], ["z"], to=src)], "g", [x], [y, z])
    return segkit.Model(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]).SerializeToString())


def special_values(rng):
    scales = rng.choice([1e-8, 1e-6, 1e-4, 1, 100, 1e4, 7e4, 1e38], 20000)
    v = rng.standard_normal(20000) * scales
    edge = [0, -0.0, np.inf, -np.inf, np.nan, 65504, 65519.99, 65520, 6e-8, 2.98e-8, 2.99e-8,
            5.96e-8, 1.0009765625, 1.00048828125, 1.00146484375, 3.4e38]
    return np.concatenate([v, edge]).astype(np.float32)


def test_cast_float16_matches_numpy():
    vals = special_values(np.random.default_rng(0))
    r = cast_model(TensorProto.FLOAT, TensorProto.FLOAT16, len(vals)).run({"x": vals})
    with np.errstate(over="ignore"):
        ref = vals.astype(np.float16)
    nan = np.isnan(ref)
    assert r["y"].dtype == np.float16
    assert np.array_equal(r["y"].view(np.uint16)[~nan], ref.view(np.uint16)[~nan])
    assert np.isnan(r["y"][nan]).all() and np.isnan(r["z"][nan]).all()
    assert np.array_equal(r["z"][~nan], ref.astype(np.float32)[~nan])


def bf16_reference(v):
    u = v.view(np.uint32).astype(np.uint64)
    r = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    nan = np.isnan(v)
    r[nan] = ((u[nan] >> 16) | 0x40).astype(np.uint16)
    return r


def test_cast_bfloat16_rounds_to_nearest_even():
    vals = special_values(np.random.default_rng(1))
    r = cast_model(TensorProto.FLOAT, TensorProto.BFLOAT16, len(vals)).run({"x": vals})
    # numpy has no bfloat16: the binding returns the raw 16-bit patterns
    bits = np.ascontiguousarray(r["y"]).view(np.uint16)
    assert np.array_equal(bits, bf16_reference(vals))
    back = (bits.astype(np.uint32) << 16).view(np.float32)
    nan = np.isnan(vals)
    assert np.array_equal(r["z"][~nan], back[~nan]) and np.isnan(r["z"][nan]).all()


def test_f16_weights_behind_cast():
    rng = np.random.default_rng(2)
    w = (rng.standard_normal((8, 3, 3, 3)) * 0.2).astype(np.float16)
    b = rng.standard_normal(8).astype(np.float16)
    # raw_data for one, int32_data (the 16-bit patterns, as onnx.helper writes them) for
    # the other: both encodings of f16 initializers
    inits = [helper.make_tensor("w16", TensorProto.FLOAT16, w.shape, w.tobytes(), raw=True),
             helper.make_tensor("b16", TensorProto.FLOAT16, b.shape, b.astype(np.float32).tolist())]
    nodes = [helper.make_node("Cast", ["w16"], ["w"], to=TensorProto.FLOAT),
             helper.make_node("Cast", ["b16"], ["b"], to=TensorProto.FLOAT),
             helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1])]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 20])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    m = segkit.Model(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]).SerializeToString())
    x = rng.standard_normal((1, 3, 16, 20)).astype(np.float32)
    ref = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w.astype(np.float32)),
                                     torch.from_numpy(b.astype(np.float32)), padding=1).numpy()
    assert np.abs(m.run({"x": x})["y"] - ref).max() <= 1e-5 * np.abs(ref).max()
