/* seg_model: loading (mmap + the ONNX reader + external data) and description. */
#include "nn/graph.h"
#include "nn/onnx.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct seg_model {
    onnx_model *onnx;
    void *map;        /* the mapped file, or a malloc'd copy */
    size_t map_size;
    bool mapped;
    int n_inputs;     /* real inputs: graph inputs that are not initializers */
    const onnx_value_info **inputs;
    nn_graph *graph;  /* the executable form; NULL when an operator is unsupported */
    char *graph_error; /* why there is no graph: describing still works, running fails */
};

static bool is_initializer(const onnx_graph *g, const char *name)
{
    for (int i = 0; i < g->n_initializers; i++)
        if (strcmp(g->initializers[i].name, name) == 0)
            return true;
    return false;
}

/* Read external tensor data from files beside the model. */
static int load_external(onnx_model *m, const char *dir)
{
    const onnx_graph *g = m->graph;
    for (int i = 0; i < g->n_initializers; i++) {
        onnx_tensor *t = &g->initializers[i];
        if (!t->external_location)
            continue;
        if (!dir)
            return seg__fail(SEG_EUNSUPPORTED,
                             "onnx: initializer '%s' has external data; load the model from a file",
                             t->name);
        size_t plen = strlen(dir) + strlen(t->external_location) + 2;
        char *path = malloc(plen);
        if (!path)
            return seg__fail(SEG_ENOMEM, "onnx: out of memory");
        snprintf(path, plen, "%s/%s", dir, t->external_location);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        int rc = SEG_OK;
        if (fd < 0 || fstat(fd, &st) < 0) {
            rc = seg__fail(SEG_EIO, "onnx: initializer '%s': cannot open external data %s: %s",
                           t->name, path, strerror(errno));
        } else if (t->external_offset > st.st_size ||
                   (uint64_t)(st.st_size - t->external_offset) < t->nbytes) {
            rc = seg__fail(SEG_EFORMAT,
                           "onnx: initializer '%s': external data %s is shorter than its shape",
                           t->name, path);
        } else {
            void *buf = seg__arena_alloc(&m->arena, t->nbytes ? t->nbytes : 1);
            size_t got = 0;
            while (buf && got < t->nbytes) {
                ssize_t n = pread(fd, (char *)buf + got, t->nbytes - got,
                                  (off_t)(t->external_offset + (int64_t)got));
                if (n <= 0)
                    break;
                got += (size_t)n;
            }
            if (!buf)
                rc = seg__fail(SEG_ENOMEM, "onnx: out of memory for '%s'", t->name);
            else if (got != t->nbytes)
                rc = seg__fail(SEG_EIO, "onnx: cannot read external data %s", path);
            t->data = buf;
        }
        if (fd >= 0)
            close(fd);
        free(path);
        if (rc)
            return rc;
    }
    return SEG_OK;
}

static int finish(seg_model *md, const char *dir, seg_model **out)
{
    int rc = seg__onnx_parse(md->map, md->map_size, &md->onnx);
    if (!rc)
        rc = load_external(md->onnx, dir);
    if (!rc) {
        const onnx_graph *g = md->onnx->graph;
        md->inputs = seg__arena_array(&md->onnx->arena, (size_t)g->n_inputs + 1, sizeof(void *));
        if (!md->inputs)
            rc = seg__fail(SEG_ENOMEM, "onnx: out of memory");
        for (int i = 0; !rc && i < g->n_inputs; i++)
            if (!is_initializer(g, g->inputs[i].name))
                md->inputs[md->n_inputs++] = &g->inputs[i];
    }
    if (!rc) {
        rc = seg__nn_graph_build(md->onnx, &md->graph);
        if (rc == SEG_EUNSUPPORTED) {
            md->graph_error = strdup(seg_last_error());
            rc = md->graph_error ? SEG_OK : seg__fail(SEG_ENOMEM, "model: out of memory");
        }
    }
    if (rc) {
        seg_model_destroy(md);
        return rc;
    }
    /* The graph holds its own copies of the weights: drop the file's pages from this
     * process (a later read of a name faults them back from the page cache), so the
     * weights are not resident twice. */
    if (md->mapped)
        madvise(md->map, md->map_size, MADV_DONTNEED);
    *out = md;
    return SEG_OK;
}

