/* Lines, thick lines, convex polygons and rectangles: ports of cv::Line (LineIterator),
 * Line2, Circle (filled), ThickLine, PolyLine and FillConvexPoly from OpenCV 4.6's
 * drawing.cpp, with the same integer and fixed-point arithmetic so the pixels match. */
#include "draw_internal.h"

#include <float.h>
#include <math.h>
#include <string.h>

static inline int64_t round_half_even(double v)
{
    return (int64_t)llrint(v);
}

int seg__canvas_init(seg__canvas *c, seg_image *img, const double color[4], const char *who)
{
    memset(c, 0, sizeof *c);
    int rc = seg__check_input(img, SEG_TYPES(SEG_U8, SEG_U16, SEG_S32, SEG_F32),
                              (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4), who);
    if (rc)
        return rc;
    if (img->type != SEG_U8 && img->channels != 1)
        return seg__fail(SEG_ETYPE, "%s: %s images must have 1 channel", who,
                         seg__type_name(img->type));
    if (!color)
        return seg__fail(SEG_EINVAL, "%s: color is NULL", who);
    c->data = img->data;
    c->step = img->stride;
    c->width = img->width;
    c->height = img->height;
    c->psz = img->channels * (int)seg_type_size(img->type);
    for (int k = 0; k < img->channels; k++) {
        double v = color[k];
        switch (img->type) {
        case SEG_U8: {
            int64_t r = isnan(v) ? 0 : round_half_even(SEG_MAX(SEG_MIN(v, 1e9), -1e9));
            c->color[k] = (uint8_t)SEG_MAX(0, SEG_MIN(255, r));
            break;
        }
        case SEG_U16: {
            int64_t r = isnan(v) ? 0 : round_half_even(SEG_MAX(SEG_MIN(v, 1e9), -1e9));
            uint16_t u = (uint16_t)SEG_MAX(0, SEG_MIN(65535, r));
            memcpy(c->color, &u, 2);
            break;
        }
        case SEG_S32: {
            int64_t r = isnan(v) ? 0 : round_half_even(SEG_MAX(SEG_MIN(v, 4e9), -4e9));
            int32_t s = (int32_t)SEG_MAX(INT32_MIN, SEG_MIN(INT32_MAX, r));
            memcpy(c->color, &s, 4);
            break;
        }
        case SEG_F32: {
            float f = (float)v;
            memcpy(c->color, &f, 4);
            break;
        }
        case SEG_F64: /* refused by the type check above */
            break;
        }
    }
    return SEG_OK;
}

int seg__check_line_args(int thickness, int line_type, int allow_filled, const char *who)
{
    if (line_type != SEG_LINE_8 && line_type != SEG_LINE_4)
        return seg__fail(SEG_EINVAL, "%s: line type %d is not supported (4 or 8)", who,
                         line_type);
    if (thickness > SEG_MAX_THICKNESS || (!allow_filled && thickness < 0))
        return seg__fail(SEG_EINVAL, "%s: thickness %d is out of range (%s..%d)", who,
                         thickness, allow_filled ? "-1" : "0", SEG_MAX_THICKNESS);
    return SEG_OK;
}

static inline void put_pixel(const seg__canvas *c, int x, int y)
{
    memcpy(c->data + (size_t)y * c->step + (size_t)x * c->psz, c->color, (size_t)c->psz);
}

void seg__hline(const seg__canvas *c, uint8_t *row, int xl, int xr)
{
    if (c->psz == 1) {
        memset(row + xl, c->color[0], (size_t)(xr - xl + 1));
        return;
    }
    for (uint8_t *p = row + (size_t)xl * c->psz, *e = row + (size_t)xr * c->psz; p <= e;
         p += c->psz)
        memcpy(p, c->color, (size_t)c->psz);
}

/* cv::clipLine for a w x h rectangle; false when the line is fully outside. The products
 * are taken in 128 bits: the same values as cv2's wherever its 64-bit products do not
 * overflow (coordinates below 2^47), and no undefined behaviour where they would. */
static inline int64_t muldiv(int64_t a, int64_t b, int64_t c)
{
    return (int64_t)((__int128)a * b / c);
}

