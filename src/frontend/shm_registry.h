/*
 * shm_registry.h — registered system shared-memory regions (Triton's system shared
 * memory extension, spec §4.6): a client creates a POSIX shared memory object, registers
 * a window of it by name, and inference inputs/outputs then live in that window.
 */
#ifndef TORCHD_FRONTEND_SHM_REGISTRY_H
#define TORCHD_FRONTEND_SHM_REGISTRY_H

#include "strbuf.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef struct shm_region {
  char *name;          /* owned */
  char *key;           /* shm_open key, owned */
  uint64_t offset;     /* window start inside the object */
  uint64_t byte_size;  /* window size */
  void *mapping;       /* mmap of [0, offset + byte_size) */
  size_t mapping_size;
  struct shm_region *next;
} shm_region;

typedef struct shm_registry {
  pthread_mutex_t lock;
  shm_region *regions;
} shm_registry;

void shm_registry_init(shm_registry *r);
/* Unmap and forget every region. */
void shm_registry_destroy(shm_registry *r);

/* Map `key` and register the window [offset, offset+byte_size) as `name`. Returns NULL
 * or a malloc'd message; *status gets the HTTP status for the error (400, or 500 when
 * the key cannot be opened, as Triton). */
char *shm_registry_register(shm_registry *r, const char *name, const char *key,
                            uint64_t offset, uint64_t byte_size, int *status);

/* Unregister `name`, or every region when `name` is NULL/"". Returns NULL or a message;
 * unknown names are not an error (Triton behaves the same). */
char *shm_registry_unregister(shm_registry *r, const char *name);

/* Append the status JSON array ([{"name","key","offset","byte_size"}]) of `name`, or all
 * when NULL/"". Returns NULL, or a message (404) when a named region is unknown. */
char *shm_registry_status(shm_registry *r, const char *name, strbuf *out);

/*
 * Resolve [offset, offset+byte_size) inside region `name` to an address. Returns NULL
 * with *address set, or a malloc'd message (Triton's) when the region is unknown
 * (*status 404) or the range does not fit (*status 400). The address stays valid until
 * the region is unregistered.
 */
char *shm_registry_resolve(shm_registry *r, const char *name, uint64_t offset,
                           uint64_t byte_size, void **address, int *status);

#endif
