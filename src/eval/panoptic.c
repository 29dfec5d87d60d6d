/* Panoptic quality: panopticapi's pq_compute (pq_compute_single_core + PQStat.pq_average)
 * over segment-id images, accumulated image by image. */
#include "eval/eval_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct pq_cat {
    int64_t id;
    int isthing;
    double iou;
    int64_t tp, fp, fn;
} pq_cat;

struct seg_pq {
    char **names; /* NULL, or one per category */
    pq_cat *cats;
    size_t ncat;
    int64_t *sorted_ids; /* category ids, sorted */
    size_t *sorted_pos;
};

typedef struct idx_entry {
    int64_t id;
    size_t pos;
} idx_entry;

static int cmp_entry(const void *a, const void *b)
{
    const idx_entry *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static int64_t find_entry(const idx_entry *e, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && e[lo].id == id ? (int64_t)e[lo].pos : -1;
}

void seg_pq_destroy(seg_pq *pq)
{
    if (!pq)
        return;
    if (pq->names)
        for (size_t k = 0; k < pq->ncat; k++)
            free(pq->names[k]);
    free(pq->names);
    free(pq->cats);
    free(pq->sorted_ids);
    free(pq->sorted_pos);
    free(pq);
}

int seg_pq_create(const int64_t *category_ids, const int *isthing, size_t ncat, seg_pq **out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "pq_create: out is NULL");
    *out = NULL;
    if (ncat && (!category_ids || !isthing))
        return seg__fail(SEG_EINVAL, "pq_create: NULL categories");
    seg_pq *pq = calloc(1, sizeof *pq);
    idx_entry *e = malloc((ncat ? ncat : 1) * sizeof *e);
    if (!pq || !e) {
        free(pq);
        free(e);
        return seg__fail(SEG_ENOMEM, "pq_create: out of memory");
    }
    pq->cats = calloc(ncat ? ncat : 1, sizeof *pq->cats);
    pq->sorted_ids = malloc((ncat ? ncat : 1) * sizeof *pq->sorted_ids);
    pq->sorted_pos = malloc((ncat ? ncat : 1) * sizeof *pq->sorted_pos);
    if (!pq->cats || !pq->sorted_ids || !pq->sorted_pos) {
        free(e);
        seg_pq_destroy(pq);
        return seg__fail(SEG_ENOMEM, "pq_create: out of memory");
    }
    pq->ncat = ncat;
    for (size_t k = 0; k < ncat; k++) {
        pq->cats[k].id = category_ids[k];
        pq->cats[k].isthing = isthing[k] != 0;
        e[k].id = category_ids[k];
        e[k].pos = k;
    }
    qsort(e, ncat, sizeof *e, cmp_entry);
    for (size_t k = 0; k < ncat; k++) {
        if (k && e[k].id == e[k - 1].id) {
            int64_t id = e[k].id;
            free(e);
            seg_pq_destroy(pq);
            return seg__fail(SEG_EINVAL, "pq_create: duplicate category id %lld", (long long)id);
        }
        pq->sorted_ids[k] = e[k].id;
        pq->sorted_pos[k] = e[k].pos;
    }
    free(e);
    *out = pq;
    return SEG_OK;
}

static int64_t cat_index(const seg_pq *pq, int64_t id)
{
    size_t lo = 0, hi = pq->ncat;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pq->sorted_ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < pq->ncat && pq->sorted_ids[lo] == id ? (int64_t)pq->sorted_pos[lo] : -1;
}

static inline int64_t pixel_id(const seg_image *img, int x, int y)
{
    const uint8_t *row = seg__row(img, y);
    if (img->type == SEG_S32)
        return ((const int32_t *)(const void *)row)[x];
    const uint8_t *p = row + 3 * (size_t)x;
    return (int64_t)p[0] + 256 * (int64_t)p[1] + 65536 * (int64_t)p[2];
}

static int index_segments(const seg_panoptic_segment *s, size_t n, const char *who,
                          idx_entry **out)
{
    idx_entry *e = malloc((n ? n : 1) * sizeof *e);
    if (!e)
        return seg__fail(SEG_ENOMEM, "pq_update: out of memory");
    for (size_t i = 0; i < n; i++) {
        e[i].id = s[i].id;
        e[i].pos = i;
    }
    qsort(e, n, sizeof *e, cmp_entry);
    for (size_t i = 1; i < n; i++)
        if (e[i].id == e[i - 1].id) {
            int64_t id = e[i].id;
            free(e);
            return seg__fail(SEG_EFORMAT, "pq_update: %s segment id %lld appears twice in "
                             "segments_info", who, (long long)id);
        }
    *out = e;
    return SEG_OK;
}

