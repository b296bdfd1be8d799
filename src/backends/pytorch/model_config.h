/*
 * model_config.h: the parts of a model's configuration the PyTorch backend uses, read from
 * the JSON that TRITONBACKEND_ModelConfig returns (triton-api.md §3.4), and their
 * load-time validation (pytorch-backend.md §3.1, §3.4).
 *
 * Why it exists: execute and instance code should work on plain C structs, not walk JSON
 * on every request; and validation with Triton's exact messages is testable here without
 * a server or LibTorch.
 */
#ifndef TORCHD_PYTORCH_MODEL_CONFIG_H
#define TORCHD_PYTORCH_MODEL_CONFIG_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt_error.h"

typedef struct {
  char *name;
  int dtype;               /* TRITONSERVER_DataType number; 0 when unknown */
  char *dtype_name;        /* as written, e.g. "TYPE_UINT32" */
  int64_t *dims;
  size_t dims_count;
  bool has_reshape;
  int64_t *reshape;
  size_t reshape_count;
  bool allow_ragged_batch; /* inputs only */
  bool optional;           /* inputs only */
} pt_io_config;

/* One sequence_batching control input (START/END/READY/CORRID...). */
typedef struct {
  char *name;
  char *kind;              /* "CONTROL_SEQUENCE_START", ... */
  char *dtype_name;        /* CORRID's data_type, else "" */
} pt_control_config;

typedef struct {
  char *input_name, *output_name, *dtype_name;
} pt_state_config;

/* One batch_input (ragged batching helper computed by the backend, §4.5). */
typedef struct {
  char *kind;    /* "BATCH_ELEMENT_COUNT", ... */
  char *target;  /* first target_name: the forward argument it feeds */
  char *source;  /* first source_input */
  int dtype;     /* data_type as a TRITONSERVER_DataType number */
  char *dtype_name;
} pt_batch_input;

typedef struct {
  struct json_object *root;   /* the whole config (owned) */
  const char *name;           /* borrowed from root */
  int max_batch_size;
  pt_io_config *inputs;
  size_t input_count;
  pt_io_config *outputs;
  size_t output_count;
  size_t batch_input_count;
  pt_batch_input *batch_inputs;
  size_t batch_output_count;
  char **batch_output_targets;   /* BATCH_SCATTER_WITH_INPUT_SHAPE target output names */
  char **batch_output_sources;   /* ... and the source input each follows */
  pt_control_config *controls;
  size_t control_count;
  pt_state_config *states;
  size_t state_count;
  const char *default_model_filename; /* borrowed from root; "" when unset */
  struct json_object *parameters;     /* borrowed from root; NULL when absent */
} pt_model_config;

/* Parses `size` bytes of config JSON. On success the caller owns *config and releases it
 * with pt_model_config_free. */
pt_error *pt_model_config_parse(const char *json, size_t size, pt_model_config *config);
void pt_model_config_free(pt_model_config *config);

/* Load-time checks that need no model: at least one input and output, every data type
 * supported (Triton's "unsupported datatype" messages; BF16 is accepted), strings 1-D,
 * sequence control inputs named <name>__<index> with a supported CORRID type. */
pt_error *pt_model_config_validate(const pt_model_config *config);

/* Index of a batch_input kind: 0 BATCH_ELEMENT_COUNT, 1 BATCH_ACCUMULATED_ELEMENT_COUNT,
 * 2 ..._WITH_ZERO, 3 BATCH_MAX_ELEMENT_COUNT_AS_SHAPE, 4 BATCH_ITEM_SHAPE,
 * 5 BATCH_ITEM_SHAPE_FLATTEN; -1 when unknown. */
int pt_batch_input_kind(const char *kind);

/* Index of the batch_output whose target is output `name`, or -1. */
int pt_model_config_find_batch_output(const pt_model_config *config, const char *name);

/* Index of the input/output named `name`, or -1. */
int pt_model_config_find_input(const pt_model_config *config, const char *name);
int pt_model_config_find_output(const pt_model_config *config, const char *name);

#endif
