/* Writing COCO result files and dataset files (what json.dump of pycocotools' dicts
 * gives, with numbers in their shortest round-trip form). */
#include "eval/eval_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Shortest of %.15g..%.17g that reads back to the same double, like Python's repr for
 * almost all values; integers print without a fraction. */
static void put_num(FILE *f, double v)
{
    char buf[40];
    if (!isfinite(v)) {
        fputs("null", f); /* JSON has no NaN/Inf */
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, f);
}

static void put_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static int put_segmentation(FILE *f, const seg_coco *c, const coco_ann *a, int rle)
{
    if (a->kind == SEG_COCO_SEGM_POLYGON) {
        const uint32_t *len = c->poly_len + a->poly_off;
        const double *xy = c->xy + a->xy_off;
        fputc('[', f);
        for (uint32_t p = 0; p < a->npoly; p++) {
            fputs(p ? ", [" : "[", f);
            for (uint32_t j = 0; j < len[p]; j++) {
                if (j)
                    fputs(", ", f);
                put_num(f, *xy++);
            }
            fputc(']', f);
        }
        fputc(']', f);
        return 0;
    }
    fprintf(f, "{\"size\": [%d, %d], \"counts\": ", a->rle_h, a->rle_w);
    if (a->compressed) {
        /* the string as read (canonical strings re-encode to the same bytes) */
        fputc('"', f);
        for (size_t j = 0; j < a->cnt_m; j++) {
            char ch = c->str[a->cnt_off + j];
            if (ch == '\\' || ch == '"')
                fputc('\\', f);
            fputc(ch, f);
        }
        fputs("\"}", f);
        return 0;
    }
    seg_rle r = {a->rle_h, a->rle_w, a->cnt_m, c->cnt + a->cnt_off};
    if (c->is_results || rle) {
        size_t n;
        seg_rle_to_string(&r, NULL, 0, &n);
        char *s = malloc(n + 1);
        if (!s)
            return seg__fail(SEG_ENOMEM, "coco_save: out of memory");
        seg_rle_to_string(&r, s, n + 1, &n);
        put_str(f, s);
        fputc('}', f);
        free(s);
    } else {
        fputc('[', f);
        for (size_t j = 0; j < r.m; j++)
            fprintf(f, j ? ", %u" : "%u", r.counts[j]);
        fputs("]}", f);
    }
    return 0;
}

static int put_ann(FILE *f, const seg_coco *c, size_t i, int as_results, int rle)
{
    const coco_ann *a = &c->anns[i];
    fputs("{", f);
    if (!as_results)
        fprintf(f, "\"id\": %lld, ", (long long)a->id);
    fprintf(f, "\"image_id\": %lld, \"category_id\": %lld", (long long)a->image_id,
            (long long)a->category_id);
    if (a->kind == SEG_COCO_SEGM_POLYGON || a->kind == SEG_COCO_SEGM_RLE) {
        fputs(", \"segmentation\": ", f);
        if ((as_results || rle) && a->kind == SEG_COCO_SEGM_POLYGON) {
            /* result files carry masks as compressed RLE, like pycocotools' encode */
            seg_rle r;
            int st = seg__coco_ann_rle(c, i, &r);
            if (st)
                return st;
            size_t n;
            seg_rle_to_string(&r, NULL, 0, &n);
            char *s = malloc(n + 1);
            if (!s) {
                seg_rle_free(&r);
                return seg__fail(SEG_ENOMEM, "coco_save: out of memory");
            }
            seg_rle_to_string(&r, s, n + 1, &n);
            fprintf(f, "{\"size\": [%d, %d], \"counts\": ", r.height, r.width);
            put_str(f, s);
            fputc('}', f);
            free(s);
            seg_rle_free(&r);
        } else {
            int st = put_segmentation(f, c, a, rle);
            if (st)
                return st;
        }
    }
    /* A box derived from the mask is not written: reading it back would switch
     * loadRes to its box branch (area = w * h). */
    if (a->has_bbox && !(as_results && a->bbox_derived)) {
        fputs(", \"bbox\": [", f);
        for (int k = 0; k < 4; k++) {
            if (k)
                fputs(", ", f);
            put_num(f, a->bbox[k]);
        }
        fputc(']', f);
    }
    if (as_results) {
        fputs(", \"score\": ", f);
        put_num(f, a->score);
    } else {
        if (!isnan(a->area)) {
            fputs(", \"area\": ", f);
            put_num(f, a->area);
        }
        fprintf(f, ", \"iscrowd\": %d", a->iscrowd);
    }
    fputc('}', f);
    return 0;
}

int seg_coco_save(const seg_coco *c, const char *path, int flags)
{
    int as_results = flags & SEG_COCO_SAVE_RESULTS, rle = (flags & SEG_COCO_SAVE_RLE) != 0;
    seg__clear_error();
    if (!c || !path)
        return seg__fail(SEG_EINVAL, "coco_save: NULL argument");
    if (c->dirty)
        return seg__fail(SEG_EINVAL, "coco_save: call seg_coco_finish after adding items");
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp)
        return seg__fail(SEG_ENOMEM, "coco_save: out of memory");
    snprintf(tmp, plen + 16, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        int err = errno;
        free(tmp);
        return seg__fail(SEG_EIO, "%s: cannot write: %s", path, strerror(err));
    }
    int st = 0;
    if (as_results) {
        fputs("[", f);
        for (size_t i = 0; i < c->nanns && !st; i++) {
            fputs(i ? ",\n" : "\n", f);
            st = put_ann(f, c, i, 1, 1);
        }
        fputs("\n]\n", f);
    } else {
        fputs("{\"images\": [", f);
        for (size_t i = 0; i < c->nimages; i++) {
            const coco_image *im = &c->images[i];
            fprintf(f, "%s{\"id\": %lld, \"width\": %d, \"height\": %d, \"file_name\": ",
                    i ? ",\n" : "\n", (long long)im->id, im->width, im->height);
            put_str(f, im->file_name);
            fputc('}', f);
        }
        fputs("],\n\"categories\": [", f);
        for (size_t i = 0; i < c->ncats; i++) {
            const coco_cat *k = &c->cats[i];
            fprintf(f, "%s{\"id\": %lld, \"name\": ", i ? ",\n" : "\n", (long long)k->id);
            put_str(f, k->name);
            fputs(", \"supercategory\": ", f);
            put_str(f, k->supercategory);
            fputc('}', f);
        }
        fputs("],\n\"annotations\": [", f);
        for (size_t i = 0; i < c->nanns && !st; i++) {
            fputs(i ? ",\n" : "\n", f);
            st = put_ann(f, c, i, 0, rle);
        }
        fputs("]}\n", f);
    }
    int werr = ferror(f);
    if (fclose(f) != 0)
        werr = 1;
    if (!st && werr)
        st = seg__fail(SEG_EIO, "%s: write failed", path);
    if (!st && rename(tmp, path) != 0)
        st = seg__fail(SEG_EIO, "%s: cannot rename into place: %s", path, strerror(errno));
    if (st)
        unlink(tmp);
    free(tmp);
    return st;
}
