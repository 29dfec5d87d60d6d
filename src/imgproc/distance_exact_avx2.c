/* AVX2 kernels of the exact distance transform. The windowed row kernel (the plain one,
 * the test oracle, is distance_exact_window.h): eight pixels per vector, two window
 * steps per loop trip, and the stopping test done with one compare + movemask instead of
 * a horizontal maximum, so the loop-carried chain is just the running minimum. Same
 * candidates, same exact float sums, so the same results bit for bit. */
#include "internal.h"

#include <immintrin.h>

void seg__edt_columns_avx2(const seg_image *src, seg_image *dst, int x0, int x1);

/* The column pass of distance_exact_columns.h, eight columns per vector (the compiler
 * keeps the plain source's selects as branches). Same integer-valued floats. */
void seg__edt_columns_avx2(const seg_image *src, seg_image *dst, int x0, int x1)
{
    const int h = src->height, n = x1 - x0, nv = n & ~7;
    const float fh = (float)h;
    const __m256 one = _mm256_set1_ps(1.0f), vh = _mm256_set1_ps(fh),
                 inf = _mm256_set1_ps(1e15f);
    for (int y = h - 1; y >= 0; y--) {
        const uint8_t *s = (const uint8_t *)seg__row(src, y) + x0;
        float *o = (float *)seg__row(dst, y) + x0;
        const float *b = y == h - 1 ? NULL : (const float *)seg__row(dst, y + 1) + x0;
        int i = 0;
        for (; i < nv; i += 8) {
            __m256i sv = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(s + i)));
            __m256 zero = _mm256_castsi256_ps(_mm256_cmpeq_epi32(sv, _mm256_setzero_si256()));
            __m256 v = b ? _mm256_add_ps(_mm256_loadu_ps(b + i), one) : vh;
            _mm256_storeu_ps(o + i, _mm256_andnot_ps(zero, v));
        }
        for (; i < n; i++)
            o[i] = s[i] ? (b ? b[i] + 1.0f : fh) : 0.0f;
    }
    float *o = (float *)seg__row(dst, 0) + x0;
    for (int i = 0; i < n; i++)
        o[i] = o[i] < fh ? o[i] : fh;
    for (int y = 1; y < h; y++) {
        float *p = (float *)seg__row(dst, y - 1) + x0;
        o = (float *)seg__row(dst, y) + x0;
        int i = 0;
        for (; i < nv; i += 8) {
            __m256 a = _mm256_loadu_ps(p + i);
            _mm256_storeu_ps(o + i, _mm256_min_ps(_mm256_add_ps(a, one), _mm256_loadu_ps(o + i)));
            _mm256_storeu_ps(p + i, _mm256_blendv_ps(inf, _mm256_mul_ps(a, a),
                                                     _mm256_cmp_ps(a, vh, _CMP_LT_OQ)));
        }
        for (; i < n; i++) {
            float a = p[i], u = a + 1.0f;
            o[i] = u < o[i] ? u : o[i];
            p[i] = a < fh ? a * a : 1e15f;
        }
    }
    o = (float *)seg__row(dst, h - 1) + x0;
    for (int i = 0; i < n; i++)
        o[i] = o[i] < fh ? o[i] * o[i] : 1e15f;
}

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
