/* custom_metrics.c — custom metrics that backends (and embedding programs) create
 * through tritonserver.h: families of counters, gauges and histograms, metrics in them
 * identified by labels, and the histogram bucket arguments.
 *
 * Design notes:
 *  1. One process-wide registry (a list of families under 'registry_lock') so that
 *     custom_metrics_render() can print them all with the server's metrics.
 *  2. Each family keeps the list of its live metrics. Deleting a family detaches its
 *     metrics (family = NULL); any later call on such a metric fails with INVALID_ARG
 *     rather than touching freed memory.
 *  3. Values change under 'registry_lock' too: metric updates are rare next to
 *     inference work, and one lock keeps render() consistent.
 *  4. Rules as Triton's: counters only go up (Increment with a value >= 0, no Set, no
 *     Observe); gauges Increment/Set; histograms only Observe and need bucket args. */
#include "custom_metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_util.h"
#include "parameter.h"

struct TRITONSERVER_MetricArgs {
  double *buckets; /* owned, strictly increasing; NULL when not a histogram */
  size_t bucket_count;
};

typedef struct metric_label {
  char *name;
  char *value;
} metric_label;

struct TRITONSERVER_Metric {
  TRITONSERVER_MetricFamily *family; /* NULL once the family was deleted */
  TRITONSERVER_MetricKind kind;
  metric_label *labels; /* owned */
  size_t label_count;
  double value;            /* counter and gauge */
  double *buckets;         /* histogram upper bounds, owned */
  uint64_t *bucket_counts; /* per bucket (not cumulative), owned */
  size_t bucket_count;
  double sum;
  uint64_t count;
  struct TRITONSERVER_Metric *next; /* in the family's list */
};

struct TRITONSERVER_MetricFamily {
  TRITONSERVER_MetricKind kind;
  char *name;
  char *description;
  TRITONSERVER_Metric *metrics;           /* live metrics of this family */
  struct TRITONSERVER_MetricFamily *next; /* in the registry */
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static TRITONSERVER_MetricFamily *registry = NULL; /* guarded by registry_lock */

static TRITONSERVER_Error *error_of(TRITONSERVER_Error_Code code, const char *function,
                                    const char *what)
{
  return util_errorf(code, "%s: %s", function, what);
}

static const char *kind_name(TRITONSERVER_MetricKind kind)
{
  switch (kind) {
  case TRITONSERVER_METRIC_KIND_COUNTER: return "counter";
  case TRITONSERVER_METRIC_KIND_GAUGE: return "gauge";
  case TRITONSERVER_METRIC_KIND_HISTOGRAM: return "histogram";
  default: return "unknown";
  }
}

/* Prometheus metric names: [a-zA-Z_:][a-zA-Z0-9_:]* */
static bool valid_metric_name(const char *name)
{
  if (name[0] == '\0' || (name[0] >= '0' && name[0] <= '9'))
    return false;
  for (const char *c = name; *c != '\0'; c++) {
    bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == ':';
    if (!ok)
      return false;
  }
  return true;
}

/* ---- families --------------------------------------------------------------------- */

/* Creates a family; the caller owns it and deletes it after its metrics. A name already
 * registered with another kind is rejected (ALREADY_EXISTS). */
TRITONSERVER_Error *TRITONSERVER_MetricFamilyNew(TRITONSERVER_MetricFamily **family,
                                                 const TRITONSERVER_MetricKind kind,
                                                 const char *name, const char *description)
{
  if (family == NULL || name == NULL)
    return error_of(TRITONSERVER_ERROR_INVALID_ARG, __func__,
                    "expected a family pointer and a name, got NULL");
  if (kind != TRITONSERVER_METRIC_KIND_COUNTER && kind != TRITONSERVER_METRIC_KIND_GAUGE &&
      kind != TRITONSERVER_METRIC_KIND_HISTOGRAM) {
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "%s: expected kind COUNTER(0), GAUGE(1) or HISTOGRAM(2), got %d", __func__,
                       (int)kind);
  }
  if (!valid_metric_name(name)) {
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "%s: expected a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*, got '%.128s'",
                       __func__, name);
  }
  TRITONSERVER_MetricFamily *created = calloc(1, sizeof(*created));
  if (created == NULL)
    return error_of(TRITONSERVER_ERROR_INTERNAL, __func__, "out of memory");
  created->kind = kind;
  created->name = strdup(name);
  created->description = strdup(description != NULL ? description : "");
  if (created->name == NULL || created->description == NULL) {
    free(created->name);
    free(created->description);
    free(created);
    return error_of(TRITONSERVER_ERROR_INTERNAL, __func__, "out of memory");
  }

  pthread_mutex_lock(&registry_lock);
  for (TRITONSERVER_MetricFamily *f = registry; f != NULL; f = f->next) {
    if (strcmp(f->name, name) == 0 && f->kind != kind) {
      TRITONSERVER_Error *error =
          util_errorf(TRITONSERVER_ERROR_ALREADY_EXISTS,
                      "%s: metric family '%.128s' already exists as a %s, not a %s", __func__,
                      name, kind_name(f->kind), kind_name(kind));
      pthread_mutex_unlock(&registry_lock);
      free(created->name);
      free(created->description);
      free(created);
      return error;
    }
  }
  created->next = registry;
  registry = created;
  pthread_mutex_unlock(&registry_lock);
  *family = created;
  return NULL;
}

