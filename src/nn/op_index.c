/* Data-dependent indexing: NonZero, Where, ScatterElements, GatherElements (ONNX
 * semantics; any element type, elements moved as bytes). Out-of-range indices are an
 * error naming the node, never a read or write outside the tensors. */
#include "nn/ops.h"

#include <string.h>

/* Element i of an int32/int64 index tensor. */
static int64_t index_at(const nn_tensor *t, int64_t i)
{
    return t->dtype == ONNX_INT64 ? ((const int64_t *)t->data)[i] : ((const int32_t *)t->data)[i];
}

static int run_nonzero(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a)
        return seg__nn_fail(n, SEG_EFORMAT, "needs an input");
    int64_t count = 0;
    for (int64_t i = 0; i < a->numel; i++)
        count += seg__nn_get_f(a, i) != 0;
    int rank = a->ndim ? a->ndim : 1; /* a scalar reads as a one-element vector */
    int64_t dims[2] = {rank, count};
    nn_tensor *o = seg__nn_out(x, n, 0, ONNX_INT64, 2, dims);
    if (!o)
        return SEG_ENOMEM;
    int64_t *d = o->data, j = 0;
    for (int64_t i = 0; i < a->numel; i++) {
        if (seg__nn_get_f(a, i) == 0)
            continue;
        int64_t rem = i;
        for (int k = a->ndim - 1; k >= 0; k--) {
            d[k * count + j] = rem % a->dims[k];
            rem /= a->dims[k];
        }
        if (!a->ndim)
            d[j] = 0;
        j++;
    }
    return SEG_OK;
}

/* Strides of t (right-aligned to ndim dims) with 0 along broadcast dimensions. */
static void bcast_strides(const nn_tensor *t, int ndim, int64_t *st)
{
    int64_t s = 1;
    for (int i = ndim - 1; i >= 0; i--) {
        int k = i - (ndim - t->ndim);
        int64_t d = k >= 0 ? t->dims[k] : 1;
        st[i] = d == 1 ? 0 : s;
        s *= d;
    }
}

static int run_where(nn_exec *x, nn_node *n)
{
    const nn_tensor *c = seg__nn_in(x, n, 0), *a = seg__nn_in(x, n, 1), *b = seg__nn_in(x, n, 2);
    if (!c || !a || !b || a->dtype != b->dtype)
        return seg__nn_fail(n, SEG_EFORMAT, "needs a condition and two inputs of one type");
    int nd = SEG_MAX(c->ndim, SEG_MAX(a->ndim, b->ndim));
    int64_t dims[NN_MAX_RANK];
    const nn_tensor *ts[3] = {c, a, b};
    for (int i = 0; i < nd; i++) {
        dims[i] = 1;
        for (int t = 0; t < 3; t++) {
            int k = i - (nd - ts[t]->ndim);
            int64_t d = k >= 0 ? ts[t]->dims[k] : 1;
            if (d != 1 && dims[i] != 1 && d != dims[i])
                return seg__nn_fail(n, SEG_ESIZE, "shapes do not broadcast");
            if (d != 1)
                dims[i] = d;
        }
    }
    nn_tensor *o = seg__nn_out(x, n, 0, a->dtype, nd, dims);
    if (!o)
        return SEG_ENOMEM;
    int64_t sc[NN_MAX_RANK], sa[NN_MAX_RANK], sb[NN_MAX_RANK], idx[NN_MAX_RANK] = {0};
    bcast_strides(c, nd, sc);
    bcast_strides(a, nd, sa);
    bcast_strides(b, nd, sb);
    size_t es = seg__onnx_dtype_size(a->dtype);
    int64_t oc = 0, oa = 0, ob = 0;
    char *d = o->data;
    for (int64_t i = 0; i < o->numel; i++) {
        bool pick = seg__nn_get_f(c, oc) != 0;
        memcpy(d + (size_t)i * es, (const char *)(pick ? a->data : b->data) +
                                       (size_t)(pick ? oa : ob) * es, es);
        for (int k = nd - 1; k >= 0; k--) { /* odometer over the output */
            oc += sc[k], oa += sa[k], ob += sb[k];
            if (++idx[k] < dims[k])
                break;
            oc -= sc[k] * dims[k], oa -= sa[k] * dims[k], ob -= sb[k] * dims[k];
            idx[k] = 0;
        }
    }
    return SEG_OK;
}

