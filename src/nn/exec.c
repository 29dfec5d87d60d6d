/* Running a graph: values live from their producer to their last reader, so the peak
 * memory is the largest set of simultaneously live activations. */
#include "nn/graph.h"
#include "nn/half.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void account(nn_exec *x, size_t add)
{
    x->live_bytes += add;
    if (x->live_bytes > x->peak_bytes)
        x->peak_bytes = x->live_bytes;
}

/* A buffer of at least `need` bytes: a kept one when one fits without wasting more than
 * half of it, else a new one. */
static void *x_alloc(nn_exec *x, size_t need, size_t *cap)
{
    nn_cache *c = x->cache;
    int best = -1;
    for (int i = 0; i < c->n; i++)
        if (c->size[i] >= need && c->size[i] - need <= need &&
            (best < 0 || c->size[i] < c->size[best]))
            best = i;
    if (best >= 0) {
        void *p = c->p[best];
        *cap = c->size[best];
        c->n--;
        c->p[best] = c->p[c->n];
        c->size[best] = c->size[c->n];
        return p;
    }
    *cap = need;
    return seg__malloc(need);
}

/* Release t's buffer into the cache (the oldest one leaves when full). */
static void x_recycle(nn_exec *x, nn_tensor *t)
{
    nn_cache *c = x->cache;
    if (t->owned && t->data && t->cap) {
        if (c->n == NN_CACHE) {
            seg__free(c->p[0]);
            memmove(c->p, c->p + 1, (NN_CACHE - 1) * sizeof(void *));
            memmove(c->size, c->size + 1, (NN_CACHE - 1) * sizeof(size_t));
            c->n--;
        }
        c->p[c->n] = t->data;
        c->size[c->n++] = t->cap;
    } else if (t->owned) {
        seg__free(t->data);
    }
    t->data = NULL;
    t->owned = false;
    t->cap = 0;
}

void seg__nn_cache_clear(nn_cache *c)
{
    for (int i = 0; i < c->n; i++)
        seg__free(c->p[i]);
    c->n = 0;
}

void seg__nn_exec_finish(nn_exec *x)
{
    if (x->cache == &x->own)
        seg__nn_cache_clear(&x->own);
}

static int64_t env_limit(const char *name, int64_t def)
{
    const char *e = getenv(name);
    char *end;
    long long v = e ? strtoll(e, &end, 10) : 0;
    return e && *e && !*end && v > 0 ? (int64_t)v : def;
}

/* Read once; threads racing on the first call compute the same value. */
static int64_t cached_limit(_Atomic int64_t *slot, const char *name, int64_t def)
{
    int64_t r = atomic_load_explicit(slot, memory_order_relaxed);
    if (r < 0) {
        r = env_limit(name, def);
        atomic_store_explicit(slot, r, memory_order_relaxed);
    }
    return r;
}

size_t seg__nn_max_tensor_bytes(void)
{
    static _Atomic int64_t v = -1;
    return (size_t)cached_limit(&v, "SEGKIT_MAX_TENSOR_BYTES", (int64_t)1 << 38);
}

int64_t seg__nn_max_loop_iterations(void)
{
    static _Atomic int64_t v = -1;
    return cached_limit(&v, "SEGKIT_MAX_LOOP_ITERATIONS", (int64_t)1 << 31);
}

void seg__nn_tensor_release(nn_tensor *t)
{
    if (t->owned)
        seg__free(t->data);
    t->data = NULL;
    t->owned = false;
}

const nn_tensor *seg__nn_in(nn_exec *x, const nn_node *n, int k)
{
    if (k < 0 || k >= n->n_in || n->in[k] < 0)
        return NULL;
    nn_tensor *t = &x->vals[n->in[k]];
    if (t->blk && !n->op->blocked_ok && seg__nn_make_plain(x, t) != SEG_OK)
        return NULL;
    return t;
}

int seg__nn_make_blocked(nn_exec *x, nn_tensor *t, int blk)
{
    if (t->blk == blk || t->ndim != 4 || t->dtype != ONNX_FLOAT)
        return t->blk == blk ? SEG_OK : seg__fail(SEG_EINTERNAL, "model: cannot block this tensor");
    if (t->blk && seg__nn_make_plain(x, t))
        return SEG_ENOMEM;
    nn_tensor b = *t;
    b.blk = blk;
    b.bytes = seg__nn_blocked_bytes(t->dims, blk);
    b.data = x_alloc(x, b.bytes + 64, &b.cap);
    if (!b.data)
        return seg__fail(SEG_ENOMEM, "model: out of memory converting a layout");
    b.owned = true;
    seg__nn_reorder(t, &b);
    if (t->owned)
        x->live_bytes -= t->bytes;
    x_recycle(x, t);
    account(x, b.bytes);
    *t = b;
    return SEG_OK;
}