/* Unregisters and frees the family. Its remaining metrics stay allocated (their owners
 * still delete them) but are detached: calls on them fail. NULL is allowed. */
TRITONSERVER_Error *TRITONSERVER_MetricFamilyDelete(TRITONSERVER_MetricFamily *family)
{
  if (family == NULL)
    return NULL;
  pthread_mutex_lock(&registry_lock);
  for (TRITONSERVER_MetricFamily **link = &registry; *link != NULL; link = &(*link)->next) {
    if (*link == family) {
      *link = family->next;
      break;
    }
  }
  for (TRITONSERVER_Metric *m = family->metrics; m != NULL;) {
    TRITONSERVER_Metric *next = m->next;
    m->family = NULL;
    m->next = NULL;
    m = next;
  }
  pthread_mutex_unlock(&registry_lock);
  free(family->name);
  free(family->description);
  free(family);
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_GetMetricFamilyKind(TRITONSERVER_MetricFamily *family,
                                                     TRITONSERVER_MetricKind *kind)
{
  if (family == NULL || kind == NULL)
    return error_of(TRITONSERVER_ERROR_INVALID_ARG, __func__,
                    "expected a family and a kind pointer, got NULL");
  *kind = family->kind;
  return NULL;
}

/* ---- args ------------------------------------------------------------------------- */

/* Creates empty args; the caller owns them (TRITONSERVER_MetricArgsDelete). */
TRITONSERVER_Error *TRITONSERVER_MetricArgsNew(TRITONSERVER_MetricArgs **args)
{
  if (args == NULL)
    return error_of(TRITONSERVER_ERROR_INVALID_ARG, __func__, "expected an args pointer, got NULL");
  if ((*args = calloc(1, sizeof(**args))) == NULL)
    return error_of(TRITONSERVER_ERROR_INTERNAL, __func__, "out of memory");
  return NULL;
}

/* Copies the histogram bucket upper bounds, which must be finite and strictly
 * increasing. Replaces earlier buckets. */
TRITONSERVER_Error *TRITONSERVER_MetricArgsSetHistogram(TRITONSERVER_MetricArgs *args,
                                                        const double *buckets,
                                                        const uint64_t buckets_count)
{
  if (args == NULL || (buckets == NULL && buckets_count > 0))
    return error_of(TRITONSERVER_ERROR_INVALID_ARG, __func__,
                    "expected args and a bucket array, got NULL");
  for (uint64_t i = 0; i < buckets_count; i++) {
    if (!isfinite(buckets[i]) || (i > 0 && !(buckets[i] > buckets[i - 1]))) {
      return util_errorf(
          TRITONSERVER_ERROR_INVALID_ARG,
          "%s: expected finite, strictly increasing bucket bounds, got %g at index %llu", __func__,
          buckets[i], (unsigned long long)i);
    }
  }
  double *copy = NULL;
  if (buckets_count > 0) {
    if ((copy = malloc(buckets_count * sizeof(double))) == NULL)
      return error_of(TRITONSERVER_ERROR_INTERNAL, __func__, "out of memory");
    memcpy(copy, buckets, buckets_count * sizeof(double));
  }
  free(args->buckets);
  args->buckets = copy;
  args->bucket_count = buckets_count;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_MetricArgsDelete(TRITONSERVER_MetricArgs *args)
{
  if (args != NULL) {
    free(args->buckets);
    free(args);
  }
  return NULL;
}

/* ---- metrics ---------------------------------------------------------------------- */

static void metric_free(TRITONSERVER_Metric *metric)
{
  for (size_t i = 0; i < metric->label_count; i++) {
    free(metric->labels[i].name);
    free(metric->labels[i].value);
  }
  free(metric->labels);
  free(metric->buckets);
  free(metric->bucket_counts);
  free(metric);
}

/* Copies the labels (each a STRING parameter) into 'metric'. */
static TRITONSERVER_Error *copy_labels(TRITONSERVER_Metric *metric,
                                       const TRITONSERVER_Parameter **labels, uint64_t label_count,
                                       const char *function)
{
  if (label_count == 0)
    return NULL;
  if (labels == NULL)
    return error_of(TRITONSERVER_ERROR_INVALID_ARG, function, "expected a label array, got NULL");
  if ((metric->labels = calloc(label_count, sizeof(metric_label))) == NULL)
    return error_of(TRITONSERVER_ERROR_INTERNAL, function, "out of memory");
  for (uint64_t i = 0; i < label_count; i++) {
    const TRITONSERVER_Parameter *label = labels[i];
    if (label == NULL || label->type != TRITONSERVER_PARAMETER_STRING) {
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                         "%s: expected label %llu to be a STRING parameter, got %s", function,
                         (unsigned long long)i,
                         label == NULL ? "NULL" : TRITONSERVER_ParameterTypeString(label->type));
    }
    metric->labels[i].name = strdup(label->name);
    metric->labels[i].value = strdup(label->value.string_value);
    metric->label_count = i + 1;
    if (metric->labels[i].name == NULL || metric->labels[i].value == NULL)
      return error_of(TRITONSERVER_ERROR_INTERNAL, function, "out of memory");
  }
  return NULL;
}

static TRITONSERVER_Error *metric_new(TRITONSERVER_Metric **metric,
                                      TRITONSERVER_MetricFamily *family,
                                      const TRITONSERVER_Parameter **labels, uint64_t label_count,
                                      const TRITONSERVER_MetricArgs *args, const char *function)
{
  if (metric == NULL || family == NULL)
    return error_of(TRITONSERVER_ERROR_INVALID_ARG, function,
                    "expected a metric pointer and a family, got NULL");
  bool histogram = family->kind == TRITONSERVER_METRIC_KIND_HISTOGRAM;
  if (histogram && (args == NULL || args->buckets == NULL))
    return error_of(TRITONSERVER_ERROR_INVALID_ARG, function,
                    "a histogram metric needs args with buckets "
                    "(TRITONSERVER_MetricArgsSetHistogram), got none");
  if (!histogram && args != NULL && args->buckets != NULL) {
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "%s: histogram buckets given for a %s metric", function,
                       kind_name(family->kind));
  }

  TRITONSERVER_Metric *created = calloc(1, sizeof(*created));
  if (created == NULL)
    return error_of(TRITONSERVER_ERROR_INTERNAL, function, "out of memory");
  created->kind = family->kind;
  TRITONSERVER_Error *error = copy_labels(created, labels, label_count, function);
  if (error == NULL && histogram) {
    created->bucket_count = args->bucket_count;
    created->buckets = malloc(args->bucket_count * sizeof(double));
    created->bucket_counts = calloc(args->bucket_count, sizeof(uint64_t));
    if (created->buckets == NULL || created->bucket_counts == NULL)
      error = error_of(TRITONSERVER_ERROR_INTERNAL, function, "out of memory");
    else
      memcpy(created->buckets, args->buckets, args->bucket_count * sizeof(double));
  }
  if (error != NULL) {
    metric_free(created);
    return error;
  }
  pthread_mutex_lock(&registry_lock);
  created->family = family;
  created->next = family->metrics;
  family->metrics = created;
  pthread_mutex_unlock(&registry_lock);
  *metric = created;
  return NULL;
}

