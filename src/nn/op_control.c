/* Control flow: If and Loop (ONNX opsets 1-19 semantics). Their sub-graphs are built
 * with the model (graph.c: node->subs), read outer-scope values through captures, and
 * run in a child executor (seg__nn_run_sub).
 *
 * Loop collects scan outputs into one buffer that grows geometrically (or is sized from
 * the trip count at once), and hands loop-carried values to the next iteration by
 * ownership, so a body that appends to a carried tensor (torchvision's mask pasting:
 * res = cat(res, mask)) can extend it in place instead of copying it every time. */
#include "nn/ops.h"

#include <stdlib.h>
#include <string.h>

static const nn_graph *sub_graph(const nn_node *n, const char *attr)
{
    for (int a = 0; a < n->src->n_attrs; a++)
        if (strcmp(n->src->attrs[a].name, attr) == 0)
            return n->subs ? n->subs[a] : NULL;
    return NULL;
}

static int if_prepare(nn_node *n)
{
    const nn_graph *t = sub_graph(n, "then_branch"), *e = sub_graph(n, "else_branch");
    if (!t || !e)
        return seg__nn_fail(n, SEG_EFORMAT, "If needs then_branch and else_branch graphs");
    if (n->n_in != 1 || t->n_outputs != n->n_out || e->n_outputs != n->n_out)
        return seg__nn_fail(n, SEG_EFORMAT,
                            "If has %d outputs but its branches have %d and %d", n->n_out,
                            t->n_outputs, e->n_outputs);
    if (t->n_inputs || e->n_inputs)
        return seg__nn_fail(n, SEG_EFORMAT, "If branches take no inputs");
    return SEG_OK;
}

static int scalar_true(const nn_node *n, const nn_tensor *c, const char *what, bool *v)
{
    if (!c || c->numel != 1 || !c->data)
        return seg__nn_fail(n, SEG_EFORMAT, "%s must hold one value", what);
    *v = seg__nn_get_f(c, 0) != 0;
    return SEG_OK;
}

static int if_run(nn_exec *x, nn_node *n)
{
    bool cond = false;
    int rc = scalar_true(n, seg__nn_in(x, n, 0), "the condition", &cond);
    if (rc)
        return rc;
    const nn_graph *sub = sub_graph(n, cond ? "then_branch" : "else_branch");
    nn_tensor outs[64];
    if (n->n_out > 64)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "more than 64 outputs");
    memset(outs, 0, sizeof(nn_tensor) * (size_t)n->n_out);
    if ((rc = seg__nn_run_sub(x, n, sub, NULL, outs)))
        return rc;
    for (int k = 0; k < n->n_out; k++)
        seg__nn_out_take(x, n, k, &outs[k]);
    return SEG_OK;
}

/* ---- Loop ---- */

enum { LOOP_MAX_VALUES = 64 };

static int loop_prepare(nn_node *n)
{
    const nn_graph *body = sub_graph(n, "body");
    if (!body)
        return seg__nn_fail(n, SEG_EFORMAT, "Loop needs a body graph");
    int carried = n->n_in - 2;
    if (carried < 0 || carried > n->n_out || n->n_out > LOOP_MAX_VALUES)
        return seg__nn_fail(n, SEG_EFORMAT, "Loop has %d inputs and %d outputs", n->n_in,
                            n->n_out);
    if (body->n_inputs != carried + 2 || body->n_outputs != n->n_out + 1)
        return seg__nn_fail(n, SEG_EFORMAT,
                            "Loop body has %d inputs and %d outputs; the node needs %d and %d",
                            body->n_inputs, body->n_outputs, carried + 2, n->n_out + 1);
    return SEG_OK;
}

/* One scan output being collected: count slices of `slice` bytes each. */
typedef struct scan {
    nn_tensor first; /* shape and type of the first slice (no data) */
    char *data;
    size_t slice, cap;
    int64_t count;
} scan;

static int scan_append(const nn_node *n, scan *s, const nn_tensor *t, int64_t expect)
{
    if (s->count == 0) {
        s->first = *t;
        s->first.data = NULL;
        s->slice = t->bytes;
    } else if (t->dtype != s->first.dtype || t->ndim != s->first.ndim ||
               memcmp(t->dims, s->first.dims, sizeof(int64_t) * (size_t)t->ndim)) {
        return seg__nn_fail(n, SEG_ESIZE, "scan output changes shape between iterations");
    }
    if (t->ndim + 1 > NN_MAX_RANK)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "scan output rank too large");
    size_t need = (size_t)(s->count + 1) * s->slice;
    if (need > seg__nn_max_tensor_bytes())
        return seg__nn_fail(n, SEG_ELIMIT, "scan output too large");
    if (need + 64 > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : s->slice * (size_t)(expect > 0 ? expect : 4) + 64;
        if (cap < need + 64)
            cap = need + 64;
        char *p = seg__malloc(cap);
        if (!p)
            return seg__nn_fail(n, SEG_ENOMEM, "out of memory for a scan output");
        if (s->count)
            memcpy(p, s->data, (size_t)s->count * s->slice);
        seg__free(s->data);
        s->data = p;
        s->cap = cap;
    }
    if (s->slice)
        memcpy(s->data + (size_t)s->count * s->slice, t->data, s->slice);
    s->count++;
    return SEG_OK;
}

/* The stacked scan output. With no iteration the slice shape comes from the body's
 * declared output (unknown dimensions count as 0). */
