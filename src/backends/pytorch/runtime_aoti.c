/*
 * runtime_aoti.c: platform "torch_aoti" (runtime.h): a model.pt2 AOTInductor package
 * (torch._inductor.aoti_compile_and_package) through LibTorch's package loader
 * (aoti_shim.h). pytorch-backend.md §7, without the defects of §7.5.
 *
 * - Inputs and outputs by position: config input i is the package's input i, config
 *   output i its output i (names are free; Triton's ARGS[i]/RESULT names are not needed).
 * - At model load the package's input specs (aoti_shim.h) are checked against the config:
 *   input count, data types, every non-batch dimension, and the batch dimension against
 *   max_batch_size. A package exported for a fixed batch of K refuses a config whose
 *   max_batch_size is larger than K, and one with a dynamic batch bounded by M refuses
 *   max_batch_size > M, here rather than at run time.
 * - Before each run every argument's shape is checked against the specs (a batch the
 *   package cannot take fails alone with a clear message; AOTInductor would read out of
 *   bounds). A lower bound of 2 on a dynamic dimension is what torch.export writes for
 *   min=1 (0/1 specialization); such packages run batches of 1, so 1 is let through.
 * - Parameters: the LibTorch keys, parsed even when the config has a parameters section
 *   (Triton's inverted condition is not copied): INFERENCE_MODE around load and run,
 *   INTRA_OP_THREAD_COUNT for the instance thread, INTER_OP_THREAD_COUNT (model.c),
 *   ENABLE_CACHE_CLEANING, DISABLE_CUDNN; ENABLE_WEIGHT_SHARING makes the instances on one
 *   device share one loader with a model runner per instance (the weights are loaded
 *   once; runs stay concurrent).
 * - Not supported (refused at load): batch_input, sequence batching, TYPE_STRING.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aoti_shim.h"
#include "backend_util.h"
#include "dtypes.h"
#include "runtime.h"

typedef struct {
  aoti_specs specs;
  char *path;
  size_t instance_count; /* from instance_group: runners of a shared loader */
  /* ENABLE_WEIGHT_SHARING: one loader per device (-1 CPU), guarded by model->share_lock */
  int shared_devices[16];
  aoti_package *shared[16];
  size_t shared_count;
} aoti_model_data;

static aoti_model_data *model_data(const pt_model_state *model) { return model->runtime_data; }

/* Sum of instance_group counts (1 when absent). */
static size_t instance_count(const pt_model_state *model) {
  struct json_object *groups = NULL;
  size_t total = 0;
  if (json_object_object_get_ex(model->config.root, "instance_group", &groups) &&
      json_object_is_type(groups, json_type_array))
    for (size_t i = 0; i < json_object_array_length(groups); ++i) {
      struct json_object *count = NULL;
      if (json_object_object_get_ex(json_object_array_get_idx(groups, i), "count", &count))
        total += (size_t)json_object_get_int64(count);
    }
  return total > 0 ? total : 1;
}

static void format_dim(char *text, size_t size, const aoti_dim *dim) {
  if (dim->fixed >= 0)
    snprintf(text, size, "%" PRId64, dim->fixed);
  else if (dim->max == INT64_MAX)
    snprintf(text, size, "[%" PRId64 "..]", dim->min);
  else
    snprintf(text, size, "[%" PRId64 "..%" PRId64 "]", dim->min, dim->max);
}

/* Whether `size` fits the dimension; -1 (a config's variable dim) fits any dynamic one. */
static bool dim_accepts(const aoti_dim *dim, int64_t size) {
  if (dim->fixed >= 0) return size == dim->fixed;
  if (size < 0) return true;
  int64_t min = dim->min == 2 ? 1 : dim->min; /* torch.export's 0/1 specialization */
  return size >= min && size <= dim->max;
}

