/* seg_connected_components: run-based union-find labelling with statistics gathered
 * in the same pass (the run-based two-scan family of He, Chao and Suzuki, with per-label
 * accumulators).
 *
 * Each row is cut into runs of foreground pixels (eight pixels at a time). A run takes
 * the label of the runs of the row above that touch it (overlap for 4-connectivity,
 * overlap or diagonal contact for 8), merging their labels in a union-find whose roots
 * are always the smallest label of their set, or a new label. Area, sums of x and y and
 * the bounding box are added per run. Bands of rows are labelled independently and in
 * parallel, joined along their borders, the union-find is flattened in label order and
 * a second parallel pass writes each run's final label (a fill, no per-pixel decisions).
 *
 * Labels come out numbered by each component's first pixel in raster order, which is
 * scikit-image's order and cv2's for 4-connectivity (SAUF). cv2's 8-connectivity default
 * (Spaghetti, on 2x2 blocks) numbers by the first 2x2 block in block raster order; the
 * two differ only among components whose first pixels lie in the same pair of rows, so
 * those groups are re-sorted by block. Neither depends on the band split, so results
 * never depend on the thread count. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void seg__cc_fill_row(int32_t *restrict dst, int x0, int x1, int32_t v);
void seg__cc_fill_row_avx2(int32_t *restrict dst, int x0, int x1, int32_t v);
int seg__cc_row_runs(const uint8_t *s, int w, int32_t *out);
int seg__cc_row_runs_avx2(const uint8_t *s, int w, int32_t *out);

typedef struct acc {
    int minx, maxx, miny, maxy;
    int64_t area, sx, sy;
    int64_t key; /* first 2x2 block, (y/2) * blocks_per_row + x/2: cv2's 8-connected order */
} acc;

typedef struct run {
    int32_t x0, x1, lab; /* lab: band-local label */
} run;

typedef struct band {
    run *runs;
    size_t nruns, cap_runs;
    size_t *row_start; /* rows + 1 entries into runs */
    int32_t *parent;   /* local union-find over labels 1..n */
    acc *acc;
    int n, cap;
    int failed;
    int bg_minx, bg_maxx, bg_miny, bg_maxy; /* bounding box of background pixels */
} band;

/* Bands sit 128 bytes apart (the allocation is 64-byte aligned) so that bands labelled
 * by different threads never share a cache line: false sharing made 2 threads slower
 * than 1. */
typedef union band_slot {
    band b;
    char pad[128];
} band_slot;
_Static_assert(sizeof(band) <= 128, "band must fit its slot");

typedef struct cc_ctx {
    const seg_image *src;
    seg_image *labels;
    int conn, width, height;
    int64_t grain; /* rows per band */
    band_slot *bands;
    int nbands;
    int64_t *offset; /* global id of each band's label 0 */
    const int32_t *final;
} cc_ctx;

static int new_label(band *b)
{
    if (b->n + 1 >= b->cap) {
        int cap = b->cap ? b->cap * 2 : 1024;
        int32_t *p = seg__malloc((size_t)cap * sizeof(int32_t));
        acc *a = seg__malloc((size_t)cap * sizeof(acc));
        if (!p || !a || cap <= b->cap) {
            seg__free(p);
            seg__free(a);
            b->failed = 1;
            return 0;
        }
        if (b->n) {
            memcpy(p, b->parent, ((size_t)b->n + 1) * sizeof(int32_t));
            memcpy(a, b->acc, ((size_t)b->n + 1) * sizeof(acc));
        }
        seg__free(b->parent);
        seg__free(b->acc);
        b->parent = p;
        b->acc = a;
        b->cap = cap;
    }
    int l = ++b->n;
    b->parent[l] = l;
    acc *a = &b->acc[l];
    a->minx = a->miny = INT32_MAX;
    a->maxx = a->maxy = -1;
    a->area = a->sx = a->sy = 0;
    a->key = INT64_MAX;
    return l;
}

static int push_run(band *b, int32_t x0, int32_t x1, int32_t lab)
{
    if (b->nruns == b->cap_runs) {
        size_t cap = b->cap_runs ? b->cap_runs * 2 : 4096, bytes;
        run *r;
        if (!seg__mul(cap, sizeof(run), &bytes) || !(r = seg__malloc(bytes))) {
            b->failed = 1;
            return -1;
        }
        if (b->nruns)
            memcpy(r, b->runs, b->nruns * sizeof(run));
        seg__free(b->runs);
        b->runs = r;
        b->cap_runs = cap;
    }
    b->runs[b->nruns++] = (run){x0, x1, lab};
    return 0;
}

