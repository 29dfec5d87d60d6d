/* Internals shared by segkit's modules; not installed, not API. */
#ifndef SEG_INTERNAL_H
#define SEG_INTERNAL_H

#include <segkit.h>
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define SEG_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SEG_MAX(a, b) ((a) > (b) ? (a) : (b))
#define SEG_ALIGN 64

/* Record a formatted message for this thread and return `status` (error.c). */
int seg__fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Clear this thread's message at the start of a public call (cheap). */
void seg__clear_error(void);

/* Checked size arithmetic: return false on overflow. */
static inline bool seg__mul(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}
static inline bool seg__add(size_t a, size_t b, size_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}
/* w * h * c * elem, checked; false on overflow or negative input. */
bool seg__image_bytes(int w, int h, int c, size_t elem, size_t *row_bytes, size_t *total);

/* Aligned allocation for pixel buffers and scratch (free with seg__free). */
void *seg__malloc(size_t n);
void *seg__calloc(size_t n, size_t size);
void seg__free(void *p);

/* Pixel addressing. */
static inline void *seg__row(const seg_image *img, int y)
{
    return (uint8_t *)img->data + (size_t)y * img->stride;
}

/* Element i of a row of type t, as a double (exact for every seg_type). */
static inline double seg__elem_f64(const void *row, seg_type t, int i)
{
    switch (t) {
    case SEG_U8: return ((const uint8_t *)row)[i];
    case SEG_U16: return ((const uint16_t *)row)[i];
    case SEG_S32: return ((const int32_t *)row)[i];
    case SEG_F32: return ((const float *)row)[i];
    case SEG_F64: return ((const double *)row)[i];
    }
    return 0;
}

/* Output convention (see image.h): allocate dst when empty, otherwise check that it is
 * w x h x c of `type`. `who` names the operation in the error message. dst must not
 * alias src unless the operation says it works in place. */
int seg__image_prepare(seg_image *dst, int w, int h, int c, seg_type type, const char *who);
/* Validate an input image, naming the operation; allowed types/channels as bit masks
 * (bit t for type t, bit c for c channels). */
int seg__check_input(const seg_image *src, unsigned type_mask, unsigned channel_mask,
                     const char *who);
#define SEG_TYPES(...) seg__type_bits(__VA_ARGS__, -1)
unsigned seg__type_bits(int first, ...);
const char *seg__type_name(seg_type t);

/* Parallel-for over [0, n): the range is cut into pieces of `grain` items (the last may
 * be shorter) independent of the thread count, and fn(ctx, begin, end) runs once per
 * piece, in any order, on up to seg_get_num_threads() threads. fn must only write
 * outputs owned by its piece, so results never depend on the thread count. */
typedef void (*seg_range_fn)(void *ctx, int64_t begin, int64_t end);
void seg__parallel_for(int64_t n, int64_t grain, seg_range_fn fn, void *ctx);
/* A grain giving ~4 pieces per thread, with at least `min_grain` items a piece; a
 * function of n alone (not of the thread count), so splits are reproducible. */
int64_t seg__grain(int64_t n, int64_t min_grain);

/* Stable radix sort of a[n] by bits [lo, hi) of each key (core/radix_sort.c), tmp[n]
 * as scratch; returns whichever of a and tmp holds the result, NULL when out of memory
 * (the caller sets the error). Parallel; the result never depends on the threads. */
uint64_t *seg__radix_sort64(uint64_t *a, uint64_t *tmp, size_t n, int lo, int hi);

/* CPU dispatch: the features to use now (detected & SEGKIT_CPU & seg_set_use_optimized). */
unsigned seg__cpu_active(void);

#endif
