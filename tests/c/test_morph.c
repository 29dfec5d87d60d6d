/* Morphology and thresholds through the C API: the AVX2 kernels against the plain ones
 * (the oracle), whole operations with SIMD on and off, a brute-force erosion as a
 * second oracle, and errors for bad input. */
#include "check.h"
#include "imgproc/morph_internal.h"

#include <float.h>
#include <string.h>

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

static void fill_random(seg_image *img)
{
    int n = img->width * img->channels;
    for (int y = 0; y < img->height; y++) {
        void *r = seg__row(img, y);
        for (int i = 0; i < n; i++) {
            switch (img->type) {
            case SEG_U8: ((uint8_t *)r)[i] = (uint8_t)rnd(); break;
            case SEG_U16: ((uint16_t *)r)[i] = (uint16_t)rnd(); break;
            default: ((float *)r)[i] = (float)((int)(rnd() % 20001) - 10000) * 0.25f; break;
            }
        }
    }
}

static int same_image(const seg_image *a, const seg_image *b)
{
    size_t row = (size_t)a->width * a->channels * seg_type_size(a->type);
    for (int y = 0; y < a->height; y++)
        if (memcmp(seg__row(a, y), seg__row(b, y), row))
            return 0;
    return 1;
}

static void test_kernels_avx2_vs_plain(void)
{
    if (!(seg_cpu_features() & SEG_CPU_AVX2)) {
        printf("no AVX2 on this CPU: kernel comparison covers the plain path only\n");
        return;
    }
    const seg_type types[3] = {SEG_U8, SEG_U16, SEG_F32};
    uint8_t src[9][1200], a[1200], b[1200];
    for (int t = 0; t < 3; t++)
        for (int is_max = 0; is_max < 2; is_max++) {
            seg__minmax_fn p = seg__morph_minmax_plain(types[t], is_max);
            seg__minmax_fn v = seg__morph_minmax_avx2(types[t], is_max);
            CHECK(p && v);
            size_t es = seg_type_size(types[t]);
            for (int trial = 0; trial < 60; trial++) {
                size_t n = rnd() % (1200 / es);
                int ns = 1 + (int)(rnd() % 9);
                const void *ptrs[9];
                for (int k = 0; k < ns; k++) {
                    for (size_t i = 0; i < sizeof src[k]; i++)
                        src[k][i] = (uint8_t)rnd();
                    if (types[t] == SEG_F32) /* finite floats, infinities included */
                        for (size_t i = 0; i < n; i++)
                            ((float *)src[k])[i] = i % 17 == 3 ? (is_max ? -1 : 1) * FLT_MAX * 2
                                                               : (float)(rnd() % 1000) - 500;
                    ptrs[k] = src[k] + (rnd() % 2) * es; /* unaligned starts too */
                }
                memset(a, 0, sizeof a);
                memset(b, 0, sizeof b);
                p(a, ptrs, ns, n);
                v(b, ptrs, ns, n);
                CHECK(memcmp(a, b, sizeof a) == 0);
            }
        }
}

/* erode by definition: min over members, outside pixels = the type's max (cv2 border). */
static float brute_px(const seg_image *s, const seg_image *k, int ax, int ay, int x, int y, int ch,
                      int is_max)
{
    float best = 0;
    int first = 1;
    for (int j = 0; j < k->height; j++)
        for (int i = 0; i < k->width; i++) {
            if (!((uint8_t *)seg__row(k, j))[i])
                continue;
            int sx = x + i - ax, sy = y + j - ay;
            float v;
            if (sx < 0 || sy < 0 || sx >= s->width || sy >= s->height)
                v = s->type == SEG_U8 ? (is_max ? 0 : 255) : (is_max ? -FLT_MAX : FLT_MAX);
            else if (s->type == SEG_U8)
                v = ((uint8_t *)seg__row(s, sy))[sx * s->channels + ch];
            else
                v = ((float *)seg__row(s, sy))[sx * s->channels + ch];
            if (first || (is_max ? v > best : v < best))
                best = v;
            first = 0;
        }
    return best;
}

