/* The column pass of the exact distance transform (cv2's DTColumnInvoker, walked row by
 * row over columns [x0, x1) so memory is read in order), included by distance_exact.c
 * under the name EDT_COLUMNS_FN (the plain oracle; distance_exact_avx2.c has the same
 * pass in intrinsics); every value is a small integer in float, so both give the same
 * bits. The distance to the nearest zero below is kept in dst, then the top-down walk
 * takes min(up + 1, down) and stores squares one row late (cv2: its square, or 1e15f
 * when the column has no zero, i.e. the distance reaches h). */
#define EDT_CAT2(a, b) a##b
#define EDT_CAT(a, b) EDT_CAT2(a, b)

void EDT_COLUMNS_FN(const seg_image *src, seg_image *dst, int x0, int x1);

/* o = s ? below + 1 : 0 (below = NULL: s ? start : 0) */
static void EDT_CAT(EDT_COLUMNS_FN, _down)(const uint8_t *restrict s,
                                           const float *restrict below, float *restrict o,
                                           int n, float start)
{
    if (!below) {
        for (int i = 0; i < n; i++)
            o[i] = s[i] ? start : 0.0f;
        return;
    }
    for (int i = 0; i < n; i++) {
        float v = below[i] + 1.0f;
        o[i] = s[i] ? v : 0.0f;
    }
}

/* o = min(p + 1, o), then p = p < h ? p^2 : 1e15 (p is the row above) */
static void EDT_CAT(EDT_COLUMNS_FN, _up)(float *restrict p, float *restrict o, int n, float fh)
{
    for (int i = 0; i < n; i++) {
        float a = p[i], b = o[i], u = a + 1.0f;
        o[i] = u < b ? u : b;
        float sq = a * a;
        p[i] = a < fh ? sq : 1e15f;
    }
}

void EDT_COLUMNS_FN(const seg_image *src, seg_image *dst, int x0, int x1)
{
    const int h = src->height, n = x1 - x0;
    const float fh = (float)h;
    for (int y = h - 1; y >= 0; y--)
        EDT_CAT(EDT_COLUMNS_FN, _down)((const uint8_t *)seg__row(src, y) + x0,
                                       y == h - 1 ? NULL : (const float *)seg__row(dst, y + 1) + x0,
                                       (float *)seg__row(dst, y) + x0, n, fh);
    float *o = (float *)seg__row(dst, 0) + x0;
    for (int i = 0; i < n; i++)
        o[i] = o[i] < fh ? o[i] : fh; /* up starts at h - 1, so min(h, down) */
    for (int y = 1; y < h; y++)
        EDT_CAT(EDT_COLUMNS_FN, _up)((float *)seg__row(dst, y - 1) + x0,
                                     (float *)seg__row(dst, y) + x0, n, fh);
    o = (float *)seg__row(dst, h - 1) + x0;
    for (int i = 0; i < n; i++) {
        float a = o[i], sq = a * a;
        o[i] = a < fh ? sq : 1e15f;
    }
}

#undef EDT_CAT
#undef EDT_CAT2
