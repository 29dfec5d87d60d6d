/* AVX-512 (F+BW) BGR/RGB -> Lab u8: OpenCV 4.6's RGB2Lab_b arithmetic, 16 pixels a step.
 * The 256-entry sRGB gamma table lives in 8 registers and is read with vpermi2w (four
 * 64-entry lookups merged by the index's bits 6 and 7) instead of gathers; the 3072-entry
 * cube-root table is gathered. Identical bytes to seg__cvt_lab_from_u8. */
#include "color_internal.h"
#include "color_avx512.h"

#include <immintrin.h>

/* 32 word lookups in a 256-entry u16 table held in t[0..7]. */
static inline __m512i lut256_w(const __m512i *t, __m512i idx)
{
    __m512i p0 = _mm512_permutex2var_epi16(t[0], idx, t[1]);
    __m512i p1 = _mm512_permutex2var_epi16(t[2], idx, t[3]);
    __m512i p2 = _mm512_permutex2var_epi16(t[4], idx, t[5]);
    __m512i p3 = _mm512_permutex2var_epi16(t[6], idx, t[7]);
    __mmask32 m6 = _mm512_test_epi16_mask(idx, _mm512_set1_epi16(64));
    __mmask32 m7 = _mm512_test_epi16_mask(idx, _mm512_set1_epi16(128));
    __m512i lo = _mm512_mask_blend_epi16(m6, p0, p1);
    __m512i hi = _mm512_mask_blend_epi16(m6, p2, p3);
    return _mm512_mask_blend_epi16(m7, lo, hi);
}

static inline __m512i pair(int lo, int hi)
{
    return _mm512_set1_epi32((int)((uint32_t)lo | ((uint32_t)hi << 16)));
}

typedef struct {
    __m512i gt[8], kx01, kx2, ky01, ky2, kz01, kz2, lscale, lshift, abshift, k500, k200;
    __m512i one_hi, zero, v255, spread, sh01, sh2;
    const int32_t *cbrt;
} lab_consts;

static void lab_consts_init(lab_consts *q, const seg__lab_tables *t, const int *k, int scn)
{
    for (int j = 0; j < 8; j++)
        q->gt[j] = _mm512_loadu_si512((const void *)(t->gamma_b + 32 * j));
    q->kx01 = pair(k[0], k[1]);
    q->kx2 = pair(k[2], 2048);
    q->ky01 = pair(k[3], k[4]);
    q->ky2 = pair(k[5], 2048);
    q->kz01 = pair(k[6], k[7]);
    q->kz2 = pair(k[8], 2048);
    q->lscale = _mm512_set1_epi32((116 * 255 + 50) / 100);
    q->lshift = _mm512_set1_epi32(-((16 * 255 * (1 << 15) + 50) / 100) + (1 << 14));
    q->abshift = _mm512_set1_epi32(128 * (1 << 15) + (1 << 14));
    q->k500 = _mm512_set1_epi32(500);
    q->k200 = _mm512_set1_epi32(200);
    q->one_hi = _mm512_set1_epi32(1 << 16);
    q->zero = _mm512_setzero_si512();
    q->v255 = _mm512_set1_epi32(255);
    /* Each 128-bit lane gets the 12 (or 16) source bytes of its 4 pixels. */
    q->spread = _mm512_setr_epi32(0, 1, 2, 0, 3, 4, 5, 0, 6, 7, 8, 0, 9, 10, 11, 0);
    q->sh01 = scn == 3
        ? _mm512_broadcast_i32x4(_mm_setr_epi8(0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1))
        : _mm512_broadcast_i32x4(_mm_setr_epi8(0, -1, 1, -1, 4, -1, 5, -1, 8, -1, 9, -1, 12, -1, 13, -1));
    q->sh2 = scn == 3
        ? _mm512_broadcast_i32x4(_mm_setr_epi8(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1))
        : _mm512_broadcast_i32x4(_mm_setr_epi8(2, -1, -1, -1, 6, -1, -1, -1, 10, -1, -1, -1, 14, -1, -1, -1));
    q->cbrt = t->cbrt32;
}

