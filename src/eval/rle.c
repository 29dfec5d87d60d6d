/* COCO run-length encoding: a re-implementation of pycocotools' common/maskApi.c with
 * the same results (runs, strings, rasterisation, IoU), plus input checks. */
#include "eval/eval_internal.h"

#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void seg_rle_free(seg_rle *r)
{
    if (!r)
        return;
    free(r->counts);
    memset(r, 0, sizeof *r);
}

static int check_size(int h, int w, const char *who, size_t *area)
{
    if (h < 0 || w < 0)
        return seg__fail(SEG_EINVAL, "%s: negative mask size %dx%d", who, h, w);
    uint64_t a = (uint64_t)h * (uint64_t)w;
    if (a > UINT32_MAX)
        return seg__fail(SEG_ELIMIT, "%s: mask %dx%d exceeds 2^32-1 pixels (COCO RLE limit)", who,
                         h, w);
    *area = (size_t)a;
    return SEG_OK;
}

/* Take ownership of `counts` (malloc'd, m entries). */
static void rle_set(seg_rle *out, int h, int w, size_t m, uint32_t *counts)
{
    out->height = h;
    out->width = w;
    out->m = m;
    out->counts = counts;
}

static int rle_copy(seg_rle *out, int h, int w, size_t m, const uint32_t *counts)
{
    uint32_t *c = malloc((m ? m : 1) * sizeof *c);
    if (!c)
        return seg__fail(SEG_ENOMEM, "rle: out of memory for %zu runs", m);
    if (m)
        memcpy(c, counts, m * sizeof *c);
    rle_set(out, h, w, m, c);
    return SEG_OK;
}

static uint64_t counts_sum(const seg_rle *r)
{
    uint64_t s = 0;
    for (size_t i = 0; i < r->m; i++)
        s += r->counts[i];
    return s;
}

/* Shrink an over-allocated counts array (best effort). */
static uint32_t *shrink(uint32_t *c, size_t m)
{
    uint32_t *s = realloc(c, (m ? m : 1) * sizeof *c);
    return s ? s : c;
}

int seg_rle_encode_colmajor(const uint8_t *data, int height, int width, seg_rle *out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "rle_encode: out is NULL");
    memset(out, 0, sizeof *out);
    size_t a = 0;
    int st = check_size(height, width, "rle_encode", &a);
    if (st)
        return st;
    if (a && !data)
        return seg__fail(SEG_EINVAL, "rle_encode: data is NULL");
    /* Runs alternate, so their number is at most a + 1. */
    uint32_t *c = malloc((a + 1) * sizeof *c);
    if (!c)
        return seg__fail(SEG_ENOMEM, "rle_encode: out of memory");
    size_t k = 0;
    uint32_t run = 0;
    int p = 0;
    for (size_t j = 0; j < a; j++) {
        int v = data[j] != 0;
        if (v != p) {
            c[k++] = run;
            run = 0;
            p = v;
        }
        run++;
    }
    c[k++] = run;
    rle_set(out, height, width, k, shrink(c, k));
    return SEG_OK;
}

int seg_rle_encode(const seg_image *mask, seg_rle *out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "rle_encode: out is NULL");
    memset(out, 0, sizeof *out);
    int st = seg__check_input(mask, SEG_TYPES(SEG_U8), 1u << 1, "rle_encode");
    if (st)
        return st;
    size_t a = 0;
    st = check_size(mask->height, mask->width, "rle_encode", &a);
    if (st)
        return st;
    uint32_t *c = malloc((a + 1) * sizeof *c);
    if (!c)
        return seg__fail(SEG_ENOMEM, "rle_encode: out of memory");
    size_t k = 0;
    uint32_t run = 0;
    int p = 0;
    const uint8_t *base = mask->data;
    for (int x = 0; x < mask->width; x++) {
        const uint8_t *q = base + x;
        for (int y = 0; y < mask->height; y++, q += mask->stride) {
            int v = *q != 0;
            if (v != p) {
                c[k++] = run;
                run = 0;
                p = v;
            }
            run++;
        }
    }
    c[k++] = run;
    rle_set(out, mask->height, mask->width, k, shrink(c, k));
    return SEG_OK;
}

