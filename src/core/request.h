/* request.h — the inference request shared by both API sides. The frontend builds a
 * TRITONSERVER_InferenceRequest; the backend sees the same object as a
 * TRITONBACKEND_Request (Triton does the same), and each input is a TRITONBACKEND_Input.
 *
 * Request lifecycle (who moves it, in which function):
 *
 *   received   TRITONSERVER_InferenceRequestNew / Add* / Append* (frontend thread)
 *      │ TRITONSERVER_ServerInferAsync
 *   validated  validate_request(): config checks, reshape, batch size (frontend thread)
 *      │ scheduler_enqueue()
 *   queued     scheduler / batcher queue (may be rejected: queue full, timeout)
 *      │ batcher thread or scheduler_enqueue() forms a batch
 *   batched    dispatch queue of the model
 *      │ instance thread pops it
 *   executing  TRITONBACKEND_ModelInstanceExecute (instance thread)
 *      │ TRITONBACKEND_ResponseSend(FINAL) (any thread)
 *   responded  frontend's response-complete callback has the response
 *      │ TRITONBACKEND_RequestRelease(RELEASE_ALL) → request_release()
 *   released   frontend's release callback owns the request again (may reuse it)
 *
 * Any failure before "executing" sends one error response and releases the request;
 * request_release() also sends an error response if no final response was sent, so the
 * frontend always gets exactly one final response per request. */
#ifndef TORCHD_CORE_REQUEST_H
#define TORCHD_CORE_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "triton/core/tritonbackend.h"
#include "triton/core/tritonserver.h"

struct response_sink;

typedef struct request_buffer {
  const void *base;
  size_t byte_size;
  TRITONSERVER_MemoryType memory_type;
  int64_t memory_type_id;
} request_buffer;

struct TRITONBACKEND_Input {
  char *name;
  TRITONSERVER_DataType datatype;
  int64_t *shape; /* as the client gave it */
  uint32_t dims_count;
  int64_t *backend_shape; /* after reshape, with batch dim (set by validation) */
  uint32_t backend_dims_count;
  request_buffer *buffers;
  uint32_t buffer_count;
  uint32_t buffer_capacity;
  uint64_t byte_size; /* sum of buffers */
  TRITONSERVER_BufferAttributes **attributes; /* per buffer, lazily made; owned */
  bool injected;    /* added by the sequence batcher; removed at release */
  void *owned_data; /* injected inputs own their one buffer */
};

typedef struct request_param {
  char *key;
  TRITONSERVER_ParameterType type;
  char *string_value;
  int64_t int_value;
  bool bool_value;
  double double_value;
} request_param;

struct TRITONSERVER_InferenceRequest {
  TRITONSERVER_Server *server;
  char *model_name;
  int64_t model_version;
  char *id;
  bool correlation_is_string;
  uint64_t correlation_id;
  char *correlation_id_string;
  uint32_t flags;
  uint64_t priority;
  uint64_t timeout_us;

  TRITONBACKEND_Input **inputs; /* sorted by name */
  size_t input_count;
  char **requested_outputs; /* sorted by name, unique */
  size_t requested_output_count;
  request_param *params;
  size_t param_count;

  TRITONSERVER_InferenceRequestReleaseFn_t release_fn;
  void *release_userp;
  TRITONSERVER_ResponseAllocator *allocator;
  void *allocator_userp;
  TRITONSERVER_InferenceResponseCompleteFn_t response_fn;
  void *response_userp;
  bool cancelled;

  /* Set by TRITONSERVER_ServerInferAsync, valid until the request is released. */
  TRITONBACKEND_Model *model; /* holds one in-flight reference */
  const char **backend_outputs; /* requested or all config outputs, sorted */
  size_t backend_output_count;
  uint64_t batch_size;          /* shape[0] when batching, else 1 */
  uint32_t priority_level;      /* batcher level, 1 = highest */
  uint64_t request_start_ns;
  uint64_t queue_start_ns;
  uint64_t deadline_ns; /* 0 = no queue timeout */
  struct response_sink *sink;
  bool in_flight;
  void *sequence_slot; /* sequence batcher slot while dispatched, else NULL */
  TRITONSERVER_InferenceTrace *trace; /* owned while in flight; released with the request */
  struct TRITONBACKEND_State **states; /* created by TRITONBACKEND_StateNew */
  size_t state_count;
};

/* The value pointer Triton hands out for a parameter: the string itself for STRING,
 * else a pointer to the int64/bool/double. Borrowed from `p`. */
const void *request_param_value(const request_param *p);

/* Converts between the two API views of the same object. */
static inline TRITONSERVER_InferenceRequest *request_of(TRITONBACKEND_Request *r)
{
  return (TRITONSERVER_InferenceRequest *)(void *)r;
}
static inline TRITONBACKEND_Request *request_backend(TRITONSERVER_InferenceRequest *r)
{
  return (TRITONBACKEND_Request *)(void *)r;
}

/* Finds an input by name, NULL if absent. */
TRITONBACKEND_Input *request_find_input(TRITONSERVER_InferenceRequest *req, const char *name);

/* "[request id: X] " when the request has a non-empty id, else "" (Triton's LogRequest).
 * Returns a pointer into a static-lifetime buffer owned by `buf`. */
const char *request_log_prefix(const TRITONSERVER_InferenceRequest *req, char *buf,
                               size_t buf_size);

/* Host-side end of a request that was accepted by InferAsync: if no final response was
 * sent, sends `error` (or a generic error) as the final response; reports failure stats
 * when `error` is non-NULL; drops the model in-flight reference; then calls the
 * frontend's release callback. Takes ownership of `error` (may be NULL). */
void request_finish(TRITONSERVER_InferenceRequest *req, TRITONSERVER_Error *error);

/* Adds an input the core computes (sequence control or implicit state) with one buffer
 * `data` of byte_size bytes; takes ownership of `data` (malloc'ed). It is removed again
 * by request_reset_runtime. */
TRITONSERVER_Error *request_inject_input(TRITONSERVER_InferenceRequest *req, const char *name,
                                         TRITONSERVER_DataType datatype, const int64_t *shape,
                                         uint32_t dims_count, void *data, size_t byte_size);
/* Removes every injected input. */
void request_remove_injected_inputs(TRITONSERVER_InferenceRequest *req);

/* Clears the state InferAsync set so the request can be reused. */
void request_reset_runtime(TRITONSERVER_InferenceRequest *req);

#endif
