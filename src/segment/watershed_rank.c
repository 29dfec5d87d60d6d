/* Value ranks for the skimage-semantics watershed's bucket queue.
 *
 * u8 and u16 values are their own ranks. For s32 and f32, the order-preserving 32-bit
 * codes of the in-mask pixels are deduplicated in a hash set (real images have few
 * distinct values, and neighbours usually repeat the previous one), the distinct codes
 * sorted, and each pixel given its code's position. When there are too many distinct
 * values for a cache-friendly table (noise-like float images, found by sampling or
 * when the table overflows), a radix sort of (code, pixel) pairs ranks them instead:
 * each pixel's key is then the sorted position of its value's first pixel. */
#include "segment/watershed_internal.h"

#include <stdlib.h>
#include <string.h>

#define HASH_MAX_DISTINCT (1u << 18)
/* A piece of rows with more distinct values than this is noise-like: sort instead (the
 * two methods give the same ranks, so the choice never changes a result). */
#define PIECE_MAX_DISTINCT (1u << 14)
static int set_alloc(ws_ranks *s, uint32_t bits)
{
    size_t n = (size_t)1 << bits;
    s->bits = bits;
    s->count = 0;
    s->too_many = 0;
    s->code = seg__malloc(n * sizeof(uint32_t));
    s->rank = seg__malloc(n * sizeof(uint32_t));
    s->used = seg__calloc(n, 1);
    return s->code && s->rank && s->used ? 0 : -1;
}

void seg__ws_ranks_free(ws_ranks *s)
{
    seg__free(s->code);
    seg__free(s->rank);
    seg__free(s->used);
    s->code = s->rank = NULL;
    s->used = NULL;
}

/* Insert c; 1 when the set outgrew max, -1 on allocation failure. */
static int set_insert(ws_ranks *s, uint32_t c, uint32_t max)
{
    uint32_t i = seg__ws_slot(s, c);
    if (s->used[i])
        return 0;
    s->used[i] = 1;
    s->code[i] = c;
    if (++s->count * 2 <= (1u << s->bits))
        return 0;
    if (s->count > max)
        return 1;
    ws_ranks t;
    if (set_alloc(&t, s->bits + 1)) {
        seg__ws_ranks_free(&t);
        return -1;
    }
    for (size_t k = 0; k < ((size_t)1 << s->bits); k++)
        if (s->used[k]) {
            uint32_t j = seg__ws_slot(&t, s->code[k]);
            t.used[j] = 1;
            t.code[j] = s->code[k];
        }
    t.count = s->count;
    seg__ws_ranks_free(s);
    *s = t;
    return 0;
}

/* ---- ranking by sorting (noise-like images) ---- */

/* The 32-bit code a pixel is sorted by: its value's order-preserving code; for float64,
 * that of the value rounded to float32 (rounding keeps the order but may merge values:
 * split_f64_runs restores them). */
static inline uint32_t sort_code(const void *row, seg_type t, int x)
{
    if (t == SEG_F64)
        return seg__ws_code_f32((float)((const double *)row)[x]);
    return seg__ws_code(row, t, x);
}

typedef struct f64_item {
    uint64_t code;
    uint32_t pixel;
} f64_item;

static int cmp_f64_item(const void *pa, const void *pb)
{
    const f64_item *a = pa, *b = pb;
    return a->code < b->code ? -1 : a->code > b->code;
}

/* After sorting by the float32-rounded code: order each run of equal rounded codes by
 * the exact float64 value, then replace every key's high half by a counter of distinct
 * values, so that neighbours in the order compare equal exactly when their values do.
 * Padded index p is image pixel (p / w2 - 1, p % w2 - 1). */
static int split_f64_runs(uint64_t *s, size_t n, const seg_image *img, int w2)
{
    f64_item *run = NULL;
    size_t cap = 0;
    uint64_t group = 0;
    for (size_t i = 0, e; i < n; i = e) {
        for (e = i + 1; e < n && (s[e] >> 32) == (s[i] >> 32); e++)
            ;
        if (e - i == 1) {
            s[i] = group++ << 32 | (uint32_t)s[i];
            continue;
        }
        if (e - i > cap) {
            seg__free(run);
            cap = SEG_MAX(e - i, 2 * cap);
            run = seg__malloc(cap * sizeof *run);
            if (!run)
                return -1;
        }
        for (size_t k = i; k < e; k++) {
            uint32_t p = (uint32_t)s[k];
            const double *row = seg__row(img, (int)(p / (uint32_t)w2) - 1);
            run[k - i] = (f64_item){seg__ws_code_f64(row[p % (uint32_t)w2 - 1]), p};
        }
        qsort(run, e - i, sizeof *run, cmp_f64_item);
        for (size_t k = i; k < e; k++) {
            if (k > i && run[k - i].code != run[k - i - 1].code)
                group++;
            s[k] = group << 32 | run[k - i].pixel;
        }
        group++;
    }
    seg__free(run);
    return 0;
}

