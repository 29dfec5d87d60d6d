/* Conv (2-D, grouped, dilated, any padding) on oneDNN, with fused post-operations
 * (Relu, Clip, HardSwish, HardSigmoid, Sigmoid, the residual Add) decided by the graph
 * optimiser. The plain C direct
 * convolution beside it is the test oracle and the path taken when
 * seg_set_use_optimized(0). */
#include "nn/conv.h"
#include "nn/dwconv.h"
#include "nn/ops.h"

#include <dnnl.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

typedef struct conv_prim {
    int64_t in_dims[4];       /* N, C, H, W this primitive was made for */
    int src_blk, dst_blk;     /* layouts it was made for (0 = plain NCHW) */
    float *taps;              /* non-NULL: oneDNN has only its reference kernel for this
                                 shape; run per-tap matrix products instead (plain) */
    dnnl_primitive_t prim;
    dnnl_memory_t weights;    /* reordered to the primitive's preferred layout */
    dnnl_memory_desc_t src_md, dst_md, bias_md; /* what prim reads and writes */
    /* oneDNN 2.6 has JIT kernels (brgconv) for large dilations on NHWC only: then prim
     * runs on NHWC copies, made by these reorders from and to the tensors' layouts */
    bool nhwc;
    dnnl_memory_desc_t user_src_md, user_dst_md;
    dnnl_primitive_t to_nhwc_src, to_nhwc_dst, from_nhwc_dst;
    int64_t out_dims[4];
    struct conv_prim *next;
} conv_prim;

typedef struct conv_state {
    nn_conv_params p;
    float *dw_w, *dw_b; /* depthwise weights/bias packed for the blocked kernel */
    int dw_blk;
    int64_t extra_pads[4]; /* from a fused Pad node */
    conv_prim *prims; /* one per input shape seen */
    int bias_state;   /* 0: not looked at; 1: no subnormal values; 2: use bias_flushed */
    float *bias_flushed;
} conv_state;

static dnnl_engine_t g_engine;
static pthread_once_t g_engine_once = PTHREAD_ONCE_INIT;
static void make_engine(void)
{
    if (dnnl_engine_create(&g_engine, dnnl_cpu, 0) != dnnl_success)
        g_engine = NULL;
}

static dnnl_engine_t get_engine(void)
{
    pthread_once(&g_engine_once, make_engine);
    return g_engine;
}

int seg__nn_conv_params(const nn_node *n, const nn_tensor *w, nn_conv_params *p)
{
    memset(p, 0, sizeof *p);
    if (w->ndim != 4)
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "only 2-D convolutions are supported (weight rank %d)",
                            w->ndim);
    p->group = seg__nn_attr_int(n, "group", 1);
    p->out_c = w->dims[0];
    p->kh = w->dims[2];
    p->kw = w->dims[3];
    p->in_c_per_group = w->dims[1];
    const int64_t *v;
    int k;
    p->sh = p->sw = 1;
    p->dh = p->dw = 1;
    if ((k = seg__nn_attr_ints(n, "strides", &v)) == 2)
        p->sh = v[0], p->sw = v[1];
    if ((k = seg__nn_attr_ints(n, "dilations", &v)) == 2)
        p->dh = v[0], p->dw = v[1];
    if ((k = seg__nn_attr_ints(n, "pads", &v)) == 4)
        p->pt = v[0], p->pl = v[1], p->pb = v[2], p->pr = v[3];
    else if (k >= 0)
        return seg__nn_fail(n, SEG_EFORMAT, "pads must have 4 values");
    if ((k = seg__nn_attr_ints(n, "kernel_shape", &v)) == 2 && (v[0] != p->kh || v[1] != p->kw))
        return seg__nn_fail(n, SEG_EFORMAT, "kernel_shape does not match the weights");
    const char *ap = seg__nn_attr_str(n, "auto_pad", "NOTSET");
    p->auto_pad = strcmp(ap, "SAME_UPPER") == 0 ? 1 : strcmp(ap, "SAME_LOWER") == 0 ? 2
                : strcmp(ap, "VALID") == 0 ? 3 : 0;
    if (p->group < 1 || p->out_c % p->group || p->sh < 1 || p->sw < 1 || p->dh < 1 ||
        p->dw < 1 || p->pt < 0 || p->pl < 0 || p->pb < 0 || p->pr < 0 || p->kh < 1 || p->kw < 1)
        return seg__nn_fail(n, SEG_EFORMAT, "bad group, stride, dilation, pad or kernel");
    return SEG_OK;
}

