/*
 * infer_handler.c — asynchronous inference over HTTP (see infer_handler.h).
 *
 * An infer_call is reference counted; its owners are
 *   (1) the HTTP request (dropped when MHD completes or abandons the request),
 *   (2) the core, from InferAsync until the request-release callback,
 *   (3) the MHD response built from it (dropped by the iovec free callback).
 * The last owner frees the body, the parsed request, the core response (whose release
 * callback frees the output buffers the binary reply pointed at) and the reply JSON.
 *
 * Request lifecycle: received → parsed → submitted (suspended) → completed (reply
 * built) → resumed → sent → released.
 */
#include "infer_handler.h"

#include "infer_core.h"
#include "dtype.h"
#include "errfmt.h"
#include "http_compress.h"
#include "infer_request.h"
#include "infer_response.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_IOV = 64 };
/* Replies up to this size are sent from one copied buffer rather than zero-copy iovecs
 * (infer_take_reply): copying 64 KiB costs less than a second send. */
enum { SMALL_REPLY_BYTES = 64 * 1024 };

struct infer_call {
  atomic_int refs;
  frontend *fe;
  struct MHD_Connection *connection;
  char *body;
  size_t body_size;
  infer_request parsed;
  infer_alloc_context alloc; /* the allocator's view of this call: {fe, &parsed} */
  char model[ROUTE_NAME_MAX];
  int64_t version;
  bool counted_pending;
  TRITONSERVER_InferenceResponse *response; /* kept until the call is freed */

  /* attach_lock guards the reply and these flags. The completion callback builds the
   * reply under it; it may resume the connection only while MHD still holds the request
   * (http_attached) and the shutdown has not answered it already (abandoned). */
  pthread_mutex_t attach_lock;
  bool http_attached;
  bool abandoned;
  bool suspended; /* the connection is suspended until the reply is complete */
  infer_call *prev, *next; /* in fe->calls while listed */
  bool listed;

  /* The reply, written by the completion callback, read after resume. */
  atomic_bool done;
  unsigned status;
  char *error;           /* error message, or NULL */
  strbuf json;
  struct MHD_IoVec iov[MAX_IOV];
  unsigned iov_count;
  bool binary;
};

static void call_unlist(infer_call *call) {
  frontend *fe = call->fe;
  pthread_mutex_lock(&fe->calls_lock);
  if (call->listed) {
    if (call->prev) call->prev->next = call->next;
    else fe->calls = call->next;
    if (call->next) call->next->prev = call->prev;
    call->listed = false;
  }
  pthread_mutex_unlock(&fe->calls_lock);
}

static void call_list(infer_call *call) {
  frontend *fe = call->fe;
  pthread_mutex_lock(&fe->calls_lock);
  call->prev = NULL;
  call->next = fe->calls;
  if (fe->calls) fe->calls->prev = call;
  fe->calls = call;
  call->listed = true;
  pthread_mutex_unlock(&fe->calls_lock);
}

static void call_unref(infer_call *call) {
  if (atomic_fetch_sub(&call->refs, 1) != 1) return;
  call_unlist(call);
  if (call->response != NULL) TRITONSERVER_InferenceResponseDelete(call->response);
  infer_request_free(&call->parsed);
  strbuf_free(&call->json);
  free(call->error);
  free(call->body);
  pthread_mutex_destroy(&call->attach_lock);
  atomic_fetch_sub(&call->fe->live_infers, 1);
  free(call);
}

/* ---- completion ---------------------------------------------------------------------- */

static void set_call_error(infer_call *call, unsigned status, const char *message) {
  if (call->error != NULL) return; /* keep the first error */
  call->status = status;
  call->error = strdup(message);
}

typedef struct label_context {
  TRITONSERVER_InferenceResponse *response;
  uint32_t index;
} label_context;

static const char *classification_label(void *context, size_t class_index) {
  label_context *c = context;
  const char *label = NULL;
  TRITONSERVER_Error *err =
      TRITONSERVER_InferenceResponseOutputClassificationLabel(c->response, c->index,
                                                              class_index, &label);
  if (err != NULL) {
    TRITONSERVER_ErrorDelete(err);
    return NULL;
  }
  return label;
}

