/* seg_connected_components: block-based union-find labelling with statistics gathered
 * in the same pass.
 *
 * 8-connectivity works on 2x2 blocks (as BBDT/Spaghetti, cv2's default): all foreground
 * pixels of a block are 8-connected, so a block takes one provisional label, decided from
 * its left block and the three blocks above by looking only at the pixels that can touch.
 * 4-connectivity works per pixel (left and up neighbours, as SAUF). Each band of rows is
 * labelled independently (its own union-find and per-label accumulators: area, sums of x
 * and y, bounding box, first pixel), in parallel; the bands are then joined along their
 * borders, the union-find is flattened in label order (roots are always the smallest
 * label of a set, so the final numbering is the order in which cv2 creates labels: first
 * block, resp. first pixel, in raster order), accumulators are merged, and a second
 * parallel pass writes the final labels. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void seg__cc_write_row(int32_t *restrict dst, const uint8_t *restrict src,
                       const int32_t *restrict lab, int w);
void seg__cc_write_row_avx2(int32_t *restrict dst, const uint8_t *restrict src,
                            const int32_t *restrict lab, int w);

typedef struct acc {
    int minx, maxx, miny, maxy;
    int64_t area, sx, sy, first;
} acc;

/* One per band. */
typedef struct band {
    int32_t *parent; /* local union-find over labels 1..n */
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
    int bw;          /* blocks per row (8-connectivity) */
    int64_t grain;   /* rows (4) or block rows (8) per band */
    int32_t *blk;    /* block labels, band-local (8-connectivity) */
    band_slot *bands;
    int nbands;
    int64_t *offset; /* first global id - 1 of each band */
    int32_t *map;    /* global provisional id -> final label */
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
    a->first = INT64_MAX;
    return l;
}

static inline int32_t find_root(int32_t *p, int32_t i)
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

static inline void acc_add(acc *a, int64_t area, int64_t sx, int64_t sy, int minx, int maxx,
                           int miny, int maxy, int64_t first)
{
    a->area += area;
    a->sx += sx;
    a->sy += sy;
    if (minx < a->minx)
        a->minx = minx;
    if (maxx > a->maxx)
        a->maxx = maxx;
    if (miny < a->miny)
        a->miny = miny;
    if (maxy > a->maxy)
        a->maxy = maxy;
    if (first < a->first)
        a->first = first;
}

/* Copy row y of the mask as 0/1 into buf[0..w) with zeros at buf[-1], buf[w], buf[w+1]. */
static void load_row(const cc_ctx *c, int y, uint8_t *buf)
{
    int w = c->width;
    buf[-1] = 0;
    buf[w] = buf[w + 1] = 0; /* callers keep further padding zero */
    if (y < 0 || y >= c->height) {
        memset(buf, 0, (size_t)w);
        return;
    }
    const uint8_t *s = seg__row(c->src, y);
    for (int x = 0; x < w; x++)
        buf[x] = s[x] != 0;
}

static void track_background(const cc_ctx *c, band *b, int y)
{
    const uint8_t *s = seg__row(c->src, y);
    const uint8_t *z = memchr(s, 0, (size_t)c->width);
    if (!z)
        return;
    const uint8_t *zl = memrchr(s, 0, (size_t)c->width);
    int x0 = (int)(z - s), x1 = (int)(zl - s);
    if (b->bg_miny < 0)
        b->bg_miny = y;
    b->bg_maxy = y;
    if (x0 < b->bg_minx)
        b->bg_minx = x0;
    if (x1 > b->bg_maxx)
        b->bg_maxx = x1;
}

static void band_init(band *b, int width)
{
    memset(b, 0, sizeof *b);
    b->bg_minx = width;
    b->bg_maxx = -1;
    b->bg_miny = -1;
    b->bg_maxy = -1;
}

