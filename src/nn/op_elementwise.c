/* Element-wise operators with numpy-style broadcasting: arithmetic, comparisons,
 * logic, activations, Clip, Cast. f32 and int64 take typed fast loops; other numeric
 * types go through double. */
#include "nn/half.h"
#include "nn/layout.h"
#include "nn/ops.h"

#include <math.h>
#include <string.h>

/* ---- broadcasting ---- */

int seg__nn_broadcast(const nn_node *n, const nn_tensor *a, const nn_tensor *b, int *ndim,
                      int64_t *dims)
{
    int nd = SEG_MAX(a->ndim, b->ndim);
    for (int i = 0; i < nd; i++) {
        int ia = i - (nd - a->ndim), ib = i - (nd - b->ndim);
        int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1)
            return seg__nn_fail(n, SEG_ESIZE, "shapes do not broadcast (dim %d: %lld vs %lld)",
                                i, (long long)da, (long long)db);
        dims[i] = da == 1 ? db : da;
    }
    *ndim = nd;
    return SEG_OK;
}

/* Strides (in elements) of t seen through an output of rank nd (0 on broadcast dims). */
static void bstrides(const nn_tensor *t, int nd, const int64_t *dims, int64_t *st)
{
    int64_t s = 1;
    for (int i = nd - 1; i >= 0; i--) {
        int it = i - (nd - t->ndim);
        int64_t d = it >= 0 ? t->dims[it] : 1;
        st[i] = d == 1 && dims[i] != 1 ? 0 : (d == 1 ? 0 : s);
        s *= d;
    }
}

enum { B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAX, B_MIN, B_MOD, B_EQ, B_GT, B_LT, B_GE, B_LE,
       B_AND, B_OR, B_XOR };

typedef struct bin_ctx {
    int op;
    const nn_tensor *a, *b;
    nn_tensor *o;
    int nd;
    int64_t dims[NN_MAX_RANK], sa[NN_MAX_RANK], sb[NN_MAX_RANK];
    int64_t inner; /* length of the innermost dimension */
} bin_ctx;

static inline float fop(int op, float x, float y)
{
    switch (op) {
    case B_ADD: return x + y;
    case B_SUB: return x - y;
    case B_MUL: return x * y;
    case B_DIV: return x / y;
    case B_POW: return powf(x, y);
    case B_MAX: return x > y ? x : y;
    case B_MIN: return x < y ? x : y;
    case B_MOD: return fmodf(x, y);
    default: return 0;
    }
}

static inline int64_t iop(int op, int64_t x, int64_t y)
{
    switch (op) {
    case B_ADD: return (int64_t)((uint64_t)x + (uint64_t)y);
    case B_SUB: return (int64_t)((uint64_t)x - (uint64_t)y);
    case B_MUL: return (int64_t)((uint64_t)x * (uint64_t)y);
    case B_DIV: return y == 0 ? 0 : (x == INT64_MIN && y == -1) ? x : x / y;
    case B_POW: return (int64_t)pow((double)x, (double)y);
    case B_MAX: return x > y ? x : y;
    case B_MIN: return x < y ? x : y;
    case B_MOD: { /* ONNX Mod with fmod=0: sign of the divisor, like Python */
        if (y == 0)
            return 0;
        int64_t r = (x == INT64_MIN && y == -1) ? 0 : x % y;
        return r != 0 && ((r < 0) != (y < 0)) ? r + y : r;
    }
    default: return 0;
    }
}

static inline bool cmp(int op, double x, double y)
{
    switch (op) {
    case B_EQ: return x == y;
    case B_GT: return x > y;
    case B_LT: return x < y;
    case B_GE: return x >= y;
    case B_LE: return x <= y;
    case B_AND: return x != 0 && y != 0;
    case B_OR: return x != 0 || y != 0;
    case B_XOR: return (x != 0) != (y != 0);
    default: return false;
    }
}

