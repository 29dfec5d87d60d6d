/* Image files: PNG (libpng), JPEG (libjpeg-turbo), PGM/PPM. The format is chosen by the
 * file's contents when reading and by the file name's extension when writing.
 *
 * Channel order is explicit: 3- and 4-channel images are returned and taken in the
 * seg_order the caller names (SEG_ORDER_BGR matches cv2.imread/imwrite; RGB matches
 * PIL and scikit-image). Decoding refuses images above `max_pixels` before allocating
 * anything. Writing goes to a temporary file in the same folder that is renamed over
 * the target at the end, so a failed write leaves no partial file. */
#ifndef SEGKIT_IO_H
#define SEGKIT_IO_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Read modes, with cv2's IMREAD_* values; the mode is a bit set as in cv2 (also
 * accepted: 4 = IMREAD_ANYCOLOR, 128 = IMREAD_IGNORE_ORIENTATION). Pixels are identical
 * to cv2.imread / cv2.imdecode of OpenCV 4.6 in every mode, EXIF orientation included
 * (applied to JPEG and PNG unless UNCHANGED or IGNORE_ORIENTATION). */
enum {
    SEG_IMREAD_UNCHANGED = -1, /* keep depth (8/16-bit) and channels, alpha included */
    SEG_IMREAD_GRAYSCALE = 0,  /* 8-bit, 1 channel */
    SEG_IMREAD_COLOR = 1,      /* 8-bit, 3 channels */
    SEG_IMREAD_ANYDEPTH = 2    /* keep 16-bit, 1 channel (like cv2); OR with COLOR for 3 */
};

#define SEG_DEFAULT_MAX_PIXELS ((uint64_t)1 << 28)

typedef struct seg_read_options {
    int mode;            /* SEG_IMREAD_*; 0 initialised means GRAYSCALE, so set it */
    seg_order order;     /* channel order of colour output */
    uint64_t max_pixels; /* refuse larger images; 0 = SEG_DEFAULT_MAX_PIXELS */
} seg_read_options;

/* Defaults: SEG_IMREAD_UNCHANGED, SEG_ORDER_BGR, SEG_DEFAULT_MAX_PIXELS. */
SEG_API seg_read_options seg_read_options_default(void);

/* Decode a file / a memory buffer. out is set empty first; on success it owns its
 * pixels (seg_image_free). opts may be NULL (defaults). Errors: SEG_EIO (cannot open or
 * read), SEG_EFORMAT (unknown or corrupt data, truncated file), SEG_ELIMIT (too many
 * pixels), SEG_EUNSUPPORTED, SEG_ENOMEM. The message names the file and the problem. */
SEG_API int seg_imread(const char *path, seg_image *out, const seg_read_options *opts);
SEG_API int seg_imdecode(const void *data, size_t size, seg_image *out,
                         const seg_read_options *opts);

typedef struct seg_write_options {
    seg_order order;        /* channel order of the 3/4-channel input */
    int jpeg_quality;       /* 1..100; 0 = 95 (cv2's default) */
    int png_compression;    /* 0..9; -1 = cv2's default (1) */
    const uint8_t *palette; /* optional: 1-channel u8 written as a palette PNG with these
                               RGB triplets (palette_size entries, 1..256) */
    int palette_size;
} seg_write_options;

/* Defaults: BGR, quality 95, PNG compression -1, no palette. */
SEG_API seg_write_options seg_write_options_default(void);

/* Write img to path; format from the extension (.png, .jpg/.jpeg, .pgm/.ppm/.pnm).
 * PNG takes u8/u16 with 1-4 channels; JPEG u8 with 1 or 3; PNM u8/u16 with 1 or 3.
 * opts may be NULL. Atomic: temporary file + rename. Errors: SEG_EINVAL (bad image or
 * options), SEG_EUNSUPPORTED (extension or type), SEG_EIO. */
SEG_API int seg_imwrite(const char *path, const seg_image *img, const seg_write_options *opts);

/* Encode to memory. ext is ".png", ".jpg", ".ppm", ... *out is malloc'd by the
 * library; the caller releases it with seg_free. */
SEG_API int seg_imencode(const char *ext, const seg_image *img, const seg_write_options *opts,
                         void **out, size_t *out_size);

/* Release memory returned by segkit through a plain pointer (seg_imencode, ...). */
SEG_API void seg_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
