/* response.c — response sinks and the frontend side of responses
 * (TRITONSERVER_InferenceResponse* getters and Delete). Building responses from a backend
 * lives in response_backend.c. */
#include "response.h"

#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "core_util.h"
#include "model.h"
#include "order.h"
#include "response_cache.h"

response_sink *response_sink_new(TRITONSERVER_InferenceRequest *req, bool decoupled)
{
  response_sink *s = calloc(1, sizeof(*s));
  if (!s)
    return NULL;
  s->refs = 1;
  s->allocator = req->allocator;
  s->allocator_userp = req->allocator_userp;
  s->response_fn = req->response_fn;
  s->response_userp = req->response_userp;
  s->model = req->model;
  s->model_name = strdup(req->model_name);
  s->request_id = util_strdup0(req->id);
  s->model_version = req->model ? (int64_t)model_version(req->model) : req->model_version;
  s->decoupled = decoupled;
  if (!s->model_name || !s->request_id) {
    free(s->model_name);
    free(s->request_id);
    free(s);
    return NULL;
  }
  if (s->model)
    model_ref(s->model);
  return s;
}

void response_sink_ref(response_sink *sink) { __atomic_add_fetch(&sink->refs, 1, __ATOMIC_ACQ_REL); }

void response_sink_unref(response_sink *sink)
{
  if (!sink || __atomic_sub_fetch(&sink->refs, 1, __ATOMIC_ACQ_REL) != 0)
    return;
  response_cache_pending_free(sink->cache_pending);
  if (sink->model)
    model_unref(sink->model);
  free(sink->model_name);
  free(sink->request_id);
  free(sink);
}

TRITONSERVER_InferenceResponse *response_new(response_sink *sink)
{
  TRITONSERVER_InferenceResponse *r = calloc(1, sizeof(*r));
  if (!r)
    return NULL;
  response_sink_ref(sink);
  r->sink = sink;
  return r;
}

void response_free(TRITONSERVER_InferenceResponse *resp)
{
  if (!resp)
    return;
  response_sink *sink = resp->sink;
  for (uint32_t i = 0; i < resp->output_count; i++) {
    TRITONBACKEND_Output *o = resp->outputs[i];
    if (o->has_buffer && sink->allocator && sink->allocator->release_fn) {
      TRITONSERVER_Error *err =
          sink->allocator->release_fn(sink->allocator, o->buffer, o->buffer_userp,
                                      o->byte_size, o->memory_type, o->memory_type_id);
      if (err)
        TRITONSERVER_ErrorDelete(err);
    }
    if (o->attributes)
      TRITONSERVER_BufferAttributesDelete(o->attributes);
    free(o->name);
    free(o->shape);
    free(o);
  }
  free(resp->outputs);
  for (uint32_t i = 0; i < resp->param_count; i++) {
    free(resp->params[i].key);
    free(resp->params[i].string_value);
  }
  free(resp->params);
  if (resp->error)
    TRITONSERVER_ErrorDelete(resp->error);
  response_sink_unref(sink);
  free(resp);
}

TRITONSERVER_Error *response_deliver(response_sink *sink, TRITONSERVER_InferenceResponse *resp,
                                     uint32_t flags)
{
  if (flags & TRITONSERVER_RESPONSE_COMPLETE_FINAL) {
    if (__atomic_exchange_n(&sink->final_sent, true, __ATOMIC_ACQ_REL)) {
      response_free(resp);
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                         "a final response was already sent for request '%s' of model '%s'",
                         sink->request_id, sink->model_name);
    }
  } else if (__atomic_load_n(&sink->final_sent, __ATOMIC_ACQUIRE)) {
    response_free(resp);
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "response sent after the final response for request '%s' of model "
                       "'%s'",
                       sink->request_id, sink->model_name);
  }
  if (sink->ordered && (flags & TRITONSERVER_RESPONSE_COMPLETE_FINAL) && sink->model &&
      sink->model->order) {
    order_deliver(sink->model->order, sink, resp, flags);
    return NULL;
  }
  if (!sink->response_fn) {
    response_free(resp);
    return NULL;
  }
  sink->response_fn(resp, flags, sink->response_userp);
  return NULL;
}

