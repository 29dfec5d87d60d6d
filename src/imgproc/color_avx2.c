/* AVX2 gray kernel: the integer formula of seg__cvt_gray_from_u8, 16 pixels a step,
 * with vpmaddwd on (b, g) and (r, 2^14) word pairs against (cb, cg) and (cr, 1). */
#include "color_internal.h"

#include "color_avx2.h"

enum { RY15 = 9798, GY15 = 19235, BY15 = 3735 };

/* v holds 4 pixels per 128-bit lane, `st` bytes apart; returns their 8 gray values. */
static inline __m256i gray8(__m256i v, int st, __m256i k_bg, __m256i k_r)
{
    const __m256i sh_bg = st == 3 ? _mm256_setr_epi8(0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9,
                                                     -1, 10, -1, 0, -1, 1, -1, 3, -1, 4, -1, 6,
                                                     -1, 7, -1, 9, -1, 10, -1)
                                  : _mm256_setr_epi8(0, -1, 1, -1, 4, -1, 5, -1, 8, -1, 9, -1,
                                                     12, -1, 13, -1, 0, -1, 1, -1, 4, -1, 5, -1,
                                                     8, -1, 9, -1, 12, -1, 13, -1);
    const __m256i sh_r = st == 3 ? _mm256_setr_epi8(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1,
                                                    11, -1, -1, -1, 2, -1, -1, -1, 5, -1, -1, -1,
                                                    8, -1, -1, -1, 11, -1, -1, -1)
                                 : _mm256_setr_epi8(2, -1, -1, -1, 6, -1, -1, -1, 10, -1, -1, -1,
                                                    14, -1, -1, -1, 2, -1, -1, -1, 6, -1, -1, -1,
                                                    10, -1, -1, -1, 14, -1, -1, -1);
    __m256i bg = _mm256_shuffle_epi8(v, sh_bg);
    __m256i r = _mm256_or_si256(_mm256_shuffle_epi8(v, sh_r), _mm256_set1_epi32(1 << 30));
    __m256i y = _mm256_add_epi32(_mm256_madd_epi16(bg, k_bg), _mm256_madd_epi16(r, k_r));
    return _mm256_srli_epi32(y, 15);
}

static inline __m256i load_lanes(const uint8_t *lo, const uint8_t *hi)
{
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)lo)),
                                   _mm_loadu_si128((const __m128i *)hi), 1);
}

static inline void store16(uint8_t *d, __m256i ya, __m256i yb)
{
    __m256i w = _mm256_permute4x64_epi64(_mm256_packus_epi32(ya, yb), 0xD8);
    __m256i bytes = _mm256_packus_epi16(w, w);
    _mm_storel_epi64((__m128i *)d, _mm256_castsi256_si128(bytes));
    _mm_storel_epi64((__m128i *)(d + 8), _mm256_extracti128_si256(bytes, 1));
}

void seg__cvt_gray_from_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    const uint8_t *s = src;
    uint8_t *d = dst;
    int scn = c->scn, i = 0;
    int c0 = c->bidx ? RY15 : BY15, c2 = c->bidx ? BY15 : RY15;
    const __m256i k_bg = _mm256_set1_epi32((int)((uint32_t)c0 | ((uint32_t)GY15 << 16)));
    const __m256i k_r = _mm256_set1_epi32((int)((uint32_t)c2 | (1u << 16)));
    if (scn == 3) {
        /* 4 lanes of 16 bytes at 12-byte steps read 52 bytes for 48: keep 2 pixels spare. */
        for (; i + 18 <= n; i += 16, s += 48, d += 16)
            store16(d, gray8(load_lanes(s, s + 12), 3, k_bg, k_r),
                    gray8(load_lanes(s + 24, s + 36), 3, k_bg, k_r));
    } else {
        for (; i + 16 <= n; i += 16, s += 64, d += 16)
            store16(d, gray8(_mm256_loadu_si256((const __m256i *)s), 4, k_bg, k_r),
                    gray8(_mm256_loadu_si256((const __m256i *)(s + 32)), 4, k_bg, k_r));
    }
    seg__cvt_gray_from_u8(s, d, n - i, c);
}

/* Channel reordering / alpha (RGB2RGB of OpenCV) with one vpshufb per 4-pixel lane. */
void seg__cvt_reorder_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    const uint8_t *s = src;
    uint8_t *d = dst;
    int scn = c->scn, dcn = c->dcn, i = 0;
    const int perm[4] = {c->bidx, 1, c->bidx ^ 2, 3};
    int8_t m[16];
    for (int j = 0; j < 16; j++)
        m[j] = -1;
    for (int px = 0; px < 4; px++)
        for (int k = 0; k < dcn; k++)
            if (k < 3 || scn == 4)
                m[px * dcn + k] = (int8_t)(px * scn + perm[k]);
    __m128i m128 = _mm_loadu_si128((const __m128i *)m);
    const __m256i mask = _mm256_broadcastsi128_si256(m128);
    const __m256i alpha = dcn == 4 && scn == 3 ? _mm256_set1_epi32((int)0xff000000u)
                                               : _mm256_setzero_si256();
    for (; i + 10 <= n; i += 8, s += 8 * scn, d += 8 * dcn) {
        __m256i v = scn == 3 ? load_lanes(s, s + 12) : _mm256_loadu_si256((const __m256i *)s);
        v = _mm256_or_si256(_mm256_shuffle_epi8(v, mask), alpha);
        if (dcn == 3) {
            _mm_storeu_si128((__m128i *)d, _mm256_castsi256_si128(v));
            _mm_storeu_si128((__m128i *)(d + 12), _mm256_extracti128_si256(v, 1));
        } else {
            _mm256_storeu_si256((__m256i *)d, v);
        }
    }
    seg__cvt_reorder_u8(s, d, n - i, c);
}

