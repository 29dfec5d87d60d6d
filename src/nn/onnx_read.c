/* ONNX reader: ModelProto -> onnx_model, validating every field read from the file.
 *
 * Each message is read in two passes over its bytes: the first counts the repeated
 * fields so that arrays are allocated once at their exact size in the model's arena,
 * the second fills them. Tensor payloads (raw_data) are not copied. */
#include "nn/onnx.h"
#include "nn/pb.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELD 32

typedef struct ctx {
    seg_arena *a;
    int depth;
    char where[192]; /* what is being read, for error messages */
} ctx;

/* A reader over [d, d + n); empty for d NULL (a field that is not length-delimited has
 * no data, and NULL + 0 is undefined in C). */
static pb_reader span(const uint8_t *d, size_t n)
{
    return d ? (pb_reader){d, d + n} : (pb_reader){NULL, NULL};
}

static pb_reader sub_reader(const pb_field *f)
{
    return span(f->data, f->len);
}

static int bad(ctx *c, const char *what)
{
    return seg__fail(SEG_EFORMAT, "onnx: %s%s%s", c->where, *c->where ? ": " : "", what);
}

static int nomem(ctx *c)
{
    return seg__fail(SEG_ENOMEM, "onnx: out of memory reading %s", c->where);
}

size_t seg__onnx_dtype_size(int32_t t)
{
    switch (t) {
    case ONNX_FLOAT: case ONNX_INT32: case ONNX_UINT32: return 4;
    case ONNX_UINT8: case ONNX_INT8: case ONNX_BOOL: return 1;
    case ONNX_UINT16: case ONNX_INT16: case ONNX_FLOAT16: case ONNX_BFLOAT16: return 2;
    case ONNX_INT64: case ONNX_DOUBLE: case ONNX_UINT64: case ONNX_COMPLEX64: return 8;
    case ONNX_COMPLEX128: return 16;
    default: return 0;
    }
}

const char *seg__onnx_dtype_name(int32_t t)
{
    static const char *names[] = {"undefined", "float32", "uint8", "int8", "uint16", "int16",
                                  "int32", "int64", "string", "bool", "float16", "float64",
                                  "uint32", "uint64", "complex64", "complex128", "bfloat16"};
    return t >= 0 && t <= 16 ? names[t] : "unknown";
}

int64_t seg__onnx_opset(const onnx_model *m, const char *domain)
{
    bool want_default = !*domain || strcmp(domain, "ai.onnx") == 0;
    for (int i = 0; i < m->n_opsets; i++) {
        const char *d = m->opsets[i].domain;
        if (want_default ? (!*d || strcmp(d, "ai.onnx") == 0) : strcmp(d, domain) == 0)
            return m->opsets[i].version;
    }
    return 0;
}

/* Count elements of a repeated scalar field given packed (BYTES) or not. */
static int count_scalars(const pb_field *f, int fixed_size, size_t *n)
{
    if (f->wire != PB_BYTES) {
        (*n)++;
        return 0;
    }
    if (fixed_size) {
        if (f->len % (size_t)fixed_size)
            return -1;
        *n += f->len / (size_t)fixed_size;
        return 0;
    }
    for (size_t i = 0; i < f->len; i++)
        *n += !(f->data[i] & 0x80);
    if (f->len && (f->data[f->len - 1] & 0x80))
        return -1;
    return 0;
}

/* Append the int64 values of a repeated varint field (packed or single). */
static int read_varints(const pb_field *f, int64_t *dst, size_t *k, size_t cap)
{
    if (f->wire == PB_VARINT) {
        if (*k >= cap)
            return -1;
        dst[(*k)++] = (int64_t)f->u;
        return 0;
    }
    if (f->wire != PB_BYTES)
        return -1;
    const uint8_t *p = f->data, *end = f->data + f->len;
    while (p < end) {
        uint64_t v;
        if (*k >= cap || seg__pb_varint(&p, end, &v) < 0)
            return -1;
        dst[(*k)++] = (int64_t)v;
    }
    return 0;
}

