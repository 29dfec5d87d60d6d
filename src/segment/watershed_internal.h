/* Shared between the skimage-semantics watershed and its value ranking; not API. */
#ifndef SEG_WATERSHED_INTERNAL_H
#define SEG_WATERSHED_INTERNAL_H

#include "internal.h"

/* One padded pixel of the flood, kept together so a neighbour costs one cache line:
 * its label and its value's rank (WS_OUTSIDE outside the mask and on the padding). */
typedef struct ws_px {
    int32_t out;
    uint32_t key;
} ws_px;

#define WS_OUTSIDE UINT32_MAX
/* In a sorted-position key (seg__ws_rank_by_sort with `order`): the rank holds several
 * pixels. Positions are below 2^31 (padded pixels are). */
#define WS_SHARED 0x80000000u

/* Order-preserving code of a float (equal values, +0 and -0 included, get equal codes). */
static inline uint32_t seg__ws_code_f32(float v)
{
    v += 0.0f;
    uint32_t b;
    __builtin_memcpy(&b, &v, sizeof b);
    return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}

/* Order-preserving code of a double (equal values, +0 and -0 included, equal codes). */
static inline uint64_t seg__ws_code_f64(double v)
{
    v += 0.0;
    uint64_t b;
    __builtin_memcpy(&b, &v, sizeof b);
    return (b & 0x8000000000000000ull) ? ~b : (b | 0x8000000000000000ull);
}

/* Order-preserving 32-bit code of an s32 or f32 value. */
static inline uint32_t seg__ws_code(const void *row, seg_type t, int x)
{
    if (t == SEG_S32)
        return (uint32_t)((const int32_t *)row)[x] ^ 0x80000000u;
    return seg__ws_code_f32(((const float *)row)[x]);
}

/* Ranks of the distinct values of an s32/f32 image: an open-addressing table from code
 * to rank (its position among the sorted distinct codes). Ranks compare as skimage's
 * float64 values do (same order, same ties). */
typedef struct ws_ranks {
    uint32_t *code, *rank;
    uint8_t *used;
    uint32_t bits, count;
    int too_many; /* more distinct values than a cache-friendly table: rank by sorting */
} ws_ranks;

static inline uint32_t seg__ws_slot(const ws_ranks *r, uint32_t c)
{
    uint32_t mask = (1u << r->bits) - 1, i = (c * 0x9E3779B1u) >> (32 - r->bits);
    while (r->used[i] && r->code[i] != c)
        i = (i + 1) & mask;
    return i;
}

/* Build the table over all pixels of img (s32 or f32), pieces of rows in parallel. On
 * SEG_OK: *nan_x, *nan_y = the first NaN in raster order (f32; -1 if none, and then
 * either the table is ready (ranks < r->count) or r->too_many is set: use
 * seg__ws_rank_by_sort). Errors: SEG_ENOMEM. Free with seg__ws_ranks_free (also after a
 * failure). */
int seg__ws_ranks_build(const seg_image *img, ws_ranks *r, int *nan_x, int *nan_y);
void seg__ws_ranks_free(ws_ranks *r);

/* For every in-mask pixel (px key != WS_OUTSIDE), key = the sorted position of the
 * first in-mask pixel with its value (a radix sort of (code, pixel), in parallel): keys
 * compare as ranks do, same order and same ties; *nkeys = the in-mask pixel count (at
 * least 1). With `order` non-NULL, WS_SHARED is also set in the keys of values that
 * several pixels hold, and *order = the padded pixel indices in sorted order (the
 * caller frees it with seg__free). Errors: SEG_EINVAL naming the first NaN in raster
 * order (f32, anywhere in the image), SEG_ENOMEM. */
int seg__ws_rank_by_sort(const seg_image *img, ws_px *px, int w2, uint32_t *nkeys,
                         uint32_t **order);

/* For a float64 image: 1 when rounding to float32 keeps every value apart (no two
 * distinct values, NaN aside, round to one float32) and the image has at most 2^18
 * distinct values; *rounded is then the rounded image (owned, seg_image_free), whose
 * ranks are the same and whose value table is quicker to build than a sort. 0 when not
 * (*rounded left empty), SEG_ENOMEM on allocation failure. */
int seg__ws_f64_rounds_apart(const seg_image *img, seg_image *rounded);

/* Whether a sample of the image has mostly distinct values (rank by sorting). */
int seg__ws_noise_like(const seg_image *img);

/* The plain flood (labels at push time) over sorted-position keys, from `seeds` (padded
 * indices already labelled, in (key, age) order; every key in the queue from here on is
 * distinct, markers included). slot = the `order` of seg__ws_rank_by_sort (n entries),
 * rewritten inside the shared ranks. nb: the nnb neighbour offsets in skimage's order.
 * Errors: SEG_ENOMEM. See watershed_flood_sorted.c. */
int seg__ws_flood_sorted(ws_px *px, uint32_t *slot, uint32_t n, const ptrdiff_t *nb, int nnb,
                         const uint32_t *seeds, size_t nseeds);

#endif
