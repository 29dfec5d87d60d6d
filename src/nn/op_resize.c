/* Resize (opset 10-18) and Upsample (opset 7-9) over the last two axes of NCHW f32:
 * modes nearest (round_prefer_floor/ceil, floor, ceil), linear and cubic; coordinate
 * modes half_pixel, pytorch_half_pixel, align_corners, asymmetric,
 * tf_half_pixel_for_nearest and tf_crop_and_resize, as the ONNX specification (and
 * ONNX Runtime, which clamps linear source coordinates to the image) define them.
 * Plain or blocked (nChw{8,16}c: the channels of a block interpolate together); the
 * graph optimiser may fuse a following Transpose to NHWC (TensorFlow conversions end so). */
#include "nn/layout.h"
#include "nn/ops.h"
#include "nn/resize.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum { CT_HALF, CT_PYTORCH, CT_ALIGN, CT_ASYM, CT_TF_NEAREST, CT_TF_CROP };
enum { M_NEAREST, M_LINEAR, M_CUBIC };
enum { NR_PREFER_FLOOR, NR_PREFER_CEIL, NR_FLOOR, NR_CEIL };

typedef struct rs_state {
    bool nhwc; /* a Transpose(perm 0,2,3,1) of the output is fused: write [N, H, W, C] */
} rs_state;

typedef struct axis_map {
    int64_t *i0;  /* for each output coordinate: taps (nearest: 1, linear: 2, cubic: 4) */
    float *w;
    int taps;
} axis_map;

static double src_coord(int ct, double out, double scale, int64_t in_len, int64_t out_len,
                        double roi_lo, double roi_hi)
{
    switch (ct) {
    case CT_HALF: return (out + 0.5) / scale - 0.5;
    case CT_PYTORCH: return out_len > 1 ? (out + 0.5) / scale - 0.5 : 0.0;
    case CT_ALIGN: return out_len > 1 ? out * (double)(in_len - 1) / (double)(out_len - 1) : 0.0;
    case CT_ASYM: return out / scale;
    case CT_TF_NEAREST: return (out + 0.5) / scale;
    case CT_TF_CROP:
        return out_len > 1 ? roi_lo * (double)(in_len - 1) +
                                 out * (roi_hi - roi_lo) * (double)(in_len - 1) / (double)(out_len - 1)
                           : 0.5 * (roi_lo + roi_hi) * (double)(in_len - 1);
    }
    return 0;
}

