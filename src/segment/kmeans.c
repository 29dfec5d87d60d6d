/* k-means with cv2.kmeans's semantics (see include/segkit/kmeans.h for the contract).
 *
 * Structure follows cv::kmeans: per attempt, iteration 0 makes the starting centres;
 * each later iteration computes centres from the labels (with empty-cluster repair),
 * measures the largest squared shift, and either re-assigns labels or, on the last
 * iteration, only measures distances. The assignment pass also accumulates the next
 * centres' sums, so one pass over the points serves both steps; sums are kept per
 * fixed piece and reduced in piece order (results independent of the thread count). */
#include "internal.h"
#include "kmeans_internal.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* cv::RNG: multiply-with-carry, same constants and conversions. */
typedef struct km_rng {
    uint64_t state;
} km_rng;

static uint32_t rng_next(km_rng *r)
{
    r->state = (uint64_t)(uint32_t)r->state * 4164903690u + (uint32_t)(r->state >> 32);
    return (uint32_t)r->state;
}

static float rng_float(km_rng *r)
{
    return (float)rng_next(r) * 2.3283064365386962890625e-10f;
}

static double rng_double(km_rng *r)
{
    uint32_t t = rng_next(r);
    return (double)(((uint64_t)t << 32) | rng_next(r)) * 5.4210108624275221700372640043497e-20;
}

/* Squared L2 distance summed in dimension order, as cv::hal::normL2Sqr_ for d < 16. */
static inline float dist2(const float *a, const float *b, int d)
{
    float s = 0.f;
    for (int j = 0; j < d; j++) {
        float t = a[j] - b[j];
        s += t * t;
    }
    return s;
}

typedef struct km {
    const float *data; /* n rows, `step` floats apart */
    size_t step;
    int64_t n;
    int d, k;
    const float *soa[3]; /* d == 3 with AVX2: x, y, z arrays; else NULL */
    int32_t *labels;
    float *centers;
    int64_t grain, pieces;
    double *psum;  /* per piece: k*d centre sums, or 1 distance sum */
    int64_t *pcnt; /* per piece: k counts */
    int *pfail;    /* per piece: out of memory */
    /* k-means++ */
    float *dist, *tdist;
    int64_t ci;
    /* validation */
    int bad;
} km;

static inline const float *row(const km *c, int64_t i)
{
    return c->data + (size_t)i * c->step;
}

/* Sum 8 double lanes in order (the SIMD kernels fill lanes the same way). */
static double lanes_total(const double *s)
{
    double t = 0;
    for (int l = 0; l < SEG_KM_LANES; l++)
        t += s[l];
    return t;
}

static double reduce_pieces(const km *c)
{
    double s = 0;
    for (int64_t p = 0; p < c->pieces; p++)
        s += c->psum[p];
    return s;
}

static void finite_piece(void *vctx, int64_t b, int64_t e)
{
    km *c = vctx;
    int bad = 0;
    for (int64_t i = b; i < e && !bad; i++) {
        const float *p = row(c, i);
        for (int j = 0; j < c->d; j++)
            bad |= !isfinite(p[j]);
    }
    if (bad)
        c->pfail[b / c->grain] = 1;
}

static void soa_piece(void *vctx, int64_t b, int64_t e)
{
    km *c = vctx;
    float *x = (float *)c->soa[0], *y = (float *)c->soa[1], *z = (float *)c->soa[2];
    for (int64_t i = b; i < e; i++) {
        const float *p = row(c, i);
        x[i] = p[0];
        y[i] = p[1];
        z[i] = p[2];
    }
}

