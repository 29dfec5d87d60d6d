/* Erosion, dilation and the composite operations (cv2.erode / dilate / morphologyEx of
 * OpenCV 4.6, default border).
 *
 * How: the kernel is trimmed to the bounding box of its members and described as row
 * runs. Every source row is padded with the border value (the type's max for erosion,
 * min for dilation: cv2's morphologyDefaultBorderValue), so pixels outside the image take
 * part exactly as in cv2. Then:
 *   - rectangles are separable: a horizontal window min over the padded row (log2(w)
 *     passes of doubling windows, then one combine), then a vertical window min over
 *     those rows: pairwise for short windows, van Herk/Gil-Werman (prefix/suffix minima
 *     in blocks of h rows, three min operations a pixel whatever h) from 8 rows;
 *   - other kernels (ellipse, cross, user masks): each padded row gets a sparse table of
 *     doubling-window minima, and a run of length L is min(T_k[x], T_k[x + L - 2^k]) with
 *     2^k <= L < 2^(k+1): two vector operations per run (an ellipse is a run per row).
 * Everything is element-wise min/max of two arrays (plain C, or AVX2 in morph_avx2.c),
 * over bands of output rows run through seg__parallel_for. */
#include "morph_internal.h"

#include <float.h>
#include <stdatomic.h>
#include <string.h>

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
    int x0, len;
} run;

/* A kernel as runs of members per row, trimmed to the members' bounding box; the anchor
 * is relative to the box (it may lie outside it). */
typedef struct {
    int kw, kh, ax, ay;
    int rect;   /* every cell of the box is a member */
    int maxlen; /* longest run */
    int *row_start; /* kh + 1 offsets into runs */
    run *runs;
} kernel_runs;

static void kernel_free(kernel_runs *k)
{
    seg__free(k->row_start);
    seg__free(k->runs);
    memset(k, 0, sizeof *k);
}

/* A kw x kh rectangle with the anchor (ax, ay). */
static int kernel_rect(kernel_runs *k, int kw, int kh, int ax, int ay)
{
    memset(k, 0, sizeof *k);
    k->row_start = seg__malloc(((size_t)kh + 1) * sizeof *k->row_start);
    k->runs = seg__malloc((size_t)kh * sizeof *k->runs);
    if (!k->row_start || !k->runs) {
        kernel_free(k);
        return seg__fail(SEG_ENOMEM, "morphology: cannot allocate the kernel");
    }
    for (int i = 0; i < kh; i++) {
        k->row_start[i] = i;
        k->runs[i] = (run){0, kw};
    }
    k->row_start[kh] = kh;
    k->kw = kw;
    k->kh = kh;
    k->ax = ax;
    k->ay = ay;
    k->rect = 1;
    k->maxlen = kw;
    return SEG_OK;
}

/* Kernel cell value as an int (u8 or s32 kernels). */
static int kval(const seg_image *k, int x, int y)
{
    const void *r = seg__row(k, y);
    return k->type == SEG_U8 ? ((const uint8_t *)r)[x] : ((const int32_t *)r)[x];
}

/* member(v): want == 0 means v != 0, otherwise v == want. */
static int is_member(int v, int want)
{
    return want == 0 ? v != 0 : v == want;
}

static int count_members(const seg_image *k, int want)
{
    int n = 0;
    for (int y = 0; y < k->height; y++)
        for (int x = 0; x < k->width; x++)
            n += is_member(kval(k, x, y), want);
    return n;
}

static int kernel_from_image(kernel_runs *k, const seg_image *img, int want, int ax, int ay)
{
    memset(k, 0, sizeof *k);
    int bx0 = img->width, by0 = img->height, bx1 = -1, by1 = -1, n = 0;
    for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width; x++)
            if (is_member(kval(img, x, y), want)) {
                bx0 = SEG_MIN(bx0, x);
                bx1 = SEG_MAX(bx1, x);
                by0 = SEG_MIN(by0, y);
                by1 = SEG_MAX(by1, y);
                n++;
            }
    if (n == 0)
        return seg__fail(SEG_EINVAL, "morphology: the kernel has no member (all zero)");
    int kw = bx1 - bx0 + 1, kh = by1 - by0 + 1;
    if (n == kw * kh)
        return kernel_rect(k, kw, kh, ax - bx0, ay - by0);
    k->row_start = seg__malloc(((size_t)kh + 1) * sizeof *k->row_start);
    k->runs = seg__malloc((size_t)n * sizeof *k->runs);
    if (!k->row_start || !k->runs) {
        kernel_free(k);
        return seg__fail(SEG_ENOMEM, "morphology: cannot allocate the kernel");
    }
    int nr = 0;
    for (int y = 0; y < kh; y++) {
        k->row_start[y] = nr;
        for (int x = 0; x < kw;) {
            if (!is_member(kval(img, bx0 + x, by0 + y), want)) {
                x++;
                continue;
            }
            int x1 = x;
            while (x1 < kw && is_member(kval(img, bx0 + x1, by0 + y), want))
                x1++;
            k->runs[nr++] = (run){x, x1 - x};
            k->maxlen = SEG_MAX(k->maxlen, x1 - x);
            x = x1;
        }
    }
    k->row_start[kh] = nr;
    k->kw = kw;
    k->kh = kh;
    k->ax = ax - bx0;
    k->ay = ay - by0;
    return SEG_OK;
}

