/*
 * execute.h: the body of TRITONBACKEND_ModelInstanceExecute (see execute.c).
 */
#ifndef TORCHD_PYTORCH_EXECUTE_H
#define TORCHD_PYTORCH_EXECUTE_H

#include <stdint.h>

#include "instance.h"
#include "triton/core/tritonbackend.h"

/* Runs `request_count` requests as one batch on `instance`. Returns NULL after taking
 * ownership of every request (each is answered and released); returns an error, leaving
 * the requests to the host, only when a request pointer is NULL or memory runs out. */
TRITONSERVER_Error *pt_execute(pt_instance_state *instance, TRITONBACKEND_Request **requests,
                               uint32_t request_count);

#endif
