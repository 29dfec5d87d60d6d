/* Access to a loaded COCO dataset: annToRLE, getters, and building a dataset in code. */
#include "eval/eval_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- annToRLE ---- */

int seg__coco_ann_rle_view(const seg_coco *c, size_t i, seg_rle *out, int *owned)
{
    const coco_ann *a = &c->anns[i];
    if (a->kind == SEG_COCO_SEGM_RLE && !a->compressed) {
        out->height = a->rle_h;
        out->width = a->rle_w;
        out->m = a->cnt_m;
        out->counts = c->cnt + a->cnt_off;
        *owned = 0;
        return 0;
    }
    *owned = 1;
    return seg__coco_ann_rle(c, i, out);
}

int seg__coco_ann_rle(const seg_coco *c, size_t i, seg_rle *out)
{
    const coco_ann *a = &c->anns[i];
    const char *item = c->is_results ? "result" : "annotation";
    memset(out, 0, sizeof *out);
    if (a->kind == SEG_COCO_SEGM_RLE && a->compressed) {
        int st = seg_rle_from_string(c->str + a->cnt_off, a->cnt_m, a->rle_h, a->rle_w, out);
        if (st) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s", seg_last_error());
            return seg__fail(st, "%s: %s %zu: %s", c->name, item, i, msg);
        }
        return 0;
    }
    if (a->kind == SEG_COCO_SEGM_RLE) {
        uint32_t *cn = malloc((a->cnt_m ? a->cnt_m : 1) * sizeof *cn);
        if (!cn)
            return seg__fail(SEG_ENOMEM, "%s: out of memory", c->name);
        if (a->cnt_m)
            memcpy(cn, c->cnt + a->cnt_off, a->cnt_m * sizeof *cn);
        out->height = a->rle_h;
        out->width = a->rle_w;
        out->m = a->cnt_m;
        out->counts = cn;
        return 0;
    }
    if (a->kind == SEG_COCO_SEGM_NONE)
        return seg__fail(SEG_EFORMAT, "%s: %s %zu: has no segmentation", c->name, item, i);
    const coco_image *im = &c->images[a->img];
    if (im->height <= 0 || im->width <= 0)
        return seg__fail(SEG_EFORMAT, "%s: %s %zu: image %lld has no height/width to rasterise "
                         "its polygon", c->name, item, i, (long long)im->id);
    int st;
    if (a->kind == SEG_COCO_SEGM_BOX) {
        st = seg_rle_from_bbox(a->bbox, im->height, im->width, out);
    } else {
        const uint32_t *len = c->poly_len + a->poly_off;
        const double *xy = c->xy + a->xy_off;
        if (a->npoly == 0)
            return seg__fail(SEG_EFORMAT, "%s: %s %zu: segmentation is an empty list", c->name,
                             item, i);
        /* frPyObjects: when the first part has 4 numbers, every part is a box. */
        int boxes = len[0] == 4;
        seg_rle *parts = calloc(a->npoly, sizeof *parts);
        if (!parts)
            return seg__fail(SEG_ENOMEM, "%s: out of memory", c->name);
        st = 0;
        for (uint32_t p = 0; p < a->npoly && !st; p++) {
            if (boxes && len[p] != 4)
                st = seg__fail(SEG_EFORMAT, "%s: %s %zu: segmentation mixes a 4-number part "
                               "(read as a box, as pycocotools does) with longer polygons",
                               c->name, item, i);
            else if (boxes)
                st = seg_rle_from_bbox(xy, im->height, im->width, &parts[p]);
            else
                st = seg_rle_from_polygon(xy, len[p] / 2, im->height, im->width, &parts[p]);
            xy += len[p];
        }
        if (!st)
            st = seg_rle_merge(parts, a->npoly, 0, out);
        for (uint32_t p = 0; p < a->npoly; p++)
            seg_rle_free(&parts[p]);
        free(parts);
    }
    if (st) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", seg_last_error());
        return seg__fail(st, "%s: %s %zu: %s", c->name, item, i, msg);
    }
    return 0;
}

/* ---- public getters ---- */

size_t seg_coco_num_images(const seg_coco *c)
{
    return c ? c->nimages : 0;
}

size_t seg_coco_num_categories(const seg_coco *c)
{
    return c ? c->ncats : 0;
}

size_t seg_coco_num_annotations(const seg_coco *c)
{
    return c ? c->nanns : 0;
}

int seg_coco_is_results(const seg_coco *c)
{
    return c ? c->is_results : 0;
}

