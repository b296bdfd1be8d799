/* backend_loader.c — backend discovery and loading (triton-api.md §1.3, §2.1, §2.3).
 *
 * A backend library is found by trying, in order: <model_dir>/<version>/<lib>,
 * <model_dir>/<lib>, <backend_dir>/<backend>/<lib>, where <lib> is the config's `runtime`
 * or libtriton_<backend>.so; then the Python-based-backend fallback. It is opened with
 * dlopen(RTLD_NOW | RTLD_LOCAL), its entry points are looked up with dlsym
 * (ModelInstanceExecute is required), TRITONBACKEND_Initialize runs once, then
 * TRITONBACKEND_GetBackendAttribute. Backends are cached by library path and finalized
 * only at server delete. The backend-attribute and memory-manager APIs live here too. */
#include "backend_loader.h"

#include <dlfcn.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core_util.h"
#include "log.h"

struct TRITONBACKEND_BackendAttribute {
  TRITONBACKEND_Backend *backend;
};

struct TRITONBACKEND_MemoryManager {
  int unused;
};
static TRITONBACKEND_MemoryManager the_memory_manager;

void backend_registry_init(backend_registry *reg, const TRITONSERVER_ServerOptions *options)
{
  memset(reg, 0, sizeof(*reg));
  pthread_mutex_init(&reg->mu, NULL);
  reg->options = options;
}

static bool is_file(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static const char *backend_directory(const backend_registry *reg)
{
  const char *dir = reg->options ? reg->options->backend_directory : NULL;
  return dir && dir[0] ? dir : "/opt/tritonserver/backends";
}

/* Resolves the library path per §2.1; returns a new string (caller frees) or NULL with
 * *err set. */
static char *find_library(const backend_registry *reg, const ModelConfig *config,
                          const char *model_dir, uint64_t version, TRITONSERVER_Error **err)
{
  const char *backend = config->backend;
  const char *runtime = config->runtime;
  const char *bdir = backend_directory(reg);
  if (runtime[0] && (strchr(runtime, '/') || strcmp(runtime, "..") == 0)) {
    *err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "runtime '%s' of model must be a file name, not a path", runtime);
    return NULL;
  }
  /* torchd's PyTorch backend runs runtime "model.py" itself (CPython embedded in it), so
   * a pytorch model.py goes there rather than to a Python backend. */
  if (strcmp(runtime, "model.py") == 0 && strcmp(backend, "pytorch") == 0) {
    char *pt = util_strdupf("%s/pytorch/libtriton_pytorch.so", bdir);
    if (pt && is_file(pt))
      return pt;
    free(pt);
  }
  if (strcmp(runtime, "model.py") == 0) {
    char *py = util_strdupf("%s/python/libtriton_python.so", bdir);
    if (py && is_file(py))
      return py;
    free(py);
  }
  char *lib = runtime[0] ? strdup(runtime) : util_strdupf("libtriton_%s.so", backend);
  char *candidates[3] = {
      util_strdupf("%s/%llu/%s", model_dir, (unsigned long long)version, lib),
      util_strdupf("%s/%s", model_dir, lib),
      util_strdupf("%s/%s/%s", bdir, backend, lib),
  };
  char *found = NULL;
  for (int i = 0; i < 3; i++) {
    if (!found && candidates[i] && is_file(candidates[i]))
      found = candidates[i];
    else
      free(candidates[i]);
  }
  free(lib);
  if (!found && !runtime[0]) {
    char *py_model = util_strdupf("%s/%s/model.py", bdir, backend);
    if (py_model && is_file(py_model)) {
      char *py = util_strdupf("%s/python/libtriton_python.so", bdir);
      if (py && is_file(py))
        found = py;
      else
        free(py);
    }
    free(py_model);
  }
  if (!found)
    *err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "unable to find backend library for backend '%s', try specifying "
                       "runtime on the model configuration.",
                       backend);
  return found;
}

/* Builds {"cmdline":{...}} for `backend`: core defaults, then global settings (group
 * ""), then backend-specific ones; keys sorted as Triton's std::map. */
