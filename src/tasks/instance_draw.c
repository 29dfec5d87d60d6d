/* Looking at instances: per-instance colours, the id map and the overlay, both painted
 * in painter's order (least confident first, so the most confident ends on top). */
#include "tasks/instance_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void seg_instance_color(int i, uint8_t rgb[3])
{
    /* hue steps of the golden ratio never repeat and stay far apart for neighbours;
     * saturation and value cycle a little so the 2nd, 3rd... rounds differ too */
    double h = fmod(0.12 + 0.6180339887498949 * (i < 0 ? -i : i), 1.0) * 6.0;
    double s = 0.85 - 0.15 * (i % 3) / 2.0, v = 0.95 - 0.2 * ((i / 3) % 2);
    int k = (int)h;
    double f = h - k, p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
    double r, g, b;
    switch (k % 6) {
    case 0: r = v, g = t, b = p; break;
    case 1: r = q, g = v, b = p; break;
    case 2: r = p, g = v, b = t; break;
    case 3: r = p, g = q, b = v; break;
    case 4: r = t, g = p, b = v; break;
    default: r = v, g = p, b = q; break;
    }
    rgb[0] = (uint8_t)lround(r * 255), rgb[1] = (uint8_t)lround(g * 255);
    rgb[2] = (uint8_t)lround(b * 255);
}

void seg_instance_draw_options_default(seg_instance_draw_options *o)
{
    memset(o, 0, sizeof *o);
    o->alpha = 0.5f;
    o->draw_boxes = 1;
    o->thickness = 2;
    o->draw_labels = 1;
    o->text_scale = 1;
}

static int check_instances(const seg_instances *inst, const char *who)
{
    if (!inst || (inst->count && !inst->items) || inst->count < 0)
        return seg__fail(SEG_EINVAL, "%s: instances are NULL or malformed", who);
    for (int i = 0; i < inst->count; i++) {
        const seg_rle *r = &inst->items[i].rle;
        if (inst->has_masks && (r->height != inst->height || r->width != inst->width))
            return seg__fail(SEG_ESIZE, "%s: instance %d's mask is %dx%d, the image %dx%d", who,
                             i, r->width, r->height, inst->width, inst->height);
    }
    return SEG_OK;
}

/* Call fn over the mask of instance i: its RLE, or its box rasterised as COCO's frBbox. */
static int for_each_mask_run(const seg_instances *inst, int i, seg__run_fn fn, void *ctx)
{
    const seg_instance *it = &inst->items[i];
    if (inst->has_masks) {
        seg__rle_for_each_run(&it->rle, fn, ctx);
        return SEG_OK;
    }
    const double bb[4] = {it->box[0], it->box[1], (double)it->box[2] - it->box[0],
                          (double)it->box[3] - it->box[1]};
    seg_rle r;
    int rc = seg_rle_from_bbox(bb, inst->height, inst->width, &r);
    if (rc)
        return rc;
    seg__rle_for_each_run(&r, fn, ctx);
    seg_rle_free(&r);
    return SEG_OK;
}

typedef struct id_ctx {
    seg_image *ids;
    uint16_t id;
} id_ctx;

static void paint_id(void *vctx, int x, int y0, int y1)
{
    id_ctx *c = vctx;
    for (int y = y0; y < y1; y++)
        ((uint16_t *)seg__row(c->ids, y))[x] = c->id;
}

int seg_instances_id_map(const seg_instances *inst, seg_image *ids)
{
    seg__clear_error();
    int rc = check_instances(inst, "instances_id_map");
    if (rc)
        return rc;
    if (inst->count > 65535)
        return seg__fail(SEG_ELIMIT, "instances_id_map: %d instances do not fit 16 bits",
                         inst->count);
    if ((rc = seg__image_prepare(ids, inst->width, inst->height, 1, SEG_U16, "instances_id_map")))
        return rc;
    for (int y = 0; y < ids->height; y++)
        memset(seg__row(ids, y), 0, sizeof(uint16_t) * (size_t)ids->width);
    for (int i = inst->count - 1; i >= 0 && !rc; i--) {
        id_ctx c = {ids, (uint16_t)(i + 1)};
        rc = for_each_mask_run(inst, i, paint_id, &c);
    }
    return rc;
}

typedef struct blend_ctx {
    seg_image *dst;
    int a;          /* alpha in 1/256 */
    uint8_t col[3]; /* in the image's channel order */
} blend_ctx;

static void blend_run(void *vctx, int x, int y0, int y1)
{
    const blend_ctx *c = vctx;
    for (int y = y0; y < y1; y++) {
        uint8_t *p = (uint8_t *)seg__row(c->dst, y) + 3 * (size_t)x;
        for (int k = 0; k < 3; k++) /* seg_overlay's fixed-point blend */
            p[k] = (uint8_t)((p[k] * (256 - c->a) + c->col[k] * c->a + 128) >> 8);
    }
}

