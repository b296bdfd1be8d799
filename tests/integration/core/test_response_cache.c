/* test_response_cache.c — Triton's response cache through the public API only: a server
 * started with TRITONSERVER_ServerOptionsSetCacheConfig("local", {"size": ...}) and
 * identity models with response_cache { enable: true }.
 *
 * A hit is seen from outside as an answer with no execution (execution_count stays) and
 * as statistics: cache_hit / cache_miss counts, success counting hits, inference_count
 * not. Covered: hit and miss counts; requests that differ only in input name, shape,
 * string lengths or a parameter never share a result; eviction of the least recently
 * used result at the byte limit, and results larger than the whole cache; requested
 * outputs; errors never cached; a reload never sees its predecessor's results; models
 * without the setting, a server without a cache, and the decoupled model Triton refuses;
 * the nv_cache_* metrics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "models.h"

#define CACHED "response_cache { enable: true }\n"

/* ---- helpers ----------------------------------------------------------------------- */

/* A server on `repo` whose local cache holds `bytes` (0: no cache). */
static TRITONSERVER_Server *cache_server(const char *repo, TRITONSERVER_ModelControlMode mode,
                                         uint64_t bytes)
{
  TRITONSERVER_ServerOptions *options = server_options(repo, mode);
  if (bytes > 0) {
    char json[64];
    snprintf(json, sizeof(json), "{\"size\":\"%llu\"}", (unsigned long long)bytes);
    check_ok(TRITONSERVER_ServerOptionsSetCacheConfig(options, "local", json), "cache config");
  }
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  return server;
}

/* One model in a new repository, served with a cache of `bytes`. */
static TRITONSERVER_Server *serve(char **repo, const char *model, const char *config,
                                  uint64_t bytes)
{
  static const int v1[] = {1};
  *repo = repo_create();
  repo_add_model(*repo, model, config, v1, 1);
  TRITONSERVER_Server *server = cache_server(*repo, TRITONSERVER_MODEL_CONTROL_NONE, bytes);
  assert_true(model_ready(server, model, 1));
  return server;
}

/* statistics member by dotted path, e.g. "inference_stats.cache_hit.count". */
static int64_t stat(TRITONSERVER_Server *server, const char *model, const char *path)
{
  TRITONSERVER_Message *message = NULL;
  check_ok(TRITONSERVER_ServerModelStatistics(server, model, -1, &message), "ModelStatistics");
  json_object *root = message_json(message);
  json_object *node = json_object_array_get_idx(json_object_object_get(root, "model_stats"), 0);
  char buffer[128];
  snprintf(buffer, sizeof(buffer), "%s", path);
  for (char *save = NULL, *key = strtok_r(buffer, ".", &save); key; key = strtok_r(NULL, ".", &save))
    if (!json_object_object_get_ex(node, key, &node))
      fail_msg("statistics of '%s' lack '%s'", model, path);
  int64_t value = json_object_get_int64(node);
  json_object_put(root);
  return value;
}

static int64_t hits(TRITONSERVER_Server *s, const char *m)
{
  return stat(s, m, "inference_stats.cache_hit.count");
}
static int64_t misses(TRITONSERVER_Server *s, const char *m)
{
  return stat(s, m, "inference_stats.cache_miss.count");
}
static int64_t executions(TRITONSERVER_Server *s, const char *m)
{
  return stat(s, m, "execution_count");
}

/* Sends FP32 input INPUT0 of `shape` and checks the identity answer: OUTPUT0 equal to
 * it, same shape. */
static void echo(TRITONSERVER_Server *server, const char *model, const float *data,
                 const int64_t *shape, uint64_t dims)
{
  size_t count = 1;
  for (uint64_t d = 0; d < dims; d++)
    count *= (size_t)shape[d];
  infer_call *call = call_new(server, model, -1, NULL);
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, dims, data, count * sizeof(float));
  call_run(server, call);
  check_call_ok(call);
  tensor_view out = call_tensor(call, "OUTPUT0");
  assert_int_equal(out.dims, dims);
  for (uint64_t d = 0; d < dims; d++)
    assert_int_equal(out.shape[d], shape[d]);
  assert_int_equal(out.byte_size, count * sizeof(float));
  assert_memory_equal(out.base, data, count * sizeof(float));
  call_free(call);
}

static uint32_t output_count(infer_call *call)
{
  uint32_t n = 0;
  check_ok(TRITONSERVER_InferenceResponseOutputCount(call->response, &n), "OutputCount");
  return n;
}

