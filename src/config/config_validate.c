/*
 * config_validate.c — model_config_validate: Triton's ValidateModelConfig /
 * ValidateInstanceGroup / ValidateIOShape checks on a normalized config, with Triton's
 * messages where the spec or Triton gives them (most end in "for <model>").
 * The first problem found is reported; checks run in Triton's order.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_alloc.h"
#include "model_config.h"

#define WILDCARD_DIM (-1)

static int fail(char **error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(char **error, const char *fmt, ...) {
  if (error != NULL) {
    va_list args;
    va_start(args, fmt);
    *error = cfg_vprintf(fmt, args);
    va_end(args);
  }
  return -1;
}

/* Element count of dims, or -1 when any dim is variable. */
static int64_t element_count(const ModelInt64List *dims) {
  return model_dims_element_count(dims->items, dims->count);
}

/* Element count of the part of `dims` in [begin, end). */
static int64_t chunk_count(const ModelInt64List *dims, size_t begin, size_t end) {
  return model_dims_element_count(dims->items + begin, end - begin);
}

/* dims and reshape with variable dims: each run between wildcards must have equal
 * element counts, and both must have the same number of wildcards. */
static bool same_variable_shape(const ModelInt64List *dims, const ModelInt64List *reshape) {
  size_t di = 0, ri = 0;
  for (;;) {
    size_t dend = di, rend = ri;
    while (dend < dims->count && dims->items[dend] != WILDCARD_DIM) {
      dend++;
    }
    while (rend < reshape->count && reshape->items[rend] != WILDCARD_DIM) {
      rend++;
    }
    if (chunk_count(dims, di, dend) != chunk_count(reshape, ri, rend)) {
      return false;
    }
    bool dims_done = dend == dims->count;
    bool reshape_done = rend == reshape->count;
    if (dims_done || reshape_done) {
      return dims_done && reshape_done;
    }
    di = dend + 1;
    ri = rend + 1;
  }
}

/* ValidateIOShape for one input or output. `what` is "model input" / "model output". */
static int validate_io(const char *what, const char *name, ModelDataType data_type,
                       const ModelInt64List *dims, bool has_reshape,
                       const ModelTensorReshape *reshape, int32_t max_batch_size,
                       const char *model, char **error) {
  if (name[0] == '\0') {
    return fail(error, "%s must specify 'name' for %s", what, model);
  }
  if (data_type == MODEL_TYPE_INVALID) {
    return fail(error, "%s '%s' must specify 'data_type' for %s", what, name, model);
  }
  if (dims->count == 0 && max_batch_size == 0) {
    return fail(error, "%s '%s' must specify 'dims' for %s", what, name, model);
  }
  if (has_reshape && reshape->shape.count == 0 && max_batch_size == 0) {
    return fail(error,
                "%s '%s' cannot have empty reshape for non-batching model as scalar tensors "
                "are not supported for %s",
                what, name, model);
  }
  for (size_t i = 0; i < dims->count; i++) {
    if (dims->items[i] < 1 && dims->items[i] != WILDCARD_DIM) {
      return fail(error,
                  "%s '%s' dimension must be integer >= 1, or -1 to indicate a variable-size "
                  "dimension for %s",
                  what, name, model);
    }
  }
  if (has_reshape) {
    for (size_t i = 0; i < reshape->shape.count; i++) {
      if (reshape->shape.items[i] < 1 && reshape->shape.items[i] != WILDCARD_DIM) {
        return fail(error,
                    "%s '%s' reshape dimensions must be integer >= 1, or -1 to indicate a "
                    "variable-size dimension for %s",
                    what, name, model);
      }
    }
    int64_t dims_size = element_count(dims);
    int64_t reshape_size = element_count(&reshape->shape);
    bool mismatch = (dims_size != -1 || reshape_size != -1) ? dims_size != reshape_size
                                                            : !same_variable_shape(dims, &reshape->shape);
    if (mismatch) {
      return fail(error, "%s '%s' has different size for dims and reshape for %s", what, name,
                  model);
    }
  }
  return 0;
}

/* True if `path` could leave the directory it is joined to: absolute, or with a ".."
 * component. */
static bool path_escapes(const char *path) {
  if (path[0] == '/') {
    return true;
  }
  for (const char *c = path; *c; c++) {
    bool starts_component = c == path || c[-1] == '/';
    if (starts_component && c[0] == '.' && c[1] == '.' && (c[2] == '/' || c[2] == '\0')) {
      return true;
    }
  }
  return false;
}

