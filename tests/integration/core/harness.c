/* harness.c — the shared helpers of the core integration tests (see harness.h). Only
 * the public tritonserver.h API is used, exactly as an embedding program would. */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

uint64_t now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- repositories ------------------------------------------------------------------ */

char *repo_create(void)
{
  char *path = strdup("/tmp/torchd_it_XXXXXX");
  assert_non_null(path);
  if (mkdtemp(path) == NULL)
    fail_msg("mkdtemp failed: %s", strerror(errno));
  return path;
}

static void make_dir(const char *path)
{
  if (mkdir(path, 0755) != 0 && errno != EEXIST)
    fail_msg("mkdir %s failed: %s", path, strerror(errno));
}

void repo_add_model(const char *repo, const char *model, const char *config, const int *versions,
                    size_t version_count)
{
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s", repo, model);
  make_dir(path);
  for (size_t i = 0; i < version_count; i++) {
    snprintf(path, sizeof(path), "%s/%s/%d", repo, model, versions[i]);
    make_dir(path);
  }
  snprintf(path, sizeof(path), "%s/%s/config.pbtxt", repo, model);
  FILE *file = fopen(path, "w");
  if (file == NULL)
    fail_msg("cannot write %s: %s", path, strerror(errno));
  fputs(config, file);
  fclose(file);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

void repo_remove_tree(const char *path)
{
  nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- server ------------------------------------------------------------------------ */

void check_ok(TRITONSERVER_Error *error, const char *what)
{
  if (error != NULL) {
    char message[1024];
    snprintf(message, sizeof(message), "%s failed: %s: %s", what,
             TRITONSERVER_ErrorCodeString(error), TRITONSERVER_ErrorMessage(error));
    TRITONSERVER_ErrorDelete(error);
    fail_msg("%s", message);
  }
}

void check_error(TRITONSERVER_Error *error, TRITONSERVER_Error_Code code, const char *fragment)
{
  if (error == NULL)
    fail_msg("expected an error (code %d, containing '%s'), got success", (int)code,
             fragment ? fragment : "");
  TRITONSERVER_Error_Code got = TRITONSERVER_ErrorCode(error);
  const char *message = TRITONSERVER_ErrorMessage(error);
  bool ok =
      ((int)code < 0 || got == code) && (fragment == NULL || strstr(message, fragment) != NULL);
  if (!ok) {
    char text[1024];
    snprintf(text, sizeof(text), "expected code %d containing '%s', got code %d: '%s'", (int)code,
             fragment ? fragment : "", (int)got, message);
    TRITONSERVER_ErrorDelete(error);
    fail_msg("%s", text);
  }
  TRITONSERVER_ErrorDelete(error);
}

TRITONSERVER_ServerOptions *server_options(const char *repo, TRITONSERVER_ModelControlMode mode)
{
  TRITONSERVER_ServerOptions *options = NULL;
  check_ok(TRITONSERVER_ServerOptionsNew(&options), "ServerOptionsNew");
  check_ok(TRITONSERVER_ServerOptionsSetModelRepositoryPath(options, repo), "repository path");
  check_ok(TRITONSERVER_ServerOptionsSetModelControlMode(options, mode), "control mode");
  check_ok(TRITONSERVER_ServerOptionsSetBackendDirectory(options, TORCHD_BACKEND_DIR),
           "backend directory");
  check_ok(TRITONSERVER_ServerOptionsSetExitOnError(options, false), "exit on error");
  check_ok(TRITONSERVER_ServerOptionsSetStrictModelConfig(options, true), "strict config");
  check_ok(TRITONSERVER_ServerOptionsSetExitTimeout(options, 10), "exit timeout");
  check_ok(TRITONSERVER_ServerOptionsSetLogInfo(options, getenv("TORCHD_TEST_LOG") != NULL),
           "log info");
  return options;
}

TRITONSERVER_Server *server_start(TRITONSERVER_ServerOptions *options)
{
  TRITONSERVER_Server *server = NULL;
  check_ok(TRITONSERVER_ServerNew(&server, options), "ServerNew");
  assert_non_null(server);
  return server;
}

void server_stop(TRITONSERVER_Server *server)
{
  check_ok(TRITONSERVER_ServerStop(server), "ServerStop");
  check_ok(TRITONSERVER_ServerDelete(server), "ServerDelete");
}

TRITONSERVER_Server *server_with_model(char **repo, const char *model, const char *config)
{
  static const int version_one[] = {1};
  *repo = repo_create();
  repo_add_model(*repo, model, config, version_one, 1);
  TRITONSERVER_ServerOptions *options = server_options(*repo, TRITONSERVER_MODEL_CONTROL_NONE);
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  if (!model_ready(server, model, -1))
    fail_msg("model '%s' did not become ready", model);
  return server;
}

void server_finish(TRITONSERVER_Server *server, char *repo)
{
  server_stop(server);
  repo_remove_tree(repo);
  free(repo);
}

json_object *message_json(TRITONSERVER_Message *message)
{
  const char *base = NULL;
  size_t size = 0;
  check_ok(TRITONSERVER_MessageSerializeToJson(message, &base, &size), "MessageSerializeToJson");
  json_tokener *tokener = json_tokener_new();
  json_object *parsed = json_tokener_parse_ex(tokener, base, (int)size);
  json_tokener_free(tokener);
  if (parsed == NULL)
    fail_msg("message is not JSON: %.*s", (int)size, base);
  TRITONSERVER_MessageDelete(message);
  return parsed;
}

char *index_state(TRITONSERVER_Server *server, const char *model, const char *version)
{
  TRITONSERVER_Message *message = NULL;
  check_ok(TRITONSERVER_ServerModelIndex(server, 0, &message), "ServerModelIndex");
  json_object *index = message_json(message);
  assert_true(json_object_is_type(index, json_type_array));
  char *state = NULL;
  for (size_t i = 0; i < json_object_array_length(index) && state == NULL; i++) {
    json_object *entry = json_object_array_get_idx(index, i), *field;
    if (!json_object_object_get_ex(entry, "name", &field) ||
        strcmp(json_object_get_string(field), model) != 0)
      continue;
    if (version != NULL && (!json_object_object_get_ex(entry, "version", &field) ||
                            strcmp(json_object_get_string(field), version) != 0))
      continue;
    state = strdup(json_object_object_get_ex(entry, "state", &field) ? json_object_get_string(field)
                                                                     : "");
  }
  json_object_put(index);
  return state;
}

bool model_ready(TRITONSERVER_Server *server, const char *model, int64_t version)
{
  bool ready = false;
  TRITONSERVER_Error *error = TRITONSERVER_ServerModelIsReady(server, model, version, &ready);
  if (error != NULL) {
    TRITONSERVER_ErrorDelete(error);
    return false;
  }
  return ready;
}

/* ---- response allocator: plain malloc'ed CPU memory -------------------------------- */

static TRITONSERVER_Error *cpu_alloc(TRITONSERVER_ResponseAllocator *allocator,
                                     const char *tensor_name, size_t byte_size,
                                     TRITONSERVER_MemoryType memory_type, int64_t memory_type_id,
                                     void *userp, void **buffer, void **buffer_userp,
                                     TRITONSERVER_MemoryType *actual_memory_type,
                                     int64_t *actual_memory_type_id)
{
  (void)allocator;
  (void)tensor_name;
  (void)memory_type;
  (void)memory_type_id;
  (void)userp;
  *buffer = byte_size > 0 ? malloc(byte_size) : NULL;
  if (byte_size > 0 && *buffer == NULL)
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, "test allocator: out of memory");
  *buffer_userp = NULL;
  *actual_memory_type = TRITONSERVER_MEMORY_CPU;
  *actual_memory_type_id = 0;
  return NULL;
}

static TRITONSERVER_Error *cpu_release(TRITONSERVER_ResponseAllocator *allocator, void *buffer,
                                       void *buffer_userp, size_t byte_size,
                                       TRITONSERVER_MemoryType memory_type, int64_t memory_type_id)
{
  (void)allocator;
  (void)buffer_userp;
  (void)byte_size;
  (void)memory_type;
  (void)memory_type_id;
  free(buffer);
  return NULL;
}

static pthread_once_t allocator_once = PTHREAD_ONCE_INIT;
static TRITONSERVER_ResponseAllocator *malloc_allocator = NULL;

static void allocator_create(void)
{
  check_ok(TRITONSERVER_ResponseAllocatorNew(&malloc_allocator, cpu_alloc, cpu_release, NULL),
           "ResponseAllocatorNew");
}

/* ---- inference calls ---------------------------------------------------------------- */

static pthread_mutex_t sequence_lock = PTHREAD_MUTEX_INITIALIZER;
static int completion_sequence = 0;

static void on_release(TRITONSERVER_InferenceRequest *request, const uint32_t flags, void *userp)
{
  (void)request;
  infer_call *call = userp;
  pthread_mutex_lock(&call->lock);
  if (flags & TRITONSERVER_REQUEST_RELEASE_ALL)
    call->release_count++;
  pthread_cond_broadcast(&call->changed);
  pthread_mutex_unlock(&call->lock);
}

static void on_response(TRITONSERVER_InferenceResponse *response, const uint32_t flags, void *userp)
{
  infer_call *call = userp;
  pthread_mutex_lock(&call->lock);
  if (response != NULL) {
    call->response_count++;
    if (call->response != NULL)
      TRITONSERVER_InferenceResponseDelete(call->response);
    call->response = response;
    TRITONSERVER_Error *error = TRITONSERVER_InferenceResponseError(response);
    free(call->error_message);
    call->error_message = NULL;
    if (error != NULL) { /* owned by the response */
      call->error_code = TRITONSERVER_ErrorCode(error);
      call->error_message = strdup(TRITONSERVER_ErrorMessage(error));
    }
  }
  if (flags & TRITONSERVER_RESPONSE_COMPLETE_FINAL) {
    call->final_count++;
    call->completed_ns = now_ns();
    call->final_thread = pthread_self();
    pthread_mutex_lock(&sequence_lock);
    call->sequence = ++completion_sequence;
    pthread_mutex_unlock(&sequence_lock);
  }
  pthread_cond_broadcast(&call->changed);
  pthread_mutex_unlock(&call->lock);
}

infer_call *call_new(TRITONSERVER_Server *server, const char *model, int64_t version,
                     const char *id)
{
  pthread_once(&allocator_once, allocator_create);
  infer_call *call = calloc(1, sizeof(*call));
  assert_non_null(call);
  pthread_mutex_init(&call->lock, NULL);
  pthread_cond_init(&call->changed, NULL);
  check_ok(TRITONSERVER_InferenceRequestNew(&call->request, server, model, version),
           "InferenceRequestNew");
  if (id != NULL)
    check_ok(TRITONSERVER_InferenceRequestSetId(call->request, id), "InferenceRequestSetId");
  check_ok(TRITONSERVER_InferenceRequestSetReleaseCallback(call->request, on_release, call),
           "SetReleaseCallback");
  check_ok(TRITONSERVER_InferenceRequestSetResponseCallback(call->request, malloc_allocator, NULL,
                                                            on_response, call),
           "SetResponseCallback");
  return call;
}

void call_set_allocator(infer_call *call, TRITONSERVER_ResponseAllocator *allocator,
                        void *allocator_userp)
{
  check_ok(TRITONSERVER_InferenceRequestSetResponseCallback(call->request, allocator,
                                                            allocator_userp, on_response, call),
           "SetResponseCallback");
}

void call_add_input_split(infer_call *call, const char *name, TRITONSERVER_DataType datatype,
                          const int64_t *shape, uint64_t dims, const void *data, size_t byte_size,
                          int parts)
{
  check_ok(TRITONSERVER_InferenceRequestAddInput(call->request, name, datatype, shape, dims),
           "InferenceRequestAddInput");
  void *copy = malloc(byte_size > 0 ? byte_size : 1);
  assert_non_null(copy);
  if (byte_size > 0)
    memcpy(copy, data, byte_size);
  void **grown = realloc(call->input_copies, (call->input_copy_count + 1) * sizeof(void *));
  assert_non_null(grown);
  call->input_copies = grown;
  grown[call->input_copy_count++] = copy;
  size_t offset = 0;
  for (int part = 0; part < parts; part++) {
    size_t size = part == parts - 1 ? byte_size - offset : byte_size / (size_t)parts;
    check_ok(TRITONSERVER_InferenceRequestAppendInputData(
                 call->request, name, (char *)copy + offset, size, TRITONSERVER_MEMORY_CPU, 0),
             "InferenceRequestAppendInputData");
    offset += size;
  }
}

void call_add_input(infer_call *call, const char *name, TRITONSERVER_DataType datatype,
                    const int64_t *shape, uint64_t dims, const void *data, size_t byte_size)
{
  call_add_input_split(call, name, datatype, shape, dims, data, byte_size, 1);
}

void call_send(TRITONSERVER_Server *server, infer_call *call)
{
  TRITONSERVER_Error *error = TRITONSERVER_ServerInferAsync(server, call->request, NULL);
  if (error != NULL) {
    /* On a synchronous error the caller keeps the request and no callback runs. */
    pthread_mutex_lock(&call->lock);
    call->sync_error = true;
    call->error_code = TRITONSERVER_ErrorCode(error);
    call->error_message = strdup(TRITONSERVER_ErrorMessage(error));
    pthread_mutex_lock(&sequence_lock);
    call->sequence = ++completion_sequence;
    pthread_mutex_unlock(&sequence_lock);
    call->completed_ns = now_ns();
    pthread_mutex_unlock(&call->lock);
    TRITONSERVER_ErrorDelete(error);
  }
}

void call_wait(infer_call *call, int timeout_ms)
{
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += timeout_ms / 1000;
  deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (deadline.tv_nsec >= 1000000000L) {
    deadline.tv_sec++;
    deadline.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&call->lock);
  while (!call->sync_error && (call->final_count == 0 || call->release_count == 0)) {
    if (pthread_cond_timedwait(&call->changed, &call->lock, &deadline) == ETIMEDOUT) {
      int finals = call->final_count, releases = call->release_count;
      pthread_mutex_unlock(&call->lock);
      fail_msg("inference did not complete within %d ms (final responses %d, releases %d)",
               timeout_ms, finals, releases);
    }
  }
  pthread_mutex_unlock(&call->lock);
}

void call_run(TRITONSERVER_Server *server, infer_call *call)
{
  call_send(server, call);
  call_wait(call, 10000);
}

void call_free(infer_call *call)
{
  if (call == NULL)
    return;
  if (call->response != NULL)
    TRITONSERVER_InferenceResponseDelete(call->response);
  TRITONSERVER_InferenceRequestDelete(call->request);
  for (size_t i = 0; i < call->input_copy_count; i++)
    free(call->input_copies[i]);
  free(call->input_copies);
  free(call->error_message);
  pthread_mutex_destroy(&call->lock);
  pthread_cond_destroy(&call->changed);
  free(call);
}

void call_reset(infer_call *call)
{
  pthread_mutex_lock(&call->lock);
  if (call->response != NULL)
    TRITONSERVER_InferenceResponseDelete(call->response);
  call->response = NULL;
  free(call->error_message);
  call->error_message = NULL;
  call->response_count = call->final_count = call->release_count = 0;
  call->sync_error = false;
  pthread_mutex_unlock(&call->lock);
}

void check_call_ok(infer_call *call)
{
  if (call->error_message != NULL)
    fail_msg("inference failed (%s, code %d): %s", call->sync_error ? "at send" : "in response",
             (int)call->error_code, call->error_message);
  assert_int_equal(call->final_count, 1);
  assert_int_equal(call->release_count, 1);
  assert_non_null(call->response);
}

tensor_view call_tensor(infer_call *call, const char *name)
{
  assert_non_null(call->response);
  uint32_t count = 0;
  check_ok(TRITONSERVER_InferenceResponseOutputCount(call->response, &count), "OutputCount");
  for (uint32_t i = 0; i < count; i++) {
    tensor_view view;
    const char *output_name = NULL;
    TRITONSERVER_MemoryType memory_type;
    int64_t memory_type_id;
    void *userp;
    check_ok(TRITONSERVER_InferenceResponseOutput(
                 call->response, i, &output_name, &view.datatype, &view.shape, &view.dims,
                 &view.base, &view.byte_size, &memory_type, &memory_type_id, &userp),
             "InferenceResponseOutput");
    if (strcmp(output_name, name) == 0) {
      assert_int_equal(memory_type, TRITONSERVER_MEMORY_CPU);
      return view;
    }
  }
  fail_msg("response has no output '%s' (%u outputs)", name, count);
  return (tensor_view){0};
}

bool call_parameter(infer_call *call, const char *name, TRITONSERVER_ParameterType *type,
                    const void **value)
{
  assert_non_null(call->response);
  uint32_t count = 0;
  check_ok(TRITONSERVER_InferenceResponseParameterCount(call->response, &count), "ParameterCount");
  for (uint32_t i = 0; i < count; i++) {
    const char *parameter_name = NULL;
    check_ok(
        TRITONSERVER_InferenceResponseParameter(call->response, i, &parameter_name, type, value),
        "InferenceResponseParameter");
    if (strcmp(parameter_name, name) == 0)
      return true;
  }
  return false;
}

int64_t call_int_parameter(infer_call *call, const char *name)
{
  TRITONSERVER_ParameterType type;
  const void *value = NULL;
  if (!call_parameter(call, name, &type, &value))
    fail_msg("response has no parameter '%s'", name);
  assert_int_equal(type, TRITONSERVER_PARAMETER_INT);
  return *(const int64_t *)value;
}

const char *call_string_parameter(infer_call *call, const char *name)
{
  TRITONSERVER_ParameterType type;
  const void *value = NULL;
  if (!call_parameter(call, name, &type, &value))
    return NULL;
  assert_int_equal(type, TRITONSERVER_PARAMETER_STRING);
  return value;
}