static bool model_batches(infer_call *call, const char *model, int64_t version) {
  uint32_t flags = 0;
  TRITONSERVER_Error *err =
      TRITONSERVER_ServerModelBatchProperties(call->fe->server, model, version, &flags, NULL);
  if (err != NULL) {
    TRITONSERVER_ErrorDelete(err);
    return false;
  }
  return (flags & TRITONSERVER_BATCH_FIRST_DIM) != 0;
}

/* Write the reply for a successful response into call->json / call->iov. */
static void build_reply(infer_call *call, TRITONSERVER_InferenceResponse *response) {
  const char *model = NULL, *id = NULL;
  int64_t version = -1;
  TRITONSERVER_Error *err = TRITONSERVER_InferenceResponseModel(response, &model, &version);
  if (err == NULL) err = TRITONSERVER_InferenceResponseId(response, &id);
  uint32_t param_count = 0, output_count = 0;
  if (err == NULL) err = TRITONSERVER_InferenceResponseParameterCount(response, &param_count);
  if (err == NULL) err = TRITONSERVER_InferenceResponseOutputCount(response, &output_count);
  if (err != NULL) {
    set_call_error(call, http_status_from_code(TRITONSERVER_ErrorCode(err)),
                   TRITONSERVER_ErrorMessage(err));
    TRITONSERVER_ErrorDelete(err);
    return;
  }
  arena *a = &call->parsed.arena;
  infer_parameter *params = arena_alloc(a, (param_count ? param_count : 1) * sizeof(*params));
  response_output *outs = arena_alloc(a, (output_count ? output_count : 1) * sizeof(*outs));
  if (params == NULL || outs == NULL) {
    set_call_error(call, 500, "out of memory");
    return;
  }
  size_t kept_params = 0;
  for (uint32_t i = 0; i < param_count; ++i) {
    const char *name = NULL;
    TRITONSERVER_ParameterType type;
    const void *value = NULL;
    if (TRITONSERVER_InferenceResponseParameter(response, i, &name, &type, &value) != NULL)
      continue;
    infer_parameter *p = &params[kept_params];
    p->key = name;
    if (type == TRITONSERVER_PARAMETER_STRING) { p->type = PARAM_STRING; p->string_value = value; }
    else if (type == TRITONSERVER_PARAMETER_INT) { p->type = PARAM_INT; p->int_value = *(const int64_t *)value; }
    else if (type == TRITONSERVER_PARAMETER_BOOL) { p->type = PARAM_BOOL; p->bool_value = *(const bool *)value; }
    else if (type == TRITONSERVER_PARAMETER_DOUBLE) { p->type = PARAM_DOUBLE; p->double_value = *(const double *)value; }
    else continue;
    ++kept_params;
  }
  call->iov_count = 1; /* iov[0] is the JSON */
  for (uint32_t i = 0; i < output_count; ++i) {
    response_output *o = &outs[i];
    TRITONSERVER_DataType datatype;
    const int64_t *shape = NULL;
    uint64_t dims = 0;
    const void *base = NULL;
    size_t size = 0;
    TRITONSERVER_MemoryType memory_type;
    int64_t memory_type_id;
    void *userp = NULL;
    err = TRITONSERVER_InferenceResponseOutput(response, i, &o->name, &datatype, &shape, &dims,
                                               &base, &size, &memory_type, &memory_type_id,
                                               &userp);
    if (err != NULL) {
      set_call_error(call, http_status_from_code(TRITONSERVER_ErrorCode(err)),
                     TRITONSERVER_ErrorMessage(err));
      TRITONSERVER_ErrorDelete(err);
      return;
    }
    o->datatype = (int)datatype;
    o->shape = shape;
    o->dim_count = (size_t)dims;
    o->data = base;
    o->byte_size = size;
    const infer_output *spec = infer_requested_output(&call->parsed, o->name);
    if (spec != NULL && spec->shm_region != NULL) {
      o->mode = OUTPUT_IN_SHM;
      continue;
    }
    bool binary = spec != NULL && spec->binary_data >= 0 ? spec->binary_data == 1
                                                          : call->parsed.binary_data_output;
    o->mode = binary ? OUTPUT_AS_BINARY : OUTPUT_AS_JSON;
    if (spec != NULL && spec->classification > 0) {
      label_context labels = {response, i};
      void *bytes = NULL;
      int64_t *class_shape = NULL;
      size_t class_dims = 0;
      char *message = infer_classify(a, o->datatype, base, size, shape, (size_t)dims,
                                     model_batches(call, model, version),
                                     spec->classification, classification_label, &labels,
                                     &bytes, &o->byte_size, &class_shape, &class_dims);
      if (message != NULL) {
        set_call_error(call, 400, message);
        free(message);
        return;
      }
      o->datatype = DTYPE_BYTES;
      o->data = bytes;
      o->shape = class_shape;
      o->dim_count = class_dims;
    }
    if (o->mode == OUTPUT_AS_BINARY && o->byte_size > 0) {
      if (call->iov_count == MAX_IOV) {
        set_call_error(call, 400, "too many binary outputs in one response (limit 63)");
        return;
      }
      call->iov[call->iov_count].iov_base = o->data;
      call->iov[call->iov_count].iov_len = o->byte_size;
      ++call->iov_count;
      call->binary = true;
    }
    if (o->mode == OUTPUT_AS_BINARY) call->binary = true;
  }
  response_header header = {id, model, version, params, kept_params};
  char *message = infer_response_write_json(&header, outs, output_count, &call->json);
  if (message != NULL) {
    set_call_error(call, 400, message);
    free(message);
    return;
  }
  call->iov[0].iov_base = call->json.data;
  call->iov[0].iov_len = call->json.len;
  call->status = MHD_HTTP_OK;
}

