/* Reading a semantic model description (JSON, with cJSON). */
#include "internal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t seg_semantic_config_size(void)
{
    return sizeof(seg_semantic_config);
}

void seg_semantic_config_default(seg_semantic_config *c)
{
    memset(c, 0, sizeof *c);
    c->rgb = 1;
    const float mean[3] = {0.485f, 0.456f, 0.406f}, std[3] = {0.229f, 0.224f, 0.225f};
    for (int i = 0; i < 3; i++) {
        c->mean[i] = mean[i];
        c->std[i] = std[i];
    }
    c->scale = 1.0f / 255.0f;
    c->threshold = 0.5f;
    seg_palette_voc(c->palette);
}

void seg_semantic_config_clear(seg_semantic_config *c)
{
    if (!c)
        return;
    free(c->class_names);
    c->class_names = NULL;
    c->num_classes = 0;
}

static int bad(const char *path, const char *field, const char *what)
{
    return seg__fail(SEG_EFORMAT, "model config %s: \"%s\" %s", path, field, what);
}

static int get_str(const cJSON *o, const char *key, const char *const *choices, int *out,
                   const char *path)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        return SEG_OK;
    if (!cJSON_IsString(v))
        return bad(path, key, "must be a string");
    for (int i = 0; choices[i]; i++)
        if (strcmp(v->valuestring, choices[i]) == 0) {
            *out = i;
            return SEG_OK;
        }
    return bad(path, key, "has an unknown value");
}

static int get_num(const cJSON *o, const char *key, float *out, const char *path)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        return SEG_OK;
    if (!cJSON_IsNumber(v) || v->valuedouble != v->valuedouble)
        return bad(path, key, "must be a number");
    *out = (float)v->valuedouble;
    return SEG_OK;
}

static int get_name(const cJSON *o, const char *key, char *dst, size_t cap, const char *path)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        return SEG_OK;
    if (!cJSON_IsString(v) || strlen(v->valuestring) >= cap)
        return bad(path, key, "must be a string shorter than 128 bytes");
    strcpy(dst, v->valuestring);
    return SEG_OK;
}

static int get_triplet(const cJSON *o, const char *key, float *out, const char *path)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        return SEG_OK;
    if (cJSON_IsNumber(v)) {
        out[0] = out[1] = out[2] = (float)v->valuedouble;
        return SEG_OK;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 3)
        return bad(path, key, "must be a number or an array of 3 numbers");
    for (int i = 0; i < 3; i++) {
        const cJSON *e = cJSON_GetArrayItem(v, i);
        if (!cJSON_IsNumber(e))
            return bad(path, key, "must hold numbers");
        out[i] = (float)e->valuedouble;
    }
    return SEG_OK;
}

int seg__semantic_config_parse(const char *text, size_t len, const char *name,
                               seg_semantic_config *cfg);