static int64_t clampi(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int build_axis(axis_map *m, int mode, int ct, int nr, float cubic_a, bool exclude,
                      int64_t in_len, int64_t out_len, double scale, double roi_lo, double roi_hi)
{
    m->taps = mode == M_NEAREST ? 1 : mode == M_LINEAR ? 2 : 4;
    m->i0 = malloc(sizeof(int64_t) * (size_t)(out_len * m->taps + 1));
    m->w = malloc(sizeof(float) * (size_t)(out_len * m->taps + 1));
    if (!m->i0 || !m->w)
        return SEG_ENOMEM;
    for (int64_t o = 0; o < out_len; o++) {
        double s = src_coord(ct, (double)o, scale, in_len, out_len, roi_lo, roi_hi);
        int64_t *ix = m->i0 + o * m->taps;
        float *w = m->w + o * m->taps;
        if (mode == M_NEAREST) {
            double r;
            switch (nr) {
            case NR_PREFER_CEIL: r = (s == floor(s) + 0.5) ? ceil(s) : round(s); break;
            case NR_FLOOR: r = floor(s); break;
            case NR_CEIL: r = ceil(s); break;
            default: r = (s == floor(s) + 0.5) ? floor(s) : round(s); break;
            }
            ix[0] = clampi((int64_t)r, 0, in_len - 1);
            w[0] = 1;
        } else if (mode == M_LINEAR) {
            s = s < 0 ? 0 : s > (double)(in_len - 1) ? (double)(in_len - 1) : s;
            int64_t f = (int64_t)floor(s);
            double t = s - (double)f;
            ix[0] = clampi(f, 0, in_len - 1);
            ix[1] = clampi(f + 1, 0, in_len - 1);
            w[0] = (float)(1 - t);
            w[1] = (float)t;
        } else {
            int64_t f = (int64_t)floor(s);
            double t = s - (double)f, A = cubic_a, sum = 0;
            double d[4] = {1 + t, t, 1 - t, 2 - t};
            for (int k = 0; k < 4; k++) {
                double x = d[k], c = x <= 1 ? ((A + 2) * x - (A + 3)) * x * x + 1
                                            : ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
                int64_t idx = f - 1 + k;
                if (exclude && (idx < 0 || idx >= in_len))
                    c = 0;
                w[k] = (float)c;
                sum += c;
                ix[k] = clampi(idx, 0, in_len - 1);
            }
            if (exclude && sum != 0)
                for (int k = 0; k < 4; k++)
                    w[k] = (float)(w[k] / sum);
        }
    }
    return SEG_OK;
}

typedef struct rs_ctx {
    const float *in;
    float *out;
    int64_t H, W, OH, OW;
    int64_t L;              /* floats per pixel: 1 (plain) or the block size (blocked) */
    int64_t C;              /* channels; with nhwc, the output is [N, OH, OW, C] */
    bool nhwc;
    atomic_int *failed;     /* set when a unit found no memory for its scratch rows */
    int64_t nchunk, chunk;  /* work units: each plane cut into nchunk runs of chunk rows */
    axis_map my, mx;
} rs_ctx;

/* Source row srow interpolated along x into t[OW * L]. */
static void rs_hrow(const rs_ctx *c, const float *srow, float *t)
{
    int tx = c->mx.taps;
    int64_t L = c->L;
    for (int64_t ox = 0; ox < c->OW; ox++) {
        const int64_t *ix = c->mx.i0 + ox * tx;
        const float *wx = c->mx.w + ox * tx;
        float *d = t + ox * L;
        if (L == 1) {
            float r = 0;
            for (int k = 0; k < tx; k++)
                r += wx[k] * srow[ix[k]];
            d[0] = r;
            continue;
        }
        if (L == 16 && tx == 2) { /* the common blocked bilinear case, fixed-length loops */
            const float *s0 = srow + ix[0] * 16, *s1 = srow + ix[1] * 16;
            for (int l = 0; l < 16; l++)
                d[l] = (0.0f + wx[0] * s0[l]) + wx[1] * s1[l];
            continue;
        }
        for (int64_t l = 0; l < L; l++)
            d[l] = 0;
        for (int k = 0; k < tx; k++) {
            const float *s = srow + ix[k] * L;
            for (int64_t l = 0; l < L; l++)
                d[l] += wx[k] * s[l];
        }
    }
}

/* Output row drow as the weighted sum of the ty source rows iy[] interpolated along x,
 * each computed once into the ring (the rows one output row reads are consecutive, so
 * slot iy % ty never holds another row this output row needs). */
static void blend_row(const rs_ctx *c, const float *src, const int64_t *iy, const float *wy,
                      float *ring, int64_t *tag, float *drow)
{
    int ty = c->my.taps;
    int64_t L = c->L, rowlen = c->OW * L;
    const float *rows[4];
    for (int a = 0; a < ty; a++) {
        int slot = (int)(iy[a] % ty);
        float *r = ring + slot * rowlen;
        if (tag[slot] != iy[a]) {
            rs_hrow(c, src + iy[a] * c->W * L, r);
            tag[slot] = iy[a];
        }
        rows[a] = r;
    }
    if (ty == 2) {
        float w0 = wy[0], w1 = wy[1];
        const float *r0 = rows[0], *r1 = rows[1];
        for (int64_t i = 0; i < rowlen; i++)
            drow[i] = w0 * r0[i] + w1 * r1[i];
        return;
    }
    for (int64_t i = 0; i < rowlen; i++) {
        float acc = 0;
        for (int a = 0; a < ty; a++)
            acc += wy[a] * rows[a][i];
        drow[i] = acc;
    }
}

/* Separable: each source row a unit needs is interpolated along x once, then every
 * output row is a weighted sum of ty of those rows, contiguous and vectorisable. Per
 * value, the sums run in the order of the direct formula sum_a wy[a] sum_k wx[k] src. */
static void rs_units(void *vc, int64_t b, int64_t e)
{
    const rs_ctx *c = vc;
    int ty = c->my.taps;
    int64_t L = c->L, rowlen = c->OW * L;
    int64_t cpp = L > 1 ? (c->C + L - 1) / L : c->C; /* planes per image */
    /* scratch: the ring's ty rows, then (nhwc) the output row before it is scattered */
    float *ring = seg__malloc(sizeof(float) * (size_t)((ty + 1) * rowlen));
    if (!ring) {
        atomic_store(c->failed, 1);
        return;
    }
    float *row = ring + ty * rowlen;
    int64_t tag[4];
    for (int64_t u = b; u < e; u++) {
        int64_t plane = u / c->nchunk, y0 = (u % c->nchunk) * c->chunk;
        int64_t y1 = SEG_MIN(c->OH, y0 + c->chunk);
        const float *src = c->in + plane * c->H * c->W * L;
        for (int a = 0; a < 4; a++)
            tag[a] = -1;
        for (int64_t oy = y0; oy < y1; oy++) {
            const int64_t *iy = c->my.i0 + oy * ty;
            float *drow = c->nhwc ? row : c->out + (plane * c->OH + oy) * rowlen;
            if (ty == 1) { /* nearest */
                const float *srow = src + iy[0] * c->W * L;
                if (L == 1)
                    for (int64_t ox = 0; ox < c->OW; ox++)
                        drow[ox] = srow[c->mx.i0[ox]];
                else
                    for (int64_t ox = 0; ox < c->OW; ox++)
                        memcpy(drow + ox * L, srow + c->mx.i0[ox] * L, sizeof(float) * (size_t)L);
            } else {
                blend_row(c, src, iy, c->my.w + oy * ty, ring, tag, drow);
            }
            if (c->nhwc) { /* this plane's channels of output row oy of its image */
                int64_t nb = plane / cpp, c0 = (plane % cpp) * L, cn = SEG_MIN(L, c->C - c0);
                float *o = c->out + (nb * c->OH + oy) * c->OW * c->C + c0;
                if (cn == 16) /* whole blocks: fixed-size copies the compiler inlines */
                    for (int64_t ox = 0; ox < c->OW; ox++)
                        memcpy(o + ox * c->C, drow + ox * 16, 16 * sizeof(float));
                else if (cn == 8)
                    for (int64_t ox = 0; ox < c->OW; ox++)
                        memcpy(o + ox * c->C, drow + ox * 8, 8 * sizeof(float));
                else
                    for (int64_t ox = 0; ox < c->OW; ox++)
                        for (int64_t l = 0; l < cn; l++)
                            o[ox * c->C + l] = drow[ox * L + l];
            }
        }
    }
    seg__free(ring);
}

static int do_resize(nn_exec *x, nn_node *n, const nn_tensor *a, int mode, int ct, int nr,
                     float cubic_a, bool exclude, const double *scales, const int64_t *sizes,
                     const double *roi)
{
    if (a->dtype != ONNX_FLOAT || a->ndim < 2)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "needs a float32 input of rank >= 2");
    int nd = a->ndim;
    int64_t od[NN_MAX_RANK];
    double sc[NN_MAX_RANK];
    for (int i = 0; i < nd; i++) {
        if (sizes) {
            od[i] = sizes[i];
            sc[i] = a->dims[i] ? (double)od[i] / (double)a->dims[i] : 1.0;
        } else {
            sc[i] = scales[i];
            if (!(sc[i] > 0) || !isfinite(sc[i]))
                return seg__nn_fail(n, SEG_EFORMAT, "scale %g must be positive", sc[i]);
            od[i] = (int64_t)floor((double)a->dims[i] * sc[i]);
        }
        if (od[i] < 0 || od[i] > ((int64_t)1 << 31))
            return seg__nn_fail(n, SEG_ELIMIT, "output size %lld", (long long)od[i]);
        if (i < nd - 2 && od[i] != a->dims[i])
            return seg__nn_fail(n, SEG_EUNSUPPORTED, "only the last two axes can be resized");
    }
    /* With a Transpose to NHWC fused, any layout in gives NHWC out. Otherwise a blocked
     * input gives a blocked output when its readers take that layout, unless it has so
     * few channels that it would be mostly padding. */
    bool nhwc = n->state && ((const rs_state *)n->state)->nhwc;
    if (nhwc && nd != 4)
        return seg__nn_fail(n, SEG_EINTERNAL, "fused NHWC output needs a 4-D input");
    if (!nhwc && a->blk &&
        (!seg__nn_readers_blocked(x->g, n->out[0]) || a->dims[1] * 2 <= a->blk) &&
        !(a = seg__nn_in_plain(x, n, 0)))
        return SEG_ENOMEM;
    int64_t td[4] = {od[0], od[2], od[3], od[1]};
    nn_tensor *o = nhwc     ? seg__nn_out(x, n, 0, ONNX_FLOAT, 4, td)
                 : a->blk ? seg__nn_out_blk(x, n, 0, od, a->blk)
                          : seg__nn_out(x, n, 0, ONNX_FLOAT, nd, od);
    if (!o)
        return SEG_ENOMEM;
    if (!o->numel)
        return SEG_OK;
    if (a->numel == 0)
        return seg__nn_fail(n, SEG_ESIZE, "cannot resize an empty input to a non-empty output");
    rs_ctx c = {.in = a->data, .out = o->data, .H = a->dims[nd - 2], .W = a->dims[nd - 1],
                .OH = od[nd - 2], .OW = od[nd - 1], .L = a->blk ? a->blk : 1,
                .C = nd == 4 ? a->dims[1] : 1, .nhwc = nhwc};
    atomic_int failed = 0;
    c.failed = &failed;
    int rc = build_axis(&c.my, mode, ct, nr, cubic_a, exclude, c.H, c.OH, sc[nd - 2],
                        roi ? roi[nd - 2] : 0, roi ? roi[2 * nd - 2] : 1);
    if (!rc)
        rc = build_axis(&c.mx, mode, ct, nr, cubic_a, exclude, c.W, c.OW, sc[nd - 1],
                        roi ? roi[nd - 1] : 0, roi ? roi[2 * nd - 1] : 1);
    if (!rc) {
        /* planes of blocks for the blocked layout (the padding lanes stay zero: all
         * weights apply to zeros); enough units for the threads even with few planes */
        int64_t planes = a->blk ? a->dims[0] * ((a->dims[1] + a->blk - 1) / a->blk)
                                : a->numel / (c.H * c.W);
        c.nchunk = SEG_MIN(c.OH, SEG_MAX(1, (64 + planes - 1) / planes));
        c.chunk = (c.OH + c.nchunk - 1) / c.nchunk;
        c.nchunk = (c.OH + c.chunk - 1) / c.chunk;
        int64_t units = planes * c.nchunk;
        seg__parallel_for(units, seg__grain(units, 1), rs_units, &c);
        if (atomic_load(&failed))
            rc = SEG_ENOMEM;
    }
    free(c.my.i0), free(c.my.w), free(c.mx.i0), free(c.mx.w);
    return rc ? seg__nn_fail(n, rc, "out of memory") : SEG_OK;
}

