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
