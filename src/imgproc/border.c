/* Border extrapolation shared by the filters: where a coordinate outside [0, len) reads
 * from, with the rules of OpenCV's borderInterpolate() (cv2.BORDER_* values). */
#include "filter_internal.h"

int seg__border_valid(int border)
{
    return border == SEG_BORDER_CONSTANT || border == SEG_BORDER_REPLICATE ||
           border == SEG_BORDER_REFLECT || border == SEG_BORDER_REFLECT_101;
}

int seg__border_index(int p, int len, int border)
{
    if ((unsigned)p < (unsigned)len)
        return p;
    switch (border) {
    case SEG_BORDER_REPLICATE:
        return p < 0 ? 0 : len - 1;
    case SEG_BORDER_REFLECT:
    case SEG_BORDER_REFLECT_101: {
        /* Reflect repeatedly, as borderInterpolate does for kernels wider than the image:
         * reflect:     fedcba|abcdefgh|hgfedcb
         * reflect-101: gfedcb|abcdefgh|gfedcba */
        int delta = border == SEG_BORDER_REFLECT_101;
        if (len == 1)
            return 0;
        do {
            if (p < 0)
                p = -p - 1 + delta;
            else
                p = len - 1 - (p - len) - delta;
        } while ((unsigned)p >= (unsigned)len);
        return p;
    }
    default: /* constant: nothing to read */
        return -1;
    }
}

int *seg__border_table(int len, int before, int after, int border)
{
    size_t n;
    if (!seg__add((size_t)len, (size_t)before + (size_t)after, &n) || !seg__mul(n, sizeof(int), &n))
        return NULL;
    int *t = seg__malloc(n);
    if (!t)
        return NULL;
    for (int i = 0; i < len + before + after; i++)
        t[i] = seg__border_index(i - before, len, border);
    return t;
}
