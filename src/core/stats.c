/* stats.c — statistics counters of one model version and their JSON form, exactly the
 * member names and layout of Triton's statistics extension (triton-api.md §4.6). All
 * updates take the struct's mutex; instance threads report concurrently. */
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_util.h"
#include "latency_summary.h"

void stats_init(stats_model *s)
{
  memset(s, 0, sizeof(*s));
  pthread_mutex_init(&s->mu, NULL);
}

void stats_destroy(stats_model *s)
{
  free(s->batches);
  s->batches = NULL;
  free(s->summaries);
  s->summaries = NULL;
  pthread_mutex_destroy(&s->mu);
}

bool stats_enable_summaries(stats_model *s)
{
  latency_summary *summaries = calloc(STATS_SUMMARY_COUNT, sizeof(*summaries));
  if (!summaries)
    return false;
  for (size_t i = 0; i < STATS_SUMMARY_COUNT; i++)
    latency_summary_init(&summaries[i]);
  pthread_mutex_lock(&s->mu);
  free(s->summaries);
  s->summaries = summaries;
  pthread_mutex_unlock(&s->mu);
  return true;
}

void stats_reset(stats_model *s)
{
  bool summaries = s->summaries != NULL;
  stats_destroy(s);
  stats_init(s);
  if (summaries && !stats_enable_summaries(s))
    return; /* out of memory: the model runs on without summaries */
}

/* µs between two steady-clock stamps (0 if they are out of order). */
static double micros(uint64_t from, uint64_t to)
{
  return to > from ? (double)(to - from) / 1000.0 : 0.0;
}

static void add_duration(stats_duration *d, uint64_t from, uint64_t to)
{
  d->count++;
  d->ns += to > from ? to - from : 0;
}

void stats_report_request(stats_model *s, bool success, uint64_t batch_size,
                          uint64_t request_start_ns, uint64_t queue_start_ns,
                          uint64_t exec_start_ns, uint64_t compute_start_ns,
                          uint64_t compute_end_ns, uint64_t exec_end_ns)
{
  uint64_t now = util_now_ns();
  pthread_mutex_lock(&s->mu);
  if (!success) {
    add_duration(&s->fail, request_start_ns, now);
  } else {
    add_duration(&s->success, request_start_ns, now);
    add_duration(&s->queue, queue_start_ns, exec_start_ns);
    add_duration(&s->compute_input, exec_start_ns, compute_start_ns);
    add_duration(&s->compute_infer, compute_start_ns, compute_end_ns);
    add_duration(&s->compute_output, compute_end_ns, exec_end_ns);
    s->inference_count += batch_size;
    s->last_inference_ms = util_wall_ms();
    if (s->summaries) {
      latency_summary *m = s->summaries;
      latency_summary_observe(&m[STATS_SUMMARY_REQUEST], now, micros(request_start_ns, now));
      latency_summary_observe(&m[STATS_SUMMARY_QUEUE], now,
                              micros(queue_start_ns, exec_start_ns));
      latency_summary_observe(&m[STATS_SUMMARY_COMPUTE_INPUT], now,
                              micros(exec_start_ns, compute_start_ns));
      latency_summary_observe(&m[STATS_SUMMARY_COMPUTE_INFER], now,
                              micros(compute_start_ns, compute_end_ns));
      latency_summary_observe(&m[STATS_SUMMARY_COMPUTE_OUTPUT], now,
                              micros(compute_end_ns, exec_end_ns));
    }
  }
  pthread_mutex_unlock(&s->mu);
}

void stats_report_cache_hit(stats_model *s, uint64_t request_start_ns, uint64_t hit_ns)
{
  uint64_t now = util_now_ns();
  pthread_mutex_lock(&s->mu);
  add_duration(&s->success, request_start_ns, now);
  s->queue.count++;
  s->compute_input.count++;
  s->compute_infer.count++;
  s->compute_output.count++;
  s->cache_hit.count++;
  s->cache_hit.ns += hit_ns;
  pthread_mutex_unlock(&s->mu);
}

void stats_report_cache_miss(stats_model *s, uint64_t count, uint64_t ns)
{
  pthread_mutex_lock(&s->mu);
  s->cache_miss.count += count;
  s->cache_miss.ns += ns;
  pthread_mutex_unlock(&s->mu);
}

