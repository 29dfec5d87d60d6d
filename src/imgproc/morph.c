/* Erosion, dilation, the composite operations and hit-or-miss (cv2.erode / dilate /
 * morphologyEx of OpenCV 4.6, default border): argument checks, cv2's rules for kernels,
 * anchors and iterations, and the compositions. The pixel work is morph_rows.c. */
#include "morph_internal.h"

#include <string.h>

typedef seg__morph_run run;
typedef seg__morph_kernel kernel_runs;

static void kernel_free(kernel_runs *k)
{
    seg__free(k->row_start);
    seg__free(k->runs);
    memset(k, 0, sizeof *k);
}

/* A kw x kh rectangle with the anchor (ax, ay). */
static int kernel_rect(kernel_runs *k, int kw, int kh, int ax, int ay)
{
    memset(k, 0, sizeof *k);
    k->row_start = seg__malloc(((size_t)kh + 1) * sizeof *k->row_start);
    k->runs = seg__malloc((size_t)kh * sizeof *k->runs);
    if (!k->row_start || !k->runs) {
        kernel_free(k);
        return seg__fail(SEG_ENOMEM, "morphology: cannot allocate the kernel");
    }
    for (int i = 0; i < kh; i++) {
        k->row_start[i] = i;
        k->runs[i] = (run){0, kw};
    }
    k->row_start[kh] = kh;
    k->kw = kw;
    k->kh = kh;
    k->ax = ax;
    k->ay = ay;
    k->rect = 1;
    k->maxlen = kw;
    return SEG_OK;
}

/* Kernel cell value as an int (u8 or s32 kernels). */
static int kval(const seg_image *k, int x, int y)
{
    const void *r = seg__row(k, y);
    return k->type == SEG_U8 ? ((const uint8_t *)r)[x] : ((const int32_t *)r)[x];
}

/* member(v): want == 0 means v != 0, otherwise v == want. */
static int is_member(int v, int want)
{
    return want == 0 ? v != 0 : v == want;
}

static int count_members(const seg_image *k, int want)
{
    int n = 0;
    for (int y = 0; y < k->height; y++)
        for (int x = 0; x < k->width; x++)
            n += is_member(kval(k, x, y), want);
    return n;
}

static int kernel_from_image(kernel_runs *k, const seg_image *img, int want, int ax, int ay)
{
    memset(k, 0, sizeof *k);
    int bx0 = img->width, by0 = img->height, bx1 = -1, by1 = -1, n = 0;
    for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width; x++)
            if (is_member(kval(img, x, y), want)) {
                bx0 = SEG_MIN(bx0, x);
                bx1 = SEG_MAX(bx1, x);
                by0 = SEG_MIN(by0, y);
                by1 = SEG_MAX(by1, y);
                n++;
            }
    if (n == 0)
        return seg__fail(SEG_EINVAL, "morphology: the kernel has no member (all zero)");
    int kw = bx1 - bx0 + 1, kh = by1 - by0 + 1;
    if (n == kw * kh)
        return kernel_rect(k, kw, kh, ax - bx0, ay - by0);
    k->row_start = seg__malloc(((size_t)kh + 1) * sizeof *k->row_start);
    k->runs = seg__malloc((size_t)n * sizeof *k->runs);
    if (!k->row_start || !k->runs) {
        kernel_free(k);
        return seg__fail(SEG_ENOMEM, "morphology: cannot allocate the kernel");
    }
    int nr = 0;
    for (int y = 0; y < kh; y++) {
        k->row_start[y] = nr;
        for (int x = 0; x < kw;) {
            if (!is_member(kval(img, bx0 + x, by0 + y), want)) {
                x++;
                continue;
            }
            int x1 = x;
            while (x1 < kw && is_member(kval(img, bx0 + x1, by0 + y), want))
                x1++;
            k->runs[nr++] = (run){x, x1 - x};
            k->maxlen = SEG_MAX(k->maxlen, x1 - x);
            x = x1;
        }
    }
    k->row_start[kh] = nr;
    k->kw = kw;
    k->kh = kh;
    k->ax = ax - bx0;
    k->ay = ay - by0;
    return SEG_OK;
}

/* An owned image like `like` without zero-filling (every pixel gets written): saves a
 * memset of the whole image per temporary. Freed by seg_image_free. */