static int check_rle(const seg_rle *r, const char *who)
{
    if (!r)
        return seg__fail(SEG_EINVAL, "%s: rle is NULL", who);
    size_t a = 0;
    int st = check_size(r->height, r->width, who, &a);
    if (st)
        return st;
    if (r->m && !r->counts)
        return seg__fail(SEG_EINVAL, "%s: rle has %zu runs but no counts", who, r->m);
    uint64_t s = counts_sum(r);
    if (s != a)
        return seg__fail(SEG_EFORMAT, "%s: rle counts add up to %llu, not %dx%d = %zu", who,
                         (unsigned long long)s, r->height, r->width, a);
    return SEG_OK;
}

int seg_rle_decode_colmajor(const seg_rle *r, uint8_t *data)
{
    seg__clear_error();
    int st = check_rle(r, "rle_decode");
    if (st)
        return st;
    if (!data && r->height && r->width)
        return seg__fail(SEG_EINVAL, "rle_decode: data is NULL");
    uint8_t v = 0;
    for (size_t j = 0; j < r->m; j++) {
        memset(data, v, r->counts[j]);
        data += r->counts[j];
        v = !v;
    }
    return SEG_OK;
}

int seg_rle_decode(const seg_rle *r, seg_image *dst)
{
    seg__clear_error();
    int st = check_rle(r, "rle_decode");
    if (st)
        return st;
    st = seg__image_prepare(dst, r->width, r->height, 1, SEG_U8, "rle_decode");
    if (st)
        return st;
    uint8_t *base = dst->data;
    size_t h = (size_t)r->height, pos = 0;
    uint8_t v = 0;
    for (size_t j = 0; j < r->m; j++, v = !v) {
        for (uint32_t k = 0; k < r->counts[j]; k++, pos++)
            base[(pos % h) * dst->stride + pos / h] = v;
    }
    return SEG_OK;
}

uint64_t seg_rle_area(const seg_rle *r)
{
    uint64_t a = 0;
    if (!r || !r->counts)
        return 0;
    for (size_t j = 1; j < r->m; j += 2)
        a += r->counts[j];
    return a;
}

void seg_rle_to_bbox(const seg_rle *r, double bb[4])
{
    bb[0] = bb[1] = bb[2] = bb[3] = 0;
    if (!r || !r->counts)
        return;
    /* maskApi.c's rleToBbox, in its 32-bit unsigned arithmetic. */
    uint32_t h = (uint32_t)r->height, w = (uint32_t)r->width;
    size_t m = (r->m / 2) * 2;
    uint32_t xs = w, ys = h, xe = 0, ye = 0, cc = 0, xp = 0;
    if (m == 0 || h == 0)
        return;
    for (size_t j = 0; j < m; j++) {
        cc += r->counts[j];
        uint32_t t = cc - (uint32_t)(j % 2);
        uint32_t y = t % h, x = (t - y) / h;
        if (j % 2 == 0)
            xp = x;
        else if (xp < x) {
            ys = 0;
            ye = h - 1;
        }
        xs = SEG_MIN(xs, x);
        xe = SEG_MAX(xe, x);
        ys = SEG_MIN(ys, y);
        ye = SEG_MAX(ye, y);
    }
    bb[0] = xs;
    bb[2] = (double)(uint32_t)(xe - xs + 1);
    bb[1] = ys;
    bb[3] = (double)(uint32_t)(ye - ys + 1);
}

