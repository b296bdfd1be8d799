/* test_infer_request_parse.c — KServe v2 request parsing: JSON tensors of every dtype,
 * the binary extension, parameters, outputs, and every bad-input case with its message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dtype.h"
#include "infer_request.h"

#include <stdlib.h>
#include <string.h>

static infer_request_limits limits;
static infer_request req;

static int setup(void **state) {
  (void)state;
  infer_request_limits_default(&limits);
  return 0;
}

static char *parse_len(const char *body, size_t len, int64_t header) {
  infer_request_free(&req);
  return infer_request_parse("m", body, len, header, &limits, &req);
}

static char *parse(const char *json) { return parse_len(json, strlen(json), -1); }

static void expect_error(const char *json, const char *fragment) {
  char *err = parse(json);
  if (err == NULL) fail_msg("no error for %s", json);
  if (strstr(err, fragment) == NULL) fail_msg("'%s' lacks '%s'", err, fragment);
  free(err);
}

static void test_fp32_nested_and_outputs(void **state) {
  (void)state;
  assert_null(parse("{\"id\":\"42\",\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[2,3],"
                    "\"datatype\":\"FP32\",\"data\":[[1,2,3],[4.5,5,6]]}],"
                    "\"outputs\":[{\"name\":\"OUTPUT0\",\"parameters\":{\"binary_data\":true}},"
                    "{\"name\":\"OUTPUT1\",\"parameters\":{\"classification\":2}}]}"));
  assert_string_equal(req.id, "42");
  assert_int_equal(req.input_count, 1);
  infer_input *in = &req.inputs[0];
  assert_string_equal(in->name, "INPUT0");
  assert_int_equal(in->datatype, DTYPE_FP32);
  assert_int_equal(in->dim_count, 2);
  assert_int_equal(in->shape[1], 3);
  assert_int_equal(in->byte_size, 24);
  const float *f = in->data;
  assert_true(f[3] == 4.5f && f[5] == 6.0f);
  assert_int_equal(req.output_count, 2);
  assert_int_equal(req.outputs[0].binary_data, 1);
  assert_int_equal(req.outputs[1].binary_data, -1);
  assert_int_equal(req.outputs[1].classification, 2);
}

static void test_every_json_dtype(void **state) {
  (void)state;
  assert_null(parse(
      "{\"inputs\":["
      "{\"name\":\"b\",\"shape\":[2],\"datatype\":\"BOOL\",\"data\":[true,false]},"
      "{\"name\":\"u8\",\"shape\":[2],\"datatype\":\"UINT8\",\"data\":[0,255]},"
      "{\"name\":\"u16\",\"shape\":[1],\"datatype\":\"UINT16\",\"data\":[65535]},"
      "{\"name\":\"u32\",\"shape\":[1],\"datatype\":\"UINT32\",\"data\":[4294967295]},"
      "{\"name\":\"u64\",\"shape\":[1],\"datatype\":\"UINT64\",\"data\":[18446744073709551615]},"
      "{\"name\":\"i8\",\"shape\":[2],\"datatype\":\"INT8\",\"data\":[-128,127]},"
      "{\"name\":\"i16\",\"shape\":[1],\"datatype\":\"INT16\",\"data\":[-32768]},"
      "{\"name\":\"i32\",\"shape\":[1],\"datatype\":\"INT32\",\"data\":[-5]},"
      "{\"name\":\"i64\",\"shape\":[1],\"datatype\":\"INT64\",\"data\":[-9223372036854775808]},"
      "{\"name\":\"f64\",\"shape\":[1],\"datatype\":\"FP64\",\"data\":[0.1]},"
      "{\"name\":\"s\",\"shape\":[2],\"datatype\":\"BYTES\",\"data\":[\"ab\",\"x\\u0000y\"]}"
      "]}"));
  assert_int_equal(req.input_count, 11);
  const uint8_t *b = req.inputs[0].data;
  assert_true(b[0] == 1 && b[1] == 0);
  assert_int_equal(((const uint8_t *)req.inputs[1].data)[1], 255);
  assert_int_equal(*(const uint16_t *)req.inputs[2].data, 65535);
  assert_int_equal(*(const uint32_t *)req.inputs[3].data, 4294967295u);
  assert_true(*(const uint64_t *)req.inputs[4].data == UINT64_MAX);
  assert_int_equal(((const int8_t *)req.inputs[5].data)[0], -128);
  assert_int_equal(*(const int16_t *)req.inputs[6].data, -32768);
  assert_int_equal(*(const int32_t *)req.inputs[7].data, -5);
  assert_true(*(const int64_t *)req.inputs[8].data == INT64_MIN);
  assert_true(*(const double *)req.inputs[9].data == 0.1);
  /* BYTES: 4-byte LE length prefixes; the embedded NUL survives. */
  const unsigned char expect[] = {2, 0, 0, 0, 'a', 'b', 3, 0, 0, 0, 'x', 0, 'y'};
  assert_int_equal(req.inputs[10].byte_size, sizeof(expect));
  assert_memory_equal(req.inputs[10].data, expect, sizeof(expect));
}

