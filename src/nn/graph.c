/* Building the executable graph: value numbering, constants, folding, last uses. */
#include "nn/graph.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct name_map {
    const char **keys;
    int *ids;
    size_t cap;
} name_map;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    while (*s)
        h = (h ^ (uint8_t)*s++) * 1099511628211ull;
    return h;
}

static int map_find(const name_map *m, const char *k)
{
    for (size_t i = hash_str(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i])
            return -1;
        if (strcmp(m->keys[i], k) == 0)
            return m->ids[i];
    }
}

static void map_put(name_map *m, const char *k, int id)
{
    size_t i = hash_str(k) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], k) != 0)
        i = (i + 1) & (m->cap - 1);
    m->keys[i] = k;
    m->ids[i] = id;
}

int seg__nn_fail(const nn_node *n, int status, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return seg__fail(status, "model: node %d '%s' (%s): %s", n->index, n->src->name,
                     n->src->op_type, msg);
}

int64_t seg__nn_numel(int ndim, const int64_t *dims)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (dims[i] < 0 || (dims[i] && n > INT64_MAX / dims[i]))
            return -1;
        n *= dims[i];
    }
    return n;
}

/* A constant tensor from an ONNX tensor: data copied to aligned memory in the arena. */
static int const_from_onnx(seg_arena *a, const onnx_tensor *t, nn_tensor *out)
{
    if (t->ndim > NN_MAX_RANK)
        return seg__fail(SEG_EUNSUPPORTED, "model: tensor '%s' has rank %d (max %d)",
                         t->name ? t->name : "", t->ndim, NN_MAX_RANK);
    memset(out, 0, sizeof *out);
    out->dtype = t->dtype;
    out->ndim = t->ndim;
    memcpy(out->dims, t->dims, sizeof(int64_t) * (size_t)t->ndim);
    out->numel = t->numel;
    out->bytes = t->nbytes;
    out->data = seg__arena_alloc(a, t->nbytes + 64);
    if (!out->data)
        return seg__fail(SEG_ENOMEM, "model: out of memory for constant '%s'", t->name);
    out->data = (void *)(((uintptr_t)out->data + 63) & ~(uintptr_t)63);
    if (t->nbytes)
        memcpy(out->data, t->data, t->nbytes);
    return SEG_OK;
}

void seg__nn_graph_free(nn_graph *g)
{
    if (!g)
        return;
    for (int i = 0; i < g->n_nodes; i++) {
        nn_node *n = &g->nodes[i];
        if (n->op && n->op->destroy)
            n->op->destroy(n);
        if (n->subs)
            for (int a = 0; a < n->src->n_attrs; a++)
                seg__nn_graph_free(n->subs[a]);
        pthread_mutex_destroy(&n->lock);
    }
    seg__nn_cache_clear(&g->pool);
    pthread_mutex_destroy(&g->pool_lock);
    seg__arena_free(&g->arena);
    free(g);
}

static int fold_constants(nn_graph *g);

/* Names a graph can define or read, its sub-graphs' included: a bound on its values. */
static size_t count_names(const onnx_graph *og)
{
    size_t nv = (size_t)og->n_inputs + (size_t)og->n_initializers;
    for (int i = 0; i < og->n_nodes; i++) {
        const onnx_node *on = &og->nodes[i];
        nv += (size_t)on->n_outputs + (size_t)on->n_inputs;
        for (int a = 0; a < on->n_attrs; a++) {
            if (on->attrs[a].type == ONNX_ATTR_GRAPH && on->attrs[a].g)
                nv += count_names(on->attrs[a].g);
            else if (on->attrs[a].type == ONNX_ATTR_GRAPHS)
                for (int k = 0; k < on->attrs[a].n; k++)
                    nv += count_names(on->attrs[a].graphs[k]);
        }
    }
    return nv;
}

/* The state of building one graph; sub-graphs see their enclosing graph's builder. */
typedef struct builder {
    const onnx_model *m;
    nn_graph *g;
    name_map map;
    struct builder *parent;
    nn_node *owner; /* the parent's node holding this sub-graph */
} builder;

