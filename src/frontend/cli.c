/*
 * cli.c — parse Triton's command-line flags into cli_options (see cli.h).
 *
 * A table lists every flag with its kind and where its value goes; the parser walks
 * argv once. Per-flag rules (ranges, enumerations) live in the table or in a handler
 * function, so adding a flag is one line.
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum {
  FLAG_STRING,      /* char* replaced */
  FLAG_STRING_LIST, /* appended to a char** list */
  FLAG_INT,         /* int within [min, max] */
  FLAG_U64,         /* uint64_t within [min, max] */
  FLAG_BOOL,        /* bool, value optional */
  FLAG_CUSTOM,      /* handled by a function */
  FLAG_IGNORED,     /* tritonserver's, no effect here: accepted, named in one start-up WARN */
  FLAG_IGNORED_BOOL, /* the same for a boolean flag (value optional, must be a boolean) */
  FLAG_HELP,
} flag_kind;

typedef struct flag_spec flag_spec;
typedef char *(*flag_handler)(const flag_spec *flag, const char *value, cli_options *o);

struct flag_spec {
  const char *name; /* without the leading "--" */
  flag_kind kind;
  size_t offset;       /* offsetof the value in cli_options */
  size_t count_offset; /* FLAG_STRING_LIST: offsetof the count */
  long long min, max;  /* FLAG_INT / FLAG_U64 */
  flag_handler handler;
  const char *help_value; /* for diagnostics, e.g. "none, poll or explicit" */
};

static char *format_error(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char *out = NULL;
  if (vasprintf(&out, fmt, args) < 0) out = NULL;
  va_end(args);
  return out;
}

static char *append_string(char ***list, size_t *count, const char *value) {
  char **grown = realloc(*list, (*count + 1) * sizeof(char *));
  if (grown == NULL) return format_error("out of memory");
  *list = grown;
  grown[*count] = strdup(value);
  if (grown[*count] == NULL) return format_error("out of memory");
  ++*count;
  return NULL;
}

/* Appends one zeroed element of `size` bytes to the array *items of *count elements;
 * returns it, or NULL on out of memory (the array is unchanged). */
static void *append_element(void **items, size_t *count, size_t size) {
  char *grown = realloc(*items, (*count + 1) * size);
  if (grown == NULL) return NULL;
  *items = grown;
  memset(grown + *count * size, 0, size);
  return grown + (*count)++ * size;
}

/* Parse a boolean spelling; returns 1/0, or -1 if `value` is not one. */
static int parse_bool_word(const char *value) {
  static const char *const truthy[] = {"true", "1", "on", "yes"};
  static const char *const falsy[] = {"false", "0", "off", "no"};
  for (size_t i = 0; i < 4; ++i) {
    if (strcasecmp(value, truthy[i]) == 0) return 1;
    if (strcasecmp(value, falsy[i]) == 0) return 0;
  }
  return -1;
}

static char *handle_control_mode(const flag_spec *flag, const char *value, cli_options *o) {
  (void)flag;
  if (strcasecmp(value, "none") == 0) o->model_control_mode = 0;
  else if (strcasecmp(value, "poll") == 0) o->model_control_mode = 1;
  else if (strcasecmp(value, "explicit") == 0) o->model_control_mode = 2;
  else
    return format_error("--model-control-mode expects none, poll or explicit, got '%s'",
                        value);
  return NULL;
}

static char *handle_log_format(const flag_spec *flag, const char *value, cli_options *o) {
  (void)flag;
  if (strcmp(value, "default") == 0) o->log_format = 0;
  else if (strcasecmp(value, "ISO8601") == 0) o->log_format = 1;
  else return format_error("--log-format expects default or ISO8601, got '%s'", value);
  return NULL;
}

static char *handle_backend_config(const flag_spec *flag, const char *value,
                                   cli_options *o) {
  (void)flag;
  /* <backend>,<setting>=<value>  or  <setting>=<value> (global) */
  const char *comma = strchr(value, ',');
  const char *setting = comma != NULL ? comma + 1 : value;
  const char *equals = strchr(setting, '=');
  if (equals == NULL || equals == setting)
    return format_error("--backend-config expects <backend>,<setting>=<value>, got '%s'",
                        value);
  cli_backend_config *entry = append_element((void **)&o->backend_configs,
                                             &o->backend_config_count, sizeof(*entry));
  if (entry == NULL) return format_error("out of memory");
  entry->backend = comma != NULL ? strndup(value, (size_t)(comma - value)) : strdup("");
  entry->setting = strndup(setting, (size_t)(equals - setting));
  entry->value = strdup(equals + 1);
  if (!entry->backend || !entry->setting || !entry->value) return format_error("out of memory");
  return NULL;
}

static char *handle_cache_config(const flag_spec *flag, const char *value, cli_options *o) {
  (void)flag;
  /* <cache>,<setting>=<value> (Triton: no cache-agnostic settings) */
  const char *comma = strchr(value, ',');
  const char *equals = comma != NULL ? strchr(comma, '=') : NULL;
  if (comma == NULL || comma == value)
    return format_error("--cache-config expects <cache>,<setting>=<value> (e.g. "
                        "local,size=1048576): no cache named in '%s'",
                        value);
  if (equals == NULL || equals == comma + 1 || equals[1] == '\0')
    return format_error("--cache-config expects <cache>,<setting>=<value> (e.g. "
                        "local,size=1048576), got '%s'",
                        value);
  cli_cache_config *grown =
      realloc(o->cache_configs, (o->cache_config_count + 1) * sizeof(*grown));
  if (grown == NULL) return format_error("out of memory");
  o->cache_configs = grown;
  cli_cache_config *entry = &grown[o->cache_config_count++];
  entry->cache = strndup(value, (size_t)(comma - value));
  entry->setting = strndup(comma + 1, (size_t)(equals - comma - 1));
  entry->value = strdup(equals + 1);
  if (!entry->cache || !entry->setting || !entry->value) return format_error("out of memory");
  return NULL;
}

/* Deprecated in Triton; means --cache-config=local,size=<bytes>. */
static char *handle_response_cache_byte_size(const flag_spec *flag, const char *value,
                                             cli_options *o) {
  (void)flag;
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(value, &end, 10);
  if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0 || v > INT64_MAX)
    return format_error("--response-cache-byte-size expects a byte count, got '%s'", value);
  o->response_cache_byte_size = v;
  o->response_cache_byte_size_set = true;
  return NULL;
}