/* Creates a metric in 'family' with copies of the labels (STRING parameters, still
 * owned by the caller). The caller owns the metric and deletes it before the family. */
TRITONSERVER_Error *TRITONSERVER_MetricNew(TRITONSERVER_Metric **metric,
                                           TRITONSERVER_MetricFamily *family,
                                           const TRITONSERVER_Parameter **labels,
                                           const uint64_t label_count)
{
  return metric_new(metric, family, labels, label_count, NULL, __func__);
}

/* As TRITONSERVER_MetricNew, with args (required for histograms; copied). */
TRITONSERVER_Error *TRITONSERVER_MetricNewWithArgs(TRITONSERVER_Metric **metric,
                                                   TRITONSERVER_MetricFamily *family,
                                                   const TRITONSERVER_Parameter **labels,
                                                   const uint64_t label_count,
                                                   const TRITONSERVER_MetricArgs *args)
{
  return metric_new(metric, family, labels, label_count, args, __func__);
}

/* Removes the metric from its family (if still attached) and frees it. NULL allowed. */
TRITONSERVER_Error *TRITONSERVER_MetricDelete(TRITONSERVER_Metric *metric)
{
  if (metric == NULL)
    return NULL;
  pthread_mutex_lock(&registry_lock);
  if (metric->family != NULL) {
    for (TRITONSERVER_Metric **link = &metric->family->metrics; *link != NULL;
         link = &(*link)->next) {
      if (*link == metric) {
        *link = metric->next;
        break;
      }
    }
  }
  pthread_mutex_unlock(&registry_lock);
  metric_free(metric);
  return NULL;
}

