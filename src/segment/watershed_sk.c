/* skimage.segmentation.watershed of scikit-image 0.19 (_watershed.py, _watershed_cy.pyx,
 * heap_general.pxi), same order of events.
 *
 * skimage pads image, markers and mask by one pixel (the zero mask border stops the
 * flood), pushes every marker with age 0 in raster order, then pops the smallest
 * (value, age) from a binary heap, labelling neighbours (offsets in the order up, left,
 * right, down, then the diagonals up-left, up-right, down-left, down-right) at push
 * time, or at pop time in the compact / watershed-line variants. Ages are unique except
 * for the markers, so the order among equal-valued markers is whatever skimage's binary
 * heap gives; the heap below is the same heap (same sift-up and sift-down with the same
 * strict comparisons), so that order is reproduced exactly too.
 *
 * The speed comes from the representation, not from a different order:
 * - values are replaced by their rank among the image's distinct values (same order,
 *   same ties: watershed_rank.c), and rank and age are packed into one 64-bit key, so a
 *   heap comparison is one integer compare on 16-byte items moved by value;
 * - label and rank of a pixel sit together (ws_px, 8 bytes), one cache line per
 *   neighbour;
 * - ties in (value, age) exist only between markers (all age 0), so once the heap holds
 *   no marker, every key is distinct and any priority queue pops in skimage's order:
 *   the rest of the flood runs on a bucket queue, one FIFO per rank (FIFO = age order,
 *   ages grow with every push), O(1) per pixel; without watershed lines each pixel
 *   waits at most once, so the FIFOs are slices of one array sized by a count of the
 *   ranks, and the pixel a few pops ahead is known without chasing links: its
 *   neighbourhood is prefetched.
 * The compact variant needs float64 priorities (value + compactness * distance) and
 * keeps skimage's heap throughout (24-byte items, (value, age) compared in order). */
#include "segment/watershed_flood.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- skimage's binary heap (watershed_flood.h) on packed keys ---- */

typedef struct item_fast {
    uint64_t key;  /* value rank << 32 | age */
    uint32_t index;
    int32_t label; /* label this item carries (watershed-line mode) */
} item_fast;

#define LESS_FAST(a, b) ((a).key < (b).key)

DEFINE_HEAP(item_fast, LESS_FAST)

/* ---- bucket queue: one FIFO per rank, a two-level bitmap of the non-empty ones ---- */

#define MARKER_BIT 0x80000000u /* padded indices are < 2^31 */

typedef struct bq_item {
    uint32_t index;
    int32_t label;
    int32_t next;
} bq_item;

typedef struct bucket_queue {
    int32_t *head, *tail;    /* watershed-line mode: per rank, first and last item */
    uint64_t *bits0, *bits1; /* non-empty ranks; non-zero words of bits0 */
    size_t nbuckets, nwords0, nwords1, cur, live;
    /* plain mode: a pixel waits at most once, so each rank's FIFO is a fixed slice
     * slot[rd[b] .. wr[b]) of one array, sized by the count of in-mask pixels of that
     * rank */
    uint32_t *slot, *rd, *wr;
    bq_item *items; /* watershed-line mode: a pixel can wait several times */
    size_t nitems, cap;
} bucket_queue;

static int bq_init(bucket_queue *q, size_t nbuckets)
{
    memset(q, 0, sizeof *q);
    q->nbuckets = nbuckets;
    q->nwords0 = (nbuckets + 63) / 64;
    q->nwords1 = (q->nwords0 + 63) / 64;
    q->bits0 = seg__calloc(q->nwords0, sizeof(uint64_t));
    q->bits1 = seg__calloc(q->nwords1, sizeof(uint64_t));
    q->cur = nbuckets;
    return q->bits0 && q->bits1 ? 0 : -1;
}

static int bq_init_items(bucket_queue *q, size_t nbuckets)
{
    if (bq_init(q, nbuckets))
        return -1;
    q->head = seg__malloc(nbuckets * sizeof(int32_t));
    q->tail = seg__malloc(nbuckets * sizeof(int32_t));
    return q->head && q->tail ? 0 : -1;
}