/* k-means++: tdist[i] = min(|x_i - x_ci|^2, dist[i]) (dist NULL: no min); piece sums. */
static void pp_piece(void *vctx, int64_t b, int64_t e)
{
    km *c = vctx;
    const float *cen = row(c, c->ci);
    double s[SEG_KM_LANES] = {0};
    int64_t i = b;
    if (c->soa[0])
        i = seg__kmeans_pp3_avx2(c->soa[0], c->soa[1], c->soa[2], b, e, cen, c->dist,
                                 c->tdist, s);
    for (; i < e; i++) {
        float v = dist2(row(c, i), cen, c->d);
        v = c->dist && c->dist[i] < v ? c->dist[i] : v;
        c->tdist[i] = v;
        s[(i - b) & (SEG_KM_LANES - 1)] += v;
    }
    c->psum[b / c->grain] = lanes_total(s);
}

static double pp_pass(km *c, int64_t ci)
{
    c->ci = ci;
    seg__parallel_for(c->n, c->grain, pp_piece, c);
    return reduce_pieces(c);
}

/* cv2 picks the first ci with prefix sum >= p (serial p -= dist[ci]); segkit skips whole
 * pieces by their sums, then scans. */
static int64_t pp_pick(const km *c, const double *psum, double p)
{
    int64_t q = 0;
    for (; q < c->pieces - 1; q++) {
        if (p - psum[q] <= 0)
            break;
        p -= psum[q];
    }
    int64_t i = q * c->grain;
    for (; i < c->n - 1; i++) {
        p -= c->dist[i];
        if (p <= 0)
            break;
    }
    return i;
}

static int pp_centers(km *c, km_rng *rng, float *centers, float *buf, double *pbuf)
{
    const int trials = 3;
    int64_t n = c->n;
    double *psum_dist = pbuf, *psum_t = psum_dist + c->pieces,
           *psum_t2 = psum_t + c->pieces;
    float *dist = buf, *tdist = buf + n, *tdist2 = buf + 2 * n;
    int64_t first = rng_next(rng) % (uint64_t)n;
    double *saved = c->psum;
    c->dist = NULL;
    c->tdist = dist;
    c->psum = psum_dist;
    double sum0 = pp_pass(c, first);
    memcpy(centers, row(c, first), (size_t)c->d * sizeof(float));
    for (int k = 1; k < c->k; k++) {
        double best_sum = DBL_MAX;
        int64_t best = -1;
        for (int t = 0; t < trials; t++) {
            double p = rng_double(rng) * sum0;
            c->dist = dist;
            int64_t ci = pp_pick(c, psum_dist, p);
            c->tdist = tdist2;
            c->psum = psum_t2;
            double s = pp_pass(c, ci);
            if (s < best_sum) {
                best_sum = s;
                best = ci;
                float *ft = tdist;
                tdist = tdist2;
                tdist2 = ft;
                double *dt = psum_t;
                psum_t = psum_t2;
                psum_t2 = dt;
            }
        }
        if (best < 0) {
            c->psum = saved;
            return seg__fail(SEG_EINVAL, "kmeans: cannot update a cluster centre (huge values?)");
        }
        memcpy(centers + (size_t)k * c->d, row(c, best), (size_t)c->d * sizeof(float));
        sum0 = best_sum;
        float *ft = dist;
        dist = tdist;
        tdist = ft;
        double *dt = psum_dist;
        psum_dist = psum_t;
        psum_t = dt;
    }
    c->psum = saved;
    c->dist = c->tdist = NULL;
    return SEG_OK;
}

static void random_centers(const km *c, const float *box, km_rng *rng, float *centers)
{
    float margin = 1.f / (float)c->d;
    for (int k = 0; k < c->k; k++) {
        for (int j = 0; j < c->d; j++) {
            float r = rng_float(rng);
            float lo = box[2 * j], hi = box[2 * j + 1];
            float a = r * (1.f + margin * 2.f);
            a = a - margin;
            float span = hi - lo;
            a = a * span;
            centers[(size_t)k * c->d + j] = a + lo;
        }
    }
}

