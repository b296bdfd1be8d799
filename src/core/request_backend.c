/* request_backend.c — what a backend sees of a request: TRITONBACKEND_Request* and
 * TRITONBACKEND_Input* accessors (inputs in sorted-name order, shapes after reshape with
 * the batch dim, requested outputs defaulting to every config output, sorted), and
 * TRITONBACKEND_RequestRelease, which ends the request on the host side
 * (request_finish). */
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "core_util.h"
#include "model.h"
#include "request.h"
#include "response.h"
#include "sequence.h"
#include "trace.h"

void request_reset_runtime(TRITONSERVER_InferenceRequest *req)
{
  request_remove_injected_inputs(req);
  state_release_all(req);
  free(req->backend_outputs);
  req->backend_outputs = NULL;
  req->backend_output_count = 0;
  for (size_t i = 0; i < req->input_count; i++) {
    free(req->inputs[i]->backend_shape);
    req->inputs[i]->backend_shape = NULL;
    req->inputs[i]->backend_dims_count = 0;
  }
  if (req->sink) {
    response_sink_unref(req->sink);
    req->sink = NULL;
  }
  req->model = NULL;
}

void request_finish(TRITONSERVER_InferenceRequest *req, TRITONSERVER_Error *error)
{
  TRITONBACKEND_Model *model = req->model;
  response_sink *sink = req->sink;
  if (error && model)
    stats_report_request(&model->stats, false, req->batch_size, req->request_start_ns, 0, 0, 0,
                         0, 0);
  if (sink) {
    if (error)
      response_send_error(sink, error);
    else if (!__atomic_load_n(&sink->final_sent, __ATOMIC_ACQUIRE)) {
      if (sink->decoupled) {
        TRITONSERVER_Error *e = response_deliver(sink, NULL, TRITONSERVER_RESPONSE_COMPLETE_FINAL);
        if (e)
          TRITONSERVER_ErrorDelete(e);
      } else {
        response_send_error(sink, util_errorf(TRITONSERVER_ERROR_INTERNAL,
                                              "backend of model '%s' released the request "
                                              "without sending a response",
                                              sink->model_name));
      }
    }
  } else if (error) {
    TRITONSERVER_ErrorDelete(error);
  }
  if (req->sequence_slot && model && model->sequences)
    sequence_request_done(model->sequences, model->scheduler, req);
  request_reset_runtime(req);
  if (req->trace) {
    trace_activity(req->trace, TRITONSERVER_TRACE_REQUEST_END, util_now_ns());
    trace_release(req->trace);
    req->trace = NULL;
  }
  req->in_flight = false;
  TRITONSERVER_InferenceRequestReleaseFn_t release_fn = req->release_fn;
  void *release_userp = req->release_userp;
  if (model) {
    model_end_request(model);
    model_unref(model);
  }
  /* After this call the frontend owns (and may delete or reuse) the request. */
  if (release_fn)
    release_fn(req, TRITONSERVER_REQUEST_RELEASE_ALL, release_userp);
}