static int read_floats(const pb_field *f, float *dst, size_t *k, size_t cap)
{
    if (f->wire == PB_FIXED32) {
        if (*k >= cap)
            return -1;
        uint32_t u = (uint32_t)f->u;
        memcpy(&dst[(*k)++], &u, 4);
        return 0;
    }
    if (f->wire != PB_BYTES || f->len % 4 || f->len / 4 > cap - *k)
        return -1;
    memcpy(dst + *k, f->data, f->len);
    *k += f->len / 4;
    return 0;
}

static const char *str(ctx *c, const pb_field *f)
{
    return f->wire == PB_BYTES ? seg__arena_strndup(c->a, f->data, f->len) : NULL;
}

/* ---- TensorProto ---- */

static int parse_tensor(ctx *c, const uint8_t *data, size_t len, onnx_tensor *t)
{
    pb_reader r = span(data, len);
    pb_field f;
    int rc;
    size_t ndims = 0, n_typed = 0;
    int typed_field = 0;
    bool has_raw = false, external = false;
    /* pass 1: dims count, which typed field holds the data */
    while ((rc = seg__pb_next(&r, &f)) > 0) {
        switch (f.num) {
        case 1:
            if (count_scalars(&f, 0, &ndims) < 0)
                return bad(c, "bad tensor dims");
            break;
        case 2:
            if (f.wire != PB_VARINT)
                return bad(c, "bad tensor data_type");
            t->dtype = (int32_t)f.u;
            break;
        case 4: case 5: case 7: case 10: case 11:
            if (typed_field && typed_field != (int)f.num)
                return bad(c, "tensor has data in two typed fields");
            typed_field = (int)f.num;
            if (count_scalars(&f, f.num == 4 ? 4 : f.num == 10 ? 8 : 0, &n_typed) < 0)
                return bad(c, "bad packed tensor data");
            break;
        case 6:
            return seg__fail(SEG_EUNSUPPORTED, "onnx: %s: string tensors are not supported",
                             c->where);
        case 9: has_raw = true; break;
        case 14: external = f.wire == PB_VARINT && f.u == 1; break;
        default: break;
        }
    }
    if (rc < 0)
        return bad(c, "truncated or malformed tensor");
    if (ndims > ONNX_MAX_RANK)
        return bad(c, "tensor rank above 16");
    size_t esize = seg__onnx_dtype_size(t->dtype);
    if (!esize)
        return seg__fail(SEG_EUNSUPPORTED, "onnx: %s: tensor data type %d is not supported",
                         c->where, (int)t->dtype);
    /* Which typed field may carry which data type (onnx.proto's comments). */
    int d = t->dtype;
    bool ok = typed_field == 0 ||
              (typed_field == 4 && (d == ONNX_FLOAT || d == ONNX_COMPLEX64)) ||
              (typed_field == 5 && (d == ONNX_INT32 || d == ONNX_INT16 || d == ONNX_INT8 ||
                                    d == ONNX_UINT16 || d == ONNX_UINT8 || d == ONNX_BOOL ||
                                    d == ONNX_FLOAT16 || d == ONNX_BFLOAT16)) ||
              (typed_field == 7 && d == ONNX_INT64) ||
              (typed_field == 10 && (d == ONNX_DOUBLE || d == ONNX_COMPLEX128)) ||
              (typed_field == 11 && (d == ONNX_UINT32 || d == ONNX_UINT64));
    if (!ok)
        return bad(c, "typed data field does not match data_type");
    if (d == ONNX_COMPLEX64 || d == ONNX_COMPLEX128)
        return seg__fail(SEG_EUNSUPPORTED, "onnx: %s: complex tensors are not supported",
                         c->where);
    /* pass 2 */
    size_t kd = 0, kt = 0;
    int64_t *typed64 = NULL;
    float *typed32 = NULL;
    if (typed_field == 4)
        typed32 = seg__arena_array(c->a, n_typed, 4);
    else if (typed_field)
        typed64 = seg__arena_array(c->a, n_typed, 8);
    if (typed_field && !typed32 && !typed64)
        return nomem(c);
    r = span(data, len);
    while ((rc = seg__pb_next(&r, &f)) > 0) {
        switch (f.num) {
        case 1:
            if (read_varints(&f, t->dims, &kd, ONNX_MAX_RANK) < 0)
                return bad(c, "bad tensor dims");
            break;
        case 4:
            if (read_floats(&f, typed32, &kt, n_typed) < 0)
                return bad(c, "bad float_data");
            break;
        case 5: case 7: case 11:
            if (read_varints(&f, typed64, &kt, n_typed) < 0)
                return bad(c, "bad integer tensor data");
            break;
        case 10:
            if (f.wire == PB_BYTES && f.len % 8 == 0 && kt + f.len / 8 <= n_typed) {
                memcpy(typed64 + kt, f.data, f.len); /* doubles, bit pattern kept */
                kt += f.len / 8;
            } else if (f.wire == PB_FIXED64 && kt < n_typed) {
                memcpy(typed64 + kt++, &f.u, 8);
            } else {
                return bad(c, "bad double_data");
            }
            break;
        case 8:
            if (!(t->name = str(c, &f)))
                return bad(c, "bad tensor name");
            break;
        case 9:
            t->data = f.data;
            t->nbytes = f.len;
            break;
        case 13: { /* external_data: StringStringEntryProto {key=1, value=2} */
            pb_reader e = sub_reader(&f);
            pb_field g;
            const char *key = NULL, *val = NULL;
            int erc;
            if (f.wire != PB_BYTES)
                return bad(c, "bad external_data");
            while ((erc = seg__pb_next(&e, &g)) > 0) {
                if (g.num == 1)
                    key = str(c, &g);
                else if (g.num == 2)
                    val = str(c, &g);
            }
            if (erc < 0 || !key || !val)
                return bad(c, "bad external_data entry");
            if (strcmp(key, "location") == 0)
                t->external_location = val;
            else if (strcmp(key, "offset") == 0)
                t->external_offset = strtoll(val, NULL, 10);
            else if (strcmp(key, "length") == 0)
                t->external_length = strtoll(val, NULL, 10);
            break;
        }
        default: break;
        }
    }
    if (rc < 0)
        return bad(c, "truncated or malformed tensor");
    t->ndim = (int)kd;
    size_t numel = 1;
    for (int i = 0; i < t->ndim; i++) {
        if (t->dims[i] < 0 || !seg__mul(numel, (size_t)t->dims[i], &numel) ||
            numel > ((size_t)1 << 40))
            return bad(c, "tensor dims are negative or too large");
    }
    t->numel = (int64_t)numel;
    size_t want;
    if (!seg__mul(numel, esize, &want))
        return bad(c, "tensor size overflows");
    if (external) {
        if (!t->external_location || t->external_offset < 0 || t->external_length < 0 ||
            strstr(t->external_location, "..") || t->external_location[0] == '/')
            return bad(c, "external data needs a relative location without '..'");
        if (t->external_length && (uint64_t)t->external_length != want)
            return bad(c, "external data length does not match the tensor's shape");
        t->data = NULL;
        t->nbytes = want;
        return SEG_OK;
    }
    if (has_raw && typed_field)
        return bad(c, "tensor has both raw_data and typed data");
    if (has_raw) {
        if (t->nbytes != want)
            return seg__fail(SEG_EFORMAT, "onnx: %s: raw_data holds %zu bytes, shape needs %zu",
                             c->where, t->nbytes, want);
        return SEG_OK;
    }
    if (kt != numel)
        return seg__fail(SEG_EFORMAT, "onnx: %s: typed data holds %zu values, shape needs %zu",
                         c->where, kt, numel);
    if (typed_field == 4 || typed_field == 10 || d == ONNX_INT64 || d == ONNX_UINT64) {
        t->data = typed32 ? (const void *)typed32 : (const void *)typed64;
        t->nbytes = want;
        return SEG_OK;
    }
    /* int32_data carries every small integer type (and float16 bits): narrow it. */
    uint8_t *out = seg__arena_alloc(c->a, want ? want : 1);
    if (!out)
        return nomem(c);
    for (size_t i = 0; i < numel; i++) {
        int64_t v = typed64[i];
        if (esize == 1)
            out[i] = (uint8_t)v;
        else if (esize == 2) {
            uint16_t u = (uint16_t)v;
            memcpy(out + 2 * i, &u, 2);
        } else if (esize == 4) {
            int32_t u = (int32_t)v;
            memcpy(out + 4 * i, &u, 4);
        }
    }
    t->data = out;
    t->nbytes = want;
    return SEG_OK;
}

