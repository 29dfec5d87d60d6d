/* Reductions along axes and per-channel normalisation: Softmax/LogSoftmax, ArgMax/
 * ArgMin, ReduceMean/Sum/Max/Min/Prod (float32; int32/int64 exactly), BatchNormalization, MatMul, Gemm (f32). */
#include "nn/gemm.h"
#include "nn/ops.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* View a tensor as [outer, len, inner] around `axis`. */
static void split3(const nn_tensor *t, int64_t axis, int64_t *outer, int64_t *len, int64_t *inner)
{
    *outer = *inner = 1;
    for (int i = 0; i < axis; i++)
        *outer *= t->dims[i];
    *len = t->dims[axis];
    for (int i = (int)axis + 1; i < t->ndim; i++)
        *inner *= t->dims[i];
}

typedef struct sm_ctx {
    const float *in;
    float *out;
    int64_t len, inner;
    bool log;
} sm_ctx;

static void sm_rows(void *vc, int64_t b, int64_t e)
{
    const sm_ctx *c = vc;
    for (int64_t r = b; r < e; r++) { /* r = outer index * inner + inner index */
        int64_t o = r / c->inner, i = r % c->inner;
        const float *s = c->in + o * c->len * c->inner + i;
        float *d = c->out + o * c->len * c->inner + i;
        float m = -INFINITY;
        for (int64_t k = 0; k < c->len; k++)
            m = s[k * c->inner] > m ? s[k * c->inner] : m;
        double sum = 0, ek[64]; /* short rows keep their exponentials: one exp each */
        bool keep = c->len <= 64 && !c->log;
        for (int64_t k = 0; k < c->len; k++) {
            double v = exp((double)(s[k * c->inner] - m));
            sum += v;
            if (keep)
                ek[k] = v;
        }
        double ls = c->log ? log(sum) : 0.0;
        for (int64_t k = 0; k < c->len; k++) {
            double v = (double)(s[k * c->inner] - m);
            d[k * c->inner] = (float)(c->log ? v - ls : (keep ? ek[k] : exp(v)) / sum);
        }
    }
}

static int run_softmax_impl(nn_exec *x, nn_node *n, bool logsm)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a || a->dtype != ONNX_FLOAT)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "needs a float32 input");
    int64_t axis = seg__nn_attr_int(n, "axis", n->opset < 13 ? 1 : -1);
    if (axis < 0)
        axis += a->ndim;
    if (axis < 0 || axis >= SEG_MAX(a->ndim, 1))
        return seg__nn_fail(n, SEG_EFORMAT, "axis out of range");
    nn_tensor *o = seg__nn_out(x, n, 0, ONNX_FLOAT, a->ndim, a->dims);
    if (!o)
        return SEG_ENOMEM;
    int64_t outer, len, inner;
    split3(a, axis, &outer, &len, &inner);
    if (n->opset < 13) { /* coerced to 2-D: softmax over everything from axis on */
        len *= inner;
        inner = 1;
    }
    sm_ctx c = {a->data, o->data, len, inner, logsm};
    int64_t rows = outer * inner;
    if (len)
        seg__parallel_for(rows, seg__grain(rows, 256), sm_rows, &c);
    return SEG_OK;
}

static int run_softmax(nn_exec *x, nn_node *n) { return run_softmax_impl(x, n, false); }
static int run_logsoftmax(nn_exec *x, nn_node *n) { return run_softmax_impl(x, n, true); }

static int run_arg(nn_exec *x, nn_node *n, bool max)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a || (a->dtype != ONNX_FLOAT && a->dtype != ONNX_INT64))
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "needs a float32 or int64 input");
    int64_t axis = seg__nn_attr_int(n, "axis", 0);
    if (axis < 0)
        axis += a->ndim;
    if (axis < 0 || axis >= a->ndim)
        return seg__nn_fail(n, SEG_EFORMAT, "axis out of range");
    bool keep = seg__nn_attr_int(n, "keepdims", 1) != 0;
    bool last = seg__nn_attr_int(n, "select_last_index", 0) != 0;
    int64_t dims[NN_MAX_RANK];
    int nd = 0;
    for (int i = 0; i < a->ndim; i++)
        if (i != axis || keep)
            dims[nd++] = i == axis ? 1 : a->dims[i];
    int64_t outer, len, inner;
    split3(a, axis, &outer, &len, &inner);
    if (len == 0)
        return seg__nn_fail(n, SEG_ESIZE, "reducing an empty axis");
    nn_tensor *o = seg__nn_out(x, n, 0, ONNX_INT64, nd, dims);
    if (!o)
        return SEG_ENOMEM;
    int64_t *d = o->data;
    for (int64_t r = 0; r < outer; r++)
        for (int64_t i = 0; i < inner; i++) {
            int64_t best = 0;
            double bv = seg__nn_get_f(a, r * len * inner + i);
            for (int64_t k = 1; k < len; k++) {
                double v = seg__nn_get_f(a, (r * len + k) * inner + i);
                if (max ? (v > bv || (last && v == bv)) : (v < bv || (last && v == bv)))
                    bv = v, best = k;
            }
            d[r * inner + i] = best;
        }
    return SEG_OK;
}

