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

static inline uint32_t code_of(const void *row, seg_type t, int x)
{
    if (t == SEG_S32)
        return (uint32_t)((const int32_t *)row)[x] ^ 0x80000000u;
    return seg__ws_code_f32(((const float *)row)[x]);
}

typedef struct code_set {
    uint32_t *code;
    uint32_t *rank;
    uint8_t *used;
    uint32_t bits, count;
} code_set;

static inline uint32_t slot_of(const code_set *s, uint32_t c)
{
    uint32_t mask = (1u << s->bits) - 1, i = (c * 0x9E3779B1u) >> (32 - s->bits);
    while (s->used[i] && s->code[i] != c)
        i = (i + 1) & mask;
    return i;
}

static int set_alloc(code_set *s, uint32_t bits)
{
    size_t n = (size_t)1 << bits;
    s->bits = bits;
    s->count = 0;
    s->code = seg__malloc(n * sizeof(uint32_t));
    s->rank = seg__malloc(n * sizeof(uint32_t));
    s->used = seg__calloc(n, 1);
    return s->code && s->rank && s->used ? 0 : -1;
}

static void set_free(code_set *s)
{
    seg__free(s->code);
    seg__free(s->rank);
    seg__free(s->used);
}

/* Insert c; 1 when the set outgrew HASH_MAX_DISTINCT, -1 on allocation failure. */
static int set_insert(code_set *s, uint32_t c)
{
    uint32_t i = slot_of(s, c);
    if (s->used[i])
        return 0;
    s->used[i] = 1;
    s->code[i] = c;
    if (++s->count * 2 <= (1u << s->bits))
        return 0;
    if (s->count > HASH_MAX_DISTINCT)
        return 1;
    code_set t;
    if (set_alloc(&t, s->bits + 1)) {
        set_free(&t);
        return -1;
    }
    for (size_t k = 0; k < ((size_t)1 << s->bits); k++)
        if (s->used[k]) {
            uint32_t j = slot_of(&t, s->code[k]);
            t.used[j] = 1;
            t.code[j] = s->code[k];
        }
    t.count = s->count;
    set_free(s);
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

/* Many distinct values: sort (code << 32 | pixel) pairs and rank in sorted order. */
static int rank_by_sort(const seg_image *img, ws_px *px, int w2, uint32_t *nkeys)
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
                a[n++] = (uint64_t)code_of(row, img->type, x) << 32 | (base + (size_t)x);
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

int seg__ws_rank_values(const seg_image *img, ws_px *px, int w2, uint32_t *nkeys)
{
    const int w = img->width, h = img->height;
    if (img->type == SEG_U8 || img->type == SEG_U16) {
        for (int y = 0; y < h; y++) {
            const void *row = seg__row(img, y);
            ws_px *p = px + (size_t)(y + 1) * (size_t)w2 + 1;
            if (img->type == SEG_U8) {
                for (int x = 0; x < w; x++)
                    if (p[x].key != WS_OUTSIDE)
                        p[x].key = ((const uint8_t *)row)[x];
            } else {
                for (int x = 0; x < w; x++)
                    if (p[x].key != WS_OUTSIDE)
                        p[x].key = ((const uint16_t *)row)[x];
            }
        }
        *nkeys = img->type == SEG_U8 ? 256u : 65536u;
        return SEG_OK;
    }
    code_set set;
    if (set_alloc(&set, 12)) {
        set_free(&set);
        return seg__fail(SEG_ENOMEM, "watershed_skimage: cannot allocate the value table");
    }
    for (int y = 0; y < h; y++) {
        const void *row = seg__row(img, y);
        const ws_px *p = px + (size_t)(y + 1) * (size_t)w2 + 1;
        uint32_t last = 0;
        int have = 0;
        for (int x = 0; x < w; x++) {
            if (p[x].key == WS_OUTSIDE)
                continue;
            uint32_t c = code_of(row, img->type, x);
            if (have && c == last)
                continue;
            last = c;
            have = 1;
            int r = set_insert(&set, c);
            if (r) {
                set_free(&set);
                if (r < 0)
                    return seg__fail(SEG_ENOMEM, "watershed_skimage: cannot grow the value table");
                return rank_by_sort(img, px, w2, nkeys);
            }
        }
    }
    /* sort the distinct codes (with their slots) and give each slot its rank */
    size_t n = set.count, size = (size_t)1 << set.bits;
    uint64_t *a = seg__malloc((n ? n : 1) * sizeof(uint64_t));
    uint64_t *b = seg__malloc((n ? n : 1) * sizeof(uint64_t));
    size_t *cnt = seg__malloc(2048 * sizeof(size_t));
    if (!a || !b || !cnt) {
        seg__free(a);
        seg__free(b);
        seg__free(cnt);
        set_free(&set);
        return seg__fail(SEG_ENOMEM, "watershed_skimage: cannot allocate the value sort");
    }
    size_t k = 0;
    for (size_t i = 0; i < size; i++)
        if (set.used[i])
            a[k++] = (uint64_t)set.code[i] << 32 | i;
    uint64_t *s = radix_sort(a, b, n, 32, cnt);
    for (size_t i = 0; i < n; i++)
        set.rank[(uint32_t)s[i]] = (uint32_t)i;
    for (int y = 0; y < h; y++) {
        const void *row = seg__row(img, y);
        ws_px *p = px + (size_t)(y + 1) * (size_t)w2 + 1;
        uint32_t last = 0, lastr = 0;
        int have = 0;
        for (int x = 0; x < w; x++) {
            if (p[x].key == WS_OUTSIDE)
                continue;
            uint32_t c = code_of(row, img->type, x);
            if (!have || c != last) {
                last = c;
                lastr = set.rank[slot_of(&set, c)];
                have = 1;
            }
            p[x].key = lastr;
        }
    }
    *nkeys = n ? (uint32_t)n : 1;
    seg__free(a);
    seg__free(b);
    seg__free(cnt);
    set_free(&set);
    return SEG_OK;
}