static int parse_mode(const nn_node *n, int *mode)
{
    const char *m = seg__nn_attr_str(n, "mode", "nearest");
    *mode = strcmp(m, "nearest") == 0 ? M_NEAREST
          : strcmp(m, "linear") == 0 || strcmp(m, "bilinear") == 0 ? M_LINEAR
          : strcmp(m, "cubic") == 0 ? M_CUBIC : -1;
    return *mode < 0 ? seg__nn_fail(n, SEG_EUNSUPPORTED, "mode '%s'", m) : SEG_OK;
}

static int run_resize(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0);
    int mode, rc;
    if (!a)
        return seg__nn_fail(n, SEG_EFORMAT, "missing input");
    if ((rc = parse_mode(n, &mode)))
        return rc;
    const char *cts = seg__nn_attr_str(n, "coordinate_transformation_mode",
                                       n->opset < 11 ? "asymmetric" : "half_pixel");
    int ct = strcmp(cts, "half_pixel") == 0 ? CT_HALF : strcmp(cts, "pytorch_half_pixel") == 0 ? CT_PYTORCH
           : strcmp(cts, "align_corners") == 0 ? CT_ALIGN : strcmp(cts, "asymmetric") == 0 ? CT_ASYM
           : strcmp(cts, "tf_half_pixel_for_nearest") == 0 ? CT_TF_NEAREST
           : strcmp(cts, "tf_crop_and_resize") == 0 ? CT_TF_CROP : -1;
    if (ct < 0)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "coordinate_transformation_mode '%s'", cts);
    const char *nrs = seg__nn_attr_str(n, "nearest_mode", "round_prefer_floor");
    int nr = strcmp(nrs, "round_prefer_floor") == 0 ? NR_PREFER_FLOOR
           : strcmp(nrs, "round_prefer_ceil") == 0 ? NR_PREFER_CEIL
           : strcmp(nrs, "floor") == 0 ? NR_FLOOR : strcmp(nrs, "ceil") == 0 ? NR_CEIL : -1;
    if (nr < 0)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "nearest_mode '%s'", nrs);
    if (seg__nn_attr(n, "axes") || seg__nn_attr_str(n, "keep_aspect_ratio_policy", NULL))
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "axes and keep_aspect_ratio_policy");
    const nn_tensor *troi = NULL, *tsc, *tsz = NULL;
    if (n->opset < 11) {
        tsc = seg__nn_in(x, n, 1);
    } else {
        troi = seg__nn_in(x, n, 1);
        tsc = seg__nn_in(x, n, 2);
        tsz = seg__nn_in(x, n, 3);
    }
    double scales[NN_MAX_RANK], roi[2 * NN_MAX_RANK];
    int64_t sizes[NN_MAX_RANK];
    if (tsc && tsc->numel) {
        if (tsc->numel != a->ndim || tsc->dtype != ONNX_FLOAT)
            return seg__nn_fail(n, SEG_EFORMAT, "scales must be float32 with one value per axis");
        for (int i = 0; i < a->ndim; i++)
            scales[i] = ((const float *)tsc->data)[i];
        tsz = NULL;
    } else if (tsz && tsz->numel) {
        if (seg__nn_read_ints(n, tsz, sizes, NN_MAX_RANK) != a->ndim)
            return seg__nn_fail(n, SEG_EFORMAT, "sizes must have one value per axis");
    } else {
        return seg__nn_fail(n, SEG_EFORMAT, "needs scales or sizes");
    }
    bool has_roi = ct == CT_TF_CROP && troi && troi->numel;
    if (has_roi) {
        if (troi->numel != 2 * a->ndim)
            return seg__nn_fail(n, SEG_EFORMAT, "roi must have 2 values per axis");
        for (int i = 0; i < 2 * a->ndim; i++)
            roi[i] = seg__nn_get_f(troi, i);
    }
    return do_resize(x, n, a, mode, ct, nr, seg__nn_attr_float(n, "cubic_coeff_a", -0.75f),
                     seg__nn_attr_int(n, "exclude_outside", 0) != 0, tsz ? NULL : scales,
                     tsz ? sizes : NULL, has_roi ? roi : NULL);
}