static int run_argmax(nn_exec *x, nn_node *n) { return run_arg(x, n, true); }
static int run_argmin(nn_exec *x, nn_node *n) { return run_arg(x, n, false); }

enum { R_MEAN, R_SUM, R_MAX, R_MIN, R_PROD };

/* Offset in the reduced output of input element i (strides st over the kept dims). */
static int64_t reduced_offset(const nn_tensor *a, const bool *red, const int64_t *st, int64_t i)
{
    int64_t off = 0;
    for (int k = a->ndim - 1; k >= 0; k--) {
        int64_t idx = i % a->dims[k];
        i /= a->dims[k];
        off += red[k] ? 0 : idx * st[k];
    }
    return off;
}

/* Integer reductions (shape arithmetic: box sizes, element counts), exact in int64;
 * the mean truncates toward zero as ONNX Runtime's integer kernels do. */
static int reduce_int(const nn_node *n, const nn_tensor *a, const bool *red, const int64_t *kd,
                      int kind, nn_tensor *o)
{
    int64_t onum = seg__nn_numel(a->ndim, kd), cnt = onum ? a->numel / SEG_MAX(onum, 1) : 0;
    if (cnt == 0 && (kind == R_MAX || kind == R_MIN) && onum)
        return seg__nn_fail(n, SEG_ESIZE, "integer max/min over an empty axis");
    int64_t *acc = malloc(sizeof(int64_t) * (size_t)(onum ? onum : 1));
    if (!acc)
        return seg__nn_fail(n, SEG_ENOMEM, "out of memory");
    for (int64_t i = 0; i < onum; i++)
        acc[i] = kind == R_MAX ? INT64_MIN : kind == R_MIN ? INT64_MAX : kind == R_PROD ? 1 : 0;
    int64_t st[NN_MAX_RANK], s = 1;
    for (int i = a->ndim - 1; i >= 0; i--) {
        st[i] = s;
        s *= kd[i];
    }
    for (int64_t i = 0; i < a->numel; i++) {
        int64_t off = reduced_offset(a, red, st, i);
        int64_t v = a->dtype == ONNX_INT64 ? ((const int64_t *)a->data)[i]
                                           : ((const int32_t *)a->data)[i];
        int64_t *d = &acc[off];
        /* wrap-around like the fixed-width integer kernels, without signed overflow */
        *d = kind == R_MAX ? (v > *d ? v : *d) : kind == R_MIN ? (v < *d ? v : *d)
             : kind == R_PROD ? (int64_t)((uint64_t)*d * (uint64_t)v)
                              : (int64_t)((uint64_t)*d + (uint64_t)v);
    }
    for (int64_t i = 0; i < onum; i++) {
        int64_t v = kind == R_MEAN && cnt ? acc[i] / cnt : acc[i];
        if (o->dtype == ONNX_INT64)
            ((int64_t *)o->data)[i] = v;
        else
            ((int32_t *)o->data)[i] = (int32_t)v;
    }
    free(acc);
    return SEG_OK;
}

