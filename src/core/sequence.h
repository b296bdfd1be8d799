/* sequence.h — a basic sequence batcher for models with `sequence_batching`: requests
 * carry a correlation id and START/END flags; the requests of one sequence run one at a
 * time, in arrival order; before each runs, the core adds the configured control inputs
 * (START/END/READY/CORRID) and the implicit state inputs (sequence_batching.state: the
 * state the previous request stored with TRITONBACKEND_StateUpdate, or the initial
 * state on START). Requests of different sequences are not batched together. */
#ifndef TORCHD_CORE_SEQUENCE_H
#define TORCHD_CORE_SEQUENCE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "model_config.h"
#include "request.h"
#include "scheduler.h"

/* One stored tensor (a state value). */
typedef struct sequence_tensor {
  TRITONSERVER_DataType datatype;
  int64_t *shape; /* without batch dim */
  uint32_t dims_count;
  void *data;
  size_t byte_size;
} sequence_tensor;

typedef struct sequence_batcher sequence_batcher;

/* Builds the batcher (reads initial states from <model_dir>/initial_state/). NULL with
 * *err on a bad configuration. `config` must outlive it. */
sequence_batcher *sequence_batcher_new(const ModelConfig *config, const char *model_name,
                                       const char *model_dir, TRITONSERVER_Error **err);
void sequence_batcher_free(sequence_batcher *sb);

/* Routes an accepted request: errors (INVALID_ARG) for a missing correlation id or a
 * sequence that did not START; otherwise the request runs now or after the earlier
 * requests of its sequence. Caller holds no scheduler lock. */
TRITONSERVER_Error *sequence_enqueue(sequence_batcher *sb, scheduler *s,
                                     TRITONSERVER_InferenceRequest *req);

/* Called when a dispatched request is released: ends the sequence on END, else starts
 * the sequence's next request. */
void sequence_request_done(sequence_batcher *sb, scheduler *s, TRITONSERVER_InferenceRequest *req);

/* Stores state `state_index` for the request's sequence (TRITONBACKEND_StateUpdate);
 * takes ownership of value->data and value->shape. */
TRITONSERVER_Error *sequence_store_state(sequence_batcher *sb, TRITONSERVER_InferenceRequest *req,
                                         size_t state_index, sequence_tensor *value);

/* Frees the TRITONBACKEND_State objects a request created (state.c). */
void state_release_all(TRITONSERVER_InferenceRequest *req);

#endif
