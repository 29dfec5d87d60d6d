"""torchvision 0.14's Mask R-CNN and Faster R-CNN exported to ONNX and run by segkit's
engine, against PyTorch on the same inputs (random weights, see detection_models.py).

What must agree (issue #8): boxes within 0.5 px, labels, the score order, scores within
1e-3, and mask IoU >= 0.99 after the 0.5 threshold; at three image sizes and aspect
ratios; at opsets 11, 13, 16 and 17 (16/17 rely on the RoiAlign rule for PyTorch 1.x
files). Scores closer than 2e-5 have no defined order between two float32 engines (the
engine's scores differ from PyTorch's by ~3e-6), so detections may swap within such a
tie; everything else is compared rank by rank.

Image sizes are chosen where the export and eager PyTorch resize the image to the same
size: the export computes size x scale in float32, eager torchvision in double, and at
e.g. 200 x 0.96 the two round to 192 and 191 rows: the export itself then differs from
PyTorch (ONNX Runtime agrees with segkit on such files)."""
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import segkit
import detection_models as dm
from conftest import run_cli

SIZES = [(240, 320), (300, 200), (256, 256)]
TIE = 2e-5


@pytest.fixture(scope="module")
def maskrcnn():
    return dm.make("maskrcnn")


def match(ref, got):
    """Rank-by-rank comparison allowing swaps within score ties; at a detection-count
    cut-off, which of the tied last detections make the list is undefined too."""
    n = len(ref["scores"])
    assert len(got["scores"]) == n, (len(got["scores"]), n)
    last = ref["scores"][-1] if n else 0
    assert np.abs(ref["scores"] - got["scores"]).max(initial=0) <= 1e-3
    assert np.all(np.diff(got["scores"]) <= 0), "segkit's scores are not in descending order"
    used = np.zeros(n, bool)
    pairs = []
    for i in range(n):
        cands = [j for j in range(n) if not used[j] and abs(got["scores"][j] - ref["scores"][i]) <= TIE
                 and got["labels"][j] == ref["labels"][i]
                 and np.abs(got["boxes"][j] - ref["boxes"][i]).max() <= 0.5]
        if not cands and ref["scores"][i] - last <= TIE:
            continue  # tied with the cut-off
        assert cands, "detection %d (score %.6f, label %d, box %s) has no match" % (
            i, ref["scores"][i], ref["labels"][i], ref["boxes"][i])
        j = i if i in cands else cands[0]
        used[j] = True
        pairs.append((i, j))
    return pairs


def mask_iou(a, b):
    inter, union = np.logical_and(a, b).sum(), np.logical_or(a, b).sum()
    return 1.0 if union == 0 else inter / union


def check(model, path, sizes, masks=True):
    m = segkit.Model(path)
    assert [o.name for o in m.outputs] == ["boxes", "labels", "scores"] + (["masks"] if masks else [])
    for h, w in sizes:
        image = dm.scene(h, w, seed=h * 1000 + w)
        ref = dm.reference(model, image)
        got = m.run({"image": image})
        assert got["boxes"].dtype == np.float32 and got["labels"].dtype == np.int64
        pairs = match(ref, got)
        if masks:
            assert got["masks"].shape == (len(pairs), 1, h, w)
            for i, j in pairs:
                iou = mask_iou(ref["masks"][i, 0] > 0.5, got["masks"][j, 0] > 0.5)
                assert iou >= 0.99, (i, iou)
        yield ref, got


@pytest.mark.parametrize("opset", [11, 13, 16, 17])
def test_maskrcnn_matches_torch(tmp_path, maskrcnn, opset):
    path = str(tmp_path / "mrcnn.onnx")
    dm.export(maskrcnn, path, opset)
    counts = [len(ref["scores"]) for ref, _ in check(maskrcnn, path, SIZES)]
    assert counts == [100, 100, 100]  # score threshold 0: the many-detection branch


def test_zero_detections(tmp_path):
    """A score threshold no detection reaches: the empty If branches, a Loop of zero
    iterations, and empty outputs of the right ranks."""
    model = dm.make("maskrcnn", score_thresh=0.9999999)
    path = str(tmp_path / "none.onnx")
    dm.export(model, path, 11)
    for ref, got in check(model, path, [(240, 240)]):
        assert len(ref["scores"]) == 0
        assert got["boxes"].shape == (0, 4) and got["masks"].shape == (0, 1, 240, 240)