static int run_reduce(nn_exec *x, nn_node *n, int kind)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a || (a->dtype != ONNX_FLOAT && a->dtype != ONNX_INT64 && a->dtype != ONNX_INT32))
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "needs a float32, int64 or int32 input");
    int64_t axes[NN_MAX_RANK];
    const int64_t *v;
    int na = seg__nn_attr_ints(n, "axes", &v);
    if (na > NN_MAX_RANK)
        return seg__nn_fail(n, SEG_EFORMAT, "too many axes");
    if (na >= 0)
        memcpy(axes, v, sizeof(int64_t) * (size_t)na);
    else if (seg__nn_in(x, n, 1) && (na = seg__nn_read_ints(n, seg__nn_in(x, n, 1), axes,
                                                            NN_MAX_RANK)) < 0)
        return na;
    bool keep = seg__nn_attr_int(n, "keepdims", 1) != 0;
    bool noop_empty = seg__nn_attr_int(n, "noop_with_empty_axes", 0) != 0;
    bool red[NN_MAX_RANK] = {0};
    if (na <= 0) {
        if (noop_empty && na == 0)
            return seg__nn_out_view(x, n, 0, a, a->ndim, a->dims) ? SEG_OK : SEG_ENOMEM;
        for (int i = 0; i < a->ndim; i++)
            red[i] = true;
    }
    for (int i = 0; i < na; i++) {
        int64_t ax = axes[i] < 0 ? axes[i] + a->ndim : axes[i];
        if (ax < 0 || ax >= a->ndim)
            return seg__nn_fail(n, SEG_EFORMAT, "axis out of range");
        red[ax] = true;
    }
    int64_t dims[NN_MAX_RANK], kd[NN_MAX_RANK];
    int nd = 0;
    for (int i = 0; i < a->ndim; i++) {
        kd[i] = red[i] ? 1 : a->dims[i];
        if (!red[i] || keep)
            dims[nd++] = kd[i];
    }
    nn_tensor *o = seg__nn_out(x, n, 0, a->dtype, nd, dims);
    if (!o)
        return SEG_ENOMEM;
    if (a->dtype != ONNX_FLOAT)
        return reduce_int(n, a, red, kd, kind, o);
    int64_t onum = seg__nn_numel(a->ndim, kd), cnt = onum ? a->numel / SEG_MAX(onum, 1) : 0;
    float *d = o->data;
    for (int64_t i = 0; i < onum; i++)
        d[i] = kind == R_MAX ? -INFINITY : kind == R_MIN ? INFINITY : kind == R_PROD ? 1.0f : 0.0f;
    int64_t st[NN_MAX_RANK], s = 1;
    for (int i = a->ndim - 1; i >= 0; i--) {
        st[i] = s;
        s *= kd[i];
    }
    const float *src = a->data;
    for (int64_t i = 0; i < a->numel; i++) {
        int64_t off = reduced_offset(a, red, st, i);
        float val = src[i];
        d[off] = kind == R_MAX ? (val > d[off] ? val : d[off]) : kind == R_MIN ? (val < d[off] ? val : d[off])
                 : kind == R_PROD ? d[off] * val : d[off] + val;
    }
    if (kind == R_MEAN && cnt)
        for (int64_t i = 0; i < onum; i++)
            d[i] /= (float)cnt;
    return SEG_OK;
}

static int run_rmean(nn_exec *x, nn_node *n) { return run_reduce(x, n, R_MEAN); }
static int run_rsum(nn_exec *x, nn_node *n) { return run_reduce(x, n, R_SUM); }
static int run_rmax(nn_exec *x, nn_node *n) { return run_reduce(x, n, R_MAX); }
static int run_rmin(nn_exec *x, nn_node *n) { return run_reduce(x, n, R_MIN); }
static int run_rprod(nn_exec *x, nn_node *n) { return run_reduce(x, n, R_PROD); }

static int run_batchnorm(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0), *sc = seg__nn_in(x, n, 1), *b = seg__nn_in(x, n, 2);
    const nn_tensor *mean = seg__nn_in(x, n, 3), *var = seg__nn_in(x, n, 4);
    if (!a || !sc || !b || !mean || !var || a->dtype != ONNX_FLOAT || a->ndim < 2)
        return seg__nn_fail(n, SEG_EFORMAT, "needs X, scale, B, mean, var (float32)");
    int64_t C = a->dims[1];
    const nn_tensor *p[4] = {sc, b, mean, var};
    for (int i = 0; i < 4; i++)
        if (p[i]->numel != C || p[i]->dtype != ONNX_FLOAT)
            return seg__nn_fail(n, SEG_ESIZE, "parameters must have one float per channel");
    float eps = seg__nn_attr_float(n, "epsilon", 1e-5f);
    nn_tensor *o = seg__nn_out(x, n, 0, ONNX_FLOAT, a->ndim, a->dims);
    if (!o)
        return SEG_ENOMEM;
    int64_t inner = C ? a->numel / (a->dims[0] * C) : 0;
    const float *s = a->data, *g = sc->data, *bb = b->data, *m = mean->data, *vv = var->data;
    float *d = o->data;
    for (int64_t nb = 0; nb < a->dims[0]; nb++)
        for (int64_t c = 0; c < C; c++) {
            float k = g[c] / sqrtf(vv[c] + eps), off = bb[c] - m[c] * k;
            const float *sp = s + (nb * C + c) * inner;
            float *dp = d + (nb * C + c) * inner;
            for (int64_t i = 0; i < inner; i++)
                dp[i] = sp[i] * k + off;
        }
    return SEG_OK;
}

