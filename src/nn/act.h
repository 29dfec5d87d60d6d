/* Activations fused into convolutions, shared by every convolution path (oneDNN
 * post-ops, the plain C reference, per-tap products, the depthwise kernels) so that all
 * compute the same function as the unfused operators did. */
#ifndef SEG_NN_ACT_H
#define SEG_NN_ACT_H

#include <math.h>

enum {
    NN_ACT_NONE = 0,
    NN_ACT_RELU = 1,
    NN_ACT_CLIP = 2,     /* clamp to [lo, hi] */
    NN_ACT_HSWISH = 3,   /* x * clamp(lo * x + hi, 0, 1): Mul(x, HardSigmoid(x)) */
    NN_ACT_HSIGMOID = 4, /* clamp(lo * x + hi, 0, 1): HardSigmoid(alpha = lo, beta = hi) */
    NN_ACT_SIGMOID = 5,
};

static inline float seg__nn_act_apply(int act, float lo, float hi, float v)
{
    float h;
    switch (act) {
    case NN_ACT_RELU: return v > 0 ? v : 0;
    case NN_ACT_CLIP: return v < lo ? lo : v > hi ? hi : v;
    case NN_ACT_HSWISH:
        h = lo * v + hi;
        return v * (h < 0 ? 0 : h > 1 ? 1 : h);
    case NN_ACT_HSIGMOID:
        h = lo * v + hi;
        return h < 0 ? 0 : h > 1 ? 1 : h;
    case NN_ACT_SIGMOID: return 1.0f / (1.0f + expf(-v));
    default: return v;
    }
}

#endif
