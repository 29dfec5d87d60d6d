/* Engine facts the tasks use beyond the public model API. */
#ifndef SEG_NN_MODEL_VALUES_H
#define SEG_NN_MODEL_VALUES_H

#include "segkit/model.h"

/* When graph output `output` is made by a Loop (through shape-only ops such as
 * Unsqueeze or Reshape), the names of the values that Loop reads: its inputs and the
 * outer values its body uses, and for a source made by Pad the unpadded value before it
 * (torchvision pads its masks by one pixel before the Loop). Returns their count (at most cap; names point into the
 * model), 0 when the output does not come from a Loop. torchvision's Mask R-CNN pastes
 * its 28x28 mask probabilities into full-size masks so; a task that pastes them itself
 * asks for these values instead (seg_model_run_values) and skips the Loop. */
int seg__model_loop_sources(const seg_model *m, const char *output, const char **names, int cap);

#endif
