/* server_options.c — cli_options → TRITONSERVER_ServerOptions (see server_options.h). */
#include "server_options.h"

#include "errfmt.h"
#include "torchd/torchd_server.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *server_options_default_backend_directory(void) {
  char path[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n <= 0) return NULL;
  path[n] = '\0';
  char *slash = strrchr(path, '/');
  if (slash == NULL) return NULL;
  *slash = '\0';
  return errfmt("%s/backends", path);
}

/* --cache-config settings of one cache as Triton passes them to the core: a JSON object
 * of string values, e.g. {"size":"1048576"}. Returns a malloc'd string or NULL (OOM). */
static char *cache_config_json(const cli_options *cli, const char *cache) {
  json_object *o = json_object_new_object();
  if (o == NULL) return NULL;
  for (size_t i = 0; i < cli->cache_config_count; ++i)
    if (strcmp(cli->cache_configs[i].cache, cache) == 0)
      json_object_object_add(o, cli->cache_configs[i].setting,
                             json_object_new_string(cli->cache_configs[i].value));
  char *text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
  json_object_put(o);
  return text;
}

/* The response cache flags: each cache named by --cache-config once (in the order first
 * named), or --response-cache-byte-size as local,size=<bytes> (Triton's command line). */
static TRITONSERVER_Error *set_cache_options(const cli_options *cli,
                                             TRITONSERVER_ServerOptions *o) {
  TRITONSERVER_Error *err = NULL;
  if (cli->cache_directory != NULL)
    err = TRITONSERVER_ServerOptionsSetCacheDirectory(o, cli->cache_directory);
  if (err == NULL && cli->response_cache_byte_size_set) {
    char json[64];
    snprintf(json, sizeof(json), "{\"size\":\"%llu\"}",
             (unsigned long long)cli->response_cache_byte_size);
    err = TRITONSERVER_ServerOptionsSetCacheConfig(o, "local", json);
  }
  for (size_t i = 0; err == NULL && i < cli->cache_config_count; ++i) {
    const char *cache = cli->cache_configs[i].cache;
    bool seen = false;
    for (size_t k = 0; k < i && !seen; ++k) seen = strcmp(cli->cache_configs[k].cache, cache) == 0;
    if (seen) continue;
    char *json = cache_config_json(cli, cache);
    err = json != NULL ? TRITONSERVER_ServerOptionsSetCacheConfig(o, cache, json)
                       : TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    free(json);
  }
  return err;
}

#define TRY(expr)                                                                          \
  do {                                                                                     \
    err = (expr);                                                                          \
    if (err != NULL) goto fail;                                                            \
  } while (0)

TRITONSERVER_Error *server_options_from_cli(const cli_options *cli, const char *backend_directory,
                                            TRITONSERVER_ServerOptions **out) {
  TRITONSERVER_ServerOptions *o = NULL;
  *out = NULL;
  TRITONSERVER_Error *err = TRITONSERVER_ServerOptionsNew(&o);
  if (err != NULL) return err;
  TRY(TRITONSERVER_ServerOptionsSetServerId(o, cli->server_id));
  TRY(TORCHD_ServerOptionsSetInlineExecution(o, (uint64_t)cli->inline_execution_max_us));
  for (size_t i = 0; i < cli->model_repository_count; ++i)
    TRY(TRITONSERVER_ServerOptionsSetModelRepositoryPath(o, cli->model_repositories[i]));
  TRY(TRITONSERVER_ServerOptionsSetModelControlMode(
      o, (TRITONSERVER_ModelControlMode)cli->model_control_mode));
  for (size_t i = 0; i < cli->startup_model_count; ++i)
    TRY(TRITONSERVER_ServerOptionsSetStartupModel(o, cli->startup_models[i]));
  TRY(TRITONSERVER_ServerOptionsSetStrictModelConfig(o, cli->strict_model_config));
  if (cli->model_config_name != NULL)
    TRY(TRITONSERVER_ServerOptionsSetModelConfigName(o, cli->model_config_name));
  TRY(TRITONSERVER_ServerOptionsSetExitOnError(o, cli->exit_on_error));
  TRY(TRITONSERVER_ServerOptionsSetStrictReadiness(o, cli->strict_readiness));
  TRY(TRITONSERVER_ServerOptionsSetExitTimeout(o, (unsigned)cli->exit_timeout_secs));
  TRY(TRITONSERVER_ServerOptionsSetModelLoadThreadCount(o, (unsigned)cli->model_load_thread_count));
  TRY(TRITONSERVER_ServerOptionsSetModelLoadRetryCount(o, (unsigned)cli->model_load_retry_count));
  TRY(TRITONSERVER_ServerOptionsSetModelNamespacing(o, cli->model_namespacing));
  if (cli->log_file != NULL) TRY(TRITONSERVER_ServerOptionsSetLogFile(o, cli->log_file));
  TRY(TRITONSERVER_ServerOptionsSetLogInfo(o, cli->log_info));
  TRY(TRITONSERVER_ServerOptionsSetLogWarn(o, cli->log_warning));
  TRY(TRITONSERVER_ServerOptionsSetLogError(o, cli->log_error));
  TRY(TRITONSERVER_ServerOptionsSetLogFormat(o, (TRITONSERVER_LogFormat)cli->log_format));
  TRY(TRITONSERVER_ServerOptionsSetLogVerbose(o, cli->log_verbose));
  TRY(TRITONSERVER_ServerOptionsSetMetrics(o, cli->allow_metrics));
  TRY(TRITONSERVER_ServerOptionsSetMetricsInterval(o, (uint64_t)cli->metrics_interval_ms));
  TRY(TRITONSERVER_ServerOptionsSetGpuMetrics(o, cli->allow_gpu_metrics));
  TRY(TRITONSERVER_ServerOptionsSetPinnedMemoryPoolByteSize(o, cli->pinned_memory_pool_byte_size));
  for (size_t i = 0; i < cli->cuda_memory_pool_count; ++i)
    TRY(TRITONSERVER_ServerOptionsSetCudaMemoryPoolByteSize(o, cli->cuda_memory_pools[i].gpu,
                                                            cli->cuda_memory_pools[i].byte_size));
  TRY(TRITONSERVER_ServerOptionsSetMinSupportedComputeCapability(o,
                                                                 cli->min_compute_capability));
  /* As in tritonserver, CPU metrics need metrics. */
  TRY(TRITONSERVER_ServerOptionsSetCpuMetrics(o, cli->allow_metrics && cli->allow_cpu_metrics));
  for (size_t i = 0; i < cli->metrics_config_count; ++i)
    TRY(TRITONSERVER_ServerOptionsSetMetricsConfig(o, "", cli->metrics_configs[i].setting,
                                                   cli->metrics_configs[i].value));
  if (backend_directory != NULL)
    TRY(TRITONSERVER_ServerOptionsSetBackendDirectory(o, backend_directory));
  TRY(set_cache_options(cli, o));
  for (size_t i = 0; i < cli->backend_config_count; ++i)
    TRY(TRITONSERVER_ServerOptionsSetBackendConfig(o, cli->backend_configs[i].backend,
                                                   cli->backend_configs[i].setting,
                                                   cli->backend_configs[i].value));
  *out = o;
  return NULL;
fail:
  TRITONSERVER_ServerOptionsDelete(o);
  return err;
}
