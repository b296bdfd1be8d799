/*
 * runtime_torchscript.c: the TorchScript runtime (runtime.h): model.pt through LibTorch
 * (torch_shim.h), Triton's default PyTorch runtime.
 *
 * Instance load, in Triton's order (pytorch-backend.md §2.4, §3): device from the instance kind;
 * load the module or reuse the model's shared one; read the method schema; check argument
 * types and count; choose the input and output naming conventions and validate the
 * resulting indices (duplicates and out-of-range indices are rejected here, where Triton
 * wrote out of bounds).
 */
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autocomplete.h"
#include "backend_util.h"

/* Weight-sharing key; KIND_MODEL gets its own key (Triton let it collide with CPU). */
static void sharing_key(const pt_instance_state *state, bool *is_gpu, int *device) {
  *is_gpu = state->kind == TRITONSERVER_INSTANCEGROUPKIND_GPU;
  *device = *is_gpu ? state->device_id
                    : (state->kind == TRITONSERVER_INSTANCEGROUPKIND_MODEL ? -2 : -1);
}

static TRITONSERVER_Error *load_module(pt_instance_state *state) {
  pt_model_state *model = state->model;
  ts_device_kind device_kind = TS_DEVICE_CPU;
  const char *where = "CPU";
  if (state->kind == TRITONSERVER_INSTANCEGROUPKIND_GPU) {
    device_kind = TS_DEVICE_CUDA;
    where = "GPU";
  } else if (state->kind == TRITONSERVER_INSTANCEGROUPKIND_MODEL) {
    device_kind = TS_DEVICE_AS_SAVED;
    where = "model-specified devices";
  }
  char *path = pt_model_artifact_path(model, "model.pt");
  const char *file = path != NULL ? strrchr(path, '/') + 1 : "model.pt";
  if (device_kind == TS_DEVICE_CUDA)
    PT_LOG_VERBOSE("Creating instance %s on GPU %d using artifact '%s'", state->name,
                   state->device_id, file);
  else
    PT_LOG_VERBOSE("Creating instance %s on %s using artifact '%s'", state->name, where, file);
  free(path);

  bool sharing = model->params.enable_weight_sharing == 1, is_gpu = false;
  int device = 0;
  sharing_key(state, &is_gpu, &device);
  if (sharing) {
    state->module = pt_model_shared_module(model, is_gpu, device);
    if (state->module != NULL) {
      PT_LOG_INFO("Reusing TorchScript model for instance '%s'", model->name);
      return NULL;
    }
  }
  TRITONSERVER_Error *error =
      pt_model_load_module(model, state->name, device_kind, state->device_id, &state->module);
  if (error == NULL && sharing) pt_model_share_module(model, is_gpu, device, state->module);
  return error;
}

/* Argument types (§3.1), with Optional[Tensor] accepted (our addition). */
static TRITONSERVER_Error *check_argument_types(pt_instance_state *state,
                                                const ts_schema *schema) {
  state->dict_mode = schema->arg_count == 1 && schema->args[0].kind == TS_ARG_TENSOR_DICT;
  if (state->dict_mode) return NULL;
  for (size_t i = 0; i < schema->arg_count; ++i) {
    ts_arg_kind kind = schema->args[i].kind;
    /* `is_causal: bool = False`: not fed by an input (check_input_kinds rejects that), so
     * the default is passed whatever its type. */
    if (schema->args[i].has_default && kind != TS_ARG_TENSOR_DICT) continue;
    bool is_dict = kind == TS_ARG_TENSOR_DICT || kind == TS_ARG_OTHER_DICT;
    if (is_dict && i > 0)
      return pt_triton_error(TRITONSERVER_ERROR_INTERNAL,
                             "Multiple inputs of kind DictType were detected. Only a single "
                             "input of type Dict(str, Tensor) is supported.");
    if (is_dict || kind == TS_ARG_OTHER)
      return pt_triton_error(TRITONSERVER_ERROR_INTERNAL,
                             "An input of type '%s' was detected in the model. Only a single "
                             "input of type Dict(str, Tensor) or input(s) of type Tensor are "
                             "supported.",
                             schema->args[i].type_text);
  }
  return NULL;
}