/* Upsample: scales from the input (opset 9) or the attribute (opset 7); asymmetric
 * coordinates, nearest rounding down (floor), as its specification says. */
static int run_upsample(nn_exec *x, nn_node *n)
{
    const nn_tensor *a = seg__nn_in(x, n, 0), *ts = seg__nn_in(x, n, 1);
    int mode, rc;
    if (!a)
        return seg__nn_fail(n, SEG_EFORMAT, "missing input");
    if ((rc = parse_mode(n, &mode)))
        return rc;
    double scales[NN_MAX_RANK];
    const onnx_attr *at = seg__nn_attr(n, "scales");
    if (ts) {
        if (ts->numel != a->ndim || ts->dtype != ONNX_FLOAT)
            return seg__nn_fail(n, SEG_EFORMAT, "scales must be float32 with one value per axis");
        for (int i = 0; i < a->ndim; i++)
            scales[i] = ((const float *)ts->data)[i];
    } else if (at && at->type == ONNX_ATTR_FLOATS && at->n == a->ndim) {
        for (int i = 0; i < a->ndim; i++)
            scales[i] = at->floats[i];
    } else {
        return seg__nn_fail(n, SEG_EFORMAT, "needs scales");
    }
    return do_resize(x, n, a, mode, CT_ASYM, NR_FLOOR, -0.75f, false, scales, NULL, NULL);
}

static int prepare(nn_node *n)
{
    n->state = calloc(1, sizeof(rs_state));
    return n->state ? SEG_OK : seg__fail(SEG_ENOMEM, "model: out of memory");
}

static void destroy(nn_node *n)
{
    free(n->state);
    n->state = NULL;
}

void seg__nn_resize_to_nhwc(nn_node *n)
{
    ((rs_state *)n->state)->nhwc = true;
}

const nn_op seg__nn_resize_ops[] = {
    {"Resize", prepare, run_resize, destroy, true}, {"Upsample", prepare, run_upsample, destroy, true},
    {NULL, NULL, NULL, NULL, false},
};
