/* The compact watershed of skimage 0.19 (compactness > 0): priority = value +
 * compactness * Euclidean distance to the seed the pixel is reached from; a pixel is
 * labelled when it is popped, so it may wait several times (once per neighbour that
 * reached it first).
 *
 * Keys are (float64 priority, age), ages unique except the markers' (all 0), so as in
 * the plain flood only equal-valued markers can tie: while two such are queued,
 * skimage's binary heap runs (same order of events); after that every key is distinct
 * and any priority queue pops in the same order. Phase 2 then uses a 4-ary heap (half
 * the depth) and drops a push that cannot win: the pixel already waits with a smaller
 * key, which pops first and settles it (the age counter still advances, as skimage
 * counts every push). */
#include "segment/watershed_flood.h"

#include <math.h>
#include <stdlib.h>

typedef struct item_compact {
    uint64_t value; /* order-preserving code of the float64 priority */
    uint32_t age;
    uint32_t index;
    uint32_t source;
    uint32_t pad;
} item_compact;

#define LESS_COMPACT(a, b) ((a).value != (b).value ? (a).value < (b).value : (a).age < (b).age)

DEFINE_HEAP(item_compact, LESS_COMPACT)

/* A marker value's queued count, for the tie test (sorted codes, binary search). */
typedef struct marker_counts {
    uint64_t *code;
    uint32_t *count;
    size_t n;
} marker_counts;

static uint32_t *count_of(const marker_counts *m, uint64_t code)
{
    size_t lo = 0, hi = m->n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (m->code[mid] <= code)
            lo = mid;
        else
            hi = mid;
    }
    return &m->count[lo];
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

/* ---- phase 2: a 4-ary heap of distinct keys ---- */

typedef struct heap4 {
    item_compact *a;
    size_t n, cap;
} heap4;

static int heap4_push(heap4 *h, item_compact e)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 4096;
        item_compact *a = seg__malloc(cap * sizeof *a);
        if (!a)
            return -1;
        if (h->n)
            memcpy(a, h->a, h->n * sizeof *a);
        seg__free(h->a);
        h->a = a;
        h->cap = cap;
    }
    item_compact *a = h->a;
    size_t c = h->n++;
    while (c > 0) {
        size_t p = (c - 1) / 4;
        if (!LESS_COMPACT(e, a[p]))
            break;
        a[c] = a[p];
        c = p;
    }
    a[c] = e;
    return 0;
}

static item_compact heap4_pop(heap4 *h)
{
    item_compact *a = h->a, top = a[0];
    size_t n = --h->n;
    if (n == 0)
        return top;
    item_compact e = a[n];
    size_t i = 0;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n)
            break;
        __builtin_prefetch(&a[16 * i + 5]); /* the first grandchildren */
        size_t best = c, end = SEG_MIN(c + 4, n);
        for (size_t k = c + 1; k < end; k++)
            if (LESS_COMPACT(a[k], a[best]))
                best = k;
        if (!LESS_COMPACT(a[best], e))
            break;
        a[i] = a[best];
        i = best;
    }
    a[i] = e;
    return top;
}

/* What skimage does with one popped item; PUSH(item) queues a neighbour. */
#define VISIT_COMPACT(e, PUSH)                                                          \
    do {                                                                               \
        size_t idx_ = (e).index;                                                       \
        if (px[idx_].out && idx_ != (e).source)                                        \
            break;                                                                     \
        if (f->wsl && diff_neighbors(f, idx_))                                         \
            break;                                                                     \
        px[idx_].out = px[(e).source].out;                                             \
        const double sy_ = (double)((e).source / w2), sx_ = (double)((e).source % w2); \
        for (int k_ = 0; k_ < f->nnb; k_++) {                                          \
            size_t j_ = idx_ + (size_t)f->nb[k_];                                      \
            if (!inside(&px[j_]) || px[j_].out)                                        \
                continue;                                                              \
            age++;                                                                     \
            /* skimage's _euclid_dist: squared per-axis differences summed, sqrt */    \
            double dy_ = (double)(j_ / w2) - sy_, dx_ = (double)(j_ % w2) - sx_, r_ = 0; \
            r_ += dy_ * dy_;                                                           \
            r_ += dx_ * dx_;                                                           \
            double v_ = f->value[j_];                                                  \
            v_ += f->compactness * sqrt(r_);                                           \
            item_compact n_ = {seg__ws_code_f64(v_), age, (uint32_t)j_, (e).source, 0}; \
            PUSH(n_);                                                                  \
        }                                                                              \
    } while (0)

