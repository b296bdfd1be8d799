/* options.c — TRITONSERVER_ServerOptions: the settings a server is created from.
 *
 * Every setter validates its arguments and stores a copy of the value in the struct of
 * options.h, which server.c reads. The log setters also apply at once to the process
 * logger, as Triton's do (its logger is global too). The options object owns all its
 * strings and arrays; TRITONSERVER_ServerOptionsDelete frees them. */
#include "options.h"

#include "torchd/torchd_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core_util.h"
#include "log.h"

#define MIB (1024ull * 1024ull)

static TRITONSERVER_Error *invalid(const char *function, const char *what)
{
  return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "%s: %s", function, what);
}

static TRITONSERVER_Error *out_of_memory(const char *function)
{
  return util_errorf(TRITONSERVER_ERROR_INTERNAL, "%s: out of memory", function);
}

#define CHECK_OPTIONS(options)                                                                     \
  do {                                                                                             \
    if ((options) == NULL)                                                                         \
      return invalid(__func__, "expected server options, got NULL");                               \
  } while (0)

#define CHECK_STRING(value, name)                                                                  \
  do {                                                                                             \
    if ((value) == NULL)                                                                           \
      return invalid(__func__, "expected a string for '" name "', got NULL");                      \
  } while (0)

/* Replaces *slot with a copy of 'value' (NULL allowed: clears it). False on OOM. */
static bool replace_string(char **slot, const char *value)
{
  char *copy = NULL;
  if (value != NULL && (copy = strdup(value)) == NULL)
    return false;
  free(*slot);
  *slot = copy;
  return true;
}

/* Appends a copy of 'value' to the string array (*items, *count). False on OOM. */
static bool append_string(char ***items, size_t *count, const char *value)
{
  char **grown = realloc(*items, (*count + 1) * sizeof(char *));
  if (grown == NULL)
    return false;
  *items = grown;
  if ((grown[*count] = strdup(value)) == NULL)
    return false;
  (*count)++;
  return true;
}

static void free_strings(char **items, size_t count)
{
  for (size_t i = 0; i < count; i++)
    free(items[i]);
  free(items);
}

/* Appends a copy of (group, setting, value). False on OOM. */
static bool settings_append(options_settings *settings, const char *group, const char *setting,
                            const char *value)
{
  options_setting *grown = realloc(settings->items, (settings->count + 1) * sizeof(*grown));
  if (grown == NULL)
    return false;
  settings->items = grown;
  options_setting *item = &grown[settings->count];
  item->group = strdup(group);
  item->setting = strdup(setting);
  item->value = strdup(value);
  if (item->group == NULL || item->setting == NULL || item->value == NULL) {
    free(item->group);
    free(item->setting);
    free(item->value);
    return false;
  }
  settings->count++;
  return true;
}

static void settings_free(options_settings *settings)
{
  for (size_t i = 0; i < settings->count; i++) {
    free(settings->items[i].group);
    free(settings->items[i].setting);
    free(settings->items[i].value);
  }
  free(settings->items);
  settings->items = NULL;
  settings->count = 0;
}

const char *options_settings_find(const options_settings *settings, const char *group,
                                  const char *setting)
{
  for (size_t i = 0; i < settings->count; i++) {
    if (strcmp(settings->items[i].group, group) == 0 &&
        strcmp(settings->items[i].setting, setting) == 0)
      return settings->items[i].value;
  }
  return NULL;
}

/* A metrics-config boolean: the last value set wins; `fallback` when never set. */
static bool metrics_switch(const TRITONSERVER_ServerOptions *options, const char *setting,
                           bool fallback)
{
  if (options == NULL)
    return fallback;
  const char *value = NULL;
  for (size_t i = 0; i < options->metrics_configs.count; i++) {
    const options_setting *s = &options->metrics_configs.items[i];
    if (s->group[0] == '\0' && strcmp(s->setting, setting) == 0)
      value = s->value;
  }
  if (value == NULL)
    return fallback;
  return strcasecmp(value, "true") == 0 || strcmp(value, "1") == 0 ||
         strcasecmp(value, "on") == 0 || strcasecmp(value, "yes") == 0;
}

