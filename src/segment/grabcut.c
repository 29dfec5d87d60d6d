/* GrabCut as cv2.grabCut (see include/segkit/grabcut.h for the contract).
 *
 * Per run: beta and the n-link weights once; per iteration: component assignment, GMM
 * learning, t-links and the grid graph, max-flow, mask update. The per-pixel passes run
 * through seg__parallel_for with per-piece statistics merged in piece order (and the
 * statistics are integer-exact, so merging order does not matter anyway). The graph only
 * covers the bounding box of the probable pixels: sure pixels never change side (lambda
 * 450 exceeds the 341.4 of their eight n-links), so their n-links become t-links of their
 * probable neighbours and they drop out of the max-flow. */
#include "internal.h"
#include "gmm.h"
#include "kmeans_internal.h"
#include "maxflow.h"

#include <float.h>
#include <math.h>
#include <string.h>

#define GC_GAMMA 50.0
#define GC_LAMBDA (9 * GC_GAMMA)
#define GC_LOG_ZERO 1e4f /* -log(0): a colour the model cannot produce */

struct seg_grabcut {
    double bgd[SEG_GC_MODEL_SIZE], fgd[SEG_GC_MODEL_SIZE];
    uint64_t rng; /* cv::RNG state, continued across runs like cv2's theRNG() */
};

int seg_grabcut_create(seg_grabcut **out, uint64_t seed)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "grabcut: out is NULL");
    *out = NULL;
    seg_grabcut *gc = seg__calloc(1, sizeof(*gc));
    if (!gc)
        return seg__fail(SEG_ENOMEM, "grabcut: out of memory");
    gc->rng = seed ? seed : 0xffffffffu;
    *out = gc;
    return SEG_OK;
}

void seg_grabcut_destroy(seg_grabcut **gc)
{
    if (!gc || !*gc)
        return;
    seg__free(*gc);
    *gc = NULL;
}

int seg_grabcut_get_models(const seg_grabcut *gc, double *bgd, double *fgd)
{
    seg__clear_error();
    if (!gc)
        return seg__fail(SEG_EINVAL, "grabcut: session is NULL");
    if (bgd)
        memcpy(bgd, gc->bgd, sizeof(gc->bgd));
    if (fgd)
        memcpy(fgd, gc->fgd, sizeof(gc->fgd));
    return SEG_OK;
}

int seg_grabcut_set_models(seg_grabcut *gc, const double *bgd, const double *fgd)
{
    seg__clear_error();
    if (!gc || !bgd || !fgd)
        return seg__fail(SEG_EINVAL, "grabcut: session and models must not be NULL");
    seg__gmm g;
    int st = seg__gmm_load(&g, bgd, "grabcut: bgdModel");
    if (!st)
        st = seg__gmm_load(&g, fgd, "grabcut: fgdModel");
    if (st)
        return st;
    memcpy(gc->bgd, bgd, sizeof(gc->bgd));
    memcpy(gc->fgd, fgd, sizeof(gc->fgd));
    return SEG_OK;
}

/* ---- per-run state ---------------------------------------------------------------- */

typedef struct gc_run {
    const seg_image *img;
    seg_image *mask;
    int w, h;
    seg__gmm bg, fg;
    double beta;
    float *nw;          /* 4 per pixel: left, upleft, up, upright (cv2's leftW ... uprightW) */
    uint8_t *comp;      /* component per pixel */
    int64_t grain, pieces;
    seg__gmm_acc *acc;  /* per piece: [2 * p] background, [2 * p + 1] foreground */
    int64_t *isum;      /* per piece integer sums (beta) */
    int bx, by;         /* graph origin (bounding box of probable pixels) */
    seg__gridflow g;    /* kept across the iterations of a run (flow reuse) */
    int has_graph, first;
    float *tnet;        /* per graph node: the net t-link of the current graph */
} gc_run;

static inline const uint8_t *px(const gc_run *r, int x, int y)
{
    return (const uint8_t *)seg__row(r->img, y) + 3 * x;
}

static inline uint8_t *mk(const gc_run *r, int x, int y)
{
    return (uint8_t *)seg__row(r->mask, y) + x;
}

static inline int is_bgd(uint8_t m)
{
    return m == SEG_GC_BGD || m == SEG_GC_PR_BGD;
}

static inline int d2(const uint8_t *a, const uint8_t *b)
{
    int d0 = a[0] - b[0], d1 = a[1] - b[1], e2 = a[2] - b[2];
    return d0 * d0 + d1 * d1 + e2 * e2;
}

