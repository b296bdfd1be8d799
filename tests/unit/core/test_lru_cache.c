/* test_lru_cache.c — the response cache's store: lookups, least-recently-used eviction
 * at the byte bound, replacement, refusal of blobs larger than the cache, purging by
 * owner, readers keeping evicted blobs alive, and a multi-threaded run (label
 * concurrency: the TSan stage runs it) that checks every blob read is the one stored
 * under its key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lru_cache.h"

static void make_key(uint8_t key[LRU_KEY_SIZE], uint64_t n)
{
  memset(key, 0, LRU_KEY_SIZE);
  /* Spread the number over the bytes the table uses and the rest of the key. */
  for (int i = 0; i < 8; i++) {
    key[i] = (uint8_t)((n * 0x9e3779b97f4a7c15ull) >> (8 * i));
    key[16 + i] = (uint8_t)(n >> (8 * i));
  }
}

/* A malloc'ed blob of `size` bytes, each `fill`. */
static void *blob(size_t size, int fill)
{
  void *b = malloc(size ? size : 1);
  assert_non_null(b);
  memset(b, fill, size);
  return b;
}

static bool present(lru_cache *c, uint64_t n)
{
  uint8_t key[LRU_KEY_SIZE];
  make_key(key, n);
  lru_item *it = lru_lookup(c, key);
  lru_release(it);
  return it != NULL;
}

static void lookup_returns_the_stored_blob(void **state)
{
  (void)state;
  lru_cache *c = lru_new(1 << 20);
  uint8_t k1[LRU_KEY_SIZE], k2[LRU_KEY_SIZE];
  make_key(k1, 1);
  make_key(k2, 2);
  assert_null(lru_lookup(c, k1));
  assert_int_equal(lru_insert(c, k1, 7, blob(100, 'a'), 100), LRU_INSERTED);
  assert_int_equal(lru_insert(c, k2, 7, blob(50, 'b'), 50), LRU_INSERTED);
  lru_item *it = lru_lookup(c, k1);
  assert_non_null(it);
  assert_int_equal(it->size, 100);
  assert_int_equal(((const char *)it->data)[99], 'a');
  assert_int_equal(it->owner, 7);
  lru_release(it);
  lru_counters n;
  lru_get_counters(c, &n);
  assert_int_equal(n.entries, 2);
  assert_int_equal(n.bytes, 150 + 2 * lru_item_overhead());
  assert_int_equal(n.lookups, 2);
  assert_int_equal(n.hits, 1);
  assert_int_equal(n.inserts, 2);
  lru_free(c);
}

/* Room for exactly three 100-byte blobs: the fourth evicts the least recently used,
 * where a lookup counts as a use. */
static void evicts_least_recently_used_at_the_byte_bound(void **state)
{
  (void)state;
  size_t one = 100 + lru_item_overhead();
  lru_cache *c = lru_new(3 * one);
  uint8_t key[LRU_KEY_SIZE];
  for (uint64_t i = 1; i <= 3; i++) {
    make_key(key, i);
    assert_int_equal(lru_insert(c, key, 0, blob(100, (int)i), 100), LRU_INSERTED);
  }
  assert_true(present(c, 1)); /* 1 is now the most recent; 2 the least */
  make_key(key, 4);
  assert_int_equal(lru_insert(c, key, 0, blob(100, 4), 100), LRU_INSERTED);
  assert_false(present(c, 2));
  assert_true(present(c, 1));
  assert_true(present(c, 3));
  assert_true(present(c, 4));
  /* Recency now (newest first): 4, 3, 1. A blob charged like two small ones evicts the
   * two oldest, 1 and 3, and no more. */
  size_t big = 2 * one - lru_item_overhead();
  make_key(key, 5);
  assert_int_equal(lru_insert(c, key, 0, blob(big, 5), big), LRU_INSERTED);
  assert_false(present(c, 1));
  assert_false(present(c, 3));
  assert_true(present(c, 4));
  assert_true(present(c, 5));
  lru_counters n;
  lru_get_counters(c, &n);
  assert_int_equal(n.bytes, 3 * one);
  assert_int_equal(n.entries, 2);
  assert_int_equal(n.evictions, 3);
  lru_free(c);
}

static void same_key_replaces(void **state)
{
  (void)state;
  lru_cache *c = lru_new(1 << 20);
  uint8_t key[LRU_KEY_SIZE];
  make_key(key, 9);
  assert_int_equal(lru_insert(c, key, 1, blob(10, 'x'), 10), LRU_INSERTED);
  assert_int_equal(lru_insert(c, key, 2, blob(20, 'y'), 20), LRU_REPLACED);
  lru_item *it = lru_lookup(c, key);
  assert_int_equal(it->size, 20);
  assert_int_equal(((const char *)it->data)[0], 'y');
  assert_int_equal(it->owner, 2);
  lru_release(it);
  lru_counters n;
  lru_get_counters(c, &n);
  assert_int_equal(n.entries, 1);
  assert_int_equal(n.bytes, 20 + lru_item_overhead());
  lru_free(c);
}

