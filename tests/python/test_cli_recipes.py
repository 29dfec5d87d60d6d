"""segkit segment --method kmeans / grabcut: files, agreement with the library, errors."""
import json

import cv2
import numpy as np

import segkit
from conftest import run_cli, sample_path


def test_cli_kmeans(tmp_path):
    p = run_cli("segment", sample_path("coffee.png"), "--method", "kmeans", "-k", "3",
                "--seed", "7", "-o", tmp_path, check=0)
    assert "3 objects" in p.stdout and "compactness" in p.stdout
    lab = cv2.imread(str(tmp_path / "labels.png"), cv2.IMREAD_UNCHANGED)
    assert lab.dtype == np.uint16 and set(np.unique(lab)) == {1, 2, 3}
    seg = cv2.imread(str(tmp_path / "overlay.png"))
    for k in (1, 2, 3):  # every pixel of a cluster has the cluster's colour
        assert len(np.unique(seg[lab == k].reshape(-1, 3), axis=0)) == 1
    objs = json.loads((tmp_path / "objects.json").read_text())
    assert sum(o["area"] for o in objs["objects"]) == lab.size
    p = run_cli("segment", sample_path("coffee.png"), "--method", "kmeans", "-k", "0", "-o",
                tmp_path / "x", check=2)
    assert "--k must be" in p.stderr


def test_cli_grabcut_rect_and_mask(tmp_path):
    img = cv2.imread(sample_path("astronaut.png"))
    run_cli("segment", sample_path("astronaut.png"), "--method", "grabcut", "--rect",
            "100,20,330,480", "-o", tmp_path / "r", check=0)
    m = cv2.imread(str(tmp_path / "r" / "mask.png"), 0)
    cut = cv2.imread(str(tmp_path / "r" / "cutout.png"), cv2.IMREAD_UNCHANGED)
    assert cut.shape == (512, 512, 4) and np.array_equal(cut[:, :, 3], m)
    assert m[:, :100].max() == 0 and m.mean() > 10  # nothing outside the rectangle
    # scribbles: sure foreground inside the rectangle's result stays foreground
    gc = np.full(m.shape, 2, np.uint8)
    gc[20:500, 100:430] = 3
    gc[150:200, 200:260] = 1
    cv2.imwrite(str(tmp_path / "scribble.png"), gc)
    run_cli("segment", sample_path("astronaut.png"), "--method", "grabcut", "--mask",
            tmp_path / "scribble.png", "-o", tmp_path / "s", check=0)
    ms = cv2.imread(str(tmp_path / "s" / "mask.png"), 0)
    assert ms[150:200, 200:260].min() == 255
    bad = gc.copy()
    bad[0, 0] = 7
    cv2.imwrite(str(tmp_path / "bad.png"), bad)
    p = run_cli("segment", sample_path("astronaut.png"), "--method", "grabcut", "--mask",
                tmp_path / "bad.png", "-o", tmp_path / "b", check=2)
    assert "mask" in p.stderr
    p = run_cli("segment", sample_path("astronaut.png"), "--method", "grabcut", "-o",
                tmp_path / "n", check=2)
    assert "exactly one of --rect" in p.stderr
    p = run_cli("segment", sample_path("astronaut.png"), "--method", "grabcut", "--rect",
                "600,0,10,10", "-o", tmp_path / "o", check=2)
    assert "rect" in p.stderr.lower()
    p = run_cli("segment", sample_path("astronaut.png"), "--method", "grabcut", "--rect",
                "1,2,3", "-o", tmp_path / "o", check=2)
    assert "X,Y,W,H" in p.stderr
