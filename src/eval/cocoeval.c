/* COCOeval for bbox and segm: pycocotools' cocoeval.py evaluate / accumulate /
 * summarize with the same arithmetic, in C, parallel over (category, image) units. */
#include "eval/eval_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T = SEG_COCOEVAL_T, R = SEG_COCOEVAL_R, A = SEG_COCOEVAL_A, M = SEG_COCOEVAL_M };

/* Results of evaluateImg for one (category, image) unit, for all area ranges. */
typedef struct unit_res {
    int present;    /* the unit has gt or dt (evaluateImg did not return None) */
    int nd;         /* detections kept (score order, at most maxDets[-1]) */
    int npig[A];    /* non-ignored gt per area range */
    double *scores; /* nd, sorted high first */
    uint8_t *flags; /* [A][T][nd]: bit 0 dtMatches != 0, bit 1 dtIgnore */
    int status;     /* non-zero: failed (re-run serially for the message) */
} unit_res;

struct seg_cocoeval {
    const seg_coco *gt, *dt;
    seg_iou_type type;
    int use_cats;
    int64_t *img_ids, *cat_ids; /* params, sorted unique */
    size_t nimg, ncat;
    int user_imgs, user_cats;
    double iou_thrs[T], rec_thrs[R], area_rng[A][2];
    int max_dets[M];
    /* evaluate */
    size_t K, U; /* categories evaluated (1 without useCats), units K * nimg */
    size_t *gt_start, *gt_list, *dt_start, *dt_list;
    unit_res *units;
    /* accumulate: final arrays [T][R][K][A][M] / [T][K][A][M], and per-category scratch
     * [K][T][R][A][M] filled in parallel (each category writes one contiguous block) */
    double *precision, *recall, *scores;
    double *kprec, *kscore, *krec;
};

/* np.linspace(start, stop, num): i * ((stop - start) / (num - 1)) + start, last = stop. */
static void linspace(double start, double stop, int num, double *out)
{
    double step = (stop - start) / (num - 1);
    for (int i = 0; i < num; i++)
        out[i] = (double)i * step + start;
    out[num - 1] = stop;
}

static int64_t *copy_ids(const int64_t *ids, size_t n)
{
    int64_t *c = malloc((n ? n : 1) * sizeof *c);
    if (c && n)
        memcpy(c, ids, n * sizeof *c);
    return c;
}

int seg_cocoeval_create(const seg_coco *gt, const seg_coco *dt, seg_iou_type type,
                        seg_cocoeval **out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "cocoeval: out is NULL");
    *out = NULL;
    if (!gt || !dt || gt->is_results || !dt->is_results)
        return seg__fail(SEG_EINVAL, "cocoeval: needs a ground-truth dataset and results "
                         "loaded against it");
    if (gt->dirty)
        return seg__fail(SEG_EINVAL, "cocoeval: call seg_coco_finish on the ground truth first");
    if (dt->images != gt->images)
        return seg__fail(SEG_EINVAL, "cocoeval: the results were loaded against another "
                         "ground truth");
    if (type != SEG_IOU_SEGM && type != SEG_IOU_BBOX)
        return seg__fail(SEG_EINVAL, "cocoeval: iouType %d is not segm (0) or bbox (1)", type);
    seg_cocoeval *e = calloc(1, sizeof *e);
    if (!e)
        return seg__fail(SEG_ENOMEM, "cocoeval: out of memory");
    e->gt = gt;
    e->dt = dt;
    e->type = type;
    e->use_cats = 1;
    e->nimg = gt->nimages;
    e->ncat = gt->ncats;
    e->img_ids = copy_ids(gt->img_ids, gt->nimages);
    e->cat_ids = copy_ids(gt->cat_ids, gt->ncats);
    if (!e->img_ids || !e->cat_ids) {
        seg_cocoeval_destroy(e);
        return seg__fail(SEG_ENOMEM, "cocoeval: out of memory");
    }
    linspace(.5, 0.95, T, e->iou_thrs);
    linspace(.0, 1.00, R, e->rec_thrs);
    const double rng[A][2] = {{0, 1e5 * 1e5}, {0, 32 * 32}, {32 * 32, 96 * 96},
                              {96 * 96, 1e5 * 1e5}};
    memcpy(e->area_rng, rng, sizeof rng);
    e->max_dets[0] = 1;
    e->max_dets[1] = 10;
    e->max_dets[2] = 100;
    *out = e;
    return SEG_OK;
}