const nn_tensor *seg__nn_in_plain(nn_exec *x, const nn_node *n, int k)
{
    if (k < 0 || k >= n->n_in || n->in[k] < 0)
        return NULL;
    nn_tensor *t = &x->vals[n->in[k]];
    if (t->blk && seg__nn_make_plain(x, t) != SEG_OK)
        return NULL;
    return t;
}

int seg__nn_make_plain(nn_exec *x, nn_tensor *t)
{
    if (!t->blk)
        return SEG_OK;
    nn_tensor p = *t;
    p.blk = 0;
    p.bytes = (size_t)t->numel * 4;
    p.data = x_alloc(x, p.bytes + 64, &p.cap);
    if (!p.data)
        return seg__fail(SEG_ENOMEM, "model: out of memory converting a layout");
    p.owned = true;
    seg__nn_reorder(t, &p);
    if (t->owned)
        x->live_bytes -= t->bytes;
    x_recycle(x, t);
    account(x, p.bytes);
    *t = p;
    return SEG_OK;
}


nn_tensor *seg__nn_out(nn_exec *x, const nn_node *n, int k, int32_t dtype, int ndim,
                       const int64_t *dims)
{
    nn_tensor *t = k >= n->n_out || n->out[k] < 0 ? &x->sink : &x->vals[n->out[k]];
    x_recycle(x, t);
    t->blk = 0;
    if (ndim > NN_MAX_RANK || ndim < 0) {
        seg__nn_fail(n, SEG_EUNSUPPORTED, "output rank %d is above %d", ndim, NN_MAX_RANK);
        return NULL;
    }
    t->dtype = dtype;
    t->ndim = ndim;
    memcpy(t->dims, dims, sizeof(int64_t) * (size_t)ndim);
    t->numel = seg__nn_numel(ndim, dims);
    size_t es = seg__onnx_dtype_size(dtype);
    if (t->numel < 0 || !es || !seg__mul((size_t)t->numel, es, &t->bytes) ||
        t->bytes > seg__nn_max_tensor_bytes()) {
        seg__nn_fail(n, SEG_ELIMIT, "output %d would be too large", k);
        return NULL;
    }
    /* 64 spare bytes let SIMD kernels read a little past the end safely */
    t->data = x_alloc(x, t->bytes + 64, &t->cap);
    if (!t->data) {
        seg__nn_fail(n, SEG_ENOMEM, "out of memory for a %zu-byte output", t->bytes);
        return NULL;
    }
    t->owned = true;
    if (t != &x->sink)
        account(x, t->bytes);
    return t;
}

nn_tensor *seg__nn_out_blk(nn_exec *x, const nn_node *n, int k, const int64_t *dims, int blk)
{
    nn_tensor *t = seg__nn_out(x, n, k, ONNX_FLOAT, 4, dims);
    if (!t || !blk)
        return t;
    size_t bytes = seg__nn_blocked_bytes(dims, blk);
    if (bytes + 64 > t->cap) {
        size_t cap;
        void *d = x_alloc(x, bytes + 64, &cap);
        if (!d) {
            seg__nn_fail(n, SEG_ENOMEM, "out of memory for a %zu-byte output", bytes);
            return NULL;
        }
        x_recycle(x, t);
        t->data = d;
        t->cap = cap;
        t->owned = true;
    }
    if (t != &x->sink)
        x->live_bytes -= t->bytes, account(x, bytes);
    t->bytes = bytes;
    t->blk = blk;
    return t;
}

