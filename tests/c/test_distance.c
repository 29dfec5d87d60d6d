/* Distance transforms through the C API: the AVX2 windowed row kernel against the plain
 * one (the oracle), dispatch on/off giving the same image, argument errors. Values
 * themselves are checked against cv2 in tests/python/test_distance.py. */
#include "check.h"
#include "internal.h"

#include <math.h>
#include <string.h>

int seg__edt_window_plain(const float *f, float *d, int w, int limit);
int seg__edt_window_avx2(const float *f, float *d, int w, int limit);
void seg__edt_columns_plain(const seg_image *src, seg_image *dst, int x0, int x1);
void seg__edt_columns_avx2(const seg_image *src, seg_image *dst, int x0, int x1);
void seg__chamfer_rows_plain(const int32_t *n1, const int32_t *n2, int32_t *r, int w, int five,
                             int32_t hv, int32_t diag, int32_t lng, const uint8_t *src,
                             int32_t cap);
void seg__chamfer_rows_avx2(const int32_t *n1, const int32_t *n2, int32_t *r, int w, int five,
                            int32_t hv, int32_t diag, int32_t lng, const uint8_t *src,
                            int32_t cap);

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

static void test_window_kernels_agree(void)
{
    if (!(seg_cpu_features() & SEG_CPU_AVX2))
        return;
    enum { PAD = 64, MAXW = 300 };
    float buf[MAXW + 2 * PAD], dp[MAXW], da[MAXW];
    for (int trial = 0; trial < 400; trial++) {
        int w = 1 + (int)(rnd() % MAXW);
        for (int i = 0; i < MAXW + 2 * PAD; i++)
            buf[i] = 1e15f;
        float *f = buf + PAD;
        int zero_every = 2 + (int)(rnd() % 40);
        for (int x = 0; x < w; x++) {
            int g = (int)(rnd() % 30);
            f[x] = rnd() % (unsigned)zero_every == 0 ? 0.0f : (float)(g * g);
        }
        int limit = 1 + (int)(rnd() % 48);
        memset(dp, 0, sizeof dp);
        memset(da, 0, sizeof da);
        int rp = seg__edt_window_plain(f, dp, w, limit);
        int ra = seg__edt_window_avx2(f, da, w, limit);
        CHECK_EQ_INT(rp, ra);
        if (rp == 0 && ra == 0)
            CHECK(memcmp(dp, da, (size_t)w * sizeof(float)) == 0);
    }
}

static void test_column_and_chamfer_kernels_agree(void)
{
    if (!(seg_cpu_features() & SEG_CPU_AVX2))
        return;
    for (int trial = 0; trial < 40; trial++) {
        int w = 1 + (int)(rnd() % 70), h = 1 + (int)(rnd() % 50);
        seg_image src, a, b;
        CHECK_EQ_INT(seg_image_alloc(&src, w, h, 1, SEG_U8), SEG_OK);
        CHECK_EQ_INT(seg_image_alloc(&a, w, h, 1, SEG_F32), SEG_OK);
        CHECK_EQ_INT(seg_image_alloc(&b, w, h, 1, SEG_F32), SEG_OK);
        unsigned every = 2 + rnd() % 30;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                ((uint8_t *)seg__row(&src, y))[x] = (uint8_t)(rnd() % every != 0);
        int x0 = (int)(rnd() % (unsigned)w), x1 = x0 + 1 + (int)(rnd() % (unsigned)(w - x0));
        seg__edt_columns_plain(&src, &a, x0, x1);
        seg__edt_columns_avx2(&src, &b, x0, x1);
        int same = 1;
        for (int y = 0; y < h; y++)
            same &= memcmp((float *)seg__row(&a, y) + x0, (float *)seg__row(&b, y) + x0,
                           (size_t)(x1 - x0) * sizeof(float)) == 0;
        CHECK(same);
        seg_image_free(&src);
        seg_image_free(&a);
        seg_image_free(&b);
    }
    enum { W = 157 };
    int32_t n1[W + 4], n2[W + 4], ra[W], rb[W];
    uint8_t sv[W];
    for (int trial = 0; trial < 200; trial++) {
        for (int i = 0; i < W + 4; i++) {
            n1[i] = (int32_t)(rnd() % 5000000);
            n2[i] = (int32_t)(rnd() % 5000000);
        }
        for (int i = 0; i < W; i++)
            ra[i] = rb[i] = (int32_t)(rnd() % 5000000);
        for (int i = 0; i < W; i++)
            sv[i] = (uint8_t)(rnd() % 3 != 0);
        int w = 1 + (int)(rnd() % W), five = (int)(rnd() % 2);
        const uint8_t *src = rnd() % 2 ? sv : NULL;
        seg__chamfer_rows_plain(n1 + 2, n2 + 2, ra, w, five, 65536, 91750, 143977, src, 4000000);
        seg__chamfer_rows_avx2(n1 + 2, n2 + 2, rb, w, five, 65536, 91750, 143977, src, 4000000);
        CHECK(memcmp(ra, rb, sizeof ra) == 0);
    }
}

