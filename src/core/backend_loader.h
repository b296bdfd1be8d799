/* backend_loader.h — finds, loads and caches backend shared libraries
 * (TRITONBACKEND_Backend), exactly as Triton does (spec §1.3, §2.1, §2.3). */
#ifndef TORCHD_CORE_BACKEND_LOADER_H
#define TORCHD_CORE_BACKEND_LOADER_H

#include <pthread.h>
#include <stdbool.h>

#include "model_config.h"
#include "options.h"
#include "triton/core/tritonbackend.h"
#include "triton/core/tritonserver.h"

typedef TRITONSERVER_Error *(*backend_fn_t)(TRITONBACKEND_Backend *);
typedef TRITONSERVER_Error *(*backend_model_fn_t)(TRITONBACKEND_Model *);
typedef TRITONSERVER_Error *(*backend_instance_fn_t)(TRITONBACKEND_ModelInstance *);
typedef TRITONSERVER_Error *(*backend_execute_fn_t)(TRITONBACKEND_ModelInstance *,
                                                    TRITONBACKEND_Request **, const uint32_t);
typedef TRITONSERVER_Error *(*backend_attribute_fn_t)(TRITONBACKEND_Backend *,
                                                      TRITONBACKEND_BackendAttribute *);

struct TRITONBACKEND_Backend {
  char *name;     /* the config's `backend` value */
  char *lib_path; /* absolute or repository-relative path that was dlopen'ed */
  char *dir;      /* directory holding the library (BackendArtifacts) */
  void *handle;
  backend_fn_t initialize, finalize;
  backend_model_fn_t model_initialize, model_finalize;
  backend_instance_fn_t instance_initialize, instance_finalize, instance_ready;
  backend_execute_fn_t instance_execute;
  backend_attribute_fn_t get_attribute;
  void *state; /* the backend's */
  TRITONBACKEND_ExecutionPolicy policy;
  TRITONSERVER_Message *config; /* {"cmdline":{...}}; borrowed by the backend */
  ModelInstanceGroup *preferred_groups; /* from GetBackendAttribute */
  size_t preferred_group_count;
  bool parallel_instance_loading;
  TRITONBACKEND_Backend *next;
};

typedef struct backend_registry {
  pthread_mutex_t mu;
  TRITONBACKEND_Backend *backends; /* initialized backends, cached by lib_path */
  const TRITONSERVER_ServerOptions *options; /* borrowed from the server */
} backend_registry;

void backend_registry_init(backend_registry *reg, const TRITONSERVER_ServerOptions *options);

/* Finds the library for the model's `backend`/`runtime` (search order of §2.1: version
 * dir, model dir, backend dir), loading and initializing it on first use. *out is
 * borrowed from the registry (lives until backend_registry_finalize). Errors name the
 * backend and what was searched. */
TRITONSERVER_Error *backend_acquire(backend_registry *reg, const ModelConfig *config,
                                    const char *model_dir, uint64_t version,
                                    TRITONBACKEND_Backend **out);

/* Calls TRITONBACKEND_Finalize on every backend, dlcloses and frees them. Only at server
 * delete, after every model is unloaded. */
void backend_registry_finalize(backend_registry *reg);

#endif