/* ---- ValueInfoProto ---- */

static int parse_shape(ctx *c, const pb_field *sf, onnx_value_info *v)
{
    pb_reader r = {sf->data, sf->data + sf->len};
    pb_field f;
    int rc;
    v->ndim = 0;
    while ((rc = seg__pb_next(&r, &f)) > 0) {
        if (f.num != 1)
            continue;
        if (f.wire != PB_BYTES || v->ndim >= ONNX_MAX_RANK)
            return bad(c, "bad or too many shape dimensions");
        pb_reader d = sub_reader(&f);
        pb_field g;
        int drc, k = v->ndim++;
        v->dims[k] = -1;
        while ((drc = seg__pb_next(&d, &g)) > 0) {
            if (g.num == 1 && g.wire == PB_VARINT)
                v->dims[k] = (int64_t)g.u < 0 ? -1 : (int64_t)g.u;
            else if (g.num == 2 && !(v->dim_params[k] = str(c, &g)))
                return bad(c, "bad dim_param");
        }
        if (drc < 0)
            return bad(c, "truncated shape dimension");
    }
    return rc < 0 ? bad(c, "truncated shape") : SEG_OK;
}

static int parse_value_info(ctx *c, const pb_field *vf, onnx_value_info *v)
{
    if (vf->wire != PB_BYTES)
        return bad(c, "bad value info");
    pb_reader r = {vf->data, vf->data + vf->len};
    pb_field f;
    int rc;
    v->ndim = -1;
    while ((rc = seg__pb_next(&r, &f)) > 0) {
        if (f.num == 1) {
            if (!(v->name = str(c, &f)))
                return bad(c, "bad value name");
        } else if (f.num == 2 && f.wire == PB_BYTES) { /* TypeProto */
            pb_reader tr = sub_reader(&f);
            pb_field tf;
            int trc;
            while ((trc = seg__pb_next(&tr, &tf)) > 0) {
                if (tf.num != 1 || tf.wire != PB_BYTES)
                    continue; /* sequence/map/optional types: no tensor info */
                pb_reader tt = sub_reader(&tf);
                pb_field g;
                int grc;
                while ((grc = seg__pb_next(&tt, &g)) > 0) {
                    if (g.num == 1 && g.wire == PB_VARINT)
                        v->elem_type = (int32_t)g.u;
                    else if (g.num == 2 && g.wire == PB_BYTES && (grc = parse_shape(c, &g, v)))
                        return grc;
                }
                if (grc < 0)
                    return bad(c, "truncated tensor type");
            }
            if (trc < 0)
                return bad(c, "truncated type");
        }
    }
    if (rc < 0 || !v->name)
        return bad(c, "truncated value info or missing name");
    return SEG_OK;
}