/* Walks the index tensor in order, giving for each position the offset in data of the
 * element with coordinate `axis` replaced by the index value. */
typedef struct elem_walk {
    const nn_tensor *data, *ind;
    int axis;
    int64_t coord[NN_MAX_RANK], stride[NN_MAX_RANK], base;
} elem_walk;

static void walk_init(elem_walk *w, const nn_tensor *data, const nn_tensor *ind, int axis)
{
    memset(w, 0, sizeof *w);
    w->data = data, w->ind = ind, w->axis = axis;
    int64_t s = 1;
    for (int k = data->ndim - 1; k >= 0; k--) {
        w->stride[k] = s;
        s *= data->dims[k];
    }
}

/* Offset for position i (the walk's current one), then step; -1 when out of range. */
static int64_t walk_next(elem_walk *w, int64_t i)
{
    int64_t v = index_at(w->ind, i), len = w->data->dims[w->axis];
    if (v < 0)
        v += len;
    int64_t off = v < 0 || v >= len ? -1 : w->base + v * w->stride[w->axis];
    for (int k = w->ind->ndim - 1; k >= 0; k--) {
        int64_t st = k == w->axis ? 0 : w->stride[k];
        w->base += st;
        if (++w->coord[k] < w->ind->dims[k])
            break;
        w->base -= st * w->ind->dims[k];
        w->coord[k] = 0;
    }
    return off;
}

static int index_args(nn_node *n, const nn_tensor *data, const nn_tensor *ind, int *axis)
{
    if (!data || !ind || (ind->dtype != ONNX_INT64 && ind->dtype != ONNX_INT32))
        return seg__nn_fail(n, SEG_EFORMAT, "needs data and int32/int64 indices");
    int64_t ax = seg__nn_attr_int(n, "axis", 0);
    if (ax < 0)
        ax += data->ndim;
    if (ax < 0 || ax >= data->ndim || ind->ndim != data->ndim)
        return seg__nn_fail(n, SEG_EFORMAT, "axis out of range or ranks differ");
    for (int k = 0; k < data->ndim; k++)
        if (k != ax && ind->dims[k] > data->dims[k])
            return seg__nn_fail(n, SEG_ESIZE, "indices larger than the data along axis %d", k);
    *axis = (int)ax;
    return SEG_OK;
}

static int run_gather_elements(nn_exec *x, nn_node *n)
{
    const nn_tensor *data = seg__nn_in(x, n, 0), *ind = seg__nn_in(x, n, 1);
    int axis, rc = index_args(n, data, ind, &axis);
    if (rc)
        return rc;
    nn_tensor *o = seg__nn_out(x, n, 0, data->dtype, ind->ndim, ind->dims);
    if (!o)
        return SEG_ENOMEM;
    size_t es = seg__onnx_dtype_size(data->dtype);
    elem_walk w;
    walk_init(&w, data, ind, axis);
    for (int64_t i = 0; i < ind->numel; i++) {
        int64_t off = walk_next(&w, i);
        if (off < 0)
            return seg__nn_fail(n, SEG_ESIZE, "index out of range");
        memcpy((char *)o->data + (size_t)i * es, (const char *)data->data + (size_t)off * es, es);
    }
    return SEG_OK;
}

/* Whole rows at once: along axis 0, with indices of the data's shape past it and one
 * value per row (torchvision's MultiScaleRoIAlign scatters its levels' results so).
 * Returns false, having written nothing, when the indices are not of that form. */
