/* Fuzz the .npy reader (through a memory stream). */
#include "nn/npy.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *fp = fmemopen((void *)data, size, "rb");
    if (!fp)
        return 0;
    seg_tensor t;
    if (seg__npy_read_stream(fp, "fuzz", &t) == SEG_OK)
        seg_tensor_free(&t);
    else if (!seg_last_error()[0])
        __builtin_trap();
    fclose(fp);
    return 0;
}