/* 16 pixels -> their 48 Lab bytes in bytes 0..47 of the result. */
static inline __m512i lab16(const lab_consts *q, const uint8_t *s, int scn)
{
    __m512i raw = scn == 3 ? _mm512_permutexvar_epi32(q->spread, _mm512_maskz_loadu_epi8(SEG_M48, s))
                           : _mm512_loadu_si512((const void *)s);
    __m512i g01 = lut256_w(q->gt, _mm512_shuffle_epi8(raw, q->sh01));
    __m512i g2o = _mm512_or_si512(lut256_w(q->gt, _mm512_shuffle_epi8(raw, q->sh2)), q->one_hi);
    __m512i X = _mm512_srli_epi32(
        _mm512_add_epi32(_mm512_madd_epi16(g01, q->kx01), _mm512_madd_epi16(g2o, q->kx2)), 12);
    __m512i Y = _mm512_srli_epi32(
        _mm512_add_epi32(_mm512_madd_epi16(g01, q->ky01), _mm512_madd_epi16(g2o, q->ky2)), 12);
    __m512i Z = _mm512_srli_epi32(
        _mm512_add_epi32(_mm512_madd_epi16(g01, q->kz01), _mm512_madd_epi16(g2o, q->kz2)), 12);
    __m512i fX = _mm512_i32gather_epi32(X, q->cbrt, 4);
    __m512i fY = _mm512_i32gather_epi32(Y, q->cbrt, 4);
    __m512i fZ = _mm512_i32gather_epi32(Z, q->cbrt, 4);
    /* |fX - fY| < 2^15: one signed word, so vpmaddwd multiplies; fY reaches 2^15
     * (white), hence vpmulld for L. */
    __m512i L = _mm512_srai_epi32(_mm512_add_epi32(_mm512_mullo_epi32(fY, q->lscale), q->lshift), 15);
    __m512i a = _mm512_srai_epi32(
        _mm512_add_epi32(_mm512_madd_epi16(_mm512_sub_epi32(fX, fY), q->k500), q->abshift), 15);
    __m512i b = _mm512_srai_epi32(
        _mm512_add_epi32(_mm512_madd_epi16(_mm512_sub_epi32(fY, fZ), q->k200), q->abshift), 15);
    L = _mm512_min_epi32(_mm512_max_epi32(L, q->zero), q->v255);
    a = _mm512_min_epi32(_mm512_max_epi32(a, q->zero), q->v255);
    b = _mm512_min_epi32(_mm512_max_epi32(b, q->zero), q->v255);
    __m512i v = _mm512_or_si512(L, _mm512_or_si512(_mm512_slli_epi32(a, 8), _mm512_slli_epi32(b, 16)));
    return seg__pack48(v);
}

void seg__cvt_lab_from_u8_avx512(const void *src, void *dst, int n, const seg__cvt *c)
{
    const seg__lab_tables *t = c->lab;
    const uint8_t *s = src;
    uint8_t *d = dst;
    int scn = c->scn, i = 0;
    lab_consts q;
    lab_consts_init(&q, t, t->rgb2lab_c[c->bidx != 0], scn);
    if (c->stream && n >= 128) {
        /* Large outputs: 64 pixels = 3 whole cache lines per step, written with
         * non-temporal stores (no read-for-ownership of lines we fully overwrite). Start at
         * the first pixel whose output is 64-byte aligned. */
        int head = seg__stream_head(d);
        seg__cvt_lab_from_u8(s, d, head, c);
        i = head;
        s += (size_t)head * scn;
        d += (size_t)head * 3;
        for (; i + 64 <= n; i += 64, s += 64 * scn, d += 192)
            seg__stream192(d, lab16(&q, s, scn), lab16(&q, s + 16 * scn, scn),
                           lab16(&q, s + 32 * scn, scn), lab16(&q, s + 48 * scn, scn));
        _mm_sfence();
    }
    for (; i + 16 <= n; i += 16, s += 16 * scn, d += 48)
        _mm512_mask_storeu_epi8(d, SEG_M48, lab16(&q, s, scn));
    seg__cvt_lab_from_u8(s, d, n - i, c);
}
