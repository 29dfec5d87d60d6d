/* Adaptive threshold (cv2.adaptiveThreshold of OpenCV 4.6): the local means come from the
 * filter module exactly as cv2 makes them, then one vectorised compare per pixel.
 *
 * MEAN_C: cv2 takes boxFilter(src, u8, block, normalize, BORDER_REPLICATE): seg_box_blur
 * with the same arguments (bit-exact u8 output).
 * GAUSSIAN_C: cv2 blurs a float copy (GaussianBlur on CV_32F, sigma from the block) and
 * rounds it to u8: seg_gaussian_blur on f32, then the rounding conversion. */
#include "internal.h"

#include <limits.h>
#include <math.h>
#include <string.h>

typedef struct {
    const seg_image *src;
    const seg_image *mean; /* u8 local means (may be dst itself) */
    seg_image *dst;
    int idelta;   /* cvCeil(C) for BINARY, cvFloor(C) for BINARY_INV */
    int inverted; /* BINARY_INV */
    uint8_t imax;
} adaptive_job;

/* cv2's decision: maxval where src - mean > -idelta (BINARY), or <= -idelta (INV). */
static void decide(const adaptive_job *j, const uint8_t *s, const uint8_t *m, uint8_t *d, int w)
{
    /* locals: d may alias anything (a char type), which would reload j's fields */
    const int nd = -j->idelta;
    const uint8_t mv = j->imax;
    if (j->inverted)
        for (int x = 0; x < w; x++)
            d[x] = (int)s[x] - (int)m[x] <= nd ? mv : 0;
    else
        for (int x = 0; x < w; x++)
            d[x] = (int)s[x] - (int)m[x] > nd ? mv : 0;
}

/* mean may be dst: each element is read before it is overwritten. */
static void apply_rows(void *ctx, int64_t y0, int64_t y1)
{
    adaptive_job *j = ctx;
    int w = j->src->width;
    for (int64_t y = y0; y < y1; y++)
        decide(j, seg__row(j->src, (int)y), seg__row(j->mean, (int)y), seg__row(j->dst, (int)y),
               w);
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
    adaptive_job j = {.src = src, .dst = dst};
    /* saturate_cast<uchar>: round half to even; NaN gives 0 as cvRound's INT_MIN does */
    uint8_t imax = isnan(maxval) ? 0 : maxval >= 255 ? 255 : (uint8_t)lrint(maxval);
    /* cvCeil / cvFloor of C; beyond +-512 every difference is on one side */
    double cc = c < -1024 ? -1024 : c > 1024 ? 1024 : c;
    j.idelta = type == SEG_THRESH_BINARY ? (int)ceil(cc) : (int)floor(cc);
    j.inverted = type == SEG_THRESH_BINARY_INV;
    j.imax = imax;
    /* the local means go straight into dst when it is not the source (as cv2 does) */
    seg_image tmp = {0}, *mean = dst->data == src->data ? &tmp : dst;
    rc = method == SEG_ADAPTIVE_THRESH_GAUSSIAN_C
             ? gaussian_mean(src, block, mean)
             : seg_box_blur(src, mean, block, block, 1, SEG_BORDER_REPLICATE);
    if (rc) {
        seg_image_free(&tmp);
        return rc == SEG_ENOMEM ? rc : seg__fail(rc, "adaptive_threshold: %s", seg_last_error());
    }
    j.mean = mean;
    seg__parallel_for(src->height, seg__grain(src->height, SEG_MAX(8, 65536 / src->width)),
                      apply_rows, &j);
    seg_image_free(&tmp);
    return SEG_OK;
}
