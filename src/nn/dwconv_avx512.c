/* The depthwise kernel for AVX-512 on nChw16c: one 16-lane register per channel block.
 * Output pixels whose taps all fall inside the image (the interior of a row) go eight,
 * four or one at a time with the accumulators in registers and no bounds checks; the
 * borders take the per-pixel path with checks. Same sums in the same order as the plain kernel (dwconv.c), with
 * fused multiply-adds. */
#include "nn/dwconv.h"

#include <immintrin.h>

static inline __m512 act16(const seg_dw_ctx *c, __m512 v)
{
    __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f), h;
    switch (c->act) {
    case NN_ACT_RELU: return _mm512_max_ps(v, zero);
    case NN_ACT_CLIP: return _mm512_min_ps(_mm512_max_ps(v, _mm512_set1_ps(c->lo)), _mm512_set1_ps(c->hi));
    case NN_ACT_HSWISH:
    case NN_ACT_HSIGMOID:
        h = _mm512_add_ps(_mm512_mul_ps(_mm512_set1_ps(c->lo), v), _mm512_set1_ps(c->hi));
        h = _mm512_min_ps(_mm512_max_ps(h, zero), one);
        return c->act == NN_ACT_HSWISH ? _mm512_mul_ps(v, h) : h;
    case NN_ACT_NONE: return v;
    default: {
        float t[16];
        _mm512_storeu_ps(t, v);
        for (int l = 0; l < 16; l++)
            t[l] = seg__nn_act_apply(c->act, c->lo, c->hi, t[l]);
        return _mm512_loadu_ps(t);
    }
    }
}

static inline void finish(const seg_dw_ctx *c, float *op, __m512 acc)
{
    if (c->add)
        acc = _mm512_add_ps(acc, _mm512_loadu_ps(op));
    _mm512_storeu_ps(op, act16(c, acc));
}

/* R output pixels from ox on, all of whose taps are inside the image. */
#define DW_BLOCK(R)                                                                            \
    do {                                                                                       \
        __m512 acc[R];                                                                         \
        for (int j = 0; j < R; j++)                                                            \
            acc[j] = bias;                                                                     \
        for (int64_t ky = ky0; ky < ky1; ky++) {                                               \
            int64_t iy = oy * c->sh - c->pt + ky * c->dh;                                      \
            for (int64_t kx = 0; kx < c->kw; kx++) {                                           \
                __m512 w = _mm512_loadu_ps(wq + (ky * c->kw + kx) * B);                        \
                const float *ip = in + (iy * c->W + ox * c->sw - c->pl + kx * c->dw) * B;     \
                for (int j = 0; j < R; j++)                                                    \
                    acc[j] = _mm512_fmadd_ps(_mm512_loadu_ps(ip + j * c->sw * B), w, acc[j]);  \
            }                                                                                  \
        }                                                                                      \
        for (int j = 0; j < R; j++)                                                            \
            finish(c, out + (ox + j) * B, acc[j]);                                             \
        ox += R;                                                                               \
    } while (0)

void seg__nn_dw16_avx512(void *vc, int64_t r0, int64_t r1)
{
    const seg_dw_ctx *c = vc;
    enum { B = 16 };
    /* interior: ox * sw - pl >= 0 and ox * sw - pl + (kw - 1) * dw <= W - 1 */
    int64_t lo = (c->pl + c->sw - 1) / c->sw;
    int64_t last = c->W - 1 + c->pl - (c->kw - 1) * c->dw;
    int64_t hi = last < 0 ? 0 : last / c->sw + 1;
    lo = lo < c->OW ? lo : c->OW;
    hi = hi < lo ? lo : hi > c->OW ? c->OW : hi;
    for (int64_t r = r0; r < r1; r++) { /* r = (n * cb + q) * OH + oy */
        int64_t oy = r % c->OH, nq = r / c->OH, q = nq % c->cb;
        const float *in = c->in + nq * c->H * c->W * B;
        const float *wq = c->w + q * c->kh * c->kw * B;
        float *out = c->out + r * c->OW * B;
        __m512 bias = c->bias ? _mm512_loadu_ps(c->bias + q * B) : _mm512_setzero_ps();
        int64_t ky0 = 0, ky1 = c->kh; /* taps whose row is inside the image */
        while (ky0 < ky1 && oy * c->sh - c->pt + ky0 * c->dh < 0)
            ky0++;
        while (ky1 > ky0 && oy * c->sh - c->pt + (ky1 - 1) * c->dh >= c->H)
            ky1--;
        for (int64_t ox = 0; ox < c->OW;) {
            if (ox >= lo && ox + 8 <= hi) {
                DW_BLOCK(8);
                continue;
            }
            if (ox >= lo && ox + 4 <= hi) {
                DW_BLOCK(4);
                continue;
            }
            if (ox >= lo && ox < hi) {
                DW_BLOCK(1);
                continue;
            }
            __m512 acc = bias;
            for (int64_t ky = ky0; ky < ky1; ky++) {
                int64_t iy = oy * c->sh - c->pt + ky * c->dh;
                for (int64_t kx = 0; kx < c->kw; kx++) {
                    int64_t ix = ox * c->sw - c->pl + kx * c->dw;
                    if (ix < 0 || ix >= c->W)
                        continue;
                    acc = _mm512_fmadd_ps(_mm512_loadu_ps(in + (iy * c->W + ix) * B),
                                          _mm512_loadu_ps(wq + (ky * c->kw + kx) * B), acc);
                }
            }
            finish(c, out + ox * B, acc);
            ox++;
        }
    }
}
