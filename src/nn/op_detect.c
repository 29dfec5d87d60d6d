/* Detection operators: TopK, NonMaxSuppression, RoiAlign (ONNX semantics, float32).
 *
 * TopK orders ties by the lower index first, as ONNX Runtime and torch.topk do.
 * NonMaxSuppression follows ONNX Runtime: per batch and class, candidates above
 * score_threshold (strictly) in descending score (ties: lower box index first), a box
 * suppressed when its IoU with a kept one is strictly above iou_threshold, boxes of zero
 * area never suppress; the output lists batch, class, then selection order, which is
 * torchvision's descending-score order for its single-class batched NMS.
 * RoiAlign is Caffe2's / torchvision's roi_align (bilinear samples averaged, or their
 * maximum). coordinate_transformation_mode decides the half-pixel offset; opsets below
 * 16 have no such attribute and behave as output_half_pixel. PyTorch 1.x exporters at
 * opset >= 16 omit the attribute although torchvision's roi_align(aligned=False) means
 * output_half_pixel (ONNX's default there is half_pixel): for files whose producer is
 * "pytorch" version 1.*, a missing attribute reads as output_half_pixel. */
#include "nn/ops.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- TopK ---- */

typedef struct vi {
    double v;
    int64_t i;
} vi;

static int cmp_largest(const void *pa, const void *pb)
{
    const vi *a = pa, *b = pb;
    if (a->v != b->v)
        return a->v > b->v ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

static int cmp_smallest(const void *pa, const void *pb)
{
    const vi *a = pa, *b = pb;
    if (a->v != b->v)
        return a->v < b->v ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

static int run_topk(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a || (a->dtype != ONNX_FLOAT && a->dtype != ONNX_INT64 && a->dtype != ONNX_INT32))
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "needs a float32, int64 or int32 input");
    int64_t k;
    if (n->opset < 10) {
        k = seg__nn_attr_int(n, "k", -1);
    } else {
        const nn_tensor *kt = seg__nn_in(x, n, 1);
        if (!kt || kt->numel != 1 || (kt->dtype != ONNX_INT64 && kt->dtype != ONNX_INT32))
            return seg__nn_fail(n, SEG_EFORMAT, "K must be one int64 value");
        int rc = seg__nn_read_ints(n, kt, &k, 1);
        if (rc < 0)
            return rc;
    }
    int64_t axis = seg__nn_attr_int(n, "axis", -1);
    if (axis < 0)
        axis += a->ndim;
    if (axis < 0 || axis >= a->ndim)
        return seg__nn_fail(n, SEG_EFORMAT, "axis out of range");
    int64_t len = a->dims[axis];
    if (k < 0 || k > len)
        return seg__nn_fail(n, SEG_ESIZE, "K=%lld with %lld elements along the axis",
                            (long long)k, (long long)len);
    bool largest = seg__nn_attr_int(n, "largest", 1) != 0;
    int64_t dims[NN_MAX_RANK], outer = 1, inner = 1;
    memcpy(dims, a->dims, sizeof(int64_t) * (size_t)a->ndim);
    dims[axis] = k;
    for (int i = 0; i < axis; i++)
        outer *= a->dims[i];
    for (int i = (int)axis + 1; i < a->ndim; i++)
        inner *= a->dims[i];
    nn_tensor *ov = seg__nn_out(x, n, 0, a->dtype, a->ndim, dims);
    nn_tensor *oi = ov ? seg__nn_out(x, n, 1, ONNX_INT64, a->ndim, dims) : NULL;
    if (!ov || !oi)
        return SEG_ENOMEM;
    vi *buf = malloc(sizeof(vi) * (size_t)(len ? len : 1));
    if (!buf)
        return seg__nn_fail(n, SEG_ENOMEM, "out of memory");
    size_t es = seg__onnx_dtype_size(a->dtype);
    for (int64_t r = 0; r < outer; r++)
        for (int64_t c = 0; c < inner; c++) {
            for (int64_t i = 0; i < len; i++) {
                buf[i].v = seg__nn_get_f(a, (r * len + i) * inner + c);
                buf[i].i = i;
            }
            /* all orders put ties lower-index first, so `sorted=0` may use this too */
            qsort(buf, (size_t)len, sizeof(vi), largest ? cmp_largest : cmp_smallest);
            for (int64_t j = 0; j < k; j++) {
                int64_t o = (r * k + j) * inner + c;
                memcpy((char *)ov->data + (size_t)o * es,
                       (const char *)a->data + (size_t)((r * len + buf[j].i) * inner + c) * es, es);
                ((int64_t *)oi->data)[o] = buf[j].i;
            }
        }
    free(buf);
    return SEG_OK;
}