/* ---- AttributeProto, NodeProto, GraphProto ---- */

static int parse_graph(ctx *c, const uint8_t *data, size_t len, onnx_graph **out);

static int parse_attr(ctx *c, const pb_field *af, onnx_attr *at)
{
    if (af->wire != PB_BYTES)
        return bad(c, "bad attribute");
    pb_reader r = {af->data, af->data + af->len};
    pb_field f;
    int rc;
    size_t n[MAX_FIELD] = {0};
    while ((rc = seg__pb_next(&r, &f)) > 0) {
        if (f.num == 7 && count_scalars(&f, 4, &n[7]) < 0)
            return bad(c, "bad attribute floats");
        if (f.num == 8 && count_scalars(&f, 0, &n[8]) < 0)
            return bad(c, "bad attribute ints");
        if (f.num >= 9 && f.num <= 11)
            n[f.num]++;
        if (f.num == 1 && !at->name && !(at->name = str(c, &f)))
            return bad(c, "bad attribute name");
    }
    if (rc < 0 || !at->name)
        return bad(c, "truncated attribute or missing name");
    size_t total = n[7] + n[8] + n[9] + n[10] + n[11];
    if (total > (size_t)1 << 30)
        return bad(c, "attribute too large");
    at->floats = seg__arena_array(c->a, n[7] ? n[7] : 1, sizeof(float));
    at->ints = seg__arena_array(c->a, n[8] ? n[8] : 1, sizeof(int64_t));
    at->strings = seg__arena_array(c->a, n[9] ? n[9] : 1, sizeof(char *));
    at->tensors = seg__arena_array(c->a, n[10] ? n[10] : 1, sizeof(onnx_tensor));
    at->graphs = seg__arena_array(c->a, n[11] ? n[11] : 1, sizeof(onnx_graph *));
    if (!at->floats || !at->ints || !at->strings || !at->tensors || !at->graphs)
        return nomem(c);
    size_t kf = 0, ki = 0, ks = 0, kt = 0, kg = 0;
    r = (pb_reader){af->data, af->data + af->len};
    while ((rc = seg__pb_next(&r, &f)) > 0) {
        int e = SEG_OK;
        switch (f.num) {
        case 2:
            if (f.wire != PB_FIXED32)
                return bad(c, "bad attribute float");
            {
                uint32_t u = (uint32_t)f.u;
                memcpy(&at->f, &u, 4);
            }
            break;
        case 3:
            if (f.wire != PB_VARINT)
                return bad(c, "bad attribute int");
            at->i = (int64_t)f.u;
            break;
        case 4:
            if (f.wire != PB_BYTES || !(at->s = str(c, &f)))
                return bad(c, "bad attribute string");
            at->slen = f.len;
            break;
        case 5:
            if (f.wire != PB_BYTES || !(at->t = seg__arena_alloc(c->a, sizeof *at->t)))
                return bad(c, "bad attribute tensor");
            e = parse_tensor(c, f.data, f.len, at->t);
            break;
        case 6:
            if (f.wire != PB_BYTES)
                return bad(c, "bad attribute graph");
            e = parse_graph(c, f.data, f.len, &at->g);
            break;
        case 7:
            if (read_floats(&f, at->floats, &kf, n[7]) < 0)
                return bad(c, "bad attribute floats");
            break;
        case 8:
            if (read_varints(&f, at->ints, &ki, n[8]) < 0)
                return bad(c, "bad attribute ints");
            break;
        case 9:
            if (!(at->strings[ks++] = str(c, &f)))
                return bad(c, "bad attribute strings");
            break;
        case 10:
            if (f.wire != PB_BYTES)
                return bad(c, "bad attribute tensors");
            e = parse_tensor(c, f.data, f.len, &at->tensors[kt++]);
            break;
        case 11:
            if (f.wire != PB_BYTES)
                return bad(c, "bad attribute graphs");
            e = parse_graph(c, f.data, f.len, &at->graphs[kg++]);
            break;
        case 20:
            if (f.wire != PB_VARINT || f.u < 1 || f.u > 14)
                return bad(c, "bad attribute type");
            at->type = (int)f.u;
            break;
        default: break;
        }
        if (e)
            return e;
    }
    if (rc < 0)
        return bad(c, "truncated attribute");
    /* Old exporters omit the type: infer it from what was set. */
    if (!at->type)
        at->type = n[7] ? ONNX_ATTR_FLOATS : n[8] ? ONNX_ATTR_INTS : n[9] ? ONNX_ATTR_STRINGS
                 : at->t ? ONNX_ATTR_TENSOR : at->g ? ONNX_ATTR_GRAPH : at->s ? ONNX_ATTR_STRING
                 : ONNX_ATTR_INT;
    switch (at->type) {
    case ONNX_ATTR_FLOATS: at->n = (int)kf; break;
    case ONNX_ATTR_INTS: at->n = (int)ki; break;
    case ONNX_ATTR_STRINGS: at->n = (int)ks; break;
    case ONNX_ATTR_TENSORS: at->n = (int)kt; break;
    case ONNX_ATTR_GRAPHS: at->n = (int)kg; break;
    case ONNX_ATTR_TENSOR:
        if (!at->t)
            return bad(c, "tensor attribute without a tensor");
        break;
    case ONNX_ATTR_GRAPH:
        if (!at->g)
            return bad(c, "graph attribute without a graph");
        break;
    default: break;
    }
    return SEG_OK;
}