/* Output size for input H x W; resolves auto_pad into explicit pads. */
int seg__nn_conv_out(const nn_node *n, nn_conv_params *p, int64_t h, int64_t w, int64_t *oh,
                     int64_t *ow)
{
    int64_t ekh = (p->kh - 1) * p->dh + 1, ekw = (p->kw - 1) * p->dw + 1;
    if (p->auto_pad == 1 || p->auto_pad == 2) {
        *oh = (h + p->sh - 1) / p->sh;
        *ow = (w + p->sw - 1) / p->sw;
        int64_t ph = SEG_MAX(0, (*oh - 1) * p->sh + ekh - h);
        int64_t pw = SEG_MAX(0, (*ow - 1) * p->sw + ekw - w);
        p->pt = p->auto_pad == 1 ? ph / 2 : ph - ph / 2;
        p->pb = ph - p->pt;
        p->pl = p->auto_pad == 1 ? pw / 2 : pw - pw / 2;
        p->pr = pw - p->pl;
    } else if (p->auto_pad == 3) {
        p->pt = p->pb = p->pl = p->pr = 0;
    }
    int64_t hh = h + p->pt + p->pb - ekh, ww = w + p->pl + p->pr - ekw;
    if (hh < 0 || ww < 0)
        return seg__nn_fail(n, SEG_ESIZE, "input %lldx%lld is smaller than the kernel",
                            (long long)h, (long long)w);
    *oh = hh / p->sh + 1;
    *ow = ww / p->sw + 1;
    return SEG_OK;
}

static int prepare(nn_node *n)
{
    conv_state *s = calloc(1, sizeof *s);
    if (!s)
        return seg__fail(SEG_ENOMEM, "model: out of memory");
    n->state = s;
    return SEG_OK;
}

static void destroy(nn_node *n)
{
    conv_state *s = n->state;
    if (!s)
        return;
    for (conv_prim *c = s->prims, *next; c; c = next) {
        next = c->next;
        dnnl_primitive_destroy(c->prim);
        dnnl_primitive_destroy(c->to_nhwc_src);
        dnnl_primitive_destroy(c->to_nhwc_dst);
        dnnl_primitive_destroy(c->from_nhwc_dst);
        dnnl_memory_destroy(c->weights);
        seg__free(c->taps);
        free(c);
    }
    seg__free(s->dw_w);
    seg__free(s->dw_b);
    seg__free(s->bias_flushed);
    free(s);
    n->state = NULL;
}

static dnnl_format_tag_t tag_for(int blk)
{
    return blk == 16 ? dnnl_nChw16c : blk == 8 ? dnnl_nChw8c : dnnl_nchw;
}

/* The fused activation as oneDNN eltwise post-ops. HardSwish is oneDNN's own
 * (x * relu6(x + 3) / 6), which the optimiser fuses only for alpha 1/6, beta 0.5;
 * HardSigmoid is linear then clip. */