/* 8-connectivity: label the block rows [br0, br1) of one band. */
/* Next x >= x with buf[x] == want (buf holds 0/1 and is zero-padded), or w. */
static inline int next_value(const uint8_t *buf, int x, int w, int want)
{
    const uint64_t flip = want ? 0x0101010101010101ull : 0;
    for (; x + 8 <= w; x += 8) {
        uint64_t v;
        memcpy(&v, buf + x, 8);
        v ^= flip ^ 0x0101010101010101ull; /* non-zero bytes where buf[x] == want */
        if (v)
            return x + (__builtin_ctzll(v) >> 3);
    }
    for (; x < w && buf[x] != want; x++)
        ;
    return x;
}

/* Statistics of one row, run by run: every horizontal run of foreground pixels lies in
 * one component, whose label is that of the run's first block. */
static void row_stats(band *b, const uint8_t *buf, int y, int w, const int32_t *bl, int shift)
{
    int64_t row0 = (int64_t)y * w;
    for (int x = next_value(buf, 0, w, 1); x < w; x = next_value(buf, x, w, 1)) {
        int x0 = x;
        x = next_value(buf, x + 1, w, 0);
        int64_t len = x - x0;
        acc_add(&b->acc[bl[x0 >> shift]], len, (int64_t)(x0 + x - 1) * len / 2, (int64_t)y * len,
                x0, x - 1, y, y, row0 + x0);
    }
}

/* 8-connectivity: label the block rows [br0, br1) of one band. */
static void label8(void *vctx, int64_t br0, int64_t br1)
{
    cc_ctx *c = vctx;
    band *b = &c->bands[br0 / c->grain].b;
    int w = c->width, bw = c->bw;
    band_init(b, w);
    /* rows padded with zeros: one byte before, at least 8 after (word-wise skipping) */
    size_t rowcap = (size_t)w + 16;
    uint8_t *mem = seg__malloc(3 * rowcap);
    if (!mem) {
        b->failed = 1;
        return;
    }
    uint8_t *ra = mem + 1, *rb = ra + rowcap, *ru = rb + rowcap;
    memset(mem, 0, 3 * rowcap);
    for (int64_t br = br0; br < br1; br++) {
        int y = (int)(2 * br);
        int has_up = br > br0;
        if (has_up) { /* the row above is the previous block row's bottom row */
            uint8_t *t = ru;
            ru = rb;
            rb = t;
        }
        load_row(c, y, ra);
        load_row(c, y + 1, rb);
        track_background(c, b, y);
        if (y + 1 < c->height)
            track_background(c, b, y + 1);
        int32_t *bl = c->blk + br * bw, *blu = bl - bw;
        for (int j = 0, x = 0; j < bw; j++, x += 2) {
            if ((x & 7) == 0 && x + 8 <= w) {
                uint64_t va, vb;
                memcpy(&va, ra + x, 8);
                memcpy(&vb, rb + x, 8);
                if (!(va | vb)) { /* four empty blocks */
                    bl[j] = bl[j + 1] = bl[j + 2] = bl[j + 3] = 0;
                    j += 3;
                    x += 6;
                    continue;
                }
            }
            int p = ra[x], q = ra[x + 1], r = rb[x], s = rb[x + 1];
            if (!(p | q | r | s)) {
                bl[j] = 0;
                continue;
            }
            int32_t lab = 0;
            if ((p | r) & (ra[x - 1] | rb[x - 1]))
                lab = bl[j - 1];
            if (has_up) {
                if (p & ru[x - 1]) {
                    int32_t l = blu[j - 1];
                    lab = !lab ? l : l != lab ? merge(b->parent, lab, l) : lab;
                }
                if ((p | q) & (ru[x] | ru[x + 1])) {
                    int32_t l = blu[j];
                    lab = !lab ? l : l != lab ? merge(b->parent, lab, l) : lab;
                }
                if (q & ru[x + 2]) {
                    int32_t l = blu[j + 1];
                    lab = !lab ? l : l != lab ? merge(b->parent, lab, l) : lab;
                }
            }
            if (!lab) {
                lab = new_label(b);
                if (!lab)
                    break;
            }
            bl[j] = lab;
        }
        if (b->failed)
            break;
        row_stats(b, ra, y, w, bl, 1);
        if (y + 1 < c->height)
            row_stats(b, rb, y + 1, w, bl, 1);
        if (b->failed)
            break;
    }
    seg__free(mem);
}

