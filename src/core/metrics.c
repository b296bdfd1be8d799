/* metrics.c — TRITONSERVER_ServerMetrics / MetricsFormatted / MetricsDelete: a snapshot
 * of the per-model inference counters in Prometheus text format (triton-api.md §4.7),
 * then (per --metrics-config) the latency summaries, the GPU gauges (gpu_metrics.c)
 * unless --allow-gpu-metrics=false, the CPU gauges (--allow-cpu-metrics) and the
 * backends' custom metrics. Values come from the same counters as the statistics
 * extension; durations are converted from ns to µs. The *_duration_us counters are left
 * out with counter_latencies=false, as in Triton. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_util.h"
#include "cpu_metrics.h"
#include "custom_metrics.h"
#include "gpu_metrics.h"
#include "latency_summary.h"
#include "model.h"
#include "server.h"

struct TRITONSERVER_Metrics {
  char *text; /* owned, NUL-terminated */
  size_t byte_size;
};

enum { MAX_QUANTILES = 16 };

typedef struct summary_snapshot {
  uint64_t count;
  double sum;
  double quantile_values[MAX_QUANTILES];
} summary_snapshot;

typedef struct snapshot {
  char *name;
  uint64_t version;
  bool cache_enabled; /* the model uses the response cache: it has the nv_cache_* families */
  stats_model values; /* counters only: mutex and batches unused */
  bool has_summaries;
  summary_snapshot summaries[STATS_SUMMARY_COUNT];
} snapshot;

typedef struct snapshot_list {
  snapshot *items;
  size_t count;
  const double *quantiles; /* the summary quantiles to compute */
  size_t quantile_count;
} snapshot_list;

static void take_snapshot(TRITONBACKEND_Model *model, void *userp)
{
  snapshot_list *list = userp;
  snapshot *grown = realloc(list->items, (list->count + 1) * sizeof(*grown));
  if (!grown)
    return;
  list->items = grown;
  snapshot *s = &grown[list->count++];
  s->name = strdup(model->name);
  s->version = model->version;
  s->cache_enabled = model->response_cache_enabled;
  /* Copy the counters only (never the mutex or the batch table). */
  memset(&s->values, 0, sizeof(s->values));
  const stats_model *src = &model->stats;
  pthread_mutex_lock(&model->stats.mu);
  s->values.inference_count = src->inference_count;
  s->values.execution_count = src->execution_count;
  s->values.success = src->success;
  s->values.fail = src->fail;
  s->values.queue = src->queue;
  s->values.compute_input = src->compute_input;
  s->values.compute_infer = src->compute_infer;
  s->values.compute_output = src->compute_output;
  s->values.cache_hit = src->cache_hit;
  s->values.cache_miss = src->cache_miss;
  /* The summaries are copied under the lock and their quantiles sorted out after it, so
   * instance threads reporting statistics wait for a memcpy, not for the sorting. */
  latency_summary *copies = NULL;
  if (src->summaries && (copies = malloc(STATS_SUMMARY_COUNT * sizeof(*copies))))
    memcpy(copies, src->summaries, STATS_SUMMARY_COUNT * sizeof(*copies));
  pthread_mutex_unlock(&model->stats.mu);
  s->has_summaries = copies != NULL;
  uint64_t now = util_now_ns();
  for (size_t k = 0; copies && k < STATS_SUMMARY_COUNT; k++) {
    s->summaries[k].count = copies[k].count;
    s->summaries[k].sum = copies[k].sum;
    latency_summary_quantiles(&copies[k], now, LATENCY_SUMMARY_MAX_AGE_NS, list->quantiles,
                              list->quantile_count, s->summaries[k].quantile_values);
  }
  free(copies);
}

/* The summary families, in stats_summary_kind order (names and help as Triton's). */
static const struct {
  const char *name, *help;
} SUMMARIES[STATS_SUMMARY_COUNT] = {
    {"nv_inference_request_summary_us",
     "Summary of inference request duration in microseconds (includes cached requests)"},
    {"nv_inference_queue_summary_us",
     "Summary of inference queuing duration in microseconds (includes cached requests)"},
    {"nv_inference_compute_input_summary_us",
     "Summary of compute input duration in microseconds (does not include cached requests)"},
    {"nv_inference_compute_infer_summary_us",
     "Summary of compute inference duration in microseconds (does not include cached "
     "requests)"},
    {"nv_inference_compute_output_summary_us",
     "Summary of inference compute output duration in microseconds (does not include cached "
     "requests)"},
};

