/*
 * config_alloc.c — abort-on-failure allocation and the ConfigBuf string builder (see
 * config_alloc.h for why allocation failure aborts here).
 */
#include "config_alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *check(void *ptr) {
  if (ptr == NULL) {
    fputs("torchd config: out of memory\n", stderr);
    abort();
  }
  return ptr;
}

void *cfg_malloc(size_t size) { return check(malloc(size ? size : 1)); }

void *cfg_calloc(size_t count, size_t size) {
  return check(calloc(count ? count : 1, size ? size : 1));
}

void *cfg_realloc(void *ptr, size_t size) { return check(realloc(ptr, size ? size : 1)); }

char *cfg_strdup(const char *s) { return check(strdup(s)); }

char *cfg_strndup(const char *s, size_t len) {
  char *copy = cfg_malloc(len + 1);
  memcpy(copy, s, len);
  copy[len] = '\0';
  return copy;
}

char *cfg_vprintf(const char *fmt, va_list args) {
  char *out = NULL;
  if (vasprintf(&out, fmt, args) < 0) {
    out = NULL;
  }
  return check(out);
}

char *cfg_printf(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char *out = cfg_vprintf(fmt, args);
  va_end(args);
  return out;
}

static void reserve(ConfigBuf *buf, size_t extra) {
  size_t need = buf->len + extra + 1;
  if (need <= buf->cap) {
    return;
  }
  size_t cap = buf->cap ? buf->cap : 64;
  while (cap < need) {
    cap *= 2;
  }
  buf->data = cfg_realloc(buf->data, cap);
  buf->cap = cap;
}

void cfgbuf_append(ConfigBuf *buf, const char *bytes, size_t len) {
  reserve(buf, len);
  if (len > 0) {
    memcpy(buf->data + buf->len, bytes, len);
  }
  buf->len += len;
  buf->data[buf->len] = '\0';
}

void cfgbuf_puts(ConfigBuf *buf, const char *s) { cfgbuf_append(buf, s, strlen(s)); }

void cfgbuf_putc(ConfigBuf *buf, char c) { cfgbuf_append(buf, &c, 1); }

void cfgbuf_printf(ConfigBuf *buf, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char *s = cfg_vprintf(fmt, args);
  va_end(args);
  cfgbuf_puts(buf, s);
  free(s);
}

char *cfgbuf_take(ConfigBuf *buf) {
  char *out = buf->data ? buf->data : cfg_strdup("");
  buf->data = NULL;
  buf->len = 0;
  buf->cap = 0;
  return out;
}

void cfgbuf_free(ConfigBuf *buf) {
  free(buf->data);
  buf->data = NULL;
  buf->len = 0;
  buf->cap = 0;
}