/* Each config input against the argument it feeds: strings need List[str], tensors need
 * Tensor or Optional[Tensor], and optional inputs need Optional[Tensor]. */
static TRITONSERVER_Error *check_input_kinds(const pt_instance_state *state,
                                             const ts_schema *schema) {
  const pt_model_config *config = &state->model->config;
  const char *method = state->model->params.method_name;
  for (size_t i = 0; i < config->input_count; ++i) {
    const pt_io_config *input = &config->inputs[i];
    const ts_arg *arg = &schema->args[state->feed_slots[i]];
    bool is_string = input->dtype == TS_DTYPE_BYTES;
    if (input->optional && arg->kind != TS_ARG_OPTIONAL_TENSOR)
      return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                             "'optional' is set to true for input '%s' while argument '%s' of "
                             "method '%s' of model '%s' has type '%s', not Optional[Tensor]",
                             input->name, arg->name, method, state->model->name, arg->type_text);
    if (is_string && arg->kind != TS_ARG_STRING_LIST)
      return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                             "input '%s' of model '%s' is TYPE_STRING, so argument '%s' of "
                             "method '%s' must be List[str], but it is '%s'",
                             input->name, state->model->name, arg->name, method, arg->type_text);
    if (!is_string && arg->kind != TS_ARG_TENSOR && arg->kind != TS_ARG_OPTIONAL_TENSOR)
      return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                             "input '%s' of model '%s' is %s, so argument '%s' of method '%s' "
                             "must be a Tensor, but it is '%s'",
                             input->name, state->model->name, input->dtype_name, arg->name,
                             method, arg->type_text);
  }
  return NULL;
}

/* Builds the feed list (config inputs, control inputs, state inputs). */
static TRITONSERVER_Error *make_feeds(pt_instance_state *state) {
  const pt_model_config *config = &state->model->config;
  state->feed_count = config->input_count + config->control_count + config->state_count;
  state->feeds = calloc(state->feed_count + 1, sizeof(pt_io_config));
  state->feed_slots = calloc(state->feed_count + 1, sizeof(int));
  if (state->feeds == NULL || state->feed_slots == NULL)
    return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  size_t k = 0;
  for (size_t i = 0; i < config->input_count; ++i) state->feeds[k++] = config->inputs[i];
  for (size_t i = 0; i < config->control_count; ++i) {
    state->feeds[k].name = config->controls[i].name;
    state->feeds[k++].dtype_name = config->controls[i].dtype_name;
  }
  for (size_t i = 0; i < config->state_count; ++i) {
    state->feeds[k].name = config->states[i].input_name;
    state->feeds[k++].dtype_name = config->states[i].dtype_name;
  }
  return NULL;
}

/* batch_input targets follow the convention the config inputs chose (§3.2); their names
 * are appended to `names` after the feeds, for the combined slot check. */
static TRITONSERVER_Error *map_batch_inputs(pt_instance_state *state, const ts_schema *schema,
                                           const char **names, const char **arg_names) {
  const pt_model_config *config = &state->model->config;
  state->batch_input_slots = calloc(config->batch_input_count + 1, sizeof(int));
  if (state->batch_input_slots == NULL)
    return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  for (size_t k = 0; k < config->batch_input_count; ++k) {
    const char *target = config->batch_inputs[k].target;
    names[state->feed_count + k] = target;
    int *slot = &state->batch_input_slots[k];
    *slot = -1;
    if (state->input_naming == PT_NAMING_FORWARD_ARGUMENT) {
      for (size_t a = 0; a < schema->arg_count; ++a)
        if (strcmp(arg_names[a], target) == 0) *slot = (int)a;
      if (*slot < 0)
        return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                               "batch_input '%s' of model '%s' is not an argument of method "
                               "'%s', while the inputs are named after its arguments",
                               target, state->model->name, state->model->params.method_name);
    } else if (state->input_naming == PT_NAMING_NAMED_INDEX) {
      if (!pt_named_index(target, slot, NULL))
        return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                               "batch_input '%s' of model '%s' does not follow the "
                               "<name>__<index> naming convention of the model's inputs",
                               target, state->model->name);
    } else {
      *slot = (int)(config->input_count + k);
    }
  }
  return NULL;
}

