/*
 * execute.c: TRITONBACKEND_ModelInstanceExecute's sequence of steps
 * (pytorch-backend.md §5), the same for every runtime:
 *
 *   responses + batch sizes (batch.c) -> inputs (input_gather.c) -> the runtime's run
 *   (timed: compute start/end) -> outputs (output_scatter.c) -> send, statistics and
 *   release (batch.c)
 *
 * Calls run one way: execute -> batch_io (gather/scatter) -> batch, and execute -> runtime.
 */
#include "execute.h"

#include <stdlib.h>

#include "backend_util.h"
#include "batch_io.h"
#include "runtime.h"

TRITONSERVER_Error *pt_execute(pt_instance_state *instance, TRITONBACKEND_Request **requests,
                               uint32_t request_count) {
  PT_LOG_VERBOSE("model \"%s\", instance \"%s\", executing %u requests", instance->model->name,
                 instance->name, request_count);
  PT_LOG_VERBOSE("TRITONBACKEND_ModelExecute: Running %s with %u requests", instance->name,
                 request_count);
  uint64_t exec_start = pt_now_ns();
  pt_batch batch = {.instance = instance, .slot_count = request_count};
  batch.slots = calloc(request_count + 1, sizeof(pt_slot));
  bool *succeeded = calloc(request_count + 1, sizeof(bool));
  if (batch.slots == NULL || succeeded == NULL) {
    free(batch.slots);
    free(succeeded);
    return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "out of memory executing '%s'",
                           instance->name);
  }
  bool null_request = false;
  for (uint32_t r = 0; r < request_count; ++r) {
    batch.slots[r].request = requests[r];
    null_request = null_request || requests[r] == NULL;
  }
  if (null_request) { /* the host keeps ownership when we return an error */
    free(batch.slots);
    free(succeeded);
    return pt_triton_error(TRITONSERVER_ERROR_INTERNAL,
                           "null request given to PyTorch backend for '%s'", instance->name);
  }
  TRITONSERVER_Error *error = pt_batch_open(&batch);
  if (error == NULL && pt_batch_open_count(&batch) > 0) error = pt_gather_inputs(&batch);
  if (error != NULL) pt_batch_fail_all(&batch, error);

  uint64_t compute_start = pt_now_ns(), compute_end = compute_start;
  if (pt_batch_open_count(&batch) > 0) {
    pt_result *result = NULL;
    error = instance->model->runtime->run(instance, &batch, &result);
    compute_end = pt_now_ns();
    if (error != NULL) pt_batch_fail_all(&batch, error);
    /* On a GPU the compute time is the device's, from CUDA events (the copy of the
     * outputs back to the host then counts as output time, as in Triton). */
    uint64_t device_ns = result != NULL ? result->device_compute_ns : 0;
    if (device_ns > 0 && compute_start + device_ns < compute_end)
      compute_end = compute_start + device_ns;
    if (result != NULL) {
      error = pt_scatter_outputs(&batch, result);
      if (error != NULL) pt_batch_fail_all(&batch, error);
      result->release(result);
    }
  }
  pt_batch_close(&batch, succeeded, exec_start, compute_start, compute_end);
  pt_batch_release(&batch);
  free(batch.slots);
  free(succeeded);
  if (instance->model->params.enable_cache_cleaning &&
      instance->kind != TRITONSERVER_INSTANCEGROUPKIND_CPU)
    ts_empty_cuda_cache();
  return NULL;
}
