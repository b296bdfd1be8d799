/* digest.h — BLAKE2b (RFC 7693), unkeyed, 32-byte digests: the response cache's key.
 *
 * Why BLAKE2b: the cache answers a request with another request's result whenever their
 * keys are equal, so the key must be collision resistant — also against a client that
 * crafts a collision to have its result served to others (Triton uses a 64-bit
 * boost::hash_combine and documents that a collision returns a wrong result). BLAKE2b is
 * a cryptographic hash with no dependency and faster in portable C than SHA-256: about
 * 0.8 GB/s, 0.75 ms of CPU per 600 KB image, on one core of the dev machine. That
 * matters because every input byte of a cached model's requests goes through it. */
#ifndef TORCHD_CORE_DIGEST_H
#define TORCHD_CORE_DIGEST_H

#include <stddef.h>
#include <stdint.h>

enum { DIGEST_SIZE = 32 };

typedef struct digest_state {
  uint64_t h[8];
  uint64_t t[2]; /* bytes compressed so far (128-bit counter) */
  uint8_t buffer[128];
  size_t buffered; /* bytes in buffer, 0..128: a full block waits for more data */
} digest_state;

void digest_init(digest_state *s);
void digest_update(digest_state *s, const void *data, size_t byte_size);
/* Writes the DIGEST_SIZE-byte digest; the state must be re-initialized before reuse. */
void digest_final(digest_state *s, uint8_t out[DIGEST_SIZE]);

/* Convenience for fixed-size fields: a length-prefixed string (so "ab"+"c" and "a"+"bc"
 * hash differently) and little-endian integers. */
void digest_update_string(digest_state *s, const char *text);
void digest_update_u64(digest_state *s, uint64_t value);

#endif