/* Writes a label value with the text format's escapes (backslash, quote, newline). */
static void write_label_value(FILE *out, const char *s)
{
  for (; s && *s; s++) {
    if (*s == '\\' || *s == '"')
      fputc('\\', out), fputc(*s, out);
    else if (*s == '\n')
      fputs("\\n", out);
    else
      fputc(*s, out);
  }
}

static void write_labels(FILE *out, const snapshot *s)
{
  fputs("{model=\"", out);
  write_label_value(out, s->name);
  fprintf(out, "\",version=\"%llu\"", (unsigned long long)s->version);
}

static void write_double(FILE *out, double v)
{
  if (isnan(v))
    fputs("NaN", out);
  else
    fprintf(out, "%.12g", v);
}

static void render_summaries(FILE *out, const snapshot_list *list)
{
  for (size_t k = 0; k < STATS_SUMMARY_COUNT; k++) {
    fprintf(out, "# HELP %s %s\n# TYPE %s summary\n", SUMMARIES[k].name, SUMMARIES[k].help,
            SUMMARIES[k].name);
    for (size_t i = 0; i < list->count; i++) {
      const snapshot *s = &list->items[i];
      if (!s->has_summaries)
        continue;
      const summary_snapshot *sum = &s->summaries[k];
      fprintf(out, "%s_count", SUMMARIES[k].name);
      write_labels(out, s);
      fprintf(out, "} %llu\n%s_sum", (unsigned long long)sum->count, SUMMARIES[k].name);
      write_labels(out, s);
      fputs("} ", out);
      write_double(out, sum->sum);
      fputc('\n', out);
      for (size_t q = 0; q < list->quantile_count; q++) {
        fputs(SUMMARIES[k].name, out);
        write_labels(out, s);
        fprintf(out, ",quantile=\"%g\"} ", list->quantiles[q]);
        write_double(out, sum->quantile_values[q]);
        fputc('\n', out);
      }
    }
  }
}

typedef enum { VALUE_COUNT, VALUE_US } value_kind;

typedef struct family {
  const char *name, *type, *help;
  size_t offset; /* of a stats_duration in stats_model, or of a uint64_t */
  value_kind kind;
  bool plain_counter; /* the offset is a uint64_t */
  bool cache;         /* only for models that use the response cache */
} family;

#define DUR(field) offsetof(stats_model, field)
static const family FAMILIES[] = {
    {"nv_inference_request_success", "counter",
     "Number of successful inference requests, all batch sizes", DUR(success), VALUE_COUNT, false, false},
    {"nv_inference_request_failure", "counter",
     "Number of failed inference requests, all batch sizes", DUR(fail), VALUE_COUNT, false, false},
    {"nv_inference_count", "counter",
     "Number of inferences performed (does not include cached requests)",
     offsetof(stats_model, inference_count), VALUE_COUNT, true, false},
    {"nv_inference_exec_count", "counter",
     "Number of model executions performed (does not include cached requests)",
     offsetof(stats_model, execution_count), VALUE_COUNT, true, false},
    {"nv_inference_request_duration_us", "counter",
     "Cumulative inference request duration in microseconds (includes cached requests)",
     DUR(success), VALUE_US, false, false},
    {"nv_inference_queue_duration_us", "counter",
     "Cumulative inference queuing duration in microseconds (includes cached requests)",
     DUR(queue), VALUE_US, false, false},
    {"nv_inference_compute_input_duration_us", "counter",
     "Cumulative compute input duration in microseconds (does not include cached requests)",
     DUR(compute_input), VALUE_US, false, false},
    {"nv_inference_compute_infer_duration_us", "counter",
     "Cumulative compute inference duration in microseconds (does not include cached requests)",
     DUR(compute_infer), VALUE_US, false, false},
    {"nv_inference_compute_output_duration_us", "counter",
     "Cumulative inference compute output duration in microseconds (does not include cached "
     "requests)",
     DUR(compute_output), VALUE_US, false, false},
    /* Triton creates these only for models with the response cache enabled. */
    {"nv_cache_num_hits_per_model", "counter", "Number of cache hits per model", DUR(cache_hit),
     VALUE_COUNT, false, true},
    {"nv_cache_num_misses_per_model", "counter", "Number of cache misses per model",
     DUR(cache_miss), VALUE_COUNT, false, true},
    {"nv_cache_hit_duration_per_model", "counter",
     "Total cache hit duration per model, in microseconds", DUR(cache_hit), VALUE_US, false, true},
    {"nv_cache_miss_duration_per_model", "counter",
     "Total cache miss (insert+lookup) duration per model, in microseconds", DUR(cache_miss),
     VALUE_US, false, true},
};

