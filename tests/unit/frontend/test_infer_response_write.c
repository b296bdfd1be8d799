/* test_infer_response_write.c — response JSON for every dtype, binary and shared-memory
 * outputs, parameters, errors, and top-k classification with labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dtype.h"
#include "infer_response.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int64_t shape2[] = {2};
static const int64_t shape3[] = {3};

static char *write_one(const response_output *o, strbuf *b) {
  response_header h = {"7", "m", 1, NULL, 0};
  strbuf_init(b);
  return infer_response_write_json(&h, o, 1, b);
}

static void expect_json(int dtype, const void *data, size_t size, const int64_t *shape,
                        const char *expected_data) {
  response_output o = {"OUT", dtype, shape, 1, data, size, OUTPUT_AS_JSON};
  strbuf b;
  char *err = write_one(&o, &b);
  if (err) fail_msg("%s", err);
  char expected[512];
  snprintf(expected, sizeof(expected),
           "{\"id\":\"7\",\"model_name\":\"m\",\"model_version\":\"1\",\"outputs\":[{"
           "\"name\":\"OUT\",\"datatype\":\"%s\",\"shape\":[%lld],\"data\":%s}]}",
           dtype_name(dtype), (long long)shape[0], expected_data);
  assert_string_equal(b.data, expected);
  strbuf_free(&b);
}

static void test_every_dtype_as_json(void **state) {
  (void)state;
  const uint8_t b[] = {1, 0};
  expect_json(DTYPE_BOOL, b, 2, shape2, "[true,false]");
  const uint8_t u8[] = {0, 255};
  expect_json(DTYPE_UINT8, u8, 2, shape2, "[0,255]");
  const int8_t i8[] = {-128, 127};
  expect_json(DTYPE_INT8, i8, 2, shape2, "[-128,127]");
  const uint16_t u16[] = {1, 65535};
  expect_json(DTYPE_UINT16, u16, 4, shape2, "[1,65535]");
  const int16_t i16[] = {-32768, 5};
  expect_json(DTYPE_INT16, i16, 4, shape2, "[-32768,5]");
  const uint32_t u32[] = {0, 4294967295u};
  expect_json(DTYPE_UINT32, u32, 8, shape2, "[0,4294967295]");
  const int32_t i32[] = {-7, 7};
  expect_json(DTYPE_INT32, i32, 8, shape2, "[-7,7]");
  const uint64_t u64[] = {0, UINT64_MAX};
  expect_json(DTYPE_UINT64, u64, 16, shape2, "[0,18446744073709551615]");
  const int64_t i64[] = {INT64_MIN, 1};
  expect_json(DTYPE_INT64, i64, 16, shape2, "[-9223372036854775808,1]");
  const float f32[] = {1.5f, -0.25f};
  expect_json(DTYPE_FP32, f32, 8, shape2, "[1.5,-0.25]");
  const double f64[] = {0.1, 2};
  expect_json(DTYPE_FP64, f64, 16, shape2, "[0.10000000000000001,2]");
  const char s[] = "\2\0\0\0ab\3\0\0\0x\0y\1\0\0\0\"";
  expect_json(DTYPE_BYTES, s, sizeof(s) - 1, shape3, "[\"ab\",\"x\\u0000y\",\"\\\"\"]");
}

static void test_binary_shm_and_parameters(void **state) {
  (void)state;
  const float f[] = {1, 2};
  response_output outs[] = {
      {"A", DTYPE_FP32, shape2, 1, f, 8, OUTPUT_AS_BINARY},
      {"B", DTYPE_FP32, shape2, 1, f, 8, OUTPUT_IN_SHM},
  };
  infer_parameter params[] = {{"p", PARAM_INT, NULL, 3, false, 0},
                              {"q", PARAM_STRING, "v", 0, false, 0}};
  response_header h = {"", "m", 2, params, 2};
  strbuf b;
  strbuf_init(&b);
  assert_null(infer_response_write_json(&h, outs, 2, &b));
  assert_string_equal(
      b.data,
      "{\"model_name\":\"m\",\"model_version\":\"2\",\"parameters\":{\"p\":3,\"q\":\"v\"},"
      "\"outputs\":[{\"name\":\"A\",\"datatype\":\"FP32\",\"shape\":[2],\"parameters\":{"
      "\"binary_data_size\":8}},{\"name\":\"B\",\"datatype\":\"FP32\",\"shape\":[2]}]}");
  strbuf_free(&b);
}

static void test_errors(void **state) {
  (void)state;
  const uint16_t h[] = {0x3c00, 0};
  response_output o = {"H", DTYPE_FP16, shape2, 1, h, 4, OUTPUT_AS_JSON};
  strbuf b;
  char *err = write_one(&o, &b);
  assert_string_equal(err, "sending FP16 data via JSON is not supported. Please use the binary "
                           "data format for output");
  free(err);
  strbuf_free(&b);
  const float f[] = {1};
  response_output short_out = {"F", DTYPE_FP32, shape2, 1, f, 4, OUTPUT_AS_JSON};
  err = write_one(&short_out, &b);
  assert_non_null(strstr(err, "holds 4 bytes but its shape needs 8"));
  free(err);
  strbuf_free(&b);
  const char bad[] = "\011\0\0\0ab";
  response_output s = {"S", DTYPE_BYTES, shape2, 1, bad, 6, OUTPUT_AS_JSON};
  err = write_one(&s, &b);
  assert_non_null(strstr(err, "malformed string data"));
  free(err);
  strbuf_free(&b);
}

static const char *labels(void *context, size_t index) {
  (void)context;
  static const char *names[] = {"cat", "dog", "bird", "fish"};
  return index < 4 ? names[index] : NULL;
}

static void test_classification(void **state) {
  (void)state;
  const float scores[] = {0.1f, 0.7f, 0.2f, 0.0f, /* row 2 */ 3, 1, 2, 4};
  const int64_t shape[] = {2, 4};
  arena a;
  arena_init(&a);
  void *bytes = NULL;
  size_t size = 0, dims = 0;
  int64_t *out_shape = NULL;
  assert_null(infer_classify(&a, DTYPE_FP32, scores, sizeof(scores), shape, 2, true, 2,
                             labels, NULL, &bytes, &size, &out_shape, &dims));
  assert_int_equal(dims, 2);
  assert_int_equal(out_shape[0], 2);
  assert_int_equal(out_shape[1], 2);
  response_output o = {"C", DTYPE_BYTES, out_shape, 2, bytes, size, OUTPUT_AS_JSON};
  strbuf b;
  response_header h = {NULL, "m", 1, NULL, 0};
  strbuf_init(&b);
  assert_null(infer_response_write_json(&h, &o, 1, &b));
  assert_non_null(strstr(b.data, "\"data\":[\"0.700000:1:dog\",\"0.200000:2:bird\","
                                 "\"4.000000:3:fish\",\"3.000000:0:cat\"]"));
  strbuf_free(&b);
  /* k larger than the classes, no batch dim, integer values, no labels. */
  const int32_t ints[] = {5, 9, 1};
  assert_null(infer_classify(&a, DTYPE_INT32, ints, sizeof(ints), shape3, 1, false, 10, NULL,
                             NULL, &bytes, &size, &out_shape, &dims));
  assert_int_equal(dims, 1);
  assert_int_equal(out_shape[0], 3);
  assert_memory_equal(bytes, "\3\0\0\0009:1\3\0\0\0005:0\3\0\0\0001:2", size);
  char *err = infer_classify(&a, DTYPE_BYTES, "x", 1, shape3, 1, false, 1, NULL, NULL,
                             &bytes, &size, &out_shape, &dims);
  assert_non_null(strstr(err, "needs a numeric output, got datatype BYTES"));
  free(err);
  arena_release(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_dtype_as_json),
      cmocka_unit_test(test_binary_shm_and_parameters),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_classification),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
