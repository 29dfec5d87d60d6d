"""The detection operators one by one against their references on many random inputs:
RoiAlign vs torchvision.ops.roi_align (aligned False/True = output_half_pixel/half_pixel,
fixed and adaptive sampling, plain and blocked feature maps), NonMaxSuppression vs
torchvision.ops.nms and a direct transcription of ONNX Runtime's rules, TopK vs
torch.topk, NonZero/Where/ScatterElements/GatherElements vs numpy/torch.

Tolerances: RoiAlign 1e-5 relative to the map's scale (the same float operations in
another order inside torchvision's four-tap sum); the others exact."""
import numpy as np
import pytest
import torch
import torchvision
from onnx import TensorProto, helper

import segkit


def model(nodes, inputs, outputs, inits=(), opset=13, producer=None):
    g = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    if producer:
        m.producer_name, m.producer_version = producer
    return segkit.Model(m.SerializeToString())


def vi(name, t=TensorProto.FLOAT, shape=None):
    return helper.make_tensor_value_info(name, t, shape)


def random_rois(rng, n, h, w, scale):
    x1 = rng.uniform(-4, w / scale, n)
    y1 = rng.uniform(-4, h / scale, n)
    bw = rng.uniform(0, w / scale / 2, n) * (rng.random(n) > 0.1)  # some empty rois
    bh = rng.uniform(0, h / scale / 2, n)
    # inverted rois (x2 < x1, y2 < y1 or both) have no samples in adaptive half_pixel mode
    flip = rng.random(n) < 0.1
    bw[flip] *= -1
    bh[rng.random(n) < 0.1] *= -1
    bw[:2], bh[1:3] = -w / scale / 2, -h / scale / 2
    return np.stack([x1, y1, x1 + bw, y1 + bh], 1).astype(np.float32)


@pytest.mark.parametrize("aligned", [False, True])
@pytest.mark.parametrize("sampling", [2, 0])
@pytest.mark.parametrize("blocked", [False, True])
def test_roi_align_matches_torchvision(aligned, sampling, blocked):
    rng = np.random.default_rng(int(aligned) * 4 + sampling + 8 * blocked)
    n, c, h, w = 2, 20, 23, 31  # 20 channels: a partial channel block
    scale = 0.25
    x = rng.standard_normal((n, c, h, w)).astype(np.float32)
    rois = random_rois(rng, 40, h, w, scale)
    bidx = rng.integers(0, n, 40)
    attrs = dict(output_height=7, output_width=5, sampling_ratio=sampling, spatial_scale=scale,
                 coordinate_transformation_mode="half_pixel" if aligned else "output_half_pixel")
    nodes, feed = [], "x"
    inits = [helper.make_tensor("rois", TensorProto.FLOAT, rois.shape, rois.ravel()),
             helper.make_tensor("bidx", TensorProto.INT64, [40], bidx)]
    if blocked:  # a 1x1 identity convolution leaves its output in oneDNN's blocked layout
        eye = np.eye(c, dtype=np.float32).reshape(c, c, 1, 1)
        inits.append(helper.make_tensor("eye", TensorProto.FLOAT, eye.shape, eye.ravel()))
        nodes.append(helper.make_node("Conv", ["x", "eye"], ["xc"]))
        feed = "xc"
    nodes.append(helper.make_node("RoiAlign", [feed, "rois", "bidx"], ["y"], **attrs))
    m = model(nodes, [vi("x", shape=[n, c, h, w])], [vi("y")], inits, opset=16)
    got = m.run({"x": x})["y"]
    boxes = torch.cat([torch.from_numpy(bidx.astype(np.float32))[:, None], torch.from_numpy(rois)], 1)
    # torchvision sizes a vector by grid_h * grid_w, so a roi inverted along one axis in
    # adaptive half_pixel mode makes it throw; ONNX Runtime's loops (and torchvision's own
    # when both axes are inverted) run zero times there, so those bins are zeros
    ext = rois[:, 2:] * scale - rois[:, :2] * scale
    grid = np.ceil(ext / np.array([5, 7], np.float32))
    odd = (grid[:, 0] * grid[:, 1] < 0) if aligned and sampling == 0 else np.zeros(40, bool)
    ref = np.zeros(got.shape, np.float32)
    keep = torch.from_numpy(~odd)
    ref[~odd] = torchvision.ops.roi_align(torch.from_numpy(x), boxes[keep], (7, 5), scale, sampling,
                                          aligned).numpy()
    assert not aligned or sampling or odd.any() and (grid < 0).all(1).any()  # the cases occur
    assert got.shape == ref.shape
    assert np.abs(got - ref).max() <= 1e-5 * np.abs(x).max()


