/* instance.c — model instances: creation from the normalized instance_group, the
 * host-policy message, one execution thread per instance, and the Execute ownership
 * rule of spec §0 item 9.
 *
 * Each instance thread loops: take a batch from the model's scheduler, call
 * TRITONBACKEND_ModelInstanceExecute with it. Only that thread ever calls Execute for
 * its instance, so two executes never overlap on one instance. If Execute returns an
 * error, the host still owns every request of the batch: it sends each an error
 * response and releases it. If Execute returns NULL the backend owns them and releases
 * each with TRITONBACKEND_RequestRelease. */
#include "instance.h"

#include <stdlib.h>
#include <string.h>

#include "backend_loader.h"
#include "core_util.h"
#include "log.h"
#include "model.h"
#include "scheduler.h"

static TRITONSERVER_InstanceGroupKind api_kind(ModelInstanceKind kind)
{
  switch (kind) {
  case MODEL_KIND_GPU: return TRITONSERVER_INSTANCEGROUPKIND_GPU;
  case MODEL_KIND_MODEL: return TRITONSERVER_INSTANCEGROUPKIND_MODEL;
  default: return TRITONSERVER_INSTANCEGROUPKIND_CPU; /* AUTO is resolved to CPU here */
  }
}

/* Creates one instance (not yet initialized). NULL on OOM. */
static TRITONBACKEND_ModelInstance *instance_new(TRITONBACKEND_Model *model,
                                                 const ModelInstanceGroup *group, int k,
                                                 int32_t device_id, TRITONSERVER_Error **err)
{
  TRITONBACKEND_ModelInstance *inst = calloc(1, sizeof(*inst));
  if (!inst) {
    *err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    return NULL;
  }
  inst->model = model;
  inst->kind = api_kind(group->kind);
  inst->device_id = inst->kind == TRITONSERVER_INSTANCEGROUPKIND_GPU ? device_id : 0;
  inst->passive = group->passive;
  inst->name = util_strdupf("%s_%d", group->name, k);
  char *policy_name;
  if (group->host_policy && group->host_policy[0])
    policy_name = strdup(group->host_policy);
  else if (inst->kind == TRITONSERVER_INSTANCEGROUPKIND_GPU)
    policy_name = util_strdupf("gpu_%d", inst->device_id);
  else if (inst->kind == TRITONSERVER_INSTANCEGROUPKIND_MODEL)
    policy_name = strdup("model");
  else
    policy_name = strdup("cpu");
  /* {"<policy>":{<settings from --host-policy>}} */
  json_object *settings = json_object_new_object();
  const TRITONSERVER_ServerOptions *o = server_options(model->server);
  for (size_t i = 0; o && policy_name && i < o->host_policies.count; i++) {
    const options_setting *s = &o->host_policies.items[i];
    if (s->group && strcmp(s->group, policy_name) == 0)
      json_object_object_add(settings, s->setting, json_object_new_string(s->value));
  }
  json_object *root = json_object_new_object();
  json_object_object_add(root, policy_name ? policy_name : "cpu", settings);
  size_t len = 0;
  const char *text = json_object_to_json_string_length(root, JSON_C_TO_STRING_PLAIN, &len);
  *err = TRITONSERVER_MessageNewFromSerializedJson(&inst->host_policy, text, len);
  json_object_put(root);
  free(policy_name);
  if (*err || !inst->name) {
    instance_free(inst);
    if (!*err)
      *err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    return NULL;
  }
  return inst;
}

void instance_free(TRITONBACKEND_ModelInstance *inst)
{
  if (!inst)
    return;
  if (inst->host_policy)
    TRITONSERVER_MessageDelete(inst->host_policy);
  free(inst->name);
  free(inst);
}

