/* Core: image views and allocation, overflow checks, errors, parallel-for. */
#include "check.h"
#include "internal.h"

#include <limits.h>
#include <string.h>

static void test_alloc_and_views(void)
{
    seg_image img, roi, bad;
    CHECK_EQ_INT(seg_image_alloc(&img, 10, 7, 3, SEG_U8), SEG_OK);
    CHECK(img.owned && img.stride >= 30 && img.stride % SEG_ALIGN == 0);
    CHECK(seg_image_valid(&img));
    for (int y = 0; y < 7; y++)
        for (int x = 0; x < 30; x++)
            ((uint8_t *)seg__row(&img, y))[x] = (uint8_t)(y * 30 + x);
    CHECK_EQ_INT(seg_image_roi(&img, &roi, 2, 3, 4, 2), SEG_OK);
    CHECK(!roi.owned && roi.width == 4 && roi.height == 2);
    CHECK_EQ_INT(((uint8_t *)roi.data)[0], 3 * 30 + 6);
    CHECK_EQ_INT(seg_image_roi(&img, &bad, 8, 0, 3, 1), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "not inside") != NULL);
    CHECK(bad.data == NULL);
    CHECK_EQ_INT(seg_image_roi(&img, &bad, INT_MAX, 0, 2, 1), SEG_EINVAL);

    seg_image copy = {0};
    CHECK_EQ_INT(seg_image_copy(&roi, &copy), SEG_OK);
    CHECK(copy.owned && memcmp(copy.data, roi.data, 12) == 0);
    seg_image_free(&copy);
    CHECK(copy.data == NULL);
    seg_image_free(&img);
    seg_image_free(NULL);
}

static void test_overflow(void)
{
    seg_image img;
    CHECK_EQ_INT(seg_image_alloc(&img, INT_MAX, INT_MAX, 4, SEG_F32), SEG_EOVERFLOW);
    CHECK(img.data == NULL);
    CHECK_EQ_INT(seg_image_alloc(&img, -1, 2, 1, SEG_U8), SEG_EINVAL);
    CHECK_EQ_INT(seg_image_alloc(&img, 2, 2, 5, SEG_U8), SEG_EINVAL);
    uint8_t buf[16];
    CHECK_EQ_INT(seg_image_wrap(&img, buf, 4, 4, 2, 1, SEG_U8), SEG_EINVAL);
    CHECK_EQ_INT(seg_image_wrap(&img, buf, 4, 4, 0, 1, SEG_U8), SEG_OK);
    CHECK(img.stride == 4 && !img.owned);
    CHECK_EQ_INT(seg_image_wrap(&img, buf, 1, INT_MAX, SIZE_MAX / 2, 1, SEG_U8), SEG_EOVERFLOW);
    size_t total;
    CHECK(!seg__image_bytes(1 << 30, 1 << 30, 4, 1 << 20, NULL, &total));
}

static void test_convert(void)
{
    float px[6] = {-3.5f, 0.5f, 1.5f, 2.5f, 254.5f, 300.0f};
    seg_image src, dst = {0};
    CHECK_EQ_INT(seg_image_wrap(&src, px, 6, 1, 0, 1, SEG_F32), SEG_OK);
    CHECK_EQ_INT(seg_image_convert(&src, &dst, SEG_U8, 1.0, 0.0), SEG_OK);
    const uint8_t want[6] = {0, 0, 2, 2, 254, 255}; /* half to even, saturated (cv2) */
    CHECK(memcmp(dst.data, want, 6) == 0);
    seg_image_free(&dst);
    seg_image wrong;
    CHECK_EQ_INT(seg_image_alloc(&wrong, 5, 1, 1, SEG_U8), SEG_OK);
    CHECK_EQ_INT(seg_image_convert(&src, &wrong, SEG_U8, 1.0, 0.0), SEG_ESIZE);
    seg_image_free(&wrong);
}