def test_roi_align_pytorch_1x_rule():
    """No coordinate_transformation_mode at opset 16: output_half_pixel for files made by
    PyTorch 1.x (torchvision's aligned=False), the specification's half_pixel otherwise."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 3, 9, 9)).astype(np.float32)
    rois = np.array([[1.3, 2.2, 6.7, 7.9]], np.float32)
    inits = [helper.make_tensor("rois", TensorProto.FLOAT, [1, 4], rois.ravel()),
             helper.make_tensor("bidx", TensorProto.INT64, [1], [0])]
    node = helper.make_node("RoiAlign", ["x", "rois", "bidx"], ["y"], output_height=3,
                            output_width=3, sampling_ratio=2)
    box = torch.tensor([[0.0, 1.3, 2.2, 6.7, 7.9]])
    for producer, aligned in [(("pytorch", "1.13.1"), False), (("pytorch", "2.1.0"), True),
                              (None, True)]:
        m = model([node], [vi("x", shape=[1, 3, 9, 9])], [vi("y")], inits, 16, producer)
        ref = torchvision.ops.roi_align(torch.from_numpy(x), box, 3, 1.0, 2, aligned).numpy()
        assert np.abs(m.run({"x": x})["y"] - ref).max() < 1e-5, producer


def onnx_nms_reference(boxes, scores, max_out, iou_thr, score_thr):
    """ONNX Runtime's NonMaxSuppression, transcribed: per batch and class, candidates
    above the score threshold by descending score (ties: lower index), IoU > thr drops."""
    sel = []
    for b in range(boxes.shape[0]):
        for c in range(scores.shape[1]):
            s = scores[b, c]
            order = sorted([i for i in range(len(s)) if score_thr is None or s[i] > score_thr],
                           key=lambda i: (-s[i], i))
            kept = []
            for i in order:
                if len(kept) >= max_out:
                    break
                bi = boxes[b, i]
                y1, x1, y2, x2 = min(bi[0], bi[2]), min(bi[1], bi[3]), max(bi[0], bi[2]), max(bi[1], bi[3])
                ok = True
                for k in kept:
                    bk = boxes[b, k]
                    ky1, kx1, ky2, kx2 = min(bk[0], bk[2]), min(bk[1], bk[3]), max(bk[0], bk[2]), max(bk[1], bk[3])
                    a1 = np.float32(x2 - x1) * np.float32(y2 - y1)
                    a2 = np.float32(kx2 - kx1) * np.float32(ky2 - ky1)
                    iw = np.float32(min(x2, kx2) - max(x1, kx1))
                    ih = np.float32(min(y2, ky2) - max(y1, ky1))
                    if a1 <= 0 or a2 <= 0 or iw <= 0 or ih <= 0:
                        continue
                    inter = iw * ih
                    if inter / (a1 + a2 - inter) > iou_thr:
                        ok = False
                        break
                if ok:
                    kept.append(i)
                    sel.append((b, c, i))
    return np.array(sel, np.int64).reshape(-1, 3)


def nms_model(with_score):
    inputs = ["boxes", "scores", "maxo", "iou"] + (["sthr"] if with_score else [])
    node = helper.make_node("NonMaxSuppression", inputs, ["sel"])
    ins = [vi("boxes"), vi("scores"), vi("maxo", TensorProto.INT64, [1]), vi("iou", shape=[1])]
    if with_score:
        ins.append(vi("sthr", shape=[1]))
    return model([node], ins, [vi("sel", TensorProto.INT64)])


@pytest.mark.parametrize("seed", range(6))
def test_nms_matches_onnx_rules_and_torchvision(seed):
    rng = np.random.default_rng(seed)
    B, C, N = 2, 3, 300
    xy = rng.uniform(0, 100, (B, N, 2))
    wh = rng.uniform(0, 30, (B, N, 2)) * (rng.random((B, N, 1)) > 0.05)
    boxes = np.concatenate([xy, xy + wh], 2).astype(np.float32)
    boxes[:, ::7] = boxes[:, ::7, [2, 3, 0, 1]]  # corners in either order
    scores = rng.random((B, C, N)).astype(np.float32)
    scores[:, :, ::11] = 0.5  # ties
    max_out, thr = [N, 17][seed % 2], [0.5, 0.3, 0.0][seed % 3]
    sthr = [None, 0.4][seed % 2]
    m = nms_model(sthr is not None)
    feed = {"boxes": boxes, "scores": scores, "maxo": np.array([max_out]), "iou": np.array([thr], np.float32)}
    if sthr is not None:
        feed["sthr"] = np.array([sthr], np.float32)
    got = m.run(feed)["sel"]
    ref = onnx_nms_reference(boxes, scores, max_out, np.float32(thr), sthr)
    assert np.array_equal(got, ref)
    # torchvision's nms (x1, y1, x2, y2 corners, no score threshold) on distinct scores
    b = np.concatenate([np.minimum(boxes[0, :, :2], boxes[0, :, 2:]),
                        np.maximum(boxes[0, :, :2], boxes[0, :, 2:])], 1)
    s = rng.permutation(N).astype(np.float32) / N
    keep = torchvision.ops.nms(torch.from_numpy(b), torch.from_numpy(s), 0.5).numpy()
    feed = {"boxes": b[None], "scores": s[None, None], "maxo": np.array([N]),
            "iou": np.array([0.5], np.float32)}
    got = nms_model(False).run(feed)["sel"][:, 2]
    assert np.array_equal(got, keep)


def test_nms_class_offset_trick_at_scale():
    """torchvision's batched NMS on 20 000 boxes of 90 classes (offsets per class), as
    in Mask R-CNN's box head: the bucketed search equals the plain rule."""
    rng = np.random.default_rng(7)
    n = 20000
    xy = rng.uniform(0, 300, (n, 2))
    b = np.concatenate([xy, xy + rng.uniform(1, 60, (n, 2))], 1).astype(np.float32)
    cls = rng.integers(0, 90, n)
    s = rng.random(n).astype(np.float32)
    off = (cls * (b.max() + 1)).astype(np.float32)[:, None]
    # the coordinate trick itself, as the export does (torchvision's eager batched_nms
    # loops over classes above 4000 boxes: IoUs of offset boxes round differently)
    keep = torchvision.ops.nms(torch.from_numpy(b + off), torch.from_numpy(s), 0.5).numpy()
    feed = {"boxes": (b + off)[None], "scores": s[None, None], "maxo": np.array([n]),
            "iou": np.array([0.5], np.float32)}
    got = nms_model(False).run(feed)["sel"][:, 2]
    assert np.array_equal(got, keep)


