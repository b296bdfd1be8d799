/*
 * model_config.c: reading and validating the model configuration JSON
 * (see model_config.h).
 */
#include "model_config.h"

#include <stdlib.h>
#include <string.h>

#include "dtypes.h"
#include "io_names.h"

static struct json_object *member(struct json_object *object, const char *key) {
  struct json_object *value = NULL;
  if (object == NULL || !json_object_object_get_ex(object, key, &value)) return NULL;
  return value;
}

static const char *member_string(struct json_object *object, const char *key) {
  struct json_object *value = member(object, key);
  return value != NULL && json_object_is_type(value, json_type_string)
             ? json_object_get_string(value)
             : "";
}

static char *dup_member_string(struct json_object *object, const char *key) {
  return strdup(member_string(object, key));
}

static pt_error *read_int64_array(struct json_object *array, int64_t **values, size_t *count) {
  *values = NULL;
  *count = 0;
  if (array == NULL || !json_object_is_type(array, json_type_array)) return NULL;
  size_t length = json_object_array_length(array);
  *values = calloc(length + 1, sizeof(int64_t));
  if (*values == NULL) return pt_error_new(PT_ERR_INTERNAL, "out of memory reading dims");
  for (size_t i = 0; i < length; ++i)
    (*values)[i] = json_object_get_int64(json_object_array_get_idx(array, i));
  *count = length;
  return NULL;
}

static pt_error *read_io(struct json_object *entry, pt_io_config *io) {
  io->name = dup_member_string(entry, "name");
  io->dtype_name = dup_member_string(entry, "data_type");
  if (io->name == NULL || io->dtype_name == NULL)
    return pt_error_new(PT_ERR_INTERNAL, "out of memory reading the model configuration");
  io->dtype = pt_dtype_from_config_name(io->dtype_name);
  io->allow_ragged_batch = json_object_get_boolean(member(entry, "allow_ragged_batch"));
  io->optional = json_object_get_boolean(member(entry, "optional"));
  pt_error *error = read_int64_array(member(entry, "dims"), &io->dims, &io->dims_count);
  struct json_object *reshape = member(entry, "reshape");
  if (error == NULL && reshape != NULL) {
    io->has_reshape = true;
    error = read_int64_array(member(reshape, "shape"), &io->reshape, &io->reshape_count);
  }
  return error;
}

static pt_error *read_io_list(struct json_object *root, const char *key, pt_io_config **ios,
                              size_t *count) {
  struct json_object *array = member(root, key);
  *count = array != NULL && json_object_is_type(array, json_type_array)
               ? json_object_array_length(array)
               : 0;
  *ios = calloc(*count + 1, sizeof(pt_io_config));
  if (*ios == NULL) return pt_error_new(PT_ERR_INTERNAL, "out of memory reading '%s'", key);
  for (size_t i = 0; i < *count; ++i) {
    pt_error *error = read_io(json_object_array_get_idx(array, i), &(*ios)[i]);
    if (error != NULL) return error;
  }
  return NULL;
}

static pt_error *read_sequence(struct json_object *root, pt_model_config *config) {
  struct json_object *sequence = member(root, "sequence_batching");
  struct json_object *controls = member(sequence, "control_input");
  size_t count = controls != NULL ? json_object_array_length(controls) : 0;
  config->controls = calloc(count + 1, sizeof(pt_control_config));
  if (config->controls == NULL) return pt_error_new(PT_ERR_INTERNAL, "out of memory");
  for (size_t i = 0; i < count; ++i) {
    struct json_object *entry = json_object_array_get_idx(controls, i);
    struct json_object *kinds = member(entry, "control");
    struct json_object *first = kinds != NULL && json_object_array_length(kinds) > 0
                                    ? json_object_array_get_idx(kinds, 0)
                                    : NULL;
    pt_control_config *control = &config->controls[config->control_count++];
    control->name = dup_member_string(entry, "name");
    control->kind = dup_member_string(first, "kind");
    control->dtype_name = dup_member_string(first, "data_type");
  }
  struct json_object *states = member(sequence, "state");
  count = states != NULL ? json_object_array_length(states) : 0;
  config->states = calloc(count + 1, sizeof(pt_state_config));
  if (config->states == NULL) return pt_error_new(PT_ERR_INTERNAL, "out of memory");
  for (size_t i = 0; i < count; ++i) {
    struct json_object *entry = json_object_array_get_idx(states, i);
    pt_state_config *state = &config->states[config->state_count++];
    state->input_name = dup_member_string(entry, "input_name");
    state->output_name = dup_member_string(entry, "output_name");
    state->dtype_name = dup_member_string(entry, "data_type");
  }
  return NULL;
}

