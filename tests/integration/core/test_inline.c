/* test_inline.c — inline execution (TORCHD_ServerOptionsSetInlineExecution), through the
 * public API:
 *  - once an instance thread has measured a fast model, InferAsync runs the request on
 *    the caller's thread: the response and release arrive before it returns;
 *  - never for the first request, a model slower than the limit, a dynamic-batching
 *    model, or a server that did not enable it;
 *  - several client threads on one instance: every request answered once with its own
 *    data, and the instance's executes never overlap (the identity backend's per-instance
 *    counter hands out each number exactly once; under TSan an overlap is also a race);
 *  - unloading the model while clients execute inline loses and duplicates nothing. */
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
#include <time.h>

#include "harness.h"
#include "torchd/torchd_server.h"

static const int V1[] = {1};

#define MODEL(extra)                                                                               \
  "backend: \"identity\"\nmax_batch_size: 4\n"                                                     \
  "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"                              \
  "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"                            \
  "instance_group [ { count: 1 kind: KIND_CPU } ]\n" extra

#define DELAY(ms) "parameters { key: \"execute_delay_ms\" value { string_value: \"" ms "\" } }\n"

/* A server (control mode EXPLICIT, model "m" loaded) with inline execution up to
 * limit_us (0: the option is not set at all). */
static TRITONSERVER_Server *start(char **repo, const char *config, uint64_t limit_us)
{
  *repo = repo_create();
  repo_add_model(*repo, "m", config, V1, 1);
  TRITONSERVER_ServerOptions *options = server_options(*repo, TRITONSERVER_MODEL_CONTROL_EXPLICIT);
  check_ok(TRITONSERVER_ServerOptionsSetStartupModel(options, "m"), "startup model");
  if (limit_us)
    check_ok(TORCHD_ServerOptionsSetInlineExecution(options, limit_us), "SetInlineExecution");
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  assert_true(model_ready(server, "m", -1));
  return server;
}

static infer_call *make_call(TRITONSERVER_Server *server, float value)
{
  infer_call *call = call_new(server, "m", -1, NULL);
  const int64_t shape[] = {1, 4};
  const float data[4] = {value, value, value, value};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  return call;
}

/* Sends one request and reports whether it ran inline: its final response was delivered
 * on this thread, during InferAsync (with a hand-off, an instance thread delivers it).
 * Then checks its answer. */
static bool ran_inline(TRITONSERVER_Server *server, float value)
{
  infer_call *call = make_call(server, value);
  call_send(server, call);
  pthread_mutex_lock(&call->lock);
  bool inline_done = call->final_count == 1 && call->release_count == 1 &&
                     pthread_equal(call->final_thread, pthread_self());
  pthread_mutex_unlock(&call->lock);
  call_wait(call, 10000);
  check_call_ok(call);
  tensor_view out = call_tensor(call, "OUTPUT0");
  assert_true(((const float *)out.base)[2] == value);
  call_free(call);
  return inline_done;
}

static void fast_model_runs_on_the_callers_thread_after_the_first_request(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = start(&repo, MODEL(""), 100000);
  /* The first request goes to the instance thread, which measures the model. That
   * thread delivers the response before it is back waiting for work (idle), so give it
   * a moment; from then on each inline request hands the instance back before
   * InferAsync returns. */
  assert_false(ran_inline(server, 1));
  struct timespec pause = {0, 50 * 1000000L};
  nanosleep(&pause, NULL);
  for (int i = 2; i < 10; i++)
    assert_true(ran_inline(server, (float)i));
  server_finish(server, repo);
}

static void slow_model_is_not_inline(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = start(&repo, MODEL(DELAY("30")), 1000); /* 30 ms > 1 ms */
  for (int i = 0; i < 3; i++)
    assert_false(ran_inline(server, (float)i));
  server_finish(server, repo);
}

static void batching_model_is_not_inline(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = start(
      &repo, MODEL(DELAY("20") "dynamic_batching { max_queue_delay_microseconds: 0 }\n"),
      10000000);
  for (int i = 0; i < 3; i++)
    assert_false(ran_inline(server, (float)i));
  server_finish(server, repo);
}

static void off_unless_enabled(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = start(&repo, MODEL(DELAY("20")), 0);
  for (int i = 0; i < 3; i++)
    assert_false(ran_inline(server, (float)i));
  server_finish(server, repo);
}

