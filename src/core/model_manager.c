/* model_manager.c — the repository manager: scans repositories (src/config repo_*),
 * loads/unloads/reloads model versions, keeps each version's state for the index,
 * readiness and request routing, and runs the poll loop in POLL mode.
 *
 * Locking: load_mu serializes whole operations (load, unload, poll) so two of them
 * never race on one model; mu guards the entry table and is held only briefly (never
 * across a backend call), so inference keeps flowing while a model loads.
 * A reload loads the new versions first and swaps them in atomically; the old versions
 * are then unloaded (their in-flight requests finish). A failed (re)load leaves whatever
 * was serving untouched. */
#include "model_manager.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core_util.h"
#include "file_override.h"
#include "log.h"
#include "repository.h"
#include "server.h"

static const char *state_name(model_state s)
{
  switch (s) {
  case MODEL_STATE_LOADING: return "LOADING";
  case MODEL_STATE_READY: return "READY";
  case MODEL_STATE_UNLOADING: return "UNLOADING";
  default: return "UNAVAILABLE";
  }
}

void manager_init(model_manager *m, TRITONSERVER_Server *server)
{
  memset(m, 0, sizeof(*m));
  m->server = server;
  pthread_mutex_init(&m->mu, NULL);
  pthread_mutex_init(&m->load_mu, NULL);
  pthread_mutex_init(&m->repo_mu, NULL);
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&m->poll_cv, &attr);
  pthread_condattr_destroy(&attr);
  m->poll_secs = 15;
}

static void versions_free(manager_version *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(v[i].reason);
  free(v);
}

/* Entry lookup; caller holds mu. */
static manager_entry *entry_find(model_manager *m, const char *name)
{
  for (size_t i = 0; i < m->entry_count; i++)
    if (strcmp(m->entries[i].name, name) == 0)
      return &m->entries[i];
  return NULL;
}

/* Finds or adds (sorted) an entry; caller holds mu. NULL on OOM. */
static manager_entry *entry_get(model_manager *m, const char *name)
{
  manager_entry *e = entry_find(m, name);
  if (e)
    return e;
  manager_entry *grown = realloc(m->entries, (m->entry_count + 1) * sizeof(*grown));
  if (!grown)
    return NULL;
  m->entries = grown;
  size_t pos = 0;
  while (pos < m->entry_count && strcmp(grown[pos].name, name) < 0)
    pos++;
  memmove(&grown[pos + 1], &grown[pos], (m->entry_count - pos) * sizeof(*grown));
  memset(&grown[pos], 0, sizeof(*grown));
  grown[pos].name = strdup(name);
  m->entry_count++;
  return &grown[pos];
}

static RepoScanOptions scan_options(model_manager *m)
{
  const TRITONSERVER_ServerOptions *o = server_options(m->server);
  RepoScanOptions opts = {0};
  opts.repositories = (const char *const *)o->repository_paths;
  opts.repository_count = o->repository_path_count;
  opts.config_name = o->model_config_name;
  opts.auto_complete = !o->strict_model_config;
  return opts;
}

/* Unloads and drops the loaded models of a version list (outside mu). With a deadline
 * (steady ns, 0 = none), a model still busy then is abandoned (left running, never
 * freed: the server is exiting). Returns how many were abandoned. */
static size_t unload_versions(model_manager *m, manager_version *v, size_t n,
                              uint64_t deadline_ns)
{
  size_t abandoned = 0;
  for (size_t i = 0; i < n; i++) {
    if (v[i].model) {
      if (model_unload(v[i].model, deadline_ns)) {
        model_unref(v[i].model);
      } else {
        abandoned++;
        TRITONBACKEND_Model **grown =
            realloc(m->abandoned, (m->abandoned_count + 1) * sizeof(*grown));
        if (grown) { /* else it is simply never freed */
          m->abandoned = grown;
          grown[m->abandoned_count++] = v[i].model;
        }
      }
      v[i].model = NULL;
    }
  }
  return abandoned;
}

