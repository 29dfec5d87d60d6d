/* Polygon measures, each a port of the OpenCV 4.6 function it is named after, with the
 * same arithmetic (float where cv2 converts points to Point2f, double elsewhere) so the
 * results agree to the last bit: contourArea, arcLength, boundingRect, moments,
 * approxPolyDP, pointPolygonTest. */
#include "internal.h"

#include <float.h>
#include <math.h>
#include <string.h>

static int check_points(const int32_t *pts, int n, const char *who)
{
    if (n < 0)
        return seg__fail(SEG_EINVAL, "%s: negative point count %d", who, n);
    if (n > 0 && !pts)
        return seg__fail(SEG_EINVAL, "%s: points are NULL", who);
    return SEG_OK;
}

int seg_contour_area(const int32_t *pts, int n, int oriented, double *area)
{
    seg__clear_error();
    if (!area)
        return seg__fail(SEG_EINVAL, "contour_area: output is NULL");
    *area = 0;
    int rc = check_points(pts, n, "contour_area");
    if (rc || n == 0)
        return rc;
    double a00 = 0;
    float px = (float)pts[2 * (n - 1)], py = (float)pts[2 * (n - 1) + 1];
    for (int i = 0; i < n; i++) {
        float x = (float)pts[2 * i], y = (float)pts[2 * i + 1];
        a00 += (double)px * y - (double)py * x;
        px = x;
        py = y;
    }
    a00 *= 0.5;
    *area = oriented ? a00 : fabs(a00);
    return SEG_OK;
}

int seg_arc_length(const int32_t *pts, int n, int closed, double *length)
{
    seg__clear_error();
    if (!length)
        return seg__fail(SEG_EINVAL, "arc_length: output is NULL");
    *length = 0;
    int rc = check_points(pts, n, "arc_length");
    if (rc || n <= 1)
        return rc;
    int last = closed ? n - 1 : 0;
    double perimeter = 0;
    float px = (float)pts[2 * last], py = (float)pts[2 * last + 1];
    for (int i = 0; i < n; i++) {
        float x = (float)pts[2 * i], y = (float)pts[2 * i + 1];
        float dx = x - px, dy = y - py;
        perimeter += sqrtf(dx * dx + dy * dy);
        px = x;
        py = y;
    }
    *length = perimeter;
    return SEG_OK;
}

int seg_bounding_rect(const int32_t *pts, int n, int rect[4])
{
    seg__clear_error();
    if (!rect)
        return seg__fail(SEG_EINVAL, "bounding_rect: output is NULL");
    memset(rect, 0, 4 * sizeof(int));
    int rc = check_points(pts, n, "bounding_rect");
    if (rc || n == 0)
        return rc;
    int xmin = pts[0], xmax = pts[0], ymin = pts[1], ymax = pts[1];
    for (int i = 1; i < n; i++) {
        int x = pts[2 * i], y = pts[2 * i + 1];
        xmin = SEG_MIN(xmin, x);
        xmax = SEG_MAX(xmax, x);
        ymin = SEG_MIN(ymin, y);
        ymax = SEG_MAX(ymax, y);
    }
    rect[0] = xmin;
    rect[1] = ymin;
    rect[2] = (int)((int64_t)xmax - xmin + 1);
    rect[3] = (int)((int64_t)ymax - ymin + 1);
    return SEG_OK;
}

/* completeMomentState: central and normalised moments from the spatial ones. */
static void complete_moments(seg_moments *m)
{
    double cx = 0, cy = 0, inv_m00 = 0;
    if (fabs(m->m00) > DBL_EPSILON) {
        inv_m00 = 1. / m->m00;
        cx = m->m10 * inv_m00;
        cy = m->m01 * inv_m00;
    }
    double mu20 = m->m20 - m->m10 * cx;
    double mu11 = m->m11 - m->m10 * cy;
    double mu02 = m->m02 - m->m01 * cy;
    m->mu20 = mu20;
    m->mu11 = mu11;
    m->mu02 = mu02;
    m->mu30 = m->m30 - cx * (3 * mu20 + cx * m->m10);
    mu11 += mu11;
    m->mu21 = m->m21 - cx * (mu11 + cx * m->m01) - cy * mu20;
    m->mu12 = m->m12 - cy * (mu11 + cy * m->m10) - cx * mu02;
    m->mu03 = m->m03 - cy * (3 * mu02 + cy * m->m01);
    double inv_sqrt_m00 = sqrt(fabs(inv_m00));
    double s2 = inv_m00 * inv_m00, s3 = s2 * inv_sqrt_m00;
    m->nu20 = m->mu20 * s2;
    m->nu11 = m->mu11 * s2;
    m->nu02 = m->mu02 * s2;
    m->nu30 = m->mu30 * s3;
    m->nu21 = m->mu21 * s3;
    m->nu12 = m->mu12 * s3;
    m->nu03 = m->mu03 * s3;
}

