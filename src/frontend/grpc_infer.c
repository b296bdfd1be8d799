/*
 * grpc_infer.c — ModelInfer and ModelStreamInfer (spec §5) over the same core path as
 * HTTP: the request message is decoded into an infer_request (grpc_infer_decode.c), the
 * core request is built by infer_core.c, and responses are written into
 * ModelInferResponse with every output in raw_output_contents (as Triton does).
 *
 * A grpc_infer (one inference) has two owners: the core (until the request-release
 * callback) and the response side (until the final response is handled).
 *
 * A stream (ModelStreamInfer) reads one message at a time; each request is submitted at
 * once, so many can be in flight. Responses are packed on the core's thread and queued;
 * gRPC allows one send at a time, so the queue sends the next when the last completes.
 * The status (OK) goes out once the client half-closed, every request finished and the
 * queue drained. Stream lifecycle: open → reading (requests in flight) → half-closed →
 * drained → status sent → closed (freed when no batch or request refers to it).
 */
#include "grpc_server.h"

#include "dtype.h"
#include "errfmt.h"
#include "grpc_infer_decode.h"
#include "infer_core.h"
#include "infer_response.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct grpc_stream grpc_stream;

typedef struct grpc_infer {
  atomic_int refs;
  frontend *fe;
  unary_call *unary;    /* ModelInfer: the call to answer */
  grpc_stream *stream;  /* ModelStreamInfer: the stream to answer on */
  ProtobufCMessage *message; /* the request; raw inputs point into it */
  infer_request parsed;
  infer_alloc_context alloc;
  grpc_infer_extras extras;
  char model[256];
  bool answered;
} grpc_infer;

static void stream_request_done(grpc_stream *s);
static void stream_send(grpc_stream *s, grpc_byte_buffer *buffer);

static void infer_unref(grpc_infer *inf) {
  if (atomic_fetch_sub(&inf->refs, 1) != 1) return;
  frontend *fe = inf->fe;
  if (inf->stream) stream_request_done(inf->stream);
  infer_request_free(&inf->parsed);
  if (inf->message) protobuf_c_message_free_unpacked(inf->message, NULL);
  free(inf);
  atomic_fetch_sub(&fe->live_infers, 1);
}

static void on_release(TRITONSERVER_InferenceRequest *request, const uint32_t flags, void *userp) {
  (void)flags;
  TRITONSERVER_InferenceRequestDelete(request);
  infer_unref(userp);
}

/* ---- the response message -------------------------------------------------------------- */

static bool model_batches(frontend *fe, const char *model, int64_t version) {
  uint32_t flags = 0;
  TRITONSERVER_Error *err =
      TRITONSERVER_ServerModelBatchProperties(fe->server, model, version, &flags, NULL);
  if (err != NULL) {
    TRITONSERVER_ErrorDelete(err);
    return false;
  }
  return (flags & TRITONSERVER_BATCH_FIRST_DIM) != 0;
}

typedef struct label_context {
  TRITONSERVER_InferenceResponse *response;
  uint32_t index;
} label_context;

static const char *classification_label(void *context, size_t class_index) {
  label_context *c = context;
  const char *label = NULL;
  TRITONSERVER_Error *err = TRITONSERVER_InferenceResponseOutputClassificationLabel(
      c->response, c->index, class_index, &label);
  if (err != NULL) {
    TRITONSERVER_ErrorDelete(err);
    return NULL;
  }
  return label;
}

typedef Inference__ModelInferResponse__ParametersEntry param_entry;

/* A response parameter entry in arena `a`. */
static param_entry *new_param(arena *a, const char *key) {
  param_entry *e = arena_alloc(a, sizeof(*e));
  Inference__InferParameter *v = arena_alloc(a, sizeof(*v));
  if (e == NULL || v == NULL) return NULL;
  inference__model_infer_response__parameters_entry__init(e);
  inference__infer_parameter__init(v);
  e->key = (char *)key;
  e->value = v;
  return e;
}

/*
 * Fill `out` (initialised) from a successful core response; everything lives in `a` or
 * in the response's own buffers, so pack before deleting either. `final_flag` < 0: no
 * triton_final_response parameter. Returns NULL or a core error.
 */
