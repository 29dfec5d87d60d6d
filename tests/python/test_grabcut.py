"""segkit.grab_cut against cv2.grabCut (OpenCV 4.6).

cv2's result depends on its RNG (the k-means start of the GMMs). segkit uses cv::RNG's
generator, so `seed=s` starts like cv2 after cv2.setRNGSeed(s); the masks are then
compared by IoU of the foreground (GC_FGD | GC_PR_FGD): the issue asks >= 0.95 on
average over real images with a rectangle around the subject.
"""
import cv2
import numpy as np
import pytest

import segkit
from conftest import sample_path

# (image, rectangle x, y, w, h around the subject)
CASES = [("astronaut.png", (60, 10, 390, 500)), ("chelsea.png", (70, 20, 300, 270)),
         ("coffee.png", (40, 30, 500, 340)), ("rocket.jpg", (240, 10, 170, 410)),
         ("coins.png", (20, 20, 340, 260))]


def fg(mask):
    return (mask == segkit.GC_FGD) | (mask == segkit.GC_PR_FGD)


def iou(a, b):
    a, b = fg(a), fg(b)
    return (a & b).sum() / max((a | b).sum(), 1)


def load(name):
    img = cv2.imread(sample_path(name), cv2.IMREAD_COLOR)
    assert img is not None
    return img


def cv2_run(img, mask, rect, bgd, fgd, iters, mode, seed=0):
    cv2.setRNGSeed(seed)
    return cv2.grabCut(img, mask, rect, bgd, fgd, iters, mode)


@pytest.fixture(autouse=True)
def threads():
    cv2.setNumThreads(2)
    segkit.set_num_threads(2)
    yield
    segkit.set_num_threads(0)


def test_rect_iou_vs_cv2():
    scores = []
    for i, (name, rect) in enumerate(CASES):
        img = load(name)
        for seed in (0, 3) if i < 2 else (i,):
            m_cv = np.zeros(img.shape[:2], np.uint8)
            cv2_run(img, m_cv, rect, np.zeros((1, 65)), np.zeros((1, 65)), 4,
                    cv2.GC_INIT_WITH_RECT, seed)
            m_sk = np.zeros(img.shape[:2], np.uint8)
            bgd, fgd = np.zeros((1, 65)), np.zeros((1, 65))
            out = segkit.grab_cut(img, m_sk, rect, bgd, fgd, 4, segkit.GC_INIT_WITH_RECT,
                                  seed=seed)
            assert out[0] is m_sk and out[1] is bgd and out[2] is fgd  # in place, like cv2
            assert set(np.unique(m_sk)) <= {0, 2, 3}
            x, y, w, h = rect
            outside = np.ones(img.shape[:2], bool)
            outside[y:y + h, x:x + w] = False
            assert (m_sk[outside] == segkit.GC_BGD).all()
            scores.append(iou(m_sk, m_cv))
            print("%s seed %d: IoU %.4f (fg %.3f of the image)" % (name, seed, scores[-1],
                                                                  fg(m_cv).mean()))
    print("mean IoU %.4f, min %.4f" % (np.mean(scores), np.min(scores)))
    assert np.mean(scores) >= 0.95
    assert np.min(scores) >= 0.9


