/* Chamfer distance transforms with OpenCV 4.6's arithmetic (distransform.cpp):
 * distances in 16.16 fixed point, a forward raster pass over the upper half of the
 * mask, a backward pass over the lower half, then d = (float)t * 2^-16. The border is
 * cv2's DIST_MAX = INT_MAX >> 2 (which is why an image with no zero pixel comes out as
 * 8192 everywhere), and the forward pass clamps to it as cv2 does.
 *
 * Without labels, the minimum over the mask is order-independent, so each row is done
 * as a vectorisable minimum over the previous (next) rows followed by a short scalar
 * scan along the row; values are identical to cv2's pixel-by-pixel loops (all weights
 * are >= the horizontal weight, which makes cv2's "t0 > HV_DIST" shortcut a no-op).
 * With labels, ties decide which label wins, so that variant follows cv2's comparison
 * order pixel by pixel. */
#include "imgproc/distance_internal.h"

#include <math.h>
#include <string.h>

#define DIST_MAX (INT32_MAX >> 2)

#define CHAMFER_ROWS_FN seg__chamfer_rows_plain
#include "imgproc/distance_chamfer_rows.h"
void seg__chamfer_rows_avx2(const int32_t *restrict n1, const int32_t *restrict n2,
                            int32_t *restrict r, int w, int five, int32_t hv, int32_t diag,
                            int32_t lng, const uint8_t *restrict src, int32_t cap);

typedef struct weights {
    int32_t hv, diag, lng;
} weights;

/* cv2's getDistanceTransformMask and CV_FLT_TO_FIX (round half to even of w * 2^16). */
static weights chamfer_weights(int dist_type, int mask_size)
{
    static const float table[2][3][3] = {
        {{1.0f, 1.0f, 0}, {1.0f, 2.0f, 0}, {0.955f, 1.3693f, 0}},
        {{1.0f, 1.0f, 2.0f}, {1.0f, 2.0f, 3.0f}, {1.0f, 1.4f, 2.1969f}},
    };
    int row = dist_type == SEG_DIST_C ? 0 : dist_type == SEG_DIST_L1 ? 1 : 2;
    const float *m = table[mask_size == SEG_DIST_MASK_5][row];
    weights w;
    w.hv = (int32_t)lrintf(m[0] * 65536.0f);
    w.diag = (int32_t)lrintf(m[1] * 65536.0f);
    w.lng = (int32_t)lrintf(m[2] * 65536.0f);
    return w;
}