/* f32 gray: fma(x2, c2, fma(x1, 0.587, x0*c0)), as the plain kernel (and cv2). */
void seg__cvt_gray_from_f32_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    const float *s = src;
    float *d = dst;
    int scn = c->scn, i = 0;
    const __m256 k0 = _mm256_set1_ps(c->bidx ? 0.299f : 0.114f), k1 = _mm256_set1_ps(0.587f);
    const __m256 k2 = _mm256_set1_ps(c->bidx ? 0.114f : 0.299f);
    for (; i + 8 <= n; i += 8, s += 8 * scn, d += 8) {
        __m256 x, y, z;
        seg__load8_f32(s, scn, &x, &y, &z);
        __m256 g = _mm256_fmadd_ps(z, k2, _mm256_fmadd_ps(y, k1, _mm256_mul_ps(x, k0)));
        _mm256_storeu_ps(d, g);
    }
    seg__cvt_gray_from_f32(s, d, n - i, c);
}

/* u16 gray: gathers of (channel, next) u16 pairs, 32-bit products, same formula. */
static void gray_from_u16_plain_tail(const uint16_t *s, uint16_t *d, int n, int scn, uint32_t c0,
                                     uint32_t c2)
{
    for (int i = 0; i < n; i++, s += scn)
        d[i] = (uint16_t)((s[0] * c0 + s[1] * (uint32_t)GY15 + s[2] * c2 + (1u << 14)) >> 15);
}

void seg__cvt_gray_from_u16_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    const uint16_t *s = src;
    uint16_t *d = dst;
    int scn = c->scn, i = 0;
    uint32_t c0 = c->bidx ? RY15 : BY15, c2 = c->bidx ? BY15 : RY15;
    const __m256i idx = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                           _mm256_set1_epi32(scn));
    const __m256i m16 = _mm256_set1_epi32(0xffff), half = _mm256_set1_epi32(1 << 14);
    const __m256i k0 = _mm256_set1_epi32((int)c0), k1 = _mm256_set1_epi32(GY15);
    const __m256i k2 = _mm256_set1_epi32((int)c2);
    for (; i + 8 <= n; i += 8, s += 8 * scn, d += 8) {
        /* element k of pixel j: 16 bits at s + scn*j + k (scale 2 bytes) */
        __m256i x = _mm256_and_si256(_mm256_i32gather_epi32((const int *)(const void *)s, idx, 2), m16);
        __m256i y = _mm256_and_si256(_mm256_i32gather_epi32((const int *)(const void *)(s + 1), idx, 2), m16);
        __m256i z = _mm256_srli_epi32(_mm256_i32gather_epi32((const int *)(const void *)(s + 1), idx, 2), 16);
        __m256i g = _mm256_add_epi32(_mm256_add_epi32(_mm256_mullo_epi32(x, k0), _mm256_mullo_epi32(y, k1)),
                                     _mm256_add_epi32(_mm256_mullo_epi32(z, k2), half));
        g = _mm256_srli_epi32(g, 15);
        __m256i p = _mm256_permute4x64_epi64(_mm256_packus_epi32(g, g), 0x08);
        _mm_storeu_si128((__m128i *)d, _mm256_castsi256_si128(p));
    }
    gray_from_u16_plain_tail(s, d, n - i, scn, c0, c2);
}

/* GRAY2BGR(A) u8: one vpshufb per 16 output bytes from the broadcast gray pixels. */
void seg__cvt_from_gray_u8_avx2(const void *src, void *dst, int n, const seg__cvt *c)
{
    const uint8_t *s = src;
    uint8_t *d = dst;
    int i = 0;
    if (c->dcn == 3) {
        const __m256i m0 = _mm256_setr_epi8(0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5,
                                            5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10);
        const __m128i m1 = _mm_setr_epi8(10, 11, 11, 11, 12, 12, 12, 13, 13, 13, 14, 14, 14, 15,
                                         15, 15);
        for (; i + 16 <= n; i += 16, s += 16, d += 48) {
            __m128i g = _mm_loadu_si128((const __m128i *)s);
            __m256i gg = _mm256_broadcastsi128_si256(g);
            _mm256_storeu_si256((__m256i *)d, _mm256_shuffle_epi8(gg, m0));
            _mm_storeu_si128((__m128i *)(d + 32), _mm_shuffle_epi8(g, m1));
        }
    } else {
        const __m256i m0 = _mm256_setr_epi8(0, 0, 0, -1, 1, 1, 1, -1, 2, 2, 2, -1, 3, 3, 3, -1,
                                            4, 4, 4, -1, 5, 5, 5, -1, 6, 6, 6, -1, 7, 7, 7, -1);
        const __m256i m1 = _mm256_add_epi8(m0, _mm256_setr_epi8(
            8, 8, 8, 0, 8, 8, 8, 0, 8, 8, 8, 0, 8, 8, 8, 0, 8, 8, 8, 0, 8, 8, 8, 0, 8, 8, 8, 0,
            8, 8, 8, 0));
        const __m256i alpha = _mm256_set1_epi32((int)0xff000000u);
        for (; i + 16 <= n; i += 16, s += 16, d += 64) {
            __m256i gg = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)s));
            _mm256_storeu_si256((__m256i *)d, _mm256_or_si256(_mm256_shuffle_epi8(gg, m0), alpha));
            _mm256_storeu_si256((__m256i *)(d + 32),
                                _mm256_or_si256(_mm256_shuffle_epi8(gg, m1), alpha));
        }
    }
    seg__cvt_from_gray_u8(s, d, n - i, c);
}