int seg_model_load(const char *path, seg_model **out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "model: output is NULL");
    *out = NULL;
    if (!path)
        return seg__fail(SEG_EINVAL, "model: path is NULL");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return seg__fail(SEG_EIO, "model: cannot open %s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode) || st.st_size == 0) {
        close(fd);
        return seg__fail(SEG_EFORMAT, "model: %s is %s", path,
                         S_ISREG(st.st_mode) ? "empty" : "not a regular file");
    }
    seg_model *md = calloc(1, sizeof *md);
    if (!md) {
        close(fd);
        return seg__fail(SEG_ENOMEM, "model: out of memory");
    }
    md->map_size = (size_t)st.st_size;
    md->map = mmap(NULL, md->map_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (md->map == MAP_FAILED) {
        free(md);
        return seg__fail(SEG_EIO, "model: cannot map %s: %s", path, strerror(errno));
    }
    md->mapped = true;
    char *dir = strdup(path);
    if (!dir) {
        seg_model_destroy(md);
        return seg__fail(SEG_ENOMEM, "model: out of memory");
    }
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    int rc = finish(md, dir, out);
    free(dir);
    if (rc) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s", seg_last_error());
        return seg__fail(rc, "%s: %s", path, msg);
    }
    return SEG_OK;
}

int seg_model_load_memory(const void *data, size_t size, seg_model **out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "model: output is NULL");
    *out = NULL;
    if (!data || !size)
        return seg__fail(SEG_EFORMAT, "model: empty buffer");
    seg_model *md = calloc(1, sizeof *md);
    void *copy = malloc(size);
    if (!md || !copy) {
        free(md);
        free(copy);
        return seg__fail(SEG_ENOMEM, "model: out of memory");
    }
    memcpy(copy, data, size);
    md->map = copy;
    md->map_size = size;
    return finish(md, NULL, out);
}

void seg_model_destroy(seg_model *md)
{
    if (!md)
        return;
    seg__nn_graph_free(md->graph);
    free(md->graph_error);
    seg__onnx_free(md->onnx);
    if (md->mapped)
        munmap(md->map, md->map_size);
    else
        free(md->map);
    free(md);
}

static void fill_info(const onnx_value_info *v, seg_tensor_info *info)
{
    memset(info, 0, sizeof *info);
    info->name = v->name;
    info->elem_type = v->elem_type;
    info->ndim = v->ndim;
    for (int d = 0; d < v->ndim && d < SEG_MODEL_MAX_RANK; d++) {
        info->dims[d] = v->dims[d];
        info->dim_names[d] = v->dim_params[d];
    }
}

int seg_model_num_inputs(const seg_model *md)
{
    return md ? md->n_inputs : 0;
}

int seg_model_num_outputs(const seg_model *md)
{
    return md ? md->onnx->graph->n_outputs : 0;
}

int seg_model_input(const seg_model *md, int i, seg_tensor_info *info)
{
    if (!md || !info || i < 0 || i >= md->n_inputs)
        return seg__fail(SEG_EINVAL, "model: no input %d", i);
    fill_info(md->inputs[i], info);
    return SEG_OK;
}

int seg_model_output(const seg_model *md, int i, seg_tensor_info *info)
{
    if (!md || !info || i < 0 || i >= md->onnx->graph->n_outputs)
        return seg__fail(SEG_EINVAL, "model: no output %d", i);
    fill_info(&md->onnx->graph->outputs[i], info);
    return SEG_OK;
}

int64_t seg_model_opset(const seg_model *md)
{
    return md ? seg__onnx_opset(md->onnx, "") : 0;
}

const char *seg_model_producer(const seg_model *md)
{
    return md ? md->onnx->producer_name : "";
}

const char *seg_model_producer_version(const seg_model *md)
{
    return md ? md->onnx->producer_version : "";
}