static void bin_rows(void *vc, int64_t r0, int64_t r1)
{
    bin_ctx *c = vc;
    int nd = c->nd;
    int64_t inner = c->inner, sai = c->sa[nd - 1], sbi = c->sb[nd - 1];
    for (int64_t r = r0; r < r1; r++) {
        /* offsets of row r (all dims but the innermost) */
        int64_t oa = 0, ob = 0, rem = r;
        for (int i = nd - 2; i >= 0; i--) {
            int64_t idx = rem % c->dims[i];
            rem /= c->dims[i];
            oa += idx * c->sa[i];
            ob += idx * c->sb[i];
        }
        int64_t oo = r * inner;
        if (c->o->dtype == ONNX_BOOL) {
            uint8_t *o = (uint8_t *)c->o->data + oo;
            for (int64_t j = 0; j < inner; j++)
                o[j] = cmp(c->op, seg__nn_get_f(c->a, oa + j * sai),
                           seg__nn_get_f(c->b, ob + j * sbi));
        } else if (c->a->dtype == ONNX_FLOAT) {
            const float *a = (const float *)c->a->data + oa, *b = (const float *)c->b->data + ob;
            float *o = (float *)c->o->data + oo;
            if (sai == 1 && sbi == 1) {
                switch (c->op) { /* the hot cases, written so the compiler vectorises them */
                case B_ADD: for (int64_t j = 0; j < inner; j++) o[j] = a[j] + b[j]; break;
                case B_MUL: for (int64_t j = 0; j < inner; j++) o[j] = a[j] * b[j]; break;
                case B_SUB: for (int64_t j = 0; j < inner; j++) o[j] = a[j] - b[j]; break;
                case B_DIV: for (int64_t j = 0; j < inner; j++) o[j] = a[j] / b[j]; break;
                default: for (int64_t j = 0; j < inner; j++) o[j] = fop(c->op, a[j], b[j]);
                }
            } else if (sai == 1 && sbi == 0) {
                float y = b[0];
                switch (c->op) {
                case B_ADD: for (int64_t j = 0; j < inner; j++) o[j] = a[j] + y; break;
                case B_MUL: for (int64_t j = 0; j < inner; j++) o[j] = a[j] * y; break;
                case B_SUB: for (int64_t j = 0; j < inner; j++) o[j] = a[j] - y; break;
                case B_DIV: for (int64_t j = 0; j < inner; j++) o[j] = a[j] / y; break;
                default: for (int64_t j = 0; j < inner; j++) o[j] = fop(c->op, a[j], y);
                }
            } else {
                for (int64_t j = 0; j < inner; j++)
                    o[j] = fop(c->op, a[j * sai], b[j * sbi]);
            }
        } else if (c->a->dtype == ONNX_INT64) {
            const int64_t *a = (const int64_t *)c->a->data + oa;
            const int64_t *b = (const int64_t *)c->b->data + ob;
            int64_t *o = (int64_t *)c->o->data + oo;
            for (int64_t j = 0; j < inner; j++)
                o[j] = iop(c->op, a[j * sai], b[j * sbi]);
        } else if (c->a->dtype == ONNX_INT32) {
            const int32_t *a = (const int32_t *)c->a->data + oa;
            const int32_t *b = (const int32_t *)c->b->data + ob;
            int32_t *o = (int32_t *)c->o->data + oo;
            for (int64_t j = 0; j < inner; j++)
                o[j] = (int32_t)iop(c->op, a[j * sai], b[j * sbi]);
        } else if (c->a->dtype == ONNX_DOUBLE) {
            const double *a = (const double *)c->a->data + oa;
            const double *b = (const double *)c->b->data + ob;
            double *o = (double *)c->o->data + oo;
            for (int64_t j = 0; j < inner; j++)
                o[j] = c->op == B_ADD ? a[j * sai] + b[j * sbi] : c->op == B_SUB ? a[j * sai] - b[j * sbi]
                     : c->op == B_MUL ? a[j * sai] * b[j * sbi] : c->op == B_DIV ? a[j * sai] / b[j * sbi]
                     : (double)fop(c->op, (float)a[j * sai], (float)b[j * sbi]);
        }
    }
}

static void flat_range(void *vc, int64_t b0, int64_t e0)
{
    bin_ctx *c = vc;
    const float *a = c->a->data, *b = c->b->data;
    float *o = c->o->data;
    for (int64_t j = b0; j < e0; j++)
        o[j] = fop(c->op, a[j], b[j]);
}

/* ---- one operand blocked, the other one value per channel (or a scalar) ---- */

typedef struct chan_ctx {
    int op;
    bool vec_first;   /* op(vector, x) rather than op(x, vector) */
    const float *x;   /* blocked [rows][HW][blk] */
    const float *vec; /* [N or 1][cb * blk], zero in the padding */
    float *o;
    int64_t cb, HW, blk, vstride;
} chan_ctx;

