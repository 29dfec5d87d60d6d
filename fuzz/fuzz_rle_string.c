/* libFuzzer target: COCO compressed RLE strings (seg_rle_from_string) for a size taken
 * from the first two bytes; a parsed RLE is re-encoded (must give the same counts),
 * decoded, measured and merged with itself. */
#include <segkit.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 65536)
        return 0;
    int h = data[0] % 64 + 1, w = data[1] % 64 + 1;
    seg_rle r;
    if (seg_rle_from_string((const char *)data + 2, size - 2, h, w, &r) != 0)
        return 0;
    size_t len;
    seg_rle_to_string(&r, NULL, 0, &len);
    char *s = malloc(len + 1);
    if (!s)
        __builtin_trap();
    seg_rle_to_string(&r, s, len + 1, &len);
    seg_rle back;
    if (seg_rle_from_string(s, len, h, w, &back) != 0 || back.m != r.m ||
        (r.m && memcmp(back.counts, r.counts, r.m * sizeof *r.counts) != 0))
        __builtin_trap();
    seg_image img = {0};
    if (seg_rle_decode(&r, &img) == 0) {
        seg_rle again;
        if (seg_rle_encode(&img, &again) == 0) {
            if (seg_rle_area(&again) != seg_rle_area(&r))
                __builtin_trap();
            seg_rle_free(&again);
        }
        seg_image_free(&img);
    }
    double bb[4];
    seg_rle_to_bbox(&r, bb);
    seg_rle pair[2] = {r, back}, m;
    if (seg_rle_merge(pair, 2, data[0] & 1, &m) == 0)
        seg_rle_free(&m);
    double iou;
    uint8_t crowd = data[1] & 1;
    seg_rle_iou(&r, 1, &back, 1, &crowd, &iou);
    free(s);
    seg_rle_free(&back);
    seg_rle_free(&r);
    return 0;
}
