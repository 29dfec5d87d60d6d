/* Graph rewrites done once at load, after constant folding:
 *   Pad(constant 0, spatial) -> Conv      : the padding moves into the convolution
 *   Conv -> Add(residual)                  : oneDNN sum post-op (conv + residual)
 *   Conv -> BatchNormalization             : folded into the weights and bias
 *   Conv -> Relu / Clip(constant bounds) / Sigmoid / HardSigmoid / HardSwish
 *                                          : eltwise post-op
 *   Conv -> x, Mul(x, HardSigmoid(x))      : HardSwish post-op (how PyTorch exports
 *                                            HardSwish below opset 14)
 *   Resize / Upsample -> Transpose(0,2,3,1): the resize writes NHWC
 * A rewrite applies only when the intermediate values are read by the fused nodes alone
 * and are not graph outputs, so no one can observe the difference. Removed nodes get op = NULL. */
#include "nn/conv.h"
#include "nn/ops.h"
#include "nn/resize.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct opt_ctx {
    nn_graph *g;
    int *readers;  /* readers[v]: live nodes reading v (+1 when v is a graph output) */
    int *producer; /* node index producing v, -1 for inputs and constants */
} opt_ctx;

static bool is_op(const nn_node *n, const char *op)
{
    return n->op && strcmp(n->src->op_type, op) == 0;
}

static void remove_node(nn_node *n)
{
    if (n->op->destroy)
        n->op->destroy(n);
    n->op = NULL;
}

/* Constant scalar value of input k (or the attribute fallback), NaN when not constant. */
static float const_scalar(const nn_graph *g, const nn_node *n, int k, float def)
{
    if (k >= n->n_in || n->in[k] < 0)
        return def;
    int v = n->in[k];
    if (!g->is_const[v] || g->consts[v].numel != 1)
        return NAN;
    return (float)seg__nn_get_f(&g->consts[v], 0);
}

static void fuse_pad(opt_ctx *c, nn_node *conv)
{
    nn_graph *g = c->g;
    int v = conv->in[0];
    int pi = c->producer[v];
    if (pi < 0 || c->readers[v] != 1 || strcmp(seg__nn_attr_str(conv, "auto_pad", "NOTSET"), "NOTSET"))
        return;
    nn_node *pad = &g->nodes[pi];
    if (!is_op(pad, "Pad") || strcmp(seg__nn_attr_str(pad, "mode", "constant"), "constant"))
        return;
    int64_t pads[8];
    const int64_t *av;
    int np = seg__nn_attr_ints(pad, "pads", &av);
    if (np >= 0) {
        if (np != 8 || seg__nn_attr_float(pad, "value", 0.0f) != 0.0f)
            return;
        memcpy(pads, av, sizeof pads);
    } else {
        if (pad->n_in < 2 || pad->in[1] < 0 || !g->is_const[pad->in[1]])
            return;
        const nn_tensor *t = &g->consts[pad->in[1]];
        if (t->numel != 8 || t->dtype != ONNX_INT64)
            return;
        memcpy(pads, t->data, sizeof pads);
        if (const_scalar(g, pad, 2, 0.0f) != 0.0f)
            return;
    }
    /* pads = [n_b, c_b, h_b, w_b, n_e, c_e, h_e, w_e]: only spatial, non-negative */
    if (pads[0] || pads[1] || pads[4] || pads[5] || pads[2] < 0 || pads[3] < 0 || pads[6] < 0 ||
        pads[7] < 0)
        return;
    int64_t extra[4] = {pads[2], pads[3], pads[6], pads[7]};
    seg__nn_conv_extra_pads(conv, extra);
    conv->in[0] = pad->in[0];
    c->readers[v]--;
    remove_node(pad);
}

static void fuse_add(opt_ctx *c, nn_node *add)
{
    nn_graph *g = c->g;
    if (add->n_in != 2 || add->in[0] < 0 || add->in[1] < 0)
        return;
    for (int side = 0; side < 2; side++) {
        int u = add->in[side], w = add->in[1 - side];
        int ci = c->producer[u];
        if (ci < 0 || c->readers[u] != 1 || g->is_const[w] || u == w)
            continue;
        nn_node *conv = &g->nodes[ci];
        /* relu(conv) + r cannot become a post-op: oneDNN applies sum before eltwise */
        if (!is_op(conv, "Conv") || seg__nn_conv_fused(conv) || conv->n_in > 3 ||
            seg__nn_conv_act(conv) != NN_ACT_NONE)
            continue;
        if (c->producer[w] >= ci) /* the residual must exist before the conv runs */
            continue;
        int *in = seg__arena_array(&g->arena, 4, sizeof(int));
        if (!in)
            return;
        for (int k = 0; k < 3; k++)
            in[k] = k < conv->n_in ? conv->in[k] : -1;
        in[3] = w;
        conv->in = in;
        conv->n_in = 4;
        seg__nn_conv_fuse(conv, NN_ACT_NONE, 0, 0, true);
        conv->out[0] = add->out[0];
        c->producer[add->out[0]] = ci;
        remove_node(add);
        return;
    }
}

