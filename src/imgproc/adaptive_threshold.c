/* Adaptive threshold (cv2.adaptiveThreshold of OpenCV 4.6).
 *
 * MEAN_C: cv2 takes boxFilter(src, u8, block, normalize, BORDER_REPLICATE) whose u8 result
 * is the exactly rounded mean (the window sums of odd areas are never ties), so the mean
 * here is an exact integer box sum over a replicated border, rounded once.
 * GAUSSIAN_C: cv2 blurs a float copy (GaussianBlur on CV_32F, sigma from the block) and
 * rounds it to u8; that blur comes from the filter module (seg_gaussian_blur). */
#include "internal.h"

#include <limits.h>
#include <math.h>
#include <string.h>

typedef struct {
    const seg_image *src;
    const seg_image *mean; /* u8 local means, or NULL for MEAN_C (computed here) */
    seg_image *dst;
    int block;
    int64_t grain;
    uint32_t *scratch; /* per piece: w + 2r + 1 column sums, then w bytes of means */
    size_t scratch_words;
    uint8_t tab[768]; /* decision per (src - mean + 255) */
} adaptive_job;

static inline int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Rows [y0, y1): column sums over the block's rows (replicated border), then a sliding
 * horizontal sum; mean = round(sum / area) without ties (area is odd). */
static void mean_rows(void *ctx, int64_t y0, int64_t y1)
{
    adaptive_job *j = ctx;
    const seg_image *src = j->src;
    int w = src->width, h = src->height, r = j->block / 2;
    uint32_t area = (uint32_t)j->block * (uint32_t)j->block;
    uint32_t *col = j->scratch + (size_t)(y0 / j->grain) * j->scratch_words;
    uint8_t *mrow = (uint8_t *)(col + w + 2 * r + 1);
    uint32_t *c = col + r;
    for (int64_t y = y0; y < y1; y++) {
        if (y == y0) {
            memset(c, 0, (size_t)w * sizeof *c);
            for (int dy = -r; dy <= r; dy++) {
                const uint8_t *s = seg__row(src, clampi((int)y + dy, 0, h - 1));
                for (int x = 0; x < w; x++)
                    c[x] += s[x];
            }
        } else {
            const uint8_t *add = seg__row(src, clampi((int)y + r, 0, h - 1));
            const uint8_t *sub = seg__row(src, clampi((int)y - 1 - r, 0, h - 1));
            for (int x = 0; x < w; x++)
                c[x] += (uint32_t)add[x] - sub[x];
        }
        for (int x = 1; x <= r; x++) {
            c[-x] = c[0];
            c[w - 1 + x] = c[w - 1];
        }
        c[w + r] = 0;
        uint64_t s = 0;
        for (int x = -r; x <= r; x++)
            s += c[x];
        for (int x = 0; x < w; x++) {
            mrow[x] = (uint8_t)((2 * s + area) / (2 * (uint64_t)area));
            s += (uint64_t)c[x + r + 1] - c[x - r]; /* c[w + r] is a spare 0 */
        }
        const uint8_t *sr = seg__row(src, (int)y);
        uint8_t *d = seg__row(j->dst, (int)y);
        for (int x = 0; x < w; x++)
            d[x] = j->tab[sr[x] - mrow[x] + 255];
    }
}

static void apply_rows(void *ctx, int64_t y0, int64_t y1)
{
    adaptive_job *j = ctx;
    int w = j->src->width;
    for (int64_t y = y0; y < y1; y++) {
        const uint8_t *s = seg__row(j->src, (int)y), *m = seg__row(j->mean, (int)y);
        uint8_t *d = seg__row(j->dst, (int)y);
        for (int x = 0; x < w; x++)
            d[x] = j->tab[s[x] - m[x] + 255];
    }
}

/* GAUSSIAN_C's local mean: seg_gaussian_blur on an f32 copy, rounded to u8 as cv2's
 * convertTo does. Kept apart so the filter module is the only Gaussian in the library. */
