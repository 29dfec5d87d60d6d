"""segkit convert / segkit blur: outputs equal cv2's on the same files."""
import os

import cv2
import numpy as np
import pytest

from conftest import run_cli, sample_path


@pytest.mark.parametrize("to,code", [("gray", cv2.COLOR_BGR2GRAY), ("lab", cv2.COLOR_BGR2LAB),
                                     ("hsv", cv2.COLOR_BGR2HSV), ("rgb", cv2.COLOR_BGR2RGB)])
def test_convert_colour_matches_cv2(tmp_path, to, code):
    src = sample_path("chelsea.png")
    out = str(tmp_path / ("o_%s.png" % to))
    p = run_cli("convert", src, out, "--to", to, check=0)
    assert "convert:" in p.stdout
    want = cv2.cvtColor(cv2.imread(src), code)
    got = cv2.imread(out, cv2.IMREAD_UNCHANGED)
    assert np.array_equal(got, want)


def test_convert_types_and_formats(tmp_path):
    src = sample_path("coins.png")
    a = cv2.imread(src, cv2.IMREAD_UNCHANGED)
    run_cli("convert", src, tmp_path / "c16.png", "--type", "u16", check=0)
    b = cv2.imread(str(tmp_path / "c16.png"), cv2.IMREAD_UNCHANGED)
    assert b.dtype == np.uint16 and np.array_equal(b, a.astype(np.uint16) * 257)
    run_cli("convert", tmp_path / "c16.png", tmp_path / "back.pgm", "--type", "u8", check=0)
    assert np.array_equal(cv2.imread(str(tmp_path / "back.pgm"), cv2.IMREAD_UNCHANGED), a)
    run_cli("convert", sample_path("chelsea.png"), tmp_path / "c.jpg", "--quality", "90", check=0)
    ok, enc = cv2.imencode(".jpg", cv2.imread(sample_path("chelsea.png")),
                           [cv2.IMWRITE_JPEG_QUALITY, 90])
    ours = cv2.imread(str(tmp_path / "c.jpg")).astype(int)
    theirs = cv2.imdecode(enc, cv2.IMREAD_COLOR).astype(int)
    assert np.abs(ours - theirs).mean() < 1.0


def test_convert_errors_leave_nothing(tmp_path):
    out = tmp_path / "x.png"
    p = run_cli("convert", sample_path("chelsea.png"), out, "--type", "f32", check=2)
    assert "f32" in p.stderr and p.stderr.count("\n") == 1 and not out.exists()
    p = run_cli("convert", tmp_path / "missing.png", out, check=2)
    assert "missing.png" in p.stderr and not out.exists()
    p = run_cli("convert", sample_path("chelsea.png"), out, "--to", "xyz", check=2)
    assert "must be one of" in p.stderr
    p = run_cli("convert", sample_path("chelsea.png"), check=2)
    assert "expected IN OUT" in p.stderr
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("args,ref", [
    (["-k", "7"], lambda im: cv2.GaussianBlur(im, (7, 7), 0)),
    (["--sigma", "2.5"], lambda im: cv2.GaussianBlur(im, (0, 0), 2.5)),
    (["-k", "5x9", "--sigma", "1.5", "--sigma-y", "3", "--border", "replicate"],
     lambda im: cv2.GaussianBlur(im, (5, 9), 1.5, sigmaY=3, borderType=cv2.BORDER_REPLICATE)),
    (["--kind", "box", "-k", "3x5"], lambda im: cv2.blur(im, (3, 5))),
])
def test_blur_matches_cv2(tmp_path, args, ref):
    src = sample_path("astronaut.png")
    out = str(tmp_path / "b.png")
    run_cli("blur", src, out, *args, check=0)
    assert np.array_equal(cv2.imread(out), ref(cv2.imread(src)))


def test_blur_errors(tmp_path):
    p = run_cli("blur", sample_path("coins.png"), tmp_path / "b.png", "-k", "4", check=2)
    assert "odd" in p.stderr or "ksize" in p.stderr
    p = run_cli("blur", sample_path("coins.png"), tmp_path / "b.png", check=2)
    assert "--ksize or a positive --sigma" in p.stderr
    p = run_cli("blur", sample_path("coins.png"), tmp_path / "b.png", "-k", "abc", check=2)
    assert "WxH" in p.stderr
    assert not (tmp_path / "b.png").exists()


def test_convert_gray_input_to_colour_spaces(tmp_path):
    src = sample_path("coins.png")
    g = cv2.imread(src, cv2.IMREAD_UNCHANGED)
    run_cli("convert", src, tmp_path / "l.png", "--to", "lab", check=0)
    want = cv2.cvtColor(cv2.cvtColor(g, cv2.COLOR_GRAY2BGR), cv2.COLOR_BGR2LAB)
    assert np.array_equal(cv2.imread(str(tmp_path / "l.png")), want)
