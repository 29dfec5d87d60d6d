/* Pooling: MaxPool, AveragePool (count_include_pad, ceil_mode), GlobalAveragePool,
 * GlobalMaxPool on NCHW f32, plain or blocked (the output keeps the input's layout). */
#include "nn/layout.h"
#include "nn/ops.h"

#include <float.h>
#include <math.h>
#include <string.h>

typedef struct pool_p {
    int64_t kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
    bool avg, include_pad, global;
    int64_t H, W, OH, OW;
    int64_t blk; /* 0: plain NCHW; 8 or 16: nChw{blk}c in and out */
    const float *in;
    float *out;
} pool_p;

static void pool_planes(void *vc, int64_t b, int64_t e)
{
    const pool_p *p = vc;
    for (int64_t plane = b; plane < e; plane++) {
        const float *src = p->in + plane * p->H * p->W;
        float *dst = p->out + plane * p->OH * p->OW;
        if (p->global) {
            double acc = p->avg ? 0.0 : -INFINITY;
            for (int64_t i = 0; i < p->H * p->W; i++)
                acc = p->avg ? acc + src[i] : (src[i] > acc ? src[i] : acc);
            dst[0] = (float)(p->avg ? acc / (double)(p->H * p->W) : acc);
            continue;
        }
        for (int64_t oy = 0; oy < p->OH; oy++)
            for (int64_t ox = 0; ox < p->OW; ox++) {
                int64_t y0 = oy * p->sh - p->pt, x0 = ox * p->sw - p->pl;
                float m = -FLT_MAX;
                double sum = 0;
                int64_t cnt = 0;
                for (int64_t ky = 0; ky < p->kh; ky++) {
                    int64_t y = y0 + ky * p->dh;
                    for (int64_t kx = 0; kx < p->kw; kx++) {
                        int64_t xx = x0 + kx * p->dw;
                        bool in = y >= 0 && y < p->H && xx >= 0 && xx < p->W;
                        if (in) {
                            float v = src[y * p->W + xx];
                            m = v > m ? v : m;
                            sum += v;
                            cnt++;
                        } else if (p->include_pad && y < p->H + p->pb && xx < p->W + p->pr) {
                            cnt++; /* padding counts, the ceil_mode overhang does not */
                        }
                    }
                }
                dst[oy * p->OW + ox] = p->avg ? (cnt ? (float)(sum / (double)cnt) : 0.0f) : m;
            }
    }
}

/* The same on the blocked layout: a plane is one block of blk channels, each pixel blk
 * consecutive lanes; per lane, the arithmetic and its order are those of pool_planes. */
static void pool_blocked(void *vc, int64_t b, int64_t e)
{
    const pool_p *p = vc;
    enum { L = 16 };
    int64_t blk = p->blk;
    for (int64_t plane = b; plane < e; plane++) {
        const float *src = p->in + plane * p->H * p->W * blk;
        float *dst = p->out + plane * p->OH * p->OW * blk;
        if (p->global) {
            double acc[L];
            for (int64_t l = 0; l < blk; l++)
                acc[l] = p->avg ? 0.0 : -INFINITY;
            for (int64_t i = 0; i < p->H * p->W; i++, src += blk)
                for (int64_t l = 0; l < blk; l++)
                    acc[l] = p->avg ? acc[l] + src[l] : (src[l] > acc[l] ? src[l] : acc[l]);
            for (int64_t l = 0; l < blk; l++)
                dst[l] = (float)(p->avg ? acc[l] / (double)(p->H * p->W) : acc[l]);
            continue;
        }
        for (int64_t oy = 0; oy < p->OH; oy++)
            for (int64_t ox = 0; ox < p->OW; ox++) {
                int64_t y0 = oy * p->sh - p->pt, x0 = ox * p->sw - p->pl, cnt = 0;
                float m[L];
                double sum[L];
                for (int64_t l = 0; l < blk; l++)
                    m[l] = -FLT_MAX, sum[l] = 0;
                for (int64_t ky = 0; ky < p->kh; ky++) {
                    int64_t y = y0 + ky * p->dh;
                    for (int64_t kx = 0; kx < p->kw; kx++) {
                        int64_t xx = x0 + kx * p->dw;
                        if (y >= 0 && y < p->H && xx >= 0 && xx < p->W) {
                            const float *v = src + (y * p->W + xx) * blk;
                            if (p->avg)
                                for (int64_t l = 0; l < blk; l++)
                                    sum[l] += v[l];
                            else
                                for (int64_t l = 0; l < blk; l++)
                                    m[l] = v[l] > m[l] ? v[l] : m[l];
                            cnt++;
                        } else if (p->include_pad && y < p->H + p->pb && xx < p->W + p->pr) {
                            cnt++;
                        }
                    }
                }
                float *d = dst + (oy * p->OW + ox) * blk;
                for (int64_t l = 0; l < blk; l++)
                    d[l] = p->avg ? (cnt ? (float)(sum[l] / (double)cnt) : 0.0f) : m[l];
            }
    }
}

