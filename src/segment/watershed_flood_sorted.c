/* The plain flood of the skimage-semantics watershed (no watershed lines, no
 * compactness) when the image has many distinct values: a queue over the positions of
 * the pixels sorted by value.
 *
 * With ranks the flood is a bucket queue, one FIFO per rank (watershed_sk.c). On a
 * noise-like or gradient image almost every rank holds one pixel, so each push and pop
 * touched the rank's read and write cursors and its slice, three scattered cache lines.
 * Here a pixel's key is instead the position of its rank's first pixel in the sorted
 * order (same order, same ties), and the queue is a bitmap over those positions:
 * - a rank of one pixel has exactly one slot, already holding that pixel (the sort put
 *   it there): a push only sets the bit;
 * - a rank of several pixels (WS_SHARED in the key) is a FIFO over its slice of the
 *   slots, written in push order, so the lowest set bit in it is the oldest waiting
 *   pixel: skimage's (value, age) order, as every key here is distinct (the marker ties
 *   were settled on skimage's heap before).
 * The bitmap is an eighth of a byte per pixel (it stays in L2), and pops walk the slots
 * in nearly ascending order; what remains scattered is the pixel records themselves. */
#include "segment/watershed_internal.h"

#include <string.h>

typedef struct pos_queue {
    uint64_t *bits0, *bits1; /* waiting positions; non-zero words of bits0 */
    size_t nwords0, nwords1;
} pos_queue;

static inline void pq_set(uint64_t *restrict bits0, uint64_t *restrict bits1, uint32_t p)
{
    bits0[p >> 6] |= 1ull << (p & 63);
    bits1[p >> 12] |= 1ull << ((p >> 6) & 63);
}

/* Lowest waiting position at or after `from`; the caller knows one exists. */
static inline uint32_t pq_next(const pos_queue *q, uint32_t from)
{
    size_t w = from >> 6;
    uint64_t m = q->bits0[w] & (~0ull << (from & 63));
    if (m)
        return (uint32_t)((w << 6) + (size_t)__builtin_ctzll(m));
    size_t w1 = (w + 1) >> 6;
    uint64_t m1 = w1 < q->nwords1 ? q->bits1[w1] & (~0ull << ((w + 1) & 63)) : 0;
    while (!m1)
        m1 = q->bits1[++w1];
    size_t w0 = (w1 << 6) + (size_t)__builtin_ctzll(m1);
    return (uint32_t)((w0 << 6) + (size_t)__builtin_ctzll(q->bits0[w0]));
}

static inline void pq_clear(pos_queue *q, uint32_t p)
{
    q->bits0[p >> 6] &= ~(1ull << (p & 63));
    if (!q->bits0[p >> 6])
        q->bits1[p >> 12] &= ~(1ull << ((p >> 6) & 63));
}

static inline __attribute__((always_inline)) void run(pos_queue *q, ws_px *restrict px,
                                                      uint32_t *restrict slot,
                                                      uint32_t *restrict wr, const ptrdiff_t *nb,
                                                      int nnb, uint32_t cur, size_t live)
{
    const ptrdiff_t w2 = nb[3]; /* the offset down: one padded row */
    uint64_t *restrict bits0 = q->bits0, *restrict bits1 = q->bits1;
    ptrdiff_t off[8];
    for (int k = 0; k < nnb; k++)
        off[k] = nb[k];
    while (live) {
        const uint32_t p = pq_next(q, cur);
        pq_clear(q, p);
        cur = p;
        live--;
        const size_t idx = slot[p];
        /* the next waiting position is most often the next pop: fetch its
         * neighbourhood while this one is handled */
        {
            uint64_t m = bits0[p >> 6] & (~0ull << (p & 63));
            if (m) {
                const size_t a = slot[(p & ~63u) + (uint32_t)__builtin_ctzll(m)];
                __builtin_prefetch(&px[a - (size_t)w2]);
                __builtin_prefetch(&px[a + (size_t)w2]);
            }
        }
        const int32_t lab = px[idx].out;
        for (int k = 0; k < nnb; k++) {
            const size_t j = idx + (size_t)off[k];
            if (px[j].out || px[j].key == WS_OUTSIDE)
                continue;
            px[j].out = lab;
            uint32_t key = px[j].key, at = key & ~WS_SHARED;
            if (key & WS_SHARED)
                at = wr[at]++;
            /* a unique rank's slot already holds j: the store only brings the line
             * in early, without a stall, for the pop that reads it */
            slot[at] = (uint32_t)j;
            pq_set(bits0, bits1, at);
            if (at < cur) { /* below the flood level: j is among the next pops */
                __builtin_prefetch(&px[j - (size_t)w2]);
                __builtin_prefetch(&px[j + (size_t)w2]);
                cur = at;
            }
            live++;
        }
    }
}

int seg__ws_flood_sorted(ws_px *px, uint32_t *slot, uint32_t n, const ptrdiff_t *nb, int nnb,
                         const uint32_t *seeds, size_t nseeds)
{
    pos_queue q;
    q.nwords0 = ((size_t)n + 63) / 64;
    q.nwords1 = (q.nwords0 + 63) / 64;
    q.bits0 = seg__calloc(q.nwords0 + 1, sizeof(uint64_t));
    q.bits1 = seg__calloc(q.nwords1 + 1, sizeof(uint64_t));
    /* the write cursor of each shared rank, kept at its first position */
    uint32_t *wr = seg__malloc(((size_t)n + 1) * sizeof(uint32_t));
    if (!q.bits0 || !q.bits1 || !wr) {
        seg__free(q.bits0);
        seg__free(q.bits1);
        seg__free(wr);
        return seg__fail(SEG_ENOMEM, "watershed_skimage: cannot allocate the queue");
    }
    for (uint32_t p = 0; p < n; p++)
        wr[p] = p;
    uint32_t cur = n;
    for (size_t i = 0; i < nseeds; i++) {
        uint32_t j = seeds[i], key = px[j].key, at = key & ~WS_SHARED;
        if (key & WS_SHARED) {
            at = wr[at]++;
            slot[at] = j;
        }
        pq_set(q.bits0, q.bits1, at);
        cur = at < cur ? at : cur;
    }
    if (nnb == 4)
        run(&q, px, slot, wr, nb, 4, cur, nseeds);
    else
        run(&q, px, slot, wr, nb, 8, cur, nseeds);
    seg__free(q.bits0);
    seg__free(q.bits1);
    seg__free(wr);
    return SEG_OK;
}
