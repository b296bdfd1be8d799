/*
 * model.c: TRITONBACKEND_ModelInitialize's work: the per-model-version state (see model.h).
 *
 * Order (Triton's, pytorch-backend.md §1.1): read the config, pick the runtime from the
 * platform and `runtime` fields (runtime.h), parse the LibTorch keys of `parameters` for
 * the TorchScript and AOTI runtimes (a bad value fails the load; INFO lines only when a
 * parameters section exists) and apply the thread settings, run the runtime's model_load
 * (TorchScript: auto-complete from the method schema; Python: import and compile), then
 * validate the config.
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_util.h"
#include "runtime.h"

static void log_info_line(void *context, const char *line) {
  (void)context;
  PT_LOG_INFO("%s", line);
}

static TRITONSERVER_Error *read_config(TRITONBACKEND_Model *model, pt_model_config *config) {
  TRITONSERVER_Message *message = NULL;
  TRITONSERVER_Error *error = TRITONBACKEND_ModelConfig(model, 1, &message);
  if (error != NULL) return error;
  const char *json = NULL;
  size_t size = 0;
  error = TRITONSERVER_MessageSerializeToJson(message, &json, &size);
  if (error == NULL) error = pt_to_triton(pt_model_config_parse(json, size, config));
  TRITONSERVER_MessageDelete(message);
  return error;
}

/* Thread counts. Intra-op: applied by every execute of this model to its instance thread
 * (so each model gets its own, unlike Triton's first-model-wins). Inter-op: LibTorch has one
 * pool per process, sized once; say so when this model cannot have its request. */
static void apply_thread_counts(const pt_model_state *state) {
  const pt_parameters *params = &state->params;
  if (params->intra_op_thread_count > 0)
    PT_LOG_INFO("Intra op thread count is set to %d for model instance '%s'",
                params->intra_op_thread_count, state->name);
  if (params->inter_op_thread_count > 0) {
    int effective = 0;
    char *message = ts_set_inter_op_threads(params->inter_op_thread_count, &effective);
    PT_LOG_INFO("Inter op thread count is set to %d for model instance '%s'", effective,
                state->name);
    if (effective != params->inter_op_thread_count)
      PT_LOG_WARN("INTER_OP_THREAD_COUNT %d of model '%s' was not applied: LibTorch's inter-op "
                  "pool is process-wide and already has %d thread(s)%s%s",
                  params->inter_op_thread_count, state->name, effective,
                  message != NULL ? ": " : "", message != NULL ? message : "");
    free(message);
  }
}

static void warn_removed_keys(const pt_model_state *state) {
  if (state->params.nvfuser_given)
    PT_LOG_WARN("parameter 'ENABLE_NVFUSER' of model '%s' was removed from the PyTorch backend "
                "and is ignored; use ENABLE_TENSOR_FUSER",
                state->name);
  if (state->params.module_method_name_given)
    PT_LOG_WARN("parameter 'MODULE_METHOD_NAME' of model '%s' is not supported and is ignored; "
                "use METHOD_NAME",
                state->name);
}

static const char *config_string(const pt_model_state *state, const char *key) {
  struct json_object *value = NULL;
  const char *text = json_object_object_get_ex(state->config.root, key, &value)
                         ? json_object_get_string(value)
                         : NULL;
  return text != NULL ? text : "";
}

/* Triton's backend logs the platform it runs each model with (§0.1); the platform and
 * the `runtime` field pick one of the three runtimes (runtime.h). */
static void choose_runtime(pt_model_state *state) {
  const char *platform = config_string(state, "platform");
  PT_LOG_INFO("Model platform for '%s': '%s'.", state->name, platform);
  state->runtime = pt_runtime_select(platform, config_string(state, "runtime"));
}

TRITONSERVER_Error *pt_model_state_create(TRITONBACKEND_Model *model,
                                          pt_model_state **state_out) {
  *state_out = NULL;
  pt_model_state *state = calloc(1, sizeof(*state));
  if (state == NULL) return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  state->model = model;
  pthread_mutex_init(&state->share_lock, NULL);
  const char *name = NULL, *repository = NULL;
  TRITONBACKEND_ArtifactType artifact_type = TRITONBACKEND_ARTIFACT_FILESYSTEM;
  TRITONSERVER_Error *error = TRITONBACKEND_ModelName(model, &name);
  if (error == NULL) error = TRITONBACKEND_ModelVersion(model, &state->version);
  if (error == NULL) error = TRITONBACKEND_ModelRepository(model, &artifact_type, &repository);
  if (error == NULL && artifact_type != TRITONBACKEND_ARTIFACT_FILESYSTEM)
    error = pt_triton_error(TRITONSERVER_ERROR_UNSUPPORTED,
                            "unsupported repository artifact type for model '%s'", name);
  if (error == NULL) {
    state->name = strdup(name);
    state->repository = strdup(repository);
    error = read_config(model, &state->config);
  }
  if (error == NULL) choose_runtime(state);
  bool pt_keys = error == NULL && state->runtime->uses_pt_parameters;
  if (pt_keys)
    error = pt_to_triton(pt_parameters_parse(state->config.parameters, &state->params));
  else if (error == NULL) /* the Python runtime reads its own keys; these are defaults */
    error = pt_to_triton(pt_parameters_parse(NULL, &state->params));
  if (error == NULL && pt_keys) {
    pt_parameters_log_lines(&state->params, state->name, log_info_line, NULL);
    warn_removed_keys(state);
    apply_thread_counts(state);
  }
  if (error == NULL) error = state->runtime->model_load(state);
  if (error == NULL) error = pt_to_triton(pt_model_config_validate(&state->config));
  if (error != NULL) {
    pt_model_state_delete(state);
    return error;
  }
  *state_out = state;
  return NULL;
}