/* Mark the reply complete and resume the connection if infer_handle suspended it (a
 * reply completed on the handler's own thread — inline execution, or an immediate error
 * — is taken without a suspension). Caller holds attach_lock. */
static void finish_call_locked(infer_call *call) {
  atomic_store(&call->done, true);
  if (call->http_attached && call->suspended) MHD_resume_connection(call->connection);
}

static void on_response(TRITONSERVER_InferenceResponse *response, const uint32_t flags,
                        void *userp) {
  infer_call *call = userp;
  bool final = (flags & TRITONSERVER_RESPONSE_COMPLETE_FINAL) != 0;
  if (final && call->counted_pending) frontend_pending_add(call->fe, call->model, -1);
  pthread_mutex_lock(&call->attach_lock);
  if (call->abandoned) { /* the shutdown already answered this request */
    pthread_mutex_unlock(&call->attach_lock);
    if (response != NULL) TRITONSERVER_InferenceResponseDelete(response);
    return;
  }
  if (response != NULL) {
    if (call->response != NULL || call->error != NULL) {
      TRITONSERVER_InferenceResponseDelete(response); /* only one response over HTTP */
    } else {
      TRITONSERVER_Error *err = TRITONSERVER_InferenceResponseError(response);
      if (err != NULL) {
        set_call_error(call, http_status_from_code(TRITONSERVER_ErrorCode(err)),
                       TRITONSERVER_ErrorMessage(err));
        TRITONSERVER_InferenceResponseDelete(response);
      } else {
        call->response = response;
        build_reply(call, response);
      }
    }
  }
  if (final) {
    if (call->response == NULL && call->error == NULL)
      set_call_error(call, 500, "inference completed without a response");
    finish_call_locked(call);
  }
  pthread_mutex_unlock(&call->attach_lock);
}

void infer_abandon_all(frontend *fe) {
  pthread_mutex_lock(&fe->calls_lock);
  for (infer_call *call = fe->calls; call != NULL; call = call->next) {
    pthread_mutex_lock(&call->attach_lock);
    if (!atomic_load(&call->done) && !call->abandoned) {
      call->abandoned = true;
      set_call_error(call, MHD_HTTP_SERVICE_UNAVAILABLE,
                     "Server is shutting down: the inference did not finish within "
                     "--exit-timeout-secs");
      finish_call_locked(call);
    }
    pthread_mutex_unlock(&call->attach_lock);
  }
  pthread_mutex_unlock(&fe->calls_lock);
}

static void on_release(TRITONSERVER_InferenceRequest *request, const uint32_t flags,
                       void *userp) {
  (void)flags;
  TRITONSERVER_InferenceRequestDelete(request);
  call_unref(userp);
}

/* ---- building the core request --------------------------------------------------------- */

