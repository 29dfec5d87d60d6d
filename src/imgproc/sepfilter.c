/* The band engine behind the separable filters: every band of output rows keeps a ring of
 * kh + 1 horizontally filtered rows, so each source row is filtered once per band while
 * it is hot in cache and no full intermediate image is ever allocated. Rows outside the
 * image follow the border rule; constant-border rows are a shared zero h-row. */
#include "filter_internal.h"

#include <string.h>

typedef struct {
    const seg__sep *f;
    const seg_image *src;
    const void *zero; /* a zero h-row (constant border) */
    int failed;       /* set when a band could not get its scratch */
} sep_job;

static int slot_of(int v, int nslots)
{
    int s = v % nslots;
    return s < 0 ? s + nslots : s;
}

/* Filter virtual row v (which may lie outside the image: the border rule says which
 * source row it reads, or that it is zero) into its ring slot. */
static void fill_row(const sep_job *job, uint8_t *buf, size_t hstride, const void **slot, int v)
{
    const seg__sep *f = job->f;
    int s = slot_of(v, f->kh + 1);
    int y = seg__border_index(v, job->src->height, f->border);
    if (y < 0) {
        slot[s] = job->zero;
        return;
    }
    void *hrow = buf + hstride * (size_t)s;
    f->hline(f, seg__row(job->src, y), hrow);
    slot[s] = hrow;
}

static void sep_band(void *ctx, int64_t begin, int64_t end)
{
    sep_job *job = ctx;
    const seg__sep *f = job->f;
    int kh = f->kh, nslots = kh + 1;
    size_t hstride = (f->hbytes + 63) & ~(size_t)63;
    size_t state_off = hstride * (size_t)nslots;
    size_t state_size = (f->state_bytes + 63) & ~(size_t)63;
    uint8_t *buf = seg__malloc(state_off + state_size + sizeof(void *) * 2 * (size_t)nslots);
    if (!buf) {
        __atomic_store_n(&job->failed, 1, __ATOMIC_RELAXED);
        return;
    }
    void *state = buf + state_off;
    const void **slot = (const void **)(void *)(buf + state_off + state_size);
    const void **win = slot + nslots;

    int y0 = (int)begin, y1 = (int)end;
    for (int v = y0 - f->ry; v < y0 - f->ry + kh - 1; v++)
        fill_row(job, buf, hstride, slot, v);
    for (int y = y0; y < y1; y++) {
        int top = y - f->ry;
        fill_row(job, buf, hstride, slot, top + kh - 1);
        for (int j = 0; j < kh; j++)
            win[j] = slot[slot_of(top + j, nslots)];
        const void *departed = y > y0 ? slot[slot_of(top - 1, nslots)] : NULL;
        f->vline(f, win, departed, state, seg__row(f->dst, y));
    }
    seg__free(buf);
}

int seg__sep_run(seg__sep *f, const char *who)
{
    const seg_image *src = f->src;
    int w = src->width, h = src->height;
    seg_image copy = {0};
    int rc = SEG_OK;
    if ((int64_t)w * src->channels + f->kw > INT32_MAX)
        return seg__fail(SEG_EOVERFLOW, "%s: a row of %d x %d values is too long", who, w,
                         src->channels);
    f->cn = src->channels;
    f->n = w * src->channels;
    f->x0 = f->rx;
    f->x1 = w - (f->kw - 1 - f->rx);
    if (f->x1 < f->x0)
        f->x1 = f->x0; /* no interior column: every column goes through xmap */
    /* Each band holds kh + 1 h-rows, a state row and 2 (kh + 1) pointers. */
    size_t band_bytes;
    if (!seg__mul((f->hbytes + 63) & ~(size_t)63, (size_t)f->kh + 1, &band_bytes) ||
        !seg__add(band_bytes, f->state_bytes + 64, &band_bytes) ||
        !seg__add(band_bytes, sizeof(void *) * 2 * ((size_t)f->kh + 1), &band_bytes))
        return seg__fail(SEG_EOVERFLOW, "%s: row buffers for a %dx%d kernel overflow", who,
                         f->kw, f->kh);
    int *xmap = seg__border_table(w, f->rx, f->kw - 1 - f->rx, f->border);
    void *zero = seg__calloc(1, f->hbytes + 64);
    if (!xmap || !zero) {
        rc = seg__fail(SEG_ENOMEM, "%s: out of memory", who);
        goto done;
    }
    f->xmap = xmap;
    /* In place: bands write rows that later bands still read, so read from a copy
     * (cv2 clones the source the same way). */
    if (f->dst->data == src->data) {
        rc = seg_image_copy(src, &copy);
        if (rc) {
            rc = seg__fail(rc, "%s: %s", who, seg_last_error());
            goto done;
        }
        src = &copy;
    }
    sep_job job = {f, src, zero, 0};
    /* Bands of >= 64 rows (and >= 8 kernel heights) keep the rows re-filtered at each
     * band's top a small fraction; the split depends on the image alone. */
    int64_t min_rows = SEG_MAX(64, 8 * (int64_t)f->kh);
    seg__parallel_for(h, seg__grain(h, min_rows), sep_band, &job);
    if (job.failed)
        rc = seg__fail(SEG_ENOMEM, "%s: out of memory for row buffers", who);
done:
    seg_image_free(&copy);
    seg__free(zero);
    seg__free(xmap);
    return rc;
}