int seg_pq_update(seg_pq *pq, const seg_image *gt, const seg_panoptic_segment *gs, size_t ngt,
                  const seg_image *pred, const seg_panoptic_segment *ps, size_t npred)
{
    seg__clear_error();
    if (!pq || (ngt && !gs) || (npred && !ps))
        return seg__fail(SEG_EINVAL, "pq_update: NULL argument");
    unsigned types = SEG_TYPES(SEG_U8, SEG_S32);
    int st = seg__check_input(gt, types, (1u << 1) | (1u << 3), "pq_update (gt)");
    if (!st)
        st = seg__check_input(pred, types, (1u << 1) | (1u << 3), "pq_update (pred)");
    if (st)
        return st;
    for (int k = 0; k < 2; k++) {
        const seg_image *im = k ? pred : gt;
        if ((im->type == SEG_U8) != (im->channels == 3))
            return seg__fail(SEG_ETYPE, "pq_update: %s must be u8 RGB (3 channels) or s32 ids "
                             "(1 channel)", k ? "pred" : "gt");
    }
    if (gt->width != pred->width || gt->height != pred->height)
        return seg__fail(SEG_ESIZE, "pq_update: gt is %dx%d but pred is %dx%d", gt->width,
                         gt->height, pred->width, pred->height);
    const size_t G2 = ngt + 2, P1 = npred + 1, VOIDG = ngt, UNKG = ngt + 1, VOIDP = npred;
    size_t cells;
    if (!seg__mul(G2, P1, &cells) || cells > ((size_t)1 << 26))
        return seg__fail(SEG_ELIMIT, "pq_update: %zu x %zu segments is too many", ngt, npred);
    idx_entry *ge = NULL, *pe = NULL;
    uint64_t *cnt = NULL, *parea = NULL;
    int64_t *crowd_of = NULL;
    uint8_t *gm = NULL, *pm = NULL;
    if ((st = index_segments(gs, ngt, "gt", &ge)) != 0 ||
        (st = index_segments(ps, npred, "pred", &pe)) != 0)
        goto done;
    cnt = calloc(cells, sizeof *cnt);
    parea = calloc(P1, sizeof *parea);
    crowd_of = malloc((pq->ncat ? pq->ncat : 1) * sizeof *crowd_of);
    gm = calloc(G2, 1);
    pm = calloc(P1, 1);
    if (!cnt || !parea || !crowd_of || !gm || !pm) {
        st = seg__fail(SEG_ENOMEM, "pq_update: out of memory");
        goto done;
    }
    /* one pass over the pixels: the (gt, pred) intersection table */
    int64_t last_g = -1, last_p = -1;
    size_t gi = VOIDG, pi = VOIDP;
    for (int y = 0; y < gt->height; y++)
        for (int x = 0; x < gt->width; x++) {
            int64_t g = pixel_id(gt, x, y), p = pixel_id(pred, x, y);
            if (g != last_g) {
                int64_t f = g == 0 ? -1 : find_entry(ge, ngt, g);
                gi = g == 0 ? VOIDG : f < 0 ? UNKG : (size_t)f;
                last_g = g;
            }
            if (p != last_p) {
                int64_t f = p == 0 ? -1 : find_entry(pe, npred, p);
                if (p != 0 && f < 0) {
                    st = seg__fail(SEG_EFORMAT, "pq_update: segment with id %lld at (x=%d, y=%d) "
                                   "is in the prediction PNG but not in its segments_info",
                                   (long long)p, x, y);
                    goto done;
                }
                pi = p == 0 ? VOIDP : (size_t)f;
                last_p = p;
            }
            cnt[gi * P1 + pi]++;
        }
    for (size_t g = 0; g < G2; g++)
        for (size_t p = 0; p < P1; p++)
            parea[p] += cnt[g * P1 + p];
    for (size_t p = 0; p < npred; p++) {
        if (parea[p] == 0) {
            st = seg__fail(SEG_EFORMAT, "pq_update: pred segment %lld is in segments_info but not "
                           "in the PNG", (long long)ps[p].id);
            goto done;
        }
        if (cat_index(pq, ps[p].category_id) < 0) {
            st = seg__fail(SEG_EFORMAT, "pq_update: pred segment %lld has category_id %lld, not "
                           "a known category", (long long)ps[p].id, (long long)ps[p].category_id);
            goto done;
        }
    }
    /* matched pairs, in np.unique order (gt id, then pred id) */
    for (size_t a = 0; a < ngt; a++) {
        size_t g = ge[a].pos;
        if (gs[g].iscrowd == 1)
            continue;
        int64_t k = cat_index(pq, gs[g].category_id);
        for (size_t b = 0; b < npred; b++) {
            size_t p = pe[b].pos;
            uint64_t inter = cnt[g * P1 + p];
            if (!inter || gs[g].category_id != ps[p].category_id)
                continue;
            double uni = (double)parea[p] + gs[g].area - (double)inter -
                         (double)cnt[VOIDG * P1 + p];
            double iou = (double)inter / uni;
            if (iou > 0.5 && k >= 0) {
                pq->cats[k].tp++;
                pq->cats[k].iou += iou;
                gm[g] = pm[p] = 1;
            }
        }
    }
    /* false negatives; the crowd region of each category (the last crowd segment) */
    for (size_t k = 0; k < pq->ncat; k++)
        crowd_of[k] = -1;
    for (size_t g = 0; g < ngt; g++) {
        if (gm[g])
            continue;
        int64_t k = cat_index(pq, gs[g].category_id);
        if (k < 0)
            continue; /* the reference counts it for a category it never reports */
        if (gs[g].iscrowd == 1) {
            crowd_of[k] = (int64_t)g;
            continue;
        }
        pq->cats[k].fn++;
    }
    /* false positives, unless mostly on VOID + the category's crowd region */
    for (size_t p = 0; p < npred; p++) {
        if (pm[p])
            continue;
        int64_t k = cat_index(pq, ps[p].category_id);
        uint64_t inter = cnt[VOIDG * P1 + p];
        if (crowd_of[k] >= 0)
            inter += cnt[(size_t)crowd_of[k] * P1 + p];
        if ((double)inter / (double)parea[p] > 0.5)
            continue;
        pq->cats[k].fp++;
    }
done:
    free(ge);
    free(pe);
    free(cnt);
    free(parea);
    free(crowd_of);
    free(gm);
    free(pm);
    return st;
}

