/* The column pass of the exact distance transform (cv2's DTColumnInvoker, walked row by
 * row over columns [x0, x1) so memory is read in order), included by distance_exact.c
 * (plain build) and distance_exact_avx2.c (built with AVX2) under the name
 * EDT_COLUMNS_FN; every value is a small integer in float, so both builds give the same
 * bits. The distance to the nearest zero below is kept in dst, then the top-down walk
 * takes min(up + 1, down) and stores squares one row late (cv2: its square, or 1e15f
 * when the column has no zero, i.e. the distance reaches h). */
void EDT_COLUMNS_FN(const seg_image *src, seg_image *dst, int x0, int x1);

void EDT_COLUMNS_FN(const seg_image *src, seg_image *dst, int x0, int x1)
{
    const int h = src->height, n = x1 - x0;
    const float fh = (float)h, inf = 1e15f;
    for (int y = h - 1; y >= 0; y--) {
        const uint8_t *s = (const uint8_t *)seg__row(src, y) + x0;
        float *o = (float *)seg__row(dst, y) + x0;
        if (y == h - 1) {
            for (int i = 0; i < n; i++)
                o[i] = s[i] ? fh : 0.0f;
        } else {
            const float *b = (const float *)seg__row(dst, y + 1) + x0;
            for (int i = 0; i < n; i++)
                o[i] = s[i] ? b[i] + 1.0f : 0.0f;
        }
    }
    float *o = (float *)seg__row(dst, 0) + x0;
    for (int i = 0; i < n; i++)
        o[i] = o[i] < fh ? o[i] : fh; /* up starts at h - 1, so min(h, down) */
    for (int y = 1; y < h; y++) {
        float *p = (float *)seg__row(dst, y - 1) + x0;
        o = (float *)seg__row(dst, y) + x0;
        for (int i = 0; i < n; i++) {
            float a = p[i], d = a + 1.0f < o[i] ? a + 1.0f : o[i];
            o[i] = d;
            p[i] = a < fh ? a * a : inf;
        }
    }
    o = (float *)seg__row(dst, h - 1) + x0;
    for (int i = 0; i < n; i++)
        o[i] = o[i] < fh ? o[i] * o[i] : inf;
}