static bool append_act(dnnl_post_ops_t po, const nn_conv_params *p)
{
    switch (p->act) {
    case NN_ACT_RELU:
        return dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f) == dnnl_success;
    case NN_ACT_CLIP:
        return dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_clip, p->act_lo, p->act_hi) ==
               dnnl_success;
    case NN_ACT_HSWISH:
        return dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_hardswish, 0.0f, 0.0f) ==
               dnnl_success;
    case NN_ACT_HSIGMOID:
        return dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_linear, p->act_lo, p->act_hi) ==
                   dnnl_success &&
               dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_clip, 0.0f, 1.0f) == dnnl_success;
    case NN_ACT_SIGMOID:
        return dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_logistic, 0.0f, 0.0f) ==
               dnnl_success;
    default: return true;
    }
}

static bool is_ref(const_dnnl_primitive_desc_t pd)
{
    const char *impl = NULL;
    return dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) == dnnl_success &&
           impl && strncmp(impl, "ref", 3) == 0;
}

static bool make_reorder(dnnl_primitive_t *r, const dnnl_memory_desc_t *from,
                         const dnnl_memory_desc_t *to)
{
    dnnl_engine_t eng = get_engine();
    dnnl_primitive_desc_t rpd = NULL;
    bool ok = dnnl_reorder_primitive_desc_create(&rpd, from, eng, to, eng, NULL) == dnnl_success &&
              dnnl_primitive_create(r, rpd) == dnnl_success;
    if (rpd)
        dnnl_primitive_desc_destroy(rpd);
    return ok;
}

/* Run primitive p on the given arguments (raw buffers described by mds), with segkit's
 * thread count. */
static bool exec_prim(dnnl_primitive_t p, int n, const int *ids, const dnnl_memory_desc_t *const *mds,
                      void *const *bufs, dnnl_memory_t weights)
{
    dnnl_engine_t eng = get_engine();
    dnnl_memory_t mem[5] = {0};
    dnnl_exec_arg_t args[6];
    dnnl_stream_t stream = NULL;
    bool ok = n <= 5 && dnnl_stream_create(&stream, eng, dnnl_stream_default_flags) == dnnl_success;
    for (int i = 0; ok && i < n; i++) {
        ok = dnnl_memory_create(&mem[i], mds[i], eng, bufs[i]) == dnnl_success;
        args[i] = (dnnl_exec_arg_t){ids[i], mem[i]};
    }
    int na = n;
    if (weights)
        args[na++] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, weights};
    if (ok) {
        int saved = omp_get_max_threads();
        omp_set_num_threads(seg_get_num_threads());
        ok = dnnl_primitive_execute(p, stream, na, args) == dnnl_success &&
             dnnl_stream_wait(stream) == dnnl_success;
        omp_set_num_threads(saved);
    }
    for (int i = 0; i < n; i++)
        dnnl_memory_destroy(mem[i]);
    if (stream)
        dnnl_stream_destroy(stream);
    return ok;
}