size_t manager_reap_abandoned(model_manager *m)
{
  size_t kept = 0;
  pthread_mutex_lock(&m->load_mu);
  for (size_t i = 0; i < m->abandoned_count; i++) {
    TRITONBACKEND_Model *model = m->abandoned[i];
    if (model_unload(model, util_now_ns() + 1)) /* drained since? then finish */
      model_unref(model);
    else
      m->abandoned[kept++] = model;
  }
  m->abandoned_count = kept;
  pthread_mutex_unlock(&m->load_mu);
  return kept;
}

/* Loads every selected version of a scanned model. All-or-nothing: on failure the
 * versions that did load are unloaded again and *versions_out describes the failure
 * per version (states UNAVAILABLE with reasons). Returns the first error. */
static TRITONSERVER_Error *load_versions(model_manager *m, const RepoModel *rm,
                                         const char *override_json, manager_version **versions_out,
                                         size_t *count_out)
{
  *versions_out = NULL;
  *count_out = 0;
  ModelConfig *config = NULL;
  int64_t *selected = NULL;
  size_t selected_count = 0;
  char *why = NULL;
  if (override_json) {
    if (model_config_from_json(override_json, strlen(override_json), &config, &why) != 0) {
      TRITONSERVER_Error *err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                                            "Invalid config override: %s", /* Triton's */
                                            why ? why : "bad JSON");
      free(why);
      return err;
    }
    repo_autocomplete_backend(config, rm->path, rm->name);
    if (repo_select_versions(config, rm->name, rm->versions, rm->version_count, &selected,
                             &selected_count, NULL, &why) != 0) {
      TRITONSERVER_Error *err =
          util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "failed to load '%s': %s", rm->name, why);
      free(why);
      model_config_free(config);
      return err;
    }
  } else {
    if (rm->error)
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "failed to load '%s': %s", rm->name,
                         rm->error);
    config = model_config_clone(rm->config);
    if (rm->versions_to_load_count) {
      selected = malloc(rm->versions_to_load_count * sizeof(int64_t));
      if (selected) {
        memcpy(selected, rm->versions_to_load, rm->versions_to_load_count * sizeof(int64_t));
        selected_count = rm->versions_to_load_count;
      }
    }
  }
  if (selected_count == 0) {
    model_config_free(config);
    free(selected);
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "failed to load '%s': at least one version must be available under the "
                       "version policy of model '%s'",
                       rm->name, rm->name);
  }
  manager_version *v = calloc(selected_count, sizeof(*v));
  TRITONSERVER_Error *first = NULL;
  char *reasons = NULL; /* Triton's load tracker: "version N is at UNAVAILABLE state: ...;" */
  bool failed = false;
  unsigned retries = server_options(m->server)->model_load_retry_count;
  for (size_t i = 0; v && i < selected_count; i++) {
    v[i].version = selected[i];
    TRITONSERVER_Error *err = model_load(m->server, rm->name, (uint64_t)selected[i], rm->path,
                                         model_config_clone(config), &v[i].model);
    /* --model-load-retry-count: a version that fails to load is tried again, up to that
     * many more times, before the failure counts. */
    for (unsigned attempt = 1; err && attempt <= retries; attempt++) {
      CORE_LOG_WARN("failed to load '%s' version %lld: %s; retrying (%u of %u)", rm->name,
                    (long long)selected[i], TRITONSERVER_ErrorMessage(err), attempt, retries);
      TRITONSERVER_ErrorDelete(err);
      err = model_load(m->server, rm->name, (uint64_t)selected[i], rm->path,
                       model_config_clone(config), &v[i].model);
    }
    if (err) {
      v[i].state = MODEL_STATE_UNAVAILABLE;
      v[i].reason = strdup(TRITONSERVER_ErrorMessage(err));
      CORE_LOG_ERROR("failed to load '%s' version %lld: %s: %s", rm->name, (long long)selected[i],
                     TRITONSERVER_ErrorCodeString(err), TRITONSERVER_ErrorMessage(err));
      failed = true;
      char *more = util_strdupf("%sversion %lld is at UNAVAILABLE state: %s: %s;",
                                reasons ? reasons : "", (long long)selected[i],
                                TRITONSERVER_ErrorCodeString(err), TRITONSERVER_ErrorMessage(err));
      free(reasons);
      reasons = more;
      TRITONSERVER_ErrorDelete(err);
    } else {
      v[i].state = MODEL_STATE_READY;
      v[i].reason = strdup("");
    }
  }
  model_config_free(config);
  free(selected);
  if (!v)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  if (failed) /* as Triton's ModelRepositoryManager::LoadUnloadModels: INVALID_ARG */
    first = util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "load failed for model '%s': %s\n",
                        rm->name, reasons ? reasons : "out of memory");
  free(reasons);
  if (first) {
    for (size_t i = 0; i < selected_count; i++) {
      if (v[i].model) {
        unload_versions(m, &v[i], 1, 0);
        v[i].state = MODEL_STATE_UNAVAILABLE;
        free(v[i].reason);
        v[i].reason = strdup("unloaded: another version of the model failed to load");
      }
    }
  }
  *versions_out = v;
  *count_out = selected_count;
  return first;
}

