/* Shape and data-movement operators: Shape, Reshape, Flatten, (Un)Squeeze, Transpose,
 * Concat, Slice, Gather, Split, Expand, Pad, Constant(OfShape), Identity, Dropout. */
#include "nn/ops.h"

#include <math.h>
#include <string.h>

static int nomem(const nn_node *n)
{
    (void)n;
    return SEG_ENOMEM;
}

static int64_t norm_axis(int64_t axis, int rank)
{
    return axis < 0 ? axis + rank : axis;
}

/* Shape reads the logical dims only: a blocked input stays blocked (blocked_ok). */
static int run_shape(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a)
        return seg__nn_fail(n, SEG_EFORMAT, "missing input");
    int64_t start = seg__nn_attr_int(n, "start", 0), end = seg__nn_attr_int(n, "end", a->ndim);
    start = SEG_MIN(SEG_MAX(norm_axis(start, a->ndim), 0), a->ndim);
    end = SEG_MIN(SEG_MAX(norm_axis(end, a->ndim), 0), a->ndim);
    int64_t len = SEG_MAX(end - start, 0);
    nn_tensor *o = seg__nn_out(x, n, 0, ONNX_INT64, 1, &len);
    if (!o)
        return nomem(n);
    for (int64_t i = 0; i < len; i++)
        ((int64_t *)o->data)[i] = a->dims[start + i];
    return SEG_OK;
}

static int run_identity(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a)
        return seg__nn_fail(n, SEG_EFORMAT, "missing input");
    if (n->n_out > 1 && n->out[1] >= 0) { /* Dropout's mask: all ones in inference */
        nn_tensor *m = seg__nn_out(x, n, 1, ONNX_BOOL, a->ndim, a->dims);
        if (!m)
            return nomem(n);
        memset(m->data, 1, m->bytes);
    }
    return seg__nn_out_view(x, n, 0, a, a->ndim, a->dims) ? SEG_OK : nomem(n);
}

static int run_reshape(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0), *s = seg__nn_in(x, n, 1);
    int64_t dims[NN_MAX_RANK];
    if (!a || !s)
        return seg__nn_fail(n, SEG_EFORMAT, "needs data and shape");
    int nd = seg__nn_read_ints(n, s, dims, NN_MAX_RANK);
    if (nd < 0)
        return nd;
    bool allowzero = seg__nn_attr_int(n, "allowzero", 0) != 0;
    int infer = -1;
    int64_t known = 1;
    for (int i = 0; i < nd; i++) {
        if (dims[i] == 0 && !allowzero) {
            if (i >= a->ndim)
                return seg__nn_fail(n, SEG_ESIZE, "shape copies dim %d the input lacks", i);
            dims[i] = a->dims[i];
        }
        if (dims[i] == -1) {
            if (infer >= 0)
                return seg__nn_fail(n, SEG_ESIZE, "two -1 dimensions in the new shape");
            infer = i;
        } else if (dims[i] < 0) {
            return seg__nn_fail(n, SEG_ESIZE, "negative dimension %lld", (long long)dims[i]);
        } else {
            known *= dims[i];
        }
    }
    if (infer >= 0) {
        if (known == 0 || a->numel % known)
            return seg__nn_fail(n, SEG_ESIZE, "cannot infer the -1 dimension");
        dims[infer] = a->numel / known;
    }
    if (seg__nn_numel(nd, dims) != a->numel)
        return seg__nn_fail(n, SEG_ESIZE, "new shape holds %lld elements, input has %lld",
                            (long long)seg__nn_numel(nd, dims), (long long)a->numel);
    return seg__nn_out_view(x, n, 0, a, nd, dims) ? SEG_OK : nomem(n);
}

static int run_flatten(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a)
        return seg__nn_fail(n, SEG_EFORMAT, "missing input");
    int64_t axis = norm_axis(seg__nn_attr_int(n, "axis", 1), a->ndim);
    if (axis < 0 || axis > a->ndim)
        return seg__nn_fail(n, SEG_EFORMAT, "axis out of range");
    int64_t d[2] = {1, 1};
    for (int i = 0; i < a->ndim; i++)
        d[i >= axis] *= a->dims[i];
    return seg__nn_out_view(x, n, 0, a, 2, d) ? SEG_OK : nomem(n);
}