/* 4-connectivity: label the rows [y0, y1) of one band, provisional labels in the output. */
static void label4(void *vctx, int64_t y0, int64_t y1)
{
    cc_ctx *c = vctx;
    band *b = &c->bands[y0 / c->grain].b;
    int w = c->width;
    band_init(b, w);
    uint8_t *mem = seg__malloc(2 * ((size_t)w + 4));
    if (!mem) {
        b->failed = 1;
        return;
    }
    uint8_t *ra = mem + 1, *ru = ra + w + 4;
    for (int64_t yy = y0; yy < y1; yy++) {
        int y = (int)yy, has_up = yy > y0;
        uint8_t *t = ru;
        ru = ra;
        ra = t;
        load_row(c, y, ra);
        track_background(c, b, y);
        int32_t *L = seg__row(c->labels, y);
        const int32_t *Lu = has_up ? (const int32_t *)seg__row(c->labels, y - 1) : NULL;
        int64_t row0 = (int64_t)y * w;
        for (int x = 0; x < w;) {
            if (!ra[x]) {
                L[x++] = 0;
                continue;
            }
            /* a run of foreground pixels: one label, stats added once per run */
            int x0 = x;
            int32_t lab = 0;
            for (; x < w && ra[x]; x++) {
                if (has_up && ru[x]) {
                    int32_t l = Lu[x];
                    lab = !lab ? l : l != lab ? merge(b->parent, lab, l) : lab;
                }
                if (!lab) {
                    lab = new_label(b);
                    if (!lab)
                        break;
                }
                L[x] = lab;
            }
            if (b->failed)
                break;
            int64_t len = x - x0;
            acc_add(&b->acc[lab], len, (int64_t)(x0 + x - 1) * len / 2, (int64_t)y * len, x0, x - 1,
                    y, y, row0 + x0);
        }
        if (b->failed)
            break;
    }
    seg__free(mem);
}

static inline int32_t gid(const cc_ctx *c, int k, int32_t local)
{
    return (int32_t)(c->offset[k] + local);
}

/* Join each band with the one above it along their common border. */
static void join_bands(cc_ctx *c, int32_t *g)
{
    int w = c->width;
    for (int k = 1; k < c->nbands; k++) {
        int64_t first = k * c->grain; /* first row (4) or block row (8) of band k */
        if (c->conn == 4) {
            int y = (int)first;
            const uint8_t *s = seg__row(c->src, y), *su = seg__row(c->src, y - 1);
            const int32_t *L = seg__row(c->labels, y), *Lu = seg__row(c->labels, y - 1);
            for (int x = 0; x < w; x++)
                if (s[x] && su[x])
                    merge(g, gid(c, k, L[x]), gid(c, k - 1, Lu[x]));
            continue;
        }
        int y = (int)(2 * first);
        const uint8_t *sa = seg__row(c->src, y), *su = seg__row(c->src, y - 1);
        const uint8_t *sb = y + 1 < c->height ? seg__row(c->src, y + 1) : NULL;
        const int32_t *bl = c->blk + first * c->bw, *blu = bl - c->bw;
        for (int j = 0, x = 0; j < c->bw; j++, x += 2) {
            if (!bl[j])
                continue;
            int p = sa[x] != 0, q = x + 1 < w && sa[x + 1];
            (void)sb;
            int32_t me = gid(c, k, bl[j]);
            if (p && x > 0 && su[x - 1])
                merge(g, me, gid(c, k - 1, blu[j - 1]));
            if ((p || q) && (su[x] || (x + 1 < w && su[x + 1])))
                merge(g, me, gid(c, k - 1, blu[j]));
            if (q && x + 2 < w && su[x + 2])
                merge(g, me, gid(c, k - 1, blu[j + 1]));
        }
    }
}