static int add_implicit(builder *b, nn_node *n, int v)
{
    for (int i = 0; i < n->n_implicit; i++)
        if (n->implicit[i] == v)
            return SEG_OK;
    if (n->n_implicit == n->implicit_cap) {
        int cap = n->implicit_cap ? 2 * n->implicit_cap : 8;
        int *p = seg__arena_array(&b->g->arena, (size_t)cap, sizeof(int));
        if (!p)
            return seg__fail(SEG_ENOMEM, "model: out of memory");
        if (n->n_implicit)
            memcpy(p, n->implicit, sizeof(int) * (size_t)n->n_implicit);
        n->implicit = p;
        n->implicit_cap = cap;
    }
    n->implicit[n->n_implicit++] = v;
    return SEG_OK;
}

/* The value id of `name` in b's graph: defined there, or captured from an enclosing
 * graph (a constant there stays a constant here). -1 when no scope defines it, -2 on
 * out of memory. */
static int resolve(builder *b, const char *name)
{
    int id = map_find(&b->map, name);
    if (id >= 0 || !b->parent)
        return id;
    int pid = resolve(b->parent, name);
    if (pid < 0)
        return pid;
    nn_graph *g = b->g;
    const nn_graph *pg = b->parent->g;
    id = g->n_values++;
    g->names[id] = name;
    map_put(&b->map, name, id);
    if (pg->is_const[pid]) {
        g->is_const[id] = true;
        g->consts[id] = pg->consts[pid];
        g->consts[id].owned = false;
        return id;
    }
    g->captures[g->n_captures] = id;
    g->capture_src[g->n_captures++] = pid;
    return add_implicit(b->parent, b->owner, pid) ? -2 : id;
}

static int build(const onnx_model *m, const onnx_graph *og, builder *parent, nn_node *owner,
                 nn_graph **out);

/* Drop the nodes no graph output depends on (op = NULL), as ONNX Runtime does: a model
 * cut down to some of its values runs only what they need. */
void seg__nn_mark_needed(const nn_graph *g, bool *need, bool *active)
{
    for (int i = g->n_nodes - 1; i >= 0; i--) {
        const nn_node *n = &g->nodes[i];
        bool used = false;
        for (int k = 0; n->op && k < n->n_out; k++)
            used |= n->out[k] >= 0 && need[n->out[k]];
        active[i] = used;
        if (!used)
            continue;
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0)
                need[n->in[k]] = true;
        for (int k = 0; k < n->n_implicit; k++)
            need[n->implicit[k]] = true;
    }
}

static int prune(nn_graph *g)
{
    bool *need = calloc((size_t)g->value_cap + 1, sizeof(bool));
    bool *active = calloc((size_t)g->n_nodes + 1, sizeof(bool));
    if (!need || !active) {
        free(need);
        free(active);
        return seg__fail(SEG_ENOMEM, "model: out of memory");
    }
    for (int i = 0; i < g->n_outputs; i++)
        need[g->outputs[i]] = true;
    seg__nn_mark_needed(g, need, active);
    for (int i = 0; i < g->n_nodes; i++) {
        nn_node *n = &g->nodes[i];
        if (!active[i] && n->op) {
            if (n->op->destroy)
                n->op->destroy(n);
            n->op = NULL;
        }
    }
    free(need);
    free(active);
    return SEG_OK;
}

/* Build the GRAPH attributes of node n as sub-graphs of b's graph. */
static int build_subs(builder *b, nn_node *n)
{
    const onnx_node *on = n->src;
    for (int a = 0; a < on->n_attrs; a++) {
        if (on->attrs[a].type != ONNX_ATTR_GRAPH)
            continue;
        if (!on->attrs[a].g)
            return seg__nn_fail(n, SEG_EFORMAT, "attribute '%s' has no graph", on->attrs[a].name);
        if (!n->subs) {
            n->subs = seg__arena_array(&b->g->arena, (size_t)on->n_attrs, sizeof(nn_graph *));
            if (!n->subs)
                return seg__fail(SEG_ENOMEM, "model: out of memory");
        }
        int rc = build(b->m, on->attrs[a].g, b, n, &n->subs[a]);
        if (rc)
            return rc;
    }
    return SEG_OK;
}

