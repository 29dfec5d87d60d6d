/* A bump allocator for objects that live and die together (a parsed model, an index). */
#ifndef SEG_ARENA_H
#define SEG_ARENA_H

#include <stddef.h>

typedef struct seg_arena_block seg_arena_block;
typedef struct seg_arena {
    seg_arena_block *head;
    size_t used; /* total bytes handed out, for memory reports */
} seg_arena;

/* n bytes, 16-byte aligned, zero-filled; NULL when out of memory or n overflows. */
void *seg__arena_alloc(seg_arena *a, size_t n);
/* n elements of `size` bytes, checked. */
void *seg__arena_array(seg_arena *a, size_t n, size_t size);
/* A NUL-terminated copy of len bytes of s. */
char *seg__arena_strndup(seg_arena *a, const void *s, size_t len);
/* Release everything; the arena is empty afterwards. */
void seg__arena_free(seg_arena *a);

#endif
