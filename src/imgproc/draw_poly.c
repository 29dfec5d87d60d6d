/* Filled polygons and contours: ports of CollectPolyEdges / FillEdgeCollection (the
 * scan-line filler with the even-odd rule), cv::fillPoly, cv::polylines and
 * cv::drawContours -> cvDrawContours (which contours a hierarchy and max level select)
 * from OpenCV 4.6's drawing.cpp. */
#include "draw_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef struct poly_edge {
    int y0, y1;
    int64_t x, dx;
    struct poly_edge *next;
} poly_edge;

typedef struct edge_list {
    poly_edge *e;
    size_t n, cap;
    int failed;
} edge_list;

static void push_edge(edge_list *l, const poly_edge *e)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256, bytes;
        poly_edge *p;
        if (l->failed || !seg__mul(cap, sizeof(poly_edge), &bytes) || !(p = seg__malloc(bytes))) {
            l->failed = 1;
            return;
        }
        if (l->n)
            memcpy(p, l->e, l->n * sizeof(poly_edge));
        seg__free(l->e);
        l->e = p;
        l->cap = cap;
    }
    l->e[l->n++] = *e;
}

/* CollectPolyEdges: draw the outline (line types 4/8) and record the non-horizontal
 * edges in 16.16 fixed point. v: count (x, y) pairs with `shift` fractional bits. */
static void collect_poly_edges(const seg__canvas *c, const int64_t *v, int count, edge_list *l,
                               int line_type, int shift, int offx, int offy)
{
    int64_t delta = offy + ((1 << shift) >> 1);
    int64_t p0x = seg__shl(v[2 * (count - 1)] + offx, SEG_XY_SHIFT - shift);
    int64_t p0y = (v[2 * (count - 1) + 1] + delta) >> shift;
    for (int i = 0; i < count; i++) {
        int64_t p1x = seg__shl(v[2 * i] + offx, SEG_XY_SHIFT - shift);
        int64_t p1y = (v[2 * i + 1] + delta) >> shift;
        seg__line(c, (p0x + (SEG_XY_ONE >> 1)) >> SEG_XY_SHIFT, p0y,
                  (p1x + (SEG_XY_ONE >> 1)) >> SEG_XY_SHIFT, p1y, line_type);
        if (p0y != p1y) {
            poly_edge e = {0};
            if (p0y < p1y) {
                e.y0 = (int)p0y;
                e.y1 = (int)p1y;
                e.x = p0x;
            } else {
                e.y0 = (int)p1y;
                e.y1 = (int)p0y;
                e.x = p1x;
            }
            e.dx = (p1x - p0x) / (p1y - p0y);
            push_edge(l, &e);
        }
        p0x = p1x;
        p0y = p1y;
    }
}

static int cmp_edges(const void *a, const void *b)
{
    const poly_edge *e1 = a, *e2 = b;
    if (e1->y0 != e2->y0)
        return e1->y0 < e2->y0 ? -1 : 1;
    if (e1->x != e2->x)
        return e1->x < e2->x ? -1 : 1;
    return e1->dx < e2->dx ? -1 : e1->dx > e2->dx;
}

