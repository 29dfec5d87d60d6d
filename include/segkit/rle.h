/* Run-length encoded binary masks, the COCO way.
 *
 * Every function here reproduces pycocotools' common/maskApi.c (cocoapi, version 2.0):
 * the same runs, the same compressed-counts strings byte for byte, the same polygon
 * rasterisation (x5 upsampling), the same IoU and crowd rule. Differences are listed
 * per function; they only concern inputs maskApi.c does not define (non-binary masks,
 * malformed strings, RLEs whose counts do not add up to height x width).
 *
 * An RLE covers a height x width mask read in COLUMN-MAJOR order (down the first
 * column, then the next), as COCO stores masks; counts alternate 0-runs and 1-runs,
 * starting with a (possibly empty) run of zeros. Masks are limited to height * width
 * <= UINT32_MAX pixels, maskApi.c's own limit (its counts are 32-bit). */
#ifndef SEGKIT_RLE_H
#define SEGKIT_RLE_H

#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct seg_rle {
    int height;       /* mask rows (COCO's size[0]) */
    int width;        /* mask columns (COCO's size[1]) */
    size_t m;         /* number of runs */
    uint32_t *counts; /* m run lengths; owned: release with seg_rle_free */
} seg_rle;

/* Release r's counts and reset it to empty. Accepts NULL. */
SEG_API void seg_rle_free(seg_rle *r);

/* Encode a mask: every non-zero pixel is foreground.
 * mask: 1-channel u8 image (any stride), read column by column.
 * out: set empty first; on success owns its counts (seg_rle_free).
 * Same runs as rleEncode for 0/1 masks (maskApi.c would start a new run at every change
 * of byte value; segkit treats any non-zero byte as 1).
 * Errors: SEG_EINVAL/SEG_ETYPE for a bad mask, SEG_ELIMIT when h*w > UINT32_MAX, SEG_ENOMEM. */
SEG_API int seg_rle_encode(const seg_image *mask, seg_rle *out);

/* Same, from `height * width` bytes already in column-major order (a Fortran-ordered
 * numpy array, what pycocotools.mask.encode takes). */
SEG_API int seg_rle_encode_colmajor(const uint8_t *data, int height, int width, seg_rle *out);

/* Decode into a u8 mask of 0/1 (rleDecode). dst follows the image.h output convention
 * (allocated height x width x 1 u8 when empty, else checked).
 * Errors: SEG_EFORMAT when the counts do not add up to height x width. */
SEG_API int seg_rle_decode(const seg_rle *r, seg_image *dst);

/* Decode into `height * width` bytes in column-major order (caller's buffer). */
SEG_API int seg_rle_decode_colmajor(const seg_rle *r, uint8_t *data);

/* Foreground pixel count (rleArea). */
SEG_API uint64_t seg_rle_area(const seg_rle *r);

/* Bounding box [x, y, w, h] of the foreground, all zero for an empty mask (rleToBbox,
 * including its quirk: a foreground run that wraps from one column into the next makes
 * the box span the full height). */
SEG_API void seg_rle_to_bbox(const seg_rle *r, double bbox[4]);

/* COCO's compressed counts string (rleToString): LEB128-like, 5 bits per character in
 * '0'..'o', each count after the second stored as the difference to the count two
 * before. Writes at most `cap` bytes including a terminating NUL into buf (buf may be
 * NULL when cap is 0) and sets *len to the string length without the NUL; call with
 * cap 0 to learn the length. Errors: SEG_ELIMIT when cap <= *len (nothing written). */
SEG_API int seg_rle_to_string(const seg_rle *r, char *buf, size_t cap, size_t *len);

/* Parse a compressed counts string of `len` bytes (rleFrString) for a height x width mask.
 * Stricter than maskApi.c, which accepts anything: characters outside '0'..'o', a value
 * cut short, a negative or > 32-bit count, or counts not adding up to height x width
 * give SEG_EFORMAT with the character offset. out: set empty first; owns its counts. */
SEG_API int seg_rle_from_string(const char *s, size_t len, int height, int width, seg_rle *out);