static const struct {
  const char *name;
  unsigned bit;
} restriction_names[] = {
    {"health", RESTRICT_HEALTH},
    {"metadata", RESTRICT_METADATA},
    {"inference", RESTRICT_INFERENCE},
    {"shared-memory", RESTRICT_SHARED_MEMORY},
    {"model-config", RESTRICT_MODEL_CONFIG},
    {"model-repository", RESTRICT_MODEL_REPOSITORY},
    {"statistics", RESTRICT_STATISTICS},
    {"trace", RESTRICT_TRACE},
    {"logging", RESTRICT_LOGGING},
};

unsigned cli_restriction_category(const char *name, size_t len) {
  for (size_t i = 0; i < sizeof(restriction_names) / sizeof(restriction_names[0]); ++i)
    if (strlen(restriction_names[i].name) == len &&
        strncmp(restriction_names[i].name, name, len) == 0)
      return restriction_names[i].bit;
  return 0;
}

static char *handle_restricted_api(const flag_spec *flag, const char *value,
                                   cli_options *o) {
  /* <api>[,<api>...]:<key>=<value> */
  const char *colon = strchr(value, ':');
  const char *equals = colon != NULL ? strchr(colon, '=') : NULL;
  if (colon == NULL || equals == NULL || equals == colon + 1)
    return format_error("--%s expects <api>[,<api>...]:<key>=<value>, got '%s'", flag->name,
                        value);
  unsigned categories = 0;
  for (const char *p = value; p < colon;) {
    const char *end = memchr(p, ',', (size_t)(colon - p));
    if (end == NULL) end = colon;
    unsigned bit = cli_restriction_category(p, (size_t)(end - p));
    if (bit == 0)
      return format_error("--%s: unknown API '%.*s'; expected one of "
                          "health, metadata, inference, shared-memory, model-config, "
                          "model-repository, statistics, trace, logging",
                          flag->name, (int)(end - p), p);
    for (size_t i = 0; i < o->restriction_count; ++i)
      if (o->restrictions[i].categories & bit)
        return format_error("--%s: API '%.*s' is restricted twice", flag->name,
                            (int)(end - p), p);
    categories |= bit;
    p = end + 1;
  }
  cli_restriction *entry =
      append_element((void **)&o->restrictions, &o->restriction_count, sizeof(*entry));
  if (entry == NULL) return format_error("out of memory");
  entry->categories = categories;
  entry->header_key = strndup(colon + 1, (size_t)(equals - colon - 1));
  entry->header_value = strdup(equals + 1);
  if (!entry->header_key || !entry->header_value) return format_error("out of memory");
  for (char *c = entry->header_key; *c; ++c) *c = (char)tolower((unsigned char)*c);
  return NULL;
}

/* --cuda-memory-pool-byte-size=<gpu>:<bytes>, repeatable (one pool per device). */
static char *handle_cuda_memory_pool(const flag_spec *flag, const char *value,
                                     cli_options *o) {
  (void)flag;
  char *end = NULL;
  errno = 0;
  long gpu = strtol(value, &end, 10);
  if (end == value || *end != ':' || errno != 0 || gpu < 0 || gpu > 1023)
    return format_error("--cuda-memory-pool-byte-size expects <gpu id>:<bytes>, got '%s'",
                        value);
  const char *bytes_text = end + 1;
  errno = 0;
  unsigned long long bytes = strtoull(bytes_text, &end, 10);
  if (*bytes_text == '\0' || *bytes_text == '-' || *end != '\0' || errno != 0)
    return format_error("--cuda-memory-pool-byte-size expects <gpu id>:<bytes>, got '%s'",
                        value);
  for (size_t i = 0; i < o->cuda_memory_pool_count; ++i)
    if (o->cuda_memory_pools[i].gpu == (int)gpu) {
      o->cuda_memory_pools[i].byte_size = bytes;
      return NULL;
    }
  cli_device_size *grown =
      realloc(o->cuda_memory_pools, (o->cuda_memory_pool_count + 1) * sizeof(*grown));
  if (grown == NULL) return format_error("out of memory");
  o->cuda_memory_pools = grown;
  grown[o->cuda_memory_pool_count++] = (cli_device_size){(int)gpu, bytes};
  return NULL;
}

/* --min-supported-compute-capability=<major.minor>, e.g. 6.0. */
static char *handle_min_compute_capability(const flag_spec *flag, const char *value,
                                           cli_options *o) {
  (void)flag;
  char *end = NULL;
  errno = 0;
  double capability = strtod(value, &end);
  if (end == value || *end != '\0' || errno != 0 || !(capability >= 0 && capability < 100))
    return format_error("--min-supported-compute-capability expects a compute capability "
                        "such as 6.0, got '%s'",
                        value);
  o->min_compute_capability = capability;
  return NULL;
}

/* --http-header-forward-pattern: a POSIX extended regular expression, matched (anywhere
 * in the name, ignoring case: HTTP header names are case-insensitive) against each request
 * header name. Compiled here only to refuse a bad pattern at start-up. */
static char *handle_header_forward_pattern(const flag_spec *flag, const char *value,
                                           cli_options *o) {
  (void)flag;
  if (value[0] == '\0')
    return format_error("--http-header-forward-pattern expects a regular expression");
  regex_t compiled;
  int rc = regcomp(&compiled, value, REG_EXTENDED | REG_ICASE | REG_NOSUB);
  if (rc != 0) {
    char why[128];
    regerror(rc, &compiled, why, sizeof(why));
    return format_error("--http-header-forward-pattern: '%s' is not a valid regular "
                        "expression: %s",
                        value, why);
  }
  regfree(&compiled);
  free(o->http_header_forward_pattern);
  o->http_header_forward_pattern = strdup(value);
  return o->http_header_forward_pattern ? NULL : format_error("out of memory");
}

/* summary_quantiles: "<quantile>:<error>[,<quantile>:<error>...]", each in [0, 1]. */
static bool valid_quantiles(const char *text) {
  const char *p = text;
  for (;;) {
    char *end = NULL;
    errno = 0;
    double quantile = strtod(p, &end);
    if (end == p || *end != ':' || errno != 0 || !(quantile >= 0 && quantile <= 1)) return false;
    p = end + 1;
    double error = strtod(p, &end);
    if (end == p || errno != 0 || !(error >= 0 && error <= 1)) return false;
    if (*end == '\0') return true;
    if (*end != ',') return false;
    p = end + 1;
  }
}

