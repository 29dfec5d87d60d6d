/* PNG through libpng: decoding with the same libpng transformations as OpenCV 4.6's
 * PngDecoder (so pixels are identical to cv2.imread in every read mode), encoding with
 * its PngEncoder settings (so the default output is byte-identical to cv2.imencode).
 *
 * libpng reports errors by longjmp. Every libpng call runs inside png_decode_run /
 * png_encode_run, whose only state lives in a context struct owned by the caller, so
 * nothing the jump skips over is lost: the caller frees whatever the context holds. */
#include "imio.h"

#include <png.h>
#include <setjmp.h>
#include <string.h>

typedef struct png_ctx {
    const uint8_t *data; /* decode: the whole file */
    size_t size, pos;
    seg__buf *out;       /* encode: destination */
    int status;          /* status to report if libpng jumps out */
    char msg[256];       /* libpng's error text */
    int bad_tail;        /* a warning that we treat as an error (see png_warn) */
    char warn[128];
    char last_warn[128]; /* libpng explains "Invalid IHDR data" in a warning first */
    png_bytep *rows;     /* row pointers (or the scan's one row), freed by the caller */
    seg_image img;
} png_ctx;

static void png_err(png_structp png, png_const_charp msg)
{
    png_ctx *c = png_get_error_ptr(png);
    if (c->last_warn[0] && strcmp(c->last_warn, msg) != 0)
        snprintf(c->msg, sizeof c->msg, "%s (%s)", msg, c->last_warn);
    else
        snprintf(c->msg, sizeof c->msg, "%s", msg);
    if (strstr(c->msg, "user limit"))
        c->status = SEG_ELIMIT;
    png_longjmp(png, 1);
}

/* libpng downgrades some problems to warnings ("benign errors"). Most are harmless
 * (a bad ancillary chunk is dropped), but data after the last row, too many IDAT chunks
 * and palette indices beyond the palette mean a lying or hostile file: a decompression
 * bomb looks exactly like "Too much image data". Those become errors after the read. */
static void png_warn(png_structp png, png_const_charp msg)
{
    png_ctx *c = png_get_error_ptr(png);
    snprintf(c->last_warn, sizeof c->last_warn, "%s", msg);
    static const char *const fatal[] = {"Too much image data", "Too many IDATs",
                                        "Extra compressed data", "Extra compression data",
                                        "palette index exceeding"};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        if (strstr(msg, fatal[i]) && !c->bad_tail) {
            c->bad_tail = 1;
            snprintf(c->warn, sizeof c->warn, "%s", msg);
        }
    }
}

static void png_read_mem(png_structp png, png_bytep dst, size_t n)
{
    png_ctx *c = png_get_io_ptr(png);
    if (n > c->size - c->pos) {
        c->status = SEG_EFORMAT;
        png_error(png, "truncated file (data ends before the image does)");
    }
    memcpy(dst, c->data + c->pos, n);
    c->pos += n;
}

static void png_write_mem(png_structp png, png_bytep src, size_t n)
{
    png_ctx *c = png_get_io_ptr(png);
    if (seg__buf_put(c->out, src, n)) {
        c->status = SEG_ENOMEM;
        png_error(png, "out of memory for the encoded file");
    }
}

static void png_flush_mem(png_structp png)
{
    (void)png;
}

static int is_little_endian(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 1;
}

/* The image's channel count as cv2's PngDecoder::readHeader sees it: palette and RGB
 * gain alpha only from tRNS, gray+alpha becomes BGRA, gray with tRNS stays gray. */
static int native_channels(png_structp png, png_infop info, int color_type)
{
    switch (color_type) {
    case PNG_COLOR_TYPE_RGB:
    case PNG_COLOR_TYPE_PALETTE:
        return png_get_valid(png, info, PNG_INFO_tRNS) ? 4 : 3;
    case PNG_COLOR_TYPE_GRAY_ALPHA:
    case PNG_COLOR_TYPE_RGB_ALPHA:
        return 4;
    default:
        return 1;
    }
}

/* libpng's limits against hostile files. libpng 1.6.39 allocates an eXIf chunk's declared
 * length (up to 2 GiB) before reading a byte of it, past the chunk malloc limit
 * (fuzz_png); segkit reads EXIF orientation from the bytes itself (exif.c), so libpng
 * discards eXIf unread, as an unknown chunk. */
static void png_limits(png_structp png, const seg__decode_req *req)
{
    uint64_t lim = req->max_pixels < PNG_UINT_31_MAX ? req->max_pixels : PNG_UINT_31_MAX;
    png_set_user_limits(png, (png_uint_32)lim, (png_uint_32)lim);
    png_set_chunk_cache_max(png, 1000);       /* ancillary chunks kept at most */
    png_set_chunk_malloc_max(png, 16u << 20); /* largest non-IDAT chunk we buffer */
    static const png_byte exif[] = "eXIf";
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, exif, 1);
}

