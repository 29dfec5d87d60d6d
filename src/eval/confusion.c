/* Streaming confusion matrix over label maps and the semantic metrics computed from it.
 *
 * A bandwidth-bound histogram: for <= 256 classes every piece of rows counts pairs
 * into its own small tables of 32-bit counters (no branch for u8 maps), and the tables
 * are added into the 64-bit matrix afterwards; integer sums do not depend on the
 * order, so neither does the result on the thread count. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct seg_confusion {
    int n;
    int ignore;
    uint64_t *cm;
};

int seg_confusion_create(int num_classes, int ignore_index, seg_confusion **out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "confusion: out is NULL");
    *out = NULL;
    if (num_classes < 1 || num_classes > 65536)
        return seg__fail(SEG_EINVAL, "confusion: num_classes %d is outside 1..65536", num_classes);
    seg_confusion *c = calloc(1, sizeof *c);
    if (!c)
        return seg__fail(SEG_ENOMEM, "confusion: out of memory");
    c->cm = calloc((size_t)num_classes * (size_t)num_classes, sizeof *c->cm);
    if (!c->cm) {
        free(c);
        return seg__fail(SEG_ENOMEM, "confusion: out of memory for %d classes", num_classes);
    }
    c->n = num_classes;
    c->ignore = ignore_index;
    *out = c;
    return SEG_OK;
}

void seg_confusion_destroy(seg_confusion *c)
{
    if (!c)
        return;
    free(c->cm);
    free(c);
}

void seg_confusion_reset(seg_confusion *c)
{
    if (c)
        memset(c->cm, 0, (size_t)c->n * (size_t)c->n * sizeof *c->cm);
}

int seg_confusion_num_classes(const seg_confusion *c)
{
    return c ? c->n : 0;
}

const uint64_t *seg_confusion_counts(const seg_confusion *c)
{
    return c ? c->cm : NULL;
}

int seg_confusion_merge(seg_confusion *dst, const seg_confusion *src)
{
    seg__clear_error();
    if (!dst || !src)
        return seg__fail(SEG_EINVAL, "confusion_merge: NULL argument");
    if (dst->n != src->n)
        return seg__fail(SEG_ESIZE, "confusion_merge: %d classes vs %d", dst->n, src->n);
    size_t nn = (size_t)dst->n * (size_t)dst->n;
    for (size_t i = 0; i < nn; i++)
        dst->cm[i] += src->cm[i];
    return SEG_OK;
}

static inline int64_t label_at(const seg_image *img, int x, int y)
{
    const void *row = seg__row(img, y);
    switch (img->type) {
    case SEG_U8:
        return ((const uint8_t *)row)[x];
    case SEG_U16:
        return ((const uint16_t *)row)[x];
    default:
        return ((const int32_t *)row)[x];
    }
}

/* Labels are first mapped through a 256-entry table to compact bins: 0..n-1 the
 * classes, n "ignored" (gt only), n+1 "out of range"; a piece counts pairs into
 * NT interleaved tables of (n+2)^2 32-bit counters (small enough for L1/L2 when n is
 * small). Interleaving breaks the store-to-load chain on one counter that piecewise-
 * constant label maps would otherwise create. */
enum { NT = 4 };

typedef struct conf_ctx {
    const seg_image *gt, *pred;
    int n, ignore;
    int64_t grain;
    size_t nb;        /* bins per side: n + 2 */
    uint32_t *tables; /* pieces x NT x nb^2 */
    uint16_t lut_g[256], lut_p[256];
    int bad;          /* generic path: some label out of range */
} conf_ctx;