static void test_against_brute_force_and_plain(void)
{
    const seg_type types[2] = {SEG_U8, SEG_F32};
    for (int trial = 0; trial < 80; trial++) {
        seg_type t = types[trial % 2];
        int w = 1 + (int)(rnd() % 40), h = 1 + (int)(rnd() % 30), c = 1 + (int)(rnd() % 4);
        int kw = 1 + (int)(rnd() % 16), kh = 1 + (int)(rnd() % 16);
        seg_image src, k, d1 = {0}, d2 = {0};
        CHECK_EQ_INT(seg_image_alloc(&src, w, h, c, t), SEG_OK);
        fill_random(&src);
        int shape = (int)(rnd() % 4);
        if (shape < 3) {
            CHECK_EQ_INT(seg_get_structuring_element(shape, kw, kh, -1, -1, &k), SEG_OK);
        } else {
            CHECK_EQ_INT(seg_image_alloc(&k, kw, kh, 1, SEG_U8), SEG_OK);
            for (int y = 0; y < kh; y++)
                for (int x = 0; x < kw; x++)
                    ((uint8_t *)seg__row(&k, y))[x] = rnd() % 3 == 0;
            ((uint8_t *)seg__row(&k, kh - 1))[0] = 1;
        }
        int ax = (int)(rnd() % kw), ay = (int)(rnd() % kh), is_max = trial % 3 == 0;
        int rc = is_max ? seg_dilate(&src, &d1, &k, ax, ay, 1)
                        : seg_erode(&src, &d1, &k, ax, ay, 1);
        CHECK_EQ_INT(rc, SEG_OK);
        int bad = 0;
        for (int y = 0; y < h && !bad; y++)
            for (int x = 0; x < w && !bad; x++)
                for (int ch = 0; ch < c; ch++) {
                    float want = brute_px(&src, &k, ax, ay, x, y, ch, is_max);
                    const void *r = seg__row(&d1, y);
                    float got = t == SEG_U8 ? ((const uint8_t *)r)[x * c + ch]
                                            : ((const float *)r)[x * c + ch];
                    if (got != want)
                        bad = 1;
                }
        CHECK(!bad);
        /* the plain path gives the same image, for every op */
        for (int op = 0; op < 7; op++) {
            seg_image_free(&d1);
            seg_image_free(&d2);
            int it = 1 + (int)(rnd() % 3);
            CHECK_EQ_INT(seg_morphology_ex(&src, &d1, op, &k, ax, ay, it), SEG_OK);
            seg_set_use_optimized(0);
            CHECK_EQ_INT(seg_morphology_ex(&src, &d2, op, &k, ax, ay, it), SEG_OK);
            seg_set_use_optimized(1);
            CHECK(same_image(&d1, &d2));
        }
        seg_image_free(&d1);
        seg_image_free(&d2);
        seg_image_free(&k);
        seg_image_free(&src);
    }
}

