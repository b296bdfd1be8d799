/* test_server_extras.c — server features the integration suite does not drive: model
 * warmup (success, and failure failing the load), the Prometheus metrics snapshot after
 * known traffic, registering/unregistering a model repository at run time, the exit
 * timeout of ServerStop, inference traces, and classification labels. Uses the
 * identity backend from the build tree (<build>/backends, found from this executable's
 * path <build>/tests/unit/core/<exe>). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "triton/core/tritonserver.h"

static char backend_dir[PATH_MAX];

static void find_backend_dir(void)
{
  char exe[PATH_MAX] = {0};
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  assert_true(n > 0);
  char *dir = exe;
  for (int i = 0; i < 4; i++) /* exe → core → unit → tests → build root */
    dir = dirname(dir);
  assert_true(strlen(dir) + sizeof("/backends") <= sizeof(backend_dir));
  strcpy(backend_dir, dir);
  strcat(backend_dir, "/backends");
}

static void ok(TRITONSERVER_Error *err)
{
  if (err)
    fail_msg("unexpected error: %s", TRITONSERVER_ErrorMessage(err));
}

static void write_model(const char *repo, const char *name, const char *config)
{
  char path[PATH_MAX];
  snprintf(path, sizeof(path), "%s/%s", repo, name);
  mkdir(path, 0755);
  snprintf(path, sizeof(path), "%s/%s/1", repo, name);
  mkdir(path, 0755);
  snprintf(path, sizeof(path), "%s/%s/config.pbtxt", repo, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(config, f);
  fclose(f);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

static char *make_repo(void)
{
  char *dir = strdup("/tmp/torchd_core_extras_XXXXXX");
  assert_non_null(mkdtemp(dir));
  return dir;
}

static void drop_repo(char *dir)
{
  nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
  free(dir);
}

static TRITONSERVER_Server *start(const char *repo, TRITONSERVER_ModelControlMode mode)
{
  TRITONSERVER_ServerOptions *o = NULL;
  ok(TRITONSERVER_ServerOptionsNew(&o));
  ok(TRITONSERVER_ServerOptionsSetModelRepositoryPath(o, repo));
  ok(TRITONSERVER_ServerOptionsSetBackendDirectory(o, backend_dir));
  ok(TRITONSERVER_ServerOptionsSetModelControlMode(o, mode));
  ok(TRITONSERVER_ServerOptionsSetExitOnError(o, false));
  ok(TRITONSERVER_ServerOptionsSetLogInfo(o, false));
  ok(TRITONSERVER_ServerOptionsSetLogError(o, false));
  TRITONSERVER_Server *s = NULL;
  ok(TRITONSERVER_ServerNew(&s, o));
  ok(TRITONSERVER_ServerOptionsDelete(o));
  return s;
}

static char *index_text(TRITONSERVER_Server *s)
{
  TRITONSERVER_Message *m = NULL;
  ok(TRITONSERVER_ServerModelIndex(s, 0, &m));
  const char *base = NULL;
  size_t size = 0;
  ok(TRITONSERVER_MessageSerializeToJson(m, &base, &size));
  char *copy = strndup(base, size);
  TRITONSERVER_MessageDelete(m);
  return copy;
}

#define IDENTITY                                                                   \
  "backend: \"identity\"\nmax_batch_size: 8\n"                                     \
  "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"              \
  "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
#define WARMUP                                                                     \
  "model_warmup [ { name: \"w\" batch_size: 2 count: 2 inputs { key: \"INPUT0\" "  \
  "value { data_type: TYPE_FP32 dims: [ 4 ] zero_data: true } } } ]\n"

static void warmup_runs_before_ready_and_can_fail_the_load(void **state)
{
  (void)state;
  char *repo = make_repo();
  write_model(repo, "warm", IDENTITY WARMUP);
  write_model(repo, "cold", IDENTITY WARMUP
              "parameters { key: \"error_all\" value { string_value: \"true\" } }\n");
  TRITONSERVER_Server *s = start(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  bool ready = false;
  ok(TRITONSERVER_ServerModelIsReady(s, "warm", -1, &ready));
  assert_true(ready);
  ok(TRITONSERVER_ServerModelIsReady(s, "cold", -1, &ready));
  assert_false(ready);
  char *index = index_text(s);
  assert_non_null(strstr(index, "failed to run warmup sample 'w' of model 'cold'"));
  free(index);
  /* Warmup traffic does not show in the statistics. */
  TRITONSERVER_Message *m = NULL;
  ok(TRITONSERVER_ServerModelStatistics(s, "warm", -1, &m));
  const char *base = NULL;
  size_t size = 0;
  ok(TRITONSERVER_MessageSerializeToJson(m, &base, &size));
  assert_non_null(strstr(base, "\"inference_count\":0"));
  TRITONSERVER_MessageDelete(m);
  ok(TRITONSERVER_ServerDelete(s));
  drop_repo(repo);
}

/* A minimal CPU allocator and a synchronous inference. */
static TRITONSERVER_Error *alloc_fn(TRITONSERVER_ResponseAllocator *a, const char *name, size_t size,
                                    TRITONSERVER_MemoryType mt, int64_t mt_id, void *userp,
                                    void **buffer, void **buffer_userp,
                                    TRITONSERVER_MemoryType *actual, int64_t *actual_id)
{
  (void)a, (void)name, (void)mt, (void)mt_id, (void)userp;
  *buffer = malloc(size ? size : 1);
  *buffer_userp = NULL;
  *actual = TRITONSERVER_MEMORY_CPU;
  *actual_id = 0;
  return NULL;
}

static TRITONSERVER_Error *release_fn(TRITONSERVER_ResponseAllocator *a, void *buffer, void *buffer_userp,
                                      size_t size, TRITONSERVER_MemoryType mt, int64_t mt_id)
{
  (void)a, (void)buffer_userp, (void)size, (void)mt, (void)mt_id;
  free(buffer);
  return NULL;
}

typedef struct done {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool released;
} done;

/* Asks the response for the label of class `class_index` of output 0. */
typedef struct label_probe {
  size_t class_index;
  char label[64];
  bool found;
} label_probe;

static void on_response(TRITONSERVER_InferenceResponse *r, const uint32_t flags, void *userp)
{
  (void)flags;
  if (r) {
    TRITONSERVER_Error *err = TRITONSERVER_InferenceResponseError(r); /* owned by r */
    if (err)
      fail_msg("response error: %s", TRITONSERVER_ErrorMessage(err));
    label_probe *probe = userp;
    const char *label = NULL;
    if (probe) {
      ok(TRITONSERVER_InferenceResponseOutputClassificationLabel(r, 0, probe->class_index, &label));
      probe->found = label != NULL;
      snprintf(probe->label, sizeof(probe->label), "%s", label ? label : "");
    }
    TRITONSERVER_InferenceResponseDelete(r);
  }
}

static void on_release(TRITONSERVER_InferenceRequest *r, const uint32_t flags, void *userp)
{
  (void)r, (void)flags;
  done *d = userp;
  pthread_mutex_lock(&d->mu);
  d->released = true;
  pthread_cond_signal(&d->cv);
  pthread_mutex_unlock(&d->mu);
}

/* An inference in flight: send with infer_send, finish with infer_wait. */
typedef struct flight {
  TRITONSERVER_ResponseAllocator *alloc;
  TRITONSERVER_InferenceRequest *request;
  done d;
  float data[32];
} flight;

static flight *infer_send_traced(TRITONSERVER_Server *s, const char *model, int64_t batch,
                                 TRITONSERVER_InferenceTrace *trace, label_probe *probe);

static flight *infer_send(TRITONSERVER_Server *s, const char *model, int64_t batch)
{
  return infer_send_traced(s, model, batch, NULL, NULL);
}

static flight *infer_send_traced(TRITONSERVER_Server *s, const char *model, int64_t batch,
                                 TRITONSERVER_InferenceTrace *trace, label_probe *probe)
{
  flight *f = calloc(1, sizeof(*f));
  pthread_mutex_init(&f->d.mu, NULL);
  pthread_cond_init(&f->d.cv, NULL);
  ok(TRITONSERVER_ResponseAllocatorNew(&f->alloc, alloc_fn, release_fn, NULL));
  TRITONSERVER_InferenceRequest *r = NULL;
  ok(TRITONSERVER_InferenceRequestNew(&r, s, model, -1));
  int64_t shape[] = {batch, 4};
  ok(TRITONSERVER_InferenceRequestAddInput(r, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2));
  ok(TRITONSERVER_InferenceRequestAppendInputData(r, "INPUT0", f->data, (size_t)batch * 16,
                                                  TRITONSERVER_MEMORY_CPU, 0));
  ok(TRITONSERVER_InferenceRequestSetReleaseCallback(r, on_release, &f->d));
  ok(TRITONSERVER_InferenceRequestSetResponseCallback(r, f->alloc, NULL, on_response, probe));
  ok(TRITONSERVER_ServerInferAsync(s, r, trace));
  f->request = r;
  return f;
}

static void infer_wait(flight *f)
{
  pthread_mutex_lock(&f->d.mu);
  while (!f->d.released)
    pthread_cond_wait(&f->d.cv, &f->d.mu);
  pthread_mutex_unlock(&f->d.mu);
  ok(TRITONSERVER_InferenceRequestDelete(f->request));
  ok(TRITONSERVER_ResponseAllocatorDelete(f->alloc));
  pthread_mutex_destroy(&f->d.mu);
  pthread_cond_destroy(&f->d.cv);
  free(f);
}

static void infer_once(TRITONSERVER_Server *s, const char *model, int64_t batch)
{
  infer_wait(infer_send(s, model, batch));
}

static void metrics_count_known_traffic(void **state)
{
  (void)state;
  char *repo = make_repo();
  write_model(repo, "m", IDENTITY);
  TRITONSERVER_Server *s = start(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  infer_once(s, "m", 3);
  infer_once(s, "m", 2);
  TRITONSERVER_Metrics *metrics = NULL;
  ok(TRITONSERVER_ServerMetrics(s, &metrics));
  const char *text = NULL;
  size_t size = 0;
  ok(TRITONSERVER_MetricsFormatted(metrics, TRITONSERVER_METRIC_PROMETHEUS, &text, &size));
  assert_non_null(strstr(text, "# TYPE nv_inference_request_success counter\n"));
  assert_non_null(strstr(text, "nv_inference_request_success{model=\"m\",version=\"1\"} 2\n"));
  assert_non_null(strstr(text, "nv_inference_count{model=\"m\",version=\"1\"} 5\n"));
  assert_non_null(strstr(text, "nv_inference_exec_count{model=\"m\",version=\"1\"} 2\n"));
  assert_non_null(strstr(text, "nv_inference_request_failure{model=\"m\",version=\"1\"} 0\n"));
  TRITONSERVER_Error *err = TRITONSERVER_MetricsFormatted(metrics, (TRITONSERVER_MetricFormat)7,
                                                          &text, &size);
  assert_non_null(err);
  TRITONSERVER_ErrorDelete(err);
  ok(TRITONSERVER_MetricsDelete(metrics));
  ok(TRITONSERVER_ServerDelete(s));
  drop_repo(repo);
}

static void repositories_register_at_run_time(void **state)
{
  (void)state;
  char *first = make_repo(), *second = make_repo();
  write_model(first, "a", IDENTITY);
  write_model(second, "b", IDENTITY);
  TRITONSERVER_Server *s = start(first, TRITONSERVER_MODEL_CONTROL_EXPLICIT);
  TRITONSERVER_Error *err = TRITONSERVER_ServerLoadModel(s, "b");
  assert_non_null(err); /* not in any registered repository yet */
  TRITONSERVER_ErrorDelete(err);
  ok(TRITONSERVER_ServerRegisterModelRepository(s, second, NULL, 0));
  err = TRITONSERVER_ServerRegisterModelRepository(s, second, NULL, 0);
  assert_int_equal(TRITONSERVER_ErrorCode(err), TRITONSERVER_ERROR_ALREADY_EXISTS);
  TRITONSERVER_ErrorDelete(err);
  ok(TRITONSERVER_ServerLoadModel(s, "b"));
  infer_once(s, "b", 1);
  ok(TRITONSERVER_ServerUnregisterModelRepository(s, second));
  err = TRITONSERVER_ServerUnregisterModelRepository(s, second);
  assert_int_equal(TRITONSERVER_ErrorCode(err), TRITONSERVER_ERROR_NOT_FOUND);
  TRITONSERVER_ErrorDelete(err);
  ok(TRITONSERVER_ServerDelete(s));
  drop_repo(first);
  drop_repo(second);
}

static void stop_gives_up_after_the_exit_timeout(void **state)
{
  (void)state;
  char *repo = make_repo();
  write_model(repo, "slow", IDENTITY
              "parameters { key: \"execute_delay_ms\" value { string_value: \"300\" } }\n");
  TRITONSERVER_Server *s = start(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  ok(TRITONSERVER_ServerSetExitTimeout(s, 0));
  flight *f = infer_send(s, "slow", 1);
  struct timespec pause = {0, 50000000}; /* let it start executing */
  nanosleep(&pause, NULL);
  TRITONSERVER_Error *err = TRITONSERVER_ServerStop(s);
  assert_non_null(err);
  assert_int_equal(TRITONSERVER_ErrorCode(err), TRITONSERVER_ERROR_UNAVAILABLE);
  assert_string_equal(TRITONSERVER_ErrorMessage(err), "Exit timeout expired. Exiting immediately.");
  TRITONSERVER_ErrorDelete(err);
  bool live = true;
  ok(TRITONSERVER_ServerIsLive(s, &live));
  assert_false(live);
  /* The request still completes; once it has, delete finishes the unload and frees all. */
  infer_wait(f);
  ok(TRITONSERVER_ServerDelete(s));
  drop_repo(repo);
}

/* What a trace saw: activities in order, and its release. */
typedef struct trace_log {
  TRITONSERVER_InferenceTraceActivity seen[32];
  int count;
  int released;
  char model[64];
} trace_log;

static void on_activity(TRITONSERVER_InferenceTrace *trace, TRITONSERVER_InferenceTraceActivity activity,
                        uint64_t timestamp_ns, void *userp)
{
  (void)trace;
  assert_true(timestamp_ns > 0);
  trace_log *log = userp;
  if (log->count < 32)
    log->seen[log->count++] = activity;
}

static void on_trace_release(TRITONSERVER_InferenceTrace *trace, void *userp)
{
  trace_log *log = userp;
  const char *model = NULL;
  ok(TRITONSERVER_InferenceTraceModelName(trace, &model));
  snprintf(log->model, sizeof(log->model), "%s", model);
  log->released++;
  ok(TRITONSERVER_InferenceTraceDelete(trace));
}

static bool saw(const trace_log *log, TRITONSERVER_InferenceTraceActivity activity)
{
  for (int i = 0; i < log->count; i++)
    if (log->seen[i] == activity)
      return true;
  return false;
}

static void traces_get_the_request_timestamps(void **state)
{
  (void)state;
  char *repo = make_repo();
  write_model(repo, "m", IDENTITY);
  TRITONSERVER_Server *s = start(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  trace_log log = {0};
  TRITONSERVER_InferenceTrace *trace = NULL;
  ok(TRITONSERVER_InferenceTraceNew(&trace, TRITONSERVER_TRACE_LEVEL_TIMESTAMPS, 0, on_activity,
                                    on_trace_release, &log));
  TRITONSERVER_InferenceTrace *child = NULL;
  ok(TRITONSERVER_InferenceTraceSpawnChildTrace(trace, &child));
  uint64_t id = 0, parent = 0;
  ok(TRITONSERVER_InferenceTraceId(trace, &id));
  ok(TRITONSERVER_InferenceTraceParentId(child, &parent));
  assert_int_equal(parent, id);
  ok(TRITONSERVER_InferenceTraceDelete(child));
  infer_wait(infer_send_traced(s, "m", 1, trace, NULL));
  assert_int_equal(log.released, 1);
  assert_string_equal(log.model, "m");
  assert_int_equal(log.seen[0], TRITONSERVER_TRACE_REQUEST_START);
  assert_true(saw(&log, TRITONSERVER_TRACE_QUEUE_START));
  assert_true(saw(&log, TRITONSERVER_TRACE_COMPUTE_START));
  assert_true(saw(&log, TRITONSERVER_TRACE_COMPUTE_END));
  assert_int_equal(log.seen[log.count - 1], TRITONSERVER_TRACE_REQUEST_END);
  ok(TRITONSERVER_ServerDelete(s));
  drop_repo(repo);
}

static void responses_name_classification_labels(void **state)
{
  (void)state;
  char *repo = make_repo();
  write_model(repo, "labelled",
              "backend: \"identity\"\nmax_batch_size: 8\n"
              "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
              "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] "
              "label_filename: \"labels.txt\" } ]\n");
  char path[PATH_MAX];
  snprintf(path, sizeof(path), "%s/labelled/labels.txt", repo);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("cat\ndog\nbird\n", f);
  fclose(f);
  TRITONSERVER_Server *s = start(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  label_probe probe = {.class_index = 1};
  infer_wait(infer_send_traced(s, "labelled", 1, NULL, &probe));
  assert_true(probe.found);
  assert_string_equal(probe.label, "dog");
  label_probe beyond = {.class_index = 3};
  infer_wait(infer_send_traced(s, "labelled", 1, NULL, &beyond));
  assert_false(beyond.found); /* past the end of the label file: no label */
  ok(TRITONSERVER_ServerDelete(s));
  drop_repo(repo);
}

int main(void)
{
  find_backend_dir();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(warmup_runs_before_ready_and_can_fail_the_load),
      cmocka_unit_test(metrics_count_known_traffic),
      cmocka_unit_test(repositories_register_at_run_time),
      cmocka_unit_test(stop_gives_up_after_the_exit_timeout),
      cmocka_unit_test(traces_get_the_request_timestamps),
      cmocka_unit_test(responses_name_classification_labels),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