bool options_summary_latencies(const TRITONSERVER_ServerOptions *options)
{
  return options != NULL && options->metrics && metrics_switch(options, "summary_latencies", false);
}

bool options_counter_latencies(const TRITONSERVER_ServerOptions *options)
{
  return metrics_switch(options, "counter_latencies", true);
}

const char *options_summary_quantiles(const TRITONSERVER_ServerOptions *options)
{
  const char *value = NULL;
  for (size_t i = 0; options != NULL && i < options->metrics_configs.count; i++) {
    const options_setting *s = &options->metrics_configs.items[i];
    if (s->group[0] == '\0' && strcmp(s->setting, "summary_quantiles") == 0)
      value = s->value;
  }
  return value;
}

/* Sets (device, size) in a per-device array, replacing an earlier value. */
static bool device_size_set(options_device_size **items, size_t *count, int device,
                            uint64_t byte_size)
{
  for (size_t i = 0; i < *count; i++) {
    if ((*items)[i].device == device) {
      (*items)[i].byte_size = byte_size;
      return true;
    }
  }
  options_device_size *grown = realloc(*items, (*count + 1) * sizeof(*grown));
  if (grown == NULL)
    return false;
  grown[*count] = (options_device_size){.device = device, .byte_size = byte_size};
  *items = grown;
  (*count)++;
  return true;
}

/* Creates options with Triton's defaults in *options; the caller owns them. */
TRITONSERVER_Error *TRITONSERVER_ServerOptionsNew(TRITONSERVER_ServerOptions **options)
{
  if (options == NULL)
    return invalid(__func__, "expected a place to store the options, got NULL");
  TRITONSERVER_ServerOptions *created = calloc(1, sizeof(*created));
  if (created == NULL)
    return out_of_memory(__func__);
  created->control_mode = TRITONSERVER_MODEL_CONTROL_NONE;
  created->strict_model_config = true;
  created->rate_limit_mode = TRITONSERVER_RATE_LIMIT_OFF;
  created->pinned_memory_pool_byte_size = 256 * MIB;
  created->min_compute_capability = 6.0;
  created->exit_on_error = true;
  created->strict_readiness = true;
  created->exit_timeout_seconds = 30;
  created->model_load_thread_count = 4;
  created->enable_peer_access = true;
  created->log_info = created->log_warn = created->log_error = true;
  created->log_format = TRITONSERVER_LOG_DEFAULT;
  created->metrics = created->gpu_metrics = created->cpu_metrics = true;
  created->metrics_interval_ms = 2000;
  if (!replace_string(&created->server_id, "triton") ||
      !replace_string(&created->cache_directory, "/opt/tritonserver/caches") ||
      !replace_string(&created->backend_directory, "/opt/tritonserver/backends") ||
      !replace_string(&created->repoagent_directory, "/opt/tritonserver/repoagents")) {
    TRITONSERVER_ServerOptionsDelete(created);
    return out_of_memory(__func__);
  }
  *options = created;
  return NULL;
}

/* Frees the options and everything they own. NULL is allowed. */
TRITONSERVER_Error *TRITONSERVER_ServerOptionsDelete(TRITONSERVER_ServerOptions *options)
{
  if (options == NULL)
    return NULL;
  free(options->server_id);
  free_strings(options->repository_paths, options->repository_path_count);
  free_strings(options->startup_models, options->startup_model_count);
  free(options->model_config_name);
  for (size_t i = 0; i < options->rate_limiter_resource_count; i++)
    free(options->rate_limiter_resources[i].name);
  free(options->rate_limiter_resources);
  free(options->cuda_memory_pools);
  free(options->cuda_virtual_address_sizes);
  settings_free(&options->cache_configs);
  free(options->cache_directory);
  free(options->log_file);
  free(options->backend_directory);
  free(options->repoagent_directory);
  free(options->device_limits);
  settings_free(&options->backend_configs);
  settings_free(&options->host_policies);
  settings_free(&options->metrics_configs);
  free(options);
  return NULL;
}

