/* The executable form of an ONNX graph: values numbered, constants prepared, nodes
 * bound to kernels, last uses known so that buffers are released as soon as possible. */
#ifndef SEG_NN_GRAPH_H
#define SEG_NN_GRAPH_H

#include "nn/onnx.h"
#include "internal.h"

#include <pthread.h>

#define NN_MAX_RANK 8

typedef struct nn_tensor {
    int32_t dtype; /* ONNX_* */
    int ndim;
    int64_t dims[NN_MAX_RANK];
    int64_t numel;
    void *data;    /* 64-byte aligned; NULL for an empty tensor */
    size_t bytes;  /* numel * element size (blocked: with the channel padding) */
    bool owned;    /* data belongs to this tensor (run-time buffers), not the graph */
    size_t cap;    /* bytes allocated at data (run-time buffers; 0 when unknown) */
    int blk;       /* 0: plain row-major; 8 or 16: oneDNN's nChw8c / nChw16c (4-D f32,
                      channels padded to a multiple of blk with zeros) */
} nn_tensor;

struct nn_exec;
struct nn_node;

typedef struct nn_op {
    const char *name;
    /* Optional: check attributes and build state once, when the graph is made. */
    int (*prepare)(struct nn_node *n);
    /* Compute the node's outputs from its inputs (shapes are derived here). */
    int (*run)(struct nn_exec *x, struct nn_node *n);
    void (*destroy)(struct nn_node *n); /* release n->state */
    bool blocked_ok; /* run() accepts blocked inputs (else the executor makes them plain) */
} nn_op;

typedef struct nn_node {
    const onnx_node *src;
    const nn_op *op;
    int index;
    int64_t opset;  /* default-domain opset of the model (semantics differ by version) */
    const onnx_model *model; /* for producer-specific rules (e.g. RoiAlign's) */
    int n_in, n_out;
    int *in, *out; /* value ids; -1 for an omitted optional input/output */
    void *state;   /* kernel-specific cache (e.g. a oneDNN primitive per input shape) */
    pthread_mutex_t lock; /* guards state when one model runs on several threads */
    /* Control flow (If, Loop): subs[a] is the built graph of attribute a when it is a
     * GRAPH attribute (else NULL); implicit[] are this graph's values the sub-graphs read
     * from the enclosing scope, so they stay alive until this node has run. */
    struct nn_graph **subs;
    int n_implicit, implicit_cap;
    int *implicit;
} nn_node;

/* Buffers past their last use, kept for the next outputs: a fresh allocation of a large
 * buffer costs an mmap and a page fault per 4 KiB. */
#define NN_CACHE 32
typedef struct nn_cache {
    int n;
    void *p[NN_CACHE];
    size_t size[NN_CACHE];
} nn_cache;

typedef struct nn_graph {
    int n_values, value_cap; /* value_cap: room for constants the optimiser adds */
    const char **names;
    nn_tensor *consts;   /* consts[v].data != NULL for initializers and folded values */
    bool *is_const;
    int *last_use;       /* index of the last node reading value v (-1: none) */
    bool *is_output;
    int n_nodes;
    nn_node *nodes;
    int n_inputs, n_outputs;
    int *inputs, *outputs;
    /* A sub-graph's values that come from the enclosing graph (outer-scope names):
     * captures[i] here is fed from value capture_src[i] of the enclosing graph. */
    int n_captures;
    int *captures, *capture_src;
    const onnx_graph *src;
    /* The buffers the last run left, handed to the next (top-level graph only): the
     * activations of a model run repeatedly are not faulted in again each time. */
    pthread_mutex_t pool_lock;
    nn_cache pool;
    seg_arena arena;
} nn_graph;

typedef struct nn_exec {
    const nn_graph *g;
    /* This run's plan: the graph's, or one cut down to some values (seg__nn_run_values) */
    const bool *active;    /* per node: runs (NULL: every node with an op) */
    const int *last_use;   /* per value: the last active node reading it */
    const bool *is_output; /* per value: handed out at the end */
    nn_tensor *vals;      /* current value of every value id */
    size_t live_bytes, peak_bytes;
    nn_tensor sink;       /* where an omitted optional output goes; freed after each node */
    int64_t macs;         /* multiply-accumulates done by Conv/ConvTranspose/MatMul/Gemm */
    nn_cache own;      /* this run's cache ... */
    nn_cache *cache;   /* ... or its parent's (sub-graph runs share it) */
} nn_exec;

/* Free the buffers an executor keeps for reuse (end of a run). */
void seg__nn_exec_finish(nn_exec *x);
void seg__nn_cache_clear(nn_cache *c);

int seg__nn_graph_build(const onnx_model *m, nn_graph **out);
/* The nodes (with an op) that the values marked in need[] depend on: active[i] set for
 * each, need[] extended to every value they read (implicit inputs included). */
void seg__nn_mark_needed(const nn_graph *g, bool *need, bool *active);
void seg__nn_graph_free(nn_graph *g);
/* Fuse Pad/Add/Relu/Clip into convolutions (optimize.c). */
int seg__nn_optimize(nn_graph *g);
/* Run the graph: inputs are given in graph-input order; outputs are moved to out[]
 * (caller frees with seg__nn_tensor_release). */