int seg_rle_to_string(const seg_rle *r, char *buf, size_t cap, size_t *len)
{
    seg__clear_error();
    if (!r || !len || (r->m && !r->counts))
        return seg__fail(SEG_EINVAL, "rle_to_string: NULL argument");
    size_t p = 0;
    for (int pass = 0; pass < 2; pass++) {
        p = 0;
        for (size_t i = 0; i < r->m; i++) {
            int64_t x = (int64_t)r->counts[i];
            if (i > 2) /* maskApi.c's rule: differences start at the fourth count */
                x -= (int64_t)r->counts[i - 2];
            int more = 1;
            while (more) {
                int c = (int)(x & 0x1f);
                x >>= 5; /* arithmetic shift, as maskApi.c's `long` */
                more = (c & 0x10) ? x != -1 : x != 0;
                if (more)
                    c |= 0x20;
                if (pass)
                    buf[p] = (char)(c + 48);
                p++;
            }
        }
        if (pass == 0) {
            *len = p;
            if (cap <= p) {
                if (cap == 0)
                    return SEG_OK;
                return seg__fail(SEG_ELIMIT, "rle_to_string: buffer of %zu bytes is too small "
                                 "for %zu", cap, p + 1);
            }
        }
    }
    buf[p] = '\0';
    return SEG_OK;
}

int seg_rle_from_string(const char *s, size_t len, int height, int width, seg_rle *out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "rle_from_string: out is NULL");
    memset(out, 0, sizeof *out);
    if (!s && len)
        return seg__fail(SEG_EINVAL, "rle_from_string: string is NULL");
    size_t a = 0;
    int st = check_size(height, width, "rle_from_string", &a);
    if (st)
        return st;
    uint32_t *c = malloc((len ? len : 1) * sizeof *c);
    if (!c)
        return seg__fail(SEG_ENOMEM, "rle_from_string: out of memory");
    size_t m = 0, p = 0;
    uint64_t total = 0;
    while (p < len) {
        int64_t x = 0;
        int k = 0, more = 1;
        size_t start = p;
        while (more) {
            if (p >= len) {
                free(c);
                return seg__fail(SEG_EFORMAT, "rle_from_string: value starting at character "
                                 "%zu is cut short", start);
            }
            int ch = (unsigned char)s[p];
            if (ch < 48 || ch > 111) {
                free(c);
                return seg__fail(SEG_EFORMAT, "rle_from_string: character %zu (0x%02x) is "
                                 "outside '0'..'o'", p, ch);
            }
            if (k >= 7) {
                free(c);
                return seg__fail(SEG_EFORMAT, "rle_from_string: value starting at character "
                                 "%zu is longer than 7 characters", start);
            }
            int v = ch - 48;
            x |= (int64_t)(v & 0x1f) << (5 * k);
            more = v & 0x20;
            p++;
            k++;
            if (!more && (v & 0x10))
                x |= -((int64_t)1 << (5 * k)); /* sign extension */
        }
        if (m > 2)
            x += (int64_t)c[m - 2];
        if (x < 0 || x > (int64_t)UINT32_MAX) {
            free(c);
            return seg__fail(SEG_EFORMAT, "rle_from_string: count %zu (at character %zu) is "
                             "%lld, outside 0..2^32-1", m, start, (long long)x);
        }
        c[m++] = (uint32_t)x;
        total += (uint64_t)x;
    }
    if (total != a) {
        free(c);
        return seg__fail(SEG_EFORMAT, "rle_from_string: counts add up to %llu, not %dx%d = %zu",
                         (unsigned long long)total, height, width, a);
    }
    rle_set(out, height, width, m, shrink(c, m));
    return SEG_OK;
}

