/* Instances from a detector's raw outputs: checks, score filter and order, one RLE per
 * mask (pasted probabilities thresholded, or box-relative masks pasted first). */
#include "tasks/instance_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t seg_instance_config_size(void)
{
    return sizeof(seg_instance_config);
}

size_t seg_instance_struct_size(void)
{
    return sizeof(seg_instance);
}

size_t seg_instances_struct_size(void)
{
    return sizeof(seg_instances);
}

void seg_instance_config_default(seg_instance_config *c)
{
    memset(c, 0, sizeof *c);
    c->score_threshold = 0.5f;
    c->mask_threshold = 0.5f;
    c->max_instances = 100;
    c->mask_layout = SEG_MASKS_AUTO;
}

void seg_instances_free(seg_instances *inst)
{
    if (!inst)
        return;
    for (int i = 0; i < inst->count && inst->items; i++) {
        seg_rle_free(&inst->items[i].rle);
        seg_image_free(&inst->items[i].bitmap);
    }
    free(inst->items);
    memset(inst, 0, sizeof *inst);
}

/* Box coordinates beyond this are refused: they would overflow the paste's integers and
 * no image is that large. */
#define BOX_LIMIT 1e12

static int check_1d(const seg_tensor *t, const char *name, int64_t *n)
{
    if (!t)
        return seg__fail(SEG_EINVAL, "instances: %s is missing", name);
    if (t->ndim != 1)
        return seg__fail(SEG_EINVAL, "instances: %s must be 1-D [N], not %d-D", name, t->ndim);
    *n = t->dims[0];
    return SEG_OK;
}

typedef struct masks_view {
    const float *data; /* NULL: no masks */
    int mh, mw;        /* per-instance plane */
    bool pasted;
} masks_view;

static int check_outputs(const seg_tensor *boxes, const seg_tensor *labels,
                         const seg_tensor *scores, const seg_tensor *masks, int W, int H,
                         seg_mask_layout layout, int64_t *n, masks_view *mv)
{
    int64_t nl = 0, ns = 0;
    int rc;
    if (!boxes || boxes->ndim != 2 || boxes->dims[1] != 4)
        return seg__fail(SEG_EINVAL, "instances: boxes must be [N, 4]");
    if (boxes->elem_type != SEG_DT_FLOAT)
        return seg__fail(SEG_EINVAL, "instances: boxes must be float32");
    *n = boxes->dims[0];
    if ((rc = check_1d(labels, "labels", &nl)) || (rc = check_1d(scores, "scores", &ns)))
        return rc;
    if (labels->elem_type != SEG_DT_INT64 && labels->elem_type != SEG_DT_INT32)
        return seg__fail(SEG_EINVAL, "instances: labels must be int64 or int32");
    if (scores->elem_type != SEG_DT_FLOAT)
        return seg__fail(SEG_EINVAL, "instances: scores must be float32");
    if (nl != *n || ns != *n)
        return seg__fail(SEG_EINVAL, "instances: %lld boxes, %lld labels and %lld scores differ "
                                     "in count", (long long)*n, (long long)nl, (long long)ns);
    if (*n < 0 || *n > INT32_MAX)
        return seg__fail(SEG_EINVAL, "instances: bad detection count %lld", (long long)*n);
    size_t need = (size_t)*n * 16;
    if (boxes->nbytes < need || scores->nbytes < need / 4 ||
        labels->nbytes < (size_t)*n * (labels->elem_type == SEG_DT_INT64 ? 8 : 4) ||
        (*n && (!boxes->data || !scores->data || !labels->data)))
        return seg__fail(SEG_EINVAL, "instances: a tensor holds fewer bytes than its shape says");
    memset(mv, 0, sizeof *mv);
    if (!masks)
        return SEG_OK;
    if (masks->elem_type != SEG_DT_FLOAT)
        return seg__fail(SEG_EINVAL, "instances: masks must be float32");
    if (!(masks->ndim == 4 && masks->dims[1] == 1) && masks->ndim != 3)
        return seg__fail(SEG_EINVAL, "instances: masks must be [N, 1, h, w] or [N, h, w]");
    int64_t mh = masks->dims[masks->ndim - 2], mw = masks->dims[masks->ndim - 1];
    if (masks->dims[0] != *n)
        return seg__fail(SEG_EINVAL, "instances: %lld masks for %lld boxes",
                         (long long)masks->dims[0], (long long)*n);
    if (mh < 1 || mw < 1 || mh > INT32_MAX || mw > INT32_MAX)
        return seg__fail(SEG_EINVAL, "instances: masks of %lldx%lld pixels", (long long)mw,
                         (long long)mh);
    size_t plane;
    if (!seg__mul((size_t)mh, (size_t)mw, &plane) || !seg__mul(plane, (size_t)*n, &need) ||
        !seg__mul(need, sizeof(float), &need) || masks->nbytes < need || (*n && !masks->data))
        return seg__fail(SEG_EINVAL, "instances: masks hold fewer bytes than their shape says");
    bool image_size = mh == H && mw == W;
    mv->pasted = layout == SEG_MASKS_PASTED || (layout == SEG_MASKS_AUTO && image_size);
    if (mv->pasted && !image_size)
        return seg__fail(SEG_EINVAL, "instances: pasted masks are %lldx%lld, the image %dx%d",
                         (long long)mw, (long long)mh, W, H);
    if (!mv->pasted && mh != mw)
        return seg__fail(SEG_EINVAL, "instances: box-relative masks must be square (M x M), "
                                     "not %lldx%lld", (long long)mw, (long long)mh);
    mv->data = masks->data;
    mv->mh = (int)mh, mv->mw = (int)mw;
    return SEG_OK;
}

