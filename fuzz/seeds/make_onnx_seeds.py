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
print("wrote", sorted(os.listdir(out)), file=sys.stderr)
