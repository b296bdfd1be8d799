/* identity_backend.c — the entry points of libtriton_identity.so, a small C backend
 * that lets the core be tested without LibTorch. It is built only against the public
 * tritonbackend.h and linked to libtritonserver.so exactly like a Triton backend.
 * Its settings are model parameters, listed in identity_model.h.
 *
 * Per execute it sleeps once (execute_delay_ms, or longer if a request asks), then
 * answers every request: one FINAL response (outputs from identity_compute, or the
 * error a parameter asks for), or for decoupled models decoupled_repeat responses
 * through a response factory followed by the FINAL flag alone. Responses carry the
 * parameters "batch_size" (summed batch of this execute), "request_count" (requests in
 * this execute), "instance" (instance name) and "instance_execution" (1 for the
 * instance's first execute, counting warmup); on request, copies of the request's
 * parameters (echo_parameters) and of the backend config (echo_backend_config). It then
 * reports per-request and batch statistics and releases every request. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "identity_compute.h"
#include "identity_model.h"
#include "triton/core/tritonbackend.h"

static uint64_t now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(uint64_t milliseconds)
{
  struct timespec ts = {.tv_sec = (time_t)(milliseconds / 1000),
                        .tv_nsec = (long)(milliseconds % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

/* Fails unless the host speaks our backend API major version with at least our minor. */
TRITONSERVER_Error *TRITONBACKEND_Initialize(TRITONBACKEND_Backend *backend)
{
  (void)backend;
  uint32_t major = 0, minor = 0;
  TRITONSERVER_Error *error = TRITONBACKEND_ApiVersion(&major, &minor);
  if (error != NULL)
    return error;
  if (major != TRITONBACKEND_API_VERSION_MAJOR || minor < TRITONBACKEND_API_VERSION_MINOR)
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_UNSUPPORTED,
                                 "identity backend: triton backend API version does not support "
                                 "this backend");
  return NULL;
}

/* fail_first_loads: how many loads each model name has been refused so far (a small
 * process-wide table; names past its size are never refused). */
enum { REFUSED_SLOTS = 64 };
static pthread_mutex_t refused_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  char name[128];
  uint64_t count;
} refused[REFUSED_SLOTS];

/* True when this load of `name` is one of its first `limit` loads (and counts it). */
static bool refuse_this_load(const char *name, uint64_t limit)
{
  bool refuse = false;
  pthread_mutex_lock(&refused_lock);
  for (size_t i = 0; i < REFUSED_SLOTS; i++) {
    if (refused[i].name[0] == '\0' && strlen(name) < sizeof(refused[i].name))
      snprintf(refused[i].name, sizeof(refused[i].name), "%s", name);
    if (strcmp(refused[i].name, name) == 0) {
      refuse = refused[i].count < limit;
      if (refuse)
        refused[i].count++;
      break;
    }
  }
  pthread_mutex_unlock(&refused_lock);
  return refuse;
}

/* Reads the model's settings into its state (owned by the backend until ModelFinalize). */
TRITONSERVER_Error *TRITONBACKEND_ModelInitialize(TRITONBACKEND_Model *model)
{
  identity_model *settings = NULL;
  TRITONSERVER_Error *error = identity_model_new(model, &settings);
  if (error != NULL)
    return error;
  if (settings->fail_load) {
    identity_model_free(settings);
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INVALID_ARG,
                                 "identity backend: model load failed as asked by parameter "
                                 "fail_load");
  }
  if (settings->fail_first_loads > 0 &&
      refuse_this_load(settings->name, settings->fail_first_loads)) {
    identity_model_free(settings);
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_UNAVAILABLE,
                                 "identity backend: model load failed as asked by parameter "
                                 "fail_first_loads");
  }
  error = TRITONBACKEND_ModelSetState(model, settings);
  if (error != NULL)
    identity_model_free(settings);
  return error;
}

TRITONSERVER_Error *TRITONBACKEND_ModelFinalize(TRITONBACKEND_Model *model)
{
  void *state = NULL;
  TRITONSERVER_Error *error = TRITONBACKEND_ModelState(model, &state);
  if (error != NULL)
    return error;
  identity_model_free(state);
  return NULL;
}

