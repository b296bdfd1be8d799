/*
 * model.h: the per-model-version state of the PyTorch backend.
 *
 * Why it exists: a model version is configured once (config, parameters, file path,
 * process-wide thread settings) and shared by its instances; with ENABLE_WEIGHT_SHARING it
 * also holds the one loaded module per device that instances reuse.
 */
#ifndef TORCHD_PYTORCH_MODEL_H
#define TORCHD_PYTORCH_MODEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "model_config.h"
#include "parameters.h"
#include "torch_shim.h"
#include "triton/core/tritonbackend.h"

/* One shared module per (is_gpu, device) key (pytorch-backend.md §2.3). */
typedef struct {
  bool is_gpu;
  int device;
  ts_module *module; /* one reference owned by the cache */
} pt_shared_module;

typedef struct pt_runtime pt_runtime;

typedef struct pt_model_state {
  TRITONBACKEND_Model *model;
  const pt_runtime *runtime; /* chosen from platform/runtime (runtime.h) */
  void *runtime_data;        /* the runtime's model-wide state (owned by it) */
  char *name;           /* owned */
  uint64_t version;
  char *repository;     /* the model directory (owned) */
  pt_model_config config;
  pt_parameters params;
  pthread_mutex_t share_lock; /* guards shared[] */
  pt_shared_module shared[16];
  size_t shared_count;
} pt_model_state;

/* Creates the state of `model` (reads the config, picks the runtime, parses and logs the
 * parameters, runs the runtime's model_load, validates the config). On
 * success the caller owns *state_out and releases it with pt_model_state_delete. */
TRITONSERVER_Error *pt_model_state_create(TRITONBACKEND_Model *model,
                                          pt_model_state **state_out);
void pt_model_state_delete(pt_model_state *state);

/* Path of the artifact for version `version`: <repository>/<version>/<default_model_filename
 * or `fallback`>. Caller frees. */
char *pt_model_artifact_path(const pt_model_state *state, const char *fallback);

/* Reads the artifact and loads it for `device_kind`/`device` with the model's parameters.
 * A missing file is UNAVAILABLE "unable to find '<path>' for model instance '<who>'"; a
 * load failure is INTERNAL "failed to load model '<model>': <why>". On success the caller
 * owns *module_out (ts_module_unref). */
TRITONSERVER_Error *pt_model_load_module(const pt_model_state *state, const char *who,
                                         ts_device_kind device_kind, int device,
                                         ts_module **module_out);

/* Looks up a shared module for (is_gpu, device); returns a new reference or NULL. */
ts_module *pt_model_shared_module(pt_model_state *state, bool is_gpu, int device);
/* Offers `module` for sharing under (is_gpu, device); takes its own reference. Logs
 * Triton's WARN when the key is already taken. */
void pt_model_share_module(pt_model_state *state, bool is_gpu, int device, ts_module *module);

#endif
