/* cv2.watershed of OpenCV 4.6 (modules/imgproc/src/segmentation.cpp), same queue order.
 *
 * cv2 keeps 256 FIFO queues of pixels as linked lists of nodes {next, mask offset,
 * image offset} in a growing vector. A pixel enters a queue at most once (it is marked
 * IN_QUEUE), so here the list links live in one int32 array indexed by the pixel's
 * offset in the markers image, and the priorities (largest per-channel difference to
 * the right and lower neighbour) are computed up front in parallel into two byte
 * planes. The flood itself is cv2's loop, step for step: initial queue in raster order,
 * pop from the lowest non-empty queue, label from the 4 neighbours in the order left,
 * right, up, down (-1 when two labels meet), push unlabelled neighbours in that order,
 * and move the active queue down when a push goes below it. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

enum { IN_QUEUE = -2, WSHED = -1, NQ = 256 };

typedef struct diff_ctx {
    const seg_image *img;
    int w, h;
    ptrdiff_t mstep;
    uint8_t *right, *down; /* in marker offsets: diff(p, p + 1), diff(p, p + mstep) */
} diff_ctx;

static inline int cdiff(const uint8_t *a, const uint8_t *b)
{
    int d0 = abs(a[0] - b[0]), d1 = abs(a[1] - b[1]), d2 = abs(a[2] - b[2]);
    int m = d0 > d1 ? d0 : d1;
    return m > d2 ? m : d2;
}

static void diff_rows(void *vctx, int64_t y0, int64_t y1)
{
    const diff_ctx *c = vctx;
    for (int64_t y = y0; y < y1; y++) {
        const uint8_t *p = seg__row(c->img, (int)y);
        const uint8_t *q = y + 1 < c->h ? seg__row(c->img, (int)y + 1) : NULL;
        uint8_t *r = c->right + y * c->mstep, *d = c->down + y * c->mstep;
        for (int x = 0; x + 1 < c->w; x++)
            r[x] = (uint8_t)cdiff(p + 3 * x, p + 3 * x + 3);
        if (q)
            for (int x = 0; x < c->w; x++)
                d[x] = (uint8_t)cdiff(p + 3 * x, q + 3 * x);
    }
}

