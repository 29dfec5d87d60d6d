/* Exact Euclidean distance transform: OpenCV 4.6's DIST_MASK_PRECISE (trueDistTrans), a
 * Felzenszwalb-Huttenlocher transform: first the distance to the nearest zero along
 * each column, then, along each row, the minimum over x' of (x - x')^2 + f(x').
 *
 * Same values as cv2 (its float squares and its "infinity" 1e15f for columns without a
 * zero; sums of integers below 2^24 are exact), organised for speed:
 * - the column pass walks rows top-down and bottom-up over blocks of columns (cv2 walks
 *   each column with a row stride, which misses the cache on every pixel); AVX2 kernel
 *   in distance_exact_avx2.c, plain oracle in distance_exact_columns.h;
 * - the row pass first tries the windowed search of distance_exact_window.h (eight
 *   pixels at a time, window grown only as far as their current minima require), which
 *   vectorises and costs the local distance; a row with a pixel farther than WINDOW from
 *   any candidate that could win takes cv2's envelope of parabolas instead, run on each
 *   stretch between two zero pixels on its own (a zero at p beats every parabola beyond
 *   it by at least 1), with columns without any zero left out (they never win). A row
 *   where nothing is finite (an image without zero pixels) runs cv2's envelope unchanged.
 * Both passes run through seg__parallel_for over pieces fixed by the image size. */
#include "imgproc/distance_internal.h"

#include <math.h>
#include <stdlib.h>

#define INF_F 1e15f
/* Rows whose pixels are all within WINDOW of a winning candidate take the windowed
 * kernel; the others take the envelope. */
#define WINDOW 48
#define PAD (WINDOW + 16)

#define EDT_WINDOW_FN seg__edt_window_plain
#include "imgproc/distance_exact_window.h"
int seg__edt_window_avx2(const float *f, float *d, int w, int limit);

typedef struct exact_ctx {
    const seg_image *src;
    seg_image *dst;
    int w, h;
    int64_t row_grain;
    const float *sq;  /* sq[i] = i * i, i < w */
    const float *inv; /* inv[i] = 0.5 / i */
    float *scratch;   /* per row piece: f[w + 2 PAD], z[w + 2], v[w + 2], cand[w + 2] */
    size_t scratch_per_piece;
    int (*window)(const float *f, float *d, int w, int limit);
    void (*columns)(const seg_image *src, seg_image *dst, int x0, int x1);
} exact_ctx;

#define EDT_COLUMNS_FN seg__edt_columns_plain
#include "imgproc/distance_exact_columns.h"
void seg__edt_columns_avx2(const seg_image *src, seg_image *dst, int x0, int x1);

static void column_pass(void *vctx, int64_t x0, int64_t x1)
{
    const exact_ctx *c = vctx;
    c->columns(c->src, c->dst, (int)x0, (int)x1);
}

/* cv2's DTRowInvoker envelope over candidates cand[0..nc) (increasing positions), then
 * values for positions [q0, q1). f, sq, inv as in cv2; z has nc + 1 entries, v nc. */
static void envelope(const float *f, const int *cand, int nc, int q0, int q1, const float *sq,
                     const float *inv, float *z, int *v, float *d)
{
    int k = 0;
    v[0] = cand[0];
    z[0] = -INF_F;
    z[1] = INF_F;
    for (int c = 1; c < nc; c++) {
        int q = cand[c];
        float fq = f[q];
        for (;;) {
            int p = v[k];
            float s = (fq + sq[q] - f[p] - sq[p]) * inv[q - p];
            if (s > z[k]) {
                k++;
                v[k] = q;
                z[k] = s;
                z[k + 1] = INF_F;
                break;
            }
            if (k == 0)
                break; /* unreachable with finite values (z[0] = -1e15); cv2 has no check */
            k--;
        }
    }
    k = 0;
    for (int q = q0; q < q1; q++) {
        while (z[k + 1] < (float)q)
            k++;
        int p = v[k];
        d[q] = sqrtf(sq[abs(q - p)] + f[p]);
    }
}

static void row_pass(void *vctx, int64_t y0, int64_t y1)
{
    const exact_ctx *c = vctx;
    const int w = c->w;
    float *fpad = c->scratch + (size_t)(y0 / c->row_grain) * c->scratch_per_piece;
    float *f = fpad + PAD;
    float *z = f + w + PAD;
    int *v = (int *)(z + w + 2);
    int *cand = v + w + 2;
    for (int i = 0; i < PAD; i++)
        fpad[i] = f[w + i] = INF_F;
    for (int64_t y = y0; y < y1; y++) {
        float *d = seg__row(c->dst, (int)y);
        for (int x = 0; x < w; x++)
            f[x] = d[x];
        if (c->window(f, d, w, WINDOW) == 0)
            continue;
        int q = 0;
        while (q < w) {
            if (f[q] == 0.0f) {
                d[q++] = 0.0f;
                continue;
            }
            /* run [q, e) of non-zero pixels, bounded by zeros at q - 1 and e if present */
            int nc = 0;
            if (q > 0)
                cand[nc++] = q - 1;
            int e = q;
            for (; e < w && f[e] != 0.0f; e++)
                if (f[e] < INF_F)
                    cand[nc++] = e;
            if (e < w)
                cand[nc++] = e;
            if (nc == 0) {
                /* nothing finite in the row (no zero in the image): cv2's full envelope */
                for (int x = 0; x < w; x++)
                    cand[x] = x;
                nc = w;
            }
            envelope(f, cand, nc, q, e, c->sq, c->inv, z, v, d);
            q = e;
        }
    }
}

int seg__distance_exact(const seg_image *src, seg_image *dst)
{
    const int w = src->width, h = src->height;
    exact_ctx c = {.src = src, .dst = dst, .w = w, .h = h};
    c.row_grain = seg__grain(h, 4);
    int64_t pieces = (h + c.row_grain - 1) / c.row_grain;
    c.scratch_per_piece = (size_t)w * 4 + 2 * PAD + 8;
    const int avx2 = (seg__cpu_active() & SEG_CPU_AVX2) != 0;
    c.window = avx2 ? seg__edt_window_avx2 : seg__edt_window_plain;
    c.columns = avx2 ? seg__edt_columns_avx2 : seg__edt_columns_plain;
    size_t total;
    if (!seg__mul(c.scratch_per_piece, (size_t)pieces, &total) ||
        !seg__add(total, (size_t)w * 2, &total) || !seg__mul(total, sizeof(float), &total))
        return seg__fail(SEG_EOVERFLOW, "distance_transform: %dx%d overflows", w, h);
    float *buf = seg__malloc(total);
    if (!buf)
        return seg__fail(SEG_ENOMEM, "distance_transform: cannot allocate %zu bytes", total);
    float *sq = buf, *inv = buf + w;
    sq[0] = 0.0f;
    inv[0] = 0.0f;
    for (int i = 1; i < w; i++) {
        sq[i] = (float)((int64_t)i * i);
        inv[i] = (float)(0.5 / i);
    }
    c.sq = sq;
    c.inv = inv;
    c.scratch = buf + (size_t)w * 2;
    seg__parallel_for(w, seg__grain(w, 512), column_pass, &c);
    seg__parallel_for(h, c.row_grain, row_pass, &c);
    seg__free(buf);
    return SEG_OK;
}
