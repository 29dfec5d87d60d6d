/* Helper shared by the contours and components commands: reading any image as a binary
 * mask. (Atomic text output is the framework's: cli_open_atomic in cli.h.) */
#ifndef SEG_CLI_MASK_H
#define SEG_CLI_MASK_H

#include "cli.h"

#include <stdio.h>

/* Read path as a 1-channel u8 mask: a pixel is foreground (1) when any of its channels
 * is non-zero (8- or 16-bit, gray or colour). On failure prints the error and returns 2. */
int cli_read_mask(const cli_args *a, const char *path, seg_image *mask);

#endif