typedef struct fill_ctx {
    const seg_image *img;
    ws_px *px;
    int w2;
    int64_t grain;
    size_t *at;         /* per piece of rows: its in-mask count, then its first slot */
    int *nan_x, *nan_y; /* per piece: first NaN in raster order, -1 if none */
    uint64_t *a;
} fill_ctx;

static void count_rows(void *vctx, int64_t y0, int64_t y1)
{
    const fill_ctx *c = vctx;
    const int64_t p = y0 / c->grain;
    size_t n = 0;
    c->nan_x[p] = c->nan_y[p] = -1;
    for (int64_t y = y0; y < y1; y++) {
        const ws_px *r = c->px + (size_t)(y + 1) * (size_t)c->w2 + 1;
        const void *row = seg__row(c->img, (int)y);
        const seg_type t = c->img->type;
        for (int x = 0; x < c->img->width; x++) {
            n += r[x].key != WS_OUTSIDE;
            int nan = t == SEG_F32   ? ((const float *)row)[x] != ((const float *)row)[x]
                      : t == SEG_F64 ? ((const double *)row)[x] != ((const double *)row)[x]
                                     : 0;
            if (nan && c->nan_y[p] < 0) {
                c->nan_x[p] = x;
                c->nan_y[p] = (int)y;
            }
        }
    }
    c->at[p] = n;
}

static void fill_rows(void *vctx, int64_t y0, int64_t y1)
{
    const fill_ctx *c = vctx;
    size_t k = c->at[y0 / c->grain];
    for (int64_t y = y0; y < y1; y++) {
        const void *row = seg__row(c->img, (int)y);
        size_t base = (size_t)(y + 1) * (size_t)c->w2 + 1;
        for (int x = 0; x < c->img->width; x++)
            if (c->px[base + (size_t)x].key != WS_OUTSIDE)
                c->a[k++] = (uint64_t)sort_code(row, c->img->type, x) << 32 | (base + (size_t)x);
    }
}

typedef struct key_ctx {
    const uint64_t *s; /* sorted (code, pixel) */
    size_t n;
    ws_px *px;
    uint32_t *order; /* NULL: no order wanted, no WS_SHARED flag */
} key_ctx;

/* Key of every pixel of the sorted slots [b, e): its value's first position. */
static void key_slots(void *vctx, int64_t b, int64_t e)
{
    const key_ctx *c = vctx;
    const uint64_t *s = c->s;
    size_t st = (size_t)b;
    while (st > 0 && (s[st - 1] >> 32) == (s[b] >> 32))
        st--;
    for (size_t k = (size_t)b; k < (size_t)e;) {
        size_t en = k + 1;
        while (en < c->n && (s[en] >> 32) == (s[k] >> 32))
            en++;
        uint32_t key = (uint32_t)st | (c->order && en - st > 1 ? WS_SHARED : 0);
        for (; k < en && k < (size_t)e; k++) {
            uint32_t j = (uint32_t)s[k];
            c->px[j].key = key;
            if (c->order)
                c->order[k] = j;
        }
        st = en;
    }
}