static void free_eval(seg_cocoeval *e)
{
    if (e->units)
        for (size_t u = 0; u < e->U; u++) {
            free(e->units[u].scores);
            free(e->units[u].flags);
        }
    free(e->units);
    free(e->gt_start);
    free(e->gt_list);
    free(e->dt_start);
    free(e->dt_list);
    free(e->precision);
    free(e->recall);
    free(e->scores);
    e->units = NULL;
    e->gt_start = e->gt_list = e->dt_start = e->dt_list = NULL;
    e->precision = e->recall = e->scores = NULL;
}

void seg_cocoeval_destroy(seg_cocoeval *e)
{
    if (!e)
        return;
    free_eval(e);
    free(e->img_ids);
    free(e->cat_ids);
    free(e);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* np.unique: sorted, without repeats. */
static int set_ids(int64_t **dst, size_t *n, const int64_t *ids, size_t count)
{
    int64_t *c = copy_ids(ids, count);
    if (!c)
        return seg__fail(SEG_ENOMEM, "cocoeval: out of memory");
    qsort(c, count, sizeof *c, cmp_i64);
    size_t k = 0;
    for (size_t i = 0; i < count; i++)
        if (k == 0 || c[i] != c[k - 1])
            c[k++] = c[i];
    free(*dst);
    *dst = c;
    *n = k;
    return SEG_OK;
}

int seg_cocoeval_set_img_ids(seg_cocoeval *e, const int64_t *ids, size_t n)
{
    seg__clear_error();
    if (!e || (n && !ids))
        return seg__fail(SEG_EINVAL, "cocoeval_set_img_ids: NULL argument");
    free_eval(e);
    if (n == 0)
        return set_ids(&e->img_ids, &e->nimg, e->gt->img_ids, e->gt->nimages);
    return set_ids(&e->img_ids, &e->nimg, ids, n);
}

int seg_cocoeval_set_cat_ids(seg_cocoeval *e, const int64_t *ids, size_t n)
{
    seg__clear_error();
    if (!e || (n && !ids))
        return seg__fail(SEG_EINVAL, "cocoeval_set_cat_ids: NULL argument");
    free_eval(e);
    if (n == 0)
        return set_ids(&e->cat_ids, &e->ncat, e->gt->cat_ids, e->gt->ncats);
    return set_ids(&e->cat_ids, &e->ncat, ids, n);
}

int seg_cocoeval_set_use_cats(seg_cocoeval *e, int use_cats)
{
    seg__clear_error();
    if (!e)
        return seg__fail(SEG_EINVAL, "cocoeval_set_use_cats: NULL argument");
    free_eval(e);
    e->use_cats = use_cats != 0;
    return SEG_OK;
}

/* ---- grouping annotations into (category, image) units, like _prepare ---- */

static int64_t cat_rank(const seg_cocoeval *e, int64_t cat_id)
{
    size_t lo = 0, hi = e->ncat;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->cat_ids[mid] < cat_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < e->ncat && e->cat_ids[lo] == cat_id ? (int64_t)lo : -1;
}

/* Units are u = k * nimg + i. Within a unit, annotations are in file order; without
 * useCats (one unit per image) they are ordered by category id first, as
 * `[_ for cId in p.catIds for _ in self._gts[imgId, cId]]`. */
static int group(seg_cocoeval *e, const seg_coco *c, size_t **start_out, size_t **list_out)
{
    size_t U = e->U;
    size_t *start = calloc(U + 1, sizeof *start);
    size_t *rank = NULL, *list = NULL;
    if (!start)
        goto nomem;
    size_t total = 0;
    for (size_t i = 0; i < e->nimg; i++) {
        int64_t ii = seg__coco_img_index(c, e->img_ids[i]);
        if (ii < 0)
            continue;
        for (size_t j = c->img_ann_start[ii]; j < c->img_ann_start[ii + 1]; j++) {
            int64_t k = cat_rank(e, c->anns[c->img_ann[j]].category_id);
            if (k < 0)
                continue;
            start[(e->use_cats ? (size_t)k * e->nimg : 0) + i + 1]++;
            total++;
        }
    }
    for (size_t u = 0; u < U; u++)
        start[u + 1] += start[u];
    list = malloc((total ? total : 1) * sizeof *list);
    rank = malloc((total ? total : 1) * sizeof *rank);
    if (!list || !rank)
        goto nomem;
    size_t *fill = malloc((U ? U : 1) * sizeof *fill);
    if (!fill)
        goto nomem;
    memcpy(fill, start, U * sizeof *fill);
    for (size_t i = 0; i < e->nimg; i++) {
        int64_t ii = seg__coco_img_index(c, e->img_ids[i]);
        if (ii < 0)
            continue;
        for (size_t j = c->img_ann_start[ii]; j < c->img_ann_start[ii + 1]; j++) {
            size_t a = c->img_ann[j];
            int64_t k = cat_rank(e, c->anns[a].category_id);
            if (k < 0)
                continue;
            size_t u = (e->use_cats ? (size_t)k * e->nimg : 0) + i;
            size_t p = fill[u]++;
            /* insertion by category rank keeps file order among equal ranks */
            while (!e->use_cats && p > start[u] && rank[p - 1] > (size_t)k) {
                list[p] = list[p - 1];
                rank[p] = rank[p - 1];
                p--;
            }
            list[p] = a;
            rank[p] = (size_t)k;
        }
    }
    free(fill);
    free(rank);
    *start_out = start;
    *list_out = list;
    return SEG_OK;
nomem:
    free(start);
    free(list);
    free(rank);
    return seg__fail(SEG_ENOMEM, "cocoeval: out of memory");
}

/* ---- evaluateImg ---- */

/* Stable order of idx[0..n) by key, high first (np.argsort(-key, kind='mergesort')). */
static void stable_desc(size_t *idx, size_t n, const double *key, size_t *tmp)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = SEG_MIN(lo + width, n), hi = SEG_MIN(lo + 2 * width, n);
            size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                tmp[o++] = key[idx[b]] > key[idx[a]] ? idx[b++] : idx[a++];
            while (a < mid)
                tmp[o++] = idx[a++];
            while (b < hi)
                tmp[o++] = idx[b++];
        }
        memcpy(idx, tmp, n * sizeof *idx);
    }
}