/* Checks, under registry_lock, that 'metric' is attached and its kind is allowed. */
static TRITONSERVER_Error *check_metric(const TRITONSERVER_Metric *metric, const char *function,
                                        bool allow_counter, bool allow_gauge, bool allow_histogram)
{
  if (metric->family == NULL)
    return error_of(TRITONSERVER_ERROR_INVALID_ARG, function,
                    "the metric's family was already deleted");
  bool allowed = (metric->kind == TRITONSERVER_METRIC_KIND_COUNTER && allow_counter) ||
                 (metric->kind == TRITONSERVER_METRIC_KIND_GAUGE && allow_gauge) ||
                 (metric->kind == TRITONSERVER_METRIC_KIND_HISTOGRAM && allow_histogram);
  if (!allowed) {
    return util_errorf(TRITONSERVER_ERROR_UNSUPPORTED, "%s: not supported for a %s metric",
                       function, kind_name(metric->kind));
  }
  return NULL;
}

#define METRIC_NULL_CHECK(metric)                                                                  \
  do {                                                                                             \
    if ((metric) == NULL)                                                                          \
      return error_of(TRITONSERVER_ERROR_INVALID_ARG, __func__, "expected a metric, got NULL");    \
  } while (0)

/* Current value of a counter or gauge (histograms: UNSUPPORTED). */
TRITONSERVER_Error *TRITONSERVER_MetricValue(TRITONSERVER_Metric *metric, double *value)
{
  METRIC_NULL_CHECK(metric);
  if (value == NULL)
    return error_of(TRITONSERVER_ERROR_INVALID_ARG, __func__, "expected a value pointer, got NULL");
  pthread_mutex_lock(&registry_lock);
  TRITONSERVER_Error *error = check_metric(metric, __func__, true, true, false);
  if (error == NULL)
    *value = metric->value;
  pthread_mutex_unlock(&registry_lock);
  return error;
}

