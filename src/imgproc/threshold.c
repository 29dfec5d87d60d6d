/* Fixed and automatic thresholds (cv2.threshold of OpenCV 4.6). */
#include "internal.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

typedef struct {
    const seg_image *src;
    seg_image *dst;
    int type;      /* SEG_THRESH_BINARY .. TOZERO_INV */
    int ithresh;   /* u8 / u16: floor(thresh), clamped so comparisons stay in int */
    int imaxval;   /* u8 / u16: saturated maxval (TRUNC: saturated ithresh) */
    float fthresh; /* f32 */
    float fmaxval;
} thresh_job;

/* The loops below are written so the compiler vectorises them (compare + select). */
#define THRESH_ROWS(T, TH, MV)                                               \
    for (int64_t y = y0; y < y1; y++) {                                      \
        const T *s = seg__row(j->src, (int)y);                               \
        T *d = seg__row(j->dst, (int)y);                                     \
        switch (j->type) {                                                   \
        case SEG_THRESH_BINARY:                                              \
            for (size_t i = 0; i < n; i++) d[i] = s[i] > TH ? MV : 0;           \
            break;                                                           \
        case SEG_THRESH_BINARY_INV:                                          \
            for (size_t i = 0; i < n; i++) d[i] = s[i] > TH ? 0 : MV;           \
            break;                                                           \
        case SEG_THRESH_TRUNC:                                               \
            for (size_t i = 0; i < n; i++) d[i] = s[i] > TH ? TH : s[i];        \
            break;                                                           \
        case SEG_THRESH_TOZERO:                                              \
            for (size_t i = 0; i < n; i++) d[i] = s[i] > TH ? s[i] : 0;         \
            break;                                                           \
        default:                                                             \
            for (size_t i = 0; i < n; i++) d[i] = s[i] > TH ? 0 : s[i];         \
            break;                                                           \
        }                                                                    \
    }

static void thresh_rows(void *ctx, int64_t y0, int64_t y1)
{
    thresh_job *j = ctx;
    size_t n = (size_t)j->src->width * j->src->channels;
    if (j->src->type == SEG_U8) {
        /* t in [-1, 255] here (clamped by the caller) so the u8 compare is exact. */
        if (j->ithresh < 0 || j->ithresh >= 255) {
            /* every element is on one side of t */
            int above = j->ithresh < 0;
            for (int64_t y = y0; y < y1; y++) {
                const uint8_t *s = seg__row(j->src, (int)y);
                uint8_t *d = seg__row(j->dst, (int)y);
                switch (j->type) {
                case SEG_THRESH_BINARY: memset(d, above ? j->imaxval : 0, n); break;
                case SEG_THRESH_BINARY_INV: memset(d, above ? 0 : j->imaxval, n); break;
                case SEG_THRESH_TRUNC:
                case SEG_THRESH_TOZERO_INV:
                    if (above) memset(d, 0, n); else memmove(d, s, n);
                    break;
                default:
                    if (above) memmove(d, s, n); else memset(d, 0, n);
                    break;
                }
            }
            return;
        }
        const uint8_t th = (uint8_t)j->ithresh, mv = (uint8_t)j->imaxval;
        THRESH_ROWS(uint8_t, th, mv)
    } else if (j->src->type == SEG_U16) {
        if (j->ithresh < 0 || j->ithresh >= 65535) {
            int above = j->ithresh < 0;
            for (int64_t y = y0; y < y1; y++) {
                const uint16_t *s = seg__row(j->src, (int)y);
                uint16_t *d = seg__row(j->dst, (int)y);
                for (size_t i = 0; i < n; i++) {
                    uint16_t v = s[i];
                    switch (j->type) {
                    case SEG_THRESH_BINARY: d[i] = above ? (uint16_t)j->imaxval : 0; break;
                    case SEG_THRESH_BINARY_INV: d[i] = above ? 0 : (uint16_t)j->imaxval; break;
                    case SEG_THRESH_TRUNC:
                    case SEG_THRESH_TOZERO_INV: d[i] = above ? 0 : v; break;
                    default: d[i] = above ? v : 0; break;
                    }
                }
            }
            return;
        }
        const uint16_t th = (uint16_t)j->ithresh, mv = (uint16_t)j->imaxval;
        THRESH_ROWS(uint16_t, th, mv)
    } else {
        const float th = j->fthresh, mv = j->fmaxval;
        THRESH_ROWS(float, th, mv)
    }
}

