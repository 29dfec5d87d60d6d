#!/usr/bin/python3
"""Write the small ONNX seed files for fuzz/fuzz_onnx (run once; outputs are committed)."""
import os
import sys

import numpy as np
import onnx
import torch
from onnx import helper, TensorProto

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz_onnx")
os.makedirs(out, exist_ok=True)


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 2, 3, padding=1)

    def forward(self, x):
        y = torch.nn.functional.interpolate(torch.relu(self.conv(x)), scale_factor=2.0,
                                            mode="bilinear", align_corners=False)
        return y.argmax(1)


torch.manual_seed(0)
for opset in (9, 13, 17):
    torch.onnx.export(Tiny().eval(), torch.randn(1, 3, 8, 8),
                      os.path.join(out, "tiny_opset%d.onnx" % opset), opset_version=opset,
                      input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {2: "h", 3: "w"}})
# typed fields, attributes of every kind, a sub-graph (If)
then_g = helper.make_graph([helper.make_node("Identity", ["a"], ["o"])], "then", [],
                           [helper.make_tensor_value_info("o", TensorProto.FLOAT, [2])])
else_g = helper.make_graph([helper.make_node("Neg", ["a"], ["o2"])], "else", [],
                           [helper.make_tensor_value_info("o2", TensorProto.FLOAT, [2])])
nodes = [helper.make_node("If", ["c"], ["r"], then_branch=then_g, else_branch=else_g),
         helper.make_node("Pad", ["r"], ["p"], mode="constant", pads=[1, 1], value=0.5),
         helper.make_node("Foo", ["p"], ["q"], domain="custom", names=["a", "b"],
                          scales=[0.5, 2.0])]
g = helper.make_graph(nodes, "g",
                      [helper.make_tensor_value_info("c", TensorProto.BOOL, []),
                       helper.make_tensor_value_info("a", TensorProto.FLOAT, ["n"])],
                      [helper.make_tensor_value_info("q", TensorProto.FLOAT, [None])],
                      [helper.make_tensor("w", TensorProto.INT64, [3], [1, -2, 3]),
                       helper.make_tensor("h", TensorProto.FLOAT16, [1], [15360])])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13),
                                              helper.make_opsetid("custom", 1)]),
          os.path.join(out, "features.onnx"))
# a Loop reading an outer value, with a nested If (captures through two scopes)
inner_then = helper.make_graph([helper.make_node("Add", ["v", "k"], ["t"])], "it", [],
                               [helper.make_tensor_value_info("t", TensorProto.FLOAT, [2])])
inner_else = helper.make_graph([helper.make_node("Sub", ["v", "k"], ["t2"])], "ie", [],
                               [helper.make_tensor_value_info("t2", TensorProto.FLOAT, [2])])
body = helper.make_graph(
    [helper.make_node("Identity", ["cin"], ["cout"]),
     helper.make_node("If", ["cin"], ["vout"], then_branch=inner_then, else_branch=inner_else),
     helper.make_node("Mul", ["vout", "k"], ["scan"])], "body",
    [helper.make_tensor_value_info("i", TensorProto.INT64, []),
     helper.make_tensor_value_info("cin", TensorProto.BOOL, []),
     helper.make_tensor_value_info("v", TensorProto.FLOAT, [2])],
    [helper.make_tensor_value_info("cout", TensorProto.BOOL, []),
     helper.make_tensor_value_info("vout", TensorProto.FLOAT, [2]),
     helper.make_tensor_value_info("scan", TensorProto.FLOAT, [2])])
g = helper.make_graph([helper.make_node("Loop", ["m", "", "x"], ["y", "s"], body=body)], "loop",
                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2]),
                       helper.make_tensor_value_info("s", TensorProto.FLOAT, [None, 2])],
                      [helper.make_tensor("m", TensorProto.INT64, [], [3]),
                       helper.make_tensor("k", TensorProto.FLOAT, [2], [0.5, 2.0])])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
          os.path.join(out, "loop.onnx"))
# detection operators on constants: constant folding runs them at load
rng = np.random.default_rng(0)
boxes = np.sort(rng.random((1, 6, 4)).astype(np.float32) * 20, axis=2)
consts = [helper.make_tensor("boxes", TensorProto.FLOAT, boxes.shape, boxes.ravel()),
          helper.make_tensor("scores", TensorProto.FLOAT, [1, 2, 6], rng.random(12).tolist()),
          helper.make_tensor("maxo", TensorProto.INT64, [1], [4]),
          helper.make_tensor("iou", TensorProto.FLOAT, [1], [0.5]),
          helper.make_tensor("feat", TensorProto.FLOAT, [1, 2, 5, 5], rng.random(50).tolist()),
          helper.make_tensor("rois", TensorProto.FLOAT, [2, 4], [0, 0, 3, 3, 1, 1, 4.5, 2]),
          helper.make_tensor("bidx", TensorProto.INT64, [2], [0, 0]),
          helper.make_tensor("k", TensorProto.INT64, [1], [3]),
          helper.make_tensor("idx", TensorProto.INT64, [2, 2], [1, 0, 0, 1]),
          helper.make_tensor("upd", TensorProto.FLOAT, [2, 2], [7, 8, 9, 10])]
nodes = [helper.make_node("NonMaxSuppression", ["boxes", "scores", "maxo", "iou"], ["sel"]),
         helper.make_node("RoiAlign", ["feat", "rois", "bidx"], ["ra"], output_height=2,
                          output_width=2, sampling_ratio=0),
         helper.make_node("Flatten", ["ra"], ["raf"]),
         helper.make_node("TopK", ["raf", "k"], ["tv", "ti"]),
         helper.make_node("NonZero", ["sel"], ["nz"]),
         helper.make_node("ScatterElements", ["tv", "idx", "upd"], ["sc"], axis=1),
         helper.make_node("Where", ["cond", "sc", "tv"], ["w"])]
g = helper.make_graph(nodes, "det", [helper.make_tensor_value_info("cond", TensorProto.BOOL, [1])],
                      [helper.make_tensor_value_info("w", TensorProto.FLOAT, None),
                       helper.make_tensor_value_info("nz", TensorProto.INT64, None)], consts)
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
          os.path.join(out, "detect_ops.onnx"))
print("wrote", sorted(os.listdir(out)), file=sys.stderr)