static int run_matmul(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0), *b = seg__nn_in(x, n, 1);
    if (!a || !b || a->dtype != ONNX_FLOAT || b->dtype != ONNX_FLOAT || a->ndim < 1 || b->ndim < 1)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "needs float32 inputs");
    if (a->ndim > 2 && b->ndim > 2)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "batched x batched MatMul");
    int64_t M = a->ndim == 1 ? 1 : a->dims[a->ndim - 2], K = a->dims[a->ndim - 1];
    int64_t Kb = b->ndim == 1 ? b->dims[0] : b->dims[b->ndim - 2], N = b->ndim == 1 ? 1 : b->dims[b->ndim - 1];
    if (K != Kb)
        return seg__nn_fail(n, SEG_ESIZE, "inner dimensions %lld and %lld differ", (long long)K,
                            (long long)Kb);
    int64_t batch = 1, dims[NN_MAX_RANK];
    int nd = 0;
    for (int i = 0; i < a->ndim - 2; i++)
        batch *= a->dims[i], dims[nd++] = a->dims[i];
    if (a->ndim > 1)
        dims[nd++] = M;
    if (b->ndim > 1)
        dims[nd++] = N;
    nn_tensor *o = seg__nn_out(x, n, 0, ONNX_FLOAT, nd, dims);
    if (!o)
        return SEG_ENOMEM;
    x->macs += batch * M * N * K;
    for (int64_t t = 0; t < batch; t++)
        seg__nn_gemm(false, false, M, N, K, (const float *)a->data + t * M * K, K, b->data, N,
                     (float *)o->data + t * M * N, N);
    return SEG_OK;
}

static int run_gemm(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0), *b = seg__nn_in(x, n, 1), *c = seg__nn_in(x, n, 2);
    if (!a || !b || a->ndim != 2 || b->ndim != 2 || a->dtype != ONNX_FLOAT || b->dtype != ONNX_FLOAT)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "needs 2-D float32 A and B");
    bool ta = seg__nn_attr_int(n, "transA", 0), tb = seg__nn_attr_int(n, "transB", 0);
    float alpha = seg__nn_attr_float(n, "alpha", 1), beta = seg__nn_attr_float(n, "beta", 1);
    int64_t M = ta ? a->dims[1] : a->dims[0], K = ta ? a->dims[0] : a->dims[1];
    int64_t Kb = tb ? b->dims[1] : b->dims[0], N = tb ? b->dims[0] : b->dims[1];
    if (K != Kb)
        return seg__nn_fail(n, SEG_ESIZE, "inner dimensions differ");
    int64_t dims[2] = {M, N};
    nn_tensor *o = seg__nn_out(x, n, 0, ONNX_FLOAT, 2, dims);
    if (!o)
        return SEG_ENOMEM;
    x->macs += M * N * K;
    seg__nn_gemm(ta, tb, M, N, K, a->data, a->dims[1], b->data, b->dims[1], o->data, N);
    float *d = o->data;
    nn_tensor view = {.dtype = ONNX_FLOAT, .ndim = 2, .dims = {M, N}};
    if (c) {
        int bnd;
        int64_t bd[NN_MAX_RANK];
        if (c->dtype != ONNX_FLOAT || seg__nn_broadcast(n, c, &view, &bnd, bd) || bnd != 2 ||
            bd[0] != M || bd[1] != N)
            return seg__nn_fail(n, SEG_ESIZE, "C does not broadcast to the output");
        const float *cv = c->data;
        int64_t cm = c->ndim == 2 && c->dims[0] == M ? 1 : 0;
        int64_t cn = c->ndim >= 1 && c->dims[c->ndim - 1] == N ? 1 : 0;
        int64_t cw = c->ndim >= 1 ? c->dims[c->ndim - 1] : 1;
        for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++)
                d[i * N + j] = alpha * d[i * N + j] + beta * cv[i * cm * cw + j * cn];
    } else if (alpha != 1) {
        for (int64_t i = 0; i < M * N; i++)
            d[i] *= alpha;
    }
    return SEG_OK;
}

const nn_op seg__nn_reduce_ops[] = {
    {"Softmax", NULL, run_softmax, NULL, false}, {"LogSoftmax", NULL, run_logsoftmax, NULL, false},
    {"ArgMax", NULL, run_argmax, NULL, false}, {"ArgMin", NULL, run_argmin, NULL, false},
    {"ReduceMean", NULL, run_rmean, NULL, false}, {"ReduceSum", NULL, run_rsum, NULL, false},
    {"ReduceMax", NULL, run_rmax, NULL, false}, {"ReduceMin", NULL, run_rmin, NULL, false},
    {"ReduceProd", NULL, run_rprod, NULL, false},
    {"BatchNormalization", NULL, run_batchnorm, NULL, false}, {"MatMul", NULL, run_matmul, NULL, false},
    {"Gemm", NULL, run_gemm, NULL, false},
    {NULL, NULL, NULL, NULL, false},
};