static TRITONSERVER_Error *fill_response(grpc_infer *inf, TRITONSERVER_InferenceResponse *response,
                                         arena *a, int final_flag,
                                         Inference__ModelInferResponse *out) {
  const char *model = NULL, *id = NULL;
  int64_t version = -1;
  uint32_t param_count = 0, output_count = 0;
  TRITONSERVER_Error *err = TRITONSERVER_InferenceResponseModel(response, &model, &version);
  if (err == NULL) err = TRITONSERVER_InferenceResponseId(response, &id);
  if (err == NULL) err = TRITONSERVER_InferenceResponseParameterCount(response, &param_count);
  if (err == NULL) err = TRITONSERVER_InferenceResponseOutputCount(response, &output_count);
  if (err != NULL) return err;
  char version_text[32];
  snprintf(version_text, sizeof(version_text), "%lld", (long long)version);
  out->model_name = arena_strndup(a, model, strlen(model));
  out->model_version = arena_strndup(a, version_text, strlen(version_text));
  out->id = arena_strndup(a, id ? id : "", id ? strlen(id) : 0);
  out->parameters = arena_alloc(a, (param_count + 1) * sizeof(param_entry *));
  out->outputs = arena_alloc(a, (output_count + 1) * sizeof(*out->outputs));
  out->raw_output_contents = arena_alloc(a, (output_count + 1) * sizeof(ProtobufCBinaryData));
  if (!out->parameters || !out->outputs || !out->raw_output_contents || !out->model_name)
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  for (uint32_t i = 0; i < param_count; ++i) {
    const char *name = NULL;
    TRITONSERVER_ParameterType type;
    const void *value = NULL;
    TRITONSERVER_Error *perr = TRITONSERVER_InferenceResponseParameter(response, i, &name, &type, &value);
    if (perr != NULL) {
      TRITONSERVER_ErrorDelete(perr);
      continue;
    }
    param_entry *e = new_param(a, name);
    if (e == NULL) continue;
    Inference__InferParameter *v = e->value;
    if (type == TRITONSERVER_PARAMETER_STRING) {
      v->parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_STRING_PARAM;
      v->string_param = (char *)value;
    } else if (type == TRITONSERVER_PARAMETER_INT) {
      v->parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_INT64_PARAM;
      v->int64_param = *(const int64_t *)value;
    } else if (type == TRITONSERVER_PARAMETER_BOOL) {
      v->parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_BOOL_PARAM;
      v->bool_param = *(const bool *)value;
    } else if (type == TRITONSERVER_PARAMETER_DOUBLE) {
      v->parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_DOUBLE_PARAM;
      v->double_param = *(const double *)value;
    } else {
      continue;
    }
    out->parameters[out->n_parameters++] = e;
  }
  if (final_flag >= 0) {
    param_entry *e = new_param(a, "triton_final_response");
    if (e != NULL) {
      e->value->parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_BOOL_PARAM;
      e->value->bool_param = final_flag > 0;
      out->parameters[out->n_parameters++] = e;
    }
  }
  for (uint32_t i = 0; i < output_count; ++i) {
    const char *name = NULL;
    TRITONSERVER_DataType datatype;
    const int64_t *shape = NULL;
    uint64_t dims = 0;
    const void *base = NULL;
    size_t size = 0;
    TRITONSERVER_MemoryType memory_type;
    int64_t memory_type_id;
    void *userp = NULL;
    err = TRITONSERVER_InferenceResponseOutput(response, i, &name, &datatype, &shape, &dims, &base,
                                               &size, &memory_type, &memory_type_id, &userp);
    if (err != NULL) return err;
    Inference__ModelInferResponse__InferOutputTensor *t = arena_alloc(a, sizeof(*t));
    if (t == NULL) return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    inference__model_infer_response__infer_output_tensor__init(t);
    t->name = (char *)name;
    int dtype = (int)datatype;
    const infer_output *spec = infer_requested_output(&inf->parsed, name);
    ProtobufCBinaryData raw = {size, (uint8_t *)base};
    if (spec != NULL && spec->shm_region != NULL) {
      raw = (ProtobufCBinaryData){0, NULL}; /* the data is in the client's region */
    } else if (spec != NULL && spec->classification > 0) {
      label_context labels = {response, i};
      void *bytes = NULL;
      int64_t *class_shape = NULL;
      size_t class_dims = 0, class_size = 0;
      char *message = infer_classify(a, dtype, base, size, shape, (size_t)dims,
                                     model_batches(inf->fe, model, version), spec->classification,
                                     classification_label, &labels, &bytes, &class_size,
                                     &class_shape, &class_dims);
      if (message != NULL) {
        err = TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INVALID_ARG, message);
        free(message);
        return err;
      }
      dtype = DTYPE_BYTES;
      shape = class_shape;
      dims = class_dims;
      raw = (ProtobufCBinaryData){class_size, bytes};
    }
    t->datatype = (char *)dtype_name(dtype);
    t->n_shape = (size_t)dims;
    t->shape = (int64_t *)shape;
    out->outputs[out->n_outputs++] = t;
    out->raw_output_contents[out->n_raw_output_contents++] = raw;
  }
  return NULL;
}

