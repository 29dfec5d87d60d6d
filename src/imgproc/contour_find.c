/* seg_find_contours: Suzuki-Abe border following, a faithful port of OpenCV 4.6's
 * cvFindNextContour / icvFetchContourEx / icvTraceContour (modules/imgproc/src/
 * contours.cpp) so that the contours, their order, start points and hierarchy are the
 * same as cv2.findContours'.
 *
 * How cv2 does it (and so how this file does it): the image is copied with a 1-pixel zero
 * border and binarised to 0/1 in an int8 buffer. A raster scan looks for a 0->1 step
 * (outer border) or a >=1 -> 0 step (hole border); each border found is followed
 * clockwise/counter-clockwise with the 8-neighbourhood, its pixels marked with the
 * border's number NBD (or NBD | 0x80 on the right-most pixels, where the scan leaves the
 * region). The parent of a new border is found from the last border met on the row
 * (LNBD): cv2 keeps 126 NBD values in rotation and resolves clashes between borders
 * sharing a value by their bounding boxes and, if still ambiguous, by tracing the
 * candidate again; this port keeps that rule exactly. Borders are inserted at the head
 * of their parent's child list and written out depth-first, which is cv2's order. */
#include "internal.h"

#include <string.h>

enum { MAX_SIZE = 16 };

static const int code_dx[8] = {1, 1, 0, -1, -1, -1, 0, 1};
static const int code_dy[8] = {0, -1, -1, -1, 0, 1, 1, 1};

typedef struct node {
    int is_hole;
    int parent;                 /* node index; 0 is the frame (the image border) */
    int rx, ry, rw, rh;         /* bounding box in padded coordinates */
    int ox, oy;                 /* origin (start pixel), padded coordinates */
    int h_next, h_prev, v_next; /* tree links as node indices, 0 for none */
    size_t start, n;            /* its points in the scratch point buffer */
} node;

/* The borders marked with one NBD value, oldest first (cv2 walks them newest first).
 * Only borders whose box still reaches the current row can contain a later LNBD, so the
 * others are dropped as the scan moves down: the same candidates in the same order as
 * cv2's full list, without walking the dead ones again and again. */
typedef struct cand {
    int rx, rw, ry_end, idx;
} cand;

typedef struct cand_list {
    cand *v;
    int n, cap, pruned_y;
} cand_list;

typedef struct finder {
    int8_t *img0;     /* padded, binarised copy */
    ptrdiff_t step;
    int deltas[MAX_SIZE];
    node *nodes;
    int nnodes, cap_nodes;
    int32_t *pts;     /* x, y pairs in output coordinates */
    size_t npts, cap_pts;
    int failed;       /* out of memory while growing */
    cand_list lists[128];
} finder;

static int push_cand(cand_list *l, const node *nd, int idx)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 16;
        cand *v = seg__malloc((size_t)cap * sizeof(cand));
        if (!v)
            return -1;
        if (l->n)
            memcpy(v, l->v, (size_t)l->n * sizeof(cand));
        seg__free(l->v);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (cand){nd->rx, nd->rw, nd->ry + nd->rh, idx};
    return 0;
}

/* Drop the borders whose box ends above row y; the rest keep their order. */
static void prune(cand_list *l, int y)
{
    if (l->pruned_y == y)
        return;
    int k = 0;
    for (int i = 0; i < l->n; i++)
        if (l->v[i].ry_end > y)
            l->v[k++] = l->v[i];
    l->n = k;
    l->pruned_y = y;
}

static int grow_nodes(finder *f)
{
    if (f->nnodes < f->cap_nodes)
        return 0;
    size_t cap = f->cap_nodes ? (size_t)f->cap_nodes * 2 : 256, bytes;
    if (cap > (size_t)INT32_MAX || !seg__mul(cap, sizeof(node), &bytes))
        return -1;
    node *n = seg__malloc(bytes);
    if (!n)
        return -1;
    if (f->nnodes)
        memcpy(n, f->nodes, (size_t)f->nnodes * sizeof(node));
    seg__free(f->nodes);
    f->nodes = n;
    f->cap_nodes = (int)cap;
    return 0;
}

