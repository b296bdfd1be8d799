/* server.c — TRITONSERVER_Server*: creating and stopping the server, liveness and
 * readiness, server/model metadata, model index, explicit load/unload, model config,
 * statistics, batch/transaction properties and repository polling. The work is done by
 * the model manager (model_manager.c); this file is the public API around it and renders
 * the JSON messages of triton-api.md §4. */
#include "server.h"

#include "torchd/torchd_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_util.h"
#include "cpu_metrics.h"
#include "file_override.h"
#include "gpu_metrics.h"
#include "log.h"
#include "message.h"
#include "parameter.h"
#include "repository.h"
#include "response_cache.h"

static const char SERVER_VERSION[] = "2.73.0dev";
static const char *const EXTENSIONS[] = {
    "classification", "sequence", "model_repository", "model_repository(unload_dependents)",
    "schedule_policy", "model_configuration", "system_shared_memory", "cuda_shared_memory",
    "binary_tensor_data", "parameters", "statistics", "trace", "logging"};

const TRITONSERVER_ServerOptions *server_options(const TRITONSERVER_Server *server)
{
  return server ? server->options : NULL;
}

TRITONSERVER_Error *TRITONSERVER_ApiVersion(uint32_t *major, uint32_t *minor)
{
  UTIL_CHECK_ARG(major && minor, "non-NULL major and minor");
  *major = TRITONSERVER_API_VERSION_MAJOR;
  *minor = TRITONSERVER_API_VERSION_MINOR;
  return NULL;
}

TRITONSERVER_Error *TRITONBACKEND_ApiVersion(uint32_t *major, uint32_t *minor)
{
  UTIL_CHECK_ARG(major && minor, "non-NULL major and minor");
  *major = TRITONBACKEND_API_VERSION_MAJOR;
  *minor = TRITONBACKEND_API_VERSION_MINOR;
  return NULL;
}

static void server_free(TRITONSERVER_Server *s)
{
  manager_destroy(&s->models);
  response_cache_free(s->response_cache); /* after the models: unloads purge it */
  backend_registry_finalize(&s->backends);
  TRITONSERVER_ServerOptionsDelete(s->options);
  free(s);
}