int seg_model_num_nodes(const seg_model *md)
{
    return md ? md->onnx->graph->n_nodes : 0;
}

const char *seg_model_node_op(const seg_model *md, int i)
{
    if (!md || i < 0 || i >= md->onnx->graph->n_nodes)
        return NULL;
    return md->onnx->graph->nodes[i].op_type;
}

int seg_model_num_run_nodes(const seg_model *md)
{
    if (!md || !md->graph)
        return -1;
    int n = 0;
    for (int i = 0; i < md->graph->n_nodes; i++)
        n += md->graph->nodes[i].op != NULL;
    return n;
}

int64_t seg_model_num_parameters(const seg_model *md)
{
    if (!md)
        return 0;
    const onnx_graph *g = md->onnx->graph;
    int64_t n = 0;
    for (int i = 0; i < g->n_initializers; i++)
        n += g->initializers[i].numel;
    for (int i = 0; i < g->n_nodes; i++) {
        const onnx_node *nd = &g->nodes[i];
        if (strcmp(nd->op_type, "Constant") != 0)
            continue;
        for (int k = 0; k < nd->n_attrs; k++)
            if (nd->attrs[k].t)
                n += nd->attrs[k].t->numel;
    }
    return n;
}

size_t seg_tensor_struct_size(void)
{
    return sizeof(seg_tensor);
}

void seg_tensor_free(seg_tensor *t)
{
    if (!t)
        return;
    if (t->owned)
        seg__free(t->data);
    memset(t, 0, sizeof *t);
}

/* Check the caller's inputs against the model's and view them as engine tensors. */
static int convert_inputs(const seg_model *md, const seg_tensor *inputs, int n_inputs,
                          nn_tensor *in)
{
    int rc = SEG_OK;
    for (int i = 0; !rc && i < n_inputs; i++) {
        const seg_tensor *t = &inputs[i];
        const onnx_value_info *v = md->inputs[i];
        size_t es = seg__onnx_dtype_size(t->elem_type), need;
        if (t->ndim < 0 || t->ndim > NN_MAX_RANK)
            return seg__fail(SEG_EINVAL, "model: input '%s' has rank %d", v->name, t->ndim);
        int64_t numel = seg__nn_numel(t->ndim, t->dims);
        if (numel < 0 || !es || !seg__mul((size_t)numel, es, &need) || t->nbytes < need ||
            (!t->data && need))
            return seg__fail(SEG_EINVAL, "model: input '%s': data does not match its shape and type",
                             v->name);
        if (v->elem_type && v->elem_type != t->elem_type)
            return seg__fail(SEG_EINVAL, "model: input '%s' must be %s, got %s", v->name,
                             seg__onnx_dtype_name(v->elem_type), seg__onnx_dtype_name(t->elem_type));
        if (v->ndim >= 0 && v->ndim != t->ndim)
            return seg__fail(SEG_EINVAL, "model: input '%s' must have rank %d, got %d", v->name,
                             v->ndim, t->ndim);
        for (int d = 0; d < v->ndim && !rc; d++)
            if (v->dims[d] >= 0 && v->dims[d] != t->dims[d])
                rc = seg__fail(SEG_EINVAL, "model: input '%s' dim %d must be %lld, got %lld",
                               v->name, d, (long long)v->dims[d], (long long)t->dims[d]);
        in[i] = (nn_tensor){.dtype = t->elem_type, .ndim = t->ndim, .numel = numel,
                            .data = t->data, .bytes = need};
        memcpy(in[i].dims, t->dims, sizeof(int64_t) * (size_t)t->ndim);
    }
    return rc;
}

