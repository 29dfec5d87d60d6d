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
 * The speed comes from the representation, not from a different order: the pixel value
 * and the age are packed into one 64-bit key (an order-preserving code of the u8, u16,
 * s32 or f32 value in the high half, the age in the low half), so a comparison is one
 * integer compare, heap items are 16 bytes moved by value, and everything lives in
 * flat padded arrays. The compact variant needs float64 priorities (value + compactness
 * * distance) and uses a 24-byte item with (value, age) compared in that order. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the binary heap of heap_general.pxi, generated for two item types ---- */

typedef struct item_fast {
    uint64_t key;  /* value code << 32 | age */
    uint32_t index;
    int32_t label; /* label this item carries (watershed-line mode) */
} item_fast;

typedef struct item_compact {
    uint64_t value; /* order-preserving code of the float64 priority */
    uint32_t age;
    uint32_t index;
    uint32_t source;
    uint32_t pad;
} item_compact;

#define LESS_FAST(a, b) ((a).key < (b).key)
#define LESS_COMPACT(a, b) ((a).value != (b).value ? (a).value < (b).value : (a).age < (b).age)

#define DEFINE_HEAP(T, LESS)                                                             \
    typedef struct heap_##T {                                                            \
        T *a;                                                                            \
        size_t n, cap;                                                                   \
    } heap_##T;                                                                          \
    static int heap_##T##_push(heap_##T *h, T e)                                         \
    {                                                                                    \
        if (h->n == h->cap) {                                                            \
            size_t cap = h->cap ? h->cap * 2 : 4096;                                     \
            T *a = seg__malloc(cap * sizeof(T));                                         \
            if (!a)                                                                      \
                return -1;                                                               \
            if (h->n)                                                                    \
                memcpy(a, h->a, h->n * sizeof(T));                                       \
            seg__free(h->a);                                                             \
            h->a = a;                                                                    \
            h->cap = cap;                                                                \
        }                                                                                \
        T *a = h->a;                                                                     \
        size_t c = h->n++;                                                               \
        while (c > 0) {                                                                  \
            size_t p = (c + 1) / 2 - 1;                                                  \
            if (!LESS(e, a[p]))                                                          \
                break;                                                                   \
            a[c] = a[p];                                                                 \
            c = p;                                                                       \
        }                                                                                \
        a[c] = e;                                                                        \
        return 0;                                                                        \
    }                                                                                    \
    /* skimage: move the last item to the root, then swap it with the smaller child     \
     * (left wins ties, strict comparisons) while a child is smaller. */                 \
    static T heap_##T##_pop(heap_##T *h)                                                 \
    {                                                                                    \
        T *a = h->a;                                                                     \
        T top = a[0];                                                                    \
        size_t n = --h->n;                                                               \
        if (n == 0)                                                                      \
            return top;                                                                  \
        T e = a[n];                                                                      \
        size_t i = 0;                                                                    \
        for (;;) {                                                                       \
            size_t l = 2 * i + 1, r = l + 1, s;                                          \
            if (l >= n)                                                                  \
                break;                                                                   \
            s = LESS(a[l], e) ? l : i;                                                   \
            if (r < n && LESS(a[r], s == i ? e : a[s]))                                  \
                s = r;                                                                   \
            if (s == i)                                                                  \
                break;                                                                   \
            a[i] = a[s];                                                                 \
            i = s;                                                                       \
        }                                                                                \
        a[i] = e;                                                                        \
        return top;                                                                      \
    }

DEFINE_HEAP(item_fast, LESS_FAST)
DEFINE_HEAP(item_compact, LESS_COMPACT)

/* ---- order-preserving codes (equal values, +0 and -0 included, get equal codes) ---- */

static inline uint32_t code_f32(float v)
{
    v += 0.0f; /* -0 -> +0 */
    uint32_t b;
    memcpy(&b, &v, sizeof b);
    return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}

static inline uint64_t code_f64(double v)
{
    v += 0.0;
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return (b & 0x8000000000000000ull) ? ~b : (b | 0x8000000000000000ull);
}

