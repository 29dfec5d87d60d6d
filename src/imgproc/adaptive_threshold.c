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
    uint32_t *scratch; /* per piece: w + 2r + 1 column sums, w window sums, w means */
    size_t scratch_words;
    int idelta;   /* cvCeil(C) for BINARY, cvFloor(C) for BINARY_INV */
    int inverted; /* BINARY_INV */
    uint8_t imax;
} adaptive_job;

/* cv2's decision: maxval where src - mean > -idelta (BINARY), or <= -idelta (INV). */
static void decide(const adaptive_job *j, const uint8_t *s, const uint8_t *m, uint8_t *d, int w)
{
    int nd = -j->idelta;
    if (j->inverted)
        for (int x = 0; x < w; x++)
            d[x] = (int)s[x] - (int)m[x] <= nd ? j->imax : 0;
    else
        for (int x = 0; x < w; x++)
            d[x] = (int)s[x] - (int)m[x] > nd ? j->imax : 0;
}

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
    int wide = j->block > 4095; /* window sums above 2^32 */
    double inv = 1.0 / (2.0 * area);
    uint32_t *col = j->scratch + (size_t)(y0 / j->grain) * j->scratch_words;
    uint8_t *mrow = (uint8_t *)(col + 2 * (size_t)w + 2 * r + 1);
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
        /* window sums (serial, one add and one subtract a pixel), then the rounded
         * division as a multiplication: (2s + a) / (2a) is never within 1/(2a) of an
         * integer from below, far above the double product's error (< 1e-13 here) */
        uint64_t s = 0;
        for (int x = -r; x <= r; x++)
            s += c[x];
        if (wide) {
            for (int x = 0; x < w; x++) {
                mrow[x] = (uint8_t)((2 * s + area) / (2 * (uint64_t)area));
                s += (uint64_t)c[x + r + 1] - c[x - r]; /* c[w + r] is a spare 0 */
            }
            decide(j, seg__row(src, (int)y), mrow, seg__row(j->dst, (int)y), w);
            continue;
        }
        uint32_t *hs = col + w + 2 * r + 1, s32 = (uint32_t)s;
        for (int x = 0; x < w; x++) {
            hs[x] = s32;
            s32 += c[x + r + 1] - c[x - r];
        }
        const uint8_t *sr = seg__row(src, (int)y);
        uint8_t *d = seg__row(j->dst, (int)y);
        int nd = -j->idelta;
        uint8_t mv = j->imax;
        if (area <= 2048) {
            /* float is exact enough here: 2s + a < 2^24 and the error (< 3e-5) stays
             * below the gap 1/(2a) to the next integer */
            float finv = (float)inv;
            if (j->inverted)
                for (int x = 0; x < w; x++)
                    d[x] = (int)sr[x] - (int)((float)(int32_t)(2 * hs[x] + area) * finv) <= nd
                               ? mv : 0;
            else
                for (int x = 0; x < w; x++)
                    d[x] = (int)sr[x] - (int)((float)(int32_t)(2 * hs[x] + area) * finv) > nd
                               ? mv : 0;
        } else {
            for (int x = 0; x < w; x++)
                mrow[x] = (uint8_t)(int)((2.0 * hs[x] + area) * inv);
            decide(j, sr, mrow, d, w);
        }
    }
}

static void apply_rows(void *ctx, int64_t y0, int64_t y1)
{
    adaptive_job *j = ctx;
    int w = j->src->width;
    for (int64_t y = y0; y < y1; y++) {
        decide(j, seg__row(j->src, (int)y), seg__row(j->mean, (int)y), seg__row(j->dst, (int)y),
               w);
    }
}

/* GAUSSIAN_C's local mean: seg_gaussian_blur on an f32 copy, rounded to u8 as cv2's
 * convertTo does. Kept apart so the filter module is the only Gaussian in the library. */
static int gaussian_mean(const seg_image *src, int block, seg_image *mean)
{
    seg_image f = {0}, g = {0};
    int rc = seg_image_convert(src, &f, SEG_F32, 1.0, 0.0);
    if (!rc)
        rc = seg_gaussian_blur(&f, &g, block, block, 0.0, 0.0, SEG_BORDER_REPLICATE);
    if (!rc)
        rc = seg_image_convert(&g, mean, SEG_U8, 1.0, 0.0);
    seg_image_free(&f);
    seg_image_free(&g);
    return rc ? seg__fail(rc, "adaptive_threshold: %s", seg_last_error()) : SEG_OK;
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
    j.idelta = type == SEG_THRESH_BINARY ? (int)ceil(cc) : (int)floor(cc);
    j.inverted = type == SEG_THRESH_BINARY_INV;
    j.imax = imax;
    if (method == SEG_ADAPTIVE_THRESH_GAUSSIAN_C) {
        seg_image mean = {0};
        rc = gaussian_mean(src, block, &mean);
        if (rc)
            return rc;
        j.mean = &mean;
        seg__parallel_for(src->height, seg__grain(src->height, SEG_MAX(8, 65536 / src->width)), apply_rows, &j);
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
    int64_t grain = seg__grain(src->height, SEG_MAX(16, 32768 / src->width)), pieces = (src->height + grain - 1) / grain;
    size_t words = 2 * (size_t)src->width + 2 * (size_t)(block / 2) + 1 + ((size_t)src->width + 3) / 4;
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
