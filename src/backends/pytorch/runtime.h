/*
 * runtime.h: the few calls every runtime of the PyTorch backend implements.
 *
 * The backend hosts three runtimes behind the one name "pytorch" (pytorch-backend.md §0.1):
 *
 *   runtime_torchscript.c  TorchScript model.pt through LibTorch (torch_shim.cc)
 *   runtime_aoti.c         AOTInductor model.pt2 packages (aoti_shim.cc)
 *   runtime_python.c       runtime: "model.py", an nn.Module run by CPython embedded in
 *                          this library (python_shim.c, pytorch_runtime.py)
 *
 * model.c picks one per model version (pt_runtime_select) and calls model_load once;
 * instance.c fills the instance's common fields (name, kind, device) and calls
 * instance_load; execute.c gathers the arguments through the instance's feed table, calls
 * run and scatters the result. Each runtime keeps what is its own in the model's and the
 * instance's runtime_data (or, for TorchScript, in the fields documented as its own).
 */
#ifndef TORCHD_PYTORCH_RUNTIME_H
#define TORCHD_PYTORCH_RUNTIME_H

#include "batch.h"
#include "instance.h"
#include "model.h"

struct pt_runtime {
  const char *name; /* for messages: "TorchScript", "AOTInductor", "Python" */
  /* Whether the model's `parameters` are the LibTorch backend's keys (pt_parameters,
   * parsed and logged by model.c before model_load). */
  bool uses_pt_parameters;
  /* Model-wide load after the config and parameters are read: thread settings,
   * auto-complete, loading what instances share. An error fails the model load. */
  TRITONSERVER_Error *(*model_load)(pt_model_state *model);
  /* Loads (or reuses) what the instance runs and fills its feed table (feeds,
   * feed_slots, arg_count, arg_takes_default, batch_input_slots, output_indices,
   * state_output_indices), so that the shared gather and scatter can work. */
  TRITONSERVER_Error *(*instance_load)(pt_instance_state *instance);
  /* Runs the gathered batch->args. On success *result_out is owned by the caller
   * (release()); an error fails the whole batch. */
  TRITONSERVER_Error *(*run)(pt_instance_state *instance, pt_batch *batch,
                             pt_result **result_out);
  /* Frees what instance_load and model_load kept (runtime_data, modules); NULL-safe. */
  void (*instance_free)(pt_instance_state *instance);
  void (*model_free)(pt_model_state *model);
};

extern const pt_runtime pt_torchscript_runtime;
extern const pt_runtime pt_aoti_runtime;
extern const pt_runtime pt_python_runtime;

/* The runtime for a config's platform and runtime fields (§0.1): "torch_aoti" is AOTI,
 * runtime "model.py" is Python, anything else TorchScript. */
const pt_runtime *pt_runtime_select(const char *platform, const char *runtime);

/* A feed table that maps config input i to argument i and config output i to returned
 * value i (AOTI and Python: by position). No sequence controls or states. */
TRITONSERVER_Error *pt_instance_positional_io(pt_instance_state *instance);

#endif
