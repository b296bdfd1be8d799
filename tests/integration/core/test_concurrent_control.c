/* test_concurrent_control.c — model control from several threads at once: each of four
 * client threads loads its own model, runs an inference on it, and unloads it, three
 * times over, while the others do the same. Every call must succeed and every answer
 * must be the thread's own data (the TSan stage runs this for data races). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "models.h"

enum { THREADS = 4, ROUNDS = 3 };

typedef struct worker {
  TRITONSERVER_Server *server;
  char model[32];
  int index;
  char failure[512]; /* empty: all went well */
} worker;

/* Records the first failure of a worker (cmocka asserts are not thread-safe). */
static bool record(worker *w, TRITONSERVER_Error *error, const char *what)
{
  if (error == NULL)
    return true;
  if (w->failure[0] == '\0')
    snprintf(w->failure, sizeof(w->failure), "%s on %s: %s", what, w->model,
             TRITONSERVER_ErrorMessage(error));
  TRITONSERVER_ErrorDelete(error);
  return false;
}

static void *cycle_model(void *arg)
{
  worker *w = arg;
  for (int round = 0; round < ROUNDS && w->failure[0] == '\0'; round++) {
    if (!record(w, TRITONSERVER_ServerLoadModel(w->server, w->model), "load"))
      break;
    infer_call *call = call_new(w->server, w->model, -1, NULL);
    const int64_t shape[] = {1, 4};
    const float data[4] = {(float)w->index, (float)round, 0, 0};
    call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
    call_run(w->server, call);
    if (call->error_message != NULL) {
      snprintf(w->failure, sizeof(w->failure), "inference on %s: %s", w->model,
               call->error_message);
    } else {
      tensor_view out = call_tensor(call, "OUTPUT0");
      const float *values = out.base;
      if (values[0] != (float)w->index || values[1] != (float)round)
        snprintf(w->failure, sizeof(w->failure), "%s answered another request's data", w->model);
    }
    call_free(call);
    record(w, TRITONSERVER_ServerUnloadModel(w->server, w->model), "unload");
  }
  return NULL;
}

static void threads_load_infer_and_unload_their_models(void **state)
{
  (void)state;
  static const int V1[] = {1};
  char *repo = repo_create();
  worker workers[THREADS];
  for (int i = 0; i < THREADS; i++) {
    memset(&workers[i], 0, sizeof(workers[i]));
    snprintf(workers[i].model, sizeof(workers[i].model), "model_%d", i);
    workers[i].index = i;
    repo_add_model(repo, workers[i].model, MODEL_IDENTITY_FP32, V1, 1);
  }
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_EXPLICIT);
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);

  pthread_t threads[THREADS];
  for (int i = 0; i < THREADS; i++) {
    workers[i].server = server;
    assert_int_equal(pthread_create(&threads[i], NULL, cycle_model, &workers[i]), 0);
  }
  for (int i = 0; i < THREADS; i++)
    assert_int_equal(pthread_join(threads[i], NULL), 0);
  for (int i = 0; i < THREADS; i++) {
    if (workers[i].failure[0] != '\0')
      fail_msg("thread %d: %s", i, workers[i].failure);
    assert_false(model_ready(server, workers[i].model, -1)); /* each ended unloaded */
  }
  server_finish(server, repo);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(threads_load_infer_and_unload_their_models),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
