/*
 * backend.c: the exported TRITONBACKEND_* entry points of libtriton_pytorch.so
 * (pytorch-backend.md §9). Each one checks the API version or hands off to model.c,
 * instance.c or execute.c; nothing else lives here.
 */
#include <stdlib.h>

#include "backend_util.h"
#include "execute.h"
#include "instance.h"
#include "model.h"
#include "triton/core/tritonbackend.h"

TRITONSERVER_Error *TRITONBACKEND_Initialize(TRITONBACKEND_Backend *backend) {
  const char *name = NULL;
  TRITONSERVER_Error *error = TRITONBACKEND_BackendName(backend, &name);
  if (error != NULL) return error;
  PT_LOG_INFO("TRITONBACKEND_Initialize: %s", name);
  uint32_t major = 0, minor = 0;
  error = TRITONBACKEND_ApiVersion(&major, &minor);
  if (error != NULL) return error;
  if (major != TRITONBACKEND_API_VERSION_MAJOR || minor < TRITONBACKEND_API_VERSION_MINOR)
    return pt_triton_error(TRITONSERVER_ERROR_UNSUPPORTED,
                           "Triton TRITONBACKEND API version: %u.%u does not support \"%s\" "
                           "TRITONBACKEND API version: %d.%d",
                           major, minor, name, TRITONBACKEND_API_VERSION_MAJOR,
                           TRITONBACKEND_API_VERSION_MINOR);
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInitialize(TRITONBACKEND_Model *model) {
  pt_model_state *state = NULL;
  TRITONSERVER_Error *error = pt_model_state_create(model, &state);
  if (error == NULL) error = TRITONBACKEND_ModelSetState(model, state);
  if (error != NULL) pt_model_state_delete(state);
  return error;
}

TRITONSERVER_Error *TRITONBACKEND_ModelFinalize(TRITONBACKEND_Model *model) {
  void *state = NULL;
  TRITONSERVER_Error *error = TRITONBACKEND_ModelState(model, &state);
  if (error != NULL) return error;
  pt_model_state *model_state = state;
  if (model_state != NULL)
    PT_LOG_INFO("TRITONBACKEND_ModelFinalize: model state for model \"%s\" version %llu deleted.",
                model_state->name, (unsigned long long)model_state->version);
  pt_model_state_delete(model_state);
  return TRITONBACKEND_ModelSetState(model, NULL);
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceInitialize(TRITONBACKEND_ModelInstance *instance) {
  TRITONBACKEND_Model *model = NULL;
  void *model_state = NULL;
  TRITONSERVER_Error *error = TRITONBACKEND_ModelInstanceModel(instance, &model);
  if (error == NULL) error = TRITONBACKEND_ModelState(model, &model_state);
  if (error == NULL && model_state == NULL)
    error = pt_triton_error(TRITONSERVER_ERROR_INTERNAL,
                            "model state missing when initializing a PyTorch model instance");
  pt_instance_state *state = NULL;
  if (error == NULL) error = pt_instance_state_create(model_state, instance, &state);
  if (error == NULL) error = TRITONBACKEND_ModelInstanceSetState(instance, state);
  if (error != NULL) pt_instance_state_delete(state);
  return error;
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceFinalize(TRITONBACKEND_ModelInstance *instance) {
  void *state = NULL;
  TRITONSERVER_Error *error = TRITONBACKEND_ModelInstanceState(instance, &state);
  if (error != NULL) return error;
  pt_instance_state *instance_state = state;
  if (instance_state != NULL)
    PT_LOG_INFO("TRITONBACKEND_ModelInstanceFinalize: model instance state for model \"%s\" "
                "version %llu deleted.",
                instance_state->model->name,
                (unsigned long long)instance_state->model->version);
  pt_instance_state_delete(instance_state);
  return TRITONBACKEND_ModelInstanceSetState(instance, NULL);
}

TRITONSERVER_Error *TRITONBACKEND_ModelInstanceExecute(TRITONBACKEND_ModelInstance *instance,
                                                       TRITONBACKEND_Request **requests,
                                                       const uint32_t request_count) {
  void *state = NULL;
  TRITONSERVER_Error *error = TRITONBACKEND_ModelInstanceState(instance, &state);
  if (error != NULL) return error;
  if (state == NULL)
    return pt_triton_error(TRITONSERVER_ERROR_INTERNAL,
                           "PyTorch model instance executed before it was initialized");
  return pt_execute(state, requests, request_count);
}
