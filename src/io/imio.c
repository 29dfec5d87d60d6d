/* Image file front end: format sniffing, cv2-style read modes, extension dispatch on
 * write, and atomic writes (temporary file in the target's folder, fsync, rename). */
#include "imio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* cv2 read-mode bits beyond the four named in io.h. */
#define IMREAD_ANYCOLOR 4
#define IMREAD_LOAD_GDAL 8
#define IMREAD_REDUCED_MASK (16 | 32 | 64)
#define IMREAD_IGNORE_ORIENTATION 128

seg_read_options seg_read_options_default(void)
{
    seg_read_options o = {SEG_IMREAD_UNCHANGED, SEG_ORDER_BGR, SEG_DEFAULT_MAX_PIXELS};
    return o;
}

seg_write_options seg_write_options_default(void)
{
    seg_write_options o = {SEG_ORDER_BGR, 95, -1, NULL, 0};
    return o;
}

void seg_free(void *p)
{
    free(p);
}

int seg__buf_put(seg__buf *b, const void *p, size_t n)
{
    if (n > b->cap - b->size) {
        size_t want;
        if (!seg__add(b->size, n, &want))
            return SEG_ENOMEM;
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < want)
            if (!seg__mul(cap, 2, &cap))
                return SEG_ENOMEM;
        uint8_t *d = realloc(b->data, cap);
        if (!d)
            return SEG_ENOMEM;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->size, p, n);
    b->size += n;
    return SEG_OK;
}

