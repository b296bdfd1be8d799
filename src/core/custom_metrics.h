/* custom_metrics.h — what the rest of the core needs from the custom-metrics registry
 * (TRITONSERVER_MetricFamily / Metric, kept in memory by custom_metrics.c): their
 * Prometheus text, to append to the server's own metrics. */
#ifndef TORCHD_CORE_CUSTOM_METRICS_H
#define TORCHD_CORE_CUSTOM_METRICS_H

#include <stddef.h>

#include "triton/core/tritonserver.h"

/* Renders every live custom metric family in Prometheus text exposition format
 * ("# HELP", "# TYPE", one line per metric; histograms as _bucket/_sum/_count).
 * *text is a new malloc'ed NUL-terminated string the caller frees; *byte_size (may be
 * NULL) its length. Returns a new error only when out of memory. */
TRITONSERVER_Error *custom_metrics_render(char **text, size_t *byte_size);

#endif