int seg_rle_from_counts(const uint32_t *counts, size_t m, int height, int width, seg_rle *out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "rle_from_counts: out is NULL");
    memset(out, 0, sizeof *out);
    if (m && !counts)
        return seg__fail(SEG_EINVAL, "rle_from_counts: counts is NULL");
    size_t a = 0;
    int st = check_size(height, width, "rle_from_counts", &a);
    if (st)
        return st;
    uint64_t s = 0;
    for (size_t i = 0; i < m; i++)
        s += counts[i];
    if (s != a)
        return seg__fail(SEG_EFORMAT, "rle_from_counts: counts add up to %llu, not %dx%d = %zu",
                         (unsigned long long)s, height, width, a);
    return rle_copy(out, height, width, m, counts);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t c = *(const uint32_t *)a, d = *(const uint32_t *)b;
    return c > d ? 1 : c < d ? -1 : 0;
}

int seg_rle_from_polygon(const double *xy, size_t k, int height, int width, seg_rle *out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "rle_from_polygon: out is NULL");
    memset(out, 0, sizeof *out);
    size_t area = 0;
    int st = check_size(height, width, "rle_from_polygon", &area);
    if (st)
        return st;
    if (height < 1 || width < 1)
        return seg__fail(SEG_EINVAL, "rle_from_polygon: mask size %dx%d is empty", height, width);
    if (k < 1 || !xy)
        return seg__fail(SEG_EINVAL, "rle_from_polygon: polygon has no points");
    const double scale = 5;
    /* Coordinates on the x5 grid must fit an int, and the traced outline must stay a
     * sane size (maskApi.c would overflow or allocate without bound). */
    const double lim = 1e8;
    for (size_t j = 0; j < 2 * k; j++)
        if (!(fabs(xy[j]) <= lim))
            return seg__fail(SEG_EINVAL, "rle_from_polygon: coordinate %zu (%g) is not finite or "
                             "beyond +-1e8", j, xy[j]);
    int *x = malloc((k + 1) * sizeof *x), *y = malloc((k + 1) * sizeof *y);
    int *u = NULL, *v = NULL;
    uint32_t *a = NULL, *b = NULL;
    if (!x || !y)
        goto nomem;
    for (size_t j = 0; j < k; j++)
        x[j] = (int)(scale * xy[j * 2 + 0] + .5);
    x[k] = x[0];
    for (size_t j = 0; j < k; j++)
        y[j] = (int)(scale * xy[j * 2 + 1] + .5);
    y[k] = y[0];
    uint64_t m = 0;
    for (size_t j = 0; j < k; j++)
        m += (uint64_t)SEG_MAX(abs(x[j] - x[j + 1]), abs(y[j] - y[j + 1])) + 1;
    /* maskApi.c would trace any outline; 2^25 points (a quarter of a GiB of work
     * arrays) is far beyond any polygon that lies near its mask. */
    if (m > ((uint64_t)1 << 25)) {
        free(x);
        free(y);
        return seg__fail(SEG_ELIMIT, "rle_from_polygon: outline of %llu points is too long "
                         "(beyond 2^25: coordinates far outside the %dx%d mask?)",
                         (unsigned long long)m, height, width);
    }
    u = malloc(m * sizeof *u);
    v = malloc(m * sizeof *v);
    if (!u || !v)
        goto nomem;
    m = 0;
    /* Upsample and trace the outline densely (maskApi.c's DDA, same rounding). */
    for (size_t j = 0; j < k; j++) {
        int xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1], t;
        int dx = abs(xe - xs), dy = abs(ys - ye);
        int flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
        if (flip) {
            t = xs;
            xs = xe;
            xe = t;
            t = ys;
            ys = ye;
            ye = t;
        }
        if (dx == 0 && dy == 0) {
            /* A repeated vertex: maskApi.c computes 0/0 here and emits one point whose
             * y is garbage but never read (its x equals its neighbours'). */
            u[m] = xs;
            v[m] = ys;
            m++;
            continue;
        }
        double s = dx >= dy ? (double)(ye - ys) / dx : (double)(xe - xs) / dy;
        if (dx >= dy)
            for (int d = 0; d <= dx; d++) {
                t = flip ? dx - d : d;
                u[m] = t + xs;
                v[m] = (int)(ys + s * t + .5);
                m++;
            }
        else
            for (int d = 0; d <= dy; d++) {
                t = flip ? dy - d : d;
                v[m] = t + ys;
                u[m] = (int)(xs + s * t + .5);
                m++;
            }
    }
    /* Points where the outline crosses a column of pixel centres, downsampled. */
    size_t np = (size_t)m, n = 0;
    a = malloc((np + 1) * sizeof *a);
    if (!a)
        goto nomem;
    const double wm1 = (double)(width - 1);
    for (size_t j = 1; j < np; j++) {
        if (u[j] == u[j - 1])
            continue;
        double xd = (double)(u[j] < u[j - 1] ? u[j] : u[j] - 1);
        xd = (xd + .5) / scale - .5;
        if (floor(xd) != xd || xd < 0 || xd > wm1)
            continue;
        double yd = (double)(v[j] < v[j - 1] ? v[j] : v[j - 1]);
        yd = (yd + .5) / scale - .5;
        if (yd < 0)
            yd = 0;
        else if (yd > height)
            yd = height;
        yd = ceil(yd);
        a[n++] = (uint32_t)((int64_t)xd * height + (int64_t)yd);
    }
    a[n++] = (uint32_t)area;
    free(u);
    free(v);
    free(x);
    free(y);
    u = v = x = y = NULL;
    qsort(a, n, sizeof *a, cmp_u32);
    uint32_t prev = 0;
    for (size_t j = 0; j < n; j++) {
        uint32_t t = a[j];
        a[j] -= prev;
        prev = t;
    }
    b = malloc(n * sizeof *b);
    if (!b)
        goto nomem;
    size_t j = 0, mb = 0;
    b[mb++] = a[j++];
    while (j < n) {
        if (a[j] > 0)
            b[mb++] = a[j++];
        else {
            j++;
            if (j < n)
                b[mb - 1] += a[j++];
        }
    }
    free(a);
    rle_set(out, height, width, mb, shrink(b, mb));
    return SEG_OK;