static void beta_rows(void *vctx, int64_t b, int64_t e)
{
    gc_run *r = vctx;
    int64_t s = 0;
    for (int y = (int)b; y < e; y++)
        for (int x = 0; x < r->w; x++) {
            const uint8_t *c = px(r, x, y);
            if (x > 0)
                s += d2(c, px(r, x - 1, y));
            if (y > 0 && x > 0)
                s += d2(c, px(r, x - 1, y - 1));
            if (y > 0)
                s += d2(c, px(r, x, y - 1));
            if (y > 0 && x < r->w - 1)
                s += d2(c, px(r, x + 1, y - 1));
        }
    r->isum[b / r->grain] = s;
}

static void nweight_rows(void *vctx, int64_t b, int64_t e)
{
    gc_run *r = vctx;
    const double gamma_diag = GC_GAMMA / (double)sqrtf(2.0f); /* cv2: gamma / std::sqrt(2.0f) */
    for (int y = (int)b; y < e; y++)
        for (int x = 0; x < r->w; x++) {
            const uint8_t *c = px(r, x, y);
            float *w = r->nw + ((size_t)y * r->w + x) * 4;
            w[0] = x > 0 ? (float)(GC_GAMMA * exp(-r->beta * d2(c, px(r, x - 1, y)))) : 0.f;
            w[1] = x > 0 && y > 0 ? (float)(gamma_diag * exp(-r->beta * d2(c, px(r, x - 1, y - 1))))
                                  : 0.f;
            w[2] = y > 0 ? (float)(GC_GAMMA * exp(-r->beta * d2(c, px(r, x, y - 1)))) : 0.f;
            w[3] = x < r->w - 1 && y > 0
                       ? (float)(gamma_diag * exp(-r->beta * d2(c, px(r, x + 1, y - 1))))
                       : 0.f;
        }
}

static void assign_rows(void *vctx, int64_t b, int64_t e)
{
    gc_run *r = vctx;
    for (int y = (int)b; y < e; y++)
        for (int x = 0; x < r->w; x++) {
            const uint8_t *c = px(r, x, y);
            double col[3] = {c[0], c[1], c[2]};
            r->comp[(size_t)y * r->w + x] =
                (uint8_t)seg__gmm_which(is_bgd(*mk(r, x, y)) ? &r->bg : &r->fg, col);
        }
}

static void learn_rows(void *vctx, int64_t b, int64_t e)
{
    gc_run *r = vctx;
    seg__gmm_acc *acc = r->acc + 2 * (b / r->grain);
    memset(acc, 0, 2 * sizeof(*acc));
    for (int y = (int)b; y < e; y++)
        for (int x = 0; x < r->w; x++) {
            const uint8_t *c = px(r, x, y);
            double col[3] = {c[0], c[1], c[2]};
            seg__gmm_acc_add(acc + !is_bgd(*mk(r, x, y)), r->comp[(size_t)y * r->w + x], col);
        }
}

/* Weight of the edge between (x, y) and its neighbour in direction d (both inside). */
static inline float edge_weight(const gc_run *r, int x, int y, int d)
{
    size_t w = (size_t)r->w, p = (size_t)y * w + x;
    switch (d) {
    case 0: return r->nw[(p + 1) * 4 + 0];     /* E: left weight of the right pixel */
    case 1: return r->nw[p * 4 + 0];           /* W */
    case 2: return r->nw[(p + w) * 4 + 2];     /* S: up weight of the pixel below */
    case 3: return r->nw[p * 4 + 2];           /* N */
    case 4: return r->nw[(p + w + 1) * 4 + 1]; /* SE: upleft weight of the pixel below-right */
    case 5: return r->nw[p * 4 + 1];           /* NW */
    case 6: return r->nw[(p + w - 1) * 4 + 3]; /* SW: upright weight of the pixel below-left */
    default: return r->nw[p * 4 + 3];          /* NE */
    }
}

static inline float neg_log(double p)
{
    return p > 0 ? (float)-log(p) : GC_LOG_ZERO;
}

/* Graph rows [b, e) (graph coordinates). On the first cut of a run (r->first) the arcs
 * between probable pixels are set and tr gets the net t-link (source - sink: the GMM
 * terms plus the n-links to sure neighbours); later cuts keep the residual graph of the
 * previous max-flow and only add the change of each net t-link, which leaves a valid
 * flow of the new graph (only t-links change between iterations; the probable pixels
 * and the n-links stay the same within a run), so the max-flow restarts from it. */
