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
 * Returns NULL or a malloc'd message when the JSON is not statistics.
 */
char *metrics_render(const char *stats_json, size_t len, metrics_pending_fn pending,
                     void *context, strbuf *out);

/* Whether a model version uses the response cache. */
typedef bool (*metrics_cache_fn)(void *context, const char *model, const char *version);

/*
 * Append Triton's response cache families (nv_cache_num_hits_per_model, ..._misses_...,
 * nv_cache_hit_duration_per_model, ..._miss_duration_...) with one sample per model in
 * `stats_json` for which `cache_enabled` is true; nothing when there is none (Triton
 * creates these only for models with the cache enabled). Returns as metrics_render.
 */
char *metrics_render_cache(const char *stats_json, size_t len, metrics_cache_fn cache_enabled,
                           void *context, strbuf *out);

#endif