/* ---- ModelInfer ------------------------------------------------------------------------ */

static void unary_on_response(TRITONSERVER_InferenceResponse *response, const uint32_t flags,
                              void *userp) {
  grpc_infer *inf = userp;
  bool final = (flags & TRITONSERVER_RESPONSE_COMPLETE_FINAL) != 0;
  if (response != NULL) {
    if (!inf->answered) {
      inf->answered = true;
      TRITONSERVER_Error *err = TRITONSERVER_InferenceResponseError(response);
      if (err != NULL) {
        grpc_unary_finish(inf->unary, NULL, grpc_status_from_code(TRITONSERVER_ErrorCode(err)),
                          TRITONSERVER_ErrorMessage(err));
      } else {
        arena a;
        arena_init(&a);
        Inference__ModelInferResponse out = INFERENCE__MODEL_INFER_RESPONSE__INIT;
        err = fill_response(inf, response, &a, -1, &out);
        if (err != NULL) grpc_unary_fail(inf->unary, err);
        else grpc_unary_finish(inf->unary, &out.base, GRPC_STATUS_OK, NULL);
        arena_release(&a);
      }
    }
    TRITONSERVER_InferenceResponseDelete(response);
  }
  if (final) {
    if (!inf->answered) {
      inf->answered = true;
      grpc_unary_finish(inf->unary, NULL, GRPC_STATUS_INTERNAL,
                        "inference completed without a response");
    }
    frontend_pending_add(inf->fe, inf->model, -1);
    infer_unref(inf);
  }
}

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

/*
 * Decode `message` (taken) and submit it. Returns NULL once the core has it (answers
 * come through `on_response`), else the error (nothing submitted; `message` freed).
 */
static TRITONSERVER_Error *submit(grpc_frontend *g, const grpc_metadata_array *md,
                                  ProtobufCMessage *message, unary_call *unary,
                                  grpc_stream *stream,
                                  TRITONSERVER_InferenceResponseCompleteFn_t on_response,
                                  grpc_infer **out) {
  frontend *fe = grpc_frontend_core(g);
  grpc_infer *inf = calloc(1, sizeof(*inf));
  if (inf == NULL) {
    protobuf_c_message_free_unpacked(message, NULL);
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  atomic_init(&inf->refs, 1);
  atomic_fetch_add(&fe->live_infers, 1);
  inf->fe = fe;
  inf->unary = unary;
  inf->message = message;
  inf->alloc = (infer_alloc_context){fe, &inf->parsed};
  const Inference__ModelInferRequest *m = (const Inference__ModelInferRequest *)message;
  snprintf(inf->model, sizeof(inf->model), "%s", m->model_name);
  *out = inf;
  char *text = grpc_infer_decode(m, &inf->parsed, &inf->extras);
  if (text == NULL && !grpc_forward_headers(g, md, &inf->parsed)) text = errfmt("out of memory");
  if (text != NULL) {
    TRITONSERVER_Error *err = TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INVALID_ARG, text);
    free(text);
    infer_unref(inf);
    return err;
  }
  if (unary != NULL && model_is_decoupled(fe, m->model_name, inf->extras.version)) {
    infer_unref(inf);
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_UNSUPPORTED,
                                 "ModelInfer RPC doesn't support models with decoupled "
                                 "transaction policy");
  }
  TRITONSERVER_InferenceRequest *request = NULL;
  TRITONSERVER_Error *err =
      infer_core_request_new(fe, &inf->parsed, m->model_name, inf->extras.version, &request);
  if (err == NULL) err = TRITONSERVER_InferenceRequestSetReleaseCallback(request, on_release, inf);
  if (err == NULL)
    err = TRITONSERVER_InferenceRequestSetResponseCallback(request, fe->allocator, &inf->alloc,
                                                           on_response, inf);
  if (err != NULL) {
    if (request) TRITONSERVER_InferenceRequestDelete(request);
    infer_unref(inf);
    return err;
  }
  inf->stream = stream;
  atomic_store(&inf->refs, 2); /* the core's (on_release) + the final response's */
  frontend_pending_add(fe, inf->model, 1);
  err = TRITONSERVER_ServerInferAsync(fe->server, request, NULL);
  if (err != NULL) {
    frontend_pending_add(fe, inf->model, -1);
    TRITONSERVER_InferenceRequestDelete(request);
    inf->stream = NULL; /* the caller reports the error itself */
    atomic_store(&inf->refs, 1);
    infer_unref(inf);
    return err;
  }
  return NULL;
}

