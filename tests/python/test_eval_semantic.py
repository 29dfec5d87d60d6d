"""Semantic metrics: confusion matrix and mIoU & co. against numpy computations written
from the definitions in include/segkit/eval.h (mmseg / torchmetrics conventions)."""
import numpy as np
import pytest

import segkit
from segkit.evaluation import ConfusionMatrix, confusion_matrix, semantic_metrics


def np_confusion(gts, preds, n, ignore):
    cm = np.zeros((n, n), np.uint64)
    for g, p in zip(gts, preds):
        g = g.astype(np.int64).ravel()
        p = p.astype(np.int64).ravel()
        keep = g != ignore
        cm += np.bincount(g[keep] * n + p[keep], minlength=n * n).reshape(n, n).astype(np.uint64)
    return cm


def np_metrics(cm):
    cm = cm.astype(np.float64)
    tp = np.diag(cm)
    gt = cm.sum(1)
    pr = cm.sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = tp / (gt + pr - tp)
        acc = tp / gt
        dice = 2 * tp / (gt + pr)
    total = cm.sum()
    freq = gt / total
    return {"pixel_accuracy": tp.sum() / total, "mean_iou": np.nanmean(iou),
            "mean_accuracy": np.nanmean(acc), "mean_dice": np.nanmean(dice),
            "fw_iou": (freq[freq > 0] * iou[freq > 0]).sum(), "iou": iou, "accuracy": acc,
            "dice": dice}


SHAPES = [(1, 1), (1, 13), (13, 1), (37, 53), (480, 640), (1081, 257)]


@pytest.mark.parametrize("dtypes", [(np.uint8, np.uint8), (np.uint16, np.uint8),
                                    (np.int32, np.int32), (np.uint8, np.uint16)])
@pytest.mark.parametrize("n", [2, 7, 21, 150])
def test_confusion_and_metrics_match_numpy(rng, dtypes, n):
    gts, preds = [], []
    for h, w in SHAPES:
        g = rng.integers(0, n, (h, w))
        p = np.where(rng.random((h, w)) < 0.6, g, rng.integers(0, n, (h, w)))
        g[rng.random((h, w)) < 0.1] = 255  # ignored pixels
        gts.append(g.astype(dtypes[0]))
        preds.append(p.astype(dtypes[1]))
    cm = confusion_matrix(gts, preds, n, ignore_index=255)
    ref = np_confusion(gts, preds, n, 255)
    assert cm.dtype == np.uint64 and np.array_equal(cm, ref)
    got, exp = semantic_metrics(cm), np_metrics(ref)
    for k in ("pixel_accuracy", "mean_iou", "mean_accuracy", "mean_dice", "fw_iou"):
        assert got[k] == pytest.approx(exp[k], rel=1e-13, abs=0), k
    for k in ("iou", "accuracy", "dice"):
        assert np.allclose(got[k], exp[k], rtol=1e-13, atol=0, equal_nan=True), k


def test_absent_classes_are_nan_and_excluded():
    g = np.array([[0, 0, 1, 1]], np.uint8)
    p = np.array([[0, 1, 1, 1]], np.uint8)
    m = semantic_metrics(confusion_matrix(g, p, 4))
    assert np.isnan(m["iou"][2]) and np.isnan(m["iou"][3])
    assert m["mean_iou"] == pytest.approx((0.5 + 2 / 3) / 2)
    # a class only predicted counts (IoU 0), one absent everywhere does not
    p2 = np.array([[0, 3, 1, 1]], np.uint8)
    m2 = semantic_metrics(confusion_matrix(g, p2, 4))
    assert m2["iou"][3] == 0 and np.isnan(m2["accuracy"][3])
    assert m2["mean_iou"] == pytest.approx((0.5 + 1.0 + 0.0) / 3)


