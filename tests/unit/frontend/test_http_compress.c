/* test_http_compress.c — gzip/deflate round trips, Accept-Encoding choice, limits and
 * corrupt input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http_compress.h"

#include <stdlib.h>
#include <string.h>

static void test_round_trip(void **state) {
  (void)state;
  const char text[] = "{\"inputs\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}";
  compress_piece pieces[] = {{text, 10}, {text + 10, sizeof(text) - 10}};
  content_encoding encodings[] = {ENCODING_GZIP, ENCODING_DEFLATE};
  for (int i = 0; i < 2; ++i) {
    size_t packed_size = 0;
    char *packed = compress_deflate(encodings[i], pieces, 2, &packed_size);
    assert_non_null(packed);
    char *plain = NULL;
    size_t plain_size = 0;
    assert_null(compress_inflate(packed, packed_size, 1024, &plain, &plain_size));
    assert_int_equal(plain_size, sizeof(text));
    assert_memory_equal(plain, text, sizeof(text));
    free(plain);
    char *err = compress_inflate(packed, packed_size, 8, &plain, &plain_size);
    assert_non_null(strstr(err, "exceeds the maximum allowed value of 8 bytes"));
    free(err);
    err = compress_inflate(packed, packed_size / 2, 1024, &plain, &plain_size);
    assert_non_null(strstr(err, "failed to decompress"));
    free(err);
    free(packed);
  }
  char *plain = NULL;
  size_t plain_size = 0;
  char *err = compress_inflate("garbage!", 8, 1024, &plain, &plain_size);
  assert_non_null(strstr(err, "failed to decompress the request body"));
  free(err);
}

static void test_encodings(void **state) {
  (void)state;
  assert_int_equal(compress_parse_content_encoding(NULL), ENCODING_IDENTITY);
  assert_int_equal(compress_parse_content_encoding("GZIP"), ENCODING_GZIP);
  assert_int_equal(compress_parse_content_encoding("deflate"), ENCODING_DEFLATE);
  assert_int_equal(compress_parse_content_encoding("br"), ENCODING_UNKNOWN);
  assert_int_equal(compress_choose_accept_encoding(NULL), ENCODING_IDENTITY);
  assert_int_equal(compress_choose_accept_encoding("gzip, deflate"), ENCODING_GZIP);
  assert_int_equal(compress_choose_accept_encoding("deflate, gzip"), ENCODING_DEFLATE);
  assert_int_equal(compress_choose_accept_encoding("deflate;q=0.5, gzip;q=0.9"), ENCODING_GZIP);
  assert_int_equal(compress_choose_accept_encoding("gzip;q=0, identity"), ENCODING_IDENTITY);
  assert_int_equal(compress_choose_accept_encoding("br"), ENCODING_IDENTITY);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_round_trip),
                                     cmocka_unit_test(test_encodings)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