static inline int32_t find_root(const int32_t *p, int32_t i)
{
    while (p[i] != i)
        i = p[i];
    return i;
}

/* Union by smallest root (so a root is always the first label of its set), with path
 * compression of both paths. Returns the root. */
static inline int32_t merge(int32_t *p, int32_t i, int32_t j)
{
    int32_t ri = find_root(p, i), rj = find_root(p, j);
    int32_t root = ri < rj ? ri : rj;
    while (p[i] != i) {
        int32_t n = p[i];
        p[i] = root;
        i = n;
    }
    while (p[j] != j) {
        int32_t n = p[j];
        p[j] = root;
        j = n;
    }
    p[ri] = root;
    p[rj] = root;
    return root;
}

static inline void acc_merge(acc *a, const acc *b)
{
    a->area += b->area;
    a->sx += b->sx;
    a->sy += b->sy;
    a->minx = SEG_MIN(a->minx, b->minx);
    a->maxx = SEG_MAX(a->maxx, b->maxx);
    a->miny = SEG_MIN(a->miny, b->miny);
    a->maxy = SEG_MAX(a->maxy, b->maxy);
    a->key = SEG_MIN(a->key, b->key);
}

/* The runs of non-zero bytes of one row as (x0, x1) pairs into out (at most
 * (w + 1) / 2 runs); returns their number. Eight bytes per step: the first non-zero byte
 * of a word is its lowest set byte, the first zero byte the lowest flagged by the
 * classic (v - 0x01..) & ~v & 0x80.. test (exact for the lowest one). The AVX2 build in
 * components_avx2.c does 32 bytes per step and returns the same runs. */
int seg__cc_row_runs(const uint8_t *s, int w, int32_t *out)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    int n = 0, x = 0;
    for (;;) {
        /* next non-zero byte */
        for (; x + 8 <= w; x += 8) {
            uint64_t v;
            memcpy(&v, s + x, 8);
            if (v) {
                x += __builtin_ctzll(v) >> 3;
                break;
            }
        }
        for (; x < w && !s[x]; x++)
            ;
        if (x >= w)
            return n;
        int x0 = x++;
        /* next zero byte */
        for (; x + 8 <= w; x += 8) {
            uint64_t v;
            memcpy(&v, s + x, 8);
            uint64_t z = (v - ones) & ~v & highs;
            if (z) {
                x += __builtin_ctzll(z) >> 3;
                break;
            }
        }
        for (; x < w && s[x]; x++)
            ;
        out[2 * n] = x0;
        out[2 * n + 1] = x - 1;
        n++;
    }
}

static void band_background(band *b, const run *first, const run *last, int y, int w)
{
    int x0, x1;
    if (!first) {
        x0 = 0;
        x1 = w - 1;
    } else {
        if (first->x0 == 0 && first->x1 == w - 1)
            return; /* the row is all foreground */
        x0 = first->x0 > 0 ? 0 : first->x1 + 1;
        x1 = last->x1 < w - 1 ? w - 1 : last->x0 - 1;
    }
    if (b->bg_miny < 0)
        b->bg_miny = y;
    b->bg_maxy = y;
    b->bg_minx = SEG_MIN(b->bg_minx, x0);
    b->bg_maxx = SEG_MAX(b->bg_maxx, x1);
}

