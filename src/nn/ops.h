/* Operator kernels: each ops file exports a NULL-terminated table; registry.c lists
 * the tables. */
#ifndef SEG_NN_OPS_H
#define SEG_NN_OPS_H

#include "nn/graph.h"

extern const nn_op seg__nn_elementwise_ops[];
extern const nn_op seg__nn_shape_ops[];
extern const nn_op seg__nn_conv_ops[];
extern const nn_op seg__nn_conv_transpose_ops[];
extern const nn_op seg__nn_pool_ops[];
extern const nn_op seg__nn_resize_ops[];
extern const nn_op seg__nn_reduce_ops[];
extern const nn_op seg__nn_control_ops[];
extern const nn_op seg__nn_detect_ops[];
extern const nn_op seg__nn_index_ops[];

int seg__nn_broadcast(const nn_node *n, const nn_tensor *a, const nn_tensor *b, int *ndim,
                      int64_t *dims);

#endif
