/*
 * shm_registry.h — registered shared-memory regions (Triton's system and CUDA shared
 * memory extensions, spec §4.6): a client creates a POSIX shared memory object, or GPU
 * memory it shares through a CUDA IPC handle, registers it by name, and inference inputs
 * and outputs then live in that region. Names are unique across both kinds, as in Triton.
 */
#ifndef TORCHD_FRONTEND_SHM_REGISTRY_H
#define TORCHD_FRONTEND_SHM_REGISTRY_H

#include "strbuf.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct shm_region {
  char *name;          /* owned */
  bool on_gpu;         /* a CUDA region: device_base on device_id, no key/mapping */
  int device_id;
  void *device_base;   /* from cuda_ipc_open, closed with the region */
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

/* Open a client's CUDA IPC handle (CUDA_IPC_HANDLE_SIZE bytes) on GPU `device_id` and
 * register its first byte_size bytes as `name`. Returns NULL or a malloc'd message;
 * *status gets 400, or 500 when the handle cannot be opened (no driver, bad handle). */
char *shm_registry_register_cuda(shm_registry *r, const char *name, const unsigned char *handle,
                                 int device_id, uint64_t byte_size, int *status);

/* Unregister system region `name`, or every system region when `name` is NULL/"" (the
 * _cuda variant: CUDA regions). Returns NULL or a message; unknown names are not an error
 * (Triton behaves the same). */
char *shm_registry_unregister(shm_registry *r, const char *name);
char *shm_registry_unregister_cuda(shm_registry *r, const char *name);

/* Append the status JSON array ([{"name","key","offset","byte_size"}]) of `name`, or all
 * when NULL/"". Returns NULL, or a message (404) when a named region is unknown. */
char *shm_registry_status(shm_registry *r, const char *name, strbuf *out);
/* The same for CUDA regions: [{"name","device_id","byte_size"}]. */
char *shm_registry_status_cuda(shm_registry *r, const char *name, strbuf *out);

/*
 * Resolve [offset, offset+byte_size) inside region `name` to an address. Returns NULL
 * with *address set, or a malloc'd message (Triton's) when the region is unknown
 * (*status 404) or the range does not fit (*status 400). The address stays valid until
 * the region is unregistered.
 */
char *shm_registry_resolve(shm_registry *r, const char *name, uint64_t offset,
                           uint64_t byte_size, void **address, int *status);
/* shm_registry_resolve that also says where the memory is: *device is -1 for host memory
 * (a system region), else the GPU of a CUDA region (the address is a device pointer). */
char *shm_registry_locate(shm_registry *r, const char *name, uint64_t offset,
                          uint64_t byte_size, void **address, int *device, int *status);

#endif
