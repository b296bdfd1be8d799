/* validate.h — checks an inference request against its model's config before it is
 * queued (Triton's InferenceRequest::Normalize, spec §4.2 "Core validation"). */
#ifndef TORCHD_CORE_VALIDATE_H
#define TORCHD_CORE_VALIDATE_H

#include "model.h"
#include "request.h"

/* Validates `req` for `model` and fills its backend view: batch_size, each input's
 * backend_shape (reshape applied, batch dim kept) and backend_outputs (requested, or all
 * config outputs; sorted). Returns INVALID_ARG with Triton's message (prefixed
 * "[request id: X] " when the request has an id) on the first problem found. */
TRITONSERVER_Error *validate_request(TRITONSERVER_InferenceRequest *req,
                                     TRITONBACKEND_Model *model);

#endif