static int png_decode_run(png_ctx *c, png_structp png, png_infop info,
                          const seg__decode_req *req)
{
    if (setjmp(png_jmpbuf(png)))
        return c->status;

    png_limits(png, req);
    png_set_read_fn(png, c, png_read_mem);
    png_read_info(png, info);

    png_uint_32 w, h;
    int depth, color_type, interlace;
    png_get_IHDR(png, info, &w, &h, &depth, &color_type, &interlace, NULL, NULL);
    int nat = native_channels(png, info, color_type);
    int oc = req->unchanged ? nat : req->channels;
    int o16 = depth == 16 && (req->unchanged || req->keep_depth);
    int rc = seg__check_decode_size("png", w, h, oc, o16 ? 2 : 1, req->max_pixels);
    if (rc)
        return rc;

    /* OpenCV 4.6 PngDecoder::readData, in its order. */
    if (!o16 && depth == 16)
        png_set_strip_16(png);
    else if (is_little_endian())
        png_set_swap(png);
    if (oc < 4)
        png_set_strip_alpha(png);
    else
        png_set_tRNS_to_alpha(png);
    if (color_type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (!(color_type & PNG_COLOR_MASK_COLOR) && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if ((color_type & PNG_COLOR_MASK_COLOR) && oc > 1) {
        if (req->order == SEG_ORDER_BGR)
            png_set_bgr(png);
    } else if (oc > 1) {
        png_set_gray_to_rgb(png);
    } else {
        png_set_rgb_to_gray(png, PNG_ERROR_ACTION_NONE, 0.299, 0.587);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    size_t row = (size_t)w * (size_t)oc * (o16 ? 2u : 1u);
    if (png_get_rowbytes(png, info) != row || png_get_channels(png, info) != oc) {
        c->status = SEG_EINTERNAL;
        png_error(png, "unexpected row layout after transformations");
    }
    rc = seg__io_image_alloc(&c->img, (int)w, (int)h, oc, o16 ? SEG_U16 : SEG_U8, "png");
    if (rc)
        return rc;
    c->rows = seg__malloc(sizeof(png_bytep) * h);
    if (!c->rows)
        return seg__fail(SEG_ENOMEM, "png: out of memory for %u row pointers", (unsigned)h);
    for (png_uint_32 y = 0; y < h; y++)
        c->rows[y] = seg__row(&c->img, (int)y);
    png_read_image(png, c->rows);
    png_read_end(png, NULL);
    if (c->bad_tail)
        return seg__fail(SEG_EFORMAT, "png: %s (corrupt or decompression bomb)", c->warn);
    return SEG_OK;
}

/* Largest palette index in the image, by a first pass over the raw indices. libpng
 * maps an index beyond the palette to black without complaint once it expands the
 * palette, and that is a corrupt file. Runs only for palette images whose palette has
 * fewer entries than the bit depth can address. */
static int png_palette_scan(png_ctx *c, png_structp png, png_infop info,
                            const seg__decode_req *req, int *max_index, int *entries)
{
    if (setjmp(png_jmpbuf(png)))
        return c->status;
    png_limits(png, req);
    png_set_read_fn(png, c, png_read_mem);
    png_read_info(png, info);
    png_uint_32 w, h;
    int depth, color_type;
    png_get_IHDR(png, info, &w, &h, &depth, &color_type, NULL, NULL, NULL);
    png_colorp pal;
    *entries = 0;
    *max_index = -1;
    if (color_type != PNG_COLOR_TYPE_PALETTE || !png_get_PLTE(png, info, &pal, entries) ||
        *entries >= (1 << depth))
        return SEG_OK;
    int rc = seg__check_decode_size("png", w, h, 1, 1, req->max_pixels);
    if (rc)
        return rc;
    png_set_packing(png); /* one index per byte */
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    c->rows = seg__malloc(w); /* one row, reused: only the maximum matters */
    if (!c->rows)
        return seg__fail(SEG_ENOMEM, "png: out of memory for a row of %u pixels", (unsigned)w);
    uint8_t *row = (uint8_t *)c->rows;
    int mx = 0;
    for (int p = 0; p < passes; p++) {
        for (png_uint_32 y = 0; y < h; y++) {
            memset(row, 0, w); /* interlaced passes fill only some pixels */
            png_read_row(png, row, NULL);
            for (png_uint_32 x = 0; x < w; x++)
                mx = row[x] > mx ? row[x] : mx;
        }
    }
    *max_index = mx;
    return SEG_OK;
}

int seg__png_decode(const uint8_t *data, size_t size, const seg__decode_req *req, seg_image *out)
{
    /* IHDR must be the first chunk: its colour type is byte 25 of the file. */
    int palette = size > 25 && data[25] == PNG_COLOR_TYPE_PALETTE;
    for (int pass = palette ? 0 : 1; pass < 2; pass++) {
        png_ctx c;
        memset(&c, 0, sizeof c);
        c.data = data;
        c.size = size;
        c.status = SEG_EFORMAT;
        png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &c, png_err, png_warn);
        png_infop info = png ? png_create_info_struct(png) : NULL;
        int rc, max_index = -1, entries = 0;
        if (!info) {
            rc = seg__fail(SEG_ENOMEM, "png: cannot create the libpng decoder");
        } else {
            rc = pass == 0 ? png_palette_scan(&c, png, info, req, &max_index, &entries)
                           : png_decode_run(&c, png, info, req);
            if (rc && c.msg[0])
                rc = seg__fail(rc, "png: %s", c.msg);
        }
        png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
        seg__free(c.rows);
        if (!rc && max_index >= entries && entries > 0)
            rc = seg__fail(SEG_EFORMAT, "png: palette index %d exceeds the %d-entry palette",
                           max_index, entries);
        if (rc) {
            seg_image_free(&c.img);
            return rc;
        }
        if (pass == 1)
            *out = c.img;
    }
    return SEG_OK;
}

static int png_encode_run(png_ctx *c, png_structp png, png_infop info, const seg_image *img,
                          const seg_write_options *o)
{
    if (setjmp(png_jmpbuf(png)))
        return c->status;
    png_set_write_fn(png, c, png_write_mem, png_flush_mem);
    /* cv2 4.6 PngEncoder: without IMWRITE_PNG_COMPRESSION it tunes for speed (SUB
     * filter, level 1) with the RLE strategy; with it, that level and the default
     * strategy and filters. */
    if (o->png_compression < 0) {
        png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
        png_set_compression_level(png, 1);
        png_set_compression_strategy(png, 3 /* Z_RLE */);
    } else {
        png_set_compression_level(png, o->png_compression);
        png_set_compression_strategy(png, 0 /* Z_DEFAULT_STRATEGY */);
    }
    int ch = img->channels, color;
    if (o->palette)
        color = PNG_COLOR_TYPE_PALETTE;
    else
        color = ch == 1   ? PNG_COLOR_TYPE_GRAY
                : ch == 2 ? PNG_COLOR_TYPE_GRAY_ALPHA
                : ch == 3 ? PNG_COLOR_TYPE_RGB
                          : PNG_COLOR_TYPE_RGB_ALPHA;
    png_set_IHDR(png, info, (png_uint_32)img->width, (png_uint_32)img->height,
                 img->type == SEG_U16 ? 16 : 8, color, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (o->palette) {
        png_color pal[256];
        for (int i = 0; i < o->palette_size; i++) {
            pal[i].red = o->palette[3 * i];
            pal[i].green = o->palette[3 * i + 1];
            pal[i].blue = o->palette[3 * i + 2];
        }
        png_set_PLTE(png, info, pal, o->palette_size);
    }
    png_write_info(png, info);
    if (ch >= 3 && o->order == SEG_ORDER_BGR)
        png_set_bgr(png);
    if (img->type == SEG_U16 && is_little_endian())
        png_set_swap(png);
    for (int y = 0; y < img->height; y++)
        png_write_row(png, (png_const_bytep)seg__row(img, y));
    png_write_end(png, info);
    return SEG_OK;
}

int seg__png_encode(const seg_image *img, const seg_write_options *o, seg__buf *out)
{
    if (o->palette) {
        if (img->type != SEG_U8 || img->channels != 1)
            return seg__fail(SEG_EUNSUPPORTED,
                             "png: a palette PNG needs a 1-channel u8 label map, got %d-channel %s",
                             img->channels, seg__type_name(img->type));
        for (int y = 0; y < img->height; y++) {
            const uint8_t *r = seg__row(img, y);
            for (int x = 0; x < img->width; x++)
                if (r[x] >= o->palette_size)
                    return seg__fail(SEG_EINVAL,
                                     "png: label %d at (%d, %d) has no entry in the %d-colour "
                                     "palette",
                                     r[x], x, y, o->palette_size);
        }
    }
    png_ctx c;
    memset(&c, 0, sizeof c);
    c.out = out;
    c.status = SEG_EINTERNAL;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &c, png_err, png_warn);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    int rc;
    if (!info) {
        rc = seg__fail(SEG_ENOMEM, "png: cannot create the libpng encoder");
    } else {
        rc = png_encode_run(&c, png, info, img, o);
        if (rc && c.msg[0])
            rc = seg__fail(rc, "png: %s", c.msg);
    }
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    return rc;
}