/* Label the rows [y0, y1) of one band. */
static void label_band(void *vctx, int64_t y0, int64_t y1)
{
    cc_ctx *c = vctx;
    band *b = &c->bands[y0 / c->grain].b;
    int w = c->width, d = c->conn == 8 ? 1 : 0;
    int64_t bw = (w + 1) / 2;
    b->bg_minx = w;
    b->bg_maxx = b->bg_miny = b->bg_maxy = -1;
    b->row_start = seg__malloc(((size_t)(y1 - y0) + 1) * sizeof(size_t));
    int32_t *xr = seg__malloc(((size_t)w + 2) * sizeof(int32_t)); /* one row's runs */
    if (!b->row_start || !xr) {
        seg__free(xr);
        b->failed = 1;
        return;
    }
    int (*row_runs)(const uint8_t *, int, int32_t *) =
        seg__cpu_active() & SEG_CPU_AVX2 ? seg__cc_row_runs_avx2 : seg__cc_row_runs;
    size_t ps = 0, pe = 0; /* runs of the row above */
    for (int64_t yy = y0; yy < y1 && !b->failed; yy++) {
        int y = (int)yy;
        int nr = row_runs(seg__row(c->src, y), w, xr);
        size_t rs = b->nruns, j = ps;
        b->row_start[yy - y0] = rs;
        int64_t ykey = (int64_t)(y >> 1) * bw;
        for (int r = 0; r < nr; r++) {
            int x0 = xr[2 * r], x1 = xr[2 * r + 1];
            /* runs above touching [x0 - d, x1 + d] */
            while (j < pe && b->runs[j].x1 < x0 - d)
                j++;
            int32_t lab = 0;
            size_t k = j;
            for (; k < pe && b->runs[k].x0 <= x1 + d; k++) {
                int32_t l = b->runs[k].lab;
                lab = !lab ? l : l != lab ? merge(b->parent, lab, l) : lab;
            }
            if (k > j)
                j = k - 1; /* the last one may touch the next run too */
            if (!lab && !(lab = new_label(b)))
                break;
            if (push_run(b, x0, x1, lab))
                break;
            acc *a = &b->acc[lab];
            int64_t len = x1 - x0 + 1;
            a->area += len;
            a->sx += (int64_t)(x0 + x1) * len / 2;
            a->sy += (int64_t)y * len;
            a->minx = SEG_MIN(a->minx, x0);
            a->maxx = SEG_MAX(a->maxx, x1);
            a->miny = SEG_MIN(a->miny, y);
            a->maxy = y;
            a->key = SEG_MIN(a->key, ykey + (x0 >> 1));
        }
        band_background(b, b->nruns > rs ? &b->runs[rs] : NULL,
                        b->nruns > rs ? &b->runs[b->nruns - 1] : NULL, y, w);
        ps = rs;
        pe = b->nruns;
    }
    b->row_start[y1 - y0] = b->nruns;
    seg__free(xr);
}

/* Join each band with the one above along their common border (same rule as in a band). */
static void join_bands(const cc_ctx *c, int32_t *g)
{
    int d = c->conn == 8 ? 1 : 0;
    for (int k = 1; k < c->nbands; k++) {
        const band *up = &c->bands[k - 1].b, *dn = &c->bands[k].b;
        size_t rows_up = (size_t)c->grain;
        size_t j = up->row_start[rows_up - 1], pe = up->row_start[rows_up];
        size_t e = dn->row_start[1];
        for (size_t i = 0; i < e; i++) {
            const run *r = &dn->runs[i];
            while (j < pe && up->runs[j].x1 < r->x0 - d)
                j++;
            size_t q = j;
            for (; q < pe && up->runs[q].x0 <= r->x1 + d; q++)
                merge(g, (int32_t)(c->offset[k] + r->lab),
                      (int32_t)(c->offset[k - 1] + up->runs[q].lab));
            if (q > j)
                j = q - 1;
        }
    }
}

void seg__cc_fill_row(int32_t *restrict dst, int x0, int x1, int32_t v)
{
    for (int x = x0; x <= x1; x++)
        dst[x] = v;
}

/* Second pass: every run gets its final label, the gaps 0. */
static void write_band(void *vctx, int64_t y0, int64_t y1)
{
    const cc_ctx *c = vctx;
    const band *b = &c->bands[y0 / c->grain].b;
    const int32_t *fin = c->final + c->offset[y0 / c->grain];
    void (*fill)(int32_t *restrict, int, int, int32_t) =
        seg__cpu_active() & SEG_CPU_AVX2 ? seg__cc_fill_row_avx2 : seg__cc_fill_row;
    for (int64_t y = y0; y < y1; y++) {
        int32_t *L = seg__row(c->labels, (int)y);
        int pos = 0;
        for (size_t i = b->row_start[y - y0]; i < b->row_start[y - y0 + 1]; i++) {
            const run *r = &b->runs[i];
            fill(L, pos, r->x0 - 1, 0);
            fill(L, r->x0, r->x1, fin[r->lab]);
            pos = r->x1 + 1;
        }
        fill(L, pos, c->width - 1, 0);
    }
}

