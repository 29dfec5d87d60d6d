/* Box-relative masks pasted into the image as torchvision 0.14 does
 * (roi_heads.paste_masks_in_image), and masks turned into COCO RLE one crop at a time.
 *
 * Bit-identical to PyTorch 1.13's CPU F.interpolate(bilinear, align_corners=False): the
 * scale in/out is a float; the source index scale * (d + 0.5) - 0.5 and its fraction are
 * computed in double (ATen's accumulate type) and the weights rounded to float; each
 * output is the double sum, in the order (y0,x0) (y0,x1) (y1,x0) (y1,x1), of input times
 * the float product of its two weights, rounded to float once. */
#include "tasks/instance_internal.h"

#include <math.h>
#include <stdlib.h>

void seg__paste_geometry(const float box[4], int M, int W, int H, seg__paste_rect *r)
{
    /* expand_boxes: float32 tensor arithmetic, the Python scale (M + 2) / M as a float */
    float scale = (float)((double)(M + 2) / (double)M);
    float w_half = (box[2] - box[0]) * 0.5f, h_half = (box[3] - box[1]) * 0.5f;
    float x_c = (box[2] + box[0]) * 0.5f, y_c = (box[3] + box[1]) * 0.5f;
    w_half *= scale;
    h_half *= scale;
    /* .to(torch.int64) truncates toward zero */
    int64_t bx0 = (int64_t)(x_c - w_half), bx1 = (int64_t)(x_c + w_half);
    int64_t by0 = (int64_t)(y_c - h_half), by1 = (int64_t)(y_c + h_half);
    r->bx0 = bx0;
    r->by0 = by0;
    r->bw = SEG_MAX(bx1 - bx0 + 1, 1);
    r->bh = SEG_MAX(by1 - by0 + 1, 1);
    int64_t x0 = SEG_MAX(bx0, 0), x1 = SEG_MIN(bx1 + 1, (int64_t)W);
    int64_t y0 = SEG_MAX(by0, 0), y1 = SEG_MIN(by1 + 1, (int64_t)H);
    x0 = SEG_MIN(x0, (int64_t)W);
    y0 = SEG_MIN(y0, (int64_t)H);
    r->x0 = (int)x0, r->y0 = (int)y0;
    r->x1 = (int)SEG_MAX(x1, x0), r->y1 = (int)SEG_MAX(y1, y0);
}

typedef struct lin_w {
    int i0, i1;
    float l0, l1;
} lin_w;

/* ATen's compute_source_index_and_lambda for output index d of `out` from `in`. */
static lin_w lin_weight(int in, int64_t out, int64_t d)
{
    lin_w w;
    if (out == in) {
        w.i0 = w.i1 = (int)d;
        w.l0 = 1.0f, w.l1 = 0.0f;
        return w;
    }
    float scale = (float)in / (float)out;
    double real = (double)scale * ((double)d + 0.5) - 0.5;
    if (real < 0)
        real = 0;
    int64_t i0 = (int64_t)real;
    if (i0 > in - 1)
        i0 = in - 1;
    w.i0 = (int)i0;
    w.i1 = w.i0 + (i0 < in - 1 ? 1 : 0);
    w.l1 = (float)fmin(fmax(real - (double)i0, 0.0), 1.0);
    w.l0 = 1.0f - w.l1;
    return w;
}

/* The mask padded by one zero pixel on every side (expand_masks), index in 0..M+1. */
static inline float padded(const float *mask, int M, int y, int x)
{
    return y < 1 || x < 1 || y > M || x > M ? 0.0f : mask[(size_t)(y - 1) * M + (x - 1)];
}

int seg__paste_threshold(const float *mask, int M, const seg__paste_rect *r, float thr,
                         uint8_t *crop)
{
    int cw = r->x1 - r->x0, ch = r->y1 - r->y0;
    if (cw <= 0 || ch <= 0)
        return SEG_OK;
    lin_w *wx = malloc(sizeof *wx * (size_t)cw);
    if (!wx)
        return SEG_ENOMEM;
    for (int i = 0; i < cw; i++)
        wx[i] = lin_weight(M + 2, r->bw, (int64_t)(r->x0 + i) - r->bx0);
    for (int j = 0; j < ch; j++) {
        lin_w wy = lin_weight(M + 2, r->bh, (int64_t)(r->y0 + j) - r->by0);
        uint8_t *dst = crop + (size_t)j * cw;
        for (int i = 0; i < cw; i++) {
            const lin_w *w = &wx[i];
            double v = (double)padded(mask, M, wy.i0, w->i0) * (double)(wy.l0 * w->l0) +
                       (double)padded(mask, M, wy.i0, w->i1) * (double)(wy.l0 * w->l1) +
                       (double)padded(mask, M, wy.i1, w->i0) * (double)(wy.l1 * w->l0) +
                       (double)padded(mask, M, wy.i1, w->i1) * (double)(wy.l1 * w->l1);
            dst[i] = (float)v > thr;
        }
    }
    free(wx);
    return SEG_OK;
}

/* Runs are collected twice: once to count them (c NULL), once to store them. */
typedef struct runs {
    uint32_t *c;
    size_t m;
    uint64_t run, ones;
    int cur;
} runs;

static inline void put(runs *r, int v, uint64_t n)
{
    if (!n)
        return;
    if (v != r->cur) {
        if (r->c)
            r->c[r->m] = (uint32_t)r->run;
        r->m++;
        r->run = 0;
        r->cur = v;
    }
    r->run += n;
    r->ones += v ? n : 0;
}

static void crop_runs(runs *r, const uint8_t *crop, int cw, int ch, int x0, int y0, int W, int H)
{
    if (cw <= 0 || ch <= 0)
        cw = ch = x0 = 0; /* nothing inside: one run of zeros */
    put(r, 0, (uint64_t)x0 * H);
    for (int i = 0; i < cw; i++) {
        put(r, 0, (uint64_t)y0);
        for (int j = 0; j < ch; j++)
            put(r, crop[(size_t)j * cw + i] != 0, 1);
        put(r, 0, (uint64_t)(H - y0 - ch));
    }
    put(r, 0, (uint64_t)(W - x0 - cw) * H);
    if (r->c)
        r->c[r->m] = (uint32_t)r->run;
    r->m++;
}

int seg__rle_from_crop(const uint8_t *crop, int cw, int ch, int x0, int y0, int W, int H,
                       seg_rle *out, uint64_t *ones)
{
    runs count = {0};
    crop_runs(&count, crop, cw, ch, x0, y0, W, H);
    runs fill = {.c = malloc(sizeof(uint32_t) * count.m)};
    if (!fill.c)
        return SEG_ENOMEM;
    crop_runs(&fill, crop, cw, ch, x0, y0, W, H);
    out->height = H;
    out->width = W;
    out->m = fill.m;
    out->counts = fill.c;
    *ones = fill.ones;
    return SEG_OK;
}

void seg__rle_for_each_run(const seg_rle *r, seg__run_fn fn, void *ctx)
{
    uint64_t p = 0, H = (uint64_t)r->height;
    if (!H)
        return;
    for (size_t k = 0; k < r->m; p += r->counts[k], k++) {
        if (!(k & 1))
            continue;
        uint64_t q = p, n = r->counts[k];
        while (n) {
            int x = (int)(q / H), y = (int)(q % H);
            uint64_t len = SEG_MIN(n, H - (uint64_t)y);
            fn(ctx, x, y, y + (int)len);
            q += len;
            n -= len;
        }
    }
}