static conv_prim *make_prim(const nn_node *n, const nn_conv_params *p, const nn_tensor *in,
                            const nn_tensor *w, const nn_tensor *b, const int64_t *out_dims,
                            int dst_blk)
{
    dnnl_engine_t eng = get_engine();
    if (!eng)
        return NULL;
    conv_prim *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    memcpy(c->in_dims, in->dims, sizeof c->in_dims);
    memcpy(c->out_dims, out_dims, sizeof c->out_dims);
    c->src_blk = in->blk;
    c->dst_blk = dst_blk;
    dnnl_dims_t src_d = {in->dims[0], in->dims[1], in->dims[2], in->dims[3]};
    dnnl_dims_t dst_d = {out_dims[0], out_dims[1], out_dims[2], out_dims[3]};
    int64_t g = p->group;
    dnnl_memory_desc_t w_any, w_user;
    if (g > 1) {
        dnnl_dims_t wd = {g, p->out_c / g, p->in_c_per_group, p->kh, p->kw};
        dnnl_memory_desc_init_by_tag(&w_any, 5, wd, dnnl_f32, dnnl_format_tag_any);
        dnnl_memory_desc_init_by_tag(&w_user, 5, wd, dnnl_f32, dnnl_goihw);
    } else {
        dnnl_dims_t wd = {p->out_c, p->in_c_per_group, p->kh, p->kw};
        dnnl_memory_desc_init_by_tag(&w_any, 4, wd, dnnl_f32, dnnl_format_tag_any);
        dnnl_memory_desc_init_by_tag(&w_user, 4, wd, dnnl_f32, dnnl_oihw);
    }
    dnnl_memory_desc_init_by_tag(&c->src_md, 4, src_d, dnnl_f32, tag_for(in->blk));
    dnnl_memory_desc_init_by_tag(&c->dst_md, 4, dst_d, dnnl_f32, tag_for(dst_blk));
    dnnl_dims_t bd = {p->out_c};
    dnnl_memory_desc_init_by_tag(&c->bias_md, 1, bd, dnnl_f32, dnnl_x);
    dnnl_dims_t strides = {p->sh, p->sw}, dil = {p->dh - 1, p->dw - 1};
    dnnl_dims_t pl = {p->pt, p->pl}, pr = {p->pb, p->pr};
    dnnl_convolution_desc_t cd;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t po = NULL;
    dnnl_primitive_desc_t pd = NULL;
    bool ok = dnnl_dilated_convolution_forward_desc_init(
                  &cd, dnnl_forward_inference, dnnl_convolution_direct, &c->src_md, &w_any,
                  b ? &c->bias_md : NULL, &c->dst_md, strides, dil, pl, pr) == dnnl_success;
    ok = ok && dnnl_primitive_attr_create(&attr) == dnnl_success &&
         dnnl_post_ops_create(&po) == dnnl_success;
    if (ok && p->fuse_add)
        ok = dnnl_post_ops_append_sum(po, 1.0f) == dnnl_success;
    if (ok)
        ok = append_act(po, p);
    ok = ok && dnnl_primitive_attr_set_post_ops(attr, po) == dnnl_success;
    ok = ok && dnnl_primitive_desc_create(&pd, &cd, attr, eng, NULL) == dnnl_success;
    if (ok && p->group == 1 && is_ref(pd)) {
        /* oneDNN's reference convolution is orders of magnitude slower than its JIT
         * kernels; on NHWC it may have one (brgconv: large dilations such as ASPP's) */
        dnnl_memory_desc_t s2, d2;
        dnnl_convolution_desc_t cd2;
        dnnl_primitive_desc_t pd2 = NULL;
        dnnl_memory_desc_init_by_tag(&s2, 4, src_d, dnnl_f32, dnnl_nhwc);
        dnnl_memory_desc_init_by_tag(&d2, 4, dst_d, dnnl_f32, dnnl_nhwc);
        if (dnnl_dilated_convolution_forward_desc_init(
                &cd2, dnnl_forward_inference, dnnl_convolution_direct, &s2, &w_any,
                b ? &c->bias_md : NULL, &d2, strides, dil, pl, pr) == dnnl_success &&
            dnnl_primitive_desc_create(&pd2, &cd2, attr, eng, NULL) == dnnl_success &&
            !is_ref(pd2)) {
            c->user_src_md = c->src_md;
            c->user_dst_md = c->dst_md;
            c->src_md = s2;
            c->dst_md = d2;
            ok = make_reorder(&c->to_nhwc_src, &c->user_src_md, &s2) &&
                 make_reorder(&c->to_nhwc_dst, &c->user_dst_md, &d2) &&
                 make_reorder(&c->from_nhwc_dst, &d2, &c->user_dst_md);
            c->nhwc = true;
            dnnl_primitive_desc_destroy(pd);
            pd = pd2;
        } else if (pd2) {
            dnnl_primitive_desc_destroy(pd2);
        }
    }
    if (ok && p->group == 1 && is_ref(pd)) {
        /* no JIT kernel in either layout: segkit's per-tap products on the plain layout */
        c->taps = seg__nn_conv_pack_taps(w);
        dnnl_primitive_desc_destroy(pd);
        dnnl_post_ops_destroy(po);
        dnnl_primitive_attr_destroy(attr);
        if (!c->taps) {
            free(c);
            return NULL;
        }
        return c;
    }
    const dnnl_memory_desc_t *wmd = ok ? dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0)
                                       : NULL;
    dnnl_memory_t user_w = NULL;
    dnnl_primitive_desc_t rpd = NULL;
    dnnl_primitive_t reorder = NULL;
    dnnl_stream_t stream = NULL;
    ok = ok && wmd && dnnl_memory_create(&c->weights, wmd, eng, DNNL_MEMORY_ALLOCATE) == dnnl_success;
    ok = ok && dnnl_memory_create(&user_w, &w_user, eng, w->data) == dnnl_success;
    ok = ok && dnnl_reorder_primitive_desc_create(&rpd, &w_user, eng, wmd, eng, NULL) == dnnl_success;
    ok = ok && dnnl_primitive_create(&reorder, rpd) == dnnl_success;
    ok = ok && dnnl_stream_create(&stream, eng, dnnl_stream_default_flags) == dnnl_success;
    if (ok) {
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, user_w}, {DNNL_ARG_TO, c->weights}};
        ok = dnnl_primitive_execute(reorder, stream, 2, args) == dnnl_success &&
             dnnl_stream_wait(stream) == dnnl_success;
    }
    void *wdata = NULL;
    if (ok && dnnl_memory_get_data_handle(c->weights, &wdata) == dnnl_success && wdata)
        seg__nn_flush_subnormals(wdata, dnnl_memory_desc_get_size(wmd) / sizeof(float));
    ok = ok && dnnl_primitive_create(&c->prim, pd) == dnnl_success;
    if (stream)
        dnnl_stream_destroy(stream);
    if (reorder)
        dnnl_primitive_destroy(reorder);
    if (rpd)
        dnnl_primitive_desc_destroy(rpd);
    if (user_w)
        dnnl_memory_destroy(user_w);
    if (pd)
        dnnl_primitive_desc_destroy(pd);
    if (po)
        dnnl_post_ops_destroy(po);
    if (attr)
        dnnl_primitive_attr_destroy(attr);
    if (!ok) {
        dnnl_memory_destroy(c->weights);
        dnnl_primitive_destroy(c->prim);
        dnnl_primitive_destroy(c->to_nhwc_src);
        dnnl_primitive_destroy(c->to_nhwc_dst);
        dnnl_primitive_destroy(c->from_nhwc_dst);
        free(c);
        return NULL;
    }
    (void)n;
    return c;
}