void rpc_model_infer(unary_call *c, ProtobufCMessage *request) {
  grpc_infer *inf = NULL;
  TRITONSERVER_Error *err =
      submit(c->g, &c->metadata, request, c, NULL, unary_on_response, &inf);
  if (err != NULL) grpc_unary_fail(c, err);
}

/* ---- ModelStreamInfer ------------------------------------------------------------------ */

typedef struct send_item {
  grpc_byte_buffer *buffer;
  struct send_item *next;
} send_item;

struct grpc_stream {
  grpc_frontend *g;
  grpc_call *call;
  grpc_metadata_array metadata;
  pthread_mutex_t lock;
  int refs;                  /* started batches + requests in flight */
  int in_flight;
  bool reading_done, status_sent, initial_metadata_sent, broken;
  bool sending;
  send_item *head, *tail;
  grpc_byte_buffer *recv_buffer;
  grpc_byte_buffer *sending_buffer;
  grpc_tag recv_tag, send_tag, status_tag, close_tag;
  int cancelled;
  grpc_slice details;
};

static void stream_unref_locked(grpc_stream *s, bool *free_it) {
  *free_it = --s->refs == 0;
}

static void stream_free(grpc_stream *s) {
  while (s->head) {
    send_item *next = s->head->next;
    grpc_byte_buffer_destroy(s->head->buffer);
    free(s->head);
    s->head = next;
  }
  grpc_slice_unref(s->details);
  grpc_metadata_array_destroy(&s->metadata);
  grpc_call_unref(s->call);
  pthread_mutex_destroy(&s->lock);
  free(s);
}

/* Add SEND_INITIAL_METADATA to `ops` if it has not gone out yet. Caller holds the lock. */
static size_t initial_metadata_op(grpc_stream *s, grpc_op *ops) {
  if (s->initial_metadata_sent) return 0;
  s->initial_metadata_sent = true;
  memset(&ops[0], 0, sizeof(ops[0]));
  ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
  int level = grpc_frontend_compression_level(s->g);
  if (level > 0) {
    ops[0].data.send_initial_metadata.maybe_compression_level.is_set = 1;
    ops[0].data.send_initial_metadata.maybe_compression_level.level = (grpc_compression_level)level;
  }
  return 1;
}

/* Start sending the queue's head, or the status once everything is done. Lock held. */
static void stream_pump_locked(grpc_stream *s) {
  if (s->sending || s->status_sent) return;
  grpc_op ops[3];
  memset(ops, 0, sizeof(ops));
  if (s->head != NULL && !s->broken) {
    send_item *item = s->head;
    s->head = item->next;
    if (s->head == NULL) s->tail = NULL;
    s->sending_buffer = item->buffer;
    free(item);
    size_t n = initial_metadata_op(s, ops);
    ops[n].op = GRPC_OP_SEND_MESSAGE;
    ops[n].data.send_message.send_message = s->sending_buffer;
    ++n;
    s->sending = true;
    ++s->refs;
    if (grpc_start_batch(s->call, ops, n, &s->send_tag) != GRPC_CALL_OK) {
      s->sending = false;
      --s->refs;
      s->broken = true;
      grpc_byte_buffer_destroy(s->sending_buffer);
      s->sending_buffer = NULL;
    } else {
      return;
    }
  }
  if (s->reading_done && s->in_flight == 0 && (s->head == NULL || s->broken)) {
    s->status_sent = true;
    size_t n = initial_metadata_op(s, ops);
    ops[n].op = GRPC_OP_SEND_STATUS_FROM_SERVER;
    ops[n].data.send_status_from_server.status = GRPC_STATUS_OK;
    ops[n].data.send_status_from_server.status_details = &s->details;
    ++n;
    ++s->refs;
    if (grpc_start_batch(s->call, ops, n, &s->status_tag) != GRPC_CALL_OK) --s->refs;
  }
}

