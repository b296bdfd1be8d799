/* response.h — inference responses, shared by both API sides: the backend builds a
 * TRITONBACKEND_Response (outputs, parameters, error) and sends it; the frontend receives
 * the same object as a TRITONSERVER_InferenceResponse and deletes it.
 *
 * A response_sink carries what every response of one request needs after the request
 * itself may be gone (decoupled models): the frontend's allocator and completion
 * callback, model name/version, request id, and whether the final response was sent.
 * It is reference counted: the request, each response and each response factory hold a
 * reference. */
#ifndef TORCHD_CORE_RESPONSE_H
#define TORCHD_CORE_RESPONSE_H

#include <stdbool.h>
#include <stdint.h>

#include "request.h"
#include "triton/core/tritonbackend.h"
#include "triton/core/tritonserver.h"

typedef struct response_sink {
  int refs; /* atomic */
  TRITONSERVER_ResponseAllocator *allocator;
  void *allocator_userp;
  TRITONSERVER_InferenceResponseCompleteFn_t response_fn;
  void *response_userp;
  TRITONBACKEND_Model *model; /* holds a memory reference (model_ref) */
  char *model_name;
  int64_t model_version;
  char *request_id;
  bool decoupled;
  bool final_sent; /* atomic */
  bool ordered;      /* preserve_ordering: deliver the final response in order_seq order */
  uint64_t order_seq;
  /* A request that missed the response cache: where its final response is stored
   * (response_cache.h). Taken (atomically) by the response that stores it. */
  struct response_cache_pending *cache_pending;
} response_sink;

struct TRITONBACKEND_Output {
  TRITONSERVER_InferenceResponse *response;
  char *name;
  TRITONSERVER_DataType datatype;
  int64_t *shape; /* client-facing shape (reshape undone) */
  uint32_t dims_count;
  int config_index; /* index of this output in the model config */
  void *buffer;
  size_t byte_size;
  TRITONSERVER_MemoryType memory_type;
  int64_t memory_type_id;
  void *buffer_userp;
  bool has_buffer;
  TRITONSERVER_BufferAttributes *attributes; /* lazily made; owned by the output */
};

struct TRITONSERVER_InferenceResponse {
  response_sink *sink;
  TRITONSERVER_Error *error; /* owned */
  request_param *params;
  uint32_t param_count;
  TRITONBACKEND_Output **outputs;
  uint32_t output_count;
  bool allocation_started;
};

static inline TRITONSERVER_InferenceResponse *response_of(TRITONBACKEND_Response *r)
{
  return (TRITONSERVER_InferenceResponse *)(void *)r;
}

/* Creates a sink from the request's callbacks and resolved model (request->model must be
 * set). Returns NULL on out of memory. The caller owns the one reference. */
response_sink *response_sink_new(TRITONSERVER_InferenceRequest *req, bool decoupled);
void response_sink_ref(response_sink *sink);
void response_sink_unref(response_sink *sink);

/* Creates an empty response bound to sink (takes a sink reference). NULL on OOM. */
TRITONSERVER_InferenceResponse *response_new(response_sink *sink);

/* Sends a response (may be NULL: flags-only) to the frontend. Marks the sink final when
 * flags has FINAL; a second final send is refused with an error and `resp` is deleted.
 * Ownership of resp passes to the frontend (or it is deleted if there is no callback). */
TRITONSERVER_Error *response_deliver(response_sink *sink, TRITONSERVER_InferenceResponse *resp,
                                     uint32_t flags);

/* Sends one FINAL response carrying `error` (takes ownership of error). Does nothing but
 * free the error if a final response was already sent. */
void response_send_error(response_sink *sink, TRITONSERVER_Error *error);

/* Frees a response and returns its output buffers to the allocator. */
void response_free(TRITONSERVER_InferenceResponse *resp);

#endif