/* One piece of the assignment (assign != 0) or of summing the given labels. */
static void sums_piece_impl(km *c, int64_t b, int64_t e, int assign)
{
    int64_t p = b / c->grain;
    int d = c->d, k = c->k;
    size_t kd = (size_t)k * d;
    double *dacc = c->psum + (size_t)p * kd;
    int64_t *cnt = c->pcnt + (size_t)p * k;
    memset(dacc, 0, kd * sizeof(double));
    memset(cnt, 0, (size_t)k * sizeof(int64_t));
    float *facc = seg__calloc(kd * SEG_KM_LANES, sizeof(float));
    if (!facc) {
        c->pfail[p] = 1;
        return;
    }
    int64_t i = b;
    if (assign && c->soa[0])
        i = seg__kmeans_assign3_avx2(c->soa[0], c->soa[1], c->soa[2], b, e, c->centers, k,
                                     c->labels, facc, dacc, cnt);
    for (; i < e; i++) {
        const float *x = row(c, i);
        int best = 0;
        if (assign) {
            float bd = dist2(x, c->centers, d);
            for (int q = 1; q < k; q++) {
                float v = dist2(x, c->centers + (size_t)q * d, d);
                if (v < bd) {
                    bd = v;
                    best = q;
                }
            }
            c->labels[i] = best;
        } else {
            best = c->labels[i];
        }
        int lane = (int)((i - b) & (SEG_KM_LANES - 1));
        float *f = facc + (size_t)best * d * SEG_KM_LANES + lane;
        for (int j = 0; j < d; j++)
            f[j * SEG_KM_LANES] += x[j];
        cnt[best]++;
        if (((i - b) & (SEG_KM_FLUSH - 1)) == SEG_KM_FLUSH - 1)
            seg__km_flush(facc, dacc, (int)kd);
    }
    seg__km_flush(facc, dacc, (int)kd);
    seg__free(facc);
}

static void assign_piece(void *vctx, int64_t b, int64_t e)
{
    sums_piece_impl(vctx, b, e, 1);
}

static void labels_sum_piece(void *vctx, int64_t b, int64_t e)
{
    sums_piece_impl(vctx, b, e, 0);
}

/* Distances to the labelled centre, summed per piece (the last iteration). */
static void compact_piece(void *vctx, int64_t b, int64_t e)
{
    km *c = vctx;
    double s[SEG_KM_LANES] = {0};
    int64_t i = b;
    if (c->soa[0] && c->k <= 8)
        i = seg__kmeans_compact3_avx2(c->soa[0], c->soa[1], c->soa[2], c->labels, b, e,
                                      c->centers, c->k, s);
    for (; i < e; i++)
        s[(i - b) & (SEG_KM_LANES - 1)] +=
            dist2(row(c, i), c->centers + (size_t)c->labels[i] * c->d, c->d);
    c->psum[b / c->grain] = lanes_total(s);
}

static int run_pass(km *c, seg_range_fn fn)
{
    memset(c->pfail, 0, (size_t)c->pieces * sizeof(int));
    seg__parallel_for(c->n, c->grain, fn, c);
    for (int64_t p = 0; p < c->pieces; p++)
        if (c->pfail[p])
            return seg__fail(SEG_ENOMEM, "kmeans: out of memory");
    return SEG_OK;
}

