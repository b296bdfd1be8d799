/*
 * test_string_io.c: BYTES parsing with backend_common's exact messages, padding of a
 * malformed request, and per-request slices when serializing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "string_io.h"

static const unsigned char two[] = {2, 0, 0, 0, 'h', 'i', 0, 0, 0, 0};

static void test_parse_two_strings(void **unused) {
  (void)unused;
  const char *strings[2];
  size_t lengths[2], parsed = 0;
  assert_null(pt_strings_parse("IN", two, sizeof(two), 2, strings, lengths, &parsed));
  assert_int_equal(parsed, 2);
  assert_int_equal(lengths[0], 2);
  assert_memory_equal(strings[0], "hi", 2);
  assert_int_equal(lengths[1], 0);
}

static void test_too_many_elements(void **unused) {
  (void)unused;
  const char *strings[1];
  size_t lengths[1], parsed = 0;
  pt_error *error = pt_strings_parse("IN", two, sizeof(two), 1, strings, lengths, &parsed);
  assert_non_null(error);
  assert_int_equal(error->code, PT_ERR_INVALID_ARG);
  assert_string_equal(error->message,
                      "unexpected number of string elements 2 for inference input 'IN', "
                      "expecting 1");
  pt_error_free(error);
}

static void test_truncated_and_short(void **unused) {
  (void)unused;
  const unsigned char truncated[] = {9, 0, 0, 0, 'a', 'b'};
  const char *strings[3];
  size_t lengths[3], parsed = 0;
  pt_error *error = pt_strings_parse("IN", truncated, sizeof(truncated), 3, strings, lengths,
                                     &parsed);
  assert_non_null(error);
  assert_string_equal(error->message,
                      "incomplete string data for inference input 'IN', expecting string of "
                      "length 9 but only 2 bytes available");
  assert_int_equal(parsed, 0);
  for (int i = 0; i < 3; ++i) assert_int_equal(lengths[i], 0); /* padded with "" */
  pt_error_free(error);
  error = pt_strings_parse("IN", two, sizeof(two), 3, strings, lengths, &parsed);
  assert_non_null(error);
  assert_int_equal(error->code, PT_ERR_INTERNAL);
  assert_string_equal(error->message, "expected 3 strings for inference input 'IN', got 2");
  pt_error_free(error);
}

static void test_serialize_slice(void **unused) {
  (void)unused;
  const char *strings[] = {"a", "bc", "def"};
  size_t lengths[] = {1, 2, 3};
  assert_int_equal(pt_strings_serialized_size(lengths, 1, 2), 4 + 2 + 4 + 3);
  unsigned char out[13];
  pt_strings_serialize(strings, lengths, 1, 2, out);
  const unsigned char expected[] = {2, 0, 0, 0, 'b', 'c', 3, 0, 0, 0, 'd', 'e', 'f'};
  assert_memory_equal(out, expected, sizeof(expected));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_two_strings),
      cmocka_unit_test(test_too_many_elements),
      cmocka_unit_test(test_truncated_and_short),
      cmocka_unit_test(test_serialize_slice),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
