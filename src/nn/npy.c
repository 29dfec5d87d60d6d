/* NumPy's .npy format for tensors: a magic string, a version, a Python-literal header
 * dict {'descr', 'fortran_order', 'shape'}, then the raw C-order data. */
#include "internal.h"
#include "nn/npy.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
    const char *descr;
    int type;
    size_t size;
} types[] = {
    {"<f4", SEG_DT_FLOAT, 4}, {"<f8", SEG_DT_DOUBLE, 8}, {"<i8", SEG_DT_INT64, 8},
    {"<i4", SEG_DT_INT32, 4}, {"<i2", SEG_DT_INT16, 2},  {"|i1", SEG_DT_INT8, 1},
    {"|u1", SEG_DT_UINT8, 1}, {"<u2", SEG_DT_UINT16, 2}, {"<u4", SEG_DT_UINT32, 4},
    {"<u8", SEG_DT_UINT64, 8}, {"|b1", SEG_DT_BOOL, 1},  {"<f2", SEG_DT_FLOAT16, 2},
};
#define NTYPES (sizeof types / sizeof types[0])

/* Find 'key': in the header dict; returns a pointer just after the colon, or NULL. */
static const char *field(const char *h, const char *key)
{
    char pat[32];
    snprintf(pat, sizeof pat, "'%s'", key);
    const char *p = strstr(h, pat);
    if (!p)
        return NULL;
    p += strlen(pat);
    while (*p == ' ')
        p++;
    return *p == ':' ? p + 1 : NULL;
}

static int parse_header(const char *path, const char *h, seg_tensor *t, size_t *esize)
{
    const char *d = field(h, "descr"), *f = field(h, "fortran_order"), *s = field(h, "shape");
    if (!d || !f || !s)
        return seg__fail(SEG_EFORMAT, "npy %s: header lacks descr, fortran_order or shape", path);
    while (*d == ' ')
        d++;
    int k = -1;
    for (size_t i = 0; i < NTYPES; i++) {
        size_t n = strlen(types[i].descr);
        if (*d == '\'' && strncmp(d + 1, types[i].descr, n) == 0 && d[1 + n] == '\'')
            k = (int)i;
        /* '=' and '|' mean native/no order: little-endian here */
        if (*d == '\'' && (d[1] == '=' || d[1] == '|') && strncmp(d + 2, types[i].descr + 1, n - 1) == 0 &&
            d[1 + n] == '\'')
            k = (int)i;
    }
    if (k < 0)
        return seg__fail(SEG_EUNSUPPORTED, "npy %s: element type %.8s is not supported", path, d);
    while (*f == ' ')
        f++;
    if (strncmp(f, "False", 5) != 0)
        return seg__fail(SEG_EUNSUPPORTED, "npy %s: Fortran-order arrays are not supported", path);
    while (*s == ' ')
        s++;
    if (*s++ != '(')
        return seg__fail(SEG_EFORMAT, "npy %s: shape is not a tuple", path);
    t->ndim = 0;
    for (;;) {
        while (*s == ' ' || *s == ',')
            s++;
        if (*s == ')')
            break;
        if (!isdigit((unsigned char)*s) || t->ndim >= SEG_MODEL_MAX_RANK)
            return seg__fail(SEG_EFORMAT, "npy %s: bad shape", path);
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno || v < 0 || v > ((long long)1 << 40))
            return seg__fail(SEG_EFORMAT, "npy %s: bad dimension", path);
        t->dims[t->ndim++] = v;
        s = end;
    }
    t->elem_type = types[k].type;
    *esize = types[k].size;
    return SEG_OK;
}

int seg_tensor_read_npy(const char *path, seg_tensor *t)
{
    seg__clear_error();
    if (!t || !path)
        return seg__fail(SEG_EINVAL, "npy: NULL argument");
    memset(t, 0, sizeof *t);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return seg__fail(SEG_EIO, "npy %s: %s", path, strerror(errno));
    int rc = seg__npy_read_stream(fp, path, t);
    fclose(fp);
    return rc;
}

