/* Stable LSD radix sort of 64-bit keys on a range of their bits, in parallel.
 *
 * Each pass cuts the array into fixed pieces (a function of n alone), counts the
 * digits of every piece in parallel, turns the counts into each (digit, piece)'s first
 * output slot, and scatters the pieces in parallel. The result is the one stable order,
 * whatever the thread count. A pass whose digit is the same for every key is skipped. */
#include "internal.h"

#include <string.h>

enum { DIGIT_BITS = 11, DIGITS = 1 << DIGIT_BITS, MAX_PIECES = 32, MIN_PIECE = 1 << 15 };

typedef struct sort_ctx {
    const uint64_t *src;
    uint64_t *dst;
    size_t n, piece;
    int shift;
    size_t (*cnt)[DIGITS]; /* per piece: digit counts, then first output slots */
} sort_ctx;

static void count_pieces(void *vctx, int64_t p0, int64_t p1)
{
    const sort_ctx *c = vctx;
    for (int64_t p = p0; p < p1; p++) {
        size_t *cnt = c->cnt[p];
        memset(cnt, 0, sizeof c->cnt[p]);
        size_t b = (size_t)p * c->piece, e = SEG_MIN(b + c->piece, c->n);
        for (size_t i = b; i < e; i++)
            cnt[(c->src[i] >> c->shift) & (DIGITS - 1)]++;
    }
}

static void scatter_pieces(void *vctx, int64_t p0, int64_t p1)
{
    const sort_ctx *c = vctx;
    for (int64_t p = p0; p < p1; p++) {
        size_t *at = c->cnt[p];
        size_t b = (size_t)p * c->piece, e = SEG_MIN(b + c->piece, c->n);
        for (size_t i = b; i < e; i++) {
            uint64_t v = c->src[i];
            c->dst[at[(v >> c->shift) & (DIGITS - 1)]++] = v;
        }
    }
}

uint64_t *seg__radix_sort64(uint64_t *a, uint64_t *tmp, size_t n, int lo, int hi)
{
    if (n < 2)
        return a;
    size_t npieces = SEG_MIN((size_t)MAX_PIECES, (n + MIN_PIECE - 1) / MIN_PIECE);
    sort_ctx c = {.n = n, .piece = (n + npieces - 1) / npieces};
    npieces = (n + c.piece - 1) / c.piece;
    c.cnt = seg__malloc(npieces * sizeof *c.cnt);
    if (!c.cnt)
        return NULL;
    for (int shift = lo; shift < hi; shift += DIGIT_BITS) {
        c.src = a;
        c.dst = tmp;
        c.shift = shift;
        seg__parallel_for((int64_t)npieces, 1, count_pieces, &c);
        size_t sum = 0, top = 0;
        for (int d = 0; d < DIGITS; d++) {
            size_t in_digit = 0;
            for (size_t p = 0; p < npieces; p++) {
                size_t k = c.cnt[p][d];
                c.cnt[p][d] = sum;
                sum += k;
                in_digit += k;
            }
            top = SEG_MAX(top, in_digit);
        }
        if (top == n) /* one digit for all: this pass would not move anything */
            continue;
        seg__parallel_for((int64_t)npieces, 1, scatter_pieces, &c);
        uint64_t *t = a;
        a = tmp;
        tmp = t;
    }
    seg__free(c.cnt);
    return a;
}
