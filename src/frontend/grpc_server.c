/*
 * grpc_server.c — the gRPC endpoint's machinery (see grpc_server.h): server and
 * completion queue, TLS and channel arguments from the flags, the registered methods
 * with one outstanding call request each, dispatch of a new call to its handler, and the
 * unary reply batch.
 *
 * Call lifecycle (unary): requested → arrived (next one requested; restricted-protocol
 * and draining checks; request unpacked) → handled → reply batch started → batch done
 * (call unref'd, freed).
 */
#include "grpc_server.h"

#include "errfmt.h"
#include "grpc_service.pb-c.h"
#include "health.pb-c.h"

#include <grpc/grpc_security.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/support/alloc.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { RPC_UNARY, RPC_INFER, RPC_STREAM };

typedef struct rpc_spec {
  const char *name;
  const ProtobufCMessageDescriptor *request;
  unary_handler handler;
  int kind;
  unsigned category; /* RESTRICT_* of --grpc-restricted-protocol */
} rpc_spec;

static const rpc_spec rpcs[] = {
    {"ServerLive", &inference__server_live_request__descriptor, rpc_server_live, RPC_UNARY, RESTRICT_HEALTH},
    {"ServerReady", &inference__server_ready_request__descriptor, rpc_server_ready, RPC_UNARY, RESTRICT_HEALTH},
    {"ModelReady", &inference__model_ready_request__descriptor, rpc_model_ready, RPC_UNARY, RESTRICT_HEALTH},
    {"ServerMetadata", &inference__server_metadata_request__descriptor, rpc_server_metadata, RPC_UNARY, RESTRICT_METADATA},
    {"ModelMetadata", &inference__model_metadata_request__descriptor, rpc_model_metadata, RPC_UNARY, RESTRICT_METADATA},
    {"ModelInfer", &inference__model_infer_request__descriptor, NULL, RPC_INFER, RESTRICT_INFERENCE},
    {"ModelStreamInfer", &inference__model_infer_request__descriptor, NULL, RPC_STREAM, RESTRICT_INFERENCE},
    {"ModelConfig", &inference__model_config_request__descriptor, rpc_model_config, RPC_UNARY, RESTRICT_MODEL_CONFIG},
    {"ModelStatistics", &inference__model_statistics_request__descriptor, rpc_model_statistics, RPC_UNARY, RESTRICT_STATISTICS},
    {"RepositoryIndex", &inference__repository_index_request__descriptor, rpc_repository_index, RPC_UNARY, RESTRICT_MODEL_REPOSITORY},
    {"RepositoryModelLoad", &inference__repository_model_load_request__descriptor, rpc_repository_load, RPC_UNARY, RESTRICT_MODEL_REPOSITORY},
    {"RepositoryModelUnload", &inference__repository_model_unload_request__descriptor, rpc_repository_unload, RPC_UNARY, RESTRICT_MODEL_REPOSITORY},
    {"SystemSharedMemoryStatus", &inference__system_shared_memory_status_request__descriptor, rpc_system_shm_status, RPC_UNARY, RESTRICT_SHARED_MEMORY},
    {"SystemSharedMemoryRegister", &inference__system_shared_memory_register_request__descriptor, rpc_system_shm_register, RPC_UNARY, RESTRICT_SHARED_MEMORY},
    {"SystemSharedMemoryUnregister", &inference__system_shared_memory_unregister_request__descriptor, rpc_system_shm_unregister, RPC_UNARY, RESTRICT_SHARED_MEMORY},
    {"CudaSharedMemoryStatus", &inference__cuda_shared_memory_status_request__descriptor, rpc_cuda_shm_status, RPC_UNARY, RESTRICT_SHARED_MEMORY},
    {"CudaSharedMemoryRegister", &inference__cuda_shared_memory_register_request__descriptor, rpc_cuda_shm_register, RPC_UNARY, RESTRICT_SHARED_MEMORY},
    {"CudaSharedMemoryUnregister", &inference__cuda_shared_memory_unregister_request__descriptor, rpc_cuda_shm_unregister, RPC_UNARY, RESTRICT_SHARED_MEMORY},
    {"TraceSetting", &inference__trace_setting_request__descriptor, rpc_trace_setting, RPC_UNARY, RESTRICT_TRACE},
    {"LogSettings", &inference__log_settings_request__descriptor, rpc_log_settings, RPC_UNARY, RESTRICT_LOGGING},
    {"/grpc.health.v1.Health/Check", &grpc__health__v1__health_check_request__descriptor, rpc_health_check, RPC_UNARY, RESTRICT_HEALTH},
};
enum { RPC_COUNT = sizeof(rpcs) / sizeof(rpcs[0]), MAX_THREADS = 4 };

