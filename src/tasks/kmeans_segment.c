/* Recipe: k-means colour segmentation (BGR -> LAB/HSV/BGR -> k-means -> label map). */
#include "internal.h"

#include <math.h>
#include <string.h>

void seg_kmseg_options_default(seg_kmseg_options *o)
{
    memset(o, 0, sizeof(*o));
    o->k = 4;
    o->color_space = SEG_KMSEG_LAB;
    o->attempts = 3;
    o->criteria = (seg_term_criteria){SEG_TERM_COUNT | SEG_TERM_EPS, 10, 1.0};
    o->flags = SEG_KMEANS_PP_CENTERS;
}

void seg_kmseg_result_free(seg_kmseg_result *r)
{
    if (!r)
        return;
    seg_image_free(&r->labels);
    seg_image_free(&r->segmented);
    seg__free(r->centers);
    seg__free(r->centers_bgr);
    seg__free(r->counts);
    memset(r, 0, sizeof(*r));
}

static const int to_space[3] = {SEG_COLOR_BGR2LAB, -1, SEG_COLOR_BGR2HSV};
static const int from_space[3] = {SEG_COLOR_LAB2BGR, -1, SEG_COLOR_HSV2BGR};

int seg_segment_kmeans(const seg_image *bgr, const seg_kmseg_options *opt, seg_kmseg_result *out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "segment kmeans: out is NULL");
    memset(out, 0, sizeof(*out));
    int st = seg__check_input(bgr, SEG_TYPES(SEG_U8), 1u << 3, "segment kmeans");
    if (st)
        return st;
    seg_kmseg_options o;
    if (opt)
        o = *opt;
    else
        seg_kmseg_options_default(&o);
    if (o.color_space < 0 || o.color_space > 2)
        return seg__fail(SEG_EINVAL, "segment kmeans: unknown colour space %d", o.color_space);
    if (!(o.xy_weight >= 0) || !isfinite(o.xy_weight))
        return seg__fail(SEG_EINVAL, "segment kmeans: xy weight must be finite and >= 0");
    int w = bgr->width, h = bgr->height, d = o.xy_weight > 0 ? 5 : 3;
    size_t n = (size_t)w * h;
    if (n > INT32_MAX)
        return seg__fail(SEG_ELIMIT, "segment kmeans: %dx%d has too many pixels", w, h);

    seg_image conv = {0}, small = {0}, small_bgr = {0};
    float *pts = seg__malloc(n * d * sizeof(float));
    if (!pts) {
        st = seg__fail(SEG_ENOMEM, "segment kmeans: out of memory");
        goto fail;
    }
    const seg_image *space = bgr;
    if (to_space[o.color_space] >= 0) {
        if ((st = seg_cvt_color(bgr, &conv, to_space[o.color_space])))
            goto fail;
        space = &conv;
    }
    for (int y = 0; y < h; y++) {
        const uint8_t *row = seg__row(space, y);
        for (int x = 0; x < w; x++) {
            float *p = pts + ((size_t)y * w + x) * d;
            p[0] = row[3 * x];
            p[1] = row[3 * x + 1];
            p[2] = row[3 * x + 2];
            if (d == 5) {
                p[3] = (float)x * o.xy_weight;
                p[4] = (float)y * o.xy_weight;
            }
        }
    }
    if ((st = seg_image_alloc(&out->labels, w, h, 1, SEG_S32)) ||
        (st = seg_image_alloc(&out->segmented, w, h, 3, SEG_U8)))
        goto fail;
    float *centers = seg__malloc((size_t)(o.k > 0 ? o.k : 1) * d * sizeof(float));
    out->centers = seg__malloc((size_t)(o.k > 0 ? o.k : 1) * 3 * sizeof(float));
    out->centers_bgr = seg__malloc((size_t)(o.k > 0 ? o.k : 1) * 3);
    out->counts = seg__calloc((size_t)(o.k > 0 ? o.k : 1), sizeof(int64_t));
    int32_t *labels = seg__malloc(n * sizeof(int32_t));
    if (!centers || !out->centers || !out->centers_bgr || !out->counts || !labels) {
        seg__free(centers);
        seg__free(labels);
        st = seg__fail(SEG_ENOMEM, "segment kmeans: out of memory");
        goto fail;
    }
    st = seg_kmeans(pts, (int)n, d, 0, o.k, &o.criteria, o.attempts, o.flags, o.seed, labels,
                    centers, &out->compactness);
    if (!st) {
        out->k = o.k;
        for (int c = 0; c < o.k; c++)
            memcpy(out->centers + 3 * c, centers + (size_t)c * d, 3 * sizeof(float));
        for (int y = 0; y < h; y++)
            memcpy(seg__row(&out->labels, y), labels + (size_t)y * w, (size_t)w * sizeof(int32_t));
        for (size_t i = 0; i < n; i++)
            out->counts[labels[i]]++;
    }
    seg__free(centers);
    seg__free(labels);
    if (st)
        goto fail;
    /* centres back to BGR: round to u8 in the colour space, convert a k x 1 image */
    if ((st = seg_image_alloc(&small, 1, o.k, 3, SEG_U8)))
        goto fail;
    for (int c = 0; c < o.k; c++)
        for (int j = 0; j < 3; j++) {
            float v = nearbyintf(out->centers[3 * c + j]);
            ((uint8_t *)seg__row(&small, c))[j] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    const seg_image *back = &small;
    if (from_space[o.color_space] >= 0) {
        if ((st = seg_cvt_color(&small, &small_bgr, from_space[o.color_space])))
            goto fail;
        back = &small_bgr;
    }
    for (int c = 0; c < o.k; c++)
        memcpy(out->centers_bgr + 3 * c, seg__row(back, c), 3);
    for (int y = 0; y < h; y++) {
        const int32_t *lab = seg__row(&out->labels, y);
        uint8_t *dst = seg__row(&out->segmented, y);
        for (int x = 0; x < w; x++)
            memcpy(dst + 3 * x, out->centers_bgr + 3 * lab[x], 3);
    }
    seg_image_free(&conv);
    seg_image_free(&small);
    seg_image_free(&small_bgr);
    seg__free(pts);
    return SEG_OK;
fail:
    seg_image_free(&conv);
    seg_image_free(&small);
    seg_image_free(&small_bgr);
    seg__free(pts);
    seg_kmseg_result_free(out);
    return st;
}