/* An instance's state is the number of executes it has run (only its own thread runs
 * them, so no lock is needed); the model's settings are shared read-only. */
TRITONSERVER_Error *TRITONBACKEND_ModelInstanceInitialize(TRITONBACKEND_ModelInstance *instance)
{
  uint64_t *executions = calloc(1, sizeof(*executions));
  if (executions == NULL)
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, "identity backend: out of memory");
  TRITONSERVER_Error *error = TRITONBACKEND_ModelInstanceSetState(instance, executions);
  if (error != NULL)
    free(executions);
  return error;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceFinalize(TRITONBACKEND_ModelInstance *instance)
{
  void *executions = NULL;
  TRITONSERVER_Error *error = TRITONBACKEND_ModelInstanceState(instance, &executions);
  free(executions);
  return error;
}

/* The batch size a request contributes: shape[0] of its first input when the model
 * batches, else 1. */
static uint64_t request_batch_size(const identity_model *model, TRITONBACKEND_Request *request)
{
  if (model->max_batch_size <= 0)
    return 1;
  TRITONBACKEND_Input *input = NULL;
  const int64_t *shape = NULL;
  uint32_t dims_count = 0;
  TRITONSERVER_Error *error = TRITONBACKEND_RequestInputByIndex(request, 0, &input);
  if (error == NULL)
    error = TRITONBACKEND_InputProperties(input, NULL, NULL, &shape, &dims_count, NULL, NULL);
  if (error != NULL) {
    TRITONSERVER_ErrorDelete(error);
    return 1;
  }
  return dims_count > 0 && shape[0] > 0 ? (uint64_t)shape[0] : 1;
}

/* Returns the INT request parameter "execute_delay_ms" of 'request', or 0. */
static uint64_t requested_delay_ms(TRITONBACKEND_Request *request)
{
  uint32_t count = 0;
  TRITONSERVER_Error *error = TRITONBACKEND_RequestParameterCount(request, &count);
  uint64_t delay = 0;
  for (uint32_t i = 0; error == NULL && i < count; i++) {
    const char *key = NULL;
    TRITONSERVER_ParameterType type;
    const void *value = NULL;
    error = TRITONBACKEND_RequestParameter(request, i, &key, &type, &value);
    if (error == NULL && type == TRITONSERVER_PARAMETER_INT &&
        strcmp(key, "execute_delay_ms") == 0 && *(const int64_t *)value > 0)
      delay = (uint64_t) * (const int64_t *)value;
  }
  TRITONSERVER_ErrorDelete(error);
  return delay;
}

/* Returns the error a model parameter asks this request to fail with, or NULL. */
static TRITONSERVER_Error *requested_error(const identity_model *model,
                                           TRITONBACKEND_Request *request)
{
  if (model->error_all)
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL,
                                 "identity backend: request failed as asked by parameter "
                                 "error_all");
  if (model->error_request_id == NULL)
    return NULL;
  const char *id = NULL;
  TRITONSERVER_Error *error = TRITONBACKEND_RequestId(request, &id);
  if (error != NULL)
    return error;
  if (id != NULL && strcmp(id, model->error_request_id) == 0)
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL,
                                 "identity backend: request failed as asked by parameter "
                                 "error_request_id");
  return NULL;
}

/* Copies every request parameter into the response (same name, type and value). */
static TRITONSERVER_Error *echo_parameters(TRITONBACKEND_Request *request,
                                           TRITONBACKEND_Response *response)
{
  uint32_t count = 0;
  TRITONSERVER_Error *error = TRITONBACKEND_RequestParameterCount(request, &count);
  for (uint32_t i = 0; error == NULL && i < count; i++) {
    const char *key = NULL;
    TRITONSERVER_ParameterType type;
    const void *value = NULL;
    error = TRITONBACKEND_RequestParameter(request, i, &key, &type, &value);
    if (error != NULL)
      break;
    switch (type) {
    case TRITONSERVER_PARAMETER_STRING:
      error = TRITONBACKEND_ResponseSetStringParameter(response, key, (const char *)value);
      break;
    case TRITONSERVER_PARAMETER_INT:
      error = TRITONBACKEND_ResponseSetIntParameter(response, key, *(const int64_t *)value);
      break;
    case TRITONSERVER_PARAMETER_BOOL:
      error = TRITONBACKEND_ResponseSetBoolParameter(response, key, *(const bool *)value);
      break;
    case TRITONSERVER_PARAMETER_DOUBLE:
      error = TRITONBACKEND_ResponseSetDoubleParameter(response, key, *(const double *)value);
      break;
    default: break; /* BYTES parameters have no response form */
    }
  }
  return error;
}