/* --metrics-config=<setting>=<value> (Triton's format: no name before the setting). */
static char *handle_metrics_config(const flag_spec *flag, const char *value, cli_options *o) {
  (void)flag;
  const char *equals = strchr(value, '=');
  if (equals == NULL || equals == value || equals[1] == '\0' ||
      memchr(value, ',', (size_t)(equals - value)) != NULL)
    return format_error("--metrics-config expects <setting>=<value>, got '%s'", value);
  size_t setting_len = (size_t)(equals - value);
  const char *setting_value = equals + 1;
  static const char *const booleans[] = {"summary_latencies", "counter_latencies",
                                         "histogram_latencies"};
  for (size_t i = 0; i < 3; ++i) {
    if (strlen(booleans[i]) == setting_len && strncmp(value, booleans[i], setting_len) == 0) {
      int b = parse_bool_word(setting_value);
      if (b < 0)
        return format_error("--metrics-config %s expects true or false, got '%s'", booleans[i],
                            setting_value);
      if (i == 1) o->counter_latencies = b;
      setting_value = b ? "true" : "false";
    }
  }
  if (setting_len == strlen("summary_quantiles") &&
      strncmp(value, "summary_quantiles", setting_len) == 0 && !valid_quantiles(setting_value))
    return format_error("--metrics-config summary_quantiles expects "
                        "<quantile>:<error>[,<quantile>:<error>...] with values in [0, 1], "
                        "got '%s'",
                        setting_value);
  cli_metrics_config *entry =
      append_element((void **)&o->metrics_configs, &o->metrics_config_count, sizeof(*entry));
  if (entry == NULL) return format_error("out of memory");
  entry->setting = strndup(value, setting_len);
  entry->value = strdup(setting_value);
  if (!entry->setting || !entry->value) return format_error("out of memory");
  return NULL;
}

static char *replace_owned(char **slot, const char *value) {
  char *copy = strdup(value);
  if (copy == NULL) return format_error("out of memory");
  free(*slot);
  *slot = copy;
  return NULL;
}

/* Adds one trace level (OFF, TIMESTAMPS or TENSORS, any case) to o->trace.level: levels
 * given several times add up, OFF clears them, as in tritonserver. */
static char *add_trace_level(const char *flag_name, const char *level, cli_options *o) {
  const char *canonical = NULL;
  if (strcasecmp(level, "OFF") == 0) canonical = "OFF";
  else if (strcasecmp(level, "TIMESTAMPS") == 0) canonical = "TIMESTAMPS";
  else if (strcasecmp(level, "TENSORS") == 0) canonical = "TENSORS";
  else
    return format_error("%s level expects OFF, TIMESTAMPS or TENSORS, got '%s'", flag_name,
                        level);
  const char *current = o->trace.level;
  if (strcmp(canonical, "OFF") == 0 || current == NULL || strcmp(current, "OFF") == 0)
    return replace_owned(&o->trace.level, canonical);
  if (strstr(current, canonical) != NULL) return NULL;
  char *both = format_error("%s,%s", current, canonical);
  if (both == NULL) return format_error("out of memory");
  free(o->trace.level);
  o->trace.level = both;
  return NULL;
}

/* A trace number: an integer >= `min`. */
static char *set_trace_number(const char *what, const char *value, long long min,
                              char **slot) {
  char *end = NULL;
  errno = 0;
  long long v = strtoll(value, &end, 10);
  if (value[0] == '\0' || *end != '\0' || errno != 0 || v < min)
    return format_error("%s expects an integer >= %lld, got '%s'", what, min, value);
  return replace_owned(slot, value);
}

/* One trace setting by its --trace-config name. */
static char *apply_trace_setting(const char *setting, const char *value, cli_options *o) {
  if (strcmp(setting, "level") == 0) return add_trace_level("--trace-config", value, o);
  if (strcmp(setting, "rate") == 0)
    return set_trace_number("--trace-config rate", value, 1, &o->trace.rate);
  if (strcmp(setting, "count") == 0)
    return set_trace_number("--trace-config count", value, -1, &o->trace.count);
  if (strcmp(setting, "log-frequency") == 0)
    return set_trace_number("--trace-config log-frequency", value, 0, &o->trace.log_frequency);
  if (strcmp(setting, "file") == 0) return replace_owned(&o->trace.file, value);
  if (strcmp(setting, "mode") == 0) {
    if (strcmp(value, "triton") != 0 && strcmp(value, "opentelemetry") != 0)
      return format_error("--trace-config mode expects triton or opentelemetry, got '%s'",
                          value);
    return replace_owned(&o->trace.mode, value);
  }
  return NULL; /* OpenTelemetry exporter settings (url, resource, bsp_*...): not used */
}

/* --trace-config=[<mode>,]<setting>=<value>; <mode> is triton or opentelemetry. */
static char *handle_trace_config(const flag_spec *flag, const char *value, cli_options *o) {
  (void)flag;
  const char *equals = strchr(value, '=');
  const char *comma = strchr(value, ',');
  if (comma != NULL && equals != NULL && comma > equals) comma = NULL;
  const char *setting = comma != NULL ? comma + 1 : value;
  if (equals == NULL || equals == setting || equals[1] == '\0')
    return format_error("--trace-config expects [<mode>,]<setting>=<value>, got '%s'", value);
  if (comma != NULL) {
    size_t mode_len = (size_t)(comma - value);
    if (!(mode_len == 6 && strncmp(value, "triton", 6) == 0) &&
        !(mode_len == 13 && strncmp(value, "opentelemetry", 13) == 0))
      return format_error("--trace-config: unknown trace mode '%.*s'; expected triton or "
                          "opentelemetry",
                          (int)mode_len, value);
  }
  char *name = strndup(setting, (size_t)(equals - setting));
  if (name == NULL) return format_error("out of memory");
  char *err = apply_trace_setting(name, equals + 1, o);
  free(name);
  return err;
}

/* The deprecated --trace-file, --trace-level, --trace-rate, --trace-count and
 * --trace-log-frequency (still accepted by tritonserver with a warning). */
static char *handle_trace_deprecated(const flag_spec *flag, const char *value,
                                     cli_options *o) {
  if (value[0] == '\0') return format_error("--%s expects a value", flag->name);
  if (strcmp(flag->name, "trace-level") == 0) return add_trace_level("--trace-level", value, o);
  if (strcmp(flag->name, "trace-file") == 0) return replace_owned(&o->trace.file, value);
  if (strcmp(flag->name, "trace-rate") == 0)
    return set_trace_number("--trace-rate", value, 1, &o->trace.rate);
  if (strcmp(flag->name, "trace-count") == 0)
    return set_trace_number("--trace-count", value, -1, &o->trace.count);
  return set_trace_number("--trace-log-frequency", value, 0, &o->trace.log_frequency);
}

