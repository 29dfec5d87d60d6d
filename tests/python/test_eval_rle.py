"""segkit.mask (COCO RLE) against an oracle written here from the format's definition:
column-major runs starting with a 0-run; the compressed string (5 bits per character
plus 48, continuation bit 0x20, sign bit 0x10, counts after the third stored as the
difference to the count two before); maskApi.c's polygon rasterisation re-done in
pure Python; IoU/area/bbox from numpy masks. pycocotools itself is not installed."""
import math

import cv2
import numpy as np
import pytest

import segkit
from segkit import mask as M


# ---------------- the oracle ----------------

def o_runs(mask):
    flat = np.asarray(mask, dtype=bool).ravel(order="F")
    counts, prev, run = [], False, 0
    for v in flat:
        if v != prev:
            counts.append(run)
            run, prev = 0, v
        run += 1
    counts.append(run)
    return counts


def o_string(counts):
    out = []
    for i, c in enumerate(counts):
        x = c - counts[i - 2] if i > 2 else c
        while True:
            ch = x & 0x1F
            x >>= 5
            more = (x != -1) if (ch & 0x10) else (x != 0)
            if more:
                ch |= 0x20
            out.append(chr(ch + 48))
            if not more:
                break
    return "".join(out).encode()


def o_unstring(s):
    counts, p = [], 0
    while p < len(s):
        x, k, more = 0, 0, True
        while more:
            c = s[p] - 48
            x |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def o_decode(counts, h, w):
    flat = np.zeros(h * w, np.uint8)
    pos, v = 0, 0
    for c in counts:
        flat[pos:pos + c] = v
        pos += c
        v = 1 - v
    return flat.reshape((h, w), order="F")


def o_fr_poly(xy, h, w):
    """maskApi.c rleFrPoly in Python: trace the outline on a x5 grid, keep the points
    where it crosses a column of pixel centres, turn them into runs."""
    scale = 5.0
    k = len(xy) // 2
    x = [int(scale * xy[2 * j] + .5) for j in range(k)] + [0]
    y = [int(scale * xy[2 * j + 1] + .5) for j in range(k)] + [0]
    x[k], y[k] = x[0], y[0]
    u, v = [], []
    for j in range(k):
        xs, xe, ys, ye = x[j], x[j + 1], y[j], y[j + 1]
        dx, dy = abs(xe - xs), abs(ys - ye)
        flip = (dx >= dy and xs > xe) or (dx < dy and ys > ye)
        if flip:
            xs, xe, ys, ye = xe, xs, ye, ys
        if dx == 0 and dy == 0:  # repeated vertex: one point, its y is never read
            u.append(xs)
            v.append(ys)
            continue
        s = (ye - ys) / dx if dx >= dy else (xe - xs) / dy
        if dx >= dy:
            for d in range(dx + 1):
                t = dx - d if flip else d
                u.append(t + xs)
                v.append(int(ys + s * t + .5))
        else:
            for d in range(dy + 1):
                t = dy - d if flip else d
                v.append(t + ys)
                u.append(int(xs + s * t + .5))
    a = []
    for j in range(1, len(u)):
        if u[j] == u[j - 1]:
            continue
        xd = float(u[j] if u[j] < u[j - 1] else u[j] - 1)
        xd = (xd + .5) / scale - .5
        if math.floor(xd) != xd or xd < 0 or xd > w - 1:
            continue
        yd = float(v[j] if v[j] < v[j - 1] else v[j - 1])
        yd = (yd + .5) / scale - .5
        yd = 0 if yd < 0 else (h if yd > h else yd)
        yd = math.ceil(yd)
        a.append((int(xd) * h + yd) & 0xFFFFFFFF)
    a.append(h * w)
    a.sort()
    prev, d = 0, []
    for t in a:
        d.append(t - prev)
        prev = t
    b, j = [d[0]], 1
    while j < len(d):
        if d[j] > 0:
            b.append(d[j])
            j += 1
        else:
            j += 1
            if j < len(d):
                b[-1] += d[j]
                j += 1
    return b