/* Plain mode: count[b] = pixels of rank b that may still be queued (an upper bound). */
static int bq_init_slots(bucket_queue *q, size_t nbuckets, const uint32_t *count)
{
    if (bq_init(q, nbuckets))
        return -1;
    q->rd = seg__malloc(nbuckets * sizeof(uint32_t));
    q->wr = seg__malloc(nbuckets * sizeof(uint32_t));
    if (!q->rd || !q->wr)
        return -1;
    uint32_t sum = 0;
    for (size_t b = 0; b < nbuckets; b++) {
        q->rd[b] = q->wr[b] = sum;
        sum += count[b];
    }
    q->slot = seg__malloc((sum ? sum : 1) * sizeof(uint32_t));
    return q->slot ? 0 : -1;
}

static void bq_free(bucket_queue *q)
{
    seg__free(q->head);
    seg__free(q->tail);
    seg__free(q->bits0);
    seg__free(q->bits1);
    seg__free(q->slot);
    seg__free(q->rd);
    seg__free(q->wr);
    seg__free(q->items);
}

/* Mark bucket b non-empty; returns 1 when it was empty (the caller sets head). */
static inline int bq_mark(bucket_queue *q, size_t b)
{
    uint64_t bit = 1ull << (b & 63);
    if (q->bits0[b >> 6] & bit)
        return 0;
    q->bits0[b >> 6] |= bit;
    q->bits1[b >> 12] |= 1ull << ((b >> 6) & 63);
    if (b < q->cur)
        q->cur = b;
    return 1;
}

static inline void bq_unmark(bucket_queue *q, size_t b)
{
    q->bits0[b >> 6] &= ~(1ull << (b & 63));
    if (!q->bits0[b >> 6])
        q->bits1[b >> 12] &= ~(1ull << ((b >> 6) & 63));
}

/* Lowest non-empty bucket at or after `from` (nbuckets if none). */
static size_t bq_next(const bucket_queue *q, size_t from)
{
    size_t w = from >> 6;
    if (w >= q->nwords0)
        return q->nbuckets;
    uint64_t m = q->bits0[w] & (~0ull << (from & 63));
    if (m)
        return (w << 6) + (size_t)__builtin_ctzll(m);
    size_t w1 = (w + 1) >> 6;
    if (w1 >= q->nwords1)
        return q->nbuckets;
    uint64_t m1 = q->bits1[w1] & (~0ull << ((w + 1) & 63));
    while (!m1) {
        if (++w1 >= q->nwords1)
            return q->nbuckets;
        m1 = q->bits1[w1];
    }
    size_t w0 = (w1 << 6) + (size_t)__builtin_ctzll(m1);
    return (w0 << 6) + (size_t)__builtin_ctzll(q->bits0[w0]);
}

/* plain mode: append to the rank's slice */
static inline void bq_push_px(bucket_queue *q, const ws_px *px, uint32_t j)
{
    size_t b = px[j].key;
    bq_mark(q, b);
    q->slot[q->wr[b]++] = j;
    q->live++;
}

/* The flood is bound by cache misses on the pixels it reaches, and the pop order is
 * known some way ahead (the rest of the current rank's slice): flood_plain prefetches
 * the neighbourhood of the pixel LOOKAHEAD pops away (its rows above, at and below; a
 * record's row). */
enum { LOOKAHEAD = 16 };

/* watershed-line mode: items in a pool (never reused, so pushes are sequential) */
static int bq_push_item(bucket_queue *q, size_t b, uint32_t index, int32_t label)
{
    if (q->nitems == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 65536;
        if (cap > (size_t)INT32_MAX)
            return -1;
        bq_item *a = seg__malloc(cap * sizeof(bq_item));
        if (!a)
            return -1;
        if (q->nitems)
            memcpy(a, q->items, q->nitems * sizeof(bq_item));
        seg__free(q->items);
        q->items = a;
        q->cap = cap;
    }
    int32_t it = (int32_t)q->nitems++;
    q->items[it] = (bq_item){index, label, -1};
    if (bq_mark(q, b))
        q->head[b] = it;
    else
        q->items[q->tail[b]].next = it;
    q->tail[b] = it;
    q->live++;
    return 0;
}

static inline bq_item bq_pop_item(bucket_queue *q)
{
    if (!(q->bits0[q->cur >> 6] & (1ull << (q->cur & 63))))
        q->cur = bq_next(q, q->cur);
    size_t b = q->cur;
    bq_item e = q->items[q->head[b]];
    if (e.next < 0)
        bq_unmark(q, b);
    else
        q->head[b] = e.next;
    q->live--;
    return e;
}