/* ---- tests ------------------------------------------------------------------------- */

static void hits_skip_the_model(void **state)
{
  (void)state;
  char *repo = NULL;
  TRITONSERVER_Server *server = serve(&repo, "cached", MODEL_IDENTITY_FP32 CACHED, 1 << 20);
  const float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8};
  const int64_t shape[] = {1, 4};
  echo(server, "cached", a, shape, 2); /* miss: runs */
  assert_int_equal(executions(server, "cached"), 1);
  echo(server, "cached", a, shape, 2); /* hit */
  echo(server, "cached", a, shape, 2); /* hit */
  echo(server, "cached", b, shape, 2); /* other bytes: miss */
  echo(server, "cached", b, shape, 2); /* hit */
  assert_int_equal(executions(server, "cached"), 2);
  assert_int_equal(hits(server, "cached"), 3);
  assert_int_equal(misses(server, "cached"), 2);
  assert_int_equal(stat(server, "cached", "inference_stats.success.count"), 5);
  assert_int_equal(stat(server, "cached", "inference_count"), 2); /* hits ran nothing */
  assert_true(stat(server, "cached", "inference_stats.cache_hit.ns") > 0);
  assert_true(stat(server, "cached", "inference_stats.cache_miss.ns") > 0);
  server_finish(server, repo);
}

/* The same 16 bytes as [1,4] and as [2,2]: two results, each with its own shape. */
static void shapes_do_not_collide(void **state)
{
  (void)state;
  char *repo = NULL;
  TRITONSERVER_Server *server = serve(&repo, "shaped",
                                      "backend: \"identity\"\nmax_batch_size: 8\n"
                                      "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n"
                                      "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n" CACHED,
                                      1 << 20);
  const float data[4] = {1, 2, 3, 4};
  const int64_t one_by_four[] = {1, 4}, two_by_two[] = {2, 2};
  echo(server, "shaped", data, one_by_four, 2);
  echo(server, "shaped", data, two_by_two, 2); /* would get [1,4] if shape were not keyed */
  echo(server, "shaped", data, one_by_four, 2);
  echo(server, "shaped", data, two_by_two, 2);
  assert_int_equal(misses(server, "shaped"), 2);
  assert_int_equal(hits(server, "shaped"), 2);
  server_finish(server, repo);
}

/* One optional-input call: `input` = {7, 8}, asking for `output`. Returns whether it
 * succeeded; on success the output must echo the input. */
static bool named_call(TRITONSERVER_Server *server, const char *input, const char *output)
{
  const float data[2] = {7, 8};
  const int64_t shape[] = {2};
  infer_call *call = call_new(server, "named", -1, NULL);
  call_add_input(call, input, TRITONSERVER_TYPE_FP32, shape, 1, data, sizeof(data));
  check_ok(TRITONSERVER_InferenceRequestAddRequestedOutput(call->request, output), "output");
  call_run(server, call);
  bool ok = call->error_message == NULL;
  if (ok) {
    assert_int_equal(output_count(call), 1);
    assert_memory_equal(call_tensor(call, output).base, data, sizeof(data));
  }
  call_free(call);
  return ok;
}

/* The same bytes in INPUT0 or in INPUT1 (both optional): different requests. Asked for
 * OUTPUT0, the INPUT1 request must reach the backend, which refuses it (no INPUT0 to
 * copy) — a key without input names would answer it with the INPUT0 result. */
static void input_names_do_not_collide(void **state)
{
  (void)state;
  char *repo = NULL;
  TRITONSERVER_Server *server = serve(
      &repo, "named",
      "backend: \"identity\"\nmax_batch_size: 0\n"
      "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 2 ] optional: true },\n"
      "        { name: \"INPUT1\" data_type: TYPE_FP32 dims: [ 2 ] optional: true } ]\n"
      "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 2 ] },\n"
      "         { name: \"OUTPUT1\" data_type: TYPE_FP32 dims: [ 2 ] } ]\n" CACHED,
      1 << 20);
  assert_true(named_call(server, "INPUT0", "OUTPUT0"));  /* miss, stored */
  assert_false(named_call(server, "INPUT1", "OUTPUT0")); /* miss, the backend's error */
  assert_true(named_call(server, "INPUT1", "OUTPUT1"));  /* miss, stored */
  assert_true(named_call(server, "INPUT0", "OUTPUT0"));  /* hit */
  assert_true(named_call(server, "INPUT1", "OUTPUT1"));  /* hit */
  assert_int_equal(misses(server, "named"), 3);
  assert_int_equal(hits(server, "named"), 2);
  server_finish(server, repo);
}

