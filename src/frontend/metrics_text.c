/*
 * metrics_text.c — statistics JSON → Prometheus text (see metrics.h).
 *
 * Each family is written as a block (HELP, TYPE, then one line per model/version), as
 * Prometheus requires samples of a family to be contiguous. Durations in the statistics
 * are nanoseconds; Triton's families are microseconds.
 */
#include "metrics.h"

#include "errfmt.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <string.h>

typedef enum { SOURCE_STAT_COUNT, SOURCE_STAT_NS, SOURCE_TOP, SOURCE_PENDING } value_source;

typedef struct family {
  const char *name;
  const char *type;
  const char *help;
  value_source source;
  const char *key;         /* inference_stats member or top-level member */
  const char *extra_label; /* e.g. reason="BACKEND", or NULL */
} family;

static const family families[] = {
    {"nv_inference_request_success", "counter",
     "Number of successful inference requests, all batch sizes", SOURCE_STAT_COUNT, "success",
     NULL},
    {"nv_inference_request_failure", "counter",
     "Number of failed inference requests, all batch sizes", SOURCE_STAT_COUNT, "fail",
     "reason=\"BACKEND\""},
    {"nv_inference_count", "counter",
     "Number of inferences performed (does not include cached requests)", SOURCE_TOP,
     "inference_count", NULL},
    {"nv_inference_exec_count", "counter",
     "Number of model executions performed (does not include cached requests)", SOURCE_TOP,
     "execution_count", NULL},
    {"nv_inference_request_duration_us", "counter",
     "Cumulative inference request duration in microseconds (includes cached requests)",
     SOURCE_STAT_NS, "success", NULL},
    {"nv_inference_queue_duration_us", "counter",
     "Cumulative inference queuing duration in microseconds (includes cached requests)",
     SOURCE_STAT_NS, "queue", NULL},
    {"nv_inference_compute_input_duration_us", "counter",
     "Cumulative compute input duration in microseconds (does not include cached requests)",
     SOURCE_STAT_NS, "compute_input", NULL},
    {"nv_inference_compute_infer_duration_us", "counter",
     "Cumulative compute inference duration in microseconds (does not include cached "
     "requests)",
     SOURCE_STAT_NS, "compute_infer", NULL},
    {"nv_inference_compute_output_duration_us", "counter",
     "Cumulative inference compute output duration in microseconds (does not include cached "
     "requests)",
     SOURCE_STAT_NS, "compute_output", NULL},
    {"nv_inference_pending_request_count", "gauge",
     "Instantaneous number of pending requests awaiting execution per-model.", SOURCE_PENDING,
     NULL, NULL},
};

static uint64_t member_u64(json_object *obj, const char *key) {
  json_object *v = NULL;
  if (obj == NULL || !json_object_object_get_ex(obj, key, &v)) return 0;
  if (json_object_is_type(v, json_type_string)) /* tolerate protobuf-style "123" */
    return strtoull(json_object_get_string(v), NULL, 10);
  int64_t s = json_object_get_int64(v);
  return s == INT64_MAX ? json_object_get_uint64(v) : (s < 0 ? 0 : (uint64_t)s);
}

/* Label values escape backslash, double quote and newline (text format spec). */
static void label_value(strbuf *b, const char *s) {
  for (; *s; ++s) {
    if (*s == '\\') strbuf_append(b, "\\\\", 2);
    else if (*s == '"') strbuf_append(b, "\\\"", 2);
    else if (*s == '\n') strbuf_append(b, "\\n", 2);
    else strbuf_append(b, s, 1);
  }
}

static uint64_t family_value(const family *f, json_object *model, const char *name,
                             const char *version, metrics_pending_fn pending, void *context) {
  json_object *stats = NULL, *entry = NULL;
  json_object_object_get_ex(model, "inference_stats", &stats);
  switch (f->source) {
  case SOURCE_TOP: return member_u64(model, f->key);
  case SOURCE_STAT_COUNT:
    return stats && json_object_object_get_ex(stats, f->key, &entry) ? member_u64(entry, "count")
                                                                     : 0;
  case SOURCE_STAT_NS:
    return stats && json_object_object_get_ex(stats, f->key, &entry)
               ? member_u64(entry, "ns") / 1000
               : 0;
  case SOURCE_PENDING: return pending ? pending(context, name, version) : 0;
  }
  return 0;
}

/* Parses statistics JSON; *models gets its "model_stats" array (owned by the returned
 * root, which the caller puts). NULL root and *error set when it is not statistics. */
