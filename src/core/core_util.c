/* core_util.c — small helpers used across the core (errors, clocks, dims, paths).
 * See core_util.h for contracts. */
#include "core_util.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *vformat(const char *fmt, va_list ap)
{
  char *out = NULL;
  if (vasprintf(&out, fmt, ap) < 0)
    return NULL;
  return out;
}

TRITONSERVER_Error *util_errorf(TRITONSERVER_Error_Code code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *msg = vformat(fmt, ap);
  va_end(ap);
  TRITONSERVER_Error *err = TRITONSERVER_ErrorNew(code, msg ? msg : "out of memory");
  free(msg);
  return err;
}

char *util_strdupf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *s = vformat(fmt, ap);
  va_end(ap);
  return s;
}

char *util_strdup0(const char *s) { return strdup(s ? s : ""); }

uint64_t util_now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t util_wall_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000ull + (uint64_t)ts.tv_nsec / 1000000ull;
}

char *util_dims_string(const int64_t *dims, size_t count, char *buf, size_t buf_size)
{
  size_t used = 0;
  buf[0] = '\0';
  int n = snprintf(buf, buf_size, "[");
  used = n > 0 ? (size_t)n : 0;
  for (size_t i = 0; i < count && used < buf_size; i++) {
    n = snprintf(buf + used, buf_size - used, "%s%lld", i ? "," : "", (long long)dims[i]);
    if (n < 0)
      break;
    used += (size_t)n;
  }
  if (used < buf_size)
    snprintf(buf + used, buf_size - used, "]");
  return buf;
}

char *util_path_join(const char *a, const char *b) { return util_strdupf("%s/%s", a, b); }

int64_t util_element_count(const int64_t *dims, size_t count)
{
  int64_t n = 1;
  bool saturated = false;
  for (size_t i = 0; i < count; i++) {
    if (dims[i] < 0)
      return -1;
    if (__builtin_mul_overflow(n, dims[i], &n))
      saturated = true;
  }
  return saturated ? INT64_MAX : n;
}

TRITONSERVER_Error *util_read_file(const char *path, const char *what, void **data, size_t *size)
{
  *data = NULL;
  *size = 0;
  FILE *f = fopen(path, "rb");
  if (!f)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "unable to read %s '%s'", what, path);
  long n = -1;
  if (fseek(f, 0, SEEK_END) == 0)
    n = ftell(f);
  if (n < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "unable to read %s '%s'", what, path);
  }
  *data = malloc(n > 0 ? (size_t)n : 1);
  size_t got = *data && n > 0 ? fread(*data, 1, (size_t)n, f) : 0;
  fclose(f);
  if (!*data || got != (size_t)n) {
    free(*data);
    *data = NULL;
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "unable to read %s '%s'", what, path);
  }
  *size = (size_t)n;
  return NULL;
}

TRITONSERVER_Error *buffer_attributes_make(TRITONSERVER_BufferAttributes **out, size_t byte_size,
                                           TRITONSERVER_MemoryType memory_type,
                                           int64_t memory_type_id)
{
  TRITONSERVER_Error *err = TRITONSERVER_BufferAttributesNew(out);
  if (!err)
    err = TRITONSERVER_BufferAttributesSetByteSize(*out, byte_size);
  if (!err)
    err = TRITONSERVER_BufferAttributesSetMemoryType(*out, memory_type);
  if (!err)
    err = TRITONSERVER_BufferAttributesSetMemoryTypeId(*out, memory_type_id);
  if (err && *out) {
    TRITONSERVER_BufferAttributesDelete(*out);
    *out = NULL;
  }
  return err;
}