/* BYTES: ["ab","c"] and ["a","bc"] have the same characters; each gets its own answer. */
static void string_elements_do_not_collide(void **state)
{
  (void)state;
  char *repo = NULL;
  TRITONSERVER_Server *server = serve(&repo, "strings", MODEL_IDENTITY_BYTES CACHED, 1 << 20);
  const uint8_t ab_c[] = {2, 0, 0, 0, 'a', 'b', 1, 0, 0, 0, 'c'};
  const uint8_t a_bc[] = {1, 0, 0, 0, 'a', 2, 0, 0, 0, 'b', 'c'};
  const int64_t shape[] = {1, 2};
  for (int round = 0; round < 2; round++)
    for (int which = 0; which < 2; which++) {
      const uint8_t *data = which ? a_bc : ab_c;
      infer_call *call = call_new(server, "strings", -1, NULL);
      call_add_input(call, "INPUT0", TRITONSERVER_TYPE_BYTES, shape, 2, data, sizeof(ab_c));
      call_run(server, call);
      check_call_ok(call);
      tensor_view out = call_tensor(call, "OUTPUT0");
      assert_int_equal(out.datatype, TRITONSERVER_TYPE_BYTES);
      assert_int_equal(out.byte_size, sizeof(ab_c));
      assert_memory_equal(out.base, data, sizeof(ab_c));
      call_free(call);
    }
  assert_int_equal(misses(server, "strings"), 2);
  assert_int_equal(hits(server, "strings"), 2);
  server_finish(server, repo);
}

/* Request parameters reach the backend (this one echoes them): part of the key, and the
 * response's parameters come back from the cache. */
static void parameters_are_part_of_the_key(void **state)
{
  (void)state;
  char *repo = NULL;
  TRITONSERVER_Server *server =
      serve(&repo, "echo",
            MODEL_IDENTITY_FP32 "parameters { key: \"echo_parameters\" value { string_value: "
                                "\"true\" } }\n" CACHED,
            1 << 20);
  const float data[4] = {1, 2, 3, 4};
  const int64_t shape[] = {1, 4};
  for (int round = 0; round < 2; round++)
    for (int64_t p = 1; p <= 2; p++) {
      infer_call *call = call_new(server, "echo", -1, NULL);
      call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
      check_ok(TRITONSERVER_InferenceRequestSetIntParameter(call->request, "p", p), "param");
      call_run(server, call);
      check_call_ok(call);
      assert_int_equal(call_int_parameter(call, "p"), p);
      call_free(call);
    }
  assert_int_equal(misses(server, "echo"), 2);
  assert_int_equal(hits(server, "echo"), 2);
  server_finish(server, repo);
}

/* 4 KiB results in a cache of 10000 bytes: two fit, a third evicts the least recently
 * used; a 16 KiB result is never cached. */
static void evicts_least_recently_used(void **state)
{
  (void)state;
  char *repo = repo_create();
  static const int v1[] = {1};
  repo_add_model(repo, "big",
                 "backend: \"identity\"\nmax_batch_size: 0\n"
                 "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 1024 ] } ]\n"
                 "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 1024 ] } ]\n" CACHED,
                 v1, 1);
  repo_add_model(repo, "huge",
                 "backend: \"identity\"\nmax_batch_size: 0\n"
                 "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4096 ] } ]\n"
                 "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4096 ] } ]\n" CACHED,
                 v1, 1);
  TRITONSERVER_Server *server = cache_server(repo, TRITONSERVER_MODEL_CONTROL_NONE, 10000);
  static float a[1024], b[1024], c[1024], h[4096];
  for (int i = 0; i < 1024; i++) {
    a[i] = (float)i;
    b[i] = (float)-i;
    c[i] = (float)(i * 3);
  }
  const int64_t shape[] = {1024};
  echo(server, "big", a, shape, 1); /* miss: [A] */
  echo(server, "big", b, shape, 1); /* miss: [B A] */
  echo(server, "big", c, shape, 1); /* miss, A evicted: [C B] */
  assert_int_equal(misses(server, "big"), 3);
  echo(server, "big", c, shape, 1); /* hit: [C B] */
  echo(server, "big", b, shape, 1); /* hit: [B C] */
  assert_int_equal(hits(server, "big"), 2);
  echo(server, "big", a, shape, 1); /* miss, C evicted: [A B] */
  assert_int_equal(misses(server, "big"), 4);
  echo(server, "big", b, shape, 1); /* hit */
  assert_int_equal(hits(server, "big"), 3);
  echo(server, "big", c, shape, 1); /* miss: it was evicted */
  assert_int_equal(misses(server, "big"), 5);
  assert_int_equal(executions(server, "big"), 5);

  const int64_t huge_shape[] = {4096};
  for (int i = 0; i < 3; i++)
    echo(server, "huge", h, huge_shape, 1);
  assert_int_equal(misses(server, "huge"), 3);
  assert_int_equal(hits(server, "huge"), 0);
  assert_int_equal(executions(server, "huge"), 3);
  /* The refused giant evicted nothing: B and C are still there. */
  echo(server, "big", b, shape, 1);
  echo(server, "big", c, shape, 1);
  assert_int_equal(hits(server, "big"), 5);
  server_finish(server, repo);
}