static int parse_node(ctx *c, const pb_field *nf, onnx_node *nd, int index)
{
    if (nf->wire != PB_BYTES)
        return bad(c, "bad node");
    pb_reader r = {nf->data, nf->data + nf->len};
    pb_field f;
    int rc;
    size_t n[MAX_FIELD] = {0};
    while ((rc = seg__pb_next(&r, &f)) > 0) {
        if (f.num < MAX_FIELD)
            n[f.num]++;
        if (f.num == 4 && !nd->op_type && !(nd->op_type = str(c, &f)))
            return bad(c, "bad op_type");
    }
    if (rc < 0)
        return bad(c, "truncated node");
    char saved[sizeof c->where];
    memcpy(saved, c->where, sizeof saved);
    size_t used = strlen(c->where);
    snprintf(c->where + used, sizeof c->where - used, "%snode %d (%s)", used ? " > " : "",
             index, nd->op_type ? nd->op_type : "no op_type");
    if (!nd->op_type)
        return bad(c, "node without op_type");
    if (n[1] > 65536 || n[2] > 65536 || n[5] > 65536)
        return bad(c, "too many inputs, outputs or attributes");
    nd->inputs = seg__arena_array(c->a, n[1] + 1, sizeof(char *));
    nd->outputs = seg__arena_array(c->a, n[2] + 1, sizeof(char *));
    nd->attrs = seg__arena_array(c->a, n[5] + 1, sizeof(onnx_attr));
    if (!nd->inputs || !nd->outputs || !nd->attrs)
        return nomem(c);
    nd->domain = "";
    r = (pb_reader){nf->data, nf->data + nf->len};
    while ((rc = seg__pb_next(&r, &f)) > 0) {
        int e = SEG_OK;
        const char *s;
        switch (f.num) {
        case 1: case 2: case 3: case 7:
            if (!(s = str(c, &f)))
                return bad(c, "bad string field");
            if (f.num == 1)
                nd->inputs[nd->n_inputs++] = s;
            else if (f.num == 2)
                nd->outputs[nd->n_outputs++] = s;
            else if (f.num == 3)
                nd->name = s;
            else
                nd->domain = s;
            break;
        case 5:
            e = parse_attr(c, &f, &nd->attrs[nd->n_attrs++]);
            break;
        default: break;
        }
        if (e)
            return e;
    }
    if (!nd->name)
        nd->name = "";
    memcpy(c->where, saved, sizeof saved);
    return SEG_OK;
}