@pytest.mark.parametrize("largest", [1, 0])
@pytest.mark.parametrize("axis", [-1, 0])
def test_topk_matches_torch(largest, axis):
    rng = np.random.default_rng(largest + 2 * abs(axis))
    x = rng.integers(0, 20, (30, 40)).astype(np.float32)  # many ties
    k = 7
    node = helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=axis, largest=largest)
    m = model([node], [vi("x", shape=[30, 40])], [vi("v"), vi("i", TensorProto.INT64)],
              [helper.make_tensor("k", TensorProto.INT64, [1], [k])])
    got = m.run({"x": x})
    ref_v, ref_i = torch.topk(torch.from_numpy(x), k, dim=axis, largest=bool(largest), sorted=True)
    assert np.array_equal(got["v"], ref_v.numpy())
    # ties: segkit takes the lower index first (ONNX Runtime's rule); torch's choice among
    # equal values is unspecified, so indices are checked against the rule directly
    xs = np.moveaxis(x, axis, -1)
    idx = np.moveaxis(got["i"], axis, -1)
    for row, ind in zip(xs.reshape(-1, xs.shape[-1]), idx.reshape(-1, k)):
        order = sorted(range(len(row)), key=lambda j: ((-row[j]) if largest else row[j], j))
        assert list(ind) == order[:k]