static int build(const onnx_model *m, const onnx_graph *og, builder *parent, nn_node *owner,
                 nn_graph **out)
{
    *out = NULL;
    nn_graph *g = calloc(1, sizeof *g);
    if (!g)
        return seg__fail(SEG_ENOMEM, "model: out of memory");
    pthread_mutex_init(&g->pool_lock, NULL);
    g->src = og;
    seg_arena *a = &g->arena;
    int rc = SEG_OK;
    size_t nv = count_names(og);
    /* room for the constants the optimiser makes (a folded bias per node at most) */
    size_t value_cap = nv + (size_t)og->n_nodes;
    builder b = {.m = m, .g = g, .parent = parent, .owner = owner};
    b.map.cap = 16;
    while (b.map.cap < 2 * nv + 16)
        b.map.cap <<= 1;
    b.map.keys = calloc(b.map.cap, sizeof(char *));
    b.map.ids = calloc(b.map.cap, sizeof(int));
    g->value_cap = (int)value_cap;
    g->names = seg__arena_array(a, value_cap + 1, sizeof(char *));
    g->consts = seg__arena_array(a, value_cap + 1, sizeof(nn_tensor));
    g->is_const = seg__arena_array(a, value_cap + 1, sizeof(bool));
    g->last_use = seg__arena_array(a, value_cap + 1, sizeof(int));
    g->is_output = seg__arena_array(a, value_cap + 1, sizeof(bool));
    g->nodes = seg__arena_array(a, (size_t)og->n_nodes + 1, sizeof(nn_node));
    g->inputs = seg__arena_array(a, (size_t)og->n_inputs + 1, sizeof(int));
    g->outputs = seg__arena_array(a, (size_t)og->n_outputs + 1, sizeof(int));
    g->captures = seg__arena_array(a, nv + 1, sizeof(int));
    g->capture_src = seg__arena_array(a, nv + 1, sizeof(int));
    if (!b.map.keys || !b.map.ids || !g->names || !g->consts || !g->is_const || !g->last_use ||
        !g->is_output || !g->nodes || !g->inputs || !g->outputs || !g->captures ||
        !g->capture_src) {
        rc = seg__fail(SEG_ENOMEM, "model: out of memory");
        goto done;
    }
    /* initializers first: an input with the same name is an overridable default, which
     * segkit treats as the constant (as ONNX Runtime does unless the input is fed) */
    for (int i = 0; i < og->n_initializers; i++) {
        const onnx_tensor *t = &og->initializers[i];
        int id = g->n_values++;
        g->names[id] = t->name;
        g->is_const[id] = true;
        if ((rc = const_from_onnx(a, t, &g->consts[id])))
            goto done;
        map_put(&b.map, t->name, id);
    }
    for (int i = 0; i < og->n_inputs; i++) {
        const char *name = og->inputs[i].name;
        if (map_find(&b.map, name) >= 0)
            continue;
        int id = g->n_values++;
        g->names[id] = name;
        map_put(&b.map, name, id);
        g->inputs[g->n_inputs++] = id;
    }
    g->n_nodes = og->n_nodes;
    for (int i = 0; i < og->n_nodes; i++) {
        const onnx_node *on = &og->nodes[i];
        nn_node *n = &g->nodes[i];
        n->src = on;
        n->index = i;
        n->opset = seg__onnx_opset(m, "");
        n->model = m;
        pthread_mutex_init(&n->lock, NULL);
        n->op = seg__nn_find_op(on->domain, on->op_type);
        if (!n->op) {
            rc = seg__fail(SEG_EUNSUPPORTED, "model: node %d '%s': operator %s%s%s is not supported",
                           i, on->name, *on->domain ? on->domain : "", *on->domain ? "." : "",
                           on->op_type);
            goto done;
        }
        n->n_in = on->n_inputs;
        n->n_out = on->n_outputs;
        n->in = seg__arena_array(a, (size_t)n->n_in + 1, sizeof(int));
        n->out = seg__arena_array(a, (size_t)n->n_out + 1, sizeof(int));
        if (!n->in || !n->out) {
            rc = seg__fail(SEG_ENOMEM, "model: out of memory");
            goto done;
        }
        for (int k = 0; k < n->n_in; k++) {
            const char *name = on->inputs[k];
            n->in[k] = *name ? resolve(&b, name) : -1;
            if (n->in[k] == -2) {
                rc = SEG_ENOMEM;
                goto done;
            }
            if (*name && n->in[k] < 0) {
                rc = seg__nn_fail(n, SEG_EFORMAT,
                                  "input '%s' is not a graph input, initializer or earlier output",
                                  name);
                goto done;
            }
        }
        /* sub-graphs see the names defined before this node, not its own outputs */
        if ((rc = build_subs(&b, n)))
            goto done;
        for (int k = 0; k < n->n_out; k++) {
            const char *name = on->outputs[k];
            if (!*name) {
                n->out[k] = -1;
                continue;
            }
            if (map_find(&b.map, name) >= 0) {
                rc = seg__nn_fail(n, SEG_EFORMAT, "output '%s' is defined twice", name);
                goto done;
            }
            int id = g->n_values++;
            g->names[id] = name;
            map_put(&b.map, name, id);
            n->out[k] = id;
        }
        if (n->op->prepare && (rc = n->op->prepare(n)))
            goto done;
    }
    for (int i = 0; i < og->n_outputs; i++) {
        int id = resolve(&b, og->outputs[i].name);
        if (id < 0) {
            rc = id == -2 ? SEG_ENOMEM
                          : seg__fail(SEG_EFORMAT, "model: graph output '%s' is never produced",
                                      og->outputs[i].name);
            goto done;
        }
        g->outputs[g->n_outputs++] = id;
        g->is_output[id] = true;
    }
    if ((rc = prune(g)) || (rc = fold_constants(g)) || (rc = seg__nn_optimize(g)))
        goto done;
    for (int v = 0; v < g->n_values; v++)
        g->last_use[v] = -1;
    for (int i = 0; i < g->n_nodes; i++) {
        const nn_node *n = &g->nodes[i];
        if (!n->op)
            continue; /* folded */
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0)
                g->last_use[n->in[k]] = i;
        for (int k = 0; k < n->n_implicit; k++)
            g->last_use[n->implicit[k]] = i;
    }
