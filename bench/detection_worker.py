#!/usr/bin/python3
"""One engine running Mask R-CNN in its own process (so peak memory is its own):
    detection_worker.py graph|task|torch MODEL.onnx 3,H,W THREADS REPEAT
Prints JSON: median latency (ms), peak RSS and the RSS before the model was loaded."""
import json
import os
import resource
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from nn_worker import rss_mib, timed  # noqa: E402


def main():
    kind, model, shape, threads, repeat = sys.argv[1:6]
    dims = tuple(map(int, shape.split(",")))
    threads, repeat = int(threads), int(repeat)
    import numpy as np
    x = np.random.default_rng(0).random(dims).astype(np.float32)
    if kind in ("graph", "task"):
        sys.path.insert(0, os.path.join(os.path.dirname(HERE), "python"))
        import segkit
        segkit.set_num_threads(threads)
        base = rss_mib()
        m = segkit.Model(model)
        if kind == "graph":
            ms = timed(lambda: m.run({"image": x}), repeat)
        else:
            img = np.ascontiguousarray((x.transpose(1, 2, 0) * 255).astype(np.uint8))
            ms = timed(lambda: segkit.segment_instance(img, m, score_threshold=0.0, order="rgb"),
                       repeat)
    else:
        import torch
        sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "python"))
        import detection_models as dm
        torch.set_num_threads(threads)
        base = rss_mib()
        net = dm.make("maskrcnn", min_size=800, max_size=1333)
        t = torch.from_numpy(x)
        with torch.no_grad():
            ms = timed(lambda: net([t]), repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"ms": ms, "peak_mib": peak, "base_mib": base}))


if __name__ == "__main__":
    main()