/* ---- NonMaxSuppression ---- */

typedef struct nbox {
    float x1, y1, x2, y2, area;
} nbox;

static float minf(float a, float b) { return a < b ? a : b; }
static float maxf(float a, float b) { return a > b ? a : b; }

static nbox box_at(const float *b, bool center)
{
    nbox r;
    if (center) { /* [x_center, y_center, width, height] */
        r.x1 = b[0] - b[2] / 2, r.x2 = b[0] + b[2] / 2;
        r.y1 = b[1] - b[3] / 2, r.y2 = b[1] + b[3] / 2;
    } else { /* [y1, x1, y2, x2], either corner first */
        r.y1 = minf(b[0], b[2]), r.y2 = maxf(b[0], b[2]);
        r.x1 = minf(b[1], b[3]), r.x2 = maxf(b[1], b[3]);
    }
    r.area = (r.x2 - r.x1) * (r.y2 - r.y1);
    return r;
}

static bool suppresses(const nbox *a, const nbox *b, float thr)
{
    if (!(a->area > 0) || !(b->area > 0))
        return false;
    float iw = minf(a->x2, b->x2) - maxf(a->x1, b->x1);
    float ih = minf(a->y2, b->y2) - maxf(a->y1, b->y1);
    if (!(iw > 0) || !(ih > 0))
        return false;
    float inter = iw * ih, uni = a->area + b->area - inter;
    return uni > 0 && inter / uni > thr;
}

/* Kept boxes bucketed by x1, so a candidate only meets those that can overlap it in x:
 * a kept box overlapping [x1, x2] has its x1 in [x1 - max_width, x2]. torchvision's
 * class-offset trick puts each class in its own region, so this is per-class work. */
typedef struct kept_index {
    nbox *box;
    int64_t n;
    float lo, bw, maxw;
    int nb;
    int64_t **items, *len, *cap;
    bool brute; /* non-finite coordinates: compare with everything */
} kept_index;

static int64_t bucket_of(const kept_index *k, float x)
{
    float b = (x - k->lo) / k->bw;
    return b <= 0 ? 0 : b >= (float)(k->nb - 1) ? k->nb - 1 : (int64_t)b;
}

static bool kept_hit(const kept_index *k, const nbox *c, float thr)
{
    if (k->brute) {
        for (int64_t q = 0; q < k->n; q++)
            if (suppresses(&k->box[q], c, thr))
                return true;
        return false;
    }
    int64_t b0 = bucket_of(k, c->x1 - k->maxw), b1 = bucket_of(k, c->x2);
    for (int64_t b = b0; b <= b1; b++)
        for (int64_t q = 0; q < k->len[b]; q++)
            if (suppresses(&k->box[k->items[b][q]], c, thr))
                return true;
    return false;
}

