/* warmup.c — model warmup (warmup.h). Each sample becomes `batch_size` requests of batch
 * 1 (as Triton does), with inputs filled with zeros, random bytes, or the contents of
 * <model_dir>/warmup/<input_data_file>; responses go to a private heap allocator and
 * are checked for errors. */
#include "warmup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_loader.h"
#include "core_util.h"
#include "request.h"
#include "response.h"
#include "validate.h"

typedef struct warmup_wait {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  size_t released;
  TRITONSERVER_Error *first_error; /* owned */
} warmup_wait;

static TRITONSERVER_Error *heap_alloc(TRITONSERVER_ResponseAllocator *allocator, const char *name,
                                      size_t byte_size, TRITONSERVER_MemoryType memory_type,
                                      int64_t memory_type_id, void *userp, void **buffer,
                                      void **buffer_userp, TRITONSERVER_MemoryType *actual_type,
                                      int64_t *actual_type_id)
{
  (void)allocator, (void)name, (void)memory_type, (void)memory_type_id, (void)userp;
  *buffer = malloc(byte_size ? byte_size : 1);
  *buffer_userp = NULL;
  *actual_type = TRITONSERVER_MEMORY_CPU;
  *actual_type_id = 0;
  return *buffer ? NULL : util_errorf(TRITONSERVER_ERROR_UNAVAILABLE, "out of memory");
}

static TRITONSERVER_Error *heap_release(TRITONSERVER_ResponseAllocator *allocator, void *buffer,
                                        void *buffer_userp, size_t byte_size,
                                        TRITONSERVER_MemoryType memory_type, int64_t memory_type_id)
{
  (void)allocator, (void)buffer_userp, (void)byte_size, (void)memory_type, (void)memory_type_id;
  free(buffer);
  return NULL;
}

static void on_response(TRITONSERVER_InferenceResponse *response, const uint32_t flags, void *userp)
{
  (void)flags;
  warmup_wait *w = userp;
  TRITONSERVER_Error *err = response ? TRITONSERVER_InferenceResponseError(response) : NULL;
  pthread_mutex_lock(&w->mu);
  if (err && !w->first_error)
    w->first_error = TRITONSERVER_ErrorNew(TRITONSERVER_ErrorCode(err), TRITONSERVER_ErrorMessage(err));
  pthread_mutex_unlock(&w->mu);
  TRITONSERVER_InferenceResponseDelete(response);
}

static void on_release(TRITONSERVER_InferenceRequest *request, const uint32_t flags, void *userp)
{
  (void)request, (void)flags;
  warmup_wait *w = userp;
  pthread_mutex_lock(&w->mu);
  w->released++;
  pthread_cond_broadcast(&w->cv);
  pthread_mutex_unlock(&w->mu);
}

/* Fills one warmup input: returns a new buffer (caller frees) and its size. */
static TRITONSERVER_Error *input_data(TRITONBACKEND_Model *model, const char *name,
                                      const ModelWarmupInput *in, void **data, size_t *size)
{
  int64_t elements = util_element_count(in->dims.items, in->dims.count);
  if (elements < 0)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "warmup input '%s' of model '%s' must have fully specified dims", name,
                       model->name);
  uint32_t esize = TRITONSERVER_DataTypeByteSize((TRITONSERVER_DataType)in->data_type);
  if (in->has_input_data_file) {
    char *path = util_strdupf("%s/warmup/%s", model->model_dir, in->input_data_file);
    if (!path)
      return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    TRITONSERVER_Error *err = util_read_file(path, "warmup data file", data, size);
    free(path);
    return err;
  }
  /* BYTES: empty strings (a zero 4-byte length each). */
  *size = (size_t)elements * (esize ? esize : 4);
  *data = calloc(1, *size ? *size : 1);
  if (!*data)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  if (in->has_random_data && esize)
    for (size_t i = 0; i < *size; i++)
      ((unsigned char *)*data)[i] = (unsigned char)(rand() & 0x3f); /* small, finite values */
  return NULL;
}

