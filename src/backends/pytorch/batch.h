/*
 * batch.h: one execution's requests, responses and scratch memory, shared by execute.c
 * (the sequence of steps), input_gather.c (requests -> forward arguments) and
 * output_scatter.c (returned values -> responses).
 *
 * Error granularity (pytorch-backend.md §5.1): a per-request failure sends that request's
 * response with the error and clears its slot (pt_batch_fail); a whole-batch failure does
 * that for every slot still open (pt_batch_fail_all). A slot whose response is NULL takes
 * no further part, and its statistics report failure.
 */
#ifndef TORCHD_PYTORCH_BATCH_H
#define TORCHD_PYTORCH_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "instance.h"
#include "torch_shim.h"
#include "triton/core/tritonbackend.h"

typedef struct {
  TRITONBACKEND_Request *request;
  TRITONBACKEND_Response *response; /* NULL once sent (with an error) or never created */
  int64_t rows;                     /* this request's batch size (1 when not batching) */
  int64_t row_offset;               /* its first row in the batched tensors */
  bool in_batch;                    /* its rows are part of the batched tensors */
} pt_slot;

typedef struct {
  pt_instance_state *instance;
  pt_slot *slots;
  uint32_t slot_count;
  int64_t total_rows;
  ts_value *args;       /* forward arguments, by slot (dict mode: by config input) */
  size_t arg_count;
  void **scratch;       /* memory freed when the batch ends */
  size_t scratch_count, scratch_capacity;
} pt_batch;

/* Keeps `memory` (malloc'd) until pt_batch_release; returns it, or NULL (and frees it) when
 * it cannot be tracked. */
void *pt_batch_keep(pt_batch *batch, void *memory);
/* calloc that is freed with the batch. */
void *pt_batch_calloc(pt_batch *batch, size_t count, size_t size);
/* Frees everything kept. */
void pt_batch_release(pt_batch *batch);

/* Sends slot `index`'s response with `error` (still owned by the caller) and closes it. */
void pt_batch_fail(pt_batch *batch, uint32_t index, TRITONSERVER_Error *error);
/* pt_batch_fail for every open slot, then deletes `error`. */
void pt_batch_fail_all(pt_batch *batch, TRITONSERVER_Error *error);
/* Number of slots still open. */
uint32_t pt_batch_open_count(const pt_batch *batch);

/* Builds batch->args from the open requests (input_gather.c). Per-request problems close
 * that slot; whole-batch problems are returned. */
TRITONSERVER_Error *pt_gather_inputs(pt_batch *batch);
/* Fills the batch_input arguments from the open requests' source shapes
 * (batch_inputs.c). Problems fail the whole batch (returned). */
TRITONSERVER_Error *pt_compute_batch_inputs(pt_batch *batch);
/* Writes every configured output of `result` into the open responses (output_scatter.c).
 * Per-request problems close that slot; whole-batch problems are returned. */
TRITONSERVER_Error *pt_scatter_outputs(pt_batch *batch, ts_result *result);

#endif