def test_non_contiguous_views_and_streaming(rng):
    g = rng.integers(0, 5, (60, 80)).astype(np.uint8)
    p = rng.integers(0, 5, (60, 80)).astype(np.uint8)
    cm = ConfusionMatrix(5)
    cm.update(g[::2, ::3], p[::2, ::3]).update(g[1:, 1:], p[1:, 1:])
    ref = np_confusion([g[::2, ::3], g[1:, 1:]], [p[::2, ::3], p[1:, 1:]], 5, 255)
    assert np.array_equal(cm.matrix, ref)


def test_thread_count_does_not_change_counts(rng):
    g = rng.integers(0, 19, (1080, 1920)).astype(np.uint8)
    p = rng.integers(0, 19, (1080, 1920)).astype(np.uint8)
    out = []
    for t in (1, 2, 5):
        segkit.set_num_threads(t)
        out.append(confusion_matrix(g, p, 19))
    segkit.set_num_threads(0)
    assert np.array_equal(out[0], out[1]) and np.array_equal(out[0], out[2])


def test_errors():
    a = np.zeros((4, 5), np.uint8)
    with pytest.raises(segkit.Error, match="gt is 5x4 but pred is 4x5"):
        confusion_matrix(a, np.zeros((5, 4), np.uint8), 3)
    b = a.copy()
    b[2, 3] = 7
    with pytest.raises(segkit.Error, match=r"predicted label 7 at \(x=3, y=2\) is outside 0..2"):
        confusion_matrix(a, b, 3)
    with pytest.raises(segkit.Error, match=r"label map 1: .*gt label 7 at \(x=3, y=2\)"):
        confusion_matrix([a, b], [a, a], 3)
    with pytest.raises(segkit.Error, match="num_classes 0"):
        confusion_matrix(a, a, 0)
    with pytest.raises(segkit.Error, match="not a label type"):
        confusion_matrix(a.astype(np.float32), a, 3)


def test_cli_eval_semantic(tmp_path, rng):
    import json
    import cv2
    from conftest import run_cli
    gdir, pdir = tmp_path / "gt", tmp_path / "pred"
    gdir.mkdir()
    pdir.mkdir()
    gts, preds = [], []
    for i, (h, w) in enumerate([(30, 40), (17, 9), (64, 64)]):
        dt = np.uint16 if i == 1 else np.uint8
        g = rng.integers(0, 5, (h, w)).astype(dt)
        p = np.where(rng.random((h, w)) < 0.7, g, rng.integers(0, 5, (h, w))).astype(dt)
        g[rng.random((h, w)) < 0.1] = 255
        cv2.imwrite(str(gdir / ("m%d.png" % i)), g)
        cv2.imwrite(str(pdir / ("m%d.png" % i)), p)
        gts.append(g)
        preds.append(p)
    names = tmp_path / "names.txt"
    names.write_text("bg\na\nb\nc\nd\n")
    p = run_cli("eval", "semantic", "--pred", pdir, "--gt", gdir, "--num-classes", 5, "--names",
                names, "--json", check=0)
    out = json.loads(p.stdout)
    exp = np_metrics(np_confusion(gts, preds, 5, 255))
    assert out["mean_iou"] == pytest.approx(exp["mean_iou"], rel=1e-13)
    assert out["pixel_accuracy"] == pytest.approx(exp["pixel_accuracy"], rel=1e-13)
    assert out["per_class"][1]["name"] == "a" and out["num_images"] == 3
    p = run_cli("eval", "semantic", "--pred", pdir, "--gt", gdir, "--num-classes", 5, check=0)
    assert "mIoU %.4f" % exp["mean_iou"] in p.stdout
    # a prediction of another size is named
    cv2.imwrite(str(pdir / "m1.png"), np.zeros((5, 5), np.uint8))
    p = run_cli("eval", "semantic", "--pred", pdir, "--gt", gdir, "--num-classes", 5, check=2)
    assert "m1.png" in p.stderr and "gt is 9x17 but pred is 5x5" in p.stderr
    cv2.imwrite(str(pdir / "m1.png"), preds[1])
    (pdir / "m2.png").unlink()
    p = run_cli("eval", "semantic", "--pred", pdir, "--gt", gdir, "--num-classes", 5, check=2)
    assert "m2.png" in p.stderr