/* --grpc-infer-response-compression-level=none|low|med|high (Triton's names). */
static char *handle_grpc_compression(const flag_spec *flag, const char *value, cli_options *o) {
  (void)flag;
  static const char *const levels[] = {"none", "low", "med", "high"};
  for (int i = 0; i < 4; ++i)
    if (strcmp(value, levels[i]) == 0) {
      o->grpc_compression_level = i;
      return NULL;
    }
  return format_error("--grpc-infer-response-compression-level expects none, low, med or "
                      "high, got '%s'",
                      value);
}

/* --grpc-restricted-protocol: the same syntax and categories as --http-restricted-api,
 * kept in its own list. */
static char *handle_grpc_restricted_protocol(const flag_spec *flag, const char *value,
                                             cli_options *o) {
  cli_restriction *http = o->restrictions;
  size_t http_count = o->restriction_count;
  o->restrictions = o->grpc_restrictions;
  o->restriction_count = o->grpc_restriction_count;
  char *error = handle_restricted_api(flag, value, o);
  o->grpc_restrictions = o->restrictions;
  o->grpc_restriction_count = o->restriction_count;
  o->restrictions = http;
  o->restriction_count = http_count;
  return error;
}

#define OFF(field) offsetof(cli_options, field)
static const flag_spec flags[] = {
    {"model-repository", FLAG_STRING_LIST, OFF(model_repositories), OFF(model_repository_count), 0, 0, NULL, NULL},
    {"model-store", FLAG_STRING_LIST, OFF(model_repositories), OFF(model_repository_count), 0, 0, NULL, NULL},
    {"model-control-mode", FLAG_CUSTOM, 0, 0, 0, 0, handle_control_mode, NULL},
    {"load-model", FLAG_STRING_LIST, OFF(startup_models), OFF(startup_model_count), 0, 0, NULL, NULL},
    {"repository-poll-secs", FLAG_INT, OFF(repository_poll_secs), 0, 1, 86400, NULL, NULL},
    {"strict-model-config", FLAG_BOOL, OFF(strict_model_config), 0, 0, 0, NULL, NULL},
    {"disable-auto-complete-config", FLAG_BOOL, OFF(strict_model_config), 0, 0, 0, NULL, NULL},
    {"model-config-name", FLAG_STRING, OFF(model_config_name), 0, 0, 0, NULL, NULL},
    {"backend-directory", FLAG_STRING, OFF(backend_directory), 0, 0, 0, NULL, NULL},
    {"backend-config", FLAG_CUSTOM, 0, 0, 0, 0, handle_backend_config, NULL},
    {"strict-readiness", FLAG_BOOL, OFF(strict_readiness), 0, 0, 0, NULL, NULL},
    {"exit-on-error", FLAG_BOOL, OFF(exit_on_error), 0, 0, 0, NULL, NULL},
    {"model-load-thread-count", FLAG_INT, OFF(model_load_thread_count), 0, 1, 1024, NULL, NULL},
    {"model-load-retry-count", FLAG_INT, OFF(model_load_retry_count), 0, 0, 1000, NULL, NULL},
    {"model-namespacing", FLAG_BOOL, OFF(model_namespacing), 0, 0, 0, NULL, NULL},
    {"exit-timeout-secs", FLAG_INT, OFF(exit_timeout_secs), 0, 0, 86400, NULL, NULL},
    {"close-batches-early", FLAG_BOOL, OFF(close_batches_early), 0, 0, 0, NULL, NULL},
    {"inline-execution-max-us", FLAG_INT, OFF(inline_execution_max_us), 0, 0, 1000000, NULL, NULL},
    {"id", FLAG_STRING, OFF(server_id), 0, 0, 0, NULL, NULL},
    {"allow-http", FLAG_BOOL, OFF(allow_http), 0, 0, 0, NULL, NULL},
    {"http-port", FLAG_INT, OFF(http_port), 0, 0, 65535, NULL, NULL},
    {"http-address", FLAG_STRING, OFF(http_address), 0, 0, 0, NULL, NULL},
    {"http-thread-count", FLAG_INT, OFF(http_thread_count), 0, 1, 256, NULL, NULL},
    {"reuse-http-port", FLAG_BOOL, OFF(reuse_http_port), 0, 0, 0, NULL, NULL},
    {"http-header-forward-pattern", FLAG_CUSTOM, 0, 0, 0, 0, handle_header_forward_pattern, NULL},
    {"http-max-input-size", FLAG_U64, OFF(http_max_input_size), 0, 1, (long long)1 << 40, NULL, NULL},
    {"http-restricted-api", FLAG_CUSTOM, 0, 0, 0, 0, handle_restricted_api, NULL},
    {"allow-client-shm", FLAG_BOOL, OFF(allow_client_shm), 0, 0, 0, NULL, NULL},
    {"allow-metrics", FLAG_BOOL, OFF(allow_metrics), 0, 0, 0, NULL, NULL},
    {"metrics-port", FLAG_INT, OFF(metrics_port), 0, 0, 65535, NULL, NULL},
    {"metrics-address", FLAG_STRING, OFF(metrics_address), 0, 0, 0, NULL, NULL},
    {"metrics-interval-ms", FLAG_INT, OFF(metrics_interval_ms), 0, 1, 3600000, NULL, NULL},
    {"allow-gpu-metrics", FLAG_BOOL, OFF(allow_gpu_metrics), 0, 0, 0, NULL, NULL},
    {"pinned-memory-pool-byte-size", FLAG_U64, OFF(pinned_memory_pool_byte_size), 0, 0, (long long)1 << 50, NULL, NULL},
    {"cuda-memory-pool-byte-size", FLAG_CUSTOM, 0, 0, 0, 0, handle_cuda_memory_pool, NULL},
    {"min-supported-compute-capability", FLAG_CUSTOM, 0, 0, 0, 0, handle_min_compute_capability, NULL},
    {"metrics-config", FLAG_CUSTOM, 0, 0, 0, 0, handle_metrics_config, NULL},
    {"allow-cpu-metrics", FLAG_BOOL, OFF(allow_cpu_metrics), 0, 0, 0, NULL, NULL},
    {"trace-config", FLAG_CUSTOM, 0, 0, 0, 0, handle_trace_config, NULL},
    {"trace-file", FLAG_CUSTOM, 0, 0, 0, 0, handle_trace_deprecated, NULL},
    {"trace-level", FLAG_CUSTOM, 0, 0, 0, 0, handle_trace_deprecated, NULL},
    {"trace-rate", FLAG_CUSTOM, 0, 0, 0, 0, handle_trace_deprecated, NULL},
    {"trace-count", FLAG_CUSTOM, 0, 0, 0, 0, handle_trace_deprecated, NULL},
    {"trace-log-frequency", FLAG_CUSTOM, 0, 0, 0, 0, handle_trace_deprecated, NULL},
    {"allow-grpc", FLAG_BOOL, OFF(allow_grpc), 0, 0, 0, NULL, NULL},
    {"grpc-port", FLAG_INT, OFF(grpc_port), 0, 0, 65535, NULL, NULL},
    {"grpc-address", FLAG_STRING, OFF(grpc_address), 0, 0, 0, NULL, NULL},
    {"reuse-grpc-port", FLAG_BOOL, OFF(reuse_grpc_port), 0, 0, 0, NULL, NULL},
    {"grpc-infer-allocation-pool-size", FLAG_INT, OFF(grpc_infer_allocation_pool_size), 0, 0, 1 << 30, NULL, NULL},
    {"grpc-max-response-pool-size", FLAG_INT, OFF(grpc_max_response_pool_size), 0, 0, 1 << 30, NULL, NULL},
    {"grpc-use-ssl", FLAG_BOOL, OFF(grpc_use_ssl), 0, 0, 0, NULL, NULL},
    {"grpc-use-ssl-mutual", FLAG_BOOL, OFF(grpc_use_ssl_mutual), 0, 0, 0, NULL, NULL},
    {"grpc-server-cert", FLAG_STRING, OFF(grpc_server_cert), 0, 0, 0, NULL, NULL},
    {"grpc-server-key", FLAG_STRING, OFF(grpc_server_key), 0, 0, 0, NULL, NULL},
    {"grpc-root-cert", FLAG_STRING, OFF(grpc_root_cert), 0, 0, 0, NULL, NULL},
    {"grpc-infer-response-compression-level", FLAG_CUSTOM, 0, 0, 0, 0, handle_grpc_compression, NULL},
    {"grpc-keepalive-time", FLAG_INT, OFF(grpc_keepalive_time_ms), 0, 1, INT32_MAX, NULL, NULL},
    {"grpc-keepalive-timeout", FLAG_INT, OFF(grpc_keepalive_timeout_ms), 0, 1, INT32_MAX, NULL, NULL},
    {"grpc-keepalive-permit-without-calls", FLAG_BOOL, OFF(grpc_keepalive_permit_without_calls), 0, 0, 0, NULL, NULL},
    {"grpc-http2-max-pings-without-data", FLAG_INT, OFF(grpc_http2_max_pings_without_data), 0, 0, INT32_MAX, NULL, NULL},
    {"grpc-http2-min-recv-ping-interval-without-data", FLAG_INT, OFF(grpc_http2_min_recv_ping_interval_ms), 0, 0, INT32_MAX, NULL, NULL},
    {"grpc-http2-max-ping-strikes", FLAG_INT, OFF(grpc_http2_max_ping_strikes), 0, 0, INT32_MAX, NULL, NULL},
    {"grpc-max-connection-age", FLAG_INT, OFF(grpc_max_connection_age_ms), 0, 1, INT32_MAX, NULL, NULL},
    {"grpc-max-connection-age-grace", FLAG_INT, OFF(grpc_max_connection_age_grace_ms), 0, 1, INT32_MAX, NULL, NULL},
    {"grpc-restricted-protocol", FLAG_CUSTOM, 0, 0, 0, 0, handle_grpc_restricted_protocol, NULL},
    {"grpc-header-forward-pattern", FLAG_STRING, OFF(grpc_header_forward_pattern), 0, 0, 0, NULL, NULL},
    {"log-verbose", FLAG_INT, OFF(log_verbose), 0, 0, 1000, NULL, NULL},
    {"log-info", FLAG_BOOL, OFF(log_info), 0, 0, 0, NULL, NULL},
    {"log-warning", FLAG_BOOL, OFF(log_warning), 0, 0, 0, NULL, NULL},
    {"log-error", FLAG_BOOL, OFF(log_error), 0, 0, 0, NULL, NULL},
    {"log-file", FLAG_STRING, OFF(log_file), 0, 0, 0, NULL, NULL},
    {"log-format", FLAG_CUSTOM, 0, 0, 0, 0, handle_log_format, NULL},
    {"cache-config", FLAG_CUSTOM, 0, 0, 0, 0, handle_cache_config, NULL},
    {"cache-directory", FLAG_STRING, OFF(cache_directory), 0, 0, 0, NULL, NULL},
    {"response-cache-byte-size", FLAG_CUSTOM, 0, 0, 0, 0, handle_response_cache_byte_size, NULL},
    /* tritonserver flags that mean nothing in torchd (yet): a user's command line still
     * starts it, and main() says at start-up which ones had no effect. */
    {"host-policy", FLAG_IGNORED, 0, 0, 0, 0, NULL, NULL},
    {"buffer-manager-thread-count", FLAG_IGNORED, 0, 0, 0, 0, NULL, NULL},
    {"repoagent-directory", FLAG_IGNORED, 0, 0, 0, 0, NULL, NULL},
    {"model-load-gpu-limit", FLAG_IGNORED, 0, 0, 0, 0, NULL, NULL},
    {"rate-limit", FLAG_IGNORED, 0, 0, 0, 0, NULL, NULL},
    {"rate-limit-resource", FLAG_IGNORED, 0, 0, 0, 0, NULL, NULL},
    {"cuda-virtual-address-size", FLAG_IGNORED, 0, 0, 0, 0, NULL, NULL},
    {"enable-peer-access", FLAG_IGNORED_BOOL, 0, 0, 0, 0, NULL, NULL},
    /* Endpoints torchd does not serve (tritonserver builds them in with SageMaker and
     * Vertex AI support). */
    {"allow-sagemaker", FLAG_IGNORED_BOOL, 0, 0, 0, 0, NULL, NULL},
    {"sagemaker-port", FLAG_IGNORED, 0, 0, 0, 0, NULL, NULL},
    {"sagemaker-safe-port-range", FLAG_IGNORED, 0, 0, 0, 0, NULL, NULL},
    {"sagemaker-thread-count", FLAG_IGNORED, 0, 0, 0, 0, NULL, NULL},
    {"allow-vertex-ai", FLAG_IGNORED_BOOL, 0, 0, 0, 0, NULL, NULL},
    {"vertex-ai-port", FLAG_IGNORED, 0, 0, 0, 0, NULL, NULL},
    {"vertex-ai-thread-count", FLAG_IGNORED, 0, 0, 0, 0, NULL, NULL},
    {"vertex-ai-default-model", FLAG_IGNORED, 0, 0, 0, 0, NULL, NULL},
    {"help", FLAG_HELP, 0, 0, 0, 0, NULL, NULL},
};
#undef OFF

