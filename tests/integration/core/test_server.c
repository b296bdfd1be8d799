/* test_server.c — server lifecycle through tritonserver.h: new/live/ready/stop,
 * server metadata, model metadata and config, the repository index, and that a model
 * which fails to load leaves the others serving (control mode NONE). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "models.h"

static const int V1[] = {1};

static const char *json_string(json_object *object, const char *key)
{
  json_object *field;
  if (!json_object_object_get_ex(object, key, &field))
    fail_msg("JSON has no '%s': %s", key, json_object_to_json_string(object));
  return json_object_get_string(field);
}

static void server_is_live_ready_and_describes_itself(void **state)
{
  (void)state;
  char *repo = repo_create();
  repo_add_model(repo, "identity", MODEL_IDENTITY_FP32, V1, 1);
  repo_add_model(repo, "strings", MODEL_IDENTITY_BYTES, V1, 1);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options); /* the server keeps what it needs */

  bool live = false, ready = false;
  check_ok(TRITONSERVER_ServerIsLive(server, &live), "ServerIsLive");
  check_ok(TRITONSERVER_ServerIsReady(server, &ready), "ServerIsReady");
  assert_true(live);
  assert_true(ready);

  TRITONSERVER_Message *message = NULL;
  check_ok(TRITONSERVER_ServerMetadata(server, &message), "ServerMetadata");
  json_object *metadata = message_json(message);
  assert_string_equal(json_string(metadata, "name"), "triton");
  assert_non_null(json_string(metadata, "version"));
  json_object *extensions;
  assert_true(json_object_object_get_ex(metadata, "extensions", &extensions));
  assert_true(json_object_is_type(extensions, json_type_array));
  json_object_put(metadata);

  check_ok(TRITONSERVER_ServerModelMetadata(server, "identity", -1, &message), "ModelMetadata");
  json_object *model = message_json(message);
  assert_string_equal(json_string(model, "name"), "identity");
  assert_string_equal(json_string(model, "platform"), "identity");
  json_object *versions, *inputs;
  assert_true(json_object_object_get_ex(model, "versions", &versions));
  assert_string_equal(json_object_get_string(json_object_array_get_idx(versions, 0)), "1");
  assert_true(json_object_object_get_ex(model, "inputs", &inputs));
  json_object *input0 = json_object_array_get_idx(inputs, 0);
  assert_string_equal(json_string(input0, "name"), "INPUT0");
  assert_string_equal(json_string(input0, "datatype"), "FP32");
  /* Batching models report the batch dim as -1 ahead of the config dims. */
  assert_string_equal(json_object_to_json_string_ext(json_object_object_get(input0, "shape"),
                                                     JSON_C_TO_STRING_PLAIN),
                      "[-1,4]");
  json_object_put(model);

  /* TYPE_STRING is reported with its protocol name. */
  check_ok(TRITONSERVER_ServerModelMetadata(server, "strings", -1, &message), "ModelMetadata");
  model = message_json(message);
  json_object *output0 = json_object_array_get_idx(json_object_object_get(model, "outputs"), 0);
  assert_string_equal(json_string(output0, "datatype"), "BYTES");
  json_object_put(model);

  /* The config comes back normalized, in §3.4's JSON form: every scalar and repeated
   * field printed, enums as strings, instance groups filled in, unset messages absent. */
  check_ok(TRITONSERVER_ServerModelConfig(server, "identity", -1, 1, &message), "ModelConfig");
  json_object *config = message_json(message);
  assert_int_equal(json_object_get_int(json_object_object_get(config, "max_batch_size")), 8);
  assert_string_equal(json_string(config, "name"), "identity");
  assert_string_equal(json_string(config, "backend"), "identity");
  static const char *always_present[] = {"batch_input", "batch_output", "default_model_filename",
                                         "parameters",  "model_warmup", "version_policy"};
  for (size_t i = 0; i < sizeof(always_present) / sizeof(always_present[0]); i++)
    if (!json_object_object_get_ex(config, always_present[i], NULL))
      fail_msg("model config JSON lacks '%s'", always_present[i]);
  assert_false(json_object_object_get_ex(config, "dynamic_batching", NULL));
  assert_false(json_object_object_get_ex(config, "sequence_batching", NULL));
  json_object *input = json_object_array_get_idx(json_object_object_get(config, "input"), 0);
  assert_string_equal(json_string(input, "data_type"), "TYPE_FP32");
  json_object *group =
      json_object_array_get_idx(json_object_object_get(config, "instance_group"), 0);
  assert_non_null(group);
  assert_string_equal(json_string(group, "name"), "identity");
  assert_string_equal(json_string(group, "kind"), "KIND_CPU");
  assert_int_equal(json_object_get_int(json_object_object_get(group, "count")), 1);
  json_object_put(config);

  check_error(TRITONSERVER_ServerModelMetadata(server, "no_such_model", -1, &message),
              TRITONSERVER_ERROR_NOT_FOUND, NULL);

  /* Batch properties: batching models batch along the first dim; others are unknown. */
  uint32_t flags = 0;
  void *unused = NULL;
  check_ok(TRITONSERVER_ServerModelBatchProperties(server, "identity", -1, &flags, &unused),
           "ModelBatchProperties(identity)");
  assert_int_equal(flags, TRITONSERVER_BATCH_FIRST_DIM);

  /* Control mode NONE ignores later repository changes and refuses to poll. */
  repo_add_model(repo, "added_later", MODEL_ADD_SUB_INT32, V1, 1);
  check_error(TRITONSERVER_ServerPollModelRepository(server), ANY_CODE, NULL);
  assert_false(model_ready(server, "added_later", -1));
  server_stop(server);
  repo_remove_tree(repo);
  free(repo);
}