/* Loads (or reloads) a scanned model and records the outcome. `override_repository`
 * (may be NULL, owned) is where the model's files are when they came with the request:
 * the entry keeps it while the new versions serve; otherwise it is removed. The entry's
 * previous one goes when its versions are replaced. Caller holds load_mu. */
static TRITONSERVER_Error *load_scanned(model_manager *m, const RepoModel *rm,
                                        const char *override_json, char *override_repository)
{
  manager_version *v = NULL;
  size_t n = 0;
  TRITONSERVER_Error *err = load_versions(m, rm, override_json, &v, &n);
  manager_version *old = NULL;
  size_t old_n = 0;
  char *old_repository = NULL;
  pthread_mutex_lock(&m->mu);
  manager_entry *e = entry_get(m, rm->name);
  if (e) {
    e->fingerprint = rm->fingerprint;
    e->explicitly_unloaded = false;
    bool serving = false;
    for (size_t i = 0; i < e->version_count; i++)
      if (e->versions[i].model)
        serving = true;
    free(e->reason);
    e->reason = err ? strdup(TRITONSERVER_ErrorMessage(err)) : NULL;
    if (!err || !serving) {
      old = e->versions;
      old_n = e->version_count;
      e->versions = v;
      e->version_count = n;
      e->load_failed = err != NULL;
      v = NULL;
      n = 0;
      old_repository = e->override_repository;
      e->override_repository = err ? NULL : override_repository;
      if (!err)
        override_repository = NULL;
    }
  }
  pthread_mutex_unlock(&m->mu);
  unload_versions(m, old, old_n, 0);
  versions_free(old, old_n);
  versions_free(v, n); /* failed reload: the old versions keep serving */
  file_override_remove(old_repository);
  free(old_repository);
  file_override_remove(override_repository); /* not adopted: the load failed */
  free(override_repository);
  return err;
}

/* Scans the repositories; returns the scan or NULL with *err. Repository warnings are
 * logged when log_warnings. */
static RepoScan *scan_all(model_manager *m, bool log_warnings, TRITONSERVER_Error **err)
{
  RepoScan *scan = NULL;
  char *why = NULL;
  pthread_mutex_lock(&m->repo_mu);
  RepoScanOptions opts = scan_options(m);
  int rc = repo_scan(&opts, &scan, &why);
  pthread_mutex_unlock(&m->repo_mu);
  if (rc != 0) {
    *err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "failed to scan the model repository: %s",
                       why ? why : "no repository");
    free(why);
    return NULL;
  }
  for (size_t i = 0; log_warnings && i < scan->warnings.count; i++)
    CORE_LOG_WARN("%s", scan->warnings.items[i]);
  return scan;
}

