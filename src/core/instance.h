/* instance.h — creation, threads and teardown of a model's instances (instance.c). */
#ifndef TORCHD_CORE_INSTANCE_H
#define TORCHD_CORE_INSTANCE_H

#include <json-c/json.h>

#include "model.h"
#include "scheduler.h"
#include "server.h"

/* Creates every instance of the (normalized) instance_group and runs
 * ModelInstanceInitialize on each, serially. On error the instances created so far stay
 * in model->instances for instances_finalize. */
TRITONSERVER_Error *instances_create(TRITONBACKEND_Model *model);
/* Starts one execution thread per non-passive instance. */
TRITONSERVER_Error *instances_start(TRITONBACKEND_Model *model);
/* Joins instance threads (after scheduler_stop). */
void instances_join(TRITONBACKEND_Model *model);
/* Runs ModelInstanceFinalize on initialized instances and frees them all. */
void instances_finalize(TRITONBACKEND_Model *model);
/* Runs one batch on `inst` (on the calling thread) and applies the Execute ownership rule;
 * the caller must have exclusive use of the instance. Does not free the batch. */
void instance_execute_batch(TRITONBACKEND_ModelInstance *inst, struct sched_batch *batch);
void instance_free(TRITONBACKEND_ModelInstance *inst);

#endif