/* File names in a config are joined to the model (or backend) directory by the core and
 * the backend: none may point outside it. */
static int validate_file_names(const ModelConfig *config, const char *model, char **error) {
  if (path_escapes(config->runtime)) {
    return fail(error, "runtime '%s' of model '%s' escapes the backend directory, check model "
                       "config runtime field", config->runtime, model);
  }
  if (path_escapes(config->default_model_filename)) {
    return fail(error, "default_model_filename '%s' of model '%s' escapes the model version "
                       "directory", config->default_model_filename, model);
  }
  for (size_t i = 0; i < config->cc_model_filenames.count; i++) {
    if (path_escapes(config->cc_model_filenames.items[i].value)) {
      return fail(error, "cc_model_filenames entry '%s' of model '%s' escapes the model version "
                         "directory", config->cc_model_filenames.items[i].value, model);
    }
  }
  for (size_t i = 0; i < config->output.count; i++) {
    if (path_escapes(config->output.items[i].label_filename)) {
      return fail(error, "label_filename '%s' of output '%s' of model '%s' escapes the model "
                         "directory", config->output.items[i].label_filename,
                  config->output.items[i].name, model);
    }
  }
  for (size_t i = 0; i < config->model_warmup.count; i++) {
    const ModelWarmupInputMap *inputs = &config->model_warmup.items[i].inputs;
    for (size_t k = 0; k < inputs->count; k++) {
      if (path_escapes(inputs->items[k].value.input_data_file)) {
        return fail(error, "warmup input_data_file '%s' of model '%s' escapes the warmup "
                           "directory", inputs->items[k].value.input_data_file, model);
      }
    }
  }
  const ModelSequenceStateList *states = &config->sequence_batching.state;
  for (size_t i = 0; config->has_sequence_batching && i < states->count; i++) {
    for (size_t k = 0; k < states->items[i].initial_state.count; k++) {
      const char *file = states->items[i].initial_state.items[k].data_file;
      if (path_escapes(file)) {
        return fail(error, "initial_state data_file '%s' of model '%s' escapes the "
                           "initial_state directory", file, model);
      }
    }
  }
  return 0;
}

static int validate_queue_policy(const ModelQueuePolicy *policy, const char *model,
                                 char **error) {
  if (policy->default_timeout_microseconds != 0 && policy->timeout_action == MODEL_TIMEOUT_DELAY) {
    return fail(error,
                "Queue policy can not have DELAY as timeout action when 'preserve_ordering' is "
                "true for %s",
                model);
  }
  return 0;
}

static int validate_dynamic_batching(const ModelConfig *config, const char *model, char **error) {
  const ModelDynamicBatching *batching = &config->dynamic_batching;
  for (size_t i = 0; i < batching->preferred_batch_size.count; i++) {
    int32_t size = batching->preferred_batch_size.items[i];
    if (size <= 0) {
      return fail(error, "dynamic batching preferred size must be positive for %s", model);
    }
    if (size > config->max_batch_size) {
      return fail(error, "dynamic batching preferred size must be <= max batch size for %s",
                  model);
    }
  }
  uint64_t levels = batching->priority_levels;
  if (levels != 0) {
    if (batching->default_priority_level == 0 || batching->default_priority_level > levels) {
      return fail(error, "default priority level must be in range [1, %" PRIu64 "] for %s",
                  levels, model);
    }
    for (size_t i = 0; i < batching->priority_queue_policy.count; i++) {
      uint64_t level = batching->priority_queue_policy.items[i].key;
      if (level == 0 || level > levels) {
        return fail(error,
                    "priority queue policy must have priority level in range [1, %" PRIu64
                    "] for %s",
                    levels, model);
      }
    }
  }
  if (batching->preserve_ordering) {
    if (levels > 1) {
      return fail(error,
                  "Only one priority level is allowed when 'preserve_ordering' is true for %s",
                  model);
    }
    if (validate_queue_policy(&batching->default_queue_policy, model, error) != 0) {
      return -1;
    }
    for (size_t i = 0; i < batching->priority_queue_policy.count; i++) {
      if (validate_queue_policy(&batching->priority_queue_policy.items[i].value, model, error) != 0) {
        return -1;
      }
    }
  }
  return 0;
}