static uint64_t family_value(const family *f, const stats_model *s)
{
  const char *base = (const char *)s + f->offset;
  if (f->plain_counter)
    return *(const uint64_t *)(const void *)base;
  const stats_duration *d = (const stats_duration *)(const void *)base;
  return f->kind == VALUE_COUNT ? d->count : d->ns / 1000;
}

TRITONSERVER_Error *TRITONSERVER_ServerMetrics(TRITONSERVER_Server *server,
                                               TRITONSERVER_Metrics **metrics)
{
  if (!server || !metrics)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "TRITONSERVER_ServerMetrics: expected non-NULL server and metrics");
  if (!server->options->metrics)
    return util_errorf(TRITONSERVER_ERROR_UNSUPPORTED, "metrics are disabled for this server");
  const TRITONSERVER_ServerOptions *options = server->options;
  double quantiles[MAX_QUANTILES];
  snapshot_list list = {0};
  list.quantiles = quantiles;
  list.quantile_count =
      latency_summary_parse_quantiles(options_summary_quantiles(options), quantiles, MAX_QUANTILES);
  if (list.quantile_count == 0) /* malformed setting: Triton's defaults */
    list.quantile_count = latency_summary_parse_quantiles(NULL, quantiles, MAX_QUANTILES);
  bool counter_latencies = options_counter_latencies(options);
  manager_for_each_ready(&server->models, NULL, take_snapshot, &list);
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  if (!out) {
    free(list.items);
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  size_t cached_models = 0;
  for (size_t i = 0; i < list.count; i++)
    cached_models += list.items[i].cache_enabled;
  for (size_t f = 0; f < sizeof(FAMILIES) / sizeof(FAMILIES[0]); f++) {
    if (FAMILIES[f].kind == VALUE_US && !FAMILIES[f].cache && !counter_latencies)
      continue;
    if (FAMILIES[f].cache && cached_models == 0)
      continue; /* a family with no model is not listed at all (as in Triton) */
    fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", FAMILIES[f].name, FAMILIES[f].help,
            FAMILIES[f].name, FAMILIES[f].type);
    for (size_t i = 0; i < list.count; i++) {
      if (FAMILIES[f].cache && !list.items[i].cache_enabled)
        continue;
      fputs(FAMILIES[f].name, out);
      write_labels(out, &list.items[i]);
      fprintf(out, "} %llu\n",
              (unsigned long long)family_value(&FAMILIES[f], &list.items[i].values));
    }
  }
  if (options_summary_latencies(options))
    render_summaries(out, &list);
  if (options->cpu_metrics)
    cpu_metrics_render(out, options->metrics_interval_ms ? options->metrics_interval_ms : 2000);
  for (size_t i = 0; i < list.count; i++)
    free(list.items[i].name);
  free(list.items);
  if (server->options->gpu_metrics)
    gpu_metrics_render(out);
  char *custom = NULL;
  size_t custom_len = 0;
  TRITONSERVER_Error *err = custom_metrics_render(&custom, &custom_len);
  if (!err && custom)
    fwrite(custom, 1, custom_len, out);
  free(custom);
  fclose(out);
  if (err) {
    free(text);
    return err;
  }
  TRITONSERVER_Metrics *m = calloc(1, sizeof(*m));
  if (!m) {
    free(text);
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  m->text = text;
  m->byte_size = len;
  *metrics = m;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_MetricsFormatted(TRITONSERVER_Metrics *metrics,
                                                  TRITONSERVER_MetricFormat format,
                                                  const char **base, size_t *byte_size)
{
  if (!metrics || !base || !byte_size)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "TRITONSERVER_MetricsFormatted: expected non-NULL metrics, base and size");
  if (format != TRITONSERVER_METRIC_PROMETHEUS)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "unknown metrics format %d: expected TRITONSERVER_METRIC_PROMETHEUS (0)",
                       (int)format);
  *base = metrics->text;
  *byte_size = metrics->byte_size;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_MetricsDelete(TRITONSERVER_Metrics *metrics)
{
  if (metrics) {
    free(metrics->text);
    free(metrics);
  }
  return NULL;
}
