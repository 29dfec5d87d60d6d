#!/usr/bin/python3
"""segkit's benchmark runner: segkit and its peer timed side by side in the same run.

Each bench/bench_*.py module defines `cases(sizes)` yielding Case objects. The runner
sets the same thread count for segkit and for the peer (cv2.setNumThreads, torch,
...), times each callable (median of repeats after a warm-up) and prints one row per
case: segkit ms, peer ms, ratio = segkit / peer (below 1.0: segkit is faster).

usage: bench/run.py [--threads N] [--sizes 640x480,1920x1080,4096x4096] [--filter SUBSTR]
                    [--repeat N] [--json FILE]
Benchmarks are never tests: nothing here asserts a timing.
"""
import argparse
import glob
import importlib.util
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
sys.path.insert(0, HERE)


class Case:
    """One comparison: `name` (operation), `size` (label), segkit and peer callables
    taking no arguments; `peer_name` says who the peer is (default cv2)."""

    def __init__(self, name, size, segkit, peer, peer_name="cv2", repeat=None):
        self.name, self.size, self.segkit, self.peer = name, size, segkit, peer
        self.peer_name, self.repeat = peer_name, repeat


FILTER = ""


def wanted(name):
    """Whether a case of this name will run (modules skip expensive set-up otherwise)."""
    return not FILTER or FILTER in name


def timeit(f, repeat, budget=2.0):
    f()  # warm-up (page faults, lazy init, kernel dispatch)
    times = []
    t_end = time.perf_counter() + budget
    for i in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
        if i >= 2 and time.perf_counter() > t_end:
            break
    return statistics.median(times)


def parse_sizes(text):
    out = []
    for s in text.split(","):
        w, h = s.lower().split("x")
        out.append((int(w), int(h)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sizes", default="640x480,1920x1080,4096x4096")
    ap.add_argument("--filter", default="")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--json")
    args = ap.parse_args()
    global FILTER
    FILTER = args.filter

    import segkit
    segkit.set_num_threads(args.threads)
    try:
        import cv2
        cv2.setNumThreads(args.threads)
    except ImportError:
        pass
    try:
        import torch
        torch.set_num_threads(args.threads)
    except ImportError:
        pass

    sizes = parse_sizes(args.sizes)
    rows = []
    print("segkit %s, %d threads, simd %s" % (segkit.__version__, args.threads,
                                            "+".join(segkit.cpu_features()) or "generic"))
    print("%-34s %-10s %10s %10s %8s  %s" % ("operation", "size", "segkit ms", "peer ms",
                                           "ratio", "peer"))
    sys.modules.setdefault("run", sys.modules[__name__])  # modules see this FILTER
    for path in sorted(glob.glob(os.path.join(HERE, "bench_*.py"))):
        spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for case in mod.cases(sizes):
            if args.filter and args.filter not in case.name:
                continue
            rep = case.repeat or args.repeat
            ts = timeit(case.segkit, rep)
            tp = timeit(case.peer, rep) if case.peer else float("nan")
            ratio = ts / tp if case.peer else float("nan")
            print("%-34s %-10s %10.3f %10.3f %8.3f  %s" % (case.name, case.size, ts * 1e3,
                                                        tp * 1e3, ratio, case.peer_name),
                  flush=True)
            rows.append(dict(op=case.name, size=case.size, segkit_ms=ts * 1e3,
                             peer_ms=tp * 1e3, ratio=ratio, peer=case.peer_name,
                             threads=args.threads))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