/* Axes from the attribute (opset < 13) or the second input (opset >= 13). */
static int get_axes(nn_exec *x, nn_node *n, int64_t *axes)
{
    const int64_t *av;
    int na = seg__nn_attr_ints(n, "axes", &av);
    if (na >= 0) {
        if (na > NN_MAX_RANK)
            return seg__nn_fail(n, SEG_EFORMAT, "too many axes");
        memcpy(axes, av, sizeof(int64_t) * (size_t)na);
        return na;
    }
    const nn_tensor *t = seg__nn_in(x, n, 1);
    return t ? seg__nn_read_ints(n, t, axes, NN_MAX_RANK) : -1;
}

static int run_squeeze(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a)
        return seg__nn_fail(n, SEG_EFORMAT, "missing input");
    int64_t axes[NN_MAX_RANK], dims[NN_MAX_RANK];
    int na = get_axes(x, n, axes);
    if (na < -1)
        return na;
    bool drop[NN_MAX_RANK] = {0};
    for (int i = 0; i < na; i++) {
        int64_t ax = norm_axis(axes[i], a->ndim);
        if (ax < 0 || ax >= a->ndim || a->dims[ax] != 1)
            return seg__nn_fail(n, SEG_ESIZE, "axis %lld cannot be squeezed", (long long)axes[i]);
        drop[ax] = true;
    }
    int nd = 0;
    for (int i = 0; i < a->ndim; i++)
        if (!(na < 0 ? a->dims[i] == 1 : drop[i]))
            dims[nd++] = a->dims[i];
    return seg__nn_out_view(x, n, 0, a, nd, dims) ? SEG_OK : nomem(n);
}

static int run_unsqueeze(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a)
        return seg__nn_fail(n, SEG_EFORMAT, "missing input");
    int64_t axes[NN_MAX_RANK], dims[NN_MAX_RANK];
    int na = get_axes(x, n, axes);
    if (na < 0)
        return na < -1 ? na : seg__nn_fail(n, SEG_EFORMAT, "no axes");
    int nd = a->ndim + na;
    if (nd > NN_MAX_RANK)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "rank above %d", NN_MAX_RANK);
    bool add[NN_MAX_RANK] = {0};
    for (int i = 0; i < na; i++) {
        int64_t ax = norm_axis(axes[i], nd);
        if (ax < 0 || ax >= nd || add[ax])
            return seg__nn_fail(n, SEG_EFORMAT, "bad axis %lld", (long long)axes[i]);
        add[ax] = true;
    }
    for (int i = 0, k = 0; i < nd; i++)
        dims[i] = add[i] ? 1 : a->dims[k++];
    return seg__nn_out_view(x, n, 0, a, nd, dims) ? SEG_OK : nomem(n);
}

/* Generic strided copy: out[idx] = in[sum idx_i * st_i], elements of `es` bytes. */
typedef struct perm_ctx {
    const uint8_t *src;
    uint8_t *dst;
    size_t es;
    int nd;
    int64_t dims[NN_MAX_RANK], st[NN_MAX_RANK];
} perm_ctx;

static void perm_rows(void *vc, int64_t r0, int64_t r1)
{
    perm_ctx *c = vc;
    int nd = c->nd;
    int64_t inner = c->dims[nd - 1], sti = c->st[nd - 1];
    for (int64_t r = r0; r < r1; r++) {
        int64_t off = 0, rem = r;
        for (int i = nd - 2; i >= 0; i--) {
            off += (rem % c->dims[i]) * c->st[i];
            rem /= c->dims[i];
        }
        uint8_t *d = c->dst + (size_t)(r * inner) * c->es;
        if (c->es == 4) {
            const uint32_t *s = (const uint32_t *)c->src + off;
            for (int64_t j = 0; j < inner; j++)
                ((uint32_t *)d)[j] = s[j * sti];
        } else {
            for (int64_t j = 0; j < inner; j++)
                memcpy(d + (size_t)j * c->es, c->src + (size_t)(off + j * sti) * c->es, c->es);
        }
    }
}