void seg__buf_release(seg__buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

int seg__check_decode_size(const char *fmt, uint64_t w, uint64_t h, int channels, size_t elem,
                           uint64_t max_pixels)
{
    if (w == 0 || h == 0)
        return seg__fail(SEG_EFORMAT, "%s: invalid image size %llux%llu (zero width or height)",
                         fmt, (unsigned long long)w, (unsigned long long)h);
    if (w > 0x7fffffff || h > 0x7fffffff || w * h > max_pixels)
        return seg__fail(SEG_ELIMIT, "%s: image %llux%llu exceeds the pixel limit %llu", fmt,
                         (unsigned long long)w, (unsigned long long)h,
                         (unsigned long long)max_pixels);
    size_t total;
    if (!seg__image_bytes((int)w, (int)h, channels, elem, NULL, &total) ||
        !seg__add(total, (size_t)h * SEG_ALIGN, &total))
        return seg__fail(SEG_ELIMIT, "%s: image %llux%llux%d is too large for this machine", fmt,
                         (unsigned long long)w, (unsigned long long)h, channels);
    return SEG_OK;
}

int seg__io_image_alloc(seg_image *img, int w, int h, int c, seg_type t, const char *fmt)
{
    memset(img, 0, sizeof *img);
    size_t row, stride, total;
    if (!seg__image_bytes(w, h, c, seg_type_size(t), &row, NULL) ||
        !seg__add(row, SEG_ALIGN - 1, &stride))
        return seg__fail(SEG_EOVERFLOW, "%s: %dx%dx%d overflows", fmt, w, h, c);
    stride &= ~(size_t)(SEG_ALIGN - 1);
    if (!seg__mul(stride, (size_t)h, &total))
        return seg__fail(SEG_EOVERFLOW, "%s: %dx%dx%d overflows", fmt, w, h, c);
    img->data = seg__malloc(total);
    if (!img->data)
        return seg__fail(SEG_ENOMEM, "%s: cannot allocate %zu bytes for a %dx%d image", fmt,
                         total, w, h);
    img->width = w;
    img->height = h;
    img->stride = stride;
    img->channels = c;
    img->type = t;
    img->owned = 1;
    return SEG_OK;
}

typedef enum fmt_id { FMT_NONE, FMT_PNG, FMT_JPEG, FMT_PNM } fmt_id;

static fmt_id sniff(const uint8_t *d, size_t n)
{
    static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n >= 8 && memcmp(d, png_sig, 8) == 0)
        return FMT_PNG;
    if (n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
        return FMT_JPEG;
    if (n >= 2 && d[0] == 'P' && d[1] >= '0' && d[1] <= '9')
        return FMT_PNM;
    return FMT_NONE;
}

/* cv2's imread_ type rule: UNCHANGED keeps everything; otherwise 8-bit unless ANYDEPTH,
 * 3 channels with COLOR (or ANYCOLOR and a colour source), else 1. */
static int resolve_mode(int mode, seg__decode_req *req)
{
    memset(req, 0, sizeof *req);
    if (mode == SEG_IMREAD_UNCHANGED) {
        req->unchanged = 1;
        return SEG_OK;
    }
    if (mode < 0 || (mode & (IMREAD_LOAD_GDAL | IMREAD_REDUCED_MASK)) ||
        (mode & ~(SEG_IMREAD_COLOR | SEG_IMREAD_ANYDEPTH | IMREAD_ANYCOLOR |
                  IMREAD_IGNORE_ORIENTATION)))
        return seg__fail(SEG_EUNSUPPORTED, "unsupported read mode %d", mode);
    req->keep_depth = (mode & SEG_IMREAD_ANYDEPTH) != 0;
    req->channels = (mode & SEG_IMREAD_COLOR) ? 3 : 1;
    if ((mode & IMREAD_ANYCOLOR) && !(mode & SEG_IMREAD_COLOR))
        req->channels = 0; /* decided by the decoder below: 3 for colour sources */
    return SEG_OK;
}

static int decode(const uint8_t *data, size_t size, seg_image *out, const seg_read_options *opts)
{
    seg_read_options o = opts ? *opts : seg_read_options_default();
    seg__decode_req req;
    int rc = resolve_mode(o.mode, &req);
    if (rc)
        return rc;
    if (o.order != SEG_ORDER_BGR && o.order != SEG_ORDER_RGB)
        return seg__fail(SEG_EINVAL, "unknown channel order %d", (int)o.order);
    req.order = o.order;
    req.max_pixels = o.max_pixels ? o.max_pixels : SEG_DEFAULT_MAX_PIXELS;
    if (size == 0)
        return seg__fail(SEG_EFORMAT, "empty input (0 bytes)");
    fmt_id f = sniff(data, size);
    int (*dec)(const uint8_t *, size_t, const seg__decode_req *, seg_image *) =
        f == FMT_PNG ? seg__png_decode : f == FMT_JPEG ? seg__jpeg_decode
                                     : f == FMT_PNM    ? seg__pnm_decode
                                                       : NULL;
    if (!dec) {
        char hex[3 * 8 + 1] = "";
        for (size_t i = 0; i < size && i < 8; i++)
            snprintf(hex + 3 * i, 4, "%02x ", data[i]);
        hex[strlen(hex) ? strlen(hex) - 1 : 0] = '\0';
        return seg__fail(SEG_EFORMAT, "unknown image format (first bytes %s; PNG, JPEG, PGM/PPM "
                                      "are supported)",
                         hex);
    }
    if (req.channels == 0) {
        /* IMREAD_ANYCOLOR: 3 channels for a colour source (cv2: native channels > 1). A
         * corrupt header counts as gray here; the decode below reports it. */
        int colour = f == FMT_PNG    ? size > 25 && (data[25] & 2 || data[25] == 4)
                     : f == FMT_JPEG ? seg__jpeg_is_colour(data, size)
                                     : data[1] == '3' || data[1] == '6';
        req.channels = colour ? 3 : 1;
    }
    rc = dec(data, size, &req, out);
    if (rc || req.unchanged || (o.mode & IMREAD_IGNORE_ORIENTATION))
        return rc;
    /* cv2 4.6 turns JPEG and PNG images upright by their EXIF orientation */
    int orient = f == FMT_JPEG ? seg__jpeg_orientation(data, size)
                 : f == FMT_PNG ? seg__png_orientation(data, size)
                                : 1;
    rc = seg__apply_orientation(out, orient);
    if (rc)
        seg_image_free(out);
    return rc;
}

int seg_imdecode(const void *data, size_t size, seg_image *out, const seg_read_options *opts)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "imdecode: output is NULL");
    memset(out, 0, sizeof *out);
    if (!data && size)
        return seg__fail(SEG_EINVAL, "imdecode: NULL data");
    int rc = decode(data, size, out, opts);
    if (rc) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", seg_last_error());
        return seg__fail(rc, "imdecode: %s", msg);
    }
    return SEG_OK;
}

