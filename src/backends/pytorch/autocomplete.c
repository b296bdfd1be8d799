/*
 * autocomplete.c: filling in a model config's inputs/outputs from the TorchScript schema
 * (see autocomplete.h).
 */
#include "autocomplete.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_util.h"

/* {"name":..,"data_type":..,"dims":[-1]} plus, for a batched string, reshape to [] with
 * dims [1] (Triton's only batched string layout). */
static struct json_object *tensor_entry(const char *name, bool is_string, bool batching,
                                        bool optional, bool is_input) {
  struct json_object *entry = json_object_new_object();
  json_object_object_add(entry, "name", json_object_new_string(name));
  json_object_object_add(entry, "data_type",
                         json_object_new_string(is_string ? "TYPE_STRING" : "TYPE_FP32"));
  struct json_object *dims = json_object_new_array();
  json_object_array_add(dims, json_object_new_int64(is_string && batching ? 1 : -1));
  json_object_object_add(entry, "dims", dims);
  if (is_string && batching) {
    struct json_object *reshape = json_object_new_object();
    json_object_object_add(reshape, "shape", json_object_new_array());
    json_object_object_add(entry, "reshape", reshape);
  }
  if (is_input && optional) json_object_object_add(entry, "optional", json_object_new_boolean(1));
  return entry;
}

static TRITONSERVER_Error *complete_inputs(pt_model_state *state, const ts_schema *schema,
                                           struct json_object *inputs) {
  bool batching = state->config.max_batch_size > 0;
  for (size_t i = 0; i < schema->arg_count; ++i) {
    const ts_arg *arg = &schema->args[i];
    bool is_string = arg->kind == TS_ARG_STRING_LIST;
    bool is_tensor = arg->kind == TS_ARG_TENSOR || arg->kind == TS_ARG_OPTIONAL_TENSOR;
    if (!is_tensor && !is_string && arg->has_default) continue; /* `is_causal: bool = False` */
    if (arg->kind != TS_ARG_TENSOR && arg->kind != TS_ARG_OPTIONAL_TENSOR && !is_string)
      return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                             "unable to auto-complete the inputs of model '%s': argument '%s' "
                             "of method '%s' has type '%s', expected Tensor, Optional[Tensor] "
                             "or List[str]; list the inputs in the model configuration",
                             state->name, arg->name, state->params.method_name, arg->type_text);
    json_object_array_add(inputs, tensor_entry(arg->name, is_string, batching,
                                               arg->kind == TS_ARG_OPTIONAL_TENSOR, true));
    if (!is_string)
      PT_LOG_WARN("auto-complete declared input '%s' of model '%s' as TYPE_FP32 with dims [-1]: "
                  "TorchScript signatures carry no data type; set it in the config if different",
                  arg->name, state->name);
  }
  return NULL;
}

static TRITONSERVER_Error *complete_outputs(pt_model_state *state, const ts_schema *schema,
                                            struct json_object *outputs) {
  bool batching = state->config.max_batch_size > 0;
  for (size_t i = 0; i < schema->return_count; ++i) {
    ts_arg_kind kind = schema->return_kinds[i];
    if (kind != TS_ARG_TENSOR && kind != TS_ARG_STRING_LIST)
      return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                             "unable to auto-complete the outputs of model '%s': method '%s' "
                             "returns '%s', and only Tensor, List[str] or a tuple of them can "
                             "be described without the config; list the outputs in the model "
                             "configuration",
                             state->name, state->params.method_name, schema->return_text);
    char name[32];
    snprintf(name, sizeof(name), "OUTPUT__%zu", i);
    json_object_array_add(outputs, tensor_entry(name, kind == TS_ARG_STRING_LIST, batching,
                                                false, false));
    if (kind == TS_ARG_TENSOR)
      PT_LOG_WARN("auto-complete declared output '%s' of model '%s' as TYPE_FP32 with dims [-1]: "
                  "TorchScript signatures carry no data type; set it in the config if different",
                  name, state->name);
  }
  return NULL;
}

/* Sends the completed JSON to the server and re-reads it into state->config. */
static TRITONSERVER_Error *install_config(pt_model_state *state) {
  const char *json = json_object_to_json_string_ext(state->config.root, JSON_C_TO_STRING_PLAIN);
  TRITONSERVER_Message *message = NULL;
  TRITONSERVER_Error *error = TRITONSERVER_MessageNewFromSerializedJson(&message, json,
                                                                        strlen(json));
  if (error == NULL) {
    error = TRITONBACKEND_ModelSetConfig(state->model, 1, message);
    TRITONSERVER_MessageDelete(message);
  }
  if (error != NULL) return error;
  pt_model_config completed;
  error = pt_to_triton(pt_model_config_parse(json, strlen(json), &completed));
  if (error != NULL) return error;
  pt_model_config_free(&state->config);
  state->config = completed;
  return NULL;
}

TRITONSERVER_Error *pt_autocomplete_config(pt_model_state *state) {
  bool allowed = false;
  TRITONSERVER_Error *error = TRITONBACKEND_ModelAutoCompleteConfig(state->model, &allowed);
  if (error != NULL) return error;
  bool need_inputs = state->config.input_count == 0 && state->config.batch_input_count == 0;
  bool need_outputs = state->config.output_count == 0;
  if (!allowed || (!need_inputs && !need_outputs)) return NULL;

  ts_module *module = NULL;
  error = pt_model_load_module(state, state->name, TS_DEVICE_CPU, 0, &module);
  if (error != NULL) return error;
  ts_schema *schema = NULL;
  char *message = ts_module_schema(module, state->params.method_name, &schema);
  ts_module_unref(module);
  if (message != NULL) {
    error = pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                            "unable to auto-complete model '%s': %s", state->name, message);
    free(message);
    return error;
  }
  if (need_inputs) {
    struct json_object *inputs = json_object_new_array();
    json_object_object_add(state->config.root, "input", inputs);
    error = complete_inputs(state, schema, inputs);
  }
  if (error == NULL && need_outputs) {
    struct json_object *outputs = json_object_new_array();
    json_object_object_add(state->config.root, "output", outputs);
    error = complete_outputs(state, schema, outputs);
  }
  ts_schema_free(schema);
  if (error == NULL) error = install_config(state);
  if (error == NULL)
    PT_LOG_INFO("auto-completed the %s%s%s of model '%s' from its TorchScript schema",
                need_inputs ? "inputs" : "", need_inputs && need_outputs ? " and " : "",
                need_outputs ? "outputs" : "", state->name);
  return error;
}