/* The plain flood on the bucket queue (no watershed lines): a pixel is labelled when it
 * is queued, so a pop only queues its available neighbours with its label. Everything
 * hot is a local or a restrict pointer (so that stores do not make the compiler reload
 * the queue's state); nnb is a constant at each call,
 * so the neighbour loop unrolls. A bucket's bit may stay set after it empties; the
 * bucket is unmarked when the scan reaches it. */
static inline __attribute__((always_inline)) void flood_plain(bucket_queue *q,
                                                              ws_px *restrict px,
                                                              const ptrdiff_t *nb, int nnb,
                                                              ptrdiff_t w2)
{
    uint32_t *restrict slot = q->slot, *restrict rd = q->rd, *restrict wr = q->wr;
    uint64_t *restrict bits0 = q->bits0, *restrict bits1 = q->bits1;
    ptrdiff_t off[8];
    for (int k = 0; k < nnb; k++)
        off[k] = nb[k];
    size_t cur = q->cur, live = q->live;
    while (live) {
        if (rd[cur] == wr[cur]) {
            q->cur = cur;
            bq_unmark(q, cur);
            cur = bq_next(q, cur);
            continue;
        }
        const uint32_t r = rd[cur]++;
        const size_t idx = slot[r];
        live--;
        if (r + LOOKAHEAD < wr[cur]) {
            const ptrdiff_t a = slot[r + LOOKAHEAD];
            __builtin_prefetch(&px[a - w2]);
            __builtin_prefetch(&px[a - 1]); /* a's line, or the two it straddles */
            __builtin_prefetch(&px[a + 1]);
            __builtin_prefetch(&px[a + w2]);
        }
        const int32_t lab = px[idx].out;
        for (int k = 0; k < nnb; k++) {
            const size_t j = idx + (size_t)off[k];
            if (px[j].out || px[j].key == WS_OUTSIDE)
                continue;
            px[j].out = lab;
            const size_t b = px[j].key;
            const uint64_t bit = 1ull << (b & 63);
            if (!(bits0[b >> 6] & bit)) {
                bits0[b >> 6] |= bit;
                bits1[b >> 12] |= 1ull << ((b >> 6) & 63);
            }
            cur = b < cur ? b : cur;
            slot[wr[b]++] = (uint32_t)j;
            live++;
        }
    }
    q->cur = cur;
    q->live = 0;
}

static int cmp_key(const void *pa, const void *pb)
{
    const item_fast *a = pa, *b = pb;
    return a->key < b->key ? -1 : a->key > b->key;
}

/* What skimage does with one popped item (labels at push time, or at pop time with
 * watershed lines); PUSH(j, label) queues neighbour j with the current age. A
 * neighbour is tested on its own 8-byte record (a separate 1-byte "available" map was
 * tried: it costs more in stores and cache lines than it saves). */
#define VISIT(idx, is_marker, item_label, PUSH)                                        \
    do {                                                                               \
        if (wsl) {                                                                     \
            if (px[idx].out && !(is_marker))                                           \
                break; /* already labelled and not a marker */                         \
            if (diff_neighbors(f, idx))                                                \
                break;                                                                 \
            px[idx].out = (item_label);                                                \
        }                                                                              \
        int32_t lab_ = px[idx].out;                                                    \
        for (int k_ = 0; k_ < nnb; k_++) {                                             \
            size_t j_ = idx + (size_t)nb[k_];                                          \
            if (!inside(&px[j_]) || px[j_].out)                                        \
                continue;                                                              \
            age++;                                                                     \
            if (!wsl)                                                                  \
                px[j_].out = lab_;                                                     \
            PUSH(j_, lab_);                                                            \
        }                                                                              \
    } while (0)