static int parse(const cJSON *root, seg_semantic_config *c, const char *path)
{
    static const char *const layouts[] = {"nchw", "nhwc", NULL};
    static const char *const resizes[] = {"stretch", "letterbox", NULL};
    static const char *const colors[] = {"bgr", "rgb", NULL};
    static const char *const kinds[] = {"logits", "probabilities", "sigmoid_logits", NULL};
    int rc, v;
    if (!cJSON_IsObject(root))
        return bad(path, "(top)", "must be a JSON object");
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(root, "input");
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(root, "output");
    if (in && !cJSON_IsObject(in))
        return bad(path, "input", "must be an object");
    if (out && !cJSON_IsObject(out))
        return bad(path, "output", "must be an object");
    if (in) {
        if ((rc = get_name(in, "name", c->input_name, sizeof c->input_name, path)))
            return rc;
        v = c->input_nhwc;
        if ((rc = get_str(in, "layout", layouts, &v, path)))
            return rc;
        c->input_nhwc = v;
        v = c->resize;
        if ((rc = get_str(in, "resize", resizes, &v, path)))
            return rc;
        c->resize = (seg_resize_mode)v;
        v = c->rgb;
        if ((rc = get_str(in, "color", colors, &v, path)))
            return rc;
        c->rgb = v;
        if ((rc = get_triplet(in, "mean", c->mean, path)) || (rc = get_triplet(in, "std", c->std, path)) ||
            (rc = get_num(in, "scale", &c->scale, path)) || (rc = get_num(in, "offset", &c->offset, path)) ||
            (rc = get_num(in, "pad_value", &c->pad_value, path)))
            return rc;
        if (cJSON_GetObjectItemCaseSensitive(in, "scale") && !cJSON_GetObjectItemCaseSensitive(in, "mean"))
            c->mean[0] = c->mean[1] = c->mean[2] = 0; /* scale/offset alone: no mean/std */
        if (cJSON_GetObjectItemCaseSensitive(in, "scale") && !cJSON_GetObjectItemCaseSensitive(in, "std"))
            c->std[0] = c->std[1] = c->std[2] = 1;
        for (int i = 0; i < 3; i++)
            if (!(c->std[i] != 0))
                return bad(path, "std", "must not be 0");
        const cJSON *size = cJSON_GetObjectItemCaseSensitive(in, "size");
        if (size) {
            const cJSON *w = cJSON_GetArrayItem(size, 0), *h = cJSON_GetArrayItem(size, 1);
            if (!cJSON_IsArray(size) || cJSON_GetArraySize(size) != 2 || !cJSON_IsNumber(w) ||
                !cJSON_IsNumber(h) || w->valuedouble < 1 || h->valuedouble < 1 ||
                w->valuedouble > 16384 || h->valuedouble > 16384)
                return bad(path, "size", "must be [width, height] in 1..16384");
            c->width = (int)w->valuedouble;
            c->height = (int)h->valuedouble;
        }
    }
    if (out) {
        if ((rc = get_name(out, "name", c->output_name, sizeof c->output_name, path)))
            return rc;
        v = c->output_nhwc;
        if ((rc = get_str(out, "layout", layouts, &v, path)))
            return rc;
        c->output_nhwc = v;
        v = c->kind;
        if ((rc = get_str(out, "kind", kinds, &v, path)))
            return rc;
        c->kind = (seg_output_kind)v;
        if ((rc = get_num(out, "threshold", &c->threshold, path)))
            return rc;
    }
    const cJSON *classes = cJSON_GetObjectItemCaseSensitive(root, "classes");
    if (classes) {
        int n = cJSON_GetArraySize(classes);
        if (!cJSON_IsArray(classes) || n < 1 || n > SEG_SEMANTIC_MAX_CLASSES)
            return bad(path, "classes", "must be an array of 1..4096 names");
        c->class_names = calloc((size_t)n, sizeof *c->class_names);
        if (!c->class_names)
            return seg__fail(SEG_ENOMEM, "model config: out of memory");
        c->num_classes = n;
        for (int i = 0; i < n; i++) {
            const cJSON *e = cJSON_GetArrayItem(classes, i);
            if (!cJSON_IsString(e) || strlen(e->valuestring) >= 64)
                return bad(path, "classes", "must hold names shorter than 64 bytes");
            strcpy(c->class_names[i], e->valuestring);
        }
    }
    const cJSON *pal = cJSON_GetObjectItemCaseSensitive(root, "palette");
    if (pal && !(cJSON_IsString(pal) && strcmp(pal->valuestring, "voc") == 0)) {
        int n = cJSON_GetArraySize(pal);
        if (!cJSON_IsArray(pal) || n < 1 || n > 256)
            return bad(path, "palette", "must be \"voc\" or an array of up to 256 [r, g, b]");
        for (int i = 0; i < n; i++) {
            const cJSON *e = cJSON_GetArrayItem(pal, i);
            if (!cJSON_IsArray(e) || cJSON_GetArraySize(e) != 3)
                return bad(path, "palette", "entries must be [r, g, b]");
            for (int k = 0; k < 3; k++) {
                const cJSON *x = cJSON_GetArrayItem(e, k);
                if (!cJSON_IsNumber(x) || x->valuedouble < 0 || x->valuedouble > 255)
                    return bad(path, "palette", "values must be in 0..255");
                c->palette[3 * i + k] = (uint8_t)x->valuedouble;
            }
        }
    }
    return SEG_OK;
}

int seg_semantic_config_load(const char *path, seg_semantic_config *cfg)
{
    seg__clear_error();
    if (!path || !cfg)
        return seg__fail(SEG_EINVAL, "model config: NULL argument");
    seg_semantic_config_default(cfg);
    FILE *f = fopen(path, "rb");
    if (!f)
        return seg__fail(SEG_EIO, "model config %s: %s", path, strerror(errno));
    char *text = NULL;
    size_t len = 0, cap = 0;
    int rc = SEG_OK;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? 2 * cap : 8192;
            if (cap > (1u << 24)) {
                rc = seg__fail(SEG_ELIMIT, "model config %s: larger than 16 MiB", path);
                break;
            }
            char *t = realloc(text, cap);
            if (!t) {
                rc = seg__fail(SEG_ENOMEM, "model config: out of memory");
                break;
            }
            text = t;
        }
        size_t got = fread(text + len, 1, 4096, f);
        len += got;
        if (got < 4096)
            break;
    }
    fclose(f);
    if (!rc)
        rc = seg__semantic_config_parse(text, len, path, cfg);
    free(text);
    return rc;
}

int seg__semantic_config_parse(const char *text, size_t len, const char *name,
                               seg_semantic_config *cfg)
{
    seg_semantic_config_default(cfg);
    cJSON *root = cJSON_ParseWithLength(text, len);
    int rc = root ? parse(root, cfg, name)
                  : seg__fail(SEG_EFORMAT, "model config %s: not valid JSON", name);
    cJSON_Delete(root);
    if (rc)
        seg_semantic_config_clear(cfg);
    return rc;
}