TRITONSERVER_Error *TRITONSERVER_ServerNew(TRITONSERVER_Server **server,
                                           TRITONSERVER_ServerOptions *options)
{
  UTIL_CHECK_ARG(server && options, "non-NULL server out-pointer and options");
  if (options->repository_path_count == 0)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "--model-repository must be specified");
  /* Triton's namespacing keys models by (repository, name) so that ensembles of each
   * repository see their own models; over the API an ambiguous name is refused anyway.
   * This core identifies a model by its name alone (a name found in two repositories is
   * an error, as in Triton without namespacing), so it says no instead of pretending. */
  if (options->model_namespacing)
    return util_errorf(TRITONSERVER_ERROR_UNSUPPORTED,
                       "--model-namespacing=true is not supported: torchd identifies a model by "
                       "its name alone, and a model name found in more than one repository is "
                       "refused as not unique; give such models distinct names (or serve the "
                       "repositories from separate servers) and leave model namespacing off");
  TRITONSERVER_Server *s = calloc(1, sizeof(*s));
  if (!s)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  TRITONSERVER_Error *err = options_clone(options, &s->options);
  if (err) {
    free(s);
    return err;
  }
  s->exit_timeout_seconds = s->options->exit_timeout_seconds;
  if ((err = response_cache_new(s->options, &s->response_cache))) {
    TRITONSERVER_ServerOptionsDelete(s->options);
    free(s);
    return err;
  }
  if (s->options->metrics && s->options->cpu_metrics)
    cpu_metrics_start(); /* the first utilization covers the time since start */
  backend_registry_init(&s->backends, s->options);
  if (s->options->metrics && s->options->gpu_metrics)
    gpu_metrics_start(); /* the zero of nv_energy_consumption is the server's start */
  manager_init(&s->models, s);
  err = manager_startup(&s->models);
  if (err) {
    if (s->options->exit_on_error) {
      manager_shutdown(&s->models, 0);
      server_free(s);
      return err;
    }
    CORE_LOG_ERROR("%s", TRITONSERVER_ErrorMessage(err));
    TRITONSERVER_ErrorDelete(err);
  }
  *server = s;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_ServerStop(TRITONSERVER_Server *server)
{
  UTIL_CHECK_ARG(server, "non-NULL server");
  if (__atomic_exchange_n(&server->stopped, true, __ATOMIC_ACQ_REL))
    return NULL;
  /* In-flight requests get exit_timeout seconds to finish (Triton's --exit-timeout-secs). */
  uint64_t deadline = util_now_ns() + (uint64_t)server->exit_timeout_seconds * 1000000000ull;
  if (manager_shutdown(&server->models, deadline) > 0) {
    server->abandoned = true;
    return util_errorf(TRITONSERVER_ERROR_UNAVAILABLE,
                       "Exit timeout expired. Exiting immediately.");
  }
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_ServerDelete(TRITONSERVER_Server *server)
{
  if (!server)
    return NULL;
  TRITONSERVER_Error *err = TRITONSERVER_ServerStop(server);
  if (err)
    TRITONSERVER_ErrorDelete(err);
  /* Models abandoned at the exit timeout may still run on their threads and use their
   * backends: unless they have finished meanwhile, nothing is finalized or freed (the
   * process is exiting). */
  if (!server->abandoned || manager_reap_abandoned(&server->models) == 0)
    server_free(server);
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_ServerSetExitTimeout(TRITONSERVER_Server *server,
                                                      unsigned int timeout)
{
  UTIL_CHECK_ARG(server, "non-NULL server");
  server->exit_timeout_seconds = timeout;
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_ServerIsLive(TRITONSERVER_Server *server, bool *live)
{
  UTIL_CHECK_ARG(server && live, "non-NULL server and live");
  *live = !__atomic_load_n(&server->stopped, __ATOMIC_ACQUIRE);
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_ServerIsReady(TRITONSERVER_Server *server, bool *ready)
{
  UTIL_CHECK_ARG(server && ready, "non-NULL server and ready");
  *ready = !__atomic_load_n(&server->stopped, __ATOMIC_ACQUIRE) &&
           (!server->options->strict_readiness || manager_all_ready(&server->models));
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_ServerModelIsReady(TRITONSERVER_Server *server,
                                                    const char *model_name,
                                                    const int64_t model_version, bool *ready)
{
  UTIL_CHECK_ARG(server && model_name && ready, "non-NULL server, model name and ready");
  TRITONBACKEND_Model *model = NULL;
  TRITONSERVER_Error *err =
      manager_get_model(&server->models, model_name, model_version, &model);
  *ready = false;
  if (err) {
    /* An unknown model, or a version of it that is not loaded, is an error (HTTP 404, as
     * Triton answers); a loaded version that is not ready is simply not ready. */
    if (TRITONSERVER_ErrorCode(err) == TRITONSERVER_ERROR_NOT_FOUND)
      return err;
    TRITONSERVER_ErrorDelete(err);
    return NULL;
  }
  /* Ask the backend too (TRITONBACKEND_ModelInstanceReady), instance by instance. The
   * model mutex keeps an unload from tearing the instances down meanwhile. */
  pthread_mutex_lock(&model->mu);
  *ready = model->state_ == MODEL_STATE_READY;
  backend_instance_fn_t instance_ready = model->backend->instance_ready;
  for (size_t i = 0; *ready && instance_ready && i < model->instance_count; i++) {
    TRITONSERVER_Error *not_ready = instance_ready(model->instances[i]);
    if (not_ready) {
      *ready = false;
      TRITONSERVER_ErrorDelete(not_ready);
    }
  }
  pthread_mutex_unlock(&model->mu);
  model_unref(model);
  return NULL;
}

static TRITONSERVER_Error *json_message(TRITONSERVER_Message **out, json_object *obj)
{
  TRITONSERVER_Error *err = message_new_from_json_object(out, obj);
  json_object_put(obj);
  return err;
}

TRITONSERVER_Error *TRITONSERVER_ServerMetadata(TRITONSERVER_Server *server,
                                                TRITONSERVER_Message **server_metadata)
{
  UTIL_CHECK_ARG(server && server_metadata, "non-NULL server and message out-pointer");
  json_object *o = json_object_new_object();
  const char *id = server->options->server_id;
  json_object_object_add(o, "name", json_object_new_string(id && id[0] ? id : "triton"));
  json_object_object_add(o, "version", json_object_new_string(SERVER_VERSION));
  json_object *ext = json_object_new_array();
  for (size_t i = 0; i < sizeof(EXTENSIONS) / sizeof(EXTENSIONS[0]); i++)
    json_object_array_add(ext, json_object_new_string(EXTENSIONS[i]));
  json_object_object_add(o, "extensions", ext);
  return json_message(server_metadata, o);
}

static json_object *tensor_json(const char *name, ModelDataType dtype, const ModelInt64List *dims,
                                bool batching)
{
  json_object *t = json_object_new_object();
  json_object_object_add(t, "name", json_object_new_string(name));
  json_object_object_add(t, "datatype", json_object_new_string(model_data_type_protocol_name(dtype)));
  json_object *shape = json_object_new_array();
  if (batching)
    json_object_array_add(shape, json_object_new_int64(-1));
  for (size_t i = 0; i < dims->count; i++)
    json_object_array_add(shape, json_object_new_int64(dims->items[i]));
  json_object_object_add(t, "shape", shape);
  return t;
}

TRITONSERVER_Error *TRITONSERVER_ServerModelMetadata(TRITONSERVER_Server *server,
                                                     const char *model_name,
                                                     const int64_t model_version,
                                                     TRITONSERVER_Message **model_metadata)
{
  UTIL_CHECK_ARG(server && model_name && model_metadata, "non-NULL server, model name and message");
  TRITONBACKEND_Model *model = NULL;
  TRITONSERVER_Error *err = manager_get_model(&server->models, model_name, model_version, &model);
  if (err)
    return err;
  const ModelConfig *cfg = model->config;
  json_object *o = json_object_new_object();
  json_object_object_add(o, "name", json_object_new_string(model->name));
  json_object *versions = json_object_new_array();
  char vb[32];
  if (model_version >= 0) {
    snprintf(vb, sizeof(vb), "%lld", (long long)model_version);
    json_object_array_add(versions, json_object_new_string(vb));
  } else {
    int64_t *ready = NULL;
    size_t n = 0;
    TRITONSERVER_Error *e = manager_ready_versions(&server->models, model_name, &ready, &n);
    if (e)
      TRITONSERVER_ErrorDelete(e);
    for (size_t i = 0; i < n; i++) {
      snprintf(vb, sizeof(vb), "%lld", (long long)ready[i]);
      json_object_array_add(versions, json_object_new_string(vb));
    }
    free(ready);
  }
  json_object_object_add(o, "versions", versions);
  json_object_object_add(o, "platform",
                         json_object_new_string(cfg->platform[0] ? cfg->platform : cfg->backend));
  bool batching = cfg->max_batch_size > 0;
  json_object *inputs = json_object_new_array();
  for (size_t i = 0; i < cfg->input.count; i++)
    json_object_array_add(inputs, tensor_json(cfg->input.items[i].name, cfg->input.items[i].data_type,
                                              &cfg->input.items[i].dims, batching));
  json_object_object_add(o, "inputs", inputs);
  json_object *outputs = json_object_new_array();
  for (size_t i = 0; i < cfg->output.count; i++)
    json_object_array_add(outputs, tensor_json(cfg->output.items[i].name,
                                               cfg->output.items[i].data_type,
                                               &cfg->output.items[i].dims, batching));
  json_object_object_add(o, "outputs", outputs);
  model_unref(model);
  return json_message(model_metadata, o);
}

TRITONSERVER_Error *TRITONSERVER_ServerModelConfig(TRITONSERVER_Server *server,
                                                   const char *model_name,
                                                   const int64_t model_version,
                                                   const uint32_t config_version,
                                                   TRITONSERVER_Message **model_config)
{
  UTIL_CHECK_ARG(server && model_name && model_config, "non-NULL server, model name and message");
  if (config_version != 1)
    return util_errorf(TRITONSERVER_ERROR_UNSUPPORTED,
                       "model configuration version %u not supported, supported versions are: 1",
                       config_version);
  TRITONBACKEND_Model *model = NULL;
  TRITONSERVER_Error *err = manager_get_model(&server->models, model_name, model_version, &model);
  if (err)
    return err;
  char *json = model_config_to_json(model->config);
  model_unref(model);
  if (!json)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "unable to render the configuration of '%s'",
                       model_name);
  return message_new_take(model_config, json, strlen(json));
}

static void add_stats(TRITONBACKEND_Model *model, void *userp)
{
  json_object_array_add((json_object *)userp, stats_to_json(&model->stats, model->name, model->version));
}

TRITONSERVER_Error *TRITONSERVER_ServerModelStatistics(TRITONSERVER_Server *server,
                                                       const char *model_name,
                                                       const int64_t model_version,
                                                       TRITONSERVER_Message **model_stats)
{
  UTIL_CHECK_ARG(server && model_name && model_stats, "non-NULL server, model name and message");
  json_object *list = json_object_new_array();
  if (!model_name[0]) {
    manager_for_each_ready(&server->models, NULL, add_stats, list);
  } else {
    /* As Triton's TRITONSERVER_ServerModelStatistics: the ready versions decide; an
     * unknown model simply has none. */
    int64_t *ready = NULL;
    size_t ready_count = 0;
    TRITONSERVER_Error *err =
        manager_ready_versions(&server->models, model_name, &ready, &ready_count);
    if (err && TRITONSERVER_ErrorCode(err) == TRITONSERVER_ERROR_NOT_FOUND) {
      TRITONSERVER_ErrorDelete(err);
      err = NULL;
      ready_count = 0;
    }
    bool found = model_version < 0 && ready_count > 0;
    for (size_t i = 0; i < ready_count; i++)
      found = found || ready[i] == model_version;
    free(ready);
    if (!err && ready_count == 0)
      err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "requested model '%s' is not available",
                        model_name);
    else if (!err && !found)
      err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                        "requested model version is not available for model '%s'", model_name);
    TRITONBACKEND_Model *model = NULL;
    if (!err)
      err = manager_get_model(&server->models, model_name, model_version, &model);
    if (err) {
      json_object_put(list);
      return err;
    }
    if (model_version >= 0)
      add_stats(model, list);
    else
      manager_for_each_ready(&server->models, model_name, add_stats, list);
    model_unref(model);
  }
  json_object *o = json_object_new_object();
  json_object_object_add(o, "model_stats", list);
  return json_message(model_stats, o);
}

TRITONSERVER_Error *TRITONSERVER_ServerModelIndex(TRITONSERVER_Server *server, uint32_t flags,
                                                  TRITONSERVER_Message **model_index)
{
  UTIL_CHECK_ARG(server && model_index, "non-NULL server and message");
  bool ready_only = (flags & TRITONSERVER_INDEX_FLAG_READY) != 0;
  return json_message(model_index, manager_index_json(&server->models, ready_only));
}

static TRITONSERVER_Error *check_explicit(TRITONSERVER_Server *server)
{
  if (server->options->control_mode != TRITONSERVER_MODEL_CONTROL_EXPLICIT)
    return util_errorf(TRITONSERVER_ERROR_UNAVAILABLE,
                       "explicit model load / unload is not allowed if polling is enabled");
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_ServerLoadModelWithParameters(
    TRITONSERVER_Server *server, const char *model_name,
    const TRITONSERVER_Parameter **parameters, const uint64_t parameter_count)
{
  UTIL_CHECK_ARG(server && model_name && (parameters || parameter_count == 0),
            "non-NULL server, model name and parameters");
  TRITONSERVER_Error *err = check_explicit(server);
  if (err)
    return err;
  const char *config_json = NULL;
  bool has_files = false;
  for (uint64_t i = 0; i < parameter_count; i++) {
    const TRITONSERVER_Parameter *p = parameters[i];
    if (!p || !p->name)
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "load parameter %llu is NULL",
                         (unsigned long long)i);
    if (strcmp(p->name, "config") == 0) {
      if (p->type != TRITONSERVER_PARAMETER_STRING)
        return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                           "load parameter 'config' must be a STRING holding model config JSON, "
                           "got %s",
                           TRITONSERVER_ParameterTypeString(p->type));
      config_json = p->value.string_value;
    } else if (strncmp(p->name, "file:", 5) == 0) {
      has_files = true;
    } else {
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                         "unrecognized load parameter '%s': expected 'config' or 'file:<path>'",
                         p->name);
    }
  }
  if (!has_files)
    return manager_load(&server->models, model_name, config_json);
  /* Files with the request (Triton's model file override): they form the model's
   * directory in a private temporary repository, and need the config to come along. */
  if (!config_json)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "Load parameter 'config' must be specified for model file override");
  if (!repo_valid_model_name(model_name, strlen(model_name)))
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "failed to load '%s': invalid model name",
                       model_name);
  char *repository = NULL;
  err = file_override_create(model_name, parameters, (size_t)parameter_count, &repository);
  if (err)
    return err;
  return manager_load_files(&server->models, model_name, repository, config_json);
}