int seg__nn_run(const nn_graph *g, nn_tensor *inputs, nn_tensor *outputs, size_t *peak_bytes,
                int64_t *macs);
/* Run only what the values ids[0..n) need, handing them out in outputs[] (any value
 * of the main graph: inputs, intermediates, outputs). SEG_EINVAL names a value that
 * this graph does not compute (folded into another operator or pruned at load). */
int seg__nn_run_values(const nn_graph *g, nn_tensor *inputs, const int *ids, int n,
                       nn_tensor *outputs, size_t *peak_bytes);
/* Run sub-graph `sub` of node n (If/Loop) inside executor x: its captured values come
 * from x, inputs[] feed its formal inputs (it takes over those marked owned, emptying
 * them; the others are views), outputs[] receive owned tensors.
 * Its peak memory and MACs are added to x's. */
int seg__nn_run_sub(nn_exec *x, const nn_node *n, const nn_graph *sub, nn_tensor *inputs,
                    nn_tensor *outputs);
/* Make the owned tensor *t output k of node n (t is emptied). */
void seg__nn_out_take(nn_exec *x, const nn_node *n, int k, nn_tensor *t);
/* Record that `bytes` more are alive for a moment (peak accounting). */
void seg__nn_note_transient(nn_exec *x, size_t bytes);

/* ---- helpers for kernels ---- */
const nn_op *seg__nn_find_op(const char *domain, const char *name);
/* Input k of node n, or NULL when omitted or k is out of range. */
const nn_tensor *seg__nn_in(nn_exec *x, const nn_node *n, int k);
/* Allocate output k with the given type and shape. */
nn_tensor *seg__nn_out(nn_exec *x, const nn_node *n, int k, int32_t dtype, int ndim,
                       const int64_t *dims);
/* Output k in blocked layout (blk 8/16) for a 4-D f32 shape. */
nn_tensor *seg__nn_out_blk(nn_exec *x, const nn_node *n, int k, const int64_t *dims, int blk);
/* Convert value t (in this run) to plain layout in place. */
int seg__nn_make_plain(nn_exec *x, nn_tensor *t);
/* Convert value t to blocked layout blk in place (4-D f32 only). */
int seg__nn_make_blocked(nn_exec *x, nn_tensor *t, int blk);
/* Input k of node n in plain layout (converted in place if needed). */
const nn_tensor *seg__nn_in_plain(nn_exec *x, const nn_node *n, int k);
/* Reorder between plain NCHW and nChw{blk}c (f32); the padded channels are zero. */
void seg__nn_reorder(const nn_tensor *src, nn_tensor *dst);
/* Bytes of a 4-D f32 tensor in blocked layout. */
size_t seg__nn_blocked_bytes(const int64_t *dims, int blk);
/* The block size segkit uses on this CPU (16 with AVX-512, else 8), or 0 when blocked
 * layouts are off (plain path). */
int seg__nn_block(void);

/* Make output k an alias-free copy-less view of input tensor t (same bytes, new shape):
 * for Reshape/Squeeze/Identity. Moves t's buffer when this node is its last user. */
nn_tensor *seg__nn_out_view(nn_exec *x, const nn_node *n, int k, const nn_tensor *t, int ndim,
                            const int64_t *dims);
/* Output k as input in_k's buffer grown to a larger shape whose first bytes are that
 * input's (Concat appending along its outermost axis); NULL, touching nothing, when the
 * input is not this node's to take (not owned, read later, blocked, an output). */
nn_tensor *seg__nn_out_grow(nn_exec *x, const nn_node *n, int k, int in_k, int ndim,
                            const int64_t *dims);
void seg__nn_tensor_release(nn_tensor *t);
/* Limits against hostile models, from the environment once (defaults in exec.c):
 * SEGKIT_MAX_TENSOR_BYTES bounds any one tensor, SEGKIT_MAX_LOOP_ITERATIONS a Loop's
 * iterations (a model may legally loop 2^63 times; a file from elsewhere should not hang
 * its reader). */
size_t seg__nn_max_tensor_bytes(void);
int64_t seg__nn_max_loop_iterations(void);
int64_t seg__nn_numel(int ndim, const int64_t *dims);
int seg__nn_fail(const nn_node *n, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Attributes (defaults when absent). */
const onnx_attr *seg__nn_attr(const nn_node *n, const char *name);
int64_t seg__nn_attr_int(const nn_node *n, const char *name, int64_t def);
float seg__nn_attr_float(const nn_node *n, const char *name, float def);
const char *seg__nn_attr_str(const nn_node *n, const char *name, const char *def);
/* Integer list attribute: count, or -1 when absent. */
int seg__nn_attr_ints(const nn_node *n, const char *name, const int64_t **v);
/* Read an integer tensor's values (i32/i64) into out[] (cap values). Returns the count
 * or a negative status. */
int seg__nn_read_ints(const nn_node *n, const nn_tensor *t, int64_t *out, int cap);
/* Element value as double (any numeric type). */
double seg__nn_get_f(const nn_tensor *t, int64_t i);
/* Element value as int64: exact for integer types, floats truncated and saturated. */
int64_t seg__nn_get_i(const nn_tensor *t, int64_t i);

#endif