/* Centres from the piece sums, with cv2's empty-cluster repair; returns max shift^2. */
static double update_centers(km *c, double *sums, int64_t *counts, const float *old,
                             float *base, int iter)
{
    int d = c->d, k = c->k;
    size_t kd = (size_t)k * d;
    memset(sums, 0, kd * sizeof(double));
    memset(counts, 0, (size_t)k * sizeof(int64_t));
    for (int64_t p = 0; p < c->pieces; p++) {
        for (size_t q = 0; q < kd; q++)
            sums[q] += c->psum[(size_t)p * kd + q];
        for (int q = 0; q < k; q++)
            counts[q] += c->pcnt[(size_t)p * k + q];
    }
    for (int q = 0; q < k; q++) {
        if (counts[q] != 0)
            continue;
        int big = 0;
        for (int q1 = 1; q1 < k; q1++)
            if (counts[big] < counts[q1])
                big = q1;
        float scale = 1.f / (float)counts[big];
        for (int j = 0; j < d; j++)
            base[j] = (float)sums[(size_t)big * d + j] * scale;
        double max_dist = 0;
        int64_t far = -1;
        for (int64_t i = 0; i < c->n; i++) {
            if (c->labels[i] != big)
                continue;
            double v = dist2(row(c, i), base, d);
            if (max_dist <= v) {
                max_dist = v;
                far = i;
            }
        }
        counts[big]--;
        counts[q]++;
        c->labels[far] = q;
        const float *x = row(c, far);
        for (int j = 0; j < d; j++) {
            sums[(size_t)big * d + j] -= x[j];
            sums[(size_t)q * d + j] += x[j];
        }
    }
    double shift = 0;
    for (int q = 0; q < k; q++) {
        float scale = 1.f / (float)counts[q];
        double s = 0;
        for (int j = 0; j < d; j++) {
            float v = (float)sums[(size_t)q * d + j] * scale;
            c->centers[(size_t)q * d + j] = v;
            double t = (double)v - old[(size_t)q * d + j];
            s += t * t;
        }
        if (iter > 0 && s > shift)
            shift = s;
    }
    return shift;
}

typedef struct km_buffers {
    int32_t *labels;
    float *centers, *old, *box, *tmp, *pp, *soa;
    double *psum, *sums, *ppsum;
    int64_t *pcnt, *counts;
    int *pfail;
} km_buffers;

static void free_buffers(km_buffers *b)
{
    seg__free(b->labels);
    seg__free(b->centers);
    seg__free(b->old);
    seg__free(b->box);
    seg__free(b->pp);
    seg__free(b->ppsum);
    seg__free(b->tmp);
    seg__free(b->soa);
    seg__free(b->psum);
    seg__free(b->sums);
    seg__free(b->pcnt);
    seg__free(b->counts);
    seg__free(b->pfail);
}

static int check_args(const float *data, int n, int dims, size_t row_stride, int k, int flags,
                      const int32_t *labels, const float *centers)
{
    if (!data || !labels || !centers)
        return seg__fail(SEG_EINVAL, "kmeans: data, labels and centers must not be NULL");
    if (dims < 1)
        return seg__fail(SEG_EINVAL, "kmeans: dims must be >= 1, got %d", dims);
    if (n < 1)
        return seg__fail(SEG_EINVAL, "kmeans: no points");
    if (k < 1 || k > n)
        return seg__fail(SEG_EINVAL, "kmeans: k = %d must be in 1..%d (the number of points)",
                         k, n);
    if (row_stride && (row_stride < (size_t)dims * sizeof(float) || row_stride % sizeof(float)))
        return seg__fail(SEG_EINVAL, "kmeans: row stride %zu is too small or not a multiple "
                         "of 4", row_stride);
    if ((flags & SEG_KMEANS_USE_INITIAL_LABELS) && (flags & SEG_KMEANS_USE_INITIAL_CENTERS))
        return seg__fail(SEG_EINVAL, "kmeans: USE_INITIAL_LABELS and USE_INITIAL_CENTERS "
                         "exclude each other");
    if (flags & ~(SEG_KMEANS_USE_INITIAL_LABELS | SEG_KMEANS_PP_CENTERS |
                  SEG_KMEANS_USE_INITIAL_CENTERS))
        return seg__fail(SEG_EINVAL, "kmeans: unknown flags 0x%x", flags);
    if (flags & SEG_KMEANS_USE_INITIAL_LABELS)
        for (int i = 0; i < n; i++)
            if ((uint32_t)labels[i] >= (uint32_t)k)
                return seg__fail(SEG_EINVAL, "kmeans: initial label %d at %d is outside 0..%d",
                                 labels[i], i, k - 1);
    if (flags & SEG_KMEANS_USE_INITIAL_CENTERS)
        for (size_t i = 0; i < (size_t)k * dims; i++)
            if (!isfinite(centers[i]))
                return seg__fail(SEG_EINVAL, "kmeans: initial centres must be finite");
    return SEG_OK;
}

