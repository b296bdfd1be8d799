/*
 * arena.c — per-request memory pool (see arena.h). Small requests are carved out of 4 KiB
 * blocks; a request larger than a block gets a block of its own, so big decoded tensors
 * do not waste a half-filled block.
 */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_BLOCK_PAYLOAD = 4096 };

struct arena_block {
  arena_block *next;
  size_t used;
  size_t capacity;
  alignas(max_align_t) unsigned char data[];
};

void arena_init(arena *a) { a->head = NULL; }

static size_t align_up(size_t n) {
  const size_t align = alignof(max_align_t);
  return (n + align - 1) & ~(align - 1);
}

void *arena_alloc(arena *a, size_t size) {
  if (size > SIZE_MAX - alignof(max_align_t) - sizeof(arena_block)) return NULL;
  size_t need = align_up(size == 0 ? 1 : size);
  arena_block *block = a->head;
  if (block == NULL || block->capacity - block->used < need) {
    size_t capacity = need > ARENA_BLOCK_PAYLOAD ? need : ARENA_BLOCK_PAYLOAD;
    arena_block *fresh = malloc(sizeof(arena_block) + capacity);
    if (fresh == NULL) return NULL;
    fresh->used = 0;
    fresh->capacity = capacity;
    if (need > ARENA_BLOCK_PAYLOAD && block != NULL) {
      /* A dedicated big block goes behind the current one so the current block keeps
       * serving small allocations. */
      fresh->next = block->next;
      block->next = fresh;
    } else {
      fresh->next = block;
      a->head = fresh;
    }
    block = fresh;
  }
  void *out = block->data + block->used;
  block->used += need;
  memset(out, 0, size);
  return out;
}

char *arena_strndup(arena *a, const char *s, size_t len) {
  char *out = arena_alloc(a, len + 1);
  if (out == NULL) return NULL;
  if (len > 0) memcpy(out, s, len);
  out[len] = '\0';
  return out;
}

void arena_release(arena *a) {
  arena_block *block = a->head;
  while (block != NULL) {
    arena_block *next = block->next;
    free(block);
    block = next;
  }
  a->head = NULL;
}
