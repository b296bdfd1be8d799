/*
 * test_model_config.c: reading the config JSON and the load-time validation messages of
 * pytorch-backend.md §3.1, §3.4 (including the strings Triton's QA greps), plus the
 * data-type table of dtypes.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dtypes.h"
#include "model_config.h"

static pt_error *load(const char *json, pt_model_config *config) {
  pt_error *error = pt_model_config_parse(json, strlen(json), config);
  if (error == NULL) {
    error = pt_model_config_validate(config);
    pt_model_config_free(config);
  }
  return error;
}

static void expect_error(const char *json, int code, const char *message) {
  pt_model_config config;
  pt_error *error = load(json, &config);
  assert_non_null(error);
  assert_int_equal(error->code, code);
  assert_string_equal(error->message, message);
  pt_error_free(error);
}

static void test_reads_fields(void **unused) {
  (void)unused;
  const char *json =
      "{\"name\":\"m\",\"max_batch_size\":8,\"default_model_filename\":\"x.pt\","
      "\"input\":[{\"name\":\"INPUT__0\",\"data_type\":\"TYPE_STRING\",\"dims\":[1],"
      "\"reshape\":{\"shape\":[]},\"allow_ragged_batch\":false,\"optional\":true}],"
      "\"output\":[{\"name\":\"OUTPUT__0\",\"data_type\":\"TYPE_FP32\",\"dims\":[3,-1]}],"
      "\"batch_input\":[],\"batch_output\":[],"
      "\"parameters\":{\"INFERENCE_MODE\":{\"string_value\":\"true\"}}}";
  pt_model_config config;
  assert_null(pt_model_config_parse(json, strlen(json), &config));
  assert_string_equal(config.name, "m");
  assert_int_equal(config.max_batch_size, 8);
  assert_string_equal(config.default_model_filename, "x.pt");
  assert_int_equal(config.input_count, 1);
  assert_int_equal(config.inputs[0].dtype, 13);
  assert_true(config.inputs[0].has_reshape);
  assert_int_equal(config.inputs[0].reshape_count, 0);
  assert_true(config.inputs[0].optional);
  assert_int_equal(config.outputs[0].dims_count, 2);
  assert_int_equal(config.outputs[0].dims[1], -1);
  assert_non_null(config.parameters);
  assert_int_equal(pt_model_config_find_output(&config, "OUTPUT__0"), 0);
  assert_int_equal(pt_model_config_find_input(&config, "nope"), -1);
  assert_null(pt_model_config_validate(&config)); /* batched string with reshape [] is 1-D */
  pt_model_config_free(&config);
}

static void test_unsupported_types_exact_messages(void **unused) {
  (void)unused;
  expect_error("{\"name\":\"libtorch_invalid_input_type\",\"max_batch_size\":0,"
               "\"input\":[{\"name\":\"INPUT0\",\"data_type\":\"TYPE_UINT32\",\"dims\":[4]}],"
               "\"output\":[{\"name\":\"OUTPUT__0\",\"data_type\":\"TYPE_FP32\",\"dims\":[4]}]}",
               PT_ERR_INTERNAL,
               "unsupported datatype TYPE_UINT32 for input 'INPUT0' for model "
               "'libtorch_invalid_input_type'");
  expect_error("{\"name\":\"libtorch_invalid_output_type\",\"max_batch_size\":0,"
               "\"input\":[{\"name\":\"INPUT__0\",\"data_type\":\"TYPE_FP32\",\"dims\":[4]}],"
               "\"output\":[{\"name\":\"OUTPUT__0\",\"data_type\":\"TYPE_UINT64\",\"dims\":[4]}]}",
               PT_ERR_INTERNAL,
               "unsupported datatype TYPE_UINT64 for output 'OUTPUT__0' for model "
               "'libtorch_invalid_output_type'");
}

static void test_bf16_is_accepted(void **unused) {
  (void)unused;
  pt_model_config config;
  assert_null(load("{\"name\":\"b\",\"max_batch_size\":8,"
                   "\"input\":[{\"name\":\"INPUT__0\",\"data_type\":\"TYPE_BF16\",\"dims\":[-1]}],"
                   "\"output\":[{\"name\":\"OUTPUT__0\",\"data_type\":\"TYPE_BF16\","
                   "\"dims\":[-1]}]}",
                   &config));
}

static void test_string_must_be_1d(void **unused) {
  (void)unused;
  expect_error("{\"name\":\"s\",\"max_batch_size\":8,"
               "\"input\":[{\"name\":\"IN\",\"data_type\":\"TYPE_STRING\",\"dims\":[1]}],"
               "\"output\":[{\"name\":\"OUT\",\"data_type\":\"TYPE_FP32\",\"dims\":[1]}]}",
               PT_ERR_INTERNAL,
               "Triton only supports 1 dimensional List of String as input for 'IN' for model "
               "'s'");
}

static void test_missing_inputs_or_outputs(void **unused) {
  (void)unused;
  expect_error("{\"name\":\"e\",\"max_batch_size\":0,\"input\":[],\"output\":[]}",
               PT_ERR_INVALID_ARG,
               "model configuration must contain at least one input, none were specified.");
  expect_error("{\"name\":\"e\",\"max_batch_size\":0,"
               "\"input\":[{\"name\":\"I\",\"data_type\":\"TYPE_FP32\",\"dims\":[1]}],"
               "\"output\":[]}",
               PT_ERR_INVALID_ARG,
               "model configuration must contain at least one output, none were specified.");
}

