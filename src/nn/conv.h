/* Convolution parameters shared by the oneDNN kernel and the plain C reference. */
#ifndef SEG_NN_CONV_H
#define SEG_NN_CONV_H

#include "nn/act.h"
#include "nn/graph.h"

typedef struct nn_conv_params {
    int64_t group, out_c, in_c_per_group, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
    int auto_pad; /* 0 NOTSET, 1 SAME_UPPER, 2 SAME_LOWER, 3 VALID */
    int act;      /* fused activation, NN_ACT_* */
    float act_lo, act_hi; /* Clip bounds; HardSigmoid/HardSwish alpha and beta */
    bool fuse_add; /* out = conv + input 3 (the residual), before the activation */
} nn_conv_params;

int seg__nn_conv_params(const nn_node *n, const nn_tensor *w, nn_conv_params *p);
int seg__nn_conv_out(const nn_node *n, nn_conv_params *p, int64_t h, int64_t w, int64_t *oh,
                     int64_t *ow);
/* Direct convolution in plain C (NCHW f32): the oracle for the oneDNN path. `out` holds
 * the residual already when p->fuse_add. */
int seg__nn_conv_ref(const nn_conv_params *p, const nn_tensor *in, const nn_tensor *w,
                     const nn_tensor *b, nn_tensor *out);
/* Convolution as per-tap matrix products over the regions each tap reads inside the
 * image (conv_taps.c): plain NCHW, groups 1; wpk from seg__nn_conv_pack_taps
 * ([kh*kw][OC][C]); out holds the residual already when p->fuse_add. */
int seg__nn_conv_taps(const nn_conv_params *p, const nn_tensor *in, const float *wpk,
                      const nn_tensor *b, nn_tensor *out);
float *seg__nn_conv_pack_taps(const nn_tensor *w);

/* Set subnormal values to zero. Weights packed for the fast paths get this: a product
 * with a subnormal operand takes ~100 cycles on x86 (measured: a 1x1 convolution of
 * road-segmentation, 37 of 1152 weights subnormal, 45x slower), and what they add to a
 * sum of normal-sized terms is below float32 resolution. */
static inline void seg__nn_flush_subnormals(float *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0.0f && fabsf(p[i]) < 1.17549435e-38f)
            p[i] = 0.0f;
}

/* Record a fusion decided by the graph optimiser. */
void seg__nn_conv_fuse(nn_node *n, int act, float lo, float hi, bool add);
/* Padding taken over from a removed Pad node: top, left, bottom, right. */
void seg__nn_conv_extra_pads(nn_node *n, const int64_t *pads);
/* What is fused already: the activation (NN_ACT_*) and whether a residual is. */
int seg__nn_conv_act(const nn_node *n);
bool seg__nn_conv_fused(const nn_node *n);

#endif