nn_tensor *seg__nn_out_view(nn_exec *x, const nn_node *n, int k, const nn_tensor *src, int ndim,
                            const int64_t *dims)
{
    int src_id = -1;
    for (int i = 0; i < n->n_in; i++)
        if (n->in[i] >= 0 && &x->vals[n->in[i]] == src)
            src_id = n->in[i];
    /* Steal the buffer when this node is the input's last reader and it is ours. */
    if (src_id >= 0 && x->vals[src_id].owned && x->last_use[src_id] == n->index &&
        !x->is_output[src_id] && k < n->n_out && n->out[k] >= 0) {
        nn_tensor *t = &x->vals[n->out[k]];
        x_recycle(x, t);
        *t = x->vals[src_id];
        x->vals[src_id].owned = false;
        x->vals[src_id].data = NULL;
        t->ndim = ndim;
        memcpy(t->dims, dims, sizeof(int64_t) * (size_t)ndim);
        return t;
    }
    nn_tensor *t = src->blk ? seg__nn_out_blk(x, n, k, dims, src->blk)
                            : seg__nn_out(x, n, k, src->dtype, ndim, dims);
    if (t && src->bytes)
        memcpy(t->data, src->data, src->bytes);
    return t;
}

void seg__nn_note_transient(nn_exec *x, size_t bytes)
{
    if (x->live_bytes + bytes > x->peak_bytes)
        x->peak_bytes = x->live_bytes + bytes;
}

void seg__nn_out_take(nn_exec *x, const nn_node *n, int k, nn_tensor *t)
{
    nn_tensor *o = k >= n->n_out || n->out[k] < 0 ? &x->sink : &x->vals[n->out[k]];
    x_recycle(x, o);
    *o = *t;
    memset(t, 0, sizeof *t);
    if (o != &x->sink)
        account(x, o->bytes);
}

/* SEGKIT_PROFILE=1: time per operator type of each top-level run, printed to stderr
 * (sub-graph nodes count within their If/Loop). */
typedef struct op_time {
    const char *op;
    double ms;
    int calls;
} op_time;

