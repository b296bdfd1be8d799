/*
 * batch.h: one execution's requests, responses and scratch memory: the bottom of the
 * shared batch path. batch.c implements it; input_gather.c, batch_inputs.c and
 * output_scatter.c (batch_io.h) use it, execute.c drives it. Nothing here calls upward,
 * so the calls run one way: execute -> batch_io -> batch.
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
#include "triton/core/tritonbackend.h"
#include "values.h"

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

/* What a runtime's run returned, as the shared scatter reads it: `count` outputs, each
 * described by output(). Every runtime wraps its own values (LibTorch tensors, Python
 * tensors over DLPack) in one of these; release() frees the whole thing. */
typedef struct pt_result pt_result;
struct pt_result {
  size_t count;
  uint64_t device_compute_ns; /* device time measured with CUDA events; 0 on the CPU */
  /* Fills *out for output `index`; pointers stay valid until release. Returns NULL or a
   * malloc'd message. */
  char *(*output)(pt_result *self, size_t index, ts_output *out);
  void (*release)(pt_result *self);
};

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

/* Creates a response per request and sizes the batch (rows of each request: dim 0 of its
 * first input when batching, else 1; §4.2). Per-request problems close that slot; a batch
 * over max_batch_size is returned as a whole-batch error. */
TRITONSERVER_Error *pt_batch_open(pt_batch *batch);
/* Sends every still-open response, reports batch and request statistics with the given
 * times and releases every request. `succeeded` has slot_count entries (scratch). */
void pt_batch_close(pt_batch *batch, bool *succeeded, uint64_t exec_start,
                    uint64_t compute_start, uint64_t compute_end);

#endif
