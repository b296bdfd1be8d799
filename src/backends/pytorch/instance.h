/*
 * instance.h: the per-instance state of the PyTorch backend.
 *
 * Why it exists: each instance holds what its runtime runs (runtime.h) and the
 * input/output mapping worked out from the config (and, for TorchScript, the method
 * schema) at load time, so execute only follows tables. The fields up to `streams` are
 * read by the shared batch path; `module`, `arg_kinds` and the namings are the TorchScript
 * runtime's; other runtimes keep theirs in runtime_data.
 */
#ifndef TORCHD_PYTORCH_INSTANCE_H
#define TORCHD_PYTORCH_INSTANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "io_names.h"
#include "model.h"
#include "torch_shim.h"
#include "triton/core/tritonbackend.h"

typedef struct pt_runtime pt_runtime;

typedef struct pt_instance_state {
  pt_model_state *model;
  TRITONBACKEND_ModelInstance *instance;
  char *name;                 /* owned */
  TRITONSERVER_InstanceGroupKind kind;
  int device_id;
  ts_module *module;          /* one reference owned */
  bool dict_mode;             /* the method takes one Dict[str, Tensor] */
  size_t arg_count;           /* method arguments (self excluded) */
  ts_arg_kind *arg_kinds;     /* kind of each argument (owned) */
  bool *arg_takes_default;    /* per argument: no feed maps to it, its default is passed
                                 (owned; all false in dict mode) */
  /* What execute gathers from each request, in this order: the config inputs, then the
   * sequence control inputs, then the implicit-state inputs (both added to requests by
   * the core's sequence batcher). Entries borrow their names from the model config. */
  pt_io_config *feeds;        /* owned array */
  int *feed_slots;            /* per feed: argument slot (dict mode: unused) */
  size_t feed_count;
  int *batch_input_slots;     /* per batch_input: argument slot (owned) */
  int *output_indices;        /* per config output: returned value index (owned) */
  int *state_output_indices;  /* per sequence state: returned value index (owned) */
  pt_naming input_naming, output_naming;
  ts_run_options run_options;
  ts_streams *streams;        /* KIND_GPU: one on its device; KIND_MODEL: one per visible
                                 device; NULL for KIND_CPU (owned) */
  void *runtime_data;         /* the AOTI/Python runtime's own state (owned by it) */
} pt_instance_state;

/* Creates the state of `instance` of `model`: name, kind and device, then the model's
 * runtime loads what the instance runs and maps its inputs and outputs. On success the
 * caller owns *state_out (pt_instance_state_delete). */
TRITONSERVER_Error *pt_instance_state_create(pt_model_state *model,
                                             TRITONBACKEND_ModelInstance *instance,
                                             pt_instance_state **state_out);
void pt_instance_state_delete(pt_instance_state *state);

#endif
