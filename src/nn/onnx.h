/* The parsed form of an ONNX file: plain structs in one arena, tensor payloads pointing
 * into the mapped file (zero-copy). Everything here was validated by the reader:
 * counts, lengths, element types and payload sizes are consistent. */
#ifndef SEG_NN_ONNX_H
#define SEG_NN_ONNX_H

#include "core/arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ONNX_MAX_RANK 16
#define ONNX_MAX_GRAPH_DEPTH 16

/* TensorProto.DataType values. */
enum {
    ONNX_UNDEFINED = 0, ONNX_FLOAT = 1, ONNX_UINT8 = 2, ONNX_INT8 = 3, ONNX_UINT16 = 4,
    ONNX_INT16 = 5, ONNX_INT32 = 6, ONNX_INT64 = 7, ONNX_STRING = 8, ONNX_BOOL = 9,
    ONNX_FLOAT16 = 10, ONNX_DOUBLE = 11, ONNX_UINT32 = 12, ONNX_UINT64 = 13,
    ONNX_COMPLEX64 = 14, ONNX_COMPLEX128 = 15, ONNX_BFLOAT16 = 16
};

/* AttributeProto.AttributeType values. */
enum {
    ONNX_ATTR_FLOAT = 1, ONNX_ATTR_INT = 2, ONNX_ATTR_STRING = 3, ONNX_ATTR_TENSOR = 4,
    ONNX_ATTR_GRAPH = 5, ONNX_ATTR_FLOATS = 6, ONNX_ATTR_INTS = 7, ONNX_ATTR_STRINGS = 8,
    ONNX_ATTR_TENSORS = 9, ONNX_ATTR_GRAPHS = 10
};

typedef struct onnx_tensor {
    const char *name;
    int32_t dtype;
    int ndim;
    int64_t dims[ONNX_MAX_RANK];
    int64_t numel;
    /* Little-endian element data, numel * size of dtype bytes: raw_data in the file or
     * a decoded copy of the typed repeated field; NULL for external data not yet
     * loaded. Not necessarily aligned: read with memcpy. */
    const void *data;
    size_t nbytes;
    const char *external_location; /* non-NULL: data lives in this file beside the model */
    int64_t external_offset, external_length;
} onnx_tensor;

struct onnx_graph;

typedef struct onnx_attr {
    const char *name;
    int type;
    float f;
    int64_t i;
    const char *s; /* NUL-terminated copy (bytes may contain NULs: use slen) */
    size_t slen;
    onnx_tensor *t;
    struct onnx_graph *g;
    int n;          /* element count of floats/ints/strings/tensors/graphs */
    float *floats;
    int64_t *ints;
    const char **strings;
    onnx_tensor *tensors;
    struct onnx_graph **graphs;
} onnx_attr;

typedef struct onnx_node {
    const char *name, *op_type, *domain;
    int n_inputs, n_outputs, n_attrs;
    const char **inputs; /* "" marks an omitted optional input */
    const char **outputs;
    onnx_attr *attrs;
} onnx_node;

typedef struct onnx_value_info {
    const char *name;
    int32_t elem_type; /* ONNX_*; 0 when not a tensor or unknown */
    int ndim;          /* -1 when the shape is not given */
    int64_t dims[ONNX_MAX_RANK]; /* -1 for a symbolic or unknown dimension */
    const char *dim_params[ONNX_MAX_RANK]; /* symbolic names, or NULL */
} onnx_value_info;

typedef struct onnx_graph {
    const char *name;
    int n_nodes, n_initializers, n_inputs, n_outputs, n_value_infos;
    onnx_node *nodes;
    onnx_tensor *initializers;
    onnx_value_info *inputs, *outputs, *value_infos;
} onnx_graph;

typedef struct onnx_opset {
    const char *domain;
    int64_t version;
} onnx_opset;

typedef struct onnx_model {
    seg_arena arena;
    int64_t ir_version;
    int n_opsets;
    onnx_opset *opsets;
    const char *producer_name, *producer_version;
    onnx_graph *graph;
} onnx_model;

/* Parse an ONNX ModelProto held in [data, data + size), which must outlive the model
 * (tensor payloads point into it). On failure returns a status with the message set
 * ("onnx: node 12 (Conv): attribute 'pads': truncated field") and *out NULL. */
int seg__onnx_parse(const void *data, size_t size, onnx_model **out);
void seg__onnx_free(onnx_model *m);

/* Size in bytes of one element of an ONNX data type; 0 for strings/unknown. */
size_t seg__onnx_dtype_size(int32_t dtype);
const char *seg__onnx_dtype_name(int32_t dtype);
/* The opset version the model imports for `domain` ("" or "ai.onnx": the default). */
int64_t seg__onnx_opset(const onnx_model *m, const char *domain);

#endif