static int parse_graph(ctx *c, const uint8_t *data, size_t len, onnx_graph **out)
{
    if (++c->depth > ONNX_MAX_GRAPH_DEPTH)
        return bad(c, "sub-graphs nested too deeply");
    onnx_graph *g = seg__arena_alloc(c->a, sizeof *g);
    if (!g)
        return nomem(c);
    pb_reader r = span(data, len);
    pb_field f;
    int rc;
    size_t n[MAX_FIELD] = {0};
    while ((rc = seg__pb_next(&r, &f)) > 0)
        if (f.num < MAX_FIELD)
            n[f.num]++;
    if (rc < 0)
        return bad(c, "truncated graph");
    if (n[1] > (1u << 24) || n[5] > (1u << 24) || n[11] > 65536 || n[12] > 65536 ||
        n[13] > (1u << 24))
        return bad(c, "graph too large");
    g->nodes = seg__arena_array(c->a, n[1] + 1, sizeof(onnx_node));
    g->initializers = seg__arena_array(c->a, n[5] + 1, sizeof(onnx_tensor));
    g->inputs = seg__arena_array(c->a, n[11] + 1, sizeof(onnx_value_info));
    g->outputs = seg__arena_array(c->a, n[12] + 1, sizeof(onnx_value_info));
    g->value_infos = seg__arena_array(c->a, n[13] + 1, sizeof(onnx_value_info));
    if (!g->nodes || !g->initializers || !g->inputs || !g->outputs || !g->value_infos)
        return nomem(c);
    r = span(data, len);
    size_t used = strlen(c->where);
    while ((rc = seg__pb_next(&r, &f)) > 0) {
        int e = SEG_OK;
        switch (f.num) {
        case 1:
            e = parse_node(c, &f, &g->nodes[g->n_nodes], g->n_nodes);
            g->n_nodes++;
            break;
        case 2:
            if (!(g->name = str(c, &f)))
                return bad(c, "bad graph name");
            break;
        case 5:
            if (f.wire != PB_BYTES)
                return bad(c, "bad initializer");
            snprintf(c->where + used, sizeof c->where - used, "%sinitializer %d",
                     used ? " > " : "", g->n_initializers);
            e = parse_tensor(c, f.data, f.len, &g->initializers[g->n_initializers++]);
            c->where[used] = '\0';
            break;
        case 11: e = parse_value_info(c, &f, &g->inputs[g->n_inputs++]); break;
        case 12: e = parse_value_info(c, &f, &g->outputs[g->n_outputs++]); break;
        case 13: e = parse_value_info(c, &f, &g->value_infos[g->n_value_infos++]); break;
        default: break;
        }
        if (e)
            return e;
    }
    if (!g->name)
        g->name = "";
    for (int i = 0; i < g->n_initializers; i++)
        if (!g->initializers[i].name)
            return bad(c, "initializer without a name");
    c->depth--;
    *out = g;
    return SEG_OK;
}