static void count_rows(void *p, int64_t begin, int64_t end)
{
    conf_ctx *c = p;
    const size_t nb = c->nb, nn = nb * nb;
    uint32_t *h = c->tables + (size_t)(begin / c->grain) * NT * nn;
    const int w = c->gt->width;
    if (c->gt->type == SEG_U8 && c->pred->type == SEG_U8) {
        const uint16_t *lg = c->lut_g, *lp = c->lut_p;
        uint32_t *h0 = h, *h1 = h + nn, *h2 = h + 2 * nn, *h3 = h + 3 * nn;
        for (int64_t y = begin; y < end; y++) {
            const uint8_t *g = seg__row(c->gt, (int)y), *q = seg__row(c->pred, (int)y);
            int x = 0;
            for (; x + 4 <= w; x += 4) {
                h0[lg[g[x]] * nb + lp[q[x]]]++;
                h1[lg[g[x + 1]] * nb + lp[q[x + 1]]]++;
                h2[lg[g[x + 2]] * nb + lp[q[x + 2]]]++;
                h3[lg[g[x + 3]] * nb + lp[q[x + 3]]]++;
            }
            for (; x < w; x++)
                h0[lg[g[x]] * nb + lp[q[x]]]++;
        }
        return;
    }
    const int64_t n = c->n;
    for (int64_t y = begin; y < end; y++)
        for (int x = 0; x < w; x++) {
            int64_t g = label_at(c->gt, x, (int)y), q = label_at(c->pred, x, (int)y);
            size_t bg = g == c->ignore ? (size_t)n : (g < 0 || g >= n) ? (size_t)n + 1 : (size_t)g;
            size_t bq = (q < 0 || q >= n) ? (size_t)n + 1 : (size_t)q;
            h[bg * nb + bq]++;
        }
}

/* Name the first offending pixel in row-major order. */
static int locate_bad(const conf_ctx *c)
{
    for (int y = 0; y < c->gt->height; y++)
        for (int x = 0; x < c->gt->width; x++) {
            int64_t g = label_at(c->gt, x, y), q = label_at(c->pred, x, y);
            if (g == c->ignore)
                continue;
            if (g < 0 || g >= c->n)
                return seg__fail(SEG_EINVAL, "confusion: gt label %lld at (x=%d, y=%d) is outside "
                                 "0..%d and not the ignore index %d", (long long)g, x, y,
                                 c->n - 1, c->ignore);
            if (q < 0 || q >= c->n)
                return seg__fail(SEG_EINVAL, "confusion: predicted label %lld at (x=%d, y=%d) is "
                                 "outside 0..%d", (long long)q, x, y, c->n - 1);
        }
    return seg__fail(SEG_EINTERNAL, "confusion: out-of-range label not found");
}

int seg_confusion_update(seg_confusion *cf, const seg_image *gt, const seg_image *pred)
{
    seg__clear_error();
    if (!cf)
        return seg__fail(SEG_EINVAL, "confusion: NULL matrix");
    unsigned types = SEG_TYPES(SEG_U8, SEG_U16, SEG_S32);
    int st = seg__check_input(gt, types, 1u << 1, "confusion (gt)");
    if (!st)
        st = seg__check_input(pred, types, 1u << 1, "confusion (pred)");
    if (st)
        return st;
    if (gt->width != pred->width || gt->height != pred->height)
        return seg__fail(SEG_ESIZE, "confusion: gt is %dx%d but pred is %dx%d", gt->width,
                         gt->height, pred->width, pred->height);
    conf_ctx c;
    memset(&c, 0, sizeof c);
    c.gt = gt;
    c.pred = pred;
    c.n = cf->n;
    c.ignore = cf->ignore;
    const int h = gt->height, w = gt->width, n = cf->n;
    if (n > 256) {
        /* Large label sets: direct counts, one pass. */
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int64_t g = label_at(gt, x, y), q = label_at(pred, x, y);
                if (g == c.ignore)
                    continue;
                if (g < 0 || g >= n || q < 0 || q >= n)
                    return locate_bad(&c);
                cf->cm[(size_t)g * (size_t)n + (size_t)q]++;
            }
        return SEG_OK;
    }
    c.nb = (size_t)n + 2;
    const size_t nn = c.nb * c.nb;
    for (int v = 0; v < 256; v++) {
        c.lut_g[v] = (uint16_t)(v == c.ignore ? n : v < n ? v : n + 1);
        c.lut_p[v] = (uint16_t)(v < n ? v : n + 1);
    }
    /* Pieces of >= 256K pixels; a piece never holds 2^32 pixels (one row is < 2^31). */
    int64_t rows = SEG_MAX((int64_t)1, ((int64_t)1 << 18) / SEG_MAX(w, 1));
    if (rows * (int64_t)w >= ((int64_t)1 << 31))
        rows = 1;
    c.grain = seg__grain(h, rows);
    int64_t pieces = (h + c.grain - 1) / c.grain;
    c.tables = calloc((size_t)pieces * NT * nn, sizeof *c.tables);
    if (!c.tables)
        return seg__fail(SEG_ENOMEM, "confusion: out of memory");
    seg__parallel_for(h, c.grain, count_rows, &c);
    uint64_t *tot = calloc(nn, sizeof *tot);
    if (!tot) {
        free(c.tables);
        return seg__fail(SEG_ENOMEM, "confusion: out of memory");
    }
    for (int64_t p = 0; p < pieces * NT; p++) {
        const uint32_t *t = c.tables + (size_t)p * nn;
        for (size_t i = 0; i < nn; i++)
            tot[i] += t[i];
    }
    free(c.tables);
    /* out-of-range bins (gt row n+1, or pred column n+1 outside the ignored row n) */
    for (size_t g = 0; g < c.nb; g++)
        for (size_t q = 0; q < c.nb; q++)
            if (tot[g * c.nb + q] && g != (size_t)n && (g == (size_t)n + 1 || q == (size_t)n + 1)) {
                free(tot);
                return locate_bad(&c);
            }
    for (int g = 0; g < n; g++)
        for (int q = 0; q < n; q++)
            cf->cm[(size_t)g * n + q] += tot[(size_t)g * c.nb + q];
    free(tot);
    return SEG_OK;
}

