/* AVX2 assignment step of k-means for 3-D points (LAB/BGR pixels): 8 points at a time,
 * distances as mul + add (no FMA, so the same rounding as the plain kernel and as
 * cv::hal::normL2Sqr_), sums in 8 float lanes flushed to double like the plain kernel. */
#include "internal.h"
#include "kmeans_internal.h"

#include <immintrin.h>

static void flush_lanes(__m256 acc[][3], int k, double *dacc)
{
    float tmp[SEG_KM_LANES];
    for (int q = 0; q < k; q++) {
        for (int j = 0; j < 3; j++) {
            _mm256_storeu_ps(tmp, acc[q][j]);
            for (int l = 0; l < SEG_KM_LANES; l++)
                dacc[q * 3 + j] += tmp[l];
            acc[q][j] = _mm256_setzero_ps();
        }
    }
}

int64_t seg__kmeans_assign3_avx2(const float *x, const float *y, const float *z, int64_t b,
                                 int64_t e, const float *centers, int k, int32_t *labels,
                                 float *facc, double *dacc, int64_t *cnt)
{
    __m256 acc[SEG_KM_AVX2_MAXK][3];
    __m256i count[SEG_KM_AVX2_MAXK];
    __m256 cx[SEG_KM_AVX2_MAXK], cy[SEG_KM_AVX2_MAXK], cz[SEG_KM_AVX2_MAXK];
    __m256i ids[SEG_KM_AVX2_MAXK];
    for (int q = 0; q < k; q++) {
        acc[q][0] = acc[q][1] = acc[q][2] = _mm256_setzero_ps();
        count[q] = _mm256_setzero_si256();
        cx[q] = _mm256_set1_ps(centers[q * 3]);
        cy[q] = _mm256_set1_ps(centers[q * 3 + 1]);
        cz[q] = _mm256_set1_ps(centers[q * 3 + 2]);
        ids[q] = _mm256_set1_epi32(q);
    }
    int groups = 0;
    int64_t i = b;
    for (; i + 8 <= e; i += 8) {
        __m256 px = _mm256_loadu_ps(x + i), py = _mm256_loadu_ps(y + i),
               pz = _mm256_loadu_ps(z + i);
        __m256 t = _mm256_sub_ps(px, cx[0]);
        __m256 best = _mm256_mul_ps(t, t);
        t = _mm256_sub_ps(py, cy[0]);
        best = _mm256_add_ps(best, _mm256_mul_ps(t, t));
        t = _mm256_sub_ps(pz, cz[0]);
        best = _mm256_add_ps(best, _mm256_mul_ps(t, t));
        __m256i lab = _mm256_setzero_si256();
        for (int q = 1; q < k; q++) {
            t = _mm256_sub_ps(px, cx[q]);
            __m256 d = _mm256_mul_ps(t, t);
            t = _mm256_sub_ps(py, cy[q]);
            d = _mm256_add_ps(d, _mm256_mul_ps(t, t));
            t = _mm256_sub_ps(pz, cz[q]);
            d = _mm256_add_ps(d, _mm256_mul_ps(t, t));
            __m256 lt = _mm256_cmp_ps(d, best, _CMP_LT_OQ); /* strict: first centre wins ties */
            best = _mm256_blendv_ps(best, d, lt);
            lab = _mm256_blendv_epi8(lab, ids[q], _mm256_castps_si256(lt));
        }
        _mm256_storeu_si256((__m256i *)(labels + i), lab);
        for (int q = 0; q < k; q++) {
            __m256i mi = _mm256_cmpeq_epi32(lab, ids[q]);
            __m256 m = _mm256_castsi256_ps(mi);
            acc[q][0] = _mm256_add_ps(acc[q][0], _mm256_and_ps(m, px));
            acc[q][1] = _mm256_add_ps(acc[q][1], _mm256_and_ps(m, py));
            acc[q][2] = _mm256_add_ps(acc[q][2], _mm256_and_ps(m, pz));
            count[q] = _mm256_sub_epi32(count[q], mi);
        }
        if (++groups == SEG_KM_FLUSH / SEG_KM_LANES) {
            flush_lanes(acc, k, dacc);
            groups = 0;
        }
    }
    for (int q = 0; q < k; q++) {
        for (int j = 0; j < 3; j++)
            _mm256_storeu_ps(facc + (q * 3 + j) * SEG_KM_LANES, acc[q][j]);
        int32_t c[SEG_KM_LANES];
        _mm256_storeu_si256((__m256i *)c, count[q]);
        for (int l = 0; l < SEG_KM_LANES; l++)
            cnt[q] += c[l];
    }
    return i;
}

/* Add 8 floats to two double accumulators holding lanes 0-3 and 4-7. */
static inline void add_lanes(__m256d *lo, __m256d *hi, __m256 v)
{
    *lo = _mm256_add_pd(*lo, _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
    *hi = _mm256_add_pd(*hi, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
}

static inline __m256 dist3(__m256 px, __m256 py, __m256 pz, __m256 cx, __m256 cy, __m256 cz)
{
    __m256 t = _mm256_sub_ps(px, cx);
    __m256 d = _mm256_mul_ps(t, t);
    t = _mm256_sub_ps(py, cy);
    d = _mm256_add_ps(d, _mm256_mul_ps(t, t));
    t = _mm256_sub_ps(pz, cz);
    return _mm256_add_ps(d, _mm256_mul_ps(t, t));
}

int64_t seg__kmeans_pp3_avx2(const float *x, const float *y, const float *z, int64_t b,
                             int64_t e, const float *center, const float *dist, float *tdist,
                             double *lanes)
{
    __m256 cx = _mm256_set1_ps(center[0]), cy = _mm256_set1_ps(center[1]),
           cz = _mm256_set1_ps(center[2]);
    __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
    int64_t i = b;
    for (; i + 8 <= e; i += 8) {
        __m256 v = dist3(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), _mm256_loadu_ps(z + i),
                         cx, cy, cz);
        if (dist)
            v = _mm256_min_ps(_mm256_loadu_ps(dist + i), v); /* dist < v ? dist : v */
        _mm256_storeu_ps(tdist + i, v);
        add_lanes(&lo, &hi, v);
    }
    _mm256_storeu_pd(lanes, lo);
    _mm256_storeu_pd(lanes + 4, hi);
    return i;
}

int64_t seg__kmeans_compact3_avx2(const float *x, const float *y, const float *z,
                                  const int32_t *labels, int64_t b, int64_t e,
                                  const float *centers, int k, double *lanes)
{
    float tab[3][8] = {{0}};
    for (int q = 0; q < k; q++)
        for (int j = 0; j < 3; j++)
            tab[j][q] = centers[q * 3 + j];
    __m256 tx = _mm256_loadu_ps(tab[0]), ty = _mm256_loadu_ps(tab[1]),
           tz = _mm256_loadu_ps(tab[2]);
    __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
    int64_t i = b;
    for (; i + 8 <= e; i += 8) {
        __m256i lab = _mm256_loadu_si256((const __m256i *)(labels + i));
        __m256 v = dist3(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), _mm256_loadu_ps(z + i),
                         _mm256_permutevar8x32_ps(tx, lab), _mm256_permutevar8x32_ps(ty, lab),
                         _mm256_permutevar8x32_ps(tz, lab));
        add_lanes(&lo, &hi, v);
    }
    _mm256_storeu_pd(lanes, lo);
    _mm256_storeu_pd(lanes + 4, hi);
    return i;
}