static int clip_line(int64_t w, int64_t h, int64_t *x1, int64_t *y1, int64_t *x2, int64_t *y2)
{
    int64_t right = w - 1, bottom = h - 1;
    if (w <= 0 || h <= 0)
        return 0;
    int c1 = (*x1 < 0) + (*x1 > right) * 2 + (*y1 < 0) * 4 + (*y1 > bottom) * 8;
    int c2 = (*x2 < 0) + (*x2 > right) * 2 + (*y2 < 0) * 4 + (*y2 > bottom) * 8;
    if ((c1 & c2) == 0 && (c1 | c2) != 0) {
        int64_t a;
        if (c1 & 12) {
            a = c1 < 8 ? 0 : bottom;
            *x1 += muldiv(a - *y1, *x2 - *x1, *y2 - *y1);
            *y1 = a;
            c1 = (*x1 < 0) + (*x1 > right) * 2;
        }
        if (c2 & 12) {
            a = c2 < 8 ? 0 : bottom;
            *x2 += muldiv(a - *y2, *x2 - *x1, *y2 - *y1);
            *y2 = a;
            c2 = (*x2 < 0) + (*x2 > right) * 2;
        }
        if ((c1 & c2) == 0 && (c1 | c2) != 0) {
            if (c1) {
                a = c1 == 1 ? 0 : right;
                *y1 += muldiv(a - *x1, *y2 - *y1, *x2 - *x1);
                *x1 = a;
                c1 = 0;
            }
            if (c2) {
                a = c2 == 1 ? 0 : right;
                *y2 += muldiv(a - *x2, *y2 - *y1, *x2 - *x1);
                *x2 = a;
                c2 = 0;
            }
        }
    }
    return (c1 | c2) == 0;
}

void seg__line(const seg__canvas *c, int64_t x1, int64_t y1, int64_t x2, int64_t y2, int conn)
{
    /* cv::Line takes int points: narrow first, like the C++ conversion does */
    x1 = (int32_t)x1, y1 = (int32_t)y1, x2 = (int32_t)x2, y2 = (int32_t)y2;
    if ((uint64_t)x1 >= (uint64_t)c->width || (uint64_t)x2 >= (uint64_t)c->width ||
        (uint64_t)y1 >= (uint64_t)c->height || (uint64_t)y2 >= (uint64_t)c->height) {
        if (!clip_line(c->width, c->height, &x1, &y1, &x2, &y2))
            return;
    }
    int dx = (int)(x2 - x1), dy = (int)(y2 - y1);
    int px = (int)x1, py = (int)y1;
    if (dx < 0) { /* left to right */
        dx = -dx;
        dy = -dy;
        px = (int)x2;
        py = (int)y2;
    }
    int ystep = 1;
    if (dy < 0) {
        dy = -dy;
        ystep = -1;
    }
    /* major (minus) and minor steps as (x, y) moves */
    int mjx = 1, mjy = 0, mnx = 0, mny = ystep;
    if (dy > dx) {
        int t = dx;
        dx = dy;
        dy = t;
        mjx = 0, mjy = ystep, mnx = 1, mny = 0;
    }
    int err, plus_delta, minus_delta = -(dy + dy), count, plx, ply;
    if (conn == 8) {
        err = dx - (dy + dy);
        plus_delta = dx + dx;
        plx = mnx, ply = mny;
        count = dx + 1;
    } else {
        err = 0;
        plus_delta = (dx + dx) + (dy + dy);
        plx = mnx - mjx, ply = mny - mjy;
        count = dx + dy + 1;
    }
    for (int i = 0; i < count; i++) {
        put_pixel(c, px, py);
        int mask = err < 0;
        err += minus_delta + (mask ? plus_delta : 0);
        px += mjx + (mask ? plx : 0);
        py += mjy + (mask ? ply : 0);
    }
}