struct grpc_frontend {
  frontend *fe;
  grpc_server *server;
  grpc_completion_queue *cq;
  void *methods[RPC_COUNT];
  pthread_t threads[MAX_THREADS];
  int thread_count;
  atomic_bool stopping;
  grpc_tag shutdown_tag;
  atomic_bool shutdown_done;
  bool forward_headers; /* --grpc-header-forward-pattern compiled into `forward` */
  regex_t forward;
};

/* An outstanding request for the next call of one method. */
typedef struct call_waiter {
  grpc_tag tag;
  grpc_frontend *g;
  int rpc;
  grpc_call *call;
  gpr_timespec deadline;
  grpc_metadata_array metadata;
  grpc_byte_buffer *payload;
} call_waiter;

frontend *grpc_frontend_core(grpc_frontend *g) { return g->fe; }

bool grpc_forward_headers(grpc_frontend *g, const grpc_metadata_array *md, infer_request *parsed) {
  if (!g->forward_headers || md->count == 0) return true;
  infer_parameter *grown = arena_alloc(&parsed->arena, (parsed->parameter_count + md->count) *
                                                           sizeof(infer_parameter));
  if (grown == NULL) return false;
  if (parsed->parameter_count)
    memcpy(grown, parsed->parameters, parsed->parameter_count * sizeof(infer_parameter));
  parsed->parameters = grown;
  for (size_t i = 0; i < md->count; ++i) {
    const grpc_slice *k = &md->metadata[i].key, *v = &md->metadata[i].value;
    char *key = arena_strndup(&parsed->arena, (const char *)GRPC_SLICE_START_PTR(*k),
                              GRPC_SLICE_LENGTH(*k));
    char *value = arena_strndup(&parsed->arena, (const char *)GRPC_SLICE_START_PTR(*v),
                                GRPC_SLICE_LENGTH(*v));
    if (key == NULL || value == NULL) return false;
    if (regexec(&g->forward, key, 0, NULL, 0) != 0) continue;
    infer_parameter *p = &parsed->parameters[parsed->parameter_count++];
    memset(p, 0, sizeof(*p));
    p->key = key;
    p->type = PARAM_STRING;
    p->string_value = value;
  }
  return true;
}

int grpc_frontend_compression_level(grpc_frontend *g) {
  return g->fe->options->grpc_compression_level;
}

grpc_status_code grpc_status_from_code(TRITONSERVER_Error_Code code) {
  switch (code) {
  case TRITONSERVER_ERROR_UNKNOWN: return GRPC_STATUS_UNKNOWN;
  case TRITONSERVER_ERROR_INTERNAL: return GRPC_STATUS_INTERNAL;
  case TRITONSERVER_ERROR_NOT_FOUND: return GRPC_STATUS_NOT_FOUND;
  case TRITONSERVER_ERROR_INVALID_ARG: return GRPC_STATUS_INVALID_ARGUMENT;
  case TRITONSERVER_ERROR_UNAVAILABLE: return GRPC_STATUS_UNAVAILABLE;
  case TRITONSERVER_ERROR_UNSUPPORTED: return GRPC_STATUS_UNIMPLEMENTED;
  case TRITONSERVER_ERROR_ALREADY_EXISTS: return GRPC_STATUS_ALREADY_EXISTS;
  case TRITONSERVER_ERROR_CANCELLED: return GRPC_STATUS_CANCELLED;
  }
  return GRPC_STATUS_UNKNOWN;
}

