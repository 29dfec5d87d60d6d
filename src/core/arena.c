/* Bump allocator: blocks of at least 64 KiB, freed all at once. */
#include "core/arena.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

struct seg_arena_block {
    seg_arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

void *seg__arena_alloc(seg_arena *a, size_t n)
{
    size_t need;
    if (!seg__add(n, 15, &need))
        return NULL;
    need &= ~(size_t)15;
    seg_arena_block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t size = need > 65536 ? need : 65536, total;
        if (!seg__add(size, sizeof *b, &total))
            return NULL;
        b = malloc(total);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->used += need;
    memset(p, 0, need);
    return p;
}

void *seg__arena_array(seg_arena *a, size_t n, size_t size)
{
    size_t total;
    return seg__mul(n, size, &total) ? seg__arena_alloc(a, total ? total : 1) : NULL;
}

char *seg__arena_strndup(seg_arena *a, const void *s, size_t len)
{
    size_t n;
    if (!seg__add(len, 1, &n))
        return NULL;
    char *p = seg__arena_alloc(a, n);
    if (p && len)
        memcpy(p, s, len);
    return p;
}

void seg__arena_free(seg_arena *a)
{
    for (seg_arena_block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    a->head = NULL;
    a->used = 0;
}