/* cv::Line2: a line between fixed-point (XY_SHIFT) end points, pixel by pixel. */
static void line2(const seg__canvas *c, int64_t p1x, int64_t p1y, int64_t p2x, int64_t p2y)
{
    if (!clip_line((int64_t)c->width << SEG_XY_SHIFT, (int64_t)c->height << SEG_XY_SHIFT, &p1x,
                   &p1y, &p2x, &p2y))
        return;
    int64_t dx = p2x - p1x, dy = p2y - p1y, i, j, ax, ay, x_step, y_step;
    int ecount;
    j = dx < 0 ? -1 : 0;
    ax = (dx ^ j) - j;
    i = dy < 0 ? -1 : 0;
    ay = (dy ^ i) - i;
    if (ax > ay) {
        dy = (dy ^ j) - j;
        p1x ^= p2x & j;
        p2x ^= p1x & j;
        p1x ^= p2x & j;
        p1y ^= p2y & j;
        p2y ^= p1y & j;
        p1y ^= p2y & j;
        x_step = SEG_XY_ONE;
        y_step = (int64_t)((uint64_t)dy << SEG_XY_SHIFT) / (ax | 1);
        ecount = (int)((p2x - p1x) >> SEG_XY_SHIFT);
    } else {
        dx = (dx ^ i) - i;
        p1x ^= p2x & i;
        p2x ^= p1x & i;
        p1x ^= p2x & i;
        p1y ^= p2y & i;
        p2y ^= p1y & i;
        p1y ^= p2y & i;
        x_step = (int64_t)((uint64_t)dx << SEG_XY_SHIFT) / (ay | 1);
        y_step = SEG_XY_ONE;
        ecount = (int)((p2y - p1y) >> SEG_XY_SHIFT);
    }
    p1x += SEG_XY_ONE >> 1;
    p1y += SEG_XY_ONE >> 1;
#define PUT(X, Y)                                                       \
    do {                                                                \
        int x_ = (int)(X), y_ = (int)(Y);                               \
        if (0 <= x_ && x_ < c->width && 0 <= y_ && y_ < c->height)      \
            put_pixel(c, x_, y_);                                       \
    } while (0)
    PUT((p2x + (SEG_XY_ONE >> 1)) >> SEG_XY_SHIFT, (p2y + (SEG_XY_ONE >> 1)) >> SEG_XY_SHIFT);
    if (ax > ay) {
        p1x >>= SEG_XY_SHIFT;
        for (; ecount >= 0; ecount--) {
            PUT(p1x, p1y >> SEG_XY_SHIFT);
            p1x++;
            p1y += y_step;
        }
    } else {
        p1y >>= SEG_XY_SHIFT;
        for (; ecount >= 0; ecount--) {
            PUT(p1x >> SEG_XY_SHIFT, p1y);
            p1x += x_step;
            p1y++;
        }
    }
#undef PUT
}

/* cv::Circle with fill = 1 (the round caps of thick lines). */
static void circle_filled(const seg__canvas *c, int cx, int cy, int radius)
{
    int err = 0, dx = radius, dy = 0, plus = 1, minus = (radius << 1) - 1;
    int inside = cx >= radius && cx < c->width - radius && cy >= radius &&
                 cy < c->height - radius;
    while (dx >= dy) {
        int y11 = cy - dy, y12 = cy + dy, y21 = cy - dx, y22 = cy + dx;
        int x11 = cx - dx, x12 = cx + dx, x21 = cx - dy, x22 = cx + dy;
        if (inside) {
            seg__hline(c, c->data + (size_t)y11 * c->step, x11, x12);
            seg__hline(c, c->data + (size_t)y12 * c->step, x11, x12);
            seg__hline(c, c->data + (size_t)y21 * c->step, x21, x22);
            seg__hline(c, c->data + (size_t)y22 * c->step, x21, x22);
        } else if (x11 < c->width && x12 >= 0 && y21 < c->height && y22 >= 0) {
            x11 = SEG_MAX(x11, 0);
            x12 = SEG_MIN(x12, c->width - 1);
            if ((unsigned)y11 < (unsigned)c->height)
                seg__hline(c, c->data + (size_t)y11 * c->step, x11, x12);
            if ((unsigned)y12 < (unsigned)c->height)
                seg__hline(c, c->data + (size_t)y12 * c->step, x11, x12);
            if (x21 < c->width && x22 >= 0) {
                x21 = SEG_MAX(x21, 0);
                x22 = SEG_MIN(x22, c->width - 1);
                if ((unsigned)y21 < (unsigned)c->height)
                    seg__hline(c, c->data + (size_t)y21 * c->step, x21, x22);
                if ((unsigned)y22 < (unsigned)c->height)
                    seg__hline(c, c->data + (size_t)y22 * c->step, x21, x22);
            }
        }
        dy++;
        err += plus;
        plus += 2;
        int mask = (err <= 0) - 1;
        err -= minus & mask;
        dx += mask;
        minus -= mask & 2;
    }
}