static int alloc_uninit(seg_image *img, const seg_image *like, const char *who)
{
    size_t row, stride, total;
    if (!seg__image_bytes(like->width, like->height, like->channels, seg_type_size(like->type),
                          &row, NULL) ||
        !seg__add(row, SEG_ALIGN - 1, &stride))
        return seg__fail(SEG_EOVERFLOW, "%s: image size overflows", who);
    stride &= ~(size_t)(SEG_ALIGN - 1);
    if (!seg__mul(stride, (size_t)like->height, &total))
        return seg__fail(SEG_EOVERFLOW, "%s: image size overflows", who);
    void *p = seg__malloc(total ? total : 1);
    if (!p)
        return seg__fail(SEG_ENOMEM, "%s: cannot allocate %zu bytes", who, total);
    *img = (seg_image){p, like->width, like->height, stride, like->channels, like->type, 1};
    return SEG_OK;
}

/* n passes of k; dst may alias src. */
static int morph_iterate(const seg_image *src, seg_image *dst, const kernel_runs *k, int n,
                         int is_max, const char *who)
{
    int rc = dst && !dst->data ? alloc_uninit(dst, src, who)
                               : seg__image_prepare(dst, src->width, src->height, src->channels,
                                                    src->type, who);
    if (rc)
        return rc;
    int alias = dst->data == src->data;
    seg_image tmp[2] = {{0}, {0}};
    const seg_image *cur = src;
    for (int i = 0; i < n && !rc; i++) {
        seg_image *out = (i == n - 1 && !alias) ? dst : &tmp[i & 1];
        if (!out->data && (rc = alloc_uninit(out, src, who)))
            break;
        rc = seg__morph_once(cur, out, k, is_max, who);
        cur = out;
    }
    if (!rc && cur != dst)
        rc = seg_image_copy(cur, dst);
    seg_image_free(&tmp[0]);
    seg_image_free(&tmp[1]);
    return rc;
}

static int check_kernel(const seg_image *kernel, int *ax, int *ay, const char *who)
{
    int kw = kernel ? kernel->width : 3, kh = kernel ? kernel->height : 3;
    if (kernel) {
        if (!seg_image_valid(kernel))
            return seg__fail(SEG_EINVAL, "%s: the kernel is empty or invalid", who);
        if (kernel->channels != 1 || (kernel->type != SEG_U8 && kernel->type != SEG_S32))
            return seg__fail(SEG_ETYPE, "%s: the kernel must be 1-channel u8 or s32, got %d "
                             "channels of %s", who, kernel->channels,
                             seg__type_name(kernel->type));
        if (kw > SEG_MORPH_MAX_KSIZE || kh > SEG_MORPH_MAX_KSIZE)
            return seg__fail(SEG_EINVAL, "%s: kernel %dx%d is too large (max %d per side)", who,
                             kw, kh, SEG_MORPH_MAX_KSIZE);
    }
    if (*ax == -1)
        *ax = kw / 2;
    if (*ay == -1)
        *ay = kh / 2;
    if (*ax < 0 || *ax >= kw || *ay < 0 || *ay >= kh)
        return seg__fail(SEG_EINVAL, "%s: anchor (%d, %d) is outside the %dx%d kernel", who, *ax,
                         *ay, kw, kh);
    return SEG_OK;
}

/* cv2's rules turning (kernel, iterations) into passes: *n passes of *k, or *n == 0 when
 * the result is a copy of the source (no iteration, or a 1x1 kernel). */
static int plan_kernel(const seg_image *kernel, int want, int ax, int ay, int iterations,
                       kernel_runs *k, int *n)
{
    memset(k, 0, sizeof *k);
    if (iterations < 0)
        iterations = 1;
    *n = iterations;
    if (iterations == 0 || (kernel && kernel->width * kernel->height == 1)) {
        *n = 0;
        return SEG_OK;
    }
    if (!kernel) {
        /* cv2: a (1 + 2n)-square rectangle anchored at its centre, one pass */
        if (1 + 2 * (int64_t)iterations <= SEG_MORPH_MAX_KSIZE) {
            *n = 1;
            return kernel_rect(k, 1 + 2 * iterations, 1 + 2 * iterations, iterations, iterations);
        }
        return kernel_rect(k, 3, 3, 1, 1);
    }
    int kw = kernel->width, kh = kernel->height;
    int64_t gw = kw + (int64_t)(iterations - 1) * (kw - 1);
    int64_t gh = kh + (int64_t)(iterations - 1) * (kh - 1);
    if (iterations > 1 && count_members(kernel, want) == kw * kh && gw <= SEG_MORPH_MAX_KSIZE &&
        gh <= SEG_MORPH_MAX_KSIZE) {
        /* cv2 grows a full rectangle instead of iterating (same result, one pass) */
        *n = 1;
        return kernel_rect(k, (int)gw, (int)gh, ax * iterations, ay * iterations);
    }
    return kernel_from_image(k, kernel, want, ax, ay);
}

/* cv2's morphOp: erode or dilate with `want` selecting the kernel's members. ax/ay are
 * already checked. */