static infer_call *add_sub_call(TRITONSERVER_Server *server, const char *requested)
{
  static const int32_t x[4] = {10, 20, 30, 40}, y[4] = {1, 2, 3, 4};
  const int64_t shape[] = {4};
  infer_call *call = call_new(server, "add_sub", -1, NULL);
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_INT32, shape, 1, x, sizeof(x));
  call_add_input(call, "INPUT1", TRITONSERVER_TYPE_INT32, shape, 1, y, sizeof(y));
  if (requested)
    check_ok(TRITONSERVER_InferenceRequestAddRequestedOutput(call->request, requested), "output");
  call_run(server, call);
  check_call_ok(call);
  return call;
}

/* Requested outputs are not in the key, but a result serves only requests whose outputs
 * its own request asked for, and only those outputs. */
static void requested_outputs(void **state)
{
  (void)state;
  char *repo = NULL;
  TRITONSERVER_Server *server = serve(&repo, "add_sub", MODEL_ADD_SUB_INT32 CACHED, 1 << 20);
  static const int32_t sum[4] = {11, 22, 33, 44}, difference[4] = {9, 18, 27, 36};

  infer_call *call = add_sub_call(server, "OUTPUT1"); /* miss; stores {OUTPUT1} */
  assert_int_equal(output_count(call), 1);
  call_free(call);
  call = add_sub_call(server, NULL); /* all outputs: not covered, miss; stores both */
  assert_int_equal(output_count(call), 2);
  assert_memory_equal(call_tensor(call, "OUTPUT0").base, sum, sizeof(sum));
  call_free(call);
  assert_int_equal(misses(server, "add_sub"), 2);

  call = add_sub_call(server, "OUTPUT0"); /* hit, only OUTPUT0 */
  assert_int_equal(output_count(call), 1);
  assert_memory_equal(call_tensor(call, "OUTPUT0").base, sum, sizeof(sum));
  call_free(call);
  call = add_sub_call(server, "OUTPUT1"); /* hit, only OUTPUT1 */
  assert_int_equal(output_count(call), 1);
  assert_memory_equal(call_tensor(call, "OUTPUT1").base, difference, sizeof(difference));
  call_free(call);
  call = add_sub_call(server, NULL); /* hit, both */
  assert_int_equal(output_count(call), 2);
  assert_memory_equal(call_tensor(call, "OUTPUT1").base, difference, sizeof(difference));
  call_free(call);
  assert_int_equal(hits(server, "add_sub"), 3);
  assert_int_equal(executions(server, "add_sub"), 2);
  server_finish(server, repo);
}

/* A request the backend answers with an error leaves nothing in the cache. */
static void errors_are_not_cached(void **state)
{
  (void)state;
  char *repo = NULL;
  TRITONSERVER_Server *server = serve(
      &repo, "flaky",
      MODEL_IDENTITY_FP32 "parameters { key: \"error_request_id\" value { string_value: "
                          "\"bad\" } }\n" CACHED,
      1 << 20);
  const float data[4] = {1, 2, 3, 4};
  const int64_t shape[] = {1, 4};
  infer_call *call = call_new(server, "flaky", -1, "bad");
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  call_run(server, call);
  assert_non_null(call->error_message);
  call_free(call);
  echo(server, "flaky", data, shape, 2); /* the failed one stored nothing: miss, runs */
  assert_int_equal(executions(server, "flaky"), 2);
  echo(server, "flaky", data, shape, 2); /* hit */
  assert_int_equal(executions(server, "flaky"), 2);
  assert_int_equal(misses(server, "flaky"), 2);
  assert_int_equal(hits(server, "flaky"), 1);
  assert_int_equal(stat(server, "flaky", "inference_stats.fail.count"), 1);
  server_finish(server, repo);
}

