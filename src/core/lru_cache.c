/* lru_cache.c — byte-bounded LRU map of 32-byte keys to blobs (see lru_cache.h).
 *
 * Notes on the design:
 *   1. One mutex guards the hash table, the recency list and the counters. Under it the
 *      work is O(1) per lookup and insert (plus one free per eviction); blobs are never
 *      copied under it — readers copy after lru_lookup returns.
 *   2. Keys are digests (uniformly distributed), so a bucket is picked from the key's
 *      first 8 bytes; the table doubles when it holds more items than buckets.
 *   3. Invariants (checked by assert in debug builds):
 *        bytes == sum of charge over linked items, bytes <= capacity;
 *        an item is linked (in table and list) iff the cache holds a reference to it;
 *        refs >= 1 while linked or referenced by a reader; the last release frees it.
 *   4. The recency list runs from `newest` to `oldest` through `older`; eviction takes
 *      `oldest`. */
#include "lru_cache.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct lru_cache {
  pthread_mutex_t mu;
  lru_item **buckets;
  size_t bucket_count; /* a power of two */
  lru_item *newest, *oldest;
  lru_counters counters;
};

size_t lru_item_overhead(void) { return sizeof(lru_item) + sizeof(lru_item *); }

static size_t bucket_of(const lru_cache *c, const uint8_t key[LRU_KEY_SIZE])
{
  uint64_t h;
  memcpy(&h, key, sizeof(h));
  return (size_t)h & (c->bucket_count - 1);
}

lru_cache *lru_new(uint64_t capacity)
{
  lru_cache *c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  c->bucket_count = 64;
  c->buckets = calloc(c->bucket_count, sizeof(*c->buckets));
  if (!c->buckets) {
    free(c);
    return NULL;
  }
  pthread_mutex_init(&c->mu, NULL);
  c->counters.capacity = capacity;
  return c;
}

static void item_free(lru_item *item)
{
  free((void *)item->data);
  free(item);
}

void lru_release(lru_item *item)
{
  if (item && __atomic_sub_fetch(&item->refs, 1, __ATOMIC_ACQ_REL) == 0)
    item_free(item);
}

/* Removes `item` from the table and the list and drops the cache's reference.
 * Caller holds c->mu. */
static void unlink_locked(lru_cache *c, lru_item *item)
{
  lru_item **slot = &c->buckets[bucket_of(c, item->key)];
  while (*slot != item) {
    assert(*slot != NULL);
    slot = &(*slot)->bucket_next;
  }
  *slot = item->bucket_next;
  if (item->newer)
    item->newer->older = item->older;
  else
    c->newest = item->older;
  if (item->older)
    item->older->newer = item->newer;
  else
    c->oldest = item->newer;
  item->newer = item->older = item->bucket_next = NULL;
  assert(c->counters.bytes >= item->charge && c->counters.entries > 0);
  c->counters.bytes -= item->charge;
  c->counters.entries--;
  lru_release(item);
}

void lru_free(lru_cache *c)
{
  if (!c)
    return;
  pthread_mutex_lock(&c->mu);
  while (c->oldest)
    unlink_locked(c, c->oldest);
  pthread_mutex_unlock(&c->mu);
  pthread_mutex_destroy(&c->mu);
  free(c->buckets);
  free(c);
}

static lru_item *find_locked(lru_cache *c, const uint8_t key[LRU_KEY_SIZE])
{
  for (lru_item *it = c->buckets[bucket_of(c, key)]; it; it = it->bucket_next)
    if (memcmp(it->key, key, LRU_KEY_SIZE) == 0)
      return it;
  return NULL;
}

/* Makes a linked item the newest. Caller holds c->mu. */
static void touch_locked(lru_cache *c, lru_item *item)
{
  if (c->newest == item)
    return;
  /* unlink from its place (it has a newer neighbour, since it is not the newest) */
  item->newer->older = item->older;
  if (item->older)
    item->older->newer = item->newer;
  else
    c->oldest = item->newer;
  item->newer = NULL;
  item->older = c->newest;
  c->newest->newer = item;
  c->newest = item;
}

lru_item *lru_lookup(lru_cache *c, const uint8_t key[LRU_KEY_SIZE])
{
  pthread_mutex_lock(&c->mu);
  c->counters.lookups++;
  lru_item *item = find_locked(c, key);
  if (item) {
    c->counters.hits++;
    touch_locked(c, item);
    __atomic_add_fetch(&item->refs, 1, __ATOMIC_ACQ_REL);
  }
  pthread_mutex_unlock(&c->mu);
  return item;
}

/* Doubles the table (keeps the old one on out of memory). Caller holds c->mu. */
static void grow_locked(lru_cache *c)
{
  size_t n = c->bucket_count * 2;
  lru_item **grown = calloc(n, sizeof(*grown));
  if (!grown)
    return;
  lru_item **old = c->buckets;
  size_t old_count = c->bucket_count;
  c->buckets = grown;
  c->bucket_count = n;
  for (size_t b = 0; b < old_count; b++)
    for (lru_item *it = old[b], *next; it; it = next) {
      next = it->bucket_next;
      size_t slot = bucket_of(c, it->key);
      it->bucket_next = grown[slot];
      grown[slot] = it;
    }
  free(old);
}

lru_insert_result lru_insert(lru_cache *c, const uint8_t key[LRU_KEY_SIZE], uint64_t owner,
                             void *data, size_t size)
{
  size_t charge = size + lru_item_overhead();
  if (charge < size || charge > c->counters.capacity) {
    free(data);
    return LRU_TOO_LARGE;
  }
  lru_item *item = calloc(1, sizeof(*item));
  if (!item) {
    free(data);
    return LRU_NO_MEMORY;
  }
  item->data = data;
  item->size = size;
  item->owner = owner;
  item->charge = charge;
  item->refs = 1; /* the cache's */
  memcpy(item->key, key, LRU_KEY_SIZE);

  lru_insert_result result = LRU_INSERTED;
  pthread_mutex_lock(&c->mu);
  lru_item *same = find_locked(c, key);
  if (same) {
    unlink_locked(c, same);
    result = LRU_REPLACED;
  }
  while (c->counters.bytes + charge > c->counters.capacity) {
    assert(c->oldest != NULL);
    unlink_locked(c, c->oldest);
    c->counters.evictions++;
  }
  if (c->counters.entries >= c->bucket_count)
    grow_locked(c);
  size_t slot = bucket_of(c, key);
  item->bucket_next = c->buckets[slot];
  c->buckets[slot] = item;
  item->older = c->newest;
  if (c->newest)
    c->newest->newer = item;
  c->newest = item;
  if (!c->oldest)
    c->oldest = item;
  c->counters.bytes += charge;
  c->counters.entries++;
  c->counters.inserts++;
  assert(c->counters.bytes <= c->counters.capacity);
  pthread_mutex_unlock(&c->mu);
  return result;
}

size_t lru_purge_owner(lru_cache *c, uint64_t owner)
{
  size_t dropped = 0;
  pthread_mutex_lock(&c->mu);
  for (lru_item *it = c->oldest, *newer; it; it = newer) {
    newer = it->newer;
    if (it->owner == owner) {
      unlink_locked(c, it);
      dropped++;
    }
  }
  pthread_mutex_unlock(&c->mu);
  return dropped;
}

void lru_get_counters(lru_cache *c, lru_counters *out)
{
  pthread_mutex_lock(&c->mu);
  *out = c->counters;
  pthread_mutex_unlock(&c->mu);
}
