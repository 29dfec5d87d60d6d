#!/usr/bin/python3
"""Make the stored reference outputs of the two shipped real models with ONNX Runtime.

ONNX Runtime is not a dependency and is never used by the tests; this was run once:

    mkdir -p /tmp/ort && cd /tmp/ort && npm install --ignore-scripts onnxruntime-node@1.30.0
    ORT_DIR=/tmp/ort /usr/bin/python3 tests/data/nn/make_refs.py

It writes refs.npz here: for each model the full argmax map and the raw outputs at a
regular subset of pixels (every STEP-th along both axes), to keep the file small. The
inputs are recomputed by the tests with the same function (inputs_for below)."""
import os
import subprocess
import sys
import tempfile

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")
MODELS = {
    "deeplab": ("data/models/deeplabv3_mnv2_pascal_onnx/deeplab_v3_1_default_1.onnx",
                "sub_7", (1, 257, 257, 3), 4),
    "road": ("data/models/road_segmentation_adas_0001_onnx/model_float32.onnx",
             "data", (1, 512, 896, 3), 8),
}


def inputs_for(name):
    """The models' documented preprocessing of a bundled photo."""
    if name == "deeplab":
        img = cv2.imread(os.path.join(ROOT, "data", "chelsea.png"))
        x = cv2.resize(img, (257, 257))[:, :, ::-1].astype(np.float32) / 127.5 - 1
    else:
        img = cv2.imread(os.path.join(ROOT, "data", "rocket.jpg"))
        x = cv2.resize(img, (896, 512)).astype(np.float32)
    return np.ascontiguousarray(x[None])


def main():
    ort = os.environ.get("ORT_DIR")
    if not ort:
        sys.exit("set ORT_DIR to a folder with node_modules/onnxruntime-node")
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (path, _, shape, step) in MODELS.items():
            x = inputs_for(name)
            x.tofile(os.path.join(tmp, "in.bin"))
            subprocess.run(["node", os.path.join(HERE, "ort_run.js"), os.path.join(ROOT, path),
                            os.path.join(tmp, "in.bin"), ",".join(map(str, shape)),
                            os.path.join(tmp, "out.bin")], check=True, cwd=ort,
                           env=dict(os.environ, NODE_PATH=os.path.join(ort, "node_modules")))
            y = np.fromfile(os.path.join(tmp, "out.bin"), np.float32)
            y = y.reshape(shape[:3] + (-1,))
            out[name + "_argmax"] = y.argmax(-1).astype(np.uint8)
            out[name + "_sub"] = y[:, ::step, ::step, :]
    np.savez_compressed(os.path.join(HERE, "refs.npz"), **out)


if __name__ == "__main__":
    main()