static int run_pool(nn_exec *x, nn_node *n, bool avg, bool global)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a || a->ndim != 4 || a->dtype != ONNX_FLOAT)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "needs a 4-D float32 input");
    pool_p p = {.avg = avg, .global = global, .H = a->dims[2], .W = a->dims[3], .sh = 1, .sw = 1,
                .dh = 1, .dw = 1, .in = a->data};
    int64_t od[4] = {a->dims[0], a->dims[1], 1, 1};
    if (!global) {
        const int64_t *v;
        if (seg__nn_attr_ints(n, "kernel_shape", &v) != 2)
            return seg__nn_fail(n, SEG_EUNSUPPORTED, "needs a 2-D kernel_shape");
        p.kh = v[0], p.kw = v[1];
        if (seg__nn_attr_ints(n, "strides", &v) == 2)
            p.sh = v[0], p.sw = v[1];
        if (seg__nn_attr_ints(n, "dilations", &v) == 2)
            p.dh = v[0], p.dw = v[1];
        if (seg__nn_attr_ints(n, "pads", &v) == 4)
            p.pt = v[0], p.pl = v[1], p.pb = v[2], p.pr = v[3];
        p.include_pad = seg__nn_attr_int(n, "count_include_pad", 0) != 0;
        bool ceil_mode = seg__nn_attr_int(n, "ceil_mode", 0) != 0;
        const char *ap = seg__nn_attr_str(n, "auto_pad", "NOTSET");
        if (p.kh < 1 || p.kw < 1 || p.sh < 1 || p.sw < 1 || p.dh < 1 || p.dw < 1 || p.pt < 0 ||
            p.pl < 0 || p.pb < 0 || p.pr < 0)
            return seg__nn_fail(n, SEG_EFORMAT, "bad kernel, stride, dilation or pads");
        int64_t ekh = (p.kh - 1) * p.dh + 1, ekw = (p.kw - 1) * p.dw + 1;
        if (strcmp(ap, "SAME_UPPER") == 0 || strcmp(ap, "SAME_LOWER") == 0) {
            od[2] = (p.H + p.sh - 1) / p.sh;
            od[3] = (p.W + p.sw - 1) / p.sw;
            int64_t ph = SEG_MAX(0, (od[2] - 1) * p.sh + ekh - p.H);
            int64_t pw = SEG_MAX(0, (od[3] - 1) * p.sw + ekw - p.W);
            bool upper = ap[5] == 'U';
            p.pt = upper ? ph / 2 : ph - ph / 2, p.pb = ph - p.pt;
            p.pl = upper ? pw / 2 : pw - pw / 2, p.pr = pw - p.pl;
        } else {
            if (strcmp(ap, "VALID") == 0)
                p.pt = p.pl = p.pb = p.pr = 0;
            int64_t hh = p.H + p.pt + p.pb - ekh, ww = p.W + p.pl + p.pr - ekw;
            if (hh < 0 || ww < 0)
                return seg__nn_fail(n, SEG_ESIZE, "input is smaller than the kernel");
            od[2] = (ceil_mode ? (hh + p.sh - 1) / p.sh : hh / p.sh) + 1;
            od[3] = (ceil_mode ? (ww + p.sw - 1) / p.sw : ww / p.sw) + 1;
            /* ceil_mode never starts a window in the right/bottom padding */
            if (ceil_mode && (od[2] - 1) * p.sh >= p.H + p.pt)
                od[2]--;
            if (ceil_mode && (od[3] - 1) * p.sw >= p.W + p.pl)
                od[3]--;
        }
    }
    p.blk = a->blk;
    nn_tensor *o = seg__nn_out_blk(x, n, 0, od, a->blk);
    if (!o)
        return SEG_ENOMEM;
    p.OH = od[2];
    p.OW = od[3];
    p.out = o->data;
    int64_t planes = od[0] * (p.blk ? (od[1] + p.blk - 1) / p.blk : od[1]);
    seg__parallel_for(planes, seg__grain(planes, 1), p.blk ? pool_blocked : pool_planes, &p);
    if (p.blk && !global && !avg) /* a window that sees no pixel gives -FLT_MAX, padding too */
        seg__nn_zero_pad(o);
    return SEG_OK;
}

static int run_maxpool(nn_exec *x, nn_node *n)
{
    if (n->n_out > 1 && n->out[1] >= 0)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "the Indices output is not supported");
    return run_pool(x, n, false, false);
}
static int run_avgpool(nn_exec *x, nn_node *n) { return run_pool(x, n, true, false); }
static int run_gavgpool(nn_exec *x, nn_node *n) { return run_pool(x, n, true, true); }
static int run_gmaxpool(nn_exec *x, nn_node *n) { return run_pool(x, n, false, true); }

const nn_op seg__nn_pool_ops[] = {
    {"MaxPool", NULL, run_maxpool, NULL, true}, {"AveragePool", NULL, run_avgpool, NULL, true},
    {"GlobalAveragePool", NULL, run_gavgpool, NULL, true}, {"GlobalMaxPool", NULL, run_gmaxpool, NULL, true},
    {NULL, NULL, NULL, NULL, false},
};
