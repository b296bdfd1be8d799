/* shm_registry.c — shared-memory regions (see shm_registry.h): system ones by shm_open +
 * mmap, CUDA ones by opening the client's IPC handle (cuda_ipc.c). */
#include "shm_registry.h"

#include "cuda_ipc.h"
#include "errfmt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void shm_registry_init(shm_registry *r) {
  pthread_mutex_init(&r->lock, NULL);
  r->regions = NULL;
}

static void region_free(shm_region *region) {
  if (region->mapping != NULL) munmap(region->mapping, region->mapping_size);
  if (region->on_gpu) cuda_ipc_close(region->device_base, region->device_id);
  free(region->name);
  free(region->key);
  free(region);
}

static void unregister_kind(shm_registry *r, const char *name, bool on_gpu);

void shm_registry_destroy(shm_registry *r) {
  unregister_kind(r, NULL, false);
  unregister_kind(r, NULL, true);
  pthread_mutex_destroy(&r->lock);
}

static shm_region *find(shm_registry *r, const char *name) {
  for (shm_region *region = r->regions; region != NULL; region = region->next)
    if (strcmp(region->name, name) == 0) return region;
  return NULL;
}

char *shm_registry_register(shm_registry *r, const char *name, const char *key,
                            uint64_t offset, uint64_t byte_size, int *status) {
  *status = 400;
  if (byte_size == 0)
    return errfmt("shared memory region '%s': byte_size must be greater than 0", name);
  if (offset > SIZE_MAX - byte_size)
    return errfmt("shared memory region '%s': offset + byte_size overflows", name);
  pthread_mutex_lock(&r->lock);
  char *err = NULL;
  int fd = -1;
  if (find(r, name) != NULL) {
    err = errfmt("shared memory region '%s' already in manager", name);
    goto done;
  }
  /* Triton's SharedMemoryManager messages and codes: INTERNAL (500) when the key cannot
   * be opened or examined, INVALID_ARG (400) when the window does not fit the object. */
  fd = shm_open(key, O_RDWR, 0);
  if (fd < 0) {
    *status = 500;
    err = errfmt("Unable to open shared memory region: '%s'", key);
    goto done;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size < 0) {
    *status = 500;
    err = errfmt("Invalid shared memory region: '%s'", key);
    goto done;
  }
  if ((uint64_t)st.st_size < offset + byte_size) {
    err = errfmt("failed to register shared memory region '%s': invalid args", name);
    goto done;
  }
  size_t length = (size_t)(offset + byte_size);
  void *mapping = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (mapping == MAP_FAILED) {
    err = errfmt("failed to register shared memory region '%s': unable to process address "
                 "space%s", name, strerror(errno));
    goto done;
  }
  shm_region *region = calloc(1, sizeof(*region));
  if (region == NULL || (region->name = strdup(name)) == NULL ||
      (region->key = strdup(key)) == NULL) {
    munmap(mapping, length);
    if (region) free(region->name);
    free(region);
    err = errfmt("out of memory");
    goto done;
  }
  region->offset = offset;
  region->byte_size = byte_size;
  region->mapping = mapping;
  region->mapping_size = length;
  region->next = r->regions;
  r->regions = region;
done:
  if (fd >= 0) close(fd);
  pthread_mutex_unlock(&r->lock);
  return err;
}

/* Removes the regions of one kind named `name` (every one of that kind when NULL/""). */
static void unregister_kind(shm_registry *r, const char *name, bool on_gpu) {
  pthread_mutex_lock(&r->lock);
  shm_region **link = &r->regions;
  while (*link != NULL) {
    shm_region *region = *link;
    if (region->on_gpu == on_gpu &&
        (name == NULL || name[0] == '\0' || strcmp(region->name, name) == 0)) {
      *link = region->next;
      region_free(region);
    } else {
      link = &region->next;
    }
  }
  pthread_mutex_unlock(&r->lock);
}

char *shm_registry_unregister(shm_registry *r, const char *name) {
  unregister_kind(r, name, false);
  return NULL;
}

char *shm_registry_unregister_cuda(shm_registry *r, const char *name) {
  unregister_kind(r, name, true);
  return NULL;
}

