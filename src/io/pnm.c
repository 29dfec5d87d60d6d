/* PGM/PPM (P2, P3, P5, P6), a strict hand-written reader and a binary writer.
 *
 * Pixel values follow OpenCV 4.6's PxMDecoder for every valid file: samples of files
 * with maxval > 255 are 16-bit and kept as they are (no rescaling to 65535); reading
 * them as 8-bit keeps the high byte (v >> 8); plain (ASCII) 8-bit samples are rescaled
 * v * 255 / maxval, raw ones are not; colour to gray uses cv2's fixed-point weights.
 * Stricter than cv2 on purpose: a sample above maxval, a missing sample or a header
 * field out of range is an error (cv2 clamps or reads garbage). PBM (P1/P4) is not
 * supported. */
#include "imio.h"

#include <stdio.h>
#include <string.h>

typedef struct cursor {
    const uint8_t *p;
    size_t n, pos;
} cursor;

static int is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Skip whitespace and '#' comments (to the end of the line). */
static void skip_space(cursor *c)
{
    while (c->pos < c->n) {
        int ch = c->p[c->pos];
        if (is_ws(ch)) {
            c->pos++;
        } else if (ch == '#') {
            while (c->pos < c->n && c->p[c->pos] != '\n' && c->p[c->pos] != '\r')
                c->pos++;
        } else {
            break;
        }
    }
}

static void describe(const cursor *c, char *buf, size_t len)
{
    if (c->pos >= c->n)
        snprintf(buf, len, "the end of the file");
    else if (c->p[c->pos] >= 0x20 && c->p[c->pos] < 0x7f)
        snprintf(buf, len, "'%c'", c->p[c->pos]);
    else
        snprintf(buf, len, "byte 0x%02x", c->p[c->pos]);
}

/* A decimal number after optional whitespace/comments, followed by whitespace, '#' or
 * the end of the data. Values above `max` fail with *v set to the (capped) value. */
static int read_number(cursor *c, uint64_t max, uint64_t *v, const char *what)
{
    skip_space(c);
    if (c->pos >= c->n || c->p[c->pos] < '0' || c->p[c->pos] > '9') {
        char found[32];
        describe(c, found, sizeof found);
        return seg__fail(SEG_EFORMAT, "pnm: expected the %s, found %s", what, found);
    }
    size_t start = c->pos;
    uint64_t x = 0;
    while (c->pos < c->n && c->p[c->pos] >= '0' && c->p[c->pos] <= '9') {
        if (x <= max)
            x = x * 10 + (uint64_t)(c->p[c->pos] - '0');
        c->pos++;
    }
    *v = x;
    if (x > max) {
        int len = (int)SEG_MIN(c->pos - start, (size_t)24);
        return seg__fail(SEG_EFORMAT, "pnm: %s %.*s%s is out of range (at most %llu)", what, len,
                         (const char *)c->p + start, c->pos - start > 24 ? "..." : "",
                         (unsigned long long)max);
    }
    if (c->pos < c->n && !is_ws(c->p[c->pos]) && c->p[c->pos] != '#') {
        char found[32];
        describe(c, found, sizeof found);
        return seg__fail(SEG_EFORMAT, "pnm: %s is followed by %s, not whitespace", what, found);
    }
    return SEG_OK;
}

typedef struct pnm_header {
    int binary, nch;
    uint64_t w, h, maxval;
} pnm_header;

