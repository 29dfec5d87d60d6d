/* LabelMe JSON files -> a COCO dataset (what labelme2coco scripts do), through the
 * dataset-building API; masks, areas and boxes follow pycocotools' annToRLE. */
#include "eval/eval_internal.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lm_group {
    int64_t cat;
    int has_group;
    double group;
    size_t ann; /* index of its annotation in the dataset */
} lm_group;

/* One shape's polygon into xy (malloc'd, 2 * npts doubles). */
static int shape_polygon(const char *file, size_t si, const cJSON *shape, double **xy,
                         size_t *ncoord)
{
    *xy = NULL;
    *ncoord = 0;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(shape, "shape_type");
    const char *t = cJSON_IsString(type) ? type->valuestring : "polygon";
    const cJSON *pts = cJSON_GetObjectItemCaseSensitive(shape, "points");
    if (!cJSON_IsArray(pts))
        return seg__fail(SEG_EFORMAT, "%s: shape %zu: missing 'points'", file, si);
    size_t n = (size_t)cJSON_GetArraySize(pts), k = 0;
    int rect = strcmp(t, "rectangle") == 0;
    if (!rect && strcmp(t, "polygon") != 0)
        return seg__fail(SEG_EFORMAT, "%s: shape %zu: shape_type '%s' is not supported (polygon, "
                         "rectangle)", file, si, t);
    if ((rect && n != 2) || (!rect && n < 1))
        return seg__fail(SEG_EFORMAT, "%s: shape %zu: a %s needs %s points, got %zu", file, si, t,
                         rect ? "2" : "at least 1", n);
    double *v = malloc((rect ? 8 : 2 * n) * sizeof *v);
    if (!v)
        return seg__fail(SEG_ENOMEM, "labelme: out of memory");
    const cJSON *p;
    cJSON_ArrayForEach(p, pts)
    {
        const cJSON *x = cJSON_GetArrayItem(p, 0), *y = cJSON_GetArrayItem(p, 1);
        if (!cJSON_IsArray(p) || cJSON_GetArraySize(p) != 2 || !cJSON_IsNumber(x) ||
            !cJSON_IsNumber(y) || !isfinite(x->valuedouble) || !isfinite(y->valuedouble)) {
            free(v);
            return seg__fail(SEG_EFORMAT, "%s: shape %zu: point %zu is not [x, y]", file, si, k);
        }
        v[2 * k] = x->valuedouble;
        v[2 * k + 1] = y->valuedouble;
        k++;
    }
    if (rect) {
        double x1 = v[0], y1 = v[1], x2 = v[2], y2 = v[3];
        double r[8] = {x1, y1, x2, y1, x2, y2, x1, y2};
        memcpy(v, r, sizeof r);
        n = 4;
    }
    *xy = v;
    *ncoord = 2 * n;
    return SEG_OK;
}