static void larger_than_the_cache_is_refused(void **state)
{
  (void)state;
  lru_cache *c = lru_new(1000);
  uint8_t key[LRU_KEY_SIZE];
  make_key(key, 1);
  assert_int_equal(lru_insert(c, key, 0, blob(10, 'a'), 10), LRU_INSERTED);
  make_key(key, 2);
  assert_int_equal(lru_insert(c, key, 0, blob(1000, 'b'), 1000), LRU_TOO_LARGE);
  assert_false(present(c, 2));
  assert_true(present(c, 1)); /* nothing was evicted for it */
  lru_free(c);
}

static void purge_drops_one_owner(void **state)
{
  (void)state;
  lru_cache *c = lru_new(1 << 20);
  uint8_t key[LRU_KEY_SIZE];
  for (uint64_t i = 0; i < 300; i++) { /* enough to grow the table a few times */
    make_key(key, i);
    assert_int_equal(lru_insert(c, key, i % 3, blob(8, (int)i), 8), LRU_INSERTED);
  }
  assert_int_equal(lru_purge_owner(c, 1), 100);
  for (uint64_t i = 0; i < 300; i++)
    assert_int_equal(present(c, i), i % 3 != 1);
  lru_counters n;
  lru_get_counters(c, &n);
  assert_int_equal(n.entries, 200);
  assert_int_equal(n.bytes, 200 * (8 + lru_item_overhead()));
  lru_free(c);
}

/* An item evicted (or the whole cache freed) while a reader holds it stays readable. */
static void readers_keep_evicted_blobs(void **state)
{
  (void)state;
  lru_cache *c = lru_new(100 + lru_item_overhead());
  uint8_t k1[LRU_KEY_SIZE], k2[LRU_KEY_SIZE];
  make_key(k1, 1);
  make_key(k2, 2);
  lru_insert(c, k1, 0, blob(100, 'a'), 100);
  lru_item *held = lru_lookup(c, k1);
  lru_insert(c, k2, 0, blob(100, 'b'), 100); /* evicts k1 */
  assert_null(lru_lookup(c, k1));
  lru_item *second = lru_lookup(c, k2);
  lru_free(c);
  assert_int_equal(((const char *)held->data)[50], 'a');
  assert_int_equal(((const char *)second->data)[50], 'b');
  lru_release(held); /* ASan checks these are the last references */
  lru_release(second);
}

/* ---- threads ------------------------------------------------------------------------ */

enum { THREADS = 4, ROUNDS = 4000, KEYS = 64 };

typedef struct worker {
  lru_cache *cache;
  unsigned seed;
  int wrong;
} worker;

/* Blob of key n: its size and every byte derive from n, so a reader can check it. */
static size_t size_of_key(uint64_t n) { return 16 + (n % 7) * 40; }

static void *work(void *arg)
{
  worker *w = arg;
  uint8_t key[LRU_KEY_SIZE];
  for (int r = 0; r < ROUNDS; r++) {
    uint64_t n = (uint64_t)rand_r(&w->seed) % KEYS;
    make_key(key, n);
    if (rand_r(&w->seed) % 3 == 0) {
      lru_insert(w->cache, key, n % 4, blob(size_of_key(n), (int)n), size_of_key(n));
    } else if (rand_r(&w->seed) % 50 == 0) {
      lru_purge_owner(w->cache, n % 4);
    } else {
      lru_item *it = lru_lookup(w->cache, key);
      if (it) {
        const uint8_t *d = it->data;
        if (it->size != size_of_key(n) || memcmp(it->key, key, LRU_KEY_SIZE) != 0)
          w->wrong++;
        for (size_t i = 0; i < it->size; i++)
          if (d[i] != (uint8_t)n)
            w->wrong++;
        lru_release(it);
      }
    }
  }
  return NULL;
}

static void concurrent_use_is_consistent(void **state)
{
  (void)state;
  /* Room for about a third of the keys: constant eviction. */
  lru_cache *c = lru_new(KEYS / 3 * (150 + lru_item_overhead()));
  pthread_t threads[THREADS];
  worker workers[THREADS];
  for (int i = 0; i < THREADS; i++) {
    workers[i] = (worker){c, (unsigned)(i + 1) * 7919u, 0};
    assert_int_equal(pthread_create(&threads[i], NULL, work, &workers[i]), 0);
  }
  for (int i = 0; i < THREADS; i++) {
    pthread_join(threads[i], NULL);
    assert_int_equal(workers[i].wrong, 0);
  }
  lru_counters n;
  lru_get_counters(c, &n);
  assert_true(n.bytes <= n.capacity);
  assert_true(n.evictions > 0);
  assert_true(n.hits > 0);
  lru_free(c);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(lookup_returns_the_stored_blob),
      cmocka_unit_test(evicts_least_recently_used_at_the_byte_bound),
      cmocka_unit_test(same_key_replaces),
      cmocka_unit_test(larger_than_the_cache_is_refused),
      cmocka_unit_test(purge_drops_one_owner),
      cmocka_unit_test(readers_keep_evicted_blobs),
      cmocka_unit_test(concurrent_use_is_consistent),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