static int run_transpose(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a)
        return seg__nn_fail(n, SEG_EFORMAT, "missing input");
    const int64_t *pv;
    int np = seg__nn_attr_ints(n, "perm", &pv);
    int64_t perm[NN_MAX_RANK], dims[NN_MAX_RANK], instr[NN_MAX_RANK];
    if (np < 0) {
        np = a->ndim;
        for (int i = 0; i < np; i++)
            perm[i] = np - 1 - i;
    } else {
        if (np != a->ndim)
            return seg__nn_fail(n, SEG_EFORMAT, "perm has %d entries for rank %d", np, a->ndim);
        memcpy(perm, pv, sizeof(int64_t) * (size_t)np);
    }
    bool seen[NN_MAX_RANK] = {0};
    for (int i = 0; i < np; i++) {
        if (perm[i] < 0 || perm[i] >= np || seen[perm[i]])
            return seg__nn_fail(n, SEG_EFORMAT, "perm is not a permutation");
        seen[perm[i]] = true;
    }
    int64_t s = 1;
    for (int i = a->ndim - 1; i >= 0; i--) {
        instr[i] = s;
        s *= a->dims[i];
    }
    perm_ctx c = {.src = a->data, .es = seg__onnx_dtype_size(a->dtype), .nd = np};
    for (int i = 0; i < np; i++) {
        dims[i] = a->dims[perm[i]];
        c.dims[i] = dims[i];
        c.st[i] = instr[perm[i]];
    }
    nn_tensor *o = seg__nn_out(x, n, 0, a->dtype, np, dims);
    if (!o)
        return nomem(n);
    if (!o->numel)
        return SEG_OK;
    if (np == 0) {
        memcpy(o->data, a->data, o->bytes);
        return SEG_OK;
    }
    c.dst = o->data;
    int64_t rows = o->numel / c.dims[np - 1];
    seg__parallel_for(rows, seg__grain(rows, SEG_MAX(1, 8192 / SEG_MAX(1, c.dims[np - 1]))),
                      perm_rows, &c);
    return SEG_OK;
}

/* Concat of blocked tensors along channels, each a whole number of blocks: per image,
 * the blocks of each input follow each other. */
static bool concat_blocked(nn_exec *x, nn_node *n, int *rc)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    int blk = a ? a->blk : 0;
    if (!blk || a->ndim != 4 || norm_axis(seg__nn_attr_int(n, "axis", 0), 4) != 1)
        return false;
    int64_t dims[4] = {a->dims[0], 0, a->dims[2], a->dims[3]};
    for (int k = 0; k < n->n_in; k++) {
        const nn_tensor *t = seg__nn_in(x, n, k);
        if (!t || t->blk != blk || t->ndim != 4 || t->dims[1] % blk || t->dims[0] != a->dims[0] ||
            t->dims[2] != a->dims[2] || t->dims[3] != a->dims[3])
            return false;
        dims[1] += t->dims[1];
    }
    nn_tensor *o = seg__nn_out_blk(x, n, 0, dims, blk);
    if (!o) {
        *rc = SEG_ENOMEM;
        return true;
    }
    size_t plane = (size_t)(dims[2] * dims[3]) * sizeof(float), off = 0;
    size_t per_n = (size_t)dims[1] * plane;
    for (int k = 0; k < n->n_in; k++) {
        const nn_tensor *t = seg__nn_in(x, n, k);
        size_t chunk = (size_t)t->dims[1] * plane;
        for (int64_t b = 0; b < dims[0]; b++)
            memcpy((uint8_t *)o->data + (size_t)b * per_n + off,
                   (const uint8_t *)t->data + (size_t)b * chunk, chunk);
        off += chunk;
    }
    *rc = SEG_OK;
    return true;
}

static int run_concat(nn_exec *x, nn_node *n)
{
    int brc;
    if (concat_blocked(x, n, &brc))
        return brc;
    for (int k = 0; k < n->n_in; k++)
        if (n->in[k] >= 0 && !seg__nn_in_plain(x, n, k))
            return SEG_ENOMEM;
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a)
        return seg__nn_fail(n, SEG_EFORMAT, "no inputs");
    int64_t axis = norm_axis(seg__nn_attr_int(n, "axis", 0), a->ndim);
    if (axis < 0 || axis >= a->ndim)
        return seg__nn_fail(n, SEG_EFORMAT, "axis out of range");
    int64_t dims[NN_MAX_RANK];
    memcpy(dims, a->dims, sizeof dims);
    dims[axis] = 0;
    for (int k = 0; k < n->n_in; k++) {
        const nn_tensor *t = seg__nn_in(x, n, k);
        if (!t || t->ndim != a->ndim || t->dtype != a->dtype)
            return seg__nn_fail(n, SEG_ESIZE, "input %d has another rank or type", k);
        for (int i = 0; i < a->ndim; i++)
            if (i != axis && t->dims[i] != a->dims[i])
                return seg__nn_fail(n, SEG_ESIZE, "input %d differs in dim %d", k, i);
        dims[axis] += t->dims[axis];
    }
    size_t es = seg__onnx_dtype_size(a->dtype);
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < axis; i++)
        outer *= dims[i];
    for (int i = (int)axis + 1; i < a->ndim; i++)
        inner *= dims[i];
    size_t orow = (size_t)(dims[axis] * inner) * es, off = 0;
    /* appending to a tensor nobody reads afterwards (a Loop's growing result): extend
     * its buffer instead of copying it */
    int64_t a_len = a->dims[axis];
    nn_tensor *o = outer == 1 ? seg__nn_out_grow(x, n, 0, 0, a->ndim, dims) : NULL;
    int k0 = 0;
    if (o) { /* a's bytes are in place (a itself is emptied) */
        off = (size_t)(a_len * inner) * es;
        k0 = 1;
    } else if (!(o = seg__nn_out(x, n, 0, a->dtype, a->ndim, dims))) {
        return nomem(n);
    }
    for (int k = k0; k < n->n_in; k++) {
        const nn_tensor *t = seg__nn_in(x, n, k);
        size_t row = (size_t)(t->dims[axis] * inner) * es;
        for (int64_t r = 0; r < outer; r++)
            memcpy((uint8_t *)o->data + (size_t)r * orow + off,
                   (const uint8_t *)t->data + (size_t)r * row, row);
        off += row;
    }
    return SEG_OK;
}