int seg_coco_from_labelme(const char *const *paths, size_t n, const char *name, seg_coco **out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "labelme: out is NULL");
    *out = NULL;
    if (n && !paths)
        return seg__fail(SEG_EINVAL, "labelme: paths is NULL");
    seg_coco *c = NULL;
    int st = seg_coco_create(name ? name : "labelme", &c);
    if (st)
        return st;
    char **labels = NULL;
    size_t nlabels = 0;
    int64_t ann_id = 1;
    for (size_t f = 0; f < n && !st; f++) {
        cJSON *j = NULL;
        if ((st = seg__read_json(paths[f], &j)) != 0)
            break;
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(j, "imageWidth");
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(j, "imageHeight");
        const cJSON *ip = cJSON_GetObjectItemCaseSensitive(j, "imagePath");
        const cJSON *shapes = cJSON_GetObjectItemCaseSensitive(j, "shapes");
        if (!cJSON_IsNumber(w) || !cJSON_IsNumber(h) || w->valuedouble < 1 ||
            h->valuedouble < 1 || w->valuedouble > 1e9 || h->valuedouble > 1e9 ||
            !cJSON_IsArray(shapes)) {
            st = seg__fail(SEG_EFORMAT, "%s: needs imageWidth, imageHeight and shapes", paths[f]);
            cJSON_Delete(j);
            break;
        }
        int64_t img_id = (int64_t)f + 1;
        st = seg_coco_add_image(c, img_id, (int)w->valuedouble, (int)h->valuedouble,
                                cJSON_IsString(ip) ? ip->valuestring : "");
        size_t nsh = (size_t)cJSON_GetArraySize(shapes), si = 0;
        lm_group *groups = calloc(nsh ? nsh : 1, sizeof *groups);
        size_t ngroups = 0;
        if (!groups && !st)
            st = seg__fail(SEG_ENOMEM, "labelme: out of memory");
        const cJSON *shape;
        cJSON_ArrayForEach(shape, shapes)
        {
            if (st)
                break;
            const cJSON *lab = cJSON_GetObjectItemCaseSensitive(shape, "label");
            if (!cJSON_IsString(lab)) {
                st = seg__fail(SEG_EFORMAT, "%s: shape %zu: missing 'label'", paths[f], si);
                break;
            }
            size_t li = 0;
            while (li < nlabels && strcmp(labels[li], lab->valuestring) != 0)
                li++;
            if (li == nlabels) {
                char **nl = realloc(labels, (nlabels + 1) * sizeof *labels);
                if (!nl || !(nl[nlabels] = seg__coco_dup_str(lab->valuestring))) {
                    if (nl)
                        labels = nl;
                    st = seg__fail(SEG_ENOMEM, "labelme: out of memory");
                    break;
                }
                labels = nl;
                nlabels++;
                st = seg_coco_add_category(c, (int64_t)nlabels, lab->valuestring, "");
                if (st)
                    break;
            }
            double *xy;
            size_t ncoord;
            if ((st = shape_polygon(paths[f], si, shape, &xy, &ncoord)) != 0)
                break;
            const cJSON *gid = cJSON_GetObjectItemCaseSensitive(shape, "group_id");
            int has_group = cJSON_IsNumber(gid);
            size_t g = ngroups;
            for (size_t q = 0; has_group && q < ngroups; q++)
                if (groups[q].has_group && groups[q].group == gid->valuedouble &&
                    groups[q].cat == (int64_t)li + 1)
                    g = q;
            if (g < ngroups) {
                /* another part of an existing instance: append a polygon */
                coco_ann *a = &c->anns[groups[g].ann];
                if (seg__coco_grow((void **)&c->poly_len, &c->cap_poly_len, c->npoly_len + 1,
                                   sizeof *c->poly_len) ||
                    seg__coco_grow((void **)&c->xy, &c->cap_xy, c->nxy + ncoord, sizeof *c->xy)) {
                    free(xy);
                    st = seg__fail(SEG_ENOMEM, "labelme: out of memory");
                    break;
                }
                /* parts of one annotation are contiguous: this instance's are the last
                 * ones added only if no other instance came since; otherwise copy */
                if (a->poly_off + a->npoly != c->npoly_len) {
                    size_t tot = 0;
                    for (uint32_t q = 0; q < a->npoly; q++)
                        tot += c->poly_len[a->poly_off + q];
                    if (seg__coco_grow((void **)&c->poly_len, &c->cap_poly_len,
                                       c->npoly_len + a->npoly + 1, sizeof *c->poly_len) ||
                        seg__coco_grow((void **)&c->xy, &c->cap_xy, c->nxy + tot + ncoord,
                                       sizeof *c->xy)) {
                        free(xy);
                        st = seg__fail(SEG_ENOMEM, "labelme: out of memory");
                        break;
                    }
                    memmove(c->poly_len + c->npoly_len, c->poly_len + a->poly_off,
                            a->npoly * sizeof *c->poly_len);
                    memmove(c->xy + c->nxy, c->xy + a->xy_off, tot * sizeof *c->xy);
                    a->poly_off = c->npoly_len;
                    a->xy_off = c->nxy;
                    c->npoly_len += a->npoly;
                    c->nxy += tot;
                }
                c->poly_len[c->npoly_len++] = (uint32_t)ncoord;
                memcpy(c->xy + c->nxy, xy, ncoord * sizeof *xy);
                c->nxy += ncoord;
                a->npoly++;
            } else {
                uint32_t len = (uint32_t)ncoord;
                seg_coco_annotation a;
                memset(&a, 0, sizeof a);
                a.id = ann_id++;
                a.image_id = img_id;
                a.category_id = (int64_t)li + 1;
                a.segm_kind = SEG_COCO_SEGM_POLYGON;
                a.npolygons = 1;
                a.polygon_len = &len;
                a.polygon_xy = xy;
                a.area = NAN;
                a.score = NAN;
                st = seg_coco_add_annotation(c, &a);
                groups[ngroups].cat = (int64_t)li + 1;
                groups[ngroups].has_group = has_group;
                groups[ngroups].group = has_group ? gid->valuedouble : 0;
                groups[ngroups].ann = c->nanns - 1;
                ngroups++;
            }
            free(xy);
            si++;
        }
        free(groups);
        cJSON_Delete(j);
    }
    for (size_t i = 0; i < nlabels; i++)
        free(labels[i]);
    free(labels);
    if (!st)
        st = seg_coco_finish(c);
    /* area and bbox of each mask, as annToRLE rasterises it */
    for (size_t i = 0; i < c->nanns && !st; i++) {
        seg_rle r;
        if ((st = seg__coco_ann_rle(c, i, &r)) != 0)
            break;
        c->anns[i].area = (double)seg_rle_area(&r);
        seg_rle_to_bbox(&r, c->anns[i].bbox);
        c->anns[i].has_bbox = 1;
        seg_rle_free(&r);
    }
    if (st) {
        seg_coco_destroy(c);
        return st;
    }
    *out = c;
    return SEG_OK;
}
