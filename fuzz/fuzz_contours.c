/* libFuzzer target: the contour finder, the labeller and the contour drawing on small
 * masks built from the input bytes (byte 0: width-1, byte 1: height-1, byte 2: options,
 * then one bit per pixel, repeated if the input is short). */
#include <segkit.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    int w = 1 + data[0] % 96, h = 1 + data[1] % 96;
    unsigned opt = data[2];
    const uint8_t *bits = data + 3;
    size_t nbits = (size - 3) * 8;
    uint8_t *m = malloc((size_t)w * h);
    if (!m)
        return 0;
    for (int i = 0; i < w * h; i++)
        m[i] = (bits[(i % nbits) / 8] >> (i % 8)) & 1 ? (uint8_t)(opt | 1) : 0;
    seg_image img;
    seg_image_wrap(&img, m, w, h, 0, 1, SEG_U8);
    seg_set_num_threads(1 + (opt & 3));

    for (int mode = 0; mode < 4; mode++) {
        seg_contours *c = NULL;
        int method = 1 + ((opt >> 2) & 1);
        if (seg_find_contours(&img, mode, method, &c) != SEG_OK)
            abort(); /* valid input must never fail */
        seg_image canvas = {0};
        seg_image_alloc(&canvas, w + 3, h + 2, 3, SEG_U8);
        const double color[4] = {1, 2, 3, 0};
        int th = (opt & 16) ? -1 : 1 + ((opt >> 5) & 3);
        if (seg_draw_contours(&canvas, c->points, c->offsets, c->count, -1, color, th, 8,
                              c->hierarchy, (int)(opt >> 6) - 1, (int)(opt & 3) - 1, 0) != SEG_OK)
            abort();
        for (int i = 0; i < c->count; i++) {
            const int32_t *p = c->points + 2 * c->offsets[i];
            int n = (int)(c->offsets[i + 1] - c->offsets[i]);
            int32_t *out = malloc((size_t)n * 2 * sizeof(int32_t));
            int nout;
            double v;
            seg_moments mo;
            seg_approx_poly_dp(p, n, (double)(opt % 7) * 0.5, opt & 1, out, &nout);
            seg_contour_area(p, n, 1, &v);
            seg_arc_length(p, n, 1, &v);
            seg_moments_polygon(p, n, &mo);
            seg_point_polygon_test(p, n, w / 2.0, h / 2.0, opt & 2, &v);
            free(out);
        }
        seg_image_free(&canvas);
        seg_contours_free(c);
    }
    for (int conn = 4; conn <= 8; conn += 4) {
        seg_image lab = {0};
        seg_components *s = NULL;
        int n = seg_connected_components(&img, conn, opt & 1, &lab, &s);
        if (n < 1 || !s)
            abort();
        if (seg_components_filter_area(&lab, s, opt % 5, (opt & 8) ? -1 : 6) < 1)
            abort();
        seg_components_free(s);
        seg_image_free(&lab);
    }
    seg_set_num_threads(0);
    free(m);
    return 0;
}
