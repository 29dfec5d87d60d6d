/* Reading COCO annotation and result files (pycocotools' COCO and COCO.loadRes).
 *
 * The top level is scanned by hand and each element of "images", "categories" and
 * "annotations" (or of a result array) is parsed with cJSON on its own and freed at
 * once, so memory holds the compact arrays below, never the whole JSON tree. */
#include "eval/eval_internal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- growable arrays ---- */

int seg__coco_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    /* an array once grown is never NULL, even for nothing: its users form pointers
     * base + offset, and NULL + 0 is undefined in C */
    if (need <= *cap && *p)
        return 0;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return -1;
        n *= 2;
    }
    size_t bytes;
    if (!seg__mul(n, elem, &bytes))
        return -1;
    void *q = realloc(*p, bytes);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

#define GROW(c, arr, count, capf, add) \
    seg__coco_grow((void **)&(c)->arr, &(c)->capf, (c)->count + (add), sizeof *(c)->arr)

/* ---- error messages: "<file>: <item> <i>: <what>" ---- */

typedef struct ctx {
    seg_coco *c;
    const char *item; /* "annotation", "result", "image", "category" */
    size_t index;
    const seg_coco *gt; /* results: the ground truth */
    int mode;           /* results: 0 undecided, 1 bbox, 2 segmentation */
} ctx;

static int fail_item(const ctx *x, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_item(const ctx *x, int status, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return seg__fail(status, "%s: %s %zu: %s", x->c->name, x->item, x->index, msg);
}

char *seg__coco_dup_str(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

/* ---- fields ---- */

/* An integral JSON number (or, as pycocotools tolerates, none other) as an id. */
static int get_id(const ctx *x, const cJSON *o, const char *key, int required, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v) {
        if (required)
            return fail_item(x, SEG_EFORMAT, "missing '%s'", key);
        return 1;
    }
    if (!cJSON_IsNumber(v))
        return fail_item(x, SEG_EFORMAT, "'%s' is not a number (only integer ids are "
                         "supported)", key);
    double d = v->valuedouble;
    if (!(fabs(d) <= 9007199254740992.0) || floor(d) != d)
        return fail_item(x, SEG_EFORMAT, "'%s' = %g is not an integer", key, d);
    *out = (int64_t)d;
    return 0;
}

static int get_number(const ctx *x, const cJSON *o, const char *key, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v || cJSON_IsNull(v))
        return 1;
    if (cJSON_IsBool(v)) {
        *out = cJSON_IsTrue(v);
        return 0;
    }
    if (!cJSON_IsNumber(v))
        return fail_item(x, SEG_EFORMAT, "'%s' is not a number", key);
    *out = v->valuedouble;
    return 0;
}

static int get_bbox(const ctx *x, const cJSON *o, int *has, double bb[4])
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "bbox");
    *has = 0;
    if (!v)
        return 0;
    if (!cJSON_IsArray(v))
        return fail_item(x, SEG_EFORMAT, "'bbox' is not an array");
    int n = cJSON_GetArraySize(v);
    if (n == 0)
        return 0; /* loadRes treats [] as no box */
    if (n != 4)
        return fail_item(x, SEG_EFORMAT, "'bbox' has %d numbers, not 4", n);
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
    {
        if (!cJSON_IsNumber(e))
            return fail_item(x, SEG_EFORMAT, "'bbox' element %d is not a number", i);
        bb[i++] = e->valuedouble;
    }
    *has = 1;
    return 0;
}