static int clamp_coord(float v, int hi)
{
    double r = nearbyint((double)v);
    return r < -1 ? -1 : r > hi ? hi : (int)r;
}

/* Instance i's colour as a drawing colour in `order`. */
static void draw_color(int i, seg_order order, double col[4])
{
    uint8_t rgb[3];
    seg_instance_color(i, rgb);
    for (int k = 0; k < 3; k++)
        col[k] = order == SEG_ORDER_RGB ? rgb[k] : rgb[2 - k];
    col[3] = 0;
}

/* Instance i's label on a tab of its colour at its box's top-left corner. */
static int draw_label(seg_image *dst, const seg_instance *it, const seg_instance_draw_options *o,
                      const double col[4], int W, int H)
{
    char text[96];
    const char *name = o->num_classes > 0 && o->class_names
                           ? (it->label >= 0 && it->label < o->num_classes ? o->class_names[it->label]
                                                                        : NULL)
                           : seg_coco_category_name(it->label);
    if (name)
        snprintf(text, sizeof text, "%.60s %.2f", name, it->score);
    else
        snprintf(text, sizeof text, "%d %.2f", it->label, it->score);
    int tw, th, rc = seg_text_size(text, o->text_scale, &tw, &th, NULL);
    if (rc)
        return rc;
    int x = clamp_coord(it->box[0], W), y = clamp_coord(it->box[1], H) - th;
    if (y < 0)
        y = clamp_coord(it->box[1], H); /* no room above: inside the box */
    if ((rc = seg_draw_rectangle(dst, x, y, x + tw + 1, y + th - 1, col, SEG_FILLED, SEG_LINE_8)))
        return rc;
    double lum = 0.299 * col[0] + 0.587 * col[1] + 0.114 * col[2]; /* symmetric in order */
    double ink = lum > 140 ? 0 : 255, fg[4] = {ink, ink, ink, 0};
    return seg_draw_text(dst, x + 1, y, text, fg, o->text_scale);
}

int seg_instances_overlay(const seg_image *image, seg_order order, const seg_instances *inst,
                          const seg_instance_draw_options *opt, seg_image *dst)
{
    seg__clear_error();
    seg_instance_draw_options def;
    if (!opt) {
        seg_instance_draw_options_default(&def);
        opt = &def;
    }
    int rc = seg__check_input(image, SEG_TYPES(SEG_U8), 1u << 3, "instances_overlay");
    if (!rc)
        rc = check_instances(inst, "instances_overlay");
    if (rc)
        return rc;
    if (!(opt->alpha >= 0 && opt->alpha <= 1) || (opt->draw_boxes && opt->thickness < 1) ||
        (opt->draw_labels && (opt->text_scale < 1 || opt->text_scale > 16)))
        return seg__fail(SEG_EINVAL, "instances_overlay: alpha must be in [0, 1], thickness "
                                     ">= 1 and text_scale in 1..16");
    if (inst->width != image->width || inst->height != image->height)
        return seg__fail(SEG_ESIZE, "instances_overlay: instances of a %dx%d image, image %dx%d",
                         inst->width, inst->height, image->width, image->height);
    if (dst != image) {
        if ((rc = seg__image_prepare(dst, image->width, image->height, 3, SEG_U8,
                                     "instances_overlay")))
            return rc;
        for (int y = 0; y < image->height; y++)
            memcpy(seg__row(dst, y), seg__row(image, y), (size_t)image->width * 3);
    }
    int a = (int)(opt->alpha * 256.0f + 0.5f);
    for (int i = inst->count - 1; i >= 0 && !rc; i--) {
        uint8_t rgb[3];
        seg_instance_color(i, rgb);
        blend_ctx c = {dst, a, {0}};
        for (int k = 0; k < 3; k++)
            c.col[k] = order == SEG_ORDER_RGB ? rgb[k] : rgb[2 - k];
        rc = for_each_mask_run(inst, i, blend_run, &c);
    }
    for (int i = inst->count - 1; i >= 0 && !rc && opt->draw_boxes; i--) {
        double col[4];
        draw_color(i, order, col);
        const float *b = inst->items[i].box;
        int W = image->width, H = image->height;
        rc = seg_draw_rectangle(dst, clamp_coord(b[0], W), clamp_coord(b[1], H),
                                clamp_coord(b[2], W), clamp_coord(b[3], H), col, opt->thickness,
                                SEG_LINE_8);
    }
    for (int i = inst->count - 1; i >= 0 && !rc && opt->draw_labels; i--) {
        double col[4];
        draw_color(i, order, col);
        rc = draw_label(dst, &inst->items[i], opt, col, image->width, image->height);
    }
    return rc;
}