static void chan_rows(void *vc, int64_t r0, int64_t r1)
{
    const chan_ctx *c = vc;
    int64_t blk = c->blk, len = c->HW * blk;
    for (int64_t r = r0; r < r1; r++) {
        const float *v = c->vec + (r / c->cb) * c->vstride + (r % c->cb) * blk;
        const float *a = c->x + r * len;
        float *o = c->o + r * len;
        for (int64_t i = 0; i < len; i += blk) {
            switch (c->op) { /* the hot cases, written so the compiler vectorises them */
            case B_MUL: for (int64_t l = 0; l < blk; l++) o[i + l] = a[i + l] * v[l]; break;
            case B_ADD: for (int64_t l = 0; l < blk; l++) o[i + l] = a[i + l] + v[l]; break;
            default:
                for (int64_t l = 0; l < blk; l++)
                    o[i + l] = c->vec_first ? fop(c->op, v[l], a[i + l]) : fop(c->op, a[i + l], v[l]);
            }
        }
    }
}

/* Per-channel values of g (plain or blocked, broadcasting to [N or 1, C or 1, 1, 1]) as
 * [N or 1][cb * blk] with zero padding; NULL when g is not of that shape. */
static float *chan_vector(const nn_tensor *g, const int64_t *dims, int64_t blk, int64_t *vn)
{
    int64_t gd[4] = {1, 1, 1, 1};
    if (g->ndim > 4 || g->dtype != ONNX_FLOAT)
        return NULL;
    for (int i = 0; i < g->ndim; i++)
        gd[4 - g->ndim + i] = g->dims[i];
    if (gd[2] != 1 || gd[3] != 1 || (gd[1] != 1 && gd[1] != dims[1]) ||
        (gd[0] != 1 && gd[0] != dims[0]))
        return NULL;
    int64_t cb = (dims[1] + blk - 1) / blk;
    float *v = seg__calloc((size_t)(gd[0] * cb * blk), sizeof(float));
    if (!v)
        return NULL;
    const float *s = g->data;
    int64_t gcb = g->blk ? (gd[1] + g->blk - 1) / g->blk * g->blk : gd[1];
    for (int64_t nb = 0; nb < gd[0]; nb++)
        for (int64_t ch = 0; ch < dims[1]; ch++)
            v[nb * cb * blk + ch] = s[nb * gcb + (gd[1] == 1 ? 0 : ch)];
    *vn = gd[0];
    return v;
}

/* Binary operations that keep the blocked layout: the other operand of the same shape
 * is converted to it, or is one value per channel (squeeze-and-excite's Mul) or a
 * scalar. Returns false (nothing done) for any other case. */
static bool binary_blocked(nn_exec *x, nn_node *n, int op, int *rc)
{
    const nn_tensor *a = &x->vals[n->in[0]], *b = &x->vals[n->in[1]];
    int fk = a->blk && (!b->blk || a->numel >= b->numel) ? 0 : 1; /* the blocked operand */
    const nn_tensor *f = fk ? b : a, *g = fk ? a : b;
    if (!f->blk || f->ndim != 4 || f->dtype != ONNX_FLOAT || op > B_DIV || g->dtype != ONNX_FLOAT)
        return false;
    if (g->ndim == 4 && memcmp(g->dims, f->dims, sizeof f->dims[0] * 4) == 0) {
        if (g->blk != f->blk) /* same shape, plain: block it for this and later readers */
            *rc = seg__nn_make_blocked(x, &x->vals[n->in[1 - fk]], f->blk);
        return false; /* the flat path below does the rest */
    }
    int64_t vn = 0;
    float *vec = chan_vector(g, f->dims, f->blk, &vn);
    if (!vec)
        return false;
    int64_t dims[4];
    memcpy(dims, f->dims, sizeof dims);
    nn_tensor *o = seg__nn_out_view(x, n, 0, f, 4, dims);
    if (!o) {
        seg__free(vec);
        *rc = SEG_ENOMEM;
        return true;
    }
    int64_t cb = (dims[1] + f->blk - 1) / f->blk;
    chan_ctx c = {op, fk == 1, o->data, vec, o->data, cb, dims[2] * dims[3], f->blk,
                  vn > 1 ? cb * f->blk : 0};
    int64_t rows = dims[0] * cb;
    seg__parallel_for(rows, seg__grain(rows, SEG_MAX(1, 16384 / SEG_MAX(c.HW * c.blk, 1))),
                      chan_rows, &c);
    seg__nn_zero_pad(o);
    seg__free(vec);
    *rc = SEG_OK;
    return true;
}

