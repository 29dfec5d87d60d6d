/* Pixel loading/storing helpers for the AVX-512 (F+BW) colour kernels (include only
 * from *_avx512.c). 16 pixels a step, no reads or writes outside those pixels. */
#ifndef SEG_COLOR_AVX512_H
#define SEG_COLOR_AVX512_H

#include <immintrin.h>
#include <stdint.h>

#define SEG_M48 0xffffffffffffull

/* 16 pixels of 3 u8 channels -> one dword per pixel (c0 | c1 << 8 | c2 << 16 | junk). */
static inline __m512i seg__load16_u8x3(const uint8_t *s)
{
    const __m512i spread = _mm512_setr_epi32(0, 1, 2, 0, 3, 4, 5, 0, 6, 7, 8, 0, 9, 10, 11, 0);
    const __m512i sh = _mm512_broadcast_i32x4(
        _mm_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1));
    return _mm512_shuffle_epi8(_mm512_permutexvar_epi32(spread, _mm512_maskz_loadu_epi8(SEG_M48, s)),
                               sh);
}

/* 16 pixels of 3 or 4 u8 channels -> three vectors of 16 int32. */
static inline void seg__load16_u8(const uint8_t *s, int scn, __m512i *c0, __m512i *c1,
                                  __m512i *c2)
{
    __m512i v = scn == 3 ? seg__load16_u8x3(s) : _mm512_loadu_si512((const void *)s);
    const __m512i m = _mm512_set1_epi32(0xff);
    *c0 = _mm512_and_si512(v, m);
    *c1 = _mm512_and_si512(_mm512_srli_epi32(v, 8), m);
    *c2 = _mm512_and_si512(_mm512_srli_epi32(v, 16), m);
}

/* One dword per pixel (bytes 0..2 used) -> 48 packed bytes at d. */
static inline void seg__store16_u8x3_packed(uint8_t *d, __m512i v)
{
    const __m512i pack = _mm512_broadcast_i32x4(
        _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1));
    const __m512i gather = _mm512_setr_epi32(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0, 0, 0, 0);
    _mm512_mask_storeu_epi8(d, SEG_M48, _mm512_permutexvar_epi32(gather, _mm512_shuffle_epi8(v, pack)));
}

/* Three vectors of 16 int32 already in 0..255 -> 48 interleaved bytes at d. */
static inline void seg__store16_u8x3(uint8_t *d, __m512i c0, __m512i c1, __m512i c2)
{
    seg__store16_u8x3_packed(d, _mm512_or_si512(c0, _mm512_or_si512(_mm512_slli_epi32(c1, 8),
                                                                     _mm512_slli_epi32(c2, 16))));
}

/* One dword per pixel -> the 48 packed bytes in bytes 0..47 of the result. */
static inline __m512i seg__pack48(__m512i v)
{
    const __m512i pack = _mm512_broadcast_i32x4(
        _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1));
    const __m512i gather = _mm512_setr_epi32(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0, 0, 0, 0);
    return _mm512_permutexvar_epi32(gather, _mm512_shuffle_epi8(v, pack));
}

/* Four 48-byte blocks (64 pixels of 3 bytes) as three non-temporal 64-byte stores; d must
 * be 64-byte aligned. The caller ends with _mm_sfence(). */
static inline void seg__stream192(uint8_t *d, __m512i p0, __m512i p1, __m512i p2, __m512i p3)
{
    const __m512i i0 = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19);
    const __m512i i1 = _mm512_setr_epi32(4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23);
    const __m512i i2 = _mm512_setr_epi32(8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27);
    _mm512_stream_si512((void *)d, _mm512_permutex2var_epi32(p0, i0, p1));
    _mm512_stream_si512((void *)(d + 64), _mm512_permutex2var_epi32(p1, i1, p2));
    _mm512_stream_si512((void *)(d + 128), _mm512_permutex2var_epi32(p2, i2, p3));
}

/* Pixels (of 3 bytes) to skip before d + 3*k is 64-byte aligned (0..63). */
static inline int seg__stream_head(const uint8_t *d)
{
    int k = 0;
    while (((uintptr_t)(d + 3 * k) & 63) != 0)
        k++;
    return k;
}

#endif
