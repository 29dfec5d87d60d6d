/* The windowed row kernel of the exact distance transform in plain C, included by
 * distance_exact.c with EDT_WINDOW_FN naming it; distance_exact_avx2.c is the same
 * kernel in AVX2 intrinsics and must give identical results (tests compare them).
 *
 * d[x] = sqrtf(min over |t| < limit of t^2 + f[x + t]) for a row of squared column
 * distances f (f is readable at x - limit - 1 .. w + 8 + limit, padded with 1e15f).
 * Eight pixels go together: t grows from 1 while t^2 is below one of their current
 * minima (no farther candidate can win), so the cost is the local distance, and a row
 * of background is nearly free. Sums are exact (integers below 2^24 in
 * float), so the minimum is the exact squared distance. Returns -1 without finishing
 * when some pixel is farther than `limit` from every candidate that could win; the
 * caller then uses the envelope (Felzenszwalb-Huttenlocher) for that row. */
int EDT_WINDOW_FN(const float *f, float *d, int w, int limit);

int EDT_WINDOW_FN(const float *f, float *d, int w, int limit)
{
    enum { L = 8 };
    for (int x = 0; x < w; x += L) {
        float best[L];
        for (int l = 0; l < L; l++)
            best[l] = x + l < w ? f[x + l] : 0.0f; /* lanes past the row never widen t */
        for (int t = 1;; t++) {
            const float t2 = (float)(t * t);
            int more = 0;
            for (int l = 0; l < L; l++)
                more |= best[l] > t2;
            if (!more)
                break;
            if (t > limit)
                return -1;
            const float *a = f + x - t, *b = f + x + t;
            for (int l = 0; l < L; l++) {
                float c = (a[l] < b[l] ? a[l] : b[l]) + t2;
                best[l] = best[l] < c ? best[l] : c;
            }
        }
        float out[L];
        for (int l = 0; l < L; l++)
            out[l] = sqrtf(best[l]);
        int n = w - x < L ? w - x : L;
        for (int l = 0; l < n; l++)
            d[x + l] = out[l];
    }
    return 0;
}
