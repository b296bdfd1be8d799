/* trace.c — TRITONSERVER_InferenceTrace*: trace objects with ids, parent ids, context,
 * the model/request they describe, and activity reporting (trace.h). Timestamps are
 * reported for levels with TIMESTAMPS (or the deprecated MIN/MAX); tensor activities are
 * not reported. */
#include "trace.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core_util.h"

struct TRITONSERVER_InferenceTrace {
  uint64_t id, parent_id;
  TRITONSERVER_InferenceTraceLevel level;
  TRITONSERVER_InferenceTraceActivityFn_t activity_fn;
  TRITONSERVER_InferenceTraceTensorActivityFn_t tensor_activity_fn;
  TRITONSERVER_InferenceTraceReleaseFn_t release_fn;
  void *userp;
  char *model_name;
  int64_t model_version;
  char *request_id;
  char *context;
};

static uint64_t next_trace_id = 1; /* atomic */

static TRITONSERVER_Error *trace_new(TRITONSERVER_InferenceTrace **out,
                                     TRITONSERVER_InferenceTraceLevel level, uint64_t parent_id,
                                     TRITONSERVER_InferenceTraceActivityFn_t activity_fn,
                                     TRITONSERVER_InferenceTraceTensorActivityFn_t tensor_fn,
                                     TRITONSERVER_InferenceTraceReleaseFn_t release_fn, void *userp)
{
  UTIL_CHECK_ARG(out && release_fn, "non-NULL trace out-pointer and release function");
  TRITONSERVER_InferenceTrace *t = calloc(1, sizeof(*t));
  if (!t || !(t->model_name = strdup("")) || !(t->request_id = strdup("")) ||
      !(t->context = strdup(""))) {
    if (t) {
      free(t->model_name);
      free(t->request_id);
    }
    free(t);
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  t->id = __atomic_fetch_add(&next_trace_id, 1, __ATOMIC_RELAXED);
  t->parent_id = parent_id;
  t->level = level;
  t->activity_fn = activity_fn;
  t->tensor_activity_fn = tensor_fn;
  t->release_fn = release_fn;
  t->userp = userp;
  t->model_version = -1;
  *out = t;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceTraceNew(TRITONSERVER_InferenceTrace **trace,
                                                   TRITONSERVER_InferenceTraceLevel level,
                                                   uint64_t parent_id,
                                                   TRITONSERVER_InferenceTraceActivityFn_t activity_fn,
                                                   TRITONSERVER_InferenceTraceReleaseFn_t release_fn,
                                                   void *trace_userp)
{
  return trace_new(trace, level, parent_id, activity_fn, NULL, release_fn, trace_userp);
}

TRITONSERVER_Error *TRITONSERVER_InferenceTraceTensorNew(
    TRITONSERVER_InferenceTrace **trace, TRITONSERVER_InferenceTraceLevel level, uint64_t parent_id,
    TRITONSERVER_InferenceTraceActivityFn_t activity_fn,
    TRITONSERVER_InferenceTraceTensorActivityFn_t tensor_activity_fn,
    TRITONSERVER_InferenceTraceReleaseFn_t release_fn, void *trace_userp)
{
  return trace_new(trace, level, parent_id, activity_fn, tensor_activity_fn, release_fn,
                   trace_userp);
}

TRITONSERVER_Error *TRITONSERVER_InferenceTraceDelete(TRITONSERVER_InferenceTrace *trace)
{
  if (trace) {
    free(trace->model_name);
    free(trace->request_id);
    free(trace->context);
    free(trace);
  }
  return NULL;
}

static bool reports_timestamps(const TRITONSERVER_InferenceTrace *t)
{
  return t->activity_fn &&
         (t->level & (TRITONSERVER_TRACE_LEVEL_TIMESTAMPS | TRITONSERVER_TRACE_LEVEL_MIN |
                      TRITONSERVER_TRACE_LEVEL_MAX));
}

TRITONSERVER_Error *TRITONSERVER_InferenceTraceReportActivity(TRITONSERVER_InferenceTrace *trace,
                                                              uint64_t timestamp,
                                                              const char *activity_name)
{
  UTIL_CHECK_ARG(trace && activity_name, "non-NULL trace and activity name");
  if (reports_timestamps(trace))
    trace->activity_fn(trace, TRITONSERVER_TRACE_CUSTOM_ACTIVITY, timestamp, trace->userp);
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceTraceId(TRITONSERVER_InferenceTrace *trace, uint64_t *id)
{
  UTIL_CHECK_ARG(trace && id, "non-NULL trace and id");
  *id = trace->id;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceTraceParentId(TRITONSERVER_InferenceTrace *trace,
                                                        uint64_t *parent_id)
{
  UTIL_CHECK_ARG(trace && parent_id, "non-NULL trace and parent id");
  *parent_id = trace->parent_id;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceTraceModelName(TRITONSERVER_InferenceTrace *trace,
                                                         const char **model_name)
{
  UTIL_CHECK_ARG(trace && model_name, "non-NULL trace and model name");
  *model_name = trace->model_name;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceTraceModelVersion(TRITONSERVER_InferenceTrace *trace,
                                                            int64_t *model_version)
{
  UTIL_CHECK_ARG(trace && model_version, "non-NULL trace and model version");
  *model_version = trace->model_version;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceTraceRequestId(TRITONSERVER_InferenceTrace *trace,
                                                         const char **request_id)
{
  UTIL_CHECK_ARG(trace && request_id, "non-NULL trace and request id");
  *request_id = trace->request_id;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceTraceSpawnChildTrace(TRITONSERVER_InferenceTrace *trace,
                                                               TRITONSERVER_InferenceTrace **child)
{
  UTIL_CHECK_ARG(trace && child, "non-NULL trace and child out-pointer");
  return trace_new(child, trace->level, trace->id, trace->activity_fn, trace->tensor_activity_fn,
                   trace->release_fn, trace->userp);
}

TRITONSERVER_Error *TRITONSERVER_InferenceTraceSetContext(TRITONSERVER_InferenceTrace *trace,
                                                          const char *trace_context)
{
  UTIL_CHECK_ARG(trace && trace_context, "non-NULL trace and context");
  char *copy = strdup(trace_context);
  if (!copy)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  free(trace->context);
  trace->context = copy;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_InferenceTraceContext(TRITONSERVER_InferenceTrace *trace,
                                                       const char **trace_context)
{
  UTIL_CHECK_ARG(trace && trace_context, "non-NULL trace and context");
  *trace_context = trace->context;
  return NULL;
}

static void replace(char **field, const char *value)
{
  char *copy = strdup(value ? value : "");
  if (copy) {
    free(*field);
    *field = copy;
  }
}

void trace_bind(TRITONSERVER_InferenceTrace *trace, const char *model_name, int64_t model_version,
                const char *request_id)
{
  if (!trace)
    return;
  replace(&trace->model_name, model_name);
  replace(&trace->request_id, request_id);
  trace->model_version = model_version;
}

void trace_activity(TRITONSERVER_InferenceTrace *trace, TRITONSERVER_InferenceTraceActivity activity,
                    uint64_t timestamp_ns)
{
  if (trace && reports_timestamps(trace))
    trace->activity_fn(trace, activity, timestamp_ns, trace->userp);
}

void trace_release(TRITONSERVER_InferenceTrace *trace)
{
  if (trace)
    trace->release_fn(trace, trace->userp);
}