static TRITONSERVER_Error *backend_config_message(const backend_registry *reg,
                                                  const char *backend,
                                                  TRITONSERVER_Message **out)
{
  const TRITONSERVER_ServerOptions *o = reg->options;
  json_object *cmd = json_object_new_object();
  bool auto_complete = o ? !o->strict_model_config : true;
  char cc[32];
  snprintf(cc, sizeof(cc), "%f", o ? o->min_compute_capability : 6.0);
  json_object_object_add(cmd, "auto-complete-config",
                         json_object_new_string(auto_complete ? "true" : "false"));
  json_object_object_add(cmd, "backend-directory",
                         json_object_new_string(backend_directory(reg)));
  json_object_object_add(cmd, "default-max-batch-size", json_object_new_string("4"));
  json_object_object_add(cmd, "min-compute-capability", json_object_new_string(cc));
  if (o) {
    for (int pass = 0; pass < 2; pass++) {
      const char *group = pass == 0 ? "" : backend;
      for (size_t i = 0; i < o->backend_configs.count; i++) {
        const options_setting *s = &o->backend_configs.items[i];
        /* repository-poll-secs is read by the model manager, not a backend setting */
        if (strcmp(s->group ? s->group : "", group) == 0 &&
            strcmp(s->setting, "repository-poll-secs") != 0)
          json_object_object_add(cmd, s->setting, json_object_new_string(s->value));
      }
    }
  }
  /* Sort keys: rebuild in order. */
  size_t n = (size_t)json_object_object_length(cmd);
  const char **keys = calloc(n ? n : 1, sizeof(char *));
  size_t k = 0;
  json_object_object_foreach(cmd, key, val)
  {
    (void)val;
    keys[k++] = key;
  }
  for (size_t i = 1; i < k; i++)
    for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
      const char *t = keys[j];
      keys[j] = keys[j - 1];
      keys[j - 1] = t;
    }
  json_object *sorted = json_object_new_object();
  for (size_t i = 0; i < k; i++)
    json_object_object_add(sorted, keys[i], json_object_get(json_object_object_get(cmd, keys[i])));
  free(keys);
  json_object *root = json_object_new_object();
  json_object_object_add(root, "cmdline", sorted);
  size_t len = 0;
  const char *text = json_object_to_json_string_length(root, JSON_C_TO_STRING_PLAIN, &len);
  TRITONSERVER_Error *err = TRITONSERVER_MessageNewFromSerializedJson(out, text, len);
  json_object_put(root);
  json_object_put(cmd);
  return err;
}

static void backend_free(TRITONBACKEND_Backend *b)
{
  if (!b)
    return;
  if (b->handle)
    dlclose(b->handle);
  if (b->config)
    TRITONSERVER_MessageDelete(b->config);
  for (size_t i = 0; i < b->preferred_group_count; i++) {
    free(b->preferred_groups[i].name);
    free(b->preferred_groups[i].gpus.items);
    free(b->preferred_groups[i].host_policy);
  }
  free(b->preferred_groups);
  free(b->name);
  free(b->lib_path);
  free(b->dir);
  free(b);
}

/* Opens the library and resolves entry points; on error frees b's handle state. */
static TRITONSERVER_Error *open_library(TRITONBACKEND_Backend *b)
{
  dlerror();
  b->handle = dlopen(b->lib_path, RTLD_NOW | RTLD_LOCAL);
  if (!b->handle) {
    const char *why = dlerror();
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "unable to load backend library '%s': %s",
                       b->lib_path, why ? why : "unknown dlopen error");
  }
#define LOOKUP(field, type, sym) b->field = (type)dlsym(b->handle, sym)
  LOOKUP(initialize, backend_fn_t, "TRITONBACKEND_Initialize");
  LOOKUP(finalize, backend_fn_t, "TRITONBACKEND_Finalize");
  LOOKUP(model_initialize, backend_model_fn_t, "TRITONBACKEND_ModelInitialize");
  LOOKUP(model_finalize, backend_model_fn_t, "TRITONBACKEND_ModelFinalize");
  LOOKUP(instance_initialize, backend_instance_fn_t, "TRITONBACKEND_ModelInstanceInitialize");
  LOOKUP(instance_finalize, backend_instance_fn_t, "TRITONBACKEND_ModelInstanceFinalize");
  LOOKUP(instance_ready, backend_instance_fn_t, "TRITONBACKEND_ModelInstanceReady");
  LOOKUP(instance_execute, backend_execute_fn_t, "TRITONBACKEND_ModelInstanceExecute");
  LOOKUP(get_attribute, backend_attribute_fn_t, "TRITONBACKEND_GetBackendAttribute");
#undef LOOKUP
  if (!b->instance_execute)
    return util_errorf(TRITONSERVER_ERROR_NOT_FOUND,
                       "unable to find required entrypoint 'TRITONBACKEND_ModelInstanceExecute' "
                       "in backend library: %s",
                       b->lib_path);
  return NULL;
}

