"""Thresholds and morphology vs cv2 (same threads): Otsu, adaptive mean, opening with a
5x5 ellipse and a 15x15 rectangle, 3x3 erosion, on a natural gray image."""
import cv2

import segkit
from common import label, photo
from run import Case


def cases(sizes):
    for w, h in sizes:
        if (w, h) == (640, 480):
            continue
        gray = photo(w, h, channels=1)
        _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_OTSU)
        s = label(w, h)
        yield Case("binary.threshold_otsu", s,
                   lambda: segkit.threshold(gray, 0, 255, segkit.THRESH_OTSU),
                   lambda: cv2.threshold(gray, 0, 255, cv2.THRESH_OTSU))
        yield Case("binary.adaptive_mean_11", s,
                   lambda: segkit.adaptive_threshold(gray, 255, 0, 0, 11, 2),
                   lambda: cv2.adaptiveThreshold(gray, 255, 0, 0, 11, 2))
        ell5 = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
        rect15 = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
        rect3 = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
        yield Case("binary.open_ellipse5_mask", s,
                   lambda: segkit.morphology_ex(mask, segkit.MORPH_OPEN, ell5),
                   lambda: cv2.morphologyEx(mask, cv2.MORPH_OPEN, ell5))
        yield Case("binary.open_rect15_mask", s,
                   lambda: segkit.morphology_ex(mask, segkit.MORPH_OPEN, rect15),
                   lambda: cv2.morphologyEx(mask, cv2.MORPH_OPEN, rect15))
        yield Case("binary.erode_rect3_gray", s,
                   lambda: segkit.erode(gray, rect3),
                   lambda: cv2.erode(gray, rect3))
