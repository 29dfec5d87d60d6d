/* Contours of binary images and measures of polygons.
 *
 * seg_find_contours is identical to cv2.findContours in OpenCV 4.6 (Suzuki-Abe border
 * following, modules/imgproc/src/contours.cpp): same contours in the same order, same
 * start point, orientation and points, same hierarchy. The measures copy cv2.contourArea,
 * cv2.arcLength, cv2.boundingRect, cv2.moments, cv2.approxPolyDP and
 * cv2.pointPolygonTest. Points are (x, y) pairs of int32. */
#ifndef SEGKIT_CONTOUR_H
#define SEGKIT_CONTOUR_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Retrieval modes and approximation methods, with cv2's values. */
enum {
    SEG_RETR_EXTERNAL = 0, /* outer borders only, no hierarchy links between them */
    SEG_RETR_LIST = 1,     /* all borders, flat */
    SEG_RETR_CCOMP = 2,    /* two levels: outer borders and their holes */
    SEG_RETR_TREE = 3      /* full nesting */
};
enum {
    SEG_CHAIN_APPROX_NONE = 1,  /* every border pixel */
    SEG_CHAIN_APPROX_SIMPLE = 2 /* only the end points of horizontal, vertical, diagonal runs */
};

/* Contours found in one image, in ONE allocation (free with seg_contours_free).
 * Contour i is the points points[2*offsets[i] .. 2*offsets[i+1]) as x, y pairs;
 * hierarchy[4*i .. 4*i+3] = next sibling, previous sibling, first child, parent (-1 for
 * none), exactly as cv2's hierarchy[0][i]. */
typedef struct seg_contours {
    int count;                  /* number of contours */
    size_t total_points;        /* points in all contours */
    const int32_t *points;      /* 2 * total_points values: x0, y0, x1, y1, ... */
    const size_t *offsets;      /* count + 1 entries; offsets[0] = 0 */
    const int32_t *hierarchy;   /* 4 * count values */
} seg_contours;

/* Find the borders of the non-zero regions of an 8-bit 1-channel image, identical to
 * cv2.findContours(src, mode, method) in OpenCV 4.6: every non-zero pixel counts as 1,
 * pixels outside the image as 0; contours come in cv2's order (depth-first over the
 * hierarchy, newest sibling first).
 * src: u8, 1 channel, any size (>= 1x1); not modified.
 * out: set to NULL first; on success a new seg_contours the caller frees with
 *      seg_contours_free (count 0 when there is nothing, never NULL on success).
 * Errors: SEG_EINVAL (NULL, bad mode/method, empty image), SEG_ETYPE, SEG_ENOMEM,
 *         SEG_EOVERFLOW. */
SEG_API int seg_find_contours(const seg_image *src, int mode, int method, seg_contours **out);

/* Free what seg_find_contours returned. Accepts NULL. */
SEG_API void seg_contours_free(seg_contours *contours);

/* Measures of a polygon given as n (x, y) int32 pairs (pts[2*i], pts[2*i+1]). */

/* Area by the shoelace formula, as cv2.contourArea(pts, oriented): with oriented != 0
 * the signed value (outer borders from seg_find_contours come out negative, holes
 * positive), else its absolute value. n < 3 gives 0.
 * Errors: SEG_EINVAL (NULL with n > 0, n < 0, NULL output). */
SEG_API int seg_contour_area(const int32_t *pts, int n, int oriented, double *area);

/* Perimeter, as cv2.arcLength(pts, closed). n <= 1 gives 0. */
SEG_API int seg_arc_length(const int32_t *pts, int n, int closed, double *length);

/* Up-right bounding box of the points as cv2.boundingRect: rect = x, y, width, height;
 * n == 0 gives 0, 0, 0, 0. */
SEG_API int seg_bounding_rect(const int32_t *pts, int n, int rect[4]);

/* Moments in cv2's order and meaning (cv::Moments): m00 m10 m01 m20 m11 m02 m30 m21 m12
 * m03, mu20 mu11 mu02 mu30 mu21 mu12 mu03, nu20 nu11 nu02 nu30 nu21 nu12 nu03. */
typedef struct seg_moments {
    double m00, m10, m01, m20, m11, m02, m30, m21, m12, m03;
    double mu20, mu11, mu02, mu30, mu21, mu12, mu03;
    double nu20, nu11, nu02, nu30, nu21, nu12, nu03;
} seg_moments;

/* Moments of a polygon (Green's theorem), identical to cv2.moments(contour) for an
 * int32 point array (the same formula and summation order, so equal to the last bit). */
SEG_API int seg_moments_polygon(const int32_t *pts, int n, seg_moments *m);

/* Moments of an image (u8, u16, s32 or f32, 1 channel) as cv2.moments(img, binaryImage):
 * binary != 0 counts every non-zero pixel as 1. Sums are exact for integer images;
 * f32 images agree with cv2 within a relative 1e-12. */
SEG_API int seg_moments_image(const seg_image *src, int binary, seg_moments *m);

/* Douglas-Peucker simplification identical to cv2.approxPolyDP(pts, epsilon, closed)
 * for int32 points. out must hold n points (2*n ints); *out_n receives the count.
 * Errors: SEG_EINVAL (epsilon < 0 or not finite, NULL pointers). */
SEG_API int seg_approx_poly_dp(const int32_t *pts, int n, double epsilon, int closed,
                               int32_t *out, int *out_n);

/* Where the point (x, y) is relative to the closed polygon, as cv2.pointPolygonTest:
 * measure_dist == 0: +1 inside, -1 outside, 0 on an edge; otherwise the signed distance
 * to the nearest edge (positive inside). */
SEG_API int seg_point_polygon_test(const int32_t *pts, int n, double x, double y,
                                   int measure_dist, double *result);

#ifdef __cplusplus
}
#endif
#endif