void seg__fill_convex_poly(const seg__canvas *c, const int64_t *v, int npts, int line_type,
                           int shift)
{
    struct {
        int idx, di;
        int64_t x, dx;
        int ye;
    } edge[2];
    int delta = 1 << shift >> 1;
    int i, y, imin = 0, edges = npts;
    int64_t xmin, xmax, ymin, ymax;
    int delta1 = SEG_XY_ONE >> 1, delta2 = SEG_XY_ONE >> 1;
    int64_t p0x = seg__shl(v[2 * (npts - 1)], SEG_XY_SHIFT - shift);
    int64_t p0y = seg__shl(v[2 * (npts - 1) + 1], SEG_XY_SHIFT - shift);

    xmin = xmax = v[0];
    ymin = ymax = v[1];
    for (i = 0; i < npts; i++) {
        int64_t px = v[2 * i], py = v[2 * i + 1];
        if (py < ymin) {
            ymin = py;
            imin = i;
        }
        ymax = SEG_MAX(ymax, py);
        xmax = SEG_MAX(xmax, px);
        xmin = SEG_MIN(xmin, px);
        px = seg__shl(px, SEG_XY_SHIFT - shift);
        py = seg__shl(py, SEG_XY_SHIFT - shift);
        if (shift == 0)
            seg__line(c, p0x >> SEG_XY_SHIFT, p0y >> SEG_XY_SHIFT, px >> SEG_XY_SHIFT,
                      py >> SEG_XY_SHIFT, line_type);
        else
            line2(c, p0x, p0y, px, py);
        p0x = px;
        p0y = py;
    }
    xmin = (xmin + delta) >> shift;
    xmax = (xmax + delta) >> shift;
    ymin = (ymin + delta) >> shift;
    ymax = (ymax + delta) >> shift;
    if (npts < 3 || (int)xmax < 0 || (int)ymax < 0 || (int)xmin >= c->width ||
        (int)ymin >= c->height)
        return;
    ymax = SEG_MIN(ymax, c->height - 1);
    edge[0].idx = edge[1].idx = imin;
    edge[0].ye = edge[1].ye = y = (int)ymin;
    edge[0].di = 1;
    edge[1].di = npts - 1;
    edge[0].x = edge[1].x = -SEG_XY_ONE;
    edge[0].dx = edge[1].dx = 0;
    do {
        for (i = 0; i < 2; i++) {
            if (y >= edge[i].ye) {
                int idx0 = edge[i].idx, di = edge[i].di;
                int idx = idx0 + di;
                if (idx >= npts)
                    idx -= npts;
                int ty = 0;
                for (; edges-- > 0;) {
                    ty = (int)((v[2 * idx + 1] + delta) >> shift);
                    if (ty > y) {
                        int64_t xs = v[2 * idx0], xe = v[2 * idx];
                        if (shift != SEG_XY_SHIFT) {
                            xs = seg__shl(xs, SEG_XY_SHIFT - shift);
                            xe = seg__shl(xe, SEG_XY_SHIFT - shift);
                        }
                        edge[i].ye = ty;
                        edge[i].dx = ((xe - xs) * 2 + (ty - y)) / (2 * (ty - y));
                        edge[i].x = xs;
                        edge[i].idx = idx;
                        break;
                    }
                    idx0 = idx;
                    idx += di;
                    if (idx >= npts)
                        idx -= npts;
                }
            }
        }
        if (edges < 0)
            break;
        if (y >= 0) {
            int left = 0, right = 1;
            if (edge[0].x > edge[1].x)
                left = 1, right = 0;
            int xx1 = (int)((edge[left].x + delta1) >> SEG_XY_SHIFT);
            int xx2 = (int)((edge[right].x + delta2) >> SEG_XY_SHIFT);
            if (xx2 >= 0 && xx1 < c->width) {
                if (xx1 < 0)
                    xx1 = 0;
                if (xx2 >= c->width)
                    xx2 = c->width - 1;
                seg__hline(c, c->data + (size_t)y * c->step, xx1, xx2);
            }
        }
        edge[0].x += edge[0].dx;
        edge[1].x += edge[1].dx;
    } while (++y <= (int)ymax);
}

