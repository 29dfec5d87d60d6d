#!/usr/bin/python3
"""Neural-network inference: segkit vs ONNX Runtime 1.30 (onnxruntime-node) vs PyTorch
(torch.jit.freeze + optimize_for_inference, channels-last), same thread count, each engine
in its own process; latency (median) and peak memory above the process's baseline.

usage: bench/nn.py [--threads 2] [--repeat 5] [--filter NAME]
ONNX Runtime is installed on first use into bench/.ort with
`npm install --ignore-scripts onnxruntime-node@1.30.0` (a benchmark peer only, never a
dependency). torchvision's models get random weights: latency does not depend on them.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CACHE = os.path.join(HERE, ".cache")
ORT = os.path.join(HERE, ".ort")

MODELS = [
    # name, onnx path or torchvision name, input name, shape, torch peer
    ("deeplabv3_resnet50 520x520", "deeplabv3_resnet50", "x", "1,3,520,520", True),
    ("fcn_resnet50 520x520", "fcn_resnet50", "x", "1,3,520,520", True),
    ("lraspp_mobilenet_v3_large 520x520", "lraspp_mobilenet_v3_large", "x", "1,3,520,520", True),
    ("deeplabv3_mnv2 (TF) 257x257", "data/models/deeplabv3_mnv2_pascal_onnx/deeplab_v3_1_default_1.onnx",
     "sub_7", "1,257,257,3", False),
    ("road_segmentation (TF) 512x896", "data/models/road_segmentation_adas_0001_onnx/model_float32.onnx",
     "data", "1,512,896,3", False),
]


def export(name, shape):
    path = os.path.join(CACHE, "%s_%s.onnx" % (name, shape.replace(",", "x")))
    if os.path.exists(path):
        return path
    os.makedirs(CACHE, exist_ok=True)
    code = """
import torch, torchvision
seg = torchvision.models.segmentation
net = getattr(seg, %r)(weights=None, weights_backbone=None, num_classes=21).eval()
class Out(torch.nn.Module):
    def __init__(s, n): super().__init__(); s.n = n
    def forward(s, t): return s.n(t)["out"]
torch.onnx.export(Out(net).eval(), torch.rand(%s), %r, opset_version=13, input_names=["x"], output_names=["out"])
""" % (name, shape, path)
    subprocess.run([sys.executable, "-c", code], check=True, stderr=subprocess.DEVNULL)
    return path


def ensure_ort():
    if not os.path.isdir(os.path.join(ORT, "node_modules", "onnxruntime-node")):
        os.makedirs(ORT, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--ignore-scripts", "--prefix", ORT,
                        "onnxruntime-node@1.30.0"], check=True)


def worker(cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode:
        return None, p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "failed"
    return json.loads(p.stdout.strip().splitlines()[-1]), None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--filter", default="")
    args = ap.parse_args()
    ensure_ort()
    env = dict(os.environ, NODE_PATH=os.path.join(ORT, "node_modules"))
    print("%d threads; latency ms (median of %d) / peak MiB above baseline" % (args.threads, args.repeat))
    print("%-34s %16s %16s %16s %9s %9s" % ("model", "segkit", "onnxruntime", "pytorch",
                                             "vs ORT", "vs torch"))
    for label, src, inp, shape, has_torch in MODELS:
        if args.filter not in label:
            continue
        path = os.path.join(ROOT, src) if src.endswith(".onnx") else export(src, shape)
        seg, e1 = worker([sys.executable, os.path.join(HERE, "nn_worker.py"), "segkit", path, inp,
                          shape, str(args.threads), str(args.repeat)])
        ort, e2 = worker(["node", os.path.join(HERE, "ort_worker.js"), path, shape,
                          str(args.threads), str(args.repeat)], env)
        tor, e3 = (worker([sys.executable, os.path.join(HERE, "nn_worker.py"), "torch", src, shape,
                           str(args.threads), str(args.repeat)]) if has_torch else (None, "n/a"))

        def cell(r, e):
            return "%8.1f/%6.0f" % (r["ms"], r["peak_mib"] - r["base_mib"]) if r else ("%16s" % e[:16])
        r1 = "%9.3f" % (seg["ms"] / ort["ms"]) if seg and ort else "%9s" % "-"
        r2 = "%9.3f" % (seg["ms"] / tor["ms"]) if seg and tor else "%9s" % "-"
        print("%-34s %16s %16s %16s %s %s" % (label, cell(seg, e1), cell(ort, e2), cell(tor, e3), r1, r2),
              flush=True)


if __name__ == "__main__":
    main()