TRITONSERVER_Error *TRITONSERVER_ServerLoadModel(TRITONSERVER_Server *server,
                                                 const char *model_name)
{
  return TRITONSERVER_ServerLoadModelWithParameters(server, model_name, NULL, 0);
}

TRITONSERVER_Error *TRITONSERVER_ServerUnloadModel(TRITONSERVER_Server *server,
                                                   const char *model_name)
{
  UTIL_CHECK_ARG(server && model_name, "non-NULL server and model name");
  TRITONSERVER_Error *err = check_explicit(server);
  if (err)
    return err;
  return manager_unload(&server->models, model_name);
}

TRITONSERVER_Error *TRITONSERVER_ServerUnloadModelAndDependents(TRITONSERVER_Server *server,
                                                                const char *model_name)
{
  /* No ensembles: a model has no dependents. */
  return TRITONSERVER_ServerUnloadModel(server, model_name);
}

TRITONSERVER_Error *TRITONSERVER_ServerPollModelRepository(TRITONSERVER_Server *server)
{
  UTIL_CHECK_ARG(server, "non-NULL server");
  if (server->options->control_mode != TRITONSERVER_MODEL_CONTROL_POLL)
    return util_errorf(TRITONSERVER_ERROR_UNAVAILABLE,
                       "polling the model repository is only allowed in POLL model control mode");
  return manager_poll(&server->models);
}