/* Copies every setting list; false on OOM (the partial copy stays in 'copy'). */
static bool clone_settings(options_settings *copy, const options_settings *source)
{
  copy->items = NULL;
  copy->count = 0;
  for (size_t i = 0; i < source->count; i++) {
    const options_setting *s = &source->items[i];
    if (!settings_append(copy, s->group, s->setting, s->value))
      return false;
  }
  return true;
}

static bool clone_bytes(void **copy, const void *source, size_t byte_size)
{
  *copy = NULL;
  if (byte_size == 0)
    return true;
  if ((*copy = malloc(byte_size)) == NULL)
    return false;
  memcpy(*copy, source, byte_size);
  return true;
}

TRITONSERVER_Error *options_clone(const TRITONSERVER_ServerOptions *source,
                                  TRITONSERVER_ServerOptions **copy)
{
  if (source == NULL || copy == NULL)
    return invalid(__func__, "expected server options and a place for the copy, got NULL");
  TRITONSERVER_ServerOptions *c = malloc(sizeof(*c));
  if (c == NULL)
    return out_of_memory(__func__);
  *c = *source;
  /* Detach every owned pointer first, so a failure part-way can free the copy. */
  c->server_id = c->model_config_name = c->cache_directory = c->log_file = NULL;
  c->backend_directory = c->repoagent_directory = NULL;
  c->repository_paths = c->startup_models = NULL;
  c->repository_path_count = c->startup_model_count = 0;
  c->rate_limiter_resources = NULL;
  c->rate_limiter_resource_count = 0;
  c->cuda_memory_pools = c->cuda_virtual_address_sizes = NULL;
  c->device_limits = NULL;
  c->cache_configs = c->backend_configs = c->host_policies = c->metrics_configs =
      (options_settings){NULL, 0};

  bool ok = replace_string(&c->server_id, source->server_id) &&
            replace_string(&c->model_config_name, source->model_config_name) &&
            replace_string(&c->cache_directory, source->cache_directory) &&
            replace_string(&c->log_file, source->log_file) &&
            replace_string(&c->backend_directory, source->backend_directory) &&
            replace_string(&c->repoagent_directory, source->repoagent_directory);
  for (size_t i = 0; ok && i < source->repository_path_count; i++)
    ok =
        append_string(&c->repository_paths, &c->repository_path_count, source->repository_paths[i]);
  for (size_t i = 0; ok && i < source->startup_model_count; i++)
    ok = append_string(&c->startup_models, &c->startup_model_count, source->startup_models[i]);
  if (ok && source->rate_limiter_resource_count > 0) {
    c->rate_limiter_resources =
        calloc(source->rate_limiter_resource_count, sizeof(*c->rate_limiter_resources));
    ok = c->rate_limiter_resources != NULL;
    for (size_t i = 0; ok && i < source->rate_limiter_resource_count; i++) {
      c->rate_limiter_resources[i] = source->rate_limiter_resources[i];
      c->rate_limiter_resources[i].name = strdup(source->rate_limiter_resources[i].name);
      ok = c->rate_limiter_resources[i].name != NULL;
      c->rate_limiter_resource_count = i + 1;
    }
  }
  ok = ok &&
       clone_bytes((void **)&c->cuda_memory_pools, source->cuda_memory_pools,
                   source->cuda_memory_pool_count * sizeof(options_device_size)) &&
       clone_bytes((void **)&c->cuda_virtual_address_sizes, source->cuda_virtual_address_sizes,
                   source->cuda_virtual_address_size_count * sizeof(options_device_size)) &&
       clone_bytes((void **)&c->device_limits, source->device_limits,
                   source->device_limit_count * sizeof(options_device_limit)) &&
       clone_settings(&c->cache_configs, &source->cache_configs) &&
       clone_settings(&c->backend_configs, &source->backend_configs) &&
       clone_settings(&c->host_policies, &source->host_policies) &&
       clone_settings(&c->metrics_configs, &source->metrics_configs);
  if (!ok) {
    if (c->cuda_memory_pools == NULL)
      c->cuda_memory_pool_count = 0;
    if (c->cuda_virtual_address_sizes == NULL)
      c->cuda_virtual_address_size_count = 0;
    if (c->device_limits == NULL)
      c->device_limit_count = 0;
    TRITONSERVER_ServerOptionsDelete(c);
    return out_of_memory(__func__);
  }
  *copy = c;
  return NULL;
}

