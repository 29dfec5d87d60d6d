import numpy as np
import pytest

import segkit
import segkit._lib as L
from conftest import run_cli


def test_version_and_settings():
    assert segkit.__version__.count(".") == 2
    segkit.set_num_threads(3)
    assert segkit.get_num_threads() == 3
    segkit.set_num_threads(0)
    assert segkit.get_num_threads() >= 1
    segkit.set_use_optimized(False)
    assert not segkit.use_optimized()
    segkit.set_use_optimized(True)
    assert set(segkit.cpu_features()) <= {"avx2", "avx512"}


def test_zero_copy_view_and_owned_output():
    a = np.arange(5 * 7 * 3, dtype=np.uint8).reshape(5, 7, 3)
    img, kept = L.as_image(a)
    assert kept is a and img.data == a.ctypes.data and img.stride == 21
    # A library-allocated copy comes back as an array that owns the pixels.
    out = L.Image()
    copy = L.fn("seg_image_copy", [L.ImagePtr, L.ImagePtr])
    L.check(copy(img, out))
    arr = L.to_array(out)
    assert arr.shape == a.shape and np.array_equal(arr, a)
    # a strided view (every other column) is copied, not misread
    v = a[:, ::2]
    img2, kept2 = L.as_image(v)
    assert kept2 is not v and np.array_equal(kept2, v)


def test_errors_carry_the_message():
    copy = L.fn("seg_image_copy", [L.ImagePtr, L.ImagePtr])
    with pytest.raises(segkit.Error, match="empty or invalid"):
        L.check(copy(L.Image(), L.Image()))
    with pytest.raises(segkit.Error, match="dtype float64"):
        L.as_image(np.zeros((2, 2)))


def test_cli_basics():
    p = run_cli("--version", check=0)
    assert p.stdout.strip() == "segkit " + segkit.__version__
    p = run_cli("--help", check=0)
    assert "commands:" in p.stdout
    p = run_cli("no-such-command", check=2)
    assert "unknown command" in p.stderr and p.stderr.count("\n") == 1
    p = run_cli("info", "--bogus", check=2)
    assert "unknown option" in p.stderr
    run_cli("info", check=0)
