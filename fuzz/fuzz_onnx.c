/* Fuzz the ONNX reader and the engine: any bytes must load cleanly or fail with a
 * message; a model that loads and whose inputs have small static shapes is also run on
 * zeros (every kernel meets fuzzed attributes, constants and graph structure), and must
 * likewise succeed or say why. */
#include <segkit.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Fuzzed shapes and trip counts are legal but huge: keep each run small and short. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    setenv("SEGKIT_MAX_TENSOR_BYTES", "67108864", 1);
    setenv("SEGKIT_MAX_LOOP_ITERATIONS", "10000", 1);
    return 0;
}

enum { MAX_IO = 8, MAX_ELEMS = 4096 };

static void run_on_zeros(const seg_model *m)
{
    int ni = seg_model_num_inputs(m), no = seg_model_num_outputs(m);
    if (ni > MAX_IO || no > MAX_IO)
        return;
    seg_tensor in[MAX_IO] = {0}, out[MAX_IO] = {0};
    static double zeros[MAX_ELEMS]; /* 8 bytes per element at most */
    for (int i = 0; i < ni; i++) {
        seg_tensor_info t;
        seg_model_input(m, i, &t);
        if (t.ndim < 0 || t.ndim > 4 || !t.elem_type)
            return;
        int64_t numel = 1;
        for (int d = 0; d < t.ndim; d++) {
            if (t.dims[d] < 0 || t.dims[d] > MAX_ELEMS)
                return;
            numel *= t.dims[d];
            if (numel > MAX_ELEMS)
                return;
        }
        in[i].elem_type = t.elem_type;
        in[i].ndim = t.ndim;
        for (int d = 0; d < t.ndim; d++)
            in[i].dims[d] = t.dims[d];
        in[i].data = zeros;
        in[i].nbytes = sizeof zeros;
    }
    if (seg_model_run(m, in, ni, out, no, NULL) == SEG_OK) {
        for (int i = 0; i < no; i++)
            seg_tensor_free(&out[i]);
    } else if (!seg_last_error()[0]) {
        __builtin_trap();
    }
}

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
        run_on_zeros(m);
        seg_model_destroy(m);
    } else if (!seg_last_error()[0]) {
        __builtin_trap(); /* every failure must say why */
    }
    return 0;
}
