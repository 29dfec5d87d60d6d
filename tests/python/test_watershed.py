"""Marker watershed: cv2.watershed parity (OpenCV 4.6) and skimage.segmentation.watershed
parity (scikit-image 0.19) on random inputs, blobs, touching discs, coins and the nuclei
images; bad input."""
import glob
import warnings

import cv2
import numpy as np
import pytest
from skimage.segmentation import watershed as sk_watershed

import segkit
from conftest import data_path, sample_path


def blobs(h, w, seed, sigma, thr=0.5):
    r = np.random.default_rng(seed)
    f = cv2.GaussianBlur(r.random((h, w)).astype(np.float32), (0, 0), sigma)
    return (f > thr).astype(np.uint8)


def touching_discs(h=120, w=160, seed=0, n=6):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:h, :w]
    img = np.zeros((h, w), bool)
    for _ in range(n):
        cy, cx, r = rng.integers(15, h - 15), rng.integers(15, w - 15), rng.integers(8, 20)
        img |= (yy - cy) ** 2 + (xx - cx) ** 2 < r * r
    return img.astype(np.uint8)


def nuclei():
    out = []
    for p in sorted(glob.glob(data_path("nuclei", "images", "*.png"))):
        out.append(cv2.imread(p, cv2.IMREAD_COLOR))
    return out


def cv2_recipe_markers(bgr, frac=0.5):
    """The seed's marker construction, all in cv2 (Otsu inverted or not, open, dilate,
    distance threshold, connected components)."""
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    _, th = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if th.mean() > 127:
        th = 255 - th
    k = np.ones((3, 3), np.uint8)
    opening = cv2.morphologyEx(th, cv2.MORPH_OPEN, k, iterations=2)
    bg = cv2.dilate(opening, k, iterations=3)
    d = cv2.distanceTransform(opening, cv2.DIST_L2, 5)
    _, fg = cv2.threshold(d, frac * d.max(), 255, 0)
    fg = fg.astype(np.uint8)
    unknown = cv2.subtract(bg, fg)
    _, markers = cv2.connectedComponents(fg)
    markers = markers + 1
    markers[unknown == 255] = 0
    return markers.astype(np.int32), d, opening


def check_cv(img, markers):
    ref = markers.copy()
    cv2.watershed(img, ref)
    got = markers.copy()
    ret = segkit.watershed(img, got)
    assert ret is got
    assert np.array_equal(got, ref)


def test_cv_random_images_and_markers():
    rng = np.random.default_rng(11)
    for it in range(60):
        h, w = (int(v) for v in rng.integers(1, 90, 2))
        img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        if it % 2:
            img = cv2.GaussianBlur(img, (0, 0), 1.5)
        if it % 7 == 0:
            img[:] = 128  # plateaus: pure queue order
        mk = np.zeros((h, w), np.int32)
        for k in range(int(rng.integers(0, 12))):
            mk[rng.integers(h), rng.integers(w)] = rng.integers(1, 6)
        if it % 5 == 0:
            mk[rng.random((h, w)) < 0.02] = -1
        if it % 9 == 0:
            mk[rng.random((h, w)) < 0.01] = -5
        check_cv(img, mk)


def test_cv_blobs_discs_coins_nuclei():
    b = blobs(240, 320, 1, 6)
    img = cv2.GaussianBlur(cv2.cvtColor(b * 200, cv2.COLOR_GRAY2BGR), (0, 0), 2)
    m, _, _ = cv2_recipe_markers(img)
    check_cv(img, m)
    t = touching_discs()
    img = cv2.cvtColor(t * 255, cv2.COLOR_GRAY2BGR)
    m, _, _ = cv2_recipe_markers(img)
    check_cv(img, m)
    coins = cv2.imread(sample_path("coins.png"), cv2.IMREAD_COLOR)
    for frac in (0.3, 0.5, 0.7):
        m, _, _ = cv2_recipe_markers(coins, frac)
        check_cv(coins, m)
    for img in nuclei():
        m, _, _ = cv2_recipe_markers(img)
        check_cv(img, m)


