/*
 * test_config_json.c — the JSON form (triton-api.md §3.4): rendering byte for byte
 * (including the spec's normalized example), reading it back (round trip over the whole
 * corpus), the reader's accepted variants (camelCase, int64 strings, enum numbers, null)
 * and its errors, plus clone/equal.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config_test_support.h"
#include "model_config.h"

static char *corpus_file(const char *kind, const char *name, const char *suffix) {
  size_t len = strlen(CONFIG_CORPUS_DIR) + strlen(kind) + strlen(name) + strlen(suffix) + 4;
  char *path = malloc(len);
  snprintf(path, len, "%s/%s/%s%s", CONFIG_CORPUS_DIR, kind, name, suffix);
  char *text = ts_read_file(path, NULL);
  if (text == NULL) {
    fail_msg("cannot read %s", path);
  }
  free(path);
  size_t n = strlen(text);
  while (n > 0 && text[n - 1] == '\n') {
    text[--n] = '\0';
  }
  return text;
}

static ModelConfig *from_json_ok(const char *json) {
  ModelConfig *config = NULL;
  char *error = NULL;
  if (model_config_from_json(json, strlen(json), &config, &error) != 0) {
    fail_msg("from_json failed: %s\n%s", error, json);
  }
  return config;
}

static char *from_json_error(const char *json) {
  ModelConfig *config = NULL;
  char *error = NULL;
  if (model_config_from_json(json, strlen(json), &config, &error) == 0) {
    fail_msg("from_json accepted: %s", json);
  }
  assert_null(config);
  return error;
}

/* The normalized JSON of each normalized/<name>.pbtxt equals normalized/<name>.json. */
static void test_normalized_examples(void **state) {
  (void)state;
  static const char *const names[] = {"resnet", "pytorch_typical"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char *text = corpus_file("normalized", names[i], ".pbtxt");
    char *expected = corpus_file("normalized", names[i], ".json");
    ModelConfig *config = ts_parse_ok(text);
    ModelNormalizeOptions opts = {.model_name = names[i], .resolve_instance_groups = true};
    model_config_normalize(config, &opts);
    char *error = NULL;
    if (model_config_validate(config, names[i], 0, &error) != 0) {
      fail_msg("%s: %s", names[i], error);
    }
    char *json = model_config_to_json(config);
    if (strcmp(json, expected) != 0) {
      fail_msg("%s renders\n%s\nexpected\n%s", names[i], json, expected);
    }
    free(json);
    model_config_free(config);
    free(expected);
    free(text);
  }
}

/* Every valid corpus config survives pbtxt → JSON → config → JSON unchanged. */
static void test_round_trip_corpus(void **state) {
  (void)state;
  char **names;
  size_t count = ts_list_files(CONFIG_CORPUS_DIR "/valid", ".pbtxt", &names);
  assert_true(count > 0);
  for (size_t i = 0; i < count; i++) {
    names[i][strlen(names[i]) - strlen(".pbtxt")] = '\0';
    char *text = corpus_file("valid", names[i], ".pbtxt");
    ModelConfig *config = ts_parse_ok(text);
    char *json = model_config_to_json(config);
    ModelConfig *back = from_json_ok(json);
    if (!model_config_equal(config, back)) {
      fail_msg("%s changed in the JSON round trip:\n%s", names[i], json);
    }
    char *again = model_config_to_json(back);
    assert_string_equal(again, json);
    ModelConfig *copy = model_config_clone(config);
    assert_true(model_config_equal(copy, config));
    free(again);
    free(json);
    model_config_free(copy);
    model_config_free(back);
    model_config_free(config);
    free(text);
    free(names[i]);
  }
  free(names);
}

