/*
 * strbuf.h — a growable byte buffer for building response bodies (JSON, Prometheus text).
 * Why: responses are written straight into one buffer without a JSON DOM; the buffer is
 * later handed to libmicrohttpd, which frees it (strbuf_detach).
 */
#ifndef TORCHD_FRONTEND_STRBUF_H
#define TORCHD_FRONTEND_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strbuf {
  char *data;   /* NUL-terminated while not failed; owned by the strbuf */
  size_t len;
  size_t cap;
  bool failed;  /* an allocation failed; further appends are ignored */
} strbuf;

void strbuf_init(strbuf *b);
void strbuf_append(strbuf *b, const char *data, size_t len);
void strbuf_puts(strbuf *b, const char *s);
void strbuf_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append `s` (`len` bytes) as a JSON string literal with quotes; control characters and
 * bytes that are not valid UTF-8 are written as \u00XX escapes. */
void strbuf_json_string(strbuf *b, const char *s, size_t len);
/* Make room for `extra` more bytes (plus the NUL); false if memory ran out. The caller may
 * then write up to `extra` bytes at data + len and advance len itself. */
bool strbuf_reserve(strbuf *b, size_t extra);
/* Take the buffer (malloc'd, caller frees); the strbuf is reset. NULL if failed. */
char *strbuf_detach(strbuf *b, size_t *len);
void strbuf_free(strbuf *b);

#endif
