/* Kernels shared by the morphology files (morph.c, morph_avx2.c); not API. */
#ifndef SEG_MORPH_INTERNAL_H
#define SEG_MORPH_INTERNAL_H

#include "internal.h"

/* dst[i] = min (or max) over k < nsrc of src[k][i], for n elements; nsrc >= 1 and dst
 * aliases no source. Floats use a < b ? a : b (the minps rule), which is cv2's result
 * for non-NaN values. */
typedef void (*seg__minmax_fn)(void *dst, const void *const *src, int nsrc, size_t n);

/* The plain C kernel for (type, is_max), and the AVX2 one (NULL for other types). */
seg__minmax_fn seg__morph_minmax_plain(seg_type type, int is_max);
seg__minmax_fn seg__morph_minmax_avx2(seg_type type, int is_max);

#endif