int seg_watershed(const seg_image *image, seg_image *markers)
{
    seg__clear_error();
    const char *who = "watershed";
    int rc = seg__check_input(image, SEG_TYPES(SEG_U8), 1u << 3, who);
    if (rc)
        return rc == SEG_ETYPE ? seg__fail(SEG_ETYPE, "watershed: the image must be 3-channel "
                                           "u8 (got %d channels of %s)", image->channels,
                                           seg__type_name(image->type))
                               : rc;
    if (!seg_image_valid(markers))
        return seg__fail(SEG_EINVAL, "watershed: markers are missing or empty");
    if (markers->type != SEG_S32 || markers->channels != 1)
        return seg__fail(SEG_ETYPE, "watershed: markers must be 1-channel s32 (got %d channels "
                         "of %s)", markers->channels, seg__type_name(markers->type));
    if (markers->width != image->width || markers->height != image->height)
        return seg__fail(SEG_ESIZE, "watershed: markers are %dx%d but the image is %dx%d",
                         markers->width, markers->height, image->width, image->height);
    if (markers->stride % sizeof(int32_t))
        return seg__fail(SEG_EINVAL, "watershed: markers stride %zu is not a multiple of 4",
                         markers->stride);
    const int w = image->width, h = image->height;
    const ptrdiff_t mstep = (ptrdiff_t)(markers->stride / sizeof(int32_t));
    size_t n;
    if (!seg__mul((size_t)h, (size_t)mstep, &n) || n > (size_t)INT32_MAX)
        return seg__fail(SEG_ELIMIT, "watershed: %dx%d markers exceed 2^31 elements", w, h);
    int32_t *mask = markers->data;

    /* the frame of dummy boundary pixels */
    for (int x = 0; x < w; x++)
        mask[x] = mask[x + mstep * (h - 1)] = WSHED;
    for (int y = 1; y < h - 1; y++)
        mask[y * mstep] = mask[y * mstep + w - 1] = WSHED;
    if (w < 3 || h < 3)
        return SEG_OK;

    int32_t *next = seg__malloc(n * sizeof(int32_t));
    uint8_t *planes = seg__malloc(2 * n);
    if (!next || !planes) {
        seg__free(next);
        seg__free(planes);
        return seg__fail(SEG_ENOMEM, "watershed: cannot allocate %zu bytes", n * 6);
    }
    diff_ctx dc = {image, w, h, mstep, planes, planes + n};
    seg__parallel_for(h, seg__grain(h, 16), diff_rows, &dc);
    const uint8_t *right = dc.right, *down = dc.down;

    int32_t head[NQ], tail[NQ];
    for (int i = 0; i < NQ; i++)
        head[i] = tail[i] = -1;
#define PUSH(b, idx)                     \
    do {                                 \
        int32_t i_ = (idx);              \
        next[i_] = -1;                   \
        if (tail[b] >= 0)                \
            next[tail[b]] = i_;          \
        else                             \
            head[b] = i_;                \
        tail[b] = i_;                    \
    } while (0)

    /* initial queue: unknown pixels next to a seed, at the smallest difference to one */
    for (int y = 1; y < h - 1; y++) {
        int32_t *row = mask + y * mstep;
        for (int x = 1; x < w - 1; x++) {
            int32_t *m = row + x;
            if (m[0] < 0)
                m[0] = 0;
            if (m[0] == 0 && (m[-1] > 0 || m[1] > 0 || m[-mstep] > 0 || m[mstep] > 0)) {
                int32_t o = (int32_t)(y * mstep + x);
                int idx = 256, t;
                if (m[-1] > 0)
                    idx = right[o - 1];
                if (m[1] > 0 && (t = right[o]) < idx)
                    idx = t;
                if (m[-mstep] > 0 && (t = down[o - mstep]) < idx)
                    idx = t;
                if (m[mstep] > 0 && (t = down[o]) < idx)
                    idx = t;
                PUSH(idx, o);
                m[0] = IN_QUEUE;
            }
        }
    }
    int active = 0;
    while (active < NQ && head[active] < 0)
        active++;
    if (active == NQ)
        goto done;

    for (;;) {
        if (head[active] < 0) {
            int i = active + 1;
            while (i < NQ && head[i] < 0)
                i++;
            if (i == NQ)
                break;
            active = i;
        }
        int32_t o = head[active];
        head[active] = next[o];
        if (head[active] < 0)
            tail[active] = -1;

        int32_t *m = mask + o;
        int32_t lab = 0, t;
        if ((t = m[-1]) > 0)
            lab = t;
        if ((t = m[1]) > 0) {
            if (lab == 0)
                lab = t;
            else if (t != lab)
                lab = WSHED;
        }
        if ((t = m[-mstep]) > 0) {
            if (lab == 0)
                lab = t;
            else if (t != lab)
                lab = WSHED;
        }
        if ((t = m[mstep]) > 0) {
            if (lab == 0)
                lab = t;
            else if (t != lab)
                lab = WSHED;
        }
        m[0] = lab;
        if (lab == WSHED)
            continue;
        if (m[-1] == 0) {
            int d = right[o - 1];
            PUSH(d, o - 1);
            if (d < active)
                active = d;
            m[-1] = IN_QUEUE;
        }
        if (m[1] == 0) {
            int d = right[o];
            PUSH(d, o + 1);
            if (d < active)
                active = d;
            m[1] = IN_QUEUE;
        }
        if (m[-mstep] == 0) {
            int d = down[o - mstep];
            PUSH(d, o - (int32_t)mstep);
            if (d < active)
                active = d;
            m[-mstep] = IN_QUEUE;
        }
        if (m[mstep] == 0) {
            int d = down[o];
            PUSH(d, o + (int32_t)mstep);
            if (d < active)
                active = d;
            m[mstep] = IN_QUEUE;
        }
    }
#undef PUSH
done:
    seg__free(next);
    seg__free(planes);
    return SEG_OK;
}
