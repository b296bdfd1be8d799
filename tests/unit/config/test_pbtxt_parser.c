/*
 * test_pbtxt_parser.c — model_config_parse over the corpus in tests/config-corpus and over
 * targeted snippets: typed values land in the right struct fields (has-bits, lists, maps,
 * oneofs, escapes, number forms), and malformed input fails with the exact
 * "file:line:column: expected X, got Y" message.
 *
 * Corpus: valid/<name>.pbtxt must parse and render to valid/<name>.json byte for byte
 * (that JSON comes from protobuf itself: make_expected.py); invalid/<name>.pbtxt must fail
 * with invalid/<name>.error.
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

#include "model_config.h"
#include "config_test_support.h"

static char *corpus_path(const char *kind, const char *name, const char *suffix) {
  size_t len = strlen(CONFIG_CORPUS_DIR) + strlen(kind) + strlen(name) + strlen(suffix) + 4;
  char *path = malloc(len);
  snprintf(path, len, "%s/%s/%s%s", CONFIG_CORPUS_DIR, kind, name, suffix);
  return path;
}

static void strip_newline(char *s) {
  size_t len = strlen(s);
  while (len > 0 && s[len - 1] == '\n') {
    s[--len] = '\0';
  }
}

static void test_valid_corpus(void **state) {
  (void)state;
  char **names;
  size_t count = ts_list_files(CONFIG_CORPUS_DIR "/valid", ".pbtxt", &names);
  assert_true(count >= 20);
  for (size_t i = 0; i < count; i++) {
    char *base = names[i];
    base[strlen(base) - strlen(".pbtxt")] = '\0';
    char *pbtxt_path = corpus_path("valid", base, ".pbtxt");
    char *json_path = corpus_path("valid", base, ".json");
    size_t len;
    char *text = ts_read_file(pbtxt_path, &len);
    char *expected = ts_read_file(json_path, NULL);
    assert_non_null(text);
    if (expected == NULL) {
      fail_msg("missing expected JSON %s", json_path);
    }
    strip_newline(expected);
    ModelConfig *config = NULL;
    char *error = NULL;
    if (model_config_parse(text, len, pbtxt_path, &config, &error) != 0) {
      fail_msg("%s: %s", base, error);
    }
    char *json = model_config_to_json(config);
    if (strcmp(json, expected) != 0) {
      fail_msg("%s renders\n%s\nexpected\n%s", base, json, expected);
    }
    free(json);
    model_config_free(config);
    free(expected);
    free(text);
    free(json_path);
    free(pbtxt_path);
    free(names[i]);
  }
  free(names);
}

static void test_invalid_corpus(void **state) {
  (void)state;
  char **names;
  size_t count = ts_list_files(CONFIG_CORPUS_DIR "/invalid", ".pbtxt", &names);
  assert_true(count >= 30);
  for (size_t i = 0; i < count; i++) {
    char *base = names[i];
    base[strlen(base) - strlen(".pbtxt")] = '\0';
    char *pbtxt_path = corpus_path("invalid", base, ".pbtxt");
    char *error_path = corpus_path("invalid", base, ".error");
    size_t len;
    char *text = ts_read_file(pbtxt_path, &len);
    char *expected = ts_read_file(error_path, NULL);
    assert_non_null(text);
    if (expected == NULL) {
      fail_msg("missing expected error %s", error_path);
    }
    strip_newline(expected);
    ModelConfig *config = NULL;
    char *error = NULL;
    if (model_config_parse(text, len, "config.pbtxt", &config, &error) == 0) {
      fail_msg("%s parsed but must fail with: %s", base, expected);
    }
    assert_null(config);
    if (strcmp(error, expected) != 0) {
      fail_msg("%s fails with\n%s\nexpected\n%s", base, error, expected);
    }
    free(error);
    free(expected);
    free(text);
    free(error_path);
    free(pbtxt_path);
    free(names[i]);
  }
  free(names);
}

static void test_typed_values(void **state) {
  (void)state;
  ModelConfig *c = ts_parse_ok(
      "name: \"m\" platform: \"pyt\" 'orch_libtorch'\n"
      "max_batch_size: 0x10\n"
      "input [ { name: \"a\" data_type: TYPE_FP32 dims: [ - 1, 010 ] dims: 3 reshape: { } } ]\n"
      "input { name: \"b\" data_type: 99 optional: True }\n"
      "output < name: \"o\" data_type: TYPE_INT64 dims: 2 label_filename: 'l.txt' >\n"
      "dynamic_batching { }\n"
      "version_policy { specific { versions: [ 1, 3 ] } }\n"
      "parameters { key: \"K\" value { string_value: \"v1\" } }\n"
      "parameters { key: \"A\" value { string_value: \"a\" } }\n"
      "parameters { key: \"K\" value { string_value: \"v2\" } }\n");
  assert_string_equal(c->name, "m");
  assert_string_equal(c->platform, "pytorch_libtorch");
  assert_string_equal(c->backend, "");
  assert_int_equal(c->max_batch_size, 16);
  assert_int_equal(c->input.count, 2);
  const ModelInput *a = &c->input.items[0];
  assert_int_equal(a->data_type, MODEL_TYPE_FP32);
  assert_int_equal(a->dims.count, 3);
  assert_int_equal(a->dims.items[0], -1);
  assert_int_equal(a->dims.items[1], 8);
  assert_int_equal(a->dims.items[2], 3);
  assert_true(a->has_reshape);
  assert_int_equal(a->reshape.shape.count, 0);
  assert_int_equal((int)c->input.items[1].data_type, 99);
  assert_true(c->input.items[1].optional);
  assert_false(c->input.items[1].has_reshape);
  assert_string_equal(c->output.items[0].label_filename, "l.txt");
  assert_true(c->has_dynamic_batching);
  assert_int_equal(c->dynamic_batching.preferred_batch_size.count, 0);
  assert_false(c->has_sequence_batching);
  assert_false(c->has_optimization);
  assert_true(c->has_version_policy);
  assert_true(c->version_policy.has_specific);
  assert_false(c->version_policy.has_latest);
  assert_int_equal(c->version_policy.specific.versions.count, 2);
  /* maps: the last duplicate wins, entries sorted by key */
  assert_int_equal(c->parameters.count, 2);
  assert_string_equal(c->parameters.items[0].key, "A");
  assert_string_equal(c->parameters.items[1].key, "K");
  assert_string_equal(model_config_parameter(c, "K"), "v2");
  assert_null(model_config_parameter(c, "missing"));
  model_config_free(c);
}