static double value_at(const seg_image *img, int y, int x)
{
    const void *r = seg__row(img, y);
    switch (img->type) {
    case SEG_U8: return ((const uint8_t *)r)[x];
    case SEG_U16: return ((const uint16_t *)r)[x];
    case SEG_S32: return ((const int32_t *)r)[x];
    case SEG_F32: return ((const float *)r)[x];
    }
    return 0;
}

static uint32_t code_at(const seg_image *img, int y, int x)
{
    const void *r = seg__row(img, y);
    switch (img->type) {
    case SEG_U8: return ((const uint8_t *)r)[x];
    case SEG_U16: return ((const uint16_t *)r)[x];
    case SEG_S32: return (uint32_t)((const int32_t *)r)[x] ^ 0x80000000u;
    case SEG_F32: return code_f32(((const float *)r)[x]);
    }
    return 0;
}

/* ---- the flood ---- */

typedef struct flood {
    int w2, h2;        /* padded size */
    int32_t *out;      /* padded labels */
    uint8_t *mask;     /* padded mask, 0 on the border */
    uint32_t *code;    /* padded value codes (fast variant) */
    int code_bits;     /* 8 or 16 for u8/u16 images (codes are the values), else 32 */
    double *value;     /* padded float64 values (compact variant) */
    ptrdiff_t nb[8];   /* neighbour offsets in skimage's order */
    int nnb;
    int wsl;
    double compactness;
} flood;

/* skimage's _diff_neighbors: true (and the pixel leaves the mask) when its in-mask
 * neighbours carry two different non-zero labels; true also for a masked-out pixel. */
static int diff_neighbors(flood *f, size_t idx)
{
    if (!f->mask[idx])
        return 1;
    int32_t l0 = 0;
    for (int i = 0; i < f->nnb; i++) {
        size_t j = idx + (size_t)f->nb[i];
        if (!f->mask[j])
            continue;
        if (!l0) {
            l0 = f->out[j];
        } else {
            int32_t l1 = f->out[j];
            if (l1 && l1 != l0) {
                f->mask[idx] = 0;
                return 1;
            }
        }
    }
    return 0;
}

/* ---- the bucket queue that takes over once no marker is left in the heap ----
 *
 * Without markers every key (value, age) in the queue is distinct, so any priority
 * queue pops in the same order as skimage's heap; values are replaced by their rank
 * among the image's distinct values and each rank gets a FIFO list (ages grow with
 * every push, so FIFO is age order). A two-level bitmap finds the lowest non-empty
 * list; pushes below the current one move it down (the flood is not monotone). */

typedef struct bq_item {
    uint32_t index;
    int32_t label;
    int32_t next;
} bq_item;

typedef struct bucket_queue {
    int32_t *head, *tail;
    uint64_t *bits0, *bits1; /* non-empty buckets; non-zero words of bits0 */
    size_t nbuckets, nwords0, cur;
    bq_item *items;
    size_t nitems, cap, live;
    int32_t free_list;
} bucket_queue;

static int bq_init(bucket_queue *q, size_t nbuckets)
{
    memset(q, 0, sizeof *q);
    q->nbuckets = nbuckets;
    q->nwords0 = (nbuckets + 63) / 64;
    q->head = seg__malloc(nbuckets * sizeof(int32_t));
    q->tail = seg__malloc(nbuckets * sizeof(int32_t));
    q->bits0 = seg__calloc(q->nwords0, sizeof(uint64_t));
    q->bits1 = seg__calloc((q->nwords0 + 63) / 64, sizeof(uint64_t));
    q->free_list = -1;
    if (!q->head || !q->tail || !q->bits0 || !q->bits1)
        return -1;
    memset(q->head, 0xff, nbuckets * sizeof(int32_t));
    q->cur = nbuckets;
    return 0;
}

static void bq_free(bucket_queue *q)
{
    seg__free(q->head);
    seg__free(q->tail);
    seg__free(q->bits0);
    seg__free(q->bits1);
    seg__free(q->items);
}