nomem:
    free(x);
    free(y);
    free(u);
    free(v);
    free(a);
    free(b);
    return seg__fail(SEG_ENOMEM, "rle_from_polygon: out of memory");
}

/* A box side's coordinate limited to [-1, n + 1] (NaN stays NaN: refused later). */
static double clamp_side(double v, int n)
{
    return v < -1.0 ? -1.0 : v > (double)n + 1.0 ? (double)n + 1.0 : v;
}

int seg_rle_from_bbox(const double bb[4], int height, int width, seg_rle *out)
{
    if (!bb) {
        seg__clear_error();
        if (out)
            memset(out, 0, sizeof *out);
        return seg__fail(SEG_EINVAL, "rle_from_bbox: bbox is NULL");
    }
    /* Sides beyond the mask move to one pixel outside it: maskApi.c keeps no point of
     * a vertical side (x is constant along it), drops crossings outside columns
     * 0..w-1 and clamps rows to 0..h, so the runs are the same, and a detector's huge
     * box costs nothing. */
    double xs = clamp_side(bb[0], width), xe = clamp_side(bb[0] + bb[2], width);
    double ys = clamp_side(bb[1], height), ye = clamp_side(bb[1] + bb[3], height);
    double xy[8] = {xs, ys, xs, ye, xe, ye, xe, ys};
    return seg_rle_from_polygon(xy, 4, height, width, out);
}

