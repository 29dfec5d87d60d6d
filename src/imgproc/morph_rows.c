/* The erosion/dilation engine behind morph.c: one pass of a trimmed, run-encoded kernel
 * over row bands, with cv2's default border.
 *
 * Every source row is seen padded with the border value (the type's max for erosion,
 * min for dilation: cv2's morphologyDefaultBorderValue), so pixels outside the image
 * take part exactly as in cv2. Then:
 *   - rectangles are separable, vertical first: an n-way minimum over the source rows
 *     read in place (van Herk/Gil-Werman prefix/suffix minima from 13 rows), written into
 *     a padded row, then the horizontal window over it with doubling windows;
 *   - other kernels (ellipse, cross, user masks): per padded row a sparse table of
 *     doubling-window minima (levels chosen by a cost model), kept for the kh rows in
 *     reach in a ring; an output row is one n-way minimum over windows covering every
 *     run. Small kernels read interior columns straight from the source rows and merge
 *     equal consecutive kernel rows by a vertical minimum first.
 * Everything is one primitive, the n-way element-wise min/max of rows (plain C here, AVX2
 * in morph_avx2.c, chosen at run time). */
#include "morph_internal.h"

#include <float.h>
#include <stdatomic.h>
#include <string.h>

typedef seg__morph_kernel kernel_runs;

#define SMIN(p, q) ((p) < (q) ? (p) : (q))
#define SMAX(p, q) ((p) > (q) ? (p) : (q))
#define DEFINE_PLAIN(NAME, T, OP)                                                 \
    static void NAME(void *dst, const void *const *src, int ns, size_t n)         \
    {                                                                             \
        T *d = dst;                                                               \
        const T *s0 = src[0];                                                     \
        if (ns == 1) {                                                            \
            memcpy(d, s0, n * sizeof(T));                                         \
            return;                                                               \
        }                                                                         \
        const T *s1 = src[1];                                                     \
        for (size_t i = 0; i < n; i++)                                            \
            d[i] = OP(s0[i], s1[i]);                                              \
        for (int k = 2; k < ns; k++) {                                            \
            const T *sk = src[k];                                                 \
            for (size_t i = 0; i < n; i++)                                        \
                d[i] = OP(d[i], sk[i]);                                           \
        }                                                                         \
    }
DEFINE_PLAIN(min_u8, uint8_t, SMIN)
DEFINE_PLAIN(max_u8, uint8_t, SMAX)
DEFINE_PLAIN(min_u16, uint16_t, SMIN)
DEFINE_PLAIN(max_u16, uint16_t, SMAX)
DEFINE_PLAIN(min_f32, float, SMIN)
DEFINE_PLAIN(max_f32, float, SMAX)

seg__minmax_fn seg__morph_minmax_plain(seg_type type, int is_max)
{
    switch (type) {
    case SEG_U8: return is_max ? max_u8 : min_u8;
    case SEG_U16: return is_max ? max_u16 : min_u16;
    case SEG_F32: return is_max ? max_f32 : min_f32;
    default: return NULL;
    }
}

static seg__minmax_fn pick_minmax(seg_type type, int is_max)
{
    if (seg__cpu_active() & SEG_CPU_AVX2) {
        seg__minmax_fn f = seg__morph_minmax_avx2(type, is_max);
        if (f)
            return f;
    }
    return seg__morph_minmax_plain(type, is_max);
}

typedef struct {
    const seg_image *src;
    seg_image *dst;
    const kernel_runs *k;
    seg__minmax_fn op;
    int is_max;
    int h;      /* the image's height (src may hold only some of its rows) */
    int src_y0; /* image row y is src row y - src_y0 */
    int dst_y0; /* output row y goes to dst row y - dst_y0 */
    atomic_int failed;
} morph_job;

static int ilog2(int v)
{
    int k = 0;
    while ((2 << k) <= v)
        k++;
    return k;
}