/* Below a quarter megapixel the whole job takes ~0.1 ms and runs the same bands in order
 * on the calling thread (same split, same results); larger images go through the pool,
 * whose caller never waits for a worker that has not joined (the OpenMP join barrier
 * this once had to avoid stalled 1080p calls by 30-40 ms on a busy machine). */
static void run_bands(cc_ctx *c, seg_range_fn fn)
{
    if ((int64_t)c->width * c->height < ((int64_t)1 << 18)) {
        for (int64_t y = 0; y < c->height; y += c->grain)
            fn(c, y, SEG_MIN(c->height, y + c->grain));
        return;
    }
    seg__parallel_for(c->height, c->grain, fn, c);
}

static void free_bands(cc_ctx *c)
{
    for (int k = 0; c->bands && k < c->nbands; k++) {
        band *b = &c->bands[k].b;
        seg__free(b->parent);
        seg__free(b->acc);
        seg__free(b->runs);
        seg__free(b->row_start);
    }
    seg__free(c->bands);
    seg__free(c->offset);
}

static int cmp_key(const void *a, const void *b, void *arg)
{
    const acc *s = arg;
    int64_t ka = s[*(const int32_t *)a].key, kb = s[*(const int32_t *)b].key;
    return ka < kb ? -1 : ka > kb;
}

/* cv2's 8-connected numbering from the raster one: components whose first pixels share
 * a pair of rows (y/2) are ordered by their first 2x2 block. perm[raster] = cv2 label. */
static int block_order(const acc *fa, int32_t n, int32_t *perm)
{
    int32_t *idx = seg__malloc(((size_t)n + 1) * sizeof(int32_t));
    if (!idx)
        return -1;
    perm[0] = 0;
    for (int32_t l = 1; l <= n;) {
        int32_t e = l;
        int row_pair = fa[l].miny >> 1;
        while (e <= n && fa[e].miny >> 1 == row_pair)
            e++;
        for (int32_t i = l; i < e; i++)
            idx[i] = i;
        if (e - l > 1)
            qsort_r(idx + l, (size_t)(e - l), sizeof(int32_t), cmp_key, (void *)fa);
        for (int32_t i = l; i < e; i++)
            perm[idx[i]] = i;
        l = e;
    }
    seg__free(idx);
    return 0;
}

static seg_components *make_stats(int count)
{
    size_t head = (sizeof(seg_components) + 15) & ~(size_t)15;
    size_t n = (size_t)count;
    seg_components *s = seg__malloc(head + n * (SEG_CC_STAT_MAX * sizeof(int32_t) +
                                                 2 * sizeof(double) + 2 * sizeof(int64_t)) + 16);
    if (!s)
        return NULL;
    uint8_t *p = (uint8_t *)s + head;
    s->count = count;
    s->centroids = (double *)p;
    s->sums = (int64_t *)(p + n * 2 * sizeof(double));
    s->stats = (int32_t *)(p + n * 2 * (sizeof(double) + sizeof(int64_t)));
    return s;
}

/* Row 0 of the stats: the background pixels, as cv2 reports them. */
static void set_background(seg_components *s, int64_t area, int64_t sx, int64_t sy, int minx,
                           int maxx, int miny, int maxy)
{
    int32_t *st = s->stats;
    s->sums[0] = sx;
    s->sums[1] = sy;
    if (area == 0) {
        st[0] = -1;
        st[1] = INT32_MAX;
        st[2] = st[3] = st[4] = 0;
        s->centroids[0] = s->centroids[1] = NAN;
        return;
    }
    st[0] = minx;
    st[1] = miny;
    st[2] = maxx - minx + 1;
    st[3] = maxy - miny + 1;
    st[4] = (int32_t)area;
    s->centroids[0] = (double)sx / (double)area;
    s->centroids[1] = (double)sy / (double)area;
}