static int parse_header(cursor *c, pnm_header *hd)
{
    if (c->n < 2 || c->p[0] != 'P')
        return seg__fail(SEG_EFORMAT, "pnm: not a PGM/PPM file (bad magic)");
    switch (c->p[1]) {
    case '2': hd->binary = 0; hd->nch = 1; break;
    case '3': hd->binary = 0; hd->nch = 3; break;
    case '5': hd->binary = 1; hd->nch = 1; break;
    case '6': hd->binary = 1; hd->nch = 3; break;
    case '1':
    case '4':
        return seg__fail(SEG_EUNSUPPORTED, "pnm: PBM bitmaps (P%c) are not supported", c->p[1]);
    default:
        return seg__fail(SEG_EFORMAT, "pnm: unknown magic 'P%c'", c->p[1]);
    }
    c->pos = 2;
    if (c->pos >= c->n || !is_ws(c->p[c->pos]))
        return seg__fail(SEG_EFORMAT, "pnm: the magic P%c is not followed by whitespace",
                         c->p[1]);
    int rc;
    if ((rc = read_number(c, 0x7fffffff, &hd->w, "width")) ||
        (rc = read_number(c, 0x7fffffff, &hd->h, "height")))
        return rc;
    rc = read_number(c, 65535, &hd->maxval, "maxval");
    if (rc)
        return rc;
    if (hd->maxval == 0)
        return seg__fail(SEG_EFORMAT, "pnm: maxval 0 is out of range (1..65535)");
    if (hd->binary) {
        /* Exactly one whitespace byte separates maxval from the raster. */
        if (c->pos >= c->n)
            return seg__fail(SEG_EFORMAT, "pnm: truncated: no pixel data after the header");
        if (c->p[c->pos] == '#')
            return seg__fail(SEG_EFORMAT, "pnm: a comment between maxval and the raster");
        c->pos++;
    }
    return SEG_OK;
}

/* One source row (w * nch samples, as read) into one destination row. */
static void convert_row(const uint16_t *s, void *drow, uint64_t w, int nch, int src16, int o16,
                        int oc, seg_order order)
{
    uint8_t *d8 = drow;
    uint16_t *d16 = drow;
    for (uint64_t x = 0; x < w; x++, s += nch) {
        unsigned v[3];
        for (int k = 0; k < nch; k++)
            v[k] = (!o16 && src16) ? (unsigned)s[k] >> 8 : s[k];
        if (nch == 1) {
            for (int k = 0; k < oc; k++) {
                if (o16)
                    d16[x * oc + k] = (uint16_t)v[0];
                else
                    d8[x * oc + k] = (uint8_t)v[0];
            }
        } else if (oc == 1) { /* source is R, G, B */
            unsigned g = seg__gray_fixed(v[2], v[1], v[0]);
            if (o16)
                d16[x] = (uint16_t)g;
            else
                d8[x] = (uint8_t)g;
        } else {
            unsigned a = order == SEG_ORDER_BGR ? v[2] : v[0], b = v[1],
                     cc = order == SEG_ORDER_BGR ? v[0] : v[2];
            if (o16) {
                d16[3 * x] = (uint16_t)a;
                d16[3 * x + 1] = (uint16_t)b;
                d16[3 * x + 2] = (uint16_t)cc;
            } else {
                d8[3 * x] = (uint8_t)a;
                d8[3 * x + 1] = (uint8_t)b;
                d8[3 * x + 2] = (uint8_t)cc;
            }
        }
    }
}

