/* lru_cache.h — a thread-safe map from 32-byte keys to immutable byte blobs, bounded in
 * bytes, evicting the least recently used blob first: the store behind the response
 * cache (response_cache.h), which knows what the keys and blobs mean.
 *
 * Items are reference counted, so a reader copies a blob out without holding the cache's
 * lock and an eviction never frees a blob under a reader: lru_lookup returns the item with
 * a reference the caller drops with lru_release. The byte bound counts what the cache
 * itself holds (each blob plus a fixed per-item overhead); a blob evicted while a reader
 * still holds it is freed when that reader releases it.
 *
 * Every function may be called from any thread. */
#ifndef TORCHD_CORE_LRU_CACHE_H
#define TORCHD_CORE_LRU_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { LRU_KEY_SIZE = 32 };

typedef struct lru_cache lru_cache;

/* One cached blob. `data`/`size` are immutable while anyone holds a reference. */
typedef struct lru_item {
  const void *data;
  size_t size;
  uint64_t owner; /* the tag given at insertion (lru_purge_owner) */
  uint8_t key[LRU_KEY_SIZE];
  /* Private to lru_cache.c. */
  int refs;                              /* atomic */
  size_t charge;                         /* bytes counted against the capacity */
  struct lru_item *newer, *older;        /* recency list (guarded by the cache lock) */
  struct lru_item *bucket_next;          /* hash chain (guarded by the cache lock) */
} lru_item;

typedef enum lru_insert_result {
  LRU_INSERTED = 0,
  LRU_REPLACED,  /* an item with the same key was there; it was dropped */
  LRU_TOO_LARGE, /* the blob alone exceeds the capacity: not cached */
  LRU_NO_MEMORY  /* not cached */
} lru_insert_result;

typedef struct lru_counters {
  uint64_t capacity;  /* bytes */
  uint64_t bytes;     /* charged bytes held now */
  uint64_t entries;   /* items held now */
  uint64_t lookups, hits, inserts, evictions;
} lru_counters;

/* Per-item bytes charged on top of the blob (the item, its hash chain slot). */
size_t lru_item_overhead(void);

/* A cache holding at most `capacity` charged bytes. NULL on out of memory. The caller
 * owns it (lru_free). */
lru_cache *lru_new(uint64_t capacity);

/* Drops every item the cache holds and frees the cache. Items still referenced by
 * readers stay valid until lru_release. */
void lru_free(lru_cache *cache);

/* The item stored under `key`, with a reference the caller must drop with lru_release,
 * or NULL. A hit makes the item the most recently used. */
lru_item *lru_lookup(lru_cache *cache, const uint8_t key[LRU_KEY_SIZE]);

/* Drops a reference from lru_lookup (NULL allowed). */
void lru_release(lru_item *item);

/* Stores `data` (malloc'ed, `size` bytes; ownership passes to the cache in every case,
 * freed at once when not cached) under `key`, tagged with `owner`. An item with the same
 * key is replaced. Least recently used items are evicted until the new one fits. */
lru_insert_result lru_insert(lru_cache *cache, const uint8_t key[LRU_KEY_SIZE], uint64_t owner,
                             void *data, size_t size);

/* Drops every item tagged `owner`; returns how many. */
size_t lru_purge_owner(lru_cache *cache, uint64_t owner);

void lru_get_counters(lru_cache *cache, lru_counters *out);

#endif