static void fill_border(void *buf, size_t n, seg_type t, int is_max)
{
    switch (t) {
    case SEG_U8: memset(buf, is_max ? 0 : 255, n); break;
    case SEG_U16: {
        uint16_t v = is_max ? 0 : 65535, *p = buf;
        for (size_t i = 0; i < n; i++) p[i] = v;
        break;
    }
    default: {
        float v = is_max ? -FLT_MAX : FLT_MAX, *p = buf;
        for (size_t i = 0; i < n; i++) p[i] = v;
        break;
    }
    }
}

/* Padded row, indices [i0, i1): element i*c + ch is source pixel (i - ax) of row sy, or
 * the border. */
static void pad_segment(const morph_job *j, uint8_t *p, int sy, int i0, int i1)
{
    const seg_image *s = j->src;
    int w = s->width, c = s->channels, ax = j->k->ax;
    size_t pix = (size_t)c * seg_type_size(s->type);
    int a = SEG_MAX(i0, ax), b = SEG_MIN(i1, ax + w); /* the part inside the image */
    if (b <= a) {
        fill_border(p + (size_t)i0 * pix, (size_t)(i1 - i0) * c, s->type, j->is_max);
        return;
    }
    if (a > i0)
        fill_border(p + (size_t)i0 * pix, (size_t)(a - i0) * c, s->type, j->is_max);
    const uint8_t *row = seg__row(s, sy - j->src_y0);
    memcpy(p + (size_t)a * pix, row + (size_t)(a - ax) * pix, (size_t)(b - a) * pix);
    if (i1 > b)
        fill_border(p + (size_t)b * pix, (size_t)(i1 - b) * c, s->type, j->is_max);
}

static void pad_row(const morph_job *j, uint8_t *p, int sy)
{
    pad_segment(j, p, sy, 0, j->src->width + j->k->kw - 1);
}

/* The doubling level l (windows of 2^l) that makes a window of `len` cheapest: building a
 * level costs about three loads a pixel (two loads and a store), and a window then takes
 * ceil(len / 2^l) loads (measured: 3 beats 2 and 4 on 9x9..31x31 rectangles). */
static int best_level(int len, int uses)
{
    int best = 0, cost_best = len * uses;
    for (int l = 1; (1 << l) <= len; l++) {
        int cost = 3 * l + uses * ((len + (1 << l) - 1) >> l);
        if (cost < cost_best) {
            cost_best = cost;
            best = l;
        }
    }
    return best;
}

/* Pointers covering a window [x0, x0 + len) with windows of 2^l (the last may overlap). */
static int cover(const uint8_t **out, const uint8_t *base, int x0, int len, int l, size_t pix)
{
    int step = 1 << SEG_MIN(l, ilog2(len)), n = 0, p = x0;
    for (; p + step < x0 + len; p += step)
        out[n++] = base + (size_t)p * pix;
    out[n++] = base + (size_t)(x0 + len - step) * pix;
    return n;
}

/* Levels 1..L of doubling minima of a padded row (level 0) into lv[1..L]. */
static void build_levels(const morph_job *j, const uint8_t **lv, uint8_t *const *store, int L,
                         int wp)
{
    int c = j->src->channels;
    size_t es = seg_type_size(j->src->type);
    for (int l = 1; l <= L; l++) {
        size_t half = (size_t)1 << (l - 1);
        const void *src[2] = {lv[l - 1], lv[l - 1] + half * c * es};
        j->op(store[l], src, 2, (size_t)(wp - (int)(2 * half) + 1) * c);
        lv[l] = store[l];
    }
}

/* Rectangle, rows [y0, y1): a vertical window over the source rows (rows outside the
 * image are the border row) written into a padded row, then a horizontal window over it.
 * Vertical-first reads the source in place and does each horizontal window once. */
