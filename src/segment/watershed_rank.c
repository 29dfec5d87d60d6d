/* Value ranks for the skimage-semantics watershed's bucket queue.
 *
 * u8 and u16 values are their own ranks. For s32 and f32, the order-preserving 32-bit
 * codes of the in-mask pixels are deduplicated in a hash set (real images have few
 * distinct values, and neighbours usually repeat the previous one), the distinct codes
 * sorted, and each pixel given its code's position. When there are too many distinct
 * values for a cache-friendly table (noise-like float images), a radix sort of
 * (code, pixel) pairs ranks them instead. */
#include "segment/watershed_internal.h"

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

/* LSD radix sort of 64-bit keys on bits [lo, 64), 11 bits a pass; a and tmp hold n. */
static uint64_t *radix_sort(uint64_t *a, uint64_t *tmp, size_t n, int lo, size_t *cnt)
{
    for (int shift = lo; shift < 64; shift += 11) {
        memset(cnt, 0, 2048 * sizeof(size_t));
        for (size_t i = 0; i < n; i++)
            cnt[(a[i] >> shift) & 2047]++;
        size_t sum = 0;
        for (int k = 0; k < 2048; k++) {
            size_t c = cnt[k];
            cnt[k] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[cnt[(a[i] >> shift) & 2047]++] = a[i];
        uint64_t *t = a;
        a = tmp;
        tmp = t;
    }
    return a;
}

int seg__ws_rank_by_sort(const seg_image *img, ws_px *px, int w2, uint32_t *nkeys,
                         uint32_t **order)
{
    if (order)
        *order = NULL;
    const int w = img->width, h = img->height;
    size_t n = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            n += px[(size_t)(y + 1) * (size_t)w2 + (size_t)x + 1].key != WS_OUTSIDE;
    uint64_t *a = seg__malloc((n ? n : 1) * sizeof(uint64_t));
    uint64_t *b = seg__malloc((n ? n : 1) * sizeof(uint64_t));
    size_t *cnt = seg__malloc(2048 * sizeof(size_t));
    int rc = SEG_OK;
    if (!a || !b || !cnt) {
        rc = seg__fail(SEG_ENOMEM, "watershed_skimage: cannot allocate the value sort");
        goto done;
    }
    n = 0;
    for (int y = 0; y < h; y++) {
        const void *row = seg__row(img, y);
        size_t base = (size_t)(y + 1) * (size_t)w2 + 1;
        for (int x = 0; x < w; x++)
            if (px[base + (size_t)x].key != WS_OUTSIDE)
                a[n++] = (uint64_t)seg__ws_code(row, img->type, x) << 32 | (base + (size_t)x);
    }
    uint64_t *s = radix_sort(a, b, n, 32, cnt);
    if (order) {
        uint32_t *o = seg__malloc((n ? n : 1) * sizeof(uint32_t));
        if (!o) {
            rc = seg__fail(SEG_ENOMEM, "watershed_skimage: cannot allocate the value order");
            goto done;
        }
        for (size_t i = 0, e; i < n; i = e) {
            for (e = i + 1; e < n && (s[e] >> 32) == (s[i] >> 32); e++)
                ;
            uint32_t key = (uint32_t)i | (e - i > 1 ? WS_SHARED : 0);
            for (size_t k = i; k < e; k++) {
                o[k] = (uint32_t)s[k];
                px[o[k]].key = key;
            }
        }
        *order = o;
        *nkeys = (uint32_t)n;
        goto done;
    }
    uint32_t r = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && (s[i] >> 32) != (s[i - 1] >> 32))
            r++;
        px[(uint32_t)s[i]].key = r;
    }
    *nkeys = r + 1;
done:
    seg__free(a);
    seg__free(b);
    seg__free(cnt);
    return rc;
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
    size_t *cnt = seg__malloc(2048 * sizeof(size_t));
    if (!a || !b || !cnt) {
        seg__free(a);
        seg__free(b);
        seg__free(cnt);
        return seg__fail(SEG_ENOMEM, "watershed_skimage: cannot allocate the value sort");
    }
    size_t k = 0;
    for (size_t i = 0; i < size; i++)
        if (r->used[i])
            a[k++] = (uint64_t)r->code[i] << 32 | i;
    uint64_t *s = radix_sort(a, b, n, 32, cnt);
    for (size_t i = 0; i < n; i++)
        r->rank[(uint32_t)s[i]] = (uint32_t)i;
    seg__free(a);
    seg__free(b);
    seg__free(cnt);
    return SEG_OK;
}