/* ---- plain setters, then strings that are lists or need checks ------------------ */

/* Setters that only store their value (or a copy of their string) in one field. */
#define VALUE_SETTER(setter, type, field)                                                          \
  TRITONSERVER_Error *TRITONSERVER_ServerOptions##setter(TRITONSERVER_ServerOptions *options,      \
                                                         type value)                               \
  {                                                                                                \
    CHECK_OPTIONS(options);                                                                        \
    options->field = value;                                                                        \
    return NULL;                                                                                   \
  }

#define STRING_SETTER(setter, parameter, field)                                                    \
  TRITONSERVER_Error *TRITONSERVER_ServerOptions##setter(TRITONSERVER_ServerOptions *options,      \
                                                         const char *parameter)                    \
  {                                                                                                \
    CHECK_OPTIONS(options);                                                                        \
    CHECK_STRING(parameter, #parameter);                                                           \
    return replace_string(&options->field, parameter) ? NULL : out_of_memory(__func__);            \
  }

STRING_SETTER(SetServerId, server_id, server_id)
STRING_SETTER(SetCacheDirectory, cache_dir, cache_directory)
STRING_SETTER(SetBackendDirectory, backend_dir, backend_directory)
STRING_SETTER(SetRepoAgentDirectory, repoagent_dir, repoagent_directory)

VALUE_SETTER(SetStrictModelConfig, bool, strict_model_config)
VALUE_SETTER(SetPinnedMemoryPoolByteSize, uint64_t, pinned_memory_pool_byte_size)
VALUE_SETTER(SetMinSupportedComputeCapability, double, min_compute_capability)
VALUE_SETTER(SetExitOnError, bool, exit_on_error)
VALUE_SETTER(SetStrictReadiness, bool, strict_readiness)
VALUE_SETTER(SetExitTimeout, unsigned int, exit_timeout_seconds)
VALUE_SETTER(SetBufferManagerThreadCount, unsigned int, buffer_manager_thread_count)
VALUE_SETTER(SetModelLoadRetryCount, unsigned int, model_load_retry_count)
VALUE_SETTER(SetModelNamespacing, bool, model_namespacing)
VALUE_SETTER(SetEnablePeerAccess, bool, enable_peer_access)
VALUE_SETTER(SetMetrics, bool, metrics)
VALUE_SETTER(SetGpuMetrics, bool, gpu_metrics)
VALUE_SETTER(SetCpuMetrics, bool, cpu_metrics)
VALUE_SETTER(SetMetricsInterval, uint64_t, metrics_interval_ms)

/* Adds a repository path (may be called several times, as --model-repository may). */
TRITONSERVER_Error *
TRITONSERVER_ServerOptionsSetModelRepositoryPath(TRITONSERVER_ServerOptions *options,
                                                 const char *model_repository_path)
{
  CHECK_OPTIONS(options);
  CHECK_STRING(model_repository_path, "model_repository_path");
  if (model_repository_path[0] == '\0')
    return invalid(__func__, "expected a model repository path, got an empty string");
  return append_string(&options->repository_paths, &options->repository_path_count,
                       model_repository_path)
             ? NULL
             : out_of_memory(__func__);
}

/* Adds a model to load at startup in EXPLICIT mode ("*" means all). */
TRITONSERVER_Error *TRITONSERVER_ServerOptionsSetStartupModel(TRITONSERVER_ServerOptions *options,
                                                              const char *model_name)
{
  CHECK_OPTIONS(options);
  CHECK_STRING(model_name, "model_name");
  if (model_name[0] == '\0')
    return invalid(__func__, "expected a model name, got an empty string");
  return append_string(&options->startup_models, &options->startup_model_count, model_name)
             ? NULL
             : out_of_memory(__func__);
}

TRITONSERVER_Error *
TRITONSERVER_ServerOptionsSetModelConfigName(TRITONSERVER_ServerOptions *options,
                                             const char *model_config_name)
{
  CHECK_OPTIONS(options);
  CHECK_STRING(model_config_name, "model_config_name");
  return replace_string(&options->model_config_name,
                        model_config_name[0] != '\0' ? model_config_name : NULL)
             ? NULL
             : out_of_memory(__func__);
}

/* ---- enums and numbers ------------------------------------------------------------ */

TRITONSERVER_Error *
TRITONSERVER_ServerOptionsSetModelControlMode(TRITONSERVER_ServerOptions *options,
                                              TRITONSERVER_ModelControlMode mode)
{
  CHECK_OPTIONS(options);
  if (mode != TRITONSERVER_MODEL_CONTROL_NONE && mode != TRITONSERVER_MODEL_CONTROL_POLL &&
      mode != TRITONSERVER_MODEL_CONTROL_EXPLICIT) {
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "%s: expected model control mode NONE(0), POLL(1) or EXPLICIT(2), got %d",
                       __func__, (int)mode);
  }
  options->control_mode = mode;
  return NULL;
}