int seg__onnx_parse(const void *data, size_t size, onnx_model **out)
{
    *out = NULL;
    onnx_model *m = calloc(1, sizeof *m);
    if (!m)
        return seg__fail(SEG_ENOMEM, "onnx: out of memory");
    ctx c = {.a = &m->arena};
    pb_reader r = span(data, size);
    pb_field f;
    int rc, e = SEG_OK;
    size_t nops = 0;
    const uint8_t *graph = NULL;
    size_t graph_len = 0;
    while ((rc = seg__pb_next(&r, &f)) > 0) {
        if (f.num == 8)
            nops++;
        else if (f.num == 7 && f.wire == PB_BYTES) {
            graph = f.data;
            graph_len = f.len;
        }
    }
    if (rc < 0) {
        e = bad(&c, "not an ONNX model (malformed or truncated protobuf)");
        goto fail;
    }
    if (!graph) {
        e = bad(&c, "not an ONNX model (no graph)");
        goto fail;
    }
    m->opsets = seg__arena_array(&m->arena, nops + 1, sizeof(onnx_opset));
    if (!m->opsets) {
        e = nomem(&c);
        goto fail;
    }
    r = span(data, size);
    while ((rc = seg__pb_next(&r, &f)) > 0) {
        if (f.num == 1 && f.wire == PB_VARINT)
            m->ir_version = (int64_t)f.u;
        else if (f.num == 2)
            m->producer_name = str(&c, &f);
        else if (f.num == 3)
            m->producer_version = str(&c, &f);
        else if (f.num == 8 && f.wire == PB_BYTES) {
            onnx_opset *o = &m->opsets[m->n_opsets++];
            pb_reader q = sub_reader(&f);
            pb_field g;
            int qrc;
            o->domain = "";
            while ((qrc = seg__pb_next(&q, &g)) > 0) {
                if (g.num == 1 && !(o->domain = str(&c, &g))) {
                    e = bad(&c, "bad opset domain");
                    goto fail;
                }
                if (g.num == 2 && g.wire == PB_VARINT)
                    o->version = (int64_t)g.u;
            }
            if (qrc < 0) {
                e = bad(&c, "truncated opset_import");
                goto fail;
            }
        }
    }
    if (!m->producer_name)
        m->producer_name = "";
    if (!m->producer_version)
        m->producer_version = "";
    int64_t opset = seg__onnx_opset(m, "");
    if (m->n_opsets && (opset < 1 || opset > 10000)) {
        e = bad(&c, "bad default-domain opset version");
        goto fail;
    }
    e = parse_graph(&c, graph, graph_len, &m->graph);
    if (e)
        goto fail;
    *out = m;
    return SEG_OK;
fail:
    seg__onnx_free(m);
    return e;
}

void seg__onnx_free(onnx_model *m)
{
    if (!m)
        return;
    seg__arena_free(&m->arena);
    free(m);
}