/* Common to seg_model_run and seg_model_run_values: ids NULL runs the graph outputs. */
static int run_model(const seg_model *md, const seg_tensor *inputs, int n_inputs,
                     const int *ids, seg_tensor *outputs, int n_outputs, size_t *peak_bytes)
{
    const nn_graph *g = md->graph;
    nn_tensor *in = calloc((size_t)n_inputs + 1, sizeof *in);
    nn_tensor *out = calloc((size_t)n_outputs + 1, sizeof *out);
    int rc = in && out ? SEG_OK : seg__fail(SEG_ENOMEM, "model: out of memory");
    if (!rc)
        rc = convert_inputs(md, inputs, n_inputs, in);
    if (!rc)
        rc = ids ? seg__nn_run_values(g, in, ids, n_outputs, out, peak_bytes)
                 : seg__nn_run(g, in, out, peak_bytes, NULL);
    for (int i = 0; !rc && i < n_outputs; i++) {
        outputs[i].elem_type = out[i].dtype;
        outputs[i].ndim = out[i].ndim;
        memcpy(outputs[i].dims, out[i].dims, sizeof(int64_t) * (size_t)out[i].ndim);
        outputs[i].data = out[i].data;
        outputs[i].nbytes = out[i].bytes;
        outputs[i].owned = 1;
    }
    free(in);
    free(out);
    return rc;
}

static int run_checks(const seg_model *md, const seg_tensor *inputs, int n_inputs,
                      seg_tensor *outputs, int n_outputs, size_t *peak_bytes)
{
    seg__clear_error();
    if (peak_bytes)
        *peak_bytes = 0;
    if (!md || (!inputs && n_inputs) || (!outputs && n_outputs) || n_outputs < 0)
        return seg__fail(SEG_EINVAL, "model: NULL argument");
    for (int i = 0; i < n_outputs; i++)
        memset(&outputs[i], 0, sizeof outputs[i]);
    if (!md->graph)
        return seg__fail(SEG_EUNSUPPORTED, "%s", md->graph_error);
    if (n_inputs != md->graph->n_inputs)
        return seg__fail(SEG_EINVAL, "model: expects %d inputs, got %d", md->graph->n_inputs,
                         n_inputs);
    return SEG_OK;
}

int seg_model_run(const seg_model *md, const seg_tensor *inputs, int n_inputs,
                  seg_tensor *outputs, int n_outputs, size_t *peak_bytes)
{
    int rc = run_checks(md, inputs, n_inputs, outputs, n_outputs, peak_bytes);
    if (rc)
        return rc;
    if (n_outputs != md->graph->n_outputs)
        return seg__fail(SEG_EINVAL, "model: expects %d outputs, got %d", md->graph->n_outputs,
                         n_outputs);
    return run_model(md, inputs, n_inputs, NULL, outputs, n_outputs, peak_bytes);
}

int seg_model_run_values(const seg_model *md, const seg_tensor *inputs, int n_inputs,
                         const char *const *names, int n_names, seg_tensor *outputs,
                         size_t *peak_bytes)
{
    int rc = run_checks(md, inputs, n_inputs, outputs, n_names, peak_bytes);
    if (rc)
        return rc;
    if (!names && n_names)
        return seg__fail(SEG_EINVAL, "model: NULL argument");
    const nn_graph *g = md->graph;
    int *ids = malloc(sizeof(int) * ((size_t)n_names + 1));
    if (!ids)
        return seg__fail(SEG_ENOMEM, "model: out of memory");
    for (int i = 0; !rc && i < n_names; i++) {
        ids[i] = -1;
        for (int v = 0; names[i] && v < g->n_values && ids[i] < 0; v++)
            if (g->names[v] && strcmp(g->names[v], names[i]) == 0)
                ids[i] = v;
        if (ids[i] < 0)
            rc = seg__fail(SEG_EINVAL, "model: no value named '%s'", names[i] ? names[i] : "(null)");
    }
    if (!rc)
        rc = run_model(md, inputs, n_inputs, ids, outputs, n_names, peak_bytes);
    free(ids);
    return rc;
}