static int bq_push(bucket_queue *q, uint32_t b, uint32_t index, int32_t label)
{
    int32_t it;
    if (q->free_list >= 0) {
        it = q->free_list;
        q->free_list = q->items[it].next;
    } else {
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
        it = (int32_t)q->nitems++;
    }
    q->items[it].index = index;
    q->items[it].label = label;
    q->items[it].next = -1;
    if (q->head[b] < 0) {
        q->head[b] = it;
        q->bits0[b >> 6] |= 1ull << (b & 63);
        q->bits1[b >> 12] |= 1ull << ((b >> 6) & 63);
    } else {
        q->items[q->tail[b]].next = it;
    }
    q->tail[b] = it;
    if (b < q->cur)
        q->cur = b;
    q->live++;
    return 0;
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
    size_t w1 = (w + 1) >> 6, n1 = (q->nwords0 + 63) / 64;
    if (w1 >= n1)
        return q->nbuckets;
    uint64_t m1 = ((w + 1) & 63) ? q->bits1[w1] & (~0ull << ((w + 1) & 63)) : q->bits1[w1];
    while (!m1) {
        if (++w1 >= n1)
            return q->nbuckets;
        m1 = q->bits1[w1];
    }
    size_t w0 = (w1 << 6) + (size_t)__builtin_ctzll(m1);
    return (w0 << 6) + (size_t)__builtin_ctzll(q->bits0[w0]);
}

static bq_item bq_pop(bucket_queue *q)
{
    if (q->head[q->cur] < 0)
        q->cur = bq_next(q, q->cur);
    size_t b = q->cur;
    int32_t it = q->head[b];
    bq_item e = q->items[it];
    q->head[b] = e.next;
    if (e.next < 0) {
        q->bits0[b >> 6] &= ~(1ull << (b & 63));
        if (!q->bits0[b >> 6])
            q->bits1[b >> 12] &= ~(1ull << ((b >> 6) & 63));
    }
    q->items[it].next = q->free_list;
    q->free_list = it;
    q->live--;
    return e;
}

/* rank[i] = position of code[i] among the distinct codes of the in-mask pixels; returns
 * the number of distinct codes, or 0 on allocation failure. LSD radix sort, 3 x 11 bits. */
static size_t rank_codes(const uint32_t *code, const uint8_t *mask, size_t total, uint32_t *rank)
{
    size_t n = 0;
    for (size_t i = 0; i < total; i++)
        n += mask[i] != 0;
    uint64_t *a = seg__malloc((n ? n : 1) * sizeof(uint64_t));
    uint64_t *b = seg__malloc((n ? n : 1) * sizeof(uint64_t));
    size_t *cnt = seg__malloc(2048 * sizeof(size_t));
    size_t distinct = 0;
    if (!a || !b || !cnt)
        goto done;
    n = 0;
    for (size_t i = 0; i < total; i++)
        if (mask[i])
            a[n++] = (uint64_t)code[i] << 32 | i;
    for (int shift = 32; shift < 64; shift += 11) {
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
            b[cnt[(a[i] >> shift) & 2047]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || (a[i] >> 32) != (a[i - 1] >> 32))
            distinct++;
        rank[(uint32_t)a[i]] = (uint32_t)(distinct - 1);
    }
    if (!distinct)
        distinct = 1;
done:
    seg__free(a);
    seg__free(b);
    seg__free(cnt);
    return distinct;
}

static int cmp_key(const void *pa, const void *pb)
{
    const item_fast *a = pa, *b = pb;
    return a->key < b->key ? -1 : a->key > b->key;
}

/* What skimage does with one popped item (labels at push time, or at pop time with
 * watershed lines); PUSH(j, key, label) queues neighbour j. */
#define VISIT(idx, is_marker, item_label, PUSH)                                        \
    do {                                                                               \
        if (wsl) {                                                                     \
            if (out[idx] && !(is_marker))                                              \
                break; /* already labelled and not a marker */                         \
            if (diff_neighbors(f, idx))                                                \
                break;                                                                 \
            out[idx] = (item_label);                                                   \
        }                                                                              \
        int32_t lab_ = out[idx];                                                       \
        for (int k_ = 0; k_ < nnb; k_++) {                                             \
            size_t j_ = idx + (size_t)f->nb[k_];                                       \
            if (!mask[j_] || out[j_])                                                  \
                continue;                                                              \
            age++;                                                                     \
            if (!wsl)                                                                  \
                out[j_] = lab_;                                                        \
            PUSH(j_, lab_);                                                            \
        }                                                                              \
    } while (0)

