/* ConvTranspose (2-D, grouped, dilated, output_padding / output_shape / auto_pad) as
 * ONNX defines it. The fast path is a matrix product per image and group,
 * cols[(oc,ky,kx), (iy,ix)] = W^T x X, then col2im: each output plane gathers its taps
 * from cols, so every plane is written by one piece in a fixed order. The plain path
 * (seg_set_use_optimized(0), its oracle) gathers straight from the input in double. */
#include "nn/gemm.h"
#include "nn/ops.h"

#include <stdlib.h>
#include <string.h>

typedef struct ct_ctx {
    const float *in, *w, *b;
    float *out;
    int64_t C, H, W, OC, OH, OW, G, kh, kw, sh, sw, dh, dw, pt, pl;
    const float *cols; /* fast path: [ocg*kh*kw, H*W] of the current image and group */
    int64_t nb, g;
} ct_ctx;

/* col2im for output planes [b0, e0) of group c->g in image c->nb. */
static void ct_col2im(void *vc, int64_t b0, int64_t e0)
{
    const ct_ctx *c = vc;
    int64_t ocg = c->OC / c->G, HW = c->H * c->W;
    for (int64_t ocl = b0; ocl < e0; ocl++) {
        int64_t oc = c->g * ocg + ocl;
        float *o = c->out + (c->nb * c->OC + oc) * c->OH * c->OW;
        float bias = c->b ? c->b[oc] : 0.0f;
        for (int64_t i = 0; i < c->OH * c->OW; i++)
            o[i] = bias;
        for (int64_t ky = 0; ky < c->kh; ky++)
            for (int64_t kx = 0; kx < c->kw; kx++) {
                const float *col = c->cols + ((ocl * c->kh + ky) * c->kw + kx) * HW;
                for (int64_t iy = 0; iy < c->H; iy++) {
                    int64_t oy = iy * c->sh - c->pt + ky * c->dh;
                    if (oy < 0 || oy >= c->OH)
                        continue;
                    float *orow = o + oy * c->OW;
                    const float *crow = col + iy * c->W;
                    for (int64_t ix = 0; ix < c->W; ix++) {
                        int64_t ox = ix * c->sw - c->pl + kx * c->dw;
                        if (ox >= 0 && ox < c->OW)
                            orow[ox] += crow[ix];
                    }
                }
            }
    }
}

static int ct_gemm(const nn_node *n, ct_ctx *c, int64_t N)
{
    int64_t icg = c->C / c->G, ocg = c->OC / c->G, HW = c->H * c->W;
    int64_t rows = ocg * c->kh * c->kw;
    float *cols = seg__malloc(sizeof(float) * (size_t)(rows * HW) + 64);
    if (!cols)
        return seg__nn_fail(n, SEG_ENOMEM, "out of memory");
    c->cols = cols;
    for (c->nb = 0; c->nb < N; c->nb++)
        for (c->g = 0; c->g < c->G; c->g++) {
            /* weights [C, ocg, kh, kw]: group g's slice read transposed as [rows, icg] */
            seg__nn_gemm(true, false, rows, HW, icg, c->w + c->g * icg * rows, rows,
                         c->in + (c->nb * c->C + c->g * icg) * HW, HW, cols, HW);
            seg__parallel_for(ocg, seg__grain(ocg, 4), ct_col2im, c);
        }
    seg__free(cols);
    return SEG_OK;
}

static void ct_planes(void *vc, int64_t b0, int64_t e0)
{
    const ct_ctx *c = vc;
    int64_t icg = c->C / c->G, ocg = c->OC / c->G;
    for (int64_t plane = b0; plane < e0; plane++) {
        int64_t nb = plane / c->OC, oc = plane % c->OC, g = oc / ocg, ocl = oc % ocg;
        float *o = c->out + plane * c->OH * c->OW;
        for (int64_t oy = 0; oy < c->OH; oy++)
            for (int64_t ox = 0; ox < c->OW; ox++) {
                double acc = c->b ? c->b[oc] : 0.0;
                for (int64_t ky = 0; ky < c->kh; ky++) {
                    int64_t ty = oy + c->pt - ky * c->dh;
                    if (ty < 0 || ty % c->sh)
                        continue;
                    int64_t iy = ty / c->sh;
                    if (iy >= c->H)
                        continue;
                    for (int64_t kx = 0; kx < c->kw; kx++) {
                        int64_t tx = ox + c->pl - kx * c->dw;
                        if (tx < 0 || tx % c->sw)
                            continue;
                        int64_t ix = tx / c->sw;
                        if (ix >= c->W)
                            continue;
                        for (int64_t icl = 0; icl < icg; icl++) {
                            int64_t ic = g * icg + icl;
                            float v = c->in[((nb * c->C + ic) * c->H + iy) * c->W + ix];
                            float wt = c->w[((ic * ocg + ocl) * c->kh + ky) * c->kw + kx];
                            acc += (double)v * wt;
                        }
                    }
                }
                o[oy * c->OW + ox] = (float)acc;
            }
    }
}