static char *first_string(struct json_object *entry, const char *key) {
  struct json_object *array = member(entry, key);
  struct json_object *first = array != NULL && json_object_is_type(array, json_type_array) &&
                                      json_object_array_length(array) > 0
                                  ? json_object_array_get_idx(array, 0)
                                  : NULL;
  return strdup(first != NULL ? json_object_get_string(first) : "");
}

static pt_error *read_batch_inputs(struct json_object *root, pt_model_config *config) {
  struct json_object *batch_inputs = member(root, "batch_input");
  size_t count = batch_inputs != NULL ? json_object_array_length(batch_inputs) : 0;
  config->batch_inputs = calloc(count + 1, sizeof(pt_batch_input));
  if (config->batch_inputs == NULL) return pt_error_new(PT_ERR_INTERNAL, "out of memory");
  for (size_t i = 0; i < count; ++i) {
    struct json_object *entry = json_object_array_get_idx(batch_inputs, i);
    pt_batch_input *batch_input = &config->batch_inputs[config->batch_input_count++];
    batch_input->kind = dup_member_string(entry, "kind");
    batch_input->target = first_string(entry, "target_name");
    batch_input->source = first_string(entry, "source_input");
    batch_input->dtype_name = dup_member_string(entry, "data_type");
    if (!batch_input->kind || !batch_input->target || !batch_input->source ||
        !batch_input->dtype_name)
      return pt_error_new(PT_ERR_INTERNAL, "out of memory");
    batch_input->dtype = pt_dtype_from_config_name(batch_input->dtype_name);
  }
  struct json_object *batch_outputs = member(root, "batch_output");
  count = batch_outputs != NULL ? json_object_array_length(batch_outputs) : 0;
  config->batch_output_targets = calloc(count + 1, sizeof(char *));
  config->batch_output_sources = calloc(count + 1, sizeof(char *));
  if (config->batch_output_targets == NULL || config->batch_output_sources == NULL)
    return pt_error_new(PT_ERR_INTERNAL, "out of memory");
  for (size_t i = 0; i < count; ++i) {
    struct json_object *entry = json_object_array_get_idx(batch_outputs, i);
    config->batch_output_targets[i] = first_string(entry, "target_name");
    config->batch_output_sources[i] = first_string(entry, "source_input");
    config->batch_output_count = i + 1;
    if (config->batch_output_targets[i] == NULL || config->batch_output_sources[i] == NULL)
      return pt_error_new(PT_ERR_INTERNAL, "out of memory");
  }
  return NULL;
}

int pt_model_config_find_batch_output(const pt_model_config *config, const char *name) {
  for (size_t i = 0; i < config->batch_output_count; ++i)
    if (strcmp(config->batch_output_targets[i], name) == 0) return (int)i;
  return -1;
}

pt_error *pt_model_config_parse(const char *json, size_t size, pt_model_config *config) {
  memset(config, 0, sizeof(*config));
  struct json_tokener *tokener = json_tokener_new();
  if (tokener == NULL) return pt_error_new(PT_ERR_INTERNAL, "out of memory parsing config");
  config->root = json_tokener_parse_ex(tokener, json, (int)size);
  enum json_tokener_error parse_error = json_tokener_get_error(tokener);
  json_tokener_free(tokener);
  if (config->root == NULL || parse_error != json_tokener_success ||
      !json_object_is_type(config->root, json_type_object)) {
    pt_model_config_free(config);
    return pt_error_new(PT_ERR_INTERNAL, "model configuration is not a JSON object: %s",
                        json_tokener_error_desc(parse_error));
  }
  config->name = member_string(config->root, "name");
  config->max_batch_size = json_object_get_int(member(config->root, "max_batch_size"));
  config->default_model_filename = member_string(config->root, "default_model_filename");
  config->parameters = member(config->root, "parameters");
  pt_error *error = read_io_list(config->root, "input", &config->inputs, &config->input_count);
  if (error == NULL)
    error = read_io_list(config->root, "output", &config->outputs, &config->output_count);
  if (error == NULL) error = read_batch_inputs(config->root, config);
  if (error == NULL) error = read_sequence(config->root, config);
  if (error != NULL) pt_model_config_free(config);
  return error;
}