/* One HTTP thread per core this process may run on, at most 8 (Triton's fixed default):
 * more threads than cores only add context switches — on one core, 8 threads served
 * 20-27k tiny requests/s with a p99 of 5-17 ms, 1 thread 30-34k with a p99 under 1 ms
 * (bench/results/2026-11-26.md). */
static int default_http_thread_count(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 8;
  int cores = CPU_COUNT(&set);
  return cores < 1 ? 1 : cores > 8 ? 8 : cores;
}

void cli_options_defaults(cli_options *o) {
  memset(o, 0, sizeof(*o));
  o->model_control_mode = 0;
  o->repository_poll_secs = 15;
  o->strict_readiness = true;
  o->exit_on_error = true;
  o->model_load_thread_count = 4;
  o->exit_timeout_secs = 30;
  o->inline_execution_max_us = 200;
  o->close_batches_early = false;
  o->server_id = strdup("triton");
  o->allow_http = true;
  o->http_port = 8000;
  o->http_address = strdup("0.0.0.0");
  o->http_thread_count = default_http_thread_count();
  o->http_max_input_size = (uint64_t)64 << 20;
  o->allow_metrics = true;
  o->metrics_port = 8002;
  o->metrics_interval_ms = 2000;
  o->allow_gpu_metrics = true;
  o->pinned_memory_pool_byte_size = (uint64_t)256 << 20;
  o->min_compute_capability = 6.0;
  o->allow_cpu_metrics = true;
  o->counter_latencies = true;
#ifdef TORCHD_WITH_GRPC
  o->allow_grpc = true; /* as Triton, once this build serves gRPC */
#else
  o->allow_grpc = false;
#endif
  o->grpc_port = 8001;
  o->grpc_address = strdup("0.0.0.0");
  o->grpc_infer_allocation_pool_size = 8;
  o->grpc_max_response_pool_size = INT32_MAX;
  o->grpc_keepalive_time_ms = 7200000; /* Triton's defaults (gRPC's) */
  o->grpc_keepalive_timeout_ms = 20000;
  o->grpc_http2_max_pings_without_data = 2;
  o->grpc_http2_min_recv_ping_interval_ms = 300000;
  o->grpc_http2_max_ping_strikes = 2;
  o->log_info = o->log_warning = o->log_error = true;
}

