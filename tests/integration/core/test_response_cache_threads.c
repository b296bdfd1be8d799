/* test_response_cache_threads.c — the response cache under concurrent traffic (label
 * concurrency: the TSan stage runs it). Client threads send requests drawn from a small
 * set of inputs to a dynamically batched model with two instances, while the cache is
 * so small that results are evicted all the time and another thread reads statistics
 * and metrics. Every answer must be the one for its own input (an identity model: the
 * output equals the input), and the counts must add up: every request is exactly one
 * hit or one miss, and the model ran for misses only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

enum { CLIENTS = 4, REQUESTS = 120, DISTINCT = 16 };

static const char CONFIG[] =
    "backend: \"identity\"\nmax_batch_size: 8\n"
    "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
    "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
    "instance_group [ { count: 2 kind: KIND_CPU } ]\n"
    "dynamic_batching { max_queue_delay_microseconds: 200 }\n"
    "response_cache { enable: true }\n";

typedef struct client {
  TRITONSERVER_Server *server;
  unsigned seed;
  int wrong;
} client;

static atomic_bool done;

static void *client_main(void *arg)
{
  client *c = arg;
  for (int i = 0; i < REQUESTS; i++) {
    float v = (float)(rand_r(&c->seed) % DISTINCT);
    const float data[4] = {v, v + 0.25f, v + 0.5f, v + 0.75f};
    const int64_t shape[] = {1, 4};
    infer_call *call = call_new(c->server, "m", -1, NULL);
    call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
    call_send(c->server, call);
    call_wait(call, 30000);
    if (call->error_message || call->release_count != 1 || call->final_count != 1) {
      c->wrong++;
    } else {
      tensor_view out = call_tensor(call, "OUTPUT0");
      if (out.byte_size != sizeof(data) || memcmp(out.base, data, sizeof(data)) != 0)
        c->wrong++;
    }
    call_free(call);
  }
  return NULL;
}

/* Reads statistics and metrics while the clients run (the counters' readers). */
static void *reader_main(void *arg)
{
  TRITONSERVER_Server *server = arg;
  while (!atomic_load(&done)) {
    TRITONSERVER_Message *message = NULL;
    check_ok(TRITONSERVER_ServerModelStatistics(server, "m", -1, &message), "statistics");
    json_object_put(message_json(message));
    TRITONSERVER_Metrics *metrics = NULL;
    check_ok(TRITONSERVER_ServerMetrics(server, &metrics), "metrics");
    TRITONSERVER_MetricsDelete(metrics);
  }
  return NULL;
}

static int64_t member(json_object *model, const char *a, const char *b, const char *c)
{
  json_object *node = model;
  const char *path[] = {a, b, c};
  for (int i = 0; i < 3 && path[i]; i++)
    if (!json_object_object_get_ex(node, path[i], &node))
      fail_msg("statistics lack '%s'", path[i]);
  return json_object_get_int64(node);
}

static void concurrent_clients_get_their_own_answers(void **state)
{
  (void)state;
  static const int v1[] = {1};
  char *repo = repo_create();
  repo_add_model(repo, "m", CONFIG, v1, 1);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  /* Room for a handful of the 16 results: constant eviction. */
  check_ok(TRITONSERVER_ServerOptionsSetCacheConfig(options, "local", "{\"size\":\"1200\"}"),
           "cache config");
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  assert_true(model_ready(server, "m", 1));

  atomic_store(&done, false);
  pthread_t reader;
  assert_int_equal(pthread_create(&reader, NULL, reader_main, server), 0);
  pthread_t threads[CLIENTS];
  client clients[CLIENTS];
  for (int i = 0; i < CLIENTS; i++) {
    clients[i] = (client){server, (unsigned)(i + 1) * 104729u, 0};
    assert_int_equal(pthread_create(&threads[i], NULL, client_main, &clients[i]), 0);
  }
  for (int i = 0; i < CLIENTS; i++) {
    pthread_join(threads[i], NULL);
    assert_int_equal(clients[i].wrong, 0);
  }
  atomic_store(&done, true);
  pthread_join(reader, NULL);

  TRITONSERVER_Message *message = NULL;
  check_ok(TRITONSERVER_ServerModelStatistics(server, "m", -1, &message), "statistics");
  json_object *root = message_json(message);
  json_object *model = json_object_array_get_idx(json_object_object_get(root, "model_stats"), 0);
  int64_t hits = member(model, "inference_stats", "cache_hit", "count");
  int64_t misses = member(model, "inference_stats", "cache_miss", "count");
  int64_t successes = member(model, "inference_stats", "success", "count");
  int64_t inferences = member(model, "inference_count", NULL, NULL);
  assert_int_equal(hits + misses, CLIENTS * REQUESTS);
  assert_int_equal(successes, CLIENTS * REQUESTS);
  assert_int_equal(inferences, misses); /* the model ran exactly the misses */
  assert_true(hits > 0);
  assert_true(misses > DISTINCT); /* evictions made some inputs miss again */
  json_object_put(root);
  server_finish(server, repo);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(concurrent_clients_get_their_own_answers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
