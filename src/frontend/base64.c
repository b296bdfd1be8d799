/* base64.c — see base64.h. */
#include "base64.h"

#include <stdint.h>
#include <stdlib.h>

static int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

unsigned char *base64_decode(const char *text, size_t len, size_t *size) {
  unsigned char *out = malloc(len / 4 * 3 + 3);
  if (out == NULL) return NULL;
  size_t n = 0, digits = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; ++i) {
    if (text[i] == '=') {
      for (size_t k = i; k < len; ++k)
        if (text[k] != '=') {
          free(out);
          return NULL;
        }
      if (len - i > 2) {
        free(out);
        return NULL;
      }
      break;
    }
    int v = base64_value(text[i]);
    if (v < 0) {
      free(out);
      return NULL;
    }
    ++digits;
    acc = acc << 6 | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (unsigned char)(acc >> bits);
    }
  }
  if (digits % 4 == 1) { /* one leftover digit cannot encode a byte */
    free(out);
    return NULL;
  }
  *size = n;
  return out;
}