static int kept_add(kept_index *k, const nbox *c)
{
    k->box[k->n] = *c;
    if (!k->brute) {
        int64_t b = bucket_of(k, c->x1);
        if (k->len[b] == k->cap[b]) {
            int64_t cap = k->cap[b] ? 2 * k->cap[b] : 8;
            int64_t *p = realloc(k->items[b], sizeof(int64_t) * (size_t)cap);
            if (!p)
                return SEG_ENOMEM;
            k->items[b] = p;
            k->cap[b] = cap;
        }
        k->items[b][k->len[b]++] = k->n;
    }
    k->n++;
    return SEG_OK;
}

static void kept_reset(kept_index *k, const float *bx, int64_t N, bool center)
{
    for (int b = 0; b < k->nb; b++)
        k->len[b] = 0;
    k->n = 0;
    float lo = INFINITY, hi = -INFINITY, maxw = 0;
    k->brute = false;
    for (int64_t i = 0; i < N; i++) {
        nbox r = box_at(bx + 4 * i, center);
        if (!isfinite(r.x1) || !isfinite(r.x2) || !isfinite(r.y1) || !isfinite(r.y2))
            k->brute = true;
        lo = minf(lo, r.x1);
        hi = maxf(hi, r.x1);
        maxw = maxf(maxw, r.x2 - r.x1);
    }
    k->lo = lo;
    k->maxw = maxw;
    k->bw = maxf(maxw, (hi - lo) / (float)k->nb);
    if (!(k->bw > 0) || !isfinite(k->bw))
        k->bw = 1.0f;
}

static int run_nms(nn_exec *x, nn_node *n)
{
    const nn_tensor *boxes = seg__nn_in(x, n, 0), *scores = seg__nn_in(x, n, 1);
    const nn_tensor *tmax = seg__nn_in(x, n, 2), *tiou = seg__nn_in(x, n, 3);
    const nn_tensor *tscore = seg__nn_in(x, n, 4);
    if (!boxes || !scores || boxes->dtype != ONNX_FLOAT || scores->dtype != ONNX_FLOAT ||
        boxes->ndim != 3 || boxes->dims[2] != 4 || scores->ndim != 3 ||
        scores->dims[0] != boxes->dims[0] || scores->dims[2] != boxes->dims[1])
        return seg__nn_fail(n, SEG_EFORMAT,
                            "needs float32 boxes [B,N,4] and scores [B,C,N] of matching sizes");
    int64_t max_out = 0;
    if (tmax && tmax->numel) {
        if (tmax->numel != 1 || seg__nn_read_ints(n, tmax, &max_out, 1) != 1)
            return seg__nn_fail(n, SEG_EFORMAT, "max_output_boxes_per_class must be one integer");
    }
    float iou_thr = tiou && tiou->numel ? (float)seg__nn_get_f(tiou, 0) : 0.0f;
    bool has_score = tscore && tscore->numel;
    float score_thr = has_score ? (float)seg__nn_get_f(tscore, 0) : 0.0f;
    bool center = seg__nn_attr_int(n, "center_point_box", 0) != 0;
    int64_t B = boxes->dims[0], N = boxes->dims[1], C = scores->dims[1];
    if (max_out < 0)
        max_out = 0;
    if (max_out > N)
        max_out = N;
    kept_index k = {.nb = (int)SEG_MIN(SEG_MAX(N / 8, 1), 4096)};
    vi *cand = malloc(sizeof(vi) * (size_t)(N ? N : 1));
    k.box = malloc(sizeof(nbox) * (size_t)(N ? N : 1));
    k.items = calloc((size_t)k.nb, sizeof(int64_t *));
    k.len = calloc((size_t)k.nb, sizeof(int64_t));
    k.cap = calloc((size_t)k.nb, sizeof(int64_t));
    int64_t *sel = NULL, nsel = 0, cap = 0;
    int rc = SEG_OK;
    if (!cand || !k.box || !k.items || !k.len || !k.cap)
        rc = seg__nn_fail(n, SEG_ENOMEM, "out of memory");
    for (int64_t b = 0; b < B && !rc; b++) {
        const float *bx = (const float *)boxes->data + b * N * 4;
        for (int64_t c = 0; c < C && !rc && max_out; c++) {
            const float *sc = (const float *)scores->data + (b * C + c) * N;
            kept_reset(&k, bx, N, center);
            int64_t nc = 0;
            for (int64_t i = 0; i < N; i++)
                if (!has_score || sc[i] > score_thr)
                    cand[nc].v = sc[i], cand[nc++].i = i;
            qsort(cand, (size_t)nc, sizeof(vi), cmp_largest);
            for (int64_t j = 0; j < nc && k.n < max_out; j++) {
                nbox cb = box_at(bx + cand[j].i * 4, center);
                if (kept_hit(&k, &cb, iou_thr))
                    continue;
                if (kept_add(&k, &cb)) {
                    rc = seg__nn_fail(n, SEG_ENOMEM, "out of memory");
                    break;
                }
                if (nsel == cap) {
                    cap = cap ? 2 * cap : 64;
                    int64_t *p = realloc(sel, sizeof(int64_t) * 3 * (size_t)cap);
                    if (!p) {
                        rc = seg__nn_fail(n, SEG_ENOMEM, "out of memory");
                        break;
                    }
                    sel = p;
                }
                sel[3 * nsel] = b, sel[3 * nsel + 1] = c, sel[3 * nsel + 2] = cand[j].i;
                nsel++;
            }
        }
    }
    if (!rc) {
        int64_t dims[2] = {nsel, 3};
        nn_tensor *o = seg__nn_out(x, n, 0, ONNX_INT64, 2, dims);
        if (!o)
            rc = SEG_ENOMEM;
        else if (nsel)
            memcpy(o->data, sel, sizeof(int64_t) * 3 * (size_t)nsel);
    }
    for (int i = 0; k.items && i < k.nb; i++)
        free(k.items[i]);
    free(k.items);
    free(k.len);
    free(k.cap);
    free(k.box);
    free(sel);
    free(cand);
    return rc;
}