void seg__thick_line(const seg__canvas *c, int64_t p0x, int64_t p0y, int64_t p1x, int64_t p1y,
                     int thickness, int line_type, int flags, int shift)
{
    const double inv_xy_one = 1. / SEG_XY_ONE;
    p0x = seg__shl(p0x, SEG_XY_SHIFT - shift);
    p0y = seg__shl(p0y, SEG_XY_SHIFT - shift);
    p1x = seg__shl(p1x, SEG_XY_SHIFT - shift);
    p1y = seg__shl(p1y, SEG_XY_SHIFT - shift);
    if (thickness <= 1) {
        /* line types 4 and 8 with shift 0 (the only ones supported) take this path */
        seg__line(c, (p0x + (SEG_XY_ONE >> 1)) >> SEG_XY_SHIFT,
                  (p0y + (SEG_XY_ONE >> 1)) >> SEG_XY_SHIFT,
                  (p1x + (SEG_XY_ONE >> 1)) >> SEG_XY_SHIFT,
                  (p1y + (SEG_XY_ONE >> 1)) >> SEG_XY_SHIFT, line_type);
        return;
    }
    double dx = (double)(p0x - p1x) * inv_xy_one, dy = (double)(p1y - p0y) * inv_xy_one;
    double r = dx * dx + dy * dy;
    int odd = thickness & 1;
    thickness <<= SEG_XY_SHIFT - 1;
    if (fabs(r) > DBL_EPSILON) {
        r = (thickness + odd * SEG_XY_ONE * 0.5) / sqrt(r);
        int64_t dpx = round_half_even(dy * r), dpy = round_half_even(dx * r);
        int64_t pt[8] = {p0x + dpx, p0y + dpy, p0x - dpx, p0y - dpy,
                         p1x - dpx, p1y - dpy, p1x + dpx, p1y + dpy};
        seg__fill_convex_poly(c, pt, 4, line_type, SEG_XY_SHIFT);
    }
    for (int i = 0; i < 2; i++) {
        if (flags & (i + 1)) {
            int cx = (int)((p0x + (SEG_XY_ONE >> 1)) >> SEG_XY_SHIFT);
            int cy = (int)((p0y + (SEG_XY_ONE >> 1)) >> SEG_XY_SHIFT);
            circle_filled(c, cx, cy, (thickness + (SEG_XY_ONE >> 1)) >> SEG_XY_SHIFT);
        }
        p0x = p1x;
        p0y = p1y;
    }
}

void seg__poly_line(const seg__canvas *c, const int64_t *v, int count, int closed,
                    int thickness, int line_type, int shift)
{
    if (!v || count <= 0)
        return;
    int i = closed ? count - 1 : 0;
    int flags = 2 + !closed;
    int64_t p0x = v[2 * i], p0y = v[2 * i + 1];
    for (i = !closed; i < count; i++) {
        seg__thick_line(c, p0x, p0y, v[2 * i], v[2 * i + 1], thickness, line_type, flags, shift);
        p0x = v[2 * i];
        p0y = v[2 * i + 1];
        flags = 2;
    }
}

int seg_draw_line(seg_image *img, int x1, int y1, int x2, int y2, const double color[4],
                  int thickness, int line_type)
{
    seg__clear_error();
    seg__canvas c;
    int rc = seg__canvas_init(&c, img, color, "draw_line");
    if (!rc)
        rc = seg__check_line_args(thickness, line_type, 0, "draw_line");
    if (rc)
        return rc;
    seg__thick_line(&c, x1, y1, x2, y2, thickness, line_type, 3, 0);
    return SEG_OK;
}

int seg_draw_rectangle(seg_image *img, int x1, int y1, int x2, int y2, const double color[4],
                       int thickness, int line_type)
{
    seg__clear_error();
    seg__canvas c;
    int rc = seg__canvas_init(&c, img, color, "draw_rectangle");
    if (!rc)
        rc = seg__check_line_args(thickness, line_type, 1, "draw_rectangle");
    if (rc)
        return rc;
    int64_t pt[8] = {x1, y1, x2, y1, x2, y2, x1, y2};
    if (thickness >= 0)
        seg__poly_line(&c, pt, 4, 1, thickness, line_type, 0);
    else
        seg__fill_convex_poly(&c, pt, 4, line_type, 0);
    return SEG_OK;
}