static int run_slice(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a)
        return seg__nn_fail(n, SEG_EFORMAT, "missing input");
    int64_t starts[NN_MAX_RANK], ends[NN_MAX_RANK], axes[NN_MAX_RANK], steps[NN_MAX_RANK];
    int ns, ne, na, nst = -1;
    const int64_t *v;
    if ((ns = seg__nn_attr_ints(n, "starts", &v)) >= 0) { /* opset < 10 */
        if (ns > NN_MAX_RANK)
            return seg__nn_fail(n, SEG_EFORMAT, "too many starts");
        memcpy(starts, v, sizeof(int64_t) * (size_t)ns);
        ne = seg__nn_attr_ints(n, "ends", &v);
        if (ne != ns)
            return seg__nn_fail(n, SEG_EFORMAT, "starts and ends differ in length");
        memcpy(ends, v, sizeof(int64_t) * (size_t)ne);
        na = seg__nn_attr_ints(n, "axes", &v);
        if (na >= 0) {
            if (na != ns)
                return seg__nn_fail(n, SEG_EFORMAT, "axes length differs");
            memcpy(axes, v, sizeof(int64_t) * (size_t)na);
        }
    } else {
        const nn_tensor *ts = seg__nn_in(x, n, 1), *te = seg__nn_in(x, n, 2);
        const nn_tensor *ta = seg__nn_in(x, n, 3), *tp = seg__nn_in(x, n, 4);
        if (!ts || !te)
            return seg__nn_fail(n, SEG_EFORMAT, "needs starts and ends");
        if ((ns = seg__nn_read_ints(n, ts, starts, NN_MAX_RANK)) < 0)
            return ns;
        if ((ne = seg__nn_read_ints(n, te, ends, NN_MAX_RANK)) < 0)
            return ne;
        na = ta ? seg__nn_read_ints(n, ta, axes, NN_MAX_RANK) : -1;
        if (ta && na < 0)
            return na;
        nst = tp ? seg__nn_read_ints(n, tp, steps, NN_MAX_RANK) : -1;
        if (tp && nst < 0)
            return nst;
        if (ne != ns || (na >= 0 && na != ns) || (nst >= 0 && nst != ns))
            return seg__nn_fail(n, SEG_EFORMAT, "starts/ends/axes/steps differ in length");
    }
    int64_t b[NN_MAX_RANK], st[NN_MAX_RANK], dims[NN_MAX_RANK];
    for (int i = 0; i < a->ndim; i++) {
        b[i] = 0;
        st[i] = 1;
        dims[i] = a->dims[i];
    }
    bool seen[NN_MAX_RANK] = {0};
    for (int k = 0; k < ns; k++) {
        int64_t ax = na >= 0 ? norm_axis(axes[k], a->ndim) : k;
        if (ax < 0 || ax >= a->ndim || seen[ax])
            return seg__nn_fail(n, SEG_EFORMAT, "bad or repeated axis");
        seen[ax] = true;
        int64_t d = a->dims[ax], step = nst >= 0 ? steps[k] : 1;
        if (step == 0)
            return seg__nn_fail(n, SEG_EFORMAT, "step 0");
        int64_t s = starts[k], e = ends[k];
        /* ONNX clamping rules (as numpy): negative from the end, then clamp. */
        if (s < 0)
            s += d;
        if (e < 0 && e > INT64_MIN / 2)
            e += d;
        if (step > 0) {
            s = SEG_MIN(SEG_MAX(s, 0), d);
            e = SEG_MIN(SEG_MAX(e, 0), d);
            dims[ax] = e > s ? (e - s + step - 1) / step : 0;
        } else {
            s = SEG_MIN(SEG_MAX(s, -1), d - 1);
            e = SEG_MIN(SEG_MAX(e, -1), d - 1);
            dims[ax] = s > e ? (s - e - step - 1) / -step : 0;
        }
        b[ax] = s;
        st[ax] = step;
    }
    nn_tensor *o = seg__nn_out(x, n, 0, a->dtype, a->ndim, dims);
    if (!o)
        return nomem(n);
    if (!o->numel || !a->ndim) {
        if (o->numel)
            memcpy(o->data, a->data, o->bytes);
        return SEG_OK;
    }
    perm_ctx c = {.dst = o->data, .es = seg__onnx_dtype_size(a->dtype), .nd = a->ndim};
    int64_t s = 1, off = 0;
    for (int i = a->ndim - 1; i >= 0; i--) {
        c.st[i] = s * st[i];
        off += b[i] * s;
        c.dims[i] = dims[i];
        s *= a->dims[i];
    }
    c.src = (const uint8_t *)a->data + (size_t)off * c.es;
    int64_t rows = o->numel / c.dims[a->ndim - 1];
    seg__parallel_for(rows, seg__grain(rows, 64), perm_rows, &c);
    return SEG_OK;
}