static int flood_fast(flood *f)
{
    heap_item_fast hp = {0};
    bucket_queue bq;
    memset(&bq, 0, sizeof bq);
    const size_t total = (size_t)f->w2 * (size_t)f->h2;
    ws_px *px = f->px;
    const ptrdiff_t *nb = f->nb;
    const int wsl = f->wsl, nnb = f->nnb;
    /* plain mode on ranks: how many in-mask pixels each rank has, to size the queue's
     * slices (sorted positions need none) */
    const int counted = !wsl && !f->order;
    uint32_t *mk_at = NULL, *seeds = NULL;
    uint32_t *count = counted ? seg__calloc(f->nkeys, sizeof(uint32_t)) : NULL;
    if (counted && !count)
        goto nomem;
    for (size_t i = 0; i < total; i++) {
        if (count && px[i].key != WS_OUTSIDE)
            count[px[i].key]++;
        if (px[i].out) {
            item_fast e = {(uint64_t)(px[i].key & ~WS_SHARED) << 32, (uint32_t)i, px[i].out};
            if (heap_item_fast_push(&hp, e))
                goto nomem;
        }
    }
    /* Only markers (all age 0) can tie, and only markers of equal value. While two such
     * remain, the order between them is whatever skimage's heap gives, so run that
     * heap; after that every key in the queue is distinct. mk_ties counts ranks with
     * two or more markers still queued. */
    mk_at = seg__calloc(f->nkeys, sizeof(uint32_t));
    if (!mk_at)
        goto nomem;
    size_t mk_ties = 0;
    for (size_t i = 0; i < hp.n; i++)
        mk_ties += ++mk_at[hp.a[i].key >> 32] == 2;
    uint32_t age = 1;
    int fail = 0;
#define HEAP_PUSH(j, lab)                                                               \
    do {                                                                               \
        item_fast n_ = {(uint64_t)(px[j].key & ~WS_SHARED) << 32 | age, (uint32_t)(j), \
                        (lab)};                                                        \
        fail |= heap_item_fast_push(&hp, n_);                                          \
    } while (0)
    /* phase 1: skimage's heap, while markers of equal value remain */
    while (hp.n && mk_ties) {
        item_fast e = heap_item_fast_pop(&hp);
        size_t idx = e.index;
        int is_marker = (e.key & 0xffffffffu) == 0;
        if (is_marker)
            mk_ties -= mk_at[e.key >> 32]-- == 2;
        VISIT(idx, is_marker, e.label, HEAP_PUSH);
        if (fail)
            goto nomem;
    }
#undef HEAP_PUSH
    if (!hp.n)
        goto finish;
    /* phase 2: every key is distinct from here on (markers still queued come first in
     * their rank's FIFO: age 0 sorts first) */
    qsort(hp.a, hp.n, sizeof(item_fast), cmp_key);
    if (f->order) {
        seeds = seg__malloc(hp.n * sizeof(uint32_t));
        if (!seeds)
            goto nomem;
        for (size_t i = 0; i < hp.n; i++)
            seeds[i] = hp.a[i].index;
        int rc = seg__ws_flood_sorted(px, f->order, f->nkeys, nb, nnb, seeds, hp.n);
        heap_item_fast_free(&hp);
        seg__free(mk_at);
        seg__free(seeds);
        return rc;
    }
    if (wsl ? bq_init_items(&bq, f->nkeys) : bq_init_slots(&bq, f->nkeys, count))
        goto nomem;
    if (!wsl) {
        for (size_t i = 0; i < hp.n; i++)
            bq_push_px(&bq, px, hp.a[i].index);
        if (nnb == 4)
            flood_plain(&bq, px, nb, 4, f->w2);
        else
            flood_plain(&bq, px, nb, 8, f->w2);
    } else {
        /* a marker's item carries MARKER_BIT in its index */
        for (size_t i = 0; i < hp.n; i++)
            if (bq_push_item(&bq, px[hp.a[i].index].key,
                             hp.a[i].index | ((hp.a[i].key & 0xffffffffu) ? 0 : MARKER_BIT),
                             hp.a[i].label))
                goto nomem;
#define ITEM_PUSH(j, lab) fail |= bq_push_item(&bq, px[j].key, (uint32_t)(j), (lab))
        while (bq.live) {
            bq_item e = bq_pop_item(&bq);
            size_t idx = e.index & ~MARKER_BIT;
            VISIT(idx, (e.index & MARKER_BIT) != 0, e.label, ITEM_PUSH);
            if (fail)
                goto nomem;
        }
#undef ITEM_PUSH
    }
finish:
    heap_item_fast_free(&hp);
    seg__free(mk_at);
    seg__free(count);
    bq_free(&bq);
    return SEG_OK;
nomem:
    heap_item_fast_free(&hp);
    seg__free(mk_at);
    seg__free(count);
    seg__free(seeds);
    bq_free(&bq);
    return seg__fail(SEG_ENOMEM, "watershed_skimage: cannot grow the priority queue");
}

typedef struct setup_ctx {
    const seg_image *image, *markers, *mask;
    flood *f;
    const ws_ranks *ranks; /* s32/f32 value table, NULL when keys are set elsewhere */
} setup_ctx;