static void test_writer_details(void **state) {
  (void)state;
  ModelConfig *config = model_config_new();
  char *json = model_config_to_json(config);
  assert_string_equal(json, ""); /* an empty config renders as "" */
  free(json);
  json = model_config_to_json(NULL);
  assert_string_equal(json, "");
  free(json);

  /* control characters escaped; unknown enum value printed as a number */
  free(config->name);
  config->name = strdup("a\x01\"b\\\n");
  json = model_config_to_json(config);
  assert_non_null(strstr(json, "\"name\":\"a\\u0001\\\"b\\\\\\n\""));
  free(json);
  model_config_free(config);

  config = ts_parse_ok("input { name: \"x\" data_type: 42 }\n"
                       "sequence_batching { direct { minimum_slot_utilization: 0.1 } "
                       "control_input { control { fp32_false_true: [ 0.333333333, 1e10, "
                       "-0, 16777216, 3.4e38 ] } } }\n"
                       "model_metrics { metric_control { histogram_options { buckets: [ 0.1, 1e21, "
                       "0.30000000000000004 ] } } }");
  json = model_config_to_json(config);
  assert_non_null(strstr(json, "\"data_type\":42"));
  assert_non_null(strstr(json, "\"minimum_slot_utilization\":0.1"));
  /* -0 is read as 0 (json-c cannot carry the sign of an integer zero back) */
  assert_non_null(strstr(json, "[0.333333343,1e+10,0,16777216,3.4e+38]"));
  assert_non_null(strstr(json, "\"buckets\":[0.1,1e+21,0.30000000000000004]"));
  free(json);
  model_config_free(config);
}

static void test_reader_variants(void **state) {
  (void)state;
  ModelConfig *c = from_json_ok(
      "{\"name\":\"m\",\"maxBatchSize\":\"8\",\"input\":[{\"name\":\"x\",\"dataType\":11,"
      "\"dims\":[\"-1\",3.0],\"reshape\":{}}],\"dynamic_batching\":{\"max_queue_delay_microseconds\":"
      "\"18446744073709551615\",\"priority_queue_policy\":{\"2\":{\"timeout_action\":\"DELAY\"}}},"
      "\"parameters\":{\"K\":{\"stringValue\":\"v\"}},\"output\":null,"
      "\"sequence_batching\":null,\"model_warmup\":[{\"inputs\":{\"w\":{\"zero_data\":false}}}]}");
  assert_string_equal(c->name, "m");
  assert_int_equal(c->max_batch_size, 8);
  assert_int_equal(c->input.items[0].data_type, MODEL_TYPE_FP32);
  assert_int_equal(c->input.items[0].dims.items[0], -1);
  assert_int_equal(c->input.items[0].dims.items[1], 3);
  assert_true(c->input.items[0].has_reshape);
  assert_true(c->has_dynamic_batching);
  assert_true(c->dynamic_batching.max_queue_delay_microseconds == UINT64_MAX);
  assert_int_equal(c->dynamic_batching.priority_queue_policy.count, 1);
  assert_true(c->dynamic_batching.priority_queue_policy.items[0].key == 2);
  assert_int_equal(c->dynamic_batching.priority_queue_policy.items[0].value.timeout_action,
                   MODEL_TIMEOUT_DELAY);
  assert_string_equal(model_config_parameter(c, "K"), "v");
  assert_false(c->has_sequence_batching);
  assert_int_equal(c->output.count, 0);
  assert_true(c->model_warmup.items[0].inputs.items[0].value.has_zero_data);
  model_config_free(c);

  c = from_json_ok("  \n");
  ModelConfig *empty = model_config_new();
  assert_true(model_config_equal(c, empty));
  model_config_free(empty);
  model_config_free(c);
  c = from_json_ok("{\"sequence_batching\":{\"direct\":{\"minimum_slot_utilization\":\"NaN\"},"
                   "\"control_input\":[{\"control\":[{\"fp32_false_true\":[\"Infinity\",\"-Infinity\",1]}]}]}}");
  assert_true(isnan(c->sequence_batching.direct.minimum_slot_utilization));
  assert_true(isinf(c->sequence_batching.control_input.items[0].control.items[0].fp32_false_true.items[1]));
  model_config_free(c);
}

