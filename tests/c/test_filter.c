/* Gaussian and box blur: SIMD kernels against the plain ones (the oracle) through the
 * band engine, the public API's error messages, in-place use and kernel tables. The
 * parity with cv2 itself is in tests/python/test_filter.py. */
#include "check.h"
#include "imgproc/filter_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

static void fill(seg_image *img)
{
    for (int y = 0; y < img->height; y++) {
        uint8_t *row = seg__row(img, y);
        size_t n = (size_t)img->width * img->channels;
        for (size_t i = 0; i < n; i++) {
            if (img->type == SEG_U8)
                row[i] = (uint8_t)rnd();
            else if (img->type == SEG_U16)
                ((uint16_t *)(void *)row)[i] = (uint16_t)rnd();
            else if (img->type == SEG_F32)
                ((float *)(void *)row)[i] = (float)(rnd() % 100000) / 997.0f;
        }
    }
}

static int same(const seg_image *a, const seg_image *b)
{
    size_t n = (size_t)a->width * a->channels * seg_type_size(a->type);
    for (int y = 0; y < a->height; y++)
        if (memcmp(seg__row(a, y), seg__row(b, y), n) != 0)
            return 0;
    return 1;
}

/* Run one filter configuration through the engine with the given row/column kernels. */
static int run(const seg_image *src, seg_image *dst, int kw, int kh, int border, const void *kx,
               const void *ky, size_t hbytes, size_t state_bytes, seg__hline_fn h, seg__vline_fn v,
               const seg__sep *extra)
{
    seg__sep f = {0};
    if (extra)
        f = *extra;
    f.src = src;
    f.dst = dst;
    f.kw = kw;
    f.kh = kh;
    f.rx = kw / 2;
    f.ry = kh / 2;
    f.border = border;
    f.kx = kx;
    f.ky = ky;
    f.hbytes = hbytes;
    f.state_bytes = state_bytes;
    f.hline = h;
    f.vline = v;
    return seg__sep_run(&f, "test");
}

static void gauss_u8_simd_vs_plain(void)
{
    static const int sizes[][2] = {{1, 1}, {1, 9}, {9, 1}, {2, 3}, {17, 5}, {31, 40}, {64, 3},
                                   {65, 70}, {200, 33}, {517, 101}};
    static const int ks[][2] = {{3, 3}, {5, 5}, {7, 3}, {1, 9}, {9, 1}, {15, 15}, {31, 5}};
    static const int borders[] = {SEG_BORDER_CONSTANT, SEG_BORDER_REPLICATE, SEG_BORDER_REFLECT,
                                  SEG_BORDER_REFLECT_101};
    unsigned cpu = seg_cpu_features();
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
        for (int cn = 1; cn <= 4; cn++)
            for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++)
                for (int bi = 0; bi < 4; bi++) {
                    int w = sizes[si][0], h = sizes[si][1], kw = ks[ki][0], kh = ks[ki][1];
                    seg_image src = {0}, a = {0}, b = {0}, c = {0};
                    CHECK_EQ_INT(seg_image_alloc(&src, w, h, cn, SEG_U8), SEG_OK);
                    seg_image_alloc(&a, w, h, cn, SEG_U8);
                    seg_image_alloc(&b, w, h, cn, SEG_U8);
                    seg_image_alloc(&c, w, h, cn, SEG_U8);
                    fill(&src);
                    double kdx[31], kdy[31];
                    uint32_t qx[31], qy[31];
                    seg_gaussian_kernel(kw, 0.4 + ki * 0.7, kdx);
                    seg_gaussian_kernel(kh, 0, kdy);
                    seg__gauss_kernel_fixed(kdx, kw, 8, qx);
                    seg__gauss_kernel_fixed(kdy, kh, 8, qy);
                    size_t hb = (size_t)w * cn * 2;
                    int bd = borders[bi];
                    CHECK_EQ_INT(run(&src, &a, kw, kh, bd, qx, qy, hb, (size_t)w * cn * 4,
                                     seg__gauss_h_u8, seg__gauss_v_u8, NULL), SEG_OK);
                    if (cpu & SEG_CPU_AVX2) {
                        CHECK_EQ_INT(run(&src, &b, kw, kh, bd, qx, qy, hb, 0, seg__gauss_h_u8_avx2,
                                         seg__gauss_v_u8_avx2, NULL), SEG_OK);
                        CHECK(same(&a, &b));
                    }
                    if (cpu & SEG_CPU_AVX512) {
                        CHECK_EQ_INT(run(&src, &c, kw, kh, bd, qx, qy, hb, 0,
                                         seg__gauss_h_u8_avx512, seg__gauss_v_u8_avx512, NULL),
                                     SEG_OK);
                        CHECK(same(&a, &c));
                    }
                    seg_image_free(&src);
                    seg_image_free(&a);
                    seg_image_free(&b);
                    seg_image_free(&c);
                }
}