static void test_parameters(void **state) {
  (void)state;
  assert_null(parse("{\"parameters\":{\"sequence_id\":18446744073709551615,"
                    "\"sequence_start\":true,\"sequence_end\":false,\"priority\":2,"
                    "\"timeout\":1000,\"binary_data_output\":true,\"custom_s\":\"v\","
                    "\"custom_i\":-3,\"custom_b\":true,\"custom_d\":1.5,\"headers\":{}},"
                    "\"inputs\":[]}"));
  assert_true(req.has_sequence_id && !req.sequence_id_is_string);
  assert_true(req.sequence_id == UINT64_MAX);
  assert_true(req.sequence_start && !req.sequence_end);
  assert_int_equal(req.priority, 2);
  assert_int_equal(req.timeout_us, 1000);
  assert_true(req.binary_data_output);
  assert_int_equal(req.parameter_count, 4);
  assert_string_equal(req.parameters[0].key, "custom_s");
  assert_int_equal(req.parameters[0].type, PARAM_STRING);
  assert_string_equal(req.parameters[0].string_value, "v");
  assert_int_equal(req.parameters[1].type, PARAM_INT);
  assert_int_equal(req.parameters[1].int_value, -3);
  assert_int_equal(req.parameters[2].type, PARAM_BOOL);
  assert_int_equal(req.parameters[3].type, PARAM_DOUBLE);
  assert_null(parse("{\"parameters\":{\"sequence_id\":\"corr-7\"},\"inputs\":[]}"));
  assert_true(req.sequence_id_is_string);
  assert_string_equal(req.sequence_id_string, "corr-7");
}

static void test_binary_extension(void **state) {
  (void)state;
  const char json[] = "{\"inputs\":[{\"name\":\"A\",\"shape\":[2],\"datatype\":\"INT32\","
                      "\"parameters\":{\"binary_data_size\":8}},"
                      "{\"name\":\"S\",\"shape\":[2],\"datatype\":\"BYTES\","
                      "\"parameters\":{\"binary_data_size\":11}}]}";
  size_t jl = strlen(json);
  char body[512];
  memcpy(body, json, jl);
  const unsigned char bin[] = {1, 0, 0, 0, 2, 0, 0, 0,           /* INT32 [1,2] */
                               3, 0, 0, 0, 'a', 0, 'c', 0, 0, 0, 0}; /* "a\0c", "" */
  memcpy(body + jl, bin, sizeof(bin));
  assert_null(parse_len(body, jl + sizeof(bin), (int64_t)jl));
  assert_int_equal(req.inputs[0].source, INPUT_FROM_BINARY);
  assert_ptr_equal(req.inputs[0].data, body + jl); /* zero copy */
  int32_t second = 0; /* binary data may sit at any offset: read it unaligned */
  memcpy(&second, (const char *)req.inputs[0].data + 4, 4);
  assert_int_equal(second, 2);
  assert_int_equal(req.inputs[1].byte_size, 11);

  /* Too many binary bytes. */
  body[jl + sizeof(bin)] = 9;
  char *err = parse_len(body, jl + sizeof(bin) + 1, (int64_t)jl);
  assert_non_null(strstr(err, "unexpected additional input data"));
  free(err);
  /* Too few. */
  err = parse_len(body, jl + 10, (int64_t)jl);
  assert_non_null(strstr(err, "unexpected size for input 'S'"));
  free(err);
  /* Header length larger than the body. */
  err = parse_len(body, jl, (int64_t)jl + 1);
  assert_non_null(strstr(err, "Inference-Header-Content-Length"));
  free(err);
}