int seg__npy_read_stream(FILE *fp, const char *path, seg_tensor *t)
{
    memset(t, 0, sizeof *t);
    unsigned char pre[12];
    int rc = SEG_OK;
    char *h = NULL;
    size_t hlen = 0, esize = 0, total = 1;
    if (fread(pre, 1, 10, fp) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        rc = seg__fail(SEG_EFORMAT, "npy %s: not a .npy file", path);
    } else if (pre[6] == 1) {
        hlen = pre[8] | (size_t)pre[9] << 8;
    } else if (pre[6] == 2 || pre[6] == 3) {
        if (fread(pre + 10, 1, 2, fp) != 2)
            rc = seg__fail(SEG_EFORMAT, "npy %s: truncated header", path);
        hlen = pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    } else {
        rc = seg__fail(SEG_EUNSUPPORTED, "npy %s: format version %d", path, pre[6]);
    }
    if (!rc && hlen > (1u << 20))
        rc = seg__fail(SEG_EFORMAT, "npy %s: header of %zu bytes", path, hlen);
    if (!rc && !(h = malloc(hlen + 1)))
        rc = seg__fail(SEG_ENOMEM, "npy: out of memory");
    if (!rc && fread(h, 1, hlen, fp) != hlen)
        rc = seg__fail(SEG_EFORMAT, "npy %s: truncated header", path);
    if (!rc) {
        h[hlen] = '\0';
        rc = parse_header(path, h, t, &esize);
    }
    for (int i = 0; !rc && i < t->ndim; i++)
        if (!seg__mul(total, (size_t)t->dims[i], &total))
            rc = seg__fail(SEG_ELIMIT, "npy %s: too large", path);
    if (!rc && (!seg__mul(total, esize, &t->nbytes) || t->nbytes > ((size_t)1 << 34)))
        rc = seg__fail(SEG_ELIMIT, "npy %s: too large", path);
    /* a shape that promises more bytes than the file holds is refused before allocating */
    long here = rc ? -1 : ftell(fp);
    if (here >= 0 && fseek(fp, 0, SEEK_END) == 0) {
        long end = ftell(fp);
        if (end >= here && (uint64_t)(end - here) < t->nbytes)
            rc = seg__fail(SEG_EFORMAT, "npy %s: data is shorter than its shape", path);
        if (fseek(fp, here, SEEK_SET) != 0 && !rc)
            rc = seg__fail(SEG_EIO, "npy %s: cannot seek", path);
    }
    if (!rc && !(t->data = seg__malloc(t->nbytes + 1)))
        rc = seg__fail(SEG_ENOMEM, "npy %s: out of memory for %zu bytes", path, t->nbytes);
    if (!rc) {
        t->owned = 1;
        if (fread(t->data, 1, t->nbytes, fp) != t->nbytes)
            rc = seg__fail(SEG_EFORMAT, "npy %s: data is shorter than its shape", path);
    }
    if (!rc && fgetc(fp) != EOF)
        rc = seg__fail(SEG_EFORMAT, "npy %s: data is longer than its shape", path);
    free(h);
    if (rc)
        seg_tensor_free(t);
    return rc;
}

int seg_tensor_write_npy(const char *path, const seg_tensor *t)
{
    seg__clear_error();
    if (!t || !path || t->ndim < 0 || t->ndim > SEG_MODEL_MAX_RANK)
        return seg__fail(SEG_EINVAL, "npy: bad tensor or path");
    int k = -1;
    for (size_t i = 0; i < NTYPES; i++)
        if (types[i].type == t->elem_type)
            k = (int)i;
    if (k < 0)
        return seg__fail(SEG_EUNSUPPORTED, "npy: element type %d", t->elem_type);
    char h[512];
    int n = snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                     types[k].descr);
    size_t total = types[k].size;
    for (int i = 0; i < t->ndim; i++) {
        n += snprintf(h + n, sizeof h - (size_t)n, "%lld%s", (long long)t->dims[i],
                      t->ndim == 1 ? "," : i + 1 < t->ndim ? ", " : "");
        if (t->dims[i] < 0 || !seg__mul(total, (size_t)t->dims[i], &total))
            return seg__fail(SEG_EINVAL, "npy: bad shape");
    }
    n += snprintf(h + n, sizeof h - (size_t)n, "), }");
    if (t->nbytes < total || (!t->data && total))
        return seg__fail(SEG_EINVAL, "npy: data is smaller than the shape");
    int pad = 64 - (10 + n + 1) % 64;
    pad %= 64;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
    size_t hl = (size_t)n + (size_t)pad + 1;
    pre[8] = (unsigned char)(hl & 0xff);
    pre[9] = (unsigned char)(hl >> 8);
    size_t plen = strlen(path) + 32;
    char *tmp = malloc(plen);
    if (!tmp)
        return seg__fail(SEG_ENOMEM, "npy: out of memory");
    snprintf(tmp, plen, "%s.tmp-%ld", path, (long)getpid());
    FILE *fp = fopen(tmp, "wbx");
    int rc = SEG_OK;
    if (!fp) {
        rc = seg__fail(SEG_EIO, "npy %s: %s", path, strerror(errno));
    } else {
        bool ok = fwrite(pre, 1, 10, fp) == 10 && fwrite(h, 1, (size_t)n, fp) == (size_t)n;
        for (int i = 0; ok && i < pad; i++)
            ok = fputc(' ', fp) != EOF;
        ok = ok && fputc('\n', fp) != EOF && fwrite(t->data, 1, total, fp) == total;
        ok = (fclose(fp) == 0) && ok;
        if (!ok || rename(tmp, path) != 0) {
            rc = seg__fail(SEG_EIO, "npy %s: write failed: %s", path, strerror(errno));
            unlink(tmp);
        }
    }
    free(tmp);
    return rc;
}
