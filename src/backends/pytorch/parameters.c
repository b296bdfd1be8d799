/*
 * parameters.c: parsing of the PyTorch backend's config parameters (see parameters.h).
 */
#include "parameters.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

pt_error *pt_parse_bool(const char *text, bool *value) {
  if (strcasecmp(text, "true") == 0 || strcasecmp(text, "on") == 0 || strcmp(text, "1") == 0) {
    *value = true;
    return NULL;
  }
  if (strcasecmp(text, "false") == 0 || strcasecmp(text, "off") == 0 || strcmp(text, "0") == 0) {
    *value = false;
    return NULL;
  }
  return pt_error_new(PT_ERR_INVALID_ARG, "failed to convert '%s' to boolean", text);
}

pt_error *pt_parse_int(const char *text, int *value) {
  const char *cursor = text;
  while (isspace((unsigned char)*cursor)) ++cursor;
  const char *digits = cursor;
  if (*digits == '+' || *digits == '-') ++digits;
  if (!isdigit((unsigned char)*digits))
    return pt_error_new(PT_ERR_INVALID_ARG, "failed to convert '%s' to integral number", text);
  errno = 0;
  long parsed = strtol(cursor, NULL, 10);
  if (errno == ERANGE || parsed > INT_MAX || parsed < INT_MIN)
    return pt_error_new(PT_ERR_INVALID_ARG, "failed to convert '%s' to integral number", text);
  *value = (int)parsed;
  return NULL;
}

/* The string_value of parameters[key], or NULL when the key is absent. */
static const char *string_value(struct json_object *parameters, const char *key) {
  struct json_object *entry = NULL, *value = NULL;
  if (parameters == NULL || !json_object_object_get_ex(parameters, key, &entry)) return NULL;
  if (!json_object_object_get_ex(entry, "string_value", &value)) return "";
  return json_object_get_string(value);
}

static pt_error *read_bool(struct json_object *parameters, const char *key, bool *value) {
  const char *text = string_value(parameters, key);
  return text == NULL ? NULL : pt_parse_bool(text, value);
}

/* For keys that may stay unset: *value becomes 0/1 when present. */
static pt_error *read_optional_bool(struct json_object *parameters, const char *key,
                                    int *value) {
  const char *text = string_value(parameters, key);
  if (text == NULL) return NULL;
  bool parsed = false;
  pt_error *error = pt_parse_bool(text, &parsed);
  if (error == NULL) *value = parsed ? 1 : 0;
  return error;
}

static pt_error *read_int(struct json_object *parameters, const char *key, int *value) {
  const char *text = string_value(parameters, key);
  return text == NULL ? NULL : pt_parse_int(text, value);
}

pt_error *pt_parameters_parse(struct json_object *parameters, pt_parameters *params) {
  memset(params, 0, sizeof(*params));
  params->inference_mode = true;
  params->enable_tensor_fuser = PT_UNSET;
  params->enable_weight_sharing = PT_UNSET;
  params->enable_jit_profiling = PT_UNSET;
  params->enable_jit_executor = PT_UNSET;
  params->optimize_for_inference = PT_UNSET;
  params->present = parameters != NULL && json_object_is_type(parameters, json_type_object) &&
                    json_object_object_length(parameters) > 0;
  pt_error *error = NULL;
  if (params->present) {
    if (!error) error = read_bool(parameters, "DISABLE_OPTIMIZED_EXECUTION",
                                  &params->disable_optimized_execution);
    if (!error) error = read_bool(parameters, "ENABLE_CACHE_CLEANING",
                                  &params->enable_cache_cleaning);
    if (!error) error = read_bool(parameters, "INFERENCE_MODE", &params->inference_mode);
    if (!error) error = read_bool(parameters, "DISABLE_CUDNN", &params->disable_cudnn);
    if (!error) error = read_optional_bool(parameters, "ENABLE_TENSOR_FUSER",
                                           &params->enable_tensor_fuser);
    if (!error) error = read_optional_bool(parameters, "ENABLE_WEIGHT_SHARING",
                                           &params->enable_weight_sharing);
    if (!error) error = read_optional_bool(parameters, "ENABLE_JIT_PROFILING",
                                           &params->enable_jit_profiling);
    if (!error) error = read_optional_bool(parameters, "ENABLE_JIT_EXECUTOR",
                                           &params->enable_jit_executor);
    if (!error) error = read_int(parameters, "INTRA_OP_THREAD_COUNT",
                                 &params->intra_op_thread_count);
    if (!error) error = read_int(parameters, "INTER_OP_THREAD_COUNT",
                                 &params->inter_op_thread_count);
    if (!error) error = read_optional_bool(parameters, "OPTIMIZE_FOR_INFERENCE",
                                           &params->optimize_for_inference);
    const char *method = string_value(parameters, "METHOD_NAME");
    if (!error && method != NULL && method[0] == '\0')
      error = pt_error_new(PT_ERR_INVALID_ARG,
                           "parameter 'METHOD_NAME' must name a method of the model, got ''");
    if (!error && method != NULL) {
      params->method_name = strdup(method);
      params->method_name_set = true;
    }
    params->nvfuser_given = string_value(parameters, "ENABLE_NVFUSER") != NULL;
    params->module_method_name_given = string_value(parameters, "MODULE_METHOD_NAME") != NULL;
  }
  if (!error && params->method_name == NULL) params->method_name = strdup("forward");
  if (!error && params->method_name == NULL)
    error = pt_error_new(PT_ERR_INTERNAL, "out of memory reading parameters");
  if (error) pt_parameters_clear(params);
  return error;
}

void pt_parameters_clear(pt_parameters *params) {
  free(params->method_name);
  params->method_name = NULL;
}

static void emit_switch(const char *what, bool enabled, const char *model,
                        void (*emit)(void *, const char *), void *context) {
  char line[512];
  snprintf(line, sizeof(line), "%s is %s for model instance '%s'", what,
           enabled ? "enabled" : "disabled", model);
  emit(context, line);
}

void pt_parameters_log_lines(const pt_parameters *params, const char *model,
                             void (*emit)(void *context, const char *line), void *context) {
  if (!params->present) return;
  emit_switch("Optimized execution", !params->disable_optimized_execution, model, emit, context);
  emit_switch("Cache Cleaning", params->enable_cache_cleaning, model, emit, context);
  emit_switch("Inference Mode", params->inference_mode, model, emit, context);
  emit_switch("cuDNN", !params->disable_cudnn, model, emit, context);
  if (params->enable_tensor_fuser != PT_UNSET)
    emit_switch("Tensor fuser", params->enable_tensor_fuser == 1, model, emit, context);
  if (params->enable_weight_sharing != PT_UNSET)
    emit_switch("Weight sharing", params->enable_weight_sharing == 1, model, emit, context);
  if (params->enable_jit_profiling != PT_UNSET)
    emit_switch("Jit profiling", params->enable_jit_profiling == 1, model, emit, context);
  if (params->enable_jit_executor != PT_UNSET)
    emit_switch("Jit executor", params->enable_jit_executor == 1, model, emit, context);
  if (params->optimize_for_inference != PT_UNSET)
    emit_switch("Optimize for inference", params->optimize_for_inference == 1, model, emit,
                context);
  if (params->method_name_set) {
    char line[512];
    snprintf(line, sizeof(line), "Method '%s' is called for model instance '%s'",
             params->method_name, model);
    emit(context, line);
  }
}