static void stream_send(grpc_stream *s, grpc_byte_buffer *buffer) {
  send_item *item = calloc(1, sizeof(*item));
  pthread_mutex_lock(&s->lock);
  if (item == NULL || s->broken) {
    free(item);
    grpc_byte_buffer_destroy(buffer);
  } else {
    item->buffer = buffer;
    if (s->tail) s->tail->next = item;
    else s->head = item;
    s->tail = item;
  }
  stream_pump_locked(s);
  pthread_mutex_unlock(&s->lock);
}

static void stream_request_done(grpc_stream *s) {
  pthread_mutex_lock(&s->lock);
  --s->in_flight;
  stream_pump_locked(s);
  bool free_it;
  stream_unref_locked(s, &free_it);
  pthread_mutex_unlock(&s->lock);
  if (free_it) stream_free(s);
}

static void send_stream_error(grpc_stream *s, const char *message, const char *id) {
  Inference__ModelStreamInferResponse out = INFERENCE__MODEL_STREAM_INFER_RESPONSE__INIT;
  Inference__ModelInferResponse inner = INFERENCE__MODEL_INFER_RESPONSE__INIT;
  out.error_message = (char *)message;
  if (id != NULL && id[0] != '\0') {
    inner.id = (char *)id;
    out.infer_response = &inner;
  }
  stream_send(s, grpc_pack(&out.base));
}

static void stream_on_response(TRITONSERVER_InferenceResponse *response, const uint32_t flags,
                               void *userp) {
  grpc_infer *inf = userp;
  grpc_stream *s = inf->stream;
  bool final = (flags & TRITONSERVER_RESPONSE_COMPLETE_FINAL) != 0;
  int final_flag = inf->extras.empty_final_response ? (final ? 1 : 0) : -1;
  if (response != NULL) {
    TRITONSERVER_Error *err = TRITONSERVER_InferenceResponseError(response);
    if (err != NULL) {
      send_stream_error(s, TRITONSERVER_ErrorMessage(err), inf->parsed.id);
    } else {
      arena a;
      arena_init(&a);
      Inference__ModelStreamInferResponse out = INFERENCE__MODEL_STREAM_INFER_RESPONSE__INIT;
      Inference__ModelInferResponse inner = INFERENCE__MODEL_INFER_RESPONSE__INIT;
      err = fill_response(inf, response, &a, final_flag, &inner);
      if (err != NULL) {
        send_stream_error(s, TRITONSERVER_ErrorMessage(err), inf->parsed.id);
        TRITONSERVER_ErrorDelete(err);
      } else {
        out.infer_response = &inner;
        stream_send(s, grpc_pack(&out.base));
      }
      arena_release(&a);
    }
    TRITONSERVER_InferenceResponseDelete(response);
  } else if (final && inf->extras.empty_final_response) {
    /* The final flag without data: an empty response that says so. */
    const Inference__ModelInferRequest *m = (const Inference__ModelInferRequest *)inf->message;
    Inference__ModelStreamInferResponse out = INFERENCE__MODEL_STREAM_INFER_RESPONSE__INIT;
    Inference__ModelInferResponse inner = INFERENCE__MODEL_INFER_RESPONSE__INIT;
    Inference__InferParameter value = INFERENCE__INFER_PARAMETER__INIT;
    param_entry entry = INFERENCE__MODEL_INFER_RESPONSE__PARAMETERS_ENTRY__INIT;
    param_entry *entries[1] = {&entry};
    value.parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_BOOL_PARAM;
    value.bool_param = 1;
    entry.key = "triton_final_response";
    entry.value = &value;
    inner.model_name = m->model_name;
    inner.model_version = m->model_version;
    inner.id = m->id;
    inner.n_parameters = 1;
    inner.parameters = entries;
    out.infer_response = &inner;
    stream_send(s, grpc_pack(&out.base));
  }
  if (final) {
    frontend_pending_add(inf->fe, inf->model, -1);
    infer_unref(inf);
  }
}

static void stream_read_next(grpc_stream *s);