def test_other_settings_and_faster_rcnn(tmp_path):
    """Not shaped to one file: fewer detections, other resize limits, a box-only model."""
    model = dm.make("maskrcnn", seed=3, detections=7, min_size=160, max_size=300)
    path = str(tmp_path / "few.onnx")
    dm.export(model, path, 13)
    assert [len(r["scores"]) for r, _ in check(model, path, [(200, 300)])] == [7]
    model = dm.make("fasterrcnn", seed=1, score_thresh=0.2)
    path = str(tmp_path / "frcnn.onnx")
    dm.export(model, path, 11)
    for ref, _ in check(model, path, [(240, 320), (320, 256)], masks=False):
        assert 0 < len(ref["scores"]) <= 100


def test_thread_count_does_not_change_results(tmp_path, maskrcnn):
    path = str(tmp_path / "m.onnx")
    dm.export(maskrcnn, path, 11)
    m = segkit.Model(path)
    image = dm.scene(240, 240, seed=5)
    old = segkit.get_num_threads()
    try:
        segkit.set_num_threads(1)
        one = m.run({"image": image})
        segkit.set_num_threads(2)
        two = m.run({"image": image})
    finally:
        segkit.set_num_threads(old)
    for k in one:
        assert np.array_equal(one[k], two[k]), k


# ---- malformed graphs: a clear error naming the node ----

def save(graph, path, opset=13):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.save(model, path)
    return path


def loop_graph(body_outputs):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])
    it = helper.make_tensor_value_info("i", TensorProto.INT64, [])
    cin = helper.make_tensor_value_info("c", TensorProto.BOOL, [])
    v = helper.make_tensor_value_info("v", TensorProto.FLOAT, [2])
    outs = [helper.make_tensor_value_info(n, t, None) for n, t in body_outputs]
    body = helper.make_graph([helper.make_node("Identity", ["c"], ["c_out"]),
                              helper.make_node("Add", ["v", "x"], ["v_out"])],
                             "body", [it, cin, v], outs)
    trip = helper.make_tensor("trip", TensorProto.INT64, [], [3])
    node = helper.make_node("Loop", ["trip", "", "x"], ["y"], name="the_loop", body=body)
    return helper.make_graph([node], "g", [x], [y], initializer=[trip])


def test_loop_runs_and_body_mismatch_is_named(tmp_path):
    good = save(loop_graph([("c_out", TensorProto.BOOL), ("v_out", TensorProto.FLOAT)]),
                str(tmp_path / "good.onnx"))
    x = np.array([1, 2], np.float32)
    assert np.array_equal(segkit.Model(good).run({"x": x})["y"], x * 4)
    bad = save(loop_graph([("c_out", TensorProto.BOOL), ("v_out", TensorProto.FLOAT),
                           ("x", TensorProto.FLOAT), ("v_out", TensorProto.FLOAT)]),
               str(tmp_path / "bad.onnx"))
    with pytest.raises(segkit.Error, match="the_loop.*Loop body has 3 inputs and 4 outputs; "
                                           "the node needs 3 and 2"):
        segkit.Model(bad)


def test_missing_operator_and_shape_mismatch_are_named(tmp_path):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    g = helper.make_graph([helper.make_node("FancyOp", ["x"], ["y"], name="mystery")], "g", [x], [y])
    m = segkit.Model(save(g, str(tmp_path / "op.onnx")))  # still describable
    assert m.ops == ["FancyOp"]
    with pytest.raises(segkit.Error, match="mystery.*FancyOp is not supported"):
        m.run({"x": np.zeros((2, 3), np.float32)})
    w = helper.make_tensor("w", TensorProto.FLOAT, [4], [1, 2, 3, 4])
    g = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"], name="bad_add")], "g", [x], [y],
                          initializer=[w])
    m = segkit.Model(save(g, str(tmp_path / "shape.onnx")))
    with pytest.raises(segkit.Error, match="bad_add"):
        m.run({"x": np.zeros((2, 3), np.float32)})