static int read_file(const char *path, uint8_t **data, size_t *size)
{
    *data = NULL;
    *size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return seg__fail(SEG_EIO, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return seg__fail(SEG_EIO, "cannot stat: %s", strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return seg__fail(SEG_EIO, "is a directory, not an image file");
    }
    seg__buf b = {0};
    uint8_t chunk[1 << 16];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            seg__buf_release(&b);
            return seg__fail(SEG_EIO, "read error: %s", strerror(e));
        }
        if (n == 0)
            break;
        if (seg__buf_put(&b, chunk, (size_t)n)) {
            close(fd);
            seg__buf_release(&b);
            return seg__fail(SEG_ENOMEM, "out of memory reading the file");
        }
    }
    close(fd);
    *data = b.data;
    *size = b.size;
    return SEG_OK;
}

int seg_imread(const char *path, seg_image *out, const seg_read_options *opts)
{
    seg__clear_error();
    if (!out)
        return seg__fail(SEG_EINVAL, "imread: output is NULL");
    memset(out, 0, sizeof *out);
    if (!path || !*path)
        return seg__fail(SEG_EINVAL, "imread: empty file name");
    uint8_t *data;
    size_t size;
    int rc = read_file(path, &data, &size);
    if (!rc)
        rc = decode(data, size, out, opts);
    free(data);
    if (rc) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", seg_last_error());
        return seg__fail(rc, "imread: %s: %s", path, msg);
    }
    return SEG_OK;
}

/* ---- writing ---------------------------------------------------------------------- */

static fmt_id format_of_ext(const char *ext)
{
    if (!ext)
        return FMT_NONE;
    if (*ext == '.')
        ext++;
    if (!strcasecmp(ext, "png"))
        return FMT_PNG;
    if (!strcasecmp(ext, "jpg") || !strcasecmp(ext, "jpeg") || !strcasecmp(ext, "jpe"))
        return FMT_JPEG;
    if (!strcasecmp(ext, "pgm") || !strcasecmp(ext, "ppm") || !strcasecmp(ext, "pnm"))
        return FMT_PNM;
    return FMT_NONE;
}

static int encode(const char *what, const char *ext, const seg_image *img,
                  const seg_write_options *opts, seg__buf *out)
{
    seg_write_options o = opts ? *opts : seg_write_options_default();
    fmt_id f = format_of_ext(ext);
    if (f == FMT_NONE)
        return seg__fail(SEG_EUNSUPPORTED,
                         "%s: unsupported extension '%s' (.png, .jpg/.jpeg, .pgm/.ppm/.pnm)",
                         what, ext ? ext : "");
    if (!seg_image_valid(img))
        return seg__fail(SEG_EINVAL, "%s: the image is empty or invalid", what);
    if (o.order != SEG_ORDER_BGR && o.order != SEG_ORDER_RGB)
        return seg__fail(SEG_EINVAL, "%s: unknown channel order %d", what, (int)o.order);
    if (o.jpeg_quality == 0)
        o.jpeg_quality = 95;
    if (o.jpeg_quality < 1 || o.jpeg_quality > 100)
        return seg__fail(SEG_EINVAL, "%s: JPEG quality %d is outside 1..100", what,
                         o.jpeg_quality);
    if (o.png_compression < -1 || o.png_compression > 9)
        return seg__fail(SEG_EINVAL, "%s: PNG compression %d is outside 0..9 (or -1)", what,
                         o.png_compression);
    if (o.palette && (o.palette_size < 1 || o.palette_size > 256))
        return seg__fail(SEG_EINVAL, "%s: palette size %d is outside 1..256", what,
                         o.palette_size);
    if (o.palette && f != FMT_PNG)
        return seg__fail(SEG_EUNSUPPORTED, "%s: a palette can only be written to PNG", what);
    if (!o.palette)
        o.palette_size = 0;
    const char *name = f == FMT_PNG ? "PNG" : f == FMT_JPEG ? "JPEG" : "PGM/PPM";
    int ok_type = f == FMT_JPEG ? img->type == SEG_U8
                                : img->type == SEG_U8 || img->type == SEG_U16;
    int ok_ch = f == FMT_PNG    ? 1
                : f == FMT_JPEG ? img->channels == 1 || img->channels == 3
                                : img->channels == 1 || img->channels == 3;
    if (!ok_type || !ok_ch)
        return seg__fail(SEG_EUNSUPPORTED, "%s: %s cannot store a %d-channel %s image", what,
                         name, img->channels, seg__type_name(img->type));
    int rc = f == FMT_PNG    ? seg__png_encode(img, &o, out)
             : f == FMT_JPEG ? seg__jpeg_encode(img, &o, out)
                             : seg__pnm_encode(img, &o, out);
    if (rc) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", seg_last_error());
        seg__buf_release(out);
        return seg__fail(rc, "%s: %s", what, msg);
    }
    return SEG_OK;
}