int seg_connected_components(const seg_image *src, int connectivity, int order,
                             seg_image *labels, seg_components **stats)
{
    seg__clear_error();
    if (stats)
        *stats = NULL;
    int rc = seg__check_input(src, SEG_TYPES(SEG_U8), 1u << 1, "connected_components");
    if (rc)
        return rc;
    if (connectivity != 4 && connectivity != 8)
        return seg__fail(SEG_EINVAL, "connected_components: connectivity must be 4 or 8, got %d",
                         connectivity);
    if (order != SEG_CC_ORDER_CV2 && order != SEG_CC_ORDER_RASTER)
        return seg__fail(SEG_EINVAL, "connected_components: unknown order %d", order);
    if (labels && labels->data == src->data)
        return seg__fail(SEG_EINVAL, "connected_components: labels must not alias the input");
    rc = seg__image_prepare(labels, src->width, src->height, 1, SEG_S32, "connected_components");
    if (rc)
        return rc;
    int w = src->width, h = src->height;
    if (w > INT32_MAX - 16)
        return seg__fail(SEG_EOVERFLOW, "connected_components: image too wide");

    cc_ctx c;
    memset(&c, 0, sizeof c);
    c.src = src;
    c.labels = labels;
    c.conn = connectivity;
    c.width = w;
    c.height = h;
    c.grain = seg__grain(h, 64);
    c.nbands = (int)((h + c.grain - 1) / c.grain);
    c.bands = seg__calloc((size_t)c.nbands, sizeof(band_slot));
    c.offset = seg__malloc(((size_t)c.nbands + 1) * sizeof(int64_t));
    int32_t *g = NULL, *final = NULL, *perm = NULL;
    acc *fa = NULL;
    seg_components *s = NULL;
    if (!c.bands || !c.offset)
        goto oom;
    run_bands(&c, label_band);

    int64_t total = 0;
    for (int k = 0; k < c.nbands; k++) {
        if (c.bands[k].b.failed)
            goto oom;
        c.offset[k] = total;
        total += c.bands[k].b.n;
    }
    if (total >= INT32_MAX) {
        free_bands(&c);
        return seg__fail(SEG_EOVERFLOW, "connected_components: too many provisional labels");
    }
    g = seg__malloc(((size_t)total + 1) * sizeof(int32_t));
    final = seg__malloc(((size_t)total + 1) * sizeof(int32_t));
    fa = seg__malloc(((size_t)total + 1) * sizeof(acc));
    if (!g || !final || !fa)
        goto oom;
    g[0] = 0;
    for (int k = 0; k < c.nbands; k++)
        for (int i = 1; i <= c.bands[k].b.n; i++)
            g[c.offset[k] + i] = (int32_t)(c.offset[k] + c.bands[k].b.parent[i]);
    join_bands(&c, g);

    /* flatten: roots (smallest of their set) get 1, 2, ... in id order = raster order */
    int32_t n = 0;
    final[0] = 0;
    for (int k = 0; k < c.nbands; k++) {
        const band *b = &c.bands[k].b;
        for (int i = 1; i <= b->n; i++) {
            int64_t id = c.offset[k] + i;
            int32_t l;
            if (g[id] == id) {
                l = ++n;
                fa[l] = b->acc[i];
            } else {
                l = final[g[id]];
                acc_merge(&fa[l], &b->acc[i]);
            }
            final[id] = l;
        }
    }
    if (connectivity == 8 && order == SEG_CC_ORDER_CV2 && n > 1) {
        perm = seg__malloc(((size_t)n + 1) * sizeof(int32_t));
        if (!perm || block_order(fa, n, perm))
            goto oom;
        for (int64_t id = 1; id <= total; id++)
            final[id] = perm[final[id]];
    }

    if (stats) {
        s = make_stats(n + 1);
        if (!s)
            goto oom;
        int64_t fg = 0, fsx = 0, fsy = 0;
        for (int32_t l = 1; l <= n; l++) {
            const acc *a = &fa[l];
            int32_t o = perm ? perm[l] : l;
            int32_t *st = s->stats + (size_t)o * SEG_CC_STAT_MAX;
            st[0] = a->minx;
            st[1] = a->miny;
            st[2] = a->maxx - a->minx + 1;
            st[3] = a->maxy - a->miny + 1;
            st[4] = (int32_t)a->area;
            s->sums[2 * o] = a->sx;
            s->sums[2 * o + 1] = a->sy;
            s->centroids[2 * o] = (double)a->sx / (double)a->area;
            s->centroids[2 * o + 1] = (double)a->sy / (double)a->area;
            fg += a->area;
            fsx += a->sx;
            fsy += a->sy;
        }
        int bminx = w, bmaxx = -1, bminy = -1, bmaxy = -1;
        for (int k = 0; k < c.nbands; k++) {
            const band *b = &c.bands[k].b;
            if (b->bg_miny < 0)
                continue;
            if (bminy < 0)
                bminy = b->bg_miny;
            bmaxy = b->bg_maxy;
            bminx = SEG_MIN(bminx, b->bg_minx);
            bmaxx = SEG_MAX(bmaxx, b->bg_maxx);
        }
        int64_t all_sx = (int64_t)h * ((int64_t)w * (w - 1) / 2);
        int64_t all_sy = (int64_t)w * ((int64_t)h * (h - 1) / 2);
        set_background(s, (int64_t)w * h - fg, all_sx - fsx, all_sy - fsy, bminx, bmaxx, bminy,
                       bmaxy);
    }

    c.final = final;
    run_bands(&c, write_band);
    seg__free(perm);
    seg__free(g);
    seg__free(final);
    seg__free(fa);
    free_bands(&c);
    if (stats)
        *stats = s;
    return n + 1;

oom:
    seg__free(perm);
    seg__free(g);
    seg__free(final);
    seg__free(fa);
    seg__free(s);
    free_bands(&c);
    return seg__fail(SEG_ENOMEM, "connected_components: out of memory");
}

