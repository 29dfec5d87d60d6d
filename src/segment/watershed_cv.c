/* cv2.watershed of OpenCV 4.6 (modules/imgproc/src/segmentation.cpp), same queue order.
 *
 * cv2 keeps 256 FIFO queues of pixels as linked lists of nodes {next, mask offset,
 * image offset} in one growing vector. Here each queue is its own array of {mask
 * offset, image offset} read from the front and appended at the back (reset when it
 * empties), so pushes and pops walk memory sequentially instead of chasing links.
 * The flood itself is cv2's loop, step for step: initial queue in raster order, pop
 * from the lowest non-empty queue, label from the 4 neighbours in the order left,
 * right, up, down (-1 when two labels meet), push unlabelled neighbours in that order
 * with priority = largest per-channel difference, and move the active queue down when
 * a push goes below it. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

enum { IN_QUEUE = -2, WSHED = -1, NQ = 256, PREFETCH_AHEAD = 8 };

typedef struct ws_node {
    int32_t mofs, iofs;
} ws_node;

typedef struct ws_queue {
    ws_node *a;
    uint32_t head, size, cap;
} ws_queue;

static inline int cdiff(const uint8_t *a, const uint8_t *b)
{
    int d0 = abs(a[0] - b[0]), d1 = abs(a[1] - b[1]), d2 = abs(a[2] - b[2]);
    int m = d0 > d1 ? d0 : d1;
    return m > d2 ? m : d2;
}

static int grow(ws_queue *q)
{
    uint32_t cap = q->cap ? q->cap * 2 : 1024;
    if (cap < q->cap)
        return -1;
    ws_node *a = seg__malloc((size_t)cap * sizeof(ws_node));
    if (!a)
        return -1;
    if (q->size > q->head)
        memcpy(a, q->a + q->head, (size_t)(q->size - q->head) * sizeof(ws_node));
    q->size -= q->head;
    q->head = 0;
    seg__free(q->a);
    q->a = a;
    q->cap = cap;
    return 0;
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
    const ptrdiff_t istep = (ptrdiff_t)image->stride;
    if ((size_t)h * (size_t)mstep > (size_t)INT32_MAX ||
        (size_t)h * (size_t)istep > (size_t)INT32_MAX)
        return seg__fail(SEG_ELIMIT, "watershed: %dx%d exceeds 2^31 elements", w, h);
    int32_t *mask = markers->data;
    const uint8_t *img = image->data;

    /* the frame of dummy boundary pixels */
    for (int x = 0; x < w; x++)
        mask[x] = mask[x + mstep * (h - 1)] = WSHED;
    for (int y = 1; y < h - 1; y++)
        mask[y * mstep] = mask[y * mstep + w - 1] = WSHED;
    if (w < 3 || h < 3)
        return SEG_OK;

    ws_queue q[NQ];
    memset(q, 0, sizeof q);
    int fail = 0;
#define PUSH(b, mo, io)                                          \
    do {                                                         \
        ws_queue *q_ = &q[b];                                    \
        if (q_->size == q_->cap && grow(q_)) {                   \
            fail = 1;                                            \
            goto done;                                           \
        }                                                        \
        q_->a[q_->size].mofs = (mo);                             \
        q_->a[q_->size].iofs = (io);                             \
        q_->size++;                                              \
    } while (0)

    /* initial queue: unknown pixels next to a seed, at the smallest difference to one */
    for (int y = 1; y < h - 1; y++) {
        int32_t *row = mask + y * mstep;
        const uint8_t *irow = img + y * istep;
        for (int x = 1; x < w - 1; x++) {
            int32_t *m = row + x;
            if (m[0] < 0)
                m[0] = 0;
            if (m[0] == 0 && (m[-1] > 0 || m[1] > 0 || m[-mstep] > 0 || m[mstep] > 0)) {
                const uint8_t *p = irow + 3 * x;
                int idx = 256, t;
                if (m[-1] > 0)
                    idx = cdiff(p, p - 3);
                if (m[1] > 0 && (t = cdiff(p, p + 3)) < idx)
                    idx = t;
                if (m[-mstep] > 0 && (t = cdiff(p, p - istep)) < idx)
                    idx = t;
                if (m[mstep] > 0 && (t = cdiff(p, p + istep)) < idx)
                    idx = t;
                PUSH(idx, (int32_t)(y * mstep + x), (int32_t)(y * istep + 3 * x));
                m[0] = IN_QUEUE;
            }
        }
    }
    int active = 0;
    while (active < NQ && q[active].head == q[active].size)
        active++;
    if (active == NQ)
        goto done;

    for (;;) {
        if (q[active].head == q[active].size) {
            int i = active + 1;
            while (i < NQ && q[i].head == q[i].size)
                i++;
            if (i == NQ)
                break;
            active = i;
        }
        ws_queue *qa = &q[active];
        ws_node nd = qa->a[qa->head++];
        if (qa->head + PREFETCH_AHEAD < qa->size) {
            /* the queue is known ahead: start loading a later pixel's neighbourhood now,
             * the flood is bound by these cache misses */
            const ws_node *ahead = &qa->a[qa->head + PREFETCH_AHEAD];
            __builtin_prefetch(mask + ahead->mofs - mstep, 1);
            __builtin_prefetch(mask + ahead->mofs, 1);
            __builtin_prefetch(mask + ahead->mofs + mstep, 1);
            __builtin_prefetch(img + ahead->iofs - istep);
            __builtin_prefetch(img + ahead->iofs);
            __builtin_prefetch(img + ahead->iofs + istep);
        }
        if (qa->head == qa->size)
            qa->head = qa->size = 0;

        int32_t *m = mask + nd.mofs;
        const uint8_t *p = img + nd.iofs;
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
            int d = cdiff(p, p - 3);
            PUSH(d, nd.mofs - 1, nd.iofs - 3);
            if (d < active)
                active = d;
            m[-1] = IN_QUEUE;
        }
        if (m[1] == 0) {
            int d = cdiff(p, p + 3);
            PUSH(d, nd.mofs + 1, nd.iofs + 3);
            if (d < active)
                active = d;
            m[1] = IN_QUEUE;
        }
        if (m[-mstep] == 0) {
            int d = cdiff(p, p - istep);
            PUSH(d, nd.mofs - (int32_t)mstep, nd.iofs - (int32_t)istep);
            if (d < active)
                active = d;
            m[-mstep] = IN_QUEUE;
        }
        if (m[mstep] == 0) {
            int d = cdiff(p, p + istep);
            PUSH(d, nd.mofs + (int32_t)mstep, nd.iofs + (int32_t)istep);
            if (d < active)
                active = d;
            m[mstep] = IN_QUEUE;
        }
    }
#undef PUSH
done:
    for (int i = 0; i < NQ; i++)
        seg__free(q[i].a);
    return fail ? seg__fail(SEG_ENOMEM, "watershed: cannot grow the queues") : SEG_OK;
}