typedef struct write_ctx {
    cc_ctx *c;
    const int32_t *final; /* global id -> output label */
} write_ctx;

/* dst[x] = lab[x] where src[x] != 0, else 0; written so the compiler vectorises it (the
 * AVX2 build of the same loop lives in components_avx2.c). */
void seg__cc_write_row(int32_t *restrict dst, const uint8_t *restrict src,
                       const int32_t *restrict lab, int w)
{
    for (int x = 0; x < w; x++)
        dst[x] = lab[x] & -(int32_t)(src[x] != 0);
}

typedef void (*write_row_fn)(int32_t *restrict, const uint8_t *restrict,
                             const int32_t *restrict, int);

static void write8(void *vctx, int64_t br0, int64_t br1)
{
    const write_ctx *wc = vctx;
    const cc_ctx *c = wc->c;
    int w = c->width;
    const int32_t *off_map = wc->final + c->offset[br0 / c->grain];
    int32_t *t = seg__malloc(((size_t)w + 2) * sizeof(int32_t));
    if (!t) {
        /* cannot happen in practice (a row of scratch); keep the labels well-defined */
        for (int64_t br = br0; br < br1; br++)
            for (int y = (int)(2 * br); y < SEG_MIN(c->height, (int)(2 * br + 2)); y++)
                memset(seg__row(c->labels, y), 0, (size_t)w * sizeof(int32_t));
        return;
    }
    write_row_fn write_row =
        seg__cpu_active() & SEG_CPU_AVX2 ? seg__cc_write_row_avx2 : seg__cc_write_row;
    for (int64_t br = br0; br < br1; br++) {
        int y = (int)(2 * br);
        const int32_t *bl = c->blk + br * c->bw;
        for (int j = 0; j < c->bw; j++) {
            int32_t l = off_map[bl[j]]; /* off_map[0] is a real entry: see below */
            t[2 * j] = t[2 * j + 1] = bl[j] ? l : 0;
        }
        write_row(seg__row(c->labels, y), seg__row(c->src, y), t, w);
        if (y + 1 < c->height)
            write_row(seg__row(c->labels, y + 1), seg__row(c->src, y + 1), t, w);
    }
    seg__free(t);
}

static void write4(void *vctx, int64_t y0, int64_t y1)
{
    const write_ctx *wc = vctx;
    const cc_ctx *c = wc->c;
    const int32_t *off_map = wc->final + c->offset[y0 / c->grain];
    for (int64_t y = y0; y < y1; y++) {
        int32_t *L = seg__row(c->labels, (int)y);
        for (int x = 0; x < c->width; x++)
            L[x] = L[x] ? off_map[L[x]] : 0;
    }
}

static void free_bands(cc_ctx *c)
{
    for (int k = 0; c->bands && k < c->nbands; k++) {
        seg__free(c->bands[k].b.parent);
        seg__free(c->bands[k].b.acc);
    }
    seg__free(c->bands);
    seg__free(c->blk);
    seg__free(c->offset);
}

