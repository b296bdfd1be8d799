/*
 * frontend.h — the state every HTTP handler shares: the core server, the parsed command
 * line, shared-memory regions, per-model pending counts, and the settings the logging and
 * trace extensions report.
 *
 * Why one struct: handlers are plain functions of (frontend, request); everything
 * long-lived they need is here, created by main.c and torn down after the daemons stop.
 */
#ifndef TORCHD_FRONTEND_FRONTEND_H
#define TORCHD_FRONTEND_FRONTEND_H

#include "cli.h"
#include "shm_registry.h"

#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <triton/core/tritonserver.h>

enum { PENDING_SLOTS = 256 };

/* In-flight inference requests per model name (metrics' pending gauge). */
typedef struct pending_counter {
  char model[128];
  uint64_t count;
} pending_counter;

/* Settings of the logging extension (spec §4.6). Kept by the frontend: the public
 * C API has no call to change the core logger at run time. */
typedef struct log_settings {
  bool log_info, log_warning, log_error;
  int log_verbose_level;
  int log_format; /* 0 default, 1 ISO8601 */
} log_settings;

/* Settings of the trace extension: accepted and reported (no traces are written). */
typedef struct trace_settings {
  char trace_file[256];
  char trace_level[64]; /* "OFF", "TIMESTAMPS", "TENSORS" or "TIMESTAMPS,TENSORS" */
  char trace_rate[32];
  char trace_count[32];
  char log_frequency[32];
  char trace_mode[32];
} trace_settings;

/* A model's own trace settings (POST /v2/models/<m>/trace/setting): the fields in
 * `specified` (TRACE_SET_* bits) override the global ones, the others follow them. */
#define TRACE_MODEL_SLOTS 64
typedef struct trace_model_settings {
  char model[128]; /* "" = free slot */
  unsigned specified;
  trace_settings values;
} trace_model_settings;

typedef struct frontend {
  TRITONSERVER_Server *server;
  const cli_options *options;
  TRITONSERVER_ResponseAllocator *allocator;
  shm_registry shm;

  pthread_mutex_t lock; /* guards pending, log, trace, model_traces */
  pending_counter pending[PENDING_SLOTS];
  log_settings log;
  trace_settings trace;
  trace_model_settings model_traces[TRACE_MODEL_SLOTS];

  atomic_bool draining;       /* shutting down: new requests get 503 */
  atomic_long live_infers;    /* inference calls not yet fully released */
  atomic_long suspended;      /* connections suspended for an inference, not yet resumed */
  atomic_long open_connections; /* HTTP connections open now */
  atomic_long waiting_infers;   /* inferences handed to the core, not yet answered */
  bool header_forward_set;    /* --http-header-forward-pattern was given */
  regex_t header_forward;     /* compiled from it (REG_EXTENDED | REG_ICASE | REG_NOSUB);
                                 regexec is thread-safe on a compiled pattern */
  pthread_mutex_t calls_lock; /* guards `calls` */
  struct infer_call *calls;   /* inference calls in flight (infer_handler.c) */
} frontend;

/* Trace settings at their defaults (level OFF, rate 1000, count -1, mode triton). */
void trace_settings_defaults(trace_settings *t);

/* Applies the trace flags that were given (--trace-config, --trace-level, ...) over `t`.
 * A value too long for its slot is left out (the defaults stay). */
void trace_settings_from_cli(trace_settings *t, const cli_trace *given);

/* Sets up `fe` (zeroed storage) for `server` and the parsed flags (both borrowed; they
 * must outlive it): locks, shared-memory registry, log and trace settings (the trace
 * flags' values), counters, the header-forward pattern, the response allocator, and —
 * with --close-batches-early — the core's clients-waiting query. Returns the error of
 * the step that failed (the caller reports it and exits). */
TRITONSERVER_Error *frontend_init(frontend *fe, TRITONSERVER_Server *server,
                                  const cli_options *options);

/* TORCHD_ServerSetClientsWaitingQuery's query (userp: the frontend): true when every
 * open HTTP connection has its request in the core. An HTTP/1.1 connection sends its
 * next request only after the answer (libmicrohttpd reads no further while one is in
 * flight), so then no request can arrive until the core answers one. */
bool frontend_clients_all_waiting(void *userp);

/* Count one more / one less pending request for `model`; also counts it in
 * waiting_infers (frontend_clients_all_waiting). */
void frontend_pending_add(frontend *fe, const char *model, int delta);
/* Pending count for `model` (any version). */
uint64_t frontend_pending_get(frontend *fe, const char *model);

#endif