typedef struct {
    const seg_image *src;
    seg_image *dst;
    const kernel_runs *k;
    seg__minmax_fn op;
    int is_max;
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
    memcpy(p + (size_t)a * pix, (const uint8_t *)seg__row(s, sy) + (size_t)(a - ax) * pix,
           (size_t)(b - a) * pix);
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
    int w = s->width, h = s->height, c = s->channels, kw = k->kw, kh = k->kh, ax = k->ax;
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
        rows[i] = sy < 0 || sy >= h ? brow : (const uint8_t *)seg__row(s, sy);
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
        uint8_t *d = seg__row(j->dst, y);
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
    int w = s->width, h = s->height, c = s->channels, kw = k->kw, kh = k->kh;
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
            srow[slot] = seg__row(s, sy);
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
        uint8_t *d = seg__row(j->dst, y);
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
static int morph_once(const seg_image *src, seg_image *dst, const kernel_runs *k, int is_max,
                      const char *who)
{
    morph_job j = {src, dst, k, pick_minmax(src->type, is_max), is_max, 0};
    seg__parallel_for(src->height, seg__grain(src->height, SEG_MAX(SEG_MAX(8, 4 * k->kh), 32768 / (src->width * src->channels))), morph_rows, &j);
    if (atomic_load(&j.failed))
        return seg__fail(SEG_ENOMEM, "%s: cannot allocate scratch rows", who);
    return SEG_OK;
}

/* An owned image like `like` without zero-filling (every pixel gets written): saves a
 * memset of the whole image per temporary. Freed by seg_image_free. */
static int alloc_uninit(seg_image *img, const seg_image *like, const char *who)
{
    size_t row, stride, total;
    if (!seg__image_bytes(like->width, like->height, like->channels, seg_type_size(like->type),
                          &row, NULL) ||
        !seg__add(row, SEG_ALIGN - 1, &stride))
        return seg__fail(SEG_EOVERFLOW, "%s: image size overflows", who);
    stride &= ~(size_t)(SEG_ALIGN - 1);
    if (!seg__mul(stride, (size_t)like->height, &total))
        return seg__fail(SEG_EOVERFLOW, "%s: image size overflows", who);
    void *p = seg__malloc(total ? total : 1);
    if (!p)
        return seg__fail(SEG_ENOMEM, "%s: cannot allocate %zu bytes", who, total);
    *img = (seg_image){p, like->width, like->height, stride, like->channels, like->type, 1};
    return SEG_OK;
}

/* n passes of k; dst may alias src. */
static int morph_iterate(const seg_image *src, seg_image *dst, const kernel_runs *k, int n,
                         int is_max, const char *who)
{
    int rc = dst && !dst->data ? alloc_uninit(dst, src, who)
                               : seg__image_prepare(dst, src->width, src->height, src->channels,
                                                    src->type, who);
    if (rc)
        return rc;
    int alias = dst->data == src->data;
    seg_image tmp[2] = {{0}, {0}};
    const seg_image *cur = src;
    for (int i = 0; i < n && !rc; i++) {
        seg_image *out = (i == n - 1 && !alias) ? dst : &tmp[i & 1];
        if (!out->data && (rc = alloc_uninit(out, src, who)))
            break;
        rc = morph_once(cur, out, k, is_max, who);
        cur = out;
    }
    if (!rc && cur != dst)
        rc = seg_image_copy(cur, dst);
    seg_image_free(&tmp[0]);
    seg_image_free(&tmp[1]);
    return rc;
}

static int check_kernel(const seg_image *kernel, int *ax, int *ay, const char *who)
{
    int kw = kernel ? kernel->width : 3, kh = kernel ? kernel->height : 3;
    if (kernel) {
        if (!seg_image_valid(kernel))
            return seg__fail(SEG_EINVAL, "%s: the kernel is empty or invalid", who);
        if (kernel->channels != 1 || (kernel->type != SEG_U8 && kernel->type != SEG_S32))
            return seg__fail(SEG_ETYPE, "%s: the kernel must be 1-channel u8 or s32, got %d "
                             "channels of %s", who, kernel->channels,
                             seg__type_name(kernel->type));
        if (kw > SEG_MORPH_MAX_KSIZE || kh > SEG_MORPH_MAX_KSIZE)
            return seg__fail(SEG_EINVAL, "%s: kernel %dx%d is too large (max %d per side)", who,
                             kw, kh, SEG_MORPH_MAX_KSIZE);
    }
    if (*ax == -1)
        *ax = kw / 2;
    if (*ay == -1)
        *ay = kh / 2;
    if (*ax < 0 || *ax >= kw || *ay < 0 || *ay >= kh)
        return seg__fail(SEG_EINVAL, "%s: anchor (%d, %d) is outside the %dx%d kernel", who, *ax,
                         *ay, kw, kh);
    return SEG_OK;
}

/* cv2's morphOp: erode or dilate with `want` selecting the kernel's members. ax/ay are
 * already checked. */
static int morph_op(const seg_image *src, seg_image *dst, const seg_image *kernel, int want,
                    int ax, int ay, int iterations, int is_max, const char *who)
{
    if (iterations < 0)
        iterations = 1;
    if (iterations == 0 || (kernel && kernel->width * kernel->height == 1)) {
        if (dst != src && (!dst || dst->data != src->data))
            return seg_image_copy(src, dst);
        return SEG_OK;
    }
    kernel_runs k;
    int rc, n = iterations;
    if (!kernel) {
        /* cv2: a (1 + 2n)-square rectangle anchored at its centre, one pass */
        if (1 + 2 * (int64_t)n <= SEG_MORPH_MAX_KSIZE) {
            rc = kernel_rect(&k, 1 + 2 * n, 1 + 2 * n, n, n);
            n = 1;
        } else {
            rc = kernel_rect(&k, 3, 3, 1, 1);
        }
    } else {
        int kw = kernel->width, kh = kernel->height;
        int64_t gw = kw + (int64_t)(n - 1) * (kw - 1), gh = kh + (int64_t)(n - 1) * (kh - 1);
        if (n > 1 && count_members(kernel, want) == kw * kh && gw <= SEG_MORPH_MAX_KSIZE &&
            gh <= SEG_MORPH_MAX_KSIZE) {
            /* cv2 grows a full rectangle instead of iterating (same result, one pass) */
            rc = kernel_rect(&k, (int)gw, (int)gh, ax * n, ay * n);
            n = 1;
        } else {
            rc = kernel_from_image(&k, kernel, want, ax, ay);
        }
    }
    if (rc)
        return rc;
    rc = morph_iterate(src, dst, &k, n, is_max, who);
    kernel_free(&k);
    return rc;
}

static int check_src(const seg_image *src, const char *who)
{
    return seg__check_input(src, SEG_TYPES(SEG_U8, SEG_U16, SEG_F32), 0x1e, who);
}

int seg_erode(const seg_image *src, seg_image *dst, const seg_image *kernel, int ax, int ay,
              int iterations)
{
    seg__clear_error();
    int rc = check_src(src, "erode");
    if (!rc)
        rc = check_kernel(kernel, &ax, &ay, "erode");
    return rc ? rc : morph_op(src, dst, kernel, 0, ax, ay, iterations, 0, "erode");
}

int seg_dilate(const seg_image *src, seg_image *dst, const seg_image *kernel, int ax, int ay,
               int iterations)
{
    seg__clear_error();
    int rc = check_src(src, "dilate");
    if (!rc)
        rc = check_kernel(kernel, &ax, &ay, "dilate");
    return rc ? rc : morph_op(src, dst, kernel, 0, ax, ay, iterations, 1, "dilate");
}

/* dst = saturate(a - b), element-wise; dst may alias a or b. */
static void subtract(const seg_image *a, const seg_image *b, seg_image *dst)
{
    int n = a->width * a->channels;
    for (int y = 0; y < a->height; y++) {
        const void *pa = seg__row(a, y), *pb = seg__row(b, y);
        void *pd = seg__row(dst, y);
        if (a->type == SEG_U8) {
            const uint8_t *x = pa, *z = pb;
            uint8_t *d = pd;
            for (int i = 0; i < n; i++)
                d[i] = x[i] > z[i] ? (uint8_t)(x[i] - z[i]) : 0;
        } else if (a->type == SEG_U16) {
            const uint16_t *x = pa, *z = pb;
            uint16_t *d = pd;
            for (int i = 0; i < n; i++)
                d[i] = x[i] > z[i] ? (uint16_t)(x[i] - z[i]) : 0;
        } else {
            const float *x = pa, *z = pb;
            float *d = pd;
            for (int i = 0; i < n; i++)
                d[i] = x[i] - z[i];
        }
    }
}

static int hitmiss(const seg_image *src, seg_image *dst, const seg_image *kernel, int ax, int ay,
                   int iterations)
{
    const char *who = "morphology_ex";
    if (src->type != SEG_U8 || src->channels != 1)
        return seg__fail(SEG_ETYPE, "%s: hit-or-miss needs a 1-channel u8 image, got %d "
                         "channels of %s", who, src->channels, seg__type_name(src->type));
    seg_image k3 = {0};
    int rc;
    if (!kernel) { /* cv2's default 3x3 rectangle of ones */
        if ((rc = seg_get_structuring_element(SEG_MORPH_RECT, 3, 3, -1, -1, &k3)))
            return rc;
        kernel = &k3;
    }
    seg_image e1 = {0}, e2 = {0}, inv = {0};
    if (count_members(kernel, 0) == 0) {
        rc = seg_image_copy(src, dst);
        goto done;
    }
    rc = seg__image_prepare(dst, src->width, src->height, 1, SEG_U8, who);
    if (!rc && count_members(kernel, 1) > 0)
        rc = morph_op(src, &e1, kernel, 1, ax, ay, iterations, 0, who);
    if (!rc && count_members(kernel, -1) > 0) {
        rc = alloc_uninit(&inv, src, who);
        for (int y = 0; !rc && y < src->height; y++) {
            const uint8_t *s = seg__row(src, y);
            uint8_t *d = seg__row(&inv, y);
            for (int x = 0; x < src->width; x++)
                d[x] = (uint8_t)~s[x];
        }
        if (!rc)
            rc = morph_op(&inv, &e2, kernel, -1, ax, ay, iterations, 0, who);
    }
    for (int y = 0; !rc && y < src->height; y++) {
        const uint8_t *a = e1.data ? seg__row(&e1, y) : NULL, *b = e2.data ? seg__row(&e2, y) : NULL;
        uint8_t *d = seg__row(dst, y);
        for (int x = 0; x < src->width; x++)
            d[x] = (a ? a[x] : 255) & (b ? b[x] : 255);
    }
done:
    seg_image_free(&e1);
    seg_image_free(&e2);
    seg_image_free(&inv);
    seg_image_free(&k3);
    return rc;
}

int seg_morphology_ex(const seg_image *src, seg_image *dst, int op, const seg_image *kernel,
                      int ax, int ay, int iterations)
{
    const char *who = "morphology_ex";
    seg__clear_error();
    int rc = check_src(src, who);
    if (rc)
        return rc;
    if (op < SEG_MORPH_ERODE || op > SEG_MORPH_HITMISS)
        return seg__fail(SEG_EINVAL, "%s: unknown operation %d (0..7: erode, dilate, open, "
                         "close, gradient, tophat, blackhat, hitmiss)", who, op);
    if ((rc = check_kernel(kernel, &ax, &ay, who)))
        return rc;
    if (op == SEG_MORPH_HITMISS)
        return hitmiss(src, dst, kernel, ax, ay, iterations);
    if (op == SEG_MORPH_ERODE || op == SEG_MORPH_DILATE)
        return morph_op(src, dst, kernel, 0, ax, ay, iterations, op == SEG_MORPH_DILATE, who);
    seg_image t1 = {0}, t2 = {0};
    if ((rc = dst && !dst->data ? alloc_uninit(dst, src, who)
                                : seg__image_prepare(dst, src->width, src->height, src->channels,
                                                     src->type, who)))
        return rc;
    switch (op) {
    case SEG_MORPH_OPEN:
    case SEG_MORPH_CLOSE: {
        int first_max = op == SEG_MORPH_CLOSE;
        rc = morph_op(src, &t1, kernel, 0, ax, ay, iterations, first_max, who);
        if (!rc)
            rc = morph_op(&t1, dst, kernel, 0, ax, ay, iterations, !first_max, who);
        break;
    }
    case SEG_MORPH_GRADIENT:
        rc = morph_op(src, &t1, kernel, 0, ax, ay, iterations, 0, who);
        if (!rc)
            rc = morph_op(src, &t2, kernel, 0, ax, ay, iterations, 1, who);
        if (!rc)
            subtract(&t2, &t1, dst);
        break;
    case SEG_MORPH_TOPHAT:
    case SEG_MORPH_BLACKHAT: {
        int top = op == SEG_MORPH_TOPHAT;
        rc = morph_op(src, &t1, kernel, 0, ax, ay, iterations, !top, who);
        if (!rc)
            rc = morph_op(&t1, &t2, kernel, 0, ax, ay, iterations, top, who);
        if (!rc) {
            if (top)
                subtract(src, &t2, dst);
            else
                subtract(&t2, src, dst);
        }
        break;
    }
    }
    seg_image_free(&t1);
    seg_image_free(&t2);
    return rc;
}