static void rect_rows(morph_job *j, int y0, int y1)
{
    const seg_image *s = j->src;
    const kernel_runs *k = j->k;
    int w = s->width, h = j->h, c = s->channels, kw = k->kw, kh = k->kh, ax = k->ax;
    int wp = w + kw - 1, R = y1 - y0 + kh - 1, L = best_level(kw, 1);
    size_t es = seg_type_size(s->type), pix = (size_t)c * es, rowe = (size_t)w * c;
    size_t rowb = rowe * es, padb = (size_t)wp * pix;
    int vh = kh >= 13; /* van Herk for tall windows (from 13 rows it beat n-way minima) */
    size_t nptr = (size_t)SEG_MAX(kw, kh) + 2;
    /* brow (padded border row), store[0..L] (padded row and its levels), G and S */
    uint8_t *mem = seg__malloc(padb * (2 + (size_t)L) + (vh ? rowb * (size_t)R * 2 : 0));
    const uint8_t **ptr = seg__malloc((nptr + (size_t)L + 1 + (size_t)R) * sizeof *ptr);
    if (!mem || !ptr) {
        seg__free(mem);
        seg__free(ptr);
        atomic_store(&j->failed, 1);
        return;
    }
    const uint8_t **lv = ptr + nptr, **rows = lv + L + 1;
    uint8_t *brow = mem, *store[32] = {0};
    for (int l = 0; l <= L; l++)
        store[l] = mem + padb * (1 + (size_t)l);
    fill_border(brow, (size_t)wp * c, s->type, j->is_max);
    memcpy(store[0], brow, padb);
    /* the part of the padded row that holds image columns: i in [i0, i1), x = i - ax */
    int i0 = SEG_MAX(0, ax), i1 = SEG_MIN(wp, ax + w);
    size_t vlen = i1 > i0 ? (size_t)(i1 - i0) * c : 0, voff = (size_t)(i0 - ax) * pix;
    uint8_t *vdst = store[0] + (size_t)i0 * pix;
    /* source row of window row q (q = y - y0 + ky), or the border row */
    for (int i = 0; i < R; i++) {
        int sy = y0 + i - k->ay;
        rows[i] = sy < 0 || sy >= h ? brow : (const uint8_t *)seg__row(s, sy - j->src_y0);
    }
    uint8_t *G = mem + padb * (2 + (size_t)L), *S = G + (size_t)R * rowb;
    if (vh) {
        /* van Herk/Gil-Werman over the window rows in blocks of kh: G = prefix minima,
         * S = suffix minima; window(y) = min(S[y], G[y + kh - 1]). */
        for (int b0 = 0; b0 < R; b0 += kh) {
            int b1 = SEG_MIN(b0 + kh, R);
            memcpy(G + (size_t)b0 * rowb, rows[b0], rowb);
            for (int i = b0 + 1; i < b1; i++) {
                const void *src[2] = {G + (size_t)(i - 1) * rowb, rows[i]};
                j->op(G + (size_t)i * rowb, src, 2, rowe);
            }
            memcpy(S + (size_t)(b1 - 1) * rowb, rows[b1 - 1], rowb);
            for (int i = b1 - 2; i >= b0; i--) {
                const void *src[2] = {S + (size_t)(i + 1) * rowb, rows[i]};
                j->op(S + (size_t)i * rowb, src, 2, rowe);
            }
        }
    }
    for (int y = y0; y < y1; y++) {
        int i = y - y0, n = 0;
        if (vlen) {
            if (vh) {
                ptr[n++] = S + (size_t)i * rowb + voff;
                ptr[n++] = G + (size_t)(i + kh - 1) * rowb + voff;
            } else {
                int border = 0;
                for (int ky = 0; ky < kh; ky++) {
                    if (rows[i + ky] == brow)
                        border = 1;
                    else
                        ptr[n++] = rows[i + ky] + voff;
                }
                if (border)
                    ptr[n++] = brow;
            }
            j->op(vdst, (const void *const *)ptr, n, vlen);
        }
        uint8_t *d = seg__row(j->dst, y - j->dst_y0);
        if (kw == 1) {
            memcpy(d, store[0], rowb);
            continue;
        }
        lv[0] = store[0];
        build_levels(j, lv, store, L, wp);
        n = cover(ptr, lv[L], 0, kw, L, pix);
        j->op(d, (const void *const *)ptr, n, rowe);
    }
    seg__free(mem);
    seg__free(ptr);
}

