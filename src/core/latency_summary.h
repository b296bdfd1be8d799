/* latency_summary.h — one Prometheus summary of latencies (Triton's nv_inference_*_summary_us,
 * --metrics-config summary_latencies=true): a running count and sum of every observation,
 * and quantiles over a sliding window of recent observations.
 *
 * Window: the observations of the last LATENCY_SUMMARY_MAX_AGE_NS (60 s, the max_age of
 * the prometheus-cpp summaries Triton uses), at most LATENCY_SUMMARY_CAPACITY of them (the
 * most recent win). Quantiles are exact over that window (nearest rank), so each is
 * within any error a --metrics-config summary_quantiles entry allows. A quantile of an
 * empty window is NaN, as Prometheus clients report it.
 *
 * Not thread-safe: the owner (stats_model) serializes calls with its mutex. */
#ifndef TORCHD_CORE_LATENCY_SUMMARY_H
#define TORCHD_CORE_LATENCY_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { LATENCY_SUMMARY_CAPACITY = 1024 };
#define LATENCY_SUMMARY_MAX_AGE_NS (60ull * 1000000000ull)

typedef struct latency_summary {
  uint64_t count; /* every observation ever */
  double sum;     /* of every observation ever */
  uint64_t at_ns[LATENCY_SUMMARY_CAPACITY]; /* ring: when each was observed (steady ns) */
  double value[LATENCY_SUMMARY_CAPACITY];
  size_t next;   /* ring slot the next observation takes */
  size_t filled; /* slots holding an observation (<= capacity) */
} latency_summary;

void latency_summary_init(latency_summary *s);

/* Records `value` observed at `now_ns`. */
void latency_summary_observe(latency_summary *s, uint64_t now_ns, double value);

/* The `count` quantiles `quantiles[i]` (each in [0, 1]) of the observations younger than
 * `max_age_ns` at `now_ns`, into out[i]; NaN when there is none. */
void latency_summary_quantiles(const latency_summary *s, uint64_t now_ns, uint64_t max_age_ns,
                               const double *quantiles, size_t count, double *out);

/* Parses a summary_quantiles setting "<q>:<error>[,<q>:<error>...]" into quantiles[] (up
 * to `capacity`; errors are not needed for exact quantiles). Returns how many were read,
 * 0 when the text is malformed or a quantile is outside [0, 1]. NULL text gives Triton's
 * defaults 0.5, 0.9, 0.95, 0.99, 0.999. */
size_t latency_summary_parse_quantiles(const char *text, double *quantiles, size_t capacity);

#endif
