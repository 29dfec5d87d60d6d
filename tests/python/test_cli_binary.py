"""segkit threshold / segkit morph: the files they write equal cv2's on the same input."""
import os

import cv2
import numpy as np
import pytest

from conftest import data_path, run_cli, sample_path


def read(path):
    return cv2.imread(str(path), cv2.IMREAD_UNCHANGED)


@pytest.mark.parametrize("args,ref", [
    ([], lambda g, c: cv2.threshold(c, 127, 255, cv2.THRESH_BINARY)[1]),
    (["--type", "tozero-inv", "--thresh", "99.5", "--maxval", "200"],
     lambda g, c: cv2.threshold(c, 99.5, 200, cv2.THRESH_TOZERO_INV)[1]),
    (["--otsu", "--type", "binary-inv"],
     lambda g, c: cv2.threshold(g, 0, 255, cv2.THRESH_OTSU | cv2.THRESH_BINARY_INV)[1]),
    (["--triangle"], lambda g, c: cv2.threshold(g, 0, 255, cv2.THRESH_TRIANGLE)[1]),
    (["--adaptive", "mean", "--block", "15", "--c", "3.5"],
     lambda g, c: cv2.adaptiveThreshold(g, 255, 0, 0, 15, 3.5)),
    (["--adaptive", "gaussian", "--type", "binary-inv"],
     lambda g, c: cv2.adaptiveThreshold(g, 255, 1, 1, 11, 2)),
])
@pytest.mark.parametrize("image", ["coins.png", "chelsea.png"])
def test_threshold_command_matches_cv2(tmp_path, args, ref, image):
    src = sample_path(image)
    out = tmp_path / "t.png"
    p = run_cli("threshold", src, out, *args, check=0)
    assert p.stdout.startswith("threshold:")
    col = cv2.imread(src, cv2.IMREAD_UNCHANGED)
    gray = col if col.ndim == 2 else cv2.cvtColor(col, cv2.COLOR_BGR2GRAY)
    assert np.array_equal(read(out), ref(gray, col))
    if "--otsu" in args:
        t = cv2.threshold(gray, 0, 255, cv2.THRESH_OTSU)[0]
        assert "threshold %g)" % t in p.stdout


def test_threshold_command_16bit(tmp_path):
    g16 = (cv2.imread(sample_path("coins.png"), 0).astype(np.uint16) * 257)
    src = tmp_path / "g16.png"
    cv2.imwrite(str(src), g16)
    run_cli("threshold", src, tmp_path / "o.png", "--otsu", check=0)
    assert np.array_equal(read(tmp_path / "o.png"),
                          cv2.threshold(g16, 0, 65535, cv2.THRESH_OTSU)[1])


@pytest.mark.parametrize("op", ["erode", "dilate", "open", "close", "gradient", "tophat",
                                "blackhat"])
@pytest.mark.parametrize("shape,size,it", [("rect", "3", 1), ("ellipse", "5", 2),
                                           ("cross", "7x3", 1), ("rect", "15x9", 1)])
def test_morph_command_matches_cv2(tmp_path, op, shape, size, it):
    src = data_path("binary", "horse.png") if op in ("open", "close") else sample_path("coins.png")
    out = tmp_path / "m.png"
    p = run_cli("morph", src, out, "--op", op, "--shape", shape, "--size", size,
                "--iterations", it, check=0)
    assert p.stdout.startswith("morph:")
    w, h = (int(v) for v in (size.split("x") if "x" in size else (size, size)))
    k = cv2.getStructuringElement({"rect": 0, "cross": 1, "ellipse": 2}[shape], (w, h))
    ops = {"erode": 0, "dilate": 1, "open": 2, "close": 3, "gradient": 4, "tophat": 5,
           "blackhat": 6}
    want = cv2.morphologyEx(read(src), ops[op], k, iterations=it)
    assert np.array_equal(read(out), want)


def test_errors_are_one_line_and_leave_nothing(tmp_path):
    out = tmp_path / "x.png"
    src = sample_path("coins.png")
    for args, msg in [
        (["threshold", src, out, "--otsu", "--triangle"], "choose one of"),
        (["threshold", src, out, "--adaptive", "mean", "--block", "4"], "must be odd"),
        (["threshold", src, out, "--adaptive", "mean", "--type", "trunc"], "binary or"),
        (["threshold", src, out, "--type", "half"], "must be one of"),
        (["threshold", tmp_path / "missing.png", out], "missing.png"),
        (["morph", src, out, "--op", "melt"], "must be one of"),
        (["morph", src, out, "--size", "0"], "--size"),
        (["morph", src, out, "--size", "5000"], "--size"),
        (["morph", src, out, "--iterations", "0"], "--iterations"),
        (["morph", src], "expected IN OUT"),
    ]:
        p = run_cli(*args, check=2)
        assert msg in p.stderr and p.stderr.count("\n") == 1, (args, p.stderr)
    assert os.listdir(tmp_path) == []