TRITONSERVER_Error *TRITONSERVER_ServerRegisterModelRepository(
    TRITONSERVER_Server *server, const char *repository_path,
    const TRITONSERVER_Parameter **name_mapping, const uint32_t mapping_count)
{
  UTIL_CHECK_ARG(server && repository_path && (name_mapping || mapping_count == 0),
            "non-NULL server, repository path and name mapping");
  if (mapping_count > 0)
    return util_errorf(TRITONSERVER_ERROR_UNSUPPORTED,
                       "model name mapping is not supported when registering repository '%s'",
                       repository_path);
  return manager_register_repository(&server->models, repository_path);
}

TRITONSERVER_Error *TRITONSERVER_ServerUnregisterModelRepository(TRITONSERVER_Server *server,
                                                                 const char *repository_path)
{
  UTIL_CHECK_ARG(server && repository_path, "non-NULL server and repository path");
  return manager_unregister_repository(&server->models, repository_path);
}

TRITONSERVER_Error *TRITONSERVER_ServerModelBatchProperties(TRITONSERVER_Server *server,
                                                            const char *model_name,
                                                            const int64_t model_version,
                                                            uint32_t *flags, void **voidp)
{
  UTIL_CHECK_ARG(server && model_name && flags, "non-NULL server, model name and flags");
  TRITONBACKEND_Model *model = NULL;
  TRITONSERVER_Error *err = manager_get_model(&server->models, model_name, model_version, &model);
  if (err)
    return err;
  *flags = model->config->max_batch_size > 0 ? TRITONSERVER_BATCH_FIRST_DIM
                                             : TRITONSERVER_BATCH_UNKNOWN;
  if (voidp)
    *voidp = NULL;
  model_unref(model);
  return NULL;
}

