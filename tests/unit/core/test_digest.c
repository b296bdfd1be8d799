/* test_digest.c — BLAKE2b-256 against Python's hashlib.blake2b(digest_size=32), across
 * block boundaries, and independent of how the input is split over update calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "digest.h"

static void hex(const uint8_t d[DIGEST_SIZE], char out[2 * DIGEST_SIZE + 1])
{
  for (int i = 0; i < DIGEST_SIZE; i++)
    snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void pattern(uint8_t *data, size_t n)
{
  for (size_t i = 0; i < n; i++)
    data[i] = (uint8_t)((i * 7 + 3) & 0xff);
}

static void check(const void *data, size_t n, const char *expected)
{
  digest_state s;
  uint8_t d[DIGEST_SIZE];
  char text[2 * DIGEST_SIZE + 1];
  digest_init(&s);
  digest_update(&s, data, n);
  digest_final(&s, d);
  hex(d, text);
  assert_string_equal(text, expected);
}

/* Vectors from Python 3.11 hashlib.blake2b(data, digest_size=32).hexdigest(). */
static void known_vectors(void **state)
{
  (void)state;
  check("", 0, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  check("abc", 3, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  static const struct {
    size_t n;
    const char *digest;
  } sized[] = {
      {1, "e88bd757ad5b9bedf372d8d3f0cf6c962a469db61a265f6418e1ffed86da29ec"},
      {127, "c9ae3859964b35f04c54b36d33cf299d7290ee621005d28e51598a943560aaaa"},
      {128, "f0501d06597880592bc49234eef100ec1ff349058d0e9d9b753504e24af86dd6"},
      {129, "a34a4e1e03c541dfbf3099c4b6c143c022ced65c28bd7e8a10e0a098461aecf0"},
      {255, "f2d64a40e9412a3414161ff6250075225418fd7c271c1123e162e1bca0de9f93"},
      {256, "d93ebb9c802f5630ab22516fd82b6c21bc8bd551d531349b715f046ed11ed871"},
      {1000, "d62b6c768ce1afc8367e0498ab2f8e3f7c178c35b1429f14c4604b545d200f52"},
  };
  uint8_t data[1000];
  pattern(data, sizeof(data));
  for (size_t i = 0; i < sizeof(sized) / sizeof(sized[0]); i++)
    check(data, sized[i].n, sized[i].digest);
}

/* Any split of the same bytes over update calls gives the same digest. */
static void splits_do_not_matter(void **state)
{
  (void)state;
  uint8_t data[1000];
  pattern(data, sizeof(data));
  static const size_t pieces[] = {1, 3, 64, 127, 128, 129, 500};
  for (size_t p = 0; p < sizeof(pieces) / sizeof(pieces[0]); p++) {
    digest_state s;
    uint8_t d[DIGEST_SIZE];
    char text[2 * DIGEST_SIZE + 1];
    digest_init(&s);
    for (size_t at = 0; at < sizeof(data); at += pieces[p]) {
      size_t n = sizeof(data) - at < pieces[p] ? sizeof(data) - at : pieces[p];
      digest_update(&s, data + at, n);
      digest_update(&s, NULL, 0);
    }
    digest_final(&s, d);
    hex(d, text);
    assert_string_equal(text, "d62b6c768ce1afc8367e0498ab2f8e3f7c178c35b1429f14c4604b545d200f52");
  }
}

/* Length-prefixed strings keep field boundaries: ("ab","c") differs from ("a","bc"). */
static void strings_are_length_prefixed(void **state)
{
  (void)state;
  uint8_t a[DIGEST_SIZE], b[DIGEST_SIZE];
  digest_state s;
  digest_init(&s);
  digest_update_string(&s, "ab");
  digest_update_string(&s, "c");
  digest_final(&s, a);
  digest_init(&s);
  digest_update_string(&s, "a");
  digest_update_string(&s, "bc");
  digest_final(&s, b);
  assert_memory_not_equal(a, b, DIGEST_SIZE);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(known_vectors),
      cmocka_unit_test(splits_do_not_matter),
      cmocka_unit_test(strings_are_length_prefixed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