static void test_sequence_controls(void **unused) {
  (void)unused;
  const char *head =
      "{\"name\":\"q\",\"max_batch_size\":0,"
      "\"input\":[{\"name\":\"INPUT__0\",\"data_type\":\"TYPE_FP32\",\"dims\":[1]}],"
      "\"output\":[{\"name\":\"OUTPUT__0\",\"data_type\":\"TYPE_FP32\",\"dims\":[1]}],"
      "\"sequence_batching\":{\"control_input\":[";
  char json[1024];
  snprintf(json, sizeof(json), "%s%s", head,
           "{\"name\":\"START\",\"control\":[{\"kind\":\"CONTROL_SEQUENCE_START\","
           "\"data_type\":\"TYPE_INVALID\"}]}]}}");
  expect_error(json, PT_ERR_INTERNAL,
               "input 'START' does not follow <name>__<index> naming convention.");
  snprintf(json, sizeof(json), "%s%s", head,
           "{\"name\":\"CORRID__1\",\"control\":[{\"kind\":\"CONTROL_SEQUENCE_CORRID\","
           "\"data_type\":\"TYPE_UINT32\"}]}]}}");
  expect_error(json, PT_ERR_INTERNAL,
               "input 'CORRID__1' type 'TYPE_UINT32' is not supported by PyTorch.");
}

static void test_batch_inputs(void **unused) {
  (void)unused;
  const char *head = "{\"name\":\"r\",\"max_batch_size\":8,"
                     "\"input\":[{\"name\":\"IN\",\"data_type\":\"TYPE_FP32\",\"dims\":[-1]}],"
                     "\"output\":[{\"name\":\"OUT\",\"data_type\":\"TYPE_FP32\",\"dims\":[1]}],"
                     "\"batch_input\":[";
  char json[1024];
  snprintf(json, sizeof(json), "%s%s", head,
           "{\"kind\":\"BATCH_ELEMENT_COUNT\",\"target_name\":[\"N\"],"
           "\"data_type\":\"TYPE_INT32\",\"source_input\":[\"IN\"]}]}");
  pt_model_config config;
  assert_null(pt_model_config_parse(json, strlen(json), &config));
  assert_int_equal(config.batch_input_count, 1);
  assert_string_equal(config.batch_inputs[0].target, "N");
  assert_string_equal(config.batch_inputs[0].source, "IN");
  assert_int_equal(config.batch_inputs[0].dtype, 8);
  assert_null(pt_model_config_validate(&config));
  pt_model_config_free(&config);
  assert_int_equal(pt_batch_input_kind("BATCH_ITEM_SHAPE_FLATTEN"), 5);
  assert_int_equal(pt_batch_input_kind("BATCH_NOPE"), -1);
  snprintf(json, sizeof(json), "%s%s", head,
           "{\"kind\":\"BATCH_ELEMENT_COUNT\",\"target_name\":[\"N\"],"
           "\"data_type\":\"TYPE_INT32\",\"source_input\":[\"MISSING\"]}]}");
  expect_error(json, PT_ERR_INVALID_ARG,
               "batch_input 'N' of model 'r' has source_input 'MISSING', which is not an input "
               "of the model");
  snprintf(json, sizeof(json), "%s%s", head,
           "{\"kind\":\"BATCH_ELEMENT_COUNT\",\"target_name\":[\"N\"],"
           "\"data_type\":\"TYPE_UINT32\",\"source_input\":[\"IN\"]}]}");
  expect_error(json, PT_ERR_INTERNAL,
               "unsupported datatype TYPE_UINT32 for batch_input 'N' for model 'r'");
}

static void test_not_json(void **unused) {
  (void)unused;
  pt_model_config config;
  pt_error *error = pt_model_config_parse("[1,", 3, &config);
  assert_non_null(error);
  pt_error_free(error);
}

static void test_dtype_table(void **unused) {
  (void)unused;
  assert_int_equal(pt_dtype_from_config_name("TYPE_FP32"), 11);
  assert_int_equal(pt_dtype_from_config_name("TYPE_NOPE"), 0);
  assert_string_equal(pt_dtype_config_name(14), "TYPE_BF16");
  assert_string_equal(pt_dtype_config_name(99), "TYPE_INVALID");
  assert_true(pt_dtype_supported(13));
  assert_false(pt_dtype_supported(3)); /* UINT16 */
  assert_false(pt_dtype_supported(4));
  assert_false(pt_dtype_supported(5));
  assert_int_equal(pt_dtype_byte_size(10), 2);
  assert_int_equal(pt_dtype_byte_size(9), 8);
  assert_int_equal(pt_dtype_byte_size(13), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reads_fields),
      cmocka_unit_test(test_unsupported_types_exact_messages),
      cmocka_unit_test(test_bf16_is_accepted),
      cmocka_unit_test(test_string_must_be_1d),
      cmocka_unit_test(test_missing_inputs_or_outputs),
      cmocka_unit_test(test_sequence_controls),
      cmocka_unit_test(test_batch_inputs),
      cmocka_unit_test(test_not_json),
      cmocka_unit_test(test_dtype_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