/* Unload and load again: the new load computes its own results. */
static void reload_starts_empty(void **state)
{
  (void)state;
  static const int v1[] = {1};
  char *repo = repo_create();
  repo_add_model(repo, "cached", MODEL_IDENTITY_FP32 CACHED, v1, 1);
  TRITONSERVER_Server *server = cache_server(repo, TRITONSERVER_MODEL_CONTROL_EXPLICIT, 1 << 20);
  check_ok(TRITONSERVER_ServerLoadModel(server, "cached"), "LoadModel");
  const float data[4] = {4, 3, 2, 1};
  const int64_t shape[] = {1, 4};
  echo(server, "cached", data, shape, 2);
  echo(server, "cached", data, shape, 2);
  assert_int_equal(hits(server, "cached"), 1);
  check_ok(TRITONSERVER_ServerUnloadModel(server, "cached"), "UnloadModel");
  assert_false(model_ready(server, "cached", 1));
  check_ok(TRITONSERVER_ServerLoadModel(server, "cached"), "LoadModel again");
  echo(server, "cached", data, shape, 2); /* statistics start over with the new load */
  assert_int_equal(misses(server, "cached"), 1);
  assert_int_equal(hits(server, "cached"), 0);
  assert_int_equal(executions(server, "cached"), 1);
  server_finish(server, repo);
}

/* Without response_cache in its config a model is never cached, even on a cache server;
 * a server without a cache loads a model that asks for one and runs every request. */
static void only_where_both_enable_it(void **state)
{
  (void)state;
  const float data[4] = {1, 2, 3, 4};
  const int64_t shape[] = {1, 4};
  char *repo = NULL;
  TRITONSERVER_Server *server = serve(&repo, "plain", MODEL_IDENTITY_FP32, 1 << 20);
  for (int i = 0; i < 3; i++)
    echo(server, "plain", data, shape, 2);
  assert_int_equal(executions(server, "plain"), 3);
  assert_int_equal(hits(server, "plain") + misses(server, "plain"), 0);
  server_finish(server, repo);

  server = serve(&repo, "cached", MODEL_IDENTITY_FP32 CACHED, 0);
  for (int i = 0; i < 3; i++)
    echo(server, "cached", data, shape, 2);
  assert_int_equal(executions(server, "cached"), 3);
  assert_int_equal(hits(server, "cached") + misses(server, "cached"), 0);
  server_finish(server, repo);
}

/* Triton refuses to load a decoupled model with the response cache, with these words. */
static void decoupled_models_are_refused(void **state)
{
  (void)state;
  static const int v1[] = {1};
  char *repo = repo_create();
  repo_add_model(repo, "stream",
                 MODEL_IDENTITY_FP32 "model_transaction_policy { decoupled: true }\n" CACHED, v1, 1);
  TRITONSERVER_Server *server = cache_server(repo, TRITONSERVER_MODEL_CONTROL_EXPLICIT, 1 << 20);
  check_error(TRITONSERVER_ServerLoadModel(server, "stream"), TRITONSERVER_ERROR_INVALID_ARG,
              "Response Cache does not currently support model stream with 'decoupled' "
              "transaction policy. Please disable the response cache.");
  assert_false(model_ready(server, "stream", 1));
  server_finish(server, repo);
}

/* A cache other than 'local', or two caches, stop the server from starting. */
static void unsupported_cache_configurations(void **state)
{
  (void)state;
  char *repo = repo_create();
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  check_ok(TRITONSERVER_ServerOptionsSetCacheConfig(options, "redis", "{\"host\":\"h\"}"), "redis");
  TRITONSERVER_Server *server = NULL;
  check_error(TRITONSERVER_ServerNew(&server, options), TRITONSERVER_ERROR_INVALID_ARG,
              "cache 'redis' is not supported");
  check_ok(TRITONSERVER_ServerOptionsSetCacheConfig(options, "local", "{\"size\":\"100\"}"),
           "local");
  check_error(TRITONSERVER_ServerNew(&server, options), TRITONSERVER_ERROR_INVALID_ARG,
              "multiple cache configurations");
  TRITONSERVER_ServerOptionsDelete(options);
  repo_remove_tree(repo);
  free(repo);
}