/* The Mul reading exactly u and h (in either order), or NULL. */
static nn_node *find_mul(nn_graph *g, int from, int u, int h)
{
    for (int i = from; i < g->n_nodes; i++) {
        nn_node *m = &g->nodes[i];
        if (is_op(m, "Mul") && m->n_in == 2 &&
            ((m->in[0] == u && m->in[1] == h) || (m->in[0] == h && m->in[1] == u)))
            return m;
    }
    return NULL;
}

/* x * HardSigmoid(x) is HardSwish; oneDNN's HardSwish has alpha 1/6, beta 0.5 only. */
static bool is_hswish_params(float alpha, float beta)
{
    return fabsf(alpha - 1.0f / 6.0f) <= 1e-7f && beta == 0.5f;
}

static void fuse_act(opt_ctx *c, nn_node *act)
{
    nn_graph *g = c->g;
    int u = act->in[0];
    int ci = u >= 0 ? c->producer[u] : -1;
    if (ci < 0)
        return;
    nn_node *conv = &g->nodes[ci];
    if (!is_op(conv, "Conv") || seg__nn_conv_act(conv) != NN_ACT_NONE)
        return;
    nn_node *last = act; /* the node whose output the fused convolution takes over */
    int kind = NN_ACT_RELU;
    float lo = 0, hi = 0;
    if (is_op(act, "Clip")) {
        kind = NN_ACT_CLIP;
        lo = seg__nn_attr_float(act, "min", -INFINITY);
        hi = seg__nn_attr_float(act, "max", INFINITY);
        if (act->n_in > 1)
            lo = const_scalar(g, act, 1, -INFINITY), hi = const_scalar(g, act, 2, INFINITY);
        if (isnan(lo) || isnan(hi))
            return;
        if (lo == 0 && isinf(hi) && hi > 0)
            kind = NN_ACT_RELU;
        else if (!isfinite(lo) || !isfinite(hi))
            return; /* oneDNN's clip takes finite bounds */
    } else if (is_op(act, "Sigmoid")) {
        kind = NN_ACT_SIGMOID;
    } else if (is_op(act, "HardSwish")) {
        kind = NN_ACT_HSWISH, lo = 1.0f / 6.0f, hi = 0.5f;
    } else if (is_op(act, "HardSigmoid")) {
        kind = NN_ACT_HSIGMOID;
        lo = seg__nn_attr_float(act, "alpha", 0.2f);
        hi = seg__nn_attr_float(act, "beta", 0.5f);
        /* Mul(x, HardSigmoid(x)) with x read by nothing else: HardSwish */
        nn_node *mul = c->readers[u] == 2 && c->readers[act->out[0]] == 1 && is_hswish_params(lo, hi)
                           ? find_mul(g, act->index + 1, u, act->out[0])
                           : NULL;
        if (mul) {
            kind = NN_ACT_HSWISH;
            last = mul;
        }
    }
    if (c->readers[u] != (last == act ? 1 : 2))
        return;
    seg__nn_conv_fuse(conv, kind, lo, hi, seg__nn_conv_fused(conv));
    conv->out[0] = last->out[0];
    c->producer[last->out[0]] = ci;
    if (last != act)
        remove_node(last);
    remove_node(act);
}

/* Resize/Upsample -> Transpose(perm 0,2,3,1): the resize writes NHWC itself (the
 * TensorFlow conversions end with one, after the last upsampling). */
static void fuse_transpose(opt_ctx *c, nn_node *t)
{
    nn_graph *g = c->g;
    const int64_t *perm;
    int u = t->in[0];
    int ri = u >= 0 ? c->producer[u] : -1;
    if (ri < 0 || c->readers[u] != 1 || seg__nn_attr_ints(t, "perm", &perm) != 4 || perm[0] != 0 ||
        perm[1] != 2 || perm[2] != 3 || perm[3] != 1)
        return;
    nn_node *r = &g->nodes[ri];
    if (!is_op(r, "Resize") && !is_op(r, "Upsample"))
        return;
    seg__nn_resize_to_nhwc(r);
    r->out[0] = t->out[0];
    c->producer[t->out[0]] = ri;
    remove_node(t);
}

/* A new constant value (f32, 1-D) in the graph's spare slots; -1 when out of room. */
static int new_const(nn_graph *g, int64_t n, float **data)
{
    if (g->n_values >= g->value_cap)
        return -1;
    float *d = seg__arena_alloc(&g->arena, sizeof(float) * (size_t)n + 64);
    if (!d)
        return -1;
    d = (float *)(((uintptr_t)d + 63) & ~(uintptr_t)63);
    int v = g->n_values++;
    g->names[v] = "(folded)";
    g->is_const[v] = true;
    g->consts[v] = (nn_tensor){.dtype = ONNX_FLOAT, .ndim = 1, .dims = {n}, .numel = n,
                               .data = d, .bytes = sizeof(float) * (size_t)n};
    *data = d;
    return v;
}