static void test_errors(void)
{
    seg_image img, k, out = {0}, empty = {0}, k3;
    CHECK_EQ_INT(seg_image_alloc(&img, 8, 6, 1, SEG_U8), SEG_OK);
    CHECK_EQ_INT(seg_get_structuring_element(SEG_MORPH_RECT, 3, 3, -1, -1, &k3), SEG_OK);
    CHECK_EQ_INT(seg_erode(NULL, &out, &k3, -1, -1, 1), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "erode: input image is empty") != NULL);
    CHECK_EQ_INT(seg_dilate(&empty, &out, &k3, -1, -1, 1), SEG_EINVAL);
    CHECK_EQ_INT(seg_erode(&img, NULL, &k3, -1, -1, 1), SEG_EINVAL);
    CHECK_EQ_INT(seg_morphology_ex(&img, &out, 99, &k3, -1, -1, 1), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "unknown operation 99") != NULL);
    CHECK_EQ_INT(seg_erode(&img, &out, &k3, 3, 0, 1), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "outside") != NULL);
    CHECK_EQ_INT(seg_image_alloc(&k, 3, 3, 3, SEG_U8), SEG_OK);
    CHECK_EQ_INT(seg_erode(&img, &out, &k, -1, -1, 1), SEG_ETYPE);
    CHECK(strstr(seg_last_error(), "kernel must be 1-channel") != NULL);
    seg_image_free(&k);
    CHECK_EQ_INT(seg_image_alloc(&k, 4, 2, 1, SEG_U8), SEG_OK); /* all zero */
    CHECK_EQ_INT(seg_erode(&img, &out, &k, -1, -1, 1), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "no member") != NULL);
    seg_image_free(&k);
    CHECK_EQ_INT(seg_image_alloc(&k, SEG_MORPH_MAX_KSIZE + 1, 1, 1, SEG_U8), SEG_OK);
    CHECK_EQ_INT(seg_dilate(&img, &out, &k, -1, -1, 1), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "too large") != NULL);
    seg_image_free(&k);
    CHECK(out.data == NULL);
    CHECK_EQ_INT(seg_get_structuring_element(7, 3, 3, -1, -1, &k), SEG_EINVAL);
    CHECK(k.data == NULL);
    CHECK_EQ_INT(seg_get_structuring_element(SEG_MORPH_RECT, 0, 3, -1, -1, &k), SEG_EINVAL);
    CHECK_EQ_INT(seg_get_structuring_element(SEG_MORPH_CROSS, 3, 3, 0, 5, &k), SEG_EINVAL);
    seg_image s32;
    CHECK_EQ_INT(seg_image_alloc(&s32, 4, 4, 1, SEG_S32), SEG_OK);
    CHECK_EQ_INT(seg_erode(&s32, &out, &k3, -1, -1, 1), SEG_ETYPE);
    CHECK_EQ_INT(seg_threshold(&s32, &out, 1, 2, 0, NULL), SEG_ETYPE);
    seg_image_free(&s32);
    /* a dst of the wrong size is refused and left alone */
    seg_image small;
    CHECK_EQ_INT(seg_image_alloc(&small, 3, 3, 1, SEG_U8), SEG_OK);
    CHECK_EQ_INT(seg_erode(&img, &small, &k3, -1, -1, 1), SEG_ESIZE);
    CHECK_EQ_INT(seg_threshold(&img, &small, 1, 2, 0, NULL), SEG_ESIZE);
    CHECK_EQ_INT(seg_adaptive_threshold(&img, &small, 255, 0, 0, 3, 0), SEG_ESIZE);
    seg_image_free(&small);
    double used = -1;
    CHECK_EQ_INT(seg_threshold(&img, &out, 1, 2, 6, &used), SEG_EINVAL);
    CHECK(used == 0);
    CHECK_EQ_INT(seg_adaptive_threshold(&img, &out, 255, 0, 0, 2, 0), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "block size 2 must be odd") != NULL);
    CHECK(out.data == NULL);
    seg_image_free(&k3);
    seg_image_free(&img);
}

static void test_threshold_values(void)
{
    /* the Otsu threshold of two equal clusters lies at the lower one (ties: lowest t) */
    uint8_t px[8] = {10, 10, 10, 10, 200, 200, 200, 200};
    seg_image img, out = {0};
    CHECK_EQ_INT(seg_image_wrap(&img, px, 8, 1, 0, 1, SEG_U8), SEG_OK);
    double t = -1;
    CHECK_EQ_INT(seg_threshold(&img, &out, 0, 255, SEG_THRESH_BINARY | SEG_THRESH_OTSU, &t),
                 SEG_OK);
    CHECK(t == 10);
    CHECK_EQ_INT(((uint8_t *)out.data)[3], 0);
    CHECK_EQ_INT(((uint8_t *)out.data)[4], 255);
    /* in place */
    CHECK_EQ_INT(seg_threshold(&img, &img, 99.9, 7, SEG_THRESH_BINARY_INV, &t), SEG_OK);
    CHECK(t == 99);
    CHECK_EQ_INT(px[0], 7);
    CHECK_EQ_INT(px[7], 0);
    seg_image_free(&out);
}

int main(void)
{
    test_kernels_avx2_vs_plain();
    test_against_brute_force_and_plain();
    test_errors();
    test_threshold_values();
    return check_report();
}