static int alloc_buffers(km *c, km_buffers *b, int flags)
{
    size_t n = (size_t)c->n, kd = (size_t)c->k * c->d, bytes;
    memset(b, 0, sizeof(*b));
    /* Pieces big enough that per-piece sums (k*d) stay small next to the data. */
    c->grain = seg__grain(c->n, SEG_MAX(4096, (int64_t)kd * 8));
    c->pieces = (c->n + c->grain - 1) / c->grain;
    if (!seg__mul(n, sizeof(int32_t), &bytes) || !seg__mul(kd, (size_t)c->pieces, &bytes) ||
        !seg__mul(n, 3 * sizeof(float) + sizeof(double), &bytes))
        return seg__fail(SEG_EOVERFLOW, "kmeans: problem too large");
    size_t npp = (flags & SEG_KMEANS_PP_CENTERS) ? 3 * n : 0;
    b->labels = seg__malloc(n * sizeof(int32_t));
    b->centers = seg__malloc(kd * sizeof(float));
    b->old = seg__malloc(kd * sizeof(float));
    b->box = seg__malloc((size_t)c->d * 2 * sizeof(float));
    b->psum = seg__malloc(SEG_MAX(kd, 1) * (size_t)c->pieces * sizeof(double));
    b->pcnt = seg__malloc((size_t)c->k * (size_t)c->pieces * sizeof(int64_t));
    b->sums = seg__malloc(kd * sizeof(double));
    b->counts = seg__malloc((size_t)c->k * sizeof(int64_t));
    b->pfail = seg__calloc((size_t)c->pieces, sizeof(int));
    b->tmp = seg__malloc((size_t)c->d * sizeof(float));
    b->pp = npp ? seg__malloc(npp * sizeof(float)) : NULL;
    b->ppsum = npp ? seg__malloc(3 * (size_t)c->pieces * sizeof(double)) : NULL;
    if (!b->labels || !b->centers || !b->old || !b->box || !b->tmp || !b->psum || !b->pcnt ||
        !b->sums || !b->counts || !b->pfail || (npp && (!b->pp || !b->ppsum)))
        return seg__fail(SEG_ENOMEM, "kmeans: out of memory");
    return SEG_OK;
}

int seg_kmeans(const float *data, int n, int dims, size_t row_stride, int k,
               const seg_term_criteria *criteria, int attempts, int flags, uint64_t seed,
               int32_t *labels, float *centers, double *compactness)
{
    seg__clear_error();
    uint64_t state = seed ? seed : 0xffffffffu;
    return seg__kmeans_rng(data, n, dims, row_stride, k, criteria, attempts, flags, &state,
                           labels, centers, compactness);
}