TRITONSERVER_Error *
TRITONSERVER_ServerOptionsSetRateLimiterMode(TRITONSERVER_ServerOptions *options,
                                             TRITONSERVER_RateLimitMode mode)
{
  CHECK_OPTIONS(options);
  if (mode != TRITONSERVER_RATE_LIMIT_OFF && mode != TRITONSERVER_RATE_LIMIT_EXEC_COUNT) {
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "%s: expected rate limit mode OFF(0) or EXEC_COUNT(1), got %d", __func__,
                       (int)mode);
  }
  options->rate_limit_mode = mode;
  return NULL;
}

TRITONSERVER_Error *
TRITONSERVER_ServerOptionsAddRateLimiterResource(TRITONSERVER_ServerOptions *options,
                                                 const char *resource_name,
                                                 const size_t resource_count, const int device)
{
  CHECK_OPTIONS(options);
  CHECK_STRING(resource_name, "resource_name");
  options_rate_limiter_resource *grown = realloc(
      options->rate_limiter_resources, (options->rate_limiter_resource_count + 1) * sizeof(*grown));
  if (grown == NULL)
    return out_of_memory(__func__);
  options->rate_limiter_resources = grown;
  char *name = strdup(resource_name);
  if (name == NULL)
    return out_of_memory(__func__);
  grown[options->rate_limiter_resource_count++] =
      (options_rate_limiter_resource){.name = name, .count = resource_count, .device = device};
  return NULL;
}

TRITONSERVER_Error *
TRITONSERVER_ServerOptionsSetCudaMemoryPoolByteSize(TRITONSERVER_ServerOptions *options,
                                                    int gpu_device, uint64_t size)
{
  CHECK_OPTIONS(options);
  if (gpu_device < 0)
    return invalid(__func__, "expected a GPU device id >= 0");
  return device_size_set(&options->cuda_memory_pools, &options->cuda_memory_pool_count, gpu_device,
                         size)
             ? NULL
             : out_of_memory(__func__);
}