/* FillEdgeCollection: scan-line fill between pairs of active edges (even-odd). */
static void fill_edge_collection(const seg__canvas *c, edge_list *l)
{
    int total = (int)l->n, i, y;
    int y_max = INT_MIN, y_min = INT_MAX;
    int64_t x_max = INT64_MIN, x_min = INT64_MAX;
    if (total < 2)
        return;
    for (i = 0; i < total; i++) {
        const poly_edge *e1 = &l->e[i];
        int64_t x1 = e1->x + (e1->y1 - e1->y0) * e1->dx;
        y_min = SEG_MIN(y_min, e1->y0);
        y_max = SEG_MAX(y_max, e1->y1);
        x_min = SEG_MIN(x_min, e1->x);
        x_max = SEG_MAX(x_max, e1->x);
        x_min = SEG_MIN(x_min, x1);
        x_max = SEG_MAX(x_max, x1);
    }
    if (y_max < 0 || y_min >= c->height || x_max < 0 ||
        x_min >= ((int64_t)c->width << SEG_XY_SHIFT))
        return;
    qsort(l->e, (size_t)total, sizeof(poly_edge), cmp_edges);
    poly_edge sentinel = {0};
    sentinel.y0 = INT_MAX;
    push_edge(l, &sentinel); /* pointers into l->e are taken only after this push */
    if (l->failed)
        return;
    poly_edge tmp = {0};
    tmp.next = NULL;
    i = 0;
    poly_edge *e = &l->e[0];
    y_max = SEG_MIN(y_max, c->height);
    for (y = e->y0; y < y_max; y++) {
        poly_edge *last, *prelast, *keep_prelast;
        int sort_flag = 0, draw = 0, clipline = y < 0;
        prelast = &tmp;
        last = tmp.next;
        while (last || e->y0 == y) {
            if (last && last->y1 == y) {
                /* the edge ends here */
                prelast->next = last->next;
                last = last->next;
                continue;
            }
            keep_prelast = prelast;
            if (last && (e->y0 > y || last->x < e->x)) {
                prelast = last;
                last = last->next;
            } else if (i < total) {
                prelast->next = e;
                e->next = last;
                prelast = e;
                e = &l->e[++i];
            } else {
                break;
            }
            if (draw) {
                if (!clipline) {
                    uint8_t *row = c->data + (size_t)y * c->step;
                    int x1, x2;
                    if (keep_prelast->x > prelast->x) {
                        x1 = (int)((prelast->x + SEG_XY_ONE - 1) >> SEG_XY_SHIFT);
                        x2 = (int)(keep_prelast->x >> SEG_XY_SHIFT);
                    } else {
                        x1 = (int)((keep_prelast->x + SEG_XY_ONE - 1) >> SEG_XY_SHIFT);
                        x2 = (int)(prelast->x >> SEG_XY_SHIFT);
                    }
                    if (x1 < c->width && x2 >= 0) {
                        if (x1 < 0)
                            x1 = 0;
                        if (x2 >= c->width)
                            x2 = c->width - 1;
                        if (x1 <= x2)
                            seg__hline(c, row, x1, x2);
                    }
                }
                keep_prelast->x += keep_prelast->dx;
                prelast->x += prelast->dx;
            }
            draw ^= 1;
        }
        /* bubble sort of the active list by x */
        keep_prelast = NULL;
        do {
            prelast = &tmp;
            last = tmp.next;
            while (last != keep_prelast && last->next != NULL) {
                poly_edge *te = last->next;
                if (last->x > te->x) {
                    prelast->next = te;
                    last->next = te->next;
                    te->next = last;
                    prelast = te;
                    sort_flag = 1;
                } else {
                    prelast = last;
                    last = te;
                }
            }
            keep_prelast = prelast;
        } while (sort_flag && keep_prelast != tmp.next && keep_prelast != &tmp);
    }
}

/* Check polygons given as points + offsets. */
static int check_polys(const int32_t *points, const size_t *offsets, int count, const char *who)
{
    if (count < 0)
        return seg__fail(SEG_EINVAL, "%s: negative polygon count %d", who, count);
    if (count == 0)
        return SEG_OK;
    if (!offsets)
        return seg__fail(SEG_EINVAL, "%s: offsets are NULL", who);
    for (int i = 0; i < count; i++) {
        if (offsets[i + 1] < offsets[i])
            return seg__fail(SEG_EINVAL, "%s: offsets decrease at polygon %d", who, i);
        if (offsets[i + 1] - offsets[i] > (size_t)INT32_MAX / 2)
            return seg__fail(SEG_ELIMIT, "%s: polygon %d has too many points", who, i);
    }
    if (offsets[count] > 0 && !points)
        return seg__fail(SEG_EINVAL, "%s: points are NULL", who);
    return SEG_OK;
}

/* The points of polygon i widened to int64 (cv2's Point2l), with an optional offset and
 * an optional repeat of the first point at the end (cvDrawContours' closing point). */
static int64_t *widen(const int32_t *points, size_t start, int n, int offx, int offy, int close)
{
    int64_t *v = seg__malloc(((size_t)n + 1) * 2 * sizeof(int64_t));
    if (!v)
        return NULL;
    for (int k = 0; k < n; k++) {
        v[2 * k] = (int64_t)points[2 * (start + k)] + offx;
        v[2 * k + 1] = (int64_t)points[2 * (start + k) + 1] + offy;
    }
    if (close && n > 0) {
        v[2 * n] = v[0];
        v[2 * n + 1] = v[1];
    }
    return v;
}