def test_cv_strided_markers_and_image():
    rng = np.random.default_rng(3)
    big = rng.integers(0, 256, (80, 100, 3), dtype=np.uint8)
    img = big[::2, ::2]
    mk_base = np.zeros((40, 100), np.int32)
    mk = mk_base[:, ::2]
    for k in range(8):
        mk[rng.integers(40), rng.integers(50)] = k + 1
    ref = np.ascontiguousarray(mk).copy()
    cv2.watershed(np.ascontiguousarray(img), ref)
    out = segkit.watershed(img, mk)
    assert out is mk and np.array_equal(mk, ref)


def test_cv_no_seeds_and_tiny_images():
    for shape in [(1, 1), (2, 5), (5, 2), (3, 3), (20, 30)]:
        img = np.full(shape + (3,), 9, np.uint8)
        check_cv(img, np.zeros(shape, np.int32))
        check_cv(img, np.full(shape, -3, np.int32))
        mk = np.zeros(shape, np.int32)
        mk[shape[0] // 2, shape[1] // 2] = 4
        check_cv(img, mk)


def test_cv_bad_input():
    img = np.zeros((10, 12, 3), np.uint8)
    with pytest.raises(segkit.Error, match="int32"):
        segkit.watershed(img, np.zeros((10, 12), np.int64))
    with pytest.raises(segkit.Error, match="int32"):
        segkit.watershed(img, np.zeros((10, 12), np.float32))
    with pytest.raises(segkit.Error, match="shape"):
        segkit.watershed(img, np.zeros((10, 11), np.int32))
    with pytest.raises(segkit.Error, match="required"):
        segkit.watershed(img, None)
    with pytest.raises(segkit.Error, match="H x W x 3"):
        segkit.watershed(np.zeros((10, 12), np.uint8), np.zeros((10, 12), np.int32))
    with pytest.raises(segkit.Error, match="H x W x 3"):
        segkit.watershed(np.zeros((10, 12, 4), np.uint8), np.zeros((10, 12), np.int32))
    with pytest.raises(segkit.Error, match="2-D"):
        segkit.watershed(img, np.zeros((10, 12, 1), np.int32))
    ro = np.zeros((10, 12), np.int32)
    ro.flags.writeable = False
    with pytest.raises(segkit.Error, match="read-only"):
        segkit.watershed(img, ro)


SK_OPTIONS = [(c, comp, wl) for c in (1, 2) for comp in (0, 0.05, 2.0) for wl in (False, True)]


def check_sk(image, markers, mask=None, options=SK_OPTIONS):
    for conn, comp, wl in options:
        ref = sk_watershed(image, markers, connectivity=conn, mask=mask, compactness=comp,
                           watershed_line=wl)
        got = segkit.watershed_skimage(image, markers, conn, mask, comp, wl)
        assert got.dtype == np.int32
        assert np.array_equal(got, ref), (image.dtype, image.shape, conn, comp, wl)


def test_sk_random_types_masks_options():
    rng = np.random.default_rng(5)
    for it in range(40):
        h, w = (int(v) for v in rng.integers(1, 60, 2))
        kind = it % 5
        if kind == 0:
            im = rng.integers(0, 256, (h, w)).astype(np.uint8)
        elif kind == 1:
            im = rng.integers(0, 6, (h, w)).astype(np.uint16)  # many ties
        elif kind == 2:
            im = rng.integers(-4, 4, (h, w)).astype(np.int32)
        elif kind == 3:
            im = rng.normal(size=(h, w)).round(1).astype(np.float32)
        else:
            im = np.zeros((h, w), np.float32)  # one plateau: pure age order
        mk = np.zeros((h, w), np.int32)
        for _ in range(int(rng.integers(0, 10))):
            mk[rng.integers(h), rng.integers(w)] = rng.integers(-2, 6)
        if it % 3 == 0:
            mk[rng.random((h, w)) < 0.05] = rng.integers(1, 4)  # many equal-valued seeds
        mask = None if it % 2 else rng.random((h, w)) > 0.25
        check_sk(im, mk, mask)


def test_sk_markers_tied_until_midway():
    """The heap runs only while two queued markers share a value; here ties among
    markers resolve at various points of the flood (markers on high values too, where
    skimage reaches them late), and markers left untied go to the bucket queue."""
    rng = np.random.default_rng(11)
    for it in range(12):
        h, w = 90 + 7 * it, 130
        if it % 3 == 0:
            im = rng.integers(0, 256, (h, w)).astype(np.uint8)
        elif it % 3 == 1:
            im = cv2.GaussianBlur(rng.random((h, w)).astype(np.float32), (0, 0), 4)
            im = cv2.normalize(im, None, 0, 1000, cv2.NORM_MINMAX).round().astype(np.uint16)
        else:
            im = cv2.GaussianBlur(rng.random((h, w)).astype(np.float32), (0, 0), 3)
        mk = np.zeros((h, w), np.int32)
        n = int(rng.integers(5, 60))
        ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
        mk[ys, xs] = rng.integers(1, 9, n)
        if it % 2:  # copy some markers' values elsewhere: equal-valued seeds far apart
            k = n // 3
            ys2, xs2 = rng.integers(0, h, k), rng.integers(0, w, k)
            im[ys2, xs2] = im[ys[:k], xs[:k]]
            mk[ys2, xs2] = rng.integers(1, 9, k)
        mask = None if it % 4 < 2 else rng.random((h, w)) > 0.2
        check_sk(im, mk, mask, [(1, 0, False), (2, 0, False), (1, 0, True), (2, 0, True)])


def test_sk_distance_recipes_on_discs_blobs_coins_nuclei():
    cases = []
    t = touching_discs(seed=2)
    cases.append(t)
    cases.append(blobs(150, 210, 4, 5))
    coins = cv2.imread(sample_path("coins.png"), cv2.IMREAD_COLOR)
    _, d, opening = cv2_recipe_markers(coins)
    cases.append((opening > 0).astype(np.uint8))
    for img in nuclei()[:5]:
        _, d, opening = cv2_recipe_markers(img)
        cases.append((opening > 0).astype(np.uint8))
    for b in cases:
        d = cv2.distanceTransform(b, cv2.DIST_L2, 5)
        _, mk = cv2.connectedComponents((d > 0.5 * d.max()).astype(np.uint8))
        mk = mk.astype(np.int32)
        check_sk(-d, mk, b > 0, [(1, 0, False), (2, 0, False), (1, 0, True), (2, 0.5, False)])
        check_sk(-d, mk, None, [(1, 0, False)])
    gray = cv2.cvtColor(coins, cv2.COLOR_BGR2GRAY)
    grad = cv2.morphologyEx(gray, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    mk = np.zeros(gray.shape, np.int32)
    mk[gray < 30] = 1
    mk[gray > 150] = 2
    check_sk(grad, mk, None, [(1, 0, False), (2, 0, True)])


def test_sk_converted_dtypes_and_in_place_markers():
    rng = np.random.default_rng(8)
    im = rng.integers(0, 3, (30, 40))
    mk = np.zeros((30, 40), np.int64)
    mk[3, 4], mk[20, 30], mk[10, 35] = 1, 2, 3
    for a in (im.astype(np.int8), im.astype(np.int16), im.astype(bool),
              im.astype(np.float64)):
        ref = sk_watershed(a, mk)
        assert np.array_equal(segkit.watershed_skimage(a, mk), ref)
    assert np.array_equal(segkit.watershed_skimage(im.astype(np.uint8), mk.astype(np.uint8)),
                          sk_watershed(im.astype(np.uint8), mk.astype(np.uint8)))


def test_sk_large_blobs():
    b = blobs(400, 600, 6, 7)
    d = cv2.distanceTransform(b, cv2.DIST_L2, 0)
    _, mk = cv2.connectedComponents((d > 0.6 * d.max()).astype(np.uint8))
    check_sk(-d, mk.astype(np.int32), b > 0, [(1, 0, False), (2, 0, True)])
    check_sk(-d, mk.astype(np.int32), None, [(2, 0, False)])


def test_sk_many_distinct_values():
    """Noise-like and gradient float images (more distinct values than the rank table
    holds): the plain flood runs over sorted positions, with unique values, shared ones
    (rounded patches, markers on equal values) and masks."""
    rng = np.random.default_rng(21)
    h, w = 600, 800  # pieces of rows with > 2^14 distinct values: ranked by sorting
    for it in range(4):
        im = rng.random((h, w)).astype(np.float32)
        if it % 2:
            patch = rng.random((h, w)) < 0.3
            im[patch] = im[patch].round(3)  # ranks shared by many pixels
        if it == 3:
            im = cv2.GaussianBlur(im, (0, 0), 1.5)
        mk = np.zeros((h, w), np.int32)
        n = 40 + 200 * it
        ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
        mk[ys, xs] = rng.integers(1, 30, n)
        k = n // 4  # equal-valued markers far apart: skimage's heap settles them first
        im[ys[-k:], xs[-k:]] = im[ys[0], xs[0]]
        mask = None if it < 2 else rng.random((h, w)) > 0.15
        check_sk(im, mk, mask, [(1, 0, False), (2, 0, False), (1, 0, True)])
    gray = cv2.resize(cv2.imread(sample_path("astronaut.png"), cv2.IMREAD_GRAYSCALE), (w, h))
    grad = np.hypot(cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1))
    grad += rng.random((h, w)).astype(np.float32) * 1e-3  # as a float gradient's fine values
    mk = np.zeros((h, w), np.int32)
    mk[gray < 40], mk[gray > 200] = 1, 2
    check_sk(grad, mk, None, [(1, 0, False), (2, 0, False)])


def test_sk_float64_images():
    """float64 as skimage users have it (scipy's distance transform, skimage's sobel):
    ranked by sorting, float32-rounded first and runs of merged values split by the
    exact value; compact watershed on the float64 values. Other numeric types go
    through float64 as skimage converts them."""
    from scipy import ndimage as ndi
    from skimage.filters import sobel
    x, y = np.indices((200, 230))  # skimage's gallery example: two overlapping circles
    img = ((x - 70) ** 2 + (y - 80) ** 2 < 40 ** 2) | ((x - 120) ** 2 + (y - 140) ** 2 < 50 ** 2)
    d = ndi.distance_transform_edt(img)
    assert d.dtype == np.float64 and not np.array_equal(d.astype(np.float32), d)
    peaks = (d == ndi.maximum_filter(d, 9)) & img
    markers = ndi.label(peaks)[0].astype(np.int32)
    check_sk(-d, markers, img, SK_OPTIONS)
    coins = cv2.imread(sample_path("coins.png"), cv2.IMREAD_GRAYSCALE)
    el = sobel(coins)
    mk = np.zeros(coins.shape, np.int32)
    mk[coins < 30], mk[coins > 150] = 1, 2
    check_sk(el, mk, None, [(1, 0, False), (2, 0, False), (1, 0, True), (1, 0.01, False)])
    rng = np.random.default_rng(31)
    v = rng.random((300, 400))
    v[:, ::2] = v[:, 1::2] + 1e-12  # distinct in float64, equal once rounded to float32
    v[100:140, 50:90] = 0.25  # a plateau
    v[5, 5], v[6, 6] = -0.0, 0.0  # equal in float64
    mk = np.zeros(v.shape, np.int32)
    mk[rng.integers(0, 300, 60), rng.integers(0, 400, 60)] = rng.integers(1, 9, 60)
    mask = rng.random(v.shape) > 0.1
    check_sk(v, mk, mask, [(1, 0, False), (2, 0, False), (1, 0, True), (2, 0, True)])
    for threads in (1, 2):
        segkit.set_num_threads(threads)
        try:
            assert np.array_equal(segkit.watershed_skimage(v, mk),
                                  sk_watershed(v, mk))
        finally:
            segkit.set_num_threads(0)
    for dt in (np.int64, np.uint32, np.float16, np.uint64):
        im = rng.integers(0, 50, (60, 70)).astype(dt)
        assert np.array_equal(segkit.watershed_skimage(im, mk[:60, :70]),
                              sk_watershed(im, mk[:60, :70])), dt
    big = v * 1e300  # beyond float32, infinities, subnormals
    big[rng.random(v.shape) < 0.05] = np.inf
    big[rng.random(v.shape) < 0.05] = -np.inf
    big[rng.random(v.shape) < 0.05] = 1e-310
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning from the float32 test
        check_sk(big, mk, None, [(1, 0, False), (2, 0, True)])
    bad = v.copy()
    bad[200, 17] = np.nan
    for comp in (0, 0.5):
        with pytest.raises(segkit.Error, match=r"NaN at \(17, 200\)"):
            segkit.watershed_skimage(bad, mk, compactness=comp)


def test_sk_number_of_seeds():
    """markers=N as skimage takes it: regular_seeds over the image, the count scaled to
    the mask's area, then masked; skimage's compact-watershed gallery example included."""
    from skimage.filters import sobel
    rng = np.random.default_rng(41)
    n_cases = 0
    for shape in [(303, 384), (20, 500), (500, 7), (1, 50), (3, 3), (64, 64), (2, 1000)]:
        im = rng.random(shape)
        for n in [1, 2, 5, 17, 100, 468, 3000, 10 ** 6, 7.5]:
            for mask in [None, rng.random(shape) > 0.3]:
                ref = sk_watershed(im, n, mask=mask, compactness=0.001)
                got = segkit.watershed_skimage(im, n, 1, mask, 0.001)
                assert np.array_equal(got, ref), (shape, n, mask is None)
                n_cases += 1
    assert n_cases == 126
    coins = cv2.imread(sample_path("coins.png"), cv2.IMREAD_GRAYSCALE)
    g = sobel(coins)
    assert np.array_equal(segkit.watershed_skimage(g, 468, compactness=0.001),
                          sk_watershed(g, markers=468, compactness=0.001))
    with pytest.raises(segkit.Error, match="make no seed"):
        segkit.watershed_skimage(g, 0)
    with pytest.raises(segkit.Error, match="non-empty mask"):
        segkit.watershed_skimage(g, 5, mask=np.zeros(g.shape, bool))


def test_sk_default_markers_local_minima():
    """markers=None: skimage.morphology.local_minima (plateaus, the border counting as the
    image's maximum) masked and labelled in raster order, as skimage's watershed does."""
    from skimage.morphology import local_minima as sk_local_minima
    rng = np.random.default_rng(43)
    n = 0
    for it in range(30):
        h, w = (int(v) for v in rng.integers(1, 40, 2))
        kind = it % 6
        if kind == 0:
            im = rng.integers(0, 4, (h, w)).astype(np.uint8)  # many plateaus
        elif kind == 1:
            im = rng.integers(-3, 3, (h, w)).astype(np.int32)
        elif kind == 2:
            im = cv2.GaussianBlur(rng.random((h, w)).astype(np.float32), (0, 0), 1.5)
        elif kind == 3:
            im = rng.random((h, w)).round(1)  # float64 with ties
        elif kind == 4:
            im = np.full((h, w), 7, np.uint16)  # one plateau at the maximum
        else:
            im = rng.integers(0, 3, (h, w)).astype(np.uint16)
            im[0, :] = im.max()  # a maximum plateau on the border
        mask = None if it % 3 else rng.random((h, w)) > 0.2
        for conn in (1, 2):
            assert np.array_equal(segkit.local_minima(im, conn),
                                  sk_local_minima(im, connectivity=conn)), (it, conn)
            ref = sk_watershed(im, connectivity=conn, mask=mask)
            got = segkit.watershed_skimage(im, connectivity=conn, mask=mask)
            assert np.array_equal(got, ref), (it, conn)
            n += 1
    assert n == 60
    coins = cv2.imread(sample_path("coins.png"), cv2.IMREAD_GRAYSCALE)
    for conn in (1, 2):
        assert np.array_equal(segkit.watershed_skimage(coins, connectivity=conn),
                              sk_watershed(coins, connectivity=conn))
    with pytest.raises(segkit.Error, match="NaN"):
        segkit.local_minima(np.array([[1.0, np.nan], [0.0, 2.0]]))


def test_sk_bad_input():
    im = np.zeros((8, 9), np.float32)
    mk = np.zeros((8, 9), np.int32)
    with pytest.raises(segkit.Error, match="connectivity"):  # markers=None: the minima
        segkit.watershed_skimage(im, None, connectivity=3)
    with pytest.raises(segkit.Error, match="integer"):
        segkit.watershed_skimage(im, mk.astype(np.float32))
    with pytest.raises(segkit.Error, match="shape"):
        segkit.watershed_skimage(im, np.zeros((8, 8), np.int32))
    with pytest.raises(segkit.Error, match="mask shape"):
        segkit.watershed_skimage(im, mk, mask=np.ones((3, 3), bool))
    with pytest.raises(segkit.Error, match="connectivity 3"):
        segkit.watershed_skimage(im, mk, connectivity=3)
    with pytest.raises(segkit.Error, match="compactness"):
        segkit.watershed_skimage(im, mk, compactness=-1)
    bad = im.copy()
    bad[2, 3] = np.nan
    with pytest.raises(segkit.Error, match=r"NaN at \(3, 2\)"):
        segkit.watershed_skimage(bad, mk)
    with pytest.raises(segkit.Error, match=r"NaN at \(3, 2\)"):
        segkit.watershed_skimage(bad, mk, compactness=0.5)
    # found while ranking, in parallel pieces of rows: the first one in raster order is
    # named, a negative NaN too, in smooth and in noise-like (sorted) images
    rng = np.random.default_rng(4)
    for big in (np.zeros((700, 300), np.float32), rng.random((700, 300)).astype(np.float32)):
        big[650, 7] = -np.nan
        big[650, 200] = np.nan
        big[690, 1] = np.nan
        for threads in (1, 2):
            segkit.set_num_threads(threads)
            try:
                with pytest.raises(segkit.Error, match=r"NaN at \(7, 650\)"):
                    segkit.watershed_skimage(big, np.ones(big.shape, np.int32))
            finally:
                segkit.set_num_threads(0)
    with pytest.raises(segkit.Error, match="2-D"):
        segkit.watershed_skimage(np.zeros((8, 9, 3), np.uint8), mk)


def test_sk_coins_region_based_finds_the_24_coins():
    """scikit-image's coins tutorial: Sobel elevation, markers from intensity, watershed,
    holes filled; the data's ground truth is 24 coins."""
    from scipy import ndimage as ndi
    from skimage import filters
    gray = cv2.imread(sample_path("coins.png"), cv2.IMREAD_GRAYSCALE)
    elevation = filters.sobel(gray).astype(np.float32)
    mk = np.zeros(gray.shape, np.int32)
    mk[gray < 30] = 1
    mk[gray > 150] = 2
    seg = segkit.watershed_skimage(elevation, mk)
    assert np.array_equal(seg, sk_watershed(elevation, mk))
    lab, n = ndi.label(ndi.binary_fill_holes(seg - 1))
    assert (np.bincount(lab.ravel())[1:] > 100).sum() == 24