/* ---- RoiAlign ---- */

typedef struct roi_ctx {
    const float *x, *rois;
    const int64_t *bidx;
    float *out;
    int64_t N, C, H, W, ph, pw;
    int sampling;
    float scale, offset;
    bool max_mode;
    int blk;            /* the input's channel block (0: plain NCHW) */
    _Atomic int failed; /* a piece ran out of memory */
} roi_ctx;

/* One bilinear sample: four offsets into the plane and their weights (Caffe2's rule:
 * none outside [-1, H] x [-1, W]; edges clamped). */
typedef struct sample {
    int32_t o[4];
    float w[4];
} sample;

static bool sample_at(int64_t H, int64_t W, float y, float x, sample *s)
{
    if (y < -1.0f || y > (float)H || x < -1.0f || x > (float)W)
        return false;
    if (y <= 0)
        y = 0;
    if (x <= 0)
        x = 0;
    int64_t y0 = (int64_t)y, x0 = (int64_t)x, y1, x1;
    if (y0 >= H - 1) {
        y1 = y0 = H - 1;
        y = (float)y0;
    } else {
        y1 = y0 + 1;
    }
    if (x0 >= W - 1) {
        x1 = x0 = W - 1;
        x = (float)x0;
    } else {
        x1 = x0 + 1;
    }
    float ly = y - (float)y0, lx = x - (float)x0, hy = 1.0f - ly, hx = 1.0f - lx;
    s->o[0] = (int32_t)(y0 * W + x0), s->o[1] = (int32_t)(y0 * W + x1);
    s->o[2] = (int32_t)(y1 * W + x0), s->o[3] = (int32_t)(y1 * W + x1);
    s->w[0] = hy * hx, s->w[1] = hy * lx, s->w[2] = ly * hx, s->w[3] = ly * lx;
    return true;
}

enum { ROI_CHANNELS = 32 }; /* channels per piece of work (a multiple of 8 and 16) */