def test_index_ops_match_numpy_and_torch():
    rng = np.random.default_rng(11)
    x = (rng.random((4, 5, 6)) > 0.6).astype(np.float32) * rng.standard_normal((4, 5, 6)).astype(np.float32)
    m = model([helper.make_node("NonZero", ["x"], ["y"])], [vi("x", shape=[4, 5, 6])],
              [vi("y", TensorProto.INT64)])
    assert np.array_equal(m.run({"x": x})["y"], np.array(np.nonzero(x)))
    c = rng.random((5, 1)) > 0.5
    a = rng.standard_normal((1, 6)).astype(np.float32)
    b = rng.standard_normal((4, 5, 6)).astype(np.float32)
    m = model([helper.make_node("Where", ["c", "a", "b"], ["y"])],
              [vi("c", TensorProto.BOOL, [5, 1]), vi("a", shape=[1, 6]), vi("b", shape=[4, 5, 6])], [vi("y")])
    assert np.array_equal(m.run({"c": c, "a": a, "b": b})["y"], np.where(c, a, b))
    data = rng.standard_normal((6, 4)).astype(np.float32)
    for axis in (0, 1):
        ind = rng.integers(-data.shape[axis], data.shape[axis], (3, 4) if axis == 0 else (6, 2))
        upd = rng.standard_normal(ind.shape).astype(np.float32)
        for red in ("none", "add", "mul"):
            node = helper.make_node("ScatterElements", ["d", "i", "u"], ["y"], axis=axis, reduction=red)
            m = model([node], [vi("d", shape=[6, 4]), vi("i", TensorProto.INT64, list(ind.shape)),
                               vi("u", shape=list(ind.shape))], [vi("y")], opset=16)
            ref = torch.from_numpy(data.copy())
            ti = torch.from_numpy(ind % data.shape[axis])
            if red == "none":
                # duplicates: the last write wins in ONNX Runtime and in segkit (index order)
                ref = np.array(data)
                for pos in np.ndindex(*ind.shape):
                    tgt = list(pos)
                    tgt[axis] = ind[pos] % data.shape[axis]
                    ref[tuple(tgt)] = upd[pos]
            else:
                ref = ref.scatter_reduce(axis, ti, torch.from_numpy(upd), "sum" if red == "add" else "prod").numpy()
            got = m.run({"d": data, "i": ind, "u": upd})["y"]
            assert np.allclose(got, ref, rtol=1e-6, atol=1e-6), (axis, red)
        m = model([helper.make_node("GatherElements", ["d", "i"], ["y"], axis=axis)],
                  [vi("d", shape=[6, 4]), vi("i", TensorProto.INT64, list(ind.shape))], [vi("y")])
        ref = torch.gather(torch.from_numpy(data), axis, torch.from_numpy(ind % data.shape[axis])).numpy()
        assert np.array_equal(m.run({"d": data, "i": ind})["y"], ref)
    # out-of-range indices: an error naming the node, nothing written
    node = helper.make_node("ScatterElements", ["d", "i", "u"], ["y"], name="scatter_probe")
    m = model([node], [vi("d", shape=[6, 4]), vi("i", TensorProto.INT64, [1, 4]), vi("u", shape=[1, 4])], [vi("y")])
    with pytest.raises(segkit.Error, match="scatter_probe.*out of range"):
        m.run({"d": data, "i": np.array([[0, 9, 0, 0]]), "u": np.zeros((1, 4), np.float32)})