static int run_gather(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0), *idx = seg__nn_in(x, n, 1);
    if (!a || !idx || (idx->dtype != ONNX_INT64 && idx->dtype != ONNX_INT32))
        return seg__nn_fail(n, SEG_EFORMAT, "needs data and int indices");
    int64_t axis = norm_axis(seg__nn_attr_int(n, "axis", 0), a->ndim);
    if (axis < 0 || axis >= a->ndim || a->ndim - 1 + idx->ndim > NN_MAX_RANK)
        return seg__nn_fail(n, SEG_EFORMAT, "bad axis or rank");
    int64_t dims[NN_MAX_RANK];
    int nd = 0;
    for (int i = 0; i < axis; i++)
        dims[nd++] = a->dims[i];
    for (int i = 0; i < idx->ndim; i++)
        dims[nd++] = idx->dims[i];
    for (int i = (int)axis + 1; i < a->ndim; i++)
        dims[nd++] = a->dims[i];
    nn_tensor *o = seg__nn_out(x, n, 0, a->dtype, nd, dims);
    if (!o)
        return nomem(n);
    size_t es = seg__onnx_dtype_size(a->dtype);
    int64_t outer = 1, inner = 1, d = a->dims[axis];
    for (int i = 0; i < axis; i++)
        outer *= a->dims[i];
    for (int i = (int)axis + 1; i < a->ndim; i++)
        inner *= a->dims[i];
    size_t chunk = (size_t)inner * es;
    uint8_t *dst = o->data;
    for (int64_t r = 0; r < outer; r++)
        for (int64_t j = 0; j < idx->numel; j++) {
            int64_t k = seg__nn_get_i(idx, j);
            if (k < 0)
                k += d;
            if (k < 0 || k >= d)
                return seg__nn_fail(n, SEG_EFORMAT, "index %lld out of range [0, %lld)",
                                    (long long)k, (long long)d);
            memcpy(dst, (const uint8_t *)a->data + (size_t)(r * d + k) * chunk, chunk);
            dst += chunk;
        }
    return SEG_OK;
}