TRITONSERVER_Error *manager_load(model_manager *m, const char *name, const char *override_json)
{
  if (!repo_valid_model_name(name, strlen(name)))
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "failed to load '%s': invalid model name",
                       name);
  pthread_mutex_lock(&m->load_mu);
  TRITONSERVER_Error *err = NULL;
  RepoScan *scan = scan_all(m, true, &err);
  if (scan) {
    const RepoModel *rm = repo_scan_find(scan, name);
    if (!rm) /* Triton's ModelRepositoryManager::LoadUnloadModel, code and message */
      err = util_errorf(TRITONSERVER_ERROR_INTERNAL,
                        "failed to load '%s', failed to poll from model repository", name);
    else
      err = load_scanned(m, rm, override_json, NULL);
    repo_scan_free(scan);
  }
  pthread_mutex_unlock(&m->load_mu);
  return err;
}

TRITONSERVER_Error *manager_load_files(model_manager *m, const char *name,
                                       char *override_repository, const char *override_json)
{
  if (!override_json) {
    file_override_remove(override_repository);
    free(override_repository);
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "Load parameter 'config' must be specified for model file override");
  }
  pthread_mutex_lock(&m->load_mu);
  const TRITONSERVER_ServerOptions *o = server_options(m->server);
  RepoScanOptions opts = {0};
  opts.repositories = (const char *const *)&override_repository;
  opts.repository_count = 1;
  opts.auto_complete = !o->strict_model_config;
  RepoModel rm;
  /* Lists the version directories; the config comes from override_json (a missing
   * config.pbtxt is only recorded in rm.error, which an override does not read). */
  repo_scan_model(override_repository, name, &opts, &rm);
  for (size_t i = 0; i < rm.warnings.count; i++)
    CORE_LOG_WARN("%s", rm.warnings.items[i]);
  TRITONSERVER_Error *err = load_scanned(m, &rm, override_json, override_repository);
  repo_model_clear(&rm);
  pthread_mutex_unlock(&m->load_mu);
  return err;
}

/* Unloads all versions of an entry (caller holds load_mu, not mu); deadline as in
 * unload_versions. Returns how many versions were abandoned. */
static size_t unload_entry(model_manager *m, const char *name, uint64_t deadline_ns)
{
  pthread_mutex_lock(&m->mu);
  manager_entry *e = entry_find(m, name);
  manager_version *loaded = NULL;
  size_t n = 0;
  if (e && e->version_count) {
    n = e->version_count;
    loaded = calloc(n, sizeof(*loaded));
    for (size_t i = 0; loaded && i < n; i++) {
      loaded[i].model = e->versions[i].model;
      if (e->versions[i].model)
        e->versions[i].state = MODEL_STATE_UNLOADING;
    }
  }
  char *orphan = NULL;
  if (!loaded && e) { /* nothing loaded, but files may remain from a failed load */
    orphan = e->override_repository;
    e->override_repository = NULL;
  }
  pthread_mutex_unlock(&m->mu);
  if (!loaded) {
    file_override_remove(orphan);
    free(orphan);
    return 0;
  }
  /* Requests may still find these versions (they refuse new work once unloading). */
  size_t abandoned = unload_versions(m, loaded, n, deadline_ns);
  free(loaded);
  pthread_mutex_lock(&m->mu);
  e = entry_find(m, name);
  for (size_t i = 0; e && i < e->version_count; i++) {
    if (e->versions[i].model) {
      e->versions[i].model = NULL;
      e->versions[i].state = MODEL_STATE_UNAVAILABLE;
      free(e->versions[i].reason);
      e->versions[i].reason = strdup("unloaded");
    }
  }
  char *repository = NULL;
  if (e) {
    e->load_failed = false;
    repository = e->override_repository;
    e->override_repository = NULL;
  }
  pthread_mutex_unlock(&m->mu);
  /* The files given with the load go with the model (also for one abandoned at the exit
   * timeout: it read its files at load, and the process is exiting). */
  file_override_remove(repository);
  free(repository);
  return abandoned;
}

TRITONSERVER_Error *manager_unload(model_manager *m, const char *name)
{
  pthread_mutex_lock(&m->load_mu);
  pthread_mutex_lock(&m->mu);
  manager_entry *e = entry_find(m, name);
  bool known = e != NULL;
  if (e)
    e->explicitly_unloaded = true;
  pthread_mutex_unlock(&m->mu);
  if (known)
    unload_entry(m, name, 0);
  pthread_mutex_unlock(&m->load_mu);
  return NULL; /* a model that was never loaded: nothing to do, no error (as Triton) */
}

