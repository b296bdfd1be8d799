/*
 * batch.c: the bookkeeping of one execution (batch.h): scratch memory, failing one slot
 * or all, creating responses and sizing the batch, and at the end sending, statistics and
 * releasing. It calls only the backend API, never the gather/scatter or runtime code.
 *
 * Every request gets exactly one response and is released, including a batch whose total
 * size is 0 (Triton returned early there and hung the client).
 */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

#include "backend_util.h"

void *pt_batch_keep(pt_batch *batch, void *memory) {
  if (memory == NULL) return NULL;
  if (batch->scratch_count == batch->scratch_capacity) {
    size_t capacity = batch->scratch_capacity ? batch->scratch_capacity * 2 : 16;
    void **grown = realloc(batch->scratch, capacity * sizeof(void *));
    if (grown == NULL) {
      free(memory);
      return NULL;
    }
    batch->scratch = grown;
    batch->scratch_capacity = capacity;
  }
  batch->scratch[batch->scratch_count++] = memory;
  return memory;
}

void *pt_batch_calloc(pt_batch *batch, size_t count, size_t size) {
  return pt_batch_keep(batch, calloc(count, size));
}

void pt_batch_release(pt_batch *batch) {
  for (size_t i = 0; i < batch->scratch_count; ++i) free(batch->scratch[i]);
  free(batch->scratch);
  batch->scratch = NULL;
  batch->scratch_count = batch->scratch_capacity = 0;
}

void pt_batch_fail(pt_batch *batch, uint32_t index, TRITONSERVER_Error *error) {
  pt_slot *slot = &batch->slots[index];
  if (slot->response == NULL) return;
  pt_log_and_delete("failed to send PyTorch backend response",
                    TRITONBACKEND_ResponseSend(slot->response,
                                               TRITONSERVER_RESPONSE_COMPLETE_FINAL, error));
  slot->response = NULL;
}

void pt_batch_fail_all(pt_batch *batch, TRITONSERVER_Error *error) {
  for (uint32_t i = 0; i < batch->slot_count; ++i) pt_batch_fail(batch, i, error);
  TRITONSERVER_ErrorDelete(error);
}

uint32_t pt_batch_open_count(const pt_batch *batch) {
  uint32_t open = 0;
  for (uint32_t i = 0; i < batch->slot_count; ++i) open += batch->slots[i].response != NULL;
  return open;
}

/* The input that gives a request's batch size: the first config input the request has
 * (Triton took input index 0 in name order, which can be a sequence control input). */
static TRITONSERVER_Error *first_input(const pt_batch *batch, TRITONBACKEND_Request *request,
                                       TRITONBACKEND_Input **input) {
  const pt_model_config *config = &batch->instance->model->config;
  for (size_t i = 0; i < config->input_count; ++i) {
    TRITONSERVER_Error *error = TRITONBACKEND_RequestInput(request, config->inputs[i].name, input);
    if (error == NULL) return NULL;
    TRITONSERVER_ErrorDelete(error);
  }
  return TRITONBACKEND_RequestInputByIndex(request, 0, input);
}

/* Rows of each request: dim 0 of its first input when batching, else 1 (§4.2). */
static TRITONSERVER_Error *size_batch(pt_batch *batch) {
  const pt_model_config *config = &batch->instance->model->config;
  bool batching = config->max_batch_size > 0;
  for (uint32_t r = 0; r < batch->slot_count; ++r) {
    pt_slot *slot = &batch->slots[r];
    if (slot->response == NULL) continue;
    slot->rows = 1;
    if (batching) {
      TRITONBACKEND_Input *input = NULL;
      const int64_t *shape = NULL;
      uint32_t dims = 0;
      TRITONSERVER_Error *error = first_input(batch, slot->request, &input);
      if (error == NULL)
        error = TRITONBACKEND_InputProperties(input, NULL, NULL, &shape, &dims, NULL, NULL);
      if (error == NULL && dims == 0)
        error = pt_triton_error(TRITONSERVER_ERROR_INVALID_ARG,
                                "the first input of a request to batching model '%s' has no "
                                "batch dimension",
                                batch->instance->model->name);
      if (error != NULL) {
        pt_batch_fail_all(batch, error);
        return NULL;
      }
      slot->rows = shape[0];
    }
    slot->row_offset = batch->total_rows;
    slot->in_batch = true;
    batch->total_rows += slot->rows;
  }
  int64_t total = batch->total_rows;
  if (total != 1 && total > config->max_batch_size && pt_batch_open_count(batch) > 0)
    return pt_triton_error(TRITONSERVER_ERROR_INTERNAL, "batch size %lld for '%s', max allowed is %d",
                           (long long)total, batch->instance->name, config->max_batch_size);
  return NULL;
}

static void create_responses(pt_batch *batch) {
  for (uint32_t r = 0; r < batch->slot_count; ++r) {
    TRITONSERVER_Error *error = TRITONBACKEND_ResponseNew(&batch->slots[r].response,
                                                          batch->slots[r].request);
    if (error != NULL) {
      PT_LOG_ERROR("Fail to create response");
      TRITONSERVER_ErrorDelete(error);
      batch->slots[r].response = NULL;
    }
  }
}

void pt_batch_close(pt_batch *batch, bool *succeeded, uint64_t exec_start,
                    uint64_t compute_start, uint64_t compute_end) {
  uint64_t exec_end = pt_now_ns();
  for (uint32_t r = 0; r < batch->slot_count; ++r) {
    pt_slot *slot = &batch->slots[r];
    succeeded[r] = slot->response != NULL;
    if (slot->response != NULL)
      pt_log_and_delete("failed to send PyTorch backend response",
                        TRITONBACKEND_ResponseSend(slot->response,
                                                   TRITONSERVER_RESPONSE_COMPLETE_FINAL, NULL));
    slot->response = NULL;
  }
  /* Batch statistics before the releases (Triton reports them after), so that whoever
   * sees a request released also sees the statistics of the batch it ran in. */
  bool any = false;
  for (uint32_t r = 0; r < batch->slot_count; ++r) any = any || succeeded[r];
  if (any)
    pt_log_and_delete("failed reporting batch request statistics",
                      TRITONBACKEND_ModelInstanceReportBatchStatistics(
                          batch->instance->instance, (uint64_t)batch->total_rows, exec_start,
                          compute_start, compute_end, exec_end));
  for (uint32_t r = 0; r < batch->slot_count; ++r) {
    pt_log_and_delete("failed reporting request statistics",
                      TRITONBACKEND_ModelInstanceReportStatistics(
                          batch->instance->instance, batch->slots[r].request, succeeded[r],
                          exec_start, compute_start, compute_end, exec_end));
    pt_log_and_delete("failed releasing request",
                      TRITONBACKEND_RequestRelease(batch->slots[r].request,
                                                   TRITONSERVER_REQUEST_RELEASE_ALL));
  }
}

TRITONSERVER_Error *pt_batch_open(pt_batch *batch) {
  create_responses(batch);
  return size_batch(batch);
}