TRITONSERVER_Error *instances_create(TRITONBACKEND_Model *model)
{
  const ModelInstanceGroupList *groups = &model->config->instance_group;
  TRITONBACKEND_Backend *backend = model->backend;
  for (size_t g = 0; g < groups->count; g++) {
    const ModelInstanceGroup *group = &groups->items[g];
    size_t devices = group->kind == MODEL_KIND_GPU && group->gpus.count ? group->gpus.count : 1;
    for (size_t d = 0; d < devices; d++) {
      int32_t device_id = group->kind == MODEL_KIND_GPU && group->gpus.count ? group->gpus.items[d] : 0;
      for (int k = 0; k < group->count; k++) {
        TRITONSERVER_Error *err = NULL;
        TRITONBACKEND_ModelInstance *inst = instance_new(model, group, k, device_id, &err);
        if (!inst)
          return err;
        TRITONBACKEND_ModelInstance **grown =
            realloc(model->instances, (model->instance_count + 1) * sizeof(*grown));
        if (!grown) {
          instance_free(inst);
          return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
        }
        model->instances = grown;
        inst->index = model->instance_count;
        grown[model->instance_count++] = inst;
        if (backend->instance_initialize) {
          err = backend->instance_initialize(inst);
          if (err)
            return err;
        }
        inst->initialized = true;
        CORE_LOG_VERBOSE(1, "initialized instance '%s' of model '%s' version %llu", inst->name,
                         model->name, (unsigned long long)model->version);
      }
    }
  }
  if (model->instance_count == 0)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "model '%s' has no instances: instance_group count must be >= 1",
                       model->name);
  return NULL;
}

void instance_execute_batch(TRITONBACKEND_ModelInstance *inst, sched_batch *batch)
{
  TRITONBACKEND_Model *model = inst->model;
  /* Requests cancelled while queued are answered CANCELLED instead of executed. */
  uint32_t kept = 0;
  for (uint32_t i = 0; i < batch->count; i++) {
    TRITONSERVER_InferenceRequest *r = batch->requests[i];
    if (__atomic_load_n(&r->cancelled, __ATOMIC_ACQUIRE))
      request_finish(r, util_errorf(TRITONSERVER_ERROR_CANCELLED,
                                    "Request for model '%s' was cancelled before execution",
                                    model->name));
    else
      batch->requests[kept++] = r;
  }
  batch->count = kept;
  if (kept == 0)
    return;
  TRITONBACKEND_Request **reqs = (TRITONBACKEND_Request **)(void *)batch->requests;
  /* Snapshot: after Execute returns NULL the backend may have released (and the
   * frontend reused or freed) every request, so the array is not read again. */
  uint64_t started = util_now_ns();
  TRITONSERVER_Error *err = model->backend->instance_execute(inst, reqs, batch->count);
  scheduler_note_execute_ns(model->scheduler, util_now_ns() - started);
  if (err) {
    CORE_LOG_VERBOSE(1, "execute of instance '%s' failed: %s", inst->name,
                     TRITONSERVER_ErrorMessage(err));
    for (uint32_t i = 0; i < batch->count; i++)
      request_finish(batch->requests[i],
                     TRITONSERVER_ErrorNew(TRITONSERVER_ErrorCode(err), TRITONSERVER_ErrorMessage(err)));
    TRITONSERVER_ErrorDelete(err);
  }
}

static void *instance_main(void *arg)
{
  TRITONBACKEND_ModelInstance *inst = arg;
  scheduler *s = inst->model->scheduler;
  sched_batch *batch;
  while ((batch = scheduler_next_batch(s, inst->index)) != NULL) {
    instance_execute_batch(inst, batch);
    sched_batch_free(batch);
  }
  return NULL;
}

TRITONSERVER_Error *instances_start(TRITONBACKEND_Model *model)
{
  for (size_t i = 0; i < model->instance_count; i++) {
    TRITONBACKEND_ModelInstance *inst = model->instances[i];
    if (inst->passive)
      continue;
    if (pthread_create(&inst->thread, NULL, instance_main, inst) != 0)
      return util_errorf(TRITONSERVER_ERROR_INTERNAL, "unable to start a thread for instance '%s'",
                         inst->name);
    inst->thread_started = true;
  }
  return NULL;
}

void instances_join(TRITONBACKEND_Model *model)
{
  for (size_t i = 0; i < model->instance_count; i++) {
    TRITONBACKEND_ModelInstance *inst = model->instances[i];
    if (inst->thread_started) {
      pthread_join(inst->thread, NULL);
      inst->thread_started = false;
    }
  }
}

void instances_finalize(TRITONBACKEND_Model *model)
{
  for (size_t i = 0; i < model->instance_count; i++) {
    TRITONBACKEND_ModelInstance *inst = model->instances[i];
    if (inst->initialized && model->backend->instance_finalize) {
      TRITONSERVER_Error *err = model->backend->instance_finalize(inst);
      if (err) {
        CORE_LOG_ERROR("failed to finalize instance '%s': %s", inst->name,
                       TRITONSERVER_ErrorMessage(err));
        TRITONSERVER_ErrorDelete(err);
      }
    }
    inst->initialized = false;
    instance_free(inst);
  }
  free(model->instances);
  model->instances = NULL;
  model->instance_count = 0;
}