static const flag_spec *find_flag(const char *name, size_t len) {
  for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); ++i)
    if (strlen(flags[i].name) == len && strncmp(flags[i].name, name, len) == 0)
      return &flags[i];
  return NULL;
}

static char *apply_value(const flag_spec *flag, const char *value, cli_options *o) {
  char *base = (char *)o;
  switch (flag->kind) {
  case FLAG_STRING: {
    char **slot = (char **)(base + flag->offset);
    if (value[0] == '\0') return format_error("--%s expects a non-empty value", flag->name);
    free(*slot);
    *slot = strdup(value);
    return *slot ? NULL : format_error("out of memory");
  }
  case FLAG_STRING_LIST:
    if (value[0] == '\0') return format_error("--%s expects a non-empty value", flag->name);
    return append_string((char ***)(base + flag->offset), (size_t *)(base + flag->count_offset),
                         value);
  case FLAG_INT:
  case FLAG_U64: {
    char *end = NULL;
    errno = 0;
    long long v = strtoll(value, &end, 10);
    if (value[0] == '\0' || *end != '\0' || errno != 0 || v < flag->min || v > flag->max)
      return format_error("--%s expects an integer in [%lld, %lld], got '%s'", flag->name,
                          flag->min, flag->max, value);
    if (flag->kind == FLAG_INT) *(int *)(base + flag->offset) = (int)v;
    else *(uint64_t *)(base + flag->offset) = (uint64_t)v;
    return NULL;
  }
  case FLAG_BOOL: {
    int b = parse_bool_word(value);
    if (b < 0) return format_error("--%s expects true or false, got '%s'", flag->name, value);
    *(bool *)(base + flag->offset) = b;
    return NULL;
  }
  case FLAG_CUSTOM:
    return flag->handler(flag, value, o);
  case FLAG_IGNORED_BOOL:
  case FLAG_IGNORED: {
    if (value[0] == '\0') return format_error("--%s expects a value", flag->name);
    if (flag->kind == FLAG_IGNORED_BOOL && parse_bool_word(value) < 0)
      return format_error("--%s expects true or false, got '%s'", flag->name, value);
    for (size_t i = 0; i < o->ignored_flag_count; ++i)
      if (strcmp(o->ignored_flags[i], flag->name) == 0) return NULL;
    return append_string(&o->ignored_flags, &o->ignored_flag_count, flag->name);
  }
  case FLAG_HELP:
    o->show_help = true;
    return NULL;
  }
  return format_error("internal error: unknown flag kind");
}

static char *check_cross_flag_rules(const cli_options *o) {
  if (o->show_help) return NULL;
  if (o->model_repository_count == 0)
    return format_error("--model-repository is required (the directory that holds the "
                        "models); see --help");
  if (o->startup_model_count > 0 && o->model_control_mode != 2)
    return format_error("--load-model needs --model-control-mode=explicit");
  for (size_t i = 0; i < o->startup_model_count; ++i)
    if (strcmp(o->startup_models[i], "*") == 0 && o->startup_model_count > 1)
      return format_error("--load-model=* must be the only --load-model, got %zu of them",
                          o->startup_model_count);
  if (o->response_cache_byte_size_set && o->cache_config_count > 0)
    return format_error("Incompatible flags --response-cache-byte-size and --cache-config both "
                        "provided. Please provide one or the other.");
  if (o->allow_http && o->allow_metrics && o->http_port == o->metrics_port &&
      o->http_port != 0)
    return format_error("--http-port and --metrics-port are both %d; they must differ",
                        o->http_port);
  return NULL;
}