static int morph_op(const seg_image *src, seg_image *dst, const seg_image *kernel, int want,
                    int ax, int ay, int iterations, int is_max, const char *who)
{
    kernel_runs k;
    int n, rc = plan_kernel(kernel, want, ax, ay, iterations, &k, &n);
    if (rc)
        return rc;
    if (n == 0) {
        if (dst != src && (!dst || dst->data != src->data))
            return seg_image_copy(src, dst);
        return SEG_OK;
    }
    rc = morph_iterate(src, dst, &k, n, is_max, who);
    kernel_free(&k);
    return rc;
}

/* Open/close in one fused pass when cv2's rules leave one pass each way and dst has its
 * own pixels; returns 1 (not done) otherwise, so the caller composes the two passes. */
static int open_close_fused(const seg_image *src, seg_image *dst, const seg_image *kernel,
                            int ax, int ay, int iterations, int first_max, const char *who)
{
    if (dst->data == src->data)
        return 1;
    kernel_runs k;
    int n, rc = plan_kernel(kernel, 0, ax, ay, iterations, &k, &n);
    if (rc)
        return rc;
    rc = n == 1 ? seg__morph_open_close(src, dst, &k, first_max, who) : 1;
    kernel_free(&k);
    return rc;
}

static int check_src(const seg_image *src, const char *who)
{
    return seg__check_input(src, SEG_TYPES(SEG_U8, SEG_U16, SEG_F32), 0x1e, who);
}

int seg_erode(const seg_image *src, seg_image *dst, const seg_image *kernel, int ax, int ay,
              int iterations)
{
    seg__clear_error();
    int rc = check_src(src, "erode");
    if (!rc)
        rc = check_kernel(kernel, &ax, &ay, "erode");
    return rc ? rc : morph_op(src, dst, kernel, 0, ax, ay, iterations, 0, "erode");
}

int seg_dilate(const seg_image *src, seg_image *dst, const seg_image *kernel, int ax, int ay,
               int iterations)
{
    seg__clear_error();
    int rc = check_src(src, "dilate");
    if (!rc)
        rc = check_kernel(kernel, &ax, &ay, "dilate");
    return rc ? rc : morph_op(src, dst, kernel, 0, ax, ay, iterations, 1, "dilate");
}

typedef struct {
    const seg_image *a, *b;
    seg_image *dst;
} sub_job;

static void subtract_rows(void *ctx, int64_t y0, int64_t y1)
{
    const sub_job *j = ctx;
    size_t n = (size_t)j->a->width * j->a->channels;
    for (int64_t y = y0; y < y1; y++) {
        const void *pa = seg__row(j->a, (int)y), *pb = seg__row(j->b, (int)y);
        void *pd = seg__row(j->dst, (int)y);
        if (j->a->type == SEG_U8) {
            const uint8_t *x = pa, *z = pb;
            uint8_t *d = pd;
            for (size_t i = 0; i < n; i++)
                d[i] = x[i] > z[i] ? (uint8_t)(x[i] - z[i]) : 0;
        } else if (j->a->type == SEG_U16) {
            const uint16_t *x = pa, *z = pb;
            uint16_t *d = pd;
            for (size_t i = 0; i < n; i++)
                d[i] = x[i] > z[i] ? (uint16_t)(x[i] - z[i]) : 0;
        } else {
            const float *x = pa, *z = pb;
            float *d = pd;
            for (size_t i = 0; i < n; i++)
                d[i] = x[i] - z[i];
        }
    }
}

/* dst = saturate(a - b) element-wise (cv2's MatExpr subtraction); dst may alias a or b. */
static void subtract(const seg_image *a, const seg_image *b, seg_image *dst)
{
    sub_job j = {a, b, dst};
    int64_t min_rows = SEG_MAX(8, 65536 / ((int64_t)a->width * a->channels));
    seg__parallel_for(a->height, seg__grain(a->height, min_rows), subtract_rows, &j);
}

/* Open (first_max 0) or close of src into dst (prepared), fused per band when possible. */
static int open_close(const seg_image *src, seg_image *dst, const seg_image *kernel, int ax,
                      int ay, int iterations, int first_max, const char *who)
{
    int rc = open_close_fused(src, dst, kernel, ax, ay, iterations, first_max, who);
    if (rc <= 0)
        return rc;
    seg_image t = {0};
    rc = morph_op(src, &t, kernel, 0, ax, ay, iterations, first_max, who);
    if (!rc)
        rc = morph_op(&t, dst, kernel, 0, ax, ay, iterations, !first_max, who);
    seg_image_free(&t);
    return rc;
}

