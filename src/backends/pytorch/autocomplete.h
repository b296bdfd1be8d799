/*
 * autocomplete.h: config auto-complete for TorchScript models.
 *
 * Why it exists: Triton's PyTorch backend only warns that it cannot auto-complete, so users
 * hand-write every input and output (server#3915). When the server allows auto-complete
 * and the config lists no inputs (or no outputs), we fill them in from the method's schema:
 * argument names become input names, returned values become OUTPUT__<i>. TorchScript
 * signatures carry no tensor data type, so tensors are declared TYPE_FP32 with dims [-1]
 * (and a WARN says so); List[str] becomes TYPE_STRING.
 */
#ifndef TORCHD_PYTORCH_AUTOCOMPLETE_H
#define TORCHD_PYTORCH_AUTOCOMPLETE_H

#include "model.h"

/* Completes state->config in place (and tells the server through TRITONBACKEND_ModelSetConfig)
 * when allowed and needed; otherwise does nothing. */
TRITONSERVER_Error *pt_autocomplete_config(pt_model_state *state);

#endif