static bool scatter_rows(const nn_tensor *data, const nn_tensor *ind, const nn_tensor *upd,
                         int axis, nn_tensor *o)
{
    if (axis != 0 || ind->ndim < 2)
        return false;
    int64_t inner = 1;
    for (int k = 1; k < ind->ndim; k++) {
        if (ind->dims[k] != data->dims[k])
            return false;
        inner *= ind->dims[k];
    }
    for (int64_t r = 0; r < ind->dims[0]; r++) {
        int64_t v = index_at(ind, r * inner);
        if (v < -data->dims[0] || v >= data->dims[0])
            return false;
        for (int64_t j = 1; j < inner; j++)
            if (index_at(ind, r * inner + j) != v)
                return false;
    }
    size_t row = (size_t)inner * seg__onnx_dtype_size(data->dtype);
    for (int64_t r = 0; r < ind->dims[0]; r++) {
        int64_t v = index_at(ind, r * inner);
        v += v < 0 ? data->dims[0] : 0;
        memcpy((char *)o->data + (size_t)v * row, (const char *)upd->data + (size_t)r * row, row);
    }
    return true;
}

static int run_scatter_elements(nn_exec *x, nn_node *n)
{
    const nn_tensor *data = seg__nn_in(x, n, 0), *ind = seg__nn_in(x, n, 1);
    const nn_tensor *upd = seg__nn_in(x, n, 2);
    int axis, rc = index_args(n, data, ind, &axis);
    if (rc)
        return rc;
    if (!upd || upd->dtype != data->dtype || upd->ndim != ind->ndim ||
        memcmp(upd->dims, ind->dims, sizeof(int64_t) * (size_t)ind->ndim))
        return seg__nn_fail(n, SEG_EFORMAT, "updates must have the indices' shape and the data's type");
    const char *red = seg__nn_attr_str(n, "reduction", "none");
    bool add = strcmp(red, "add") == 0, mul = strcmp(red, "mul") == 0;
    if (!add && !mul && strcmp(red, "none"))
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "reduction '%s'", red);
    if ((add || mul) && data->dtype != ONNX_FLOAT && data->dtype != ONNX_INT64)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "reduction on %s", seg__onnx_dtype_name(data->dtype));
    /* the output starts as the data (its buffer when this node is its last reader) */
    nn_tensor *o = seg__nn_out_view(x, n, 0, data, data->ndim, data->dims);
    if (!o)
        return SEG_ENOMEM;
    if (!add && !mul && scatter_rows(o, ind, upd, axis, o))
        return SEG_OK;
    /* check every index before writing */
    elem_walk w;
    walk_init(&w, o, ind, axis);
    for (int64_t i = 0; i < ind->numel; i++)
        if (walk_next(&w, i) < 0)
            return seg__nn_fail(n, SEG_ESIZE, "index out of range");
    size_t es = seg__onnx_dtype_size(o->dtype);
    walk_init(&w, o, ind, axis);
    for (int64_t i = 0; i < ind->numel; i++) {
        int64_t off = walk_next(&w, i);
        char *dst = (char *)o->data + (size_t)off * es;
        const char *src = (const char *)upd->data + (size_t)i * es;
        if (!add && !mul) {
            memcpy(dst, src, es);
        } else if (data->dtype == ONNX_FLOAT) {
            float a, b;
            memcpy(&a, dst, 4);
            memcpy(&b, src, 4);
            a = add ? a + b : a * b;
            memcpy(dst, &a, 4);
        } else {
            int64_t a, b;
            memcpy(&a, dst, 8);
            memcpy(&b, src, 8);
            a = add ? (int64_t)((uint64_t)a + (uint64_t)b) : (int64_t)((uint64_t)a * (uint64_t)b);
            memcpy(dst, &a, 8);
        }
    }
    return SEG_OK;
}

const nn_op seg__nn_index_ops[] = {
    {"NonZero", NULL, run_nonzero, NULL, false},
    {"Where", NULL, run_where, NULL, false},
    {"GatherElements", NULL, run_gather_elements, NULL, false},
    {"ScatterElements", NULL, run_scatter_elements, NULL, false},
    {"Scatter", NULL, run_scatter_elements, NULL, false},
    {NULL, NULL, NULL, NULL, false},
};