/* Fill a raw-binary request's single input from the model configuration. */
static char *complete_raw_request(infer_call *call) {
  TRITONSERVER_Message *message = NULL;
  TRITONSERVER_Error *err =
      TRITONSERVER_ServerModelConfig(call->fe->server, call->model, call->version, 1, &message);
  if (err != NULL) {
    char *text = errfmt("%s", TRITONSERVER_ErrorMessage(err));
    TRITONSERVER_ErrorDelete(err);
    return text;
  }
  const char *base = NULL;
  size_t size = 0;
  json_object *config = NULL, *inputs = NULL, *mbs = NULL;
  char *result = NULL;
  if (TRITONSERVER_MessageSerializeToJson(message, &base, &size) == NULL)
    config = json_tokener_parse(base);
  if (config == NULL || !json_object_object_get_ex(config, "input", &inputs) ||
      json_object_array_length(inputs) != 1) {
    result = errfmt("Raw request must only have 1 input (found 1) to be deduced but got %zu "
                    "inputs in '%s' model configuration",
                    inputs ? json_object_array_length(inputs) : (size_t)0, call->model);
  } else {
    json_object *input = json_object_array_get_idx(inputs, 0), *name = NULL, *type = NULL,
                *dims = NULL;
    json_object_object_get_ex(input, "name", &name);
    json_object_object_get_ex(input, "data_type", &type);
    json_object_object_get_ex(input, "dims", &dims);
    json_object_object_get_ex(config, "max_batch_size", &mbs);
    const char *type_name = type ? json_object_get_string(type) : "";
    if (strncmp(type_name, "TYPE_", 5) == 0) type_name += 5;
    int datatype = strcmp(type_name, "STRING") == 0 ? DTYPE_BYTES : dtype_from_name(type_name);
    size_t dim_count = dims ? json_object_array_length(dims) : 0;
    int64_t shape[16];
    if (dim_count > 16) dim_count = 16;
    for (size_t d = 0; d < dim_count; ++d)
      shape[d] = json_object_get_int64(json_object_array_get_idx(dims, d));
    result = infer_request_set_raw_input(&call->parsed, call->model,
                                         name ? json_object_get_string(name) : "", datatype,
                                         shape, dim_count, mbs && json_object_get_int(mbs) > 0,
                                         call->body, call->body_size);
  }
  json_object_put(config);
  TRITONSERVER_MessageDelete(message);
  return result;
}

/* Request parameter names the protocol reserves (spec §4.2): a forwarded header must not
 * pose as one of them. */
static bool reserved_parameter_name(const char *name) {
  static const char *const reserved[] = {"sequence_id", "sequence_start", "sequence_end",
                                         "priority",    "timeout",        "binary_data_output",
                                         "headers"};
  for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); ++i)
    if (strcasecmp(name, reserved[i]) == 0) return true;
  return strncasecmp(name, "triton_", 7) == 0;
}

typedef struct header_forward {
  const regex_t *pattern;
  TRITONSERVER_InferenceRequest *request;
  TRITONSERVER_Error *err;
} header_forward;

/* MHD header iterator: a header whose name matches --http-header-forward-pattern becomes
 * a STRING request parameter named like the header (as Triton forwards them). */
static enum MHD_Result forward_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value) {
  (void)kind;
  header_forward *f = cls;
  if (key == NULL || regexec(f->pattern, key, 0, NULL, 0) != 0) return MHD_YES;
  if (reserved_parameter_name(key)) {
    char *message = errfmt("HTTP header '%s' matches --http-header-forward-pattern, but '%s' "
                           "is a reserved request parameter name (parameter keys starting "
                           "with 'triton_' and sequence_id, sequence_start, sequence_end, "
                           "priority, timeout, binary_data_output, headers are reserved)",
                           key, key);
    f->err = TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INVALID_ARG,
                                   message ? message : "reserved header name");
    free(message);
    return MHD_NO;
  }
  f->err = TRITONSERVER_InferenceRequestSetStringParameter(f->request, key, value ? value : "");
  return f->err == NULL ? MHD_YES : MHD_NO;
}

/* Build the TRITONSERVER_InferenceRequest with the call's callbacks and the forwarded
 * headers. On error returns it (request deleted). */
