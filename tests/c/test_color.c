/* Colour conversion: every SIMD kernel against its plain C oracle (byte-identical) on
 * random rows of many lengths, table sanity, and the error paths of seg_cvt_color. */
#include "check.h"
#include "imgproc/color_internal.h"

#include <string.h>

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

static const int CODES[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 36, 37,
                            38, 39, 40, 41, 44, 45, 54, 55, 56, 57, 66, 67, 70, 71};

static int scn_of(int code, int alt)
{
    if (code == 8 || code == 9)
        return 1;
    if ((code >= 54 && code != 66 && code != 67) || code == 38 || code == 39)
        return 3;
    return alt ? 4 : 3;
}

static int dcn_of(int code)
{
    static const int d[12] = {4, 3, 4, 3, 3, 4, 1, 1, 3, 4, 1, 1};
    return code < 12 ? d[code] : 3;
}

static void fill(void *p, size_t n, seg_type t)
{
    for (size_t i = 0; i < n; i++) {
        if (t == SEG_U8)
            ((uint8_t *)p)[i] = (uint8_t)rnd();
        else if (t == SEG_U16)
            ((uint16_t *)p)[i] = (uint16_t)rnd();
        else
            ((float *)p)[i] = (float)(rnd() % 20000) / 10000.0f - 0.5f;
    }
}

/* SIMD (at one CPU level) vs plain on rows of 1..130 pixels, for every code, type and
 * channel count. */
static void test_simd_matches_plain(unsigned cpu)
{
    const seg__lab_tables *lab = seg__lab_tables_get();
    CHECK(lab != NULL);
    static const seg_type types[3] = {SEG_U8, SEG_U16, SEG_F32};
    enum { MAXN = 300 };
    static uint8_t src[MAXN * 4 * 4], a[MAXN * 4 * 4 + 64], b[MAXN * 4 * 4 + 64];
    int compared = 0, differing = 0;
    for (size_t ci = 0; ci < sizeof CODES / sizeof CODES[0]; ci++)
        for (int ti = 0; ti < 3; ti++)
            for (int alt = 0; alt < 2; alt++) {
                int code = CODES[ci];
                seg__cvt_row fast = seg__cvt_kernel(code, types[ti], cpu);
                seg__cvt_row plain = seg__cvt_kernel(code, types[ti], 0);
                if (!plain) {
                    CHECK(fast == NULL);
                    continue;
                }
                seg__cvt cv = {scn_of(code, alt), dcn_of(code),
                               (code == 7 || code == 11 || (code >= 2 && code <= 5) ||
                                (code >= 36 && code % 2 == 1)) ? 2 : 0,
                               code >= 70 ? 255 : code >= 66 ? 256 : 180, lab, 0};
                for (int n = 1; n <= MAXN; n++) {
                    cv.stream = n & 1; /* both store paths (non-temporal for big images) */
                    fill(src, (size_t)n * cv.scn, types[ti]);
                    memset(a, 0xA5, sizeof a);
                    memset(b, 0xA5, sizeof b);
                    fast(src, a, n, &cv);
                    plain(src, b, n, &cv);
                    compared++;
                    if (memcmp(a, b, sizeof a) != 0) { /* includes bytes past the row */
                        differing++;
                        fprintf(stderr, "code %d type %d scn %d n %d: SIMD != plain\n", code,
                                (int)types[ti], cv.scn, n);
                    }
                }
            }
    CHECK(compared > 1000);
    CHECK_EQ_INT(differing, 0);
}

static void test_tables(void)
{
    const seg__lab_tables *t = seg__lab_tables_get();
    CHECK_EQ_INT(t->gamma_b[0], 0);
    CHECK_EQ_INT(t->gamma_b[255], 2040);
    CHECK_EQ_INT(t->cbrt_b[2040], 32768);   /* f(1) = 1 in 2^15 fixed point */
    CHECK_EQ_INT(t->cbrt_b[324], 17745);    /* OpenCV's truncating soft-float cbrt */
    CHECK_EQ_INT(t->inv_gamma_b[4095], 255);
    const int *sdiv = seg__hsv_sdiv();
    CHECK_EQ_INT(sdiv[1], 255 << 12);
    CHECK(seg__lab_tables_get() == t);      /* built once */
}

static void test_errors(void)
{
    uint8_t px[6 * 5 * 4] = {0};
    seg_image src, dst = {0};
    CHECK_EQ_INT(seg_image_wrap(&src, px, 6, 5, 0, 3, SEG_U8), SEG_OK);
    CHECK_EQ_INT(seg_cvt_color(&src, &dst, 999), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "unknown conversion code 999") != NULL);
    CHECK_EQ_INT(seg_cvt_color(&src, &dst, SEG_COLOR_GRAY2BGR), SEG_ETYPE);
    CHECK_EQ_INT(seg_cvt_color(&src, NULL, SEG_COLOR_BGR2GRAY), SEG_EINVAL);
    CHECK_EQ_INT(seg_cvt_color(NULL, &dst, SEG_COLOR_BGR2GRAY), SEG_EINVAL);
    /* wrong output size */
    seg_image small;
    CHECK_EQ_INT(seg_image_alloc(&small, 5, 5, 3, SEG_U8), SEG_OK);
    CHECK_EQ_INT(seg_cvt_color(&src, &small, SEG_COLOR_BGR2LAB), SEG_ESIZE);
    seg_image_free(&small);
    /* in place is refused */
    CHECK_EQ_INT(seg_cvt_color(&src, &src, SEG_COLOR_BGR2RGB), SEG_EINVAL);
    /* s32 is not a colour type */
    seg_image s32;
    CHECK_EQ_INT(seg_image_alloc(&s32, 2, 2, 3, SEG_S32), SEG_OK);
    CHECK_EQ_INT(seg_cvt_color(&s32, &dst, SEG_COLOR_BGR2GRAY), SEG_ETYPE);
    seg_image_free(&s32);
    CHECK(dst.data == NULL);
    /* allocation of an empty output, then white -> Lab (100, 0, 0) = (255, 128, 128) */
    memset(px, 255, sizeof px);
    CHECK_EQ_INT(seg_cvt_color(&src, &dst, SEG_COLOR_BGR2LAB), SEG_OK);
    CHECK(dst.owned && dst.channels == 3 && dst.width == 6);
    const uint8_t *o = dst.data;
    CHECK(o[0] == 255 && o[1] == 128 && o[2] == 128);
    seg_image_free(&dst);
}

int main(void)
{
    test_tables();
    /* every SIMD level this CPU has: AVX2 kernels, then AVX-512 ones */
    static const unsigned levels[2] = {SEG_CPU_AVX2, SEG_CPU_AVX2 | SEG_CPU_AVX512};
    for (int l = 0; l < 2; l++)
        if ((seg_cpu_features() & levels[l]) == levels[l])
            test_simd_matches_plain(levels[l]);
    seg_set_use_optimized(0);
    CHECK(seg__cpu_active() == 0);
    seg_set_use_optimized(1);
    test_errors();
    return check_report();
}