int seg__ws_rank_by_sort(const seg_image *img, ws_px *px, int w2, uint32_t *nkeys,
                         uint32_t **order)
{
    if (order)
        *order = NULL;
    const int h = img->height;
    const int64_t grain = seg__grain(h, 16);
    const size_t npieces = (size_t)((h + grain - 1) / grain);
    fill_ctx fc = {img, px, w2, grain, seg__malloc(npieces * sizeof(size_t)),
                   seg__malloc(npieces * sizeof(int)), seg__malloc(npieces * sizeof(int)), NULL};
    uint64_t *b = NULL;
    uint32_t *o = NULL;
    int rc = SEG_OK;
    if (!fc.at || !fc.nan_x || !fc.nan_y)
        goto nomem;
    seg__parallel_for(h, grain, count_rows, &fc);
    size_t n = 0;
    for (size_t p = 0; p < npieces; p++) {
        if (fc.nan_y[p] >= 0) {
            rc = seg__fail(SEG_EINVAL, "watershed_skimage: the image has NaN at (%d, %d)",
                           fc.nan_x[p], fc.nan_y[p]);
            goto done;
        }
        size_t k = fc.at[p];
        fc.at[p] = n;
        n += k;
    }
    fc.a = seg__malloc((n ? n : 1) * sizeof(uint64_t));
    b = seg__malloc((n ? n : 1) * sizeof(uint64_t));
    if (order)
        o = seg__malloc((n ? n : 1) * sizeof(uint32_t));
    if (!fc.a || !b || (order && !o))
        goto nomem;
    seg__parallel_for(h, grain, fill_rows, &fc);
    uint64_t *s = seg__radix_sort64(fc.a, b, n, 32, 64);
    if (!s || (img->type == SEG_F64 && split_f64_runs(s, n, img, w2)))
        goto nomem;
    key_ctx kc = {s, n, px, o};
    seg__parallel_for((int64_t)n, seg__grain((int64_t)n, 1 << 15), key_slots, &kc);
    *nkeys = (uint32_t)(n ? n : 1);
    if (order) {
        *order = o;
        o = NULL;
    }
    goto done;
nomem:
    rc = seg__fail(SEG_ENOMEM, "watershed_skimage: cannot allocate the value sort");
done:
    seg__free(fc.at);
    seg__free(fc.nan_x);
    seg__free(fc.nan_y);
    seg__free(fc.a);
    seg__free(b);
    seg__free(o);
    return rc;
}

/* See watershed_internal.h. One pass, keeping for each float32 code seen the float64
 * value it came from; a second value for a code means rounding merged two values. */
int seg__ws_f64_rounds_apart(const seg_image *img, seg_image *rounded)
{
    enum { BITS = 19 }; /* twice HASH_MAX_DISTINCT: more distinct values sort anyway */
    const size_t slots = (size_t)1 << BITS;
    uint32_t *code = seg__malloc(slots * sizeof(uint32_t));
    double *val = seg__malloc(slots * sizeof(double));
    uint8_t *used = seg__calloc(slots, 1);
    int rc = -1;
    if (!code || !val || !used ||
        seg_image_alloc(rounded, img->width, img->height, 1, SEG_F32) != SEG_OK)
        goto done;
    rc = 0;
    size_t count = 0;
    uint32_t last = 0;
    double last_v = 0;
    int have = 0;
    for (int y = 0; y < img->height; y++) {
        const double *r = seg__row(img, y);
        float *o = seg__row(rounded, y);
        for (int x = 0; x < img->width; x++) {
            const double v = r[x];
            o[x] = (float)v;
            const uint32_t c = seg__ws_code_f32(o[x]);
            if (have && c == last) {
                if (v != last_v) /* merged (or NaN: the sort path names it) */
                    goto done;
                continue;
            }
            uint32_t i = (c * 0x9E3779B1u) >> (32 - BITS);
            while (used[i] && code[i] != c)
                i = (i + 1) & (uint32_t)(slots - 1);
            if (!used[i]) {
                if (++count > HASH_MAX_DISTINCT)
                    goto done;
                used[i] = 1;
                code[i] = c;
                val[i] = v;
            } else if (val[i] != v) {
                goto done;
            }
            last = c;
            last_v = v;
            have = 1;
        }
    }
    rc = 1;
done:
    if (rc != 1)
        seg_image_free(rounded);
    seg__free(code);
    seg__free(val);
    seg__free(used);
    return rc < 0 ? seg__fail(SEG_ENOMEM, "watershed_skimage: cannot allocate the value check")
                  : rc;
}

/* Whether the image looks noise-like: more than half of 4096 pixels spread over it have
 * distinct values. Then the value table would overflow after costing a pass of
 * hashing, so ranking goes straight to the sort (both give the same order). */
int seg__ws_noise_like(const seg_image *img)
{
    enum { SAMPLES = 4096, BITS = 13 };
    const size_t total = (size_t)img->width * (size_t)img->height;
    if (total < 4 * SAMPLES)
        return 0;
    uint32_t code[1 << BITS];
    uint8_t used[1 << BITS] = {0};
    ws_ranks set = {code, NULL, used, BITS, 0, 0};
    size_t step = total / SAMPLES, distinct = 0;
    for (size_t i = 0; i < SAMPLES; i++) {
        size_t q = i * step;
        const void *row = seg__row(img, (int)(q / (size_t)img->width));
        uint32_t c = seg__ws_code(row, img->type, (int)(q % (size_t)img->width));
        uint32_t k = seg__ws_slot(&set, c);
        if (!used[k]) {
            used[k] = 1;
            code[k] = c;
            distinct++;
        }
    }
    return distinct > SAMPLES / 2;
}

