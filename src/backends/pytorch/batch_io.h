/*
 * batch_io.h: requests -> forward arguments, and returned outputs -> responses, for every
 * runtime (input_gather.c, batch_inputs.c, output_scatter.c). They use batch.h and
 * nothing above it.
 */
#ifndef TORCHD_PYTORCH_BATCH_IO_H
#define TORCHD_PYTORCH_BATCH_IO_H

#include "batch.h"

/* Builds batch->args from the open requests following the instance's feed table
 * (input_gather.c). Per-request problems close that slot; whole-batch problems are
 * returned. */
TRITONSERVER_Error *pt_gather_inputs(pt_batch *batch);
/* Fills the batch_input arguments from the open requests' source shapes
 * (batch_inputs.c). Problems fail the whole batch (returned). */
TRITONSERVER_Error *pt_compute_batch_inputs(pt_batch *batch);
/* Writes every configured output of `result` into the open responses (output_scatter.c).
 * Per-request problems close that slot; whole-batch problems are returned. */
TRITONSERVER_Error *pt_scatter_outputs(pt_batch *batch, pt_result *result);

#endif