/* Decoupled models: sends decoupled_repeat responses through a response factory, then
 * the FINAL flag alone. Returns true when every send succeeded. */
static bool respond_decoupled(const identity_model *model, TRITONBACKEND_Request *request)
{
  TRITONBACKEND_ResponseFactory *factory = NULL;
  TRITONSERVER_Error *error = TRITONBACKEND_ResponseFactoryNew(&factory, request);
  if (error != NULL) {
    TRITONSERVER_ErrorDelete(error);
    return false;
  }
  bool success = true;
  for (uint64_t k = 0; k < model->decoupled_repeat && success; k++) {
    TRITONBACKEND_Response *response = NULL;
    error = TRITONBACKEND_ResponseNewFromFactory(&response, factory);
    if (error != NULL) {
      TRITONSERVER_ErrorDelete(error);
      success = false;
      break;
    }
    TRITONSERVER_Error *result = requested_error(model, request);
    if (result == NULL)
      result = identity_compute(model, request, response);
    TRITONSERVER_ErrorDelete(
        TRITONBACKEND_ResponseSetIntParameter(response, "response_index", (int64_t)k));
    TRITONSERVER_Error *send_error = TRITONBACKEND_ResponseSend(response, 0, result);
    success = result == NULL && send_error == NULL;
    TRITONSERVER_ErrorDelete(result); /* the caller of ResponseSend keeps its error */
    TRITONSERVER_ErrorDelete(send_error);
  }
  error = TRITONBACKEND_ResponseFactorySendFlags(factory, TRITONSERVER_RESPONSE_COMPLETE_FINAL);
  success = success && error == NULL;
  TRITONSERVER_ErrorDelete(error);
  TRITONSERVER_ErrorDelete(TRITONBACKEND_ResponseFactoryDelete(factory));
  return success;
}

/* Builds and sends the one response of 'request'. Returns true when it succeeded. */
static bool respond(const identity_model *model, const char *instance_name, uint64_t execution,
                    const char *backend_config, TRITONBACKEND_Request *request, uint64_t batch_size,
                    uint32_t request_count)
{
  TRITONBACKEND_Response *response = NULL;
  TRITONSERVER_Error *error = TRITONBACKEND_ResponseNew(&response, request);
  if (error != NULL) {
    /* No response object: nothing to send. The host answers a released request that
     * got no final response with an error itself. */
    TRITONSERVER_ErrorDelete(error);
    return false;
  }
  error = requested_error(model, request);
  if (error == NULL)
    error = identity_compute(model, request, response);
  if (error == NULL && model->echo_parameters)
    error = echo_parameters(request, response);
  /* Parameters tell tests how the request was batched and where it ran. */
  TRITONSERVER_Error *parameter_error =
      TRITONBACKEND_ResponseSetIntParameter(response, "batch_size", (int64_t)batch_size);
  if (parameter_error == NULL)
    parameter_error =
        TRITONBACKEND_ResponseSetIntParameter(response, "request_count", (int64_t)request_count);
  if (parameter_error == NULL && instance_name != NULL)
    parameter_error = TRITONBACKEND_ResponseSetStringParameter(response, "instance", instance_name);
  if (parameter_error == NULL)
    parameter_error =
        TRITONBACKEND_ResponseSetIntParameter(response, "instance_execution", (int64_t)execution);
  if (parameter_error == NULL && backend_config != NULL)
    parameter_error =
        TRITONBACKEND_ResponseSetStringParameter(response, "backend_config", backend_config);
  TRITONSERVER_ErrorDelete(parameter_error);

  bool success = error == NULL;
  TRITONSERVER_Error *send_error =
      TRITONBACKEND_ResponseSend(response, TRITONSERVER_RESPONSE_COMPLETE_FINAL, error);
  TRITONSERVER_ErrorDelete(error); /* the caller of ResponseSend keeps its error */
  if (send_error != NULL) {
    TRITONSERVER_ErrorDelete(send_error);
    success = false;
  }
  return success;
}