static json_object *parse_stats(const char *stats_json, size_t len, json_object **models,
                                char **error) {
  json_tokener *tok = json_tokener_new_ex(64);
  if (tok == NULL) {
    *error = errfmt("out of memory");
    return NULL;
  }
  json_object *root = json_tokener_parse_ex(tok, stats_json, (int)len);
  json_tokener_free(tok);
  if (root == NULL || !json_object_object_get_ex(root, "model_stats", models) ||
      !json_object_is_type(*models, json_type_array)) {
    json_object_put(root);
    *error = errfmt("model statistics JSON has no 'model_stats' array");
    return NULL;
  }
  return root;
}

static void model_labels(json_object *model, const char **name, const char **version) {
  json_object *name_obj = NULL, *version_obj = NULL;
  json_object_object_get_ex(model, "name", &name_obj);
  json_object_object_get_ex(model, "version", &version_obj);
  *name = name_obj ? json_object_get_string(name_obj) : "";
  *version = version_obj ? json_object_get_string(version_obj) : "";
}

/* One family block: HELP, TYPE, one sample per model for which `include` (NULL: all)
 * is true. */
static void render_family(const family *fam, json_object *models, metrics_pending_fn pending,
                          metrics_cache_fn include, void *context, strbuf *out) {
  strbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", fam->name, fam->help, fam->name,
                fam->type);
  size_t count = json_object_array_length(models);
  for (size_t i = 0; i < count; ++i) {
    json_object *model = json_object_array_get_idx(models, i);
    const char *name, *version;
    model_labels(model, &name, &version);
    if (include != NULL && !include(context, name, version)) continue;
    uint64_t value = family_value(fam, model, name, version, pending, context);
    strbuf_printf(out, "%s{model=\"", fam->name);
    label_value(out, name);
    strbuf_puts(out, "\",");
    if (fam->extra_label) {
      strbuf_puts(out, fam->extra_label);
      strbuf_append(out, ",", 1);
    }
    strbuf_puts(out, "version=\"");
    label_value(out, version);
    strbuf_printf(out, "\"} %" PRIu64 "\n", value);
  }
}

char *metrics_render(const char *stats_json, size_t len, metrics_pending_fn pending,
                     void *context, strbuf *out) {
  json_object *models = NULL;
  char *error = NULL;
  json_object *root = parse_stats(stats_json, len, &models, &error);
  if (root == NULL) return error;
  for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); ++f)
    render_family(&families[f], models, pending, NULL, context, out);
  json_object_put(root);
  return out->failed ? errfmt("out of memory rendering metrics") : NULL;
}

/* Triton's per-model response cache families (only models that use the cache). */
static const family cache_families[] = {
    {"nv_cache_num_hits_per_model", "counter", "Number of cache hits per model",
     SOURCE_STAT_COUNT, "cache_hit", NULL},
    {"nv_cache_num_misses_per_model", "counter", "Number of cache misses per model",
     SOURCE_STAT_COUNT, "cache_miss", NULL},
    {"nv_cache_hit_duration_per_model", "counter",
     "Total cache hit duration per model, in microseconds", SOURCE_STAT_NS, "cache_hit", NULL},
    {"nv_cache_miss_duration_per_model", "counter",
     "Total cache miss (insert+lookup) duration per model, in microseconds", SOURCE_STAT_NS,
     "cache_miss", NULL},
};

char *metrics_render_cache(const char *stats_json, size_t len, metrics_cache_fn cache_enabled,
                           void *context, strbuf *out) {
  json_object *models = NULL;
  char *error = NULL;
  json_object *root = parse_stats(stats_json, len, &models, &error);
  if (root == NULL) return error;
  /* Ask once per model; a family with no sample is not listed (as in Triton). */
  size_t count = json_object_array_length(models);
  json_object *cached = json_object_new_array();
  for (size_t i = 0; cached != NULL && i < count; ++i) {
    json_object *model = json_object_array_get_idx(models, i);
    const char *name, *version;
    model_labels(model, &name, &version);
    if (cache_enabled(context, name, version))
      json_object_array_add(cached, json_object_get(model));
  }
  if (cached != NULL && json_object_array_length(cached) > 0)
    for (size_t f = 0; f < sizeof(cache_families) / sizeof(cache_families[0]); ++f)
      render_family(&cache_families[f], cached, NULL, NULL, context, out);
  bool failed = cached == NULL;
  json_object_put(cached);
  json_object_put(root);
  return failed || out->failed ? errfmt("out of memory rendering metrics") : NULL;
}
