/* Contours, components and drawing through the C API: a case whose expected values were
 * produced by cv2 4.6, then randomised property checks (run under ASan/UBSan in the
 * sanitizer build) and bad input. The parity tests proper are in tests/python. */
#include <segkit.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void test_known_case(void)
{
    /* expected values: cv2.findContours(m, RETR_TREE, CHAIN_APPROX_SIMPLE) and
     * cv2.connectedComponentsWithStats(m, connectivity=8) in OpenCV 4.6 */
    uint8_t m[5 * 6] = {0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1, 0, 1,
                        0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    seg_image img;
    CHECK_EQ_INT(seg_image_wrap(&img, m, 6, 5, 0, 1, SEG_U8), SEG_OK);
    seg_contours *c = NULL;
    CHECK_EQ_INT(seg_find_contours(&img, SEG_RETR_TREE, SEG_CHAIN_APPROX_SIMPLE, &c), SEG_OK);
    CHECK(c != NULL);
    if (!c)
        return;
    static const int32_t pts[] = {5, 2, 1, 1, 1, 3, 3, 3, 3, 1, 1, 2, 2, 1, 3, 2, 2, 3};
    static const size_t offs[] = {0, 1, 5, 9};
    static const int32_t hier[] = {1, -1, -1, -1, -1, 0, 2, -1, -1, -1, -1, 1};
    CHECK_EQ_INT(c->count, 3);
    CHECK_EQ_INT(c->total_points, 9);
    CHECK(memcmp(c->points, pts, sizeof pts) == 0);
    CHECK(memcmp(c->offsets, offs, sizeof offs) == 0);
    CHECK(memcmp(c->hierarchy, hier, sizeof hier) == 0);
    seg_contours_free(c);

    seg_image lab = {0};
    seg_components *s = NULL;
    CHECK_EQ_INT(seg_connected_components(&img, 8, SEG_CC_ORDER_CV2, &lab, &s), 3);
    static const int32_t stats[] = {0, 0, 6, 5, 21, 1, 1, 3, 3, 8, 5, 2, 1, 1, 1};
    CHECK(s && memcmp(s->stats, stats, sizeof stats) == 0);
    CHECK(s && s->centroids[0] == 54.0 / 21 && s->centroids[2] == 2.0 && s->centroids[4] == 5.0);
    CHECK_EQ_INT(((int32_t *)lab.data)[2 * lab.stride / 4 + 5], 2);
    /* the area filter drops the single pixel and gives it to the background */
    CHECK_EQ_INT(seg_components_filter_area(&lab, s, 2, -1), 2);
    CHECK(s && s->stats[4] == 22 && s->stats[5 + 4] == 8);
    CHECK_EQ_INT(((int32_t *)lab.data)[2 * lab.stride / 4 + 5], 0);
    seg_components_free(s);
    seg_image_free(&lab);
}

static void random_mask(uint8_t *m, int w, int h, unsigned density)
{
    for (int i = 0; i < w * h; i++)
        m[i] = (rnd() % 100) < density ? (uint8_t)(1 + rnd() % 255) : 0;
}

/* Properties every correct result has, checked on many random masks. */
static void test_random_properties(void)
{
    int fails = 0;
    for (int iter = 0; iter < 400; iter++) {
        int w = 1 + (int)(rnd() % 45), h = 1 + (int)(rnd() % 45);
        unsigned density = (unsigned)(rnd() % 101);
        uint8_t *m = malloc((size_t)w * h);
        random_mask(m, w, h, density);
        seg_image img;
        seg_image_wrap(&img, m, w, h, 0, 1, SEG_U8);

        /* components: 8-neighbours share labels, areas add up, threads do not matter */
        seg_image lab = {0}, lab3 = {0};
        seg_components *s = NULL;
        seg_set_num_threads(1);
        int n = seg_connected_components(&img, 8, SEG_CC_ORDER_CV2, &lab, &s);
        seg_set_num_threads(3);
        seg_set_use_optimized(0);
        int n3 = seg_connected_components(&img, 8, SEG_CC_ORDER_CV2, &lab3, NULL);
        seg_set_use_optimized(1);
        seg_set_num_threads(0);
        fails += n < 1 || n != n3 || !s;
        int64_t area = 0;
        for (int l = 0; s && l < n; l++)
            area += s->stats[5 * l + 4];
        fails += area != (int64_t)w * h;
        for (int y = 0; y < h; y++) {
            const int32_t *L = (const int32_t *)((uint8_t *)lab.data + y * lab.stride);
            const int32_t *L3 = (const int32_t *)((uint8_t *)lab3.data + y * lab3.stride);
            for (int x = 0; x < w; x++) {
                fails += L[x] != L3[x];
                fails += (m[y * w + x] != 0) != (L[x] != 0);
                for (int dy = 0; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++) {
                        int xx = x + dx, yy = y + dy;
                        if ((dy == 0 && dx <= 0) || xx < 0 || xx >= w || yy >= h)
                            continue;
                        const int32_t *N = (const int32_t *)((uint8_t *)lab.data + yy * lab.stride);
                        if (L[x] && N[xx])
                            fails += L[x] != N[xx];
                    }
            }
        }

        /* contours: one outer border (a top-level contour of CCOMP) per 8-connected
         * component; points on the mask; hierarchy links consistent */
        seg_contours *c = NULL;
        fails += seg_find_contours(&img, SEG_RETR_CCOMP, SEG_CHAIN_APPROX_NONE, &c) != SEG_OK;
        int outer = 0;
        for (int i = 0; c && i < c->count; i++)
            outer += c->hierarchy[4 * i + 3] < 0;
        fails += !c || outer != n - 1;
        seg_contours_free(c);
        c = NULL;
        fails += seg_find_contours(&img, SEG_RETR_TREE, SEG_CHAIN_APPROX_NONE, &c) != SEG_OK;
        for (size_t k = 0; c && k < c->total_points; k++) {
            int x = c->points[2 * k], y = c->points[2 * k + 1];
            fails += x < 0 || y < 0 || x >= w || y >= h || !m[y * w + x];
        }
        for (int i = 0; c && i < c->count; i++) {
            const int32_t *hi = c->hierarchy + 4 * i;
            if (hi[0] >= 0)
                fails += c->hierarchy[4 * hi[0] + 1] != i;
            if (hi[2] >= 0)
                fails += c->hierarchy[4 * hi[2] + 3] != i;
        }

        /* filling the two-level contours with holes gives the mask back */
        seg_contours *cc = NULL;
        fails += seg_find_contours(&img, SEG_RETR_CCOMP, SEG_CHAIN_APPROX_SIMPLE, &cc) != SEG_OK;
        seg_image canvas = {0};
        seg_image_alloc(&canvas, w, h, 1, SEG_U8);
        const double one[4] = {1, 0, 0, 0};
        if (cc)
            fails += seg_draw_contours(&canvas, cc->points, cc->offsets, cc->count, -1, one,
                                       SEG_FILLED, SEG_LINE_8, cc->hierarchy, 1 << 30, 0,
                                       0) != SEG_OK;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                fails += ((uint8_t *)canvas.data)[y * canvas.stride + x] != (m[y * w + x] != 0);
        seg_image_free(&canvas);
        seg_contours_free(cc);
        seg_contours_free(c);
        seg_components_free(s);
        seg_image_free(&lab);
        seg_image_free(&lab3);
        free(m);
    }
    CHECK_EQ_INT(fails, 0);
}

int seg__cc_row_runs(const uint8_t *s, int w, int32_t *out);
int seg__cc_row_runs_avx2(const uint8_t *s, int w, int32_t *out);

/* The AVX2 run finder against the plain one (the oracle) on rows of every length up to
 * 200: runs across 32-byte blocks, full rows, single pixels, odd values. */
static void test_row_runs_simd(void)
{
    if (!(seg_cpu_features() & SEG_CPU_AVX2))
        return;
    uint8_t row[256];
    int32_t a[260], b[260];
    int fails = 0;
    for (int iter = 0; iter < 3000; iter++) {
        int w = 1 + (int)(rnd() % 200);
        unsigned mode = rnd() % 4, density = rnd() % 101;
        for (int x = 0; x < w; x++) {
            row[x] = mode == 0 ? 255 : mode == 1 ? 0 : (rnd() % 100) < density ? (uint8_t)(rnd() | 1) : 0;
            if (mode == 3 && x % 37 == 5)
                row[x] = 0x80;
        }
        int na = seg__cc_row_runs(row, w, a), nb = seg__cc_row_runs_avx2(row, w, b);
        fails += na != nb || memcmp(a, b, (size_t)na * 2 * sizeof(int32_t)) != 0;
        int count = 0; /* and the plain one against a byte-by-byte reference */
        for (int x = 0; x < w; x++)
            if (row[x] && (x == 0 || !row[x - 1]))
                fails += count >= na || a[2 * count++] != x;
        fails += count != na;
    }
    CHECK_EQ_INT(fails, 0);
}

static void test_bad_input(void)
{
    uint8_t m[16] = {0};
    float f[16] = {0};
    seg_image img, fimg, lab = {0};
    seg_image_wrap(&img, m, 4, 4, 0, 1, SEG_U8);
    seg_image_wrap(&fimg, f, 4, 4, 0, 1, SEG_F32);
    seg_contours *c = (seg_contours *)&img;
    CHECK_EQ_INT(seg_find_contours(&img, 7, SEG_CHAIN_APPROX_NONE, &c), SEG_EINVAL);
    CHECK(c == NULL);
    CHECK(strstr(seg_last_error(), "find_contours") != NULL);
    CHECK_EQ_INT(seg_find_contours(&img, SEG_RETR_LIST, 0, &c), SEG_EINVAL);
    CHECK_EQ_INT(seg_find_contours(&fimg, SEG_RETR_LIST, SEG_CHAIN_APPROX_NONE, &c), SEG_ETYPE);
    CHECK_EQ_INT(seg_find_contours(NULL, SEG_RETR_LIST, SEG_CHAIN_APPROX_NONE, &c), SEG_EINVAL);
    CHECK_EQ_INT(seg_find_contours(&img, SEG_RETR_LIST, SEG_CHAIN_APPROX_NONE, NULL), SEG_EINVAL);
    CHECK_EQ_INT(seg_connected_components(&img, 5, 0, &lab, NULL), SEG_EINVAL);
    CHECK_EQ_INT(seg_connected_components(&fimg, 8, 0, &lab, NULL), SEG_ETYPE);
    CHECK_EQ_INT(seg_connected_components(&img, 8, 9, &lab, NULL), SEG_EINVAL);
    seg_image small = {0};
    seg_image_alloc(&small, 3, 3, 1, SEG_S32);
    CHECK_EQ_INT(seg_connected_components(&img, 8, 0, &small, NULL), SEG_ESIZE);
    seg_image_free(&small);
    double a = 1;
    int32_t pts[4] = {0, 0, 1, 1};
    CHECK_EQ_INT(seg_contour_area(NULL, 3, 0, &a), SEG_EINVAL);
    CHECK_EQ_INT(seg_contour_area(pts, -1, 0, &a), SEG_EINVAL);
    int32_t out[4];
    int nout;
    CHECK_EQ_INT(seg_approx_poly_dp(pts, 2, -1.0, 1, out, &nout), SEG_EINVAL);
    const double col[4] = {255, 0, 0, 0};
    CHECK_EQ_INT(seg_draw_line(&img, 0, 0, 3, 3, col, 1, 16), SEG_EINVAL);
    CHECK_EQ_INT(seg_draw_line(&img, 0, 0, 3, 3, col, -2, 8), SEG_EINVAL);
    size_t offs[2] = {0, 2};
    CHECK_EQ_INT(seg_draw_contours(&img, pts, offs, 1, 1, col, 1, 8, NULL, 1, 0, 0), SEG_EINVAL);
    size_t bad_offs[2] = {2, 0};
    CHECK_EQ_INT(seg_fill_poly(&img, pts, bad_offs, 1, col, 8, 0, 0), SEG_EINVAL);
    /* far-away coordinates are clipped, never written out of bounds */
    CHECK_EQ_INT(seg_draw_line(&img, -2000000000, 5, 2000000000, -7, col, 1, 8), SEG_OK);
    CHECK_EQ_INT(seg_draw_line(&img, -100000, -3, 100000, 9, col, 30, 8), SEG_OK);
    int32_t far[8] = {-1000000, -1000000, 1000000, -999999, 999999, 1000000, -1, 2};
    size_t far_offs[2] = {0, 4};
    CHECK_EQ_INT(seg_fill_poly(&img, far, far_offs, 1, col, 8, 0, 0), SEG_OK);
    seg_contours_free(NULL);
    seg_components_free(NULL);
}

int main(void)
{
    test_known_case();
    test_random_properties();
    test_row_runs_simd();
    test_bad_input();
    return check_report();
}
