/*
 * cli.h — torchd's command line: Triton's flags, same spelling and meaning (spec §2.5,
 * §4.7, issue 5), parsed into a plain struct.
 *
 * Why separate from main.c: parsing is pure (no server, no sockets), so every flag, default
 * and bad value is unit tested. server_options.c maps the struct onto
 * TRITONSERVER_ServerOptions* calls.
 *
 * Both `--flag=value` and `--flag value` are accepted. Boolean flags also accept a bare
 * `--flag` (meaning true) and the values true/false, 1/0, on/off, yes/no.
 */
#ifndef TORCHD_FRONTEND_CLI_H
#define TORCHD_FRONTEND_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Restricted API categories of --http-restricted-api (bit flags). */
enum {
  RESTRICT_HEALTH = 1 << 0,
  RESTRICT_METADATA = 1 << 1,
  RESTRICT_INFERENCE = 1 << 2,
  RESTRICT_SHARED_MEMORY = 1 << 3,
  RESTRICT_MODEL_CONFIG = 1 << 4,
  RESTRICT_MODEL_REPOSITORY = 1 << 5,
  RESTRICT_STATISTICS = 1 << 6,
  RESTRICT_TRACE = 1 << 7,
  RESTRICT_LOGGING = 1 << 8,
};

/* One --http-restricted-api rule: these categories need header `key: value`. */
typedef struct cli_restriction {
  unsigned categories;
  char *header_key;   /* lower-cased for comparison; owned by cli_options */
  char *header_value; /* owned by cli_options */
} cli_restriction;

/* One --backend-config=<backend>,<setting>=<value> triple (backend "" = global). */
typedef struct cli_backend_config {
  char *backend, *setting, *value; /* owned by cli_options */
} cli_backend_config;

typedef struct cli_device_size {
  int gpu;
  uint64_t byte_size;
} cli_device_size;

/* One --metrics-config=<setting>=<value> pair (validated: summary_latencies,
 * counter_latencies and histogram_latencies are booleans, summary_quantiles is a list of
 * <quantile>:<error>; other settings are kept and named in a start-up WARN). */
typedef struct cli_metrics_config {
  char *setting, *value; /* owned by cli_options */
} cli_metrics_config;

/* Trace settings given by --trace-config and the deprecated --trace-* flags; NULL keeps
 * the default. Reported by the trace extension (torchd writes no trace files). */
typedef struct cli_trace {
  char *level; /* "OFF", or "TIMESTAMPS" / "TENSORS" / "TIMESTAMPS,TENSORS" */
  char *rate, *count, *log_frequency, *file, *mode;
} cli_trace;

/* One --cache-config=<cache>,<setting>=<value> triple. */
typedef struct cli_cache_config {
  char *cache, *setting, *value; /* owned by cli_options */
} cli_cache_config;