ProtobufCMessage *grpc_unpack(grpc_byte_buffer *payload,
                              const ProtobufCMessageDescriptor *descriptor, char **error) {
  *error = NULL;
  if (payload == NULL) {
    *error = errfmt("no request message");
    return NULL;
  }
  grpc_byte_buffer_reader reader;
  if (!grpc_byte_buffer_reader_init(&reader, payload)) {
    *error = errfmt("unreadable request message");
    return NULL;
  }
  grpc_slice slice = grpc_byte_buffer_reader_readall(&reader);
  grpc_byte_buffer_reader_destroy(&reader);
  ProtobufCMessage *m = protobuf_c_message_unpack(descriptor, NULL, GRPC_SLICE_LENGTH(slice),
                                                  GRPC_SLICE_START_PTR(slice));
  grpc_slice_unref(slice);
  if (m == NULL) *error = errfmt("failed to parse the %s message", descriptor->name);
  return m;
}

grpc_byte_buffer *grpc_pack(const ProtobufCMessage *message) {
  size_t size = protobuf_c_message_get_packed_size(message);
  grpc_slice slice = grpc_slice_malloc(size);
  protobuf_c_message_pack(message, GRPC_SLICE_START_PTR(slice));
  grpc_byte_buffer *buffer = grpc_raw_byte_buffer_create(&slice, 1);
  grpc_slice_unref(slice);
  return buffer;
}

const char *grpc_metadata_value(const grpc_metadata_array *md, const char *key, size_t *len) {
  size_t key_len = strlen(key);
  for (size_t i = 0; i < md->count; ++i) {
    const grpc_slice *k = &md->metadata[i].key;
    if (GRPC_SLICE_LENGTH(*k) == key_len && memcmp(GRPC_SLICE_START_PTR(*k), key, key_len) == 0) {
      *len = GRPC_SLICE_LENGTH(md->metadata[i].value);
      return (const char *)GRPC_SLICE_START_PTR(md->metadata[i].value);
    }
  }
  return NULL;
}

/* ---- unary replies --------------------------------------------------------------------- */

typedef struct unary_reply {
  unary_call base;
  grpc_byte_buffer *send;
  int cancelled;
} unary_reply;

static void unary_done(grpc_tag *tag, bool ok) {
  (void)ok;
  unary_reply *r = (unary_reply *)tag;
  if (r->send) grpc_byte_buffer_destroy(r->send);
  grpc_slice_unref(r->base.status_details);
  if (r->base.payload) grpc_byte_buffer_destroy(r->base.payload);
  grpc_metadata_array_destroy(&r->base.metadata);
  grpc_call_unref(r->base.call);
  free(r);
}

/* The status message as a slice, cut to fit clients' default 8 KiB metadata limit (an
 * error that names a 10,000-character model name would otherwise reach the client as
 * RESOURCE_EXHAUSTED instead of the error); a cut never splits a UTF-8 character. */
enum { MAX_STATUS_MESSAGE = 4096 };
static grpc_slice status_message_slice(const char *message) {
  size_t length = strlen(message);
  if (length <= MAX_STATUS_MESSAGE) return grpc_slice_from_copied_string(message);
  size_t cut = MAX_STATUS_MESSAGE - 3;
  while (cut > 0 && ((unsigned char)message[cut] & 0xC0) == 0x80) --cut;
  grpc_slice slice = grpc_slice_malloc(cut + 3);
  memcpy(GRPC_SLICE_START_PTR(slice), message, cut);
  memcpy(GRPC_SLICE_START_PTR(slice) + cut, "...", 3);
  return slice;
}