/* Depthwise with dilation: oneDNN 2.6 has no JIT kernel for it (its reference kernel
 * is ~100x slower), so segkit runs its own on the blocked layout. */
static bool use_own_dw(const nn_conv_params *p, const nn_tensor *in, int blk)
{
    return blk && in->blk == blk && p->group == in->dims[1] && p->in_c_per_group == 1 &&
           p->out_c == p->group && (p->dh > 1 || p->dw > 1);
}

static int run_own_dw(nn_node *n, const nn_conv_params *p, const nn_tensor *in,
                      const nn_tensor *w, const nn_tensor *b, nn_tensor *out, int blk)
{
    conv_state *s = n->state;
    int64_t C = in->dims[1], cb = (C + blk - 1) / blk, taps = p->kh * p->kw;
    pthread_mutex_lock(&n->lock);
    if (!s->dw_w || s->dw_blk != blk) {
        seg__free(s->dw_w);
        seg__free(s->dw_b);
        s->dw_w = seg__calloc((size_t)(cb * taps * blk), sizeof(float));
        s->dw_b = seg__calloc((size_t)(cb * blk), sizeof(float));
        if (s->dw_w && s->dw_b) {
            const float *wf = w->data;
            for (int64_t ch = 0; ch < C; ch++) {
                for (int64_t t = 0; t < taps; t++)
                    s->dw_w[((ch / blk) * taps + t) * blk + ch % blk] = wf[ch * taps + t];
                s->dw_b[ch] = b ? ((const float *)b->data)[ch] : 0.0f;
            }
            seg__nn_flush_subnormals(s->dw_w, (size_t)(cb * taps * blk));
            seg__nn_flush_subnormals(s->dw_b, (size_t)(cb * blk));
            s->dw_blk = blk;
        }
    }
    pthread_mutex_unlock(&n->lock);
    if (!s->dw_w || !s->dw_b)
        return seg__nn_fail(n, SEG_ENOMEM, "out of memory packing weights");
    seg_dw_ctx c = {in->data, s->dw_w, s->dw_b, out->data, in->dims[0] * cb, in->dims[2],
                    in->dims[3], out->dims[2], out->dims[3], p->kh, p->kw, p->sh, p->sw, p->dh,
                    p->dw, p->pt, p->pl, p->act, p->act_lo, p->act_hi, p->fuse_add};
    c.cb = cb;
    unsigned f = seg__cpu_active();
    seg_range_fn fn = blk == 16 ? (f & SEG_CPU_AVX512 ? seg__nn_dw16_avx512 : seg__nn_dw16)
                                : (f & SEG_CPU_AVX2 ? seg__nn_dw8_avx2 : seg__nn_dw8);
    int64_t rows = in->dims[0] * cb * out->dims[2];
    seg__parallel_for(rows, seg__grain(rows, 4), fn, &c);
    return SEG_OK;
}

