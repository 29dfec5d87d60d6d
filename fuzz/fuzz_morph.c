/* libFuzzer target: morphology and thresholds on fuzzer-chosen images, kernels, anchors,
 * operations and parameters. Errors are fine; crashes, sanitizer reports and any
 * difference between the AVX2 and the plain kernels (the oracle) are not, and an erosion
 * or dilation must equal the definition (min/max over the members, cv2's border). */
#include <segkit.h>
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const seg_image *a, const seg_image *b)
{
    size_t row = (size_t)a->width * a->channels * seg_type_size(a->type);
    for (int y = 0; y < a->height; y++)
        if (memcmp((const uint8_t *)a->data + (size_t)y * a->stride,
                   (const uint8_t *)b->data + (size_t)y * b->stride, row))
            return 0;
    return 1;
}

static double px(const seg_image *s, int x, int y, int ch)
{
    const uint8_t *r = (const uint8_t *)s->data + (size_t)y * s->stride;
    size_t i = (size_t)x * s->channels + ch;
    return s->type == SEG_U8 ? r[i] : s->type == SEG_U16 ? ((const uint16_t *)r)[i]
                                                         : ((const float *)r)[i];
}

/* erode/dilate by definition (one pass, kernel u8) */
static int check_definition(const seg_image *src, const seg_image *k, int ax, int ay, int is_max,
                            const seg_image *out)
{
    double border = src->type == SEG_U8 ? 255 : src->type == SEG_U16 ? 65535 : FLT_MAX;
    if (is_max)
        border = src->type == SEG_F32 ? -FLT_MAX : 0;
    for (int y = 0; y < src->height; y++)
        for (int x = 0; x < src->width; x++)
            for (int ch = 0; ch < src->channels; ch++) {
                double best = 0;
                int first = 1;
                for (int j = 0; j < k->height; j++)
                    for (int i = 0; i < k->width; i++) {
                        if (!((const uint8_t *)k->data)[(size_t)j * k->stride + i])
                            continue;
                        int sx = x + i - ax, sy = y + j - ay;
                        double v = sx < 0 || sy < 0 || sx >= src->width || sy >= src->height
                                       ? border : px(src, sx, sy, ch);
                        if (first || (is_max ? v > best : v < best))
                            best = v;
                        first = 0;
                    }
                double got = px(out, x, y, ch);
                if (!(got == best || (got != got && best != best)))
                    return 0;
            }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 12)
        return 0;
    int w = 1 + data[0] % 48, h = 1 + data[1] % 40, c = 1 + data[2] % 4;
    seg_type t = data[3] % 3 == 0 ? SEG_U8 : data[3] % 3 == 1 ? SEG_U16 : SEG_F32;
    int kw = 1 + data[4] % 12, kh = 1 + data[5] % 12;
    int ax = (int)(data[6] % (kw + 1)) - 1, ay = (int)(data[7] % (kh + 1)) - 1;
    if (ax < 0 || ay < 0)
        ax = ay = -1;
    int op = data[8] % 8, it = data[9] % 4, shape = data[10] % 4;
    size_t pos = 11;
    seg_image src, k = {0}, a = {0}, b = {0};
    if (seg_image_alloc(&src, w, h, c, t))
        return 0;
    size_t row = (size_t)w * c * seg_type_size(t);
    for (int y = 0; y < h; y++)
        for (size_t i = 0; i < row; i++)
            ((uint8_t *)src.data)[(size_t)y * src.stride + i] = data[pos++ % size];
    if (t == SEG_F32) /* keep floats finite or infinite, not NaN (unspecified there) */
        for (int y = 0; y < h; y++)
            for (int i = 0; i < w * c; i++) {
                float *p = (float *)((uint8_t *)src.data + (size_t)y * src.stride) + i;
                if (*p != *p)
                    *p = 0;
            }
    if (shape < 3) {
        if (seg_get_structuring_element(shape, kw, kh, ax, ay, &k))
            goto done;
    } else if (!seg_image_alloc(&k, kw, kh, 1, SEG_U8)) {
        for (int j = 0; j < kh; j++)
            for (int i = 0; i < kw; i++)
                ((uint8_t *)k.data)[(size_t)j * k.stride + i] = data[pos++ % size] & 1;
    }
    int rc1 = seg_morphology_ex(&src, &a, op, &k, ax, ay, it);
    seg_set_use_optimized(0);
    int rc2 = seg_morphology_ex(&src, &b, op, &k, ax, ay, it);
    seg_set_use_optimized(1);
    if (rc1 != rc2 || (rc1 == SEG_OK && !same(&a, &b)))
        __builtin_trap();
    if (rc1 == SEG_OK && op <= SEG_MORPH_DILATE && it == 1 && k.width * k.height > 1) {
        int kx = ax < 0 ? kw / 2 : ax, ky = ay < 0 ? kh / 2 : ay;
        if (!check_definition(&src, &k, kx, ky, op == SEG_MORPH_DILATE, &a))
            __builtin_trap();
    }
    seg_image_free(&a);
    seg_image_free(&b);
    /* thresholds with fuzzed parameters: no crash, errors allowed */
    double used;
    int ty = data[pos++ % size] % 24;
    if (seg_threshold(&src, &a, (double)data[pos++ % size] * 3 - 40, 200.5, ty, &used) == SEG_OK)
        seg_image_free(&a);
    if (t == SEG_U8 && c == 1 &&
        seg_adaptive_threshold(&src, &a, 255, data[9] % 2, data[10] % 2,
                               3 + 2 * (data[4] % 20), (double)data[5] / 7 - 10) == SEG_OK)
        seg_image_free(&a);
done:
    seg_image_free(&k);
    seg_image_free(&src);
    return 0;
}
