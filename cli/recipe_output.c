/* Shared output of the segmentation methods: label map, overlay, mask, objects.json. */
#include "recipe_output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_for_each_image(const cli_args *a, const char *dir, cli_image_fn fn, void *ctx)
{
    int status = cli_make_dirs(a, dir);
    for (int i = 0; !status && i < a->npos; i++) {
        char sub[4096];
        if (a->npos == 1) {
            snprintf(sub, sizeof sub, "%s", dir);
        } else {
            const char *base = strrchr(a->pos[i], '/');
            base = base ? base + 1 : a->pos[i];
            int n = snprintf(sub, sizeof sub, "%s/%s", dir, base);
            char *dot = strrchr(sub, '.');
            if (dot && dot > sub + (n - (int)strlen(base)))
                *dot = '\0';
            if ((status = cli_make_dirs(a, sub)))
                break;
        }
        status = fn(a, a->pos[i], sub, ctx);
    }
    return status;
}

int cli_read_bgr(const cli_args *a, const char *path, seg_image *img)
{
    seg_read_options ro = seg_read_options_default();
    ro.mode = SEG_IMREAD_COLOR;
    int rc = seg_imread(path, img, &ro);
    return rc ? cli_fail_status(a, rc, "read") : 0;
}

int cli_write_png(const cli_args *a, const char *dir, const char *name, const seg_image *img)
{
    char path[4096 + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    seg_write_options wo = seg_write_options_default();
    int rc = seg_imwrite(path, img, &wo);
    return rc ? cli_fail_status(a, rc, "write") : 0;
}

int cli_write_recipe(const cli_args *a, const char *method, const char *dir,
                     const char *image_path, const seg_image *labels, const seg_image *overlay,
                     const seg_image *mask, const seg_objects *given)
{
    seg_image l16 = {0};
    seg_objects *own = NULL;
    const seg_objects *objs = given;
    char *json = NULL;
    int status = 0, rc;
    if ((rc = seg_image_convert(labels, &l16, SEG_U16, 1.0, 0.0))) /* saturates -1 to 0 */
        return cli_fail_status(a, rc, "labels");
    if (!objs) {
        rc = seg_objects_from_labels(labels, &own);
        objs = own;
    }
    if (rc || (rc = seg_objects_to_json(objs, image_path, labels->width, labels->height, &json))) {
        status = cli_fail_status(a, rc, "objects");
        goto done;
    }
    if ((status = cli_write_png(a, dir, "labels.png", &l16)))
        goto done;
    if (overlay && (status = cli_write_png(a, dir, "overlay.png", overlay)))
        goto done;
    if (mask && (status = cli_write_png(a, dir, "mask.png", mask)))
        goto done;
    char path[4096 + 64];
    snprintf(path, sizeof path, "%s/objects.json", dir);
    if ((status = cli_write_file(a, path, json, strlen(json))))
        goto done;
    cli_info("%s: %s -> %s/ (%d objects; labels.png%s%s, objects.json)", method, image_path, dir,
             objs->count, overlay ? ", overlay.png" : "", mask ? ", mask.png" : "");
done:
    seg_free(json);
    seg_objects_free(own);
    seg_image_free(&l16);
    return status;
}
