/* http_compress.c — zlib-based gzip/deflate for request and reply bodies (see
 * http_compress.h). */
#include "http_compress.h"

#include "errfmt.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

content_encoding compress_parse_content_encoding(const char *value) {
  if (value == NULL || value[0] == '\0' || strcasecmp(value, "identity") == 0)
    return ENCODING_IDENTITY;
  if (strcasecmp(value, "gzip") == 0) return ENCODING_GZIP;
  if (strcasecmp(value, "deflate") == 0) return ENCODING_DEFLATE;
  return ENCODING_UNKNOWN;
}

content_encoding compress_choose_accept_encoding(const char *value) {
  if (value == NULL) return ENCODING_IDENTITY;
  double best_q = 0;
  content_encoding best = ENCODING_IDENTITY;
  const char *p = value;
  while (*p) {
    while (*p == ' ' || *p == ',') ++p;
    const char *start = p;
    while (*p && *p != ',' && *p != ';' && *p != ' ') ++p;
    size_t len = (size_t)(p - start);
    double q = 1.0;
    while (*p == ' ') ++p;
    if (*p == ';') {
      const char *qs = strstr(p, "q=");
      const char *next = strchr(p, ',');
      if (qs != NULL && (next == NULL || qs < next)) q = strtod(qs + 2, NULL);
    }
    while (*p && *p != ',') ++p;
    content_encoding e = ENCODING_UNKNOWN;
    if (len == 4 && strncasecmp(start, "gzip", 4) == 0) e = ENCODING_GZIP;
    else if (len == 7 && strncasecmp(start, "deflate", 7) == 0) e = ENCODING_DEFLATE;
    if (e != ENCODING_UNKNOWN && q > best_q) {
      best_q = q;
      best = e;
    }
  }
  return best;
}

char *compress_inflate(const char *in, size_t in_size, uint64_t limit, char **out,
                       size_t *out_size) {
  z_stream z;
  memset(&z, 0, sizeof(z));
  if (inflateInit2(&z, 32 + MAX_WBITS) != Z_OK) return errfmt("cannot start decompression");
  size_t cap = in_size * 4 + 1024, used = 0;
  char *buffer = malloc(cap);
  char *err = NULL;
  z.next_in = (Bytef *)in;
  z.avail_in = (uInt)in_size;
  for (;;) {
    if (buffer == NULL) {
      err = errfmt("out of memory decompressing the request");
      break;
    }
    z.next_out = (Bytef *)buffer + used;
    z.avail_out = (uInt)(cap - used);
    int rc = inflate(&z, Z_NO_FLUSH);
    used = cap - z.avail_out;
    if (used > limit) {
      err = errfmt("decompressed request body exceeds the maximum allowed value of %llu "
                   "bytes. Use --http-max-input-size to increase the limit.",
                   (unsigned long long)limit);
      break;
    }
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      err = errfmt("failed to decompress the request body: %s", z.msg ? z.msg : "corrupt data");
      break;
    }
    if (z.avail_in == 0 && rc == Z_BUF_ERROR) {
      err = errfmt("failed to decompress the request body: truncated data");
      break;
    }
    if (z.avail_out == 0) {
      cap *= 2;
      char *grown = realloc(buffer, cap);
      if (grown == NULL) free(buffer);
      buffer = grown;
    }
  }
  inflateEnd(&z);
  if (err != NULL) {
    free(buffer);
    return err;
  }
  *out = buffer;
  *out_size = used;
  return NULL;
}

char *compress_deflate(content_encoding encoding, const compress_piece *pieces, size_t count,
                       size_t *out_size) {
  z_stream z;
  memset(&z, 0, sizeof(z));
  int bits = encoding == ENCODING_GZIP ? 16 + MAX_WBITS : MAX_WBITS;
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return NULL;
  size_t total = 0;
  for (size_t i = 0; i < count; ++i) total += pieces[i].size;
  size_t cap = deflateBound(&z, (uLong)total) + 64;
  char *buffer = malloc(cap);
  if (buffer == NULL) {
    deflateEnd(&z);
    return NULL;
  }
  z.next_out = (Bytef *)buffer;
  z.avail_out = (uInt)cap;
  bool ok = true;
  for (size_t i = 0; i < count && ok; ++i) {
    z.next_in = (Bytef *)pieces[i].data;
    z.avail_in = (uInt)pieces[i].size;
    ok = deflate(&z, Z_NO_FLUSH) == Z_OK;
  }
  ok = ok && deflate(&z, Z_FINISH) == Z_STREAM_END;
  *out_size = cap - z.avail_out;
  deflateEnd(&z);
  if (!ok) {
    free(buffer);
    return NULL;
  }
  return buffer;
}
