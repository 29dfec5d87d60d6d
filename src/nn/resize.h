/* What the graph optimiser can ask of a Resize / Upsample node (op_resize.c). */
#ifndef SEG_NN_RESIZE_H
#define SEG_NN_RESIZE_H

#include "nn/graph.h"

/* Write the output as [N, H, W, C] (a following Transpose with perm 0,2,3,1 fused). */
void seg__nn_resize_to_nhwc(nn_node *n);

#endif