TRITONSERVER_Error *TRITONBACKEND_RequestRelease(TRITONBACKEND_Request *request,
                                                 uint32_t release_flags)
{
  UTIL_CHECK_ARG(request, "non-NULL request");
  if (release_flags != TRITONSERVER_REQUEST_RELEASE_ALL)
    return util_errorf(TRITONSERVER_ERROR_UNSUPPORTED,
                       "release flags %u not supported: only TRITONSERVER_REQUEST_RELEASE_ALL "
                       "(rescheduling needs sequence batching)",
                       release_flags);
  TRITONSERVER_InferenceRequest *req = request_of(request);
  if (!req->in_flight)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "request was already released");
  request_finish(req, NULL);
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_RequestId(TRITONBACKEND_Request *request, const char **id)
{
  UTIL_CHECK_ARG(request && id, "non-NULL request and id");
  *id = request_of(request)->id;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_RequestIsCancelled(TRITONBACKEND_Request *request,
                                                     bool *is_cancelled)
{
  UTIL_CHECK_ARG(request && is_cancelled, "non-NULL request and flag");
  *is_cancelled = __atomic_load_n(&request_of(request)->cancelled, __ATOMIC_ACQUIRE);
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_RequestCorrelationId(TRITONBACKEND_Request *request, uint64_t *id)
{
  UTIL_CHECK_ARG(request && id, "non-NULL request and id");
  return TRITONSERVER_InferenceRequestCorrelationId(request_of(request), id);
}

TRITONSERVER_Error *TRITONBACKEND_RequestCorrelationIdString(TRITONBACKEND_Request *request,
                                                             const char **id)
{
  UTIL_CHECK_ARG(request && id, "non-NULL request and id");
  return TRITONSERVER_InferenceRequestCorrelationIdString(request_of(request), id);
}

TRITONSERVER_Error *TRITONBACKEND_InferenceRequestTimeoutMicroseconds(TRITONBACKEND_Request *request,
                                                                      uint64_t *timeout)
{
  UTIL_CHECK_ARG(request && timeout, "non-NULL request and timeout");
  *timeout = request_of(request)->timeout_us;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_RequestFlags(TRITONBACKEND_Request *request, uint32_t *flags)
{
  UTIL_CHECK_ARG(request && flags, "non-NULL request and flags");
  *flags = request_of(request)->flags;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_RequestParameterCount(TRITONBACKEND_Request *request,
                                                        uint32_t *count)
{
  UTIL_CHECK_ARG(request && count, "non-NULL request and count");
  *count = (uint32_t)request_of(request)->param_count;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_RequestParameter(TRITONBACKEND_Request *request,
                                                   const uint32_t index, const char **key,
                                                   TRITONSERVER_ParameterType *type,
                                                   const void **vvalue)
{
  UTIL_CHECK_ARG(request, "non-NULL request");
  TRITONSERVER_InferenceRequest *req = request_of(request);
  if (index >= req->param_count)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "out of bounds index %u: request has %zu parameters", index,
                       req->param_count);
  const request_param *p = &req->params[index];
  if (key)
    *key = p->key;
  if (type)
    *type = p->type;
  if (vvalue)
    *vvalue = request_param_value(p);
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_RequestInputCount(TRITONBACKEND_Request *request, uint32_t *count)
{
  UTIL_CHECK_ARG(request && count, "non-NULL request and count");
  *count = (uint32_t)request_of(request)->input_count;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_RequestInputName(TRITONBACKEND_Request *request,
                                                   const uint32_t index, const char **input_name)
{
  UTIL_CHECK_ARG(request && input_name, "non-NULL request and name");
  TRITONSERVER_InferenceRequest *req = request_of(request);
  if (index >= req->input_count)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "out of bounds index %u: request has %zu inputs", index, req->input_count);
  *input_name = req->inputs[index]->name;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_RequestInput(TRITONBACKEND_Request *request, const char *name,
                                               TRITONBACKEND_Input **input)
{
  UTIL_CHECK_ARG(request && name && input, "non-NULL request, name and input");
  TRITONSERVER_InferenceRequest *req = request_of(request);
  *input = request_find_input(req, name);
  if (!*input)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "unknown request input name '%s' for model '%s'", name, req->model_name);
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_RequestInputByIndex(TRITONBACKEND_Request *request,
                                                      const uint32_t index,
                                                      TRITONBACKEND_Input **input)
{
  UTIL_CHECK_ARG(request && input, "non-NULL request and input");
  TRITONSERVER_InferenceRequest *req = request_of(request);
  if (index >= req->input_count)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "out of bounds index %u: request has %zu inputs", index, req->input_count);
  *input = req->inputs[index];
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_RequestOutputCount(TRITONBACKEND_Request *request,
                                                     uint32_t *count)
{
  UTIL_CHECK_ARG(request && count, "non-NULL request and count");
  *count = (uint32_t)request_of(request)->backend_output_count;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_RequestOutputName(TRITONBACKEND_Request *request,
                                                    const uint32_t index, const char **output_name)
{
  UTIL_CHECK_ARG(request && output_name, "non-NULL request and name");
  TRITONSERVER_InferenceRequest *req = request_of(request);
  if (index >= req->backend_output_count)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "out of bounds index %u: request has %zu requested outputs", index,
                       req->backend_output_count);
  *output_name = req->backend_outputs[index];
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_RequestOutputBufferProperties(TRITONBACKEND_Request *request,
                                                                const char *name, size_t *byte_size,
                                                                TRITONSERVER_MemoryType *memory_type,
                                                                int64_t *memory_type_id)
{
  UTIL_CHECK_ARG(request && name, "non-NULL request and name");
  TRITONSERVER_InferenceRequest *req = request_of(request);
  if (!req->allocator || !req->allocator->query_fn)
    return util_errorf(TRITONSERVER_ERROR_UNAVAILABLE,
                       "output buffer properties of '%s' are unknown: the response allocator has "
                       "no query function",
                       name);
  TRITONSERVER_MemoryType mt = memory_type ? *memory_type : TRITONSERVER_MEMORY_CPU;
  int64_t id = memory_type_id ? *memory_type_id : 0;
  TRITONSERVER_Error *err =
      req->allocator->query_fn(req->allocator, req->allocator_userp, name, byte_size, &mt, &id);
  if (err)
    return err;
  if (memory_type)
    *memory_type = mt;
  if (memory_type_id)
    *memory_type_id = id;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_RequestTrace(TRITONBACKEND_Request *request,
                                               TRITONSERVER_InferenceTrace **trace)
{
  UTIL_CHECK_ARG(request && trace, "non-NULL request and trace");
  *trace = request_of(request)->trace; /* may be NULL: the request is not traced */
  return NULL;
}

/* ---- TRITONBACKEND_Input* ---- */

TRITONSERVER_Error *TRITONBACKEND_InputProperties(TRITONBACKEND_Input *input, const char **name,
                                                  TRITONSERVER_DataType *datatype,
                                                  const int64_t **shape, uint32_t *dims_count,
                                                  uint64_t *byte_size, uint32_t *buffer_count)
{
  UTIL_CHECK_ARG(input, "non-NULL input");
  if (name)
    *name = input->name;
  if (datatype)
    *datatype = input->datatype;
  bool normalized = input->backend_shape || input->backend_dims_count;
  if (shape)
    *shape = normalized ? input->backend_shape : input->shape;
  if (dims_count)
    *dims_count = normalized ? input->backend_dims_count : input->dims_count;
  if (byte_size)
    *byte_size = input->byte_size;
  if (buffer_count)
    *buffer_count = input->buffer_count;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_InputPropertiesForHostPolicy(
    TRITONBACKEND_Input *input, const char *host_policy_name, const char **name,
    TRITONSERVER_DataType *datatype, const int64_t **shape, uint32_t *dims_count,
    uint64_t *byte_size, uint32_t *buffer_count)
{
  (void)host_policy_name; /* one data set for every policy */
  return TRITONBACKEND_InputProperties(input, name, datatype, shape, dims_count, byte_size,
                                       buffer_count);
}

TRITONSERVER_Error *TRITONBACKEND_InputBuffer(TRITONBACKEND_Input *input, const uint32_t index,
                                              const void **buffer, uint64_t *buffer_byte_size,
                                              TRITONSERVER_MemoryType *memory_type,
                                              int64_t *memory_type_id)
{
  UTIL_CHECK_ARG(input && buffer && buffer_byte_size && memory_type && memory_type_id,
            "non-NULL input, buffer, size, memory type and id");
  if (index >= input->buffer_count)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "out of bounds index %u: input '%s' has %u buffers", index, input->name,
                       input->buffer_count);
  const request_buffer *b = &input->buffers[index];
  *buffer = b->base;
  *buffer_byte_size = b->byte_size;
  *memory_type = b->memory_type;
  *memory_type_id = b->memory_type_id;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_InputBufferForHostPolicy(
    TRITONBACKEND_Input *input, const char *host_policy_name, const uint32_t index,
    const void **buffer, uint64_t *buffer_byte_size, TRITONSERVER_MemoryType *memory_type,
    int64_t *memory_type_id)
{
  (void)host_policy_name;
  return TRITONBACKEND_InputBuffer(input, index, buffer, buffer_byte_size, memory_type,
                                   memory_type_id);
}

TRITONSERVER_Error *TRITONBACKEND_InputBufferAttributes(TRITONBACKEND_Input *input,
                                                        const uint32_t index, const void **buffer,
                                                        TRITONSERVER_BufferAttributes **buffer_attributes)
{
  UTIL_CHECK_ARG(input && buffer && buffer_attributes, "non-NULL input, buffer and attributes");
  if (index >= input->buffer_count)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "out of bounds index %u: input '%s' has %u buffers", index, input->name,
                       input->buffer_count);
  /* Owned by the input, one per buffer slot, made on first use. */
  if (!input->attributes) {
    input->attributes = calloc(input->buffer_capacity, sizeof(*input->attributes));
    if (!input->attributes)
      return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  const request_buffer *b = &input->buffers[index];
  if (!input->attributes[index]) {
    TRITONSERVER_Error *err = buffer_attributes_make(&input->attributes[index], b->byte_size,
                                                     b->memory_type, b->memory_type_id);
    if (err)
      return err;
  }
  *buffer = b->base;
  *buffer_attributes = input->attributes[index];
  return NULL;
}
