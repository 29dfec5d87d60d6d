#!/usr/bin/python3
"""Instance segmentation: torchvision 0.14's Mask R-CNN (ResNet-50 FPN, random weights
conditioned as in tests/python/detection_models.py, score threshold 0 so that every run
keeps 100 detections) at 800x800: segkit vs ONNX Runtime 1.30 (onnxruntime-node) vs
PyTorch eager, same thread count, each in its own process; latency (median) and peak
memory above the process's baseline.

  segkit graph : Model.run, every output as exported (boxes, labels, scores, and the
                 100 x 800 x 800 float masks pasted by the graph's Loop)
  segkit task  : segment_instance: the same network without the paste Loop; masks
                 pasted from 28x28 straight to RLE (what a user of the results needs)

usage: bench/detection.py [--threads 2] [--repeat 3] [--size 800]
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CACHE = os.path.join(HERE, ".cache")
sys.path.insert(0, HERE)
from nn import ensure_ort, worker, ORT  # noqa: E402


def export(size):
    path = os.path.join(CACHE, "maskrcnn_%d.onnx" % size)
    if not os.path.exists(path):
        os.makedirs(CACHE, exist_ok=True)
        code = ("import sys; sys.path.insert(0, %r); import detection_models as dm; "
                "dm.export(dm.make('maskrcnn', min_size=800, max_size=1333), %r, 11, %d, %d)"
                % (os.path.join(ROOT, "tests", "python"), path, size, size))
        subprocess.run([sys.executable, "-c", code], check=True, stderr=subprocess.DEVNULL)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--size", type=int, default=800)
    args = ap.parse_args()
    ensure_ort()
    env = dict(os.environ, NODE_PATH=os.path.join(ORT, "node_modules"))
    path = export(args.size)
    shape = "3,%d,%d" % (args.size, args.size)
    common = [path, shape, str(args.threads), str(args.repeat)]
    w = os.path.join(HERE, "detection_worker.py")
    rows = [("segkit graph", worker([sys.executable, w, "graph"] + common)),
            ("segkit task", worker([sys.executable, w, "task"] + common)),
            ("onnxruntime", worker(["node", os.path.join(HERE, "ort_worker.js")] + common, env)),
            ("pytorch eager", worker([sys.executable, w, "torch"] + common))]
    print("Mask R-CNN R50-FPN %dx%d, %d threads, median of %d" % (args.size, args.size,
                                                                   args.threads, args.repeat))
    ort = rows[2][1][0]
    for name, (r, e) in rows:
        if not r:
            print("%-14s %s" % (name, e))
            continue
        ratio = " %.3fx ORT" % (r["ms"] / ort["ms"]) if ort else ""
        print("%-14s %9.1f ms %8.0f MiB%s" % (name, r["ms"], r["peak_mib"] - r["base_mib"], ratio),
              flush=True)


if __name__ == "__main__":
    main()