/* Channels [c0, c1) of roi r from a blocked input (nChw8c / nChw16c): a block's channels
 * lie together at each pixel, so every sample serves them all at once. Per channel the
 * arithmetic is the plain path's, in the same order: identical results. */
static void roi_blocked(const roi_ctx *c, const sample *smp, int64_t per_bin, float count,
                        int64_t r, int64_t c0, int64_t c1)
{
    const int blk = c->blk;
    int64_t cb_n = (c->C + blk - 1) / blk, hw = c->H * c->W;
    for (int64_t cb = c0 / blk; cb * blk < c1; cb++) {
        const float *p = c->x + (c->bidx[r] * cb_n + cb) * hw * blk;
        int64_t nch = SEG_MIN((int64_t)blk, c->C - cb * blk);
        for (int64_t bin = 0; bin < c->ph * c->pw; bin++) {
            const sample *sb = smp + bin * per_bin;
            float acc[16];
            for (int j = 0; j < blk; j++)
                acc[j] = c->max_mode ? -INFINITY : 0.0f;
            for (int64_t q = 0; q < per_bin; q++) {
                const sample *e = &sb[q];
                const float *p0 = p + (int64_t)e->o[0] * blk, *p1 = p + (int64_t)e->o[1] * blk;
                const float *p2 = p + (int64_t)e->o[2] * blk, *p3 = p + (int64_t)e->o[3] * blk;
                for (int j = 0; j < blk; j++) {
                    float v = e->w[0] * p0[j] + e->w[1] * p1[j] + e->w[2] * p2[j] + e->w[3] * p3[j];
                    acc[j] = c->max_mode ? fmaxf(acc[j], v) : acc[j] + v;
                }
            }
            for (int64_t j = 0; j < nch; j++)
                c->out[(r * c->C + cb * blk + j) * c->ph * c->pw + bin] =
                    c->max_mode ? (per_bin ? acc[j] : 0.0f) : acc[j] / count;
        }
    }
}