TRITONSERVER_Error *TRITONSERVER_ServerOptionsSetCudaVirtualAddressSize(
    TRITONSERVER_ServerOptions *options, int gpu_device, size_t cuda_virtual_address_size)
{
  CHECK_OPTIONS(options);
  if (gpu_device < 0)
    return invalid(__func__, "expected a GPU device id >= 0");
  return device_size_set(&options->cuda_virtual_address_sizes,
                         &options->cuda_virtual_address_size_count, gpu_device,
                         cuda_virtual_address_size)
             ? NULL
             : out_of_memory(__func__);
}

/* Deprecated in Triton: forwards to SetCacheConfig("local", {"size": n}), so the later of
 * the two calls wins; 0 does nothing (Triton's rule). */
TRITONSERVER_Error *TRITONSERVER_ServerOptionsSetResponseCacheByteSize(
    TRITONSERVER_ServerOptions *options, uint64_t size)
{
  CHECK_OPTIONS(options);
  options->response_cache_byte_size = size;
  if (size == 0)
    return NULL;
  char json[64];
  snprintf(json, sizeof(json), "{\"size\": %llu}", (unsigned long long)size);
  return TRITONSERVER_ServerOptionsSetCacheConfig(options, "local", json);
}

TRITONSERVER_Error *TRITONSERVER_ServerOptionsSetCacheConfig(TRITONSERVER_ServerOptions *options,
                                                             const char *cache_name,
                                                             const char *config_json)
{
  CHECK_OPTIONS(options);
  CHECK_STRING(cache_name, "cache_name");
  CHECK_STRING(config_json, "config_json");
  return settings_append(&options->cache_configs, cache_name, "config", config_json)
             ? NULL
             : out_of_memory(__func__);
}

TRITONSERVER_Error *
TRITONSERVER_ServerOptionsSetModelLoadThreadCount(TRITONSERVER_ServerOptions *options,
                                                  unsigned int thread_count)
{
  CHECK_OPTIONS(options);
  if (thread_count == 0)
    return invalid(__func__, "expected a model load thread count >= 1, got 0");
  options->model_load_thread_count = thread_count;
  return NULL;
}

/* ---- logging: stored, and applied to the process logger at once ------------------- */

/* Sends log output to 'file' (appending), or back to stderr for "". */
TRITONSERVER_Error *TRITONSERVER_ServerOptionsSetLogFile(TRITONSERVER_ServerOptions *options,
                                                         const char *file)
{
  CHECK_OPTIONS(options);
  CHECK_STRING(file, "file");
  TRITONSERVER_Error *error = core_log_set_file(file);
  if (error != NULL)
    return error;
  return replace_string(&options->log_file, file[0] != '\0' ? file : NULL)
             ? NULL
             : out_of_memory(__func__);
}

/* Log level switches: stored, and applied to the logger. */
#define LOG_SWITCH_SETTER(setter, field, apply)                                                    \
  TRITONSERVER_Error *TRITONSERVER_ServerOptions##setter(TRITONSERVER_ServerOptions *options,      \
                                                         bool log)                                 \
  {                                                                                                \
    CHECK_OPTIONS(options);                                                                        \
    options->field = log;                                                                          \
    apply(log);                                                                                    \
    return NULL;                                                                                   \
  }

LOG_SWITCH_SETTER(SetLogInfo, log_info, core_log_set_info)
LOG_SWITCH_SETTER(SetLogWarn, log_warn, core_log_set_warn)
LOG_SWITCH_SETTER(SetLogError, log_error, core_log_set_error)

TRITONSERVER_Error *TRITONSERVER_ServerOptionsSetLogFormat(TRITONSERVER_ServerOptions *options,
                                                           const TRITONSERVER_LogFormat format)
{
  CHECK_OPTIONS(options);
  if (format != TRITONSERVER_LOG_DEFAULT && format != TRITONSERVER_LOG_ISO8601) {
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "%s: expected log format DEFAULT(0) or ISO8601(1), got %d", __func__,
                       (int)format);
  }
  options->log_format = format;
  core_log_set_format(format);
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_ServerOptionsSetLogVerbose(TRITONSERVER_ServerOptions *options,
                                                            int level)
{
  CHECK_OPTIONS(options);
  if (level < 0) {
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "%s: expected a verbose level >= 0, got %d",
                       __func__, level);
  }
  options->log_verbose = level;
  core_log_set_verbose(level);
  return NULL;
}

