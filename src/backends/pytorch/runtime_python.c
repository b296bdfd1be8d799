/*
 * runtime_python.c: runtime "model.py" (runtime.h): an nn.Module from model.py (or a
 * TorchScript model.pt) run by CPython embedded in this library (python_shim.h,
 * python/torchd_pytorch_runtime.py). pytorch-backend.md §1.3, §8.
 *
 * The model version imports model.py once (an import error fails the load with the
 * exception and the model's traceback lines); each instance takes the module of its device
 * (one per device, shared by the instances: one copy of the weights), compiled with
 * torch.compile and warmed up with the config's shapes at its first load. Inputs are
 * gathered by the shared batch path into one buffer per input (config order = forward's
 * positional order) and handed to Python as DLPack tensors over those buffers; forward's
 * results are scattered by position from DLPack tensors read in place. A Python exception
 * fails that batch only. The LibTorch keys of `parameters` do not apply here; the Python
 * runtime reads NUM_THREADS, NUM_INTEROP_THREADS and TORCH_COMPILE_OPTIONAL_PARAMETERS.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

#include "backend_util.h"
#include "python_shim.h"
#include "runtime.h"

static TRITONSERVER_Error *model_load(pt_model_state *model) {
  char *version_dir = NULL;
  if (asprintf(&version_dir, "%s/%llu", model->repository,
               (unsigned long long)model->version) < 0)
    return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  PT_LOG_INFO("Initializing model instance for '%s'", model->name);
  const char *config_json =
      json_object_to_json_string_ext(model->config.root, JSON_C_TO_STRING_PLAIN);
  py_model *loaded = NULL;
  char *message = py_model_create(model->name, version_dir, config_json, &loaded);
  free(version_dir);
  if (message != NULL) {
    TRITONSERVER_Error *error = pt_triton_error(
        TRITONSERVER_ERROR_INVALID_ARG, "failed to load model '%s' (runtime model.py): %s",
        model->name, message);
    free(message);
    return error;
  }
  model->runtime_data = loaded;
  return NULL;
}

static void model_free(pt_model_state *model) {
  py_model_free(model->runtime_data);
  model->runtime_data = NULL;
}

static TRITONSERVER_Error *instance_load(pt_instance_state *state) {
  TRITONSERVER_Error *error = pt_instance_positional_io(state);
  if (error != NULL) return error;
  const char *kind = state->kind == TRITONSERVER_INSTANCEGROUPKIND_GPU     ? "GPU"
                     : state->kind == TRITONSERVER_INSTANCEGROUPKIND_MODEL ? "MODEL"
                                                                           : "CPU";
  py_instance *instance = NULL;
  char *message = py_instance_create(state->model->runtime_data, kind, state->device_id,
                                     &instance);
  if (message != NULL) {
    error = pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                            "failed to load instance '%s' of model '%s' (runtime model.py): %s",
                            state->name, state->model->name, message);
    free(message);
    return error;
  }
  state->runtime_data = instance;
  return NULL;
}

static void instance_free(pt_instance_state *state) {
  if (state->runtime_data != NULL)
    PT_LOG_INFO("Removing model instance for '%s'", state->model->name);
  py_instance_free(state->runtime_data);
  state->runtime_data = NULL;
}

typedef struct {
  pt_result base;
  py_outputs *outputs;
} py_batch_result;

static char *result_output(pt_result *self, size_t index, ts_output *out) {
  return py_outputs_get(((py_batch_result *)self)->outputs, index, out);
}

static void result_release(pt_result *self) {
  py_outputs_free(((py_batch_result *)self)->outputs);
  free(self);
}

static TRITONSERVER_Error *run(pt_instance_state *state, pt_batch *batch,
                               pt_result **result_out) {
  *result_out = NULL;
  py_batch_result *wrapped = calloc(1, sizeof(*wrapped));
  if (wrapped == NULL) return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  char *message =
      py_instance_run(state->runtime_data, batch->args, batch->arg_count, &wrapped->outputs);
  if (message != NULL) {
    free(wrapped);
    TRITONSERVER_Error *error = pt_triton_error(
        TRITONSERVER_ERROR_INTERNAL, "model '%s' (runtime model.py) failed in forward: %s",
        state->model->name, message);
    free(message);
    return error;
  }
  wrapped->base.count = py_outputs_count(wrapped->outputs);
  wrapped->base.output = result_output;
  wrapped->base.release = result_release;
  *result_out = &wrapped->base;
  return NULL;
}

const pt_runtime pt_python_runtime = {
    .name = "Python",
    .uses_pt_parameters = false,
    .model_load = model_load,
    .instance_load = instance_load,
    .run = run,
    .instance_free = instance_free,
    .model_free = model_free,
};
