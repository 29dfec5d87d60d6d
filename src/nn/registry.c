/* The operator registry: every kernel table, searched by (domain, op type). */
#include "nn/ops.h"

#include <string.h>

static const nn_op *const tables[] = {
    seg__nn_elementwise_ops, seg__nn_shape_ops, seg__nn_conv_ops, seg__nn_conv_transpose_ops,
    seg__nn_pool_ops,        seg__nn_resize_ops, seg__nn_reduce_ops,  seg__nn_control_ops,
    seg__nn_detect_ops,      seg__nn_index_ops,
};

const nn_op *seg__nn_find_op(const char *domain, const char *name)
{
    if (*domain && strcmp(domain, "ai.onnx") != 0)
        return NULL;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const nn_op *op = tables[t]; op->name; op++)
            if (strcmp(op->name, name) == 0)
                return op;
    return NULL;
}