/* Arguments no feed or batch input maps to take their default value (our addition: Triton
 * needs one input per argument); one without a default fails the load. */
static TRITONSERVER_Error *mark_defaulted_arguments(pt_instance_state *state,
                                                   const ts_schema *schema) {
  const pt_model_config *config = &state->model->config;
  state->arg_takes_default = calloc(schema->arg_count + 1, sizeof(bool));
  if (state->arg_takes_default == NULL)
    return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  for (size_t a = 0; a < schema->arg_count; ++a) state->arg_takes_default[a] = true;
  for (size_t i = 0; i < state->feed_count; ++i)
    state->arg_takes_default[state->feed_slots[i]] = false;
  for (size_t k = 0; k < config->batch_input_count; ++k)
    state->arg_takes_default[state->batch_input_slots[k]] = false;
  for (size_t a = 0; a < schema->arg_count; ++a)
    if (state->arg_takes_default[a] && !schema->args[a].has_default)
      return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                             "unable to load model '%s': argument '%s' of method '%s' has no "
                             "default value and no input of the configuration feeds it",
                             state->model->name, schema->args[a].name,
                             state->model->params.method_name);
  return NULL;
}

static size_t required_argument_count(const ts_schema *schema) {
  size_t required = 0;
  for (size_t a = 0; a < schema->arg_count; ++a) required += !schema->args[a].has_default;
  return required;
}

static TRITONSERVER_Error *map_inputs(pt_instance_state *state, const ts_schema *schema) {
  const pt_model_config *config = &state->model->config;
  size_t expected = config->input_count + config->batch_input_count + config->control_count +
                    config->state_count;
  TRITONSERVER_Error *error = make_feeds(state);
  if (error != NULL || state->dict_mode) return error;
  size_t required = required_argument_count(schema);
  if (expected > schema->arg_count || expected < required) {
    if (required == schema->arg_count)
      return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                             "unable to load model '%s', configuration expects %zu inputs, "
                             "model provides %zu",
                             state->model->name, expected, schema->arg_count);
    return pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                           "unable to load model '%s', configuration expects %zu inputs, model "
                           "provides %zu (%zu without a default value)",
                           state->model->name, expected, schema->arg_count, required);
  }
  size_t name_count = state->feed_count + config->batch_input_count;
  const char **names = calloc(name_count + 1, sizeof(char *));
  const char **arg_names = calloc(schema->arg_count + 1, sizeof(char *));
  if (names == NULL || arg_names == NULL) {
    free(names);
    free(arg_names);
    return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  for (size_t i = 0; i < state->feed_count; ++i) names[i] = state->feeds[i].name;
  for (size_t i = 0; i < schema->arg_count; ++i) arg_names[i] = schema->args[i].name;
  char *warning = NULL;
  error = pt_to_triton(pt_map_inputs(state->model->name, names, config->input_count, arg_names,
                                     schema->arg_count, &state->input_naming, state->feed_slots,
                                     &warning));
  if (warning != NULL) PT_LOG_WARN("%s", warning);
  free(warning);
  /* control and state inputs carry their own <name>__<index> (checked by the config) */
  for (size_t i = config->input_count; error == NULL && i < state->feed_count; ++i)
    pt_named_index(names[i], &state->feed_slots[i], NULL);
  if (error == NULL) error = map_batch_inputs(state, schema, names, arg_names);
  if (error == NULL && name_count > config->input_count) {
    int *slots = calloc(name_count + 1, sizeof(int));
    if (slots == NULL) error = pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    for (size_t i = 0; error == NULL && i < name_count; ++i)
      slots[i] = i < state->feed_count ? state->feed_slots[i]
                                       : state->batch_input_slots[i - state->feed_count];
    if (error == NULL)
      error = pt_to_triton(pt_check_input_slots(state->model->name, names, name_count, slots,
                                                schema->arg_count));
    free(slots);
  }
  free(names);
  free(arg_names);
  if (error == NULL) error = mark_defaulted_arguments(state, schema);
  if (error == NULL) error = check_input_kinds(state, schema);
  return error;
}

