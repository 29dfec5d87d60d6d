"""Semantic segmentation task: preprocessing, argmax, resize back, palettes, the CLI."""
import json
import os

import cv2
import numpy as np
import pytest
import torch

import segkit
from conftest import run_cli, sample_path
from nn_models import Wrap, make

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DEEPLAB = os.path.join(ROOT, "data", "models", "deeplabv3_mnv2_pascal_onnx",
                       "deeplab_v3_1_default_1.onnx")
ROAD = os.path.join(ROOT, "data", "models", "road_segmentation_adas_0001_onnx",
                    "model_float32.onnx")


def voc_palette_reference():
    """The VOC devkit's labelcolormap, written from its definition."""
    pal = np.zeros((256, 3), np.uint8)
    for i in range(256):
        c, r, g, b = i, 0, 0, 0
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        pal[i] = (r, g, b)
    return pal


def test_palette_and_colorize():
    pal = segkit.palette_voc()
    assert np.array_equal(pal, voc_palette_reference())
    assert tuple(pal[8]) == (64, 0, 0) and tuple(pal[15]) == (192, 128, 128)
    lab = np.random.default_rng(0).integers(0, 21, (31, 17)).astype(np.uint16)
    bgr = segkit.colorize_labels(lab)
    assert np.array_equal(bgr, pal[lab][:, :, ::-1])
    rgb = segkit.colorize_labels(lab.astype(np.uint8), palette=[[1, 2, 3], [4, 5, 6]], order="rgb")
    assert np.array_equal(rgb, np.array([[1, 2, 3], [4, 5, 6]], np.uint8)[lab % 2])


def test_overlay_rounds_like_a_fixed_point_blend():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)
    c = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)
    m = (rng.random((20, 30)) > 0.5).astype(np.uint8)
    o = segkit.overlay(a, c, 0.25, m)
    want = ((a.astype(int) * 192 + c.astype(int) * 64 + 128) >> 8).astype(np.uint8)
    assert np.array_equal(o[m > 0], want[m > 0]) and np.array_equal(o[m == 0], a[m == 0])
    with pytest.raises(segkit.Error, match="alpha"):
        segkit.overlay(a, c, 1.5)


def reference_pipeline(img_bgr, net_w, net_h, fn, rgb, scale, offset, mean, std, nhwc):
    """The documented preprocessing, in numpy (bilinear with half-pixel centres as
    cv2.resize INTER_LINEAR, to float), the network through `fn`, argmax, and the nearest
    resize back (cv2.INTER_NEAREST)."""
    h, w = img_bgr.shape[:2]
    x = cv2.resize(img_bgr.astype(np.float32), (net_w, net_h), interpolation=cv2.INTER_LINEAR)
    if rgb:
        x = x[:, :, ::-1]
    x = (x * scale + offset - np.array(mean, np.float32)) / np.array(std, np.float32)
    x = x[None] if nhwc else x.transpose(2, 0, 1)[None]
    logits = fn(np.ascontiguousarray(x.astype(np.float32)))
    lab = logits[0].argmax(-1 if nhwc else 0).astype(np.uint16)
    return cv2.resize(lab, (w, h), interpolation=cv2.INTER_NEAREST), logits


def test_real_model_pipeline_matches_reference():
    img = cv2.imread(sample_path("chelsea.png"))
    cfg = DEEPLAB[:-5] + ".json"
    labels = segkit.segment_semantic(img, DEEPLAB, cfg)
    m = segkit.Model(DEEPLAB)
    want, _ = reference_pipeline(img, 257, 257, lambda x: m.run({"sub_7": x})["ResizeBilinear_3"],
                                 True, 1 / 127.5, -1, 0, 1, True)
    # bilinear sampling in float vs cv2's float resize: the argmax may flip on a few
    # pixels whose two best logits are within rounding of each other
    assert (labels == want).mean() > 0.995
    assert np.bincount(labels.ravel()).argmax() == 8  # cat


