/* Semantic segmentation: image -> network input (one pass: resize, channel order,
 * normalisation, layout), run, argmax/threshold, nearest resize back. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct prep_ctx {
    const seg_image *img;
    const seg_semantic_config *cfg;
    float *dst;
    int W, H;          /* network input */
    int x0, y0, nw, nh;/* where the image lands (letterbox), its size there */
    int src_c[3];      /* source channel feeding each network channel */
    float k[3], b[3];  /* x' = x * k + b per network channel */
} prep_ctx;

static void prep_rows(void *vc, int64_t r0, int64_t r1)
{
    const prep_ctx *c = vc;
    const seg_image *img = c->img;
    int ch = img->channels, W = c->W, H = c->H;
    float fx = (float)img->width / (float)c->nw, fy = (float)img->height / (float)c->nh;
    for (int64_t y = r0; y < r1; y++) {
        int yy = (int)y - c->y0;
        bool row_in = yy >= 0 && yy < c->nh;
        float sy = ((float)yy + 0.5f) * fy - 0.5f;
        sy = sy < 0 ? 0 : sy;
        int iy = (int)sy;
        if (iy > img->height - 1)
            iy = img->height - 1;
        int iy1 = iy + 1 < img->height ? iy + 1 : iy;
        float ty = sy - (float)iy;
        if (ty > 1)
            ty = 1;
        const uint8_t *r_a = seg__row(img, iy), *r_b = seg__row(img, iy1);
        for (int x = 0; x < W; x++) {
            int xx = x - c->x0;
            float v[3];
            if (!row_in || xx < 0 || xx >= c->nw) {
                v[0] = v[1] = v[2] = c->cfg->pad_value;
            } else {
                float sx = ((float)xx + 0.5f) * fx - 0.5f;
                sx = sx < 0 ? 0 : sx;
                int ix = (int)sx;
                if (ix > img->width - 1)
                    ix = img->width - 1;
                int ix1 = ix + 1 < img->width ? ix + 1 : ix;
                float tx = sx - (float)ix;
                if (tx > 1)
                    tx = 1;
                for (int k = 0; k < 3; k++) {
                    int s = c->src_c[k];
                    float a = r_a[ix * ch + s] + (r_a[ix1 * ch + s] - r_a[ix * ch + s]) * tx;
                    float b = r_b[ix * ch + s] + (r_b[ix1 * ch + s] - r_b[ix * ch + s]) * tx;
                    v[k] = a + (b - a) * ty;
                }
            }
            for (int k = 0; k < 3; k++) {
                float o = v[k] * c->k[k] + c->b[k];
                if (c->cfg->input_nhwc)
                    c->dst[((size_t)y * W + x) * 3 + k] = o;
                else
                    c->dst[((size_t)k * H + y) * W + x] = o;
            }
        }
    }
}

typedef struct post_ctx {
    const float *out;
    int C, h, w;
    bool nhwc;
    seg_output_kind kind;
    float threshold;
    uint16_t *lab;     /* h x w */
    float *probs;      /* C x h x w or NULL */
} post_ctx;

static void post_rows(void *vc, int64_t r0, int64_t r1)
{
    const post_ctx *c = vc;
    int C = c->C;
    size_t plane = (size_t)c->h * c->w;
    for (int64_t y = r0; y < r1; y++)
        for (int x = 0; x < c->w; x++) {
            size_t p = (size_t)y * c->w + x;
            const float *v = c->nhwc ? c->out + p * C : c->out + p;
            size_t st = c->nhwc ? 1 : plane;
            if (C == 1) {
                float s = v[0];
                float pr = c->kind == SEG_OUTPUT_PROBABILITIES ? s : 1.0f / (1.0f + expf(-s));
                c->lab[p] = pr >= c->threshold;
                if (c->probs)
                    c->probs[p] = pr;
                continue;
            }
            int best = 0;
            float bv = v[0];
            for (int k = 1; k < C; k++)
                if (v[k * st] > bv)
                    bv = v[k * st], best = k; /* first maximum, as numpy/torch argmax */
            c->lab[p] = (uint16_t)best;
            if (c->probs) {
                double sum = 0;
                for (int k = 0; k < C; k++)
                    sum += c->kind == SEG_OUTPUT_PROBABILITIES ? v[k * st] : exp((double)(v[k * st] - bv));
                for (int k = 0; k < C; k++)
                    c->probs[k * plane + p] = (float)((c->kind == SEG_OUTPUT_PROBABILITIES
                                                           ? v[k * st] : exp((double)(v[k * st] - bv))) / sum);
            }
        }
}