/* TRITONSERVER_ServerMetrics lists nv_cache_* for models that use the cache only. */
static void metrics(void **state)
{
  (void)state;
  static const int v1[] = {1};
  char *repo = repo_create();
  repo_add_model(repo, "cached", MODEL_IDENTITY_FP32 CACHED, v1, 1);
  repo_add_model(repo, "plain", MODEL_IDENTITY_FP32, v1, 1);
  TRITONSERVER_Server *server = cache_server(repo, TRITONSERVER_MODEL_CONTROL_NONE, 1 << 20);
  const float data[4] = {1, 2, 3, 4};
  const int64_t shape[] = {1, 4};
  for (int i = 0; i < 3; i++)
    echo(server, "cached", data, shape, 2);
  TRITONSERVER_Metrics *metrics = NULL;
  check_ok(TRITONSERVER_ServerMetrics(server, &metrics), "ServerMetrics");
  const char *text = NULL;
  size_t size = 0;
  check_ok(TRITONSERVER_MetricsFormatted(metrics, TRITONSERVER_METRIC_PROMETHEUS, &text, &size),
           "MetricsFormatted");
  const char *expected[] = {
      "# TYPE nv_cache_num_hits_per_model counter\n",
      "nv_cache_num_hits_per_model{model=\"cached\",version=\"1\"} 2\n",
      "nv_cache_num_misses_per_model{model=\"cached\",version=\"1\"} 1\n",
      "nv_cache_hit_duration_per_model{model=\"cached\",version=\"1\"} ",
      "nv_cache_miss_duration_per_model{model=\"cached\",version=\"1\"} ",
      "nv_inference_request_success{model=\"cached\",version=\"1\"} 3\n",
      "nv_inference_exec_count{model=\"cached\",version=\"1\"} 1\n",
  };
  for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
    if (!strstr(text, expected[i]))
      fail_msg("missing '%s' in:\n%s", expected[i], text);
  assert_null(strstr(text, "nv_cache_num_hits_per_model{model=\"plain\""));
  TRITONSERVER_MetricsDelete(metrics);
  server_finish(server, repo);
}

/* preserve_ordering: a hit is delivered after the responses of requests already batched
 * (as Triton delegates it), here after a slow request that is still executing. */
static void hits_keep_preserve_ordering(void **state)
{
  (void)state;
  char *repo = NULL;
  TRITONSERVER_Server *server = serve(&repo, "ordered",
                                      MODEL_IDENTITY_FP32
                                      "dynamic_batching { preserve_ordering: true }\n" CACHED,
                                      1 << 20);
  const float x[4] = {1, 1, 1, 1}, a[4] = {2, 2, 2, 2};
  const int64_t shape[] = {1, 4};
  echo(server, "ordered", x, shape, 2); /* x is now cached */

  infer_call *slow = call_new(server, "ordered", -1, NULL);
  call_add_input(slow, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, a, sizeof(a));
  check_ok(TRITONSERVER_InferenceRequestSetIntParameter(slow->request, "execute_delay_ms", 300),
           "delay");
  call_send(server, slow);
  struct timespec pause = {0, 100 * 1000 * 1000}; /* let it leave the queue and start */
  nanosleep(&pause, NULL);
  infer_call *hit = call_new(server, "ordered", -1, NULL);
  call_add_input(hit, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, x, sizeof(x));
  call_send(server, hit);
  call_wait(hit, 10000);
  call_wait(slow, 10000);
  check_call_ok(hit);
  check_call_ok(slow);
  assert_memory_equal(call_tensor(hit, "OUTPUT0").base, x, sizeof(x));
  assert_true(hit->sequence > slow->sequence); /* delivered after the slow one */
  call_free(hit);
  call_free(slow);
  assert_int_equal(hits(server, "ordered"), 1);
  server_finish(server, repo);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(hits_skip_the_model),
      cmocka_unit_test(shapes_do_not_collide),
      cmocka_unit_test(input_names_do_not_collide),
      cmocka_unit_test(string_elements_do_not_collide),
      cmocka_unit_test(parameters_are_part_of_the_key),
      cmocka_unit_test(evicts_least_recently_used),
      cmocka_unit_test(requested_outputs),
      cmocka_unit_test(errors_are_not_cached),
      cmocka_unit_test(reload_starts_empty),
      cmocka_unit_test(only_where_both_enable_it),
      cmocka_unit_test(decoupled_models_are_refused),
      cmocka_unit_test(unsupported_cache_configurations),
      cmocka_unit_test(metrics),
      cmocka_unit_test(hits_keep_preserve_ordering),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