typedef struct cli_options {
  char **model_repositories; /* --model-repository (repeatable), owned */
  size_t model_repository_count;
  int model_control_mode; /* TRITONSERVER_ModelControlMode: 0 none, 1 poll, 2 explicit */
  char **startup_models;  /* --load-model (repeatable), owned */
  size_t startup_model_count;
  int repository_poll_secs;   /* default 15, must be > 0 */
  bool strict_model_config;   /* --strict-model-config / --disable-auto-complete-config */
  char *model_config_name;    /* --model-config-name, owned, may be NULL */
  char *backend_directory;    /* --backend-directory, owned; NULL = beside the executable */
  cli_backend_config *backend_configs;
  size_t backend_config_count;
  bool strict_readiness;      /* default true */
  bool exit_on_error;         /* default true */
  int model_load_thread_count; /* default 4 */
  int model_load_retry_count;  /* --model-load-retry-count, default 0 */
  bool model_namespacing;      /* --model-namespacing, default false */
  int exit_timeout_secs;      /* default 30 */
  char *server_id;            /* --id, default "triton", owned */

  bool allow_http;            /* default true */
  int http_port;              /* default 8000 */
  char *http_address;         /* default "0.0.0.0", owned */
  int http_thread_count;      /* default: usable cores, at most 8 */
  bool reuse_http_port;       /* --reuse-http-port: SO_REUSEPORT on the listen socket */
  bool reuse_grpc_port;       /* --reuse-grpc-port: the same for the gRPC listener */
  char *http_header_forward_pattern; /* --http-header-forward-pattern (POSIX ERE, checked
                                        at parse time), owned, may be NULL */
  int inline_execution_max_us; /* default 200; 0 disables inline execution */
  bool close_batches_early;    /* default false (Triton's semantics); opt-in heuristic */
  uint64_t http_max_input_size; /* default 64 MiB */
  cli_restriction *restrictions;
  size_t restriction_count;
  bool allow_client_shm;      /* --allow-client-shm, default false (spec §2.5) */
  cli_cache_config *cache_configs; /* --cache-config (repeatable), in order */
  size_t cache_config_count;
  bool response_cache_byte_size_set; /* --response-cache-byte-size (deprecated) given */
  uint64_t response_cache_byte_size;
  char *cache_directory;      /* --cache-directory, owned, may be NULL */
  char **ignored_flags;       /* tritonserver flags given that have no effect here, each
                                 once, without "--" (owned) */
  size_t ignored_flag_count;

  bool allow_metrics;         /* default true */
  int metrics_port;           /* default 8002 */
  char *metrics_address;      /* default: same as http address; owned, may be NULL */
  int metrics_interval_ms;    /* default 2000 */
  bool allow_gpu_metrics;     /* --allow-gpu-metrics, default true (nv_gpu_* from NVML) */

  uint64_t pinned_memory_pool_byte_size; /* default 256 MiB, as Triton */
  cli_device_size *cuda_memory_pools;    /* --cuda-memory-pool-byte-size (owned) */
  size_t cuda_memory_pool_count;
  double min_compute_capability;         /* default 6.0, as Triton */
  bool allow_cpu_metrics;     /* --allow-cpu-metrics, default true (nv_cpu_* from /proc) */
  cli_metrics_config *metrics_configs; /* --metrics-config (repeatable), in order */
  size_t metrics_config_count;
  bool counter_latencies;     /* from --metrics-config counter_latencies, default true */

  cli_trace trace;            /* --trace-config, --trace-level, ... */

  bool allow_grpc;            /* default true where torchd is built with gRPC */
  int grpc_port;              /* default 8001 */
  char *grpc_address;         /* default "0.0.0.0", owned */
  int grpc_infer_allocation_pool_size;  /* accepted (Triton's recycling pool size) */
  int grpc_max_response_pool_size;      /* accepted */
  bool grpc_use_ssl, grpc_use_ssl_mutual;
  char *grpc_server_cert, *grpc_server_key, *grpc_root_cert; /* PEM files, owned */
  int grpc_compression_level; /* 0 none, 1 low, 2 med, 3 high (grpc_compression_level) */
  int grpc_keepalive_time_ms, grpc_keepalive_timeout_ms;
  bool grpc_keepalive_permit_without_calls;
  int grpc_http2_max_pings_without_data, grpc_http2_min_recv_ping_interval_ms,
      grpc_http2_max_ping_strikes;
  int grpc_max_connection_age_ms, grpc_max_connection_age_grace_ms; /* 0 = unset */
  cli_restriction *grpc_restrictions; /* --grpc-restricted-protocol */
  size_t grpc_restriction_count;
  char *grpc_header_forward_pattern; /* owned, may be NULL */

  int log_verbose;            /* default 0 */
  bool log_info, log_warning, log_error; /* default true */
  char *log_file;             /* owned, may be NULL */
  int log_format;             /* 0 default, 1 ISO8601 */

  bool show_help;             /* --help was given: print cli_usage and exit 0 */
} cli_options;

/* Fill `options` with Triton's defaults. Nothing is allocated except server_id and
 * http_address; release with cli_options_free. */
void cli_options_defaults(cli_options *options);

/*
 * Parse argv[1..argc-1] on top of the defaults. Returns NULL on success, or a message
 * (malloc'd, owned by the caller) naming the flag, what was expected and what came, e.g.
 * "--http-port expects an integer in [0, 65535], got 'abc'". On error the options hold
 * whatever was parsed so far; free them with cli_options_free either way.
 * Also checks cross-flag rules (--model-repository required unless --help; --load-model
 * only with explicit mode; --load-model=* alone).
 */
char *cli_parse(int argc, char **argv, cli_options *options);

/* Free everything the options own. */
void cli_options_free(cli_options *options);

/* Help text a person can read (static storage). It names every flag cli_parse takes. */
const char *cli_usage(void);

/* The name (without "--") of the index-th flag cli_parse takes, NULL past the last one:
 * lets a test check that the help names every flag. */
const char *cli_flag_name(size_t index);

/* Category bit for a restricted-API name ("model-repository"), 0 if unknown. */
unsigned cli_restriction_category(const char *name, size_t len);

#endif