int seg_draw_polylines(seg_image *img, const int32_t *points, const size_t *offsets, int count,
                       int closed, const double color[4], int thickness, int line_type)
{
    seg__clear_error();
    seg__canvas c;
    int rc = seg__canvas_init(&c, img, color, "draw_polylines");
    if (!rc)
        rc = seg__check_line_args(thickness, line_type, 0, "draw_polylines");
    if (!rc)
        rc = check_polys(points, offsets, count, "draw_polylines");
    if (rc)
        return rc;
    for (int i = 0; i < count; i++) {
        int n = (int)(offsets[i + 1] - offsets[i]);
        if (n == 0)
            continue;
        int64_t *v = widen(points, offsets[i], n, 0, 0, 0);
        if (!v)
            return seg__fail(SEG_ENOMEM, "draw_polylines: out of memory");
        seg__poly_line(&c, v, n, closed != 0, thickness, line_type, 0);
        seg__free(v);
    }
    return SEG_OK;
}

int seg_fill_poly(seg_image *img, const int32_t *points, const size_t *offsets, int count,
                  const double color[4], int line_type, int offset_x, int offset_y)
{
    seg__clear_error();
    seg__canvas c;
    int rc = seg__canvas_init(&c, img, color, "fill_poly");
    if (!rc)
        rc = seg__check_line_args(1, line_type, 0, "fill_poly");
    if (!rc)
        rc = check_polys(points, offsets, count, "fill_poly");
    if (rc)
        return rc;
    edge_list l = {0};
    for (int i = 0; i < count && !l.failed; i++) {
        int n = (int)(offsets[i + 1] - offsets[i]);
        if (n == 0)
            continue;
        int64_t *v = widen(points, offsets[i], n, 0, 0, 0);
        if (!v) {
            l.failed = 1;
            break;
        }
        collect_poly_edges(&c, v, n, &l, line_type, 0, offset_x, offset_y);
        seg__free(v);
    }
    if (!l.failed)
        fill_edge_collection(&c, &l);
    seg__free(l.e);
    return l.failed ? seg__fail(SEG_ENOMEM, "fill_poly: out of memory") : SEG_OK;
}

/* The contour tree as cv::drawContours links it (seq[i].h_next / v_next / v_prev). */
typedef struct tree {
    int *h_next, *v_next, *v_prev;
    unsigned char *seen;
} tree;

static int link_from_hierarchy(tree *t, const int32_t *h, int n, int i, int bound)
{
    int hn = h[4 * i], vn = h[4 * i + 2], vp = h[4 * i + 3];
    t->h_next[i] = (unsigned)hn < (unsigned)bound ? hn : -1;
    t->v_next[i] = (unsigned)vn < (unsigned)bound ? vn : -1;
    t->v_prev[i] = (unsigned)vp < (unsigned)bound ? vp : -1;
    (void)n;
    return SEG_OK;
}