static int run_split(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a)
        return seg__nn_fail(n, SEG_EFORMAT, "missing input");
    int64_t axis = norm_axis(seg__nn_attr_int(n, "axis", 0), a->ndim);
    if (axis < 0 || axis >= a->ndim)
        return seg__nn_fail(n, SEG_EFORMAT, "axis out of range");
    int64_t sizes[64];
    const int64_t *v;
    int ns = seg__nn_attr_ints(n, "split", &v);
    if (ns >= 0) {
        if (ns > 64)
            return seg__nn_fail(n, SEG_EUNSUPPORTED, "more than 64 splits");
        memcpy(sizes, v, sizeof(int64_t) * (size_t)ns);
    } else if (seg__nn_in(x, n, 1)) {
        if ((ns = seg__nn_read_ints(n, seg__nn_in(x, n, 1), sizes, 64)) < 0)
            return ns;
    } else {
        ns = n->n_out;
        if (ns <= 0 || ns > 64)
            return seg__nn_fail(n, SEG_EFORMAT, "bad output count");
        int64_t each = (a->dims[axis] + ns - 1) / ns;
        for (int i = 0; i < ns; i++)
            sizes[i] = SEG_MIN(each, SEG_MAX(0, a->dims[axis] - i * each));
    }
    if (ns != n->n_out)
        return seg__nn_fail(n, SEG_EFORMAT, "split sizes do not match the outputs");
    int64_t total = 0;
    for (int i = 0; i < ns; i++)
        total += sizes[i];
    if (total != a->dims[axis])
        return seg__nn_fail(n, SEG_ESIZE, "split sizes add up to %lld, dim is %lld",
                            (long long)total, (long long)a->dims[axis]);
    size_t es = seg__onnx_dtype_size(a->dtype);
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < axis; i++)
        outer *= a->dims[i];
    for (int i = (int)axis + 1; i < a->ndim; i++)
        inner *= a->dims[i];
    int64_t off = 0;
    for (int k = 0; k < ns; k++) {
        int64_t dims[NN_MAX_RANK];
        memcpy(dims, a->dims, sizeof dims);
        dims[axis] = sizes[k];
        nn_tensor *o = seg__nn_out(x, n, k, a->dtype, a->ndim, dims);
        if (!o)
            return nomem(n);
        size_t row = (size_t)(sizes[k] * inner) * es, arow = (size_t)(a->dims[axis] * inner) * es;
        for (int64_t r = 0; r < outer; r++)
            memcpy((uint8_t *)o->data + (size_t)r * row,
                   (const uint8_t *)a->data + (size_t)r * arow + (size_t)(off * inner) * es, row);
        off += sizes[k];
    }
    return SEG_OK;
}

static int run_expand(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0), *s = seg__nn_in(x, n, 1);
    if (!a || !s)
        return seg__nn_fail(n, SEG_EFORMAT, "needs data and a shape");
    nn_tensor shape = {.dtype = a->dtype, .ndim = 0};
    int nd = seg__nn_read_ints(n, s, shape.dims, NN_MAX_RANK);
    if (nd < 0)
        return nd;
    shape.ndim = nd;
    int64_t dims[NN_MAX_RANK];
    int ond;
    int rc = seg__nn_broadcast(n, a, &shape, &ond, dims);
    if (rc)
        return rc;
    nn_tensor *o = seg__nn_out(x, n, 0, a->dtype, ond, dims);
    if (!o)
        return nomem(n);
    if (!o->numel)
        return SEG_OK;
    perm_ctx c = {.src = a->data, .dst = o->data, .es = seg__onnx_dtype_size(a->dtype), .nd = ond};
    int64_t st = 1;
    for (int i = ond - 1; i >= 0; i--) {
        int ia = i - (ond - a->ndim);
        int64_t d = ia >= 0 ? a->dims[ia] : 1;
        c.st[i] = d == 1 ? 0 : st;
        c.dims[i] = dims[i];
        st *= d;
    }
    if (ond == 0) {
        memcpy(o->data, a->data, o->bytes);
        return SEG_OK;
    }
    int64_t rows = o->numel / c.dims[ond - 1];
    seg__parallel_for(rows, seg__grain(rows, 64), perm_rows, &c);
    return SEG_OK;
}

static int tensor_from_attr(nn_exec *x, nn_node *n, const onnx_tensor *t)
{
    nn_tensor *o = seg__nn_out(x, n, 0, t->dtype, t->ndim, t->dims);
    if (!o)
        return nomem(n);
    if (o->bytes != t->nbytes || (!t->data && t->nbytes))
        return seg__nn_fail(n, SEG_EFORMAT, "constant payload does not match its shape");
    if (t->nbytes)
        memcpy(o->data, t->data, t->nbytes);
    return SEG_OK;
}

