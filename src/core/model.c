/* model.c — the lifecycle of one model version (TRITONBACKEND_Model) and the config
 * lookups the rest of the core uses.
 *
 * Model version state diagram (state_ guarded by model->mu; the function performing
 * each transition on the right):
 *
 *            model_load()                 (backend acquired, config normalized and
 *   ┌──────────────────────┐               validated, ModelInitialize, labels read,
 *   │      LOADING         │               instances initialized, scheduler created,
 *   └──┬───────────────┬───┘               warmup run, instance threads started)
 *      │ success       │ any error → teardown          model_load()
 *      ▼               ▼
 *   ┌───────┐      ┌─────────────┐
 *   │ READY │      │ UNAVAILABLE │  (reason kept by the model manager)
 *   └──┬────┘      └─────────────┘
 *      │ model_unload(): new requests now get UNAVAILABLE;
 *      ▼                 waits until in_flight == 0
 *   ┌───────────┐
 *   │ UNLOADING │  scheduler_stop → instance threads joined → InstanceFinalize (each)
 *   └──┬────────┘  → ModelFinalize
 *      ▼
 *   ┌─────────────┐
 *   │ UNAVAILABLE │  memory freed when the last reference (model_unref) goes:
 *   └─────────────┘  responses still held by the frontend keep a reference.
 *
 * Invariants: Execute runs only for warmup while LOADING (before any instance thread
 * starts), then while READY or UNLOADING-with-requests-in-flight;
 * in_flight counts requests between model_begin_request (InferAsync) and their release;
 * ModelSetConfig is accepted only while in_initialize. */
#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend_loader.h"
#include "core_util.h"
#include "cuda_devices.h"
#include "instance.h"
#include "log.h"
#include "order.h"
#include "response_cache.h"
#include "sequence.h"
#include "warmup.h"
#include "scheduler.h"
#include "server.h"

uint64_t model_version(const TRITONBACKEND_Model *model) { return model->version; }

/* Source of model->load_id: every load of any model gets a new one. */
static uint64_t last_load_id;

model_state model_get_state(TRITONBACKEND_Model *model)
{
  pthread_mutex_lock(&model->mu);
  model_state s = model->state_;
  pthread_mutex_unlock(&model->mu);
  return s;
}

static void set_state(TRITONBACKEND_Model *model, model_state s)
{
  pthread_mutex_lock(&model->mu);
  model->state_ = s;
  pthread_cond_broadcast(&model->cv);
  pthread_mutex_unlock(&model->mu);
}

void model_ref(TRITONBACKEND_Model *model) { __atomic_add_fetch(&model->refs, 1, __ATOMIC_ACQ_REL); }

static void labels_free(TRITONBACKEND_Model *model)
{
  for (size_t i = 0; i < model->label_count; i++) {
    for (size_t k = 0; k < model->labels[i].count; k++)
      free(model->labels[i].items[k]);
    free(model->labels[i].items);
  }
  free(model->labels);
  model->labels = NULL;
  model->label_count = 0;
}

void model_unref(TRITONBACKEND_Model *model)
{
  if (!model || __atomic_sub_fetch(&model->refs, 1, __ATOMIC_ACQ_REL) != 0)
    return;
  labels_free(model);
  order_tracker_free(model->order);
  sequence_batcher_free(model->sequences);
  model_config_free(model->config);
  stats_destroy(&model->stats);
  pthread_cond_destroy(&model->cv);
  pthread_mutex_destroy(&model->mu);
  free(model->name);
  free(model->model_dir);
  free(model);
}

TRITONSERVER_Error *model_begin_request(TRITONBACKEND_Model *model)
{
  pthread_mutex_lock(&model->mu);
  bool ready = model->state_ == MODEL_STATE_READY;
  if (ready)
    model->in_flight++;
  pthread_mutex_unlock(&model->mu);
  if (!ready)
    return util_errorf(TRITONSERVER_ERROR_UNAVAILABLE,
                       "Request for unknown model: '%s' version %llu is not at ready state",
                       model->name, (unsigned long long)model->version);
  return NULL;
}

void model_end_request(TRITONBACKEND_Model *model)
{
  pthread_mutex_lock(&model->mu);
  if (--model->in_flight == 0)
    pthread_cond_broadcast(&model->cv);
  pthread_mutex_unlock(&model->mu);
}