/* Histogram of a 1-channel u8/u16 image, gathered per piece and summed in piece order. */
typedef struct {
    const seg_image *src;
    int64_t grain;
    int bins;
    uint32_t *parts; /* one histogram per piece */
} hist_job;

static void hist_rows(void *ctx, int64_t y0, int64_t y1)
{
    hist_job *j = ctx;
    uint32_t *h = j->parts + (size_t)(y0 / j->grain) * j->bins;
    int w = j->src->width;
    if (j->src->type == SEG_U8) {
        /* eight sub-histograms break the store-to-load dependency on repeated values */
        uint32_t h4[8][256];
        memset(h4, 0, sizeof h4);
        for (int64_t y = y0; y < y1; y++) {
            const uint8_t *s = seg__row(j->src, (int)y);
            int i = 0;
            for (; i + 8 <= w; i += 8) {
                h4[0][s[i]]++;
                h4[1][s[i + 1]]++;
                h4[2][s[i + 2]]++;
                h4[3][s[i + 3]]++;
                h4[4][s[i + 4]]++;
                h4[5][s[i + 5]]++;
                h4[6][s[i + 6]]++;
                h4[7][s[i + 7]]++;
            }
            for (; i < w; i++)
                h4[0][s[i]]++;
        }
        for (int b = 0; b < 256; b++)
            h[b] = h4[0][b] + h4[1][b] + h4[2][b] + h4[3][b] + h4[4][b] + h4[5][b] + h4[6][b] +
                   h4[7][b];
        return;
    }
    for (int64_t y = y0; y < y1; y++) {
        const uint16_t *s = seg__row(j->src, (int)y);
        for (int i = 0; i < w; i++)
            h[s[i]]++;
    }
}

static int histogram(const seg_image *src, int bins, uint64_t *h)
{
    /* pieces of at least ~64K pixels (small images run serially); 16-bit histograms are
     * 256 KB each, so at most 8 pieces of those */
    int64_t min_rows = SEG_MAX(16, 65536 / src->width);
    if (bins > 256)
        min_rows = SEG_MAX(min_rows, (src->height + 7) / 8);
    int64_t grain = seg__grain(src->height, min_rows);
    int64_t pieces = (src->height + grain - 1) / grain;
    size_t n;
    if (!seg__mul((size_t)pieces, (size_t)bins, &n))
        return seg__fail(SEG_EOVERFLOW, "threshold: histogram size overflows");
    uint32_t *parts = seg__calloc(n, sizeof *parts);
    if (!parts)
        return seg__fail(SEG_ENOMEM, "threshold: cannot allocate the histogram");
    hist_job j = {src, grain, bins, parts};
    seg__parallel_for(src->height, grain, hist_rows, &j);
    memset(h, 0, (size_t)bins * sizeof *h);
    for (int64_t p = 0; p < pieces; p++)
        for (int b = 0; b < bins; b++)
            h[b] += parts[(size_t)p * bins + b];
    seg__free(parts);
    return SEG_OK;
}

/* OpenCV's getThreshVal_Otsu: maximise the between-class variance over t, strictly
 * greater (ties keep the lowest t), skipping t where one class is (nearly) empty.
 * The running mean update order is OpenCV's, so the doubles round the same way. */
static double otsu(const uint64_t *h, int bins, double npix)
{
    double mu = 0, scale = 1. / npix;
    for (int i = 0; i < bins; i++)
        mu += i * (double)h[i];
    mu *= scale;
    double mu1 = 0, q1 = 0, max_sigma = 0, max_val = 0;
    for (int i = 0; i < bins; i++) {
        double p_i = h[i] * scale, q2, mu2, sigma;
        mu1 *= q1;
        q1 += p_i;
        q2 = 1. - q1;
        if (SEG_MIN(q1, q2) < FLT_EPSILON || SEG_MAX(q1, q2) > 1. - FLT_EPSILON)
            continue;
        mu1 = (mu1 + i * p_i) / q1;
        mu2 = (mu - q1 * mu1) / q2;
        sigma = q1 * q2 * (mu1 - mu2) * (mu1 - mu2);
        if (sigma > max_sigma) {
            max_sigma = sigma;
            max_val = i;
        }
    }
    return max_val;
}