/* ---- device limits and the three "<group>,<setting>=<value>" lists ---------------- */

TRITONSERVER_Error *
TRITONSERVER_ServerOptionsSetModelLoadDeviceLimit(TRITONSERVER_ServerOptions *options,
                                                  const TRITONSERVER_InstanceGroupKind kind,
                                                  const int device_id, const double fraction)
{
  CHECK_OPTIONS(options);
  if (kind != TRITONSERVER_INSTANCEGROUPKIND_GPU) {
    return util_errorf(TRITONSERVER_ERROR_UNSUPPORTED,
                       "%s: expected instance kind GPU(2) for a device limit, got %d", __func__,
                       (int)kind);
  }
  if (!(fraction >= 0.0 && fraction <= 1.0))
    return invalid(__func__, "expected a device limit fraction between 0.0 and 1.0");
  for (size_t i = 0; i < options->device_limit_count; i++) {
    if (options->device_limits[i].device == device_id) {
      options->device_limits[i].fraction = fraction;
      return NULL;
    }
  }
  options_device_limit *grown =
      realloc(options->device_limits, (options->device_limit_count + 1) * sizeof(*grown));
  if (grown == NULL)
    return out_of_memory(__func__);
  grown[options->device_limit_count++] =
      (options_device_limit){.kind = kind, .device = device_id, .fraction = fraction};
  options->device_limits = grown;
  return NULL;
}

/* Adds a copy of (group, setting, value) to 'list' after checking the arguments. */
static TRITONSERVER_Error *add_setting(TRITONSERVER_ServerOptions *options, options_settings *list,
                                       const char *group, const char *setting, const char *value,
                                       const char *function)
{
  if (options == NULL)
    return invalid(function, "expected server options, got NULL");
  if (group == NULL || setting == NULL || value == NULL)
    return invalid(function, "expected a name, a setting and a value, got NULL");
  return settings_append(list, group, setting, value) ? NULL : out_of_memory(function);
}

/* Adds one --backend-config triple. backend_name "" means every backend. */
TRITONSERVER_Error *TRITONSERVER_ServerOptionsSetBackendConfig(TRITONSERVER_ServerOptions *options,
                                                               const char *backend_name,
                                                               const char *setting,
                                                               const char *value)
{
  return add_setting(options, options ? &options->backend_configs : NULL, backend_name, setting,
                     value, __func__);
}

/* Adds one --host-policy triple. */
TRITONSERVER_Error *TRITONSERVER_ServerOptionsSetHostPolicy(TRITONSERVER_ServerOptions *options,
                                                            const char *policy_name,
                                                            const char *setting, const char *value)
{
  return add_setting(options, options ? &options->host_policies : NULL, policy_name, setting, value,
                     __func__);
}

/* Adds one --metrics-config triple (name "" for global settings). */
TRITONSERVER_Error *TRITONSERVER_ServerOptionsSetMetricsConfig(TRITONSERVER_ServerOptions *options,
                                                               const char *name,
                                                               const char *setting,
                                                               const char *value)
{
  return add_setting(options, options ? &options->metrics_configs : NULL, name, setting, value,
                     __func__);
}

/* ---- torchd extensions (include/torchd/torchd_server.h) ---------------------------- */

TRITONSERVER_Error *TORCHD_ServerOptionsSetInlineExecution(TRITONSERVER_ServerOptions *options,
                                                           uint64_t max_execute_us)
{
  CHECK_OPTIONS(options);
  options->inline_execute_max_ns =
      max_execute_us > UINT64_MAX / 1000 ? UINT64_MAX : max_execute_us * 1000;
  return NULL;
}
