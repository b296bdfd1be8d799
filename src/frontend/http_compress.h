/*
 * http_compress.h — gzip/deflate for HTTP bodies (spec §4.3): a request with
 * Content-Encoding gzip or deflate is inflated before parsing (the
 * Inference-Header-Content-Length then counts decompressed bytes), and an inference reply
 * is compressed when the client's Accept-Encoding prefers gzip or deflate.
 */
#ifndef TORCHD_FRONTEND_HTTP_COMPRESS_H
#define TORCHD_FRONTEND_HTTP_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

typedef enum { ENCODING_IDENTITY, ENCODING_GZIP, ENCODING_DEFLATE, ENCODING_UNKNOWN } content_encoding;

/* Content-Encoding header value → encoding (NULL or "identity" → IDENTITY). */
content_encoding compress_parse_content_encoding(const char *value);

/* Pick the response encoding from an Accept-Encoding value (q-weighted; ties prefer gzip,
 * then deflate, then identity). NULL → IDENTITY. */
content_encoding compress_choose_accept_encoding(const char *value);

/*
 * Inflate `in` (gzip or zlib-wrapped deflate). The result may not exceed `limit` bytes.
 * On success returns NULL and *out (malloc'd, caller frees) / *out_size; otherwise a
 * malloc'd message (corrupt data, or "exceeds the maximum allowed value").
 */
char *compress_inflate(const char *in, size_t in_size, uint64_t limit, char **out,
                       size_t *out_size);

/* One piece of a body to compress. */
typedef struct compress_piece {
  const void *data;
  size_t size;
} compress_piece;

/* Compress the concatenation of `pieces` with gzip or deflate (zlib format). Returns a
 * malloc'd buffer (caller frees) and its size, or NULL on failure. */
char *compress_deflate(content_encoding encoding, const compress_piece *pieces, size_t count,
                       size_t *out_size);

#endif
