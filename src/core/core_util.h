/* core_util.h — tiny helpers shared by the core's modules: formatted errors, clocks,
 * dims rendering and path joining. They exist so every module reports errors the same
 * way (one TRITONSERVER_Error channel) and reads time from the same clocks. */
#ifndef TORCHD_CORE_UTIL_H
#define TORCHD_CORE_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "triton/core/tritonserver.h"

/* Returns a new error (caller owns; free with TRITONSERVER_ErrorDelete) whose message is
 * the printf-style formatted text. Never returns NULL. */
TRITONSERVER_Error *util_errorf(TRITONSERVER_Error_Code code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Returns an INVALID_ARG error naming the calling API function and what it expected
 * when `cond` is false. For argument checks at the top of API functions. */
#define UTIL_CHECK_ARG(cond, what)                                                           \
  do {                                                                                       \
    if (!(cond))                                                                             \
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "%s: expected %s", __func__, what); \
  } while (0)

/* Reads a whole file into a new buffer (caller frees *data); *size gets its length.
 * Returns INVALID_ARG naming `what` and the path when it cannot be read. */
TRITONSERVER_Error *util_read_file(const char *path, const char *what, void **data, size_t *size);

/* Makes a new TRITONSERVER_BufferAttributes (caller owns; delete with
 * TRITONSERVER_BufferAttributesDelete) describing a buffer. */
TRITONSERVER_Error *buffer_attributes_make(TRITONSERVER_BufferAttributes **out, size_t byte_size,
                                           TRITONSERVER_MemoryType memory_type,
                                           int64_t memory_type_id);

/* Returns a newly malloc'ed formatted string (caller frees), or NULL on out of memory. */
char *util_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* strdup that treats NULL as "" ; caller frees. */
char *util_strdup0(const char *s);

/* Steady-clock nanoseconds (CLOCK_MONOTONIC), the clock backends report with. */
uint64_t util_now_ns(void);

/* Wall-clock milliseconds since the Unix epoch (for "last_inference"). */
uint64_t util_wall_ms(void);

/* Renders dims like Triton's DimsListToString: "[-1,3]". Writes into buf (always
 * NUL-terminated, truncated if too small) and returns buf. */
char *util_dims_string(const int64_t *dims, size_t count, char *buf, size_t buf_size);

/* Returns a new string "a/b" (caller frees), NULL on out of memory. */
char *util_path_join(const char *a, const char *b);

/* Element count of a shape (product of dims; 1 for an empty shape). A negative dim
 * yields -1; a product beyond INT64_MAX saturates at INT64_MAX (never overflows). */
int64_t util_element_count(const int64_t *dims, size_t count);

#endif
