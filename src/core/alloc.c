/* Aligned allocation for pixel buffers. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void *seg__malloc(size_t n)
{
    void *p = NULL;
    size_t rounded;
    if (!seg__add(n ? n : 1, SEG_ALIGN - 1, &rounded))
        return NULL;
    rounded &= ~(size_t)(SEG_ALIGN - 1);
    if (posix_memalign(&p, SEG_ALIGN, rounded) != 0)
        return NULL;
    return p;
}

void *seg__calloc(size_t n, size_t size)
{
    size_t total;
    if (!seg__mul(n, size, &total))
        return NULL;
    void *p = seg__malloc(total);
    if (p)
        memset(p, 0, total);
    return p;
}

void seg__free(void *p)
{
    free(p);
}
