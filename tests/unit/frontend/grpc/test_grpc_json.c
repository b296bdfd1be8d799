/* test_grpc_json.c — the core's JSON → protobuf-c messages through descriptors
 * (grpc_json.c): scalars, 64-bit strings, enums by name, nested and repeated messages,
 * maps with string and integer keys, oneofs, unknown keys skipped, wrong kinds refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "grpc_json.h"
#include "grpc_service.pb-c.h"
#include "model_config.pb-c.h"

#include <stdlib.h>
#include <string.h>

static ProtobufCMessage *convert(const ProtobufCMessageDescriptor *d, const char *text,
                                 char **error) {
  return grpc_json_text_to_message(d, text, strlen(text), error);
}

static void test_model_config(void **state) {
  (void)state;
  const char *json =
      "{\"name\":\"m\",\"backend\":\"identity\",\"max_batch_size\":8,"
      "\"version_policy\":{\"latest\":{\"num_versions\":1}},"
      "\"input\":[{\"name\":\"INPUT0\",\"data_type\":\"TYPE_FP32\",\"dims\":[-1,\"3\"]}],"
      "\"output\":[{\"name\":\"OUTPUT0\",\"data_type\":\"TYPE_STRING\",\"dims\":[1],"
      "\"label_filename\":\"l.txt\"}],"
      "\"dynamic_batching\":{\"preferred_batch_size\":[4,8],\"max_queue_delay_microseconds\":100,"
      "\"priority_queue_policy\":{\"2\":{\"max_queue_size\":5}}},"
      "\"instance_group\":[{\"name\":\"g\",\"kind\":\"KIND_CPU\",\"count\":2}],"
      "\"parameters\":{\"mode\":{\"string_value\":\"add_sub\"}},"
      "\"model_transaction_policy\":{\"decoupled\":true},\"not_a_field\":[1,2]}";
  char *error = NULL;
  Inference__ModelConfig *c =
      (Inference__ModelConfig *)convert(&inference__model_config__descriptor, json, &error);
  assert_null(error);
  assert_non_null(c);
  assert_string_equal(c->name, "m");
  assert_string_equal(c->backend, "identity");
  assert_int_equal(c->max_batch_size, 8);
  assert_int_equal(c->version_policy->policy_choice_case,
                   INFERENCE__MODEL_VERSION_POLICY__POLICY_CHOICE_LATEST);
  assert_int_equal(c->version_policy->latest->num_versions, 1);
  assert_int_equal(c->n_input, 1);
  assert_int_equal(c->input[0]->data_type, INFERENCE__DATA_TYPE__TYPE_FP32);
  assert_int_equal(c->input[0]->n_dims, 2);
  assert_int_equal(c->input[0]->dims[0], -1);
  assert_int_equal(c->input[0]->dims[1], 3);
  assert_int_equal(c->output[0]->data_type, INFERENCE__DATA_TYPE__TYPE_STRING);
  assert_string_equal(c->output[0]->label_filename, "l.txt");
  assert_int_equal(c->scheduling_choice_case,
                   INFERENCE__MODEL_CONFIG__SCHEDULING_CHOICE_DYNAMIC_BATCHING);
  assert_int_equal(c->dynamic_batching->n_preferred_batch_size, 2);
  assert_int_equal(c->dynamic_batching->n_priority_queue_policy, 1);
  assert_int_equal(c->dynamic_batching->priority_queue_policy[0]->key, 2);
  assert_int_equal(c->dynamic_batching->priority_queue_policy[0]->value->max_queue_size, 5);
  assert_int_equal(c->instance_group[0]->kind, INFERENCE__MODEL_INSTANCE_GROUP__KIND__KIND_CPU);
  assert_int_equal(c->instance_group[0]->count, 2);
  assert_int_equal(c->n_parameters, 1);
  assert_string_equal(c->parameters[0]->key, "mode");
  assert_string_equal(c->parameters[0]->value->string_value, "add_sub");
  assert_true(c->model_transaction_policy->decoupled);
  /* it packs and unpacks to the same */
  size_t size = protobuf_c_message_get_packed_size(&c->base);
  uint8_t *bytes = malloc(size);
  protobuf_c_message_pack(&c->base, bytes);
  Inference__ModelConfig *back = inference__model_config__unpack(NULL, size, bytes);
  assert_non_null(back);
  assert_string_equal(back->parameters[0]->value->string_value, "add_sub");
  inference__model_config__free_unpacked(back, NULL);
  free(bytes);
  protobuf_c_message_free_unpacked(&c->base, NULL);
}

static void test_statistics_uint64_strings(void **state) {
  (void)state;
  const char *json = "{\"model_stats\":[{\"name\":\"m\",\"version\":\"1\","
                     "\"last_inference\":18446744073709551615,\"inference_count\":\"7\","
                     "\"inference_stats\":{\"success\":{\"count\":2,\"ns\":100}},"
                     "\"response_stats\":{\"0\":{\"success\":{\"count\":1,\"ns\":5}}}}]}";
  char *error = NULL;
  Inference__ModelStatisticsResponse *r = (Inference__ModelStatisticsResponse *)convert(
      &inference__model_statistics_response__descriptor, json, &error);
  assert_null(error);
  assert_int_equal(r->n_model_stats, 1);
  assert_true(r->model_stats[0]->last_inference == UINT64_MAX);
  assert_int_equal(r->model_stats[0]->inference_count, 7);
  assert_int_equal(r->model_stats[0]->inference_stats->success->ns, 100);
  assert_string_equal(r->model_stats[0]->response_stats[0]->key, "0");
  assert_int_equal(r->model_stats[0]->response_stats[0]->value->success->count, 1);
  protobuf_c_message_free_unpacked(&r->base, NULL);
}

static void test_wrong_kinds_refused(void **state) {
  (void)state;
  const char *bad[] = {
      "{\"max_batch_size\":\"eight\"}",
      "{\"max_batch_size\":4294967296}",
      "{\"input\":{\"name\":\"x\"}}",
      "{\"input\":[{\"data_type\":\"TYPE_NOPE\"}]}",
      "{\"model_transaction_policy\":{\"decoupled\":1}}",
      "{\"version_policy\":[]}",
      "[1,2]",
      "{\"name\":",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); ++i) {
    char *error = NULL;
    ProtobufCMessage *m = convert(&inference__model_config__descriptor, bad[i], &error);
    assert_null(m);
    assert_non_null(error);
    free(error);
  }
}

static void test_oneof_first_member_wins(void **state) {
  (void)state;
  char *error = NULL;
  Inference__ModelVersionPolicy *p = (Inference__ModelVersionPolicy *)convert(
      &inference__model_version_policy__descriptor,
      "{\"all\":{},\"specific\":{\"versions\":[1]}}", &error);
  assert_non_null(p);
  assert_int_equal(p->policy_choice_case, INFERENCE__MODEL_VERSION_POLICY__POLICY_CHOICE_ALL);
  protobuf_c_message_free_unpacked(&p->base, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_model_config),
      cmocka_unit_test(test_statistics_uint64_strings),
      cmocka_unit_test(test_wrong_kinds_refused),
      cmocka_unit_test(test_oneof_first_member_wins),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