int seg__pnm_decode(const uint8_t *data, size_t size, const seg__decode_req *req, seg_image *out)
{
    cursor c = {data, size, 0};
    pnm_header hd;
    int rc = parse_header(&c, &hd);
    if (rc)
        return rc;
    int src16 = hd.maxval > 255;
    int o16 = src16 && (req->unchanged || req->keep_depth);
    int oc = req->unchanged ? hd.nch : req->channels;
    rc = seg__check_decode_size("pnm", hd.w, hd.h, oc, o16 ? 2 : 1, req->max_pixels);
    if (rc)
        return rc;
    size_t nsamp = (size_t)hd.w * (size_t)hd.nch; /* fits: checked above */
    size_t sbytes = src16 ? 2 : 1;
    if (hd.binary) {
        /* Check the raster is all there before allocating for it. */
        size_t need = nsamp * sbytes, left = size - c.pos;
        if (need > left / hd.h || (need * hd.h > left))
            return seg__fail(SEG_EFORMAT,
                             "pnm: truncated pixel data: %llux%llu needs %llu bytes, %zu present",
                             (unsigned long long)hd.w, (unsigned long long)hd.h,
                             (unsigned long long)hd.w * hd.h * hd.nch * sbytes, left);
    }
    seg_image img = {0};
    uint16_t *tmp = seg__malloc(nsamp * sizeof(uint16_t));
    if (!tmp)
        return seg__fail(SEG_ENOMEM, "pnm: out of memory for a row of %zu samples", nsamp);
    rc = seg__io_image_alloc(&img, (int)hd.w, (int)hd.h, oc, o16 ? SEG_U16 : SEG_U8, "pnm");
    if (rc)
        goto done;
    for (uint64_t y = 0; y < hd.h; y++) {
        for (size_t i = 0; i < nsamp; i++) {
            uint64_t v;
            if (hd.binary) {
                const uint8_t *p = data + c.pos;
                v = src16 ? (uint64_t)p[0] << 8 | p[1] : p[0];
                c.pos += sbytes;
            } else {
                skip_space(&c);
                if (c.pos >= c.n) {
                    rc = seg__fail(SEG_EFORMAT,
                                   "pnm: truncated: the data ends at sample %llu of %llu",
                                   (unsigned long long)(y * nsamp + i),
                                   (unsigned long long)(hd.h * nsamp));
                    goto done;
                }
                rc = read_number(&c, 65535, &v, "sample");
                if (rc && v <= 65535)
                    goto done; /* not a number; larger ones are reported against maxval */
            }
            if (v > hd.maxval) {
                rc = seg__fail(SEG_EFORMAT, "pnm: sample %llu at pixel (%llu, %llu) exceeds maxval %llu",
                               (unsigned long long)v, (unsigned long long)(i / hd.nch),
                               (unsigned long long)y, (unsigned long long)hd.maxval);
                goto done;
            }
            if (!hd.binary && !src16)
                v = v * 255 / hd.maxval; /* cv2 rescales plain 8-bit samples only */
            tmp[i] = (uint16_t)v;
        }
        convert_row(tmp, seg__row(&img, (int)y), hd.w, hd.nch, src16, o16, oc, req->order);
    }
    rc = SEG_OK;
    seg__clear_error();
done:
    seg__free(tmp);
    if (rc) {
        seg_image_free(&img);
        return rc;
    }
    *out = img;
    return SEG_OK;
}

int seg__pnm_encode(const seg_image *img, const seg_write_options *o, seg__buf *out)
{
    char head[64];
    int n16 = img->type == SEG_U16, ch = img->channels;
    int len = snprintf(head, sizeof head, "P%c\n%d %d\n%d\n", ch == 1 ? '5' : '6', img->width,
                       img->height, n16 ? 65535 : 255);
    if (seg__buf_put(out, head, (size_t)len))
        return seg__fail(SEG_ENOMEM, "pnm: out of memory for the encoded file");
    size_t row = (size_t)img->width * ch * (n16 ? 2 : 1);
    uint8_t *tmp = seg__malloc(row);
    if (!tmp)
        return seg__fail(SEG_ENOMEM, "pnm: out of memory for a row of %zu bytes", row);
    int swap = ch == 3 && o->order == SEG_ORDER_BGR;
    for (int y = 0; y < img->height; y++) {
        const uint8_t *s8 = seg__row(img, y);
        const uint16_t *s16 = seg__row(img, y);
        for (int x = 0; x < img->width; x++) {
            for (int k = 0; k < ch; k++) {
                int sk = swap ? 2 - k : k;
                size_t i = (size_t)x * ch + (size_t)k;
                if (n16) {
                    unsigned v = s16[(size_t)x * ch + sk];
                    tmp[2 * i] = (uint8_t)(v >> 8);
                    tmp[2 * i + 1] = (uint8_t)v;
                } else {
                    tmp[i] = s8[(size_t)x * ch + sk];
                }
            }
        }
        if (seg__buf_put(out, tmp, row)) {
            seg__free(tmp);
            return seg__fail(SEG_ENOMEM, "pnm: out of memory for the encoded file");
        }
    }
    seg__free(tmp);
    return SEG_OK;
}