/* Finds or inserts (keeping order) the batch entry for batch_size; NULL on OOM. Caller
 * holds s->mu. */
static stats_batch *batch_entry(stats_model *s, uint64_t batch_size)
{
  size_t i = 0;
  while (i < s->batch_count && s->batches[i].batch_size < batch_size)
    i++;
  if (i < s->batch_count && s->batches[i].batch_size == batch_size)
    return &s->batches[i];
  stats_batch *grown = realloc(s->batches, (s->batch_count + 1) * sizeof(*grown));
  if (!grown)
    return NULL;
  s->batches = grown;
  memmove(&s->batches[i + 1], &s->batches[i], (s->batch_count - i) * sizeof(*grown));
  memset(&s->batches[i], 0, sizeof(*grown));
  s->batches[i].batch_size = batch_size;
  s->batch_count++;
  return &s->batches[i];
}

void stats_report_batch(stats_model *s, uint64_t batch_size, uint64_t exec_start_ns,
                        uint64_t compute_start_ns, uint64_t compute_end_ns,
                        uint64_t exec_end_ns)
{
  pthread_mutex_lock(&s->mu);
  s->execution_count++;
  s->last_inference_ms = util_wall_ms();
  stats_batch *b = batch_entry(s, batch_size);
  if (b) {
    add_duration(&b->compute_input, exec_start_ns, compute_start_ns);
    add_duration(&b->compute_infer, compute_start_ns, compute_end_ns);
    add_duration(&b->compute_output, compute_end_ns, exec_end_ns);
  }
  pthread_mutex_unlock(&s->mu);
}

static json_object *duration_json(const stats_duration *d)
{
  json_object *o = json_object_new_object();
  json_object_object_add(o, "count", json_object_new_uint64(d->count));
  json_object_object_add(o, "ns", json_object_new_uint64(d->ns));
  return o;
}

json_object *stats_to_json(stats_model *s, const char *name, uint64_t version)
{
  char vbuf[32];
  snprintf(vbuf, sizeof(vbuf), "%llu", (unsigned long long)version);
  json_object *o = json_object_new_object();
  pthread_mutex_lock(&s->mu);
  json_object_object_add(o, "name", json_object_new_string(name));
  json_object_object_add(o, "version", json_object_new_string(vbuf));
  json_object_object_add(o, "last_inference", json_object_new_uint64(s->last_inference_ms));
  json_object_object_add(o, "inference_count", json_object_new_uint64(s->inference_count));
  json_object_object_add(o, "execution_count", json_object_new_uint64(s->execution_count));
  json_object *inf = json_object_new_object();
  json_object_object_add(inf, "success", duration_json(&s->success));
  json_object_object_add(inf, "fail", duration_json(&s->fail));
  json_object_object_add(inf, "queue", duration_json(&s->queue));
  json_object_object_add(inf, "compute_input", duration_json(&s->compute_input));
  json_object_object_add(inf, "compute_infer", duration_json(&s->compute_infer));
  json_object_object_add(inf, "compute_output", duration_json(&s->compute_output));
  json_object_object_add(inf, "cache_hit", duration_json(&s->cache_hit));
  json_object_object_add(inf, "cache_miss", duration_json(&s->cache_miss));
  json_object_object_add(o, "inference_stats", inf);
  json_object_object_add(o, "response_stats", json_object_new_object());
  json_object *batches = json_object_new_array();
  for (size_t i = 0; i < s->batch_count; i++) {
    json_object *b = json_object_new_object();
    json_object_object_add(b, "batch_size", json_object_new_uint64(s->batches[i].batch_size));
    json_object_object_add(b, "compute_input", duration_json(&s->batches[i].compute_input));
    json_object_object_add(b, "compute_infer", duration_json(&s->batches[i].compute_infer));
    json_object_object_add(b, "compute_output", duration_json(&s->batches[i].compute_output));
    json_object_array_add(batches, b);
  }
  pthread_mutex_unlock(&s->mu);
  json_object_object_add(o, "batch_stats", batches);
  json_object_object_add(o, "memory_usage", json_object_new_array());
  return o;
}
