/* Drawing primitives shared by draw_line.c and draw_poly.c (ports of OpenCV 4.6's
 * modules/imgproc/src/drawing.cpp). Not API. */
#ifndef SEG_DRAW_INTERNAL_H
#define SEG_DRAW_INTERNAL_H

#include "internal.h"

enum { SEG_XY_SHIFT = 16, SEG_XY_ONE = 1 << SEG_XY_SHIFT, SEG_MAX_THICKNESS = 32767 };

/* v << k for possibly negative v, as two's complement (C leaves it undefined; cv2's
 * C++ relies on the same result). */
static inline int64_t seg__shl(int64_t v, int k)
{
    return (int64_t)((uint64_t)v << k);
}

/* An image to draw on with its colour already converted to raw pixel bytes. */
typedef struct seg__canvas {
    uint8_t *data;
    size_t step;
    int width, height;
    int psz;           /* bytes per pixel */
    uint8_t color[16]; /* one pixel's bytes */
} seg__canvas;

/* Check img and convert color (cv2's scalarToRawData) into a canvas. */
int seg__canvas_init(seg__canvas *c, seg_image *img, const double color[4], const char *who);
/* Check a line type (4 or 8) and thickness range, naming the operation. */
int seg__check_line_args(int thickness, int line_type, int allow_filled, const char *who);

/* Fill pixels xl..xr (inclusive) of one row. */
void seg__hline(const seg__canvas *c, uint8_t *row, int xl, int xr);
/* cv::Line: Bresenham through LineIterator, clipped to the image; connectivity 4 or 8. */
void seg__line(const seg__canvas *c, int64_t x1, int64_t y1, int64_t x2, int64_t y2, int conn);
/* cv::ThickLine, points with `shift` fractional bits; flags bit 0/1: round cap at p0/p1. */
void seg__thick_line(const seg__canvas *c, int64_t p0x, int64_t p0y, int64_t p1x, int64_t p1y,
                     int thickness, int line_type, int flags, int shift);
/* cv::PolyLine over n points (x, y pairs of int64 with `shift` fractional bits). */
void seg__poly_line(const seg__canvas *c, const int64_t *v, int n, int closed, int thickness,
                    int line_type, int shift);
/* cv::FillConvexPoly. */
void seg__fill_convex_poly(const seg__canvas *c, const int64_t *v, int n, int line_type,
                           int shift);

#endif
