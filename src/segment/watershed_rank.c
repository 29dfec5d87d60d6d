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

/* Insert c; 1 when the set outgrew HASH_MAX_DISTINCT, -1 on allocation failure. */
static int set_insert(ws_ranks *s, uint32_t c)
{
    uint32_t i = seg__ws_slot(s, c);
    if (s->used[i])
        return 0;
    s->used[i] = 1;
    s->code[i] = c;
    if (++s->count * 2 <= (1u << s->bits))
        return 0;
    if (s->count > HASH_MAX_DISTINCT)
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

int seg__ws_rank_by_sort(const seg_image *img, ws_px *px, int w2, uint32_t *nkeys)
{
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

int seg__ws_ranks_build(const seg_image *img, ws_ranks *r)
{
    const int w = img->width, h = img->height;
    if (set_alloc(r, 12))
        return seg__fail(SEG_ENOMEM, "watershed_skimage: cannot allocate the value table");
    /* every pixel, in or out of the mask: extra values do not change the order */
    for (int y = 0; y < h; y++) {
        const void *row = seg__row(img, y);
        uint32_t last = seg__ws_code(row, img->type, 0);
        int rc = set_insert(r, last);
        for (int x = 1; x < w && rc == 0; x++) {
            uint32_t c = seg__ws_code(row, img->type, x);
            if (c != last) {
                last = c;
                rc = set_insert(r, c);
            }
        }
        if (rc < 0)
            return seg__fail(SEG_ENOMEM, "watershed_skimage: cannot grow the value table");
        if (rc > 0) {
            r->too_many = 1;
            return SEG_OK;
        }
    }
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
