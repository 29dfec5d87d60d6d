/* Blocked activation layouts (oneDNN's nChw8c / nChw16c): convolutions read and write
 * them natively, so consecutive layers never reorder; these helpers convert at the
 * boundaries with operators that want plain NCHW. */
#include "nn/layout.h"

#include <string.h>

size_t seg__nn_blocked_bytes(const int64_t *dims, int blk)
{
    int64_t cb = (dims[1] + blk - 1) / blk;
    return (size_t)(dims[0] * cb * blk * dims[2] * dims[3]) * sizeof(float);
}

int seg__nn_block(void)
{
    if (!seg_use_optimized())
        return 0;
    unsigned f = seg__cpu_active();
    return f & SEG_CPU_AVX512 ? 16 : f & SEG_CPU_AVX2 ? 8 : 0;
}

typedef struct ro_ctx {
    const float *src;
    float *dst;
    int64_t C, HW, blk, cb;
    bool to_plain;
} ro_ctx;

static void ro_rows(void *vc, int64_t b, int64_t e)
{
    const ro_ctx *c = vc;
    for (int64_t r = b; r < e; r++) { /* r = n * cb + channel block */
        int64_t nb = r / c->cb, q = r % c->cb, c0 = q * c->blk;
        int64_t cn = SEG_MIN(c->blk, c->C - c0);
        const float *bsrc = c->src + r * c->HW * c->blk;
        float *bdst = c->dst + r * c->HW * c->blk;
        if (c->to_plain) {
            for (int64_t k = 0; k < cn; k++) {
                float *p = c->dst + ((nb * c->C) + c0 + k) * c->HW;
                for (int64_t i = 0; i < c->HW; i++)
                    p[i] = bsrc[i * c->blk + k];
            }
        } else {
            if (cn < c->blk)
                memset(bdst, 0, sizeof(float) * (size_t)(c->HW * c->blk));
            for (int64_t k = 0; k < cn; k++) {
                const float *p = c->src + ((nb * c->C) + c0 + k) * c->HW;
                for (int64_t i = 0; i < c->HW; i++)
                    bdst[i * c->blk + k] = p[i];
            }
        }
    }
}

void seg__nn_reorder(const nn_tensor *src, nn_tensor *dst)
{
    bool to_plain = src->blk != 0;
    int64_t blk = to_plain ? src->blk : dst->blk;
    ro_ctx c = {src->data, dst->data, src->dims[1], src->dims[2] * src->dims[3], blk,
                (src->dims[1] + blk - 1) / blk, to_plain};
    int64_t rows = src->dims[0] * c.cb;
    seg__parallel_for(rows, 1, ro_rows, &c);
}

void seg__nn_zero_pad(nn_tensor *t)
{
    int64_t blk = t->blk, C = t->dims[1], cb = (C + blk - 1) / blk, HW = t->dims[2] * t->dims[3];
    if (!blk || C % blk == 0)
        return;
    for (int64_t nb = 0; nb < t->dims[0]; nb++) {
        float *p = (float *)t->data + ((nb * cb) + cb - 1) * HW * blk;
        for (int64_t i = 0; i < HW; i++)
            for (int64_t l = C % blk; l < blk; l++)
                p[i * blk + l] = 0.0f;
    }
}

bool seg__nn_readers_blocked(const nn_graph *g, int v)
{
    if (v < 0 || g->is_output[v])
        return false;
    for (int i = 0; i < g->n_nodes; i++) {
        const nn_node *r = &g->nodes[i];
        for (int k = 0; r->op && k < r->n_in; k++)
            if (r->in[k] == v && !r->op->blocked_ok)
                return false;
        for (int k = 0; r->op && k < r->n_implicit; k++) /* sub-graphs read it plain */
            if (r->implicit[k] == v)
                return false;
    }
    return true;
}
