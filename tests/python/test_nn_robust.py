"""Every operator the engine knows, fed what it does not expect: no inputs, an omitted
first input, inputs of the wrong type or rank, stray integer constants. Each model must
load and run or fail with segkit.Error naming the node; a crash ends this process and
fails the test. (fuzz/fuzz_onnx.c does the same with random mutations.)"""
import itertools

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import segkit

OPS = """Abs Add And ArgMax ArgMin AveragePool BatchNormalization Cast Ceil Clip Concat Constant
ConstantOfShape Conv ConvTranspose Cos Div Dropout Equal Erf Exp Expand Flatten Floor Gather
GatherElements Gemm GlobalAveragePool GlobalMaxPool Greater GreaterOrEqual HardSigmoid
HardSwish Identity If LeakyRelu Less LessOrEqual Log LogSoftmax Loop MatMul Max MaxPool Min
Mod Mul Neg NonMaxSuppression NonZero Not Or Pad Pow Range Reciprocal ReduceMax ReduceMean
ReduceMin ReduceProd ReduceSum Relu Reshape Resize RoiAlign Round Scatter ScatterElements
Shape Sigmoid Sin Slice Softmax Split Sqrt Squeeze Sub Sum Tanh TopK Transpose Unsqueeze
Upsample Where Xor""".split()

# (element type, shape) of the graph input x, and the extra constants tried after it
INPUTS = [(TensorProto.FLOAT, [2, 3]), (TensorProto.INT64, [4]), (TensorProto.FLOAT, [1, 2, 3, 3]),
          (TensorProto.BOOL, [])]
EXTRAS = [helper.make_tensor("k1", TensorProto.INT64, [1], [-7]),
          helper.make_tensor("k2", TensorProto.FLOAT, [2], [0.0, -1.0]),
          helper.make_tensor("k3", TensorProto.INT64, [0], [])]


def attempt(op, inputs, x_type, x_shape, opset):
    x = helper.make_tensor_value_info("x", x_type, x_shape)
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    node = helper.make_node(op, inputs, ["y"], name="probe")
    g = helper.make_graph([node], "g", [x], [y], initializer=EXTRAS)
    data = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)]).SerializeToString()
    try:
        m = segkit.Model(data)
        dtype = {TensorProto.FLOAT: np.float32, TensorProto.INT64: np.int64,
                 TensorProto.BOOL: np.bool_}[x_type]
        m.run({"x": np.ones(x_shape, dtype)})
    except segkit.Error as e:
        assert str(e).strip(), "an error without a message"
        return "error"
    return "ok"


@pytest.mark.parametrize("op", OPS)
def test_operator_survives_odd_inputs(op):
    outcomes = set()
    arities = [[], [""], ["x"]] + [["x"] + list(c) for n in (1, 2, 3, 4)
                                    for c in itertools.islice(itertools.product(
                                        ["k1", "k2", "k3", "x", ""], repeat=n), 6)]
    for (xt, xs), inputs, opset in itertools.product(INPUTS, arities, (9, 13)):
        outcomes.add(attempt(op, inputs, xt, xs, opset))
    assert "error" in outcomes  # at least the empty node is refused with a message