static int validate_instance_groups(const ModelConfig *config, int gpu_count, const char *model,
                                    char **error) {
  if (config->has_ensemble_scheduling) {
    return 0;
  }
  if (config->instance_group.count == 0) {
    return fail(error, "must specify one or more 'instance group's for %s", model);
  }
  for (size_t i = 0; i < config->instance_group.count; i++) {
    const ModelInstanceGroup *group = &config->instance_group.items[i];
    switch (group->kind) {
      case MODEL_KIND_MODEL:
        if (group->gpus.count > 0) {
          return fail(error,
                      "instance group %s of model %s has kind KIND_MODEL but specifies one or "
                      "more GPUs",
                      group->name, model);
        }
        break;
      case MODEL_KIND_GPU:
        if (gpu_count <= 0) {
          return fail(error,
                      "instance group %s of model %s has kind KIND_GPU but server does not "
                      "support GPUs",
                      group->name, model);
        }
        for (size_t g = 0; g < group->gpus.count; g++) {
          int32_t gpu = group->gpus.items[g];
          if (gpu < 0 || gpu >= gpu_count) {
            return fail(error,
                        "instance group %s of model %s specifies invalid or unsupported gpu id "
                        "%d. GPUs available: 0 to %d",
                        group->name, model, (int)gpu, gpu_count - 1);
          }
        }
        break;
      case MODEL_KIND_CPU:
        if (group->gpus.count > 0) {
          return fail(error,
                      "instance group %s of model %s has kind KIND_CPU but specifies one or "
                      "more GPUs",
                      group->name, model);
        }
        break;
      default:
        return fail(error, "instance group %s of model %s has unexpected kind %s", group->name,
                    model, group->kind == MODEL_KIND_AUTO ? "KIND_AUTO" : "(unknown)");
    }
    if (group->count < 1) {
      return fail(error, "instance group %s of model %s must have a count >= 1", group->name,
                  model);
    }
    if (group->profile.count > 0 && strcmp(config->platform, "tensorrt_plan") != 0) {
      return fail(error,
                  "instance group %s of model %s and platform %s specifies profile field which "
                  "is only supported for TensorRT models",
                  group->name, model, config->platform);
    }
  }
  return 0;
}

static int validate_warmup(const ModelConfig *config, const char *model, char **error) {
  for (size_t i = 0; i < config->model_warmup.count; i++) {
    const ModelWarmup *warmup = &config->model_warmup.items[i];
    if (warmup->name[0] == '\0') {
      return fail(error, "model warmup setting %zu must specify 'name' for %s", i, model);
    }
    if (warmup->batch_size < 1) {
      return fail(error, "model warmup setting '%s' must specify 'batch_size' >= 1 for %s",
                  warmup->name, model);
    }
    uint32_t max = config->max_batch_size > 0 ? (uint32_t)config->max_batch_size : 1;
    if (warmup->batch_size > max) {
      return fail(error,
                  "model warmup setting '%s' has batch_size %u larger than the model allows "
                  "(%u) for %s",
                  warmup->name, (unsigned)warmup->batch_size, (unsigned)max, model);
    }
    for (size_t k = 0; k < warmup->inputs.count; k++) {
      const ModelWarmupInputMapEntry *input = &warmup->inputs.items[k];
      if (input->value.data_type == MODEL_TYPE_INVALID) {
        return fail(error, "model warmup setting '%s' input '%s' must specify 'data_type' for %s",
                    warmup->name, input->key, model);
      }
      if (!input->value.has_zero_data && !input->value.has_random_data &&
          !input->value.has_input_data_file) {
        return fail(error,
                    "model warmup setting '%s' input '%s' must specify one of 'zero_data', "
                    "'random_data' or 'input_data_file' for %s",
                    warmup->name, input->key, model);
      }
    }
  }
  return 0;
}

