/* model_manager.h — the repository manager: which models and versions exist, their
 * states (for the index and readiness), loading/unloading/reloading them per the control
 * mode (none/poll/explicit), and finding the serving version for a request. */
#ifndef TORCHD_CORE_MODEL_MANAGER_H
#define TORCHD_CORE_MODEL_MANAGER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "model.h"
#include "triton/core/tritonserver.h"

typedef struct manager_version {
  int64_t version;
  TRITONBACKEND_Model *model; /* NULL unless loaded (READY or UNLOADING) */
  model_state state;
  char *reason; /* failure text, "" if none */
} manager_version;

typedef struct manager_entry {
  char *name;
  manager_version *versions; /* ascending by version */
  size_t version_count;
  uint64_t fingerprint;
  char *reason;       /* model-level failure (bad config...), NULL if none */
  bool load_failed;   /* last load attempt failed and nothing serves */
  bool explicitly_unloaded;
  /* The temporary repository the serving versions were loaded from (`file:` load
   * parameters, file_override.h), owned: removed when they are unloaded or replaced.
   * NULL for models of the configured repositories. */
  char *override_repository;
} manager_entry;

typedef struct model_manager {
  TRITONSERVER_Server *server;
  pthread_mutex_t mu;      /* guards entries and version states */
  pthread_mutex_t load_mu; /* serializes load/unload/poll operations */
  pthread_mutex_t repo_mu; /* guards the server options' repository path list */
  manager_entry *entries;  /* sorted by name */
  size_t entry_count;
  /* poll thread (POLL mode) */
  pthread_t poll_thread;
  bool poll_started;
  bool poll_stop;
  pthread_cond_t poll_cv;
  unsigned poll_secs;
  /* Models left running when the exit timeout expired (see manager_shutdown). */
  TRITONBACKEND_Model **abandoned;
  size_t abandoned_count;
} model_manager;

void manager_init(model_manager *m, TRITONSERVER_Server *server);

/* Startup loading per control mode: NONE/POLL load every model; EXPLICIT loads the
 * startup models ("*" = all), with up to model_load_thread_count loader threads.
 * Returns "failed to load all models" if any failed (the others stay loaded). In POLL
 * mode starts the poll thread: it rescans every 15 s, or every N s when the global
 * backend config has "repository-poll-secs"=N
 * (TRITONSERVER_ServerOptionsSetBackendConfig(o, "", "repository-poll-secs", "N");
 * the setting is not passed on to backends). */
TRITONSERVER_Error *manager_startup(model_manager *m);

/* Loads (or reloads) one model. `override_json` (may be NULL) replaces config.pbtxt.
 * A failed reload keeps the previously loaded versions serving. */
TRITONSERVER_Error *manager_load(model_manager *m, const char *name, const char *override_json);

/* Loads (or reloads) one model from files given with the request: `override_repository`
 * (made by file_override_create; ownership passes here: it is kept while the loaded
 * versions serve and removed when they are unloaded or replaced, or at once if the load
 * fails) holds <name>/..., and `override_json` (required) is its config. A failed reload
 * keeps the previously loaded versions serving. */
TRITONSERVER_Error *manager_load_files(model_manager *m, const char *name,
                                       char *override_repository, const char *override_json);

/* Unloads every version of a model; waits until in-flight requests finish. */
TRITONSERVER_Error *manager_unload(model_manager *m, const char *name);

/* One poll pass: load new models, reload changed ones, unload removed ones. */
TRITONSERVER_Error *manager_poll(model_manager *m);

/* Adds / removes a repository path (TRITONSERVER_ServerRegisterModelRepository):
 * ALREADY_EXISTS for a path registered twice, NOT_FOUND for an unknown one. Models are
 * not loaded or unloaded by these calls. */
TRITONSERVER_Error *manager_register_repository(model_manager *m, const char *path);
TRITONSERVER_Error *manager_unregister_repository(model_manager *m, const char *path);

/* Stops the poll thread and unloads everything (server stop). Models still busy at
 * `deadline_ns` (steady clock; 0 = wait forever) are abandoned; returns their count. */
size_t manager_shutdown(model_manager *m, uint64_t deadline_ns);

/* Finishes the unload of abandoned models whose requests have all been released since;
 * returns how many are still busy (0: everything is unloaded). */
size_t manager_reap_abandoned(model_manager *m);
void manager_destroy(model_manager *m);

/* Finds the version serving `version` (-1: highest READY) and takes a model reference
 * (caller drops it with model_unref). Errors: NOT_FOUND for an unknown model/version,
 * UNAVAILABLE for one that is not ready. */
TRITONSERVER_Error *manager_get_model(model_manager *m, const char *name, int64_t version,
                                      TRITONBACKEND_Model **out);

/* Calls fn for every READY model version (optionally only `name`), holding a reference
 * during the call. */
void manager_for_each_ready(model_manager *m, const char *name,
                            void (*fn)(TRITONBACKEND_Model *, void *), void *userp);

/* JSON array for the repository index (§4.6). ready_only: only READY versions. Caller
 * puts the object. */
json_object *manager_index_json(model_manager *m, bool ready_only);

/* True when every model that was asked to load is READY (strict readiness). */
bool manager_all_ready(model_manager *m);

/* Every READY version number of `name` (ascending, malloc'ed, caller frees), count in
 * *count; NOT_FOUND if the model is unknown. */
TRITONSERVER_Error *manager_ready_versions(model_manager *m, const char *name, int64_t **versions,
                                           size_t *count);

#endif