static void test_number_forms(void **state) {
  (void)state;
  ModelConfig *c;
  c = ts_parse_ok(
      "input { name: \"x\" dims: [ 9223372036854775807, -9223372036854775808, 0X1f, 017 ] }\n"
      "dynamic_batching { max_queue_delay_microseconds: 18446744073709551615 }\n");
  assert_true(c->input.items[0].dims.items[0] == INT64_MAX);
  assert_true(c->input.items[0].dims.items[1] == INT64_MIN);
  assert_int_equal(c->input.items[0].dims.items[2], 31);
  assert_int_equal(c->input.items[0].dims.items[3], 15);
  assert_true(c->dynamic_batching.max_queue_delay_microseconds == UINT64_MAX);
  model_config_free(c);

  c = ts_parse_ok(
      "sequence_batching { direct { minimum_slot_utilization: .5 }\n"
      "  control_input { control { fp32_false_true: [ 1e-3, 0.5f, -inf, Infinity, nan, 7 ]\n"
      "                            bool_false_true: [ t, False, 1 ] } } }\n");
  const ModelSequenceBatching *s = &c->sequence_batching;
  assert_true(s->has_direct);
  assert_true(s->direct.minimum_slot_utilization == 0.5f);
  const ModelFloatList *f = &s->control_input.items[0].control.items[0].fp32_false_true;
  assert_int_equal(f->count, 6);
  assert_true(f->items[0] == 1e-3f);
  assert_true(f->items[1] == 0.5f);
  assert_true(isinf(f->items[2]) && f->items[2] < 0);
  assert_true(isinf(f->items[3]) && f->items[3] > 0);
  assert_true(isnan(f->items[4]));
  assert_true(f->items[5] == 7.0f);
  const ModelBoolList *b = &s->control_input.items[0].control.items[0].bool_false_true;
  assert_int_equal(b->count, 3);
  assert_true(b->items[0]);
  assert_false(b->items[1]);
  assert_true(b->items[2]);
  model_config_free(c);
}

