/* EXIF orientation, as cv2.imread/imdecode (OpenCV 4.6) apply it: for JPEG (APP1
 * "Exif") and PNG (eXIf chunk) files read in any mode but IMREAD_UNCHANGED, unless
 * IMREAD_IGNORE_ORIENTATION is set, the Orientation tag (0x0112) of IFD0 rotates or
 * flips the decoded image. A missing, unreadable or out-of-range tag means no change. */
#include "imio.h"

#include <string.h>

static unsigned rd16(const uint8_t *p, int le)
{
    return le ? (unsigned)p[0] | (unsigned)p[1] << 8 : (unsigned)p[0] << 8 | p[1];
}

static uint32_t rd32(const uint8_t *p, int le)
{
    return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                    (uint32_t)p[3] << 24
              : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Orientation 1..8 from a TIFF structure, or 1 when absent or malformed. */
static int tiff_orientation(const uint8_t *t, size_t n)
{
    if (n >= 6 && memcmp(t, "Exif\0\0", 6) == 0) {
        t += 6;
        n -= 6;
    }
    if (n < 8)
        return 1;
    int le;
    if (t[0] == 'I' && t[1] == 'I')
        le = 1;
    else if (t[0] == 'M' && t[1] == 'M')
        le = 0;
    else
        return 1;
    if (rd16(t + 2, le) != 42)
        return 1;
    uint32_t ifd = rd32(t + 4, le);
    if (ifd > n - 2)
        return 1;
    unsigned count = rd16(t + ifd, le);
    for (unsigned i = 0; i < count; i++) {
        size_t e = (size_t)ifd + 2 + (size_t)i * 12;
        if (e + 12 > n)
            return 1;
        if (rd16(t + e, le) == 0x0112) {
            unsigned v = rd16(t + e + 8, le);
            return v >= 1 && v <= 8 ? (int)v : 1;
        }
    }
    return 1;
}

int seg__jpeg_orientation(const uint8_t *d, size_t n)
{
    size_t pos = 2; /* after SOI */
    while (pos + 4 <= n) {
        if (d[pos] != 0xff)
            return 1;
        unsigned marker = d[pos + 1];
        if (marker == 0xff) { /* fill byte */
            pos++;
            continue;
        }
        if (marker == 0xda || marker == 0xd9) /* start of scan / end: no EXIF before */
            return 1;
        if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
            pos += 2;
            continue;
        }
        size_t len = (size_t)d[pos + 2] << 8 | d[pos + 3];
        if (len < 2 || len > n - pos - 2)
            return 1;
        if (marker == 0xe1 && len >= 8 && memcmp(d + pos + 4, "Exif\0\0", 6) == 0)
            return tiff_orientation(d + pos + 4, len - 2);
        pos += 2 + len;
    }
    return 1;
}

int seg__png_orientation(const uint8_t *d, size_t n)
{
    size_t pos = 8;
    while (pos + 12 <= n) {
        uint32_t len = rd32(d + pos, 0);
        if (len > n - pos - 12)
            return 1;
        if (memcmp(d + pos + 4, "eXIf", 4) == 0)
            return tiff_orientation(d + pos + 8, len);
        if (memcmp(d + pos + 4, "IEND", 4) == 0)
            return 1;
        pos += 12 + (size_t)len;
    }
    return 1;
}

/* Where output pixel (x, y) of a w x h (output size) image comes from in the source
 * (sw x sh), for cv2's ApplyExifOrientation: 2 flip x, 3 flip both, 4 flip y,
 * 5 transpose, 6 transpose + flip x, 7 transpose + flip both, 8 transpose + flip y. */
static void source_of(int o, int x, int y, int w, int h, int *sx, int *sy)
{
    if (o >= 5) { /* after the transpose, the output is flipped */
        int fx = (o == 6 || o == 7) ? w - 1 - x : x;
        int fy = (o == 7 || o == 8) ? h - 1 - y : y;
        *sx = fy;
        *sy = fx;
    } else {
        *sx = (o == 2 || o == 3) ? w - 1 - x : x;
        *sy = (o == 3 || o == 4) ? h - 1 - y : y;
    }
}

int seg__apply_orientation(seg_image *img, int orientation)
{
    if (orientation <= 1 || orientation > 8)
        return SEG_OK;
    int w = orientation >= 5 ? img->height : img->width;
    int h = orientation >= 5 ? img->width : img->height;
    seg_image out;
    int rc = seg__io_image_alloc(&out, w, h, img->channels, img->type, "exif orientation");
    if (rc)
        return rc;
    size_t px = (size_t)img->channels * seg_type_size(img->type);
    for (int y = 0; y < h; y++) {
        uint8_t *d = seg__row(&out, y);
        for (int x = 0; x < w; x++) {
            int sx, sy;
            source_of(orientation, x, y, w, h, &sx, &sy);
            memcpy(d + (size_t)x * px, (const uint8_t *)seg__row(img, sy) + (size_t)sx * px, px);
        }
    }
    seg_image_free(img);
    *img = out;
    return SEG_OK;
}
