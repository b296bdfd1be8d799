/* errfmt.c — message formatting helpers (see errfmt.h). */
#include "errfmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *errfmt(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char *out = NULL;
  if (vasprintf(&out, fmt, args) < 0) out = strdup("out of memory");
  va_end(args);
  return out;
}

char *errfmt_shape(const int64_t *shape, size_t dim_count, char *out, size_t cap) {
  size_t used = 0;
  if (cap < 8) {
    if (cap > 0) out[0] = '\0';
    return out;
  }
  out[used++] = '[';
  for (size_t i = 0; i < dim_count; ++i) {
    char item[32];
    int n = snprintf(item, sizeof(item), "%s%lld", i ? "," : "", (long long)shape[i]);
    if (used + (size_t)n + 5 >= cap) {
      memcpy(out + used, "...", 3);
      used += 3;
      break;
    }
    memcpy(out + used, item, (size_t)n);
    used += (size_t)n;
  }
  out[used++] = ']';
  out[used] = '\0';
  return out;
}