int seg_moments_polygon(const int32_t *pts, int n, seg_moments *m)
{
    seg__clear_error();
    if (!m)
        return seg__fail(SEG_EINVAL, "moments: output is NULL");
    memset(m, 0, sizeof *m);
    int rc = check_points(pts, n, "moments");
    if (rc || n == 0)
        return rc;
    double a00 = 0, a10 = 0, a01 = 0, a20 = 0, a11 = 0, a02 = 0, a30 = 0, a21 = 0, a12 = 0,
           a03 = 0;
    double xi_1 = pts[2 * (n - 1)], yi_1 = pts[2 * (n - 1) + 1];
    double xi_12 = xi_1 * xi_1, yi_12 = yi_1 * yi_1;
    for (int i = 0; i < n; i++) {
        double xi = pts[2 * i], yi = pts[2 * i + 1];
        double xi2 = xi * xi, yi2 = yi * yi;
        double dxy = xi_1 * yi - xi * yi_1;
        double xii_1 = xi_1 + xi, yii_1 = yi_1 + yi;
        a00 += dxy;
        a10 += dxy * xii_1;
        a01 += dxy * yii_1;
        a20 += dxy * (xi_1 * xii_1 + xi2);
        a11 += dxy * (xi_1 * (yii_1 + yi_1) + xi * (yii_1 + yi));
        a02 += dxy * (yi_1 * yii_1 + yi2);
        a30 += dxy * xii_1 * (xi_12 + xi2);
        a03 += dxy * yii_1 * (yi_12 + yi2);
        a21 += dxy * (xi_12 * (3 * yi_1 + yi) + 2 * xi * xi_1 * yii_1 + xi2 * (yi_1 + 3 * yi));
        a12 += dxy * (yi_12 * (3 * xi_1 + xi) + 2 * yi * yi_1 * xii_1 + yi2 * (xi_1 + 3 * xi));
        xi_1 = xi;
        yi_1 = yi;
        xi_12 = xi2;
        yi_12 = yi2;
    }
    if (fabs(a00) > FLT_EPSILON) {
        double s = a00 > 0 ? 1 : -1;
        m->m00 = a00 * (s * 0.5);
        m->m10 = a10 * (s * 0.16666666666666666666666666666667);
        m->m01 = a01 * (s * 0.16666666666666666666666666666667);
        m->m20 = a20 * (s * 0.083333333333333333333333333333333);
        m->m11 = a11 * (s * 0.041666666666666666666666666666667);
        m->m02 = a02 * (s * 0.083333333333333333333333333333333);
        m->m30 = a30 * (s * 0.05);
        m->m21 = a21 * (s * 0.016666666666666666666666666666667);
        m->m12 = a12 * (s * 0.016666666666666666666666666666667);
        m->m03 = a03 * (s * 0.05);
        complete_moments(m);
    }
    return SEG_OK;
}

/* Raw moments of one tile (at most 32 x 32 pixels) with exact integer sums where cv2
 * uses integers (momentsInTile), then accumulated into m like cv::moments. */
static double pixel_value(const seg_image *img, int x, int y, int binary)
{
    const uint8_t *row = seg__row(img, y);
    double v;
    switch (img->type) {
    case SEG_U8: v = row[x]; break;
    case SEG_U16: v = ((const uint16_t *)row)[x]; break;
    case SEG_S32: v = ((const int32_t *)row)[x]; break;
    default: v = ((const float *)row)[x]; break;
    }
    return binary ? (v != 0 ? 255 : 0) : v; /* cv2 compares to 255, then scales */
}

