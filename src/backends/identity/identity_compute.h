/* identity_compute.h — fills one response of the identity backend from its request:
 * the copy (identity) mode and the add_sub mode described in identity_model.h. */
#ifndef TORCHD_IDENTITY_COMPUTE_H
#define TORCHD_IDENTITY_COMPUTE_H

#include "identity_model.h"
#include "triton/core/tritonbackend.h"

/* Adds every requested output of 'request' to 'response' and fills its buffer. Returns
 * NULL, or a new error (caller owns) naming the model, the tensor and what was wrong;
 * the caller sends it with the response. Borrows everything. */
TRITONSERVER_Error *identity_compute(const identity_model *model, TRITONBACKEND_Request *request,
                                     TRITONBACKEND_Response *response);

#endif
