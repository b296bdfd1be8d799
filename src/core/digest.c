/* digest.c — BLAKE2b-256 after RFC 7693 §3 (see digest.h). The last block is compressed
 * only in digest_final, because it must carry the final-block flag: update therefore
 * keeps a full block buffered until more data arrives. */
#include "digest.h"

#include <string.h>

static const uint64_t IV[8] = {0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull,
                               0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
                               0x510e527fade682d1ull, 0x9b05688c2b3e6c1full,
                               0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull};

static const uint8_t SIGMA[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

static inline uint64_t rotr64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

static inline uint64_t load64(const uint8_t *p)
{
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

#define G(a, b, c, d, x, y)                                                                       \
  do {                                                                                            \
    a = a + b + (x);                                                                              \
    d = rotr64(d ^ a, 32);                                                                        \
    c = c + d;                                                                                    \
    b = rotr64(b ^ c, 24);                                                                        \
    a = a + b + (y);                                                                              \
    d = rotr64(d ^ a, 16);                                                                        \
    c = c + d;                                                                                    \
    b = rotr64(b ^ c, 63);                                                                        \
  } while (0)

static void compress(digest_state *s, const uint8_t block[128], int last)
{
  uint64_t m[16], v[16];
  for (int i = 0; i < 16; i++)
    m[i] = load64(block + 8 * i);
  for (int i = 0; i < 8; i++) {
    v[i] = s->h[i];
    v[i + 8] = IV[i];
  }
  v[12] ^= s->t[0];
  v[13] ^= s->t[1];
  if (last)
    v[14] = ~v[14];
  /* Rounds unrolled with constant message indices, so the message words stay in
   * registers (a loop over SIGMA rows indexes m at run time: ~2.5x slower). */
#define ROUND(r)                                                                                  \
  do {                                                                                            \
    G(v[0], v[4], v[8], v[12], m[SIGMA[r][0]], m[SIGMA[r][1]]);                                   \
    G(v[1], v[5], v[9], v[13], m[SIGMA[r][2]], m[SIGMA[r][3]]);                                   \
    G(v[2], v[6], v[10], v[14], m[SIGMA[r][4]], m[SIGMA[r][5]]);                                  \
    G(v[3], v[7], v[11], v[15], m[SIGMA[r][6]], m[SIGMA[r][7]]);                                  \
    G(v[0], v[5], v[10], v[15], m[SIGMA[r][8]], m[SIGMA[r][9]]);                                  \
    G(v[1], v[6], v[11], v[12], m[SIGMA[r][10]], m[SIGMA[r][11]]);                                \
    G(v[2], v[7], v[8], v[13], m[SIGMA[r][12]], m[SIGMA[r][13]]);                                 \
    G(v[3], v[4], v[9], v[14], m[SIGMA[r][14]], m[SIGMA[r][15]]);                                 \
  } while (0)
  ROUND(0);
  ROUND(1);
  ROUND(2);
  ROUND(3);
  ROUND(4);
  ROUND(5);
  ROUND(6);
  ROUND(7);
  ROUND(8);
  ROUND(9);
  ROUND(10);
  ROUND(11);
#undef ROUND
  for (int i = 0; i < 8; i++)
    s->h[i] ^= v[i] ^ v[i + 8];
}

static void count_bytes(digest_state *s, uint64_t n)
{
  s->t[0] += n;
  if (s->t[0] < n)
    s->t[1]++;
}

void digest_init(digest_state *s)
{
  memset(s, 0, sizeof(*s));
  memcpy(s->h, IV, sizeof(IV));
  s->h[0] ^= 0x01010000ull ^ (uint64_t)DIGEST_SIZE; /* no key, fanout 1, depth 1 */
}

void digest_update(digest_state *s, const void *data, size_t byte_size)
{
  const uint8_t *in = data;
  while (byte_size > 0) {
    if (s->buffered == sizeof(s->buffer)) { /* more data follows: not the last block */
      count_bytes(s, sizeof(s->buffer));
      compress(s, s->buffer, 0);
      s->buffered = 0;
    }
    if (s->buffered == 0) {
      /* Whole blocks straight from the input, keeping the last one (it may be final). */
      while (byte_size > sizeof(s->buffer)) {
        count_bytes(s, sizeof(s->buffer));
        compress(s, in, 0);
        in += sizeof(s->buffer);
        byte_size -= sizeof(s->buffer);
      }
    }
    size_t take = sizeof(s->buffer) - s->buffered;
    if (take > byte_size)
      take = byte_size;
    memcpy(s->buffer + s->buffered, in, take);
    s->buffered += take;
    in += take;
    byte_size -= take;
  }
}

void digest_final(digest_state *s, uint8_t out[DIGEST_SIZE])
{
  count_bytes(s, s->buffered);
  memset(s->buffer + s->buffered, 0, sizeof(s->buffer) - s->buffered);
  compress(s, s->buffer, 1);
  for (int i = 0; i < DIGEST_SIZE; i++)
    out[i] = (uint8_t)(s->h[i / 8] >> (8 * (i % 8)));
}

void digest_update_u64(digest_state *s, uint64_t value)
{
  uint8_t bytes[8];
  for (int i = 0; i < 8; i++)
    bytes[i] = (uint8_t)(value >> (8 * i));
  digest_update(s, bytes, sizeof(bytes));
}

void digest_update_string(digest_state *s, const char *text)
{
  size_t n = text ? strlen(text) : 0;
  digest_update_u64(s, n);
  digest_update(s, text, n);
}