static inline void push_point(finder *f, int x, int y)
{
    if (f->npts == f->cap_pts) {
        size_t cap = f->cap_pts ? f->cap_pts * 2 : 4096, bytes;
        int32_t *p;
        if (f->failed || !seg__mul(cap, 2 * sizeof(int32_t), &bytes) ||
            !(p = seg__malloc(bytes))) {
            f->failed = 1;
            return;
        }
        if (f->npts)
            memcpy(p, f->pts, f->npts * 2 * sizeof(int32_t));
        seg__free(f->pts);
        f->pts = p;
        f->cap_pts = cap;
    }
    f->pts[2 * f->npts] = x - 1; /* undo the 1-pixel border */
    f->pts[2 * f->npts + 1] = y - 1;
    f->npts++;
}

/* icvFetchContourEx: follow the border starting at ptr (pixel (x, y)), mark it with nbd,
 * append its points and compute its bounding box into nd. */
static void fetch_contour(finder *f, int8_t *ptr, int x, int y, int approx, int nbd, node *nd)
{
    const int *deltas = f->deltas;
    int8_t *i0 = ptr, *i1, *i3, *i4 = NULL;
    int prev_s = -1, s, s_end;
    int simple = approx == SEG_CHAIN_APPROX_SIMPLE;
    int rx = x, rw = x, ry = y, rh = y;

    s_end = s = nd->is_hole ? 0 : 4;
    do {
        s = (s - 1) & 7;
        i1 = i0 + deltas[s];
    } while (*i1 == 0 && s != s_end);

    if (s == s_end) { /* single pixel domain */
        *i0 = (int8_t)(nbd | 0x80);
        push_point(f, x, y);
    } else {
        i3 = i0;
        prev_s = s ^ 4;
        for (;;) {
            s_end = s;
            s = SEG_MIN(s, MAX_SIZE - 1);
            while (s < MAX_SIZE - 1) {
                i4 = i3 + deltas[++s];
                if (*i4 != 0)
                    break;
            }
            s &= 7;
            /* the scan leaves the region at this pixel: mark it as a right border */
            if ((unsigned)(s - 1) < (unsigned)s_end)
                *i3 = (int8_t)(nbd | 0x80);
            else if (*i3 == 1)
                *i3 = (int8_t)nbd;

            if (s != prev_s || !simple)
                push_point(f, x, y);
            if (s != prev_s) {
                if (x < rx)
                    rx = x;
                else if (x > rw)
                    rw = x;
                if (y < ry)
                    ry = y;
                else if (y > rh)
                    rh = y;
            }
            prev_s = s;
            x += code_dx[s];
            y += code_dy[s];
            if (i4 == i0 && i3 == i1)
                break;
            i3 = i4;
            s = (s + 4) & 7;
        }
    }
    nd->rx = rx;
    nd->ry = ry;
    nd->rw = rw - rx + 1;
    nd->rh = rh - ry + 1;
}

/* icvTraceContour: follow a border again until stop_ptr; 1 when the border passes
 * there and is the last one a raster scan meets at that pixel. */
static int trace_contour(const finder *f, int8_t *ptr, const int8_t *stop_ptr, int is_hole)
{
    const int *deltas = f->deltas;
    int8_t *i0 = ptr, *i1, *i3, *i4 = NULL;
    int s, s_end;

    s_end = s = is_hole ? 0 : 4;
    do {
        s = (s - 1) & 7;
        i1 = i0 + deltas[s];
    } while (*i1 == 0 && s != s_end);
    i3 = i0;
    if (s == s_end)
        return i3 == stop_ptr;
    for (;;) {
        s = SEG_MIN(s, MAX_SIZE - 1);
        while (s < MAX_SIZE - 1) {
            i4 = i3 + deltas[++s];
            if (*i4 != 0)
                break;
        }
        if (i3 == stop_ptr) {
            if (!(*i3 & 0x80))
                return 1; /* the only contour through this pixel */
            int t = s;
            for (;;) {
                t = (t - 1) & 7;
                if (i3[deltas[t]] != 0)
                    break;
                if (t == 0)
                    return 1;
            }
        }
        if (i4 == i0 && i3 == i1)
            break;
        i3 = i4;
        s = (s + 4) & 7;
    }
    return 0;
}

