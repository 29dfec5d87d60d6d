/* Objects of a label map: one pass for boxes, areas and centroids, then each object's
 * outer contour from its own crop. */
#include "internal.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static int32_t label_at(const seg_image *l, int x, int y)
{
    const void *r = seg__row(l, y);
    return l->type == SEG_S32 ? ((const int32_t *)r)[x] : ((const uint16_t *)r)[x];
}

void seg_objects_free(seg_objects *o)
{
    if (!o)
        return;
    for (int i = 0; i < o->count; i++)
        free((void *)o->objects[i].points);
    free(o->objects);
    free(o);
}

int seg_objects_from_labels(const seg_image *labels, seg_objects **out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "objects: output is NULL");
    *out = NULL;
    int rc = seg__check_input(labels, SEG_TYPES(SEG_S32, SEG_U16), 1u << 1, "objects");
    if (rc)
        return rc;
    int32_t maxl = 0;
    for (int y = 0; y < labels->height; y++)
        for (int x = 0; x < labels->width; x++) {
            int32_t v = label_at(labels, x, y);
            maxl = v > maxl ? v : maxl;
        }
    if (maxl > (1 << 24))
        return seg__fail(SEG_ELIMIT, "objects: label %d is above 2^24", maxl);
    size_t n = (size_t)maxl + 1;
    int *x0 = malloc(n * sizeof(int)), *y0 = malloc(n * sizeof(int));
    int *x1 = malloc(n * sizeof(int)), *y1 = malloc(n * sizeof(int));
    int64_t *area = calloc(n, sizeof(int64_t)), *sx = calloc(n, sizeof(int64_t)),
            *sy = calloc(n, sizeof(int64_t));
    seg_objects *res = calloc(1, sizeof *res);
    if (!x0 || !y0 || !x1 || !y1 || !area || !sx || !sy || !res) {
        rc = seg__fail(SEG_ENOMEM, "objects: out of memory");
        goto done;
    }
    for (int y = 0; y < labels->height; y++)
        for (int x = 0; x < labels->width; x++) {
            int32_t v = label_at(labels, x, y);
            if (v <= 0)
                continue;
            if (!area[v]) {
                x0[v] = x1[v] = x;
                y0[v] = y1[v] = y;
            }
            area[v]++;
            sx[v] += x;
            sy[v] += y;
            x0[v] = x < x0[v] ? x : x0[v];
            x1[v] = x > x1[v] ? x : x1[v];
            y1[v] = y;
        }
    int count = 0;
    for (size_t v = 1; v < n; v++)
        count += area[v] > 0;
    res->objects = calloc((size_t)count + 1, sizeof(seg_object));
    if (!res->objects) {
        rc = seg__fail(SEG_ENOMEM, "objects: out of memory");
        goto done;
    }
    for (size_t v = 1; v < n && !rc; v++) {
        if (!area[v])
            continue;
        seg_object *o = &res->objects[res->count++];
        o->id = (int)v;
        o->x = x0[v], o->y = y0[v], o->w = x1[v] - x0[v] + 1, o->h = y1[v] - y0[v] + 1;
        o->area = area[v];
        o->cx = (double)sx[v] / (double)area[v];
        o->cy = (double)sy[v] / (double)area[v];
        seg_image crop;
        if ((rc = seg_image_alloc(&crop, o->w, o->h, 1, SEG_U8)))
            break;
        for (int y = 0; y < o->h; y++) {
            uint8_t *d = seg__row(&crop, y);
            for (int x = 0; x < o->w; x++)
                d[x] = label_at(labels, o->x + x, o->y + y) == (int32_t)v;
        }
        seg_contours *cs = NULL;
        rc = seg_find_contours(&crop, SEG_RETR_EXTERNAL, SEG_CHAIN_APPROX_SIMPLE, &cs);
        seg_image_free(&crop);
        if (rc)
            break;
        int best = -1;
        double best_area = -1;
        for (int k = 0; k < cs->count; k++) {
            int np = (int)(cs->offsets[k + 1] - cs->offsets[k]);
            double a = 0;
            seg_contour_area(cs->points + 2 * cs->offsets[k], np, 0, &a);
            if (a > best_area || (a == best_area && best >= 0 &&
                                  np > (int)(cs->offsets[best + 1] - cs->offsets[best])))
                best = k, best_area = a;
        }
        if (best >= 0) {
            int np = (int)(cs->offsets[best + 1] - cs->offsets[best]);
            int32_t *pts = malloc(sizeof(int32_t) * 2 * (size_t)np);
            if (!pts) {
                seg_contours_free(cs);
                rc = seg__fail(SEG_ENOMEM, "objects: out of memory");
                break;
            }
            for (int i = 0; i < np; i++) {
                pts[2 * i] = cs->points[2 * (cs->offsets[best] + (size_t)i)] + o->x;
                pts[2 * i + 1] = cs->points[2 * (cs->offsets[best] + (size_t)i) + 1] + o->y;
            }
            o->points = pts;
            o->n_points = np;
        }
        seg_contours_free(cs);
    }
done:
    free(x0), free(y0), free(x1), free(y1), free(area), free(sx), free(sy);
    if (rc) {
        seg_objects_free(res);
        return rc;
    }
    *out = res;
    return SEG_OK;
}

int seg_objects_to_json(const seg_objects *o, const char *name, int width, int height,
                        char **json)
{
    seg__clear_error();
    if (!o || !json)
        return seg__fail(SEG_EINVAL, "objects: NULL argument");
    *json = NULL;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return seg__fail(SEG_ENOMEM, "objects: out of memory");
    if (name)
        cJSON_AddStringToObject(root, "image", name);
    cJSON_AddNumberToObject(root, "width", width);
    cJSON_AddNumberToObject(root, "height", height);
    cJSON_AddNumberToObject(root, "count", o->count);
    cJSON *arr = cJSON_AddArrayToObject(root, "objects");
    for (int i = 0; arr && i < o->count; i++) {
        const seg_object *b = &o->objects[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "id", b->id);
        int bb[4] = {b->x, b->y, b->w, b->h};
        cJSON_AddItemToObject(j, "bbox", cJSON_CreateIntArray(bb, 4));
        cJSON_AddNumberToObject(j, "area", (double)b->area);
        double c[2] = {b->cx, b->cy};
        cJSON_AddItemToObject(j, "centroid", cJSON_CreateDoubleArray(c, 2));
        cJSON *poly = cJSON_AddArrayToObject(j, "polygon");
        for (int k = 0; poly && k < b->n_points; k++)
            cJSON_AddItemToArray(poly, cJSON_CreateIntArray(b->points + 2 * k, 2));
        cJSON_AddItemToArray(arr, j);
    }
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!text)
        return seg__fail(SEG_ENOMEM, "objects: out of memory");
    size_t len = strlen(text);
    *json = malloc(len + 2);
    if (!*json) {
        cJSON_free(text);
        return seg__fail(SEG_ENOMEM, "objects: out of memory");
    }
    memcpy(*json, text, len);
    (*json)[len] = '\n';
    (*json)[len + 1] = '\0';
    cJSON_free(text);
    return SEG_OK;
}
