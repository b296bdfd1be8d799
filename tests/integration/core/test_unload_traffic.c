/* test_unload_traffic.c — model control while a client thread keeps sending requests:
 *  - unload: every request gets exactly one final response and exactly one release
 *    (none lost, none answered twice); requests in flight finish correctly, requests
 *    after the unload fail with UNAVAILABLE or NOT_FOUND;
 *  - reload (explicit load of a changed config): the old model serves until the new
 *    one is ready, so every request succeeds;
 *  - server stop: the same exactly-once rule, and the server reports not ready. */
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

static const int V1[] = {1};

enum { REQUESTS = 40 };

#define BUSY_MODEL(delay_ms)                                                                       \
  "backend: \"identity\"\nmax_batch_size: 4\n"                                                     \
  "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"                              \
  "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"                            \
  "instance_group [ { count: 2 kind: KIND_CPU } ]\n"                                               \
  "dynamic_batching { max_queue_delay_microseconds: 2000 }\n"                                      \
  "parameters { key: \"execute_delay_ms\" value { string_value: \"" delay_ms "\" } }\n"

typedef struct traffic {
  TRITONSERVER_Server *server;
  infer_call *calls[REQUESTS];
  atomic_int sent;
  pthread_t thread;
} traffic;

static void sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Client thread: one request every 5 ms. Only creates and sends; the main thread
 * checks results after joining. */
static void *send_traffic(void *arg)
{
  traffic *t = arg;
  const int64_t shape[] = {1, 4};
  for (int i = 0; i < REQUESTS; i++) {
    const float data[4] = {(float)i, (float)i, (float)i, (float)i};
    infer_call *call = call_new(t->server, "busy", -1, NULL);
    call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
    t->calls[i] = call;
    call_send(t->server, call);
    atomic_store(&t->sent, i + 1);
    sleep_ms(5);
  }
  return NULL;
}

/* Starts a server in EXPLICIT mode with "busy" loaded, and the traffic thread; returns
 * once a third of the requests are sent. */
static traffic *start_traffic(char **repo)
{
  *repo = repo_create();
  repo_add_model(*repo, "busy", BUSY_MODEL("20"), V1, 1);
  TRITONSERVER_ServerOptions *options = server_options(*repo, TRITONSERVER_MODEL_CONTROL_EXPLICIT);
  check_ok(TRITONSERVER_ServerOptionsSetStartupModel(options, "busy"), "startup model");
  traffic *t = calloc(1, sizeof(*t));
  t->server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  assert_true(model_ready(t->server, "busy", -1));
  assert_int_equal(pthread_create(&t->thread, NULL, send_traffic, t), 0);
  while (atomic_load(&t->sent) < REQUESTS / 3)
    sleep_ms(2);
  return t;
}

/* Joins the client, waits for every call and checks each was answered exactly once:
 * a success with its own data, or a failure with one of 'allowed' codes. Counts go
 * to *succeeded / *failed. */
static void finish_traffic(traffic *t, int *succeeded, int *failed)
{
  assert_int_equal(pthread_join(t->thread, NULL), 0);
  *succeeded = *failed = 0;
  for (int i = 0; i < REQUESTS; i++) {
    infer_call *call = t->calls[i];
    call_wait(call, 20000);
    if (call->error_message == NULL) {
      check_call_ok(call);
      tensor_view out = call_tensor(call, "OUTPUT0");
      assert_true(((const float *)out.base)[3] == (float)i); /* its own data */
      (*succeeded)++;
    } else {
      if (call->error_code != TRITONSERVER_ERROR_UNAVAILABLE &&
          call->error_code != TRITONSERVER_ERROR_NOT_FOUND)
        fail_msg("request %d failed with code %d: %s", i, (int)call->error_code,
                 call->error_message);
      (*failed)++;
    }
  }
  /* Give a late duplicate callback the chance to show up, then count again. */
  sleep_ms(100);
  for (int i = 0; i < REQUESTS; i++) {
    infer_call *call = t->calls[i];
    pthread_mutex_lock(&call->lock);
    int finals = call->final_count, releases = call->release_count;
    bool sync_error = call->sync_error;
    pthread_mutex_unlock(&call->lock);
    if (sync_error) {
      if (finals != 0 || releases != 0)
        fail_msg("request %d failed at send but also got %d responses / %d releases", i, finals,
                 releases);
    } else if (finals != 1 || releases != 1) {
      fail_msg("request %d got %d final responses and %d releases (expected 1 and 1)", i, finals,
               releases);
    }
  }
  assert_int_equal(*succeeded + *failed, REQUESTS);
}

static void stop_traffic(traffic *t, char *repo)
{
  for (int i = 0; i < REQUESTS; i++)
    call_free(t->calls[i]);
  server_finish(t->server, repo);
  free(t);
}

static void unload_during_traffic_loses_and_duplicates_nothing(void **state)
{
  (void)state;
  char *repo = NULL;
  traffic *t = start_traffic(&repo);
  check_ok(TRITONSERVER_ServerUnloadModel(t->server, "busy"), "UnloadModel during traffic");
  int succeeded, failed;
  finish_traffic(t, &succeeded, &failed);
  assert_true(succeeded >= REQUESTS / 3 - 4); /* those sent before the unload */
  assert_true(failed > 0);                    /* those sent after it */
  assert_false(model_ready(t->server, "busy", -1));
  stop_traffic(t, repo);
}

static void reload_during_traffic_keeps_serving(void **state)
{
  (void)state;
  char *repo = NULL;
  traffic *t = start_traffic(&repo);
  char path[1024];
  snprintf(path, sizeof(path), "%s/busy/config.pbtxt", repo);
  FILE *file = fopen(path, "w");
  assert_non_null(file);
  fputs(BUSY_MODEL("5"), file);
  fclose(file);
  check_ok(TRITONSERVER_ServerLoadModel(t->server, "busy"), "LoadModel (reload) during traffic");
  int succeeded, failed;
  finish_traffic(t, &succeeded, &failed);
  if (failed != 0)
    fail_msg("%d of %d requests failed while the model was reloaded", failed, REQUESTS);
  assert_true(model_ready(t->server, "busy", -1));
  stop_traffic(t, repo);
}

static void stop_during_traffic_answers_everything_once(void **state)
{
  (void)state;
  char *repo = NULL;
  traffic *t = start_traffic(&repo);
  check_ok(TRITONSERVER_ServerStop(t->server), "ServerStop during traffic");
  int succeeded, failed;
  finish_traffic(t, &succeeded, &failed);
  assert_true(succeeded >= REQUESTS / 3 - 4);
  bool ready = true;
  TRITONSERVER_Error *error = TRITONSERVER_ServerIsReady(t->server, &ready);
  if (error == NULL)
    assert_false(ready);
  TRITONSERVER_ErrorDelete(error);
  for (int i = 0; i < REQUESTS; i++)
    call_free(t->calls[i]);
  check_ok(TRITONSERVER_ServerDelete(t->server), "ServerDelete after stop");
  repo_remove_tree(repo);
  free(repo);
  free(t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(unload_during_traffic_loses_and_duplicates_nothing),
      cmocka_unit_test(reload_during_traffic_keeps_serving),
      cmocka_unit_test(stop_during_traffic_answers_everything_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