static TRITONSERVER_Error *map_outputs(pt_instance_state *state) {
  const pt_model_config *config = &state->model->config;
  state->output_indices = calloc(config->output_count + 1, sizeof(int));
  const char **names = calloc(config->output_count + 1, sizeof(char *));
  if (state->output_indices == NULL || names == NULL) {
    free(names);
    return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  for (size_t i = 0; i < config->output_count; ++i) names[i] = config->outputs[i].name;
  char *warning = NULL;
  TRITONSERVER_Error *error =
      pt_to_triton(pt_map_outputs(state->model->name, names, config->output_count,
                                  &state->output_naming, state->output_indices, &warning));
  if (warning != NULL) PT_LOG_WARN("%s", warning);
  free(warning);
  free(names);
  /* Implicit state: the returned value <output_name>__<index> is stored after each run. */
  state->state_output_indices = calloc(config->state_count + 1, sizeof(int));
  if (error == NULL && state->state_output_indices == NULL)
    error = pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  for (size_t i = 0; error == NULL && i < config->state_count; ++i)
    pt_named_index(config->states[i].output_name, &state->state_output_indices[i], NULL);
  if (error == NULL && config->state_count > 0 &&
      (state->output_naming != PT_NAMING_NAMED_INDEX ||
       (config->input_count > 0 && state->input_naming != PT_NAMING_NAMED_INDEX)))
    error = pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                            "PyTorch model '%s' is using sequence batching with state but not "
                            "all inputs and outputs follow the <name>__<index> naming "
                            "convention. ",
                            state->model->name);
  return error;
}

static void set_run_options(pt_instance_state *state) {
  const pt_parameters *params = &state->model->params;
  state->run_options.inference_mode = params->inference_mode;
  state->run_options.optimized_execution = !params->disable_optimized_execution;
  state->run_options.cudnn_enabled = !params->disable_cudnn;
  state->run_options.tensor_fuser = params->enable_tensor_fuser;
  state->run_options.jit_profiling = params->enable_jit_profiling;
  state->run_options.jit_executor = params->enable_jit_executor;
  state->run_options.intra_op_threads = params->intra_op_thread_count;
  state->run_options.device_kind =
      state->kind == TRITONSERVER_INSTANCEGROUPKIND_GPU ? TS_DEVICE_CUDA : TS_DEVICE_CPU;
  state->run_options.device_index = state->device_id;
  state->run_options.streams = state->streams;
}

/* KIND_GPU: a stream of its own on its device. KIND_MODEL: one on every visible device,
 * since the model places its work itself (Triton's backend does the same). */
static TRITONSERVER_Error *create_streams(pt_instance_state *state) {
  int device_count = ts_cuda_device_count();
  if (state->kind == TRITONSERVER_INSTANCEGROUPKIND_CPU ||
      (state->kind == TRITONSERVER_INSTANCEGROUPKIND_MODEL && device_count == 0))
    return NULL;
  int *devices = calloc((size_t)device_count + 1, sizeof(int));
  if (devices == NULL) return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  size_t count = 0;
  if (state->kind == TRITONSERVER_INSTANCEGROUPKIND_GPU)
    devices[count++] = state->device_id;
  else
    for (int d = 0; d < device_count; ++d) devices[count++] = d;
  char *message = ts_streams_create(devices, count, &state->streams);
  free(devices);
  if (message == NULL) return NULL;
  TRITONSERVER_Error *error =
      pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "unable to create CUDA streams for instance '%s' of model '%s': %s",
                      state->name, state->model->name, message);
  free(message);
  return error;
}