static void failed_model_does_not_stop_the_others(void **state)
{
  (void)state;
  char *repo = repo_create();
  repo_add_model(repo, "good", MODEL_IDENTITY_FP32, V1, 1);
  repo_add_model(repo, "bad", MODEL_FAILS_TO_LOAD, V1, 1);
  repo_add_model(repo, "broken_config", "this is { not a config", V1, 1);
  repo_add_model(repo, "bad_parameter",
                 MODEL_IDENTITY_FP32
                 "parameters { key: \"mode\" value { string_value: \"bogus\" } }\n",
                 V1, 1);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);

  assert_true(model_ready(server, "good", -1));
  assert_false(model_ready(server, "bad", -1));
  assert_false(model_ready(server, "broken_config", -1));

  bool live = false, ready = true;
  check_ok(TRITONSERVER_ServerIsLive(server, &live), "ServerIsLive");
  check_ok(TRITONSERVER_ServerIsReady(server, &ready), "ServerIsReady");
  assert_true(live);
  assert_false(ready); /* strict readiness: not every model is ready */

  char *state_text = index_state(server, "good", "1");
  assert_non_null(state_text);
  assert_string_equal(state_text, "READY");
  free(state_text);
  state_text = index_state(server, "bad", NULL);
  assert_non_null(state_text);
  assert_string_equal(state_text, "UNAVAILABLE");
  free(state_text);

  /* The reason names what the backend said. */
  TRITONSERVER_Message *message = NULL;
  check_ok(TRITONSERVER_ServerModelIndex(server, 0, &message), "ServerModelIndex");
  json_object *index = message_json(message);
  const char *index_text = json_object_to_json_string(index);
  assert_non_null(strstr(index_text, "fail_load"));
  assert_non_null(strstr(index_text, "parameter 'mode' expected"));
  assert_false(model_ready(server, "bad_parameter", -1));
  json_object_put(index);

  /* The good model serves. */
  infer_call *call = call_new(server, "good", -1, NULL);
  const int64_t shape[] = {1, 4};
  const float data[4] = {1, 2, 3, 4};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  call_run(server, call);
  check_call_ok(call);
  call_free(call);

  /* Ready-only index lists only the good model. */
  check_ok(TRITONSERVER_ServerModelIndex(server, TRITONSERVER_INDEX_FLAG_READY, &message),
           "ServerModelIndex(READY)");
  index = message_json(message);
  assert_int_equal(json_object_array_length(index), 1);
  assert_string_equal(json_string(json_object_array_get_idx(index, 0), "name"), "good");
  json_object_put(index);

  server_stop(server);
  repo_remove_tree(repo);
  free(repo);
}

static void readiness_is_not_strict_when_asked(void **state)
{
  (void)state;
  char *repo = repo_create();
  repo_add_model(repo, "good", MODEL_IDENTITY_FP32, V1, 1);
  repo_add_model(repo, "bad", MODEL_FAILS_TO_LOAD, V1, 1);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  check_ok(TRITONSERVER_ServerOptionsSetStrictReadiness(options, false), "strict readiness");
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  bool ready = false;
  check_ok(TRITONSERVER_ServerIsReady(server, &ready), "ServerIsReady");
  assert_true(ready);
  server_stop(server);
  repo_remove_tree(repo);
  free(repo);
}

