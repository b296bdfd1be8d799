/* request.c — TRITONSERVER_InferenceRequest*: the frontend-side builder of an inference
 * request (inputs with appended buffers, requested outputs, id, correlation id, flags,
 * priority, timeout, parameters, callbacks). Inputs and requested outputs are kept sorted
 * by name, which is the order Triton enumerates them to backends (spec §0 item 8).
 * The request does not copy input data: buffers stay owned by the frontend until the
 * release callback runs. */
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_util.h"
#include "response.h"

static TRITONSERVER_Error *oom(void)
{
  return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestNew(TRITONSERVER_InferenceRequest **out,
                                                      TRITONSERVER_Server *server,
                                                      const char *model_name,
                                                      const int64_t model_version)
{
  UTIL_CHECK_ARG(out && server && model_name, "non-NULL request, server and model name");
  TRITONSERVER_InferenceRequest *r = calloc(1, sizeof(*r));
  if (!r)
    return oom();
  r->server = server;
  r->model_name = strdup(model_name);
  r->model_version = model_version;
  r->id = strdup("");
  r->correlation_id_string = strdup("");
  if (!r->model_name || !r->id || !r->correlation_id_string) {
    TRITONSERVER_InferenceRequestDelete(r);
    return oom();
  }
  *out = r;
  return NULL;
}

/* Frees the per-buffer attributes; they are remade on demand after any buffer change. */
static void drop_attributes(TRITONBACKEND_Input *in)
{
  for (uint32_t i = 0; in->attributes && i < in->buffer_capacity; i++)
    if (in->attributes[i])
      TRITONSERVER_BufferAttributesDelete(in->attributes[i]);
  free(in->attributes);
  in->attributes = NULL;
}

static void input_free(TRITONBACKEND_Input *in)
{
  if (!in)
    return;
  free(in->owned_data);
  drop_attributes(in);
  free(in->name);
  free(in->shape);
  free(in->backend_shape);
  free(in->buffers);
  free(in);
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestDelete(TRITONSERVER_InferenceRequest *r)
{
  if (!r)
    return NULL;
  if (r->in_flight)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "cannot delete an inference request that is still in flight "
                       "(wait for its release callback)");
  request_reset_runtime(r);
  for (size_t i = 0; i < r->input_count; i++)
    input_free(r->inputs[i]);
  free(r->inputs);
  for (size_t i = 0; i < r->requested_output_count; i++)
    free(r->requested_outputs[i]);
  free(r->requested_outputs);
  for (size_t i = 0; i < r->param_count; i++) {
    free(r->params[i].key);
    free(r->params[i].string_value);
  }
  free(r->params);
  free(r->model_name);
  free(r->id);
  free(r->correlation_id_string);
  free(r);
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestId(TRITONSERVER_InferenceRequest *r,
                                                     const char **id)
{
  UTIL_CHECK_ARG(r && id, "non-NULL request and id");
  *id = r->id;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetId(TRITONSERVER_InferenceRequest *r,
                                                        const char *id)
{
  UTIL_CHECK_ARG(r && id, "non-NULL request and id");
  char *copy = strdup(id);
  if (!copy)
    return oom();
  free(r->id);
  r->id = copy;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestFlags(TRITONSERVER_InferenceRequest *r,
                                                        uint32_t *flags)
{
  UTIL_CHECK_ARG(r && flags, "non-NULL request and flags");
  *flags = r->flags;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetFlags(TRITONSERVER_InferenceRequest *r,
                                                           uint32_t flags)
{
  UTIL_CHECK_ARG(r, "non-NULL request");
  r->flags = flags;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestCorrelationId(TRITONSERVER_InferenceRequest *r,
                                                                uint64_t *id)
{
  UTIL_CHECK_ARG(r && id, "non-NULL request and correlation id");
  if (r->correlation_is_string)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "given request's correlation id is not an unsigned int");
  *id = r->correlation_id;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestCorrelationIdString(
    TRITONSERVER_InferenceRequest *r, const char **id)
{
  UTIL_CHECK_ARG(r && id, "non-NULL request and correlation id");
  if (!r->correlation_is_string)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "given request's correlation id is not a string");
  *id = r->correlation_id_string;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetCorrelationId(
    TRITONSERVER_InferenceRequest *r, uint64_t id)
{
  UTIL_CHECK_ARG(r, "non-NULL request");
  r->correlation_is_string = false;
  r->correlation_id = id;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetCorrelationIdString(
    TRITONSERVER_InferenceRequest *r, const char *id)
{
  UTIL_CHECK_ARG(r && id, "non-NULL request and correlation id");
  char *copy = strdup(id);
  if (!copy)
    return oom();
  free(r->correlation_id_string);
  r->correlation_id_string = copy;
  r->correlation_is_string = true;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestCancel(TRITONSERVER_InferenceRequest *r)
{
  UTIL_CHECK_ARG(r, "non-NULL request");
  __atomic_store_n(&r->cancelled, true, __ATOMIC_RELEASE);
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestIsCancelled(TRITONSERVER_InferenceRequest *r,
                                                              bool *is_cancelled)
{
  UTIL_CHECK_ARG(r && is_cancelled, "non-NULL request and is_cancelled");
  *is_cancelled = __atomic_load_n(&r->cancelled, __ATOMIC_ACQUIRE);
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestPriority(TRITONSERVER_InferenceRequest *r,
                                                           uint32_t *priority)
{
  UTIL_CHECK_ARG(r && priority, "non-NULL request and priority");
  *priority = (uint32_t)r->priority;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestPriorityUInt64(TRITONSERVER_InferenceRequest *r,
                                                                 uint64_t *priority)
{
  UTIL_CHECK_ARG(r && priority, "non-NULL request and priority");
  *priority = r->priority;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetPriority(TRITONSERVER_InferenceRequest *r,
                                                              uint32_t priority)
{
  UTIL_CHECK_ARG(r, "non-NULL request");
  r->priority = priority;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetPriorityUInt64(
    TRITONSERVER_InferenceRequest *r, uint64_t priority)
{
  UTIL_CHECK_ARG(r, "non-NULL request");
  r->priority = priority;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestTimeoutMicroseconds(
    TRITONSERVER_InferenceRequest *r, uint64_t *timeout_us)
{
  UTIL_CHECK_ARG(r && timeout_us, "non-NULL request and timeout");
  *timeout_us = r->timeout_us;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetTimeoutMicroseconds(
    TRITONSERVER_InferenceRequest *r, uint64_t timeout_us)
{
  UTIL_CHECK_ARG(r, "non-NULL request");
  r->timeout_us = timeout_us;
  return NULL;
}

TRITONBACKEND_Input *request_find_input(TRITONSERVER_InferenceRequest *req, const char *name)
{
  for (size_t i = 0; i < req->input_count; i++)
    if (strcmp(req->inputs[i]->name, name) == 0)
      return req->inputs[i];
  return NULL;
}

/* Adds an input keeping the array sorted by name; shape may be NULL for a raw input. */
static TRITONSERVER_Error *add_input(TRITONSERVER_InferenceRequest *r, const char *name,
                                     TRITONSERVER_DataType datatype, const int64_t *shape,
                                     uint64_t dims_count)
{
  if (request_find_input(r, name))
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "input '%s' already exists in request", name);
  TRITONBACKEND_Input *in = calloc(1, sizeof(*in));
  TRITONBACKEND_Input **grown = realloc(r->inputs, (r->input_count + 1) * sizeof(*grown));
  if (grown)
    r->inputs = grown;
  if (!in || !grown || !(in->name = strdup(name))) {
    input_free(in);
    return oom();
  }
  in->datatype = datatype;
  if (dims_count > 0) {
    in->shape = malloc(dims_count * sizeof(int64_t));
    if (!in->shape) {
      input_free(in);
      return oom();
    }
    memcpy(in->shape, shape, dims_count * sizeof(int64_t));
  }
  in->dims_count = (uint32_t)dims_count;
  size_t pos = 0;
  while (pos < r->input_count && strcmp(r->inputs[pos]->name, name) < 0)
    pos++;
  memmove(&r->inputs[pos + 1], &r->inputs[pos], (r->input_count - pos) * sizeof(*grown));
  r->inputs[pos] = in;
  r->input_count++;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestAddInput(TRITONSERVER_InferenceRequest *r,
                                                           const char *name,
                                                           const TRITONSERVER_DataType datatype,
                                                           const int64_t *shape,
                                                           uint64_t dim_count)
{
  UTIL_CHECK_ARG(r && name && (shape || dim_count == 0), "non-NULL request, name and shape");
  return add_input(r, name, datatype, shape, dim_count);
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestAddRawInput(TRITONSERVER_InferenceRequest *r,
                                                              const char *name)
{
  UTIL_CHECK_ARG(r && name, "non-NULL request and name");
  return util_errorf(TRITONSERVER_ERROR_UNSUPPORTED,
                     "TRITONSERVER_InferenceRequestAddRawInput is not supported: add the "
                     "input with its datatype and shape instead ('%s')",
                     name);
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestRemoveInput(TRITONSERVER_InferenceRequest *r,
                                                              const char *name)
{
  UTIL_CHECK_ARG(r && name, "non-NULL request and name");
  for (size_t i = 0; i < r->input_count; i++) {
    if (strcmp(r->inputs[i]->name, name) == 0) {
      input_free(r->inputs[i]);
      memmove(&r->inputs[i], &r->inputs[i + 1], (r->input_count - i - 1) * sizeof(*r->inputs));
      r->input_count--;
      return NULL;
    }
  }
  return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                     "input '%s' does not exist in request", name);
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestRemoveAllInputs(TRITONSERVER_InferenceRequest *r)
{
  UTIL_CHECK_ARG(r, "non-NULL request");
  for (size_t i = 0; i < r->input_count; i++)
    input_free(r->inputs[i]);
  r->input_count = 0;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestAppendInputData(
    TRITONSERVER_InferenceRequest *r, const char *name, const void *base, size_t byte_size,
    TRITONSERVER_MemoryType memory_type, int64_t memory_type_id)
{
  UTIL_CHECK_ARG(r && name && (base || byte_size == 0), "non-NULL request, name and base");
  TRITONBACKEND_Input *in = request_find_input(r, name);
  if (!in)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "input '%s' does not exist in request", name);
  drop_attributes(in);
  if (in->buffer_count == in->buffer_capacity) {
    uint32_t cap = in->buffer_capacity ? in->buffer_capacity * 2 : 2;
    request_buffer *grown = realloc(in->buffers, cap * sizeof(*grown));
    if (!grown)
      return oom();
    in->buffers = grown;
    in->buffer_capacity = cap;
  }
  in->buffers[in->buffer_count++] =
      (request_buffer){base, byte_size, memory_type, memory_type_id};
  in->byte_size += byte_size;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestAppendInputDataWithHostPolicy(
    TRITONSERVER_InferenceRequest *r, const char *name, const void *base, size_t byte_size,
    TRITONSERVER_MemoryType memory_type, int64_t memory_type_id, const char *host_policy_name)
{
  (void)host_policy_name; /* one data set serves every host policy */
  return TRITONSERVER_InferenceRequestAppendInputData(r, name, base, byte_size, memory_type,
                                                      memory_type_id);
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestAppendInputDataWithBufferAttributes(
    TRITONSERVER_InferenceRequest *r, const char *name, const void *base,
    TRITONSERVER_BufferAttributes *attrs)
{
  UTIL_CHECK_ARG(attrs, "non-NULL buffer attributes");
  size_t byte_size = 0;
  TRITONSERVER_MemoryType mt = TRITONSERVER_MEMORY_CPU;
  int64_t mt_id = 0;
  TRITONSERVER_Error *err = TRITONSERVER_BufferAttributesByteSize(attrs, &byte_size);
  if (!err)
    err = TRITONSERVER_BufferAttributesMemoryType(attrs, &mt);
  if (!err)
    err = TRITONSERVER_BufferAttributesMemoryTypeId(attrs, &mt_id);
  if (err)
    return err;
  return TRITONSERVER_InferenceRequestAppendInputData(r, name, base, byte_size, mt, mt_id);
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestRemoveAllInputData(
    TRITONSERVER_InferenceRequest *r, const char *name)
{
  UTIL_CHECK_ARG(r && name, "non-NULL request and name");
  TRITONBACKEND_Input *in = request_find_input(r, name);
  if (!in)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "input '%s' does not exist in request", name);
  drop_attributes(in);
  in->buffer_count = 0;
  in->byte_size = 0;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestAddRequestedOutput(
    TRITONSERVER_InferenceRequest *r, const char *name)
{
  UTIL_CHECK_ARG(r && name, "non-NULL request and name");
  size_t pos = 0;
  while (pos < r->requested_output_count && strcmp(r->requested_outputs[pos], name) < 0)
    pos++;
  if (pos < r->requested_output_count && strcmp(r->requested_outputs[pos], name) == 0)
    return NULL; /* a set: adding twice is harmless */
  char **grown = realloc(r->requested_outputs, (r->requested_output_count + 1) * sizeof(char *));
  if (!grown)
    return oom();
  r->requested_outputs = grown;
  char *copy = strdup(name);
  if (!copy)
    return oom();
  memmove(&grown[pos + 1], &grown[pos], (r->requested_output_count - pos) * sizeof(char *));
  grown[pos] = copy;
  r->requested_output_count++;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestRemoveRequestedOutput(
    TRITONSERVER_InferenceRequest *r, const char *name)
{
  UTIL_CHECK_ARG(r && name, "non-NULL request and name");
  for (size_t i = 0; i < r->requested_output_count; i++) {
    if (strcmp(r->requested_outputs[i], name) == 0) {
      free(r->requested_outputs[i]);
      memmove(&r->requested_outputs[i], &r->requested_outputs[i + 1],
              (r->requested_output_count - i - 1) * sizeof(char *));
      r->requested_output_count--;
      return NULL;
    }
  }
  return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                     "requested output '%s' does not exist in request", name);
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestRemoveAllRequestedOutputs(
    TRITONSERVER_InferenceRequest *r)
{
  UTIL_CHECK_ARG(r, "non-NULL request");
  for (size_t i = 0; i < r->requested_output_count; i++)
    free(r->requested_outputs[i]);
  r->requested_output_count = 0;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetReleaseCallback(
    TRITONSERVER_InferenceRequest *r, TRITONSERVER_InferenceRequestReleaseFn_t fn, void *userp)
{
  UTIL_CHECK_ARG(r, "non-NULL request");
  r->release_fn = fn;
  r->release_userp = userp;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetResponseCallback(
    TRITONSERVER_InferenceRequest *r, TRITONSERVER_ResponseAllocator *allocator,
    void *allocator_userp, TRITONSERVER_InferenceResponseCompleteFn_t response_fn,
    void *response_userp)
{
  UTIL_CHECK_ARG(r, "non-NULL request");
  r->allocator = allocator;
  r->allocator_userp = allocator_userp;
  r->response_fn = response_fn;
  r->response_userp = response_userp;
  return NULL;
}

/* Returns the parameter slot for key (replacing an existing one), NULL on OOM. */
static request_param *param_slot(TRITONSERVER_InferenceRequest *r, const char *key)
{
  for (size_t i = 0; i < r->param_count; i++) {
    if (strcmp(r->params[i].key, key) == 0) {
      free(r->params[i].string_value);
      r->params[i].string_value = NULL;
      return &r->params[i];
    }
  }
  request_param *grown = realloc(r->params, (r->param_count + 1) * sizeof(*grown));
  if (!grown)
    return NULL;
  r->params = grown;
  request_param *p = &grown[r->param_count];
  memset(p, 0, sizeof(*p));
  if (!(p->key = strdup(key)))
    return NULL;
  r->param_count++;
  return p;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetStringParameter(
    TRITONSERVER_InferenceRequest *r, const char *key, const char *value)
{
  UTIL_CHECK_ARG(r && key && value, "non-NULL request, key and value");
  char *copy = strdup(value);
  request_param *p = copy ? param_slot(r, key) : NULL;
  if (!p) {
    free(copy);
    return oom();
  }
  p->type = TRITONSERVER_PARAMETER_STRING;
  p->string_value = copy;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetIntParameter(
    TRITONSERVER_InferenceRequest *r, const char *key, const int64_t value)
{
  UTIL_CHECK_ARG(r && key, "non-NULL request and key");
  request_param *p = param_slot(r, key);
  if (!p)
    return oom();
  p->type = TRITONSERVER_PARAMETER_INT;
  p->int_value = value;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetBoolParameter(
    TRITONSERVER_InferenceRequest *r, const char *key, const bool value)
{
  UTIL_CHECK_ARG(r && key, "non-NULL request and key");
  request_param *p = param_slot(r, key);
  if (!p)
    return oom();
  p->type = TRITONSERVER_PARAMETER_BOOL;
  p->bool_value = value;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetDoubleParameter(
    TRITONSERVER_InferenceRequest *r, const char *key, const double value)
{
  UTIL_CHECK_ARG(r && key, "non-NULL request and key");
  request_param *p = param_slot(r, key);
  if (!p)
    return oom();
  p->type = TRITONSERVER_PARAMETER_DOUBLE;
  p->double_value = value;
  return NULL;
}

const char *request_log_prefix(const TRITONSERVER_InferenceRequest *req, char *buf,
                               size_t buf_size)
{
  /* Triton's InferenceRequest::LogRequest(): "<id_unknown>" stands in for an empty id. */
  snprintf(buf, buf_size, "[request id: %s] ", req->id && req->id[0] ? req->id : "<id_unknown>");
  return buf;
}

TRITONSERVER_Error *request_inject_input(TRITONSERVER_InferenceRequest *req, const char *name,
                                         TRITONSERVER_DataType datatype, const int64_t *shape,
                                         uint32_t dims_count, void *data, size_t byte_size)
{
  TRITONSERVER_Error *err = add_input(req, name, datatype, shape, dims_count);
  if (err) {
    free(data);
    return err;
  }
  TRITONBACKEND_Input *in = request_find_input(req, name);
  in->injected = true;
  in->owned_data = data;
  err = TRITONSERVER_InferenceRequestAppendInputData(req, name, data ? data : "", byte_size,
                                                     TRITONSERVER_MEMORY_CPU, 0);
  if (err)
    return err;
  /* The backend view equals the computed shape. */
  in->backend_shape = malloc((dims_count ? dims_count : 1) * sizeof(int64_t));
  if (!in->backend_shape)
    return oom();
  if (dims_count)
    memcpy(in->backend_shape, shape, dims_count * sizeof(int64_t));
  in->backend_dims_count = dims_count;
  return NULL;
}

void request_remove_injected_inputs(TRITONSERVER_InferenceRequest *req)
{
  size_t kept = 0;
  for (size_t i = 0; i < req->input_count; i++) {
    if (req->inputs[i]->injected)
      input_free(req->inputs[i]);
    else
      req->inputs[kept++] = req->inputs[i];
  }
  req->input_count = kept;
}

const void *request_param_value(const request_param *p)
{
  switch (p->type) {
  case TRITONSERVER_PARAMETER_STRING: return p->string_value;
  case TRITONSERVER_PARAMETER_INT: return &p->int_value;
  case TRITONSERVER_PARAMETER_BOOL: return &p->bool_value;
  default: return &p->double_value;
  }
}
