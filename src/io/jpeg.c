/* JPEG through the TurboJPEG API of libjpeg-turbo, the library cv2 links (libjpeg62-turbo
 * on Debian 12): same ISLOW inverse DCT and fancy upsampling, so decoded pixels are
 * identical to cv2.imread's. One difference on purpose: any libjpeg warning (a truncated
 * file, corrupt entropy data) is an error here (TJFLAG_STOPONWARNING), where cv2 returns
 * a partly grey image. */
#include "imio.h"

#include <string.h>
#include <turbojpeg.h>

/* cv2's icvCvt_CMYK2BGR_8u_C4C3R for Adobe-style (inverted) CMYK as libjpeg returns it. */
static void cmyk_row(const uint8_t *s, uint8_t *d, int w, int oc, seg_order order)
{
    for (int x = 0; x < w; x++, s += 4) {
        int k = s[3];
        int c = k - ((255 - s[0]) * k >> 8);
        int m = k - ((255 - s[1]) * k >> 8);
        int y = k - ((255 - s[2]) * k >> 8);
        if (oc == 1) {
            d[x] = (uint8_t)seg__gray_fixed((unsigned)y, (unsigned)m, (unsigned)c);
        } else {
            uint8_t *p = d + 3 * x;
            p[0] = (uint8_t)(order == SEG_ORDER_BGR ? y : c);
            p[1] = (uint8_t)m;
            p[2] = (uint8_t)(order == SEG_ORDER_BGR ? c : y);
        }
    }
}

int seg__jpeg_is_colour(const uint8_t *data, size_t size)
{
    tjhandle tj = tjInitDecompress();
    int w, h, subsamp, cs = TJCS_GRAY;
    if (tj && tjDecompressHeader3(tj, data, (unsigned long)size, &w, &h, &subsamp, &cs) != 0)
        cs = TJCS_GRAY; /* the decode proper reports the error */
    if (tj)
        tjDestroy(tj);
    return cs != TJCS_GRAY;
}

int seg__jpeg_decode(const uint8_t *data, size_t size, const seg__decode_req *req,
                     seg_image *out)
{
    tjhandle tj = tjInitDecompress();
    if (!tj)
        return seg__fail(SEG_ENOMEM, "jpeg: cannot create the decoder");
    int rc = SEG_OK, w = 0, h = 0, subsamp = 0, cs = 0;
    uint8_t *cmyk = NULL;
    seg_image img = {0};
    if (tjDecompressHeader3(tj, data, (unsigned long)size, &w, &h, &subsamp, &cs) != 0) {
        rc = seg__fail(SEG_EFORMAT, "jpeg: %s", tjGetErrorStr2(tj));
        goto done;
    }
    if (w <= 0 || h <= 0) {
        rc = seg__fail(SEG_EFORMAT, "jpeg: no frame header with the image size (truncated or "
                                    "not an image)");
        goto done;
    }
    int native = cs == TJCS_GRAY ? 1 : 3;
    int oc = req->unchanged ? native : req->channels;
    rc = seg__check_decode_size("jpeg", (uint64_t)w, (uint64_t)h, cs == TJCS_CMYK || cs == TJCS_YCCK ? 4 : oc, 1,
                                req->max_pixels);
    if (rc)
        goto done;
    rc = seg__io_image_alloc(&img, w, h, oc, SEG_U8, "jpeg");
    if (rc)
        goto done;
    /* ISLOW DCT (TurboJPEG's default on decode, cv2's too), fancy upsampling, at most
     * 500 progressive scans (a scan bomb otherwise takes minutes), warnings fatal. */
    const int flags = TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS;
    int fail;
    if (cs == TJCS_CMYK || cs == TJCS_YCCK) {
        cmyk = seg__malloc((size_t)w * (size_t)h * 4);
        if (!cmyk) {
            rc = seg__fail(SEG_ENOMEM, "jpeg: out of memory for a %dx%d CMYK image", w, h);
            goto done;
        }
        fail = tjDecompress2(tj, data, (unsigned long)size, cmyk, w, w * 4, h, TJPF_CMYK, flags);
        if (!fail)
            for (int y = 0; y < h; y++)
                cmyk_row(cmyk + (size_t)y * w * 4, seg__row(&img, y), w, oc, req->order);
    } else {
        int pf = oc == 1 ? TJPF_GRAY : req->order == SEG_ORDER_BGR ? TJPF_BGR : TJPF_RGB;
        fail = tjDecompress2(tj, data, (unsigned long)size, img.data, w, (int)img.stride, h, pf,
                             flags);
    }
    if (fail)
        rc = seg__fail(SEG_EFORMAT, "jpeg: %s", tjGetErrorStr2(tj));
done:
    seg__free(cmyk);
    tjDestroy(tj);
    if (rc) {
        seg_image_free(&img);
        return rc;
    }
    *out = img;
    return SEG_OK;
}

int seg__jpeg_encode(const seg_image *img, const seg_write_options *o, seg__buf *out)
{
    if (img->width > 65500 || img->height > 65500)
        return seg__fail(SEG_EUNSUPPORTED, "jpeg: %dx%d is larger than JPEG allows (65500)",
                         img->width, img->height);
    if (img->stride > (size_t)0x7fffffff)
        return seg__fail(SEG_EUNSUPPORTED, "jpeg: row stride %zu is too large", img->stride);
    tjhandle tj = tjInitCompress();
    if (!tj)
        return seg__fail(SEG_ENOMEM, "jpeg: cannot create the encoder");
    unsigned char *buf = NULL;
    unsigned long n = 0;
    int gray = img->channels == 1;
    int pf = gray ? TJPF_GRAY : o->order == SEG_ORDER_BGR ? TJPF_BGR : TJPF_RGB;
    /* What cv2 4.6's JpegEncoder gets from libjpeg's defaults: 4:2:0 for colour, ISLOW
     * forward DCT (TurboJPEG picks the fast one below quality 96 unless told), no
     * optimized Huffman tables, baseline. */
    int rc = SEG_OK;
    if (tjCompress2(tj, img->data, img->width, (int)img->stride, img->height, pf, &buf, &n,
                    gray ? TJSAMP_GRAY : TJSAMP_420, o->jpeg_quality, TJFLAG_ACCURATEDCT) != 0)
        rc = seg__fail(SEG_EINTERNAL, "jpeg: %s", tjGetErrorStr2(tj));
    else if (seg__buf_put(out, buf, n))
        rc = seg__fail(SEG_ENOMEM, "jpeg: out of memory for the encoded file");
    tjFree(buf);
    tjDestroy(tj);
    return rc;
}