/* Public API with dispatch off and on: every Gaussian and box path. */
static void api_simd_vs_plain(void)
{
    static const seg_type types[] = {SEG_U8, SEG_U16, SEG_F32};
    for (int ti = 0; ti < 3; ti++)
        for (int cn = 1; cn <= 4; cn += 2) {
            seg_image src = {0}, a = {0}, b = {0};
            seg_image_alloc(&src, 333, 129, cn, types[ti]);
            fill(&src);
            for (int k = 1; k <= 31; k += 6) {
                seg_set_use_optimized(0);
                CHECK_EQ_INT(seg_gaussian_blur(&src, &a, k, k, 0, 0, SEG_BORDER_DEFAULT), SEG_OK);
                seg_set_use_optimized(1);
                CHECK_EQ_INT(seg_gaussian_blur(&src, &b, k, k, 0, 0, SEG_BORDER_DEFAULT), SEG_OK);
                CHECK(same(&a, &b));
                seg_set_use_optimized(0);
                CHECK_EQ_INT(seg_box_blur(&src, &a, k, k + 1, 1, SEG_BORDER_REFLECT), SEG_OK);
                seg_set_use_optimized(1);
                CHECK_EQ_INT(seg_box_blur(&src, &b, k, k + 1, 1, SEG_BORDER_REFLECT), SEG_OK);
                CHECK(same(&a, &b));
            }
            seg_image_free(&src);
            seg_image_free(&a);
            seg_image_free(&b);
        }
}

static void in_place(void)
{
    seg_image src = {0}, out = {0};
    seg_image_alloc(&src, 120, 77, 3, SEG_U8);
    fill(&src);
    CHECK_EQ_INT(seg_gaussian_blur(&src, &out, 0, 0, 2.0, 0, SEG_BORDER_DEFAULT), SEG_OK);
    CHECK_EQ_INT(seg_gaussian_blur(&src, &src, 0, 0, 2.0, 0, SEG_BORDER_DEFAULT), SEG_OK);
    CHECK(same(&src, &out));
    seg_image_free(&out);
    CHECK_EQ_INT(seg_box_blur(&src, &out, 5, 3, 1, SEG_BORDER_DEFAULT), SEG_OK);
    CHECK_EQ_INT(seg_box_blur(&src, &src, 5, 3, 1, SEG_BORDER_DEFAULT), SEG_OK);
    CHECK(same(&src, &out));
    seg_image_free(&src);
    seg_image_free(&out);
}

static int fails_with(int rc, int status, const char *word)
{
    return rc == status && strstr(seg_last_error(), word) != NULL;
}