/* Builds one warmup request (batch 1) and makes it in flight for `model`. */
static TRITONSERVER_Error *make_request(TRITONBACKEND_Model *model, const ModelWarmup *sample,
                                        TRITONSERVER_ResponseAllocator *allocator, warmup_wait *w,
                                        void **buffers, size_t *buffer_count,
                                        TRITONSERVER_InferenceRequest **out)
{
  TRITONSERVER_InferenceRequest *r = NULL;
  TRITONSERVER_Error *err =
      TRITONSERVER_InferenceRequestNew(&r, model->server, model->name, (int64_t)model->version);
  if (err)
    return err;
  bool batching = model->config->max_batch_size > 0;
  for (size_t i = 0; !err && i < sample->inputs.count; i++) {
    const ModelWarmupInputMapEntry *e = &sample->inputs.items[i];
    int64_t shape[65];
    size_t n = 0;
    if (batching)
      shape[n++] = 1;
    for (size_t d = 0; d < e->value.dims.count && n < 65; d++)
      shape[n++] = e->value.dims.items[d];
    void *data = NULL;
    size_t size = 0;
    err = input_data(model, e->key, &e->value, &data, &size);
    if (!err) {
      buffers[(*buffer_count)++] = data;
      err = TRITONSERVER_InferenceRequestAddInput(r, e->key, (TRITONSERVER_DataType)e->value.data_type,
                                                  shape, n);
    } else {
      free(data);
    }
    if (!err)
      err = TRITONSERVER_InferenceRequestAppendInputData(r, e->key, data, size,
                                                         TRITONSERVER_MEMORY_CPU, 0);
  }
  if (!err)
    err = TRITONSERVER_InferenceRequestSetReleaseCallback(r, on_release, w);
  if (!err)
    err = TRITONSERVER_InferenceRequestSetResponseCallback(r, allocator, NULL, on_response, w);
  if (!err) {
    r->model = model;
    err = validate_request(r, model);
  }
  if (!err && !(r->sink = response_sink_new(r, false)))
    err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  if (err) {
    request_reset_runtime(r);
    TRITONSERVER_InferenceRequestDelete(r);
    return err;
  }
  model_ref(model);
  pthread_mutex_lock(&model->mu);
  model->in_flight++;
  pthread_mutex_unlock(&model->mu);
  r->request_start_ns = r->queue_start_ns = util_now_ns();
  r->in_flight = true;
  *out = r;
  return NULL;
}

/* Runs one sample once on one instance. */
static TRITONSERVER_Error *run_once(TRITONBACKEND_ModelInstance *inst, const ModelWarmup *sample,
                                    TRITONSERVER_ResponseAllocator *allocator)
{
  TRITONBACKEND_Model *model = inst->model;
  uint32_t n = sample->batch_size ? sample->batch_size : 1;
  TRITONSERVER_InferenceRequest **reqs = calloc(n, sizeof(*reqs));
  void **buffers = calloc((size_t)n * (sample->inputs.count + 1), sizeof(void *));
  size_t buffer_count = 0;
  warmup_wait w = {.released = 0, .first_error = NULL};
  pthread_mutex_init(&w.mu, NULL);
  pthread_cond_init(&w.cv, NULL);
  TRITONSERVER_Error *err = reqs && buffers ? NULL : util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  uint32_t made = 0;
  for (; !err && made < n; made++)
    err = make_request(model, sample, allocator, &w, buffers, &buffer_count, &reqs[made]);
  if (err) {
    made = made ? made - 1 : 0; /* the failed one was not made */
    for (uint32_t i = 0; i < made; i++)
      request_finish(reqs[i], NULL);
  } else {
    TRITONSERVER_Error *exec_err = model->backend->instance_execute(
        inst, (TRITONBACKEND_Request **)(void *)reqs, n);
    if (exec_err) {
      for (uint32_t i = 0; i < n; i++)
        request_finish(reqs[i], TRITONSERVER_ErrorNew(TRITONSERVER_ErrorCode(exec_err),
                                                      TRITONSERVER_ErrorMessage(exec_err)));
      TRITONSERVER_ErrorDelete(exec_err);
    }
  }
  pthread_mutex_lock(&w.mu);
  while (w.released < made)
    pthread_cond_wait(&w.cv, &w.mu);
  pthread_mutex_unlock(&w.mu);
  if (!err && w.first_error) {
    err = w.first_error;
    w.first_error = NULL;
  }
  if (w.first_error)
    TRITONSERVER_ErrorDelete(w.first_error);
  for (uint32_t i = 0; reqs && i < made; i++)
    TRITONSERVER_InferenceRequestDelete(reqs[i]);
  for (size_t i = 0; i < buffer_count; i++)
    free(buffers[i]);
  free(buffers);
  free(reqs);
  pthread_cond_destroy(&w.cv);
  pthread_mutex_destroy(&w.mu);
  return err;
}

TRITONSERVER_Error *warmup_run(TRITONBACKEND_Model *model)
{
  const ModelWarmupList *samples = &model->config->model_warmup;
  if (samples->count == 0)
    return NULL;
  TRITONSERVER_ResponseAllocator *allocator = NULL;
  TRITONSERVER_Error *err = TRITONSERVER_ResponseAllocatorNew(&allocator, heap_alloc, heap_release, NULL);
  for (size_t i = 0; !err && i < model->instance_count; i++) {
    TRITONBACKEND_ModelInstance *inst = model->instances[i];
    if (inst->passive)
      continue;
    for (size_t s = 0; !err && s < samples->count; s++) {
      const ModelWarmup *sample = &samples->items[s];
      uint32_t times = sample->count ? sample->count : 1;
      for (uint32_t t = 0; !err && t < times; t++) {
        err = run_once(inst, sample, allocator);
        if (err) {
          TRITONSERVER_Error *named = util_errorf(
              TRITONSERVER_ERROR_INVALID_ARG, "failed to run warmup sample '%s' of model '%s' on "
                                              "instance '%s': %s",
              sample->name, model->name, inst->name, TRITONSERVER_ErrorMessage(err));
          TRITONSERVER_ErrorDelete(err);
          err = named;
        }
      }
    }
  }
  TRITONSERVER_ResponseAllocatorDelete(allocator);
  /* Warmup traffic is not user traffic. */
  stats_reset(&model->stats);
  return err;
}