static int eval_unit(seg_cocoeval *e, size_t u)
{
    const seg_coco *gc = e->gt, *dc = e->dt;
    unit_res *r = &e->units[u];
    const size_t *G = e->gt_list + e->gt_start[u];
    size_t ng = e->gt_start[u + 1] - e->gt_start[u];
    const size_t *Dall = e->dt_list + e->dt_start[u];
    size_t nd_all = e->dt_start[u + 1] - e->dt_start[u];
    if (ng == 0 && nd_all == 0)
        return 0;
    r->present = 1;
    int st = 0;
    size_t nd = SEG_MIN(nd_all, (size_t)e->max_dets[M - 1]);
    size_t n_big = SEG_MAX(ng, nd_all);
    size_t *D = malloc((nd_all ? nd_all : 1) * sizeof *D);
    size_t *tmp = malloc((n_big ? n_big : 1) * sizeof *tmp);
    double *ious = NULL, *gbox = NULL, *dbox = NULL;
    uint8_t *crowd = malloc(ng ? ng : 1), *gig = malloc(ng ? ng : 1), *gtm = malloc(ng ? ng : 1);
    size_t *gind = malloc((ng ? ng : 1) * sizeof *gind);
    seg_rle *grle = NULL, *drle = NULL;
    uint8_t *rle_owned = NULL;
    r->scores = malloc((nd ? nd : 1) * sizeof *r->scores);
    r->flags = calloc((size_t)A * T * (nd ? nd : 1), 1);
    double *score_key = calloc(nd_all ? nd_all : 1, sizeof *score_key);
    if (!D || !tmp || !crowd || !gig || !gtm || !gind || !r->scores || !r->flags || !score_key)
        goto nomem;
    /* dt sorted by score, high first, stable; only the first maxDets[-1] are kept */
    for (size_t j = 0; j < nd_all; j++) {
        D[j] = j;
        score_key[j] = dc->anns[Dall[j]].score;
    }
    stable_desc(D, nd_all, score_key, tmp);
    for (size_t j = 0; j < nd; j++) {
        D[j] = Dall[D[j]];
        r->scores[j] = dc->anns[D[j]].score;
    }
    r->nd = (int)nd;
    for (size_t g = 0; g < ng; g++) {
        const coco_ann *a = &gc->anns[G[g]];
        crowd[g] = a->iscrowd;
        if (isnan(a->area)) {
            st = seg__fail(SEG_EFORMAT, "%s: annotation %zu: has no 'area'", gc->name, G[g]);
            goto done;
        }
    }
    /* computeIoU: ious[d][g] with gt in file order */
    if (nd && ng) {
        ious = malloc(nd * ng * sizeof *ious);
        gbox = malloc(ng * 4 * sizeof *gbox);
        if (!ious || !gbox)
            goto nomem;
        if (e->type == SEG_IOU_BBOX) {
            dbox = malloc(nd * 4 * sizeof *dbox);
            if (!dbox)
                goto nomem;
            for (size_t g = 0; g < ng; g++) {
                const coco_ann *a = &gc->anns[G[g]];
                if (!a->has_bbox) {
                    st = seg__fail(SEG_EFORMAT, "%s: annotation %zu: has no 'bbox'", gc->name,
                                   G[g]);
                    goto done;
                }
                memcpy(gbox + 4 * g, a->bbox, sizeof a->bbox);
            }
            for (size_t d = 0; d < nd; d++) {
                const coco_ann *a = &dc->anns[D[d]];
                if (!a->has_bbox) {
                    st = seg__fail(SEG_EFORMAT, "%s: result %zu: has no 'bbox'", dc->name, D[d]);
                    goto done;
                }
                memcpy(dbox + 4 * d, a->bbox, sizeof a->bbox);
            }
            seg_bbox_iou(dbox, nd, gbox, ng, crowd, ious);
        } else {
            grle = calloc(ng, sizeof *grle);
            drle = calloc(nd, sizeof *drle);
            if (!grle || !drle)
                goto nomem;
            /* owned[] marks the masks rasterised here; RLEs are views */
            rle_owned = calloc(ng + nd, 1);
            if (!rle_owned)
                goto nomem;
            int ow = 0;
            for (size_t g = 0; g < ng && !st; g++) {
                st = seg__coco_ann_rle_view(gc, G[g], &grle[g], &ow);
                rle_owned[g] = (uint8_t)ow;
            }
            for (size_t d = 0; d < nd && !st; d++) {
                st = seg__coco_ann_rle_view(dc, D[d], &drle[d], &ow);
                rle_owned[ng + d] = (uint8_t)ow;
            }
            if (st)
                goto done;
            seg__rle_iou_serial(drle, nd, grle, ng, crowd, ious, gbox);
        }
    }
    /* evaluateImg per area range */
    double thr_cap = 1 - 1e-10;
    for (int ar = 0; ar < A; ar++) {
        double lo = e->area_rng[ar][0], hi = e->area_rng[ar][1];
        size_t k = 0;
        int npig = 0;
        for (int pass = 0; pass < 2; pass++)
            for (size_t g = 0; g < ng; g++) {
                double area = gc->anns[G[g]].area;
                int ign = crowd[g] || area < lo || area > hi;
                if (ign == pass)
                    gind[k++] = g; /* non-ignored first, stable */
            }
        for (size_t g = 0; g < ng; g++) {
            gig[g] = (uint8_t)(crowd[gind[g]] || gc->anns[G[gind[g]]].area < lo ||
                               gc->anns[G[gind[g]]].area > hi);
            npig += !gig[g];
        }
        r->npig[ar] = npig;
        for (int t = 0; t < T; t++) {
            uint8_t *fl = r->flags + ((size_t)ar * T + t) * nd;
            memset(gtm, 0, ng);
            if (ious) {
                for (size_t d = 0; d < nd; d++) {
                    double iou = SEG_MIN(e->iou_thrs[t], thr_cap);
                    int64_t m = -1;
                    const double *row = ious + d * ng;
                    for (size_t g = 0; g < ng; g++) {
                        size_t og = gind[g];
                        if (gtm[g] && !crowd[og])
                            continue;
                        if (m > -1 && gig[m] == 0 && gig[g] == 1)
                            break;
                        if (row[og] < iou)
                            continue;
                        iou = row[og];
                        m = (int64_t)g;
                    }
                    if (m == -1)
                        continue;
                    /* dtMatches holds the gt id: a gt with id 0 reads as unmatched */
                    fl[d] = (uint8_t)((gc->anns[G[gind[m]]].id != 0) | (gig[m] ? 2 : 0));
                    gtm[m] = 1; /* result ids start at 1, so gtMatches > 0 */
                }
            }
            for (size_t d = 0; d < nd; d++) {
                double area = dc->anns[D[d]].area;
                if (!(fl[d] & 1) && (area < lo || area > hi))
                    fl[d] |= 2;
            }
        }
    }
    goto done;
nomem:
    st = seg__fail(SEG_ENOMEM, "cocoeval: out of memory");
done:
    if (grle && rle_owned)
        for (size_t g = 0; g < ng; g++)
            if (rle_owned[g])
                seg_rle_free(&grle[g]);
    if (drle && rle_owned)
        for (size_t d = 0; d < nd; d++)
            if (rle_owned[ng + d])
                seg_rle_free(&drle[d]);
    free(rle_owned);
    free(grle);
    free(drle);
    free(D);
    free(tmp);
    free(score_key);
    free(ious);
    free(gbox);
    free(dbox);
    free(crowd);
    free(gig);
    free(gtm);
    free(gind);
    r->status = st;
    return st;
}