static int get_size(const ctx *x, const cJSON *r, int *h, int *w)
{
    const cJSON *size = cJSON_GetObjectItemCaseSensitive(r, "size");
    if (!cJSON_IsArray(size) || cJSON_GetArraySize(size) != 2)
        return fail_item(x, SEG_EFORMAT, "RLE 'size' is not [height, width]");
    double v[2];
    for (int i = 0; i < 2; i++) {
        const cJSON *e = cJSON_GetArrayItem(size, i);
        if (!cJSON_IsNumber(e) || !(e->valuedouble >= 0 && e->valuedouble <= 2147483647.0) ||
            floor(e->valuedouble) != e->valuedouble)
            return fail_item(x, SEG_EFORMAT, "RLE 'size' element %d is not a non-negative "
                             "integer", i);
        v[i] = e->valuedouble;
    }
    *h = (int)v[0];
    *w = (int)v[1];
    return 0;
}

/* tmp (when the counts are a string): the decoded RLE, for area/bbox; caller frees. */
static int parse_rle(const ctx *x, const cJSON *r, coco_ann *a, seg_rle *tmp)
{
    seg_coco *c = x->c;
    int h = 0, w = 0, st = get_size(x, r, &h, &w);
    if (st)
        return st;
    const cJSON *counts = cJSON_GetObjectItemCaseSensitive(r, "counts");
    a->kind = SEG_COCO_SEGM_RLE;
    a->rle_h = h;
    a->rle_w = w;
    if (cJSON_IsString(counts)) {
        const char *s = counts->valuestring;
        size_t len = strlen(s);
        st = seg_rle_from_string(s, len, h, w, tmp); /* validates */
        if (st) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s", seg_last_error());
            return fail_item(x, st, "segmentation %s", msg);
        }
        if (GROW(c, str, nstr, cap_str, len))
            return seg__fail(SEG_ENOMEM, "%s: out of memory", c->name);
        if (len) /* an empty string leaves str NULL: no NULL + 0 */
            memcpy(c->str + c->nstr, s, len);
        a->cnt_off = c->nstr;
        a->cnt_m = len;
        c->nstr += len;
        a->compressed = 1;
        return 0;
    }
    a->cnt_off = c->ncnt;
    if (!cJSON_IsArray(counts))
        return fail_item(x, SEG_EFORMAT, "RLE 'counts' is neither a string nor a list");
    size_t m = (size_t)cJSON_GetArraySize(counts);
    if (GROW(c, cnt, ncnt, cap_cnt, m))
        return seg__fail(SEG_ENOMEM, "%s: out of memory", c->name);
    uint64_t total = 0;
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, counts)
    {
        double d = cJSON_IsNumber(e) ? e->valuedouble : -1;
        if (!(d >= 0 && d <= 4294967295.0) || floor(d) != d)
            return fail_item(x, SEG_EFORMAT, "RLE count %zu is not an integer in 0..2^32-1", i);
        c->cnt[c->ncnt + i++] = (uint32_t)d;
        total += (uint64_t)d;
    }
    if (total != (uint64_t)h * (uint64_t)w)
        return fail_item(x, SEG_EFORMAT, "RLE counts add up to %llu, not %dx%d = %llu",
                         (unsigned long long)total, h, w, (unsigned long long)h * w);
    c->ncnt += m;
    a->cnt_m = m;
    return 0;
}

static int parse_polygons(const ctx *x, const cJSON *v, coco_ann *a)
{
    seg_coco *c = x->c;
    size_t np = (size_t)cJSON_GetArraySize(v);
    if (GROW(c, poly_len, npoly_len, cap_poly_len, np))
        return seg__fail(SEG_ENOMEM, "%s: out of memory", c->name);
    a->kind = SEG_COCO_SEGM_POLYGON;
    a->poly_off = c->npoly_len;
    a->xy_off = c->nxy;
    a->npoly = 0;
    size_t pi = 0;
    const cJSON *part;
    cJSON_ArrayForEach(part, v)
    {
        if (!cJSON_IsArray(part))
            return fail_item(x, SEG_EFORMAT, "segmentation polygon %zu is not a list of "
                             "numbers", pi);
        size_t n = (size_t)cJSON_GetArraySize(part);
        if (n % 2)
            return fail_item(x, SEG_EFORMAT, "segmentation has odd coordinate count (%zu in "
                             "polygon %zu)", n, pi);
        if (n < 2 || n > UINT32_MAX)
            return fail_item(x, SEG_EFORMAT, "segmentation polygon %zu has %zu coordinates",
                             pi, n);
        if (GROW(c, xy, nxy, cap_xy, n))
            return seg__fail(SEG_ENOMEM, "%s: out of memory", c->name);
        size_t k = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, part)
        {
            if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble))
                return fail_item(x, SEG_EFORMAT, "segmentation polygon %zu coordinate %zu is "
                                 "not a finite number", pi, k);
            c->xy[c->nxy + k++] = e->valuedouble;
        }
        c->nxy += n;
        c->poly_len[c->npoly_len++] = (uint32_t)n;
        a->npoly++;
        pi++;
    }
    return 0;
}