def o_bbox(counts, h):
    """maskApi.c rleToBbox (with its full-height rule for runs wrapping a column)."""
    m = (len(counts) // 2) * 2
    if m == 0:
        return [0.0, 0.0, 0.0, 0.0]
    xs, ys, xe, ye, cc, xp = 1 << 40, h, 0, 0, 0, 0
    for j in range(m):
        cc += counts[j]
        t = cc - j % 2
        yy, xx = t % h, t // h
        if j % 2 == 0:
            xp = xx
        elif xp < xx:
            ys, ye = 0, h - 1
        xs, xe, ys, ye = min(xs, xx), max(xe, xx), min(ys, yy), max(ye, yy)
    return [xs, ys, xe - xs + 1, ye - ys + 1]


def rand_masks(rng):
    shapes = [(1, 1), (1, 7), (7, 1), (3, 5), (17, 23), (64, 48), (120, 97)]
    for h, w in shapes:
        for density in (0.0, 0.05, 0.5, 0.95, 1.0):
            yield (rng.random((h, w)) < density).astype(np.uint8)
        # blobs: long runs, counts > 32 so the difference coding is exercised
        m = np.zeros((h, w), np.uint8)
        m[h // 4:(3 * h) // 4 + 1, w // 5:(4 * w) // 5 + 1] = 1
        yield m


# ---------------- tests ----------------

def test_encode_decode_string_match_oracle(rng):
    n = 0
    for m in rand_masks(rng):
        rle = M.encode(np.asfortranarray(m))
        runs = o_runs(m)
        assert rle["size"] == list(m.shape)
        assert rle["counts"] == o_string(runs), (m.shape, runs)
        assert o_unstring(rle["counts"]) == runs
        assert np.array_equal(M.decode(rle), m)
        assert M.area(rle) == int(m.sum())
        # C-ordered and bool input give the same (segkit accepts any layout)
        assert M.encode(m.astype(bool)) == rle
        n += 1
    assert n > 30


def test_multi_mask_encode_decode_fortran(rng):
    ms = (rng.random((31, 40, 5)) < 0.3).astype(np.uint8)
    rles = M.encode(np.asfortranarray(ms))
    assert len(rles) == 5
    for i in range(5):
        assert rles[i]["counts"] == o_string(o_runs(ms[:, :, i]))
    dec = M.decode(rles)
    assert dec.shape == ms.shape and dec.flags.f_contiguous and np.array_equal(dec, ms)
    assert np.array_equal(M.area(rles), ms.reshape(-1, 5).sum(0))
    assert M.area(rles).dtype == np.uint32


def test_large_counts_string_round_trip(rng):
    # runs far beyond 2^10 and differences of both signs
    h, w = 700, 900
    m = np.zeros((h, w), np.uint8)
    m[:, 100:700] = 1
    m[5:600, 750:751] = 1
    rle = M.encode(m)
    assert rle["counts"] == o_string(o_runs(m))
    for counts in ([0, h * w], [h * w], [5, 1, 2, 3, 4, h * w - 15], [2**20, 3, 2**21]):
        s = o_string(counts)
        tot = sum(counts)
        rle = {"size": [1, tot], "counts": s}
        assert np.array_equal(M.decode(rle).ravel(order="F"),
                              o_decode(counts, 1, tot).ravel(order="F"))
        assert M.frPyObjects({"size": [1, tot], "counts": counts}, 1, tot)["counts"] == s


def test_bbox_matches_oracle_and_numpy(rng):
    for m in rand_masks(rng):
        rle = M.encode(m)
        bb = M.toBbox(rle)
        assert list(bb) == o_bbox(o_runs(m), m.shape[0])
        ys, xs = np.nonzero(m)
        if len(xs) and not _wraps(m):
            assert list(bb) == [xs.min(), ys.min(), xs.max() - xs.min() + 1,
                                ys.max() - ys.min() + 1]


def _wraps(m):
    f = m.ravel(order="F").astype(int)
    h = m.shape[0]
    return any(f[i] and f[i + 1] and (i + 1) % h == 0 for i in range(len(f) - 1))


def rand_polygons(rng, h, w, n):
    for _ in range(n):
        k = int(rng.integers(3, 12))
        cx, cy = rng.uniform(-5, w + 5), rng.uniform(-5, h + 5)
        r = rng.uniform(0.3, max(h, w) / 2)
        ang = np.sort(rng.uniform(0, 2 * np.pi, k))
        pts = np.stack([cx + r * np.cos(ang), cy + r * np.sin(ang)], 1)
        if rng.random() < 0.3:
            pts = np.round(pts)  # integer vertices hit the exact-centre cases
        yield pts.ravel().tolist()


def test_polygon_rasterisation_matches_oracle(rng):
    n = 0
    for h, w in [(1, 1), (5, 9), (40, 30), (101, 157)]:
        for poly in rand_polygons(rng, h, w, 40):
            rle = M.frPyObjects([poly], h, w)[0]
            exp = o_fr_poly(poly, h, w)
            assert o_unstring(rle["counts"]) == exp, (h, w, poly)
            n += 1
    assert n == 160


def test_polygon_close_to_filled_polygon():
    # an independent sanity check: large convex polygon vs cv2.fillPoly (centres)
    poly = [10.2, 10.7, 80.4, 15.1, 90.9, 70.3, 30.5, 85.6]
    h, w = 100, 120
    m = M.decode(M.frPyObjects([poly], h, w)[0])
    ref = np.zeros((h, w), np.uint8)
    cv2.fillPoly(ref, [np.round(np.array(poly).reshape(-1, 2) * 16).astype(np.int32)], 1,
                 shift=4)
    inter, union = np.logical_and(m, ref).sum(), np.logical_or(m, ref).sum()
    assert inter / union > 0.97


def test_frpyobjects_dispatch():
    h, w = 30, 40
    box = [3.5, 4.2, 10.0, 7.3]
    r1 = M.frPyObjects([box], h, w)[0]
    x, y, bw, bh = box
    assert r1["counts"] == o_string(o_fr_poly([x, y, x, y + bh, x + bw, y + bh, x + bw, y], h, w))
    assert M.frPyObjects(box, h, w) == r1
    assert M.frPyObjects(np.array([box]), h, w) == [r1]
    poly = [1, 1, 20, 2, 15, 18]
    assert M.frPyObjects(poly, h, w) == M.frPyObjects([poly], h, w)[0]
    unc = {"size": [h, w], "counts": o_runs(M.decode(r1))}
    assert M.frPyObjects(unc, h, w) == r1
    with pytest.raises(segkit.Error, match="odd coordinate count"):
        M.frPyObjects([[1, 2, 3, 4, 5, 6, 7]], h, w)


def test_bbox_far_outside_matches_oracle(rng):
    """Boxes reaching far beyond the mask (a detector's runaway box): the sides are moved
    to just outside it first, which maskApi.c's rasterisation cannot tell apart."""
    h, w = 23, 31
    n = 0
    for _ in range(300):
        x, y = rng.uniform(-40, w + 40), rng.uniform(-40, h + 40)
        bw, bh = rng.uniform(-80, 80), rng.uniform(-80, 80)
        if rng.random() < 0.3:
            x, y = round(x), round(y)
        box = [x, y, bw, bh]
        xs, ys, xe, ye = x, y, x + bw, y + bh
        exp = o_fr_poly([xs, ys, xs, ye, xe, ye, xe, ys], h, w)
        assert o_unstring(M.frPyObjects([box], h, w)[0]["counts"]) == exp, box
        n += 1
    assert n == 300
    # 5e7 rows: the polygon path refuses such an outline, the box path clips it
    big = [2.0, 1.0, 4.0, 5.3e7]
    ref = M.frPyObjects([[2.0, 1.0, 4.0, 25.0]], h, w)[0]  # same box ending below the mask
    assert M.frPyObjects([big], h, w)[0] == ref
    with pytest.raises(segkit.Error, match="outline of .* points is too long"):
        M.frPyObjects([[2, 1, 2, 5.3e7, 6, 5.3e7, 6, 1]], h, w)


def test_merge_matches_numpy(rng):
    for h, w in [(1, 1), (9, 4), (50, 61)]:
        ms = [(rng.random((h, w)) < p).astype(np.uint8) for p in (0.2, 0.5, 0.7)]
        rles = [M.encode(m) for m in ms]
        u = np.logical_or.reduce(ms).astype(np.uint8)
        i = np.logical_and.reduce(ms).astype(np.uint8)
        assert M.merge(rles)["counts"] == o_string(o_runs(u))
        assert M.merge(rles, intersect=1)["counts"] == o_string(o_runs(i))
        assert M.merge(rles[:1]) == rles[0]
    with pytest.raises(segkit.Error, match="rle 1 is 3x3, rle 0 is 2x2"):
        M.merge([M.encode(np.zeros((2, 2), np.uint8)), M.encode(np.zeros((3, 3), np.uint8))])


def test_iou_matches_numpy(rng):
    h, w = 40, 50
    dts = [(rng.random((h, w)) < 0.1).astype(np.uint8) for _ in range(5)]
    gts = [(rng.random((h, w)) < 0.1).astype(np.uint8) for _ in range(4)]
    for k, m in enumerate(dts[:2]):
        m[:] = 0
        m[5 + k:20, 10:30 + k] = 1
    gts[0][:] = 0
    gts[0][8:25, 12:33] = 1
    gts[1][:] = 0
    crowd = [0, 1, 0, 1]
    got = M.iou([M.encode(m) for m in dts], [M.encode(m) for m in gts], crowd)
    assert got.shape == (5, 4)
    for d in range(5):
        for g in range(4):
            inter = np.logical_and(dts[d], gts[g]).sum()
            uni = dts[d].sum() if crowd[g] else np.logical_or(dts[d], gts[g]).sum()
            exp = 0.0 if inter == 0 else inter / uni
            assert got[d, g] == exp
    assert M.iou([], [M.encode(gts[0])], [0]) == []


def test_box_iou_matches_numpy(rng):
    d = rng.uniform(0, 50, (7, 4))
    g = rng.uniform(0, 50, (5, 4))
    crowd = [0, 1, 0, 0, 1]
    got = M.iou(d, g, crowd)
    for i in range(7):
        for j in range(5):
            iw = min(d[i, 0] + d[i, 2], g[j, 0] + g[j, 2]) - max(d[i, 0], g[j, 0])
            ih = min(d[i, 1] + d[i, 3], g[j, 1] + g[j, 3]) - max(d[i, 1], g[j, 1])
            if iw <= 0 or ih <= 0:
                exp = 0.0
            else:
                inter = iw * ih
                da = d[i, 2] * d[i, 3]
                exp = inter / (da if crowd[j] else da + g[j, 2] * g[j, 3] - inter)
            assert got[i, j] == exp
    assert np.array_equal(M.iou(d.tolist(), g.tolist(), crowd), got)


def test_bad_rle_strings_give_clear_errors():
    with pytest.raises(segkit.Error, match="outside '0'..'o'"):
        M.decode({"size": [2, 2], "counts": b"0~"})
    with pytest.raises(segkit.Error, match="add up to 3, not 2x2"):
        M.decode({"size": [2, 2], "counts": o_string([1, 2])})
    with pytest.raises(segkit.Error, match="cut short"):
        M.decode({"size": [2, 2], "counts": b"0P"})
    with pytest.raises(segkit.Error, match="add up to"):
        M.frPyObjects({"size": [3, 3], "counts": [1, 2]}, 3, 3)


def test_mask_names_stay_out_of_top_level():
    assert not hasattr(segkit, "encode") and not hasattr(segkit, "iou")
    assert segkit.mask.encode is M.encode


def test_merge_with_empty_runs_regression():
    # fuzz regression: counts with many empty runs made merge overflow its buffer
    a = {"size": [2, 2], "counts": [4, 0, 0, 0, 0, 0, 0]}
    b = {"size": [2, 2], "counts": [1, 2, 0, 0, 1]}
    ra, rb = M.frPyObjects(a, 2, 2), M.frPyObjects(b, 2, 2)
    for inter in (0, 1):
        got = M.decode(M.merge([ra, rb], intersect=inter))
        da, db = o_decode(a["counts"], 2, 2), o_decode(b["counts"], 2, 2)
        exp = (da & db) if inter else (da | db)
        assert np.array_equal(got, exp)


def test_iou_parallel_path_matches_numpy(rng):
    # 40 x 30 pairs take seg_rle_iou's parallel path; compare with numpy and across threads
    h, w = 30, 25
    dts = [(rng.random((h, w)) < 0.2).astype(np.uint8) for _ in range(40)]
    gts = [(rng.random((h, w)) < 0.2).astype(np.uint8) for _ in range(30)]
    crowd = [int(i % 4 == 0) for i in range(30)]
    d, g = [M.encode(m) for m in dts], [M.encode(m) for m in gts]
    out = []
    for t in (1, 2):
        segkit.set_num_threads(t)
        out.append(M.iou(d, g, crowd))
    segkit.set_num_threads(0)
    assert np.array_equal(out[0], out[1])
    D = np.stack([m.ravel() for m in dts]).astype(np.int64)
    G = np.stack([m.ravel() for m in gts]).astype(np.int64)
    inter = D @ G.T
    union = D.sum(1)[:, None] + G.sum(1)[None, :] - inter
    union = np.where(np.array(crowd)[None, :] == 1, D.sum(1)[:, None], union)
    exp = np.where(inter == 0, 0.0, inter / np.maximum(union, 1))
    assert np.array_equal(out[0], exp)


@pytest.mark.parametrize("mode", [0, 2])
def test_to_polygons_matches_cv2(rng, mode):
    for h, w in [(1, 1), (5, 7), (40, 60), (97, 31)]:
        m = np.zeros((h, w), np.uint8)
        for _ in range(4):
            y, x = int(rng.integers(0, h)), int(rng.integers(0, w))
            m[y:y + int(rng.integers(1, h + 1)), x:x + int(rng.integers(1, w + 1))] ^= 1
        rle = M.encode(m)
        for offset in (0.0, 0.5):
            got = M.to_polygons(rle, mode, offset)
            cs = cv2.findContours(m, mode, cv2.CHAIN_APPROX_SIMPLE)[0]
            exp = [(c.reshape(-1).astype(np.float64) + offset).tolist() for c in cs if len(c) >= 3]
            assert got == exp