static void free_ios(pt_io_config *ios, size_t count) {
  for (size_t i = 0; ios != NULL && i < count; ++i) {
    free(ios[i].name);
    free(ios[i].dtype_name);
    free(ios[i].dims);
    free(ios[i].reshape);
  }
  free(ios);
}

void pt_model_config_free(pt_model_config *config) {
  free_ios(config->inputs, config->input_count);
  free_ios(config->outputs, config->output_count);
  for (size_t i = 0; i < config->batch_input_count; ++i) {
    free(config->batch_inputs[i].kind);
    free(config->batch_inputs[i].target);
    free(config->batch_inputs[i].source);
    free(config->batch_inputs[i].dtype_name);
  }
  free(config->batch_inputs);
  for (size_t i = 0; i < config->batch_output_count; ++i) {
    free(config->batch_output_targets[i]);
    free(config->batch_output_sources[i]);
  }
  free(config->batch_output_targets);
  free(config->batch_output_sources);
  for (size_t i = 0; i < config->control_count; ++i) {
    free(config->controls[i].name);
    free(config->controls[i].kind);
    free(config->controls[i].dtype_name);
  }
  free(config->controls);
  for (size_t i = 0; i < config->state_count; ++i) {
    free(config->states[i].input_name);
    free(config->states[i].output_name);
    free(config->states[i].dtype_name);
  }
  free(config->states);
  if (config->root != NULL) json_object_put(config->root);
  memset(config, 0, sizeof(*config));
}

/* Triton's 1-D rule for strings: dims (or reshape) plus the batch dim is at most 1-D. */
static bool string_shape_ok(const pt_model_config *config, const pt_io_config *io) {
  size_t dims = io->has_reshape ? io->reshape_count : io->dims_count;
  return dims + (config->max_batch_size > 0 ? 1 : 0) <= 1;
}

static pt_error *validate_ios(const pt_model_config *config, const pt_io_config *ios,
                              size_t count, const char *kind) {
  for (size_t i = 0; i < count; ++i) {
    const pt_io_config *io = &ios[i];
    if (!pt_dtype_supported(io->dtype))
      return pt_error_new(PT_ERR_INTERNAL, "unsupported datatype %s for %s '%s' for model '%s'",
                          io->dtype_name, kind, io->name, config->name);
    if (io->dtype == 13 && !string_shape_ok(config, io))
      return pt_error_new(PT_ERR_INTERNAL,
                          "Triton only supports 1 dimensional List of String as %s for '%s' "
                          "for model '%s'",
                          kind, io->name, config->name);
  }
  return NULL;
}

static const char *const batch_input_kinds[] = {
    "BATCH_ELEMENT_COUNT", "BATCH_ACCUMULATED_ELEMENT_COUNT",
    "BATCH_ACCUMULATED_ELEMENT_COUNT_WITH_ZERO", "BATCH_MAX_ELEMENT_COUNT_AS_SHAPE",
    "BATCH_ITEM_SHAPE", "BATCH_ITEM_SHAPE_FLATTEN"};

int pt_batch_input_kind(const char *kind) {
  for (int i = 0; i < (int)(sizeof(batch_input_kinds) / sizeof(batch_input_kinds[0])); ++i)
    if (strcmp(kind, batch_input_kinds[i]) == 0) return i;
  return -1;
}

static pt_error *validate_batch_input(const pt_model_config *config,
                                      const pt_batch_input *batch_input) {
  if (pt_batch_input_kind(batch_input->kind) < 0)
    return pt_error_new(PT_ERR_INVALID_ARG,
                        "batch_input '%s' of model '%s' has kind '%s', expected one of "
                        "BATCH_ELEMENT_COUNT, BATCH_ACCUMULATED_ELEMENT_COUNT, "
                        "BATCH_ACCUMULATED_ELEMENT_COUNT_WITH_ZERO, "
                        "BATCH_MAX_ELEMENT_COUNT_AS_SHAPE, BATCH_ITEM_SHAPE, "
                        "BATCH_ITEM_SHAPE_FLATTEN",
                        batch_input->target, config->name, batch_input->kind);
  if (!pt_dtype_supported(batch_input->dtype) || batch_input->dtype == 13)
    return pt_error_new(PT_ERR_INTERNAL, "unsupported datatype %s for batch_input '%s' for model '%s'",
                        batch_input->dtype_name, batch_input->target, config->name);
  if (pt_model_config_find_input(config, batch_input->source) < 0)
    return pt_error_new(PT_ERR_INVALID_ARG,
                        "batch_input '%s' of model '%s' has source_input '%s', which is not an "
                        "input of the model",
                        batch_input->target, config->name, batch_input->source);
  return NULL;
}