static void eval_units(void *p, int64_t begin, int64_t end)
{
    seg_cocoeval *e = p;
    for (int64_t u = begin; u < end; u++)
        eval_unit(e, (size_t)u);
}

int seg_cocoeval_evaluate(seg_cocoeval *e)
{
    seg__clear_error();
    if (!e)
        return seg__fail(SEG_EINVAL, "cocoeval_evaluate: NULL handle");
    free_eval(e);
    e->K = e->use_cats ? e->ncat : 1;
    if (!seg__mul(e->K, e->nimg, &e->U))
        return seg__fail(SEG_EOVERFLOW, "cocoeval_evaluate: too many units");
    int st = group(e, e->gt, &e->gt_start, &e->gt_list);
    if (!st)
        st = group(e, e->dt, &e->dt_start, &e->dt_list);
    if (st)
        return st;
    e->units = calloc(e->U ? e->U : 1, sizeof *e->units);
    if (!e->units)
        return seg__fail(SEG_ENOMEM, "cocoeval: out of memory");
    seg__parallel_for((int64_t)e->U, seg__grain((int64_t)e->U, 16), eval_units, e);
    for (size_t u = 0; u < e->U; u++) {
        if (!e->units[u].status)
            continue;
        /* Re-run the first failed unit here so this thread holds its message. */
        free(e->units[u].scores);
        free(e->units[u].flags);
        memset(&e->units[u], 0, sizeof e->units[u]);
        st = eval_unit(e, u);
        free_eval(e);
        return st ? st : seg__fail(SEG_EINTERNAL, "cocoeval: unit %zu failed", u);
    }
    return SEG_OK;
}

