/* strbuf.c — growable byte buffer with JSON string escaping (see strbuf.h). */
#include "strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_init(strbuf *b) { memset(b, 0, sizeof(*b)); }

bool strbuf_reserve(strbuf *b, size_t extra) {
  if (b->failed) return false;
  if (b->len + extra + 1 <= b->cap) return true;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1) {
    if (cap > SIZE_MAX / 2) {
      b->failed = true;
      return false;
    }
    cap *= 2;
  }
  char *grown = realloc(b->data, cap);
  if (grown == NULL) {
    b->failed = true;
    return false;
  }
  b->data = grown;
  b->cap = cap;
  return true;
}

void strbuf_append(strbuf *b, const char *data, size_t len) {
  if (!strbuf_reserve(b, len)) return;
  if (len) memcpy(b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = '\0';
}

void strbuf_puts(strbuf *b, const char *s) { strbuf_append(b, s, strlen(s)); }

void strbuf_printf(strbuf *b, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char small[128];
  va_list copy;
  va_copy(copy, args);
  int n = vsnprintf(small, sizeof(small), fmt, args);
  if (n >= 0 && (size_t)n < sizeof(small)) {
    strbuf_append(b, small, (size_t)n);
  } else if (n >= 0 && strbuf_reserve(b, (size_t)n)) {
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, copy);
    b->len += (size_t)n;
  }
  va_end(copy);
  va_end(args);
}

/* Length of a valid UTF-8 sequence starting at s (max `left` bytes), or 0 if invalid. */
static size_t utf8_sequence(const unsigned char *s, size_t left) {
  size_t n;
  uint32_t cp;
  if (s[0] < 0x80) return 1;
  if ((s[0] & 0xE0) == 0xC0) { n = 2; cp = s[0] & 0x1F; }
  else if ((s[0] & 0xF0) == 0xE0) { n = 3; cp = s[0] & 0x0F; }
  else if ((s[0] & 0xF8) == 0xF0) { n = 4; cp = s[0] & 0x07; }
  else return 0;
  if (n > left) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (s[i] & 0x3F);
  }
  static const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_cp[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

void strbuf_json_string(strbuf *b, const char *s, size_t len) {
  strbuf_append(b, "\"", 1);
  const unsigned char *p = (const unsigned char *)s;
  size_t run = 0; /* bytes copied verbatim, flushed in one append */
  for (size_t i = 0; i < len;) {
    unsigned char c = p[i];
    size_t seq = c >= 0x20 && c != '"' && c != '\\' ? utf8_sequence(p + i, len - i) : 0;
    if (seq > 0) {
      run += seq;
      i += seq;
      continue;
    }
    strbuf_append(b, s + i - run, run);
    run = 0;
    char esc[8];
    switch (c) {
    case '"': strbuf_append(b, "\\\"", 2); break;
    case '\\': strbuf_append(b, "\\\\", 2); break;
    case '\n': strbuf_append(b, "\\n", 2); break;
    case '\r': strbuf_append(b, "\\r", 2); break;
    case '\t': strbuf_append(b, "\\t", 2); break;
    default:
      snprintf(esc, sizeof(esc), "\\u%04x", c);
      strbuf_append(b, esc, 6);
    }
    ++i;
  }
  strbuf_append(b, s + len - run, run);
  strbuf_append(b, "\"", 1);
}

char *strbuf_detach(strbuf *b, size_t *len) {
  char *out = b->failed ? NULL : b->data;
  if (len) *len = b->failed ? 0 : b->len;
  if (b->failed) free(b->data);
  if (out == NULL && !b->failed) out = calloc(1, 1);
  strbuf_init(b);
  return out;
}

void strbuf_free(strbuf *b) {
  free(b->data);
  strbuf_init(b);
}