static void test_oneof_scalars(void **state) {
  (void)state;
  ModelConfig *c = ts_parse_ok(
      "model_warmup { name: \"w\" batch_size: 1\n"
      "  inputs { key: \"a\" value { data_type: TYPE_FP32 dims: 1 zero_data: false } }\n"
      "  inputs { key: \"b\" value { data_type: TYPE_FP32 dims: 1 input_data_file: \"f\" } } }\n");
  const ModelWarmupInputMap *inputs = &c->model_warmup.items[0].inputs;
  assert_int_equal(inputs->count, 2);
  /* a oneof member set to its default is still "set" */
  assert_true(inputs->items[0].value.has_zero_data);
  assert_false(inputs->items[0].value.zero_data);
  assert_false(inputs->items[0].value.has_input_data_file);
  assert_true(inputs->items[1].value.has_input_data_file);
  assert_string_equal(inputs->items[1].value.input_data_file, "f");
  char *json = model_config_to_json(c);
  assert_non_null(strstr(json, "\"a\":{\"data_type\":\"TYPE_FP32\",\"dims\":[1],\"zero_data\":false}"));
  assert_non_null(strstr(json, "\"b\":{\"data_type\":\"TYPE_FP32\",\"dims\":[1],\"input_data_file\":\"f\"}"));
  free(json);
  model_config_free(c);
}

static void test_error_positions(void **state) {
  (void)state;
  static const struct {
    const char *text;
    const char *error;
  } cases[] = {
      {"name: \"m\"\n\n    max_batch_size 4",
       "config.pbtxt:3:20: expected ':' after field 'max_batch_size', got '4'"},
      {"input {\n  name: \"x\"\n  data_type: TYPE_FP32\n  dims: [ 1, 2,, ]\n}",
       "config.pbtxt:4:16: expected int64 integer for field 'dims', got ','"},
      {"instance_group { kind: KIND_CPU count: -1 gpus: [ 2147483648 ] }",
       "config.pbtxt:1:51: integer out of range for int32 field 'gpus': '2147483648'"},
      {"optimization { input_pinned_memory { enable: true } input_pinned_memory { } }",
       "config.pbtxt:1:53: non-repeated field 'input_pinned_memory' is specified multiple "
       "times"},
      {"input { name: \"a\" }\ninput { name: \"b\" reshape { shape: [ 1 ] } reshape { } }",
       "config.pbtxt:2:44: non-repeated field 'reshape' is specified multiple times"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *error = ts_parse_error(cases[i].text);
    assert_string_equal(error, cases[i].error);
    free(error);
  }
}

static void test_null_and_lengths(void **state) {
  (void)state;
  ModelConfig *c = NULL;
  char *error = NULL;
  /* `len` bounds the input: text after it is ignored */
  const char *text = "max_batch_size: 4 garbage";
  assert_int_equal(model_config_parse(text, strlen("max_batch_size: 4"), NULL, &c, &error), 0);
  assert_int_equal(c->max_batch_size, 4);
  model_config_free(c);
  /* NULL error pointer is allowed */
  assert_int_equal(model_config_parse("x", 1, NULL, &c, NULL), -1);
  assert_null(c);
  /* default file name */
  assert_int_equal(model_config_parse("x", 1, NULL, &c, &error), -1);
  assert_string_equal(error, "config.pbtxt:1:1: message type 'inference.ModelConfig' has no "
                             "field named 'x'");
  free(error);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_corpus),    cmocka_unit_test(test_invalid_corpus),
      cmocka_unit_test(test_typed_values),    cmocka_unit_test(test_number_forms),
      cmocka_unit_test(test_oneof_scalars),   cmocka_unit_test(test_error_positions),
      cmocka_unit_test(test_null_and_lengths),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
