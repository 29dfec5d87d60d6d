/* Neural-network models from ONNX files (opset 9 to 17, as exported by PyTorch or
 * converted from TensorFlow by tf2onnx).
 *
 * A seg_model is an opaque, read-only handle once loaded: its description functions
 * may be called from several threads at once. Loading validates every field read from
 * the file; a malformed or truncated file gives SEG_EFORMAT with a message naming the
 * place ("onnx: node 12 (Conv) > attribute 'pads': ..."), never a crash. */
#ifndef SEGKIT_MODEL_H
#define SEGKIT_MODEL_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct seg_model seg_model;

/* Element types, with ONNX's TensorProto.DataType values. */
enum {
    SEG_DT_FLOAT = 1, SEG_DT_UINT8 = 2, SEG_DT_INT8 = 3, SEG_DT_UINT16 = 4, SEG_DT_INT16 = 5,
    SEG_DT_INT32 = 6, SEG_DT_INT64 = 7, SEG_DT_BOOL = 9, SEG_DT_FLOAT16 = 10,
    SEG_DT_DOUBLE = 11, SEG_DT_UINT32 = 12, SEG_DT_UINT64 = 13, SEG_DT_BFLOAT16 = 16
};

#define SEG_MODEL_MAX_RANK 16

/* A graph input or output. Strings belong to the model (valid until destroy). */
typedef struct seg_tensor_info {
    const char *name;
    int elem_type;  /* SEG_DT_*, 0 when the file does not say */
    int ndim;       /* -1 when the file gives no shape */
    int64_t dims[SEG_MODEL_MAX_RANK]; /* -1 for a dynamic dimension */
    const char *dim_names[SEG_MODEL_MAX_RANK]; /* symbolic names of dynamic dims, or NULL */
} seg_tensor_info;

/* Load an ONNX file (memory-mapped; weights are not copied). External data files named
 * by the model are read from the model's folder. *out is NULL on failure; free with
 * seg_model_destroy. Errors: SEG_EIO, SEG_EFORMAT, SEG_EUNSUPPORTED, SEG_ENOMEM. */
SEG_API int seg_model_load(const char *path, seg_model **out);

/* Load from memory (copied, so the caller's buffer may be released at once). A model
 * with external data cannot be loaded this way (SEG_EUNSUPPORTED). */
SEG_API int seg_model_load_memory(const void *data, size_t size, seg_model **out);

/* Release a model. Accepts NULL. */
SEG_API void seg_model_destroy(seg_model *model);

/* The graph's real inputs (initializers listed as inputs by old exporters excluded) and
 * outputs. info is filled for index i in [0, count). Errors: SEG_EINVAL (bad index). */
SEG_API int seg_model_num_inputs(const seg_model *model);
SEG_API int seg_model_num_outputs(const seg_model *model);
SEG_API int seg_model_input(const seg_model *model, int i, seg_tensor_info *info);
SEG_API int seg_model_output(const seg_model *model, int i, seg_tensor_info *info);

/* The opset version imported for the default ONNX domain. */
SEG_API int64_t seg_model_opset(const seg_model *model);
/* Producer recorded in the file ("pytorch", "tf2onnx", ...) and its version. */
SEG_API const char *seg_model_producer(const seg_model *model);
SEG_API const char *seg_model_producer_version(const seg_model *model);
/* Nodes of the main graph in file order; op type of node i (NULL for a bad index). */
SEG_API int seg_model_num_nodes(const seg_model *model);
SEG_API const char *seg_model_node_op(const seg_model *model, int i);
/* Nodes left to run after constant folding and fusion (-1 when the model cannot run). */
SEG_API int seg_model_num_run_nodes(const seg_model *model);
/* Number of weight values (elements of all initializers and Constant nodes). */
SEG_API int64_t seg_model_num_parameters(const seg_model *model);

/* A dense, row-major tensor. As an input it is a view of the caller's memory; as an
 * output it owns its data (`owned` non-zero) and is released with seg_tensor_free. */
typedef struct seg_tensor {
    int elem_type; /* SEG_DT_* */
    int ndim;
    int64_t dims[SEG_MODEL_MAX_RANK];
    void *data;
    size_t nbytes;
    int owned;
} seg_tensor;

/* sizeof(seg_tensor) and sizeof(seg_tensor_info), for bindings. */
SEG_API size_t seg_tensor_struct_size(void);

/* Run the model. inputs[i] feeds graph input i (seg_model_input order); n_inputs must
 * equal seg_model_num_inputs. outputs[0..n_outputs) receive the graph outputs in order,
 * each owning its data (free with seg_tensor_free); n_outputs must equal
 * seg_model_num_outputs. peak_bytes (optional) receives the largest total size of
 * activations alive at once during this run.
 * Thread safety: several threads may run one model at once, each with its own inputs
 * and outputs. Threads used inside: seg_set_num_threads().
 * Errors: SEG_EINVAL (counts, types or static dims of the inputs differ from the
 * model's), SEG_ESIZE (shapes that do not fit an operator), SEG_EUNSUPPORTED, SEG_ENOMEM;
 * the message names the node ("model: node 12 'Conv_7' (Conv): ..."). On failure every
 * output is left empty. */
SEG_API int seg_model_run(const seg_model *model, const seg_tensor *inputs, int n_inputs,
                          seg_tensor *outputs, int n_outputs, size_t *peak_bytes);

/* Run only what the named values need and hand those out (any value of the main graph:
 * an input, an intermediate result or an output, by its ONNX name), as ONNX Runtime's
 * output selection does: a model whose last stage the caller does without (e.g. Mask
 * R-CNN's full-size float masks) skips it. outputs[i] receives names[i] as in
 * seg_model_run. Errors: as seg_model_run; SEG_EINVAL for a name the graph lacks or a
 * value it does not compute (folded into another operator at load, e.g. a convolution's
 * output before its fused Relu). */
SEG_API int seg_model_run_values(const seg_model *model, const seg_tensor *inputs, int n_inputs,
                                 const char *const *names, int n_names, seg_tensor *outputs,
                                 size_t *peak_bytes);

/* NumPy .npy files (format 1.0-3.0, C order, little-endian numeric types): read into a
 * tensor owning its data (seg_tensor_free), or write one (atomically: temporary file,
 * then rename). Errors: SEG_EIO, SEG_EFORMAT (the header named), SEG_EUNSUPPORTED
 * (Fortran order, big-endian, object or string arrays), SEG_ELIMIT (over 2^34 bytes). */
SEG_API int seg_tensor_read_npy(const char *path, seg_tensor *out);
SEG_API int seg_tensor_write_npy(const char *path, const seg_tensor *t);

/* Multiply-accumulate operations of one run (Conv, ConvTranspose, MatMul, Gemm) at the
 * model's static input shape, counted by running it once on zeros. Errors:
 * SEG_EUNSUPPORTED (an input has a dynamic dimension), or the run's errors. */
SEG_API int seg_model_macs(const seg_model *model, int64_t *macs);

/* Release an output tensor's data and reset it. Accepts NULL. */
SEG_API void seg_tensor_free(seg_tensor *t);

#ifdef __cplusplus
}
#endif
#endif