static TRITONSERVER_Error *build_request(infer_call *call, TRITONSERVER_InferenceRequest **out) {
  TRITONSERVER_InferenceRequest *req = NULL;
  TRITONSERVER_Error *err =
      infer_core_request_new(call->fe, &call->parsed, call->model, call->version, &req);
  if (err != NULL) return err;
  if (call->fe->header_forward_set) {
    header_forward forward = {&call->fe->header_forward, req, NULL};
    MHD_get_connection_values(call->connection, MHD_HEADER_KIND, forward_header, &forward);
    err = forward.err;
  }
  if (err == NULL) err = TRITONSERVER_InferenceRequestSetReleaseCallback(req, on_release, call);
  if (err == NULL)
    err = TRITONSERVER_InferenceRequestSetResponseCallback(req, call->fe->allocator,
                                                           &call->alloc, on_response, call);
  if (err != NULL) {
    TRITONSERVER_InferenceRequestDelete(req);
    return err;
  }
  *out = req;
  return NULL;
}

static int64_t header_length(http_request *r, bool *bad) {
  const char *text = http_header(r, "Inference-Header-Content-Length");
  *bad = false;
  if (text == NULL) return -1;
  char *end = NULL;
  long long v = strtoll(text, &end, 10);
  if (*text == '\0' || *end != '\0' || v < 0) {
    *bad = true;
    return 0;
  }
  return v;
}

/* Decoupled models may send any number of responses: HTTP /infer cannot carry them
 * (Triton answers 501 too). Unknown models fall through to the core's own error. */
static bool model_is_decoupled(frontend *fe, const char *model, int64_t version) {
  uint32_t flags = 0;
  TRITONSERVER_Error *err =
      TRITONSERVER_ServerModelTransactionProperties(fe->server, model, version, &flags, NULL);
  if (err != NULL) {
    TRITONSERVER_ErrorDelete(err);
    return false;
  }
  return (flags & TRITONSERVER_TXN_DECOUPLED) != 0;
}

void infer_handle(http_request *r) {
  frontend *fe = r->fe;
  if (model_is_decoupled(fe, r->route.model, r->route.version)) {
    http_reply_error(r, MHD_HTTP_NOT_IMPLEMENTED,
                     "HTTP end point doesn't support models with decoupled transaction policy");
    return;
  }
  bool bad_header = false;
  int64_t json_length = header_length(r, &bad_header);
  if (bad_header) {
    http_reply_error(r, MHD_HTTP_BAD_REQUEST,
                     "Inference-Header-Content-Length must be a non-negative integer");
    return;
  }
  infer_call *call = calloc(1, sizeof(*call));
  if (call == NULL) {
    http_reply_error(r, 500, "out of memory");
    return;
  }
  atomic_init(&call->refs, 1);
  pthread_mutex_init(&call->attach_lock, NULL);
  call->http_attached = true;
  atomic_fetch_add(&fe->live_infers, 1);
  call->fe = fe;
  call->alloc = (infer_alloc_context){fe, &call->parsed};
  call->connection = r->connection;
  call->body = r->body; /* the call owns the body: inputs point into it */
  call->body_size = r->body_size;
  r->body = NULL;
  snprintf(call->model, sizeof(call->model), "%s", r->route.model);
  call->version = r->route.version;
  strbuf_init(&call->json);

  infer_request_limits limits;
  infer_request_limits_default(&limits);
  limits.max_tensor_bytes = fe->options->http_max_input_size;
  char *message = infer_request_parse(call->model, call->body ? call->body : "",
                                      call->body_size, json_length, &limits, &call->parsed);
  if (message == NULL && call->parsed.raw_binary) message = complete_raw_request(call);
  if (message != NULL) {
    http_reply_error(r, MHD_HTTP_BAD_REQUEST, message);
    free(message);
    call_unref(call);
    return;
  }
  TRITONSERVER_InferenceRequest *request = NULL;
  TRITONSERVER_Error *err = build_request(call, &request);
  if (err != NULL) {
    http_reply_core_error(r, err);
    call_unref(call);
    return;
  }
  atomic_fetch_add(&call->refs, 1); /* the core's reference, dropped in on_release */
  frontend_pending_add(fe, call->model, 1);
  call->counted_pending = true;
  r->infer = call;
  call_list(call);
  err = TRITONSERVER_ServerInferAsync(fe->server, request, NULL);
  if (err != NULL) { /* the core did not take the request: we still own it */
    frontend_pending_add(fe, call->model, -1);
    pthread_mutex_lock(&call->attach_lock);
    set_call_error(call, http_status_from_code(TRITONSERVER_ErrorCode(err)),
                   TRITONSERVER_ErrorMessage(err));
    finish_call_locked(call);
    pthread_mutex_unlock(&call->attach_lock);
    TRITONSERVER_ErrorDelete(err);
    TRITONSERVER_InferenceRequestDelete(request);
    call_unref(call);
  }
  /* Suspend only if the reply is still to come: with inline execution the core often
   * completed it on this thread already, and a suspension would cost a resume (a thread
   * wake-up and two epoll changes) for nothing. The completion callback resumes only a
   * suspended call, both under attach_lock, so suspend always precedes resume. */
  pthread_mutex_lock(&call->attach_lock);
  bool done = atomic_load(&call->done);
  if (!done) {
    call->suspended = true;
    atomic_fetch_add(&fe->suspended, 1);
    MHD_suspend_connection(r->connection);
  }
  pthread_mutex_unlock(&call->attach_lock);
  if (done) infer_take_reply(r);
}