int seg_coco_get_image(const seg_coco *c, size_t i, seg_coco_image *out)
{
    seg__clear_error();
    if (!c || !out || i >= c->nimages)
        return seg__fail(SEG_EINVAL, "coco_get_image: index %zu out of range", i);
    out->id = c->images[i].id;
    out->width = c->images[i].width;
    out->height = c->images[i].height;
    out->file_name = c->images[i].file_name;
    return SEG_OK;
}

int seg_coco_get_category(const seg_coco *c, size_t i, seg_coco_category *out)
{
    seg__clear_error();
    if (!c || !out || i >= c->ncats)
        return seg__fail(SEG_EINVAL, "coco_get_category: index %zu out of range", i);
    out->id = c->cats[i].id;
    out->name = c->cats[i].name;
    out->supercategory = c->cats[i].supercategory;
    return SEG_OK;
}

int seg_coco_get_annotation(const seg_coco *c, size_t i, seg_coco_annotation *out)
{
    seg__clear_error();
    if (!c || !out || i >= c->nanns)
        return seg__fail(SEG_EINVAL, "coco_get_annotation: index %zu out of range", i);
    const coco_ann *a = &c->anns[i];
    memset(out, 0, sizeof *out);
    out->id = a->id;
    out->image_id = a->image_id;
    out->category_id = a->category_id;
    out->iscrowd = a->iscrowd;
    out->has_bbox = a->has_bbox;
    memcpy(out->bbox, a->bbox, sizeof out->bbox);
    out->area = a->area;
    out->score = a->score;
    out->segm_kind = (seg_coco_segm_kind)a->kind;
    out->rle_compressed = a->compressed;
    if (a->kind == SEG_COCO_SEGM_POLYGON) {
        out->npolygons = a->npoly;
        out->polygon_len = c->poly_len + a->poly_off;
        out->polygon_xy = c->xy + a->xy_off;
    } else if (a->kind == SEG_COCO_SEGM_RLE) {
        out->rle.height = a->rle_h;
        out->rle.width = a->rle_w;
        if (a->compressed) {
            out->rle_string = c->str + a->cnt_off;
            out->rle_string_len = a->cnt_m;
        } else {
            out->rle.m = a->cnt_m;
            out->rle.counts = c->cnt + a->cnt_off;
        }
    }
    return SEG_OK;
}

int64_t seg_coco_find_image(const seg_coco *c, int64_t id)
{
    return c && !c->dirty ? seg__coco_img_index(c, id) : -1;
}

int64_t seg_coco_find_category(const seg_coco *c, int64_t id)
{
    return c && !c->dirty ? seg__coco_cat_index(c, id) : -1;
}

int64_t seg_coco_image_annotations(const seg_coco *c, int64_t image_id, int64_t category_id,
                                   size_t *idx, size_t cap)
{
    seg__clear_error();
    if (!c || (cap && !idx))
        return seg__fail(SEG_EINVAL, "coco_image_annotations: NULL argument");
    if (c->dirty)
        return seg__fail(SEG_EINVAL, "coco_image_annotations: call seg_coco_finish first");
    int64_t ii = seg__coco_img_index(c, image_id);
    if (ii < 0)
        return 0;
    size_t n = 0;
    for (size_t j = c->img_ann_start[ii]; j < c->img_ann_start[ii + 1]; j++) {
        size_t a = c->img_ann[j];
        if (category_id >= 0 && c->anns[a].category_id != category_id)
            continue;
        if (n < cap)
            idx[n] = a;
        n++;
    }
    return (int64_t)n;
}

int seg_coco_annotation_rle(const seg_coco *c, size_t i, seg_rle *out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "coco_annotation_rle: out is NULL");
    memset(out, 0, sizeof *out);
    if (!c || i >= c->nanns)
        return seg__fail(SEG_EINVAL, "coco_annotation_rle: index %zu out of range", i);
    if (c->dirty)
        return seg__fail(SEG_EINVAL, "coco_annotation_rle: call seg_coco_finish first");
    return seg__coco_ann_rle(c, i, out);
}

/* ---- building ---- */

#define GROW(c, arr, count, capf, add) \
    seg__coco_grow((void **)&(c)->arr, &(c)->capf, (c)->count + (add), sizeof *(c)->arr)

int seg_coco_create(const char *name, seg_coco **out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "coco_create: out is NULL");
    *out = seg__coco_new(name ? name : "<new>");
    if (!*out)
        return seg__fail(SEG_ENOMEM, "coco_create: out of memory");
    return seg__coco_finish_index(*out);
}

