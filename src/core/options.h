/* options.h — the private layout of TRITONSERVER_ServerOptions.
 *
 * options.c stores every TRITONSERVER_ServerOptions* value here, unchanged; server.c
 * reads the fields when it builds a server. Nothing else is interpreted at set time,
 * except the log settings, which (as in Triton) take effect at once.
 * All strings and arrays are owned by the options object. */
#ifndef TORCHD_CORE_OPTIONS_H
#define TORCHD_CORE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "triton/core/tritonserver.h"

/* A "<group>,<setting>=<value>" triple: --backend-config, --host-policy,
 * --metrics-config, and cache configs (group = cache name, setting = "config",
 * value = JSON). Strings owned by the options. */
typedef struct options_setting {
  char *group;
  char *setting;
  char *value;
} options_setting;

typedef struct options_settings {
  options_setting *items;
  size_t count;
} options_settings;

typedef struct options_rate_limiter_resource {
  char *name;
  size_t count;
  int device;
} options_rate_limiter_resource;

/* Per-GPU byte sizes (CUDA memory pool, CUDA virtual address size). */
typedef struct options_device_size {
  int device;
  uint64_t byte_size;
} options_device_size;

typedef struct options_device_limit {
  TRITONSERVER_InstanceGroupKind kind;
  int device;
  double fraction;
} options_device_limit;

struct TRITONSERVER_ServerOptions {
  char *server_id;         /* default "triton" */
  char **repository_paths; /* in the order added; duplicates kept */
  size_t repository_path_count;
  TRITONSERVER_ModelControlMode control_mode; /* default NONE */
  char **startup_models;                      /* "*" means all, as in Triton */
  size_t startup_model_count;
  bool strict_model_config;                   /* default true (Triton's API default) */
  char *model_config_name;                    /* NULL: config.pbtxt */
  TRITONSERVER_RateLimitMode rate_limit_mode; /* default OFF */
  options_rate_limiter_resource *rate_limiter_resources;
  size_t rate_limiter_resource_count;
  uint64_t pinned_memory_pool_byte_size;  /* default 256 MiB */
  options_device_size *cuda_memory_pools; /* set per device; default 64 MiB each */
  size_t cuda_memory_pool_count;
  options_device_size *cuda_virtual_address_sizes;
  size_t cuda_virtual_address_size_count;
  uint64_t response_cache_byte_size;        /* default 0 (deprecated in Triton); n > 0 also
                                               appends ("local", {"size": n}) below */
  options_settings cache_configs;           /* group = cache name, value = JSON; in call
                                               order, the last per name wins */
  char *cache_directory;                    /* default /opt/tritonserver/caches */
  double min_compute_capability;            /* default 6.0 */
  bool exit_on_error;                       /* default true */
  bool strict_readiness;                    /* default true */
  unsigned int exit_timeout_seconds;        /* default 30 */
  unsigned int buffer_manager_thread_count; /* default 0 */
  unsigned int model_load_thread_count;     /* default 4 */
  unsigned int model_load_retry_count;      /* default 0 */
  bool model_namespacing;                   /* default false */
  bool enable_peer_access;                  /* default true */
  char *log_file;                           /* NULL: stderr */
  bool log_info, log_warn, log_error;       /* default true */
  TRITONSERVER_LogFormat log_format;        /* default DEFAULT */
  int log_verbose;                          /* default 0 */
  bool metrics, gpu_metrics, cpu_metrics;   /* default true */
  uint64_t metrics_interval_ms;             /* default 2000 */
  char *backend_directory;                  /* default /opt/tritonserver/backends */
  char *repoagent_directory;                /* default /opt/tritonserver/repoagents */
  options_device_limit *device_limits;
  size_t device_limit_count;
  options_settings backend_configs; /* group = backend name */
  options_settings host_policies;   /* group = policy name */
  uint64_t inline_execute_max_ns;   /* torchd extension; default 0: never inline */
  options_settings metrics_configs; /* group = "" for global settings */
};

/* Returns the first value set for (group, setting) in 'settings', or NULL. The string
 * is owned by the options. */
const char *options_settings_find(const options_settings *settings, const char *group,
                                  const char *setting);

/* The --metrics-config switches (TRITONSERVER_ServerOptionsSetMetricsConfig with name "")
 * as Triton reads them: summary_latencies (default false) and counter_latencies (default
 * true) are on for "true" (or 1/on/yes, any case), and only with metrics enabled.
 * NULL options give the defaults. */
bool options_summary_latencies(const TRITONSERVER_ServerOptions *options);
bool options_counter_latencies(const TRITONSERVER_ServerOptions *options);

/* The summary_quantiles setting, or NULL (Triton's defaults). */
const char *options_summary_quantiles(const TRITONSERVER_ServerOptions *options);

/* Makes a deep copy of 'source' in *copy (caller owns it; free with
 * TRITONSERVER_ServerOptionsDelete), so a server can keep its options after the caller
 * deletes its own. Returns a new error on out of memory. */
TRITONSERVER_Error *options_clone(const TRITONSERVER_ServerOptions *source,
                                  TRITONSERVER_ServerOptions **copy);

#endif
