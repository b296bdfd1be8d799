/* stats.h — per model-version inference statistics, the numbers Triton's statistics
 * extension reports (spec §4.6). Updated from instance threads (backend reports) and from
 * the scheduler (rejections); read by TRITONSERVER_ServerModelStatistics. */
#ifndef TORCHD_CORE_STATS_H
#define TORCHD_CORE_STATS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

typedef struct stats_duration {
  uint64_t count;
  uint64_t ns;
} stats_duration;

typedef struct stats_batch {
  uint64_t batch_size;
  stats_duration compute_input, compute_infer, compute_output;
} stats_batch;

struct latency_summary;

/* The latency summaries kept per model version when --metrics-config
 * summary_latencies=true (Triton's nv_inference_*_summary_us), in this order. */
typedef enum {
  STATS_SUMMARY_REQUEST,
  STATS_SUMMARY_QUEUE,
  STATS_SUMMARY_COMPUTE_INPUT,
  STATS_SUMMARY_COMPUTE_INFER,
  STATS_SUMMARY_COMPUTE_OUTPUT,
  STATS_SUMMARY_COUNT
} stats_summary_kind;

typedef struct stats_model {
  pthread_mutex_t mu;
  uint64_t last_inference_ms;
  uint64_t inference_count;
  uint64_t execution_count;
  stats_duration success, fail, queue, compute_input, compute_infer, compute_output;
  stats_duration cache_hit, cache_miss;
  stats_batch *batches; /* sorted by batch_size */
  size_t batch_count;
  /* STATS_SUMMARY_COUNT summaries (µs) of successful requests, or NULL when summaries
   * are off. Guarded by mu. */
  struct latency_summary *summaries;
} stats_model;

void stats_init(stats_model *s);
void stats_destroy(stats_model *s);

/* Starts keeping latency summaries (before any request is reported). False on OOM. */
bool stats_enable_summaries(stats_model *s);

/* Back to zero (warmup traffic is not user traffic); summaries stay on if they were. */
void stats_reset(stats_model *s);

/* One request finished. success=false counts only `fail` (duration from request start to
 * now). On success the four backend timestamps (steady ns) split queue/compute times as
 * Triton does: queue = exec_start - queue_start, compute_input = compute_start -
 * exec_start, compute_infer = compute_end - compute_start, compute_output = exec_end -
 * compute_end; success.ns = now - request_start; inference_count += batch_size. */
void stats_report_request(stats_model *s, bool success, uint64_t batch_size,
                          uint64_t request_start_ns, uint64_t queue_start_ns,
                          uint64_t exec_start_ns, uint64_t compute_start_ns,
                          uint64_t compute_end_ns, uint64_t exec_end_ns);

/* A request answered from the response cache, as Triton's UpdateSuccessCacheHit: a
 * success (request_start → now), a queue entry of no time (the lookup happens before
 * queueing), a cache hit of hit_ns (lookup and copy); compute_input/infer/output count it with no time, like every
 * other success (Triton reports the success count for them); inference_count,
 * execution_count and last_inference are unchanged (nothing ran). */
void stats_report_cache_hit(stats_model *s, uint64_t request_start_ns, uint64_t hit_ns);

/* Response cache misses: `count` more (0 to add time only) and ns of lookup or insertion. */
void stats_report_cache_miss(stats_model *s, uint64_t count, uint64_t ns);

/* One execution of `batch_size` (ModelInstanceReportBatchStatistics). */
void stats_report_batch(stats_model *s, uint64_t batch_size, uint64_t exec_start_ns,
                        uint64_t compute_start_ns, uint64_t compute_end_ns,
                        uint64_t exec_end_ns);

/* Returns a new json object (caller puts it) in the §4.6 "model_stats" element form. */
json_object *stats_to_json(stats_model *s, const char *name, uint64_t version);

#endif