void grpc_unary_finish(unary_call *c, const ProtobufCMessage *response,
                       grpc_status_code status, const char *message) {
  unary_reply *r = (unary_reply *)c;
  grpc_op ops[4];
  memset(ops, 0, sizeof(ops));
  size_t n = 0;
  ops[n].op = GRPC_OP_SEND_INITIAL_METADATA;
  int level = grpc_frontend_compression_level(c->g);
  if (level > 0 && status == GRPC_STATUS_OK) {
    ops[n].data.send_initial_metadata.maybe_compression_level.is_set = 1;
    ops[n].data.send_initial_metadata.maybe_compression_level.level = (grpc_compression_level)level;
  }
  ++n;
  if (status == GRPC_STATUS_OK && response != NULL) {
    r->send = grpc_pack(response);
    ops[n].op = GRPC_OP_SEND_MESSAGE;
    ops[n].data.send_message.send_message = r->send;
    ++n;
  }
  c->status_details = status_message_slice(status == GRPC_STATUS_OK || !message ? "" : message);
  ops[n].op = GRPC_OP_SEND_STATUS_FROM_SERVER;
  ops[n].data.send_status_from_server.status = status;
  ops[n].data.send_status_from_server.status_details = &c->status_details;
  ++n;
  ops[n].op = GRPC_OP_RECV_CLOSE_ON_SERVER;
  ops[n].data.recv_close_on_server.cancelled = &r->cancelled;
  ++n;
  c->tag.done = unary_done;
  if (grpc_start_batch(c->call, ops, n, &c->tag) != GRPC_CALL_OK)
    unary_done(&c->tag, false);
}

void grpc_unary_fail(unary_call *c, TRITONSERVER_Error *err) {
  grpc_unary_finish(c, NULL, grpc_status_from_code(TRITONSERVER_ErrorCode(err)),
                    TRITONSERVER_ErrorMessage(err));
  TRITONSERVER_ErrorDelete(err);
}

/* ---- arrival of calls ------------------------------------------------------------------ */

static void on_new_call(grpc_tag *tag, bool ok);

/* Calls of methods not registered (unknown RPCs) arrive through grpc_server_request_call;
 * one request for them is always outstanding and each is answered UNIMPLEMENTED, as a
 * grpc++ server does. */
typedef struct unknown_waiter {
  grpc_tag tag;
  grpc_frontend *g;
  grpc_call *call;
  grpc_call_details details;
  grpc_metadata_array metadata;
} unknown_waiter;

static void on_unknown_call(grpc_tag *tag, bool ok);

static void request_unknown(grpc_frontend *g) {
  unknown_waiter *w = calloc(1, sizeof(*w));
  if (w == NULL) return;
  w->tag.done = on_unknown_call;
  w->g = g;
  grpc_call_details_init(&w->details);
  grpc_metadata_array_init(&w->metadata);
  GRPC_TAG_RELEASE(&w->tag);
  if (grpc_server_request_call(g->server, &w->call, &w->details, &w->metadata, g->cq, g->cq,
                               &w->tag) != GRPC_CALL_OK) {
    grpc_call_details_destroy(&w->details);
    grpc_metadata_array_destroy(&w->metadata);
    free(w);
  }
}

static void on_unknown_call(grpc_tag *tag, bool ok) {
  unknown_waiter *w = (unknown_waiter *)tag;
  grpc_frontend *g = w->g;
  grpc_call_details_destroy(&w->details);
  if (!ok) {
    grpc_metadata_array_destroy(&w->metadata);
    free(w);
    return;
  }
  if (!atomic_load(&g->stopping)) request_unknown(g);
  unary_reply *r = calloc(1, sizeof(*r));
  if (r == NULL) {
    grpc_call_cancel(w->call, NULL);
    grpc_call_unref(w->call);
    grpc_metadata_array_destroy(&w->metadata);
    free(w);
    return;
  }
  r->base.g = g;
  r->base.call = w->call;
  r->base.metadata = w->metadata;
  r->base.status_details = grpc_empty_slice();
  free(w);
  grpc_unary_finish(&r->base, NULL, GRPC_STATUS_UNIMPLEMENTED, "");
}

static void request_next(grpc_frontend *g, int rpc) {
  call_waiter *w = calloc(1, sizeof(*w));
  if (w == NULL) return;
  w->tag.done = on_new_call;
  w->g = g;
  w->rpc = rpc;
  grpc_metadata_array_init(&w->metadata);
  GRPC_TAG_RELEASE(&w->tag);
  grpc_call_error e = grpc_server_request_registered_call(
      g->server, g->methods[rpc], &w->call, &w->deadline, &w->metadata,
      rpcs[rpc].kind == RPC_STREAM ? NULL : &w->payload, g->cq, g->cq, &w->tag);
  if (e != GRPC_CALL_OK) {
    grpc_metadata_array_destroy(&w->metadata);
    free(w);
  }
}

