/*
 * model_config.c — ModelConfig lifecycle (new/free/clone/equal) and the small lookups and
 * data-type helpers the core uses on hot paths. The generic work is in config_message.c.
 */
#include "model_config.h"

#include <stdlib.h>
#include <string.h>

#include "config_alloc.h"
#include "config_message.h"
#include "config_schema.h"

ModelConfig *model_config_new(void) {
  ModelConfig *config = cfg_malloc(sizeof *config);
  msg_init(&model_config_desc, config);
  return config;
}

void model_config_free(ModelConfig *config) {
  if (config == NULL) {
    return;
  }
  msg_clear(&model_config_desc, config);
  free(config);
}

ModelConfig *model_config_clone(const ModelConfig *config) {
  ModelConfig *copy = cfg_malloc(sizeof *copy);
  msg_copy(&model_config_desc, copy, config);
  return copy;
}

bool model_config_equal(const ModelConfig *a, const ModelConfig *b) {
  return msg_equal(&model_config_desc, a, b);
}

const ModelInput *model_config_find_input(const ModelConfig *config, const char *name) {
  for (size_t i = 0; i < config->input.count; i++) {
    if (strcmp(config->input.items[i].name, name) == 0) {
      return &config->input.items[i];
    }
  }
  return NULL;
}

const ModelOutput *model_config_find_output(const ModelConfig *config, const char *name) {
  for (size_t i = 0; i < config->output.count; i++) {
    if (strcmp(config->output.items[i].name, name) == 0) {
      return &config->output.items[i];
    }
  }
  return NULL;
}

const char *model_config_parameter(const ModelConfig *config, const char *key) {
  for (size_t i = 0; i < config->parameters.count; i++) {
    if (strcmp(config->parameters.items[i].key, key) == 0) {
      return config->parameters.items[i].value.string_value;
    }
  }
  return NULL;
}

int64_t model_dims_element_count(const int64_t *dims, size_t count) {
  int64_t total = 1;
  bool saturated = false;
  for (size_t i = 0; i < count; i++) {
    if (dims[i] < 0) {
      return -1;
    }
    if (dims[i] != 0 && total > INT64_MAX / dims[i]) {
      saturated = true;
    } else {
      total *= dims[i];
    }
  }
  return saturated && total != 0 ? INT64_MAX : total;
}

/* Protocol names, indexed by ModelDataType. */
static const char *const protocol_names[] = {NULL,    "BOOL",  "UINT8", "UINT16", "UINT32",
                                             "UINT64", "INT8", "INT16", "INT32",  "INT64",
                                             "FP16",  "FP32",  "FP64",  "BYTES",  "BF16"};
static const size_t byte_sizes[] = {0, 1, 1, 2, 4, 8, 1, 2, 4, 8, 2, 4, 8, 0, 2};

static bool valid_type(ModelDataType type) {
  return (int)type >= MODEL_TYPE_BOOL && (int)type <= MODEL_TYPE_BF16;
}

const char *model_data_type_name(ModelDataType type) {
  return schema_enum_name(&data_type_enum_desc, (int32_t)type);
}

ModelDataType model_data_type_from_name(const char *name) {
  int32_t value;
  if (name != NULL && schema_enum_value(&data_type_enum_desc, name, strlen(name), &value)) {
    return (ModelDataType)value;
  }
  return MODEL_TYPE_INVALID;
}

const char *model_data_type_protocol_name(ModelDataType type) {
  return valid_type(type) ? protocol_names[type] : "<invalid>";
}

ModelDataType model_data_type_from_protocol_name(const char *name) {
  for (int t = MODEL_TYPE_BOOL; name != NULL && t <= MODEL_TYPE_BF16; t++) {
    if (strcmp(protocol_names[t], name) == 0) {
      return (ModelDataType)t;
    }
  }
  return MODEL_TYPE_INVALID;
}

size_t model_data_type_byte_size(ModelDataType type) {
  return valid_type(type) ? byte_sizes[type] : 0;
}

const char *model_instance_kind_name(ModelInstanceKind kind) {
  return schema_enum_name(&instance_kind_enum_desc, (int32_t)kind);
}