typedef struct mask_job {
    const masks_view *mv;
    const int32_t *src;  /* source detection of each kept instance */
    seg_instance *items;
    int W, H;
    float thr;
    bool bitmaps;
    int *status;         /* per instance */
} mask_job;

static int one_mask(const mask_job *j, int k)
{
    seg_instance *it = &j->items[k];
    const masks_view *mv = j->mv;
    size_t plane = (size_t)mv->mh * mv->mw;
    const float *m = mv->data + plane * (size_t)j->src[k];
    seg__paste_rect r = {0, 0, 0, 0, 0, 0, j->W, j->H};
    if (!mv->pasted)
        seg__paste_geometry(it->box, mv->mw, j->W, j->H, &r);
    int cw = r.x1 - r.x0, ch = r.y1 - r.y0;
    uint8_t *crop = malloc((size_t)cw * ch + 1);
    if (!crop)
        return SEG_ENOMEM;
    int rc = SEG_OK;
    if (mv->pasted) {
        for (size_t p = 0; p < plane; p++)
            crop[p] = m[p] > j->thr;
    } else {
        rc = seg__paste_threshold(m, mv->mw, &r, j->thr, crop);
    }
    uint64_t ones = 0;
    if (!rc)
        rc = seg__rle_from_crop(crop, cw, ch, r.x0, r.y0, j->W, j->H, &it->rle, &ones);
    it->area = (double)ones;
    if (!rc && j->bitmaps) {
        rc = seg_image_alloc(&it->bitmap, j->W, j->H, 1, SEG_U8);
        for (int y = 0; !rc && y < ch; y++)
            memcpy((uint8_t *)seg__row(&it->bitmap, r.y0 + y) + r.x0, crop + (size_t)y * cw,
                   (size_t)cw);
    }
    free(crop);
    return rc;
}

static void mask_range(void *vctx, int64_t begin, int64_t end)
{
    const mask_job *j = vctx;
    for (int64_t k = begin; k < end; k++)
        j->status[k] = one_mask(j, (int)k);
}

typedef struct order_key {
    float score;
    int32_t index;
} order_key;

static int by_score_desc(const void *a, const void *b)
{
    const order_key *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index); /* stable */
}