/* The config against the package's specs (see the file comment). */
static TRITONSERVER_Error *check_config(const pt_model_state *model, const aoti_specs *specs) {
  const pt_model_config *config = &model->config;
  if (config->batch_input_count > 0 || config->control_count > 0 || config->state_count > 0)
    return pt_triton_error(TRITONSERVER_ERROR_UNSUPPORTED,
                           "model '%s': batch_input and sequence batching are not supported "
                           "for torch_aoti models",
                           model->name);
  for (size_t i = 0; i < config->input_count; ++i)
    if (config->inputs[i].dtype == TS_DTYPE_BYTES)
      return pt_triton_error(TRITONSERVER_ERROR_UNSUPPORTED,
                             "input '%s' of model '%s' is TYPE_STRING, which AOTInductor "
                             "packages cannot take",
                             config->inputs[i].name, model->name);
  if (!specs->found) {
    PT_LOG_WARN("model.pt2 of '%s' holds no wrapper source: its input shapes cannot be checked "
                "against the configuration",
                model->name);
    return NULL;
  }
  if (specs->input_count != config->input_count)
    return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                           "Failed to load model \"%s\" configuration expects %zu inputs, but "
                           "model expects %zu inputs.",
                           model->name, config->input_count, specs->input_count);
  bool batching = config->max_batch_size > 0;
  for (size_t i = 0; i < config->input_count; ++i) {
    const pt_io_config *input = &config->inputs[i];
    const aoti_input_spec *spec = &specs->inputs[i];
    if (spec->dtype != TS_DTYPE_INVALID && spec->dtype != input->dtype)
      return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                             "input '%s' (position %zu) of model '%s' is %s in the "
                             "configuration, but the package takes %s",
                             input->name, i, model->name, input->dtype_name,
                             pt_dtype_config_name(spec->dtype));
    if (!spec->known) continue;
    size_t offset = batching ? 1 : 0;
    if (spec->dims_count != input->dims_count + offset)
      return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                             "input '%s' (position %zu) of model '%s' has %zu dimensions in the "
                             "configuration%s, but the package takes %zu",
                             input->name, i, model->name, input->dims_count + offset,
                             batching ? " (batch dimension included)" : "", spec->dims_count);
    for (size_t d = 0; d < input->dims_count; ++d)
      if (!dim_accepts(&spec->dims[d + offset], input->dims[d])) {
        char text[64];
        format_dim(text, sizeof(text), &spec->dims[d + offset]);
        return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                               "input '%s' (position %zu) of model '%s': dims[%zu] is %" PRId64
                               " in the configuration, but the package takes %s there",
                               input->name, i, model->name, d, input->dims[d], text);
      }
    if (!batching) continue;
    const aoti_dim *batch = &spec->dims[0];
    if (batch->fixed >= 0 && config->max_batch_size > batch->fixed)
      return pt_triton_error(
          TRITONSERVER_ERROR_INVALID_ARG,
          "model '%s': model.pt2 was exported for a fixed batch of %" PRId64 " (input '%s', "
          "dimension 0), but max_batch_size is %d; export it with a dynamic batch dimension "
          "(torch.export.Dim) or set max_batch_size to at most %" PRId64,
          model->name, batch->fixed, input->name, config->max_batch_size, batch->fixed);
    if (batch->fixed < 0 && config->max_batch_size > batch->max)
      return pt_triton_error(
          TRITONSERVER_ERROR_INVALID_ARG,
          "model '%s': model.pt2 takes batches of at most %" PRId64 " (input '%s', dimension "
          "0), but max_batch_size is %d",
          model->name, batch->max, input->name, config->max_batch_size);
  }
  return NULL;
}

static TRITONSERVER_Error *model_load(pt_model_state *model) {
  if (model->config.parameters == NULL || json_object_object_length(model->config.parameters) == 0)
    PT_LOG_VERBOSE("Auto-complete configuration is not supported for Inductor models. Skipping "
                   "auto-complete for model \"%s\".",
                   model->name);
  aoti_model_data *data = calloc(1, sizeof(*data));
  if (data == NULL) return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  model->runtime_data = data;
  data->path = pt_model_artifact_path(model, "model.pt2");
  data->instance_count = instance_count(model);
  struct stat st;
  if (data->path == NULL || stat(data->path, &st) != 0 || !S_ISREG(st.st_mode))
    return pt_triton_error(TRITONSERVER_ERROR_UNAVAILABLE,
                           "PyTorch inductor model file \"%s\" is unreachable or inaccessible.",
                           data->path != NULL ? data->path : "");
  char *message = aoti_package_inspect(data->path, &data->specs);
  if (message != NULL) {
    TRITONSERVER_Error *error =
        pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG, "failed to read model.pt2 of '%s': %s",
                        model->name, message);
    free(message);
    return error;
  }
  return check_config(model, &data->specs);
}

static void model_free(pt_model_state *model) {
  aoti_model_data *data = model_data(model);
  if (data == NULL) return;
  aoti_specs_free(&data->specs);
  for (size_t i = 0; i < data->shared_count; ++i) aoti_package_unref(data->shared[i]);
  free(data->path);
  free(data);
  model->runtime_data = NULL;
}