int seg_moments_image(const seg_image *src, int binary, seg_moments *m)
{
    seg__clear_error();
    if (!m)
        return seg__fail(SEG_EINVAL, "moments: output is NULL");
    memset(m, 0, sizeof *m);
    int rc = seg__check_input(src, SEG_TYPES(SEG_U8, SEG_U16, SEG_S32, SEG_F32), 1u << 1,
                              "moments");
    if (rc)
        return rc;
    enum { TILE = 32 };
    int exact = binary || src->type != SEG_F32;
    for (int y = 0; y < src->height; y += TILE) {
        int th = SEG_MIN(TILE, src->height - y);
        for (int x = 0; x < src->width; x += TILE) {
            int tw = SEG_MIN(TILE, src->width - x);
            double mom[10] = {0};
            /* integers: 64-bit sums are exact for any 32x32 tile of u8/u16 values
             * (30-bit x^3 * 16-bit v * 1024 pixels < 2^63); s32 may round like cv2's
             * own double path would */
            int64_t im[10] = {0};
            for (int ty = 0; ty < th; ty++) {
                double x0 = 0, x1 = 0, x2 = 0, x3 = 0;
                int64_t i0 = 0, i1 = 0, i2 = 0, i3 = 0;
                for (int tx = 0; tx < tw; tx++) {
                    double p = pixel_value(src, x + tx, y + ty, binary);
                    if (exact && src->type != SEG_S32) {
                        int64_t ip = (int64_t)p, xp = tx * ip, xxp = xp * tx;
                        i0 += ip;
                        i1 += xp;
                        i2 += xxp;
                        i3 += xxp * tx;
                    } else {
                        double xp = tx * p, xxp = xp * tx;
                        x0 += p;
                        x1 += xp;
                        x2 += xxp;
                        x3 += xxp * tx;
                    }
                }
                if (exact && src->type != SEG_S32) {
                    int64_t py = ty * i0, sy = (int64_t)ty * ty;
                    im[9] += py * sy;
                    im[8] += i1 * sy;
                    im[7] += i2 * ty;
                    im[6] += i3;
                    im[5] += i0 * sy;
                    im[4] += i1 * ty;
                    im[3] += i2;
                    im[2] += py;
                    im[1] += i1;
                    im[0] += i0;
                } else {
                    double py = ty * x0, sy = (double)ty * ty;
                    mom[9] += py * sy;
                    mom[8] += x1 * sy;
                    mom[7] += x2 * ty;
                    mom[6] += x3;
                    mom[5] += x0 * sy;
                    mom[4] += x1 * ty;
                    mom[3] += x2;
                    mom[2] += py;
                    mom[1] += x1;
                    mom[0] += x0;
                }
            }
            if (exact && src->type != SEG_S32)
                for (int k = 0; k < 10; k++)
                    mom[k] = (double)im[k];
            if (binary)
                for (int k = 0; k < 10; k++)
                    mom[k] *= 1. / 255;
            double xm = x * mom[0], ym = y * mom[0];
            m->m00 += mom[0];
            m->m10 += mom[1] + xm;
            m->m01 += mom[2] + ym;
            m->m20 += mom[3] + x * (mom[1] * 2 + xm);
            m->m11 += mom[4] + x * (mom[2] + ym) + y * mom[1];
            m->m02 += mom[5] + y * (mom[2] * 2 + ym);
            m->m30 += mom[6] + x * (3. * mom[3] + x * (3. * mom[1] + xm));
            m->m21 += mom[7] + x * (2 * (mom[4] + y * mom[1]) + x * (mom[2] + ym)) + y * mom[3];
            m->m12 += mom[8] + y * (2 * (mom[4] + x * mom[2]) + y * (mom[1] + xm)) + x * mom[5];
            m->m03 += mom[9] + y * (3. * mom[5] + y * (3. * mom[2] + ym));
        }
    }
    complete_moments(m);
    return SEG_OK;
}

/* approxPolyDP_<int>: Ramer-Douglas-Peucker with cv2's start-point search for closed
 * curves, its explicit slice stack and its final pass that drops nearly collinear
 * points. */
typedef struct slice {
    int start, end;
} slice;

