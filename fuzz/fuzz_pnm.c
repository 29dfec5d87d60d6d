/* libFuzzer target: seg_imdecode on arbitrary bytes, routed to the pnm decoder (inputs
 * that do not start with its signature are given one, so the fuzzer spends its time
 * inside the pnm parser). A small pixel limit keeps decodes from running out of memory;
 * every mode is exercised, chosen by the input's length. */
#include <segkit.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t sig[] = "P";
    const size_t n = sizeof sig - 1;
    uint8_t *buf = malloc(size + n);
    if (!buf)
        return 0;
    size_t len = size;
    if (size >= n && memcmp(data, sig, n) == 0) {
        memcpy(buf, data, size);
    } else {
        memcpy(buf, sig, n);
        memcpy(buf + n, data, size);
        len = size + n;
    }
    static const int modes[] = {SEG_IMREAD_UNCHANGED, SEG_IMREAD_COLOR, SEG_IMREAD_GRAYSCALE,
                                SEG_IMREAD_ANYDEPTH, SEG_IMREAD_ANYDEPTH | SEG_IMREAD_COLOR, 4};
    seg_read_options o = seg_read_options_default();
    o.mode = modes[size % 6];
    o.order = (size / 6) % 2 ? SEG_ORDER_RGB : SEG_ORDER_BGR;
    o.max_pixels = (uint64_t)1 << 22;
    seg_image img;
    if (seg_imdecode(buf, len, &img, &o) == SEG_OK) {
        /* touch every pixel so ASan sees any short allocation */
        size_t row = (size_t)img.width * img.channels * seg_type_size(img.type);
        volatile uint8_t acc = 0;
        for (int y = 0; y < img.height; y++)
            for (size_t i = 0; i < row; i++)
                acc ^= ((const uint8_t *)img.data)[(size_t)y * img.stride + i];
        (void)acc;
        seg_image_free(&img);
    }
    free(buf);
    return 0;
}
