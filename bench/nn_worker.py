#!/usr/bin/python3
"""One engine, one model, in its own process (so peak memory is its own):
    nn_worker.py segkit MODEL.onnx INPUT_NAME SHAPE THREADS REPEAT
    nn_worker.py torch  TORCHVISION_NAME   SHAPE THREADS REPEAT
Prints JSON: median latency (ms), peak RSS and the RSS before the model was loaded (MiB)."""
import json
import resource
import statistics
import sys
import time


def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def timed(run, repeat):
    run()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main():
    kind = sys.argv[1]
    if kind == "segkit":
        model, name, shape, threads, repeat = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
        import numpy as np
        sys.path.insert(0, __file__.rsplit("/", 2)[0] + "/python")
        import segkit
        segkit.set_num_threads(threads)
        x = np.random.default_rng(0).random(tuple(map(int, shape.split(",")))).astype(np.float32)
        base = rss_mib()
        m = segkit.Model(model)
        ms = timed(lambda: m.run({name: x}), repeat)
    else:
        name, shape, threads, repeat = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        import torch
        import torchvision
        torch.set_num_threads(threads)
        seg = torchvision.models.segmentation
        make = {"deeplabv3_resnet50": seg.deeplabv3_resnet50, "fcn_resnet50": seg.fcn_resnet50,
                "lraspp_mobilenet_v3_large": seg.lraspp_mobilenet_v3_large}[name]
        x = torch.rand(*map(int, shape.split(","))).contiguous(memory_format=torch.channels_last)
        base = rss_mib()
        net = make(weights=None, weights_backbone=None, num_classes=21, aux_loss=None).eval()
        net = net.to(memory_format=torch.channels_last)

        class Out(torch.nn.Module):
            def __init__(self, n):
                super().__init__()
                self.n = n

            def forward(self, t):
                return self.n(t)["out"]
        with torch.no_grad():
            frozen = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(Out(net).eval(), x)))
            ms = timed(lambda: frozen(x), repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"ms": ms, "peak_mib": peak, "base_mib": base}))


if __name__ == "__main__":
    main()