int seg__kmeans_rng(const float *data, int n, int dims, size_t row_stride, int k,
                    const seg_term_criteria *criteria, int attempts, int flags,
                    uint64_t *rng_state, int32_t *labels, float *centers, double *compactness)
{
    if (compactness)
        *compactness = 0;
    int st = check_args(data, n, dims, row_stride, k, flags, labels, centers);
    if (st)
        return st;
    seg_term_criteria crit = criteria ? *criteria
                                      : (seg_term_criteria){SEG_TERM_COUNT | SEG_TERM_EPS, 100,
                                                            FLT_EPSILON};
    double eps = (crit.type & SEG_TERM_EPS) ? SEG_MAX(crit.epsilon, 0.) : FLT_EPSILON;
    if (isnan(eps))
        return seg__fail(SEG_EINVAL, "kmeans: epsilon is NaN");
    eps *= eps;
    int max_count = (crit.type & SEG_TERM_COUNT) ? SEG_MIN(SEG_MAX(crit.max_iter, 2), 100) : 100;
    attempts = SEG_MAX(attempts, 1);
    if (k == 1) {
        attempts = 1;
        max_count = 2;
    }

    km c = {.data = data, .step = row_stride ? row_stride / sizeof(float) : (size_t)dims,
            .n = n, .d = dims, .k = k};
    km_buffers b;
    st = alloc_buffers(&c, &b, flags);
    if (st)
        goto done;
    c.psum = b.psum;
    c.pcnt = b.pcnt;
    c.pfail = b.pfail;
    c.labels = b.labels;
    c.centers = b.centers;

    memset(c.pfail, 0, (size_t)c.pieces * sizeof(int));
    seg__parallel_for(c.n, c.grain, finite_piece, &c);
    for (int64_t p = 0; p < c.pieces; p++)
        if (c.pfail[p]) {
            st = seg__fail(SEG_EINVAL, "kmeans: data contains NaN or infinite values");
            goto done;
        }
    if (dims == 3 && k <= SEG_KM_AVX2_MAXK && (seg__cpu_active() & SEG_CPU_AVX2)) {
        b.soa = seg__malloc((size_t)n * 3 * sizeof(float));
        if (!b.soa) {
            st = seg__fail(SEG_ENOMEM, "kmeans: out of memory");
            goto done;
        }
        c.soa[0] = b.soa;
        c.soa[1] = b.soa + n;
        c.soa[2] = b.soa + 2 * (size_t)n;
        seg__parallel_for(c.n, c.grain, soa_piece, &c);
    }
    if (!(flags & SEG_KMEANS_PP_CENTERS)) {
        for (int j = 0; j < dims; j++)
            b.box[2 * j] = b.box[2 * j + 1] = data[j];
        for (int64_t i = 1; i < n; i++) {
            const float *x = row(&c, i);
            for (int j = 0; j < dims; j++) {
                b.box[2 * j] = SEG_MIN(b.box[2 * j], x[j]);
                b.box[2 * j + 1] = SEG_MAX(b.box[2 * j + 1], x[j]);
            }
        }
    }

    km_rng rng = {*rng_state};
    size_t kd = (size_t)k * dims;
    double best = DBL_MAX;
    for (int a = 0; a < attempts; a++) {
        double compact = 0;
        for (int iter = 0;;) {
            double shift = iter == 0 ? DBL_MAX : 0.0;
            memcpy(b.old, c.centers, kd * sizeof(float));
            if (iter == 0 && (a > 0 || !(flags & SEG_KMEANS_USE_INITIAL_LABELS))) {
                if (a == 0 && (flags & SEG_KMEANS_USE_INITIAL_CENTERS))
                    memcpy(c.centers, centers, kd * sizeof(float));
                else if (flags & SEG_KMEANS_PP_CENTERS)
                    st = pp_centers(&c, &rng, c.centers, b.pp, b.ppsum);
                else
                    random_centers(&c, b.box, &rng, c.centers);
                if (st)
                    goto done;
            } else {
                if (iter == 0) {
                    memcpy(c.labels, labels, (size_t)n * sizeof(int32_t));
                    if ((st = run_pass(&c, labels_sum_piece)))
                        goto done;
                }
                double s = update_centers(&c, b.sums, b.counts, b.old, b.tmp, iter);
                if (iter > 0)
                    shift = s;
            }
            if (++iter == max_count || shift <= eps) {
                seg__parallel_for(c.n, c.grain, compact_piece, &c);
                compact = reduce_pieces(&c);
                break;
            }
            if ((st = run_pass(&c, assign_piece)))
                goto done;
        }
        if (compact < best) {
            best = compact;
            memcpy(centers, c.centers, kd * sizeof(float));
            memcpy(labels, c.labels, (size_t)n * sizeof(int32_t));
        }
    }
    if (compactness)
        *compactness = best;
    *rng_state = rng.state;
done:
    free_buffers(&b);
    return st;
}