static int gaussian_mean(const seg_image *src, int block, seg_image *mean)
{
#ifdef SEGKIT_HAVE_GAUSSIAN_BLUR
    seg_image f = {0}, g = {0};
    int rc = seg_image_convert(src, &f, SEG_F32, 1.0, 0.0);
    if (!rc)
        rc = seg_gaussian_blur(&f, &g, block, block, 0.0, 0.0, SEG_BORDER_REPLICATE);
    if (!rc)
        rc = seg_image_convert(&g, mean, SEG_U8, 1.0, 0.0);
    seg_image_free(&f);
    seg_image_free(&g);
    return rc ? seg__fail(rc, "adaptive_threshold: %s", seg_last_error()) : SEG_OK;
#else
    (void)src;
    (void)block;
    (void)mean;
    return seg__fail(SEG_EUNSUPPORTED, "adaptive_threshold: GAUSSIAN_C needs the Gaussian "
                     "blur of the filter module, which this build does not have yet");
#endif
}

int seg_adaptive_threshold(const seg_image *src, seg_image *dst, double maxval, int method,
                           int type, int block, double c)
{
    seg__clear_error();
    int rc = seg__check_input(src, SEG_TYPES(SEG_U8), 1u << 1, "adaptive_threshold");
    if (rc)
        return rc;
    if (block <= 1 || block % 2 == 0)
        return seg__fail(SEG_EINVAL, "adaptive_threshold: block size %d must be odd and > 1",
                         block);
    if (block > 65535)
        return seg__fail(SEG_EINVAL, "adaptive_threshold: block size %d is too large (max 65535)",
                         block);
    if (method != SEG_ADAPTIVE_THRESH_MEAN_C && method != SEG_ADAPTIVE_THRESH_GAUSSIAN_C)
        return seg__fail(SEG_EINVAL, "adaptive_threshold: unknown method %d (0 mean, 1 gaussian)",
                         method);
    if (type != SEG_THRESH_BINARY && type != SEG_THRESH_BINARY_INV)
        return seg__fail(SEG_EINVAL, "adaptive_threshold: type %d must be THRESH_BINARY (0) or "
                         "THRESH_BINARY_INV (1)", type);
    if (isnan(c))
        return seg__fail(SEG_EINVAL, "adaptive_threshold: C is NaN");
    if (dst != src) {
        rc = seg__image_prepare(dst, src->width, src->height, 1, SEG_U8, "adaptive_threshold");
        if (rc)
            return rc;
    }
    if (maxval < 0) { /* cv2: dst = 0 */
        for (int y = 0; y < src->height; y++)
            memset(seg__row(dst, y), 0, (size_t)src->width);
        return SEG_OK;
    }
    adaptive_job j = {.src = src, .dst = dst, .block = block};
    uint8_t imax = (uint8_t)(maxval >= 255 ? 255 : lrint(maxval));
    /* cvCeil / cvFloor of C; beyond +-512 every difference is on one side */
    double cc = c < -1024 ? -1024 : c > 1024 ? 1024 : c;
    int idelta = type == SEG_THRESH_BINARY ? (int)ceil(cc) : (int)floor(cc);
    for (int i = 0; i < 768; i++)
        j.tab[i] = type == SEG_THRESH_BINARY ? (i - 255 > -idelta ? imax : 0)
                                             : (i - 255 <= -idelta ? imax : 0);
    if (method == SEG_ADAPTIVE_THRESH_GAUSSIAN_C) {
        seg_image mean = {0};
        rc = gaussian_mean(src, block, &mean);
        if (rc)
            return rc;
        j.mean = &mean;
        seg__parallel_for(src->height, seg__grain(src->height, 8), apply_rows, &j);
        seg_image_free(&mean);
        return SEG_OK;
    }
    /* MEAN_C reads rows around y while writing row y, so an in-place call goes through a
     * copy of the source. */
    seg_image copy = {0};
    if (dst->data == src->data) {
        rc = seg_image_copy(src, &copy);
        if (rc)
            return rc;
        j.src = &copy;
    }
    /* scratch for every piece, allocated here so workers cannot fail */
    int64_t grain = seg__grain(src->height, 16), pieces = (src->height + grain - 1) / grain;
    size_t words = (size_t)src->width + 2 * (size_t)(block / 2) + 1 + ((size_t)src->width + 3) / 4;
    size_t total;
    if (!seg__mul(words, (size_t)pieces, &total) ||
        !(j.scratch = seg__malloc(total * sizeof *j.scratch))) {
        seg_image_free(&copy);
        return seg__fail(SEG_ENOMEM, "adaptive_threshold: cannot allocate scratch rows");
    }
    j.grain = grain;
    j.scratch_words = words;
    seg__parallel_for(src->height, grain, mean_rows, &j);
    seg__free(j.scratch);
    seg_image_free(&copy);
    return SEG_OK;
}