static void graph_rows(void *vctx, int64_t b, int64_t e)
{
    gc_run *r = vctx;
    seg__gridflow *g = &r->g;
    for (int gy = (int)b; gy < e; gy++)
        for (int gx = 0; gx < g->w; gx++) {
            int x = gx + r->bx, y = gy + r->by;
            int64_t v = seg__gridflow_node(g, gx, gy);
            float *cap = g->cap + v * 8;
            uint8_t m = *mk(r, x, y);
            if (m == SEG_GC_BGD || m == SEG_GC_FGD) {
                if (r->first) {
                    memset(cap, 0, 8 * sizeof(float));
                    g->tr[v] = r->tnet[v] = 0;
                }
                continue;
            }
            const uint8_t *c = px(r, x, y);
            double col[3] = {c[0], c[1], c[2]};
            float source = neg_log(seg__gmm_prob(&r->bg, col));
            float sink = neg_log(seg__gmm_prob(&r->fg, col));
            for (int d = 0; d < 8; d++) {
                int x2 = x + seg__grid_dx[d], y2 = y + seg__grid_dy[d];
                if (r->first)
                    cap[d] = 0;
                if (x2 < 0 || y2 < 0 || x2 >= r->w || y2 >= r->h)
                    continue;
                uint8_t m2 = *mk(r, x2, y2);
                if (m2 == SEG_GC_BGD)
                    sink += edge_weight(r, x, y, d); /* cut when this pixel is foreground */
                else if (m2 == SEG_GC_FGD)
                    source += edge_weight(r, x, y, d);
                else if (r->first)
                    cap[d] = edge_weight(r, x, y, d);
            }
            float net = source - sink;
            g->tr[v] = r->first ? net : g->tr[v] + (net - r->tnet[v]);
            r->tnet[v] = net;
        }
}

static int check_mask_values(const gc_run *r)
{
    for (int y = 0; y < r->h; y++)
        for (int x = 0; x < r->w; x++)
            if (*mk(r, x, y) > SEG_GC_PR_FGD)
                return seg__fail(SEG_EINVAL, "grabcut: mask value %d at (%d, %d) is not one of "
                                 "GC_BGD 0, GC_FGD 1, GC_PR_BGD 2, GC_PR_FGD 3",
                                 *mk(r, x, y), x, y);
    return SEG_OK;
}

/* cv2's initGMMs: k-means++ (10 iterations) on each class's colours, then learn. */
static int init_gmms(gc_run *r, uint64_t *rng)
{
    size_t n = (size_t)r->w * r->h;
    float *samples = seg__malloc(n * 3 * sizeof(float));
    int32_t *labels = seg__malloc(n * sizeof(int32_t));
    int st = SEG_OK;
    if (!samples || !labels) {
        st = seg__fail(SEG_ENOMEM, "grabcut: out of memory");
        goto done;
    }
    seg__gmm *models[2] = {&r->bg, &r->fg};
    const seg_term_criteria crit = {SEG_TERM_MAX_ITER, 10, 0.0};
    for (int cls = 0; cls < 2; cls++) {
        int64_t count = 0;
        for (int y = 0; y < r->h; y++)
            for (int x = 0; x < r->w; x++)
                if (is_bgd(*mk(r, x, y)) == (cls == 0)) {
                    const uint8_t *c = px(r, x, y);
                    samples[count * 3] = c[0];
                    samples[count * 3 + 1] = c[1];
                    samples[count * 3 + 2] = c[2];
                    count++;
                }
        if (count == 0) {
            st = seg__fail(SEG_EINVAL, "grabcut: the mask has no %s pixels to learn from",
                           cls ? "foreground (GC_FGD / GC_PR_FGD)" : "background (GC_BGD / GC_PR_BGD)");
            goto done;
        }
        int k = count < SEG_GMM_K ? (int)count : SEG_GMM_K;
        float centers[SEG_GMM_K * 3];
        st = seg__kmeans_rng(samples, (int)count, 3, 0, k, &crit, 0, SEG_KMEANS_PP_CENTERS, rng,
                             labels, centers, NULL);
        if (st)
            goto done;
        seg__gmm_acc acc;
        memset(&acc, 0, sizeof(acc));
        for (int64_t i = 0; i < count; i++) {
            double col[3] = {samples[i * 3], samples[i * 3 + 1], samples[i * 3 + 2]};
            seg__gmm_acc_add(&acc, labels[i], col);
        }
        if ((st = seg__gmm_learn(models[cls], &acc, "grabcut")))
            goto done;
    }
done:
    seg__free(samples);
    seg__free(labels);
    return st;
}

