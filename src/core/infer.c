/* infer.c — TRITONSERVER_ServerInferAsync: resolves the model version, validates the
 * request, and queues it on the model's scheduler. On any error returned here the
 * request was not accepted: the caller still owns it (and the trace) and no callback
 * will run. Once accepted, exactly one final response and one release callback follow,
 * and the trace (if any) gets the request's timestamps and is released with it. */
#include <stdlib.h>

#include "core_util.h"
#include "model.h"
#include "request.h"
#include "response.h"
#include "response_cache.h"
#include "scheduler.h"
#include "server.h"
#include "trace.h"
#include "validate.h"

/* Undoes the acceptance steps for a request that is refused before queueing. */
static void refuse(TRITONSERVER_InferenceRequest *req, TRITONBACKEND_Model *model)
{
  request_reset_runtime(req);
  req->in_flight = false;
  model_end_request(model);
  model_unref(model);
}

TRITONSERVER_Error *TRITONSERVER_ServerInferAsync(TRITONSERVER_Server *server,
                                                  TRITONSERVER_InferenceRequest *req,
                                                  TRITONSERVER_InferenceTrace *trace)
{
  if (!server || !req)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "TRITONSERVER_ServerInferAsync: expected non-NULL server and request");
  if (req->in_flight)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "inference request for model '%s' is already in flight", req->model_name);
  if (__atomic_load_n(&server->stopped, __ATOMIC_ACQUIRE))
    return util_errorf(TRITONSERVER_ERROR_UNAVAILABLE, "Server is stopping");
  TRITONBACKEND_Model *model = NULL;
  TRITONSERVER_Error *err =
      manager_get_model(&server->models, req->model_name, req->model_version, &model);
  if (err)
    return err;
  if ((err = model_begin_request(model))) {
    model_unref(model);
    return err;
  }
  req->model = model; /* the request holds this reference until it is released */
  req->request_start_ns = util_now_ns();
  req->deadline_ns = 0;
  if ((err = validate_request(req, model))) {
    refuse(req, model);
    return err;
  }
  const ModelConfig *cfg = model->config;
  bool decoupled = cfg->has_model_transaction_policy && cfg->model_transaction_policy.decoupled;
  req->sink = response_sink_new(req, decoupled);
  if (!req->sink) {
    refuse(req, model);
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  req->in_flight = true;
  /* The trace is ours from here unless the request is refused (then the caller keeps it). */
  req->trace = trace;
  trace_bind(trace, model->name, (int64_t)model->version, req->id);
  trace_activity(trace, TRITONSERVER_TRACE_REQUEST_START, req->request_start_ns);
  trace_activity(trace, TRITONSERVER_TRACE_QUEUE_START, util_now_ns());
  /* A result in the response cache answers the request here, without the model. */
  if (model->response_cache_enabled && response_cache_serve(server->response_cache, req))
    return NULL;
  if ((err = scheduler_enqueue(model->scheduler, req))) {
    req->trace = NULL;
    stats_report_request(&model->stats, false, req->batch_size, req->request_start_ns, 0, 0, 0,
                         0, 0);
    refuse(req, model);
    return err;
  }
  return NULL;
}
