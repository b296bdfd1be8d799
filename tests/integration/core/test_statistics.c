/* test_statistics.c — per-model statistics after known traffic, as Triton's
 * statistics extension reports them: success/fail counts, inference_count summing
 * batch sizes of successes, execution_count, queue/compute durations, batch_stats
 * per batch size, last_inference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int64_t get_int(json_object *object, const char *path)
{
  /* path like "inference_stats.success.count" */
  char buffer[256];
  strncpy(buffer, path, sizeof(buffer) - 1);
  buffer[sizeof(buffer) - 1] = '\0';
  json_object *node = object;
  for (char *saveptr = NULL, *key = strtok_r(buffer, ".", &saveptr); key != NULL;
       key = strtok_r(NULL, ".", &saveptr)) {
    json_object *child;
    if (!json_object_object_get_ex(node, key, &child))
      fail_msg("statistics lack '%s' (at '%s'): %s", path, key, json_object_to_json_string(object));
    node = child;
  }
  return json_object_get_int64(node);
}

static void run(TRITONSERVER_Server *server, int64_t batch, const char *id, bool expect_ok)
{
  infer_call *call = call_new(server, "counted", -1, id);
  const int64_t shape[] = {batch, 2};
  float data[16] = {0};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data,
                 (size_t)batch * 2 * sizeof(float));
  call_run(server, call);
  if (expect_ok)
    check_call_ok(call);
  else
    assert_non_null(call->error_message);
  call_free(call);
}

static void statistics_after_known_traffic(void **state)
{
  (void)state;
  char *repo = NULL;
  TRITONSERVER_Server *server = server_with_model(
      &repo, "counted",
      "backend: \"identity\"\nmax_batch_size: 8\n"
      "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 2 ] } ]\n"
      "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 2 ] } ]\n"
      "parameters { key: \"error_request_id\" value { string_value: \"fail-me\" } }\n");

  /* Before any traffic: zeros. */
  TRITONSERVER_Message *message = NULL;
  check_ok(TRITONSERVER_ServerModelStatistics(server, "counted", -1, &message), "ModelStatistics");
  json_object *stats = message_json(message);
  json_object *model = json_object_array_get_idx(json_object_object_get(stats, "model_stats"), 0);
  assert_non_null(model);
  assert_int_equal(get_int(model, "inference_count"), 0);
  assert_int_equal(get_int(model, "last_inference"), 0);
  json_object_put(stats);

  run(server, 1, "a", true);
  run(server, 2, "b", true);
  run(server, 3, "c", true);
  run(server, 1, "fail-me", false);

  check_ok(TRITONSERVER_ServerModelStatistics(server, "counted", -1, &message), "ModelStatistics");
  stats = message_json(message);
  json_object *list = json_object_object_get(stats, "model_stats");
  assert_int_equal(json_object_array_length(list), 1);
  model = json_object_array_get_idx(list, 0);
  assert_string_equal(json_object_get_string(json_object_object_get(model, "name")), "counted");
  assert_string_equal(json_object_get_string(json_object_object_get(model, "version")), "1");
  assert_true(get_int(model, "last_inference") > 0);
  assert_int_equal(get_int(model, "inference_count"), 6);
  assert_int_equal(get_int(model, "execution_count"), 4);
  assert_int_equal(get_int(model, "inference_stats.success.count"), 3);
  assert_true(get_int(model, "inference_stats.success.ns") > 0);
  assert_int_equal(get_int(model, "inference_stats.fail.count"), 1);
  assert_int_equal(get_int(model, "inference_stats.queue.count"), 3);
  assert_int_equal(get_int(model, "inference_stats.compute_input.count"), 3);
  assert_int_equal(get_int(model, "inference_stats.compute_infer.count"), 3);
  assert_int_equal(get_int(model, "inference_stats.compute_output.count"), 3);

  json_object *batch_stats = json_object_object_get(model, "batch_stats");
  assert_non_null(batch_stats);
  int64_t executions_by_size[4] = {0};
  for (size_t i = 0; i < json_object_array_length(batch_stats); i++) {
    json_object *entry = json_object_array_get_idx(batch_stats, i);
    int64_t size = get_int(entry, "batch_size");
    assert_true(size >= 1 && size <= 3);
    executions_by_size[size] = get_int(entry, "compute_infer.count");
  }
  assert_int_equal(executions_by_size[1], 2); /* "a" and "fail-me" */
  assert_int_equal(executions_by_size[2], 1);
  assert_int_equal(executions_by_size[3], 1);
  json_object_put(stats);

  /* All models: the same entry appears in the unfiltered list. */
  check_ok(TRITONSERVER_ServerModelStatistics(server, "", -1, &message), "ModelStatistics(all)");
  stats = message_json(message);
  assert_int_equal(json_object_array_length(json_object_object_get(stats, "model_stats")), 1);
  json_object_put(stats);

  check_error(TRITONSERVER_ServerModelStatistics(server, "nope", -1, &message), ANY_CODE, "nope");
  server_finish(server, repo);
}

static void statistics_per_version(void **state)
{
  (void)state;
  static const int versions[] = {1, 2};
  char *repo = repo_create();
  repo_add_model(repo, "two",
                 "backend: \"identity\"\nmax_batch_size: 8\n"
                 "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 2 ] } ]\n"
                 "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 2 ] } ]\n"
                 "version_policy: { all { } }\n",
                 versions, 2);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  for (int64_t version = 1; version <= 2; version++) {
    for (int64_t i = 0; i < version; i++) { /* one request to v1, two to v2 */
      infer_call *call = call_new(server, "two", version, NULL);
      const int64_t shape[] = {1, 2};
      const float data[2] = {0};
      call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
      call_run(server, call);
      check_call_ok(call);
      call_free(call);
    }
  }
  /* -1: every ready version; a number: that version only. */
  TRITONSERVER_Message *message = NULL;
  check_ok(TRITONSERVER_ServerModelStatistics(server, "two", -1, &message), "ModelStatistics(-1)");
  json_object *stats = message_json(message);
  json_object *list = json_object_object_get(stats, "model_stats");
  assert_int_equal(json_object_array_length(list), 2);
  for (size_t i = 0; i < 2; i++) {
    json_object *entry = json_object_array_get_idx(list, i);
    int64_t version = atoll(json_object_get_string(json_object_object_get(entry, "version")));
    assert_int_equal(get_int(entry, "inference_stats.success.count"), version);
  }
  json_object_put(stats);
  check_ok(TRITONSERVER_ServerModelStatistics(server, "two", 2, &message), "ModelStatistics(2)");
  stats = message_json(message);
  list = json_object_object_get(stats, "model_stats");
  assert_int_equal(json_object_array_length(list), 1);
  assert_int_equal(get_int(json_object_array_get_idx(list, 0), "inference_count"), 2);
  json_object_put(stats);
  server_finish(server, repo);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(statistics_after_known_traffic),
      cmocka_unit_test(statistics_per_version),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
