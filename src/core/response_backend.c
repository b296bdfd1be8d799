/* response_backend.c — the backend side of responses: TRITONBACKEND_Response*,
 * TRITONBACKEND_Output*, TRITONBACKEND_ResponseFactory*. Output names are checked against
 * the model config, and a backend shape in `reshape` form is turned back into the
 * config `dims` form (batch dim kept), as Triton's core does. Output buffers come from
 * the frontend's response allocator. */
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "core_util.h"
#include "model.h"
#include "response.h"
#include "response_cache.h"

struct TRITONBACKEND_ResponseFactory {
  response_sink *sink;
  TRITONSERVER_InferenceRequest *request; /* valid while the request is in flight */
};

static TRITONSERVER_Error *oom(void)
{
  return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
}

TRITONSERVER_Error *TRITONBACKEND_ResponseNew(TRITONBACKEND_Response **response,
                                               TRITONBACKEND_Request *request)
{
  UTIL_CHECK_ARG(response && request, "non-NULL response out-pointer and request");
  TRITONSERVER_InferenceRequest *req = request_of(request);
  if (!req->sink)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "request is not in flight: cannot create a response for it");
  TRITONSERVER_InferenceResponse *r = response_new(req->sink);
  if (!r)
    return oom();
  *response = (TRITONBACKEND_Response *)(void *)r;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ResponseFactoryNew(TRITONBACKEND_ResponseFactory **factory,
                                                      TRITONBACKEND_Request *request)
{
  UTIL_CHECK_ARG(factory && request, "non-NULL factory out-pointer and request");
  TRITONSERVER_InferenceRequest *req = request_of(request);
  if (!req->sink)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "request is not in flight: cannot create a response factory");
  TRITONBACKEND_ResponseFactory *f = calloc(1, sizeof(*f));
  if (!f)
    return oom();
  response_sink_ref(req->sink);
  f->sink = req->sink;
  f->request = req;
  *factory = f;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ResponseFactoryDelete(TRITONBACKEND_ResponseFactory *factory)
{
  if (factory) {
    response_sink_unref(factory->sink);
    free(factory);
  }
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ResponseFactorySendFlags(TRITONBACKEND_ResponseFactory *factory,
                                                            const uint32_t send_flags)
{
  UTIL_CHECK_ARG(factory, "non-NULL factory");
  return response_deliver(factory->sink, NULL, send_flags);
}

TRITONSERVER_Error *TRITONBACKEND_ResponseFactoryIsCancelled(
    TRITONBACKEND_ResponseFactory *factory, bool *is_cancelled)
{
  UTIL_CHECK_ARG(factory && is_cancelled, "non-NULL factory and is_cancelled");
  *is_cancelled = false; /* cancellation is not propagated to factories */
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ResponseNewFromFactory(TRITONBACKEND_Response **response,
                                                          TRITONBACKEND_ResponseFactory *factory)
{
  UTIL_CHECK_ARG(response && factory, "non-NULL response out-pointer and factory");
  TRITONSERVER_InferenceResponse *r = response_new(factory->sink);
  if (!r)
    return oom();
  *response = (TRITONBACKEND_Response *)(void *)r;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ResponseDelete(TRITONBACKEND_Response *response)
{
  response_free(response_of(response));
  return NULL;
}

/* Appends a parameter to the response; the caller fills the value. NULL on OOM. */
static request_param *add_param(TRITONSERVER_InferenceResponse *r, const char *name,
                                TRITONSERVER_ParameterType type)
{
  request_param *grown = realloc(r->params, (r->param_count + 1) * sizeof(*grown));
  if (!grown)
    return NULL;
  r->params = grown;
  request_param *p = &grown[r->param_count];
  memset(p, 0, sizeof(*p));
  if (!(p->key = strdup(name)))
    return NULL;
  p->type = type;
  r->param_count++;
  return p;
}

TRITONSERVER_Error *TRITONBACKEND_ResponseSetStringParameter(TRITONBACKEND_Response *response,
                                                              const char *name, const char *value)
{
  UTIL_CHECK_ARG(response && name && value, "non-NULL response, name and value");
  char *copy = strdup(value);
  request_param *p = copy ? add_param(response_of(response), name, TRITONSERVER_PARAMETER_STRING)
                          : NULL;
  if (!p) {
    free(copy);
    return oom();
  }
  p->string_value = copy;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ResponseSetIntParameter(TRITONBACKEND_Response *response,
                                                           const char *name, const int64_t value)
{
  UTIL_CHECK_ARG(response && name, "non-NULL response and name");
  request_param *p = add_param(response_of(response), name, TRITONSERVER_PARAMETER_INT);
  if (!p)
    return oom();
  p->int_value = value;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ResponseSetBoolParameter(TRITONBACKEND_Response *response,
                                                            const char *name, const bool value)
{
  UTIL_CHECK_ARG(response && name, "non-NULL response and name");
  request_param *p = add_param(response_of(response), name, TRITONSERVER_PARAMETER_BOOL);
  if (!p)
    return oom();
  p->bool_value = value;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ResponseSetDoubleParameter(TRITONBACKEND_Response *response,
                                                              const char *name, const double value)
{
  UTIL_CHECK_ARG(response && name, "non-NULL response and name");
  request_param *p = add_param(response_of(response), name, TRITONSERVER_PARAMETER_DOUBLE);
  if (!p)
    return oom();
  p->double_value = value;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ResponseOutput(TRITONBACKEND_Response *response,
                                                  TRITONBACKEND_Output **output, const char *name,
                                                  const TRITONSERVER_DataType datatype,
                                                  const int64_t *shape, const uint32_t dims_count)
{
  UTIL_CHECK_ARG(response && output && name && (shape || dims_count == 0),
            "non-NULL response, output out-pointer, name and shape");
  TRITONSERVER_InferenceResponse *r = response_of(response);
  TRITONBACKEND_Model *model = r->sink->model;
  int index = model ? model_output_index(model, name) : -1;
  if (index < 0)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "unexpected inference output '%s' for model '%s'", name,
                       r->sink->model_name);
  for (uint32_t i = 0; i < r->output_count; i++)
    if (strcmp(r->outputs[i]->name, name) == 0)
      return util_errorf(TRITONSERVER_ERROR_ALREADY_EXISTS,
                         "output '%s' already exists in response of model '%s'", name,
                         r->sink->model_name);
  TRITONBACKEND_Output **grown = realloc(r->outputs, (r->output_count + 1) * sizeof(*grown));
  if (!grown)
    return oom();
  r->outputs = grown;
  TRITONBACKEND_Output *o = calloc(1, sizeof(*o));
  if (!o || !(o->name = strdup(name))) {
    free(o);
    return oom();
  }
  o->response = r;
  o->datatype = datatype;
  o->config_index = index;
  TRITONSERVER_Error *err =
      model_output_client_shape(model, index, shape, dims_count, &o->shape, &o->dims_count);
  if (err) {
    free(o->name);
    free(o);
    return err;
  }
  grown[r->output_count++] = o;
  *output = o;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_OutputBuffer(TRITONBACKEND_Output *output, void **buffer,
                                                const uint64_t buffer_byte_size,
                                                TRITONSERVER_MemoryType *memory_type,
                                                int64_t *memory_type_id)
{
  UTIL_CHECK_ARG(output && buffer && memory_type && memory_type_id,
            "non-NULL output, buffer, memory_type and memory_type_id");
  TRITONSERVER_InferenceResponse *r = output->response;
  response_sink *sink = r->sink;
  if (output->has_buffer)
    return util_errorf(TRITONSERVER_ERROR_ALREADY_EXISTS,
                       "a buffer was already allocated for output '%s'", output->name);
  if (!sink->allocator)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL,
                       "no response allocator was set on the request for model '%s': cannot "
                       "allocate output '%s'",
                       sink->model_name, output->name);
  if (!r->allocation_started && sink->allocator->start_fn) {
    TRITONSERVER_Error *err = sink->allocator->start_fn(sink->allocator, sink->allocator_userp);
    if (err)
      return err;
  }
  r->allocation_started = true;
  void *buf = NULL, *buf_userp = NULL;
  TRITONSERVER_MemoryType actual = *memory_type;
  int64_t actual_id = *memory_type_id;
  TRITONSERVER_Error *err = sink->allocator->alloc_fn(
      sink->allocator, output->name, (size_t)buffer_byte_size, *memory_type, *memory_type_id,
      sink->allocator_userp, &buf, &buf_userp, &actual, &actual_id);
  if (err)
    return err;
  if (!buf && buffer_byte_size > 0)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL,
                       "response allocator returned no buffer for %llu bytes of output '%s'",
                       (unsigned long long)buffer_byte_size, output->name);
  output->buffer = buf;
  output->buffer_userp = buf_userp;
  output->byte_size = (size_t)buffer_byte_size;
  output->memory_type = actual;
  output->memory_type_id = actual_id;
  output->has_buffer = true;
  *buffer = buf;
  *memory_type = actual;
  *memory_type_id = actual_id;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_OutputBufferAttributes(
    TRITONBACKEND_Output *output, TRITONSERVER_BufferAttributes **buffer_attributes)
{
  UTIL_CHECK_ARG(output && buffer_attributes, "non-NULL output and buffer attributes");
  if (!output->has_buffer)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "output '%s' has no buffer yet: call TRITONBACKEND_OutputBuffer first",
                       output->name);
  /* Owned by the output (freed with its response). The frontend's allocator may fill in
   * more (its buffer-attributes function); memory type/id and size are the buffer's. */
  if (!output->attributes) {
    TRITONSERVER_Error *err = buffer_attributes_make(&output->attributes, output->byte_size,
                                                     output->memory_type, output->memory_type_id);
    response_sink *sink = output->response->sink;
    if (!err && sink->allocator && sink->allocator->buffer_attributes_fn)
      err = sink->allocator->buffer_attributes_fn(sink->allocator, output->name,
                                                  output->attributes, sink->allocator_userp,
                                                  output->buffer_userp);
    if (err)
      return err;
  }
  *buffer_attributes = output->attributes;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ResponseSend(TRITONBACKEND_Response *response,
                                                const uint32_t send_flags,
                                                TRITONSERVER_Error *error)
{
  UTIL_CHECK_ARG(response, "non-NULL response");
  TRITONSERVER_InferenceResponse *r = response_of(response);
  if (error) {
    if (r->error)
      TRITONSERVER_ErrorDelete(r->error);
    /* The caller keeps ownership of `error`: copy it. */
    r->error = TRITONSERVER_ErrorNew(TRITONSERVER_ErrorCode(error), TRITONSERVER_ErrorMessage(error));
  }
  response_cache_store(r, send_flags); /* a request that missed the cache: keep the result */
  return response_deliver(r->sink, r, send_flags);
}

TRITONSERVER_Error *TRITONBACKEND_InferenceResponseOutput(TRITONBACKEND_Response *response,
                                                           const uint32_t index, const char **name,
                                                           TRITONSERVER_DataType *datatype,
                                                           const int64_t **shape,
                                                           uint64_t *dim_count)
{
  UTIL_CHECK_ARG(response, "non-NULL response");
  TRITONSERVER_InferenceResponse *r = response_of(response);
  if (index >= r->output_count)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "out of bounds index %u: response has %u outputs", index, r->output_count);
  TRITONBACKEND_Output *o = r->outputs[index];
  if (name)
    *name = o->name;
  if (datatype)
    *datatype = o->datatype;
  if (shape)
    *shape = o->shape;
  if (dim_count)
    *dim_count = o->dims_count;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_InferenceResponseOutputByName(TRITONBACKEND_Response *response,
                                                                 const char *name,
                                                                 TRITONSERVER_DataType *datatype,
                                                                 const int64_t **shape,
                                                                 uint64_t *dim_count)
{
  UTIL_CHECK_ARG(response && name, "non-NULL response and name");
  TRITONSERVER_InferenceResponse *r = response_of(response);
  for (uint32_t i = 0; i < r->output_count; i++)
    if (strcmp(r->outputs[i]->name, name) == 0)
      return TRITONBACKEND_InferenceResponseOutput(response, i, NULL, datatype, shape, dim_count);
  return util_errorf(TRITONSERVER_ERROR_NOT_FOUND, "output '%s' not found in response", name);
}
