"""Contours, connected components and contour filling vs cv2 on a thresholded photo."""
import cv2

import segkit
from common import photo, label
from run import Case


def mask(w, h):
    g = photo(w, h, channels=1)
    return cv2.threshold(g, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]


def cases(sizes):
    for w, h in sizes:
        m = mask(w, h)
        size = label(w, h)
        for name, mode in (("external", cv2.RETR_EXTERNAL), ("tree", cv2.RETR_TREE)):
            yield Case("find_contours_%s" % name, size,
                       lambda m=m, mode=mode: segkit.find_contours(m, mode, 2),
                       lambda m=m, mode=mode: cv2.findContours(m, mode, 2))
        for conn in (8, 4):
            yield Case("components_stats_%d" % conn, size,
                       lambda m=m, c=conn: segkit.connected_components_with_stats(m, connectivity=c),
                       lambda m=m, c=conn: cv2.connectedComponentsWithStats(m, connectivity=c))
        cs, hi = cv2.findContours(m, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
        canvas = m.copy()
        yield Case("draw_contours_filled", size,
                   lambda: segkit.draw_contours(canvas, cs, -1, 128, -1, 8, hi),
                   lambda: cv2.drawContours(canvas, cs, -1, 128, -1, 8, hi))
