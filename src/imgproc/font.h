/* The bitmap font text is drawn with (generated: scripts/make_font.py). */
#ifndef SEG_IMGPROC_FONT_H
#define SEG_IMGPROC_FONT_H

#include <stdint.h>

#define SEG_FONT_W 14       /* cell width; glyphs start at column 1 */
#define SEG_FONT_H 16       /* cell height */
#define SEG_FONT_BASELINE 11 /* row of the baseline in the cell */

typedef struct seg__glyph {
    uint8_t advance;          /* pen advance in pixels */
    uint16_t rows[SEG_FONT_H]; /* bit x set: pixel (x, row) is ink */
} seg__glyph;

/* Printable ASCII, ' ' (32) to '~' (126). */
extern const seg__glyph seg__font[95];

#endif
