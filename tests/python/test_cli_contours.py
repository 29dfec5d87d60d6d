"""segkit contours / segkit components: outputs equal cv2's, bad usage exits 2."""
import json
import os

import cv2
import numpy as np

from conftest import run_cli, sample_path


def coins_mask(tmp_path):
    g = cv2.imread(sample_path("coins.png"), cv2.IMREAD_GRAYSCALE)
    m = cv2.threshold(g, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
    p = str(tmp_path / "mask.png")
    cv2.imwrite(p, m)
    return m, p


def test_contours_json_matches_cv2(tmp_path):
    m, p = coins_mask(tmp_path)
    for mode, code in (("external", cv2.RETR_EXTERNAL), ("tree", cv2.RETR_TREE),
                       ("ccomp", cv2.RETR_CCOMP), ("list", cv2.RETR_LIST)):
        for approx, meth in (("simple", cv2.CHAIN_APPROX_SIMPLE), ("none", cv2.CHAIN_APPROX_NONE)):
            out = tmp_path / ("c_%s_%s.json" % (mode, approx))
            run_cli("contours", p, "-o", out, "--mode", mode, "--approx", approx, check=0)
            doc = json.loads(out.read_text())
            cs, hi = cv2.findContours(m, code, meth)
            assert doc["count"] == len(cs) and doc["width"] == m.shape[1]
            for c, h, d in zip(cs, hi[0], doc["contours"]):
                assert d["points"] == c.reshape(-1, 2).tolist()
                assert [d["next"], d["previous"], d["first_child"], d["parent"]] == h.tolist()
                assert d["area"] == cv2.contourArea(c)
                assert d["bbox"] == list(cv2.boundingRect(c))


def test_contours_draw(tmp_path):
    m, p = coins_mask(tmp_path)
    out, pic = tmp_path / "c.json", tmp_path / "c.png"
    run_cli("contours", p, "-o", out, "--draw", pic, check=0)
    ref = cv2.cvtColor(m // 2, cv2.COLOR_GRAY2BGR)
    cs, hi = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(ref, cs, -1, (0, 255, 0), 1, cv2.LINE_8, hi)
    assert np.array_equal(cv2.imread(str(pic), cv2.IMREAD_UNCHANGED), ref)


def test_components_png_and_json(tmp_path):
    m, p = coins_mask(tmp_path)
    for conn in (4, 8):
        out, js = tmp_path / "l.png", tmp_path / "l.json"
        run_cli("components", p, "-o", out, "--connectivity", conn, "--min-area", 30,
                "--json", js, check=0)
        n, lab, st, ce = cv2.connectedComponentsWithStats(m, connectivity=conn)
        keep = [l for l in range(1, n) if st[l, 4] >= 30]
        remap = np.zeros(n, np.uint16)
        remap[keep] = np.arange(1, len(keep) + 1)
        got = cv2.imread(str(out), cv2.IMREAD_UNCHANGED)
        assert got.dtype == np.uint16 and np.array_equal(got, remap[lab])
        doc = json.loads(js.read_text())
        assert doc["count"] == len(keep)
        for d, l in zip(doc["components"], keep):
            assert d["bbox"] == st[l, :4].tolist() and d["area"] == st[l, 4]
            assert d["centroid"] == ce[l].tolist()


def test_bad_usage(tmp_path):
    m, p = coins_mask(tmp_path)
    r = run_cli("contours", p, check=2)
    assert "-o" in r.stderr and r.stderr.count("\n") == 1
    r = run_cli("contours", tmp_path / "missing.png", "-o", tmp_path / "x.json", check=2)
    assert r.stderr.count("\n") == 1
    assert not os.path.exists(tmp_path / "x.json")
    run_cli("contours", p, "-o", tmp_path / "y.json", "--mode", "spiral", check=2)
    run_cli("components", p, "-o", tmp_path / "z.png", "--connectivity", "6", check=2)
    run_cli("components", p, "-o", tmp_path / "z.png", "--min-area", "-3", check=2)
    r = run_cli("components", p, "-o", tmp_path / "no_dir" / "z.png", check=2)
    assert r.stderr.count("\n") == 1
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    run_cli("components", bad, "-o", tmp_path / "w.png", check=2)
    assert not any(f.name.startswith(("x.json", "z.png", "w.png")) for f in tmp_path.iterdir())
