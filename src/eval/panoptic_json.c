/* pq_compute over files: panoptic JSON (cJSON) + PNG folders (seg_imread), fed image by
 * image to the seg_pq accumulator of panoptic.c. */
#include "eval/eval_internal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_json(const char *path, cJSON **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return seg__fail(SEG_EIO, "%s: cannot open: %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 65536 > cap) {
            size_t ncap = cap ? cap * 2 : 1 << 20;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(f);
                return seg__fail(SEG_ENOMEM, "%s: out of memory", path);
            }
            buf = nb;
            cap = ncap;
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        len += r;
        if (r == 0)
            break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return seg__fail(SEG_EIO, "%s: read error", path);
    }
    const char *end = NULL;
    *out = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    size_t at = end && end >= buf ? (size_t)(end - buf) : 0;
    free(buf);
    if (!*out)
        return seg__fail(SEG_EFORMAT, "%s: malformed JSON at byte %zu", path, at);
    return SEG_OK;
}

static int num_field(const cJSON *o, const char *key, double *v)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(x))
        return -1;
    *v = x->valuedouble;
    return 0;
}

/* segments_info -> array (malloc'd). */
static int segments(const char *file, const cJSON *ann, size_t idx, int gt,
                    seg_panoptic_segment **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    const cJSON *si = cJSON_GetObjectItemCaseSensitive(ann, "segments_info");
    if (!cJSON_IsArray(si))
        return seg__fail(SEG_EFORMAT, "%s: annotation %zu: missing 'segments_info'", file, idx);
    size_t m = (size_t)cJSON_GetArraySize(si), i = 0;
    seg_panoptic_segment *s = calloc(m ? m : 1, sizeof *s);
    if (!s)
        return seg__fail(SEG_ENOMEM, "%s: out of memory", file);
    const cJSON *e;
    cJSON_ArrayForEach(e, si)
    {
        double id, cat, crowd = 0, area = 0;
        if (num_field(e, "id", &id) || num_field(e, "category_id", &cat)) {
            free(s);
            return seg__fail(SEG_EFORMAT, "%s: annotation %zu: segment %zu lacks 'id' or "
                             "'category_id'", file, idx, i);
        }
        num_field(e, "iscrowd", &crowd);
        if (gt && num_field(e, "area", &area)) {
            free(s);
            return seg__fail(SEG_EFORMAT, "%s: annotation %zu: segment %zu has no 'area'", file,
                             idx, i);
        }
        s[i].id = (int64_t)id;
        s[i].category_id = (int64_t)cat;
        s[i].iscrowd = (int)crowd;
        s[i].area = area;
        i++;
    }
    *out = s;
    *n = m;
    return SEG_OK;
}

static int read_png(const char *dir, const char *name, seg_image *img, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    seg_read_options o = seg_read_options_default();
    o.mode = SEG_IMREAD_COLOR;
    o.order = SEG_ORDER_RGB;
    return seg_imread(path, img, &o);
}