static void test_truncated_bytes(void **state) {
  (void)state;
  const char json[] = "{\"inputs\":[{\"name\":\"S\",\"shape\":[1],\"datatype\":\"BYTES\","
                      "\"parameters\":{\"binary_data_size\":6}}]}";
  size_t jl = strlen(json);
  char body[256];
  memcpy(body, json, jl);
  const unsigned char bin[] = {9, 0, 0, 0, 'a', 'b'}; /* declares 9, has 2 */
  memcpy(body + jl, bin, sizeof(bin));
  char *err = parse_len(body, jl + sizeof(bin), (int64_t)jl);
  assert_non_null(err);
  assert_non_null(strstr(err, "incomplete string data for input 'S'"));
  free(err);
  const unsigned char two[] = {1, 0, 0, 0, 'a', 0}; /* 1 element + 2 stray bytes */
  memcpy(body + jl, two, sizeof(two));
  err = parse_len(body, jl + sizeof(two), (int64_t)jl);
  assert_non_null(strstr(err, "incomplete string length"));
  free(err);
}

static void test_raw_binary(void **state) {
  (void)state;
  float values[6] = {1, 2, 3, 4, 5, 6};
  assert_null(parse_len((const char *)values, sizeof(values), 0));
  assert_true(req.raw_binary);
  int64_t dims[] = {-1, 3};
  assert_null(infer_request_set_raw_input(&req, "m", "IN", DTYPE_FP32, dims, 2, true,
                                          (const char *)values, sizeof(values)));
  assert_int_equal(req.inputs[0].dim_count, 3);
  assert_int_equal(req.inputs[0].shape[0], 1);
  assert_int_equal(req.inputs[0].shape[1], 2);
  assert_int_equal(req.inputs[0].shape[2], 3);
  assert_true(req.binary_data_output);
  int64_t two_vars[] = {-1, -1};
  char *err = infer_request_set_raw_input(&req, "m", "IN", DTYPE_FP32, two_vars, 2, false,
                                          (const char *)values, sizeof(values));
  assert_non_null(strstr(err, "more than one variable-sized dimension"));
  free(err);
  int64_t fixed[] = {5};
  err = infer_request_set_raw_input(&req, "m", "IN", DTYPE_FP32, fixed, 1, false,
                                    (const char *)values, sizeof(values));
  assert_non_null(strstr(err, "do not form a whole tensor"));
  free(err);
  int64_t one[] = {1};
  assert_null(parse_len("hello", 5, 0));
  assert_null(infer_request_set_raw_input(&req, "m", "S", DTYPE_BYTES, one, 1, false,
                                          "hello", 5));
  assert_int_equal(req.inputs[0].byte_size, 9);
  assert_memory_equal(req.inputs[0].data, "\x05\0\0\0hello", 9);
}

static void test_bad_inputs(void **state) {
  (void)state;
  expect_error("{\"inputs\":[", "failed to parse the request JSON buffer");
  expect_error("{\"inputs\":[]} x", "unexpected data after the JSON object");
  expect_error("[1,2]", "must be a JSON object, got an array");
  expect_error("{}", "has no 'inputs' array");
  expect_error("{\"inputs\":[{\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}",
               "input 0 for model 'm' has no 'name' string");
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FLOAT\","
               "\"data\":[1]}]}",
               "invalid datatype 'FLOAT' of input 'x' for model 'm'");
  expect_error("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"data\":[1]}]}",
               "input 'x' for model 'm' has no 'shape'");
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[-1],\"datatype\":\"FP32\","
               "\"data\":[1]}]}",
               "expected non-negative integers, got -1");
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[2,2],\"datatype\":\"FP32\","
               "\"data\":[1,2,3]}]}",
               "shape [2,2] expects 4, got 3");
  /* json-c clamps 2^64: the message names a bound, not a number the client never sent. */
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[18446744073709551616],"
               "\"datatype\":\"FP32\",\"data\":[1]}]}",
               "got a number of 18446744073709551615 or more at index 0");
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"INT32\","
               "\"data\":[1.5]}]}",
               "expected an integer for datatype INT32 at element 0, got a number with a "
               "fraction");
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"BOOL\","
               "\"data\":[1]}]}",
               "expected true or false");
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"UINT8\","
               "\"data\":[256]}]}",
               "out of range for UINT8");
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP16\","
               "\"data\":[1]}]}",
               "receiving FP16 data via JSON is not supported. Please use the binary data "
               "format for input x");
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"BYTES\","
               "\"data\":[1]}]}",
               "expected a string for datatype BYTES");
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\"}]}",
               "Input must set only one of the following fields");
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\","
               "\"data\":[1],\"parameters\":{\"binary_data_size\":4}}]}",
               "Input must set only one of the following fields");
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\","
               "\"parameters\":{\"binary_data_size\":4}}]}",
               "no Inference-Header-Content-Length header");
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\","
               "\"data\":\"abc\"}]}",
               "'data' of input 'x' for model 'm' must be an array, got a string");
  expect_error("{\"parameters\":{\"triton_x\":1},\"inputs\":[]}",
               "reserved for Triton usage");
  expect_error("{\"parameters\":{\"priority\":-1},\"inputs\":[]}",
               "'priority' must be a non-negative integer");
  expect_error("{\"parameters\":{\"custom\":[1]},\"inputs\":[]}",
               "must be a string, number or boolean, got an array");
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\","
               "\"data\":[1]},{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\","
               "\"data\":[1]}]}",
               "input 'x' already exists in request");
  expect_error("{\"inputs\":[],\"outputs\":[{\"name\":\"o\",\"parameters\":{"
               "\"shared_memory_region\":\"r\",\"classification\":2}}]}",
               "cannot use shared memory together with 'classification'");
  expect_error("{\"inputs\":[],\"outputs\":[{\"parameters\":{}}]}",
               "requested output 0 for model 'm' must be an object with a 'name'");
}