TRITONSERVER_Error *manager_poll(model_manager *m)
{
  pthread_mutex_lock(&m->load_mu);
  TRITONSERVER_Error *err = NULL;
  RepoScan *scan = scan_all(m, true, &err);
  if (!scan) {
    pthread_mutex_unlock(&m->load_mu);
    return err;
  }
  /* Removed models. */
  for (;;) {
    char *gone = NULL;
    pthread_mutex_lock(&m->mu);
    for (size_t i = 0; i < m->entry_count && !gone; i++)
      if (!repo_scan_find(scan, m->entries[i].name))
        gone = strdup(m->entries[i].name);
    pthread_mutex_unlock(&m->mu);
    if (!gone)
      break;
    unload_entry(m, gone, 0);
    pthread_mutex_lock(&m->mu);
    manager_entry *e = entry_find(m, gone);
    if (e) {
      size_t idx = (size_t)(e - m->entries);
      versions_free(e->versions, e->version_count);
      file_override_remove(e->override_repository);
      free(e->override_repository);
      free(e->reason);
      free(e->name);
      memmove(&m->entries[idx], &m->entries[idx + 1], (m->entry_count - idx - 1) * sizeof(*e));
      m->entry_count--;
    }
    pthread_mutex_unlock(&m->mu);
    CORE_LOG_INFO("model '%s' was removed from the repository: unloaded", gone);
    free(gone);
  }
  /* New and changed models. */
  for (size_t i = 0; i < scan->model_count; i++) {
    const RepoModel *rm = &scan->models[i];
    pthread_mutex_lock(&m->mu);
    manager_entry *e = entry_find(m, rm->name);
    bool needed = !e || e->fingerprint != rm->fingerprint;
    pthread_mutex_unlock(&m->mu);
    if (!needed)
      continue;
    TRITONSERVER_Error *one = load_scanned(m, rm, NULL, NULL);
    if (one) {
      CORE_LOG_ERROR("poll: %s", TRITONSERVER_ErrorMessage(one));
      TRITONSERVER_ErrorDelete(one);
    }
  }
  repo_scan_free(scan);
  pthread_mutex_unlock(&m->load_mu);
  return NULL;
}

static void *poll_main(void *arg)
{
  model_manager *m = arg;
  pthread_mutex_lock(&m->mu);
  while (!m->poll_stop) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += m->poll_secs;
    while (!m->poll_stop && pthread_cond_timedwait(&m->poll_cv, &m->mu, &ts) != ETIMEDOUT) {
    }
    if (m->poll_stop)
      break;
    pthread_mutex_unlock(&m->mu);
    TRITONSERVER_Error *err = manager_poll(m);
    if (err) {
      CORE_LOG_ERROR("poll of the model repository failed: %s", TRITONSERVER_ErrorMessage(err));
      TRITONSERVER_ErrorDelete(err);
    }
    pthread_mutex_lock(&m->mu);
  }
  pthread_mutex_unlock(&m->mu);
  return NULL;
}

/* Shared state of the startup loader threads. */
typedef struct startup_work {
  model_manager *m;
  const RepoScan *scan;
  const RepoModel **wanted;
  size_t count;
  size_t next;   /* atomic: next index in wanted */
  size_t failed; /* atomic */
} startup_work;

static void *startup_worker(void *arg)
{
  startup_work *w = arg;
  for (;;) {
    size_t i = __atomic_fetch_add(&w->next, 1, __ATOMIC_ACQ_REL);
    if (i >= w->count)
      break;
    TRITONSERVER_Error *err = load_scanned(w->m, w->wanted[i], NULL, NULL);
    if (err) {
      __atomic_add_fetch(&w->failed, 1, __ATOMIC_ACQ_REL);
      TRITONSERVER_ErrorDelete(err);
    }
  }
  return NULL;
}