static int flood_fast(flood *f)
{
    heap_item_fast hp = {0};
    bucket_queue bq;
    memset(&bq, 0, sizeof bq);
    uint32_t *rank = NULL;
    const size_t total = (size_t)f->w2 * (size_t)f->h2;
    int32_t *out = f->out;
    const uint8_t *mask = f->mask;
    const uint32_t *code = f->code;
    for (size_t i = 0; i < total; i++) {
        if (out[i]) {
            item_fast e = {(uint64_t)code[i] << 32, (uint32_t)i, out[i]};
            if (heap_item_fast_push(&hp, e))
                goto nomem;
        }
    }
    size_t markers_left = hp.n;
    uint32_t age = 1;
    const int wsl = f->wsl, nnb = f->nnb;
    int fail = 0;
#define HEAP_PUSH(j, lab)                                                               \
    do {                                                                               \
        item_fast n_ = {(uint64_t)code[j] << 32 | age, (uint32_t)(j), (lab)};          \
        fail |= heap_item_fast_push(&hp, n_);                                          \
    } while (0)
    /* phase 1: skimage's heap, while markers (age 0, possibly tied) remain */
    while (hp.n && markers_left) {
        item_fast e = heap_item_fast_pop(&hp);
        size_t idx = e.index;
        int is_marker = (e.key & 0xffffffffu) == 0;
        markers_left -= (size_t)is_marker;
        VISIT(idx, is_marker, e.label, HEAP_PUSH);
        if (fail)
            goto nomem;
    }
#undef HEAP_PUSH
    if (!hp.n)
        goto finish;
    /* phase 2: all keys distinct from here on; buckets by value rank */
    size_t nbuckets;
    if (f->code_bits <= 16) {
        nbuckets = (size_t)1 << f->code_bits;
    } else {
        rank = seg__malloc(total * sizeof(uint32_t));
        if (!rank)
            goto nomem;
        nbuckets = rank_codes(code, mask, total, rank);
        if (!nbuckets)
            goto nomem;
    }
    if (bq_init(&bq, nbuckets))
        goto nomem;
    qsort(hp.a, hp.n, sizeof(item_fast), cmp_key);
    for (size_t i = 0; i < hp.n; i++) {
        uint32_t j = hp.a[i].index;
        if (bq_push(&bq, rank ? rank[j] : code[j], j, hp.a[i].label))
            goto nomem;
    }
#define BQ_PUSH(j, lab) fail |= bq_push(&bq, rank ? rank[j] : code[j], (uint32_t)(j), (lab))
    while (bq.live) {
        bq_item e = bq_pop(&bq);
        size_t idx = e.index;
        VISIT(idx, 0, e.label, BQ_PUSH);
        if (fail)
            goto nomem;
    }
#undef BQ_PUSH
finish:
    seg__free(hp.a);
    seg__free(rank);
    bq_free(&bq);
    return SEG_OK;
nomem:
    seg__free(hp.a);
    seg__free(rank);
    bq_free(&bq);
    return seg__fail(SEG_ENOMEM, "watershed_skimage: cannot grow the priority queue");
}