static int run_conv_transpose(nn_exec *x, nn_node *n)
{
    const nn_tensor *in = seg__nn_in(x, n, 0), *w = seg__nn_in(x, n, 1), *b = seg__nn_in(x, n, 2);
    if (!in || !w || in->ndim != 4 || w->ndim != 4 || in->dtype != ONNX_FLOAT ||
        w->dtype != ONNX_FLOAT || (b && b->dtype != ONNX_FLOAT))
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "needs 4-D float32 input and weights");
    ct_ctx c = {.in = in->data, .w = w->data, .b = b ? b->data : NULL, .C = in->dims[1],
                .H = in->dims[2], .W = in->dims[3], .G = seg__nn_attr_int(n, "group", 1),
                .kh = w->dims[2], .kw = w->dims[3], .sh = 1, .sw = 1, .dh = 1, .dw = 1};
    if (c.G < 1 || w->dims[0] != c.C || c.C % c.G)
        return seg__nn_fail(n, SEG_ESIZE, "weights do not match %lld input channels",
                            (long long)c.C);
    c.OC = w->dims[1] * c.G;
    if (b && b->numel != c.OC)
        return seg__nn_fail(n, SEG_ESIZE, "bias does not match the output channels");
    const int64_t *v;
    int64_t pads[4] = {0, 0, 0, 0}, opad[2] = {0, 0};
    if (seg__nn_attr_ints(n, "strides", &v) == 2)
        c.sh = v[0], c.sw = v[1];
    if (seg__nn_attr_ints(n, "dilations", &v) == 2)
        c.dh = v[0], c.dw = v[1];
    if (seg__nn_attr_ints(n, "pads", &v) == 4)
        memcpy(pads, v, sizeof pads);
    if (seg__nn_attr_ints(n, "output_padding", &v) == 2)
        memcpy(opad, v, sizeof opad);
    if (c.sh < 1 || c.sw < 1 || c.dh < 1 || c.dw < 1 || pads[0] < 0 || pads[1] < 0 ||
        pads[2] < 0 || pads[3] < 0 || opad[0] < 0 || opad[1] < 0)
        return seg__nn_fail(n, SEG_EFORMAT, "bad strides, dilations or pads");
    int64_t ekh = (c.kh - 1) * c.dh + 1, ekw = (c.kw - 1) * c.dw + 1;
    int64_t full_h = c.sh * (c.H - 1) + opad[0] + ekh, full_w = c.sw * (c.W - 1) + opad[1] + ekw;
    const char *ap = seg__nn_attr_str(n, "auto_pad", "NOTSET");
    int64_t oh, ow;
    if (seg__nn_attr_ints(n, "output_shape", &v) >= 2) {
        int k = seg__nn_attr_ints(n, "output_shape", &v);
        oh = v[k - 2], ow = v[k - 1];
        int64_t th = SEG_MAX(0, full_h - oh), tw = SEG_MAX(0, full_w - ow);
        bool lower = strcmp(ap, "SAME_LOWER") == 0;
        pads[0] = lower ? th - th / 2 : th / 2, pads[2] = th - pads[0];
        pads[1] = lower ? tw - tw / 2 : tw / 2, pads[3] = tw - pads[1];
    } else if (strcmp(ap, "SAME_UPPER") == 0 || strcmp(ap, "SAME_LOWER") == 0) {
        oh = in->dims[2] * c.sh, ow = in->dims[3] * c.sw;
        int64_t th = SEG_MAX(0, full_h - oh), tw = SEG_MAX(0, full_w - ow);
        bool lower = ap[5] == 'L';
        pads[0] = lower ? th - th / 2 : th / 2, pads[2] = th - pads[0];
        pads[1] = lower ? tw - tw / 2 : tw / 2, pads[3] = tw - pads[1];
    } else {
        oh = full_h - pads[0] - pads[2], ow = full_w - pads[1] - pads[3];
    }
    if (oh < 0 || ow < 0)
        return seg__nn_fail(n, SEG_ESIZE, "pads exceed the output");
    c.pt = pads[0], c.pl = pads[1], c.OH = oh, c.OW = ow;
    int64_t od[4] = {in->dims[0], c.OC, oh, ow};
    nn_tensor *o = seg__nn_out(x, n, 0, ONNX_FLOAT, 4, od);
    if (!o)
        return SEG_ENOMEM;
    c.out = o->data;
    x->macs += in->numel * (c.OC / c.G) * c.kh * c.kw;
    if (seg_use_optimized() && (size_t)(c.OC / c.G * c.kh * c.kw) * (size_t)(c.H * c.W) <
                                   ((size_t)1 << 28))
        return ct_gemm(n, &c, od[0]);
    int64_t planes = od[0] * od[1];
    seg__parallel_for(planes, 1, ct_planes, &c);
    return SEG_OK;
}

const nn_op seg__nn_conv_transpose_ops[] = {
    {"ConvTranspose", NULL, run_conv_transpose, NULL, false},
    {NULL, NULL, NULL, NULL, false},
};