int seg_imencode(const char *ext, const seg_image *img, const seg_write_options *opts,
                 void **out, size_t *out_size)
{
    seg__clear_error();
    if (!out || !out_size)
        return seg__fail(SEG_EINVAL, "imencode: output pointer is NULL");
    *out = NULL;
    *out_size = 0;
    seg__buf b = {0};
    int rc = encode("imencode", ext, img, opts, &b);
    if (rc)
        return rc;
    *out = b.data;
    *out_size = b.size;
    return SEG_OK;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Write `data` to `path` through a temporary file in the same folder (so the rename is
 * atomic on one file system); on any failure the temporary file is removed and the
 * target is untouched. */
static int atomic_write(const char *path, const uint8_t *data, size_t size)
{
    static atomic_uint counter;
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
    const char *base = slash ? slash + 1 : path;
    if (!*base)
        return seg__fail(SEG_EINVAL, "imwrite: %s: no file name", path);
    size_t len = strlen(path) + 64;
    char *tmp = malloc(len);
    if (!tmp)
        return seg__fail(SEG_ENOMEM, "imwrite: out of memory");
    int fd = -1;
    for (int attempt = 0; attempt < 16 && fd < 0; attempt++) {
        unsigned n = atomic_fetch_add(&counter, 1u);
        snprintf(tmp, len, "%.*s.%s.%ld.%u.%lx.tmp", (int)dirlen, path, base, (long)getpid(), n,
                 (unsigned long)time(NULL) ^ (unsigned long)(uintptr_t)&n);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return seg__fail(SEG_EIO, "imwrite: %s: cannot create a file in its folder: %s", path,
                         strerror(e));
    }
    int e = 0;
    const char *step = "write";
    if (write_all(fd, data, size) != 0)
        e = errno ? errno : EIO;
    else if (step = "fsync", fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && !e) {
        e = errno;
        step = "close";
    }
    if (!e && (step = "rename", rename(tmp, path) != 0))
        e = errno;
    if (e) {
        unlink(tmp);
        free(tmp);
        return seg__fail(SEG_EIO, "imwrite: %s: %s failed: %s", path, step, strerror(e));
    }
    free(tmp);
    /* Make the rename itself durable; a failure here loses nothing already written. */
    char *dir = dirlen ? strndup(path, dirlen) : strdup(".");
    if (dir) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    return SEG_OK;
}

int seg_imwrite(const char *path, const seg_image *img, const seg_write_options *opts)
{
    seg__clear_error();
    if (!path || !*path)
        return seg__fail(SEG_EINVAL, "imwrite: empty file name");
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    char what[320];
    snprintf(what, sizeof what, "imwrite: %s", path);
    if (!dot)
        return seg__fail(SEG_EUNSUPPORTED,
                         "%s: no extension to choose the format (.png, .jpg, .pgm/.ppm)", what);
    seg__buf b = {0};
    int rc = encode(what, dot, img, opts, &b);
    if (rc)
        return rc;
    rc = atomic_write(path, b.data, b.size);
    seg__buf_release(&b);
    return rc;
}