def test_odd_sizes_and_views():
    rng = np.random.default_rng(1)
    for h, w in ((1, 9), (9, 1), (2, 2), (13, 17), (31, 8)):
        img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        img[h // 3:, w // 3:] //= 4  # a darker block to separate
        rect = (0, 0, w - 1, h) if w > 1 else (0, 0, w, h - 1)
        m_sk = np.zeros((h, w), np.uint8)
        segkit.grab_cut(img, m_sk, rect, None, None, 2, segkit.GC_INIT_WITH_RECT)
        assert set(np.unique(m_sk)) <= {0, 2, 3}
    # a non-contiguous image view gives the same result as its copy
    img = load("chelsea.png")
    big = np.zeros((img.shape[0], img.shape[1] * 2, 3), np.uint8)
    big[:, ::2] = img
    view = big[:, ::2]
    m1 = np.zeros(img.shape[:2], np.uint8)
    m2 = np.zeros(img.shape[:2], np.uint8)
    segkit.grab_cut(img, m1, CASES[1][1], None, None, 2, segkit.GC_INIT_WITH_RECT, seed=1)
    segkit.grab_cut(view, m2, CASES[1][1], None, None, 2, segkit.GC_INIT_WITH_RECT, seed=1)
    np.testing.assert_array_equal(m1, m2)


def test_threads_do_not_change_the_result():
    img = load("coffee.png")
    masks = []
    for threads in (1, 2, 3):
        segkit.set_num_threads(threads)
        m = np.zeros(img.shape[:2], np.uint8)
        bgd, fgd = np.zeros((1, 65)), np.zeros((1, 65))
        segkit.grab_cut(img, m, CASES[2][1], bgd, fgd, 3, segkit.GC_INIT_WITH_RECT, seed=2)
        masks.append((m, bgd, fgd))
    for m, bgd, fgd in masks[1:]:
        np.testing.assert_array_equal(m, masks[0][0])
        np.testing.assert_array_equal(bgd, masks[0][1])
        np.testing.assert_array_equal(fgd, masks[0][2])


def test_models_move_between_cv2_and_segkit():
    # Models learned by cv2, then one GC_EVAL iteration with the same mask: no RNG is
    # involved, so both must agree (up to the float capacities of segkit's graph).
    img = load("astronaut.png")
    rect = CASES[0][1]
    mask = np.zeros(img.shape[:2], np.uint8)
    bgd, fgd = np.zeros((1, 65)), np.zeros((1, 65))
    cv2_run(img, mask, rect, bgd, fgd, 2, cv2.GC_INIT_WITH_RECT)
    for mode in (cv2.GC_EVAL, cv2.GC_EVAL_FREEZE_MODEL):
        m_cv, b_cv, f_cv = mask.copy(), bgd.copy(), fgd.copy()
        cv2.grabCut(img, m_cv, None, b_cv, f_cv, 1, mode)
        m_sk, b_sk, f_sk = mask.copy(), bgd.copy(), fgd.copy()
        segkit.grab_cut(img, m_sk, None, b_sk, f_sk, 1, mode)
        assert iou(m_sk, m_cv) >= 0.99
        np.testing.assert_allclose(b_sk, b_cv, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(f_sk, f_cv, rtol=1e-9, atol=1e-9)
        if mode == cv2.GC_EVAL_FREEZE_MODEL:
            np.testing.assert_array_equal(b_sk, bgd)  # frozen


def test_scribbles_refine_the_mask():
    img = load("astronaut.png")
    rect = CASES[0][1]
    mask = np.zeros(img.shape[:2], np.uint8)
    bgd, fgd = np.zeros((1, 65)), np.zeros((1, 65))
    segkit.grab_cut(img, mask, rect, bgd, fgd, 3, segkit.GC_INIT_WITH_RECT, seed=0)
    base = fg(mask)
    # The connected foreground region under a sure-background stroke goes away.
    n, comp = cv2.connectedComponents(base.astype(np.uint8), connectivity=8)
    sizes = np.bincount(comp.ravel())[1:]
    target = 1 + int(np.argsort(sizes)[-2]) if n > 2 else 1  # second largest region
    ys, xs = np.nonzero(comp == target)
    cy, cx = int(np.median(ys)), int(np.median(xs))
    region = comp == target
    m_bg = mask.copy()
    cv2.line(m_bg, (cx - 15, cy), (cx + 15, cy), segkit.GC_BGD, 5)
    m_cv = m_bg.copy()
    segkit.grab_cut(img, m_bg, None, bgd.copy(), fgd.copy(), 2, segkit.GC_EVAL)
    cv2.grabCut(img, m_cv, None, bgd.copy(), fgd.copy(), 2, cv2.GC_EVAL)
    removed = fg(m_bg)[region].mean()
    print("region of %d px: fg before 1.0, after %.3f (cv2 %.3f)" % (region.sum(), removed,
                                                                      fg(m_cv)[region].mean()))
    assert removed < 0.2
    assert iou(m_bg, m_cv) >= 0.95

    # The user takes the stroke back and paints a sure-foreground cross in the region
    # instead: the region comes back.
    m_fg = m_bg.copy()
    m_fg[m_fg == segkit.GC_BGD] = segkit.GC_PR_BGD
    m_fg[mask == segkit.GC_BGD] = segkit.GC_BGD  # outside the rectangle stays sure
    cv2.line(m_fg, (cx - 15, cy), (cx + 15, cy), segkit.GC_FGD, 5)
    cv2.line(m_fg, (cx, cy - 15), (cx, cy + 15), segkit.GC_FGD, 5)
    before = fg(m_fg)[region].mean()
    m_cv = m_fg.copy()
    segkit.grab_cut(img, m_fg, None, bgd.copy(), fgd.copy(), 2, segkit.GC_EVAL)
    cv2.grabCut(img, m_cv, None, bgd.copy(), fgd.copy(), 2, cv2.GC_EVAL)
    after = fg(m_fg)[region].mean()
    print("same region after a fg cross: before %.3f, after %.3f (cv2 %.3f)" % (
        before, after, fg(m_cv)[region].mean()))
    assert after >= 0.6 and before < 0.2
    assert iou(m_fg, m_cv) >= 0.95


def test_bad_input():
    img = load("chelsea.png")
    m = np.zeros(img.shape[:2], np.uint8)
    with pytest.raises(segkit.Error, match="does not overlap"):
        segkit.grab_cut(img, m, (1000, 1000, 10, 10), None, None, 1, segkit.GC_INIT_WITH_RECT)
    with pytest.raises(segkit.Error, match="does not overlap"):
        segkit.grab_cut(img, m, (10, 10, 0, 5), None, None, 1, segkit.GC_INIT_WITH_RECT)
    with pytest.raises(segkit.Error, match="background"):  # rect covers everything
        segkit.grab_cut(img, m, (0, 0, 451, 300), None, None, 1, segkit.GC_INIT_WITH_RECT)
    bad = np.full(img.shape[:2], 3, np.uint8)
    bad[5, 7] = 4
    with pytest.raises(segkit.Error, match=r"mask value 4 at \(7, 5\)"):
        segkit.grab_cut(img, bad, None, None, None, 1, segkit.GC_INIT_WITH_MASK)
    with pytest.raises(segkit.Error, match="mask value"):
        segkit.grab_cut(img, bad, None, None, None, 1, segkit.GC_EVAL)
    with pytest.raises(segkit.Error, match="uint8 H x W x 3"):
        segkit.grab_cut(img[..., 0], m, (10, 10, 50, 50), None, None, 1,
                        segkit.GC_INIT_WITH_RECT)
    with pytest.raises(segkit.Error, match="uint8 H x W x 3"):
        segkit.grab_cut(img.astype(np.float32), m, (10, 10, 50, 50), None, None, 1,
                        segkit.GC_INIT_WITH_RECT)
    with pytest.raises(segkit.Error, match="mask is 3x2"):
        segkit.grab_cut(img, np.zeros((2, 3), np.uint8), (10, 10, 50, 50), None, None, 1,
                        segkit.GC_INIT_WITH_RECT)
    with pytest.raises(segkit.Error, match="uint8 H x W"):
        segkit.grab_cut(img, m.astype(np.int32), (10, 10, 50, 50), None, None, 1,
                        segkit.GC_INIT_WITH_RECT)
    with pytest.raises(segkit.Error, match="65 float64"):
        segkit.grab_cut(img, m, (10, 10, 50, 50), np.zeros((1, 64)), None, 1,
                        segkit.GC_INIT_WITH_RECT)
    with pytest.raises(segkit.Error, match="unknown mode"):
        segkit.grab_cut(img, m, (10, 10, 50, 50), None, None, 1, 7)
    with pytest.raises(segkit.Error, match="only GC_INIT_WITH_RECT"):
        segkit.grab_cut(img, None, None, None, None, 1, segkit.GC_EVAL)
    with pytest.raises(segkit.Error, match="rect"):
        segkit.grab_cut(img, m, "abc", None, None, 1, segkit.GC_INIT_WITH_RECT)
    singular = np.zeros((1, 65))
    singular[0, 0] = 1.0  # weight 1 with a zero covariance
    with pytest.raises(segkit.Error, match="singular"):
        segkit.grab_cut(img, m, (10, 10, 50, 50), singular, None, 1, segkit.GC_EVAL)
    # a failed call leaves the models untouched
    bgd = np.zeros((1, 65))
    with pytest.raises(segkit.Error):
        segkit.grab_cut(img, bad, None, bgd, None, 1, segkit.GC_INIT_WITH_MASK)
    assert not bgd.any()