/* ---- accumulate ---- */

typedef struct acc_item {
    double score;
    uint32_t unit_i; /* image index */
    uint32_t d;
} acc_item;

static void accumulate_cat(seg_cocoeval *e, size_t k, size_t *idx, size_t *tmp, double *key,
                           acc_item *items, double *tp, double *fp)
{
    const size_t PB = (size_t)T * R * A * M, RB = (size_t)T * A * M;
    double *prec = e->kprec + k * PB, *sco = e->kscore + k * PB, *rec = e->krec + k * RB;
    for (size_t i = 0; i < PB; i++)
        prec[i] = sco[i] = -1;
    for (size_t i = 0; i < RB; i++)
        rec[i] = -1;
    for (int m = 0; m < M; m++) {
        int max_det = e->max_dets[m];
        size_t n = 0;
        for (size_t i = 0; i < e->nimg; i++) {
            const unit_res *r = &e->units[k * e->nimg + i];
            if (!r->present)
                continue;
            int nd = SEG_MIN(r->nd, max_det);
            for (int d = 0; d < nd; d++) {
                items[n].score = r->scores[d];
                items[n].unit_i = (uint32_t)i;
                items[n].d = (uint32_t)d;
                key[n] = r->scores[d];
                idx[n] = n;
                n++;
            }
        }
        stable_desc(idx, n, key, tmp);
        for (int ar = 0; ar < A; ar++) {
            long npig = 0;
            int any = 0;
            for (size_t i = 0; i < e->nimg; i++) {
                const unit_res *r = &e->units[k * e->nimg + i];
                if (r->present) {
                    npig += r->npig[ar];
                    any = 1;
                }
            }
            if (!any || npig == 0)
                continue;
            for (int t = 0; t < T; t++) {
                double ctp = 0, cfp = 0;
                for (size_t j = 0; j < n; j++) {
                    const acc_item *it = &items[idx[j]];
                    const unit_res *r = &e->units[k * e->nimg + it->unit_i];
                    uint8_t f = r->flags[((size_t)ar * T + t) * (size_t)r->nd + it->d];
                    int matched = f & 1, ign = (f >> 1) & 1;
                    ctp += matched && !ign;
                    cfp += !matched && !ign;
                    tp[j] = ctp;
                    fp[j] = cfp;
                }
                /* recall */
                rec[((size_t)t * A + (size_t)ar) * M + (size_t)m] = n ? tp[n - 1] / (double)npig : 0;
                /* precision envelope, in place over fp */
                for (size_t j = 0; j < n; j++)
                    fp[j] = tp[j] / (fp[j] + tp[j] + 2.220446049250313e-16);
                for (size_t j = n; j-- > 1;)
                    if (fp[j] > fp[j - 1])
                        fp[j - 1] = fp[j];
                size_t j = 0;
                for (int ri = 0; ri < R; ri++) {
                    /* searchsorted(rc, recThrs, side='left') */
                    while (j < n && tp[j] / (double)npig < e->rec_thrs[ri])
                        j++;
                    size_t pk = (((size_t)t * R + (size_t)ri) * A + (size_t)ar) * M + (size_t)m;
                    if (j >= n) {
                        /* the reference's IndexError: this and later points stay 0 */
                        for (int rj = ri; rj < R; rj++) {
                            size_t q = (((size_t)t * R + (size_t)rj) * A + (size_t)ar) * M +
                                       (size_t)m;
                            prec[q] = 0;
                            sco[q] = 0;
                        }
                        break;
                    }
                    prec[pk] = fp[j];
                    sco[pk] = items[idx[j]].score;
                }
            }
        }
    }
}