/* Any kernel: per padded row the doubling levels 1..L (L from the run lengths), kept for
 * the kh rows in reach (a ring); an output row is one n-way min over the windows that
 * cover every run. */
static void runs_rows(morph_job *j, int y0, int y1)
{
    const seg_image *s = j->src;
    const kernel_runs *k = j->k;
    int w = s->width, h = j->h, c = s->channels, kw = k->kw, kh = k->kh;
    int nruns = k->row_start[kh];
    /* the level that minimises the work over all runs (levels are built once per row) */
    int L = 0, cost_best = -1;
    for (int l = 0; (1 << l) <= k->maxlen; l++) {
        int cost = 3 * l;
        for (int r = 0; r < nruns; r++) {
            int st = 1 << SEG_MIN(l, ilog2(k->runs[r].len));
            cost += (k->runs[r].len + st - 1) / st;
        }
        if (cost_best < 0 || cost < cost_best) {
            cost_best = cost;
            L = l;
        }
    }
    int wp = w + kw - 1, NL = L + 1;
    size_t es = seg_type_size(s->type), pix = (size_t)c * es;
    size_t padb = (size_t)wp * pix, nptr = 0;
    for (int r = 0; r < nruns; r++)
        nptr += (size_t)k->runs[r].len;
    /* Without levels (small kernels), output columns [xa, xb) whose whole window lies in
     * the image read the source rows in place; only the edges need padded copies. */
    int xa = SEG_MAX(0, k->ax), xb = SEG_MIN(w, w - (kw - 1 - k->ax));
    int direct = L == 0 && xb - xa >= 64;
    /* ... and consecutive kernel rows with the same runs (the middle of an ellipse) are
     * merged first by a vertical minimum into a padded row: gfirst[ky] is the first row
     * of ky's group, or -1 when ky stands alone. */
    int *gfirst = seg__malloc((size_t)kh * sizeof *gfirst), ngroups = 0;
    if (!gfirst) {
        atomic_store(&j->failed, 1);
        return;
    }
    for (int ky = 0; ky < kh;) {
        int ky1 = ky + 1, nr = k->row_start[ky + 1] - k->row_start[ky], sum = 0;
        for (int r = k->row_start[ky]; r < k->row_start[ky + 1]; r++)
            sum += k->runs[r].len;
        while (direct && ky1 < kh && k->row_start[ky1 + 1] - k->row_start[ky1] == nr &&
               memcmp(k->runs + k->row_start[ky1], k->runs + k->row_start[ky],
                      (size_t)nr * sizeof *k->runs) == 0)
            ky1++;
        int grouped = ky1 - ky >= 2 && sum >= 3;
        for (int i = ky; i < ky1; i++)
            gfirst[i] = grouped ? ky : -1;
        ngroups += grouped;
        ky = grouped ? ky1 : ky + 1;
    }
    uint8_t *mem = seg__malloc(padb * (1 + (size_t)kh * NL + (size_t)ngroups));
    const uint8_t **lv = seg__malloc(((size_t)kh * (NL + 2) + nptr + 1) * sizeof *lv);
    if (!mem || !lv) {
        seg__free(mem);
        seg__free(lv);
        seg__free(gfirst);
        atomic_store(&j->failed, 1);
        return;
    }
    const uint8_t **ptr = lv + (size_t)kh * NL;
    const uint8_t **srow = ptr + nptr; /* per slot: the source row, NULL beyond the image */
    const uint8_t **vsrc = srow + kh;  /* sources of a group's vertical minimum */
    uint8_t *brow = mem, *gbuf = mem + padb * (1 + (size_t)kh * NL);
    fill_border(brow, (size_t)wp * c, s->type, j->is_max);
    for (int g = 0; g < ngroups; g++) /* border zones stay; the image part is rewritten */
        memcpy(gbuf + (size_t)g * padb, brow, padb);
    int i0 = SEG_MAX(0, k->ax), i1 = SEG_MIN(wp, k->ax + w); /* image part of a padded row */
    for (int y = y0 - 1; y < y1; y++) {
        /* bring padded rows q = y + kh - 1 (and, at the start, all of y0 .. y0 + kh - 2) */
        int qa = y < y0 ? y0 : y + kh - 1, qb = y < y0 ? y0 + kh - 1 : y + kh;
        for (int q = qa; q < qb; q++) {
            int slot = q % kh, sy = q - k->ay;
            const uint8_t **sl = lv + (size_t)slot * NL;
            if (sy < 0 || sy >= h) {
                for (int l = 0; l < NL; l++)
                    sl[l] = brow;
                srow[slot] = NULL;
                continue;
            }
            uint8_t *store[32];
            for (int l = 0; l < NL; l++)
                store[l] = mem + padb * (1 + (size_t)slot * NL + l);
            sl[0] = store[0];
            srow[slot] = seg__row(s, sy - j->src_y0);
            if (direct) {
                int e = SEG_MIN(wp, xa + kw - 1);
                pad_segment(j, store[0], sy, 0, e);
                pad_segment(j, store[0], sy, SEG_MAX(e, xb), wp);
                continue;
            }
            pad_row(j, store[0], sy);
            build_levels(j, sl, store, L, wp);
        }
        if (y < y0)
            continue;
        uint8_t *d = seg__row(j->dst, y - j->dst_y0);
        for (int ky = 0, g = 0; ky < kh; ky++) {
            if (gfirst[ky] != ky)
                continue;
            int n = 0, border = 0;
            for (int i = ky; i < kh && gfirst[i] == ky; i++) {
                const uint8_t *r = srow[(y + i) % kh];
                if (r)
                    vsrc[n++] = r + (size_t)(i0 - k->ax) * pix;
                else
                    border = 1;
            }
            if (border)
                vsrc[n++] = brow;
            if (i1 > i0)
                j->op(gbuf + (size_t)g * padb + (size_t)i0 * pix, (const void *const *)vsrc, n,
                      (size_t)(i1 - i0) * c);
            g++;
        }
        /* parts: 0 = all columns (padded rows), or 1 = [0, xa), 2 = [xa, xb), 3 = [xb, w) */
        for (int part = direct ? 1 : 0; part <= (direct ? 3 : 0); part++) {
            int x0 = part == 0 || part == 1 ? 0 : part == 2 ? xa : xb;
            int x1 = part == 0 || part == 3 ? w : part == 1 ? xa : xb;
            if (x1 <= x0)
                continue;
            int n = 0;
            for (int ky = 0, g = 0; ky < kh; ky++) {
                if (gfirst[ky] >= 0 && gfirst[ky] != ky)
                    continue; /* merged into its group's first row */
                int slot = (y + ky) % kh;
                const uint8_t **sl = lv + (size_t)slot * NL;
                for (int r = k->row_start[ky]; r < k->row_start[ky + 1]; r++) {
                    int len = k->runs[r].len, l = SEG_MIN(L, ilog2(len));
                    const uint8_t *base = sl[l] + (size_t)x0 * pix;
                    if (gfirst[ky] == ky)
                        base = gbuf + (size_t)g * padb + (size_t)x0 * pix;
                    else if (part == 2 && srow[slot]) /* padded index x + kx: column x + kx - ax */
                        base = srow[slot] + (size_t)(x0 - k->ax) * pix;
                    n += cover(ptr + n, base, k->runs[r].x0, len, l, pix);
                }
                g += gfirst[ky] == ky;
            }
            j->op(d + (size_t)x0 * pix, (const void *const *)ptr, n, (size_t)(x1 - x0) * c);
        }
    }
    seg__free(mem);
    seg__free(lv);
    seg__free(gfirst);
}

