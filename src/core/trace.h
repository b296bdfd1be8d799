/* trace.h — inference traces (TRITONSERVER_InferenceTrace): the frontend creates one per
 * traced request and passes it to TRITONSERVER_ServerInferAsync; the core reports the
 * request's timestamps to it and hands it back through its release function when the
 * request is released. */
#ifndef TORCHD_CORE_TRACE_H
#define TORCHD_CORE_TRACE_H

#include <stdint.h>

#include "triton/core/tritonserver.h"

/* Records model name/version and request id on the trace (copies). */
void trace_bind(TRITONSERVER_InferenceTrace *trace, const char *model_name, int64_t model_version,
                const char *request_id);

/* Reports `activity` at `timestamp_ns` (steady clock) when the trace's level includes
 * timestamps. NULL trace: nothing. */
void trace_activity(TRITONSERVER_InferenceTrace *trace, TRITONSERVER_InferenceTraceActivity activity,
                    uint64_t timestamp_ns);

/* Gives the trace back to its creator (its release function owns it from then on). */
void trace_release(TRITONSERVER_InferenceTrace *trace);

#endif