static void test_huge_shapes(void **state) {
  (void)state;
  /* 2^32 * 2^32 overflows uint64 element counting. */
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[4294967296,4294967296,16],"
               "\"datatype\":\"FP32\",\"data\":[1]}]}",
               "causes total element count to exceed maximum size of");
  /* Within uint64 but over the byte limit: rejected before any allocation. */
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[1000000000],"
               "\"datatype\":\"FP64\",\"data\":[1]}]}",
               "causes total element count to exceed maximum size of");
  /* A zero-element tensor needs no data. */
  assert_null(parse("{\"inputs\":[{\"name\":\"x\",\"shape\":[0,5],\"datatype\":\"FP32\"}]}"));
  assert_int_equal(req.inputs[0].byte_size, 0);
}

static void test_json_depth_limit(void **state) {
  (void)state;
  char deep[1024] = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":";
  size_t n = strlen(deep);
  for (int i = 0; i < 150; ++i) deep[n++] = '[';
  deep[n++] = '1';
  for (int i = 0; i < 150; ++i) deep[n++] = ']';
  strcpy(deep + n, "}]}");
  expect_error(deep, "failed to parse the request JSON buffer");
}

static void test_shared_memory_input(void **state) {
  (void)state;
  assert_null(parse("{\"inputs\":[{\"name\":\"x\",\"shape\":[4],\"datatype\":\"FP32\","
                    "\"parameters\":{\"shared_memory_region\":\"in\","
                    "\"shared_memory_offset\":16,\"shared_memory_byte_size\":16}}],"
                    "\"outputs\":[{\"name\":\"y\",\"parameters\":{\"shared_memory_region\":"
                    "\"out\",\"shared_memory_byte_size\":16}}]}"));
  assert_int_equal(req.inputs[0].source, INPUT_FROM_SHM);
  assert_string_equal(req.inputs[0].shm_region, "in");
  assert_int_equal(req.inputs[0].shm_offset, 16);
  assert_int_equal(req.inputs[0].byte_size, 16);
  assert_string_equal(req.outputs[0].shm_region, "out");
  assert_int_equal(req.outputs[0].shm_byte_size, 16);
  expect_error("{\"inputs\":[{\"name\":\"x\",\"shape\":[4],\"datatype\":\"FP32\","
               "\"parameters\":{\"shared_memory_region\":\"in\"}}]}",
               "has no 'shared_memory_byte_size'");
}

static int teardown(void **state) {
  (void)state;
  infer_request_free(&req);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fp32_nested_and_outputs),
      cmocka_unit_test(test_every_json_dtype),
      cmocka_unit_test(test_parameters),
      cmocka_unit_test(test_binary_extension),
      cmocka_unit_test(test_truncated_bytes),
      cmocka_unit_test(test_raw_binary),
      cmocka_unit_test(test_bad_inputs),
      cmocka_unit_test(test_huge_shapes),
      cmocka_unit_test(test_json_depth_limit),
      cmocka_unit_test(test_shared_memory_input),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