static bool profiling(void)
{
    static _Atomic int on = -1;
    int r = atomic_load_explicit(&on, memory_order_relaxed);
    if (r < 0) {
        const char *e = getenv("SEGKIT_PROFILE");
        r = e && *e && strcmp(e, "0") != 0;
        atomic_store_explicit(&on, r, memory_order_relaxed);
    }
    return r;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static void profile_add(op_time *t, int *nt, const char *op, double ms)
{
    int i = 0;
    while (i < *nt && strcmp(t[i].op, op) != 0)
        i++;
    if (i == *nt) {
        if (*nt == 128)
            return;
        t[(*nt)++] = (op_time){op, 0, 0};
    }
    t[i].ms += ms;
    t[i].calls++;
}

static int cmp_time(const void *a, const void *b)
{
    double d = ((const op_time *)b)->ms - ((const op_time *)a)->ms;
    return (d > 0) - (d < 0);
}

static void profile_print(op_time *t, int nt)
{
    qsort(t, (size_t)nt, sizeof *t, cmp_time);
    double total = 0;
    for (int i = 0; i < nt; i++)
        total += t[i].ms;
    fprintf(stderr, "segkit profile: %.1f ms\n", total);
    for (int i = 0; i < nt; i++)
        fprintf(stderr, "  %-22s %9.2f ms %6d calls\n", t[i].op, t[i].ms, t[i].calls);
}

/* Release value v when node i was its last reader. */
static void release_after(nn_exec *x, int v, int i)
{
    if (v >= 0 && x->last_use[v] == i && !x->is_output[v] && x->vals[v].owned) {
        x->live_bytes -= x->vals[v].bytes;
        x_recycle(x, &x->vals[v]);
    }
}

/* What one run computes and hands out. */
typedef struct run_plan {
    const bool *active;
    const int *last_use;
    const bool *is_output;
    const int *outs;
    int n_outs;
} run_plan;

/* Run graph g: inputs[] feed its formal inputs (the graph takes over those marked owned,
 * emptying them, when take_inputs) and captures[] its captured values (views);
 * outputs[] receive owned plain tensors: the graph outputs, or the plan's values. */
static int run_graph(const nn_graph *g, const run_plan *plan, nn_tensor *inputs,
                     bool take_inputs, const nn_tensor *captures, nn_cache *parent_cache,
                     nn_tensor *outputs, size_t *peak, int64_t *macs)
{
    run_plan all = {NULL, g->last_use, g->is_output, g->outputs, g->n_outputs};
    if (!plan)
        plan = &all;
    nn_exec x = {.g = g, .active = plan->active, .last_use = plan->last_use,
                 .is_output = plan->is_output};
    x.cache = parent_cache ? parent_cache : &x.own;
    bool pooled = !parent_cache && !captures;
    if (pooled && pthread_mutex_trylock((pthread_mutex_t *)&g->pool_lock) == 0) {
        x.own = g->pool; /* another thread running the model meanwhile starts empty */
        ((nn_graph *)g)->pool.n = 0;
        pthread_mutex_unlock((pthread_mutex_t *)&g->pool_lock);
    }
    x.vals = calloc((size_t)g->n_values + 1, sizeof(nn_tensor));
    if (!x.vals)
        return seg__fail(SEG_ENOMEM, "model: out of memory");
    for (int v = 0; v < g->n_values; v++)
        if (g->is_const[v])
            x.vals[v] = g->consts[v], x.vals[v].owned = false;
    for (int i = 0; i < g->n_inputs; i++) {
        x.vals[g->inputs[i]] = inputs[i];
        x.vals[g->inputs[i]].owned = take_inputs && inputs[i].owned;
        if (x.vals[g->inputs[i]].owned) {
            account(&x, inputs[i].bytes);
            memset(&inputs[i], 0, sizeof inputs[i]);
        }
    }
    for (int i = 0; i < g->n_captures; i++) {
        x.vals[g->captures[i]] = captures[i];
        x.vals[g->captures[i]].owned = false;
    }
    int rc = SEG_OK;
    op_time prof[128];
    int nprof = 0;
    bool prof_on = !captures && profiling();
    for (int i = 0; i < g->n_nodes && !rc; i++) {
        nn_node *n = (nn_node *)&g->nodes[i];
        if (!n->op || (x.active && !x.active[i]))
            continue;
        double t0 = prof_on ? now_ms() : 0;
        rc = n->op->run(&x, n);
        if (prof_on)
            profile_add(prof, &nprof, n->src->op_type, now_ms() - t0);
        x_recycle(&x, &x.sink);
        if (rc)
            break;
        for (int k = 0; k < n->n_in; k++)
            release_after(&x, n->in[k], i);
        for (int k = 0; k < n->n_implicit; k++)
            release_after(&x, n->implicit[k], i);
        for (int k = 0; k < n->n_out; k++) { /* outputs nobody reads */
            int v = n->out[k];
            if (v >= 0 && x.last_use[v] < 0 && !x.is_output[v] && x.vals[v].owned) {
                x.live_bytes -= x.vals[v].bytes;
                x_recycle(&x, &x.vals[v]);
            }
        }
    }
    if (prof_on)
        profile_print(prof, nprof);
    for (int i = 0; !rc && i < plan->n_outs; i++)
        rc = seg__nn_make_plain(&x, &x.vals[plan->outs[i]]);
    if (!rc) {
        for (int i = 0; i < plan->n_outs; i++) {
            nn_tensor *t = &x.vals[plan->outs[i]];
            outputs[i] = *t;
            /* an input, a constant, or a value listed twice as an output: hand out a copy */
            if (!t->owned) {
                outputs[i].data = seg__malloc(t->bytes + 64);
                if (!outputs[i].data) {
                    rc = seg__fail(SEG_ENOMEM, "model: out of memory");
                    for (int j = 0; j < i; j++)
                        seg__nn_tensor_release(&outputs[j]);
                    break;
                }
                if (t->bytes)
                    memcpy(outputs[i].data, t->data, t->bytes);
                outputs[i].owned = true;
                outputs[i].cap = t->bytes + 64;
            } else {
                t->owned = false;
            }
        }
    }
    for (int v = 0; v < g->n_values; v++)
        if (x.vals[v].owned)
            seg__nn_tensor_release(&x.vals[v]);
    if (pooled && pthread_mutex_lock((pthread_mutex_t *)&g->pool_lock) == 0) {
        if (!g->pool.n) { /* keep this run's buffers for the next one */
            ((nn_graph *)g)->pool = x.own;
            x.own.n = 0;
        }
        pthread_mutex_unlock((pthread_mutex_t *)&g->pool_lock);
    }
    seg__nn_exec_finish(&x);
    free(x.vals);
    if (peak)
        *peak = x.peak_bytes;
    if (macs)
        *macs = x.macs;
    return rc;
}

nn_tensor *seg__nn_out_grow(nn_exec *x, const nn_node *n, int k, int in_k, int ndim,
                            const int64_t *dims)
{
    if (in_k >= n->n_in || k >= n->n_out || n->out[k] < 0)
        return NULL;
    int v = n->in[in_k];
    if (v < 0 || !x->vals[v].owned || x->vals[v].blk || x->last_use[v] != n->index ||
        x->is_output[v] || ndim > NN_MAX_RANK)
        return NULL;
    for (int i = 0; i < n->n_in; i++)
        if (i != in_k && n->in[i] == v)
            return NULL; /* read again by this node */
    nn_tensor *src = &x->vals[v];
    int64_t numel = seg__nn_numel(ndim, dims);
    size_t es = seg__onnx_dtype_size(src->dtype), bytes;
    if (numel < 0 || !seg__mul((size_t)numel, es, &bytes) || bytes < src->bytes ||
        bytes > seg__nn_max_tensor_bytes())
        return NULL;
    if (bytes + 64 > src->cap) { /* geometric growth: appending N times copies O(N) */
        size_t cap = SEG_MAX(bytes + 64, 2 * src->cap);
        void *p = seg__malloc(cap);
        if (!p)
            return NULL;
        if (src->bytes)
            memcpy(p, src->data, src->bytes);
        seg__free(src->data);
        src->data = p;
        src->cap = cap;
    }
    nn_tensor *o = &x->vals[n->out[k]];
    x_recycle(x, o);
    account(x, bytes - src->bytes);
    *o = *src;
    memset(src, 0, sizeof *src);
    o->ndim = ndim;
    memcpy(o->dims, dims, sizeof(int64_t) * (size_t)ndim);
    o->numel = numel;
    o->bytes = bytes;
    return o;
}

int seg__nn_run(const nn_graph *g, nn_tensor *inputs, nn_tensor *outputs, size_t *peak,
                int64_t *macs)
{
    return run_graph(g, NULL, inputs, false, NULL, NULL, outputs, peak, macs);
}

int seg__nn_run_values(const nn_graph *g, nn_tensor *inputs, const int *ids, int n,
                       nn_tensor *outputs, size_t *peak)
{
    bool *active = calloc((size_t)g->n_nodes + 1, sizeof(bool));
    bool *need = calloc((size_t)g->n_values + 1, sizeof(bool));
    bool *made = calloc((size_t)g->n_values + 1, sizeof(bool));
    int *last = malloc(sizeof(int) * ((size_t)g->n_values + 1));
    int rc = active && need && made && last ? SEG_OK : seg__fail(SEG_ENOMEM, "model: out of memory");
    for (int i = 0; !rc && i < g->n_nodes; i++)
        for (int k = 0; g->nodes[i].op && k < g->nodes[i].n_out; k++)
            if (g->nodes[i].out[k] >= 0)
                made[g->nodes[i].out[k]] = true;
    for (int i = 0; !rc && i < g->n_inputs; i++)
        made[g->inputs[i]] = true;
    for (int i = 0; !rc && i < n; i++) {
        if (ids[i] < 0 || ids[i] >= g->n_values || !(made[ids[i]] || g->is_const[ids[i]]))
            rc = seg__fail(SEG_EINVAL, "model: value '%s' is not computed by this model (folded "
                                       "into another operator, or unused)",
                           ids[i] >= 0 && ids[i] < g->n_values ? g->names[ids[i]] : "?");
        else
            need[ids[i]] = true;
    }
    if (!rc) {
        seg__nn_mark_needed(g, need, active); /* backwards from the values asked for */
        for (int v = 0; v < g->n_values; v++)
            last[v] = -1, need[v] = false;
        for (int i = 0; i < n; i++)
            need[ids[i]] = true; /* reused: the values handed out */
        for (int i = 0; i < g->n_nodes; i++) {
            const nn_node *nd = &g->nodes[i];
            if (!active[i])
                continue;
            for (int k = 0; k < nd->n_in; k++)
                if (nd->in[k] >= 0)
                    last[nd->in[k]] = i;
            for (int k = 0; k < nd->n_implicit; k++)
                last[nd->implicit[k]] = i;
        }
        run_plan plan = {active, last, need, ids, n};
        rc = run_graph(g, &plan, inputs, false, NULL, NULL, outputs, peak, NULL);
    }
    free(active);
    free(need);
    free(made);
    free(last);
    return rc;
}

int seg__nn_run_sub(nn_exec *x, const nn_node *n, const nn_graph *sub, nn_tensor *inputs,
                    nn_tensor *outputs)
{
    nn_tensor stack[16], *cap = stack;
    if (sub->n_captures > 16 && !(cap = malloc(sizeof(nn_tensor) * (size_t)sub->n_captures)))
        return seg__fail(SEG_ENOMEM, "model: out of memory");
    int rc = SEG_OK;
    for (int i = 0; i < sub->n_captures && !rc; i++) {
        nn_tensor *t = &x->vals[sub->capture_src[i]];
        if (t->blk && (rc = seg__nn_make_plain(x, t)))
            break;
        if (!t->data && t->numel)
            rc = seg__nn_fail(n, SEG_EINTERNAL, "outer value '%s' is not computed",
                              x->g->names[sub->capture_src[i]]);
        cap[i] = *t;
    }
    size_t peak = 0;
    int64_t macs = 0;
    if (!rc)
        rc = run_graph(sub, NULL, inputs, true, cap, x->cache, outputs, &peak, &macs);
    if (cap != stack)
        free(cap);
    seg__nn_note_transient(x, peak);
    x->macs += macs;
    return rc;
}

/* ---- attributes ---- */

const onnx_attr *seg__nn_attr(const nn_node *n, const char *name)
{
    for (int i = 0; i < n->src->n_attrs; i++)
        if (strcmp(n->src->attrs[i].name, name) == 0)
            return &n->src->attrs[i];
    return NULL;
}

int64_t seg__nn_attr_int(const nn_node *n, const char *name, int64_t def)
{
    const onnx_attr *a = seg__nn_attr(n, name);
    return a && a->type == ONNX_ATTR_INT ? a->i : def;
}

float seg__nn_attr_float(const nn_node *n, const char *name, float def)
{
    const onnx_attr *a = seg__nn_attr(n, name);
    return a && a->type == ONNX_ATTR_FLOAT ? a->f : def;
}

const char *seg__nn_attr_str(const nn_node *n, const char *name, const char *def)
{
    const onnx_attr *a = seg__nn_attr(n, name);
    return a && a->type == ONNX_ATTR_STRING ? a->s : def;
}

int seg__nn_attr_ints(const nn_node *n, const char *name, const int64_t **v)
{
    const onnx_attr *a = seg__nn_attr(n, name);
    if (!a || a->type != ONNX_ATTR_INTS)
        return -1;
    *v = a->ints;
    return a->n;
}

double seg__nn_get_f(const nn_tensor *t, int64_t i)
{
    const void *p = t->data;
    switch (t->dtype) {
    case ONNX_FLOAT: return ((const float *)p)[i];
    case ONNX_DOUBLE: return ((const double *)p)[i];
    case ONNX_INT64: return (double)((const int64_t *)p)[i];
    case ONNX_INT32: return ((const int32_t *)p)[i];
    case ONNX_UINT8: case ONNX_BOOL: return ((const uint8_t *)p)[i];
    case ONNX_INT8: return ((const int8_t *)p)[i];
    case ONNX_INT16: return ((const int16_t *)p)[i];
    case ONNX_UINT16: return ((const uint16_t *)p)[i];
    case ONNX_UINT32: return ((const uint32_t *)p)[i];
    case ONNX_UINT64: return (double)((const uint64_t *)p)[i];
    case ONNX_FLOAT16: return seg__half_to_float(((const uint16_t *)p)[i]);
    case ONNX_BFLOAT16: return seg__bf16_to_float(((const uint16_t *)p)[i]);
    default: return 0;
    }
}

int64_t seg__nn_get_i(const nn_tensor *t, int64_t i)
{
    switch (t->dtype) {
    case ONNX_INT64: return ((const int64_t *)t->data)[i];
    case ONNX_UINT64: {
        uint64_t v = ((const uint64_t *)t->data)[i];
        return v > INT64_MAX ? INT64_MAX : (int64_t)v;
    }
    default: {
        double v = seg__nn_get_f(t, i);
        return v != v ? 0 : v >= 9.2e18 ? INT64_MAX : v <= -9.2e18 ? INT64_MIN : (int64_t)v;
    }
    }
}

int seg__nn_read_ints(const nn_node *n, const nn_tensor *t, int64_t *out, int cap)
{
    if (t->dtype != ONNX_INT64 && t->dtype != ONNX_INT32)
        return seg__nn_fail(n, SEG_EFORMAT, "expected an int32/int64 tensor, got %s",
                            seg__onnx_dtype_name(t->dtype));
    if (t->numel > cap)
        return seg__nn_fail(n, SEG_EFORMAT, "integer list of %lld values is too long",
                            (long long)t->numel);
    for (int64_t i = 0; i < t->numel; i++)
        out[i] = t->dtype == ONNX_INT64 ? ((const int64_t *)t->data)[i]
                                        : ((const int32_t *)t->data)[i];
    return (int)t->numel;
}
