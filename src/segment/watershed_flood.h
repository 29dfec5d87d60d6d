/* What the skimage-semantics floods share (watershed_sk.c, watershed_compact.c): the
 * padded flood state, skimage's _diff_neighbors, and skimage's binary heap
 * (heap_general.pxi) generated per item type. Not API. */
#ifndef SEG_WATERSHED_FLOOD_H
#define SEG_WATERSHED_FLOOD_H

#include "segment/watershed_internal.h"

#include <string.h>

/* Items before a[0] so that a[4i + 3 .. 4i + 6], the grandchildren of i that a sift
 * down reads next, share one cache line (16-byte items on a 64-byte aligned block). */
#define HEAP_PAD(T) (sizeof(T) == 16 ? 1 : 0)

#define DEFINE_HEAP(T, LESS)                                                             \
    typedef struct heap_##T {                                                            \
        T *a;    /* the items; a + 3 (the first grandchild) is 64-byte aligned */       \
        T *base; /* the allocation */                                                    \
        size_t n, cap;                                                                   \
    } heap_##T;                                                                          \
    static void heap_##T##_free(heap_##T *h)                                             \
    {                                                                                    \
        seg__free(h->base);                                                              \
    }                                                                                    \
    static int heap_##T##_push(heap_##T *h, T e)                                         \
    {                                                                                    \
        if (h->n == h->cap) {                                                            \
            size_t cap = h->cap ? h->cap * 2 : 4096;                                     \
            T *base = seg__malloc((cap + 4) * sizeof(T));                                \
            if (!base)                                                                   \
                return -1;                                                               \
            T *a = base + HEAP_PAD(T);                                                   \
            if (h->n)                                                                    \
                memcpy(a, h->a, h->n * sizeof(T));                                       \
            seg__free(h->base);                                                          \
            h->a = a;                                                                    \
            h->base = base;                                                              \
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
            __builtin_prefetch(&a[4 * i + 3]); /* the grandchildren: the next level */   \
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

/* ---- the flood ---- */

typedef struct flood {
    int w2, h2;      /* padded size */
    ws_px *px;       /* padded pixels */
    double *value;   /* padded float64 values (compact variant) */
    ptrdiff_t nb[8]; /* neighbour offsets in skimage's order */
    int nnb;
    int wsl;
    double compactness;
    uint32_t nkeys;
    uint32_t *order; /* sorted-position keys (seg__ws_rank_by_sort): the pixels in order */
} flood;

static inline int inside(const ws_px *p)
{
    return p->key != WS_OUTSIDE;
}

/* skimage's _diff_neighbors: true (and the pixel leaves the mask) when its in-mask
 * neighbours carry two different non-zero labels; true also for a masked-out pixel. */
static inline int diff_neighbors(flood *f, size_t idx)
{
    ws_px *px = f->px;
    if (!inside(&px[idx]))
        return 1;
    int32_t l0 = 0;
    for (int i = 0; i < f->nnb; i++) {
        const ws_px *q = &px[idx + (size_t)f->nb[i]];
        if (!inside(q))
            continue;
        if (!l0) {
            l0 = q->out;
        } else if (q->out && q->out != l0) {
            px[idx].key = WS_OUTSIDE;
            return 1;
        }
    }
    return 0;
}

/* The compact watershed (compactness > 0), watershed_compact.c. Errors: SEG_ENOMEM. */
int seg__ws_flood_compact(flood *f);

#endif