/* Reads each output's label file (lines) relative to the model directory. */
static TRITONSERVER_Error *labels_load(TRITONBACKEND_Model *model)
{
  const ModelOutputList *outs = &model->config->output;
  model->labels = calloc(outs->count ? outs->count : 1, sizeof(*model->labels));
  if (!model->labels)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  model->label_count = outs->count;
  for (size_t i = 0; i < outs->count; i++) {
    const char *file = outs->items[i].label_filename;
    if (!file || !file[0])
      continue;
    char *path = util_path_join(model->model_dir, file);
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) {
      TRITONSERVER_Error *err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                                            "unable to read label file '%s' of output '%s' of "
                                            "model '%s'",
                                            path ? path : file, outs->items[i].name, model->name);
      free(path);
      return err;
    }
    free(path);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    model_labels *l = &model->labels[i];
    while ((n = getline(&line, &cap, f)) >= 0) {
      while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
      char **grown = realloc(l->items, (l->count + 1) * sizeof(char *));
      if (!grown)
        break;
      l->items = grown;
      l->items[l->count++] = strdup(line);
    }
    free(line);
    fclose(f);
  }
  return NULL;
}

TRITONSERVER_Error *model_normalize_and_validate(TRITONBACKEND_Model *model, ModelConfig *config)
{
  ModelNormalizeOptions opts = {0};
  opts.model_name = model->name;
  opts.gpu_count = cuda_device_count();
  double min_capability = model->server ? model->server->options->min_compute_capability : 6.0;
  opts.unsupported_gpus = cuda_devices_below(min_capability);
  opts.preferred_groups = model->backend ? model->backend->preferred_groups : NULL;
  opts.preferred_group_count = model->backend ? model->backend->preferred_group_count : 0;
  opts.resolve_instance_groups = true;
  model_config_normalize(config, &opts);
  char *why = NULL;
  if (model_config_validate(config, model->name, opts.gpu_count, &why) != 0 ||
      model_config_validate_supported_gpus(config, model->name, opts.gpu_count,
                                           opts.unsupported_gpus, min_capability, &why) != 0) {
    TRITONSERVER_Error *err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "%s",
                                          why ? why : "invalid model configuration");
    free(why);
    return err;
  }
  return NULL;
}

/* Decides whether requests of the model use the server's response cache (after
 * ModelInitialize, which may have changed the config). Decoupled and sequence-batched
 * models with response_cache enabled never get here: validation refuses them. */
static void enable_response_cache(TRITONBACKEND_Model *model)
{
  const ModelConfig *cfg = model->config;
  if (!cfg->has_response_cache || !cfg->response_cache.enable)
    return;
  if (model->server && model->server->response_cache) {
    model->response_cache_enabled = true;
    return;
  }
  CORE_LOG_WARN("model '%s' version %llu enables response_cache, but the server has no cache "
                "(start it with --cache-config=local,size=<bytes>): its responses are not "
                "cached",
                model->name, (unsigned long long)model->version);
}

/* Stops and finalizes whatever model_load created. */
static void teardown(TRITONBACKEND_Model *model)
{
  if (model->scheduler)
    scheduler_stop(model->scheduler);
  instances_join(model);
  instances_finalize(model);
  if (model->initialized && model->backend->model_finalize) {
    TRITONSERVER_Error *err = model->backend->model_finalize(model);
    if (err) {
      CORE_LOG_ERROR("failed to finalize model '%s' version %llu: %s", model->name,
                     (unsigned long long)model->version, TRITONSERVER_ErrorMessage(err));
      TRITONSERVER_ErrorDelete(err);
    }
  }
  model->initialized = false;
  scheduler_free(model->scheduler);
  model->scheduler = NULL;
  /* Its cached results can never be asked for again (keys name the load). */
  if (model->server)
    response_cache_purge(model->server->response_cache, model->load_id);
  set_state(model, MODEL_STATE_UNAVAILABLE);
}

TRITONSERVER_Error *model_load(TRITONSERVER_Server *server, const char *name, uint64_t version,
                               const char *model_dir, ModelConfig *config,
                               TRITONBACKEND_Model **out)
{
  TRITONBACKEND_Model *model = calloc(1, sizeof(*model));
  if (!model) {
    model_config_free(config);
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  model->server = server;
  model->name = strdup(name);
  model->version = version;
  model->model_dir = strdup(model_dir);
  model->config = config;
  model->refs = 1;
  model->load_id = __atomic_add_fetch(&last_load_id, 1, __ATOMIC_RELAXED);
  model->state_ = MODEL_STATE_LOADING;
  pthread_mutex_init(&model->mu, NULL);
  pthread_condattr_t attr; /* unload waits against steady-clock deadlines */
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&model->cv, &attr);
  pthread_condattr_destroy(&attr);
  stats_init(&model->stats);
  const TRITONSERVER_ServerOptions *o = server_options(server);
  model->auto_complete_config = o ? !o->strict_model_config : false;

  TRITONSERVER_Error *err = NULL;
  if (options_summary_latencies(o) && !stats_enable_summaries(&model->stats))
    err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  if (!err && (!model->name || !model->model_dir))
    err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  if (!err)
    err = backend_acquire(&server->backends, config, model_dir, version, &model->backend);
  if (!err)
    err = model_normalize_and_validate(model, model->config);
  if (!err && model->backend->model_initialize) {
    model->in_initialize = true;
    err = model->backend->model_initialize(model);
    model->in_initialize = false;
  }
  if (!err)
    model->initialized = true;
  if (!err)
    err = labels_load(model);
  if (!err)
    enable_response_cache(model);
  if (!err && model->config->has_dynamic_batching &&
      model->config->dynamic_batching.preserve_ordering && !(model->order = order_tracker_new()))
    err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  if (!err && model->config->has_sequence_batching &&
      !(model->sequences = sequence_batcher_new(model->config, model->name, model->model_dir, &err)) &&
      !err)
    err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "unable to create the sequence batcher");
  if (!err)
    err = instances_create(model);
  if (!err && !(model->scheduler = scheduler_new(model, &err)) && !err)
    err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "unable to create scheduler");
  if (!err)
    err = warmup_run(model);
  if (!err)
    err = instances_start(model);
  if (err) {
    teardown(model);
    model_unref(model);
    return err;
  }
  set_state(model, MODEL_STATE_READY);
  CORE_LOG_INFO("successfully loaded '%s' version %llu", name, (unsigned long long)version);
  *out = model;
  return NULL;
}