char *cli_parse(int argc, char **argv, cli_options *o) {
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    if (strncmp(arg, "--", 2) != 0)
      return format_error("unexpected argument '%s'; flags start with '--' (see --help)",
                          arg);
    const char *name = arg + 2;
    const char *equals = strchr(name, '=');
    size_t name_len = equals != NULL ? (size_t)(equals - name) : strlen(name);
    const flag_spec *flag = find_flag(name, name_len);
    if (flag == NULL)
      return format_error("unknown flag '--%.*s' (see --help for the list)", (int)name_len,
                          name);
    const char *value = NULL;
    if (equals != NULL) {
      value = equals + 1;
    } else if (flag->kind == FLAG_HELP) {
      value = "";
    } else if (flag->kind == FLAG_BOOL || flag->kind == FLAG_IGNORED_BOOL) {
      /* A bare boolean means true; a following true/false word is its value. */
      if (i + 1 < argc && parse_bool_word(argv[i + 1]) >= 0) value = argv[++i];
      else value = "true";
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return format_error("--%s expects a value", flag->name);
    }
    char *err = apply_value(flag, value, o);
    if (err != NULL) return err;
  }
  return check_cross_flag_rules(o);
}

void cli_options_free(cli_options *o) {
  for (size_t i = 0; i < o->model_repository_count; ++i) free(o->model_repositories[i]);
  free(o->model_repositories);
  for (size_t i = 0; i < o->startup_model_count; ++i) free(o->startup_models[i]);
  free(o->startup_models);
  for (size_t i = 0; i < o->backend_config_count; ++i) {
    free(o->backend_configs[i].backend);
    free(o->backend_configs[i].setting);
    free(o->backend_configs[i].value);
  }
  free(o->backend_configs);
  for (size_t i = 0; i < o->restriction_count; ++i) {
    free(o->restrictions[i].header_key);
    free(o->restrictions[i].header_value);
  }
  free(o->restrictions);
  for (size_t i = 0; i < o->cache_config_count; ++i) {
    free(o->cache_configs[i].cache);
    free(o->cache_configs[i].setting);
    free(o->cache_configs[i].value);
  }
  free(o->cache_configs);
  free(o->cache_directory);
  for (size_t i = 0; i < o->grpc_restriction_count; ++i) {
    free(o->grpc_restrictions[i].header_key);
    free(o->grpc_restrictions[i].header_value);
  }
  free(o->grpc_restrictions);
  free(o->grpc_address);
  free(o->grpc_server_cert);
  free(o->grpc_server_key);
  free(o->grpc_root_cert);
  free(o->grpc_header_forward_pattern);
  for (size_t i = 0; i < o->ignored_flag_count; ++i) free(o->ignored_flags[i]);
  free(o->ignored_flags);
  free(o->cuda_memory_pools);
  for (size_t i = 0; i < o->metrics_config_count; ++i) {
    free(o->metrics_configs[i].setting);
    free(o->metrics_configs[i].value);
  }
  free(o->metrics_configs);
  free(o->trace.level);
  free(o->trace.rate);
  free(o->trace.count);
  free(o->trace.log_frequency);
  free(o->trace.file);
  free(o->trace.mode);
  free(o->http_header_forward_pattern);
  free(o->model_config_name);
  free(o->backend_directory);
  free(o->server_id);
  free(o->http_address);
  free(o->metrics_address);
  free(o->log_file);
  memset(o, 0, sizeof(*o));
}

const char *cli_flag_name(size_t index) {
  return index < sizeof(flags) / sizeof(flags[0]) ? flags[index].name : NULL;
}