typedef struct acc_ctx {
    seg_cocoeval *e;
    size_t maxn;
    int failed;
} acc_ctx;

static void acc_range(void *p, int64_t begin, int64_t end)
{
    acc_ctx *c = p;
    size_t n = c->maxn ? c->maxn : 1;
    size_t *idx = malloc(n * sizeof *idx), *tmp = malloc(n * sizeof *tmp);
    double *key = malloc(n * sizeof *key), *tp = malloc(n * sizeof *tp),
           *fp = malloc(n * sizeof *fp);
    acc_item *items = malloc(n * sizeof *items);
    if (idx && tmp && key && tp && fp && items)
        for (int64_t k = begin; k < end; k++)
            accumulate_cat(c->e, (size_t)k, idx, tmp, key, items, tp, fp);
    else
        c->failed = 1; /* a benign race: any writer stores 1 */
    free(idx);
    free(tmp);
    free(key);
    free(tp);
    free(fp);
    free(items);
}

int seg_cocoeval_accumulate(seg_cocoeval *e)
{
    seg__clear_error();
    if (!e || !e->units)
        return seg__fail(SEG_EINVAL, "cocoeval_accumulate: run evaluate first");
    free(e->precision);
    free(e->recall);
    free(e->scores);
    size_t np = (size_t)T * R * e->K * A * M, nr = (size_t)T * e->K * A * M;
    e->precision = malloc((np ? np : 1) * sizeof(double));
    e->scores = malloc((np ? np : 1) * sizeof(double));
    e->recall = malloc((nr ? nr : 1) * sizeof(double));
    e->kprec = malloc((np ? np : 1) * sizeof(double));
    e->kscore = malloc((np ? np : 1) * sizeof(double));
    e->krec = malloc((nr ? nr : 1) * sizeof(double));
    if (!e->precision || !e->scores || !e->recall || !e->kprec || !e->kscore || !e->krec) {
        free(e->kprec);
        free(e->kscore);
        free(e->krec);
        e->kprec = e->kscore = e->krec = NULL;
        return seg__fail(SEG_ENOMEM, "cocoeval: out of memory");
    }
    size_t maxn = 0;
    for (size_t k = 0; k < e->K; k++) {
        size_t n = 0;
        for (size_t i = 0; i < e->nimg; i++)
            n += (size_t)e->units[k * e->nimg + i].nd;
        maxn = SEG_MAX(maxn, n);
    }
    acc_ctx c = {e, maxn, 0};
    seg__parallel_for((int64_t)e->K, 1, acc_range, &c);
    /* [K][T][R][A][M] -> pycocotools' [T][R][K][A][M] */
    const size_t K = e->K, AM = (size_t)A * M;
    for (size_t tr = 0; tr < (size_t)T * R; tr++)
        for (size_t k = 0; k < K; k++) {
            memcpy(e->precision + (tr * K + k) * AM, e->kprec + (k * T * R + tr) * AM,
                   AM * sizeof(double));
            memcpy(e->scores + (tr * K + k) * AM, e->kscore + (k * T * R + tr) * AM,
                   AM * sizeof(double));
        }
    for (size_t t = 0; t < (size_t)T; t++)
        for (size_t k = 0; k < K; k++)
            memcpy(e->recall + (t * K + k) * AM, e->krec + (k * T + t) * AM, AM * sizeof(double));
    free(e->kprec);
    free(e->kscore);
    free(e->krec);
    e->kprec = e->kscore = e->krec = NULL;
    if (c.failed)
        return seg__fail(SEG_ENOMEM, "cocoeval_accumulate: out of memory");
    return SEG_OK;
}