/* Returns the backend config JSON of the model's backend (owned by the host, valid
 * while the backend lives), or NULL with the error deleted when it is unavailable. */
static const char *backend_config_json(TRITONBACKEND_Model *model)
{
  TRITONBACKEND_Backend *backend = NULL;
  TRITONSERVER_Message *config = NULL;
  const char *json = NULL;
  size_t size = 0;
  TRITONSERVER_Error *error = TRITONBACKEND_ModelBackend(model, &backend);
  if (error == NULL)
    error = TRITONBACKEND_BackendConfig(backend, &config); /* borrowed */
  if (error == NULL)
    error = TRITONSERVER_MessageSerializeToJson(config, &json, &size);
  TRITONSERVER_ErrorDelete(error);
  return error == NULL ? json : NULL;
}

/* Answers every request, reports statistics and releases the requests; always returns
 * NULL, so the backend owns (and releases) every request. */
TRITONSERVER_Error *TRITONBACKEND_ModelInstanceExecute(TRITONBACKEND_ModelInstance *instance,
                                                       TRITONBACKEND_Request **requests,
                                                       const uint32_t request_count)
{
  uint64_t exec_start = now_ns();
  TRITONBACKEND_Model *model_handle = NULL;
  void *state = NULL;
  const char *instance_name = NULL;
  TRITONSERVER_Error *error = TRITONBACKEND_ModelInstanceModel(instance, &model_handle);
  if (error == NULL)
    error = TRITONBACKEND_ModelState(model_handle, &state);
  if (error == NULL && state == NULL)
    error = TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL,
                                  "identity backend: model state is missing");
  if (error != NULL)
    return error; /* the host still owns the requests and answers them */
  const identity_model *model = state;
  TRITONSERVER_Error *name_error = TRITONBACKEND_ModelInstanceName(instance, &instance_name);
  TRITONSERVER_ErrorDelete(name_error);
  void *instance_state = NULL;
  TRITONSERVER_Error *state_error = TRITONBACKEND_ModelInstanceState(instance, &instance_state);
  TRITONSERVER_ErrorDelete(state_error);
  uint64_t execution = 0;
  if (instance_state != NULL)
    execution = ++*(uint64_t *)instance_state;

  const char *backend_config =
      model->echo_backend_config ? backend_config_json(model_handle) : NULL;
  uint64_t total_batch = 0, delay_ms = model->execute_delay_ms;
  for (uint32_t i = 0; i < request_count; i++) {
    total_batch += request_batch_size(model, requests[i]);
    uint64_t asked = requested_delay_ms(requests[i]);
    delay_ms = asked > delay_ms ? asked : delay_ms;
  }

  uint64_t compute_start = now_ns();
  if (delay_ms > 0)
    sleep_ms(delay_ms);
  bool *succeeded = calloc(request_count > 0 ? request_count : 1, sizeof(bool));
  for (uint32_t i = 0; i < request_count; i++) {
    bool ok = model->decoupled ? respond_decoupled(model, requests[i])
                               : respond(model, instance_name, execution, backend_config,
                                         requests[i], total_batch, request_count);
    if (succeeded != NULL)
      succeeded[i] = ok;
  }
  uint64_t compute_end = now_ns();

  /* All statistics are reported before any request is released, so a client that
   * sees its request released also sees the statistics of its execution. */
  uint64_t exec_end = now_ns();
  for (uint32_t i = 0; i < request_count; i++) {
    bool ok = succeeded != NULL && succeeded[i];
    TRITONSERVER_ErrorDelete(TRITONBACKEND_ModelInstanceReportStatistics(
        instance, requests[i], ok, exec_start, compute_start, compute_end, exec_end));
  }
  TRITONSERVER_ErrorDelete(TRITONBACKEND_ModelInstanceReportBatchStatistics(
      instance, total_batch, exec_start, compute_start, compute_end, exec_end));
  for (uint32_t i = 0; i < request_count; i++)
    TRITONSERVER_ErrorDelete(
        TRITONBACKEND_RequestRelease(requests[i], TRITONSERVER_REQUEST_RELEASE_ALL));
  free(succeeded);
  return NULL;
}