/* Adds 'value' to a gauge, or to a counter when 'value' >= 0. */
TRITONSERVER_Error *TRITONSERVER_MetricIncrement(TRITONSERVER_Metric *metric, double value)
{
  METRIC_NULL_CHECK(metric);
  pthread_mutex_lock(&registry_lock);
  TRITONSERVER_Error *error = check_metric(metric, __func__, true, true, false);
  if (error == NULL && metric->kind == TRITONSERVER_METRIC_KIND_COUNTER && !(value >= 0.0)) {
    error = util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                        "%s: a counter can only increase: expected a value >= 0, got %g", __func__,
                        value);
  }
  if (error == NULL)
    metric->value += value;
  pthread_mutex_unlock(&registry_lock);
  return error;
}

/* Sets a gauge (counters and histograms: UNSUPPORTED). */
TRITONSERVER_Error *TRITONSERVER_MetricSet(TRITONSERVER_Metric *metric, double value)
{
  METRIC_NULL_CHECK(metric);
  pthread_mutex_lock(&registry_lock);
  TRITONSERVER_Error *error = check_metric(metric, __func__, false, true, false);
  if (error == NULL)
    metric->value = value;
  pthread_mutex_unlock(&registry_lock);
  return error;
}

/* Records one observation in a histogram (others: UNSUPPORTED). */
TRITONSERVER_Error *TRITONSERVER_MetricObserve(TRITONSERVER_Metric *metric, double value)
{
  METRIC_NULL_CHECK(metric);
  pthread_mutex_lock(&registry_lock);
  TRITONSERVER_Error *error = check_metric(metric, __func__, false, false, true);
  if (error == NULL) {
    for (size_t i = 0; i < metric->bucket_count; i++) {
      if (value <= metric->buckets[i]) {
        metric->bucket_counts[i]++;
        break;
      }
    }
    metric->sum += value;
    metric->count++;
  }
  pthread_mutex_unlock(&registry_lock);
  return error;
}

TRITONSERVER_Error *TRITONSERVER_GetMetricKind(TRITONSERVER_Metric *metric,
                                               TRITONSERVER_MetricKind *kind)
{
  METRIC_NULL_CHECK(metric);
  if (kind == NULL)
    return error_of(TRITONSERVER_ERROR_INVALID_ARG, __func__, "expected a kind pointer, got NULL");
  pthread_mutex_lock(&registry_lock);
  TRITONSERVER_Error *error = check_metric(metric, __func__, true, true, true);
  if (error == NULL)
    *kind = metric->kind;
  pthread_mutex_unlock(&registry_lock);
  return error;
}

/* ---- Prometheus text -------------------------------------------------------------- */

/* Writes a label value with Prometheus escaping (\\, \", \n). */
static void write_escaped(FILE *out, const char *text)
{
  for (const char *c = text; *c != '\0'; c++) {
    if (*c == '\\')
      fputs("\\\\", out);
    else if (*c == '"')
      fputs("\\\"", out);
    else if (*c == '\n')
      fputs("\\n", out);
    else
      fputc(*c, out);
  }
}

/* Writes {a="x",b="y"[,le="<le>"]}, or nothing when there are no labels and no le. */
static void write_labels(FILE *out, const TRITONSERVER_Metric *metric, const char *le)
{
  if (metric->label_count == 0 && le == NULL)
    return;
  fputc('{', out);
  for (size_t i = 0; i < metric->label_count; i++) {
    fprintf(out, "%s%s=\"", i > 0 ? "," : "", metric->labels[i].name);
    write_escaped(out, metric->labels[i].value);
    fputc('"', out);
  }
  if (le != NULL)
    fprintf(out, "%sle=\"%s\"", metric->label_count > 0 ? "," : "", le);
  fputc('}', out);
}

