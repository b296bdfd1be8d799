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

char *metrics_render(const char *stats_json, size_t len, metrics_pending_fn pending,
                     void *context, bool latency_counters, strbuf *out) {
  json_tokener *tok = json_tokener_new_ex(64);
  if (tok == NULL) return errfmt("out of memory");
  json_object *root = json_tokener_parse_ex(tok, stats_json, (int)len);
  json_tokener_free(tok);
  json_object *models = NULL;
  if (root == NULL || !json_object_object_get_ex(root, "model_stats", &models) ||
      !json_object_is_type(models, json_type_array)) {
    json_object_put(root);
    return errfmt("model statistics JSON has no 'model_stats' array");
  }
  size_t count = json_object_array_length(models);
  for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); ++f) {
    const family *fam = &families[f];
    if (fam->source == SOURCE_STAT_NS && !latency_counters) continue;
    strbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", fam->name, fam->help, fam->name,
                  fam->type);
    for (size_t i = 0; i < count; ++i) {
      json_object *model = json_object_array_get_idx(models, i);
      json_object *name_obj = NULL, *version_obj = NULL;
      json_object_object_get_ex(model, "name", &name_obj);
      json_object_object_get_ex(model, "version", &version_obj);
      const char *name = name_obj ? json_object_get_string(name_obj) : "";
      const char *version = version_obj ? json_object_get_string(version_obj) : "";
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
  json_object_put(root);
  return out->failed ? errfmt("out of memory rendering metrics") : NULL;
}

/* True when `name` (len bytes) is a family metrics_render writes. */
static bool own_family(const char *name, size_t len) {
  for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); ++f)
    if (strlen(families[f].name) == len && strncmp(families[f].name, name, len) == 0)
      return true;
  return false;
}

void metrics_append_core(const char *core_text, size_t len, strbuf *out) {
  const char *end = core_text + len;
  for (const char *line = core_text; line < end;) {
    const char *newline = memchr(line, '\n', (size_t)(end - line));
    const char *line_end = newline ? newline : end;
    const char *name = line;
    if (line_end - line > 7 && (strncmp(line, "# HELP ", 7) == 0 ||
                                strncmp(line, "# TYPE ", 7) == 0))
      name = line + 7;
    size_t name_len = 0;
    while (name + name_len < line_end && name[name_len] != '{' && name[name_len] != ' ')
      ++name_len;
    if (line_end > line && !own_family(name, name_len)) {
      strbuf_append(out, line, (size_t)(line_end - line));
      strbuf_append(out, "\n", 1);
    }
    line = newline ? newline + 1 : end;
  }
}