static void iovec_response_done(void *cls) { call_unref(cls); }

void infer_take_reply(http_request *r) {
  infer_call *call = r->infer;
  if (call->suspended) atomic_fetch_sub(&r->fe->suspended, 1);
  call->suspended = false;
  if (!atomic_load(&call->done)) {
    http_reply_error(r, 500, "internal error: resumed before the inference finished");
    return;
  }
  if (call->error != NULL) {
    http_reply_error(r, call->status, call->error);
    return;
  }
  content_encoding encoding =
      compress_choose_accept_encoding(http_header(r, MHD_HTTP_HEADER_ACCEPT_ENCODING));
  struct MHD_Response *response = NULL;
  if (encoding == ENCODING_GZIP || encoding == ENCODING_DEFLATE) {
    compress_piece pieces[MAX_IOV];
    for (unsigned i = 0; i < call->iov_count; ++i)
      pieces[i] = (compress_piece){call->iov[i].iov_base, call->iov[i].iov_len};
    size_t size = 0;
    char *packed = compress_deflate(encoding, pieces, call->iov_count, &size);
    if (packed != NULL) {
      response = MHD_create_response_from_buffer(size, packed, MHD_RESPMEM_MUST_FREE);
      if (response != NULL)
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_ENCODING,
                                encoding == ENCODING_GZIP ? "gzip" : "deflate");
    }
  }
  size_t total = 0;
  for (unsigned i = 0; i < call->iov_count; ++i) total += call->iov[i].iov_len;
  if (response == NULL && call->iov_count > 1 && total <= SMALL_REPLY_BYTES) {
    /* A small reply is copied into one buffer: MHD then sends the headers and the body
     * with one sendmsg (one TCP segment, one wake-up of the client) — it sends the
     * headers of an iovec reply on their own. */
    char *flat = malloc(total ? total : 1);
    if (flat != NULL) {
      size_t at = 0;
      for (unsigned i = 0; i < call->iov_count; ++i) {
        memcpy(flat + at, call->iov[i].iov_base, call->iov[i].iov_len);
        at += call->iov[i].iov_len;
      }
      response = MHD_create_response_from_buffer(total, flat, MHD_RESPMEM_MUST_FREE);
      if (response == NULL) free(flat);
    }
  }
  if (response == NULL) { /* identity: the reply points at the output buffers (no copy) */
    atomic_fetch_add(&call->refs, 1);
    response = MHD_create_response_from_iovec(call->iov, call->iov_count, iovec_response_done,
                                              call);
    if (response == NULL) call_unref(call);
  }
  if (response == NULL) {
    http_reply_error(r, 500, "out of memory");
    return;
  }
  if (r->response != NULL) MHD_destroy_response(r->response);
  r->response = response;
  r->status = call->status;
  if (call->binary) {
    char length[32];
    snprintf(length, sizeof(length), "%zu", call->json.len);
    MHD_add_response_header(response, "Inference-Header-Content-Length", length);
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/octet-stream");
  } else {
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
  }
}

void infer_release_from_http(http_request *r) {
  infer_call *call = r->infer;
  r->infer = NULL;
  pthread_mutex_lock(&call->attach_lock);
  call->http_attached = false;
  pthread_mutex_unlock(&call->attach_lock);
  call_unref(call);
}
