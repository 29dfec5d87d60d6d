/* What every `segkit segment` method writes, and its per-image folder rule. */
#ifndef SEG_CLI_RECIPE_OUTPUT_H
#define SEG_CLI_RECIPE_OUTPUT_H

#include "cli.h"

/* For each positional image: the output folder is DIR itself for one image, DIR/STEM for
 * several (created). fn returns 0 or an exit status (2 stops the loop). */
typedef int (*cli_image_fn)(const cli_args *a, const char *image_path, const char *dir,
                            void *ctx);
int cli_for_each_image(const cli_args *a, const char *dir, cli_image_fn fn, void *ctx);

/* Read an image as 8-bit BGR (gray files are expanded, as cv2.IMREAD_COLOR). */
int cli_read_bgr(const cli_args *a, const char *path, seg_image *img);

/* Write img as dir/name (a PNG, under a temporary name then renamed); 0 or exit status 2
 * after printing the error. */
int cli_write_png(const cli_args *a, const char *dir, const char *name, const seg_image *img);

/* Write labels.png (16-bit; labels <= 0 become 0), objects.json (seg_objects_to_json),
 * overlay.png (when given) and mask.png (when given) into dir; print one line. objs:
 * the labels' objects when the caller has them already, else NULL (computed here). */
int cli_write_recipe(const cli_args *a, const char *method, const char *dir,
                     const char *image_path, const seg_image *labels, const seg_image *overlay,
                     const seg_image *mask, const seg_objects *objs);

#endif
