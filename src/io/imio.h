/* Internals shared by the image codecs (png.c, jpeg.c, pnm.c) and their front end
 * (imio.c). Not installed, not API. */
#ifndef SEG_IO_IMIO_H
#define SEG_IO_IMIO_H

#include "internal.h"

/* What the caller asked a decoder to produce, already resolved from the cv2-style
 * read mode by imio.c. */
typedef struct seg__decode_req {
    int unchanged;       /* IMREAD_UNCHANGED: native channels (alpha kept) and depth */
    int channels;        /* 1 or 3 when !unchanged */
    int keep_depth;      /* keep 16-bit samples (IMREAD_ANYDEPTH or unchanged) */
    seg_order order;     /* channel order of 3/4-channel output */
    uint64_t max_pixels; /* > 0 */
} seg__decode_req;

/* Decoders: on success *out is a newly allocated image; on failure it is empty and the
 * thread's message starts with the format name ("png: ..."). */
int seg__png_decode(const uint8_t *data, size_t size, const seg__decode_req *req, seg_image *out);
int seg__jpeg_decode(const uint8_t *data, size_t size, const seg__decode_req *req,
                     seg_image *out);
int seg__pnm_decode(const uint8_t *data, size_t size, const seg__decode_req *req, seg_image *out);
/* Whether a JPEG has colour components (from its header; 0 when unreadable). */
int seg__jpeg_is_colour(const uint8_t *data, size_t size);

/* Refuse a declared size before anything is allocated: zero sizes are SEG_EFORMAT,
 * more than max_pixels (or a byte count that overflows size_t) is SEG_ELIMIT. */
int seg__check_decode_size(const char *fmt, uint64_t w, uint64_t h, int channels, size_t elem,
                           uint64_t max_pixels);

/* Like seg_image_alloc (64-byte aligned rows, owned) but without zero-filling: for
 * decoders that write every pixel. The message names `fmt`. */
int seg__io_image_alloc(seg_image *img, int w, int h, int c, seg_type t, const char *fmt);

/* A growable malloc'd byte buffer for the encoders; ownership of data passes to the
 * caller of seg_imencode (released with seg_free). */
typedef struct seg__buf {
    uint8_t *data;
    size_t size, cap;
} seg__buf;
int seg__buf_put(seg__buf *b, const void *p, size_t n); /* SEG_OK or SEG_ENOMEM */
void seg__buf_release(seg__buf *b);

/* Encoders: img is already validated for the format (type and channels). */
int seg__png_encode(const seg_image *img, const seg_write_options *o, seg__buf *out);
int seg__jpeg_encode(const seg_image *img, const seg_write_options *o, seg__buf *out);
int seg__pnm_encode(const seg_image *img, const seg_write_options *o, seg__buf *out);

/* EXIF orientation (exif.c): 1..8 from a JPEG's APP1 or a PNG's eXIf chunk, 1 when
 * absent; seg__apply_orientation replaces img by its rotated/flipped copy. */
int seg__jpeg_orientation(const uint8_t *data, size_t size);
int seg__png_orientation(const uint8_t *data, size_t size);
int seg__apply_orientation(seg_image *img, int orientation);

/* OpenCV's fixed-point BGR -> gray used by its PNM and JPEG (CMYK) readers:
 * (b*1868 + g*9617 + r*4899 + 8192) >> 14. */
static inline unsigned seg__gray_fixed(unsigned b, unsigned g, unsigned r)
{
    return (b * 1868u + g * 9617u + r * 4899u + 8192u) >> 14;
}

#endif
