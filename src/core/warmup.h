/* warmup.h — runs a model's `model_warmup` samples on every instance before the model
 * becomes READY (spec §3.1 ModelWarmup, §6). */
#ifndef TORCHD_CORE_WARMUP_H
#define TORCHD_CORE_WARMUP_H

#include "model.h"

/* Runs every warmup sample `count` times (0 → once) on each instance, calling Execute
 * directly (instance threads are not started yet, so Execute never overlaps on an
 * instance). Statistics of warmup requests are discarded. Returns the first failure
 * (INVALID_ARG naming the sample) or NULL. */
TRITONSERVER_Error *warmup_run(TRITONBACKEND_Model *model);

#endif