int seg_rle_merge(const seg_rle *R, size_t n, int intersect, seg_rle *out)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "rle_merge: out is NULL");
    memset(out, 0, sizeof *out);
    if (n == 0)
        return rle_copy(out, 0, 0, 0, NULL);
    if (!R)
        return seg__fail(SEG_EINVAL, "rle_merge: rles is NULL");
    for (size_t i = 0; i < n; i++) {
        int st = check_rle(&R[i], "rle_merge");
        if (st)
            return st;
        if (R[i].height != R[0].height || R[i].width != R[0].width)
            return seg__fail(SEG_ESIZE, "rle_merge: rle %zu is %dx%d, rle 0 is %dx%d", i,
                             R[i].height, R[i].width, R[0].height, R[0].width);
    }
    int h = R[0].height, w = R[0].width;
    if (n == 1 || (size_t)h * (size_t)w == 0)
        return rle_copy(out, h, w, R[0].m, R[0].counts);
    /* Each merged run ends at a run end of one input, so sum(m) bounds the result;
     * counts may hold empty runs, so h*w+1 (maskApi.c's size) alone is not enough. */
    size_t cap = (size_t)h * (size_t)w + 1;
    for (size_t i = 0; i < n; i++)
        if (!seg__add(cap, R[i].m, &cap))
            return seg__fail(SEG_EOVERFLOW, "rle_merge: too many runs");
    uint32_t *cnts = malloc(cap * sizeof *cnts), *acnt = malloc(cap * sizeof *acnt);
    if (!cnts || !acnt) {
        free(cnts);
        free(acnt);
        return seg__fail(SEG_ENOMEM, "rle_merge: out of memory");
    }
    size_t m = R[0].m;
    memcpy(cnts, R[0].counts, m * sizeof *cnts);
    for (size_t i = 1; i < n; i++) {
        const seg_rle *B = &R[i];
        size_t am = m;
        memcpy(acnt, cnts, am * sizeof *acnt);
        uint32_t ca = acnt[0], cb = B->counts[0], cc = 0;
        int v = 0, va = 0, vb = 0, vp;
        size_t a = 1, b = 1;
        uint64_t ct = 1;
        m = 0;
        while (ct > 0) {
            uint32_t c = SEG_MIN(ca, cb);
            cc += c;
            ct = 0;
            ca -= c;
            if (!ca && a < am) {
                ca = acnt[a++];
                va = !va;
            }
            ct += ca;
            cb -= c;
            if (!cb && b < B->m) {
                cb = B->counts[b++];
                vb = !vb;
            }
            ct += cb;
            vp = v;
            v = intersect ? (va && vb) : (va || vb);
            if (v != vp || ct == 0) {
                cnts[m++] = cc;
                cc = 0;
            }
        }
    }
    free(acnt);
    rle_set(out, h, w, m, shrink(cnts, m));
    return SEG_OK;
}

static void bb_iou_row(const double *D, const double *gt, size_t n, const uint8_t *iscrowd,
                       double *o)
{
    double da = D[2] * D[3];
    for (size_t g = 0; g < n; g++) {
        const double *G = gt + g * 4;
        double ga = G[2] * G[3];
        int crowd = iscrowd && iscrowd[g];
        o[g] = 0;
        double w = fmin(D[2] + D[0], G[2] + G[0]) - fmax(D[0], G[0]);
        if (w <= 0)
            continue;
        double h = fmin(D[3] + D[1], G[3] + G[1]) - fmax(D[1], G[1]);
        if (h <= 0)
            continue;
        double i = w * h, u = crowd ? da : da + ga - i;
        o[g] = i / u;
    }
}

int seg_bbox_iou(const double *dt, size_t m, const double *gt, size_t n,
                 const uint8_t *iscrowd, double *out)
{
    seg__clear_error();
    if ((m && !dt) || (n && !gt) || (m && n && !out))
        return seg__fail(SEG_EINVAL, "bbox_iou: NULL argument");
    for (size_t d = 0; d < m; d++)
        bb_iou_row(dt + d * 4, gt, n, iscrowd, out + d * n);
    return SEG_OK;
}

