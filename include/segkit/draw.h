/* Drawing: lines, polylines, rectangles, filled polygons and contours.
 *
 * Pixel-identical to OpenCV 4.6's cv2.line, cv2.polylines, cv2.rectangle, cv2.fillPoly
 * and cv2.drawContours for LINE_8 and LINE_4 (the same Bresenham iterator, clipping,
 * fixed-point polygon filler with its even-odd rule, thick lines as a filled quadrangle
 * with round caps). Anti-aliased lines (LINE_AA) and sub-pixel coordinates (shift) are
 * not supported. Works in place on u8 images with 1, 3 or 4 channels and on 1-channel
 * u16, s32 and f32 images (label maps): `color` holds up to 4 channel values, converted
 * like cv2's scalarToRawData (rounded half to even and saturated for integer types).
 *
 * Polygons are given as one array of (x, y) int32 pairs with offsets, the layout of
 * seg_contours: polygon i is points[2*offsets[i] .. 2*offsets[i+1]). */
#ifndef SEGKIT_DRAW_H
#define SEGKIT_DRAW_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    SEG_FILLED = -1, /* thickness: fill the shape */
    SEG_LINE_4 = 4,  /* 4-connected lines */
    SEG_LINE_8 = 8   /* 8-connected lines (default) */
};

/* cv2.line(img, (x1, y1), (x2, y2), color, thickness, line_type): thickness 1..32767
 * (0 draws like 1). Errors: SEG_EINVAL (bad thickness or line type), SEG_ETYPE. */
SEG_API int seg_draw_line(seg_image *img, int x1, int y1, int x2, int y2, const double color[4],
                          int thickness, int line_type);

/* cv2.rectangle(img, (x1, y1), (x2, y2), color, thickness, line_type): corners inclusive;
 * thickness SEG_FILLED (< 0) fills. */
SEG_API int seg_draw_rectangle(seg_image *img, int x1, int y1, int x2, int y2,
                               const double color[4], int thickness, int line_type);

/* cv2.polylines(img, polygons, closed, color, thickness, line_type). */
SEG_API int seg_draw_polylines(seg_image *img, const int32_t *points, const size_t *offsets,
                               int count, int closed, const double color[4], int thickness,
                               int line_type);

/* cv2.fillPoly(img, polygons, color, line_type, 0, (offset_x, offset_y)): all polygons
 * filled together with the even-odd rule (a polygon inside another makes a hole). */
SEG_API int seg_fill_poly(seg_image *img, const int32_t *points, const size_t *offsets,
                          int count, const double color[4], int line_type, int offset_x,
                          int offset_y);

/* cv2.drawContours(img, contours, contour_idx, color, thickness, line_type, hierarchy,
 * max_level, (offset_x, offset_y)). contour_idx -1 draws all; hierarchy (4 * count
 * int32, as from seg_find_contours) is optional (NULL) and with max_level selects the
 * nesting levels drawn exactly as cv2 does; thickness SEG_FILLED fills the selected
 * contours together with the even-odd rule, so holes stay empty.
 * Errors: SEG_EINVAL (contour_idx out of range, bad offsets or hierarchy), SEG_ETYPE. */
SEG_API int seg_draw_contours(seg_image *img, const int32_t *points, const size_t *offsets,
                              int count, int contour_idx, const double color[4], int thickness,
                              int line_type, const int32_t *hierarchy, int max_level,
                              int offset_x, int offset_y);

/* Text in segkit's built-in bitmap font: printable ASCII rendered once from OpenCV's
 * FONT_HERSHEY_PLAIN at scale 0.9 (public-domain Hershey glyphs; each glyph is
 * pixel-identical to cv2.putText of that character, LINE_8, thickness 1), enlarged by an
 * integer `scale` (1..16) by pixel replication; other bytes draw as '?'. (x, y) is the
 * top-left corner of the text box, which is width x 16*scale pixels with the baseline
 * 11*scale rows down; clipped to the image. Errors: SEG_EINVAL (NULL text, scale),
 * SEG_ETYPE (image type), as the other drawing calls. */
SEG_API int seg_draw_text(seg_image *img, int x, int y, const char *text, const double color[4],
                          int scale);
/* The box seg_draw_text fills for `text`: width, height (16 * scale) and the baseline's
 * row from the top (11 * scale). Any output may be NULL. */
SEG_API int seg_text_size(const char *text, int scale, int *width, int *height, int *baseline);

#ifdef __cplusplus
}
#endif
#endif