static void test_errors(void)
{
    CHECK(strcmp(seg_strerror(SEG_OK), "success") == 0);
    CHECK(strcmp(seg_strerror(SEG_ENOMEM), "out of memory") == 0);
    CHECK(strcmp(seg_strerror(12345), "unknown status") == 0);
    CHECK_EQ_INT(seg__fail(SEG_EIO, "x %d", 5), SEG_EIO);
    CHECK(strcmp(seg_last_error(), "x 5") == 0);
}

struct sum_ctx {
    int64_t parts[4096];
};

static void sum_range(void *vctx, int64_t b, int64_t e)
{
    struct sum_ctx *c = vctx;
    int64_t s = 0;
    for (int64_t i = b; i < e; i++)
        s += i;
    c->parts[b / 10] = s;
}

static void test_parallel(void)
{
    static struct sum_ctx c;
    for (int t = 1; t <= 4; t++) {
        memset(&c, 0, sizeof c);
        seg_set_num_threads(t);
        CHECK_EQ_INT(seg_get_num_threads(), t);
        seg__parallel_for(10000, 10, sum_range, &c);
        int64_t s = 0;
        for (int i = 0; i < 1000; i++)
            s += c.parts[i];
        CHECK_EQ_INT(s, 10000LL * 9999 / 2);
    }
    seg_set_num_threads(0);
    CHECK(seg_get_num_threads() >= 1);
    CHECK_EQ_INT(seg__grain(1000, 100), 100);
    CHECK_EQ_INT(seg__grain(64000, 1), 1000);
}

static void test_cpu(void)
{
    unsigned f = seg_cpu_features();
    CHECK((f & ~3u) == 0);
    CHECK(!(f & SEG_CPU_AVX512) || (f & SEG_CPU_AVX2));
    seg_set_use_optimized(0);
    CHECK_EQ_INT(seg__cpu_active(), 0);
    seg_set_use_optimized(1);
    CHECK_EQ_INT(seg__cpu_active(), f);
}

/* float64 images: made, copied and converted; functions that do not take them say so
 * instead of reading eight-byte pixels as something else. */
static void test_f64(void)
{
    seg_image u8 = {0}, f = {0}, back = {0}, out = {0};
    CHECK_EQ_INT(seg_image_alloc(&u8, 5, 3, 1, SEG_U8), SEG_OK);
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 5; x++)
            ((uint8_t *)seg__row(&u8, y))[x] = (uint8_t)(40 * y + x);
    CHECK_EQ_INT(seg_type_size(SEG_F64), 8);
    CHECK_EQ_INT(seg_image_convert(&u8, &f, SEG_F64, 0.5, 0.25), SEG_OK);
    CHECK(f.type == SEG_F64 && ((double *)seg__row(&f, 2))[3] == 83 * 0.5 + 0.25);
    CHECK_EQ_INT(seg_image_convert(&f, &back, SEG_U8, 2.0, -0.5), SEG_OK);
    CHECK(memcmp(seg__row(&back, 2), seg__row(&u8, 2), 5) == 0);
    const double color[4] = {1, 1, 1, 1};
    CHECK_EQ_INT(seg_threshold(&f, &out, 10, 255, 0, NULL), SEG_ETYPE);
    CHECK_EQ_INT(seg_gaussian_blur(&f, &out, 3, 3, 0, 0, 4), SEG_ETYPE);
    CHECK_EQ_INT(seg_draw_line(&f, 0, 0, 4, 2, color, 1, 8), SEG_ETYPE);
    CHECK(strstr(seg_last_error(), "f64") != NULL);
    CHECK_EQ_INT(seg_cvt_color(&f, &out, 6), SEG_ETYPE);
    CHECK_EQ_INT(seg_imwrite("/nonexistent/x.png", &f, NULL), SEG_EUNSUPPORTED); /* as f32 */
    CHECK(out.data == NULL);
    seg_image_free(&u8);
    seg_image_free(&f);
    seg_image_free(&back);
}

int main(void)
{
    test_f64();
    test_alloc_and_views();
    test_overflow();
    test_convert();
    test_errors();
    test_parallel();
    test_cpu();
    return check_report();
}