int seg_model_macs(const seg_model *md, int64_t *macs)
{
    seg__clear_error();
    if (!md || !macs)
        return seg__fail(SEG_EINVAL, "model: NULL argument");
    *macs = 0;
    const nn_graph *g = md->graph;
    if (!g)
        return seg__fail(SEG_EUNSUPPORTED, "%s", md->graph_error);
    nn_tensor *in = calloc((size_t)g->n_inputs + 1, sizeof *in);
    nn_tensor *out = calloc((size_t)g->n_outputs + 1, sizeof *out);
    int rc = in && out ? SEG_OK : seg__fail(SEG_ENOMEM, "model: out of memory");
    for (int i = 0; !rc && i < g->n_inputs; i++) {
        const onnx_value_info *v = md->inputs[i];
        size_t es = seg__onnx_dtype_size(v->elem_type), bytes = 0;
        if (v->ndim < 0 || !es) {
            rc = seg__fail(SEG_EUNSUPPORTED, "model: input '%s' has no static shape and type", v->name);
            break;
        }
        for (int d = 0; d < v->ndim && !rc; d++)
            if (v->dims[d] < 0)
                rc = seg__fail(SEG_EUNSUPPORTED, "model: input '%s' has a dynamic dimension %d",
                               v->name, d);
        int64_t numel = seg__nn_numel(v->ndim, v->dims);
        if (!rc && (numel < 0 || !seg__mul((size_t)numel, es, &bytes) || bytes > ((size_t)1 << 32)))
            rc = seg__fail(SEG_ELIMIT, "model: input '%s' is too large", v->name);
        if (rc)
            break;
        in[i] = (nn_tensor){.dtype = v->elem_type, .ndim = v->ndim, .numel = numel, .bytes = bytes,
                            .data = seg__calloc(bytes + 1, 1), .owned = true};
        memcpy(in[i].dims, v->dims, sizeof(int64_t) * (size_t)v->ndim);
        if (!in[i].data)
            rc = seg__fail(SEG_ENOMEM, "model: out of memory");
    }
    if (!rc)
        rc = seg__nn_run(g, in, out, NULL, macs);
    for (int i = 0; in && i < g->n_inputs; i++)
        seg__nn_tensor_release(&in[i]);
    for (int i = 0; !rc && out && i < g->n_outputs; i++)
        seg__nn_tensor_release(&out[i]);
    free(in);
    free(out);
    return rc;
}

/* The node producing value v, or NULL (an input or constant). */
static const nn_node *producer(const nn_graph *g, int v)
{
    for (int i = 0; i < g->n_nodes; i++)
        for (int k = 0; g->nodes[i].op && k < g->nodes[i].n_out; k++)
            if (g->nodes[i].out[k] == v)
                return &g->nodes[i];
    return NULL;
}

int seg__model_loop_sources(const seg_model *md, const char *output, const char **names, int cap)
{
    const nn_graph *g = md ? md->graph : NULL;
    if (!g || !output)
        return 0;
    int v = -1;
    for (int i = 0; i < g->n_outputs && v < 0; i++)
        if (strcmp(g->names[g->outputs[i]], output) == 0)
            v = g->outputs[i];
    static const char *const pass[] = {"Unsqueeze", "Squeeze", "Reshape", "Identity", "Cast",
                                       "Flatten", NULL};
    /* walk back from the output through shape-only nodes, to a Loop or nothing */
    for (int hops = 0; v >= 0 && hops < 16; hops++) {
        const nn_node *p = producer(g, v);
        if (!p)
            return 0;
        if (strcmp(p->src->op_type, "Loop") == 0) {
            int n = 0;
            for (int k = 0; k < p->n_in + p->n_implicit && n < cap; k++) {
                int s = k < p->n_in ? p->in[k] : p->implicit[k - p->n_in];
                if (s < 0)
                    continue;
                /* a padded source (torchvision pads its masks by one pixel before the
                 * Loop): the unpadded value first */
                const nn_node *q = producer(g, s);
                if (q && strcmp(q->src->op_type, "Pad") == 0 && q->in[0] >= 0 && n + 1 < cap)
                    names[n++] = g->names[q->in[0]];
                names[n++] = g->names[s];
            }
            return n;
        }
        bool through = false;
        for (int k = 0; pass[k] && !through; k++)
            through = strcmp(p->src->op_type, pass[k]) == 0;
        v = through && p->n_in > 0 ? p->in[0] : -1;
    }
    return 0;
}