static void test_dispatch_same_image(void)
{
    seg_image src, a = {0}, b = {0};
    CHECK_EQ_INT(seg_image_alloc(&src, 203, 117, 1, SEG_U8), SEG_OK);
    for (int y = 0; y < 117; y++)
        for (int x = 0; x < 203; x++)
            ((uint8_t *)seg__row(&src, y))[x] = (uint8_t)((rnd() % 23) != 0);
    seg_set_use_optimized(0);
    CHECK_EQ_INT(seg_distance_transform(&src, &a, SEG_DIST_L2, SEG_DIST_MASK_PRECISE, SEG_F32),
                 SEG_OK);
    seg_set_use_optimized(1);
    CHECK_EQ_INT(seg_distance_transform(&src, &b, SEG_DIST_L2, SEG_DIST_MASK_PRECISE, SEG_F32),
                 SEG_OK);
    int same = 1;
    for (int y = 0; y < 117; y++)
        same &= memcmp(seg__row(&a, y), seg__row(&b, y), 203 * sizeof(float)) == 0;
    CHECK(same);
    /* a zero pixel is at distance 0, its 4-neighbours (if non-zero) at 1 */
    for (int y = 1; y < 116; y++)
        for (int x = 1; x < 202; x++)
            if (!((uint8_t *)seg__row(&src, y))[x]) {
                CHECK(((float *)seg__row(&a, y))[x] == 0.0f);
                if (((uint8_t *)seg__row(&src, y))[x + 1])
                    CHECK(((float *)seg__row(&a, y))[x + 1] == 1.0f);
            }
    seg_image_free(&a);
    seg_image_free(&b);
    seg_image_free(&src);
}

static void test_errors(void)
{
    seg_image src, f3, dst = {0}, lab = {0};
    CHECK_EQ_INT(seg_image_alloc(&src, 8, 6, 1, SEG_U8), SEG_OK);
    CHECK_EQ_INT(seg_image_alloc(&f3, 8, 6, 3, SEG_U8), SEG_OK);
    CHECK_EQ_INT(seg_distance_transform(&f3, &dst, SEG_DIST_L2, 3, SEG_F32), SEG_ETYPE);
    CHECK_EQ_INT(seg_distance_transform(&src, &dst, 9, 3, SEG_F32), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "distance_transform: distance type 9") != NULL);
    CHECK_EQ_INT(seg_distance_transform(&src, &dst, SEG_DIST_L2, 7, SEG_F32), SEG_EINVAL);
    CHECK_EQ_INT(seg_distance_transform(&src, &dst, SEG_DIST_L2, 3, SEG_U8), SEG_EINVAL);
    CHECK_EQ_INT(seg_distance_transform(&src, &src, SEG_DIST_L1, 3, SEG_U8), SEG_EINVAL);
    CHECK(dst.data == NULL);
    CHECK_EQ_INT(seg_distance_transform_with_labels(&src, &dst, &lab, 2, 5, 3), SEG_EINVAL);
    CHECK_EQ_INT(seg_distance_transform_with_labels(&src, &dst, NULL, 2, 5, 0), SEG_EINVAL);
    CHECK_EQ_INT(seg_distance_transform_with_labels(&src, &dst, &lab, 2, 5, 0), SEG_OK);
    CHECK(dst.type == SEG_F32 && lab.type == SEG_S32);
    seg_image wrong = {0};
    CHECK_EQ_INT(seg_image_alloc(&wrong, 7, 6, 1, SEG_F32), SEG_OK);
    CHECK_EQ_INT(seg_distance_transform(&src, &wrong, SEG_DIST_L2, 3, SEG_F32), SEG_ESIZE);
    seg_image_free(&wrong);
    seg_image_free(&dst);
    seg_image_free(&lab);
    seg_image_free(&src);
    seg_image_free(&f3);
}

int main(void)
{
    test_window_kernels_agree();
    test_column_and_chamfer_kernels_agree();
    test_dispatch_same_image();
    test_errors();
    return check_report();
}