/* --grpc-restricted-protocol: NULL when allowed, else the header key the call lacks. */
static const char *restriction_missing(grpc_frontend *g, unsigned category,
                                       const grpc_metadata_array *md) {
  const cli_options *o = g->fe->options;
  for (size_t i = 0; i < o->grpc_restriction_count; ++i) {
    const cli_restriction *rule = &o->grpc_restrictions[i];
    if (!(rule->categories & category)) continue;
    size_t len = 0;
    const char *value = grpc_metadata_value(md, rule->header_key, &len);
    if (value == NULL || len != strlen(rule->header_value) ||
        memcmp(value, rule->header_value, len) != 0)
      return rule->header_key;
  }
  return NULL;
}

static void on_new_call(grpc_tag *tag, bool ok) {
  call_waiter *w = (call_waiter *)tag;
  grpc_frontend *g = w->g;
  if (!ok) { /* the server is shutting down */
    if (w->payload) grpc_byte_buffer_destroy(w->payload);
    grpc_metadata_array_destroy(&w->metadata);
    free(w);
    return;
  }
  if (!atomic_load(&g->stopping)) request_next(g, w->rpc);
  const rpc_spec *spec = &rpcs[w->rpc];
  const char *missing = restriction_missing(g, spec->category, &w->metadata);
  if (spec->kind == RPC_STREAM && missing == NULL && !atomic_load(&g->fe->draining)) {
    rpc_stream_start(g, w->call, &w->metadata); /* takes the call and the metadata */
    free(w);
    return;
  }
  unary_reply *r = calloc(1, sizeof(*r));
  if (r == NULL) { /* no memory to answer: drop the call */
    grpc_call_cancel(w->call, NULL);
    grpc_call_unref(w->call);
    if (w->payload) grpc_byte_buffer_destroy(w->payload);
    grpc_metadata_array_destroy(&w->metadata);
    free(w);
    return;
  }
  unary_call *c = &r->base;
  c->g = g;
  c->call = w->call;
  c->metadata = w->metadata;
  c->payload = w->payload;
  c->deadline = w->deadline;
  c->status_details = grpc_empty_slice();
  free(w);
  if (missing != NULL) {
    char *message = errfmt("This protocol is restricted, expecting header '%s'", missing);
    grpc_unary_finish(c, NULL, GRPC_STATUS_UNAVAILABLE, message);
    free(message);
    return;
  }
  if (atomic_load(&g->fe->draining) && spec != &rpcs[0] /* ServerLive */) {
    grpc_unary_finish(c, NULL, GRPC_STATUS_UNAVAILABLE, "Server is shutting down");
    return;
  }
  char *error = NULL;
  ProtobufCMessage *request = grpc_unpack(c->payload, spec->request, &error);
  if (request == NULL) {
    grpc_unary_finish(c, NULL, GRPC_STATUS_INVALID_ARGUMENT, error);
    free(error);
    return;
  }
  if (spec->kind == RPC_INFER) {
    rpc_model_infer(c, request);
    return;
  }
  spec->handler(c, request);
  protobuf_c_message_free_unpacked(request, NULL);
}

/* ---- start and stop -------------------------------------------------------------------- */