pt_error *pt_model_config_validate(const pt_model_config *config) {
  if (config->input_count == 0 && config->batch_input_count == 0)
    return pt_error_new(PT_ERR_INVALID_ARG,
                        "model configuration must contain at least one input, none were "
                        "specified.");
  if (config->output_count == 0)
    return pt_error_new(PT_ERR_INVALID_ARG,
                        "model configuration must contain at least one output, none were "
                        "specified.");
  pt_error *error = validate_ios(config, config->inputs, config->input_count, "input");
  if (error == NULL) error = validate_ios(config, config->outputs, config->output_count, "output");
  for (size_t i = 0; error == NULL && i < config->batch_input_count; ++i)
    error = validate_batch_input(config, &config->batch_inputs[i]);
  for (size_t i = 0; error == NULL && i < config->batch_output_count; ++i) {
    int output = pt_model_config_find_output(config, config->batch_output_targets[i]);
    if (output < 0 || pt_model_config_find_input(config, config->batch_output_sources[i]) < 0)
      return pt_error_new(PT_ERR_INVALID_ARG,
                          "batch_output of model '%s' must name an output of the model as "
                          "target_name and an input as source_input, got '%s' and '%s'",
                          config->name, config->batch_output_targets[i],
                          config->batch_output_sources[i]);
    if (config->outputs[output].dtype == 13)
      return pt_error_new(PT_ERR_INVALID_ARG,
                          "batch_output '%s' of model '%s' is TYPE_STRING, which batch outputs "
                          "do not support",
                          config->batch_output_targets[i], config->name);
  }
  for (size_t i = 0; error == NULL && i < config->control_count; ++i) {
    const pt_control_config *control = &config->controls[i];
    int index = 0;
    if (!pt_named_index(control->name, &index, NULL))
      return pt_error_new(PT_ERR_INTERNAL,
                          "input '%s' does not follow <name>__<index> naming convention.",
                          control->name);
    if (strcmp(control->kind, "CONTROL_SEQUENCE_CORRID") == 0) {
      int dtype = pt_dtype_from_config_name(control->dtype_name);
      if (!pt_dtype_supported(dtype) || dtype == 13)
        return pt_error_new(PT_ERR_INTERNAL, "input '%s' type '%s' is not supported by PyTorch.",
                            control->name, control->dtype_name);
    }
  }
  for (size_t i = 0; error == NULL && i < config->state_count; ++i) {
    const pt_state_config *state = &config->states[i];
    if (!pt_dtype_supported(pt_dtype_from_config_name(state->dtype_name)))
      return pt_error_new(PT_ERR_INTERNAL,
                          "unsupported datatype %s for input state '%s' for model '%s'",
                          state->dtype_name, state->input_name, config->name);
    int index = 0;
    if (!pt_named_index(state->input_name, &index, NULL) ||
        !pt_named_index(state->output_name, &index, NULL))
      return pt_error_new(PT_ERR_INVALID_ARG,
                          "PyTorch model '%s' is using sequence batching with state but state "
                          "'%s' does not follow the <name>__<index> naming convention. ",
                          config->name, state->input_name);
  }
  return error;
}

static int find_io(const pt_io_config *ios, size_t count, const char *name) {
  for (size_t i = 0; i < count; ++i)
    if (strcmp(ios[i].name, name) == 0) return (int)i;
  return -1;
}

int pt_model_config_find_input(const pt_model_config *config, const char *name) {
  return find_io(config->inputs, config->input_count, name);
}

int pt_model_config_find_output(const pt_model_config *config, const char *name) {
  return find_io(config->outputs, config->output_count, name);
}