static int run_dnnl(const nn_node *n, conv_prim *c, const nn_tensor *in, const nn_tensor *b,
                    nn_tensor *out, bool fuse_add)
{
    void *src = in->data, *dst = out->data;
    float *tsrc = NULL, *tdst = NULL;
    bool ok = true;
    if (c->nhwc) { /* NHWC copies (the residual too, for the sum post-op) */
        tsrc = seg__malloc(dnnl_memory_desc_get_size(&c->src_md) + 64);
        tdst = seg__malloc(dnnl_memory_desc_get_size(&c->dst_md) + 64);
        const int ids[2] = {DNNL_ARG_FROM, DNNL_ARG_TO};
        const dnnl_memory_desc_t *ms[2] = {&c->user_src_md, &c->src_md};
        const dnnl_memory_desc_t *md[2] = {&c->user_dst_md, &c->dst_md};
        void *bs[2] = {in->data, tsrc}, *bd[2] = {out->data, tdst};
        ok = tsrc && tdst && exec_prim(c->to_nhwc_src, 2, ids, ms, bs, NULL) &&
             (!fuse_add || exec_prim(c->to_nhwc_dst, 2, ids, md, bd, NULL));
        src = tsrc;
        dst = tdst;
    }
    const int ids[3] = {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_BIAS};
    const dnnl_memory_desc_t *mds[3] = {&c->src_md, &c->dst_md, &c->bias_md};
    void *bufs[3] = {src, dst, b ? b->data : NULL};
    ok = ok && exec_prim(c->prim, b ? 3 : 2, ids, mds, bufs, c->weights);
    if (ok && c->nhwc) {
        const int ids2[2] = {DNNL_ARG_FROM, DNNL_ARG_TO};
        const dnnl_memory_desc_t *md2[2] = {&c->dst_md, &c->user_dst_md};
        void *bd2[2] = {tdst, out->data};
        ok = exec_prim(c->from_nhwc_dst, 2, ids2, md2, bd2, NULL);
    }
    seg__free(tsrc);
    seg__free(tdst);
    return ok ? SEG_OK : seg__nn_fail(n, SEG_EINTERNAL, "oneDNN convolution failed");
}

/* The bias for the fast paths: a constant bias with subnormal values is used through a
 * flushed copy (a channel whose bias is subnormal and whose weights are zero, as in
 * road-segmentation, otherwise makes every later operator on it ~50x slower). */