static void errors(void)
{
    seg_image src = {0}, out = {0}, small = {0}, s32 = {0};
    seg_image_alloc(&src, 10, 10, 1, SEG_U8);
    seg_image_alloc(&small, 9, 10, 1, SEG_U8);
    seg_image_alloc(&s32, 10, 10, 1, SEG_S32);
    CHECK(fails_with(seg_gaussian_blur(&src, &out, 4, 3, 0, 0, 4), SEG_EINVAL, "must be odd"));
    CHECK(strncmp(seg_last_error(), "gaussian_blur:", 14) == 0);
    CHECK(fails_with(seg_gaussian_blur(&src, &out, -3, 3, 1, 0, 4), SEG_EINVAL, "negative"));
    CHECK(fails_with(seg_gaussian_blur(&src, &out, 0, 0, 0, 0, 4), SEG_EINVAL, "sigma"));
    CHECK(fails_with(seg_gaussian_blur(&src, &out, 3, 3, 0, 0, 3), SEG_EINVAL, "border 3"));
    CHECK(fails_with(seg_gaussian_blur(&src, &out, 3, 3, NAN, 0, 4), SEG_EINVAL, "finite"));
    CHECK(fails_with(seg_gaussian_blur(&src, &out, 0, 0, 1e12, 0, 4), SEG_EINVAL, "larger"));
    CHECK(fails_with(seg_gaussian_blur(&s32, &out, 3, 3, 0, 0, 4), SEG_ETYPE, "s32"));
    CHECK(fails_with(seg_gaussian_blur(&src, &small, 3, 3, 0, 0, 4), SEG_ESIZE, "output"));
    CHECK(fails_with(seg_gaussian_blur(NULL, &out, 3, 3, 0, 0, 4), SEG_EINVAL, "input"));
    CHECK(fails_with(seg_gaussian_blur(&src, NULL, 3, 3, 0, 0, 4), SEG_EINVAL, "output"));
    CHECK(out.data == NULL);
    CHECK(fails_with(seg_box_blur(&src, &out, 0, 3, 1, 4), SEG_EINVAL, "positive"));
    CHECK(strncmp(seg_last_error(), "box_blur:", 9) == 0);
    CHECK(fails_with(seg_box_blur(&src, &out, 3, 3, 1, 7), SEG_EINVAL, "border"));
    CHECK(fails_with(seg_box_blur(&src, &out, 5000, 5000, 1, 4), SEG_EINVAL, "area"));
    CHECK(fails_with(seg_box_blur(&s32, &out, 3, 3, 1, 4), SEG_ETYPE, "s32"));
    double k[3];
    CHECK(fails_with(seg_gaussian_kernel(0, 1, k), SEG_EINVAL, "ksize"));
    CHECK(fails_with(seg_gaussian_kernel(3, 1, NULL), SEG_EINVAL, "NULL"));
    CHECK(out.data == NULL);
    seg_image_free(&src);
    seg_image_free(&small);
    seg_image_free(&s32);
}

static void kernels_and_borders(void)
{
    double k[9];
    CHECK_EQ_INT(seg_gaussian_kernel(5, 0, k), SEG_OK);
    CHECK(k[0] == 0.0625 && k[1] == 0.25 && k[2] == 0.375);
    CHECK_EQ_INT(seg_gaussian_kernel(9, 0, k), SEG_OK);
    CHECK(k[4] == 60 / 256.0);
    uint32_t q[9];
    seg__gauss_kernel_fixed(k, 9, 8, q);
    CHECK(q[0] == 4 && q[1] == 13 && q[2] == 30 && q[3] == 51 && q[4] == 60);
    /* borderInterpolate's rules, including kernels wider than the image */
    CHECK_EQ_INT(seg__border_index(-1, 5, SEG_BORDER_REFLECT_101), 1);
    CHECK_EQ_INT(seg__border_index(-1, 5, SEG_BORDER_REFLECT), 0);
    CHECK_EQ_INT(seg__border_index(5, 5, SEG_BORDER_REFLECT_101), 3);
    CHECK_EQ_INT(seg__border_index(6, 5, SEG_BORDER_REFLECT), 3);
    CHECK_EQ_INT(seg__border_index(-7, 3, SEG_BORDER_REFLECT_101), 1);
    CHECK_EQ_INT(seg__border_index(-3, 1, SEG_BORDER_REFLECT_101), 0);
    CHECK_EQ_INT(seg__border_index(9, 4, SEG_BORDER_REPLICATE), 3);
    CHECK_EQ_INT(seg__border_index(-2, 4, SEG_BORDER_CONSTANT), -1);
    /* a single pixel with ksize 1: plain copy; a blurred constant image stays constant */
    seg_image src = {0}, out = {0};
    seg_image_alloc(&src, 40, 30, 3, SEG_U8);
    memset(src.data, 77, src.stride * 30);
    CHECK_EQ_INT(seg_gaussian_blur(&src, &out, 0, 0, 4.5, 0, SEG_BORDER_REFLECT), SEG_OK);
    int flat = 1;
    for (int y = 0; y < 30; y++)
        for (int x = 0; x < 120; x++)
            flat &= ((uint8_t *)seg__row(&out, y))[x] == 77;
    CHECK(flat);
    seg_image_free(&src);
    seg_image_free(&out);
}

int main(void)
{
    gauss_u8_simd_vs_plain();
    api_simd_vs_plain();
    in_place();
    errors();
    kernels_and_borders();
    return check_report();
}
