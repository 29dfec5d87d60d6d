/* AVX2 kernels of the exact distance transform. The windowed row kernel (the plain one,
 * the test oracle, is distance_exact_window.h): eight pixels per vector, two window
 * steps per loop trip, and the stopping test done with one compare + movemask instead of
 * a horizontal maximum, so the loop-carried chain is just the running minimum. Same
 * candidates, same exact float sums, so the same results bit for bit. */
#include "internal.h"

#include <immintrin.h>

/* the column pass, auto-vectorised for AVX2 from the plain source */
#define EDT_COLUMNS_FN seg__edt_columns_avx2
#include "imgproc/distance_exact_columns.h"

int seg__edt_window_avx2(const float *f, float *d, int w, int limit);

int seg__edt_window_avx2(const float *f, float *d, int w, int limit)
{
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (int x = 0; x < w; x += 8) {
        __m256 best = _mm256_loadu_ps(f + x);
        if (w - x < 8) { /* lanes past the row start at 0 so they never widen the window */
            __m256i in = _mm256_cmpgt_epi32(_mm256_set1_epi32(w - x), lane);
            best = _mm256_and_ps(best, _mm256_castsi256_ps(in));
        }
        int t = 1;
        while (_mm256_movemask_ps(_mm256_cmp_ps(best, _mm256_set1_ps((float)(t * t)),
                                                _CMP_GT_OQ))) {
            if (t > limit)
                return -1;
            __m256 c1 = _mm256_add_ps(_mm256_min_ps(_mm256_loadu_ps(f + x - t),
                                                    _mm256_loadu_ps(f + x + t)),
                                      _mm256_set1_ps((float)(t * t)));
            if (t + 1 > limit) { /* one step left before the limit, as the plain kernel */
                best = _mm256_min_ps(best, c1);
                t++;
                continue;
            }
            __m256 c2 = _mm256_add_ps(_mm256_min_ps(_mm256_loadu_ps(f + x - t - 1),
                                                    _mm256_loadu_ps(f + x + t + 1)),
                                      _mm256_set1_ps((float)((t + 1) * (t + 1))));
            best = _mm256_min_ps(best, _mm256_min_ps(c1, c2));
            t += 2;
        }
        __m256 r = _mm256_sqrt_ps(best);
        if (w - x >= 8) {
            _mm256_storeu_ps(d + x, r);
        } else {
            float tmp[8];
            _mm256_storeu_ps(tmp, r);
            for (int l = 0; l < w - x; l++)
                d[x + l] = tmp[l];
        }
    }
    return 0;
}
