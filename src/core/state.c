/* state.c — TRITONBACKEND_State*: implicit state for sequence models. A backend creates a
 * state for a request (the name is a sequence_batching.state output_name), fills its
 * buffer and calls StateUpdate; the next request of the same sequence then receives it
 * as the input named by the state's input_name (sequence.c). State objects belong to the
 * request and are freed when it is released. */
#include <stdlib.h>
#include <string.h>

#include "core_util.h"
#include "model.h"
#include "request.h"
#include "sequence.h"

struct TRITONBACKEND_State {
  TRITONSERVER_InferenceRequest *request;
  size_t index; /* in sequence_batching.state */
  sequence_tensor value;
  bool has_buffer;
};

void state_release_all(TRITONSERVER_InferenceRequest *req)
{
  for (size_t i = 0; i < req->state_count; i++) {
    free(req->states[i]->value.shape);
    free(req->states[i]->value.data);
    free(req->states[i]);
  }
  free(req->states);
  req->states = NULL;
  req->state_count = 0;
}

TRITONSERVER_Error *TRITONBACKEND_StateNew(TRITONBACKEND_State **state,
                                           TRITONBACKEND_Request *request, const char *name,
                                           const TRITONSERVER_DataType datatype,
                                           const int64_t *shape, const uint32_t dims_count)
{
  UTIL_CHECK_ARG(state && request && name && (shape || dims_count == 0),
            "non-NULL state out-pointer, request, name and shape");
  TRITONSERVER_InferenceRequest *req = request_of(request);
  const ModelConfig *cfg = req->model ? req->model->config : NULL;
  size_t index = 0;
  bool found = false;
  for (size_t i = 0; cfg && cfg->has_sequence_batching && i < cfg->sequence_batching.state.count; i++)
    if (strcmp(cfg->sequence_batching.state.items[i].output_name, name) == 0) {
      index = i;
      found = true;
    }
  if (!found)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "state '%s' is not a sequence_batching.state output_name of model '%s'",
                       name, req->model_name);
  TRITONBACKEND_State **grown = realloc(req->states, (req->state_count + 1) * sizeof(*grown));
  TRITONBACKEND_State *st = calloc(1, sizeof(*st));
  if (grown)
    req->states = grown;
  if (!grown || !st) {
    free(st);
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  /* Stored without the batch dim: the next request gets [1] + this shape when batching. */
  uint32_t skip = cfg->max_batch_size > 0 && dims_count > 0 ? 1 : 0;
  st->request = req;
  st->index = index;
  st->value.datatype = datatype;
  st->value.dims_count = dims_count - skip;
  st->value.shape = malloc((dims_count ? dims_count : 1) * sizeof(int64_t));
  if (!st->value.shape) {
    free(st);
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  for (uint32_t i = skip; i < dims_count; i++)
    st->value.shape[i - skip] = shape[i];
  req->states[req->state_count++] = st;
  *state = st;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_StateBuffer(TRITONBACKEND_State *state, void **buffer,
                                              const uint64_t buffer_byte_size,
                                              TRITONSERVER_MemoryType *memory_type,
                                              int64_t *memory_type_id)
{
  UTIL_CHECK_ARG(state && buffer && memory_type && memory_type_id,
            "non-NULL state, buffer, memory type and id");
  if (state->has_buffer)
    return util_errorf(TRITONSERVER_ERROR_ALREADY_EXISTS, "state already has a buffer");
  state->value.data = malloc(buffer_byte_size ? buffer_byte_size : 1);
  if (!state->value.data)
    return util_errorf(TRITONSERVER_ERROR_UNAVAILABLE, "unable to allocate %llu bytes for a state",
                       (unsigned long long)buffer_byte_size);
  state->value.byte_size = (size_t)buffer_byte_size;
  state->has_buffer = true;
  *buffer = state->value.data;
  *memory_type = TRITONSERVER_MEMORY_CPU;
  *memory_type_id = 0;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_StateUpdate(TRITONBACKEND_State *state)
{
  UTIL_CHECK_ARG(state, "non-NULL state");
  TRITONSERVER_InferenceRequest *req = state->request;
  if (!state->has_buffer)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "state has no buffer: call TRITONBACKEND_StateBuffer before StateUpdate");
  if (!req->model || !req->model->sequences)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "model '%s' has no sequence batcher",
                       req->model_name);
  /* Hand a copy to the sequence (the state object keeps its buffer until release). */
  sequence_tensor copy = state->value;
  copy.shape = malloc((copy.dims_count ? copy.dims_count : 1) * sizeof(int64_t));
  copy.data = malloc(copy.byte_size ? copy.byte_size : 1);
  if (!copy.shape || !copy.data) {
    free(copy.shape);
    free(copy.data);
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  if (copy.dims_count)
    memcpy(copy.shape, state->value.shape, copy.dims_count * sizeof(int64_t));
  if (copy.byte_size)
    memcpy(copy.data, state->value.data, copy.byte_size);
  return sequence_store_state(req->model->sequences, req, state->index, &copy);
}

TRITONSERVER_Error *TRITONBACKEND_StateBufferAttributes(
    TRITONBACKEND_State *state, TRITONSERVER_BufferAttributes **buffer_attributes)
{
  UTIL_CHECK_ARG(state && buffer_attributes, "non-NULL state and attributes");
  return util_errorf(TRITONSERVER_ERROR_UNSUPPORTED,
                     "TRITONBACKEND_StateBufferAttributes is not supported: use "
                     "TRITONBACKEND_StateBuffer");
}