void pt_model_state_delete(pt_model_state *state) {
  if (state == NULL) return;
  if (state->runtime != NULL) state->runtime->model_free(state);
  for (size_t i = 0; i < state->shared_count; ++i) ts_module_unref(state->shared[i].module);
  pthread_mutex_destroy(&state->share_lock);
  pt_parameters_clear(&state->params);
  pt_model_config_free(&state->config);
  free(state->name);
  free(state->repository);
  free(state);
}

char *pt_model_artifact_path(const pt_model_state *state, const char *fallback) {
  const char *file = state->config.default_model_filename;
  if (file == NULL || file[0] == '\0') file = fallback;
  char *path = NULL;
  if (asprintf(&path, "%s/%llu/%s", state->repository, (unsigned long long)state->version,
               file) < 0)
    return NULL;
  return path;
}

ts_module *pt_model_shared_module(pt_model_state *state, bool is_gpu, int device) {
  ts_module *found = NULL;
  pthread_mutex_lock(&state->share_lock);
  for (size_t i = 0; i < state->shared_count && found == NULL; ++i)
    if (state->shared[i].is_gpu == is_gpu && state->shared[i].device == device)
      found = ts_module_ref(state->shared[i].module);
  pthread_mutex_unlock(&state->share_lock);
  return found;
}

void pt_model_share_module(pt_model_state *state, bool is_gpu, int device, ts_module *module) {
  bool taken = false;
  pthread_mutex_lock(&state->share_lock);
  for (size_t i = 0; i < state->shared_count; ++i)
    taken = taken || (state->shared[i].is_gpu == is_gpu && state->shared[i].device == device);
  size_t capacity = sizeof(state->shared) / sizeof(state->shared[0]);
  if (!taken && state->shared_count < capacity) {
    state->shared[state->shared_count].is_gpu = is_gpu;
    state->shared[state->shared_count].device = device;
    state->shared[state->shared_count].module = ts_module_ref(module);
    state->shared_count++;
  }
  pthread_mutex_unlock(&state->share_lock);
  if (taken)
    PT_LOG_WARN("Model already found on target %s device (id %d) for '%s'",
                is_gpu ? "GPU" : "CPU", device, state->name);
}

/* Reads the whole file at `path`; the caller frees *bytes. Returns false if unreadable. */
static bool read_file(const char *path, void **bytes, size_t *size) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) return false;
  bool ok = fseek(file, 0, SEEK_END) == 0;
  long length = ok ? ftell(file) : -1;
  ok = ok && length >= 0 && fseek(file, 0, SEEK_SET) == 0;
  *bytes = ok ? malloc((size_t)length + 1) : NULL;
  ok = *bytes != NULL && fread(*bytes, 1, (size_t)length, file) == (size_t)length;
  fclose(file);
  if (!ok) {
    free(*bytes);
    *bytes = NULL;
    return false;
  }
  *size = (size_t)length;
  return true;
}

TRITONSERVER_Error *pt_model_load_module(const pt_model_state *state, const char *who,
                                         ts_device_kind device_kind, int device,
                                         ts_module **module_out) {
  *module_out = NULL;
  char *path = pt_model_artifact_path(state, "model.pt");
  if (path == NULL) return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  void *bytes = NULL;
  size_t size = 0;
  if (!read_file(path, &bytes, &size)) {
    TRITONSERVER_Error *error = pt_triton_error(
        TRITONSERVER_ERROR_UNAVAILABLE, "unable to find '%s' for model instance '%s'", path, who);
    free(path);
    return error;
  }
  free(path);
  ts_load_options options = {
      .device_kind = device_kind,
      .device_index = device,
      .inference_mode = state->params.inference_mode,
      .optimize_for_inference = state->params.optimize_for_inference == 1,
      .method_name = state->params.method_name,
  };
  char *message = ts_module_load(bytes, size, &options, module_out);
  free(bytes);
  if (message == NULL) return NULL;
  TRITONSERVER_Error *error = pt_triton_error(TRITONSERVER_ERROR_INTERNAL,
                                              "failed to load model '%s': %s", state->name,
                                              message);
  free(message);
  return error;
}