TRITONSERVER_Error *backend_acquire(backend_registry *reg, const ModelConfig *config,
                                    const char *model_dir, uint64_t version,
                                    TRITONBACKEND_Backend **out)
{
  if (!config->backend[0])
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "must specify 'backend' for '%s'", config->name);
  TRITONSERVER_Error *err = NULL;
  char *path = find_library(reg, config, model_dir, version, &err);
  if (!path)
    return err;
  pthread_mutex_lock(&reg->mu);
  for (TRITONBACKEND_Backend *b = reg->backends; b; b = b->next) {
    if (strcmp(b->lib_path, path) == 0) {
      pthread_mutex_unlock(&reg->mu);
      free(path);
      *out = b;
      return NULL;
    }
  }
  /* Loading under the lock keeps Initialize once per library. */
  TRITONBACKEND_Backend *b = calloc(1, sizeof(*b));
  if (!b) {
    pthread_mutex_unlock(&reg->mu);
    free(path);
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  b->lib_path = path;
  b->name = strdup(config->backend);
  char *slash = strrchr(path, '/');
  b->dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
  b->policy = TRITONBACKEND_EXECUTION_BLOCKING;
  err = open_library(b);
  if (!err)
    err = backend_config_message(reg, b->name, &b->config);
  if (!err && b->initialize) {
    err = b->initialize(b);
  }
  if (!err && b->get_attribute) {
    TRITONBACKEND_BackendAttribute attr = {b};
    err = b->get_attribute(b, &attr);
  }
  if (err) {
    pthread_mutex_unlock(&reg->mu);
    backend_free(b);
    return err;
  }
  b->next = reg->backends;
  reg->backends = b;
  pthread_mutex_unlock(&reg->mu);
  CORE_LOG_INFO("loaded backend '%s' from %s", b->name, b->lib_path);
  *out = b;
  return NULL;
}

void backend_registry_finalize(backend_registry *reg)
{
  pthread_mutex_lock(&reg->mu);
  TRITONBACKEND_Backend *b = reg->backends;
  reg->backends = NULL;
  pthread_mutex_unlock(&reg->mu);
  while (b) {
    TRITONBACKEND_Backend *next = b->next;
    if (b->finalize) {
      TRITONSERVER_Error *err = b->finalize(b);
      if (err) {
        CORE_LOG_ERROR("backend '%s' finalize failed: %s", b->name, TRITONSERVER_ErrorMessage(err));
        TRITONSERVER_ErrorDelete(err);
      }
    }
    backend_free(b);
    b = next;
  }
  pthread_mutex_destroy(&reg->mu);
}

/* ---- TRITONBACKEND_Backend* ---- */

