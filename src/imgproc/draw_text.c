/* Text from the built-in bitmap font (printable ASCII from OpenCV's FONT_HERSHEY_PLAIN,
 * see font.h), scaled by pixel replication and clipped to the image. */
#include "imgproc/draw_internal.h"
#include "imgproc/font.h"

#include <string.h>

enum { TEXT_MAX_SCALE = 16 };

static const seg__glyph *glyph_of(unsigned char ch)
{
    return &seg__font[(ch >= 32 && ch <= 126 ? ch : '?') - 32];
}

int seg_text_size(const char *text, int scale, int *width, int *height, int *baseline)
{
    seg__clear_error();
    if (!text || scale < 1 || scale > TEXT_MAX_SCALE)
        return seg__fail(SEG_EINVAL, "text_size: text is NULL or scale is not 1..%d",
                         TEXT_MAX_SCALE);
    int64_t w = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p && w <= INT32_MAX; p++)
        w += (int64_t)glyph_of(*p)->advance * scale;
    if (width)
        *width = w > INT32_MAX ? INT32_MAX : (int)w;
    if (height)
        *height = SEG_FONT_H * scale;
    if (baseline)
        *baseline = SEG_FONT_BASELINE * scale;
    return SEG_OK;
}

int seg_draw_text(seg_image *img, int x, int y, const char *text, const double color[4],
                  int scale)
{
    seg__clear_error();
    seg__canvas c;
    int rc = seg__canvas_init(&c, img, color, "draw_text");
    if (rc)
        return rc;
    if (!text || scale < 1 || scale > TEXT_MAX_SCALE)
        return seg__fail(SEG_EINVAL, "draw_text: text is NULL or scale is not 1..%d",
                         TEXT_MAX_SCALE);
    int64_t pen = x;
    for (const unsigned char *p = (const unsigned char *)text; *p && pen < c.width; p++) {
        const seg__glyph *g = glyph_of(*p);
        for (int gy = 0; gy < SEG_FONT_H; gy++) {
            uint32_t bits = g->rows[gy];
            for (int gx = 0; bits && gx < SEG_FONT_W; gx++) {
                if (!(bits >> gx & 1))
                    continue;
                int run = gx; /* a run of ink in this glyph row */
                while (run + 1 < SEG_FONT_W && (bits >> (run + 1) & 1))
                    run++;
                int64_t x0 = pen + (int64_t)gx * scale, x1 = pen + (int64_t)(run + 1) * scale - 1;
                x0 = x0 < 0 ? 0 : x0;
                x1 = x1 >= c.width ? c.width - 1 : x1;
                for (int k = 0; k < scale && x0 <= x1; k++) {
                    int64_t yy = (int64_t)y + (int64_t)gy * scale + k;
                    if (yy >= 0 && yy < c.height)
                        seg__hline(&c, c.data + (size_t)yy * c.step, (int)x0, (int)x1);
                }
                gx = run;
            }
        }
        pen += (int64_t)g->advance * scale;
    }
    return SEG_OK;
}