static int scan_finish(nn_exec *x, const nn_node *n, int k, scan *s,
                       const onnx_value_info *decl)
{
    int64_t dims[NN_MAX_RANK];
    dims[0] = s->count;
    int ndim = 1;
    int32_t dtype;
    if (s->count) {
        dtype = s->first.dtype;
        memcpy(dims + 1, s->first.dims, sizeof(int64_t) * (size_t)s->first.ndim);
        ndim += s->first.ndim;
    } else {
        dtype = decl->elem_type ? decl->elem_type : ONNX_FLOAT;
        for (int i = 0; i < decl->ndim && ndim < NN_MAX_RANK; i++)
            dims[ndim++] = decl->dims[i] > 0 ? decl->dims[i] : 0;
    }
    nn_tensor t = {.dtype = dtype, .ndim = ndim};
    memcpy(t.dims, dims, sizeof(int64_t) * (size_t)ndim);
    t.numel = seg__nn_numel(ndim, dims);
    size_t es = seg__onnx_dtype_size(dtype);
    if (!es)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "scan output of type %s",
                            seg__onnx_dtype_name(dtype));
    t.bytes = (size_t)t.numel * es;
    if (!s->data && !(s->data = seg__malloc(t.bytes + 64)))
        return seg__nn_fail(n, SEG_ENOMEM, "out of memory for a scan output");
    t.data = s->data;
    t.cap = s->cap ? s->cap : t.bytes + 64;
    t.owned = true;
    s->data = NULL;
    seg__nn_out_take(x, n, k, &t);
    return SEG_OK;
}

static int loop_run(nn_exec *x, nn_node *n)
{
    const nn_graph *body = sub_graph(n, "body");
    int carried = n->n_in - 2, n_scan = n->n_out - carried;
    int64_t trips = INT64_MAX;
    const nn_tensor *m = seg__nn_in(x, n, 0);
    if (m) {
        if (m->numel != 1 || !m->data)
            return seg__nn_fail(n, SEG_EFORMAT, "the trip count must hold one value");
        trips = seg__nn_get_i(m, 0);
    }
    bool cond = true;
    int rc = SEG_OK;
    if (seg__nn_in(x, n, 1) && (rc = scalar_true(n, seg__nn_in(x, n, 1), "the condition", &cond)))
        return rc;
    if (!m && !seg__nn_in(x, n, 1))
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "a Loop with neither trip count nor condition "
                                                 "never ends");
    nn_tensor in[LOOP_MAX_VALUES + 2], out[LOOP_MAX_VALUES + 1];
    scan scans[LOOP_MAX_VALUES];
    memset(in, 0, sizeof in);
    memset(out, 0, sizeof out);
    memset(scans, 0, sizeof scans);
    /* the carried values start as views of the node's inputs */
    for (int j = 0; j < carried; j++) {
        const nn_tensor *v = seg__nn_in_plain(x, n, 2 + j);
        if (!v)
            return seg__nn_fail(n, SEG_EFORMAT, "loop-carried input %d is missing", j);
        in[2 + j] = *v;
        in[2 + j].owned = false;
    }
    int64_t iter_v = 0;
    uint8_t cond_v = 1;
    int64_t it = 0;
    for (; it < trips && cond && !rc; it++) {
        if (it >= seg__nn_max_loop_iterations()) {
            rc = seg__nn_fail(n, SEG_ELIMIT, "more than %lld iterations (SEGKIT_MAX_LOOP_"
                                             "ITERATIONS)", (long long)it);
            break;
        }
        iter_v = it;
        cond_v = 1;
        in[0] = (nn_tensor){.dtype = ONNX_INT64, .ndim = 0, .numel = 1, .data = &iter_v,
                            .bytes = 8};
        in[1] = (nn_tensor){.dtype = ONNX_BOOL, .ndim = 0, .numel = 1, .data = &cond_v,
                            .bytes = 1};
        rc = seg__nn_run_sub(x, n, body, in, out);
        for (int j = 0; j < carried; j++) /* inputs the body did not take over */
            seg__nn_tensor_release(&in[2 + j]);
        if (rc)
            break;
        rc = scalar_true(n, &out[0], "the body's condition output", &cond);
        for (int j = 0; j < carried; j++) {
            in[2 + j] = out[1 + j];
            memset(&out[1 + j], 0, sizeof out[1 + j]);
        }
        size_t held = 0;
        for (int k = 0; k < n_scan && !rc; k++) {
            rc = scan_append(n, &scans[k], &out[1 + carried + k], trips < (1 << 20) ? trips : 0);
            held += scans[k].cap;
        }
        seg__nn_note_transient(x, held);
        for (int k = 0; k < 1 + carried + n_scan; k++)
            seg__nn_tensor_release(&out[k]);
    }
    for (int j = 0; j < carried && !rc; j++) {
        nn_tensor *t = &in[2 + j];
        if (!t->owned) { /* no iteration ran: the result is a copy of the input */
            nn_tensor c = *t;
            c.data = seg__malloc(t->bytes + 64);
            if (!c.data) {
                rc = seg__nn_fail(n, SEG_ENOMEM, "out of memory");
                break;
            }
            if (t->bytes)
                memcpy(c.data, t->data, t->bytes);
            c.owned = true;
            c.cap = t->bytes + 64;
            *t = c;
        }
        seg__nn_out_take(x, n, j, t);
    }
    for (int k = 0; k < n_scan && !rc; k++)
        rc = scan_finish(x, n, carried + k, &scans[k], &body->src->outputs[1 + carried + k]);
    for (int j = 0; j < carried; j++)
        seg__nn_tensor_release(&in[2 + j]);
    for (int k = 0; k < n_scan; k++)
        seg__free(scans[k].data);
    return rc;
}

const nn_op seg__nn_control_ops[] = {
    {"If", if_prepare, if_run, NULL, false},
    {"Loop", loop_prepare, loop_run, NULL, false},
    {NULL, NULL, NULL, NULL, false},
};