/* Next x in [x, width) where row[x] != prev, or width. Eight bytes at a time. */
static inline int scan_run(const int8_t *row, int x, int width, int prev)
{
    uint64_t pat = (uint64_t)(uint8_t)prev * 0x0101010101010101ull;
    for (; x + 8 <= width; x += 8) {
        uint64_t v;
        memcpy(&v, row + x, 8);
        v ^= pat;
        if (v)
            return x + (__builtin_ctzll(v) >> 3);
    }
    for (; x < width && row[x] == prev; x++)
        ;
    return x;
}

static void insert_node(finder *f, int idx, int parent)
{
    node *nd = &f->nodes[idx], *par = &f->nodes[parent];
    nd->h_next = par->v_next;
    nd->h_prev = 0;
    if (par->v_next)
        f->nodes[par->v_next].h_prev = idx;
    par->v_next = idx;
}

/* cvFindNextContour, as one loop over the whole image. */
static int scan(finder *f, int wp, int hp, int mode, int approx)
{
    int8_t *img0 = f->img0;
    ptrdiff_t step = f->step;
    int width = wp - 1, height = hp - 1;
    int nbd = 2;

    for (int y = 1; y < height; y++) {
        int8_t *img = img0 + y * step;
        int lnbd_x = 0;
        int prev = 0, p;
        for (int x = 1; x < width; x++) {
            x = scan_run(img, x, width, prev);
            if (x >= width)
                break;
            p = img[x];
            int is_hole = 0, par = 0;
            if (!(prev == 0 && p == 1)) {
                if (p != 0 || prev < 1)
                    goto resume_scan;
                if (prev & -2)
                    lnbd_x = x - 1;
                is_hole = 1;
            }
            if (mode == SEG_RETR_EXTERNAL && (is_hole || img[lnbd_x] > 0))
                goto resume_scan;

            if (mode <= SEG_RETR_LIST || (!is_hole && mode == SEG_RETR_CCOMP) || lnbd_x <= 0) {
                par = 0;
            } else {
                int lval = img[lnbd_x] & 0x7f;
                int found = -1;
                cand_list *l = &f->lists[lval];
                prune(l, y); /* every remaining box spans row y: only x needs testing */
                for (int i = l->n - 1; i >= 0; i--) {
                    const cand *cd = &l->v[i];
                    if ((unsigned)(lnbd_x - cd->rx) < (unsigned)cd->rw) {
                        if (found > 0) {
                            const node *pn = &f->nodes[found];
                            if (trace_contour(f, img0 + pn->oy * step + pn->ox, img + lnbd_x,
                                              pn->is_hole) > 0)
                                break;
                        }
                        found = cd->idx;
                    }
                }
                if (found <= 0)
                    return seg__fail(SEG_EINTERNAL, "find_contours: no parent border found");
                par = found;
                if (f->nodes[par].is_hole == is_hole)
                    par = f->nodes[par].parent; /* 0 (the frame) at the top */
                if (f->nodes[par].is_hole == is_hole)
                    return seg__fail(SEG_EINTERNAL, "find_contours: inconsistent hierarchy");
            }

            lnbd_x = x - is_hole;
            if (grow_nodes(f))
                return seg__fail(SEG_ENOMEM, "find_contours: out of memory");
            int idx = f->nnodes++;
            node *nd = &f->nodes[idx];
            memset(nd, 0, sizeof *nd);
            nd->is_hole = is_hole;
            nd->parent = par;
            nd->ox = x - is_hole;
            nd->oy = y;
            nd->start = f->npts;
            int lval = 2;
            if (mode > SEG_RETR_LIST) {
                lval = nbd;
                nbd = (nbd + 1) & 127;
                nbd += nbd == 0 ? 3 : 0;
            }
            fetch_contour(f, img + x - is_hole, x - is_hole, y, approx, lval, nd);
            if (f->failed)
                return seg__fail(SEG_ENOMEM, "find_contours: out of memory");
            nd->n = f->npts - nd->start;
            if (mode > SEG_RETR_LIST && push_cand(&f->lists[lval], nd, idx))
                return seg__fail(SEG_ENOMEM, "find_contours: out of memory");
            insert_node(f, idx, par);
            /* cv2 resumes after the border's start with the pixel's new value */
            prev = img[x];
            continue;
        resume_scan:
            prev = p;
            if (prev & -2)
                lnbd_x = x;
        }
    }
    return SEG_OK;
}

