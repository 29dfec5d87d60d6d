/* One image through a detector: u8 pixels -> float RGB [3, H, W] in 0..1, run, the
 * outputs found by name (or position) -> seg_instances_from_outputs.
 *
 * When the masks output is pasted by a Loop in the graph (torchvision's export), the
 * run asks for that Loop's inputs instead and skips it: the [N, 1, M, M] probabilities
 * are pasted here, bit-identical to eager torchvision, one crop at a time, and the
 * N x H x W float masks (256 MB for 100 detections at 800x800) never exist. */
#include "nn/model_values.h"
#include "tasks/instance_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const output_names[4] = {"boxes", "labels", "scores", "masks"};

/* Output index of each of boxes, labels, scores, masks (-1: absent): by name when the
 * model names its outputs so, else by position. */
static int map_outputs(const seg_model *m, int idx[4])
{
    int n = seg_model_num_outputs(m), named = 0;
    for (int k = 0; k < 4; k++)
        idx[k] = -1;
    for (int i = 0; i < n; i++) {
        seg_tensor_info info;
        seg_model_output(m, i, &info);
        for (int k = 0; k < 4; k++)
            if (info.name && strcmp(info.name, output_names[k]) == 0 && idx[k] < 0) {
                idx[k] = i;
                named++;
            }
    }
    if (idx[0] >= 0 && idx[1] >= 0 && idx[2] >= 0)
        return SEG_OK;
    if (named == 0 && (n == 3 || n == 4)) {
        for (int k = 0; k < n; k++)
            idx[k] = k;
        return SEG_OK;
    }
    return seg__fail(SEG_EINVAL, "instance: the model's %d outputs are not named boxes, labels, "
                                 "scores [, masks] and are not 3 or 4 in that order", n);
}

enum { MAX_SOURCES = 16 };

/* The run without the masks Loop (see the top). Returns false when the model has no
 * such Loop or none of its inputs is an [N, 1, M, M] float tensor: the caller then runs
 * the whole graph. *rc is the result when it returns true. */
static bool box_relative_run(const seg_model *m, const seg_tensor *in, const int idx[4], int W,
                             int H, const seg_instance_config *cfg, seg_instances *out, int *rc)
{
    seg_tensor_info info[4];
    for (int k = 0; k < 4; k++)
        seg_model_output(m, idx[k], &info[k]);
    const char *names[3 + MAX_SOURCES];
    int ns = seg__model_loop_sources(m, info[3].name, names + 3, MAX_SOURCES);
    if (ns <= 0)
        return false;
    for (int k = 0; k < 3; k++)
        names[k] = info[k].name;
    seg_tensor outs[3 + MAX_SOURCES];
    memset(outs, 0, sizeof outs);
    *rc = seg_model_run_values(m, in, 1, names, 3 + ns, outs, NULL);
    if (*rc)
        return true;
    int64_t n = outs[0].ndim == 2 ? outs[0].dims[0] : -1;
    const seg_tensor *masks = NULL;
    for (int k = 3; k < 3 + ns && !masks; k++) {
        const seg_tensor *t = &outs[k];
        if (t->elem_type == SEG_DT_FLOAT && t->ndim == 4 && t->dims[0] == n && t->dims[1] == 1 &&
            t->dims[2] == t->dims[3] && t->dims[2] > 0)
            masks = t;
    }
    bool used = masks != NULL;
    if (used) {
        seg_instance_config c;
        if (cfg)
            c = *cfg;
        else
            seg_instance_config_default(&c);
        c.mask_layout = SEG_MASKS_BOX;
        *rc = seg_instances_from_outputs(&outs[0], &outs[1], &outs[2], masks, W, H, &c, out);
    }
    for (int k = 0; k < 3 + ns; k++)
        seg_tensor_free(&outs[k]);
    return used;
}

int seg_segment_instance(const seg_model *m, const seg_instance_config *cfg,
                         const seg_image *image, seg_order order, seg_instances *out)
{
    seg__clear_error();
    if (out)
        memset(out, 0, sizeof *out);
    if (!m || !out)
        return seg__fail(SEG_EINVAL, "instance: model or output is NULL");
    int rc = seg__check_input(image, SEG_TYPES(SEG_U8), (1u << 1) | (1u << 3) | (1u << 4),
                              "instance");
    if (rc)
        return rc;
    if (seg_model_num_inputs(m) != 1)
        return seg__fail(SEG_EINVAL, "instance: the model has %d inputs; one image input is "
                                     "expected", seg_model_num_inputs(m));
    int idx[4];
    if ((rc = map_outputs(m, idx)))
        return rc;
    seg_tensor_info in_info;
    seg_model_input(m, 0, &in_info);
    int W = image->width, H = image->height;
    seg_tensor in = {.elem_type = SEG_DT_FLOAT};
    if (in_info.ndim == 4) {
        in.ndim = 4;
        in.dims[0] = 1, in.dims[1] = 3, in.dims[2] = H, in.dims[3] = W;
    } else if (in_info.ndim == 3 || in_info.ndim < 0) {
        in.ndim = 3;
        in.dims[0] = 3, in.dims[1] = H, in.dims[2] = W;
    } else {
        return seg__fail(SEG_EINVAL, "instance: input '%s' is %d-D; [3, H, W] or [1, 3, H, W] "
                                     "expected", in_info.name, in_info.ndim);
    }
    for (int d = 0; d < in.ndim && in_info.ndim > 0; d++)
        if (in_info.dims[d] >= 0 && in_info.dims[d] != in.dims[d])
            return seg__fail(SEG_EINVAL, "instance: the model's input '%s' has the fixed size "
                                         "%lld at axis %d; the image gives %lld", in_info.name,
                             (long long)in_info.dims[d], d, (long long)in.dims[d]);
    size_t plane = (size_t)W * H;
    in.nbytes = plane * 3 * sizeof(float);
    float *buf = seg__malloc(in.nbytes);
    int n_out = seg_model_num_outputs(m);
    seg_tensor *outs = calloc((size_t)n_out + 1, sizeof *outs);
    if (!buf || !outs) {
        seg__free(buf);
        free(outs);
        return seg__fail(SEG_ENOMEM, "instance: out of memory");
    }
    int ch = image->channels;
    for (int y = 0; y < H; y++) {
        const uint8_t *row = seg__row(image, y);
        for (int x = 0; x < W; x++)
            for (int c = 0; c < 3; c++) { /* network channel c is R, G, B */
                int s = ch == 1 ? 0 : order == SEG_ORDER_RGB ? c : 2 - c;
                buf[c * plane + (size_t)y * W + x] = row[x * ch + s] / 255.0f;
            }
    }
    in.data = buf;
    if (idx[3] >= 0 && box_relative_run(m, &in, idx, W, H, cfg, out, &rc)) {
        seg__free(buf);
        free(outs);
        return rc;
    }
    rc = seg_model_run(m, &in, 1, outs, n_out, NULL);
    seg__free(buf);
    if (!rc)
        rc = seg_instances_from_outputs(&outs[idx[0]], &outs[idx[1]], &outs[idx[2]],
                                        idx[3] >= 0 ? &outs[idx[3]] : NULL, W, H, cfg, out);
    for (int i = 0; i < n_out; i++)
        seg_tensor_free(&outs[i]);
    free(outs);
    return rc;
}