static int run_constant(nn_exec *x, nn_node *n)
{
    const onnx_attr *a;
    if ((a = seg__nn_attr(n, "value")) && a->t)
        return tensor_from_attr(x, n, a->t);
    int64_t one = 1, len;
    nn_tensor *o;
    if ((a = seg__nn_attr(n, "value_float"))) {
        if (!(o = seg__nn_out(x, n, 0, ONNX_FLOAT, 0, &one)))
            return nomem(n);
        *(float *)o->data = a->f;
    } else if ((a = seg__nn_attr(n, "value_int"))) {
        if (!(o = seg__nn_out(x, n, 0, ONNX_INT64, 0, &one)))
            return nomem(n);
        *(int64_t *)o->data = a->i;
    } else if ((a = seg__nn_attr(n, "value_floats")) && a->type == ONNX_ATTR_FLOATS) {
        len = a->n;
        if (!(o = seg__nn_out(x, n, 0, ONNX_FLOAT, 1, &len)))
            return nomem(n);
        memcpy(o->data, a->floats, sizeof(float) * (size_t)len);
    } else if ((a = seg__nn_attr(n, "value_ints")) && a->type == ONNX_ATTR_INTS) {
        len = a->n;
        if (!(o = seg__nn_out(x, n, 0, ONNX_INT64, 1, &len)))
            return nomem(n);
        memcpy(o->data, a->ints, sizeof(int64_t) * (size_t)len);
    } else {
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "no supported value attribute");
    }
    return SEG_OK;
}

static int run_constant_of_shape(nn_exec *x, nn_node *n)
{
    const nn_tensor *s = seg__nn_in(x, n, 0);
    int64_t dims[NN_MAX_RANK];
    int nd = s ? seg__nn_read_ints(n, s, dims, NN_MAX_RANK) : -1;
    if (nd < 0)
        return nd < -1 ? nd : seg__nn_fail(n, SEG_EFORMAT, "needs a shape");
    const onnx_attr *a = seg__nn_attr(n, "value");
    int32_t dt = a && a->t ? a->t->dtype : ONNX_FLOAT;
    nn_tensor *o = seg__nn_out(x, n, 0, dt, nd, dims);
    if (!o)
        return nomem(n);
    size_t es = seg__onnx_dtype_size(dt);
    if (a && a->t && a->t->nbytes != es)
        return seg__nn_fail(n, SEG_EFORMAT, "value must hold one element");
    static const uint8_t zero[16];
    if (!a || !a->t || (es <= sizeof zero && memcmp(a->t->data, zero, es) == 0)) {
        memset(o->data, 0, o->bytes);
        return SEG_OK;
    }
    if (!o->bytes)
        return SEG_OK;
    /* one element, then the filled prefix doubled */
    memcpy(o->data, a->t->data, es);
    for (size_t done = es; done < o->bytes;) {
        size_t k = SEG_MIN(done, o->bytes - done);
        memcpy((uint8_t *)o->data + done, o->data, k);
        done += k;
    }
    return SEG_OK;
}

/* Pad (constant, reflect, edge) for any rank; pads from the attribute (opset < 11) or
 * the input. */
static int run_pad(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    if (!a)
        return seg__nn_fail(n, SEG_EFORMAT, "missing input");
    int64_t pads[2 * NN_MAX_RANK];
    int np;
    const int64_t *v;
    float cval = seg__nn_attr_float(n, "value", 0.0f);
    if ((np = seg__nn_attr_ints(n, "pads", &v)) >= 0) {
        if (np > 2 * NN_MAX_RANK)
            return seg__nn_fail(n, SEG_EFORMAT, "too many pads");
        memcpy(pads, v, sizeof(int64_t) * (size_t)np);
    } else {
        const nn_tensor *p = seg__nn_in(x, n, 1);
        if (!p || (np = seg__nn_read_ints(n, p, pads, 2 * NN_MAX_RANK)) < 0)
            return np < -1 ? np : seg__nn_fail(n, SEG_EFORMAT, "needs pads");
        const nn_tensor *cv = seg__nn_in(x, n, 2);
        if (cv && cv->numel)
            cval = (float)seg__nn_get_f(cv, 0);
    }
    if (np != 2 * a->ndim)
        return seg__nn_fail(n, SEG_EFORMAT, "pads has %d values for rank %d", np, a->ndim);
    const char *mode = seg__nn_attr_str(n, "mode", "constant");
    int m = strcmp(mode, "constant") == 0 ? 0 : strcmp(mode, "reflect") == 0 ? 1
          : strcmp(mode, "edge") == 0 ? 2 : -1;
    if (m < 0)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "mode '%s'", mode);
    if (a->dtype != ONNX_FLOAT && a->dtype != ONNX_INT64)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "type %s", seg__onnx_dtype_name(a->dtype));
    int64_t dims[NN_MAX_RANK];
    for (int i = 0; i < a->ndim; i++) {
        dims[i] = a->dims[i] + pads[i] + pads[i + a->ndim];
        if (dims[i] < 0 || (m == 1 && (pads[i] >= a->dims[i] || pads[i + a->ndim] >= a->dims[i]) &&
                            (pads[i] > 0 || pads[i + a->ndim] > 0)))
            return seg__nn_fail(n, SEG_ESIZE, "pads do not fit dim %d", i);
    }
    nn_tensor *o = seg__nn_out(x, n, 0, a->dtype, a->ndim, dims);
    if (!o)
        return nomem(n);
    size_t es = seg__onnx_dtype_size(a->dtype);
    int64_t ost[NN_MAX_RANK], ist[NN_MAX_RANK], s1 = 1, s2 = 1;
    for (int i = a->ndim - 1; i >= 0; i--) {
        ost[i] = s1;
        ist[i] = s2;
        s1 *= dims[i];
        s2 *= a->dims[i];
    }
    for (int64_t i = 0; i < o->numel; i++) {
        int64_t off = 0, rem = i;
        bool outside = false;
        for (int d = 0; d < a->ndim; d++) {
            int64_t c = rem / ost[d] - pads[d];
            rem %= ost[d];
            int64_t len = a->dims[d];
            if (c < 0 || c >= len) {
                if (m == 0 || len == 0) {
                    outside = true;
                    break;
                }
                if (m == 2)
                    c = c < 0 ? 0 : len - 1;
                else
                    while (c < 0 || c >= len)
                        c = c < 0 ? -c : 2 * (len - 1) - c;
            }
            off += c * ist[d];
        }
        uint8_t *dst = (uint8_t *)o->data + (size_t)i * es;
        if (outside) {
            if (a->dtype == ONNX_FLOAT)
                *(float *)dst = cval;
            else
                *(int64_t *)dst = (int64_t)cval;
        } else {
            memcpy(dst, (const uint8_t *)a->data + (size_t)off * es, es);
        }
    }
    return SEG_OK;
}