static int hitmiss(const seg_image *src, seg_image *dst, const seg_image *kernel, int ax, int ay,
                   int iterations)
{
    const char *who = "morphology_ex";
    if (src->type != SEG_U8 || src->channels != 1)
        return seg__fail(SEG_ETYPE, "%s: hit-or-miss needs a 1-channel u8 image, got %d "
                         "channels of %s", who, src->channels, seg__type_name(src->type));
    seg_image k3 = {0};
    int rc;
    if (!kernel) { /* cv2's default 3x3 rectangle of ones */
        if ((rc = seg_get_structuring_element(SEG_MORPH_RECT, 3, 3, -1, -1, &k3)))
            return rc;
        kernel = &k3;
    }
    seg_image e1 = {0}, e2 = {0}, inv = {0};
    if (count_members(kernel, 0) == 0) {
        rc = seg_image_copy(src, dst);
        goto done;
    }
    rc = seg__image_prepare(dst, src->width, src->height, 1, SEG_U8, who);
    if (!rc && count_members(kernel, 1) > 0)
        rc = morph_op(src, &e1, kernel, 1, ax, ay, iterations, 0, who);
    if (!rc && count_members(kernel, -1) > 0) {
        rc = alloc_uninit(&inv, src, who);
        for (int y = 0; !rc && y < src->height; y++) {
            const uint8_t *s = seg__row(src, y);
            uint8_t *d = seg__row(&inv, y);
            for (int x = 0; x < src->width; x++)
                d[x] = (uint8_t)~s[x];
        }
        if (!rc)
            rc = morph_op(&inv, &e2, kernel, -1, ax, ay, iterations, 0, who);
    }
    for (int y = 0; !rc && y < src->height; y++) {
        const uint8_t *a = e1.data ? seg__row(&e1, y) : NULL;
        const uint8_t *b = e2.data ? seg__row(&e2, y) : NULL;
        uint8_t *d = seg__row(dst, y);
        for (int x = 0; x < src->width; x++)
            d[x] = (a ? a[x] : 255) & (b ? b[x] : 255);
    }
done:
    seg_image_free(&e1);
    seg_image_free(&e2);
    seg_image_free(&inv);
    seg_image_free(&k3);
    return rc;
}

int seg_morphology_ex(const seg_image *src, seg_image *dst, int op, const seg_image *kernel,
                      int ax, int ay, int iterations)
{
    const char *who = "morphology_ex";
    seg__clear_error();
    int rc = check_src(src, who);
    if (rc)
        return rc;
    if (op < SEG_MORPH_ERODE || op > SEG_MORPH_HITMISS)
        return seg__fail(SEG_EINVAL, "%s: unknown operation %d (0..7: erode, dilate, open, "
                         "close, gradient, tophat, blackhat, hitmiss)", who, op);
    if ((rc = check_kernel(kernel, &ax, &ay, who)))
        return rc;
    if (op == SEG_MORPH_HITMISS)
        return hitmiss(src, dst, kernel, ax, ay, iterations);
    if (op == SEG_MORPH_ERODE || op == SEG_MORPH_DILATE)
        return morph_op(src, dst, kernel, 0, ax, ay, iterations, op == SEG_MORPH_DILATE, who);
    seg_image t1 = {0}, t2 = {0};
    if ((rc = dst && !dst->data ? alloc_uninit(dst, src, who)
                                : seg__image_prepare(dst, src->width, src->height, src->channels,
                                                     src->type, who)))
        return rc;
    int alias = dst->data == src->data;
    switch (op) {
    case SEG_MORPH_OPEN:
    case SEG_MORPH_CLOSE:
        rc = open_close(src, dst, kernel, ax, ay, iterations, op == SEG_MORPH_CLOSE, who);
        break;
    case SEG_MORPH_GRADIENT:
        /* dilate - erode; the dilation goes straight into dst unless dst is src */
        rc = morph_op(src, &t1, kernel, 0, ax, ay, iterations, 0, who);
        if (!rc)
            rc = morph_op(src, alias ? &t2 : dst, kernel, 0, ax, ay, iterations, 1, who);
        if (!rc)
            subtract(alias ? &t2 : dst, &t1, dst);
        break;
    case SEG_MORPH_TOPHAT:
    case SEG_MORPH_BLACKHAT: {
        int top = op == SEG_MORPH_TOPHAT;
        rc = alloc_uninit(&t1, src, who);
        if (!rc)
            rc = open_close(src, &t1, kernel, ax, ay, iterations, !top, who);
        if (!rc) {
            if (top)
                subtract(src, &t1, dst);
            else
                subtract(&t1, src, dst);
        }
        break;
    }
    }
    seg_image_free(&t1);
    seg_image_free(&t2);
    return rc;
}