@pytest.mark.parametrize("letterbox", [False, True])
def test_torch_model_pipeline_and_probabilities(tmp_path, letterbox):
    net = Wrap(make("unet")).eval()
    path = str(tmp_path / "u.onnx")
    torch.onnx.export(net, torch.zeros(1, 3, 48, 64), path, opset_version=13,
                      input_names=["x"], output_names=["out"])
    cfg = tmp_path / "u.json"
    cfg.write_text(json.dumps({"input": {"resize": "letterbox" if letterbox else "stretch"},
                               "classes": ["a", "b", "c"]}))
    img = np.random.default_rng(2).integers(0, 256, (37, 71, 3), dtype=np.uint8)
    labels, probs = segkit.segment_semantic(img, path, str(cfg), probabilities=True)
    assert labels.shape == (37, 71) and labels.dtype == np.uint16
    assert probs.shape == (3, 48, 64) and np.allclose(probs.sum(0), 1, atol=1e-5)
    if not letterbox:
        def fn(x):
            with torch.no_grad():
                return net(torch.from_numpy(x)).numpy()
        want, logits = reference_pipeline(img, 64, 48, fn, True, 1 / 255,
                                          0, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225], False)
        assert (labels == want).mean() > 0.99
        sm = torch.softmax(torch.from_numpy(logits[0]), 0).numpy()
        assert np.abs(probs - sm).max() < 2e-3
    else:
        # the image is scaled by min(64/71, 48/37) and centred: rows 7..40 hold it
        assert labels.max() <= 2


def test_config_errors(tmp_path):
    img = np.zeros((10, 10, 3), np.uint8)
    bad = tmp_path / "bad.json"
    for text, msg in [("{", "not valid JSON"), ('{"input": {"layout": "xyz"}}', "layout"),
                      ('{"input": {"size": [0, 5]}}', "size"),
                      ('{"classes": "cat"}', "classes"), ('{"input": {"std": [1, 0, 1]}}', "std")]:
        bad.write_text(text)
        with pytest.raises(segkit.Error, match=msg):
            segkit.segment_semantic(img, DEEPLAB, str(bad))
    with pytest.raises(segkit.Error, match="no input named"):
        bad.write_text('{"input": {"name": "nope"}}')
        segkit.segment_semantic(img, DEEPLAB, str(bad))


def test_cli_semantic(tmp_path):
    out = tmp_path / "o"
    p = run_cli("segment", sample_path("chelsea.png"), "--method", "semantic", "--model", DEEPLAB,
                "-o", out, check=0)
    assert "2 classes present" in p.stdout
    objs = json.loads((out / "objects.json").read_text())
    names = {c["name"]: c for c in objs["classes"]}
    assert set(names) == {"background", "cat"} and names["cat"]["fraction"] > 0.5
    lab = cv2.imread(str(out / "labels.png"), cv2.IMREAD_UNCHANGED)
    want = segkit.segment_semantic(cv2.imread(sample_path("chelsea.png")), DEEPLAB,
                                   DEEPLAB[:-5] + ".json")
    # a palette PNG: cv2 expands the indices to their (VOC) colours
    assert np.array_equal(lab, segkit.palette_voc()[want][:, :, ::-1])
    assert cv2.imread(str(out / "overlay.png")).shape == (300, 451, 3)
    p = run_cli("segment", sample_path("rocket.jpg"), sample_path("coins.png"), "--method",
                "semantic", "--model", ROAD, "-o", tmp_path / "many", check=0)
    assert sorted(os.listdir(tmp_path / "many")) == ["coins", "rocket"]
    p = run_cli("segment", sample_path("chelsea.png"), "--method", "semantic", "--model",
                tmp_path / "missing.onnx", "-o", tmp_path / "x", check=2)
    assert "missing.onnx" in p.stderr and not (tmp_path / "x").exists()