int seg_pq_evaluate_files(const char *gt_json, const char *gt_dir, const char *pred_json,
                          const char *pred_dir, seg_progress_fn progress, void *user,
                          seg_pq **out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "pq_evaluate_files: out is NULL");
    *out = NULL;
    if (!gt_json || !gt_dir || !pred_json || !pred_dir)
        return seg__fail(SEG_EINVAL, "pq_evaluate_files: NULL path");
    cJSON *g = NULL, *p = NULL;
    seg_pq *pq = NULL;
    int64_t *ids = NULL;
    int *things = NULL;
    int st = read_json(gt_json, &g);
    if (!st)
        st = read_json(pred_json, &p);
    if (st)
        goto done;
    const cJSON *cats = cJSON_GetObjectItemCaseSensitive(g, "categories");
    const cJSON *ganns = cJSON_GetObjectItemCaseSensitive(g, "annotations");
    const cJSON *panns = cJSON_GetObjectItemCaseSensitive(p, "annotations");
    if (!cJSON_IsArray(cats) || !cJSON_IsArray(ganns)) {
        st = seg__fail(SEG_EFORMAT, "%s: needs 'categories' and 'annotations' lists", gt_json);
        goto done;
    }
    if (!cJSON_IsArray(panns)) {
        st = seg__fail(SEG_EFORMAT, "%s: needs an 'annotations' list", pred_json);
        goto done;
    }
    size_t nc = (size_t)cJSON_GetArraySize(cats), k = 0;
    ids = malloc((nc ? nc : 1) * sizeof *ids);
    things = malloc((nc ? nc : 1) * sizeof *things);
    if (!ids || !things) {
        st = seg__fail(SEG_ENOMEM, "pq_evaluate_files: out of memory");
        goto done;
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, cats)
    {
        double id, th = 0;
        if (num_field(c, "id", &id)) {
            st = seg__fail(SEG_EFORMAT, "%s: category %zu has no 'id'", gt_json, k);
            goto done;
        }
        num_field(c, "isthing", &th);
        ids[k] = (int64_t)id;
        things[k++] = th == 1;
    }
    if ((st = seg_pq_create(ids, things, nc, &pq)) != 0)
        goto done;
    k = 0;
    cJSON_ArrayForEach(c, cats)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(c, "name");
        if ((st = seg__pq_set_name(pq, k++, cJSON_IsString(n) ? n->valuestring : "")) != 0)
            goto done;
    }
    size_t total = (size_t)cJSON_GetArraySize(ganns), done_n = 0;
    const cJSON *ga;
    cJSON_ArrayForEach(ga, ganns)
    {
        double img_id;
        const cJSON *gfn = cJSON_GetObjectItemCaseSensitive(ga, "file_name");
        if (num_field(ga, "image_id", &img_id) || !cJSON_IsString(gfn)) {
            st = seg__fail(SEG_EFORMAT, "%s: annotation %zu lacks 'image_id' or 'file_name'",
                           gt_json, done_n);
            goto done;
        }
        const cJSON *pa = NULL, *x;
        size_t pidx = 0, j = 0;
        cJSON_ArrayForEach(x, panns)
        {
            double pid;
            if (!num_field(x, "image_id", &pid) && pid == img_id) {
                pa = x;
                pidx = j;
            }
            j++;
        }
        const cJSON *pfn = pa ? cJSON_GetObjectItemCaseSensitive(pa, "file_name") : NULL;
        if (!pa || !cJSON_IsString(pfn)) {
            st = seg__fail(SEG_EFORMAT, "%s: no prediction (with a file_name) for image_id %.0f",
                           pred_json, img_id);
            goto done;
        }
        seg_panoptic_segment *gs = NULL, *ps = NULL;
        size_t ng = 0, np = 0;
        seg_image gi = {0}, pi = {0};
        char gpath[4096], ppath[4096];
        st = segments(gt_json, ga, done_n, 1, &gs, &ng);
        if (!st)
            st = segments(pred_json, pa, pidx, 0, &ps, &np);
        if (!st)
            st = read_png(gt_dir, gfn->valuestring, &gi, gpath, sizeof gpath);
        if (!st)
            st = read_png(pred_dir, pfn->valuestring, &pi, ppath, sizeof ppath);
        if (!st) {
            st = seg_pq_update(pq, &gi, gs, ng, &pi, ps, np);
            if (st) {
                char msg[400];
                snprintf(msg, sizeof msg, "%s", seg_last_error());
                st = seg__fail(st, "%s: %s", ppath, msg);
            }
        }
        free(gs);
        free(ps);
        seg_image_free(&gi);
        seg_image_free(&pi);
        if (st)
            goto done;
        done_n++;
        if (progress)
            progress(user, done_n, total);
    }
done:
    cJSON_Delete(g);
    cJSON_Delete(p);
    free(ids);
    free(things);
    if (st) {
        seg_pq_destroy(pq);
        return st;
    }
    *out = pq;
    return SEG_OK;
}
