/* identity_model.h — the identity test backend's per-model settings, read once from the
 * model configuration's "parameters" in TRITONBACKEND_ModelInitialize.
 *
 * Parameters (all string_value, all optional):
 *   mode              "identity" (default): OUTPUTx = INPUTx for every requested output
 *                     whose name, with "OUTPUT" replaced by "INPUT", names an input;
 *                     "add_sub": OUTPUT0 = INPUT0 + INPUT1, OUTPUT1 = INPUT0 - INPUT1
 *                     (FP32 or INT32, equal shapes);
 *                     "accumulate": implicit-state sequences, OUTPUT0 = INPUT_STATE +
 *                     INPUT0, and the new state OUTPUT_STATE = OUTPUT0 (FP32/INT32).
 *   execute_delay_ms  sleep this long once per execute (batching and timeout tests). A
 *                     request may ask for a longer sleep of its execute with an INT
 *                     request parameter of the same name (ordering tests).
 *   error_request_id  a request with this id gets an error response.
 *   error_all         "true": every request gets an error response.
 *   fail_load         "true": TRITONBACKEND_ModelInitialize fails (load-failure tests).
 *   fail_first_loads  N: the first N TRITONBACKEND_ModelInitialize calls for a model of
 *                     this name in this process fail, later ones succeed (load-retry
 *                     tests).
 *   echo_parameters   "true": every request parameter is copied into the response's
 *                     parameters under the same name and type.
 *   decoupled_repeat  for a model with model_transaction_policy { decoupled: true }: how
 *                     many responses (default 1) each request gets through its response
 *                     factory, each tagged "response_index", before a FINAL flag alone.
 *   echo_backend_config "true": the backend config JSON the host gives the backend
 *                     (TRITONBACKEND_BackendConfig) is returned in the string response
 *                     parameter "backend_config". */
#ifndef TORCHD_IDENTITY_MODEL_H
#define TORCHD_IDENTITY_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "triton/core/tritonbackend.h"

typedef enum identity_mode {
  IDENTITY_MODE_COPY,
  IDENTITY_MODE_ADD_SUB,
  IDENTITY_MODE_ACCUMULATE
} identity_mode;

typedef struct identity_model {
  char *name;             /* owned */
  int64_t max_batch_size; /* 0: the model does not batch */
  identity_mode mode;
  uint64_t execute_delay_ms;
  char *error_request_id; /* owned; NULL when unset */
  bool error_all;
  bool fail_load;
  uint64_t fail_first_loads;
  bool echo_parameters;
  bool echo_backend_config;
  bool decoupled;            /* model_transaction_policy.decoupled */
  uint64_t decoupled_repeat; /* responses per request when decoupled */
} identity_model;

/* Reads the settings of 'model' from its configuration into a new identity_model (the
 * caller owns it; free with identity_model_free). Returns a new error naming the
 * parameter and the bad value when a setting is invalid. */
TRITONSERVER_Error *identity_model_new(TRITONBACKEND_Model *model, identity_model **out);

void identity_model_free(identity_model *model);

#endif