bool model_unload(TRITONBACKEND_Model *model, uint64_t deadline_ns)
{
  pthread_mutex_lock(&model->mu);
  /* UNLOADING here means an earlier unload gave up at its deadline: finish it now. */
  if (model->state_ != MODEL_STATE_READY && model->state_ != MODEL_STATE_UNLOADING) {
    pthread_mutex_unlock(&model->mu);
    return true;
  }
  model->state_ = MODEL_STATE_UNLOADING;
  struct timespec until = {(time_t)(deadline_ns / 1000000000ull), (long)(deadline_ns % 1000000000ull)};
  while (model->in_flight > 0) {
    if (!deadline_ns) {
      pthread_cond_wait(&model->cv, &model->mu);
    } else if (pthread_cond_timedwait(&model->cv, &model->mu, &until) == ETIMEDOUT &&
               model->in_flight > 0) {
      uint64_t left = model->in_flight;
      pthread_mutex_unlock(&model->mu);
      CORE_LOG_WARN("exit timeout: '%s' version %llu still has %llu request(s) in flight; "
                    "not unloaded",
                    model->name, (unsigned long long)model->version, (unsigned long long)left);
      return false;
    }
  }
  pthread_mutex_unlock(&model->mu);
  teardown(model);
  CORE_LOG_INFO("successfully unloaded '%s' version %llu", model->name,
                (unsigned long long)model->version);
  return true;
}

int model_output_index(TRITONBACKEND_Model *model, const char *name)
{
  const ModelOutputList *outs = &model->config->output;
  for (size_t i = 0; i < outs->count; i++)
    if (strcmp(outs->items[i].name, name) == 0)
      return (int)i;
  return -1;
}

TRITONSERVER_Error *model_output_client_shape(TRITONBACKEND_Model *model, int index,
                                              const int64_t *shape, uint32_t dims_count,
                                              int64_t **out, uint32_t *out_count)
{
  const ModelOutput *cfg = &model->config->output.items[index];
  bool batching = model->config->max_batch_size > 0;
  size_t batch_dims = batching && dims_count > 0 ? 1 : 0;
  const int64_t *src = shape;
  size_t n = dims_count;
  int64_t *filled = NULL;
  if (cfg->has_reshape) {
    /* Undo reshape: [batch] + dims, a single -1 in dims filled from the element count. */
    int64_t elements = util_element_count(shape + batch_dims, dims_count - batch_dims);
    int64_t known = 1;
    int wildcards = 0;
    for (size_t i = 0; i < cfg->dims.count; i++) {
      if (cfg->dims.items[i] < 0)
        wildcards++;
      else
        known *= cfg->dims.items[i];
    }
    if (wildcards <= 1 && elements >= 0) {
      n = batch_dims + cfg->dims.count;
      filled = malloc((n ? n : 1) * sizeof(int64_t));
      if (!filled)
        return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
      if (batch_dims)
        filled[0] = shape[0];
      for (size_t i = 0; i < cfg->dims.count; i++)
        filled[batch_dims + i] =
            cfg->dims.items[i] < 0 ? (known ? elements / known : 0) : cfg->dims.items[i];
      *out = filled;
      *out_count = (uint32_t)n;
      return NULL;
    }
  }
  int64_t *copy = malloc((n ? n : 1) * sizeof(int64_t));
  if (!copy)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  if (n)
    memcpy(copy, src, n * sizeof(int64_t));
  *out = copy;
  *out_count = (uint32_t)n;
  return NULL;
}

const char *model_output_label(TRITONBACKEND_Model *model, int index, size_t class_index)
{
  if (index < 0 || (size_t)index >= model->label_count)
    return NULL;
  const model_labels *l = &model->labels[index];
  return class_index < l->count ? l->items[class_index] : NULL;
}