static void stopped_server_is_not_ready(void **state)
{
  (void)state;
  char *repo = repo_create();
  repo_add_model(repo, "identity", MODEL_IDENTITY_FP32, V1, 1);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  check_ok(TRITONSERVER_ServerStop(server), "ServerStop");
  bool ready = true;
  TRITONSERVER_Error *error = TRITONSERVER_ServerIsReady(server, &ready);
  if (error == NULL)
    assert_false(ready);
  TRITONSERVER_ErrorDelete(error);
  check_ok(TRITONSERVER_ServerDelete(server), "ServerDelete");
  repo_remove_tree(repo);
  free(repo);
}

#define WARMED_MODEL(extra)                                                                        \
  "backend: \"identity\"\nmax_batch_size: 8\n"                                                     \
  "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"                              \
  "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"                            \
  "instance_group [ { count: 1 kind: KIND_CPU } ]\n"                                               \
  "model_warmup [ { name: \"zeros\" batch_size: 2 inputs { key: \"INPUT0\" value {"                \
  " data_type: TYPE_FP32 dims: [ 4 ] zero_data: true } } } ]\n" extra

static void warmup_runs_before_the_model_is_ready(void **state)
{
  (void)state;
  char *repo = repo_create();
  repo_add_model(repo, "warmed", WARMED_MODEL(""), V1, 1);
  repo_add_model(
      repo, "warmup_fails",
      WARMED_MODEL("parameters { key: \"error_all\" value { string_value: \"true\" } }\n"), V1, 1);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);

  assert_true(model_ready(server, "warmed", -1));
  infer_call *call = call_new(server, "warmed", -1, NULL);
  const int64_t shape[] = {1, 4};
  const float data[4] = {1, 2, 3, 4};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  call_run(server, call);
  check_call_ok(call);
  /* The warmup sample already ran once on this (only) instance. */
  assert_int_equal(call_int_parameter(call, "instance_execution"), 2);
  call_free(call);

  /* A warmup whose responses fail makes the load fail. */
  assert_false(model_ready(server, "warmup_fails", -1));
  server_finish(server, repo);
}

static void backend_config_reaches_the_backend(void **state)
{
  (void)state;
  char *repo = repo_create();
  repo_add_model(repo, "echo",
                 MODEL_IDENTITY_FP32
                 "parameters { key: \"echo_backend_config\" value { string_value: \"true\" } }\n",
                 V1, 1);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  check_ok(TRITONSERVER_ServerOptionsSetBackendConfig(options, "identity", "answer", "42"),
           "backend config");
  check_ok(TRITONSERVER_ServerOptionsSetBackendConfig(options, "", "default-max-batch-size", "16"),
           "global backend config");
  check_ok(TRITONSERVER_ServerOptionsSetBackendConfig(options, "pytorch", "other", "x"),
           "other backend's config");
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);

  infer_call *call = call_new(server, "echo", -1, NULL);
  const int64_t shape[] = {1, 4};
  const float data[4] = {1, 2, 3, 4};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  call_run(server, call);
  check_call_ok(call);
  const char *text = call_string_parameter(call, "backend_config");
  assert_non_null(text);
  json_object *config = json_tokener_parse(text);
  assert_non_null(config);
  json_object *cmdline;
  if (!json_object_object_get_ex(config, "cmdline", &cmdline))
    fail_msg("backend config lacks \"cmdline\": %s", text);
  assert_string_equal(json_string(cmdline, "answer"), "42");
  assert_string_equal(json_string(cmdline, "default-max-batch-size"), "16");
  assert_string_equal(json_string(cmdline, "backend-directory"), TORCHD_BACKEND_DIR);
  assert_non_null(json_string(cmdline, "auto-complete-config"));
  assert_non_null(json_string(cmdline, "min-compute-capability"));
  assert_false(json_object_object_get_ex(cmdline, "other", NULL));
  json_object_put(config);
  call_free(call);
  server_finish(server, repo);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(server_is_live_ready_and_describes_itself),
      cmocka_unit_test(failed_model_does_not_stop_the_others),
      cmocka_unit_test(readiness_is_not_strict_when_asked),
      cmocka_unit_test(stopped_server_is_not_ready),
      cmocka_unit_test(warmup_runs_before_the_model_is_ready),
      cmocka_unit_test(backend_config_reaches_the_backend),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