static int parse_result_fields(ctx *x, const cJSON *o, coco_ann *a, const seg_rle *tmp);

static int parse_ann(ctx *x, const cJSON *o)
{
    seg_coco *c = x->c;
    if (!cJSON_IsObject(o))
        return fail_item(x, SEG_EFORMAT, "is not an object");
    if (GROW(c, anns, nanns, cap_anns, 1))
        return seg__fail(SEG_ENOMEM, "%s: out of memory", c->name);
    coco_ann *a = &c->anns[c->nanns];
    memset(a, 0, sizeof *a);
    a->area = NAN;
    a->score = NAN;
    a->img = a->cat = -1;
    int st;
    if (c->is_results)
        a->id = (int64_t)x->index + 1; /* loadRes: ann['id'] = id + 1 */
    else if ((st = get_id(x, o, "id", 1, &a->id)) != 0)
        return st;
    if ((st = get_id(x, o, "image_id", 1, &a->image_id)) != 0 ||
        (st = get_id(x, o, "category_id", 1, &a->category_id)) != 0)
        return st;
    double crowd = 0;
    if ((st = get_number(x, o, "iscrowd", &crowd)) < 0)
        return st;
    a->iscrowd = crowd != 0;
    int has;
    if ((st = get_bbox(x, o, &has, a->bbox)) != 0)
        return st;
    a->has_bbox = (uint8_t)has;
    if ((st = get_number(x, o, "area", &a->area)) < 0)
        return st;
    st = 0;
    const cJSON *seg = cJSON_GetObjectItemCaseSensitive(o, "segmentation");
    seg_rle tmp = {0, 0, 0, NULL};
    if (seg && cJSON_IsArray(seg))
        st = parse_polygons(x, seg, a);
    else if (seg && cJSON_IsObject(seg))
        st = parse_rle(x, seg, a, &tmp);
    else if (seg && !cJSON_IsNull(seg))
        return fail_item(x, SEG_EFORMAT, "segmentation is neither a polygon list nor an RLE");
    if (st) {
        seg_rle_free(&tmp);
        return st;
    }
    st = parse_result_fields(x, o, a, &tmp);
    seg_rle_free(&tmp);
    if (st)
        return st;
    c->nanns++;
    return 0;
}

