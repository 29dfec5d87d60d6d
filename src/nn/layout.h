/* Helpers for kernels that work on the blocked layouts (layout.c). */
#ifndef SEG_NN_LAYOUT_H
#define SEG_NN_LAYOUT_H

#include "nn/graph.h"

/* Set the padding channels of blocked tensor t (those past dims[1] in its last channel
 * block) back to zero, after an operation with f(0) != 0 ran over the whole buffer. */
void seg__nn_zero_pad(nn_tensor *t);

/* Whether every reader of value v takes blocked inputs (and v is not a graph output):
 * then an operator that could write either layout should write the blocked one. */
bool seg__nn_readers_blocked(const nn_graph *g, int v);

#endif
