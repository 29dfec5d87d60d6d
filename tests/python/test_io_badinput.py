"""Bad input never crashes or hangs: every file of tests/data/badinput (listed with its
expected status and message in expected.tsv, made by make_corpus.py) raises
segkit.Error naming the problem, in every read mode, from a file and from memory;
failed writes leave no file behind."""
import os
import time

import cv2
import numpy as np
import pytest

import segkit
from conftest import data_path

STATUS = {"EINVAL": -1, "EIO": -4, "EFORMAT": -5, "ELIMIT": -6, "EUNSUPPORTED": -7}


def corpus():
    rows = []
    with open(data_path("badinput", "expected.tsv")) as f:
        for line in f:
            if line.startswith("#"):
                continue
            name, status, needle = line.rstrip("\n").split("\t")
            rows.append((name, status, needle))
    return rows


CORPUS = corpus()


def test_corpus_covers_every_listed_kind():
    names = {n for n, _, _ in CORPUS}
    on_disk = {n for n in os.listdir(data_path("badinput"))
               if n not in ("expected.tsv", "make_corpus.py")}
    assert names == on_disk  # no stray or unlisted file
    for kind in ("trunc", "bad_magic", "lies", "huge", "zero", "crc", "palette_index", "bomb",
                 "maxval0", "maxval_big", "dims_no_data", "empty"):
        assert any(kind in n for n in names), kind
    assert len(names) >= 60


@pytest.mark.parametrize("name,status,needle", CORPUS, ids=[r[0] for r in CORPUS])
def test_bad_file_gives_a_clear_error(name, status, needle):
    path = data_path("badinput", name)
    with open(path, "rb") as f:
        raw = f.read()
    for mode in (segkit.IMREAD_UNCHANGED, segkit.IMREAD_COLOR, segkit.IMREAD_GRAYSCALE,
                 segkit.IMREAD_ANYDEPTH):
        t0 = time.perf_counter()
        with pytest.raises(segkit.Error) as e:
            segkit.imread(path, mode)
        assert time.perf_counter() - t0 < 2.0
        assert e.value.status == STATUS[status], str(e.value)
        assert needle in str(e.value) and name in str(e.value), str(e.value)
        with pytest.raises(segkit.Error) as e:
            segkit.imdecode(raw, mode)
        assert e.value.status == STATUS[status] and needle in str(e.value)
        assert str(e.value).startswith("imdecode: ")


def test_truncated_jpeg_is_an_error_where_cv2_fills_grey():
    path = data_path("badinput", "jpeg_trunc_782.jpg")
    grey = cv2.imread(path)  # cv2 returns an image padded with grey
    assert grey is not None
    with pytest.raises(segkit.Error, match="Premature end of JPEG file"):
        segkit.imread(path)


def test_bad_paths(tmp_path):
    with pytest.raises(segkit.Error, match="No such file") as e:
        segkit.imread(str(tmp_path / "nope.png"))
    assert e.value.status == STATUS["EIO"] and "nope.png" in str(e.value)
    with pytest.raises(segkit.Error, match="is a directory"):
        segkit.imread(str(tmp_path))
    with pytest.raises(segkit.Error, match="max_pixels"):
        segkit.imread(data_path("io", "page.png"), max_pixels=0)


def test_failed_writes_leave_nothing(tmp_path):
    img = np.zeros((4, 5, 3), np.uint8)
    bad = [
        (str(tmp_path / "a.bmp"), img, None, "unsupported extension"),
        (str(tmp_path / "noext"), img, None, "no extension"),
        (str(tmp_path / "a.png"), img.astype(np.float32), None, "cannot store"),
        (str(tmp_path / "a.png"), np.zeros((4, 5, 4), np.int32), None, "cannot store"),
        (str(tmp_path / "a.jpg"), img.astype(np.uint16), None, "JPEG cannot store"),
        (str(tmp_path / "a.jpg"), np.zeros((4, 5, 4), np.uint8), None, "JPEG cannot store"),
        (str(tmp_path / "a.ppm"), np.zeros((4, 5, 4), np.uint8), None, "cannot store"),
        (str(tmp_path / "a.png"), np.zeros((0, 5), np.uint8), None, "empty"),
        (str(tmp_path / "missing" / "a.png"), img, None, "cannot create"),
        (str(tmp_path / "a.jpg"), img, [1, 90, 99, 1], "unsupported parameter"),
    ]
    for path, arr, params, needle in bad:
        with pytest.raises(segkit.Error, match=needle):
            segkit.imwrite(path, arr, params)
    os.mkdir(tmp_path / "d.png")
    with pytest.raises(segkit.Error, match="rename failed"):
        segkit.imwrite(str(tmp_path / "d.png"), img)
    assert sorted(os.listdir(tmp_path)) == ["d.png"]
    assert os.listdir(tmp_path / "d.png") == []
    if os.geteuid() != 0:  # root ignores permissions
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o555)
        with pytest.raises(segkit.Error, match="cannot create"):
            segkit.imwrite(str(ro / "x.png"), img)
        assert os.listdir(ro) == []