int seg_draw_contours(seg_image *img, const int32_t *points, const size_t *offsets, int count,
                      int contour_idx, const double color[4], int thickness, int line_type,
                      const int32_t *hierarchy, int max_level, int offset_x, int offset_y)
{
    seg__clear_error();
    seg__canvas c;
    int rc = seg__canvas_init(&c, img, color, "draw_contours");
    if (!rc)
        rc = seg__check_line_args(thickness, line_type, 1, "draw_contours");
    if (!rc)
        rc = check_polys(points, offsets, count, "draw_contours");
    if (rc)
        return rc;
    if (count == 0)
        return SEG_OK;
    if (contour_idx >= count || contour_idx < -1)
        return seg__fail(SEG_EINVAL, "draw_contours: contour index %d is not in -1..%d",
                         contour_idx, count - 1);
    int first = 0, last = count;
    if (contour_idx >= 0) {
        first = contour_idx;
        last = contour_idx + 1;
    }
    tree t;
    t.h_next = seg__malloc((size_t)count * 3 * sizeof(int));
    t.seen = seg__calloc((size_t)count, 1);
    if (!t.h_next || !t.seen) {
        seg__free(t.h_next);
        seg__free(t.seen);
        return seg__fail(SEG_ENOMEM, "draw_contours: out of memory");
    }
    t.v_next = t.h_next + count;
    t.v_prev = t.v_next + count;
    for (int i = 0; i < 3 * count; i++)
        t.h_next[i] = -1;
    if (!hierarchy || max_level == 0) {
        for (int i = first; i < last; i++)
            t.h_next[i] = i < last - 1 ? i + 1 : -1;
    } else if (last - first == count) {
        for (int i = first; i < last; i++)
            link_from_hierarchy(&t, hierarchy, count, i, count);
    } else {
        /* addChildContour: the chosen contour's descendants, linked from the hierarchy */
        int child = hierarchy[4 * first + 2];
        if (child >= 0 && child < count) {
            int *stack = seg__malloc((size_t)count * sizeof(int));
            int top = 0;
            if (!stack) {
                seg__free(t.h_next);
                seg__free(t.seen);
                return seg__fail(SEG_ENOMEM, "draw_contours: out of memory");
            }
            stack[top++] = child;
            while (top > 0) {
                for (int i = stack[--top]; i >= 0 && i < count; i = hierarchy[4 * i]) {
                    if (t.seen[i]) {
                        seg__free(stack);
                        seg__free(t.h_next);
                        seg__free(t.seen);
                        return seg__fail(SEG_EINVAL, "draw_contours: the hierarchy has a "
                                                     "cycle at contour %d", i);
                    }
                    t.seen[i] = 1;
                    link_from_hierarchy(&t, hierarchy, count, i, count);
                    if (hierarchy[4 * i + 2] >= 0 && hierarchy[4 * i + 2] < count)
                        stack[top++] = hierarchy[4 * i + 2];
                }
            }
            seg__free(stack);
            memset(t.seen, 0, (size_t)count);
            t.v_next[first] = child;
        }
    }

    /* cvDrawContours: walk the tree from `first` down to max_level levels */
    int ml = contour_idx >= 0 ? (max_level == INT_MIN ? INT_MAX : -max_level) : max_level;
    ml = SEG_MAX(ml, INT_MIN + 2);
    ml = SEG_MIN(ml, INT_MAX - 1);
    if (ml < 0) {
        t.h_next[first] = -1;
        ml = -ml + 1;
    }
    edge_list l = {0};
    rc = SEG_OK;
    int node = first, level = 0;
    while (node >= 0) {
        if (t.seen[node]) {
            rc = seg__fail(SEG_EINVAL, "draw_contours: the hierarchy has a cycle at contour %d",
                           node);
            break;
        }
        t.seen[node] = 1;
        int n = (int)(offsets[node + 1] - offsets[node]);
        if (n == 0) {
            rc = seg__fail(SEG_EINVAL, "draw_contours: contour %d is empty", node);
            break;
        }
        int64_t *v = widen(points, offsets[node], n, offset_x, offset_y, 1);
        if (!v) {
            rc = seg__fail(SEG_ENOMEM, "draw_contours: out of memory");
            break;
        }
        if (thickness >= 0) {
            for (int k = 0; k < n; k++)
                seg__thick_line(&c, v[2 * k], v[2 * k + 1], v[2 * k + 2], v[2 * k + 3], thickness,
                                line_type, 2, 0);
        } else {
            collect_poly_edges(&c, v, n + 1, &l, line_type, 0, 0, 0);
        }
        seg__free(v);
        if (l.failed) {
            rc = seg__fail(SEG_ENOMEM, "draw_contours: out of memory");
            break;
        }
        /* cvNextTreeNode */
        if (t.v_next[node] >= 0 && level + 1 < ml) {
            node = t.v_next[node];
            level++;
        } else {
            while (node >= 0 && t.h_next[node] < 0) {
                node = t.v_prev[node];
                if (--level < 0)
                    node = -1;
            }
            node = node >= 0 && ml != 0 ? t.h_next[node] : -1; /* max level 0: one */
        }
    }
    if (rc == SEG_OK && thickness < 0)
        fill_edge_collection(&c, &l);
    if (rc == SEG_OK && l.failed)
        rc = seg__fail(SEG_ENOMEM, "draw_contours: out of memory");
    seg__free(l.e);
    seg__free(t.h_next);
    seg__free(t.seen);
    return rc;
}