static int flood_compact(flood *f)
{
    heap_item_compact hp = {0};
    const size_t total = (size_t)f->w2 * (size_t)f->h2;
    int32_t *out = f->out;
    const uint8_t *mask = f->mask;
    for (size_t i = 0; i < total; i++) {
        if (out[i]) {
            item_compact e = {code_f64(f->value[i]), 0, (uint32_t)i, (uint32_t)i, 0};
            if (heap_item_compact_push(&hp, e))
                goto nomem;
        }
    }
    uint32_t age = 1;
    const size_t w2 = (size_t)f->w2;
    while (hp.n) {
        item_compact e = heap_item_compact_pop(&hp);
        size_t idx = e.index;
        if (out[idx] && idx != e.source)
            continue;
        if (f->wsl && diff_neighbors(f, idx))
            continue;
        out[idx] = out[e.source];
        const double sy = (double)(e.source / w2), sx = (double)(e.source % w2);
        for (int k = 0; k < f->nnb; k++) {
            size_t j = idx + (size_t)f->nb[k];
            if (!mask[j] || out[j])
                continue;
            age++;
            /* skimage's _euclid_dist: sum of squared per-axis differences, then sqrt */
            double dy = (double)(j / w2) - sy, dx = (double)(j % w2) - sx, r = 0;
            r += dy * dy;
            r += dx * dx;
            double v = f->value[j];
            v += f->compactness * sqrt(r);
            item_compact n = {code_f64(v), age, (uint32_t)j, e.source, 0};
            if (heap_item_compact_push(&hp, n))
                goto nomem;
        }
    }
    seg__free(hp.a);
    return SEG_OK;
nomem:
    seg__free(hp.a);
    return seg__fail(SEG_ENOMEM, "watershed_skimage: cannot grow the priority queue");
}

int seg_watershed_skimage(const seg_image *image, const seg_image *markers, const seg_image *mask,
                          seg_image *out, int connectivity, double compactness,
                          int watershed_line)
{
    seg__clear_error();
    const char *who = "watershed_skimage";
    int rc = seg__check_input(image, SEG_TYPES(SEG_U8, SEG_U16, SEG_S32, SEG_F32), 1u << 1, who);
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
    if (image->type == SEG_F32) {
        for (int y = 0; y < h; y++) {
            const float *r = seg__row(image, y);
            for (int x = 0; x < w; x++)
                if (isnan(r[x]))
                    return seg__fail(SEG_EINVAL, "%s: the image has NaN at (%d, %d)", who, x, y);
        }
    }
    flood f = {.w2 = w + 2, .h2 = h + 2, .wsl = watershed_line != 0,
               .compactness = compactness};
    f.code_bits = image->type == SEG_U8 ? 8 : image->type == SEG_U16 ? 16 : 32;
    size_t total;
    if (!seg__mul((size_t)f.w2, (size_t)f.h2, &total) || total > (size_t)UINT32_MAX)
        return seg__fail(SEG_ELIMIT, "%s: %dx%d exceeds 2^32 padded pixels", who, w, h);
    const int compact = compactness > 0;
    f.out = seg__calloc(total, sizeof(int32_t));
    f.mask = seg__calloc(total, 1);
    if (compact)
        f.value = seg__calloc(total, sizeof(double));
    else
        f.code = seg__calloc(total, sizeof(uint32_t));
    if (!f.out || !f.mask || (!f.value && !f.code)) {
        rc = seg__fail(SEG_ENOMEM, "%s: cannot allocate work arrays for %dx%d", who, w, h);
        goto done;
    }
    const ptrdiff_t W = f.w2;
    const ptrdiff_t nb[8] = {-W, -1, 1, W, -W - 1, -W + 1, W - 1, W + 1};
    f.nnb = connectivity == 1 ? 4 : 8;
    memcpy(f.nb, nb, sizeof nb);
    for (int y = 0; y < h; y++) {
        const int32_t *mr = seg__row(markers, y);
        const uint8_t *kr = mask ? seg__row(mask, y) : NULL;
        size_t base = (size_t)(y + 1) * (size_t)f.w2 + 1;
        for (int x = 0; x < w; x++) {
            uint8_t in = kr ? kr[x] != 0 : 1;
            f.mask[base + x] = in;
            f.out[base + x] = in ? mr[x] : 0;
            if (compact)
                f.value[base + x] = value_at(image, y, x);
            else
                f.code[base + x] = code_at(image, y, x);
        }
    }
    rc = compact ? flood_compact(&f) : flood_fast(&f);
    if (rc)
        goto done;
    rc = seg__image_prepare(out, w, h, 1, SEG_S32, who);
    if (rc)
        goto done;
    for (int y = 0; y < h; y++)
        memcpy(seg__row(out, y), f.out + (size_t)(y + 1) * (size_t)f.w2 + 1,
               (size_t)w * sizeof(int32_t));
done:
    seg__free(f.out);
    seg__free(f.mask);
    seg__free(f.code);
    seg__free(f.value);
    return rc;
}