static int run_binary(nn_exec *x, nn_node *n, int op)
{
    const nn_tensor *a = seg__nn_in(x, n, 0), *b = seg__nn_in(x, n, 1);
    if (!a || !b)
        return seg__nn_fail(n, SEG_EFORMAT, "needs two inputs");
    int rc = SEG_OK;
    if ((a->blk || b->blk) && binary_blocked(x, n, op, &rc))
        return rc;
    if (rc)
        return rc;
    if (a->blk && a->blk == b->blk && op <= B_MIN && a->ndim == b->ndim &&
        memcmp(a->dims, b->dims, sizeof(int64_t) * (size_t)a->ndim) == 0) {
        /* same shape, same blocked layout: element-wise over the padded buffers */
        nn_tensor *o = seg__nn_out_blk(x, n, 0, a->dims, a->blk);
        if (!o)
            return SEG_ENOMEM;
        bin_ctx c = {.op = op, .a = a, .b = b, .o = o};
        int64_t count = (int64_t)(o->bytes / sizeof(float));
        seg__parallel_for(count, seg__grain(count, 32768), flat_range, &c);
        return SEG_OK;
    }
    if ((a->blk && !(a = seg__nn_in_plain(x, n, 0))) || (b->blk && !(b = seg__nn_in_plain(x, n, 1))))
        return SEG_ENOMEM;
    bool logic = op >= B_EQ;
    if (a->dtype != b->dtype)
        return seg__nn_fail(n, SEG_EFORMAT, "input types differ (%s vs %s)",
                            seg__onnx_dtype_name(a->dtype), seg__onnx_dtype_name(b->dtype));
    if (!logic && a->dtype != ONNX_FLOAT && a->dtype != ONNX_INT64 && a->dtype != ONNX_INT32 &&
        a->dtype != ONNX_DOUBLE)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "type %s is not supported",
                            seg__onnx_dtype_name(a->dtype));
    bin_ctx c = {.op = op, .a = a, .b = b};
    rc = seg__nn_broadcast(n, a, b, &c.nd, c.dims);
    if (rc)
        return rc;
    nn_tensor *o = seg__nn_out(x, n, 0, logic ? ONNX_BOOL : a->dtype, c.nd, c.dims);
    if (!o)
        return seg_last_error()[0] ? SEG_ENOMEM : SEG_ENOMEM;
    if (o->numel == 0)
        return SEG_OK;
    if (c.nd == 0) { /* scalars */
        c.nd = 1;
        c.dims[0] = 1;
    }
    c.o = o;
    bstrides(a, c.nd, c.dims, c.sa);
    bstrides(b, c.nd, c.dims, c.sb);
    c.inner = c.dims[c.nd - 1];
    int64_t rows = o->numel / c.inner;
    seg__parallel_for(rows, seg__grain(rows, SEG_MAX(1, 16384 / SEG_MAX(c.inner, 1))), bin_rows,
                      &c);
    return SEG_OK;
}

#define BINARY(name, op) \
    static int run_##name(nn_exec *x, nn_node *n) { return run_binary(x, n, op); }
BINARY(add, B_ADD)
BINARY(sub, B_SUB)
BINARY(mul, B_MUL)
BINARY(div, B_DIV)
BINARY(pow, B_POW)
BINARY(eq, B_EQ)
BINARY(gt, B_GT)
BINARY(lt, B_LT)
BINARY(ge, B_GE)
BINARY(le, B_LE)
BINARY(and, B_AND)
BINARY(or, B_OR)
BINARY(xor, B_XOR)

static int run_mod(nn_exec *x, nn_node *n)
{
    return run_binary(x, n, B_MOD);
}

/* Max/Min/Sum take any number of inputs: fold them pairwise. */
static int run_variadic(nn_exec *x, nn_node *n, int op)
{
    if (n->n_in == 1) {
        const nn_tensor *a = seg__nn_in(x, n, 0);
        if (!a)
            return seg__nn_fail(n, SEG_EFORMAT, "missing input");
        return seg__nn_out_view(x, n, 0, a, a->ndim, a->dims) ? SEG_OK : SEG_ENOMEM;
    }
    if (n->n_in == 2)
        return run_binary(x, n, op);
    return seg__nn_fail(n, SEG_EUNSUPPORTED, "more than two inputs are not supported");
}

