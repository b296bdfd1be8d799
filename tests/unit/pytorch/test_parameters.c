/*
 * test_parameters.c: parameter parsing and INFO lines of pytorch-backend.md §1.1: accepted
 * spellings, exact error strings, defaults, and "nothing logged without a parameters
 * section".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parameters.h"

static struct json_object *params_json(const char *text) {
  struct json_object *object = json_tokener_parse(text);
  assert_non_null(object);
  return object;
}

static void test_bool_spellings(void **unused) {
  (void)unused;
  const char *truthy[] = {"true", "TRUE", "True", "on", "ON", "1"};
  const char *falsy[] = {"false", "FaLsE", "off", "Off", "0"};
  bool value = false;
  for (size_t i = 0; i < sizeof(truthy) / sizeof(truthy[0]); ++i) {
    assert_null(pt_parse_bool(truthy[i], &value));
    assert_true(value);
  }
  for (size_t i = 0; i < sizeof(falsy) / sizeof(falsy[0]); ++i) {
    assert_null(pt_parse_bool(falsy[i], &value));
    assert_false(value);
  }
  pt_error *error = pt_parse_bool("yes", &value);
  assert_non_null(error);
  assert_int_equal(error->code, PT_ERR_INVALID_ARG);
  assert_string_equal(error->message, "failed to convert 'yes' to boolean");
  pt_error_free(error);
}

static void test_int_like_stoi(void **unused) {
  (void)unused;
  int value = 0;
  assert_null(pt_parse_int("4", &value));
  assert_int_equal(value, 4);
  assert_null(pt_parse_int("  -3", &value));
  assert_int_equal(value, -3);
  assert_null(pt_parse_int("4abc", &value)); /* trailing garbage ignored, as std::stoi */
  assert_int_equal(value, 4);
  pt_error *error = pt_parse_int("abc", &value);
  assert_non_null(error);
  assert_string_equal(error->message, "failed to convert 'abc' to integral number");
  pt_error_free(error);
  error = pt_parse_int("99999999999999999999", &value); /* Triton crashed here */
  assert_non_null(error);
  assert_int_equal(error->code, PT_ERR_INVALID_ARG);
  pt_error_free(error);
}

static void test_defaults_without_section(void **unused) {
  (void)unused;
  pt_parameters params;
  assert_null(pt_parameters_parse(NULL, &params));
  assert_false(params.present);
  assert_true(params.inference_mode);
  assert_false(params.disable_optimized_execution);
  assert_false(params.disable_cudnn);
  assert_int_equal(params.enable_tensor_fuser, PT_UNSET);
  assert_int_equal(params.enable_weight_sharing, PT_UNSET);
  assert_int_equal(params.intra_op_thread_count, 0);
  assert_string_equal(params.method_name, "forward");
  pt_parameters_clear(&params);
}

typedef struct {
  char lines[16][256];
  int count;
} line_log;

static void collect(void *context, const char *line) {
  line_log *log = context;
  assert_true(log->count < 16);
  snprintf(log->lines[log->count++], sizeof(log->lines[0]), "%s", line);
}

