/* AVX2 kernels for the Gaussian blur; same results as the plain ones in gaussian.c.
 *
 * u8 rows: 16 pixels a step, u8 -> u16, taps paired by symmetry (k (a + b) <= 65280 since
 * a side tap is <= 128), exact 8.8 sums. u8 columns: the h-rows (<= 65280) are biased by
 * -32768 to fit int16, two rows at a time go through vpmaddwd with their two taps, and
 * the bias comes back as 32768 * 256 (the taps sum to 256): exact 32-bit sums, then
 * (sum + 2^15) >> 16 like cv2's ufixedpoint32 -> uint8 cast. */
#include "gaussian_u16.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#include <immintrin.h>

static inline __m256i load16_u8(const uint8_t *p)
{
    return _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)p));
}

void seg__gauss_h_u8_avx2(const seg__sep *f, const void *srow, void *hrow)
{
    const uint8_t *s = srow;
    uint16_t *h = hrow;
    const uint32_t *k = f->kx;
    int cn = f->cn, kw = f->kw, r = kw / 2;
    seg__gauss_h_u8_edges(f, s, h);
    int e = f->x0 * cn, e1 = f->x1 * cn;
    __m256i kv[64];
    int sym = 1;
    for (int i = 0; i < r; i++)
        sym &= k[i] == k[kw - 1 - i];
    if (sym && r <= 63) {
        for (int i = 0; i <= r; i++)
            kv[i] = _mm256_set1_epi16((short)k[i]);
        for (; e + 16 <= e1; e += 16) {
            const uint8_t *c = s + e;
            __m256i acc = _mm256_mullo_epi16(load16_u8(c), kv[r]);
            for (int i = 1; i <= r; i++) {
                __m256i a = _mm256_add_epi16(load16_u8(c - i * cn), load16_u8(c + i * cn));
                acc = _mm256_add_epi16(acc, _mm256_mullo_epi16(a, kv[r - i]));
            }
            _mm256_storeu_si256((__m256i *)(h + e), acc);
        }
    }
    for (; e < e1; e++) {
        const uint8_t *p = s + e - f->rx * cn;
        uint32_t acc = 0;
        for (int i = 0; i < kw; i++)
            acc += k[i] * p[i * cn];
        h[e] = (uint16_t)acc;
    }
}

/* 16 outputs of the column pass as two vectors of 8 x int32 (lane-interleaved halves). */
static inline void vsum16(const void *const *rows, const __m256i *kp, int kh, int e,
                          __m256i *lo, __m256i *hi)
{
    const __m256i bias = _mm256_set1_epi16((short)0x8000);
    __m256i l = _mm256_set1_epi32((1 << 23) + (1 << 15)), u = l;
    int j = 0;
    for (; j + 1 < kh; j += 2) {
        __m256i a = _mm256_xor_si256(
            _mm256_loadu_si256((const __m256i *)((const uint16_t *)rows[j] + e)), bias);
        __m256i b = _mm256_xor_si256(
            _mm256_loadu_si256((const __m256i *)((const uint16_t *)rows[j + 1] + e)), bias);
        l = _mm256_add_epi32(l, _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b), kp[j / 2]));
        u = _mm256_add_epi32(u, _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b), kp[j / 2]));
    }
    if (j < kh) {
        __m256i a = _mm256_xor_si256(
            _mm256_loadu_si256((const __m256i *)((const uint16_t *)rows[j] + e)), bias);
        l = _mm256_add_epi32(l, _mm256_madd_epi16(_mm256_unpacklo_epi16(a, a), kp[j / 2]));
        u = _mm256_add_epi32(u, _mm256_madd_epi16(_mm256_unpackhi_epi16(a, a), kp[j / 2]));
    }
    *lo = _mm256_srli_epi32(l, 16);
    *hi = _mm256_srli_epi32(u, 16);
}