static inline int32_t min32(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

/* The padded work buffer: (h + 2b) rows of (w + 2b) int32, border filled with DIST_MAX. */
typedef struct work {
    int32_t *buf;
    size_t step; /* int32 per row */
    int border;
} work;

static int work_alloc(work *t, int w, int h, int border, const char *who)
{
    size_t cols = (size_t)w + 2 * (size_t)border, rows = (size_t)h + 2 * (size_t)border, n;
    if (!seg__mul(cols, rows, &n) || !seg__mul(n, sizeof(int32_t), &n))
        return seg__fail(SEG_EOVERFLOW, "%s: %dx%d overflows", who, w, h);
    t->buf = seg__malloc(n);
    if (!t->buf)
        return seg__fail(SEG_ENOMEM, "%s: cannot allocate %zu bytes", who, n);
    t->step = cols;
    t->border = border;
    for (size_t r = 0; r < rows; r++) {
        int32_t *row = t->buf + r * cols;
        if (r < (size_t)border || r >= rows - (size_t)border) {
            for (size_t c = 0; c < cols; c++)
                row[c] = DIST_MAX;
        } else {
            for (int c = 0; c < border; c++)
                row[c] = row[cols - 1 - (size_t)c] = DIST_MAX;
        }
    }
    return SEG_OK;
}

/* Pointer to pixel (0, y) of the padded buffer; y may be -border .. h + border - 1. */
static inline int32_t *work_row(const work *t, int y)
{
    return t->buf + (size_t)(y + t->border) * t->step + (size_t)t->border;
}

int seg__distance_chamfer(const seg_image *src, seg_image *dst, int dist_type, int mask_size)
{
    const int w = src->width, h = src->height, five = mask_size == SEG_DIST_MASK_5;
    const weights k = chamfer_weights(dist_type, mask_size);
    work t = {0};
    int rc = work_alloc(&t, w, h, five ? 2 : 1, "distance_transform");
    if (rc)
        return rc;
    void (*rows)(const int32_t *restrict, const int32_t *restrict, int32_t *restrict, int, int,
                 int32_t, int32_t, int32_t, const uint8_t *restrict, int32_t) =
        (seg__cpu_active() & SEG_CPU_AVX2) ? seg__chamfer_rows_avx2 : seg__chamfer_rows_plain;

    for (int y = 0; y < h; y++) {
        const uint8_t *s = seg__row(src, y);
        int32_t *r = work_row(&t, y);
        const int32_t *u1 = work_row(&t, y - 1), *u2 = work_row(&t, y - 2 + !five);
        /* minimum over the mask's part in the rows above (independent across x) */
        rows(u1, u2, r, w, five, k.hv, k.diag, k.lng, s, DIST_MAX);
        /* r is already 0 on zero pixels and capped at DIST_MAX, and prev + hv >= 0, so
         * cv2's min(r, prev + hv, DIST_MAX) on non-zero pixels is min(r, prev + hv) */
        int32_t prev = DIST_MAX;
        for (int x = 0; x < w; x++) {
            int32_t v = min32(r[x], prev + k.hv);
            r[x] = v;
            prev = v;
        }
    }

    const float scale = 1.0f / 65536.0f;
    for (int y = h - 1; y >= 0; y--) {
        int32_t *r = work_row(&t, y);
        const int32_t *d1 = work_row(&t, y + 1), *d2 = work_row(&t, y + 2 - !five);
        float *out = seg__row(dst, y);
        rows(d1, d2, r, w, five, k.hv, k.diag, k.lng, NULL, DIST_MAX);
        int32_t next = DIST_MAX;
        for (int x = w - 1; x >= 0; x--) {
            int32_t v = min32(r[x], next + k.hv);
            r[x] = v;
            next = v;
        }
        for (int x = 0; x < w; x++)
            out[x] = (float)r[x] * scale;
    }
    seg__free(t.buf);
    return SEG_OK;
}

/* Union-find root with path halving. */
static int32_t uf_find(int32_t *parent, int32_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static void uf_union(int32_t *parent, int32_t a, int32_t b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a < b)
        parent[b] = a;
    else if (b < a)
        parent[a] = b;
}

/* Number the 8-connected components of zero pixels 1..N in the order of their first
 * pixel in raster order (what cv2.connectedComponents(src == 0, 8) gives), writing
 * them into the padded label buffer `lab` (0 elsewhere). */
static int label_zero_components(const seg_image *src, const work *lab)
{
    const int w = src->width, h = src->height;
    size_t n = (size_t)w * (size_t)h;
    int32_t *parent = seg__malloc(n * sizeof(int32_t));
    if (!parent)
        return seg__fail(SEG_ENOMEM, "distance_transform_with_labels: cannot allocate %zu bytes",
                         n * sizeof(int32_t));
    for (int y = 0; y < h; y++) {
        const uint8_t *s = seg__row(src, y), *su = y ? seg__row(src, y - 1) : NULL;
        for (int x = 0; x < w; x++) {
            int32_t i = (int32_t)((size_t)y * (size_t)w + (size_t)x);
            parent[i] = i;
            if (s[x])
                continue;
            if (x > 0 && !s[x - 1])
                uf_union(parent, i, i - 1);
            if (su) {
                for (int dx = -1; dx <= 1; dx++)
                    if (x + dx >= 0 && x + dx < w && !su[x + dx])
                        uf_union(parent, i, i - w + dx);
            }
        }
    }
    /* Every parent has a smaller index than its child, so one raster pass flattens the
     * forest; a root is its set's first pixel in raster order and is labelled first. */
    int32_t next = 1;
    for (int y = 0; y < h; y++) {
        const uint8_t *s = seg__row(src, y);
        int32_t *l = work_row(lab, y);
        for (int x = 0; x < w; x++) {
            int32_t i = (int32_t)((size_t)y * (size_t)w + (size_t)x);
            parent[i] = parent[parent[i]];
            int32_t r = parent[i];
            if (s[x])
                l[x] = 0;
            else if (r == i)
                l[x] = next++;
            else
                l[x] = work_row(lab, r / w)[r % w];
        }
    }
    seg__free(parent);
    return SEG_OK;
}

int seg__distance_chamfer_labels(const seg_image *src, seg_image *dst, seg_image *labels,
                                 int dist_type, int label_type)
{
    const int w = src->width, h = src->height;
    const weights k = chamfer_weights(dist_type, SEG_DIST_MASK_5);
    const char *who = "distance_transform_with_labels";
    work t = {0}, lab = {0};
    int rc = work_alloc(&t, w, h, 2, who);
    if (rc)
        return rc;
    rc = work_alloc(&lab, w, h, 2, who);
    if (rc) {
        seg__free(t.buf);
        return rc;
    }
    if (label_type == SEG_DIST_LABEL_CCOMP) {
        rc = label_zero_components(src, &lab);
        if (rc)
            goto done;
    } else {
        int32_t next = 1;
        for (int y = 0; y < h; y++) {
            const uint8_t *s = seg__row(src, y);
            int32_t *l = work_row(&lab, y);
            for (int x = 0; x < w; x++)
                l[x] = s[x] ? 0 : next++;
        }
    }
    const ptrdiff_t ts = (ptrdiff_t)t.step, ls = (ptrdiff_t)lab.step;
    for (int y = 0; y < h; y++) {
        const uint8_t *s = seg__row(src, y);
        int32_t *tr = work_row(&t, y), *lr = work_row(&lab, y);
        for (int x = 0; x < w; x++) {
            if (!s[x]) {
                tr[x] = 0;
                continue;
            }
            int32_t t0 = DIST_MAX, l0 = 0;
            const int32_t *tp = tr + x;
            const int32_t *lp = lr + x;
/* one candidate: strictly smaller wins, so earlier candidates win ties (cv2's order) */
#define TRYP(ofs_t, ofs_l, wt)                \
    do {                                      \
        int32_t t_ = tp[ofs_t] + (wt);        \
        if (t0 > t_) {                        \
            t0 = t_;                          \
            l0 = lp[ofs_l];                   \
        }                                     \
    } while (0)
            TRYP(-2 * ts - 1, -2 * ls - 1, k.lng);
            TRYP(-2 * ts + 1, -2 * ls + 1, k.lng);
            TRYP(-ts - 2, -ls - 2, k.lng);
            TRYP(-ts - 1, -ls - 1, k.diag);
            TRYP(-ts, -ls, k.hv);
            TRYP(-ts + 1, -ls + 1, k.diag);
            TRYP(-ts + 2, -ls + 2, k.lng);
            TRYP(-1, -1, k.hv);
            tr[x] = t0;
            lr[x] = l0;
        }
    }
    const float scale = 1.0f / 65536.0f;
    for (int y = h - 1; y >= 0; y--) {
        int32_t *tr = work_row(&t, y), *lr = work_row(&lab, y);
        float *out = seg__row(dst, y);
        int32_t *lout = seg__row(labels, y);
        for (int x = w - 1; x >= 0; x--) {
            const int32_t *tp = tr + x;
            const int32_t *lp = lr + x;
            int32_t t0 = tp[0], l0 = lp[0];
            if (t0 > k.hv) {
                TRYP(2 * ts + 1, 2 * ls + 1, k.lng);
                TRYP(2 * ts - 1, 2 * ls - 1, k.lng);
                TRYP(ts + 2, ls + 2, k.lng);
                TRYP(ts + 1, ls + 1, k.diag);
                TRYP(ts, ls, k.hv);
                TRYP(ts - 1, ls - 1, k.diag);
                TRYP(ts - 2, ls - 2, k.lng);
                TRYP(1, 1, k.hv);
                tr[x] = t0;
                lr[x] = l0;
            }
            out[x] = (float)t0 * scale;
            lout[x] = l0;
        }
    }
#undef TRYP
done:
    seg__free(t.buf);
    seg__free(lab.buf);
    return rc;
}

/* cv2's distanceATS_L1_8u (Jay Stavinzky's 8-bit city-block transform), step for step:
 * forward west/north scan and backward east/south scan with a saturating +1 table. */
int seg__distance_l1_u8(const seg_image *src, seg_image *dst)
{
    const int w = src->width, h = src->height;
    const uint8_t *s = seg__row(src, 0);
    uint8_t *d = seg__row(dst, 0);
    uint8_t lut[256];
    for (int i = 0; i < 256; i++)
        lut[i] = (uint8_t)(i < 255 ? i + 1 : 255);
    d[0] = (uint8_t)(s[0] == 0 ? 0 : 255);
    for (int x = 1; x < w; x++)
        d[x] = (uint8_t)(s[x] == 0 ? 0 : lut[d[x - 1]]);
    for (int y = 1; y < h; y++) {
        s = seg__row(src, y);
        d = seg__row(dst, y);
        const uint8_t *du = seg__row(dst, y - 1);
        int a = s[0] == 0 ? 0 : lut[du[0]];
        d[0] = (uint8_t)a;
        for (int x = 1; x < w; x++) {
            a = s[x] == 0 ? 0 : lut[SEG_MIN(a, du[x])];
            d[x] = (uint8_t)a;
        }
    }
    /* backward: last row east only, then the other rows from the bottom up */
    d = seg__row(dst, h - 1);
    int a = d[w - 1];
    for (int x = w - 2; x >= 0; x--) {
        a = lut[a];
        a = SEG_MIN(a, d[x]);
        d[x] = (uint8_t)a;
    }
    for (int y = h - 2; y >= 0; y--) {
        d = seg__row(dst, y);
        const uint8_t *dd = seg__row(dst, y + 1);
        a = lut[dd[w - 1]];
        a = SEG_MIN(a, d[w - 1]);
        d[w - 1] = (uint8_t)a;
        for (int x = w - 2; x >= 0; x--) {
            a = lut[SEG_MIN(a, dd[x])];
            a = SEG_MIN(a, d[x]);
            d[x] = (uint8_t)a;
        }
    }
    return SEG_OK;
}
