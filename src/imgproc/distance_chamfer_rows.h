/* The vectorisable half of a chamfer pass, included by distance_chamfer.c (plain build,
 * the oracle) and distance_chamfer_avx2.c (built with AVX2) under CHAMFER_ROWS_FN:
 * a = minimum of the mask's candidates in the two rows n1 (adjacent) and n2 (two away,
 * 5x5 only); backward (src NULL): r[x] = min(r[x], a); forward: r[x] = src[x] ?
 * min(a, cap) : 0, which leaves the sequential scan only min(r[x], previous + hv).
 * Integer minima, so both builds are identical. n1 and n2 are padded rows (readable at
 * x - 2 .. w + 1). */
void CHAMFER_ROWS_FN(const int32_t *restrict n1, const int32_t *restrict n2,
                     int32_t *restrict r, int w, int five, int32_t hv, int32_t diag,
                     int32_t lng, const uint8_t *restrict src, int32_t cap);

void CHAMFER_ROWS_FN(const int32_t *restrict n1, const int32_t *restrict n2,
                     int32_t *restrict r, int w, int five, int32_t hv, int32_t diag,
                     int32_t lng, const uint8_t *restrict src, int32_t cap)
{
    if (five) {
        for (int x = 0; x < w; x++) {
            int32_t a = n2[x - 1] + lng, b = n2[x + 1] + lng;
            a = a < b ? a : b;
            b = n1[x - 2] + lng;
            a = a < b ? a : b;
            b = n1[x + 2] + lng;
            a = a < b ? a : b;
            b = n1[x - 1] + diag;
            a = a < b ? a : b;
            b = n1[x + 1] + diag;
            a = a < b ? a : b;
            b = n1[x] + hv;
            a = a < b ? a : b;
            if (src) {
                a = a < cap ? a : cap;
                r[x] = src[x] ? a : 0;
            } else {
                r[x] = r[x] < a ? r[x] : a;
            }
        }
    } else {
        for (int x = 0; x < w; x++) {
            int32_t a = n1[x - 1] + diag, b = n1[x + 1] + diag;
            a = a < b ? a : b;
            b = n1[x] + hv;
            a = a < b ? a : b;
            if (src) {
                a = a < cap ? a : cap;
                r[x] = src[x] ? a : 0;
            } else {
                r[x] = r[x] < a ? r[x] : a;
            }
        }
    }
}