/* Rows of the padded records: label = marker inside the mask (skimage multiplies the
 * markers by the mask); key = the value's rank inside (u8/u16: the value; s32/f32: from
 * the table, or 0 when ranks come later by sorting), WS_OUTSIDE outside. */
static void setup_rows(void *vctx, int64_t y0, int64_t y1)
{
    const setup_ctx *c = vctx;
    flood *f = c->f;
    const int w = c->image->width;
    const ws_px outside = {0, WS_OUTSIDE};
    for (int64_t y = y0; y < y1; y++) {
        const int32_t *mr = seg__row(c->markers, (int)y);
        const uint8_t *kr = c->mask ? seg__row(c->mask, (int)y) : NULL;
        ws_px *p = f->px + (size_t)(y + 1) * (size_t)f->w2;
        p[0] = p[w + 1] = outside;
        p++;
        const void *row = seg__row(c->image, (int)y);
        const seg_type t = c->image->type;
        uint32_t last = 0, last_rank = 0;
        int have = 0;
        for (int x = 0; x < w; x++) {
            int in = kr ? kr[x] != 0 : 1;
            uint32_t key = 0;
            if (t == SEG_U8) {
                key = ((const uint8_t *)row)[x];
            } else if (t == SEG_U16) {
                key = ((const uint16_t *)row)[x];
            } else if (c->ranks) {
                uint32_t code = seg__ws_code(row, t, x);
                if (!have || code != last) {
                    last = code;
                    last_rank = c->ranks->rank[seg__ws_slot(c->ranks, code)];
                    have = 1;
                }
                key = last_rank;
            }
            p[x].out = in ? mr[x] : 0;
            p[x].key = in ? key : WS_OUTSIDE;
        }
        if (f->value) {
            double *v = f->value + (size_t)(y + 1) * (size_t)f->w2 + 1;
            for (int x = 0; x < w; x++)
                v[x] = seg__elem_f64(row, t, x);
        }
    }
}

typedef struct copy_ctx {
    seg_image *out;
    const flood *f;
} copy_ctx;

static void copy_rows(void *vctx, int64_t y0, int64_t y1)
{
    const copy_ctx *c = vctx;
    for (int64_t y = y0; y < y1; y++) {
        int32_t *o = seg__row(c->out, (int)y);
        const ws_px *p = c->f->px + (size_t)(y + 1) * (size_t)c->f->w2 + 1;
        for (int x = 0; x < c->out->width; x++)
            o[x] = p[x].out;
    }
}