void seg__gauss_v_u8_avx2(const seg__sep *f, const void *const *rows, const void *departed,
                          void *state, void *drow)
{
    const uint32_t *k = f->ky;
    int kh = f->kh, n = f->n, e = 0;
    uint8_t *d = drow;
    if (kh <= 128) {
        __m256i kp[64];
        for (int j = 0; j < kh; j += 2) {
            uint32_t k1 = j + 1 < kh ? k[j + 1] : 0;
            kp[j / 2] = _mm256_set1_epi32((int)(k[j] | (k1 << 16)));
        }
        for (; e + 32 <= n; e += 32) {
            __m256i l0, h0, l1, h1;
            vsum16(rows, kp, kh, e, &l0, &h0);
            vsum16(rows, kp, kh, e + 16, &l1, &h1);
            __m256i a = _mm256_packus_epi32(l0, h0), b = _mm256_packus_epi32(l1, h1);
            __m256i v = _mm256_permute4x64_epi64(_mm256_packus_epi16(a, b), 0xD8);
            _mm256_storeu_si256((__m256i *)(d + e), v);
        }
        for (; e + 16 <= n; e += 16) {
            __m256i l0, h0;
            vsum16(rows, kp, kh, e, &l0, &h0);
            __m256i a = _mm256_packus_epi32(l0, h0);
            __m128i v = _mm_packus_epi16(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
            _mm_storeu_si128((__m128i *)(d + e), v);
        }
    }
    for (; e < n; e++) {
        uint32_t acc = 0;
        for (int j = 0; j < kh; j++)
            acc += k[j] * ((const uint16_t *)rows[j])[e];
        d[e] = (uint8_t)((acc + (1u << 15)) >> 16);
    }
}

/* Float kernels: one pass with the accumulator in registers, in the plain code's order
 * (k[r] c, then + k[r-i] (a + b) for i = 1..r, separate multiply and add, no FMA), so
 * the results equal gaussian_impl.h's bit for bit. */
void seg__gauss_h_f32_avx2(const seg__sep *f, const void *srow, void *hrow)
{
    const float *s = srow, *k = f->kx;
    float *h = hrow;
    int cn = f->cn, r = f->kw / 2;
    seg__gauss_h_f32_edges(f, s, h);
    int e = f->x0 * cn, e1 = f->x1 * cn;
    if (r <= 64) {
        __m256 kv[65];
        for (int i = 0; i <= r; i++)
            kv[i] = _mm256_set1_ps(k[i]);
        for (; e + 32 <= e1; e += 32) {
            const float *c = s + e;
            __m256 a0 = _mm256_mul_ps(kv[r], _mm256_loadu_ps(c));
            __m256 a1 = _mm256_mul_ps(kv[r], _mm256_loadu_ps(c + 8));
            __m256 a2 = _mm256_mul_ps(kv[r], _mm256_loadu_ps(c + 16));
            __m256 a3 = _mm256_mul_ps(kv[r], _mm256_loadu_ps(c + 24));
            for (int i = 1; i <= r; i++) {
                const float *p = c - i * cn, *q = c + i * cn;
                __m256 kk = kv[r - i];
                a0 = _mm256_add_ps(a0, _mm256_mul_ps(kk, _mm256_add_ps(_mm256_loadu_ps(p), _mm256_loadu_ps(q))));
                a1 = _mm256_add_ps(a1, _mm256_mul_ps(kk, _mm256_add_ps(_mm256_loadu_ps(p + 8), _mm256_loadu_ps(q + 8))));
                a2 = _mm256_add_ps(a2, _mm256_mul_ps(kk, _mm256_add_ps(_mm256_loadu_ps(p + 16), _mm256_loadu_ps(q + 16))));
                a3 = _mm256_add_ps(a3, _mm256_mul_ps(kk, _mm256_add_ps(_mm256_loadu_ps(p + 24), _mm256_loadu_ps(q + 24))));
            }
            _mm256_storeu_ps(h + e, a0);
            _mm256_storeu_ps(h + e + 8, a1);
            _mm256_storeu_ps(h + e + 16, a2);
            _mm256_storeu_ps(h + e + 24, a3);
        }
        for (; e + 8 <= e1; e += 8) {
            const float *c = s + e;
            __m256 acc = _mm256_mul_ps(kv[r], _mm256_loadu_ps(c));
            for (int i = 1; i <= r; i++) {
                __m256 ab = _mm256_add_ps(_mm256_loadu_ps(c - i * cn), _mm256_loadu_ps(c + i * cn));
                acc = _mm256_add_ps(acc, _mm256_mul_ps(kv[r - i], ab));
            }
            _mm256_storeu_ps(h + e, acc);
        }
    }
    for (; e < e1; e++) {
        float acc = k[r] * s[e];
        for (int i = 1; i <= r; i++)
            acc = acc + k[r - i] * (s[e - i * cn] + s[e + i * cn]);
        h[e] = acc;
    }
}

void seg__gauss_v_f32_avx2(const seg__sep *f, const void *const *rows, const void *departed,
                           void *state, void *drow)
{
    const float *k = f->ky;
    float *d = drow;
    int r = f->kh / 2, n = f->n, e = 0;
    if (r <= 64) {
        __m256 kv[65];
        for (int i = 0; i <= r; i++)
            kv[i] = _mm256_set1_ps(k[i]);
        const float *c = rows[r];
        for (; e + 32 <= n; e += 32) {
            __m256 a0 = _mm256_mul_ps(kv[r], _mm256_loadu_ps(c + e));
            __m256 a1 = _mm256_mul_ps(kv[r], _mm256_loadu_ps(c + e + 8));
            __m256 a2 = _mm256_mul_ps(kv[r], _mm256_loadu_ps(c + e + 16));
            __m256 a3 = _mm256_mul_ps(kv[r], _mm256_loadu_ps(c + e + 24));
            for (int i = 1; i <= r; i++) {
                const float *p = (const float *)rows[r - i] + e, *q = (const float *)rows[r + i] + e;
                __m256 kk = kv[r - i];
                a0 = _mm256_add_ps(a0, _mm256_mul_ps(kk, _mm256_add_ps(_mm256_loadu_ps(p), _mm256_loadu_ps(q))));
                a1 = _mm256_add_ps(a1, _mm256_mul_ps(kk, _mm256_add_ps(_mm256_loadu_ps(p + 8), _mm256_loadu_ps(q + 8))));
                a2 = _mm256_add_ps(a2, _mm256_mul_ps(kk, _mm256_add_ps(_mm256_loadu_ps(p + 16), _mm256_loadu_ps(q + 16))));
                a3 = _mm256_add_ps(a3, _mm256_mul_ps(kk, _mm256_add_ps(_mm256_loadu_ps(p + 24), _mm256_loadu_ps(q + 24))));
            }
            _mm256_storeu_ps(d + e, a0);
            _mm256_storeu_ps(d + e + 8, a1);
            _mm256_storeu_ps(d + e + 16, a2);
            _mm256_storeu_ps(d + e + 24, a3);
        }
        for (; e + 8 <= n; e += 8) {
            __m256 acc = _mm256_mul_ps(kv[r], _mm256_loadu_ps(c + e));
            for (int i = 1; i <= r; i++) {
                __m256 ab = _mm256_add_ps(_mm256_loadu_ps((const float *)rows[r - i] + e),
                                          _mm256_loadu_ps((const float *)rows[r + i] + e));
                acc = _mm256_add_ps(acc, _mm256_mul_ps(kv[r - i], ab));
            }
            _mm256_storeu_ps(d + e, acc);
        }
    }
    for (; e < n; e++) {
        float acc = k[r] * ((const float *)rows[r])[e];
        for (int i = 1; i <= r; i++)
            acc = acc + k[r - i] * (((const float *)rows[r - i])[e] + ((const float *)rows[r + i])[e]);
        d[e] = acc;
    }
}

/* u16 rows: 8 pixels a step, taps paired by symmetry, exact 32-bit sums (vpmulld). */
void seg__gauss_h_u16_avx2(const seg__sep *f, const void *srow, void *hrow)
{
    const uint16_t *s = srow;
    const uint32_t *k = f->kx;
    uint32_t *h = hrow;
    int cn = f->cn, r = f->kw / 2;
    if (r > 64) {
        gauss_h_u16(f, s, h);
        return;
    }
    gauss_h_u16_edges(f, s, h);
    int e = f->x0 * cn, e1 = f->x1 * cn;
    __m256i kv[65];
    for (int i = 0; i <= r; i++)
        kv[i] = _mm256_set1_epi32((int)k[i]);
#define LD16(p) _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p)))
    for (; e + 16 <= e1; e += 16) {
        const uint16_t *c = s + e;
        __m256i a0 = _mm256_mullo_epi32(LD16(c), kv[r]);
        __m256i a1 = _mm256_mullo_epi32(LD16(c + 8), kv[r]);
        for (int i = 1; i <= r; i++) {
            const uint16_t *p = c - i * cn, *q = c + i * cn;
            a0 = _mm256_add_epi32(a0, _mm256_mullo_epi32(_mm256_add_epi32(LD16(p), LD16(q)), kv[r - i]));
            a1 = _mm256_add_epi32(
                a1, _mm256_mullo_epi32(_mm256_add_epi32(LD16(p + 8), LD16(q + 8)), kv[r - i]));
        }
        _mm256_storeu_si256((__m256i *)(h + e), a0);
        _mm256_storeu_si256((__m256i *)(h + e + 8), a1);
    }
#undef LD16
    for (; e < e1; e++) {
        uint32_t acc = k[r] * s[e];
        for (int i = 1; i <= r; i++)
            acc += k[r - i] * ((uint32_t)s[e - i * cn] + s[e + i * cn]);
        h[e] = acc;
    }
}

/* 8 outputs of the u16 column pass: 64-bit sums of 32x32-bit products (vpmuludq on the
 * even and the odd lanes), rounded and shifted by 32, as 8 x uint32. */
static inline __m256i vsum_u16(const void *const *rows, const __m256i *kv, int kh, int e)
{
    __m256i ev = _mm256_set1_epi64x((int64_t)1 << 31), od = ev;
    for (int j = 0; j < kh; j++) {
        __m256i v = _mm256_loadu_si256((const __m256i *)((const uint32_t *)rows[j] + e));
        ev = _mm256_add_epi64(ev, _mm256_mul_epu32(v, kv[j]));
        od = _mm256_add_epi64(od, _mm256_mul_epu32(_mm256_srli_epi64(v, 32), kv[j]));
    }
    /* even results: high half of ev moved down; odd results: high half of od in place */
    return _mm256_blend_epi32(_mm256_srli_epi64(ev, 32), od, 0xAA);
}

void seg__gauss_v_u16_avx2(const seg__sep *f, const void *const *rows, const void *departed,
                           void *state, void *drow)
{
    const uint32_t *k = f->ky;
    uint16_t *d = drow;
    int kh = f->kh, n = f->n, e = 0;
    if (kh > 129) {
        gauss_v_u16(f, rows, state, drow);
        return;
    }
    __m256i kv[129];
    for (int j = 0; j < kh; j++)
        kv[j] = _mm256_set1_epi64x((int64_t)k[j]);
    for (; e + 16 <= n; e += 16) {
        __m256i a = vsum_u16(rows, kv, kh, e), b = vsum_u16(rows, kv, kh, e + 8);
        /* values <= 65535: packus keeps them; it packs per 128-bit lane, hence the permute */
        __m256i p = _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xD8);
        _mm256_storeu_si256((__m256i *)(d + e), p);
    }
    for (; e < n; e++) {
        uint64_t acc = (uint64_t)1 << 31;
        for (int j = 0; j < kh; j++)
            acc += (uint64_t)k[j] * ((const uint32_t *)rows[j])[e];
        acc >>= 32;
        d[e] = (uint16_t)(acc > 65535 ? 65535 : acc);
    }
}