static TRITONSERVER_Error *inspect_schema(pt_instance_state *state) {
  ts_schema *schema = NULL;
  char *message = ts_module_schema(state->module, state->model->params.method_name, &schema);
  if (message != NULL) {
    TRITONSERVER_Error *error = pt_triton_error(
        TRITONSERVER_ERROR_INVALID_ARG, "unable to load model '%s': %s", state->model->name,
        message);
    free(message);
    return error;
  }
  state->arg_count = schema->arg_count;
  state->arg_kinds = calloc(schema->arg_count + 1, sizeof(ts_arg_kind));
  TRITONSERVER_Error *error =
      state->arg_kinds == NULL ? pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory")
                               : NULL;
  for (size_t i = 0; error == NULL && i < schema->arg_count; ++i)
    state->arg_kinds[i] = schema->args[i].kind;
  if (error == NULL) error = check_argument_types(state, schema);
  if (error == NULL) error = map_inputs(state, schema);
  ts_schema_free(schema);
  return error;
}

static TRITONSERVER_Error *instance_load(pt_instance_state *state) {
  TRITONSERVER_Error *error = load_module(state);
  if (error == NULL) error = inspect_schema(state);
  if (error == NULL) error = map_outputs(state);
  if (error == NULL) error = create_streams(state);
  if (error == NULL) set_run_options(state);
  return error;
}

static void instance_free(pt_instance_state *state) {
  ts_module_unref(state->module);
  state->module = NULL;
  ts_streams_free(state->streams);
  state->streams = NULL;
  if (state->kind != TRITONSERVER_INSTANCEGROUPKIND_CPU) ts_empty_cuda_cache();
  free(state->arg_kinds);
  state->arg_kinds = NULL;
}

/* ---- running ---- */

typedef struct {
  pt_result base;
  ts_result *result;
} ts_batch_result;

static char *result_output(pt_result *self, size_t index, ts_output *out) {
  return ts_result_output(((ts_batch_result *)self)->result, index, out);
}

static void result_release(pt_result *self) {
  ts_result_free(((ts_batch_result *)self)->result);
  free(self);
}

/* Runs the method over batch->args (dict mode: one Dict[str, Tensor] keyed by feed and
 * batch_input names). */
static TRITONSERVER_Error *run(pt_instance_state *instance, pt_batch *batch,
                               pt_result **result_out) {
  *result_out = NULL;
  const char **keys = NULL;
  if (instance->dict_mode) {
    const pt_model_config *config = &instance->model->config;
    keys = pt_batch_calloc(batch, batch->arg_count + 1, sizeof(char *));
    if (keys == NULL) return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    for (size_t i = 0; i < instance->feed_count; ++i) keys[i] = instance->feeds[i].name;
    for (size_t k = 0; k < config->batch_input_count; ++k)
      keys[instance->feed_count + k] = config->batch_inputs[k].target;
  }
  ts_batch_result *wrapped = calloc(1, sizeof(*wrapped));
  if (wrapped == NULL) return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  char *message = ts_module_run(instance->module, instance->model->params.method_name,
                                &instance->run_options, batch->args, batch->arg_count,
                                (const char *const *)keys, &wrapped->result);
  if (message != NULL) {
    free(wrapped);
    TRITONSERVER_Error *error =
        pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "PyTorch execute failure: %s", message);
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

/* Model-wide: auto-complete inputs/outputs from the method schema when allowed. */
static TRITONSERVER_Error *model_load(pt_model_state *model) {
  return pt_autocomplete_config(model);
}

static void model_free(pt_model_state *model) { (void)model; }

const pt_runtime pt_torchscript_runtime = {
    .name = "TorchScript",
    .uses_pt_parameters = true,
    .model_load = model_load,
    .instance_load = instance_load,
    .run = run,
    .instance_free = instance_free,
    .model_free = model_free,
};
