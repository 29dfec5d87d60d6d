"""The Otsu recipe against the same steps in cv2, object extraction, the CLI."""
import json
import os

import cv2
import numpy as np
import pytest

import segkit
from conftest import run_cli, sample_path


def cv2_recipe(img, ksize=5, invert=False, open_size=5, shape=cv2.MORPH_ELLIPSE, conn=8, min_area=0):
    g = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img
    b = cv2.GaussianBlur(g, (ksize, ksize), 0) if ksize else g
    t, th = cv2.threshold(b, 0, 255, (cv2.THRESH_BINARY_INV if invert else cv2.THRESH_BINARY)
                          + cv2.THRESH_OTSU)
    m = cv2.morphologyEx(th, cv2.MORPH_OPEN, cv2.getStructuringElement(shape, (open_size,) * 2)) \
        if open_size else th
    n, lab, st, cen = cv2.connectedComponentsWithStats(m, connectivity=conn)
    keep = [i for i in range(1, n) if st[i, cv2.CC_STAT_AREA] >= min_area]
    return t, m, lab, st, cen, keep


@pytest.mark.parametrize("name", ["coins.png", "camera.png", "chelsea.png", "astronaut.png"])
@pytest.mark.parametrize("invert,min_area", [(False, 0), (True, 30)])
def test_otsu_recipe_matches_cv2(name, invert, min_area):
    img = cv2.imread(sample_path(name))
    mask, labels, n, t = segkit.segment_otsu(img, invert=invert, min_area=min_area)
    ct, cm, clab, st, cen, keep = cv2_recipe(img, invert=invert, min_area=min_area)
    assert t == ct and np.array_equal(mask, cm)
    assert n == len(keep)
    # same objects, renumbered 1..n in cv2's order after the area filter
    remap = np.zeros(st.shape[0], np.int32)
    remap[keep] = np.arange(1, len(keep) + 1)
    assert np.array_equal(labels, remap[clab])


def test_objects_match_cv2_components_and_contours():
    img = cv2.imread(sample_path("coins.png"), cv2.IMREAD_GRAYSCALE)
    _, m, lab, st, cen, keep = cv2_recipe(img)
    objs = segkit.objects_from_labels(lab.astype(np.int32))
    assert [o["id"] for o in objs] == list(range(1, st.shape[0]))
    for o in objs:
        i = o["id"]
        assert o["bbox"] == st[i, :4].tolist() and o["area"] == st[i, 4]
        assert np.allclose(o["centroid"], cen[i], atol=1e-9)
        cs, _ = cv2.findContours((lab == i).astype(np.uint8), cv2.RETR_EXTERNAL,
                                 cv2.CHAIN_APPROX_SIMPLE)
        big = max(cs, key=cv2.contourArea)
        assert o["polygon"] == big.reshape(-1, 2).tolist()
    # u16 maps, negative (watershed) boundaries, gaps in the ids
    w = np.full((20, 30), -1, np.int32)
    w[2:8, 3:9] = 4
    w[10:18, 10:25] = 9
    objs = segkit.objects_from_labels(w)
    assert [(o["id"], o["area"]) for o in objs] == [(4, 36), (9, 120)]
    assert segkit.objects_from_labels(w.clip(0).astype(np.uint16))[1]["bbox"] == [10, 10, 15, 8]
    with pytest.raises(segkit.Error, match="not supported"):
        segkit.objects_from_labels(np.zeros((4, 4), np.float32))


def test_cli_otsu(tmp_path):
    p = run_cli("segment", sample_path("coins.png"), "--method", "otsu", "-o", tmp_path,
                "--min-area", "50", check=0)
    assert "24 objects" in p.stdout and "Otsu threshold 104" in p.stdout
    img = cv2.imread(sample_path("coins.png"))
    _, cm, clab, st, _, keep = cv2_recipe(img, min_area=50)
    objs = json.loads((tmp_path / "objects.json").read_text())
    assert objs["count"] == len(keep) == 24
    assert sorted(o["area"] for o in objs["objects"]) == sorted(st[keep, 4].tolist())
    assert np.array_equal(cv2.imread(str(tmp_path / "mask.png"), 0), cm)
    lab = cv2.imread(str(tmp_path / "labels.png"), cv2.IMREAD_UNCHANGED)
    assert lab.dtype == np.uint16 and lab.max() == 24
    ov = cv2.imread(str(tmp_path / "overlay.png"))
    assert ((ov == (0, 255, 0)).all(-1)).sum() > 1000  # contours drawn in green
    assert ((ov == (255, 0, 0)).all(-1)).sum() > 500   # boxes in blue


def test_cli_otsu_options_and_errors(tmp_path):
    run_cli("segment", sample_path("coins.png"), sample_path("camera.png"), "--method", "otsu",
            "-o", tmp_path / "many", "--invert", "--blur", "0", "--open-shape", "rect",
            "--connectivity", "4", check=0)
    assert sorted(os.listdir(tmp_path / "many")) == ["camera", "coins"]
    p = run_cli("segment", sample_path("coins.png"), "--method", "otsu", "-o", tmp_path / "x",
                "--blur", "4", check=2)
    assert "--blur" in p.stderr and not (tmp_path / "x").exists()
    p = run_cli("segment", sample_path("coins.png"), "--method", "otsu", "-o", tmp_path / "x",
                "--connectivity", "6", check=2)
    assert "must be one of 4|8" in p.stderr
    p = run_cli("segment", tmp_path / "none.png", "--method", "otsu", "-o", tmp_path / "y", check=2)
    assert "none.png" in p.stderr
