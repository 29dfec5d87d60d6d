/* AVX-512 (BW) kernels for the u8 Gaussian blur: the AVX2 scheme on 32 pixels a step. */
#include "filter_internal.h"

#include <immintrin.h>

void seg__gauss_h_u8_avx512(const seg__sep *f, const void *srow, void *hrow)
{
    const uint8_t *s = srow;
    uint16_t *h = hrow;
    const uint32_t *k = f->kx;
    int cn = f->cn, kw = f->kw, r = kw / 2;
    int sym = 1;
    for (int i = 0; i < r; i++)
        sym &= k[i] == k[kw - 1 - i];
    if (!sym || r > 63) {
        seg__gauss_h_u8_avx2(f, srow, hrow);
        return;
    }
    seg__gauss_h_u8_edges(f, s, h);
    int e = f->x0 * cn, e1 = f->x1 * cn;
    __m512i kv[64];
    for (int i = 0; i <= r; i++)
        kv[i] = _mm512_set1_epi16((short)k[i]);
#define LD(p) _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(p)))
    for (; e + 32 <= e1; e += 32) {
        const uint8_t *c = s + e;
        __m512i acc = _mm512_mullo_epi16(LD(c), kv[r]);
        for (int i = 1; i <= r; i++) {
            __m512i a = _mm512_add_epi16(LD(c - i * cn), LD(c + i * cn));
            acc = _mm512_add_epi16(acc, _mm512_mullo_epi16(a, kv[r - i]));
        }
        _mm512_storeu_si512((void *)(h + e), acc);
    }
#undef LD
    for (; e < e1; e++) {
        const uint8_t *p = s + e - f->rx * cn;
        uint32_t acc = 0;
        for (int i = 0; i < kw; i++)
            acc += k[i] * p[i * cn];
        h[e] = (uint16_t)acc;
    }
}

static inline void vsum32(const void *const *rows, const __m512i *kp, int kh, int e,
                          __m512i *lo, __m512i *hi)
{
    const __m512i bias = _mm512_set1_epi16((short)0x8000);
    __m512i l = _mm512_set1_epi32((1 << 23) + (1 << 15)), u = l;
    int j = 0;
    for (; j + 1 < kh; j += 2) {
        __m512i a = _mm512_xor_si512(_mm512_loadu_si512((const uint16_t *)rows[j] + e), bias);
        __m512i b = _mm512_xor_si512(_mm512_loadu_si512((const uint16_t *)rows[j + 1] + e), bias);
        l = _mm512_add_epi32(l, _mm512_madd_epi16(_mm512_unpacklo_epi16(a, b), kp[j / 2]));
        u = _mm512_add_epi32(u, _mm512_madd_epi16(_mm512_unpackhi_epi16(a, b), kp[j / 2]));
    }
    if (j < kh) {
        __m512i a = _mm512_xor_si512(_mm512_loadu_si512((const uint16_t *)rows[j] + e), bias);
        l = _mm512_add_epi32(l, _mm512_madd_epi16(_mm512_unpacklo_epi16(a, a), kp[j / 2]));
        u = _mm512_add_epi32(u, _mm512_madd_epi16(_mm512_unpackhi_epi16(a, a), kp[j / 2]));
    }
    *lo = _mm512_srli_epi32(l, 16);
    *hi = _mm512_srli_epi32(u, 16);
}

void seg__gauss_v_u8_avx512(const seg__sep *f, const void *const *rows, const void *departed,
                            void *state, void *drow)
{
    const uint32_t *k = f->ky;
    int kh = f->kh, n = f->n, e = 0;
    uint8_t *d = drow;
    if (kh > 128) {
        seg__gauss_v_u8_avx2(f, rows, departed, state, drow);
        return;
    }
    __m512i kp[64];
    for (int j = 0; j < kh; j += 2) {
        uint32_t k1 = j + 1 < kh ? k[j + 1] : 0;
        kp[j / 2] = _mm512_set1_epi32((int)(k[j] | (k1 << 16)));
    }
    /* packus works per 128-bit lane; the unpack/pack pairs cancel within a lane, and the
     * final byte pack of two 32-wide halves needs a qword permute to restore order. */
    const __m512i perm = _mm512_set_epi64(7, 5, 3, 1, 6, 4, 2, 0);
    for (; e + 64 <= n; e += 64) {
        __m512i l0, h0, l1, h1;
        vsum32(rows, kp, kh, e, &l0, &h0);
        vsum32(rows, kp, kh, e + 32, &l1, &h1);
        __m512i a = _mm512_packus_epi32(l0, h0), b = _mm512_packus_epi32(l1, h1);
        __m512i v = _mm512_permutexvar_epi64(perm, _mm512_packus_epi16(a, b));
        _mm512_storeu_si512((void *)(d + e), v);
    }
    if (e < n) {
        /* The tail (< 64 elements) through the AVX2 code on shifted rows; kh <= 128. */
        seg__sep g = *f;
        const void *shifted[128];
        for (int j = 0; j < kh; j++)
            shifted[j] = (const uint16_t *)rows[j] + e;
        g.n = n - e;
        seg__gauss_v_u8_avx2(&g, shifted, departed, state, d + e);
    }
}