static int find_tensor(const seg_model *m, bool input, const char *name, int *index,
                       seg_tensor_info *info)
{
    int n = input ? seg_model_num_inputs(m) : seg_model_num_outputs(m);
    for (int i = 0; i < n; i++) {
        (input ? seg_model_input : seg_model_output)(m, i, info);
        if (!*name || strcmp(info->name, name) == 0) {
            *index = i;
            return SEG_OK;
        }
    }
    return seg__fail(SEG_EINVAL, "semantic: the model has no %s named '%s'",
                     input ? "input" : "output", name);
}

int seg_segment_semantic(const seg_model *m, const seg_semantic_config *cfg,
                         const seg_image *image, seg_order order, seg_image *labels,
                         seg_tensor *probs)
{
    seg__clear_error();
    if (probs)
        memset(probs, 0, sizeof *probs);
    if (!m || !cfg)
        return seg__fail(SEG_EINVAL, "semantic: model or config is NULL");
    int rc = seg__check_input(image, SEG_TYPES(SEG_U8), (1u << 1) | (1u << 3) | (1u << 4),
                              "semantic");
    if (rc)
        return rc;
    int n_in = seg_model_num_inputs(m), n_out = seg_model_num_outputs(m), ii = 0, oi = 0;
    seg_tensor_info in_info, out_info;
    if ((rc = find_tensor(m, true, cfg->input_name, &ii, &in_info)) ||
        (rc = find_tensor(m, false, cfg->output_name, &oi, &out_info)))
        return rc;
    if (n_in != 1)
        return seg__fail(SEG_EUNSUPPORTED, "semantic: the model has %d inputs; one image input is "
                                           "supported", n_in);
    if (in_info.ndim != 4)
        return seg__fail(SEG_EUNSUPPORTED, "semantic: input '%s' is not 4-D", in_info.name);
    int64_t sh = in_info.dims[cfg->input_nhwc ? 1 : 2], sw = in_info.dims[cfg->input_nhwc ? 2 : 3];
    int64_t sc = in_info.dims[cfg->input_nhwc ? 3 : 1];
    if (sc >= 0 && sc != 3)
        return seg__fail(SEG_EINVAL, "semantic: input '%s' has %lld channels in the %s layout the "
                                     "config names; expected 3", in_info.name, (long long)sc,
                         cfg->input_nhwc ? "NHWC" : "NCHW");
    int W = cfg->width ? cfg->width : sw > 0 ? (int)sw : image->width;
    int H = cfg->height ? cfg->height : sh > 0 ? (int)sh : image->height;
    if ((sw > 0 && sw != W) || (sh > 0 && sh != H))
        return seg__fail(SEG_EINVAL, "semantic: config size %dx%d differs from the model's %lldx%lld",
                         W, H, (long long)sw, (long long)sh);
    prep_ctx pc = {.img = image, .cfg = cfg, .W = W, .H = H, .nw = W, .nh = H};
    if (cfg->resize == SEG_RESIZE_LETTERBOX) {
        double s = fmin((double)W / image->width, (double)H / image->height);
        pc.nw = SEG_MAX(1, (int)lround(image->width * s));
        pc.nh = SEG_MAX(1, (int)lround(image->height * s));
        pc.x0 = (W - pc.nw) / 2;
        pc.y0 = (H - pc.nh) / 2;
    }
    for (int k = 0; k < 3; k++) {
        /* network channel k is R,G,B (rgb) or B,G,R; find it in the source order */
        int want_rgb_index = cfg->rgb ? k : 2 - k; /* 0 = R, 1 = G, 2 = B */
        int src = order == SEG_ORDER_RGB ? want_rgb_index : 2 - want_rgb_index;
        pc.src_c[k] = image->channels == 1 ? 0 : src;
        pc.k[k] = cfg->scale / cfg->std[k];
        pc.b[k] = (cfg->offset - cfg->mean[k]) / cfg->std[k];
    }
    seg_tensor in = {.elem_type = SEG_DT_FLOAT, .ndim = 4};
    int64_t d_nchw[4] = {1, 3, H, W}, d_nhwc[4] = {1, H, W, 3};
    memcpy(in.dims, cfg->input_nhwc ? d_nhwc : d_nchw, sizeof d_nchw);
    in.nbytes = (size_t)W * H * 3 * sizeof(float);
    float *buf = seg__malloc(in.nbytes);
    seg_tensor *outs = calloc((size_t)n_out, sizeof *outs);
    if (!buf || !outs) {
        seg__free(buf);
        free(outs);
        return seg__fail(SEG_ENOMEM, "semantic: out of memory");
    }
    pc.dst = buf;
    in.data = buf;
    seg__parallel_for(H, seg__grain(H, 8), prep_rows, &pc);
    rc = seg_model_run(m, &in, 1, outs, n_out, NULL);
    seg__free(buf);
    const seg_tensor *o = &outs[oi];
    uint16_t *small = NULL;
    int oh = 0, ow = 0, C = 0;
    if (!rc) {
        bool nhwc = cfg->output_nhwc;
        if (o->ndim == 3 && (o->elem_type == SEG_DT_INT64 || o->elem_type == SEG_DT_INT32)) {
            oh = (int)o->dims[1], ow = (int)o->dims[2], C = 0; /* labels already */
        } else if (o->ndim == 4 && o->elem_type == SEG_DT_FLOAT) {
            C = (int)o->dims[nhwc ? 3 : 1];
            oh = (int)o->dims[nhwc ? 1 : 2];
            ow = (int)o->dims[nhwc ? 2 : 3];
            if (C < 1 || C > 65535)
                rc = seg__fail(SEG_EUNSUPPORTED, "semantic: output has %d classes", C);
        } else {
            rc = seg__fail(SEG_EUNSUPPORTED, "semantic: output '%s' is neither [1,C,H,W] float "
                                             "nor [1,H,W] labels", out_info.name);
        }
        if (!rc && (oh < 1 || ow < 1))
            rc = seg__fail(SEG_EUNSUPPORTED, "semantic: empty output");
    }
    if (!rc) {
        small = malloc(sizeof(uint16_t) * (size_t)oh * ow);
        float *pr = NULL;
        if (probs && C > 0) {
            probs->elem_type = SEG_DT_FLOAT;
            probs->ndim = 3;
            probs->dims[0] = C, probs->dims[1] = oh, probs->dims[2] = ow;
            probs->nbytes = sizeof(float) * (size_t)C * oh * ow;
            probs->data = pr = seg__malloc(probs->nbytes);
            probs->owned = 1;
        }
        if (!small || (probs && C > 0 && !pr)) {
            rc = seg__fail(SEG_ENOMEM, "semantic: out of memory");
        } else if (C == 0) {
            for (size_t p = 0; p < (size_t)oh * ow; p++) {
                int64_t v = o->elem_type == SEG_DT_INT64 ? ((const int64_t *)o->data)[p]
                                                          : ((const int32_t *)o->data)[p];
                small[p] = (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : v);
            }
        } else {
            post_ctx q = {o->data, C, oh, ow, cfg->output_nhwc != 0, cfg->kind, cfg->threshold,
                          small, pr};
            seg__parallel_for(oh, seg__grain(oh, 4), post_rows, &q);
        }
    }
    for (int i = 0; i < n_out; i++)
        seg_tensor_free(&outs[i]);
    free(outs);
    if (!rc)
        rc = seg__image_prepare(labels, image->width, image->height, 1, SEG_U16, "semantic");
    if (!rc) {
        /* the image's area in output coordinates (letterbox), then nearest neighbour as
         * cv2.INTER_NEAREST: src = floor(dst * src_size / dst_size) */
        double ax = (double)ow / W, ay = (double)oh / H;
        double vx0 = pc.x0 * ax, vy0 = pc.y0 * ay, vw = pc.nw * ax, vh = pc.nh * ay;
        for (int y = 0; y < image->height; y++) {
            int sy = (int)floor(vy0 + y * vh / image->height);
            sy = sy < 0 ? 0 : sy >= oh ? oh - 1 : sy;
            uint16_t *d = seg__row(labels, y);
            for (int x = 0; x < image->width; x++) {
                int sx = (int)floor(vx0 + x * vw / image->width);
                sx = sx < 0 ? 0 : sx >= ow ? ow - 1 : sx;
                d[x] = small[(size_t)sy * ow + sx];
            }
        }
    }
    free(small);
    if (rc && probs)
        seg_tensor_free(probs);
    return rc;
}