TRITONSERVER_Error *TRITONBACKEND_BackendName(TRITONBACKEND_Backend *backend, const char **name)
{
  UTIL_CHECK_ARG(backend && name, "non-NULL backend and name");
  *name = backend->name;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_BackendConfig(TRITONBACKEND_Backend *backend,
                                                 TRITONSERVER_Message **backend_config)
{
  UTIL_CHECK_ARG(backend && backend_config, "non-NULL backend and config out-pointer");
  *backend_config = backend->config; /* borrowed: owned by the backend object */
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_BackendExecutionPolicy(TRITONBACKEND_Backend *backend,
                                                          TRITONBACKEND_ExecutionPolicy *policy)
{
  UTIL_CHECK_ARG(backend && policy, "non-NULL backend and policy");
  *policy = backend->policy;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_BackendSetExecutionPolicy(TRITONBACKEND_Backend *backend,
                                                             TRITONBACKEND_ExecutionPolicy policy)
{
  UTIL_CHECK_ARG(backend, "non-NULL backend");
  backend->policy = policy;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_BackendArtifacts(TRITONBACKEND_Backend *backend,
                                                    TRITONBACKEND_ArtifactType *artifact_type,
                                                    const char **location)
{
  UTIL_CHECK_ARG(backend && artifact_type && location, "non-NULL backend, type and location");
  *artifact_type = TRITONBACKEND_ARTIFACT_FILESYSTEM;
  *location = backend->dir;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_BackendMemoryManager(TRITONBACKEND_Backend *backend,
                                                        TRITONBACKEND_MemoryManager **manager)
{
  UTIL_CHECK_ARG(backend && manager, "non-NULL backend and manager");
  *manager = &the_memory_manager;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_BackendState(TRITONBACKEND_Backend *backend, void **state)
{
  UTIL_CHECK_ARG(backend && state, "non-NULL backend and state");
  *state = backend->state;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_BackendSetState(TRITONBACKEND_Backend *backend, void *state)
{
  UTIL_CHECK_ARG(backend, "non-NULL backend");
  backend->state = state;
  return NULL;
}

/* ---- TRITONBACKEND_BackendAttribute* (valid only inside GetBackendAttribute) ---- */

TRITONSERVER_Error *TRITONBACKEND_BackendAttributeAddPreferredInstanceGroup(
    TRITONBACKEND_BackendAttribute *attributes, const TRITONSERVER_InstanceGroupKind kind,
    const uint64_t count, const uint64_t *device_ids, const uint64_t id_count)
{
  UTIL_CHECK_ARG(attributes && (device_ids || id_count == 0), "non-NULL attributes and device ids");
  TRITONBACKEND_Backend *b = attributes->backend;
  ModelInstanceGroup *grown =
      realloc(b->preferred_groups, (b->preferred_group_count + 1) * sizeof(*grown));
  if (!grown)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  b->preferred_groups = grown;
  ModelInstanceGroup *g = &grown[b->preferred_group_count];
  memset(g, 0, sizeof(*g));
  g->name = strdup("");
  g->host_policy = strdup("");
  switch (kind) {
  case TRITONSERVER_INSTANCEGROUPKIND_CPU: g->kind = MODEL_KIND_CPU; break;
  case TRITONSERVER_INSTANCEGROUPKIND_GPU: g->kind = MODEL_KIND_GPU; break;
  case TRITONSERVER_INSTANCEGROUPKIND_MODEL: g->kind = MODEL_KIND_MODEL; break;
  default: g->kind = MODEL_KIND_AUTO; break;
  }
  g->count = (int32_t)count;
  if (id_count) {
    g->gpus.items = calloc(id_count, sizeof(int32_t));
    if (g->gpus.items) {
      for (uint64_t i = 0; i < id_count; i++)
        g->gpus.items[i] = (int32_t)device_ids[i];
      g->gpus.count = id_count;
    }
  }
  b->preferred_group_count++;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_BackendAttributeSetParallelModelInstanceLoading(
    TRITONBACKEND_BackendAttribute *attributes, bool enabled)
{
  UTIL_CHECK_ARG(attributes, "non-NULL attributes");
  attributes->backend->parallel_instance_loading = enabled;
  return NULL;
}

/* ---- TRITONBACKEND_MemoryManager*: CPU and CPU_PINNED are plain heap memory here; GPU
 * memory can never be allocated by this host (UNSUPPORTED, the code's fixed meaning). ---- */

TRITONSERVER_Error *TRITONBACKEND_MemoryManagerAllocate(TRITONBACKEND_MemoryManager *manager,
                                                         void **buffer,
                                                         const TRITONSERVER_MemoryType memory_type,
                                                         const int64_t memory_type_id,
                                                         const uint64_t byte_size)
{
  (void)memory_type_id;
  UTIL_CHECK_ARG(manager && buffer, "non-NULL manager and buffer");
  if (memory_type != TRITONSERVER_MEMORY_CPU && memory_type != TRITONSERVER_MEMORY_CPU_PINNED)
    return util_errorf(TRITONSERVER_ERROR_UNSUPPORTED,
                       "memory type %s cannot be allocated by this CPU-only server",
                       TRITONSERVER_MemoryTypeString(memory_type));
  *buffer = malloc(byte_size ? byte_size : 1);
  if (!*buffer)
    return util_errorf(TRITONSERVER_ERROR_UNAVAILABLE, "unable to allocate %llu bytes of %s memory",
                       (unsigned long long)byte_size, TRITONSERVER_MemoryTypeString(memory_type));
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_MemoryManagerFree(TRITONBACKEND_MemoryManager *manager,
                                                     void *buffer,
                                                     const TRITONSERVER_MemoryType memory_type,
                                                     const int64_t memory_type_id)
{
  (void)memory_type_id;
  UTIL_CHECK_ARG(manager, "non-NULL manager");
  if (memory_type != TRITONSERVER_MEMORY_CPU && memory_type != TRITONSERVER_MEMORY_CPU_PINNED)
    return util_errorf(TRITONSERVER_ERROR_UNSUPPORTED, "memory type %s cannot be freed here",
                       TRITONSERVER_MemoryTypeString(memory_type));
  free(buffer);
  return NULL;
}