static void on_stream_recv(grpc_tag *tag, bool ok) {
  grpc_stream *s = (grpc_stream *)((char *)tag - offsetof(grpc_stream, recv_tag));
  grpc_byte_buffer *buffer = s->recv_buffer;
  s->recv_buffer = NULL;
  frontend *fe = grpc_frontend_core(s->g);
  if (!ok || buffer == NULL) { /* half-closed by the client, or the call ended */
    pthread_mutex_lock(&s->lock);
    s->reading_done = true;
    stream_pump_locked(s);
    bool free_it;
    stream_unref_locked(s, &free_it);
    pthread_mutex_unlock(&s->lock);
    if (free_it) stream_free(s);
    return;
  }
  char *error = NULL;
  ProtobufCMessage *message = grpc_unpack(buffer, &inference__model_infer_request__descriptor, &error);
  grpc_byte_buffer_destroy(buffer);
  if (message == NULL) {
    send_stream_error(s, error, NULL);
    free(error);
  } else if (atomic_load(&fe->draining)) {
    send_stream_error(s, "Server is shutting down", ((Inference__ModelInferRequest *)message)->id);
    protobuf_c_message_free_unpacked(message, NULL);
  } else {
    pthread_mutex_lock(&s->lock);
    ++s->in_flight;
    ++s->refs;
    pthread_mutex_unlock(&s->lock);
    char id[256];
    snprintf(id, sizeof(id), "%s", ((Inference__ModelInferRequest *)message)->id);
    grpc_infer *inf = NULL;
    TRITONSERVER_Error *err = submit(s->g, &s->metadata, message, NULL, s, stream_on_response, &inf);
    if (err != NULL) {
      send_stream_error(s, TRITONSERVER_ErrorMessage(err), id);
      TRITONSERVER_ErrorDelete(err);
      stream_request_done(s);
    }
  }
  stream_read_next(s); /* keeps the reader's reference */
}

static void stream_read_next(grpc_stream *s) {
  grpc_op op;
  memset(&op, 0, sizeof(op));
  op.op = GRPC_OP_RECV_MESSAGE;
  op.data.recv_message.recv_message = &s->recv_buffer;
  if (grpc_start_batch(s->call, &op, 1, &s->recv_tag) != GRPC_CALL_OK)
    on_stream_recv(&s->recv_tag, false);
}

static void on_stream_sent(grpc_tag *tag, bool ok) {
  grpc_stream *s = (grpc_stream *)((char *)tag - offsetof(grpc_stream, send_tag));
  pthread_mutex_lock(&s->lock);
  grpc_byte_buffer_destroy(s->sending_buffer);
  s->sending_buffer = NULL;
  s->sending = false;
  if (!ok) s->broken = true; /* the client went away: drop what is queued */
  stream_pump_locked(s);
  bool free_it;
  stream_unref_locked(s, &free_it);
  pthread_mutex_unlock(&s->lock);
  if (free_it) stream_free(s);
}

static void on_stream_status(grpc_tag *tag, bool ok) {
  (void)ok;
  grpc_stream *s = (grpc_stream *)((char *)tag - offsetof(grpc_stream, status_tag));
  pthread_mutex_lock(&s->lock);
  bool free_it;
  stream_unref_locked(s, &free_it);
  pthread_mutex_unlock(&s->lock);
  if (free_it) stream_free(s);
}

static void on_stream_close(grpc_tag *tag, bool ok) {
  (void)ok;
  grpc_stream *s = (grpc_stream *)((char *)tag - offsetof(grpc_stream, close_tag));
  pthread_mutex_lock(&s->lock);
  if (s->cancelled) s->broken = true;
  bool free_it;
  stream_unref_locked(s, &free_it);
  pthread_mutex_unlock(&s->lock);
  if (free_it) stream_free(s);
}

void rpc_stream_start(grpc_frontend *g, grpc_call *call, grpc_metadata_array *metadata) {
  grpc_stream *s = calloc(1, sizeof(*s));
  if (s == NULL) {
    grpc_call_cancel(call, NULL);
    grpc_call_unref(call);
    grpc_metadata_array_destroy(metadata);
    return;
  }
  s->g = g;
  s->call = call;
  s->metadata = *metadata;
  s->details = grpc_empty_slice();
  pthread_mutex_init(&s->lock, NULL);
  s->recv_tag.done = on_stream_recv;
  s->send_tag.done = on_stream_sent;
  s->status_tag.done = on_stream_status;
  s->close_tag.done = on_stream_close;
  s->refs = 2; /* the reader, the close watcher */
  grpc_op op;
  memset(&op, 0, sizeof(op));
  op.op = GRPC_OP_RECV_CLOSE_ON_SERVER;
  op.data.recv_close_on_server.cancelled = &s->cancelled;
  if (grpc_start_batch(call, &op, 1, &s->close_tag) != GRPC_CALL_OK) s->refs = 1;
  stream_read_next(s);
}