/* loadRes' per-result rules; tmp is the decoded string RLE, if any. */
static int parse_result_fields(ctx *x, const cJSON *o, coco_ann *a, const seg_rle *tmp)
{
    int st;
    if (x->c->is_results) {
        a->iscrowd = 0;
        double score = NAN;
        if ((st = get_number(x, o, "score", &score)) != 0)
            return st < 0 ? st : fail_item(x, SEG_EFORMAT, "missing 'score'");
        a->score = score;
        if (x->mode == 0)
            x->mode = a->has_bbox ? 1 : a->kind ? 2 : 0;
        if (x->mode == 0)
            return fail_item(x, SEG_EFORMAT, "has neither 'bbox' nor 'segmentation' (keypoint "
                             "and caption results are not supported)");
        int64_t ii = seg__coco_img_index(x->gt, a->image_id);
        if (ii < 0)
            return fail_item(x, SEG_EFORMAT, "image_id %lld is not in the ground truth",
                             (long long)a->image_id);
        if (seg__coco_cat_index(x->gt, a->category_id) < 0)
            return fail_item(x, SEG_EFORMAT, "category_id %lld is not in the ground truth",
                             (long long)a->category_id);
        if (x->mode == 1) {
            if (!a->has_bbox)
                return fail_item(x, SEG_EFORMAT, "has no 'bbox' (the first result has one, so "
                                 "all must)");
            if (!a->kind)
                a->kind = SEG_COCO_SEGM_BOX;
            a->area = a->bbox[2] * a->bbox[3];
        } else if (!a->kind) {
            return fail_item(x, SEG_EFORMAT, "has no 'segmentation' (the first result has one, "
                             "so all must)");
        } else if (tmp->counts) {
            /* mask branch: area and a missing bbox from the mask, while it is decoded */
            a->area = (double)(uint32_t)seg_rle_area(tmp);
            a->area_set = 1;
            if (!a->has_bbox) {
                seg_rle_to_bbox(tmp, a->bbox);
                a->has_bbox = 1;
                a->bbox_derived = 1;
            }
        }
    }
    return 0;
}

static int parse_image(ctx *x, const cJSON *o)
{
    seg_coco *c = x->c;
    if (!cJSON_IsObject(o))
        return fail_item(x, SEG_EFORMAT, "is not an object");
    if (GROW(c, images, nimages, cap_images, 1))
        return seg__fail(SEG_ENOMEM, "%s: out of memory", c->name);
    coco_image *im = &c->images[c->nimages];
    memset(im, 0, sizeof *im);
    int st = get_id(x, o, "id", 1, &im->id);
    if (st)
        return st;
    double v;
    for (int k = 0; k < 2; k++) {
        const char *key = k ? "width" : "height";
        v = 0;
        if ((st = get_number(x, o, key, &v)) < 0)
            return st;
        if (!(v >= 0 && v <= 2147483647.0) || floor(v) != v)
            return fail_item(x, SEG_EFORMAT, "'%s' is not a non-negative integer", key);
        *(k ? &im->width : &im->height) = (int)v;
    }
    const cJSON *fn = cJSON_GetObjectItemCaseSensitive(o, "file_name");
    im->file_name = seg__coco_dup_str(cJSON_IsString(fn) ? fn->valuestring : "");
    if (!im->file_name)
        return seg__fail(SEG_ENOMEM, "%s: out of memory", c->name);
    c->nimages++;
    return 0;
}

static int parse_cat(ctx *x, const cJSON *o)
{
    seg_coco *c = x->c;
    if (!cJSON_IsObject(o))
        return fail_item(x, SEG_EFORMAT, "is not an object");
    if (GROW(c, cats, ncats, cap_cats, 1))
        return seg__fail(SEG_ENOMEM, "%s: out of memory", c->name);
    coco_cat *k = &c->cats[c->ncats];
    memset(k, 0, sizeof *k);
    int st = get_id(x, o, "id", 1, &k->id);
    if (st)
        return st;
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "name");
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "supercategory");
    k->name = seg__coco_dup_str(cJSON_IsString(n) ? n->valuestring : "");
    k->supercategory = seg__coco_dup_str(cJSON_IsString(s) ? s->valuestring : "");
    c->ncats++; /* counted first so destroy frees both strings */
    if (!k->name || !k->supercategory)
        return seg__fail(SEG_ENOMEM, "%s: out of memory", c->name);
    return 0;
}

/* ---- the top-level scanner ---- */

typedef struct scan {
    const char *s;
    size_t n, p;
    const char *name;
} scan;