TRITONSERVER_Error *manager_startup(model_manager *m)
{
  const TRITONSERVER_ServerOptions *o = server_options(m->server);
  const char *poll = options_settings_find(&o->backend_configs, "", "repository-poll-secs");
  if (poll && atoi(poll) > 0)
    m->poll_secs = (unsigned)atoi(poll);
  pthread_mutex_lock(&m->load_mu);
  TRITONSERVER_Error *err = NULL;
  RepoScan *scan = scan_all(m, true, &err);
  if (!scan) {
    pthread_mutex_unlock(&m->load_mu);
    return err;
  }
  bool all = o->control_mode != TRITONSERVER_MODEL_CONTROL_EXPLICIT;
  for (size_t i = 0; i < o->startup_model_count; i++)
    if (strcmp(o->startup_models[i], "*") == 0)
      all = true;
  /* Load the wanted models with up to model_load_thread_count threads (Triton's
   * --model-load-thread-count); each model's versions load on one thread. */
  startup_work work = {.m = m, .scan = scan, .failed = 0, .next = 0};
  work.wanted = calloc(scan->model_count ? scan->model_count : 1, sizeof(const RepoModel *));
  for (size_t i = 0; work.wanted && i < scan->model_count; i++) {
    const RepoModel *rm = &scan->models[i];
    bool wanted = all;
    for (size_t k = 0; !wanted && k < o->startup_model_count; k++)
      wanted = strcmp(o->startup_models[k], rm->name) == 0;
    if (wanted)
      work.wanted[work.count++] = rm;
  }
  size_t threads = o->model_load_thread_count ? o->model_load_thread_count : 1;
  if (threads > work.count)
    threads = work.count;
  pthread_t *pool = calloc(threads ? threads : 1, sizeof(pthread_t));
  size_t started = 0;
  for (size_t t = 1; pool && t < threads; t++)
    if (pthread_create(&pool[started], NULL, startup_worker, &work) == 0)
      started++;
  startup_worker(&work); /* this thread works too */
  for (size_t t = 0; t < started; t++)
    pthread_join(pool[t], NULL);
  free(pool);
  free(work.wanted);
  size_t failed = work.failed;
  if (!all) {
    for (size_t k = 0; k < o->startup_model_count; k++) {
      if (!repo_scan_find(scan, o->startup_models[k])) {
        CORE_LOG_ERROR("failed to load '%s': no model directory named '%s' in the model "
                       "repositories",
                       o->startup_models[k], o->startup_models[k]);
        failed++;
      }
    }
  }
  repo_scan_free(scan);
  pthread_mutex_unlock(&m->load_mu);
  if (o->control_mode == TRITONSERVER_MODEL_CONTROL_POLL) {
    if (pthread_create(&m->poll_thread, NULL, poll_main, m) == 0)
      m->poll_started = true;
  }
  if (failed)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "failed to load all models");
  return NULL;
}

TRITONSERVER_Error *manager_register_repository(model_manager *m, const char *path)
{
  TRITONSERVER_ServerOptions *o = m->server->options;
  TRITONSERVER_Error *err = NULL;
  pthread_mutex_lock(&m->repo_mu);
  for (size_t i = 0; i < o->repository_path_count && !err; i++)
    if (strcmp(o->repository_paths[i], path) == 0)
      err = util_errorf(TRITONSERVER_ERROR_ALREADY_EXISTS,
                        "model repository '%s' has already been registered", path);
  if (!err) {
    char **grown = realloc(o->repository_paths, (o->repository_path_count + 1) * sizeof(char *));
    char *copy = strdup(path);
    if (grown)
      o->repository_paths = grown;
    if (!grown || !copy) {
      free(copy);
      err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    } else {
      grown[o->repository_path_count++] = copy;
    }
  }
  pthread_mutex_unlock(&m->repo_mu);
  return err;
}

TRITONSERVER_Error *manager_unregister_repository(model_manager *m, const char *path)
{
  TRITONSERVER_ServerOptions *o = m->server->options;
  bool found = false;
  pthread_mutex_lock(&m->repo_mu);
  for (size_t i = 0; i < o->repository_path_count && !found; i++) {
    if (strcmp(o->repository_paths[i], path) == 0) {
      free(o->repository_paths[i]);
      memmove(&o->repository_paths[i], &o->repository_paths[i + 1],
              (o->repository_path_count - i - 1) * sizeof(char *));
      o->repository_path_count--;
      found = true;
    }
  }
  pthread_mutex_unlock(&m->repo_mu);
  if (!found)
    return util_errorf(TRITONSERVER_ERROR_NOT_FOUND,
                       "failed to unregister '%s', repository not found", path);
  return NULL;
}

