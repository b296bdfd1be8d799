/*
 * infer_core.h — what the HTTP and gRPC inference paths share between a parsed request
 * (infer_request.h, protocol-neutral) and the core: the TRITONSERVER_InferenceRequest
 * built from it, and the response allocator.
 *
 * Why: one path into the core. Each frontend parses its own wire format into an
 * infer_request, then both build the core request here and set their own callbacks.
 */
#ifndef TORCHD_FRONTEND_INFER_CORE_H
#define TORCHD_FRONTEND_INFER_CORE_H

#include "frontend.h"
#include "infer_request.h"

#include <triton/core/tritonserver.h>

/* The allocator's userp (TRITONSERVER_InferenceRequestSetResponseCallback's
 * response_allocator_userp): outputs named in `parsed` with a shared-memory region are
 * written there; every other output gets a malloc'd buffer, freed on release. Both
 * pointers are borrowed and must outlive the core's response. */
typedef struct infer_alloc_context {
  frontend *fe;
  const infer_request *parsed;
} infer_alloc_context;

/* Create the response allocator shared by all inference calls (fe->allocator). */
TRITONSERVER_Error *infer_allocator_new(TRITONSERVER_ResponseAllocator **allocator);

/* The requested output `name` of `parsed`, or NULL when the request did not list it. */
const infer_output *infer_requested_output(const infer_request *parsed, const char *name);

/*
 * A new core request for `model`/`version` with everything `p` carries: id, sequence
 * flags and correlation id, priority, timeout, parameters, inputs (their data is
 * borrowed from `p` or a registered shared-memory region, so `p` must outlive the
 * request), requested outputs (shared-memory windows checked now). No callbacks are set:
 * the caller sets the release and response callbacks. On success *out is the caller's;
 * on error the request is deleted and the error returned.
 */
TRITONSERVER_Error *infer_core_request_new(frontend *fe, const infer_request *p,
                                          const char *model, int64_t version,
                                          TRITONSERVER_InferenceRequest **out);

#endif