int model_config_validate_supported_gpus(const ModelConfig *config, const char *model_name,
                                         int gpu_count, uint64_t unsupported_gpus,
                                         double min_capability, char **error) {
  for (size_t i = 0; i < config->instance_group.count; i++) {
    const ModelInstanceGroup *group = &config->instance_group.items[i];
    if (group->kind != MODEL_KIND_GPU) continue;
    for (size_t g = 0; g < group->gpus.count; g++) {
      int32_t gpu = group->gpus.items[g];
      if (gpu < 0 || gpu >= 64 || (unsupported_gpus & ((uint64_t)1 << gpu)) == 0) continue;
      char supported[512] = "";
      size_t used = 0;
      for (int d = 0; d < gpu_count && d < 64 && used < sizeof(supported) - 8; d++)
        if ((unsupported_gpus & ((uint64_t)1 << d)) == 0)
          used += (size_t)snprintf(supported + used, sizeof(supported) - used, " %d", d);
      return fail(error,
                  "instance group %s of model %s specifies invalid or unsupported gpu id of "
                  "%d. GPUs with at least the minimum required CUDA compute compatibility of "
                  "%f are:%s",
                  group->name, model_name, (int)gpu, min_capability, supported);
    }
  }
  return 0;
}

int model_config_validate(const ModelConfig *config, const char *model_name, int gpu_count,
                          char **error) {
  if (error != NULL) {
    *error = NULL;
  }
  const char *model = config->name[0] != '\0' ? config->name : (model_name ? model_name : "");
  if (model_name != NULL && strcmp(config->name, model_name) != 0) {
    return fail(error,
                "unexpected directory name '%s' for model '%s', directory name must equal "
                "model name",
                model_name, config->name);
  }
  if (config->backend[0] == '\0' && strcmp(config->platform, "ensemble") != 0 &&
      !config->has_ensemble_scheduling) {
    if (config->platform[0] == '\0' && config->default_model_filename[0] == '\0') {
      return fail(error,
                  "Invalid model name: Could not determine backend for model '%s' with no "
                  "backend in model configuration. Expected model name of the form "
                  "'model.<backend_name>'.",
                  model);
    }
    return fail(error, "must specify 'backend' for '%s'", model);
  }
  if (config->max_batch_size < 0) {
    return fail(error, "'max_batch_size' must be non-negative value for %s", model);
  }
  if (validate_file_names(config, model, error) != 0) {
    return -1;
  }
  for (size_t i = 0; i < config->input.count; i++) {
    const ModelInput *in = &config->input.items[i];
    if (validate_io("model input", in->name, in->data_type, &in->dims, in->has_reshape,
                    &in->reshape, config->max_batch_size, model, error) != 0) {
      return -1;
    }
    for (size_t k = 0; k < i; k++) {
      if (strcmp(config->input.items[k].name, in->name) == 0) {
        return fail(error, "duplicate input name '%s' for %s", in->name, model);
      }
    }
  }
  for (size_t i = 0; i < config->output.count; i++) {
    const ModelOutput *out = &config->output.items[i];
    if (validate_io("model output", out->name, out->data_type, &out->dims, out->has_reshape,
                    &out->reshape, config->max_batch_size, model, error) != 0) {
      return -1;
    }
    for (size_t k = 0; k < i; k++) {
      if (strcmp(config->output.items[k].name, out->name) == 0) {
        return fail(error, "duplicate output name '%s' for %s", out->name, model);
      }
    }
  }
  if (config->has_dynamic_batching && validate_dynamic_batching(config, model, error) != 0) {
    return -1;
  }
  bool response_cache = config->has_response_cache && config->response_cache.enable;
  if (config->has_sequence_batching && response_cache) {
    return fail(error,
                "Response Cache does not currently support model %s with sequence batching "
                "scheduler. Please disable the response cache.",
                model);
  }
  if (config->has_sequence_batching && config->sequence_batching.has_oldest) {
    const ModelSequenceStrategyOldest *oldest = &config->sequence_batching.oldest;
    for (size_t i = 0; i < oldest->preferred_batch_size.count; i++) {
      int32_t size = oldest->preferred_batch_size.items[i];
      if (size <= 0 || size > config->max_batch_size) {
        return fail(error,
                    "sequence batching preferred batch size must be positive and <= max batch "
                    "size for %s",
                    model);
      }
    }
  }
  if (response_cache && config->has_model_transaction_policy &&
      config->model_transaction_policy.decoupled) {
    return fail(error,
                "Response Cache does not currently support model %s with 'decoupled' "
                "transaction policy. Please disable the response cache.",
                model);
  }
  if (validate_instance_groups(config, gpu_count, model, error) != 0) {
    return -1;
  }
  return validate_warmup(config, model, error);
}
