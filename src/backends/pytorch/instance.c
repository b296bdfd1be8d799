/*
 * instance.c: TRITONBACKEND_ModelInstanceInitialize's work (see instance.h): the fields
 * every runtime shares (name, kind, device), then the model's runtime loads what the
 * instance runs (runtime.h). Also the positional feed table of the AOTI and Python
 * runtimes, and the choice of runtime.
 */
#include "instance.h"

#include <stdlib.h>
#include <string.h>

#include "backend_util.h"
#include "runtime.h"

const pt_runtime *pt_runtime_select(const char *platform, const char *runtime) {
  if (platform != NULL && strcmp(platform, "torch_aoti") == 0) return &pt_aoti_runtime;
  if (runtime != NULL && strcmp(runtime, "model.py") == 0) return &pt_python_runtime;
  return &pt_torchscript_runtime;
}

TRITONSERVER_Error *pt_instance_positional_io(pt_instance_state *state) {
  const pt_model_config *config = &state->model->config;
  size_t inputs = config->input_count, outputs = config->output_count;
  state->feeds = calloc(inputs + 1, sizeof(pt_io_config));
  state->feed_slots = calloc(inputs + 1, sizeof(int));
  state->arg_takes_default = calloc(inputs + 1, sizeof(bool));
  state->batch_input_slots = calloc(1, sizeof(int));
  state->output_indices = calloc(outputs + 1, sizeof(int));
  state->state_output_indices = calloc(1, sizeof(int));
  if (state->feeds == NULL || state->feed_slots == NULL || state->arg_takes_default == NULL ||
      state->batch_input_slots == NULL || state->output_indices == NULL ||
      state->state_output_indices == NULL)
    return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  for (size_t i = 0; i < inputs; ++i) {
    state->feeds[i] = config->inputs[i]; /* borrows the names */
    state->feed_slots[i] = (int)i;
  }
  for (size_t i = 0; i < outputs; ++i) state->output_indices[i] = (int)i;
  state->feed_count = inputs;
  state->arg_count = inputs;
  return NULL;
}

TRITONSERVER_Error *pt_instance_state_create(pt_model_state *model,
                                             TRITONBACKEND_ModelInstance *instance,
                                             pt_instance_state **state_out) {
  *state_out = NULL;
  pt_instance_state *state = calloc(1, sizeof(*state));
  if (state == NULL) return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  state->model = model;
  state->instance = instance;
  const char *name = NULL;
  int32_t device_id = 0;
  TRITONSERVER_Error *error = TRITONBACKEND_ModelInstanceName(instance, &name);
  if (error == NULL) error = TRITONBACKEND_ModelInstanceKind(instance, &state->kind);
  if (error == NULL) error = TRITONBACKEND_ModelInstanceDeviceId(instance, &device_id);
  if (error == NULL) {
    state->name = strdup(name);
    state->device_id = device_id;
    if (state->kind == TRITONSERVER_INSTANCEGROUPKIND_GPU && ts_cuda_device_count() == 0)
      error = pt_triton_error(TRITONSERVER_ERROR_UNSUPPORTED,
                              "instance '%s' of model '%s' is KIND_GPU, but LibTorch sees no "
                              "CUDA device",
                              name, model->name);
  }
  if (error == NULL) error = model->runtime->instance_load(state);
  if (error != NULL) {
    pt_instance_state_delete(state);
    return error;
  }
  *state_out = state;
  return NULL;
}

void pt_instance_state_delete(pt_instance_state *state) {
  if (state == NULL) return;
  state->model->runtime->instance_free(state);
  free(state->arg_takes_default);
  free(state->feeds);
  free(state->feed_slots);
  free(state->batch_input_slots);
  free(state->output_indices);
  free(state->state_output_indices);
  free(state->name);
  free(state);
}