static int run_max(nn_exec *x, nn_node *n) { return run_variadic(x, n, B_MAX); }
static int run_min(nn_exec *x, nn_node *n) { return run_variadic(x, n, B_MIN); }
static int run_sum(nn_exec *x, nn_node *n) { return run_variadic(x, n, B_ADD); }

/* ---- unary ---- */

enum { U_RELU, U_SIGMOID, U_TANH, U_EXP, U_LOG, U_SQRT, U_NEG, U_ABS, U_FLOOR, U_CEIL,
       U_RECIP, U_CLIP, U_HSIGMOID, U_HSWISH, U_LEAKY, U_ROUND, U_ERF, U_SIN, U_COS, U_NOT };

typedef struct un_ctx {
    int op;
    const float *a;
    float *o;
    float p0, p1; /* Clip min/max, HardSigmoid alpha/beta, LeakyRelu alpha */
} un_ctx;

static void un_range(void *vc, int64_t b, int64_t e)
{
    un_ctx *c = vc;
    const float *a = c->a;
    float *o = c->o, p0 = c->p0, p1 = c->p1;
    switch (c->op) {
    case U_RELU: for (int64_t i = b; i < e; i++) o[i] = a[i] > 0 ? a[i] : 0; break;
    case U_CLIP:
        for (int64_t i = b; i < e; i++) {
            float v = a[i] < p0 ? p0 : a[i];
            o[i] = v > p1 ? p1 : v;
        }
        break;
    case U_SIGMOID: for (int64_t i = b; i < e; i++) o[i] = 1.0f / (1.0f + expf(-a[i])); break;
    case U_TANH: for (int64_t i = b; i < e; i++) o[i] = tanhf(a[i]); break;
    case U_EXP: for (int64_t i = b; i < e; i++) o[i] = expf(a[i]); break;
    case U_LOG: for (int64_t i = b; i < e; i++) o[i] = logf(a[i]); break;
    case U_SQRT: for (int64_t i = b; i < e; i++) o[i] = sqrtf(a[i]); break;
    case U_NEG: for (int64_t i = b; i < e; i++) o[i] = -a[i]; break;
    case U_ABS: for (int64_t i = b; i < e; i++) o[i] = fabsf(a[i]); break;
    case U_FLOOR: for (int64_t i = b; i < e; i++) o[i] = floorf(a[i]); break;
    case U_CEIL: for (int64_t i = b; i < e; i++) o[i] = ceilf(a[i]); break;
    case U_ROUND: for (int64_t i = b; i < e; i++) o[i] = nearbyintf(a[i]); break;
    case U_RECIP: for (int64_t i = b; i < e; i++) o[i] = 1.0f / a[i]; break;
    case U_ERF: for (int64_t i = b; i < e; i++) o[i] = erff(a[i]); break;
    case U_SIN: for (int64_t i = b; i < e; i++) o[i] = sinf(a[i]); break;
    case U_COS: for (int64_t i = b; i < e; i++) o[i] = cosf(a[i]); break;
    case U_HSIGMOID:
        for (int64_t i = b; i < e; i++) {
            float v = p0 * a[i] + p1;
            o[i] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
        break;
    case U_HSWISH:
        for (int64_t i = b; i < e; i++) {
            float v = a[i] / 6.0f + 0.5f;
            o[i] = a[i] * (v < 0 ? 0 : v > 1 ? 1 : v);
        }
        break;
    case U_LEAKY: for (int64_t i = b; i < e; i++) o[i] = a[i] >= 0 ? a[i] : p0 * a[i]; break;
    default: break;
    }
}

static int run_unary_p(nn_exec *x, nn_node *n, int op, float p0, float p1)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a)
        return seg__nn_fail(n, SEG_EFORMAT, "missing input");
    if (op == U_NOT) {
        nn_tensor *o = seg__nn_out(x, n, 0, ONNX_BOOL, a->ndim, a->dims);
        if (!o)
            return SEG_ENOMEM;
        for (int64_t i = 0; i < a->numel; i++)
            ((uint8_t *)o->data)[i] = !((const uint8_t *)a->data)[i];
        return SEG_OK;
    }
    if (a->dtype == ONNX_INT64 && (op == U_NEG || op == U_ABS || op == U_RELU ||
                                   op == U_CLIP || op == U_FLOOR || op == U_CEIL)) {
        nn_tensor *o = seg__nn_out(x, n, 0, ONNX_INT64, a->ndim, a->dims);
        if (!o)
            return SEG_ENOMEM;
        const int64_t *s = a->data;
        int64_t *d = o->data;
        for (int64_t i = 0; i < a->numel; i++) {
            int64_t v = s[i];
            d[i] = op == U_NEG ? -v : op == U_ABS ? (v < 0 ? -v : v) : op == U_RELU ? (v > 0 ? v : 0)
                 : op == U_CLIP ? (v < p0 ? (int64_t)p0 : v > p1 ? (int64_t)p1 : v) : v;
        }
        return SEG_OK;
    }
    if (a->dtype != ONNX_FLOAT)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "type %s is not supported",
                            seg__onnx_dtype_name(a->dtype));
    /* In place when this node is the last reader of its input. */
    nn_tensor *o = seg__nn_out_view(x, n, 0, a, a->ndim, a->dims);
    if (!o)
        return SEG_ENOMEM;
    un_ctx c = {op, o->data, o->data, p0, p1};
    int64_t count = (int64_t)(o->bytes / sizeof(float)); /* blocked: the padding too */
    seg__parallel_for(count, seg__grain(count, 32768), un_range, &c);
    if (o->blk) /* f(0) != 0 for some: the channel padding must stay zero */
        seg__nn_zero_pad(o);
    return SEG_OK;
}

