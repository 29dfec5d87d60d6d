"""Text in segkit's bitmap font against cv2.putText (FONT_HERSHEY_PLAIN, 0.9, LINE_8,
thickness 1), and labels on the instance overlay."""
import cv2
import numpy as np
import pytest

import segkit


@pytest.mark.parametrize("code", range(32, 127))
def test_each_glyph_is_cv2s(code):
    ch = chr(code)
    ref = np.zeros((24, 40), np.uint8)
    cv2.putText(ref, ch, (5, 3 + 11), cv2.FONT_HERSHEY_PLAIN, 0.9, 255, 1, cv2.LINE_8)
    got = np.zeros((24, 40), np.uint8)
    segkit.put_text(got, ch, (4, 3), 255)  # the cell's column 0 is one left of cv2's origin
    assert np.array_equal(got, ref), ch
    w, h, base = segkit.text_size(ch)
    assert (w, h, base) == (cv2.getTextSize(ch, cv2.FONT_HERSHEY_PLAIN, 0.9, 1)[0][0], 16, 11)


def test_scale_colour_clipping_and_odd_bytes():
    img = np.zeros((40, 60, 3), np.uint8)
    segkit.put_text(img, "Ab", (2, 2), (10, 20, 30))
    one = img[:, :, 0] > 0
    big = np.zeros((80, 120, 3), np.uint8)
    segkit.put_text(big, "Ab", (4, 4), (10, 20, 30), scale=2)
    assert np.array_equal(big[::2, ::2, 0] > 0, one)  # pixel replication
    assert set(map(tuple, big.reshape(-1, 3))) == {(0, 0, 0), (10, 20, 30)}
    assert segkit.text_size("Ab", 2)[0] == 2 * segkit.text_size("Ab")[0]
    # partly and wholly outside: clipped, no error; other bytes draw as '?'
    for org in [(-7, -5), (55, 35), (-10000, 5), (5, 10000), (2**31 - 9, 0)]:
        segkit.put_text(img, "clip me \u00e9\t", org, (255, 0, 0))
    q = np.zeros((20, 20), np.uint8)
    segkit.put_text(q, "\u00e9", (0, 0), 1)
    r = np.zeros((20, 20), np.uint8)
    segkit.put_text(r, "?", (0, 0), 1)
    assert np.array_equal(q, r) and r.any()
    with pytest.raises(segkit.Error, match="scale"):
        segkit.put_text(img, "x", (0, 0), 1, scale=0)
    with pytest.raises(segkit.Error, match="scale"):
        segkit.text_size("x", 17)
    u16 = np.zeros((20, 30), np.uint16)
    segkit.put_text(u16, "7", (0, 0), 4000)
    assert set(np.unique(u16)) == {0, 4000}


def test_instance_overlay_labels():
    img = np.full((120, 160, 3), 90, np.uint8)
    boxes = np.array([[30, 40, 100, 110], [5, 2, 60, 50]], np.float32)
    inst = segkit.instances_from_outputs(boxes, np.array([1, 3]), np.array([0.9, 0.8], np.float32),
                                         image_size=(120, 160), score_threshold=0.0,
                                         class_names=["bg", "disc", "x", "square"])
    plain = inst.overlay(img, labels=False)
    lab = inst.overlay(img)
    diff = np.any(plain != lab, axis=2)
    w, h, _ = segkit.text_size("disc 0.90")
    # the first label sits on a tab above its box's top-left corner
    assert diff[40 - h:40, 30:30 + w].mean() > 0.5 and not diff[40 - h:40, 30 + w + 3:].any()
    # the second has no room above (y1 = 2 < 16): inside its box, from its top edge
    w2, _, _ = segkit.text_size("square 0.80")
    assert diff[2:2 + h, 5:5 + w2].mean() > 0.5
    # text in the tab contrasts with it: two colours at least
    tab = lab[40 - h:40, 31:30 + w].reshape(-1, 3)
    assert len(set(map(tuple, tab))) >= 2