TRITONSERVER_Error *TRITONSERVER_ServerModelTransactionProperties(TRITONSERVER_Server *server,
                                                                  const char *model_name,
                                                                  const int64_t model_version,
                                                                  uint32_t *txn_flags, void **voidp)
{
  UTIL_CHECK_ARG(server && model_name && txn_flags, "non-NULL server, model name and flags");
  TRITONBACKEND_Model *model = NULL;
  TRITONSERVER_Error *err = manager_get_model(&server->models, model_name, model_version, &model);
  if (err)
    return err;
  const ModelConfig *cfg = model->config;
  bool decoupled = cfg->has_model_transaction_policy && cfg->model_transaction_policy.decoupled;
  *txn_flags = decoupled ? TRITONSERVER_TXN_DECOUPLED : TRITONSERVER_TXN_ONE_TO_ONE;
  if (voidp)
    *voidp = NULL;
  model_unref(model);
  return NULL;
}

/* ---- torchd extensions (include/torchd/torchd_server.h) ---------------------------- */

TRITONSERVER_Error *TORCHD_ServerSetClientsWaitingQuery(TRITONSERVER_Server *server,
                                                       bool (*all_waiting)(void *userp),
                                                       void *userp)
{
  if (server == NULL)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "TORCHD_ServerSetClientsWaitingQuery: expected a server, got NULL");
  server->clients_all_waiting_userp = userp;
  server->clients_all_waiting = all_waiting;
  return NULL;
}

bool server_clients_all_waiting(const TRITONSERVER_Server *server)
{
  return server && server->clients_all_waiting &&
         server->clients_all_waiting(server->clients_all_waiting_userp);
}
