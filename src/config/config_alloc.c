/*
 * config_alloc.c — abort-on-failure allocation and the ConfigBuf string builder (see
 * config_alloc.h for why allocation failure aborts here).
 */
#include "config_alloc.h"

#include <stdint.h>
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

/* True if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool cfg_utf8_valid(const char *text, size_t len) {
  const unsigned char *s = (const unsigned char *)text;
  size_t i = 0;
  while (i < len) {
    unsigned char c = s[i];
    size_t extra;
    uint32_t cp;
    if (c < 0x80) {
      i++;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= len) {
      return false;
    }
    for (size_t k = 1; k <= extra; k++) {
      if ((s[i + k] & 0xC0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    static const uint32_t min_for_length[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_for_length[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}