size_t manager_shutdown(model_manager *m, uint64_t deadline_ns)
{
  size_t abandoned = 0;
  if (m->poll_started) {
    pthread_mutex_lock(&m->mu);
    m->poll_stop = true;
    pthread_cond_broadcast(&m->poll_cv);
    pthread_mutex_unlock(&m->mu);
    pthread_join(m->poll_thread, NULL);
    m->poll_started = false;
  }
  pthread_mutex_lock(&m->load_mu);
  for (size_t i = 0;; i++) {
    pthread_mutex_lock(&m->mu);
    char *name = i < m->entry_count ? strdup(m->entries[i].name) : NULL;
    pthread_mutex_unlock(&m->mu);
    if (!name)
      break;
    abandoned += unload_entry(m, name, deadline_ns);
    free(name);
  }
  pthread_mutex_unlock(&m->load_mu);
  return abandoned;
}

void manager_destroy(model_manager *m)
{
  for (size_t i = 0; i < m->entry_count; i++) {
    versions_free(m->entries[i].versions, m->entries[i].version_count);
    file_override_remove(m->entries[i].override_repository);
    free(m->entries[i].override_repository);
    free(m->entries[i].reason);
    free(m->entries[i].name);
  }
  free(m->entries);
  m->entries = NULL;
  free(m->abandoned);
  m->abandoned = NULL;
  m->entry_count = 0;
  pthread_cond_destroy(&m->poll_cv);
  pthread_mutex_destroy(&m->mu);
  pthread_mutex_destroy(&m->load_mu);
  pthread_mutex_destroy(&m->repo_mu);
}

TRITONSERVER_Error *manager_get_model(model_manager *m, const char *name, int64_t version,
                                      TRITONBACKEND_Model **out)
{
  TRITONSERVER_Error *err = NULL;
  pthread_mutex_lock(&m->mu);
  manager_entry *e = entry_find(m, name);
  TRITONBACKEND_Model *found = NULL;
  if (!e) {
    err = util_errorf(TRITONSERVER_ERROR_NOT_FOUND, "Request for unknown model: '%s' is not found",
                      name);
  } else if (version < 0) {
    for (size_t i = e->version_count; i-- > 0 && !found;)
      if (e->versions[i].state == MODEL_STATE_READY && e->versions[i].model)
        found = e->versions[i].model;
    if (!found)
      err = util_errorf(TRITONSERVER_ERROR_UNAVAILABLE,
                        "Request for unknown model: '%s' has no available versions", name);
  } else {
    manager_version *v = NULL;
    for (size_t i = 0; i < e->version_count && !v; i++)
      if (e->versions[i].version == version)
        v = &e->versions[i];
    if (!v)
      err = util_errorf(TRITONSERVER_ERROR_NOT_FOUND,
                        "Request for unknown model: '%s' version %lld is not found", name,
                        (long long)version);
    else if (v->state != MODEL_STATE_READY || !v->model)
      err = util_errorf(TRITONSERVER_ERROR_UNAVAILABLE,
                        "Request for unknown model: '%s' version %lld is not at ready state", name,
                        (long long)version);
    else
      found = v->model;
  }
  if (found)
    model_ref(found);
  pthread_mutex_unlock(&m->mu);
  *out = found;
  return err;
}

