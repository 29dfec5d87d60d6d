/* Direct 2-D convolution in plain C: the reference for the oneDNN path. */
#include "nn/conv.h"

typedef struct ref_ctx {
    const nn_conv_params *p;
    const float *in, *w, *b;
    float *out;
    int64_t C, H, W, OH, OW;
} ref_ctx;

static void ref_planes(void *vc, int64_t b, int64_t e)
{
    ref_ctx *c = vc;
    const nn_conv_params *p = c->p;
    int64_t ocg = p->out_c / p->group, icg = p->in_c_per_group;
    for (int64_t plane = b; plane < e; plane++) { /* plane = n * out_c + oc */
        int64_t nb = plane / p->out_c, oc = plane % p->out_c, g = oc / ocg;
        float *o = c->out + plane * c->OH * c->OW;
        for (int64_t oy = 0; oy < c->OH; oy++)
            for (int64_t ox = 0; ox < c->OW; ox++) {
                double acc = c->b ? c->b[oc] : 0.0;
                for (int64_t ic = 0; ic < icg; ic++) {
                    const float *src = c->in + ((nb * c->C) + g * icg + ic) * c->H * c->W;
                    const float *wk = c->w + (oc * icg + ic) * p->kh * p->kw;
                    for (int64_t ky = 0; ky < p->kh; ky++) {
                        int64_t iy = oy * p->sh - p->pt + ky * p->dh;
                        if (iy < 0 || iy >= c->H)
                            continue;
                        for (int64_t kx = 0; kx < p->kw; kx++) {
                            int64_t ix = ox * p->sw - p->pl + kx * p->dw;
                            if (ix >= 0 && ix < c->W)
                                acc += (double)src[iy * c->W + ix] * wk[ky * p->kw + kx];
                        }
                    }
                }
                float v = (float)acc + (p->fuse_add ? o[oy * c->OW + ox] : 0.0f);
                o[oy * c->OW + ox] = seg__nn_act_apply(p->act, p->act_lo, p->act_hi, v);
            }
    }
}

int seg__nn_conv_ref(const nn_conv_params *p, const nn_tensor *in, const nn_tensor *w,
                     const nn_tensor *b, nn_tensor *out)
{
    ref_ctx c = {p, in->data, w->data, b ? b->data : NULL, out->data, in->dims[1], in->dims[2],
                 in->dims[3], out->dims[2], out->dims[3]};
    int64_t planes = out->dims[0] * out->dims[1];
    seg__parallel_for(planes, 1, ref_planes, &c);
    return SEG_OK;
}