#define UNARY(name, op) \
    static int run_##name(nn_exec *x, nn_node *n) { return run_unary_p(x, n, op, 0, 0); }
UNARY(relu, U_RELU)
UNARY(sigmoid, U_SIGMOID)
UNARY(tanh, U_TANH)
UNARY(exp, U_EXP)
UNARY(log, U_LOG)
UNARY(sqrt, U_SQRT)
UNARY(neg, U_NEG)
UNARY(abs, U_ABS)
UNARY(floor, U_FLOOR)
UNARY(ceil, U_CEIL)
UNARY(round, U_ROUND)
UNARY(recip, U_RECIP)
UNARY(erf, U_ERF)
UNARY(sin, U_SIN)
UNARY(cos, U_COS)
UNARY(hswish, U_HSWISH)
UNARY(not, U_NOT)

static int run_hsigmoid(nn_exec *x, nn_node *n)
{
    return run_unary_p(x, n, U_HSIGMOID, seg__nn_attr_float(n, "alpha", 0.2f),
                       seg__nn_attr_float(n, "beta", 0.5f));
}

static int run_leaky(nn_exec *x, nn_node *n)
{
    return run_unary_p(x, n, U_LEAKY, seg__nn_attr_float(n, "alpha", 0.01f), 0);
}

/* Clip: bounds from attributes (opset < 11) or optional inputs (opset >= 11). */
static int run_clip(nn_exec *x, nn_node *n)
{
    float lo = seg__nn_attr_float(n, "min", -INFINITY), hi = seg__nn_attr_float(n, "max", INFINITY);
    const nn_tensor *tmin = seg__nn_in(x, n, 1), *tmax = seg__nn_in(x, n, 2);
    if (tmin && tmin->numel == 1)
        lo = (float)seg__nn_get_f(tmin, 0);
    if (tmax && tmax->numel == 1)
        hi = (float)seg__nn_get_f(tmax, 0);
    if ((tmin && tmin->numel != 1) || (tmax && tmax->numel != 1))
        return seg__nn_fail(n, SEG_EFORMAT, "min and max must be scalars");
    return run_unary_p(x, n, U_CLIP, lo, hi);
}

/* ---- Cast ---- */