int seg__ws_flood_compact(flood *f)
{
    heap_item_compact hp = {0};
    heap4 h4 = {0};
    marker_counts mc = {0};
    uint64_t *best = NULL;
    const size_t total = (size_t)f->w2 * (size_t)f->h2, w2 = (size_t)f->w2;
    ws_px *px = f->px;
    for (size_t i = 0; i < total; i++) {
        if (px[i].out) {
            item_compact e = {seg__ws_code_f64(f->value[i]), 0, (uint32_t)i, (uint32_t)i, 0};
            if (heap_item_compact_push(&hp, e))
                goto nomem;
        }
    }
    /* markers per value: ties while a value has two queued */
    mc.code = seg__malloc((hp.n ? hp.n : 1) * sizeof(uint64_t));
    mc.count = seg__calloc(hp.n ? hp.n : 1, sizeof(uint32_t));
    if (!mc.code || !mc.count)
        goto nomem;
    for (size_t i = 0; i < hp.n; i++)
        mc.code[i] = hp.a[i].value;
    qsort(mc.code, hp.n, sizeof(uint64_t), cmp_u64);
    for (size_t i = 0; i < hp.n; i++)
        if (!mc.n || mc.code[mc.n - 1] != mc.code[i])
            mc.code[mc.n++] = mc.code[i];
    size_t ties = 0;
    for (size_t i = 0; i < hp.n; i++)
        ties += ++*count_of(&mc, hp.a[i].value) == 2;
    uint32_t age = 1;
    int fail = 0;
#define HEAP_PUSH(n) fail |= heap_item_compact_push(&hp, n)
    while (hp.n && ties) {
        item_compact e = heap_item_compact_pop(&hp);
        if (e.age == 0)
            ties -= (*count_of(&mc, e.value))-- == 2;
        VISIT_COMPACT(e, HEAP_PUSH);
        if (fail)
            goto nomem;
    }
#undef HEAP_PUSH
    /* phase 2: distinct keys; best[j] = the smallest key code j waits with */
    best = seg__malloc(total * sizeof(uint64_t));
    if (!best)
        goto nomem;
    memset(best, 0xff, total * sizeof(uint64_t));
    for (size_t i = 0; i < hp.n; i++) {
        item_compact e = hp.a[i];
        if (e.value < best[e.index])
            best[e.index] = e.value;
        if (heap4_push(&h4, e))
            goto nomem;
    }
    heap_item_compact_free(&hp);
    hp = (heap_item_compact){0};
#define HEAP4_PUSH(n)                                                                  \
    do {                                                                               \
        if ((n).value < best[(n).index]) { /* else it would pop after j is settled */  \
            best[(n).index] = (n).value;                                               \
            fail |= heap4_push(&h4, n);                                                \
        }                                                                              \
    } while (0)
    while (h4.n) {
        item_compact e = heap4_pop(&h4);
        VISIT_COMPACT(e, HEAP4_PUSH);
        if (fail)
            goto nomem;
    }
#undef HEAP4_PUSH
    heap_item_compact_free(&hp);
    seg__free(h4.a);
    seg__free(mc.code);
    seg__free(mc.count);
    seg__free(best);
    return SEG_OK;
nomem:
    heap_item_compact_free(&hp);
    seg__free(h4.a);
    seg__free(mc.code);
    seg__free(mc.count);
    seg__free(best);
    return seg__fail(SEG_ENOMEM, "watershed_skimage: cannot grow the priority queue");
}
