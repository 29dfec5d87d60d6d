/* AVX2 build of the run-filling loop of components.c (the same C, compiled with -mavx2
 * so the compiler stores 8 labels at a time); the plain build is the oracle. */
#include "internal.h"

void seg__cc_fill_row_avx2(int32_t *restrict dst, int x0, int x1, int32_t v);

void seg__cc_fill_row_avx2(int32_t *restrict dst, int x0, int x1, int32_t v)
{
    for (int x = x0; x <= x1; x++)
        dst[x] = v;
}

#include <immintrin.h>

int seg__cc_row_runs(const uint8_t *s, int w, int32_t *out);
int seg__cc_row_runs_avx2(const uint8_t *s, int w, int32_t *out);

/* seg__cc_row_runs 32 bytes at a time: the foreground bits of each block come from one
 * compare + movemask, run ends from the lowest set / clear bits. */
int seg__cc_row_runs_avx2(const uint8_t *s, int w, int32_t *out)
{
    const __m256i zero = _mm256_setzero_si256();
    int n = 0, in_run = 0, start = 0, x = 0;
    for (; x + 32 <= w; x += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(s + x));
        uint64_t fg = ~(uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, zero)) &
                      0xffffffffull;
        for (;;) {
            if (!in_run) {
                if (!fg)
                    break;
                int b0 = __builtin_ctzll(fg);
                start = x + b0;
                in_run = 1;
                fg |= (1ull << b0) - 1; /* bits below the start count as foreground now */
            }
            uint64_t bg = ~fg & 0xffffffffull;
            if (!bg)
                break; /* the run goes on into the next block */
            int e = __builtin_ctzll(bg);
            out[2 * n] = start;
            out[2 * n + 1] = x + e - 1;
            n++;
            in_run = 0;
            fg &= ~0ull << e;
        }
    }
    /* the tail: finish an open run, then the plain scanner on the rest */
    if (in_run) {
        for (; x < w && s[x]; x++)
            ;
        out[2 * n] = start;
        out[2 * n + 1] = x - 1;
        n++;
    }
    if (x < w) {
        int m = seg__cc_row_runs(s + x, w - x, out + 2 * n);
        for (int i = 0; i < 2 * m; i++)
            out[2 * n + i] += x;
        n += m;
    }
    return n;
}