int seg_approx_poly_dp(const int32_t *src, int count0, double eps, int is_closed0,
                       int32_t *dst, int *out_n)
{
    seg__clear_error();
    if (!out_n)
        return seg__fail(SEG_EINVAL, "approx_poly_dp: output count is NULL");
    *out_n = 0;
    int rc = check_points(src, count0, "approx_poly_dp");
    if (rc)
        return rc;
    if (!(eps >= 0.0) || !(eps < 1e30))
        return seg__fail(SEG_EINVAL, "approx_poly_dp: epsilon %g is not valid", eps);
    if (count0 == 0)
        return SEG_OK;
    if (!dst)
        return seg__fail(SEG_EINVAL, "approx_poly_dp: output points are NULL");
    slice *stack = seg__malloc((size_t)count0 * 2 * sizeof(slice) + sizeof(slice));
    if (!stack)
        return seg__fail(SEG_ENOMEM, "approx_poly_dp: out of memory");
    size_t top = 0;
#define PT_X(p) src[2 * (p)]
#define PT_Y(p) src[2 * (p) + 1]
    int init_iters = 3;
    slice sl = {0, 0}, right = {0, 0};
    int sx = -1000000, sy = -1000000, ex = 0, ey = 0, px = 0, py = 0;
    int i = 0, j, pos = 0, wpos, count = count0, new_count = 0;
    int is_closed = is_closed0;
    int le_eps = 0;

    eps *= eps;
    if (!is_closed) {
        right.start = count;
        ex = PT_X(0);
        ey = PT_Y(0);
        sx = PT_X(count - 1);
        sy = PT_Y(count - 1);
        if (sx != ex || sy != ey) {
            sl.start = 0;
            sl.end = count - 1;
            stack[top++] = sl;
        } else {
            is_closed = 1;
            init_iters = 1;
        }
    }
    if (is_closed) {
        right.start = 0;
        for (i = 0; i < init_iters; i++) {
            double dist, max_dist = 0;
            pos = (pos + right.start) % count;
            sx = PT_X(pos);
            sy = PT_Y(pos);
            if (++pos >= count)
                pos = 0;
            for (j = 1; j < count; j++) {
                px = PT_X(pos);
                py = PT_Y(pos);
                if (++pos >= count)
                    pos = 0;
                double dx = px - sx, dy = py - sy;
                dist = dx * dx + dy * dy;
                if (dist > max_dist) {
                    max_dist = dist;
                    right.start = j;
                }
            }
            le_eps = max_dist <= eps;
        }
        if (!le_eps) {
            right.end = sl.start = pos % count;
            sl.end = right.start = (right.start + sl.start) % count;
            stack[top++] = right;
            stack[top++] = sl;
        } else {
            dst[2 * new_count] = sx;
            dst[2 * new_count + 1] = sy;
            new_count++;
        }
    }
    while (top > 0) {
        sl = stack[--top];
        ex = PT_X(sl.end);
        ey = PT_Y(sl.end);
        pos = sl.start;
        sx = PT_X(pos);
        sy = PT_Y(pos);
        if (++pos >= count)
            pos = 0;
        if (pos != sl.end) {
            double dx = ex - sx, dy = ey - sy, dist, max_dist = 0;
            while (pos != sl.end) {
                px = PT_X(pos);
                py = PT_Y(pos);
                if (++pos >= count)
                    pos = 0;
                dist = fabs((py - sy) * dx - (px - sx) * dy);
                if (dist > max_dist) {
                    max_dist = dist;
                    right.start = (pos + count - 1) % count;
                }
            }
            le_eps = max_dist * max_dist <= eps * (dx * dx + dy * dy);
        } else {
            le_eps = 1;
            sx = PT_X(sl.start);
            sy = PT_Y(sl.start);
        }
        if (le_eps) {
            dst[2 * new_count] = sx;
            dst[2 * new_count + 1] = sy;
            new_count++;
        } else {
            right.end = sl.end;
            sl.end = right.start;
            stack[top++] = right;
            stack[top++] = sl;
        }
    }
    if (!is_closed) {
        dst[2 * new_count] = PT_X(count - 1);
        dst[2 * new_count + 1] = PT_Y(count - 1);
        new_count++;
    }
    seg__free(stack);
#undef PT_X
#undef PT_Y

    /* remove extra points on nearly straight lines */
    is_closed = is_closed0;
    count = new_count;
#define READ_DST(X, Y)            \
    do {                          \
        X = dst[2 * pos];         \
        Y = dst[2 * pos + 1];     \
        if (++pos >= count)       \
            pos = 0;              \
    } while (0)
    pos = is_closed ? count - 1 : 0;
    READ_DST(sx, sy);
    wpos = pos;
    READ_DST(px, py);
    for (i = !is_closed; i < count - !is_closed && new_count > 2; i++) {
        READ_DST(ex, ey);
        double dx = ex - sx, dy = ey - sy;
        double dist = fabs((px - sx) * dy - (py - sy) * dx);
        int64_t inner = (int64_t)(px - sx) * (ex - px) + (int64_t)(py - sy) * (ey - py);
        if (dist * dist <= 0.5 * eps * (dx * dx + dy * dy) && dx != 0 && dy != 0 && inner >= 0) {
            new_count--;
            dst[2 * wpos] = sx = ex;
            dst[2 * wpos + 1] = sy = ey;
            if (++wpos >= count)
                wpos = 0;
            READ_DST(px, py);
            i++;
            continue;
        }
        dst[2 * wpos] = sx = px;
        dst[2 * wpos + 1] = sy = py;
        if (++wpos >= count)
            wpos = 0;
        px = ex;
        py = ey;
    }
    if (!is_closed) {
        dst[2 * wpos] = px;
        dst[2 * wpos + 1] = py;
    }
#undef READ_DST
    *out_n = new_count;
    return SEG_OK;
}