static int run_cast(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    int to = (int)seg__nn_attr_int(n, "to", 0);
    if (!a)
        return seg__nn_fail(n, SEG_EFORMAT, "missing input");
    if (!seg__onnx_dtype_size(to) || to == ONNX_STRING || to == ONNX_COMPLEX64 ||
        to == ONNX_COMPLEX128)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "cast to type %d is not supported", to);
    if (a->dtype == to)
        return seg__nn_out_view(x, n, 0, a, a->ndim, a->dims) ? SEG_OK : SEG_ENOMEM;
    nn_tensor *o = seg__nn_out(x, n, 0, to, a->ndim, a->dims);
    if (!o)
        return SEG_ENOMEM;
    for (int64_t i = 0; i < a->numel; i++) {
        double v = seg__nn_get_f(a, i);
        /* the integer value wrapped to narrower types; out-of-range floats give 0
         * (converting them is undefined in C, implementation-defined in ONNX) */
        int64_t iv = isfinite(v) && fabs(v) < 9.2e18 ? (int64_t)v : 0;
        void *d = o->data;
        switch (to) {
        case ONNX_FLOAT: ((float *)d)[i] = (float)v; break;
        case ONNX_DOUBLE: ((double *)d)[i] = v; break;
        case ONNX_INT64:
            ((int64_t *)d)[i] = a->dtype == ONNX_INT64 ? ((const int64_t *)a->data)[i]
                                : isfinite(v) && fabs(v) < 9.2e18 ? (int64_t)v : INT64_MIN;
            break;
        case ONNX_INT32: ((int32_t *)d)[i] = isfinite(v) && fabs(v) < 2.1e9 ? (int32_t)v : INT32_MIN; break;
        case ONNX_BOOL: ((uint8_t *)d)[i] = v != 0; break;
        case ONNX_UINT8: ((uint8_t *)d)[i] = (uint8_t)iv; break;
        case ONNX_INT8: ((int8_t *)d)[i] = (int8_t)iv; break;
        case ONNX_INT16: ((int16_t *)d)[i] = (int16_t)iv; break;
        case ONNX_UINT16: ((uint16_t *)d)[i] = (uint16_t)iv; break;
        case ONNX_UINT32: ((uint32_t *)d)[i] = (uint32_t)iv; break;
        case ONNX_UINT64: ((uint64_t *)d)[i] = (uint64_t)iv; break;
        case ONNX_FLOAT16: ((uint16_t *)d)[i] = seg__float_to_half((float)v); break;
        case ONNX_BFLOAT16: ((uint16_t *)d)[i] = seg__float_to_bf16((float)v); break;
        default: break;
        }
    }
    return SEG_OK;
}

const nn_op seg__nn_elementwise_ops[] = {
    {"Add", NULL, run_add, NULL, true}, {"Sub", NULL, run_sub, NULL, true}, {"Mul", NULL, run_mul, NULL, true},
    {"Div", NULL, run_div, NULL, true}, {"Pow", NULL, run_pow, NULL, false}, {"Mod", NULL, run_mod, NULL, false},
    {"Max", NULL, run_max, NULL, false}, {"Min", NULL, run_min, NULL, false}, {"Sum", NULL, run_sum, NULL, false},
    {"Equal", NULL, run_eq, NULL, false}, {"Greater", NULL, run_gt, NULL, false}, {"Less", NULL, run_lt, NULL, false},
    {"GreaterOrEqual", NULL, run_ge, NULL, false}, {"LessOrEqual", NULL, run_le, NULL, false},
    {"And", NULL, run_and, NULL, false}, {"Or", NULL, run_or, NULL, false}, {"Xor", NULL, run_xor, NULL, false},
    {"Not", NULL, run_not, NULL, false},
    {"Relu", NULL, run_relu, NULL, true}, {"Sigmoid", NULL, run_sigmoid, NULL, true},
    {"Tanh", NULL, run_tanh, NULL, true}, {"Exp", NULL, run_exp, NULL, true}, {"Log", NULL, run_log, NULL, true},
    {"Sqrt", NULL, run_sqrt, NULL, true}, {"Neg", NULL, run_neg, NULL, true}, {"Abs", NULL, run_abs, NULL, true},
    {"Floor", NULL, run_floor, NULL, true}, {"Ceil", NULL, run_ceil, NULL, true},
    {"Round", NULL, run_round, NULL, true}, {"Reciprocal", NULL, run_recip, NULL, true},
    {"Erf", NULL, run_erf, NULL, true}, {"Sin", NULL, run_sin, NULL, true}, {"Cos", NULL, run_cos, NULL, true},
    {"HardSigmoid", NULL, run_hsigmoid, NULL, true}, {"HardSwish", NULL, run_hswish, NULL, true},
    {"LeakyRelu", NULL, run_leaky, NULL, true}, {"Clip", NULL, run_clip, NULL, true},
    {"Cast", NULL, run_cast, NULL, false},
    {NULL, NULL, NULL, NULL, false},
};