static int learn(gc_run *r)
{
    seg__parallel_for(r->h, r->grain, learn_rows, r);
    seg__gmm_acc acc[2];
    memset(acc, 0, sizeof(acc));
    for (int64_t p = 0; p < r->pieces; p++) {
        seg__gmm_acc_merge(&acc[0], &r->acc[2 * p]);
        seg__gmm_acc_merge(&acc[1], &r->acc[2 * p + 1]);
    }
    int st = seg__gmm_learn(&r->bg, &acc[0], "grabcut");
    return st ? st : seg__gmm_learn(&r->fg, &acc[1], "grabcut");
}

/* One graph cut over the probable pixels' bounding box; updates the mask. */
static int cut(gc_run *r)
{
    r->first = !r->has_graph;
    if (r->first) {
        int x0 = r->w, y0 = r->h, x1 = -1, y1 = -1;
        for (int y = 0; y < r->h; y++)
            for (int x = 0; x < r->w; x++)
                if (*mk(r, x, y) >= SEG_GC_PR_BGD) {
                    x0 = SEG_MIN(x0, x);
                    x1 = SEG_MAX(x1, x);
                    y0 = SEG_MIN(y0, y);
                    y1 = SEG_MAX(y1, y);
                }
        if (x1 < 0)
            return SEG_OK; /* nothing probable: nothing to decide */
        int st = seg__gridflow_init(&r->g, x1 - x0 + 1, y1 - y0 + 1);
        if (st)
            return st;
        r->has_graph = 1;
        r->tnet = seg__malloc((size_t)r->g.nodes * sizeof(float));
        if (!r->tnet)
            return seg__fail(SEG_ENOMEM, "grabcut: out of memory");
        r->bx = x0;
        r->by = y0;
    }
    seg__gridflow *g = &r->g;
    seg__parallel_for(g->h, seg__grain(g->h, 8), graph_rows, r);
    int st = seg__gridflow_maxflow(g);
    if (st)
        return st;
    for (int gy = 0; gy < g->h; gy++)
        for (int gx = 0; gx < g->w; gx++) {
            uint8_t *m = mk(r, gx + r->bx, gy + r->by);
            if (*m >= SEG_GC_PR_BGD)
                *m = seg__gridflow_is_source(g, gx, gy) ? SEG_GC_PR_FGD : SEG_GC_PR_BGD;
        }
    return SEG_OK;
}

static int check_inputs(const seg_image *img, seg_image *mask, int mode)
{
    int st = seg__check_input(img, SEG_TYPES(SEG_U8), 1u << 3, "grabcut: image");
    if (st)
        return st;
    if (!mask)
        return seg__fail(SEG_EINVAL, "grabcut: mask is NULL");
    if (mode < SEG_GC_INIT_WITH_RECT || mode > SEG_GC_EVAL_FREEZE_MODEL)
        return seg__fail(SEG_EINVAL, "grabcut: unknown mode %d (GC_INIT_WITH_RECT 0, "
                         "GC_INIT_WITH_MASK 1, GC_EVAL 2, GC_EVAL_FREEZE_MODEL 3)", mode);
    if (mode == SEG_GC_INIT_WITH_RECT)
        return seg__image_prepare(mask, img->width, img->height, 1, SEG_U8, "grabcut: mask");
    st = seg__check_input(mask, SEG_TYPES(SEG_U8), 1u << 1, "grabcut: mask");
    if (st)
        return st;
    if (mask->width != img->width || mask->height != img->height)
        return seg__fail(SEG_ESIZE, "grabcut: mask is %dx%d but the image is %dx%d", mask->width,
                         mask->height, img->width, img->height);
    return SEG_OK;
}