int seg_coco_add_image(seg_coco *c, int64_t id, int width, int height, const char *file_name)
{
    seg__clear_error();
    if (!c || c->is_results || width < 0 || height < 0)
        return seg__fail(SEG_EINVAL, "coco_add_image: bad argument");
    if (GROW(c, images, nimages, cap_images, 1))
        return seg__fail(SEG_ENOMEM, "coco_add_image: out of memory");
    coco_image *im = &c->images[c->nimages];
    im->id = id;
    im->width = width;
    im->height = height;
    im->file_name = seg__coco_dup_str(file_name ? file_name : "");
    if (!im->file_name)
        return seg__fail(SEG_ENOMEM, "coco_add_image: out of memory");
    c->nimages++;
    c->dirty = 1;
    return SEG_OK;
}

int seg_coco_add_category(seg_coco *c, int64_t id, const char *name, const char *supercategory)
{
    seg__clear_error();
    if (!c || c->is_results)
        return seg__fail(SEG_EINVAL, "coco_add_category: bad argument");
    if (GROW(c, cats, ncats, cap_cats, 1))
        return seg__fail(SEG_ENOMEM, "coco_add_category: out of memory");
    coco_cat *k = &c->cats[c->ncats];
    k->name = seg__coco_dup_str(name ? name : "");
    k->supercategory = seg__coco_dup_str(supercategory ? supercategory : "");
    k->id = id;
    c->ncats++;
    c->dirty = 1;
    if (!k->name || !k->supercategory)
        return seg__fail(SEG_ENOMEM, "coco_add_category: out of memory");
    return SEG_OK;
}

int seg_coco_add_annotation(seg_coco *c, const seg_coco_annotation *a)
{
    seg__clear_error();
    if (!c || !a || c->is_results)
        return seg__fail(SEG_EINVAL, "coco_add_annotation: bad argument");
    if (GROW(c, anns, nanns, cap_anns, 1))
        return seg__fail(SEG_ENOMEM, "coco_add_annotation: out of memory");
    coco_ann *d = &c->anns[c->nanns];
    memset(d, 0, sizeof *d);
    d->id = a->id;
    d->image_id = a->image_id;
    d->category_id = a->category_id;
    d->img = d->cat = -1;
    d->iscrowd = a->iscrowd != 0;
    d->has_bbox = a->has_bbox != 0;
    memcpy(d->bbox, a->bbox, sizeof d->bbox);
    d->area = a->area;
    d->score = a->score;
    if (a->segm_kind == SEG_COCO_SEGM_POLYGON) {
        size_t total = 0;
        for (size_t p = 0; p < a->npolygons; p++)
            total += a->polygon_len[p];
        if (GROW(c, poly_len, npoly_len, cap_poly_len, a->npolygons) ||
            GROW(c, xy, nxy, cap_xy, total))
            return seg__fail(SEG_ENOMEM, "coco_add_annotation: out of memory");
        d->kind = SEG_COCO_SEGM_POLYGON;
        d->npoly = (uint32_t)a->npolygons;
        d->poly_off = c->npoly_len;
        d->xy_off = c->nxy;
        memcpy(c->poly_len + c->npoly_len, a->polygon_len, a->npolygons * sizeof *c->poly_len);
        memcpy(c->xy + c->nxy, a->polygon_xy, total * sizeof *c->xy);
        c->npoly_len += a->npolygons;
        c->nxy += total;
    } else if (a->segm_kind == SEG_COCO_SEGM_RLE) {
        d->kind = SEG_COCO_SEGM_RLE;
        d->compressed = a->rle_compressed != 0;
        d->rle_h = a->rle.height;
        d->rle_w = a->rle.width;
        if (d->compressed) {
            size_t len;
            int st = seg_rle_to_string(&a->rle, NULL, 0, &len);
            if (st)
                return st;
            if (GROW(c, str, nstr, cap_str, len + 1))
                return seg__fail(SEG_ENOMEM, "coco_add_annotation: out of memory");
            seg_rle_to_string(&a->rle, c->str + c->nstr, len + 1, &len);
            d->cnt_off = c->nstr;
            d->cnt_m = len;
            c->nstr += len;
        } else {
            if (GROW(c, cnt, ncnt, cap_cnt, a->rle.m))
                return seg__fail(SEG_ENOMEM, "coco_add_annotation: out of memory");
            d->cnt_off = c->ncnt;
            d->cnt_m = a->rle.m;
            if (a->rle.m)
                memcpy(c->cnt + c->ncnt, a->rle.counts, a->rle.m * sizeof *c->cnt);
            c->ncnt += a->rle.m;
        }
    }
    c->nanns++;
    c->dirty = 1;
    return SEG_OK;
}

int seg_coco_finish(seg_coco *c)
{
    seg__clear_error();
    if (!c)
        return seg__fail(SEG_EINVAL, "coco_finish: NULL handle");
    int st = seg__coco_finish_index(c);
    if (!st)
        c->dirty = 0;
    return st;
}