static TRITONSERVER_Error *instance_load(pt_instance_state *state) {
  pt_model_state *model = state->model;
  aoti_model_data *data = model_data(model);
  TRITONSERVER_Error *error = pt_instance_positional_io(state);
  if (error != NULL) return error;
  int device = state->kind == TRITONSERVER_INSTANCEGROUPKIND_GPU ? state->device_id : -1;
  bool sharing = model->params.enable_weight_sharing == 1;
  aoti_package *package = NULL;
  size_t runners = sharing ? data->instance_count : 1;
  /* The share lock is held across the load so that instances created in parallel on one
   * device load the package once. */
  if (sharing) pthread_mutex_lock(&model->share_lock);
  for (size_t i = 0; sharing && package == NULL && i < data->shared_count; ++i)
    if (data->shared_devices[i] == device) {
      package = aoti_package_ref(data->shared[i]);
      PT_LOG_INFO("Reusing AOTInductor model for instance '%s'", model->name);
    }
  if (package == NULL) {
    PT_LOG_VERBOSE("Creating instance %s on %s using artifact '%s'", state->name,
                   device < 0 ? "CPU" : "GPU", data->path);
    char *message = aoti_package_load(data->path, device, runners, model->params.inference_mode,
                                      &package);
    if (message != NULL) {
      if (sharing) pthread_mutex_unlock(&model->share_lock);
      error = pt_triton_error(TRITONSERVER_ERROR_INTERNAL,
                              "failed to create instance \"%s\" for inductor model \"%s\": %s",
                              state->name, model->name, message);
      free(message);
      return error;
    }
    size_t capacity = sizeof(data->shared) / sizeof(data->shared[0]);
    if (sharing && data->shared_count < capacity) {
      data->shared_devices[data->shared_count] = device;
      data->shared[data->shared_count++] = aoti_package_ref(package);
    }
  }
  if (sharing) pthread_mutex_unlock(&model->share_lock);
  state->runtime_data = package;
  size_t outputs = aoti_package_output_count(package);
  if (outputs > 0 && model->config.output_count > outputs)
    return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                           "model '%s': the configuration has %zu outputs, but model.pt2 "
                           "returns %zu",
                           model->name, model->config.output_count, outputs);
  const pt_parameters *params = &model->params;
  state->run_options.inference_mode = params->inference_mode;
  state->run_options.optimized_execution = true;
  state->run_options.cudnn_enabled = !params->disable_cudnn;
  state->run_options.tensor_fuser = state->run_options.jit_profiling =
      state->run_options.jit_executor = -1;
  state->run_options.intra_op_threads = params->intra_op_thread_count;
  state->run_options.device_kind = device >= 0 ? TS_DEVICE_CUDA : TS_DEVICE_CPU;
  state->run_options.device_index = state->device_id;
  return NULL;
}

static void instance_free(pt_instance_state *state) {
  aoti_package_unref(state->runtime_data);
  state->runtime_data = NULL;
}

/* Every argument against the package's specs before it runs (see the file comment). */
static TRITONSERVER_Error *check_batch(const pt_instance_state *state, const pt_batch *batch) {
  const aoti_specs *specs = &model_data(state->model)->specs;
  for (size_t i = 0; specs->found && i < batch->arg_count && i < specs->input_count; ++i) {
    const aoti_input_spec *spec = &specs->inputs[i];
    const ts_value *arg = &batch->args[i];
    if (!spec->known || arg->kind != TS_VALUE_TENSOR) continue;
    bool ok = arg->dims_count == spec->dims_count;
    size_t bad = 0;
    for (size_t d = 0; ok && d < arg->dims_count; ++d)
      if (!dim_accepts(&spec->dims[d], arg->shape[d])) ok = false, bad = d;
    if (!ok) {
      char text[64] = "";
      if (arg->dims_count == spec->dims_count) format_dim(text, sizeof(text), &spec->dims[bad]);
      return pt_triton_error(
          TRITONSERVER_ERROR_INVALID_ARG,
          arg->dims_count == spec->dims_count
              ? "input '%s' of model '%s': dimension %zu of the batch is %" PRId64
                ", but model.pt2 takes %s there"
              : "input '%s' of model '%s' has %zu dimensions in this batch, but model.pt2 "
                "takes %zu",
          state->feeds[i].name, state->model->name,
          arg->dims_count == spec->dims_count ? bad : arg->dims_count,
          arg->dims_count == spec->dims_count ? arg->shape[bad] : (int64_t)spec->dims_count,
          text);
    }
  }
  return NULL;
}

typedef struct {
  pt_result base;
  ts_result *result;
} aoti_batch_result;

static char *result_output(pt_result *self, size_t index, ts_output *out) {
  return ts_result_output(((aoti_batch_result *)self)->result, index, out);
}

static void result_release(pt_result *self) {
  ts_result_free(((aoti_batch_result *)self)->result);
  free(self);
}

static TRITONSERVER_Error *run(pt_instance_state *state, pt_batch *batch,
                               pt_result **result_out) {
  *result_out = NULL;
  TRITONSERVER_Error *error = check_batch(state, batch);
  if (error != NULL) return error;
  aoti_batch_result *wrapped = calloc(1, sizeof(*wrapped));
  if (wrapped == NULL) return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  char *message = aoti_package_run(state->runtime_data, &state->run_options, batch->args,
                                   batch->arg_count, &wrapped->result);
  if (message != NULL) {
    free(wrapped);
    error = pt_triton_error(TRITONSERVER_ERROR_INTERNAL,
                            "Inductor model instance \"%s\" execution failure: %s", state->name,
                            message);
    free(message);
    return error;
  }
  wrapped->base.count = ts_result_count(wrapped->result);
  wrapped->base.device_compute_ns = ts_result_device_compute_ns(wrapped->result);
  wrapped->base.output = result_output;
  wrapped->base.release = result_release;
  *result_out = &wrapped->base;
  return NULL;
}

const pt_runtime pt_aoti_runtime = {
    .name = "AOTInductor",
    .uses_pt_parameters = true,
    .model_load = model_load,
    .instance_load = instance_load,
    .run = run,
    .instance_free = instance_free,
    .model_free = model_free,
};