typedef struct pad_ctx {
    const seg_image *src;
    int8_t *dst;
    ptrdiff_t step;
} pad_ctx;

static void pad_rows(void *vctx, int64_t begin, int64_t end)
{
    const pad_ctx *c = vctx;
    int w = c->src->width;
    for (int64_t y = begin; y < end; y++) {
        const uint8_t *s = seg__row(c->src, (int)y);
        int8_t *d = c->dst + (y + 1) * c->step;
        d[0] = 0;
        for (int x = 0; x < w; x++)
            d[x + 1] = s[x] != 0;
        d[w + 1] = 0;
    }
}

/* Lay the nodes out depth-first (cvTreeToNodeSeq) into one seg_contours block. */
static int build_output(finder *f, seg_contours **out)
{
    int count = f->nnodes - 1;
    size_t head = (sizeof(seg_contours) + 15) & ~(size_t)15, off_bytes, hier_bytes, pt_bytes,
           total;
    if (!seg__mul((size_t)count + 1, sizeof(size_t), &off_bytes) ||
        !seg__mul((size_t)count, 4 * sizeof(int32_t), &hier_bytes) ||
        !seg__mul(f->npts, 2 * sizeof(int32_t), &pt_bytes) || !seg__add(head, off_bytes, &total) ||
        !seg__add(total, hier_bytes, &total) || !seg__add(total, pt_bytes, &total))
        return seg__fail(SEG_EOVERFLOW, "find_contours: output size overflows");
    int *order = seg__malloc(((size_t)count + 1) * sizeof(int));
    int *color = seg__malloc(((size_t)f->nnodes) * sizeof(int));
    uint8_t *block = seg__malloc(total);
    if (!order || !color || !block) {
        seg__free(order);
        seg__free(color);
        seg__free(block);
        return seg__fail(SEG_ENOMEM, "find_contours: cannot allocate the result");
    }
    /* pre-order walk: child first, then next sibling, climbing back up as needed */
    int k = 0;
    for (int nd = f->nodes[0].v_next; nd;) {
        color[nd] = k;
        order[k++] = nd;
        if (f->nodes[nd].v_next) {
            nd = f->nodes[nd].v_next;
            continue;
        }
        while (nd && !f->nodes[nd].h_next)
            nd = f->nodes[nd].parent;
        nd = nd ? f->nodes[nd].h_next : 0;
    }
    color[0] = -1;
    seg_contours *c = (seg_contours *)block;
    size_t *offsets = (size_t *)(block + head);
    int32_t *hier = (int32_t *)(block + head + off_bytes);
    int32_t *pts = (int32_t *)(block + head + off_bytes + hier_bytes);
    size_t pos = 0;
    for (int i = 0; i < k; i++) {
        const node *nd = &f->nodes[order[i]];
        offsets[i] = pos;
        memcpy(pts + 2 * pos, f->pts + 2 * nd->start, nd->n * 2 * sizeof(int32_t));
        pos += nd->n;
        hier[4 * i] = nd->h_next ? color[nd->h_next] : -1;
        hier[4 * i + 1] = nd->h_prev ? color[nd->h_prev] : -1;
        hier[4 * i + 2] = nd->v_next ? color[nd->v_next] : -1;
        hier[4 * i + 3] = nd->parent ? color[nd->parent] : -1;
    }
    offsets[k] = pos;
    c->count = k;
    c->total_points = pos;
    c->points = pts;
    c->offsets = offsets;
    c->hierarchy = hier;
    seg__free(order);
    seg__free(color);
    if (k != count) {
        seg__free(block);
        return seg__fail(SEG_EINTERNAL, "find_contours: broken contour tree");
    }
    *out = c;
    return SEG_OK;
}

