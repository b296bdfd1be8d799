/*
 * metrics.h — Prometheus text exposition of Triton's nv_inference_* metrics (spec §4.7),
 * built from the statistics JSON the core returns (TRITONSERVER_ServerModelStatistics,
 * spec §4.6), so existing Triton dashboards work against torchd.
 */
#ifndef TORCHD_FRONTEND_METRICS_H
#define TORCHD_FRONTEND_METRICS_H

#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Pending (received, not yet answered) requests of one model version. */
typedef uint64_t (*metrics_pending_fn)(void *context, const char *model, const char *version);

/*
 * Render every family with HELP/TYPE lines and one sample per model/version found in
 * `stats_json` ({"model_stats":[...]}) into `out`. `pending` may be NULL (gauge = 0).
 * `latency_counters` false leaves out the *_duration_us counters (--metrics-config
 * counter_latencies=false). Returns NULL or a malloc'd message when the JSON is not
 * statistics.
 */
char *metrics_render(const char *stats_json, size_t len, metrics_pending_fn pending,
                     void *context, bool latency_counters, strbuf *out);

/*
 * Append to `out` the families of the core's own exposition (TRITONSERVER_ServerMetrics:
 * latency summaries, response cache families, GPU and CPU gauges, backends' custom
 * metrics) except those metrics_render writes itself, so each family appears once. Lines are matched by metric name: the
 * name after "# HELP"/"# TYPE", or before '{' or ' ' on a sample line.
 */
void metrics_append_core(const char *core_text, size_t len, strbuf *out);

#endif
