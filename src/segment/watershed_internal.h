/* Shared between the skimage-semantics watershed and its value ranking; not API. */
#ifndef SEG_WATERSHED_INTERNAL_H
#define SEG_WATERSHED_INTERNAL_H

#include "internal.h"

/* One padded pixel of the flood, kept together so a neighbour costs one cache line:
 * its label, its value's rank (WS_OUTSIDE outside the mask and on the padding) and the
 * link of the queue it waits in. */
typedef struct ws_px {
    int32_t out;
    uint32_t key;
    int32_t next;
} ws_px;

#define WS_OUTSIDE UINT32_MAX

/* Order-preserving code of a float (equal values, +0 and -0 included, get equal codes). */
static inline uint32_t seg__ws_code_f32(float v)
{
    v += 0.0f;
    uint32_t b;
    __builtin_memcpy(&b, &v, sizeof b);
    return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}

/* For every pixel (x, y) of img inside the mask (px[(y + 1) * w2 + x + 1].key !=
 * WS_OUTSIDE on entry), set key to the rank of its value among the distinct values of
 * the in-mask pixels (u8/u16: the value itself). Comparing ranks is comparing values
 * as skimage's float64 does. *nkeys gets one more than the largest possible key.
 * Errors: SEG_ENOMEM. */
int seg__ws_rank_values(const seg_image *img, ws_px *px, int w2, uint32_t *nkeys);

#endif