void response_send_error(response_sink *sink, TRITONSERVER_Error *error)
{
  if (__atomic_load_n(&sink->final_sent, __ATOMIC_ACQUIRE)) {
    if (error)
      TRITONSERVER_ErrorDelete(error);
    return;
  }
  TRITONSERVER_InferenceResponse *resp = response_new(sink);
  if (!resp) {
    if (error)
      TRITONSERVER_ErrorDelete(error);
    return;
  }
  resp->error = error ? error
                      : util_errorf(TRITONSERVER_ERROR_INTERNAL,
                                    "request of model '%s' ended without a response",
                                    sink->model_name);
  TRITONSERVER_Error *err = response_deliver(sink, resp, TRITONSERVER_RESPONSE_COMPLETE_FINAL);
  if (err)
    TRITONSERVER_ErrorDelete(err);
}

/* ---- TRITONSERVER_InferenceResponse* (frontend side) ---- */

#define CHECK_RESP(r)                                                                       \
  do {                                                                                      \
    if (!(r))                                                                               \
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "%s: response is NULL", __func__); \
  } while (0)

TRITONSERVER_Error *TRITONSERVER_InferenceResponseDelete(TRITONSERVER_InferenceResponse *r)
{
  response_free(r);
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceResponseError(TRITONSERVER_InferenceResponse *r)
{
  if (!r)
    return NULL;
  return r->error; /* owned by the response (Triton's rule) */
}

TRITONSERVER_Error *TRITONSERVER_InferenceResponseModel(TRITONSERVER_InferenceResponse *r,
                                                         const char **model_name,
                                                         int64_t *model_version)
{
  CHECK_RESP(r);
  if (model_name)
    *model_name = r->sink->model_name;
  if (model_version)
    *model_version = r->sink->model_version;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceResponseId(TRITONSERVER_InferenceResponse *r,
                                                      const char **request_id)
{
  CHECK_RESP(r);
  if (request_id)
    *request_id = r->sink->request_id;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceResponseParameterCount(
    TRITONSERVER_InferenceResponse *r, uint32_t *count)
{
  CHECK_RESP(r);
  if (count)
    *count = r->param_count;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceResponseParameter(TRITONSERVER_InferenceResponse *r,
                                                             const uint32_t index,
                                                             const char **name,
                                                             TRITONSERVER_ParameterType *type,
                                                             const void **vvalue)
{
  CHECK_RESP(r);
  if (index >= r->param_count)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "out of bounds index %u: response has %u parameters", index,
                       r->param_count);
  request_param *p = &r->params[index];
  if (name)
    *name = p->key;
  if (type)
    *type = p->type;
  if (vvalue)
    *vvalue = request_param_value(p);
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceResponseOutputCount(TRITONSERVER_InferenceResponse *r,
                                                               uint32_t *count)
{
  CHECK_RESP(r);
  if (count)
    *count = r->output_count;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceResponseOutput(
    TRITONSERVER_InferenceResponse *r, const uint32_t index, const char **name,
    TRITONSERVER_DataType *datatype, const int64_t **shape, uint64_t *dim_count,
    const void **base, size_t *byte_size, TRITONSERVER_MemoryType *memory_type,
    int64_t *memory_type_id, void **userp)
{
  CHECK_RESP(r);
  if (index >= r->output_count)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "out of bounds index %u: response has %u outputs", index,
                       r->output_count);
  TRITONBACKEND_Output *o = r->outputs[index];
  if (name)
    *name = o->name;
  if (datatype)
    *datatype = o->datatype;
  if (shape)
    *shape = o->shape;
  if (dim_count)
    *dim_count = o->dims_count;
  if (base)
    *base = o->buffer;
  if (byte_size)
    *byte_size = o->has_buffer ? o->byte_size : 0;
  if (memory_type)
    *memory_type = o->memory_type;
  if (memory_type_id)
    *memory_type_id = o->memory_type_id;
  if (userp)
    *userp = o->buffer_userp;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceResponseOutputClassificationLabel(
    TRITONSERVER_InferenceResponse *r, const uint32_t index, const size_t class_index,
    const char **label)
{
  CHECK_RESP(r);
  if (index >= r->output_count)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "out of bounds index %u: response has %u outputs", index,
                       r->output_count);
  if (!label)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "label out-pointer is NULL");
  TRITONBACKEND_Output *o = r->outputs[index];
  *label = r->sink->model ? model_output_label(r->sink->model, o->config_index, class_index)
                          : NULL;
  return NULL;
}