int seg_point_polygon_test(const int32_t *cnt, int total, double ptx, double pty,
                           int measure_dist, double *result)
{
    seg__clear_error();
    if (!result)
        return seg__fail(SEG_EINVAL, "point_polygon_test: output is NULL");
    *result = 0;
    int rc = check_points(cnt, total, "point_polygon_test");
    if (rc)
        return rc;
    float fx = (float)ptx, fy = (float)pty; /* cv2 takes a Point2f */
    int counter = 0;
    if (total == 0) {
        *result = measure_dist ? -DBL_MAX : -1;
        return SEG_OK;
    }
    int ipx = (int)lrint(fx), ipy = (int)lrint(fy);
    if (!measure_dist && ipx == fx && ipy == fy) {
        int v0x, v0y, vx = cnt[2 * (total - 1)], vy = cnt[2 * (total - 1) + 1];
        for (int i = 0; i < total; i++) {
            v0x = vx;
            v0y = vy;
            vx = cnt[2 * i];
            vy = cnt[2 * i + 1];
            if ((v0y <= ipy && vy <= ipy) || (v0y > ipy && vy > ipy) || (v0x < ipx && vx < ipx)) {
                if (ipy == vy && (ipx == vx || (ipy == v0y && ((v0x <= ipx && ipx <= vx) ||
                                                             (vx <= ipx && ipx <= v0x)))))
                    return SEG_OK; /* 0: on the edge */
                continue;
            }
            int64_t dist = (int64_t)(ipy - v0y) * (vx - v0x) - (int64_t)(ipx - v0x) * (vy - v0y);
            if (dist == 0)
                return SEG_OK;
            if (vy < v0y)
                dist = -dist;
            counter += dist > 0;
        }
        *result = counter % 2 == 0 ? -1 : 1;
        return SEG_OK;
    }
    float v0x, v0y, vx = (float)cnt[2 * (total - 1)], vy = (float)cnt[2 * (total - 1) + 1];
    if (!measure_dist) {
        for (int i = 0; i < total; i++) {
            v0x = vx;
            v0y = vy;
            vx = (float)cnt[2 * i];
            vy = (float)cnt[2 * i + 1];
            if ((v0y <= fy && vy <= fy) || (v0y > fy && vy > fy) || (v0x < fx && vx < fx)) {
                if (fy == vy && (fx == vx || (fy == v0y && ((v0x <= fx && fx <= vx) ||
                                                          (vx <= fx && fx <= v0x)))))
                    return SEG_OK;
                continue;
            }
            double dist = (double)(fy - v0y) * (vx - v0x) - (double)(fx - v0x) * (vy - v0y);
            if (dist == 0)
                return SEG_OK;
            if (vy < v0y)
                dist = -dist;
            counter += dist > 0;
        }
        *result = counter % 2 == 0 ? -1 : 1;
        return SEG_OK;
    }
    double min_num = FLT_MAX, min_den = 1;
    for (int i = 0; i < total; i++) {
        v0x = vx;
        v0y = vy;
        vx = (float)cnt[2 * i];
        vy = (float)cnt[2 * i + 1];
        double dx = vx - v0x, dy = vy - v0y;
        double dx1 = fx - v0x, dy1 = fy - v0y;
        double dx2 = fx - vx, dy2 = fy - vy;
        double num, den = 1;
        if (dx1 * dx + dy1 * dy <= 0)
            num = dx1 * dx1 + dy1 * dy1;
        else if (dx2 * dx + dy2 * dy >= 0)
            num = dx2 * dx2 + dy2 * dy2;
        else {
            num = dy1 * dx - dx1 * dy;
            num *= num;
            den = dx * dx + dy * dy;
        }
        if (num * min_den < min_num * den) {
            min_num = num;
            min_den = den;
            if (min_num == 0)
                break;
        }
        if ((v0y <= fy && vy <= fy) || (v0y > fy && vy > fy) || (v0x < fx && vx < fx))
            continue;
        num = dy1 * dx - dx1 * dy;
        if (dy < 0)
            num = -num;
        counter += num > 0;
    }
    double r = sqrt(min_num / min_den);
    *result = counter % 2 == 0 ? -r : r;
    return SEG_OK;
}