/* Formats a sample value as Prometheus does: NaN, +Inf, -Inf, else shortest-ish %g. */
static void format_value(char *buf, size_t size, double value)
{
  if (isnan(value))
    snprintf(buf, size, "NaN");
  else if (isinf(value))
    snprintf(buf, size, value > 0 ? "+Inf" : "-Inf");
  else
    snprintf(buf, size, "%.16g", value);
}

static void write_metric(FILE *out, const char *name, const TRITONSERVER_Metric *metric)
{
  char number[64];
  if (metric->kind != TRITONSERVER_METRIC_KIND_HISTOGRAM) {
    format_value(number, sizeof(number), metric->value);
    fputs(name, out);
    write_labels(out, metric, NULL);
    fprintf(out, " %s\n", number);
    return;
  }
  uint64_t cumulative = 0;
  for (size_t i = 0; i < metric->bucket_count; i++) {
    cumulative += metric->bucket_counts[i];
    format_value(number, sizeof(number), metric->buckets[i]);
    fprintf(out, "%s_bucket", name);
    write_labels(out, metric, number);
    fprintf(out, " %llu\n", (unsigned long long)cumulative);
  }
  fprintf(out, "%s_bucket", name);
  write_labels(out, metric, "+Inf");
  fprintf(out, " %llu\n", (unsigned long long)metric->count);
  format_value(number, sizeof(number), metric->sum);
  fprintf(out, "%s_sum", name);
  write_labels(out, metric, NULL);
  fprintf(out, " %s\n%s_count", number, name);
  write_labels(out, metric, NULL);
  fprintf(out, " %llu\n", (unsigned long long)metric->count);
}

TRITONSERVER_Error *custom_metrics_render(char **text, size_t *byte_size)
{
  if (text == NULL)
    return error_of(TRITONSERVER_ERROR_INVALID_ARG, __func__, "expected a text pointer, got NULL");
  char *buffer = NULL;
  size_t length = 0;
  FILE *out = open_memstream(&buffer, &length);
  if (out == NULL)
    return error_of(TRITONSERVER_ERROR_INTERNAL, __func__, "out of memory");
  pthread_mutex_lock(&registry_lock);
  for (const TRITONSERVER_MetricFamily *family = registry; family != NULL; family = family->next) {
    /* Families sharing a name (same kind) print as one: header, then all their metrics. */
    bool seen = false;
    for (const TRITONSERVER_MetricFamily *f = registry; f != family; f = f->next)
      seen = seen || strcmp(f->name, family->name) == 0;
    if (seen)
      continue;
    {
      fprintf(out, "# HELP %s ", family->name);
      for (const char *c = family->description; *c != '\0'; c++) {
        if (*c == '\\')
          fputs("\\\\", out);
        else if (*c == '\n')
          fputs("\\n", out);
        else
          fputc(*c, out);
      }
      fprintf(out, "\n# TYPE %s %s\n", family->name, kind_name(family->kind));
    }
    for (const TRITONSERVER_MetricFamily *f = family; f != NULL; f = f->next) {
      if (strcmp(f->name, family->name) != 0)
        continue;
      for (const TRITONSERVER_Metric *metric = f->metrics; metric != NULL; metric = metric->next)
        write_metric(out, family->name, metric);
    }
  }
  pthread_mutex_unlock(&registry_lock);
  if (fclose(out) != 0 || buffer == NULL) {
    free(buffer);
    return error_of(TRITONSERVER_ERROR_INTERNAL, __func__, "out of memory");
  }
  *text = buffer;
  if (byte_size != NULL)
    *byte_size = length;
  return NULL;
}