/* OpenCV's getThreshVal_Triangle_8u (Zack's triangle method on the histogram). */
static double triangle(uint64_t *h)
{
    const int N = 256;
    int left = 0, right = 0, max_ind = 0, i, j;
    uint64_t max = 0;
    for (i = 0; i < N; i++)
        if (h[i] > 0) {
            left = i;
            break;
        }
    if (left > 0)
        left--;
    for (i = N - 1; i > 0; i--)
        if (h[i] > 0) {
            right = i;
            break;
        }
    if (right < N - 1)
        right++;
    for (i = 0; i < N; i++)
        if (h[i] > max) {
            max = h[i];
            max_ind = i;
        }
    int flipped = 0;
    if (max_ind - left < right - max_ind) {
        flipped = 1;
        for (i = 0, j = N - 1; i < j; i++, j--) {
            uint64_t t = h[i];
            h[i] = h[j];
            h[j] = t;
        }
        left = N - 1 - right;
        max_ind = N - 1 - max_ind;
    }
    double thresh = left, dist = 0;
    double a = (double)max, b = left - max_ind;
    for (i = left + 1; i <= max_ind; i++) {
        double d = a * i + b * (double)h[i];
        if (d > dist) {
            dist = d;
            thresh = i;
        }
    }
    thresh--;
    if (flipped)
        thresh = N - 1 - thresh;
    return thresh;
}

/* cvRound then saturate to [0, hi]. */
static int round_sat(double v, int hi)
{
    if (!(v > -1.0))
        return 0; /* also NaN */
    if (v >= hi)
        return hi;
    return (int)lrint(v);
}

int seg_threshold(const seg_image *src, seg_image *dst, double thresh, double maxval, int type,
                  double *used)
{
    seg__clear_error();
    if (used)
        *used = 0;
    int rc = seg__check_input(src, SEG_TYPES(SEG_U8, SEG_U16, SEG_F32), 0x1e, "threshold");
    if (rc)
        return rc;
    int op = type & SEG_THRESH_MASK, autom = type & ~SEG_THRESH_MASK;
    if (op > SEG_THRESH_TOZERO_INV)
        return seg__fail(SEG_EINVAL, "threshold: unknown threshold type %d", op);
    if (autom != 0 && autom != SEG_THRESH_OTSU && autom != SEG_THRESH_TRIANGLE)
        return seg__fail(SEG_EINVAL, "threshold: unknown flags 0x%x (OTSU or TRIANGLE, not both)",
                         autom);
    if (autom == SEG_THRESH_OTSU && (src->channels != 1 || src->type == SEG_F32))
        return seg__fail(SEG_ETYPE, "threshold: Otsu needs a 1-channel u8 or u16 image, got %d "
                         "channels of %s", src->channels, seg__type_name(src->type));
    if (autom == SEG_THRESH_TRIANGLE && (src->channels != 1 || src->type != SEG_U8))
        return seg__fail(SEG_ETYPE, "threshold: the triangle method needs a 1-channel u8 image, "
                         "got %d channels of %s", src->channels, seg__type_name(src->type));
    /* the histogram must be taken before dst (which may be src) is written */
    if (autom) {
        int bins = src->type == SEG_U8 ? 256 : 65536;
        uint64_t *h = seg__malloc((size_t)bins * sizeof *h);
        if (!h)
            return seg__fail(SEG_ENOMEM, "threshold: cannot allocate the histogram");
        rc = histogram(src, bins, h);
        if (!rc)
            thresh = autom == SEG_THRESH_OTSU ? otsu(h, bins, (double)src->width * src->height)
                                              : triangle(h);
        seg__free(h);
        if (rc)
            return rc;
    }
    if (dst != src) {
        rc = seg__image_prepare(dst, src->width, src->height, src->channels, src->type,
                                "threshold");
        if (rc)
            return rc;
    }
    thresh_job j = {.src = src, .dst = dst, .type = op};
    if (src->type == SEG_F32) {
        j.fthresh = (float)thresh;
        j.fmaxval = (float)maxval;
    } else {
        int hi = src->type == SEG_U8 ? 255 : 65535;
        /* cvFloor; values far outside the type act the same as -1 or hi */
        double f = floor(thresh);
        int it = f < INT_MIN ? INT_MIN : f > INT_MAX ? INT_MAX : isnan(f) ? INT_MIN : (int)f;
        thresh = it;
        j.ithresh = SEG_MAX(-1, SEG_MIN(it, hi));
        j.imaxval = op == SEG_THRESH_TRUNC ? SEG_MAX(0, SEG_MIN(it, hi)) : round_sat(maxval, hi);
    }
    int64_t min_rows = SEG_MAX(8, 65536 / ((int64_t)src->width * src->channels));
    seg__parallel_for(src->height, seg__grain(src->height, min_rows), thresh_rows, &j);
    if (used)
        *used = thresh;
    return SEG_OK;
}