static void cat_scores(const pq_cat *c, seg_pq_stat *s)
{
    s->iou_sum = c->iou;
    s->tp = c->tp;
    s->fp = c->fp;
    s->fn = c->fn;
    if (c->tp + c->fp + c->fn == 0) {
        s->pq = s->sq = s->rq = 0.0;
        return;
    }
    double den = (double)c->tp + 0.5 * (double)c->fp + 0.5 * (double)c->fn;
    s->pq = c->iou / den;
    s->sq = c->tp ? c->iou / (double)c->tp : 0;
    s->rq = (double)c->tp / den;
}

int seg_pq_category(const seg_pq *pq, size_t k, seg_pq_stat *out)
{
    seg__clear_error();
    if (!pq || !out || k >= pq->ncat)
        return seg__fail(SEG_EINVAL, "pq_category: index %zu out of range", k);
    cat_scores(&pq->cats[k], out);
    return SEG_OK;
}

int seg_pq_average(const seg_pq *pq, int which, double *pq_out, double *sq, double *rq, int *n)
{
    seg__clear_error();
    if (!pq || !pq_out || !sq || !rq || !n)
        return seg__fail(SEG_EINVAL, "pq_average: NULL argument");
    double a = 0, b = 0, c = 0;
    int cnt = 0;
    for (size_t k = 0; k < pq->ncat; k++) {
        const pq_cat *cat = &pq->cats[k];
        if (which >= 0 && cat->isthing != (which != 0))
            continue;
        if (cat->tp + cat->fp + cat->fn == 0)
            continue;
        seg_pq_stat s;
        cat_scores(cat, &s);
        a += s.pq;
        b += s.sq;
        c += s.rq;
        cnt++;
    }
    *n = cnt;
    *pq_out = cnt ? a / cnt : 0;
    *sq = cnt ? b / cnt : 0;
    *rq = cnt ? c / cnt : 0;
    return SEG_OK;
}

int64_t seg_pq_category_id(const seg_pq *pq, size_t k)
{
    return pq && k < pq->ncat ? pq->cats[k].id : -1;
}

size_t seg_pq_num_categories(const seg_pq *pq)
{
    return pq ? pq->ncat : 0;
}

const char *seg_pq_category_name(const seg_pq *pq, size_t k)
{
    if (!pq || k >= pq->ncat || !pq->names || !pq->names[k])
        return "";
    return pq->names[k];
}

int seg__pq_set_name(seg_pq *pq, size_t k, const char *name)
{
    if (!pq->names && !(pq->names = calloc(pq->ncat ? pq->ncat : 1, sizeof *pq->names)))
        return seg__fail(SEG_ENOMEM, "pq: out of memory");
    size_t n = strlen(name);
    char *d = malloc(n + 1);
    if (!d)
        return seg__fail(SEG_ENOMEM, "pq: out of memory");
    memcpy(d, name, n + 1);
    free(pq->names[k]);
    pq->names[k] = d;
    return SEG_OK;
}
