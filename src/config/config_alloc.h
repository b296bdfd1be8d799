/*
 * config_alloc.h — allocation and string-building helpers private to src/config.
 *
 * The config library allocates many small objects while parsing; checking every one for
 * NULL would triple the parser's size for a case Linux practically never reports
 * (overcommit). These wrappers abort() on allocation failure instead, so every caller
 * may treat allocation as infallible. A growable string buffer (ConfigBuf) serves the
 * JSON renderer and error messages. Also the UTF-8 check both readers apply.
 */
#ifndef TORCHD_CONFIG_ALLOC_H
#define TORCHD_CONFIG_ALLOC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* malloc/calloc/realloc/strdup that never return NULL (abort on failure). */
void *cfg_malloc(size_t size);
void *cfg_calloc(size_t count, size_t size);
void *cfg_realloc(void *ptr, size_t size);
char *cfg_strdup(const char *s);
char *cfg_strndup(const char *s, size_t len);
/* printf into a new string; caller frees. */
char *cfg_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *cfg_vprintf(const char *fmt, va_list args);

/* True if text[0..len) is well-formed UTF-8 (no overlongs, no surrogates,
 * <= U+10FFFF). Config strings must be: proto3 strings are UTF-8. */
bool cfg_utf8_valid(const char *text, size_t len);

/* Growable NUL-terminated byte buffer. Zero-initialize ({0}) before use. */
typedef struct ConfigBuf {
  char *data;
  size_t len;
  size_t cap;
} ConfigBuf;

void cfgbuf_append(ConfigBuf *buf, const char *bytes, size_t len);
void cfgbuf_puts(ConfigBuf *buf, const char *s);
void cfgbuf_putc(ConfigBuf *buf, char c);
void cfgbuf_printf(ConfigBuf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the buffer's string to the caller (never NULL; "" when empty) and resets buf. */
char *cfgbuf_take(ConfigBuf *buf);
void cfgbuf_free(ConfigBuf *buf);

#endif /* TORCHD_CONFIG_ALLOC_H */