static void roi_range(void *vc, int64_t begin, int64_t end)
{
    const roi_ctx *c = vc;
    int64_t cgroups = (c->C + ROI_CHANNELS - 1) / ROI_CHANNELS;
    sample *smp = NULL;
    int64_t smp_cap = 0;
    for (int64_t piece = begin; piece < end; piece++) {
        int64_t r = piece / cgroups, c0 = piece % cgroups * ROI_CHANNELS;
        int64_t c1 = SEG_MIN(c0 + ROI_CHANNELS, c->C);
        const float *roi = c->rois + r * 4;
        float x1 = roi[0] * c->scale - c->offset, y1 = roi[1] * c->scale - c->offset;
        float rw = roi[2] * c->scale - c->offset - x1, rh = roi[3] * c->scale - c->offset - y1;
        if (c->offset == 0.0f) { /* output_half_pixel: at least one pixel, as Caffe2 */
            rw = fmaxf(rw, 1.0f);
            rh = fmaxf(rh, 1.0f);
        }
        float bh = rh / (float)c->ph, bw = rw / (float)c->pw;
        int64_t gh = c->sampling > 0 ? c->sampling : (int64_t)ceilf(rh / (float)c->ph);
        int64_t gw = c->sampling > 0 ? c->sampling : (int64_t)ceilf(rw / (float)c->pw);
        /* half_pixel lets a roi have negative extent: ONNX Runtime's and torchvision's
         * sample loops then run zero times and the bins are zero */
        gh = SEG_MAX(gh, 0);
        gw = SEG_MAX(gw, 0);
        float count = (float)SEG_MAX(gh * gw, 1);
        /* the samples of every bin, shared by the channels */
        int64_t ns = c->ph * c->pw * gh * gw;
        if (ns > smp_cap) {
            free(smp);
            smp_cap = ns;
            smp = malloc(sizeof(sample) * (size_t)ns);
            if (!smp) {
                ((roi_ctx *)vc)->failed = 1;
                return;
            }
        }
        int64_t k = 0;
        for (int64_t py = 0; py < c->ph; py++)
            for (int64_t px = 0; px < c->pw; px++)
                for (int64_t iy = 0; iy < gh; iy++) {
                    float y = y1 + (float)py * bh + ((float)iy + 0.5f) * bh / (float)gh;
                    for (int64_t ix = 0; ix < gw; ix++, k++) {
                        float xx = x1 + (float)px * bw + ((float)ix + 0.5f) * bw / (float)gw;
                        if (!sample_at(c->H, c->W, y, xx, &smp[k]))
                            smp[k] = (sample){{0, 0, 0, 0}, {0, 0, 0, 0}};
                    }
                }
        int64_t per_bin = gh * gw;
        if (per_bin == 0) /* an empty or inverted roi in half_pixel mode: zeros (as set) */
            continue;
        if (c->blk) {
            roi_blocked(c, smp, per_bin, count, r, c0, c1);
            continue;
        }
        for (int64_t ch = c0; ch < c1; ch++) {
            const float *p = c->x + (c->bidx[r] * c->C + ch) * c->H * c->W;
            float *o = c->out + (r * c->C + ch) * c->ph * c->pw;
            for (int64_t bin = 0; bin < c->ph * c->pw; bin++) {
                const sample *sb = smp + bin * per_bin;
                float acc = c->max_mode ? -INFINITY : 0.0f;
                for (int64_t q = 0; q < per_bin; q++) {
                    const sample *e = &sb[q];
                    float v = e->w[0] * p[e->o[0]] + e->w[1] * p[e->o[1]] +
                              e->w[2] * p[e->o[2]] + e->w[3] * p[e->o[3]];
                    acc = c->max_mode ? fmaxf(acc, v) : acc + v;
                }
                o[bin] = c->max_mode ? (per_bin ? acc : 0.0f) : acc / count;
            }
        }
    }
    free(smp);
}

/* Bilinear samples per channel of one roi (bounded by the caller: an adaptive grid on
 * a huge roi would take forever). */
static int64_t roi_samples(const roi_ctx *c, const float *q)
{
    if (c->sampling > 0)
        return (int64_t)c->sampling * c->sampling * c->ph * c->pw;
    float rw = fmaxf((q[2] - q[0]) * c->scale, 1.0f), rh = fmaxf((q[3] - q[1]) * c->scale, 1.0f);
    double gh = ceil((double)rh / (double)c->ph), gw = ceil((double)rw / (double)c->pw);
    double s = gh * gw * (double)c->ph * (double)c->pw;
    return s > 1e18 ? INT64_MAX : (int64_t)s;
}

/* Whether a RoiAlign node without coordinate_transformation_mode means
 * output_half_pixel: always below opset 16; from PyTorch 1.x exporters (see the top). */
static bool legacy_roi(const nn_node *n)
{
    if (n->opset < 16)
        return true;
    const onnx_model *m = n->model;
    return m && m->producer_name && strcmp(m->producer_name, "pytorch") == 0 &&
           m->producer_version && strncmp(m->producer_version, "1.", 2) == 0;
}