/* One piece of rows of the parallel collection: its own set of distinct codes, and its
 * first NaN (f32) in raster order. */
typedef struct piece_set {
    ws_ranks set;
    int status; /* 0 ok, 1 too many distinct values, -1 out of memory */
    int nan_x, nan_y;
} piece_set;

typedef struct collect_ctx {
    const seg_image *img;
    piece_set *pieces;
    int64_t grain;
} collect_ctx;

static void collect_rows(void *vctx, int64_t y0, int64_t y1)
{
    const collect_ctx *c = vctx;
    piece_set *p = &c->pieces[y0 / c->grain];
    const seg_image *img = c->img;
    const int w = img->width;
    p->nan_x = p->nan_y = -1;
    if (set_alloc(&p->set, 10)) {
        p->status = -1;
        return;
    }
    for (int64_t y = y0; y < y1; y++) {
        const void *row = seg__row(img, (int)y);
        uint32_t last = seg__ws_code(row, img->type, 0) ^ 1u; /* differs from pixel 0 */
        for (int x = 0; x < w; x++) {
            uint32_t code = seg__ws_code(row, img->type, x);
            if (code == last)
                continue;
            last = code;
            /* NaN codes lie above +inf's or below -inf's */
            if (img->type == SEG_F32 && (code > 0xff800000u || code < 0x007fffffu) &&
                p->nan_y < 0) {
                p->nan_x = x;
                p->nan_y = (int)y;
            }
            if (p->status == 0)
                p->status = set_insert(&p->set, code, PIECE_MAX_DISTINCT);
        }
    }
}

int seg__ws_ranks_build(const seg_image *img, ws_ranks *r, int *nan_x, int *nan_y)
{
    const int h = img->height;
    *nan_x = *nan_y = -1;
    memset(r, 0, sizeof *r);
    /* the distinct values of each piece of rows in parallel, then their union: the same
     * set, hence the same ranks, whatever the thread count */
    const int64_t grain = seg__grain(h, 16);
    const size_t npieces = (size_t)((h + grain - 1) / grain);
    piece_set *pieces = seg__calloc(npieces, sizeof(piece_set));
    if (!pieces)
        return seg__fail(SEG_ENOMEM, "watershed_skimage: cannot allocate the value table");
    collect_ctx cc = {img, pieces, grain};
    seg__parallel_for(h, grain, collect_rows, &cc);
    int rc = SEG_OK;
    if (set_alloc(r, 12))
        rc = -1;
    for (size_t i = 0; i < npieces; i++) {
        piece_set *p = &pieces[i];
        if (p->nan_y >= 0 && *nan_y < 0) {
            *nan_x = p->nan_x;
            *nan_y = p->nan_y;
        }
        if (rc || r->too_many)
            continue;
        if (p->status < 0) {
            rc = -1;
            continue;
        }
        if (p->status > 0) {
            r->too_many = 1;
            continue;
        }
        for (size_t k = 0; k < ((size_t)1 << p->set.bits) && rc == 0; k++)
            if (p->set.used[k]) {
                int st = set_insert(r, p->set.code[k], HASH_MAX_DISTINCT);
                if (st < 0)
                    rc = -1;
                else if (st > 0)
                    r->too_many = 1;
                if (st)
                    break;
            }
    }
    for (size_t i = 0; i < npieces; i++)
        seg__ws_ranks_free(&pieces[i].set);
    seg__free(pieces);
    if (rc)
        return seg__fail(SEG_ENOMEM, "watershed_skimage: cannot grow the value table");
    if (r->too_many || *nan_y >= 0)
        return SEG_OK;
    size_t n = r->count, size = (size_t)1 << r->bits;
    uint64_t *a = seg__malloc(n * sizeof(uint64_t));
    uint64_t *b = seg__malloc(n * sizeof(uint64_t));
    uint64_t *s = NULL;
    if (a && b) {
        size_t k = 0;
        for (size_t i = 0; i < size; i++)
            if (r->used[i])
                a[k++] = (uint64_t)r->code[i] << 32 | i;
        s = seg__radix_sort64(a, b, n, 32, 64);
    }
    if (s)
        for (size_t i = 0; i < n; i++)
            r->rank[(uint32_t)s[i]] = (uint32_t)i;
    seg__free(a);
    seg__free(b);
    return s ? SEG_OK : seg__fail(SEG_ENOMEM, "watershed_skimage: cannot allocate the value sort");
}
