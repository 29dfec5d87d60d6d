/* Kernels shared by the morphology files (morph.c, morph_avx2.c); not API. */
#ifndef SEG_MORPH_INTERNAL_H
#define SEG_MORPH_INTERNAL_H

#include "internal.h"

/* dst[i] = min(a[i], b[i]) (or max) for n elements; dst may equal a or b. Floats use
 * a < b ? a : b (the SSE/AVX minps rule), identical to cv2 for non-NaN values. */
typedef void (*seg__minmax_fn)(void *dst, const void *a, const void *b, size_t n);

/* The plain C kernel for (type, is_max), and the AVX2 one (NULL if not built). */
seg__minmax_fn seg__morph_minmax_plain(seg_type type, int is_max);
seg__minmax_fn seg__morph_minmax_avx2(seg_type type, int is_max);

#endif