int seg_instances_from_outputs(const seg_tensor *boxes, const seg_tensor *labels,
                               const seg_tensor *scores, const seg_tensor *masks, int width,
                               int height, const seg_instance_config *cfg, seg_instances *out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "instances: output is NULL");
    memset(out, 0, sizeof *out);
    seg_instance_config def;
    if (!cfg) {
        seg_instance_config_default(&def);
        cfg = &def;
    }
    if (width < 1 || height < 1)
        return seg__fail(SEG_EINVAL, "instances: image size %dx%d", width, height);
    if ((uint64_t)width * (uint64_t)height > UINT32_MAX)
        return seg__fail(SEG_ELIMIT, "instances: image %dx%d exceeds 2^32-1 pixels (COCO RLE "
                                     "limit)", width, height);
    if (!(cfg->score_threshold == cfg->score_threshold) || !isfinite(cfg->mask_threshold) ||
        cfg->max_instances < 0 || cfg->mask_layout < SEG_MASKS_AUTO ||
        cfg->mask_layout > SEG_MASKS_BOX)
        return seg__fail(SEG_EINVAL, "instances: bad config (thresholds, max_instances or "
                                     "mask_layout)");
    int64_t n = 0;
    masks_view mv;
    int rc = check_outputs(boxes, labels, scores, masks, width, height, cfg->mask_layout, &n, &mv);
    if (rc)
        return rc;
    const float *bx = boxes->data, *sc = scores->data;
    for (int64_t i = 0; i < n; i++) {
        for (int k = 0; k < 4; k++)
            if (!(fabsf(bx[4 * i + k]) <= BOX_LIMIT))
                return seg__fail(SEG_EINVAL, "instances: box %lld has a non-finite or huge "
                                             "coordinate", (long long)i);
        if (isnan(sc[i]))
            return seg__fail(SEG_EINVAL, "instances: score %lld is NaN", (long long)i);
    }
    order_key *keys = malloc(sizeof *keys * (size_t)(n + 1));
    if (!keys)
        return seg__fail(SEG_ENOMEM, "instances: out of memory");
    int kept = 0;
    for (int64_t i = 0; i < n; i++)
        if (sc[i] >= cfg->score_threshold)
            keys[kept++] = (order_key){sc[i], (int32_t)i};
    qsort(keys, (size_t)kept, sizeof *keys, by_score_desc);
    if (cfg->max_instances && kept > cfg->max_instances)
        kept = cfg->max_instances;
    out->width = width;
    out->height = height;
    out->has_masks = masks != NULL;
    out->items = calloc((size_t)kept + 1, sizeof *out->items);
    int32_t *src = malloc(sizeof *src * ((size_t)kept + 1));
    int *status = calloc((size_t)kept + 1, sizeof *status);
    if (!out->items || !src || !status) {
        rc = seg__fail(SEG_ENOMEM, "instances: out of memory");
        goto done;
    }
    out->count = kept;
    for (int k = 0; k < kept; k++) {
        int32_t i = keys[k].index;
        seg_instance *it = &out->items[k];
        src[k] = i;
        memcpy(it->box, bx + 4 * (size_t)i, sizeof it->box);
        it->label = labels->elem_type == SEG_DT_INT64
                        ? (int)((const int64_t *)labels->data)[i]
                        : ((const int32_t *)labels->data)[i];
        it->score = sc[i];
        it->area = (double)(it->box[2] - it->box[0]) * (double)(it->box[3] - it->box[1]);
    }
    if (masks) {
        mask_job j = {&mv, src, out->items, width, height, cfg->mask_threshold,
                      cfg->keep_bitmaps != 0, status};
        seg__parallel_for(kept, 1, mask_range, &j);
        for (int k = 0; k < kept && !rc; k++)
            if (status[k])
                rc = seg__fail(status[k], "instances: out of memory for the mask of instance %d", k);
    }
done:
    free(keys);
    free(src);
    free(status);
    if (rc)
        seg_instances_free(out);
    return rc;
}