static void skip_ws(scan *sc)
{
    while (sc->p < sc->n && (sc->s[sc->p] == ' ' || sc->s[sc->p] == '\t' ||
                             sc->s[sc->p] == '\n' || sc->s[sc->p] == '\r'))
        sc->p++;
}

static int syntax(const scan *sc, size_t at, const char *what)
{
    size_t line = 1, col = 1;
    for (size_t i = 0; i < at && i < sc->n; i++) {
        if (sc->s[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    return seg__fail(SEG_EFORMAT, "%s: malformed JSON at line %zu column %zu (byte %zu): %s",
                     sc->name, line, col, at, what);
}

static int expect(scan *sc, char ch, const char *what)
{
    skip_ws(sc);
    if (sc->p >= sc->n || sc->s[sc->p] != ch)
        return syntax(sc, sc->p, what);
    sc->p++;
    return 0;
}

/* Parse one JSON value at the cursor with cJSON. */
static int parse_value(scan *sc, cJSON **out)
{
    const char *end = NULL;
    skip_ws(sc);
    *out = cJSON_ParseWithLengthOpts(sc->s + sc->p, sc->n - sc->p, &end, 0);
    if (!*out) {
        size_t at = end && end >= sc->s + sc->p ? (size_t)(end - sc->s) : sc->p;
        if (!end)
            return seg__fail(SEG_ENOMEM, "%s: out of memory parsing JSON", sc->name);
        return syntax(sc, at, "invalid value");
    }
    sc->p = (size_t)(end - sc->s);
    return 0;
}

typedef int (*elem_fn)(ctx *x, const cJSON *o);

/* Walk an array at the cursor, handing each element to fn. */
static int each_element(scan *sc, ctx *x, elem_fn fn)
{
    int st = expect(sc, '[', "expected '['");
    if (st)
        return st;
    skip_ws(sc);
    if (sc->p < sc->n && sc->s[sc->p] == ']') {
        sc->p++;
        return 0;
    }
    for (x->index = 0;; x->index++) {
        cJSON *o;
        if ((st = parse_value(sc, &o)) != 0)
            return st;
        st = fn(x, o);
        cJSON_Delete(o);
        if (st)
            return st;
        skip_ws(sc);
        if (sc->p < sc->n && sc->s[sc->p] == ',') {
            sc->p++;
            continue;
        }
        return expect(sc, ']', "expected ',' or ']' after an array element");
    }
}

/* A JSON string key at the cursor, compared raw against the names we need. */
static int read_key(scan *sc, const char **k, size_t *klen)
{
    int st = expect(sc, '"', "expected a key string");
    if (st)
        return st;
    size_t b = sc->p;
    while (sc->p < sc->n && sc->s[sc->p] != '"') {
        if (sc->s[sc->p] == '\\')
            sc->p++;
        sc->p++;
    }
    if (sc->p >= sc->n)
        return syntax(sc, b, "unterminated string");
    *k = sc->s + b;
    *klen = sc->p - b;
    sc->p++;
    return expect(sc, ':', "expected ':' after a key");
}

static int key_is(const char *k, size_t n, const char *name)
{
    return strlen(name) == n && memcmp(k, name, n) == 0;
}


static int parse_dataset(seg_coco *c, scan *sc)
{
    int st = expect(sc, '{', "an annotation file must be a JSON object");
    if (st)
        return st;
    skip_ws(sc);
    if (sc->p < sc->n && sc->s[sc->p] == '}') {
        sc->p++;
    } else {
        for (;;) {
            const char *k = NULL;
            size_t kl = 0;
            if ((st = read_key(sc, &k, &kl)) != 0)
                return st;
            ctx x = {c, "", 0, NULL, 0};
            if (key_is(k, kl, "images")) {
                x.item = "image";
                st = each_element(sc, &x, parse_image);
            } else if (key_is(k, kl, "categories")) {
                x.item = "category";
                st = each_element(sc, &x, parse_cat);
            } else if (key_is(k, kl, "annotations")) {
                x.item = "annotation";
                st = each_element(sc, &x, parse_ann);
            } else {
                cJSON *o;
                st = parse_value(sc, &o);
                cJSON_Delete(o);
            }
            if (st)
                return st;
            skip_ws(sc);
            if (sc->p < sc->n && sc->s[sc->p] == ',') {
                sc->p++;
                continue;
            }
            if ((st = expect(sc, '}', "expected ',' or '}'")) != 0)
                return st;
            break;
        }
    }
    skip_ws(sc);
    if (sc->p != sc->n)
        return syntax(sc, sc->p, "trailing data after the top-level value");
    return seg__coco_finish_index(c);
}

/* ---- index ---- */

typedef struct idpos {
    int64_t id;
    int32_t pos;
} idpos;

static int cmp_idpos(const void *a, const void *b)
{
    const idpos *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id ? 1 : (x->pos > y->pos) - (x->pos < y->pos);
}

static int build_ids(seg_coco *c, size_t n, int64_t (*get)(const seg_coco *, size_t),
                     int64_t **ids, int32_t **pos, const char *item)
{
    if (n > INT32_MAX)
        return seg__fail(SEG_ELIMIT, "%s: too many %ss", c->name, item);
    idpos *t = malloc((n ? n : 1) * sizeof *t);
    *ids = malloc((n ? n : 1) * sizeof **ids);
    *pos = malloc((n ? n : 1) * sizeof **pos);
    if (!t || !*ids || !*pos) {
        free(t);
        return seg__fail(SEG_ENOMEM, "%s: out of memory", c->name);
    }
    for (size_t i = 0; i < n; i++) {
        t[i].id = get(c, i);
        t[i].pos = (int32_t)i;
    }
    qsort(t, n, sizeof *t, cmp_idpos);
    for (size_t i = 0; i < n; i++) {
        if (i && t[i].id == t[i - 1].id) {
            int64_t id = t[i].id;
            int32_t p = t[i].pos;
            free(t);
            return seg__fail(SEG_EFORMAT, "%s: %s %d: duplicate id %lld", c->name, item, p,
                             (long long)id);
        }
        (*ids)[i] = t[i].id;
        (*pos)[i] = t[i].pos;
    }
    free(t);
    return 0;
}

static int64_t img_id_at(const seg_coco *c, size_t i)
{
    return c->images[i].id;
}

static int64_t cat_id_at(const seg_coco *c, size_t i)
{
    return c->cats[i].id;
}

static int64_t find_sorted(const int64_t *ids, const int32_t *pos, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ids[lo] == id ? pos[lo] : -1;
}

int64_t seg__coco_img_index(const seg_coco *c, int64_t id)
{
    return find_sorted(c->img_ids, c->img_pos, c->nimages, id);
}

int64_t seg__coco_cat_index(const seg_coco *c, int64_t id)
{
    return find_sorted(c->cat_ids, c->cat_pos, c->ncats, id);
}

int seg__coco_finish_index(seg_coco *c)
{
    int st;
    free(c->img_ann_start);
    free(c->img_ann);
    c->img_ann_start = c->img_ann = NULL;
    if (!c->is_results) {
        free(c->img_ids);
        free(c->img_pos);
        free(c->cat_ids);
        free(c->cat_pos);
        c->img_ids = c->cat_ids = NULL;
        c->img_pos = c->cat_pos = NULL;
        if ((st = build_ids(c, c->nimages, img_id_at, &c->img_ids, &c->img_pos, "image")) != 0 ||
            (st = build_ids(c, c->ncats, cat_id_at, &c->cat_ids, &c->cat_pos, "category")) != 0)
            return st;
    }
    const char *item = c->is_results ? "result" : "annotation";
    size_t *count = calloc(c->nimages + 1, sizeof *count);
    if (!count)
        return seg__fail(SEG_ENOMEM, "%s: out of memory", c->name);
    for (size_t i = 0; i < c->nanns; i++) {
        coco_ann *a = &c->anns[i];
        int64_t ii = seg__coco_img_index(c, a->image_id);
        int64_t ci = seg__coco_cat_index(c, a->category_id);
        if (ii < 0 || ci < 0) {
            free(count);
            return seg__fail(SEG_EFORMAT, "%s: %s %zu: %s %lld is not in the %s", c->name, item,
                             i, ii < 0 ? "image_id" : "category_id",
                             (long long)(ii < 0 ? a->image_id : a->category_id),
                             ii < 0 ? "images" : "categories");
        }
        a->img = (int32_t)ii;
        a->cat = (int32_t)ci;
        const coco_image *im = &c->images[ii];
        if (a->kind == SEG_COCO_SEGM_RLE && im->height > 0 && im->width > 0 &&
            (a->rle_h != im->height || a->rle_w != im->width)) {
            free(count);
            return seg__fail(SEG_EFORMAT, "%s: %s %zu: RLE size %dx%d differs from image %lld's "
                             "size %dx%d (height x width)", c->name, item, i, a->rle_h,
                             a->rle_w, (long long)im->id, im->height, im->width);
        }
        count[ii + 1]++;
    }
    for (size_t i = 0; i < c->nimages; i++)
        count[i + 1] += count[i];
    c->img_ann_start = count;
    c->img_ann = malloc((c->nanns ? c->nanns : 1) * sizeof *c->img_ann);
    size_t *fill = malloc((c->nimages ? c->nimages : 1) * sizeof *fill);
    if (!c->img_ann || !fill) {
        free(fill);
        return seg__fail(SEG_ENOMEM, "%s: out of memory", c->name);
    }
    memcpy(fill, count, c->nimages * sizeof *fill);
    for (size_t i = 0; i < c->nanns; i++)
        c->img_ann[fill[c->anns[i].img]++] = i;
    free(fill);
    /* Results: area and bbox from the masks (loadRes' segmentation branch). */
    if (c->is_results) {
        for (size_t i = 0; i < c->nanns; i++) {
            coco_ann *a = &c->anns[i];
            if (c->res_mode != 2 || a->area_set)
                continue; /* boxes: area = w * h, set while parsing; string RLEs too */
            seg_rle r;
            int owned;
            if ((st = seg__coco_ann_rle_view(c, i, &r, &owned)) != 0)
                return st;
            a->area = (double)(uint32_t)seg_rle_area(&r);
            if (!a->has_bbox) {
                seg_rle_to_bbox(&r, a->bbox);
                a->has_bbox = 1;
                a->bbox_derived = 1;
            }
            if (owned)
                seg_rle_free(&r);
        }
    }
    return 0;
}

/* ---- loading ---- */

void seg_coco_destroy(seg_coco *c)
{
    if (!c)
        return;
    if (!c->is_results) {
        for (size_t i = 0; i < c->nimages; i++)
            free(c->images[i].file_name);
        for (size_t i = 0; i < c->ncats; i++) {
            free(c->cats[i].name);
            free(c->cats[i].supercategory);
        }
        free(c->images);
        free(c->cats);
        free(c->img_ids);
        free(c->img_pos);
        free(c->cat_ids);
        free(c->cat_pos);
    }
    free(c->anns);
    free(c->poly_len);
    free(c->xy);
    free(c->cnt);
    free(c->str);
    free(c->img_ann_start);
    free(c->img_ann);
    free(c->name);
    free(c);
}

seg_coco *seg__coco_new(const char *name)
{
    seg_coco *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->name = seg__coco_dup_str(name ? name : "<memory>");
    /* the payload arrays exist from the start (see seg__coco_grow) */
    if (!c->name || GROW(c, str, nstr, cap_str, 0) || GROW(c, cnt, ncnt, cap_cnt, 0) ||
        GROW(c, poly_len, npoly_len, cap_poly_len, 0) || GROW(c, xy, nxy, cap_xy, 0)) {
        seg_coco_destroy(c);
        return NULL;
    }
    return c;
}

static int load_common(const seg_coco *gt, const char *json, size_t len, const char *name,
                       seg_coco **out)
{
    seg_coco *c = seg__coco_new(name);
    if (!c)
        return seg__fail(SEG_ENOMEM, "coco: out of memory");
    scan sc = {json, len, 0, c->name};
    int st;
    if (!gt) {
        st = parse_dataset(c, &sc);
    } else {
        /* Results share gt's images and categories (loadRes copies them). */
        c->is_results = 1;
        c->images = gt->images;
        c->nimages = gt->nimages;
        c->cats = gt->cats;
        c->ncats = gt->ncats;
        c->img_ids = gt->img_ids;
        c->img_pos = gt->img_pos;
        c->cat_ids = gt->cat_ids;
        c->cat_pos = gt->cat_pos;
        ctx x = {c, "result", 0, gt, 0};
        skip_ws(&sc);
        if (sc.p >= sc.n || sc.s[sc.p] != '[')
            st = syntax(&sc, sc.p, "a result file must be a JSON array of objects");
        else
            st = each_element(&sc, &x, parse_ann);
        if (!st) {
            skip_ws(&sc);
            if (sc.p != sc.n)
                st = syntax(&sc, sc.p, "trailing data after the top-level value");
        }
        c->res_mode = x.mode;
        if (!st)
            st = seg__coco_finish_index(c);
    }
    if (st) {
        seg_coco_destroy(c);
        return st;
    }
    *out = c;
    return SEG_OK;
}

static int load_file(const seg_coco *gt, const char *path, seg_coco **out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "coco_load: out is NULL");
    *out = NULL;
    if (!path)
        return seg__fail(SEG_EINVAL, "coco_load: path is NULL");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return seg__fail(SEG_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return seg__fail(SEG_EIO, "%s: not a regular file", path);
    }
    size_t len = (size_t)sb.st_size;
    const char *data = "";
    void *map = NULL;
    if (len) {
        /* Mapped read-only: the pages are the page cache's, not a heap copy. */
        map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            close(fd);
            return seg__fail(SEG_EIO, "%s: cannot map: %s", path, strerror(errno));
        }
        madvise(map, len, MADV_SEQUENTIAL);
        data = map;
    }
    close(fd);
    int st = load_common(gt, data, len, path, out);
    if (map)
        munmap(map, len);
    return st;
}

int seg_coco_load(const char *path, seg_coco **out)
{
    return load_file(NULL, path, out);
}

int seg_coco_load_buffer(const char *json, size_t len, const char *name, seg_coco **out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "coco_load: out is NULL");
    *out = NULL;
    if (!json && len)
        return seg__fail(SEG_EINVAL, "coco_load: json is NULL");
    return load_common(NULL, json ? json : "", len, name, out);
}

int seg_coco_load_results(const seg_coco *gt, const char *path, seg_coco **out)
{
    if (!gt || gt->is_results || gt->dirty) {
        seg__clear_error();
        if (out)
            *out = NULL;
        return seg__fail(SEG_EINVAL, "coco_load_results: gt must be a finished ground-truth "
                         "dataset");
    }
    return load_file(gt, path, out);
}

int seg_coco_load_results_buffer(const seg_coco *gt, const char *json, size_t len,
                                 const char *name, seg_coco **out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "coco_load_results: out is NULL");
    *out = NULL;
    if (!gt || gt->is_results || gt->dirty)
        return seg__fail(SEG_EINVAL, "coco_load_results: gt must be a finished ground-truth "
                         "dataset");
    if (!json && len)
        return seg__fail(SEG_EINVAL, "coco_load_results: json is NULL");
    return load_common(gt, json ? json : "", len, name, out);
}

