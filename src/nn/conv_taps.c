/* Convolution as one matrix product per kernel tap, each over the output region where
 * that tap reads inside the image: for layers oneDNN 2.6 has no JIT kernel for (large
 * dilations such as DeepLab's ASPP branches, whose reference kernel takes seconds), and
 * the padding's zeros are never multiplied. Plain NCHW, groups = 1. */
#include "nn/conv.h"

#include <dnnl.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* Output positions o in [0, out) whose input o * s - pad + k * d lies in [0, in). */
static void tap_range(int64_t out, int64_t in, int64_t s, int64_t pad, int64_t off, int64_t *lo,
                      int64_t *hi)
{
    /* o * s + (off - pad) >= 0  and  < in */
    int64_t b = off - pad;
    int64_t first = b >= 0 ? 0 : (-b + s - 1) / s;
    int64_t last = in - 1 - b < 0 ? -1 : (in - 1 - b) / s; /* inclusive */
    *lo = SEG_MIN(SEG_MAX(first, 0), out);
    *hi = SEG_MAX(*lo, SEG_MIN(last + 1, out));
}

int seg__nn_conv_taps(const nn_conv_params *p, const nn_tensor *in, const float *wpk,
                      const nn_tensor *b, nn_tensor *out)
{
    int64_t N = in->dims[0], C = in->dims[1], H = in->dims[2], W = in->dims[3];
    int64_t OC = out->dims[1], OH = out->dims[2], OW = out->dims[3];
    const float *bias = b ? b->data : NULL;
    int saved = omp_get_max_threads();
    omp_set_num_threads(seg_get_num_threads());
    int rc = SEG_OK;
    for (int64_t n = 0; n < N && !rc; n++) {
        float *o = (float *)out->data + n * OC * OH * OW;
        const float *x = (const float *)in->data + n * C * H * W;
        for (int64_t oc = 0; oc < OC; oc++) { /* start from the bias (+ residual) */
            float *op = o + oc * OH * OW;
            float bv = bias ? bias[oc] : 0.0f;
            for (int64_t i = 0; i < OH * OW; i++)
                op[i] = (p->fuse_add ? op[i] : 0.0f) + bv;
        }
        for (int64_t ky = 0; ky < p->kh && !rc; ky++) {
            int64_t y0, y1;
            tap_range(OH, H, p->sh, p->pt, ky * p->dh, &y0, &y1);
            for (int64_t kx = 0; kx < p->kw && !rc; kx++) {
                int64_t x0, x1;
                tap_range(OW, W, p->sw, p->pl, kx * p->dw, &x0, &x1);
                if (y0 >= y1 || x0 >= x1)
                    continue; /* this tap only ever reads padding */
                const float *wt = wpk + (ky * p->kw + kx) * OC * C; /* [OC, C] for the tap */
                for (int64_t oy = y0; oy < y1 && !rc; oy++) {
                    int64_t iy = oy * p->sh - p->pt + ky * p->dh;
                    int64_t ix = x0 * p->sw - p->pl + kx * p->dw;
                    /* C[OC, cols] += Wt[OC, C] * X[C, cols] (X columns strided by sw) */
                    if (p->sw == 1) {
                        if (dnnl_sgemm('N', 'N', OC, x1 - x0, C, 1.0f, wt, C, x + iy * W + ix, H * W,
                                       1.0f, o + oy * OW + x0, OH * OW) != dnnl_success)
                            rc = SEG_EINTERNAL;
                    } else {
                        for (int64_t ox = x0; ox < x1 && !rc; ox++)
                            if (dnnl_sgemm('N', 'N', OC, 1, C, 1.0f, wt, C,
                                           x + iy * W + ix + (ox - x0) * p->sw, H * W, 1.0f,
                                           o + oy * OW + ox, OH * OW) != dnnl_success)
                                rc = SEG_EINTERNAL;
                    }
                }
            }
        }
        for (int64_t i = 0; !rc && p->act && i < OC * OH * OW; i++)
            o[i] = seg__nn_act_apply(p->act, p->act_lo, p->act_hi, o[i]);
    }
    omp_set_num_threads(saved);
    return rc ? seg__fail(SEG_EINTERNAL, "model: matrix product failed") : SEG_OK;
}

float *seg__nn_conv_pack_taps(const nn_tensor *w)
{
    int64_t OC = w->dims[0], C = w->dims[1], kh = w->dims[2], kw = w->dims[3];
    float *pk = seg__malloc(sizeof(float) * (size_t)(OC * C * kh * kw));
    if (!pk)
        return NULL;
    const float *s = w->data;
    for (int64_t oc = 0; oc < OC; oc++)
        for (int64_t c = 0; c < C; c++)
            for (int64_t t = 0; t < kh * kw; t++)
                pk[(t * OC + oc) * C + c] = s[(oc * C + c) * kh * kw + t];
    seg__nn_flush_subnormals(pk, (size_t)(OC * C * kh * kw));
    return pk;
}
