/*
 * grpc_server.h — the KServe v2 gRPC endpoint (inference.GRPCInferenceService, spec §5)
 * on gRPC's C core API, beside HTTP, over the same public core API.
 *
 * How it runs: one completion queue served by a few threads. Every RPC method is
 * registered; for each one a request for the next call is always outstanding. A unary
 * call arrives with its request message read; its handler (grpc_rpc.c, grpc_infer.c)
 * answers at once or — ModelInfer — from the core's completion callback, with one batch
 * (initial metadata, message, status). ModelStreamInfer (grpc_infer.c) reads messages
 * one at a time and writes responses through a per-stream send queue.
 *
 * Errors: TRITONSERVER_Error codes map to gRPC status codes as Triton does; initial
 * metadata always goes out before an error status.
 */
#ifndef TORCHD_FRONTEND_GRPC_SERVER_H
#define TORCHD_FRONTEND_GRPC_SERVER_H

#include "frontend.h"
#include "infer_request.h"

#include <grpc/grpc.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>

typedef struct grpc_frontend grpc_frontend;

/* Start serving on --grpc-address:--grpc-port with the TLS/keepalive flags. Returns NULL
 * with *error (malloc'd) when the port cannot be bound or a certificate is unreadable. */
grpc_frontend *grpc_frontend_start(frontend *fe, char **error);

/* Stop: refuse new calls, give open calls `grace_ms` to finish, cancel the rest, join the
 * threads, free everything. */
void grpc_frontend_stop(grpc_frontend *g, int grace_ms);

/* ---- private to grpc_*.c --------------------------------------------------------------- */

/* A completion-queue tag: `done` runs on a queue thread when the operation completes. */
typedef struct grpc_tag {
  void (*done)(struct grpc_tag *tag, bool ok);
} grpc_tag;

/* gRPC's C core (not built with TSan) orders a tag's completion after the operation that
 * queued it; ThreadSanitizer cannot see that, so every tag handed to gRPC is released
 * here and acquired by the queue thread that runs it. No code outside TSan builds. */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TORCHD_TSAN_ANNOTATE 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define TORCHD_TSAN_ANNOTATE 1
#endif
#ifdef TORCHD_TSAN_ANNOTATE
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define GRPC_TAG_RELEASE(tag) __tsan_release(tag)
#define GRPC_TAG_ACQUIRE(tag) __tsan_acquire(tag)
#else
#define GRPC_TAG_RELEASE(tag) ((void)(tag))
#define GRPC_TAG_ACQUIRE(tag) ((void)(tag))
#endif

/* grpc_call_start_batch with `tag` (released for TSan first). */
static inline grpc_call_error grpc_start_batch(grpc_call *call, const grpc_op *ops, size_t n,
                                               grpc_tag *tag) {
  GRPC_TAG_RELEASE(tag);
  return grpc_call_start_batch(call, ops, n, tag, NULL);
}

/* A unary call in progress: the request bytes arrived with it. */
typedef struct unary_call {
  grpc_tag tag;               /* completion of the reply batch */
  grpc_frontend *g;
  grpc_call *call;
  grpc_metadata_array metadata;
  grpc_byte_buffer *payload;
  gpr_timespec deadline;
  grpc_slice status_details;
} unary_call;

/* Reply to `c` with `response` (packed here; NULL = no message) or, when `status` is not
 * GRPC_STATUS_OK, with that status and `message`; then free `c` once sent. Any thread. */
void grpc_unary_finish(unary_call *c, const ProtobufCMessage *response,
                       grpc_status_code status, const char *message);
/* Reply with a core error (its code mapped, its message) and delete it. */
void grpc_unary_fail(unary_call *c, TRITONSERVER_Error *err);

/* gRPC status code for a TRITONSERVER_Error code (spec §5). */
grpc_status_code grpc_status_from_code(TRITONSERVER_Error_Code code);

/* The request message of `c` unpacked with `descriptor`; NULL (and *error set) if it does
 * not parse. Free with protobuf_c_message_free_unpacked. */
ProtobufCMessage *grpc_unpack(grpc_byte_buffer *payload,
                              const ProtobufCMessageDescriptor *descriptor, char **error);
/* Pack `message` into a new byte buffer (the caller destroys it). */
grpc_byte_buffer *grpc_pack(const ProtobufCMessage *message);

/* Value of request metadata `key` (lower case) or NULL; *len gets its length. */
const char *grpc_metadata_value(const grpc_metadata_array *md, const char *key, size_t *len);

frontend *grpc_frontend_core(grpc_frontend *g);
/* Add the request metadata whose keys match --grpc-header-forward-pattern to `parsed` as
 * string parameters (allocated in its arena). Returns false when out of memory. */
bool grpc_forward_headers(grpc_frontend *g, const grpc_metadata_array *md, infer_request *parsed);
int grpc_frontend_compression_level(grpc_frontend *g);

/* Unary handlers (grpc_rpc.c, grpc_infer.c): each takes the unpacked request (owned by
 * the caller, freed after the handler returns) and finishes `c` now or later. */
typedef void (*unary_handler)(unary_call *c, const ProtobufCMessage *request);
void rpc_server_live(unary_call *c, const ProtobufCMessage *request);
void rpc_server_ready(unary_call *c, const ProtobufCMessage *request);
void rpc_model_ready(unary_call *c, const ProtobufCMessage *request);
void rpc_server_metadata(unary_call *c, const ProtobufCMessage *request);
void rpc_model_metadata(unary_call *c, const ProtobufCMessage *request);
void rpc_model_config(unary_call *c, const ProtobufCMessage *request);
void rpc_model_statistics(unary_call *c, const ProtobufCMessage *request);
void rpc_repository_index(unary_call *c, const ProtobufCMessage *request);
void rpc_repository_load(unary_call *c, const ProtobufCMessage *request);
void rpc_repository_unload(unary_call *c, const ProtobufCMessage *request);
void rpc_system_shm_status(unary_call *c, const ProtobufCMessage *request);
void rpc_system_shm_register(unary_call *c, const ProtobufCMessage *request);
void rpc_system_shm_unregister(unary_call *c, const ProtobufCMessage *request);
void rpc_cuda_shm_status(unary_call *c, const ProtobufCMessage *request);
void rpc_cuda_shm_register(unary_call *c, const ProtobufCMessage *request);
void rpc_cuda_shm_unregister(unary_call *c, const ProtobufCMessage *request);
void rpc_trace_setting(unary_call *c, const ProtobufCMessage *request);
void rpc_log_settings(unary_call *c, const ProtobufCMessage *request);
void rpc_health_check(unary_call *c, const ProtobufCMessage *request);
/* grpc_infer.c: ModelInfer keeps the request message alive until the core is done, so
 * it takes ownership of `request`. */
void rpc_model_infer(unary_call *c, ProtobufCMessage *request);
/* grpc_infer.c: a new ModelStreamInfer call (no payload read yet); takes the call. */
void rpc_stream_start(grpc_frontend *g, grpc_call *call, grpc_metadata_array *metadata);

#endif
