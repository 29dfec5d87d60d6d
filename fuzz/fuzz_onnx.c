/* Fuzz the ONNX reader: any bytes must load cleanly or fail with a message. */
#include <segkit.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seg_model *m = NULL;
    if (seg_model_load_memory(data, size, &m) == SEG_OK) {
        seg_tensor_info t;
        for (int i = 0; i < seg_model_num_inputs(m); i++)
            seg_model_input(m, i, &t);
        for (int i = 0; i < seg_model_num_outputs(m); i++)
            seg_model_output(m, i, &t);
        (void)seg_model_num_parameters(m);
        seg_model_destroy(m);
    } else if (!seg_last_error()[0]) {
        __builtin_trap(); /* every failure must say why */
    }
    return 0;
}