/* ---- several client threads ------------------------------------------------------------ */

enum { CLIENTS = 4, PER_CLIENT = 150 };

typedef struct client {
  TRITONSERVER_Server *server;
  int index;
  infer_call *calls[PER_CLIENT];
  int sent;
} client;

static void *run_client(void *arg)
{
  client *c = arg;
  for (int i = 0; i < PER_CLIENT; i++) {
    c->calls[i] = make_call(c->server, (float)(c->index * PER_CLIENT + i));
    call_send(c->server, c->calls[i]);
    c->sent = i + 1;
    if (c->calls[i]->sync_error)
      break; /* the model was unloaded: stop sending */
  }
  return NULL;
}

/* Runs CLIENTS threads; returns how many requests succeeded. With unload_midway the
 * main thread unloads the model while they send; failures must then be UNAVAILABLE or
 * NOT_FOUND. Every request must be answered exactly once either way. */
static int run_clients(TRITONSERVER_Server *server, bool unload_midway, int64_t *executions)
{
  client clients[CLIENTS];
  memset(clients, 0, sizeof(clients));
  pthread_t threads[CLIENTS];
  for (int k = 0; k < CLIENTS; k++) {
    clients[k].server = server;
    clients[k].index = k;
    assert_int_equal(pthread_create(&threads[k], NULL, run_client, &clients[k]), 0);
  }
  if (unload_midway) {
    struct timespec pause = {0, 5 * 1000000L};
    nanosleep(&pause, NULL);
    check_ok(TRITONSERVER_ServerUnloadModel(server, "m"), "UnloadModel during traffic");
  }
  int succeeded = 0, n = 0;
  for (int k = 0; k < CLIENTS; k++) {
    assert_int_equal(pthread_join(threads[k], NULL), 0);
    for (int i = 0; i < clients[k].sent; i++) {
      infer_call *call = clients[k].calls[i];
      call_wait(call, 20000);
      if (call->error_message == NULL) {
        tensor_view out = call_tensor(call, "OUTPUT0");
        assert_true(((const float *)out.base)[0] == (float)(k * PER_CLIENT + i));
        if (executions)
          executions[n++] = call_int_parameter(call, "instance_execution");
        succeeded++;
      } else if (call->error_code != TRITONSERVER_ERROR_UNAVAILABLE &&
                 call->error_code != TRITONSERVER_ERROR_NOT_FOUND) {
        fail_msg("request %d of client %d failed with code %d: %s", i, k, (int)call->error_code,
                 call->error_message);
      }
      if (!call->sync_error && (call->final_count != 1 || call->release_count != 1))
        fail_msg("request %d of client %d: %d final responses, %d releases (expected 1, 1)", i,
                 k, call->final_count, call->release_count);
      call_free(call);
    }
  }
  return succeeded;
}

static int compare_int64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static void concurrent_clients_never_overlap_on_an_instance(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = start(&repo, MODEL(""), 100000);
  assert_false(ran_inline(server, 0)); /* measured: inline from now on */
  int64_t *executions = calloc(CLIENTS * PER_CLIENT, sizeof(*executions));
  int succeeded = run_clients(server, false, executions);
  assert_int_equal(succeeded, CLIENTS * PER_CLIENT);
  /* Each execute of the one instance got its own number (2..N+1: the first request was
   * number 1), so no two executes ran on it at once. */
  qsort(executions, (size_t)succeeded, sizeof(*executions), compare_int64);
  for (int i = 0; i < succeeded; i++)
    if (executions[i] != i + 2)
      fail_msg("execution numbers not unique: position %d holds %lld", i,
               (long long)executions[i]);
  free(executions);
  server_finish(server, repo);
}

static void unload_during_inline_traffic_loses_nothing(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = start(&repo, MODEL(""), 100000);
  assert_false(ran_inline(server, 0));
  run_clients(server, true, NULL);
  assert_false(model_ready(server, "m", -1));
  server_finish(server, repo);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fast_model_runs_on_the_callers_thread_after_the_first_request),
      cmocka_unit_test(slow_model_is_not_inline),
      cmocka_unit_test(batching_model_is_not_inline),
      cmocka_unit_test(off_unless_enabled),
      cmocka_unit_test(concurrent_clients_never_overlap_on_an_instance),
      cmocka_unit_test(unload_during_inline_traffic_loses_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