int seg_semantic_scores_compute(const uint64_t *cm, int n, seg_semantic_scores *out,
                                double *iou, double *acc, double *dice)
{
    seg__clear_error();
    if (!cm || !out || n < 1)
        return seg__fail(SEG_EINVAL, "semantic_scores: NULL matrix or n < 1");
    memset(out, 0, sizeof *out);
    uint64_t total = 0, correct = 0;
    double sum_iou = 0, sum_acc = 0, sum_dice = 0, fw = 0;
    int n_iou = 0, n_acc = 0;
    uint64_t *colsum = calloc((size_t)n, sizeof *colsum);
    if (!colsum)
        return seg__fail(SEG_ENOMEM, "semantic_scores: out of memory");
    for (int g = 0; g < n; g++)
        for (int q = 0; q < n; q++)
            colsum[q] += cm[(size_t)g * n + q];
    for (int k = 0; k < n; k++) {
        uint64_t row = 0;
        for (int q = 0; q < n; q++)
            row += cm[(size_t)k * n + q];
        total += row;
    }
    for (int k = 0; k < n; k++) {
        uint64_t tp = cm[(size_t)k * n + k], row = 0;
        for (int q = 0; q < n; q++)
            row += cm[(size_t)k * n + q];
        correct += tp;
        uint64_t uni = row + colsum[k] - tp;
        double ki = uni ? (double)tp / (double)uni : NAN;
        double ka = row ? (double)tp / (double)row : NAN;
        double kd = row + colsum[k] ? 2.0 * (double)tp / (double)(row + colsum[k]) : NAN;
        if (iou)
            iou[k] = ki;
        if (acc)
            acc[k] = ka;
        if (dice)
            dice[k] = kd;
        if (uni) {
            sum_iou += ki;
            sum_dice += kd;
            n_iou++;
        }
        if (row) {
            sum_acc += ka;
            n_acc++;
            fw += (double)row / (double)total * ki;
        }
    }
    free(colsum);
    out->total = total;
    out->pixel_accuracy = total ? (double)correct / (double)total : NAN;
    out->mean_iou = n_iou ? sum_iou / n_iou : NAN;
    out->mean_dice = n_iou ? sum_dice / n_iou : NAN;
    out->mean_accuracy = n_acc ? sum_acc / n_acc : NAN;
    out->fw_iou = total ? fw : NAN;
    return SEG_OK;
}