static bool const_f32(const nn_graph *g, int v, int64_t n)
{
    return v >= 0 && g->is_const[v] && g->consts[v].dtype == ONNX_FLOAT && g->consts[v].numel == n;
}

/* y = gamma * (conv(x) - mean) / sqrt(var + eps) + beta  ==  conv'(x) with
 * W' = W * s, b' = (b - mean) * s + beta, s = gamma / sqrt(var + eps): new constants, so
 * weights shared with another node are left as they are. */
static void fuse_bn(opt_ctx *c, nn_node *bn)
{
    nn_graph *g = c->g;
    int u = bn->in[0];
    int ci = u >= 0 ? c->producer[u] : -1;
    if (ci < 0 || c->readers[u] != 1 || bn->n_in < 5 || (bn->n_out > 1 && bn->out[1] >= 0))
        return;
    nn_node *conv = &g->nodes[ci];
    if (!is_op(conv, "Conv") || seg__nn_conv_act(conv) != NN_ACT_NONE || seg__nn_conv_fused(conv))
        return;
    int wv = conv->in[1], bv = conv->n_in > 2 ? conv->in[2] : -1;
    if (wv < 0 || !g->is_const[wv] || g->consts[wv].dtype != ONNX_FLOAT || g->consts[wv].ndim != 4)
        return;
    const nn_tensor *w = &g->consts[wv];
    int64_t oc = w->dims[0], per = w->numel / oc;
    for (int k = 1; k < 5; k++)
        if (!const_f32(g, bn->in[k], oc))
            return;
    if (bv >= 0 && !const_f32(g, bv, oc))
        return;
    float *nw, *nb;
    int nwv = new_const(g, w->numel, &nw), nbv = nwv >= 0 ? new_const(g, oc, &nb) : -1;
    if (nwv < 0 || nbv < 0)
        return;
    g->consts[nwv].ndim = 4;
    memcpy(g->consts[nwv].dims, w->dims, sizeof(int64_t) * 4);
    const float *gamma = g->consts[bn->in[1]].data, *beta = g->consts[bn->in[2]].data;
    const float *mean = g->consts[bn->in[3]].data, *var = g->consts[bn->in[4]].data;
    const float *wd = w->data, *bd = bv >= 0 ? g->consts[bv].data : NULL;
    float eps = seg__nn_attr_float(bn, "epsilon", 1e-5f);
    for (int64_t o = 0; o < oc; o++) {
        float sc = gamma[o] / sqrtf(var[o] + eps);
        for (int64_t i = 0; i < per; i++)
            nw[o * per + i] = wd[o * per + i] * sc;
        nb[o] = ((bd ? bd[o] : 0.0f) - mean[o]) * sc + beta[o];
    }
    int *in = seg__arena_array(&g->arena, 3, sizeof(int));
    if (!in)
        return;
    in[0] = conv->in[0];
    in[1] = nwv;
    in[2] = nbv;
    conv->in = in;
    conv->n_in = 3;
    conv->out[0] = bn->out[0];
    c->producer[bn->out[0]] = ci;
    remove_node(bn);
}

int seg__nn_optimize(nn_graph *g)
{
    opt_ctx c = {g, calloc((size_t)g->value_cap + 1, sizeof(int)),
                 malloc(sizeof(int) * ((size_t)g->value_cap + 1))};
    if (!c.readers || !c.producer) {
        free(c.readers);
        free(c.producer);
        return seg__fail(SEG_ENOMEM, "model: out of memory");
    }
    for (int v = 0; v < g->value_cap; v++)
        c.producer[v] = -1;
    for (int i = 0; i < g->n_nodes; i++) {
        const nn_node *n = &g->nodes[i];
        if (!n->op)
            continue;
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0)
                c.readers[n->in[k]]++;
        for (int k = 0; k < n->n_implicit; k++) /* read inside a sub-graph */
            c.readers[n->implicit[k]]++;
        for (int k = 0; k < n->n_out; k++)
            if (n->out[k] >= 0)
                c.producer[n->out[k]] = i;
    }
    for (int i = 0; i < g->n_outputs; i++)
        c.readers[g->outputs[i]]++;
    for (int i = 0; i < g->n_nodes; i++) {
        nn_node *n = &g->nodes[i];
        if (is_op(n, "Conv"))
            fuse_pad(&c, n);
        else if (is_op(n, "BatchNormalization"))
            fuse_bn(&c, n);
        else if (is_op(n, "Add"))
            fuse_add(&c, n);
        else if (is_op(n, "Relu") || is_op(n, "Clip") || is_op(n, "Sigmoid") ||
                 is_op(n, "HardSigmoid") || is_op(n, "HardSwish"))
            fuse_act(&c, n);
        else if (is_op(n, "Transpose"))
            fuse_transpose(&c, n);
    }
    free(c.readers);
    free(c.producer);
    return SEG_OK;
}