void manager_for_each_ready(model_manager *m, const char *name,
                            void (*fn)(TRITONBACKEND_Model *, void *), void *userp)
{
  pthread_mutex_lock(&m->mu);
  size_t n = 0;
  for (size_t i = 0; i < m->entry_count; i++)
    n += m->entries[i].version_count;
  TRITONBACKEND_Model **list = calloc(n ? n : 1, sizeof(*list));
  size_t k = 0;
  for (size_t i = 0; list && i < m->entry_count; i++) {
    manager_entry *e = &m->entries[i];
    if (name && strcmp(e->name, name) != 0)
      continue;
    for (size_t j = 0; j < e->version_count; j++)
      if (e->versions[j].state == MODEL_STATE_READY && e->versions[j].model) {
        model_ref(e->versions[j].model);
        list[k++] = e->versions[j].model;
      }
  }
  pthread_mutex_unlock(&m->mu);
  for (size_t i = 0; i < k; i++) {
    fn(list[i], userp);
    model_unref(list[i]);
  }
  free(list);
}

/* Appends the index rows of one entry; caller holds mu. */
static void index_rows(json_object *arr, const manager_entry *e, bool ready_only)
{
  if (e->version_count == 0 && !ready_only) {
    json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(e->name));
    if (e->reason) {
      json_object_object_add(o, "state", json_object_new_string("UNAVAILABLE"));
      json_object_object_add(o, "reason", json_object_new_string(e->reason));
    }
    json_object_array_add(arr, o);
  }
  for (size_t j = 0; j < e->version_count; j++) {
    const manager_version *v = &e->versions[j];
    if (ready_only && v->state != MODEL_STATE_READY)
      continue;
    char vb[32];
    snprintf(vb, sizeof(vb), "%lld", (long long)v->version);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(e->name));
    json_object_object_add(o, "version", json_object_new_string(vb));
    json_object_object_add(o, "state", json_object_new_string(state_name(v->state)));
    if (v->reason && v->reason[0]) /* as Triton: no empty "reason" (READY models) */
      json_object_object_add(o, "reason", json_object_new_string(v->reason));
    json_object_array_add(arr, o);
  }
}

json_object *manager_index_json(model_manager *m, bool ready_only)
{
  /* Models in the repository that were never loaded are listed by name only. */
  RepoScan *scan = NULL;
  if (!ready_only) {
    TRITONSERVER_Error *err = NULL;
    scan = scan_all(m, false, &err);
    if (err)
      TRITONSERVER_ErrorDelete(err);
  }
  json_object *arr = json_object_new_array();
  pthread_mutex_lock(&m->mu);
  size_t i = 0, k = 0;
  size_t scanned = scan ? scan->model_count : 0;
  while (i < m->entry_count || k < scanned) {
    int cmp = i >= m->entry_count ? 1
              : k >= scanned      ? -1
                                  : strcmp(m->entries[i].name, scan->models[k].name);
    if (cmp <= 0) {
      index_rows(arr, &m->entries[i], ready_only);
      i++;
      if (cmp == 0)
        k++;
    } else {
      json_object *o = json_object_new_object();
      json_object_object_add(o, "name", json_object_new_string(scan->models[k].name));
      json_object_array_add(arr, o);
      k++;
    }
  }
  pthread_mutex_unlock(&m->mu);
  repo_scan_free(scan);
  return arr;
}

bool manager_all_ready(model_manager *m)
{
  bool ready = true;
  pthread_mutex_lock(&m->mu);
  for (size_t i = 0; i < m->entry_count && ready; i++)
    if (m->entries[i].load_failed && !m->entries[i].explicitly_unloaded)
      ready = false;
  pthread_mutex_unlock(&m->mu);
  return ready;
}

TRITONSERVER_Error *manager_ready_versions(model_manager *m, const char *name, int64_t **versions,
                                           size_t *count)
{
  TRITONSERVER_Error *err = NULL;
  *versions = NULL;
  *count = 0;
  pthread_mutex_lock(&m->mu);
  manager_entry *e = entry_find(m, name);
  if (!e) {
    err = util_errorf(TRITONSERVER_ERROR_NOT_FOUND, "Request for unknown model: '%s' is not found",
                      name);
  } else {
    *versions = calloc(e->version_count ? e->version_count : 1, sizeof(int64_t));
    for (size_t i = 0; *versions && i < e->version_count; i++)
      if (e->versions[i].state == MODEL_STATE_READY)
        (*versions)[(*count)++] = e->versions[i].version;
  }
  pthread_mutex_unlock(&m->mu);
  return err;
}