static int run_roi_align(nn_exec *x, nn_node *n)
{
    const nn_tensor *in = seg__nn_in(x, n, 0), *rois = seg__nn_in(x, n, 1);
    const nn_tensor *bi = seg__nn_in(x, n, 2);
    if (!in || !rois || !bi || in->dtype != ONNX_FLOAT || in->ndim != 4 ||
        rois->dtype != ONNX_FLOAT || rois->ndim != 2 || rois->dims[1] != 4 ||
        (bi->dtype != ONNX_INT64 && bi->dtype != ONNX_INT32) || bi->ndim != 1 ||
        bi->dims[0] != rois->dims[0])
        return seg__nn_fail(n, SEG_EFORMAT,
                            "needs float32 X [N,C,H,W], rois [R,4] and batch indices [R]");
    roi_ctx c = {.x = in->data, .rois = rois->data, .N = in->dims[0], .C = in->dims[1],
                 .H = in->dims[2], .W = in->dims[3], .blk = in->blk};
    c.ph = seg__nn_attr_int(n, "output_height", 1);
    c.pw = seg__nn_attr_int(n, "output_width", 1);
    c.sampling = (int)seg__nn_attr_int(n, "sampling_ratio", 0);
    c.scale = seg__nn_attr_float(n, "spatial_scale", 1.0f);
    const char *mode = seg__nn_attr_str(n, "mode", "avg");
    c.max_mode = strcmp(mode, "max") == 0;
    const char *ctm = seg__nn_attr_str(n, "coordinate_transformation_mode", NULL);
    if (!ctm)
        ctm = legacy_roi(n) ? "output_half_pixel" : "half_pixel";
    if (strcmp(ctm, "half_pixel") && strcmp(ctm, "output_half_pixel"))
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "coordinate_transformation_mode '%s'", ctm);
    c.offset = strcmp(ctm, "half_pixel") == 0 ? 0.5f : 0.0f;
    if (c.ph < 1 || c.pw < 1 || c.ph > 4096 || c.pw > 4096 || c.sampling < 0 ||
        c.sampling > 1024 || (!c.max_mode && strcmp(mode, "avg")))
        return seg__nn_fail(n, SEG_EFORMAT, "bad output size, sampling_ratio or mode");
    if (c.H < 1 || c.W < 1 || c.H * c.W > INT32_MAX)
        return seg__nn_fail(n, SEG_ESIZE, "empty or huge feature map");
    int64_t R = rois->dims[0];
    int64_t *bidx = malloc(sizeof(int64_t) * (size_t)(R ? R : 1));
    if (!bidx)
        return seg__nn_fail(n, SEG_ENOMEM, "out of memory");
    for (int64_t r = 0; r < R; r++) {
        int64_t v = bi->dtype == ONNX_INT64 ? ((const int64_t *)bi->data)[r] : ((const int32_t *)bi->data)[r];
        const float *q = (const float *)rois->data + 4 * r;
        if (v < 0 || v >= c.N || !isfinite(q[0]) || !isfinite(q[1]) || !isfinite(q[2]) ||
            !isfinite(q[3]) || fabsf(q[0]) > 1e7f || fabsf(q[1]) > 1e7f || fabsf(q[2]) > 1e7f ||
            fabsf(q[3]) > 1e7f || roi_samples(&c, q) > ((int64_t)1 << 26)) {
            free(bidx);
            return seg__nn_fail(n, SEG_ESIZE, "roi %lld: batch index or coordinates out of range",
                                (long long)r);
        }
        bidx[r] = v;
    }
    c.bidx = bidx;
    int64_t dims[4] = {R, c.C, c.ph, c.pw};
    nn_tensor *o = seg__nn_out(x, n, 0, ONNX_FLOAT, 4, dims);
    if (!o) {
        free(bidx);
        return SEG_ENOMEM;
    }
    c.out = o->data;
    int64_t work = R * ((c.C + ROI_CHANNELS - 1) / ROI_CHANNELS);
    if (o->bytes)
        memset(o->data, 0, o->bytes);
    if (work)
        seg__parallel_for(work, seg__grain(work, 4), roi_range, &c);
    free(bidx);
    return c.failed ? seg__nn_fail(n, SEG_ENOMEM, "out of memory") : SEG_OK;
}

const nn_op seg__nn_detect_ops[] = {
    {"TopK", NULL, run_topk, NULL, false},
    {"NonMaxSuppression", NULL, run_nms, NULL, false},
    {"RoiAlign", NULL, run_roi_align, NULL, true}, /* X plain or blocked */
    {NULL, NULL, NULL, NULL, false},
};