const char *cli_usage(void) {
  return "Usage: torchd --model-repository=<dir> [options]\n"
         "\n"
         "Serves PyTorch models over Triton's KServe v2 HTTP/REST and gRPC protocols.\n"
         "Flags take a value as --flag=value or --flag value; booleans accept\n"
         "true/false (a bare --flag means true).\n"
         "\n"
         "Models:\n"
         "  --model-repository=<dir>      model repository (repeatable; required)\n"
         "  --model-store=<dir>           older name of --model-repository (repeatable)\n"
         "  --model-control-mode=<mode>   none (default): load all at start;\n"
         "                                poll: also rescan the repository;\n"
         "                                explicit: load only --load-model and API loads\n"
         "  --load-model=<name>           model to load at start in explicit mode\n"
         "                                (repeatable; '*' loads all)\n"
         "  --repository-poll-secs=<n>    poll interval in poll mode (default 15)\n"
         "  --strict-model-config=<bool>  require a complete config.pbtxt (default false)\n"
         "  --disable-auto-complete-config  same as --strict-model-config=true\n"
         "  --model-config-name=<name>    use configs/<name>.pbtxt when present\n"
         "  --backend-directory=<dir>     backends folder (default: backends/ beside\n"
         "                                the torchd executable)\n"
         "  --backend-config=<backend>,<setting>=<value>  backend setting (repeatable)\n"
         "  --strict-readiness=<bool>     ready only when all models are (default true)\n"
         "  --exit-on-error=<bool>        exit if a model fails at start (default true)\n"
         "  --model-load-thread-count=<n> parallel model loads (default 4)\n"
         "  --model-load-retry-count=<n>  load a model that failed to load again, up to n\n"
         "                                more times (default 0)\n"
         "  --model-namespacing=<bool>    models of the same name in different\n"
         "                                repositories are distinct (default false)\n"
         "  --exit-timeout-secs=<n>       on SIGINT/SIGTERM wait this long for requests\n"
         "                                in flight (default 30)\n"
         "  --id=<name>                   server name reported by /v2 (default triton)\n"
         "  --inline-execution-max-us=<n> run a request on the HTTP thread that received it,\n"
         "                                without a thread hand-off, when its model has no\n"
         "                                batcher, is not decoupled, an instance is idle and\n"
         "                                the model's mean execute time is <= n us\n"
         "                                (default 200; 0: always hand off, as Triton)\n"
         "  --close-batches-early=<bool>  close a dynamic batch before max_queue_delay when\n"
         "                                every open HTTP connection has its request in the\n"
         "                                server, so none can arrive to grow it (default\n"
         "                                false: always wait, as Triton; opt in\n"
         "                                only for a fixed pool of clients)\n"
         "\n"
         "HTTP (KServe v2):\n"
         "  --allow-http=<bool>           serve HTTP (default true)\n"
         "  --http-port=<port>            default 8000\n"
         "  --http-address=<addr>         default 0.0.0.0\n"
         "  --reuse-http-port=<bool>      SO_REUSEPORT on the HTTP socket, so several\n"
         "                                servers can listen on one port (default false)\n"
         "  --http-thread-count=<n>       HTTP worker threads (default: the cores this\n"
         "                                process may run on, at most 8)\n"
         "  --http-max-input-size=<bytes> largest request body (default 67108864)\n"
         "  --http-header-forward-pattern=<regex>\n"
         "                                request headers whose name matches this POSIX\n"
         "                                extended regex (anywhere, any case) reach the\n"
         "                                model as string request parameters\n"
         "  --http-restricted-api=<api>[,<api>...]:<key>=<value>\n"
         "                                require header <key>: <value> for these APIs:\n"
         "                                health, metadata, inference, shared-memory,\n"
         "                                model-config, model-repository, statistics,\n"
         "                                trace, logging\n"
         "  --allow-client-shm=<bool>     allow system shared memory regions (default false)\n"
         "\n"
         "Response cache (a model uses it with response_cache { enable: true }):\n"
         "  --cache-config=<cache>,<setting>=<value>\n"
         "                                only the 'local' cache, one setting: size, its\n"
         "                                capacity in bytes (e.g. local,size=1048576);\n"
         "                                least recently used results are evicted first\n"
         "  --response-cache-byte-size=<bytes>  deprecated: --cache-config=local,size=<bytes>\n"
         "  --cache-directory=<dir>       accepted; the local cache is built in\n"
         "\n"
         "Metrics (Prometheus):\n"
         "  --allow-metrics=<bool>        serve /metrics (default true)\n"
         "  --metrics-port=<port>         default 8002\n"
         "  --metrics-address=<addr>      default: the HTTP address\n"
         "  --metrics-interval-ms=<n>     how often the CPU metrics are refreshed\n"
         "                                (default 2000)\n"
         "  --allow-cpu-metrics=<bool>    nv_cpu_utilization, nv_cpu_memory_total_bytes,\n"
         "                                nv_cpu_memory_used_bytes from /proc (default true)\n"
         "  --allow-gpu-metrics=<bool>    nv_gpu_* per visible GPU from NVML (default true;\n"
         "                                none where there is no driver)\n"
         "  --metrics-config=<setting>=<value>  (repeatable)\n"
         "                                counter_latencies=<bool>: the *_duration_us\n"
         "                                  counters (default true)\n"
         "                                summary_latencies=<bool>: the *_summary_us\n"
         "                                  summaries (default false)\n"
         "                                summary_quantiles=<q>:<error>[,...]: their\n"
         "                                  quantiles (default 0.5:0.05,0.9:0.01,\n"
         "                                  0.95:0.001,0.99:0.001,0.999:0.001)\n"
         "\n"
         "GPU:\n"
         "  --min-supported-compute-capability=<x.y>\n"
         "                                GPUs below it get no instances (default 6.0)\n"
         "  --pinned-memory-pool-byte-size=<bytes>\n"
         "  --cuda-memory-pool-byte-size=<gpu>:<bytes>\n"
         "                                accepted and passed to the core's options; LibTorch's\n"
         "                                own caching allocators serve the PyTorch backend\n"
         "\n"
         "Tracing (settings reported by /v2/trace/setting; no trace files are written):\n"
         "  --trace-config=[<mode>,]<setting>=<value>  level=<OFF|TIMESTAMPS|TENSORS>,\n"
         "                                rate=<n>, count=<n>, mode=<triton|opentelemetry>,\n"
         "                                triton,file=<path>, triton,log-frequency=<n>\n"
         "  --trace-file=<path> --trace-level=<level> --trace-rate=<n> --trace-count=<n>\n"
         "  --trace-log-frequency=<n>     deprecated spellings of the same settings\n"
         "\n"
         "Logging:\n"
         "  --log-verbose=<n>             verbose level (default 0)\n"
         "  --log-info=<bool> --log-warning=<bool> --log-error=<bool>  (default true)\n"
         "  --log-file=<path>             log to a file instead of stderr\n"
         "  --log-format=<default|ISO8601>\n"
         "\n"
         "gRPC (KServe v2 GRPCInferenceService; builds with TORCHD_WITH_GRPC):\n"
         "  --allow-grpc=<bool>           serve gRPC (default true; false in a build\n"
         "                                without gRPC, which accepts the flags only)\n"
         "  --grpc-port=<port>            default 8001\n"
         "  --grpc-address=<addr>         default 0.0.0.0\n"
         "  --reuse-grpc-port=<bool>      SO_REUSEPORT on the gRPC listener (default false)\n"
         "  --grpc-use-ssl=<bool> --grpc-use-ssl-mutual=<bool>\n"
         "  --grpc-server-cert=<pem> --grpc-server-key=<pem> --grpc-root-cert=<pem>\n"
         "  --grpc-infer-response-compression-level=<none|low|med|high>\n"
         "  --grpc-keepalive-time=<ms> --grpc-keepalive-timeout=<ms>\n"
         "  --grpc-keepalive-permit-without-calls=<bool>\n"
         "  --grpc-http2-max-pings-without-data=<n>\n"
         "  --grpc-http2-min-recv-ping-interval-without-data=<ms>\n"
         "  --grpc-http2-max-ping-strikes=<n>\n"
         "  --grpc-max-connection-age=<ms> --grpc-max-connection-age-grace=<ms>\n"
         "                                gRPC channel arguments (Triton's defaults)\n"
         "  --grpc-restricted-protocol=<protocol>[,...]:<key>=<value>\n"
         "                                as --http-restricted-api, for RPC groups\n"
         "  --grpc-header-forward-pattern=<regex>\n"
         "                                request metadata whose key matches becomes a\n"
         "                                string request parameter\n"
         "  --grpc-infer-allocation-pool-size=<n> --grpc-max-response-pool-size=<n>\n"
         "                                accepted (Triton's object pools; no effect)\n"
         "\n"
         "Accepted for tritonserver command lines, with no effect in torchd (one WARN\n"
         "line at start-up names the ones given):\n"
         "  --host-policy=<name>,<setting>=<value>  --buffer-manager-thread-count=<n>\n"
         "  --repoagent-directory=<dir>   --model-load-gpu-limit=<device>:<fraction>\n"
         "  --rate-limit=<off|execution_count>  --rate-limit-resource=<name>:<n>[:<dev>]\n"
         "  --cuda-virtual-address-size=<device>:<bytes>  --enable-peer-access=<bool>\n"
         "  --allow-sagemaker=<bool> --sagemaker-port=<port>\n"
         "  --sagemaker-safe-port-range=<a>-<b> --sagemaker-thread-count=<n>\n"
         "  --allow-vertex-ai=<bool> --vertex-ai-port=<port> --vertex-ai-thread-count=<n>\n"
         "  --vertex-ai-default-model=<name>\n"
         "\n"
         "  --help                        show this text\n"
         "\n"
         "Example: torchd --model-repository=examples/models\n";
}