/* ---- summarize ---- */

/* numpy's pairwise summation (what np.mean adds with), so means agree to the last bit. */
static double pairwise_sum(const double *a, size_t n)
{
    if (n < 8) {
        double res = 0.;
        for (size_t i = 0; i < n; i++)
            res += a[i];
        return res;
    }
    if (n <= 128) {
        double r[8], res;
        for (int j = 0; j < 8; j++)
            r[j] = a[j];
        size_t i;
        for (i = 8; i < n - (n % 8); i += 8)
            for (int j = 0; j < 8; j++)
                r[j] += a[i + j];
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)
            res += a[i];
        return res;
    }
    size_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

/* _summarize(ap, iouThr, areaRng, maxDets) over the accumulated arrays. */
static double summarize_one(const seg_cocoeval *e, int ap, double iou_thr, int ar, int max_det,
                            double *buf)
{
    int m = -1;
    for (int j = 0; j < M; j++)
        if (e->max_dets[j] == max_det)
            m = j;
    size_t n = 0, K = e->K;
    for (int t = 0; t < T && m >= 0; t++) {
        if (!isnan(iou_thr) && e->iou_thrs[t] != iou_thr)
            continue; /* np.where(iouThr == p.iouThrs): exact comparison */
        if (ap) {
            for (int r = 0; r < R; r++)
                for (size_t k = 0; k < K; k++) {
                    double v = e->precision[((((size_t)t * R + r) * K + k) * A + ar) * M + m];
                    if (v > -1)
                        buf[n++] = v;
                }
        } else {
            for (size_t k = 0; k < K; k++) {
                double v = e->recall[(((size_t)t * K + k) * A + ar) * M + m];
                if (v > -1)
                    buf[n++] = v;
            }
        }
    }
    return n ? pairwise_sum(buf, n) / (double)n : -1;
}