void seg_components_free(seg_components *comps)
{
    seg__free(comps);
}

int seg_components_filter_area(seg_image *labels, seg_components *comps, int64_t min_area,
                               int64_t max_area)
{
    seg__clear_error();
    if (!comps)
        return seg__fail(SEG_EINVAL, "components_filter_area: stats are NULL");
    int rc = seg__check_input(labels, SEG_TYPES(SEG_S32), 1u << 1, "components_filter_area");
    if (rc)
        return rc;
    int n = comps->count;
    /* check first, so that a mismatch leaves both untouched */
    for (int y = 0; y < labels->height; y++) {
        const int32_t *L = seg__row(labels, y);
        for (int x = 0; x < labels->width; x++)
            if (L[x] < 0 || L[x] >= n)
                return seg__fail(SEG_EINVAL, "components_filter_area: label %d at (%d, %d) is "
                                             "not in 0..%d", L[x], x, y, n - 1);
    }
    int32_t *remap = seg__malloc((size_t)n * sizeof(int32_t));
    if (!remap)
        return seg__fail(SEG_ENOMEM, "components_filter_area: out of memory");
    int32_t *st = comps->stats;
    remap[0] = 0;
    int k = 1;
    int64_t bg_area = st[4], bsx = comps->sums[0], bsy = comps->sums[1];
    int bminx = st[4] ? st[0] : INT32_MAX, bminy = st[4] ? st[1] : INT32_MAX;
    int bmaxx = st[4] ? st[0] + st[2] - 1 : -1, bmaxy = st[4] ? st[1] + st[3] - 1 : -1;
    for (int l = 1; l < n; l++) {
        int32_t *r = st + (size_t)l * SEG_CC_STAT_MAX;
        int64_t a = r[4];
        if (a < min_area || (max_area >= 0 && a > max_area)) {
            remap[l] = 0;
            bg_area += a;
            bsx += comps->sums[2 * l];
            bsy += comps->sums[2 * l + 1];
            bminx = SEG_MIN(bminx, r[0]);
            bminy = SEG_MIN(bminy, r[1]);
            bmaxx = SEG_MAX(bmaxx, r[0] + r[2] - 1);
            bmaxy = SEG_MAX(bmaxy, r[1] + r[3] - 1);
            continue;
        }
        remap[l] = k;
        memmove(st + (size_t)k * SEG_CC_STAT_MAX, r, SEG_CC_STAT_MAX * sizeof(int32_t));
        comps->sums[2 * k] = comps->sums[2 * l];
        comps->sums[2 * k + 1] = comps->sums[2 * l + 1];
        comps->centroids[2 * k] = comps->centroids[2 * l];
        comps->centroids[2 * k + 1] = comps->centroids[2 * l + 1];
        k++;
    }
    for (int y = 0; y < labels->height; y++) {
        int32_t *L = seg__row(labels, y);
        for (int x = 0; x < labels->width; x++)
            L[x] = remap[L[x]];
    }
    comps->count = k;
    set_background(comps, bg_area, bsx, bsy, bminx, bmaxx, bminy, bmaxy);
    seg__free(remap);
    return k;
}