/* Build an RLE from explicit counts (COCO's "uncompressed RLE", pycocotools'
 * frPyObjects on {'size', 'counts': [...]}). The counts must add up to height x width
 * (SEG_EFORMAT otherwise). */
SEG_API int seg_rle_from_counts(const uint32_t *counts, size_t m, int height, int width,
                                seg_rle *out);

/* Rasterise a polygon of k points xy[2k] = x0,y0,x1,y1,... (rleFrPoly): the outline is
 * traced on a 5x finer grid and pixel centres are tested against the y-crossings, so the
 * result is byte-identical to pycocotools' frPyObjects(poly, h, w).
 * Errors: SEG_EINVAL for k < 1 or coordinates not finite or beyond +-1e8; SEG_ELIMIT
 * when the traced outline exceeds 2^25 points (pycocotools would trace it; such a
 * polygon lies far outside its mask). */
SEG_API int seg_rle_from_polygon(const double *xy, size_t k, int height, int width, seg_rle *out);

/* Rasterise the box [x, y, w, h] as the polygon (x,y),(x,y+h),(x+w,y+h),(x+w,y)
 * (rleFrBbox), byte-identical to pycocotools. Sides beyond the mask are first moved to
 * one pixel outside it, which leaves the runs unchanged, so any finite box works
 * quickly. Errors: SEG_EINVAL for NULL or non-finite values. */
SEG_API int seg_rle_from_bbox(const double bbox[4], int height, int width, seg_rle *out);

/* Union (intersect = 0) or intersection (intersect != 0) of n RLEs of one size
 * (rleMerge). n == 0 gives an empty 0x0 RLE. maskApi.c returns an empty RLE when the
 * sizes differ; segkit fails with SEG_ESIZE naming the item. */
SEG_API int seg_rle_merge(const seg_rle *rles, size_t n, int intersect, seg_rle *out);

/* IoU between m detections and n ground truths (rleIou): out[d * n + g] (row-major
 * m x n, i.e. pycocotools' ious[d, g]). When iscrowd[g] is non-zero the union is the
 * detection's area alone. iscrowd may be NULL (no crowds). As in maskApi.c, a pair
 * whose boxes do not overlap is 0 without looking at the runs, and a pair of different
 * mask sizes whose boxes overlap is -1. Runs in parallel over detections. */
SEG_API int seg_rle_iou(const seg_rle *dt, size_t m, const seg_rle *gt, size_t n,
                        const uint8_t *iscrowd, double *out);

/* Box IoU (bbIou) between m boxes dt[4m] and n boxes gt[4n] in [x, y, w, h] form, with
 * the same crowd rule and layout as seg_rle_iou. */
SEG_API int seg_bbox_iou(const double *dt, size_t m, const double *gt, size_t n,
                         const uint8_t *iscrowd, double *out);

/* Polygons of a mask, for export (LabelMe, COCO polygons), one allocation. */
typedef struct seg_polygons {
    int count;             /* number of polygons */
    const size_t *offsets; /* count + 1 entries: polygon i is xy[offsets[i] .. offsets[i+1]) */
    const double *xy;      /* x0, y0, x1, y1, ... */
} seg_polygons;

/* The borders of an RLE's mask as polygons, identical to
 *   [c.flatten() + offset for c in cv2.findContours(decode(rle), mode,
 *                                                    cv2.CHAIN_APPROX_SIMPLE)[0]
 *    if len(c) >= 3]
 * (OpenCV 4.6, through seg_find_contours): mode SEG_RETR_EXTERNAL (0) for outer borders
 * or SEG_RETR_CCOMP (2) / LIST (1) / TREE (3) to include holes; offset 0 keeps pixel
 * indices, 0.5 puts points on pixel centres as detectron2's mask_to_polygons does.
 * out: NULL first; free with seg_polygons_free. Errors: those of decode and contours. */
SEG_API int seg_rle_to_polygons(const seg_rle *r, int mode, double offset, seg_polygons **out);
SEG_API void seg_polygons_free(seg_polygons *p);

#ifdef __cplusplus
}
#endif
#endif