static const nn_tensor *fast_bias(nn_exec *x, nn_node *n, const nn_tensor *b, nn_tensor *copy)
{
    conv_state *s = n->state;
    if (!b || !x->g->is_const[n->in[2]])
        return b;
    pthread_mutex_lock(&n->lock);
    if (!s->bias_state) {
        const float *v = b->data;
        int64_t i = 0;
        while (i < b->numel && !(v[i] != 0.0f && fabsf(v[i]) < 1.17549435e-38f))
            i++;
        if (i < b->numel && (s->bias_flushed = seg__malloc((size_t)b->numel * sizeof(float)))) {
            memcpy(s->bias_flushed, v, (size_t)b->numel * sizeof(float));
            seg__nn_flush_subnormals(s->bias_flushed, (size_t)b->numel);
        }
        s->bias_state = s->bias_flushed ? 2 : 1;
    }
    pthread_mutex_unlock(&n->lock);
    if (s->bias_state != 2)
        return b;
    *copy = *b;
    copy->data = s->bias_flushed;
    return copy;
}

static int run_conv(nn_exec *x, nn_node *n)
{
    const nn_tensor *in = seg__nn_in(x, n, 0), *w = seg__nn_in(x, n, 1), *b = seg__nn_in(x, n, 2);
    conv_state *s = n->state;
    if (!in || !w)
        return seg__nn_fail(n, SEG_EFORMAT, "needs input and weights");
    if (in->dtype != ONNX_FLOAT || w->dtype != ONNX_FLOAT || (b && b->dtype != ONNX_FLOAT))
        return seg__nn_fail(n, SEG_EUNSUPPORTED, "only float32 convolution is supported");
    nn_conv_params p;
    int rc = seg__nn_conv_params(n, w, &p);
    if (rc)
        return rc;
    p.act = s->p.act;
    p.act_lo = s->p.act_lo;
    p.act_hi = s->p.act_hi;
    p.fuse_add = s->p.fuse_add;
    p.pt += s->extra_pads[0], p.pl += s->extra_pads[1];
    p.pb += s->extra_pads[2], p.pr += s->extra_pads[3];
    if (in->ndim != 4 || in->dims[1] != p.in_c_per_group * p.group)
        return seg__nn_fail(n, SEG_ESIZE, "input has %lld channels, weights expect %lld",
                            in->ndim == 4 ? (long long)in->dims[1] : -1LL,
                            (long long)(p.in_c_per_group * p.group));
    if (b && (b->ndim != 1 || b->dims[0] != p.out_c))
        return seg__nn_fail(n, SEG_ESIZE, "bias does not match the output channels");
    int64_t od[4] = {in->dims[0], p.out_c, 0, 0};
    if ((rc = seg__nn_conv_out(n, &p, in->dims[2], in->dims[3], &od[2], &od[3])))
        return rc;
    /* The fused residual: the sum post-op accumulates into dst, so dst starts as a copy
     * of the residual input (or takes over its buffer when this is its last use). */
    bool plain = !seg_use_optimized();
    nn_tensor bcopy;
    if (!plain)
        b = fast_bias(x, n, b, &bcopy);
    if (plain && in->blk)
        in = seg__nn_in_plain(x, n, 0);
    int blk = plain ? 0 : seg__nn_block();
    /* oneDNN's JIT kernels read plain NCHW only for the few-channel first layer; any
     * other plain input is converted (in place, for every reader) to the blocked layout */
    if (blk && !in->blk && in->dims[1] > 4) {
        if (seg__nn_make_blocked(x, &x->vals[n->in[0]], blk))
            return SEG_ENOMEM;
        in = &x->vals[n->in[0]];
    }
    nn_tensor *out;
    if (p.fuse_add) {
        const nn_tensor *res = seg__nn_in(x, n, 3);
        if (!res || res->ndim != 4 || memcmp(res->dims, od, sizeof od) != 0)
            return seg__nn_fail(n, SEG_ESIZE, "fused residual does not match the output");
        if (res->blk == blk) {
            out = seg__nn_out_view(x, n, 0, res, 4, od);
        } else {
            if (res->blk)
                res = seg__nn_in_plain(x, n, 3);
            out = seg__nn_out_blk(x, n, 0, od, blk);
            if (out && res)
                seg__nn_reorder(res, out);
        }
    } else {
        out = seg__nn_out_blk(x, n, 0, od, blk);
    }
    if (!out || !in)
        return SEG_ENOMEM;
    if (!out->numel)
        return SEG_OK;
    x->macs += od[0] * od[1] * od[2] * od[3] * p.in_c_per_group * p.kh * p.kw;
    if (plain)
        return seg__nn_conv_ref(&p, in, w, b, out);
    if (use_own_dw(&p, in, blk))
        return run_own_dw(n, &p, in, w, b, out, blk);
    pthread_mutex_lock(&n->lock);
    conv_prim *c = s->prims;
    while (c && (memcmp(c->in_dims, in->dims, sizeof c->in_dims) != 0 || c->src_blk != in->blk ||
                 c->dst_blk != blk))
        c = c->next;
    if (!c && (c = make_prim(n, &p, in, w, b, od, blk))) {
        c->next = s->prims;
        s->prims = c;
    }
    pthread_mutex_unlock(&n->lock);
    if (!c)
        return seg__nn_fail(n, SEG_EINTERNAL, "oneDNN could not create the convolution");
    if (c->taps) {
        /* plain layouts for the matrix products: convert the input, compute into a plain
         * tensor, then put it in the blocked layout the next layers expect */
        const nn_tensor *pin = seg__nn_in_plain(x, n, 0);
        nn_tensor tmp = {.dtype = ONNX_FLOAT, .ndim = 4, .numel = out->numel};
        memcpy(tmp.dims, od, sizeof od);
        tmp.bytes = (size_t)out->numel * sizeof(float);
        tmp.data = seg__malloc(tmp.bytes + 64);
        seg__nn_note_transient(x, tmp.bytes);
        if (!pin || !tmp.data) {
            seg__free(tmp.data);
            return seg__nn_fail(n, SEG_ENOMEM, "out of memory");
        }
        if (p.fuse_add) /* out holds the residual in its layout */
            out->blk ? seg__nn_reorder(out, &tmp) : (void)memcpy(tmp.data, out->data, tmp.bytes);
        int rc2 = seg__nn_conv_taps(&p, pin, c->taps, b, &tmp);
        if (!rc2)
            out->blk ? seg__nn_reorder(&tmp, out) : (void)memcpy(out->data, tmp.data, tmp.bytes);
        seg__free(tmp.data);
        return rc2;
    }
    if (c->nhwc) /* the NHWC copies live while the convolution runs */
        seg__nn_note_transient(x, dnnl_memory_desc_get_size(&c->src_md) +
                                      dnnl_memory_desc_get_size(&c->dst_md));
    return run_dnnl(n, c, in, b, out, p.fuse_add);
}

void seg__nn_conv_fuse(nn_node *n, int act, float lo, float hi, bool add)
{
    conv_state *s = n->state;
    s->p.act = act;
    s->p.act_lo = lo;
    s->p.act_hi = hi;
    s->p.fuse_add = add;
}

void seg__nn_conv_extra_pads(nn_node *n, const int64_t *pads)
{
    conv_state *s = n->state;
    for (int i = 0; i < 4; i++)
        s->extra_pads[i] += pads[i];
}

int seg__nn_conv_act(const nn_node *n)
{
    return ((const conv_state *)n->state)->p.act;
}

bool seg__nn_conv_fused(const nn_node *n)
{
    return ((const conv_state *)n->state)->p.fuse_add;
}

const nn_op seg__nn_conv_ops[] = {
    {"Conv", prepare, run_conv, destroy, true},
    {NULL, NULL, NULL, NULL, false},
};