def test_outer_scope_value_missing_is_named(tmp_path):
    """An If branch reading a name no scope defines."""
    c = helper.make_tensor_value_info("c", TensorProto.BOOL, [])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    out = helper.make_tensor_value_info("t", TensorProto.FLOAT, None)
    then = helper.make_graph([helper.make_node("Identity", ["nowhere"], ["t"])], "then", [], [out])
    other = helper.make_graph([helper.make_node("Identity", ["nowhere"], ["t"])], "else", [], [out])
    g = helper.make_graph([helper.make_node("If", ["c"], ["y"], name="guard", then_branch=then,
                                            else_branch=other)], "g", [c], [y])
    with pytest.raises(segkit.Error, match="'nowhere' is not a graph input"):
        segkit.Model(save(g, str(tmp_path / "if.onnx")))


def test_instance_task_skips_the_paste_loop(tmp_path, maskrcnn):
    """segment_instance runs the export without its mask-pasting Loop and pastes the
    28x28 probabilities itself (bit-identical to eager torchvision): the same instances
    as PyTorch's full-size masks, without N x H x W floats."""
    path = str(tmp_path / "m.onnx")
    dm.export(maskrcnn, path, 11)
    m = segkit.Model(path)
    h, w = 240, 300
    rgb = (dm.scene(h, w, seed=9) * 255).round().astype(np.uint8)
    image = np.ascontiguousarray(rgb.transpose(1, 2, 0))
    ref = dm.reference(maskrcnn, image.transpose(2, 0, 1).astype(np.float32) / 255)
    inst = segkit.segment_instance(image, m, score_threshold=0.0, order="rgb")
    got = {"boxes": inst.boxes, "labels": inst.labels, "scores": inst.scores}
    pairs = match(ref, got)
    masks = inst.masks
    for i, j in pairs:
        assert mask_iou(ref["masks"][i, 0] > 0.5, masks[j]) >= 0.99, i
    # the command line: the same instances as COCO results
    segkit.imwrite(str(tmp_path / "7.png"), image, order="rgb")
    run_cli("segment", tmp_path / "7.png", "--method", "instance", "--model", path,
            "--score-threshold", "0", "-o", tmp_path / "out", check=0)
    import json
    res = json.load(open(tmp_path / "out" / "objects.json"))
    assert len(res) == len(inst) == 100 and all(r["image_id"] == 7 for r in res)
    assert [r["category_id"] for r in res] == inst.labels.tolist()
    assert np.allclose([r["score"] for r in res], inst.scores, atol=1e-6)
    ids = segkit.imread(str(tmp_path / "out" / "instances.png"), segkit.IMREAD_UNCHANGED)
    assert ids.dtype == np.uint16 and ids.shape == (h, w) and ids.max() <= 100
    # The whole graph holds the float masks; the run without the Loop does not. At
    # 720x960 (the network itself runs at 192x256) they dominate the activations.
    x = np.random.default_rng(0).random((3, 720, 960), dtype=np.float32)
    full = m.run({"image": x})
    full_peak, mask_bytes = m.peak_memory, full["masks"].nbytes
    assert mask_bytes == 100 * 720 * 960 * 4
    del full
    m.run({"image": x}, output_names=[o.name for o in m.outputs[:3]])
    assert m.peak_memory < mask_bytes <= full_peak, (m.peak_memory, mask_bytes, full_peak)


def test_loop_iteration_limit(tmp_path):
    """A hostile trip count ends with an error, not a hang (SEGKIT_MAX_LOOP_ITERATIONS)."""
    import os
    import subprocess
    import sys
    g = loop_graph([("c_out", TensorProto.BOOL), ("v_out", TensorProto.FLOAT)])
    g.initializer[0].CopyFrom(helper.make_tensor("trip", TensorProto.INT64, [], [2 ** 62]))
    path = save(g, str(tmp_path / "forever.onnx"))
    code = ("import numpy as np, segkit\n"
            "m = segkit.Model(%r)\n"
            "try:\n    m.run({'x': np.ones(2, np.float32)})\n"
            "except segkit.Error as e:\n    print(e)\n") % path
    env = dict(os.environ, SEGKIT_MAX_LOOP_ITERATIONS="1000")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120)
    assert "the_loop" in out.stdout and "more than 1000 iterations" in out.stdout, out