static int cmp_first(const void *a, const void *b, void *arg)
{
    const acc *s = arg;
    int64_t fa = s[*(const int32_t *)a].first, fb = s[*(const int32_t *)b].first;
    return fa < fb ? -1 : fa > fb;
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
    if (w > INT32_MAX - 4)
        return seg__fail(SEG_EOVERFLOW, "connected_components: image too wide");

    cc_ctx c;
    memset(&c, 0, sizeof c);
    c.src = src;
    c.labels = labels;
    c.conn = connectivity;
    c.width = w;
    c.height = h;
    c.bw = (w + 1) / 2;
    int64_t units = connectivity == 8 ? (h + 1) / 2 : h;
    c.grain = seg__grain(units, connectivity == 8 ? 32 : 64);
    c.nbands = (int)((units + c.grain - 1) / c.grain);
    c.bands = seg__calloc((size_t)c.nbands, sizeof(band_slot));
    c.offset = seg__malloc(((size_t)c.nbands + 1) * sizeof(int64_t));
    size_t nblk;
    if (connectivity == 8) {
        if (!seg__mul((size_t)c.bw, (size_t)units, &nblk) || !seg__mul(nblk, 4, &nblk))
            return seg__fail(SEG_EOVERFLOW, "connected_components: image too large");
        c.blk = seg__malloc(nblk);
    }
    if (!c.bands || !c.offset || (connectivity == 8 && !c.blk)) {
        free_bands(&c);
        return seg__fail(SEG_ENOMEM, "connected_components: out of memory");
    }
    seg__parallel_for(units, c.grain, connectivity == 8 ? label8 : label4, &c);

    int64_t total = 0;
    for (int k = 0; k < c.nbands; k++) {
        if (c.bands[k].b.failed) {
            free_bands(&c);
            return seg__fail(SEG_ENOMEM, "connected_components: out of memory");
        }
        c.offset[k] = total;
        total += c.bands[k].b.n;
    }
    if (total >= INT32_MAX) {
        free_bands(&c);
        return seg__fail(SEG_EOVERFLOW, "connected_components: too many provisional labels");
    }
    int32_t *g = seg__malloc(((size_t)total + 1) * sizeof(int32_t));
    int32_t *final = seg__malloc(((size_t)total + 1) * sizeof(int32_t));
    acc *fa = seg__malloc(((size_t)total + 1) * sizeof(acc));
    if (!g || !final || !fa) {
        seg__free(g);
        seg__free(final);
        seg__free(fa);
        free_bands(&c);
        return seg__fail(SEG_ENOMEM, "connected_components: out of memory");
    }
    g[0] = 0;
    for (int k = 0; k < c.nbands; k++)
        for (int i = 1; i <= c.bands[k].b.n; i++)
            g[c.offset[k] + i] = (int32_t)(c.offset[k] + c.bands[k].b.parent[i]);
    join_bands(&c, g);

    /* flatten: roots (smallest of their set) get 1, 2, ... in id order = cv2's order */
    int32_t n = 0;
    final[0] = 0;
    for (int k = 0; k < c.nbands; k++) {
        for (int i = 1; i <= c.bands[k].b.n; i++) {
            int64_t id = c.offset[k] + i;
            const acc *a = &c.bands[k].b.acc[i];
            int32_t l;
            if (g[id] == id) {
                l = ++n;
                fa[l] = *a;
            } else {
                l = final[g[id]];
                acc_add(&fa[l], a->area, a->sx, a->sy, a->minx, a->maxx, a->miny, a->maxy,
                        a->first);
            }
            final[id] = l;
        }
    }
    int32_t *perm = NULL;
    if (order == SEG_CC_ORDER_RASTER && n > 1) {
        perm = seg__malloc(((size_t)n + 1) * 2 * sizeof(int32_t));
        if (!perm) {
            seg__free(g);
            seg__free(final);
            seg__free(fa);
            free_bands(&c);
            return seg__fail(SEG_ENOMEM, "connected_components: out of memory");
        }
        int32_t *byfirst = perm + n + 1;
        for (int32_t i = 0; i < n; i++)
            byfirst[i] = i + 1;
        qsort_r(byfirst, (size_t)n, sizeof(int32_t), cmp_first, fa);
        perm[0] = 0;
        for (int32_t i = 0; i < n; i++)
            perm[byfirst[i]] = i + 1;
        for (int64_t id = 1; id <= total; id++)
            final[id] = perm[final[id]];
    }

    seg_components *s = NULL;
    if (stats) {
        s = make_stats(n + 1);
        if (!s) {
            seg__free(perm);
            seg__free(g);
            seg__free(final);
            seg__free(fa);
            free_bands(&c);
            return seg__fail(SEG_ENOMEM, "connected_components: out of memory");
        }
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

    write_ctx wc = {&c, final};
    seg__parallel_for(units, c.grain, connectivity == 8 ? write8 : write4, &wc);
    seg__free(perm);
    seg__free(g);
    seg__free(final);
    seg__free(fa);
    free_bands(&c);
    if (stats)
        *stats = s;
    return n + 1;
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
