/* model_api.c — the backend-facing accessors of models and instances:
 * TRITONBACKEND_Model* and TRITONBACKEND_ModelInstance*, including statistics reports.
 * TRITONBACKEND_ModelConfig returns a NEW message (caller deletes) holding the §3.4
 * JSON; ModelSetConfig is accepted only inside ModelInitialize; the instance host-policy
 * message is borrowed. */
#include <stdlib.h>
#include <string.h>

#include "backend_loader.h"
#include "core_util.h"
#include "message.h"
#include "model.h"
#include "request.h"
#include "server.h"
#include "trace.h"

TRITONSERVER_Error *TRITONBACKEND_ModelName(TRITONBACKEND_Model *model, const char **name)
{
  UTIL_CHECK_ARG(model && name, "non-NULL model and name");
  *name = model->name;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelVersion(TRITONBACKEND_Model *model, uint64_t *version)
{
  UTIL_CHECK_ARG(model && version, "non-NULL model and version");
  *version = model->version;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelRepository(TRITONBACKEND_Model *model,
                                                   TRITONBACKEND_ArtifactType *artifact_type,
                                                   const char **location)
{
  UTIL_CHECK_ARG(model && artifact_type && location, "non-NULL model, artifact type and location");
  *artifact_type = TRITONBACKEND_ARTIFACT_FILESYSTEM;
  *location = model->model_dir;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelConfig(TRITONBACKEND_Model *model,
                                               const uint32_t config_version,
                                               TRITONSERVER_Message **model_config)
{
  UTIL_CHECK_ARG(model && model_config, "non-NULL model and config out-pointer");
  if (config_version != 1)
    return util_errorf(TRITONSERVER_ERROR_UNSUPPORTED,
                       "model configuration version %u not supported, supported versions are: 1",
                       config_version);
  char *json = model_config_to_json(model->config);
  if (!json)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "unable to render the configuration of '%s'",
                       model->name);
  return message_new_take(model_config, json, strlen(json));
}

TRITONSERVER_Error *TRITONBACKEND_ModelAutoCompleteConfig(TRITONBACKEND_Model *model,
                                                           bool *auto_complete_config)
{
  UTIL_CHECK_ARG(model && auto_complete_config, "non-NULL model and flag");
  *auto_complete_config = model->auto_complete_config;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelSetConfig(TRITONBACKEND_Model *model,
                                                  const uint32_t config_version,
                                                  TRITONSERVER_Message *model_config)
{
  UTIL_CHECK_ARG(model && model_config, "non-NULL model and config");
  if (!model->in_initialize)
    return util_errorf(TRITONSERVER_ERROR_UNAVAILABLE,
                       "model config can only be updated during TRITONBACKEND_ModelInitialize "
                       "(model '%s')",
                       model->name);
  if (config_version != 1)
    return util_errorf(TRITONSERVER_ERROR_UNSUPPORTED,
                       "model configuration version %u not supported, supported versions are: 1",
                       config_version);
  const char *base = NULL;
  size_t size = 0;
  TRITONSERVER_Error *err = TRITONSERVER_MessageSerializeToJson(model_config, &base, &size);
  if (err)
    return err;
  ModelConfig *parsed = NULL;
  char *why = NULL;
  if (model_config_from_json(base, size, &parsed, &why) != 0) {
    err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                      "failed to parse the configuration set by the backend for model '%s': %s",
                      model->name, why ? why : "invalid JSON");
    free(why);
    return err;
  }
  err = model_normalize_and_validate(model, parsed);
  if (err) {
    model_config_free(parsed);
    return err;
  }
  model_config_free(model->config);
  model->config = parsed;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelServer(TRITONBACKEND_Model *model,
                                               TRITONSERVER_Server **server)
{
  UTIL_CHECK_ARG(model && server, "non-NULL model and server");
  *server = model->server;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelBackend(TRITONBACKEND_Model *model,
                                                TRITONBACKEND_Backend **backend)
{
  UTIL_CHECK_ARG(model && backend, "non-NULL model and backend");
  *backend = model->backend;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelState(TRITONBACKEND_Model *model, void **state)
{
  UTIL_CHECK_ARG(model && state, "non-NULL model and state");
  *state = model->state;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelSetState(TRITONBACKEND_Model *model, void *state)
{
  UTIL_CHECK_ARG(model, "non-NULL model");
  model->state = state;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelReportMemoryUsage(TRITONBACKEND_Model *model,
                                                          TRITONSERVER_BufferAttributes **usage,
                                                          uint32_t usage_size)
{
  UTIL_CHECK_ARG(model && (usage || usage_size == 0), "non-NULL model and usage");
  return NULL; /* accepted; memory usage is reported as [] in statistics */
}

/* ---- TRITONBACKEND_ModelInstance* ---- */

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceName(TRITONBACKEND_ModelInstance *instance,
                                                     const char **name)
{
  UTIL_CHECK_ARG(instance && name, "non-NULL instance and name");
  *name = instance->name;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceKind(TRITONBACKEND_ModelInstance *instance,
                                                     TRITONSERVER_InstanceGroupKind *kind)
{
  UTIL_CHECK_ARG(instance && kind, "non-NULL instance and kind");
  *kind = instance->kind;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceDeviceId(TRITONBACKEND_ModelInstance *instance,
                                                         int32_t *device_id)
{
  UTIL_CHECK_ARG(instance && device_id, "non-NULL instance and device id");
  *device_id = instance->device_id;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceHostPolicy(TRITONBACKEND_ModelInstance *instance,
                                                           TRITONSERVER_Message **host_policy)
{
  UTIL_CHECK_ARG(instance && host_policy, "non-NULL instance and host policy");
  *host_policy = instance->host_policy; /* borrowed */
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceIsPassive(TRITONBACKEND_ModelInstance *instance,
                                                          bool *is_passive)
{
  UTIL_CHECK_ARG(instance && is_passive, "non-NULL instance and flag");
  *is_passive = instance->passive;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceProfileCount(TRITONBACKEND_ModelInstance *instance,
                                                             uint32_t *count)
{
  UTIL_CHECK_ARG(instance && count, "non-NULL instance and count");
  *count = 0; /* profiles are TensorRT-only */
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceProfileName(TRITONBACKEND_ModelInstance *instance,
                                                            const uint32_t index,
                                                            const char **profile_name)
{
  UTIL_CHECK_ARG(instance && profile_name, "non-NULL instance and name");
  return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                     "out of bounds index %u: instance '%s' has 0 profiles", index, instance->name);
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceSecondaryDeviceCount(
    TRITONBACKEND_ModelInstance *instance, uint32_t *count)
{
  UTIL_CHECK_ARG(instance && count, "non-NULL instance and count");
  *count = 0;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceSecondaryDeviceProperties(
    TRITONBACKEND_ModelInstance *instance, uint32_t index, const char **kind, int64_t *id)
{
  UTIL_CHECK_ARG(instance && kind && id, "non-NULL instance, kind and id");
  return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                     "out of bounds index %u: instance '%s' has 0 secondary devices", index,
                     instance->name);
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceModel(TRITONBACKEND_ModelInstance *instance,
                                                      TRITONBACKEND_Model **model)
{
  UTIL_CHECK_ARG(instance && model, "non-NULL instance and model");
  *model = instance->model;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceState(TRITONBACKEND_ModelInstance *instance,
                                                      void **state)
{
  UTIL_CHECK_ARG(instance && state, "non-NULL instance and state");
  *state = instance->state;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceSetState(TRITONBACKEND_ModelInstance *instance,
                                                         void *state)
{
  UTIL_CHECK_ARG(instance, "non-NULL instance");
  instance->state = state;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceReportMemoryUsage(
    TRITONBACKEND_ModelInstance *instance, TRITONSERVER_BufferAttributes **usage,
    uint32_t usage_size)
{
  UTIL_CHECK_ARG(instance && (usage || usage_size == 0), "non-NULL instance and usage");
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceReportStatistics(
    TRITONBACKEND_ModelInstance *instance, TRITONBACKEND_Request *request, const bool success,
    const uint64_t exec_start_ns, const uint64_t compute_start_ns, const uint64_t compute_end_ns,
    const uint64_t exec_end_ns)
{
  UTIL_CHECK_ARG(instance && request, "non-NULL instance and request");
  TRITONSERVER_InferenceRequest *req = request_of(request);
  if (success && req->trace) {
    trace_activity(req->trace, TRITONSERVER_TRACE_COMPUTE_START, exec_start_ns);
    trace_activity(req->trace, TRITONSERVER_TRACE_COMPUTE_INPUT_END, compute_start_ns);
    trace_activity(req->trace, TRITONSERVER_TRACE_COMPUTE_OUTPUT_START, compute_end_ns);
    trace_activity(req->trace, TRITONSERVER_TRACE_COMPUTE_END, exec_end_ns);
  }
  stats_report_request(&instance->model->stats, success, req->batch_size, req->request_start_ns,
                       req->queue_start_ns, exec_start_ns, compute_start_ns, compute_end_ns,
                       exec_end_ns);
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceReportBatchStatistics(
    TRITONBACKEND_ModelInstance *instance, const uint64_t batch_size, const uint64_t exec_start_ns,
    const uint64_t compute_start_ns, const uint64_t compute_end_ns, const uint64_t exec_end_ns)
{
  UTIL_CHECK_ARG(instance, "non-NULL instance");
  stats_report_batch(&instance->model->stats, batch_size, exec_start_ns, compute_start_ns,
                     compute_end_ns, exec_end_ns);
  return NULL;
}

/* Per-response statistics (decoupled models): accepted and recorded in the object, but
 * "response_stats" stays {} in the statistics JSON. */
struct TRITONBACKEND_ModelInstanceResponseStatistics {
  TRITONBACKEND_ModelInstance *instance;
  TRITONBACKEND_ResponseFactory *factory;
  uint64_t response_start, compute_output_start, response_end;
  bool failed;
};

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceResponseStatisticsNew(
    TRITONBACKEND_ModelInstanceResponseStatistics **response_statistics)
{
  UTIL_CHECK_ARG(response_statistics, "non-NULL out-pointer");
  *response_statistics = calloc(1, sizeof(**response_statistics));
  return *response_statistics ? NULL : util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceResponseStatisticsDelete(
    TRITONBACKEND_ModelInstanceResponseStatistics *response_statistics)
{
  free(response_statistics);
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceResponseStatisticsSetModelInstance(
    TRITONBACKEND_ModelInstanceResponseStatistics *s, TRITONBACKEND_ModelInstance *model_instance)
{
  UTIL_CHECK_ARG(s, "non-NULL statistics");
  s->instance = model_instance;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceResponseStatisticsSetResponseFactory(
    TRITONBACKEND_ModelInstanceResponseStatistics *s, TRITONBACKEND_ResponseFactory *factory)
{
  UTIL_CHECK_ARG(s, "non-NULL statistics");
  s->factory = factory;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceResponseStatisticsSetResponseStart(
    TRITONBACKEND_ModelInstanceResponseStatistics *s, uint64_t response_start)
{
  UTIL_CHECK_ARG(s, "non-NULL statistics");
  s->response_start = response_start;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceResponseStatisticsSetComputeOutputStart(
    TRITONBACKEND_ModelInstanceResponseStatistics *s, uint64_t compute_output_start)
{
  UTIL_CHECK_ARG(s, "non-NULL statistics");
  s->compute_output_start = compute_output_start;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceResponseStatisticsSetResponseEnd(
    TRITONBACKEND_ModelInstanceResponseStatistics *s, uint64_t response_end)
{
  UTIL_CHECK_ARG(s, "non-NULL statistics");
  s->response_end = response_end;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceResponseStatisticsSetError(
    TRITONBACKEND_ModelInstanceResponseStatistics *s, TRITONSERVER_Error *error)
{
  UTIL_CHECK_ARG(s, "non-NULL statistics");
  s->failed = error != NULL;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceReportResponseStatistics(
    TRITONBACKEND_ModelInstanceResponseStatistics *s)
{
  UTIL_CHECK_ARG(s && s->instance, "statistics with a model instance set");
  return NULL;
}