int seg_find_contours(const seg_image *src, int mode, int method, seg_contours **out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "find_contours: output pointer is NULL");
    *out = NULL;
    int rc = seg__check_input(src, SEG_TYPES(SEG_U8), 1u << 1, "find_contours");
    if (rc)
        return rc;
    if (mode < SEG_RETR_EXTERNAL || mode > SEG_RETR_TREE)
        return seg__fail(SEG_EINVAL, "find_contours: unknown mode %d (0..3: external, list, "
                                     "ccomp, tree)", mode);
    if (method != SEG_CHAIN_APPROX_NONE && method != SEG_CHAIN_APPROX_SIMPLE)
        return seg__fail(SEG_EINVAL, "find_contours: unknown method %d (1: none, 2: simple)",
                         method);
    int wp = src->width + 2, hp = src->height + 2;
    size_t bytes;
    if (src->width > INT32_MAX - 2 || src->height > INT32_MAX - 2 ||
        !seg__mul((size_t)wp, (size_t)hp, &bytes))
        return seg__fail(SEG_EOVERFLOW, "find_contours: %dx%d image is too large", src->width,
                         src->height);
    finder f;
    memset(&f, 0, sizeof f);
    f.step = wp;
    f.img0 = seg__malloc(bytes);
    if (!f.img0 || grow_nodes(&f)) {
        seg__free(f.img0);
        seg__free(f.nodes);
        return seg__fail(SEG_ENOMEM, "find_contours: cannot allocate %zu bytes", bytes);
    }
    memset(f.img0, 0, (size_t)wp);
    memset(f.img0 + (size_t)(hp - 1) * wp, 0, (size_t)wp);
    /* one thread on purpose: the copy is memory-bound (a few ms at 4K) and the rest of
     * the scan is serial, so a parallel region would only add a fork/join, which costs
     * far more than the copy when the machine's other cores are busy */
    pad_ctx pc = {src, f.img0, f.step};
    pad_rows(&pc, 0, src->height);
    int d[8] = {1, (int)(-f.step + 1), (int)-f.step, (int)(-f.step - 1),
                -1, (int)(f.step - 1), (int)f.step, (int)(f.step + 1)};
    for (int i = 0; i < MAX_SIZE; i++)
        f.deltas[i] = d[i & 7];
    /* node 0 is the frame: a hole with no parent */
    memset(&f.nodes[0], 0, sizeof(node));
    f.nodes[0].is_hole = 1;
    f.nodes[0].rw = wp;
    f.nodes[0].rh = hp;
    f.nnodes = 1;
    for (int i = 0; i < 128; i++)
        f.lists[i].pruned_y = -1;

    rc = scan(&f, wp, hp, mode, method);
    if (rc == SEG_OK)
        rc = build_output(&f, out);
    seg__free(f.img0);
    seg__free(f.nodes);
    seg__free(f.pts);
    for (int i = 0; i < 128; i++)
        seg__free(f.lists[i].v);
    return rc;
}

void seg_contours_free(seg_contours *contours)
{
    seg__free(contours);
}