char *shm_registry_register_cuda(shm_registry *r, const char *name, const unsigned char *handle,
                                 int device_id, uint64_t byte_size, int *status) {
  *status = 400;
  if (byte_size == 0)
    return errfmt("shared memory region '%s': byte_size must be greater than 0", name);
  if (device_id < 0)
    return errfmt("shared memory region '%s': device_id must not be negative", name);
  pthread_mutex_lock(&r->lock);
  char *err = NULL;
  void *base = NULL;
  if (find(r, name) != NULL) {
    err = errfmt("shared memory region '%s' already in manager", name);
  } else if ((err = cuda_ipc_open(handle, device_id, &base)) != NULL) {
    *status = 500;
  } else {
    shm_region *region = calloc(1, sizeof(*region));
    if (region == NULL || (region->name = strdup(name)) == NULL) {
      free(region);
      cuda_ipc_close(base, device_id);
      err = errfmt("out of memory");
    } else {
      region->on_gpu = true;
      region->device_id = device_id;
      region->device_base = base;
      region->byte_size = byte_size;
      region->next = r->regions;
      r->regions = region;
    }
  }
  pthread_mutex_unlock(&r->lock);
  return err;
}

static shm_region *find_kind(shm_registry *r, const char *name, bool on_gpu) {
  shm_region *region = find(r, name);
  return region != NULL && region->on_gpu == on_gpu ? region : NULL;
}

/* Status JSON of one kind: Triton's fields (system: name, key, offset, byte_size; CUDA:
 * name, device_id, byte_size). */
static char *status_kind(shm_registry *r, const char *name, bool on_gpu, strbuf *out) {
  pthread_mutex_lock(&r->lock);
  char *err = NULL;
  if (name != NULL && name[0] != '\0' && find_kind(r, name, on_gpu) == NULL) {
    err = errfmt("Unable to find %s shared memory region: '%s'", on_gpu ? "cuda" : "system",
                 name);
  } else {
    strbuf_append(out, "[", 1);
    bool first = true;
    for (shm_region *region = r->regions; region != NULL; region = region->next) {
      if (region->on_gpu != on_gpu) continue;
      if (name != NULL && name[0] != '\0' && strcmp(region->name, name) != 0) continue;
      if (!first) strbuf_append(out, ",", 1);
      first = false;
      strbuf_puts(out, "{\"name\":");
      strbuf_json_string(out, region->name, strlen(region->name));
      if (on_gpu) {
        strbuf_printf(out, ",\"device_id\":%d,\"byte_size\":%llu}", region->device_id,
                      (unsigned long long)region->byte_size);
        continue;
      }
      strbuf_puts(out, ",\"key\":");
      strbuf_json_string(out, region->key, strlen(region->key));
      strbuf_printf(out, ",\"offset\":%llu,\"byte_size\":%llu}",
                    (unsigned long long)region->offset, (unsigned long long)region->byte_size);
    }
    strbuf_append(out, "]", 1);
  }
  pthread_mutex_unlock(&r->lock);
  return err;
}

char *shm_registry_status(shm_registry *r, const char *name, strbuf *out) {
  return status_kind(r, name, false, out);
}

char *shm_registry_status_cuda(shm_registry *r, const char *name, strbuf *out) {
  return status_kind(r, name, true, out);
}

char *shm_registry_resolve(shm_registry *r, const char *name, uint64_t offset,
                           uint64_t byte_size, void **address, int *status) {
  int device = -1;
  return shm_registry_locate(r, name, offset, byte_size, address, &device, status);
}

char *shm_registry_locate(shm_registry *r, const char *name, uint64_t offset,
                          uint64_t byte_size, void **address, int *device, int *status) {
  pthread_mutex_lock(&r->lock);
  char *err = NULL;
  *status = 400;
  shm_region *region = find(r, name);
  /* Triton's SharedMemoryManager::GetMemoryInfo, message for message. */
  if (region == NULL) {
    *status = 404;
    err = errfmt("Unable to find shared memory region: '%s'", name);
  } else if (offset >= region->byte_size) {
    err = errfmt("Invalid offset for shared memory region: '%s'", name);
  } else if (byte_size > SIZE_MAX - offset) {
    err = errfmt("Integer overflow detected: byte_size (%llu) + offset (%llu) exceeds maximum "
                 "value (%llu) for region '%s'",
                 (unsigned long long)byte_size, (unsigned long long)offset,
                 (unsigned long long)SIZE_MAX, name);
  } else if (byte_size > region->byte_size - offset) {
    err = errfmt("Invalid offset + byte size for shared memory region: '%s'", name);
  } else if (region->on_gpu) {
    *address = (char *)region->device_base + offset;
    *device = region->device_id;
  } else {
    *address = (char *)region->mapping + region->offset + offset;
    *device = -1;
  }
  pthread_mutex_unlock(&r->lock);
  return err;
}
