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
        if (g->nodes[i].op && g->nodes[i].op->destroy)
            g->nodes[i].op->destroy(&g->nodes[i]);
        pthread_mutex_destroy(&g->nodes[i].lock);
    }
    seg__arena_free(&g->arena);
    free(g);
}

static int fold_constants(nn_graph *g);

int seg__nn_graph_build(const onnx_model *m, nn_graph **out)
{
    *out = NULL;
    const onnx_graph *og = m->graph;
    nn_graph *g = calloc(1, sizeof *g);
    if (!g)
        return seg__fail(SEG_ENOMEM, "model: out of memory");
    seg_arena *a = &g->arena;
    int rc = SEG_OK;
    size_t nv = (size_t)og->n_inputs + (size_t)og->n_initializers;
    for (int i = 0; i < og->n_nodes; i++)
        nv += (size_t)og->nodes[i].n_outputs;
    /* room for the constants the optimiser makes (a folded bias per node at most) */
    size_t value_cap = nv + (size_t)og->n_nodes;
    name_map map = {0};
    map.cap = 16;
    while (map.cap < 2 * nv + 16)
        map.cap <<= 1;
    map.keys = calloc(map.cap, sizeof(char *));
    map.ids = calloc(map.cap, sizeof(int));
    g->value_cap = (int)value_cap;
    g->names = seg__arena_array(a, value_cap + 1, sizeof(char *));
    g->consts = seg__arena_array(a, value_cap + 1, sizeof(nn_tensor));
    g->is_const = seg__arena_array(a, value_cap + 1, sizeof(bool));
    g->last_use = seg__arena_array(a, value_cap + 1, sizeof(int));
    g->is_output = seg__arena_array(a, value_cap + 1, sizeof(bool));
    g->nodes = seg__arena_array(a, (size_t)og->n_nodes + 1, sizeof(nn_node));
    g->inputs = seg__arena_array(a, (size_t)og->n_inputs + 1, sizeof(int));
    g->outputs = seg__arena_array(a, (size_t)og->n_outputs + 1, sizeof(int));
    if (!map.keys || !map.ids || !g->names || !g->consts || !g->is_const || !g->last_use ||
        !g->is_output || !g->nodes || !g->inputs || !g->outputs) {
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
        map_put(&map, t->name, id);
    }
    for (int i = 0; i < og->n_inputs; i++) {
        const char *name = og->inputs[i].name;
        if (map_find(&map, name) >= 0)
            continue;
        int id = g->n_values++;
        g->names[id] = name;
        map_put(&map, name, id);
        g->inputs[g->n_inputs++] = id;
    }
    g->n_nodes = og->n_nodes;
    for (int i = 0; i < og->n_nodes; i++) {
        const onnx_node *on = &og->nodes[i];
        nn_node *n = &g->nodes[i];
        n->src = on;
        n->index = i;
        n->opset = seg__onnx_opset(m, "");
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
            n->in[k] = *name ? map_find(&map, name) : -1;
            if (*name && n->in[k] < 0) {
                rc = seg__nn_fail(n, SEG_EFORMAT,
                                  "input '%s' is not a graph input, initializer or earlier output",
                                  name);
                goto done;
            }
        }
        for (int k = 0; k < n->n_out; k++) {
            const char *name = on->outputs[k];
            if (!*name) {
                n->out[k] = -1;
                continue;
            }
            if (map_find(&map, name) >= 0) {
                rc = seg__nn_fail(n, SEG_EFORMAT, "output '%s' is defined twice", name);
                goto done;
            }
            int id = g->n_values++;
            g->names[id] = name;
            map_put(&map, name, id);
            n->out[k] = id;
        }
        if (n->op->prepare && (rc = n->op->prepare(n)))
            goto done;
    }
    for (int i = 0; i < og->n_outputs; i++) {
        int id = map_find(&map, og->outputs[i].name);
        if (id < 0) {
            rc = seg__fail(SEG_EFORMAT, "model: graph output '%s' is never produced",
                           og->outputs[i].name);
            goto done;
        }
        g->outputs[g->n_outputs++] = id;
        g->is_output[id] = true;
    }
    if ((rc = fold_constants(g)) || (rc = seg__nn_optimize(g)))
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
    }
done:
    free(map.keys);
    free(map.ids);
    if (rc) {
        seg__nn_graph_free(g);
        return rc;
    }
    *out = g;
    return SEG_OK;
}

/* Run every node whose inputs are all constant once, now; its outputs become constants
 * and the node is dropped (op = NULL). Shape arithmetic on static shapes, Constant nodes,
 * weight transposes and the like disappear from the run. */
static int fold_constants(nn_graph *g)
{
    nn_exec x = {.g = g};
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
        if (!all_const || strncmp(op, "Random", 6) == 0 || strcmp(op, "If") == 0 ||
            strcmp(op, "Loop") == 0)
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
