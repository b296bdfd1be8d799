/* cpu_metrics.h — Triton's CPU metrics (--allow-cpu-metrics): nv_cpu_utilization,
 * nv_cpu_memory_total_bytes and nv_cpu_memory_used_bytes, read from /proc/stat and
 * /proc/meminfo (Linux only, as in Triton).
 *
 * Triton refreshes them every --metrics-interval-ms on a thread; here a reading is taken
 * when metrics are rendered, at most once per interval (in between the last reading is
 * reported), so utilization is the share of non-idle CPU time over the last interval
 * (all cores together): 1 - Δ(idle + iowait) / Δ(user + nice + system + idle + iowait +
 * irq + softirq + steal). Memory used is MemTotal - MemAvailable. State is process-wide
 * (so is /proc) and guarded by a mutex. */
#ifndef TORCHD_CORE_CPU_METRICS_H
#define TORCHD_CORE_CPU_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Takes the baseline reading (so the first utilization covers time since server start,
 * not since boot). Safe to call more than once. */
void cpu_metrics_start(void);

/* Appends the three gauges (HELP, TYPE, value) to `out`, refreshing the reading if
 * `interval_ms` has passed since the last one. A value /proc cannot give is left out. */
void cpu_metrics_render(FILE *out, uint64_t interval_ms);

/* Parsers, exposed for tests: the aggregate "cpu " line of /proc/stat into idle and
 * total jiffies; MemTotal and MemAvailable (bytes) of /proc/meminfo text. False when the
 * text lacks them. */
bool cpu_metrics_parse_stat(const char *text, uint64_t *idle, uint64_t *total);
bool cpu_metrics_parse_meminfo(const char *text, uint64_t *total_bytes, uint64_t *available_bytes);

#endif