/* Intersection and union of two RLEs of one size (rleIou's inner loop). */
static double rle_pair_iou(const seg_rle *A, const seg_rle *B, int crowd)
{
    if (!A->m || !B->m)
        return 0;
    uint32_t ca = A->counts[0], cb = B->counts[0];
    size_t ka = A->m, kb = B->m, a = 1, b = 1;
    uint64_t i = 0, u = 0, ct = 1;
    int va = 0, vb = 0;
    while (ct > 0) {
        uint32_t c = SEG_MIN(ca, cb);
        if (va || vb) {
            u += c;
            if (va && vb)
                i += c;
        }
        ct = 0;
        ca -= c;
        if (!ca && a < ka) {
            ca = A->counts[a++];
            va = !va;
        }
        ct += ca;
        cb -= c;
        if (!cb && b < kb) {
            cb = B->counts[b++];
            vb = !vb;
        }
        ct += cb;
    }
    if (i == 0)
        u = 1;
    else if (crowd)
        u = (uint32_t)seg_rle_area(A);
    return (double)(uint32_t)i / (double)(uint32_t)u;
}

typedef struct iou_ctx {
    const seg_rle *dt, *gt;
    size_t n;
    const uint8_t *iscrowd;
    const double *gb;
    double *out;
} iou_ctx;

static void iou_rows(void *p, int64_t begin, int64_t end)
{
    iou_ctx *c = p;
    for (int64_t d = begin; d < end; d++) {
        double db[4], *o = c->out + (size_t)d * c->n;
        const seg_rle *D = &c->dt[d];
        seg_rle_to_bbox(D, db);
        bb_iou_row(db, c->gb, c->n, c->iscrowd, o);
        for (size_t g = 0; g < c->n; g++) {
            if (!(o[g] > 0))
                continue;
            const seg_rle *G = &c->gt[g];
            if (D->height != G->height || D->width != G->width) {
                o[g] = -1;
                continue;
            }
            o[g] = rle_pair_iou(D, G, c->iscrowd && c->iscrowd[g]);
        }
    }
}

/* Without checks or threads; gbox is n*4 scratch. Used by COCOeval per image. */
int seg__rle_iou_serial(const seg_rle *dt, size_t m, const seg_rle *gt, size_t n,
                        const uint8_t *iscrowd, double *out, double *gbox)
{
    for (size_t g = 0; g < n; g++)
        seg_rle_to_bbox(&gt[g], gbox + 4 * g);
    iou_ctx c = {dt, gt, n, iscrowd, gbox, out};
    iou_rows(&c, 0, (int64_t)m);
    return SEG_OK;
}

int seg_rle_iou(const seg_rle *dt, size_t m, const seg_rle *gt, size_t n,
                const uint8_t *iscrowd, double *out)
{
    seg__clear_error();
    if ((m && !dt) || (n && !gt) || (m && n && !out))
        return seg__fail(SEG_EINVAL, "rle_iou: NULL argument");
    char who[64];
    for (size_t d = 0; d < m; d++) {
        snprintf(who, sizeof who, "rle_iou: detection %zu", d);
        int st = check_rle(&dt[d], who);
        if (st)
            return st;
    }
    for (size_t g = 0; g < n; g++) {
        snprintf(who, sizeof who, "rle_iou: ground truth %zu", g);
        int st = check_rle(&gt[g], who);
        if (st)
            return st;
    }
    if (!m || !n)
        return SEG_OK;
    double *gb = malloc(n * 4 * sizeof *gb);
    if (!gb)
        return seg__fail(SEG_ENOMEM, "rle_iou: out of memory");
    for (size_t g = 0; g < n; g++)
        seg_rle_to_bbox(&gt[g], gb + 4 * g);
    iou_ctx c = {dt, gt, n, iscrowd, gb, out};
    if ((uint64_t)m * n < 256)
        iou_rows(&c, 0, (int64_t)m);
    else
        seg__parallel_for((int64_t)m, seg__grain((int64_t)m, 1), iou_rows, &c);
    free(gb);
    return SEG_OK;
}
