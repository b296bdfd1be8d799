/*
 * arena.h — a per-request memory pool for the HTTP frontend.
 *
 * Why: a parsed inference request holds many small pieces (names, shapes, decoded
 * tensors, parameter strings) that all live exactly as long as the request. Allocating
 * them from one arena means one free at the end and no per-field ownership dance
 * (the nginx ngx_pool idea from STYLE.md).
 */
#ifndef TORCHD_FRONTEND_ARENA_H
#define TORCHD_FRONTEND_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;

typedef struct arena {
  arena_block *head; /* newest block first */
} arena;

/* Initialise an empty arena (no memory is taken until the first allocation). */
void arena_init(arena *a);

/* Allocate `size` bytes aligned for any type, zero-filled. Returns NULL only when
 * malloc fails. The memory belongs to the arena and is released by arena_release. */
void *arena_alloc(arena *a, size_t size);

/* Copy `len` bytes of `s` into the arena and add a terminating NUL. Owned by the arena. */
char *arena_strndup(arena *a, const char *s, size_t len);

/* Free every block of the arena; the arena is empty and reusable afterwards. */
void arena_release(arena *a);

#endif