static void test_lines_for_every_key(void **unused) {
  (void)unused;
  struct json_object *json = params_json(
      "{\"DISABLE_OPTIMIZED_EXECUTION\":{\"string_value\":\"true\"},"
      "\"INFERENCE_MODE\":{\"string_value\":\"off\"},"
      "\"DISABLE_CUDNN\":{\"string_value\":\"1\"},"
      "\"ENABLE_CACHE_CLEANING\":{\"string_value\":\"on\"},"
      "\"ENABLE_TENSOR_FUSER\":{\"string_value\":\"false\"},"
      "\"ENABLE_WEIGHT_SHARING\":{\"string_value\":\"true\"},"
      "\"ENABLE_JIT_PROFILING\":{\"string_value\":\"false\"},"
      "\"ENABLE_JIT_EXECUTOR\":{\"string_value\":\"true\"},"
      "\"INTRA_OP_THREAD_COUNT\":{\"string_value\":\"2\"},"
      "\"INTER_OP_THREAD_COUNT\":{\"string_value\":\"1\"},"
      "\"METHOD_NAME\":{\"string_value\":\"predict\"}}");
  pt_parameters params;
  assert_null(pt_parameters_parse(json, &params));
  assert_true(params.disable_optimized_execution);
  assert_false(params.inference_mode);
  assert_true(params.disable_cudnn);
  assert_true(params.enable_cache_cleaning);
  assert_int_equal(params.enable_tensor_fuser, 0);
  assert_int_equal(params.enable_weight_sharing, 1);
  assert_int_equal(params.enable_jit_profiling, 0);
  assert_int_equal(params.enable_jit_executor, 1);
  assert_int_equal(params.intra_op_thread_count, 2);
  assert_int_equal(params.inter_op_thread_count, 1);
  assert_string_equal(params.method_name, "predict");
  line_log log = {0};
  pt_parameters_log_lines(&params, "m", collect, &log);
  const char *expected[] = {
      "Optimized execution is disabled for model instance 'm'",
      "Cache Cleaning is enabled for model instance 'm'",
      "Inference Mode is disabled for model instance 'm'",
      "cuDNN is disabled for model instance 'm'",
      "Tensor fuser is disabled for model instance 'm'",
      "Weight sharing is enabled for model instance 'm'",
      "Jit profiling is disabled for model instance 'm'",
      "Jit executor is enabled for model instance 'm'",
      "Method 'predict' is called for model instance 'm'",
  };
  assert_int_equal(log.count, (int)(sizeof(expected) / sizeof(expected[0])));
  for (int i = 0; i < log.count; ++i) assert_string_equal(log.lines[i], expected[i]);
  pt_parameters_clear(&params);
  json_object_put(json);
}

static void test_minimal_section_logs_the_four_always_lines(void **unused) {
  (void)unused;
  struct json_object *json = params_json("{\"INFERENCE_MODE\":{\"string_value\":\"true\"}}");
  pt_parameters params;
  assert_null(pt_parameters_parse(json, &params));
  line_log log = {0};
  pt_parameters_log_lines(&params, "m", collect, &log);
  assert_int_equal(log.count, 4);
  assert_string_equal(log.lines[0], "Optimized execution is enabled for model instance 'm'");
  assert_string_equal(log.lines[2], "Inference Mode is enabled for model instance 'm'");
  pt_parameters_clear(&params);
  json_object_put(json);

  line_log none = {0};
  assert_null(pt_parameters_parse(NULL, &params));
  pt_parameters_log_lines(&params, "m", collect, &none);
  assert_int_equal(none.count, 0);
  pt_parameters_clear(&params);
}

static void test_bad_value_fails(void **unused) {
  (void)unused;
  struct json_object *json = params_json("{\"DISABLE_CUDNN\":{\"string_value\":\"maybe\"}}");
  pt_parameters params;
  pt_error *error = pt_parameters_parse(json, &params);
  assert_non_null(error);
  assert_string_equal(error->message, "failed to convert 'maybe' to boolean");
  pt_error_free(error);
  json_object_put(json);
  json = params_json("{\"INTRA_OP_THREAD_COUNT\":{\"string_value\":\"many\"}}");
  error = pt_parameters_parse(json, &params);
  assert_non_null(error);
  assert_string_equal(error->message, "failed to convert 'many' to integral number");
  pt_error_free(error);
  json_object_put(json);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bool_spellings),
      cmocka_unit_test(test_int_like_stoi),
      cmocka_unit_test(test_defaults_without_section),
      cmocka_unit_test(test_lines_for_every_key),
      cmocka_unit_test(test_minimal_section_logs_the_four_always_lines),
      cmocka_unit_test(test_bad_value_fails),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
