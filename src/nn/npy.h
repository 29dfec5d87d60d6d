/* .npy reading from a stream (the file API and the fuzz target share it). */
#ifndef SEG_NN_NPY_H
#define SEG_NN_NPY_H

#include <segkit.h>
#include <stdio.h>

/* Read one .npy from fp; `name` is used in messages. */
int seg__npy_read_stream(FILE *fp, const char *name, seg_tensor *t);

#endif