static void *queue_thread(void *arg) {
  grpc_frontend *g = arg;
  for (;;) {
    grpc_event ev = grpc_completion_queue_next(g->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
    if (ev.type == GRPC_QUEUE_SHUTDOWN) break;
    if (ev.type == GRPC_OP_COMPLETE && ev.tag != NULL) {
      grpc_tag *tag = ev.tag;
      GRPC_TAG_ACQUIRE(tag);
      tag->done(tag, ev.success != 0);
    }
  }
  return NULL;
}

static void on_shutdown(grpc_tag *tag, bool ok) {
  (void)ok;
  grpc_frontend *g = (grpc_frontend *)((char *)tag - offsetof(grpc_frontend, shutdown_tag));
  atomic_store(&g->shutdown_done, true);
}

static char *read_file(const char *path, char **error) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    *error = errfmt("unable to read '%s'", path);
    return NULL;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc(size > 0 ? (size_t)size + 1 : 1);
  size_t got = text && size > 0 ? fread(text, 1, (size_t)size, f) : 0;
  fclose(f);
  if (text == NULL) {
    *error = errfmt("out of memory");
    return NULL;
  }
  text[got] = '\0';
  return text;
}

static grpc_server_credentials *make_credentials(const cli_options *o, char **error) {
  if (!o->grpc_use_ssl) return grpc_insecure_server_credentials_create();
  if (o->grpc_server_cert == NULL || o->grpc_server_key == NULL) {
    *error = errfmt("--grpc-use-ssl needs --grpc-server-cert and --grpc-server-key");
    return NULL;
  }
  if (o->grpc_use_ssl_mutual && o->grpc_root_cert == NULL) {
    *error = errfmt("--grpc-use-ssl-mutual needs --grpc-root-cert");
    return NULL;
  }
  char *cert = read_file(o->grpc_server_cert, error);
  char *key = cert ? read_file(o->grpc_server_key, error) : NULL;
  char *root = key && o->grpc_root_cert ? read_file(o->grpc_root_cert, error) : NULL;
  grpc_server_credentials *creds = NULL;
  if (key != NULL && (o->grpc_root_cert == NULL || root != NULL)) {
    grpc_ssl_pem_key_cert_pair pair = {key, cert};
    creds = grpc_ssl_server_credentials_create_ex(
        root, &pair, 1,
        o->grpc_use_ssl_mutual ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                               : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE,
        NULL);
    if (creds == NULL) *error = errfmt("invalid --grpc-server-cert/--grpc-server-key");
  }
  free(cert);
  free(key);
  free(root);
  return creds;
}