done:
    free(b.map.keys);
    free(b.map.ids);
    if (rc) {
        seg__nn_graph_free(g);
        return rc;
    }
    *out = g;
    return SEG_OK;
}

int seg__nn_graph_build(const onnx_model *m, nn_graph **out)
{
    return build(m, m->graph, NULL, NULL, out);
}

/* Run every node whose inputs are all constant once, now; its outputs become constants
 * and the node is dropped (op = NULL). Shape arithmetic on static shapes, Constant nodes,
 * weight transposes and the like disappear from the run. */
static int fold_constants(nn_graph *g)
{
    nn_exec x = {.g = g, .last_use = g->last_use, .is_output = g->is_output};
    x.cache = &x.own;
    x.vals = calloc((size_t)g->n_values + 1, sizeof(nn_tensor));
    if (!x.vals)
        return seg__fail(SEG_ENOMEM, "model: out of memory");
    int rc = SEG_OK;
    for (int v = 0; v < g->n_values; v++)
        if (g->is_const[v])
            x.vals[v] = g->consts[v], x.vals[v].owned = false;
    for (int i = 0; i < g->n_nodes && !rc; i++) {
        nn_node *n = &g->nodes[i];
        bool all_const = true;
        for (int k = 0; k < n->n_in; k++)
            all_const &= n->in[k] < 0 || g->is_const[n->in[k]];
        const char *op = n->src->op_type;
        /* Random ops must not be folded; nodes with sub-graphs are left to run. */
        if (!n->op || !all_const || strncmp(op, "Random", 6) == 0 || n->subs)
            continue;
        rc = n->op->run(&x, n);
        seg__nn_tensor_release(&x.sink);
        if (rc)
            break;
        for (int k = 0; k < n->n_out; k++) {
            int v = n->out[k];
            if (v < 0)
                continue;
            nn_tensor *t = &x.vals[v];
            nn_tensor c = *t;
            c.owned = false;
            c.data = seg__arena_alloc(&g->arena, t->bytes + 64);
            if (!c.data) {
                rc = seg__fail(SEG_ENOMEM, "model: out of memory");
                break;
            }
            c.data = (void *)(((uintptr_t)c.data + 63) & ~(uintptr_t)63);
            if (t->bytes)
                memcpy(c.data, t->data, t->bytes);
            seg__nn_tensor_release(t);
            *t = c;
            g->consts[v] = c;
            g->is_const[v] = true;
        }
        if (n->op->destroy)
            n->op->destroy(n);
        n->op = NULL;
    }
    for (int v = 0; v < g->n_values; v++)
        if (x.vals[v].owned)
            seg__nn_tensor_release(&x.vals[v]);
    seg__nn_exec_finish(&x);
    free(x.vals);
    return rc;
}
