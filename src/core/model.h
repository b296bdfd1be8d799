/* model.h — one loaded model version (TRITONBACKEND_Model) and its instances
 * (TRITONBACKEND_ModelInstance), plus the helpers other core modules use to look at its
 * configuration. The lifecycle of a version is in model.c (state diagram there). */
#ifndef TORCHD_CORE_MODEL_H
#define TORCHD_CORE_MODEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "model_config.h"
#include "stats.h"
#include "triton/core/tritonbackend.h"
#include "triton/core/tritonserver.h"

struct scheduler;

typedef enum model_state {
  MODEL_STATE_LOADING = 0,
  MODEL_STATE_READY,
  MODEL_STATE_UNLOADING,
  MODEL_STATE_UNAVAILABLE
} model_state;

/* Label file contents of one output (for classification). */
typedef struct model_labels {
  char **items;
  size_t count;
} model_labels;

struct TRITONBACKEND_ModelInstance {
  TRITONBACKEND_Model *model;
  char *name;
  TRITONSERVER_InstanceGroupKind kind; /* never AUTO */
  int32_t device_id;
  bool passive;
  TRITONSERVER_Message *host_policy; /* borrowed by the backend */
  void *state;                       /* backend's */
  pthread_t thread;
  bool thread_started;
  bool initialized; /* ModelInstanceInitialize succeeded */
  size_t index;     /* position in model->instances */
};

struct TRITONBACKEND_Model {
  TRITONSERVER_Server *server;
  TRITONBACKEND_Backend *backend;
  char *name;
  uint64_t version;
  char *model_dir; /* <repository>/<name> */
  ModelConfig *config; /* normalized; replaced only inside ModelInitialize */
  bool auto_complete_config;
  bool in_initialize; /* ModelSetConfig allowed */
  void *state;        /* backend's */
  bool initialized;   /* ModelInitialize succeeded */

  TRITONBACKEND_ModelInstance **instances;
  size_t instance_count;
  struct scheduler *scheduler;
  stats_model stats;
  struct order_tracker *order; /* preserve_ordering, else NULL */
  struct sequence_batcher *sequences; /* sequence_batching, else NULL */
  model_labels *labels; /* one per config output */
  size_t label_count;
  uint64_t load_id;            /* unique per model_load in this process (cache keys) */
  bool response_cache_enabled; /* config's response_cache.enable and a server cache */

  pthread_mutex_t mu;
  pthread_cond_t cv;
  model_state state_;  /* guarded by mu */
  uint64_t in_flight;  /* accepted requests not yet released; guarded by mu */
  int refs;            /* memory references (atomic) */
};

/* Creates and fully loads one model version: resolves the backend, runs
 * ModelInitialize, creates and initializes instances, starts the scheduler. Takes
 * ownership of `config` (already backend-autocompleted). On success *out is READY and
 * holds one reference owned by the caller. On failure returns the error (caller owns)
 * and everything created is torn down. */
TRITONSERVER_Error *model_load(TRITONSERVER_Server *server, const char *name, uint64_t version,
                               const char *model_dir, ModelConfig *config,
                               TRITONBACKEND_Model **out);

/* Unloads a READY model: refuses new requests (UNAVAILABLE), waits for in-flight
 * requests to be released, stops instance threads, runs InstanceFinalize and
 * ModelFinalize. Does not drop the caller's reference. `deadline_ns` (steady clock,
 * 0 = none) bounds the wait: if requests are still in flight then, the model is left
 * UNLOADING, not torn down, and false is returned (the server is exiting); calling
 * model_unload again later finishes the unload. */
bool model_unload(TRITONBACKEND_Model *model, uint64_t deadline_ns);

void model_ref(TRITONBACKEND_Model *model);
/* Drops a reference; the last one frees the model's memory (it must be unloaded). */
void model_unref(TRITONBACKEND_Model *model);

uint64_t model_version(const TRITONBACKEND_Model *model);
model_state model_get_state(TRITONBACKEND_Model *model);

/* Counts a request in flight if the model is READY; otherwise returns UNAVAILABLE. */
TRITONSERVER_Error *model_begin_request(TRITONBACKEND_Model *model);
/* Ends an in-flight request (wakes an unload waiting for the model to drain). */
void model_end_request(TRITONBACKEND_Model *model);

/* Fully normalizes `config` for this model (backend preferred groups known) and
 * validates it; INVALID_ARG with the validator message on failure. */
TRITONSERVER_Error *model_normalize_and_validate(TRITONBACKEND_Model *model, ModelConfig *config);

/* Index of output `name` in the config, or -1. */
int model_output_index(TRITONBACKEND_Model *model, const char *name);
/* Converts a backend output shape (reshape form, with batch dim if batching) to the
 * client form (config dims, batch dim kept). *out is malloc'ed (caller frees). */
TRITONSERVER_Error *model_output_client_shape(TRITONBACKEND_Model *model, int index,
                                              const int64_t *shape, uint32_t dims_count,
                                              int64_t **out, uint32_t *out_count);
/* Label `class_index` of output config index, or NULL. Borrowed from the model. */
const char *model_output_label(TRITONBACKEND_Model *model, int index, size_t class_index);

#endif