static void morph_rows(void *ctx, int64_t y0, int64_t y1)
{
    morph_job *j = ctx;
    if (j->k->rect)
        rect_rows(j, (int)y0, (int)y1);
    else
        runs_rows(j, (int)y0, (int)y1);
}

/* One pass; dst is prepared and distinct from src. */
int seg__morph_once(const seg_image *src, seg_image *dst, const kernel_runs *k, int is_max,
                    const char *who)
{
    morph_job j = {src, dst, k, pick_minmax(src->type, is_max), is_max, src->height, 0, 0, 0};
    int64_t min_rows = SEG_MAX(SEG_MAX(8, 4 * k->kh), 32768 / ((int64_t)src->width * src->channels));
    seg__parallel_for(src->height, seg__grain(src->height, min_rows), morph_rows, &j);
    if (atomic_load(&j.failed))
        return seg__fail(SEG_ENOMEM, "%s: cannot allocate scratch rows", who);
    return SEG_OK;
}

typedef struct {
    const seg_image *src;
    seg_image *dst;
    const kernel_runs *k;
    int first_max;
    atomic_int failed;
} fused_job;

/* Rows [y0, y1) of open/close: the first pass for the rows the second pass reads, into a
 * band buffer, then the second pass into dst. */
static void fused_rows(void *ctx, int64_t y0, int64_t y1)
{
    fused_job *f = ctx;
    const seg_image *s = f->src;
    const kernel_runs *k = f->k;
    int h = s->height;
    int e0 = SEG_MAX(0, (int)y0 - k->ay), e1 = SEG_MIN(h, (int)y1 - 1 + k->kh - k->ay);
    e1 = SEG_MAX(e1, e0);
    size_t row = (size_t)s->width * s->channels * seg_type_size(s->type);
    size_t stride = (row + SEG_ALIGN - 1) & ~(size_t)(SEG_ALIGN - 1);
    void *buf = seg__malloc(stride * (size_t)SEG_MAX(1, e1 - e0));
    if (!buf) {
        atomic_store(&f->failed, 1);
        return;
    }
    seg_image t = {buf, s->width, SEG_MAX(1, e1 - e0), stride, s->channels, s->type, 0};
    morph_job a = {s, &t, k, pick_minmax(s->type, f->first_max), f->first_max, h, 0, e0, 0};
    morph_job b = {&t, f->dst, k, pick_minmax(s->type, !f->first_max), !f->first_max, h, e0, 0,
                   0};
    if (e1 > e0)
        morph_rows(&a, e0, e1);
    if (!atomic_load(&a.failed))
        morph_rows(&b, y0, y1);
    if (atomic_load(&a.failed) || atomic_load(&b.failed))
        atomic_store(&f->failed, 1);
    seg__free(buf);
}

int seg__morph_open_close(const seg_image *src, seg_image *dst, const kernel_runs *k,
                          int first_max, const char *who)
{
    fused_job f = {src, dst, k, first_max, 0};
    /* larger bands: each recomputes kh - 1 rows of the first pass */
    int64_t min_rows = SEG_MAX(SEG_MAX(16, 8 * k->kh), 65536 / ((int64_t)src->width * src->channels));
    seg__parallel_for(src->height, seg__grain(src->height, min_rows), fused_rows, &f);
    if (atomic_load(&f.failed))
        return seg__fail(SEG_ENOMEM, "%s: cannot allocate scratch rows", who);
    return SEG_OK;
}