int seg_watershed_skimage(const seg_image *image, const seg_image *markers, const seg_image *mask,
                          seg_image *out, int connectivity, double compactness,
                          int watershed_line)
{
    seg__clear_error();
    const char *who = "watershed_skimage";
    int rc = seg__check_input(image, SEG_TYPES(SEG_U8, SEG_U16, SEG_S32, SEG_F32, SEG_F64),
                              1u << 1, who);
    if (rc)
        return rc;
    const int w = image->width, h = image->height;
    if (!seg_image_valid(markers))
        return seg__fail(SEG_EINVAL, "%s: markers are missing or empty", who);
    if (markers->type != SEG_S32 || markers->channels != 1)
        return seg__fail(SEG_ETYPE, "%s: markers must be 1-channel s32 (got %d channels of %s)",
                         who, markers->channels, seg__type_name(markers->type));
    if (markers->width != w || markers->height != h)
        return seg__fail(SEG_ESIZE, "%s: markers are %dx%d but the image is %dx%d", who,
                         markers->width, markers->height, w, h);
    if (mask) {
        if (!seg_image_valid(mask))
            return seg__fail(SEG_EINVAL, "%s: mask is empty or invalid", who);
        if (mask->type != SEG_U8 || mask->channels != 1)
            return seg__fail(SEG_ETYPE, "%s: mask must be 1-channel u8", who);
        if (mask->width != w || mask->height != h)
            return seg__fail(SEG_ESIZE, "%s: mask is %dx%d but the image is %dx%d", who,
                             mask->width, mask->height, w, h);
    }
    if (connectivity != 1 && connectivity != 2)
        return seg__fail(SEG_EINVAL, "%s: connectivity %d is not 1 or 2", who, connectivity);
    if (!(compactness >= 0) || !isfinite(compactness))
        return seg__fail(SEG_EINVAL, "%s: compactness %g must be finite and >= 0", who,
                         compactness);
    seg_image rounded = {0}; /* float64 keys rounded to float32 (see below) */
    flood f = {.w2 = w + 2, .h2 = h + 2, .wsl = watershed_line != 0,
               .compactness = compactness};
    size_t total;
    if (!seg__mul((size_t)f.w2, (size_t)f.h2, &total) || total >= (size_t)INT32_MAX)
        return seg__fail(SEG_ELIMIT, "%s: %dx%d exceeds 2^31 padded pixels", who, w, h);
    const int compact = compactness > 0;
    if (compact && (image->type == SEG_F32 || image->type == SEG_F64))
        for (int y = 0; y < h; y++) { /* otherwise found while ranking */
            const void *r = seg__row(image, y);
            for (int x = 0; x < w; x++)
                if (isnan(seg__elem_f64(r, image->type, x)))
                    return seg__fail(SEG_EINVAL, "%s: the image has NaN at (%d, %d)", who, x,
                                     y);
        }
    f.px = seg__malloc(total * sizeof(ws_px));
    if (compact)
        f.value = seg__calloc(total, sizeof(double));
    if (!f.px || (compact && !f.value)) {
        rc = seg__fail(SEG_ENOMEM, "%s: cannot allocate work arrays for %dx%d", who, w, h);
        goto done;
    }
    const ptrdiff_t W = f.w2;
    const ptrdiff_t nb[8] = {-W, -1, 1, W, -W - 1, -W + 1, W - 1, W + 1};
    f.nnb = connectivity == 1 ? 4 : 8;
    memcpy(f.nb, nb, sizeof nb);
    /* padding and outside-mask pixels: label 0, key WS_OUTSIDE; markers outside the mask
     * are dropped (skimage multiplies them by the mask) */
    const ws_px outside = {0, WS_OUTSIDE};
    for (size_t i = 0; i < (size_t)f.w2; i++)
        f.px[i] = f.px[total - 1 - i] = outside;
    ws_ranks ranks = {0};
    int by_sort = 0;
    f.nkeys = image->type == SEG_U8 ? 256u : 65536u;
    /* keys: the image whose values are ranked (float64 rounded to float32 when that keeps
     * every value apart, as scipy's distance maps do) */
    const seg_image *keys = image;
    if (!compact && image->type == SEG_F64) {
        rc = seg__ws_f64_rounds_apart(image, &rounded);
        if (rc < 0)
            goto done;
        if (rc == 1)
            keys = &rounded;
        rc = SEG_OK;
    }
    if (!compact && (keys->type == SEG_F64 ||
                     ((keys->type == SEG_S32 || keys->type == SEG_F32) &&
                      seg__ws_noise_like(keys)))) {
        by_sort = 1; /* the sort finds NaN itself */
    } else if (!compact && (keys->type == SEG_S32 || keys->type == SEG_F32)) {
        int nan_x, nan_y;
        rc = seg__ws_ranks_build(keys, &ranks, &nan_x, &nan_y);
        if (!rc && nan_y >= 0)
            rc = seg__fail(SEG_EINVAL, "%s: the image has NaN at (%d, %d)", who, nan_x, nan_y);
        if (rc) {
            seg__ws_ranks_free(&ranks);
            goto done;
        }
        by_sort = ranks.too_many;
        f.nkeys = ranks.count;
    }
    setup_ctx sc = {keys, markers, mask, &f, ranks.code && !by_sort ? &ranks : NULL};
    seg__parallel_for(h, seg__grain(h, 16), setup_rows, &sc);
    seg__ws_ranks_free(&ranks);
    if (by_sort) {
        /* many distinct values: the plain flood runs over sorted positions */
        rc = seg__ws_rank_by_sort(keys, f.px, f.w2, &f.nkeys, f.wsl ? NULL : &f.order);
        if (rc)
            goto done;
    }
    rc = compact ? seg__ws_flood_compact(&f) : flood_fast(&f);
    if (rc)
        goto done;
    rc = seg__image_prepare(out, w, h, 1, SEG_S32, who);
    if (rc)
        goto done;
    copy_ctx cc = {out, &f};
    seg__parallel_for(h, seg__grain(h, 16), copy_rows, &cc);
done:
    seg_image_free(&rounded);
    seg__free(f.px);
    seg__free(f.value);
    seg__free(f.order);
    return rc;
}