int seg_grabcut_run(seg_grabcut *gc, const seg_image *img, seg_image *mask, seg_rect rect,
                    int iter_count, int mode)
{
    seg__clear_error();
    if (!gc)
        return seg__fail(SEG_EINVAL, "grabcut: session is NULL");
    int st = check_inputs(img, mask, mode);
    if (st)
        return st;
    gc_run r = {.img = img, .mask = mask, .w = img->width, .h = img->height};
    if ((st = seg__gmm_load(&r.bg, gc->bgd, "grabcut: bgdModel")) ||
        (st = seg__gmm_load(&r.fg, gc->fgd, "grabcut: fgdModel")))
        return st;
    uint64_t rng = gc->rng;

    if (mode == SEG_GC_INIT_WITH_RECT) {
        /* cv2's initMaskWithRect: clip to the image */
        int64_t x0 = SEG_MAX(0, rect.x), y0 = SEG_MAX(0, rect.y);
        int64_t x1 = SEG_MIN((int64_t)rect.x + rect.width, r.w);
        int64_t y1 = SEG_MIN((int64_t)rect.y + rect.height, r.h);
        if (x1 <= x0 || y1 <= y0)
            return seg__fail(SEG_EINVAL, "grabcut: rect (%d, %d, %d, %d) does not overlap the "
                             "%dx%d image", rect.x, rect.y, rect.width, rect.height, r.w, r.h);
        for (int y = 0; y < r.h; y++) {
            uint8_t *m = mk(&r, 0, y);
            memset(m, SEG_GC_BGD, (size_t)r.w);
            if (y >= y0 && y < y1)
                memset(m + x0, SEG_GC_PR_FGD, (size_t)(x1 - x0));
        }
    } else if ((st = check_mask_values(&r))) {
        return st;
    }
    if (mode == SEG_GC_INIT_WITH_RECT || mode == SEG_GC_INIT_WITH_MASK)
        if ((st = init_gmms(&r, &rng)))
            return st;
    if (iter_count > 0) {
        if (mode == SEG_GC_EVAL_FREEZE_MODEL)
            iter_count = 1;
        size_t n = (size_t)r.w * r.h;
        r.grain = seg__grain(r.h, 4);
        r.pieces = (r.h + r.grain - 1) / r.grain;
        r.nw = seg__malloc(n * 4 * sizeof(float));
        r.comp = seg__malloc(n);
        r.acc = seg__malloc((size_t)r.pieces * 2 * sizeof(seg__gmm_acc));
        r.isum = seg__malloc((size_t)r.pieces * sizeof(int64_t));
        if (!r.nw || !r.comp || !r.acc || !r.isum) {
            st = seg__fail(SEG_ENOMEM, "grabcut: out of memory");
            goto done;
        }
        seg__parallel_for(r.h, r.grain, beta_rows, &r);
        double beta = 0;
        for (int64_t p = 0; p < r.pieces; p++)
            beta += (double)r.isum[p];
        int64_t pairs = 4 * (int64_t)r.w * r.h - 3 * (int64_t)r.w - 3 * (int64_t)r.h + 2;
        r.beta = beta <= DBL_EPSILON ? 0 : 1.f / (2 * beta / (double)pairs);
        seg__parallel_for(r.h, r.grain, nweight_rows, &r);
        for (int it = 0; it < iter_count && !st; it++) {
            seg__parallel_for(r.h, r.grain, assign_rows, &r);
            if (mode != SEG_GC_EVAL_FREEZE_MODEL && (st = learn(&r)))
                break;
            st = cut(&r);
        }
    }
done:
    seg__free(r.nw);
    seg__free(r.comp);
    seg__free(r.acc);
    seg__free(r.isum);
    seg__free(r.tnet);
    if (r.has_graph)
        seg__gridflow_free(&r.g);
    if (!st) {
        memcpy(gc->bgd, r.bg.model, sizeof(gc->bgd));
        memcpy(gc->fgd, r.fg.model, sizeof(gc->fgd));
        gc->rng = rng;
    }
    return st;
}

int seg_grab_cut(const seg_image *img, seg_image *mask, seg_rect rect, double *bgd_model,
                 double *fgd_model, int iter_count, int mode, uint64_t seed)
{
    seg__clear_error();
    if (!bgd_model || !fgd_model)
        return seg__fail(SEG_EINVAL, "grabcut: bgd_model and fgd_model must not be NULL");
    seg_grabcut *gc;
    int st = seg_grabcut_create(&gc, seed);
    if (st)
        return st;
    st = seg_grabcut_set_models(gc, bgd_model, fgd_model);
    if (!st)
        st = seg_grabcut_run(gc, img, mask, rect, iter_count, mode);
    if (!st)
        seg_grabcut_get_models(gc, bgd_model, fgd_model);
    seg_grabcut_destroy(&gc);
    return st;
}