grpc_frontend *grpc_frontend_start(frontend *fe, char **error) {
  const cli_options *o = fe->options;
  *error = NULL;
  grpc_frontend *g = calloc(1, sizeof(*g));
  if (g == NULL) {
    *error = errfmt("out of memory");
    return NULL;
  }
  g->fe = fe;
  atomic_init(&g->stopping, false);
  atomic_init(&g->shutdown_done, false);
  g->shutdown_tag.done = on_shutdown;
  if (o->grpc_header_forward_pattern != NULL) {
    /* Triton matches the whole key (std::regex_match): anchor the pattern. */
    char *anchored = errfmt("^(%s)$", o->grpc_header_forward_pattern);
    int rc = anchored ? regcomp(&g->forward, anchored, REG_EXTENDED | REG_NOSUB | REG_ICASE) : -1;
    free(anchored);
    if (rc != 0) {
      *error = errfmt("--grpc-header-forward-pattern: invalid regular expression '%s'",
                      o->grpc_header_forward_pattern);
      free(g);
      return NULL;
    }
    g->forward_headers = true;
  }
  grpc_init();
  grpc_arg args[16];
  size_t n = 0;
#define INT_ARG(key_, value_) \
  args[n++] = (grpc_arg){.type = GRPC_ARG_INTEGER, .key = (char *)(key_), .value.integer = (value_)}
  INT_ARG(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, INT_MAX);
  INT_ARG(GRPC_ARG_MAX_SEND_MESSAGE_LENGTH, INT_MAX);
  INT_ARG(GRPC_ARG_KEEPALIVE_TIME_MS, o->grpc_keepalive_time_ms);
  INT_ARG(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, o->grpc_keepalive_timeout_ms);
  INT_ARG(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, o->grpc_keepalive_permit_without_calls);
  INT_ARG(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, o->grpc_http2_max_pings_without_data);
  INT_ARG(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
          o->grpc_http2_min_recv_ping_interval_ms);
  INT_ARG(GRPC_ARG_HTTP2_MAX_PING_STRIKES, o->grpc_http2_max_ping_strikes);
  /* --reuse-grpc-port: SO_REUSEPORT only when asked (gRPC's own default is on). */
  INT_ARG(GRPC_ARG_ALLOW_REUSEPORT, o->reuse_grpc_port ? 1 : 0);
  if (o->grpc_max_connection_age_ms > 0)
    INT_ARG(GRPC_ARG_MAX_CONNECTION_AGE_MS, o->grpc_max_connection_age_ms);
  if (o->grpc_max_connection_age_grace_ms > 0)
    INT_ARG(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, o->grpc_max_connection_age_grace_ms);
#undef INT_ARG
  grpc_channel_args channel_args = {n, args};
  g->server = grpc_server_create(&channel_args, NULL);
  g->cq = grpc_completion_queue_create_for_next(NULL);
  grpc_server_register_completion_queue(g->server, g->cq, NULL);
  for (int i = 0; i < (int)RPC_COUNT; ++i) {
    char path[128];
    if (rpcs[i].name[0] == '/') /* a method of another service, by its full path */
      snprintf(path, sizeof(path), "%s", rpcs[i].name);
    else
      snprintf(path, sizeof(path), "/inference.GRPCInferenceService/%s", rpcs[i].name);
    g->methods[i] = grpc_server_register_method(
        g->server, path, NULL,
        rpcs[i].kind == RPC_STREAM ? GRPC_SRM_PAYLOAD_NONE : GRPC_SRM_PAYLOAD_READ_INITIAL_BYTE_BUFFER,
        0);
  }
  grpc_server_credentials *creds = make_credentials(o, error);
  int bound = 0;
  if (creds != NULL) {
    char address[300];
    snprintf(address, sizeof(address), "%s:%d", o->grpc_address, o->grpc_port);
    bound = grpc_server_add_http2_port(g->server, address, creds);
    grpc_server_credentials_release(creds);
    if (bound == 0) *error = errfmt("failed to listen on %s for gRPC", address);
  }
  if (bound == 0) {
    grpc_server_destroy(g->server);
    grpc_completion_queue_shutdown(g->cq);
    grpc_completion_queue_destroy(g->cq);
    grpc_shutdown();
    free(g);
    return NULL;
  }
  grpc_server_start(g->server);
  request_unknown(g);
  for (int i = 0; i < (int)RPC_COUNT; ++i) {
    request_next(g, i);
    if (rpcs[i].kind == RPC_INFER) request_next(g, i); /* a spare for bursts */
  }
  int threads = o->http_thread_count < 2 ? 2 : o->http_thread_count;
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  for (g->thread_count = 0; g->thread_count < threads; ++g->thread_count)
    if (pthread_create(&g->threads[g->thread_count], NULL, queue_thread, g) != 0) break;
  return g;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void grpc_frontend_stop(grpc_frontend *g, int grace_ms) {
  if (g == NULL) return;
  atomic_store(&g->stopping, true);
  GRPC_TAG_RELEASE(&g->shutdown_tag);
  grpc_server_shutdown_and_notify(g->server, g->cq, &g->shutdown_tag);
  double deadline = now_seconds() + grace_ms / 1000.0;
  while (!atomic_load(&g->shutdown_done) && now_seconds() < deadline) {
    struct timespec pause = {0, 5 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
  if (!atomic_load(&g->shutdown_done)) grpc_server_cancel_all_calls(g->server);
  deadline = now_seconds() + 5;
  while (!atomic_load(&g->shutdown_done) && now_seconds() < deadline) {
    struct timespec pause = {0, 5 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
  if (!atomic_load(&g->shutdown_done)) {
    /* A call still waits for the core (past --exit-timeout-secs): leave the server to
     * the process exit rather than destroy it under a running completion. */
    return;
  }
  grpc_completion_queue_shutdown(g->cq);
  for (int i = 0; i < g->thread_count; ++i) pthread_join(g->threads[i], NULL);
  grpc_server_destroy(g->server);
  grpc_completion_queue_destroy(g->cq);
  grpc_shutdown();
  if (g->forward_headers) regfree(&g->forward);
  free(g);
}
