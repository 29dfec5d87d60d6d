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

static int flood_fast(flood *f)
{
    heap_item_fast hp = {0};
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
    uint32_t age = 1;
    const int wsl = f->wsl, nnb = f->nnb;
    while (hp.n) {
        item_fast e = heap_item_fast_pop(&hp);
        size_t idx = e.index;
        if (wsl) {
            if (out[idx] && (e.key & 0xffffffffu) != 0)
                continue; /* already labelled, and not a marker (markers have age 0) */
            if (diff_neighbors(f, idx))
                continue;
            out[idx] = e.label;
        }
        int32_t lab = out[idx];
        for (int k = 0; k < nnb; k++) {
            size_t j = idx + (size_t)f->nb[k];
            if (!mask[j] || out[j])
                continue;
            age++;
            if (!wsl)
                out[j] = lab;
            item_fast n = {(uint64_t)code[j] << 32 | age, (uint32_t)j, lab};
            if (heap_item_fast_push(&hp, n))
                goto nomem;
        }
    }
    seg__free(hp.a);
    return SEG_OK;
nomem:
    seg__free(hp.a);
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
