/* Helpers shared by the contours and components commands: reading any image as a
 * binary mask, and writing a text file atomically (temporary name, then rename). */
#ifndef SEG_CLI_MASK_H
#define SEG_CLI_MASK_H

#include "cli.h"

#include <stdio.h>

/* Read path as a 1-channel u8 mask: a pixel is foreground (1) when any of its channels
 * is non-zero (8- or 16-bit, gray or colour). On failure prints the error and returns 2. */
int cli_read_mask(const cli_args *a, const char *path, seg_image *mask);

/* Open "<path>.tmp.<pid>" for writing; tmp receives its name. NULL on failure (printed). */
FILE *cli_open_atomic(const cli_args *a, const char *path, char *tmp, size_t tmp_size);
/* Close f and rename tmp over path; on any error remove tmp, print, return 2. */
int cli_commit_atomic(const cli_args *a, FILE *f, const char *tmp, const char *path);

#endif