static int run_range(nn_exec *x, nn_node *n)
{
    const nn_tensor *s = seg__nn_in(x, n, 0), *l = seg__nn_in(x, n, 1), *d = seg__nn_in(x, n, 2);
    if (!s || !l || !d || s->numel != 1 || l->numel != 1 || d->numel != 1)
        return seg__nn_fail(n, SEG_EFORMAT, "needs scalar start, limit, delta");
    double start = seg__nn_get_f(s, 0), limit = seg__nn_get_f(l, 0), delta = seg__nn_get_f(d, 0);
    if (delta == 0)
        return seg__nn_fail(n, SEG_EFORMAT, "delta is 0");
    double cnt = ceil((limit - start) / delta);
    int64_t len = cnt > 0 ? (int64_t)cnt : 0;
    if (len > ((int64_t)1 << 32))
        return seg__nn_fail(n, SEG_ELIMIT, "range too long");
    nn_tensor *o = seg__nn_out(x, n, 0, s->dtype, 1, &len);
    if (!o)
        return nomem(n);
    for (int64_t i = 0; i < len; i++) {
        double v = start + (double)i * delta;
        if (s->dtype == ONNX_FLOAT)
            ((float *)o->data)[i] = (float)v;
        else if (s->dtype == ONNX_INT64)
            ((int64_t *)o->data)[i] = (int64_t)v;
        else if (s->dtype == ONNX_INT32)
            ((int32_t *)o->data)[i] = (int32_t)v;
        else
            return seg__nn_fail(n, SEG_EUNSUPPORTED, "type %s", seg__onnx_dtype_name(s->dtype));
    }
    return SEG_OK;
}

const nn_op seg__nn_shape_ops[] = {
    {"Shape", NULL, run_shape, NULL, true}, {"Identity", NULL, run_identity, NULL, false},
    {"Dropout", NULL, run_identity, NULL, false}, {"Reshape", NULL, run_reshape, NULL, false},
    {"Flatten", NULL, run_flatten, NULL, false}, {"Squeeze", NULL, run_squeeze, NULL, false},
    {"Unsqueeze", NULL, run_unsqueeze, NULL, false}, {"Transpose", NULL, run_transpose, NULL, false},
    {"Concat", NULL, run_concat, NULL, true}, {"Slice", NULL, run_slice, NULL, false},
    {"Gather", NULL, run_gather, NULL, false}, {"Split", NULL, run_split, NULL, false},
    {"Expand", NULL, run_expand, NULL, false}, {"Constant", NULL, run_constant, NULL, false},
    {"ConstantOfShape", NULL, run_constant_of_shape, NULL, false}, {"Pad", NULL, run_pad, NULL, false},
    {"Range", NULL, run_range, NULL, false},
    {NULL, NULL, NULL, NULL, false},
};