int seg_cocoeval_summarize(seg_cocoeval *e, double stats[12], char *text, size_t cap)
{
    seg__clear_error();
    if (!e || !e->precision)
        return seg__fail(SEG_EINVAL, "cocoeval_summarize: run accumulate first");
    if (!stats)
        return seg__fail(SEG_EINVAL, "cocoeval_summarize: stats is NULL");
    static const struct {
        int ap;
        double iou;
        int area, mdi;
    } spec[12] = {{1, NAN, 0, 2}, {1, .5, 0, 2},  {1, .75, 0, 2}, {1, NAN, 1, 2},
                  {1, NAN, 2, 2}, {1, NAN, 3, 2}, {0, NAN, 0, 0}, {0, NAN, 0, 1},
                  {0, NAN, 0, 2}, {0, NAN, 1, 2}, {0, NAN, 2, 2}, {0, NAN, 3, 2}};
    static const char *area_lbl[A] = {"all", "small", "medium", "large"};
    double *buf = malloc((size_t)T * R * (e->K ? e->K : 1) * sizeof *buf);
    if (!buf)
        return seg__fail(SEG_ENOMEM, "cocoeval_summarize: out of memory");
    size_t used = 0;
    int st = SEG_OK;
    for (int i = 0; i < 12; i++) {
        int md = e->max_dets[spec[i].mdi];
        stats[i] = summarize_one(e, spec[i].ap, spec[i].iou, spec[i].area, md, buf);
        if (!text)
            continue;
        char iou[32], line[160];
        if (isnan(spec[i].iou))
            snprintf(iou, sizeof iou, "%0.2f:%0.2f", e->iou_thrs[0], e->iou_thrs[T - 1]);
        else
            snprintf(iou, sizeof iou, "%0.2f", spec[i].iou);
        int len = snprintf(line, sizeof line, " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] "
                           "= %0.3f\n", spec[i].ap ? "Average Precision" : "Average Recall",
                           spec[i].ap ? "(AP)" : "(AR)", iou, area_lbl[spec[i].area], md,
                           stats[i]);
        if (used + (size_t)len < cap) {
            memcpy(text + used, line, (size_t)len + 1);
            used += (size_t)len;
        } else {
            st = seg__fail(SEG_ELIMIT, "cocoeval_summarize: text buffer of %zu bytes is too "
                           "small", cap);
            text = NULL;
        }
    }
    free(buf);
    return st;
}

const double *seg_cocoeval_precision(const seg_cocoeval *e)
{
    return e ? e->precision : NULL;
}

const double *seg_cocoeval_recall(const seg_cocoeval *e)
{
    return e ? e->recall : NULL;
}

const double *seg_cocoeval_scores(const seg_cocoeval *e)
{
    return e ? e->scores : NULL;
}

size_t seg_cocoeval_num_cats(const seg_cocoeval *e)
{
    return e ? (e->use_cats ? e->ncat : 1) : 0;
}

const int64_t *seg_cocoeval_cat_ids(const seg_cocoeval *e)
{
    return e ? e->cat_ids : NULL;
}

double seg_cocoeval_category_ap(const seg_cocoeval *e, size_t k)
{
    if (!e || !e->precision || k >= e->K)
        return -1;
    double *buf = malloc((size_t)T * R * sizeof *buf);
    if (!buf)
        return -1;
    size_t n = 0;
    for (int t = 0; t < T; t++)
        for (int r = 0; r < R; r++) {
            double v = e->precision[((((size_t)t * R + r) * e->K + k) * A + 0) * M + 2];
            if (v > -1)
                buf[n++] = v;
        }
    double ap = n ? pairwise_sum(buf, n) / (double)n : -1;
    free(buf);
    return ap;
}