static void test_reader_errors(void **state) {
  (void)state;
  static const struct {
    const char *json;
    const char *error;
  } cases[] = {
      {"{\"foo\":1}", "model config JSON: message type 'inference.ModelConfig' has no field named 'foo'"},
      {"{\"input\":[{\"dims\":[1,\"x\"]}]}", "model config JSON: input[0].dims[1]: expected an integer, got \"x\""},
      {"{\"input\":[{\"dims\":[1.5]}]}", "model config JSON: input[0].dims[0]: expected an integer, got 1.5"},
      {"{\"max_batch_size\":2147483648}", "model config JSON: max_batch_size: integer 2147483648 out of range for this field"},
      {"{\"dynamic_batching\":{\"priority_levels\":-1}}",
       "model config JSON: dynamic_batching.priority_levels: integer -1 out of range for this field"},
      {"{\"name\":5}", "model config JSON: name: expected a string, got an integer"},
      {"{\"input\":{}}", "model config JSON: input: expected an array, got an object"},
      {"{\"parameters\":[]}", "model config JSON: parameters: expected an object (map), got an array"},
      {"{\"input\":[{\"data_type\":\"TYPE_FLOAT\"}]}",
       "model config JSON: input[0].data_type: unknown value \"TYPE_FLOAT\" for enum inference.DataType"},
      {"{\"input\":[{\"optional\":1}]}", "model config JSON: input[0].optional: expected true or false, got an integer"},
      {"{\"dynamic_batching\":{},\"sequence_batching\":{}}",
       "model config JSON: sequence_batching: field 'sequence_batching' is set along with field "
       "'dynamic_batching', another member of oneof 'scheduling_choice'"},
      {"{\"name\":\"a\\u0000b\"}", "model config JSON: name: string contains a NUL character"},
      {"{\"name\":\"tru\x96\"}", "model config JSON: name: string is not valid UTF-8"},
      {"{\"name\":\"a\"} x", "model config JSON: invalid JSON: unexpected data after the object at byte 13"},
      {"{\"name\":", "model config JSON: invalid JSON at byte 8: unexpected end of input"},
      {"[1]", "model config JSON: expected an object for inference.ModelConfig, got an array"},
      {"{\"dynamic_batching\":{\"priority_queue_policy\":{\"x\":{}}}}",
       "model config JSON: dynamic_batching.priority_queue_policy[\"x\"]: expected an integer, got \"x\""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *error = from_json_error(cases[i].json);
    if (strcmp(error, cases[i].error) != 0) {
      fail_msg("for %s\n got: %s\nwant: %s", cases[i].json, error, cases[i].error);
    }
    free(error);
  }
}

static void test_clone_is_deep(void **state) {
  (void)state;
  ModelConfig *a = ts_parse_ok("name: \"a\" input { name: \"x\" dims: [1, 2] } "
                               "parameters { key: \"k\" value { string_value: \"v\" } }");
  ModelConfig *b = model_config_clone(a);
  assert_true(model_config_equal(a, b));
  b->input.items[0].dims.items[1] = 7;
  assert_false(model_config_equal(a, b));
  assert_int_equal(a->input.items[0].dims.items[1], 2);
  b->input.items[0].dims.items[1] = 2;
  b->parameters.items[0].value.string_value[0] = 'w';
  assert_false(model_config_equal(a, b));
  assert_string_equal(model_config_parameter(a, "k"), "v");
  b->parameters.items[0].value.string_value[0] = 'v';
  b->has_response_cache = true;
  assert_false(model_config_equal(a, b));
  model_config_free(a);
  model_config_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_normalized_examples), cmocka_unit_test(test_round_trip_corpus),
      cmocka_unit_test(test_writer_details),      cmocka_unit_test(test_reader_variants),
      cmocka_unit_test(test_reader_errors),       cmocka_unit_test(test_clone_is_deep),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
