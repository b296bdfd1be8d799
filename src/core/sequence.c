/* sequence.c — the basic sequence batcher (see sequence.h). One slot per live sequence,
 * keyed by correlation id (uint64 or string), holding the sequence's state values and
 * the requests waiting behind the one that runs. All slot data is guarded by sb->mu. */
#include "sequence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batcher.h"
#include "core_util.h"
#include "model.h"

typedef struct sequence_slot {
  bool is_string;
  uint64_t id;
  char *sid;
  bool busy;
  size_t instance; /* every request of the sequence runs on this instance */
  uint64_t last_active_ns; /* for max_sequence_idle_microseconds */
  req_queue waiting;
  sequence_tensor *states; /* [state_count] */
  struct sequence_slot *next;
} sequence_slot;

struct sequence_batcher {
  const ModelConfig *config;
  char *model_name;
  pthread_mutex_t mu;
  sequence_slot *slots;
  sequence_tensor *initial; /* [state_count] */
  size_t state_count;
};

static void tensor_clear(sequence_tensor *t)
{
  free(t->shape);
  free(t->data);
  memset(t, 0, sizeof(*t));
}

static TRITONSERVER_Error *tensor_copy(sequence_tensor *dst, const sequence_tensor *src)
{
  memset(dst, 0, sizeof(*dst));
  dst->datatype = src->datatype;
  dst->dims_count = src->dims_count;
  dst->byte_size = src->byte_size;
  dst->shape = malloc((src->dims_count ? src->dims_count : 1) * sizeof(int64_t));
  dst->data = malloc(src->byte_size ? src->byte_size : 1);
  if (!dst->shape || !dst->data) {
    tensor_clear(dst);
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  }
  if (src->dims_count)
    memcpy(dst->shape, src->shape, src->dims_count * sizeof(int64_t));
  if (src->byte_size)
    memcpy(dst->data, src->data, src->byte_size);
  return NULL;
}

/* Initial value of one state: initial_state[0] (zero_data or data_file), else zeros
 * of the state dims (a variable dim counts as 0). */
static TRITONSERVER_Error *load_initial(const ModelSequenceState *st, const char *model_dir,
                                        sequence_tensor *out)
{
  const ModelInt64List *dims = &st->dims;
  const ModelSequenceInitialState *init = st->initial_state.count ? &st->initial_state.items[0] : NULL;
  if (init)
    dims = &init->dims;
  out->datatype = (TRITONSERVER_DataType)st->data_type;
  out->dims_count = (uint32_t)dims->count;
  out->shape = calloc(dims->count ? dims->count : 1, sizeof(int64_t));
  if (!out->shape)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  int64_t elements = 1;
  for (size_t i = 0; i < dims->count; i++) {
    out->shape[i] = dims->items[i] < 0 ? 0 : dims->items[i];
    elements *= out->shape[i];
  }
  uint32_t esize = TRITONSERVER_DataTypeByteSize(out->datatype);
  if (init && init->has_data_file) {
    char *path = util_strdupf("%s/initial_state/%s", model_dir, init->data_file);
    if (!path)
      return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    TRITONSERVER_Error *err = util_read_file(path, "initial state file", &out->data, &out->byte_size);
    free(path);
    return err;
  }
  /* BYTES zeros: each element is an empty string (4-byte zero length). */
  out->byte_size = (size_t)elements * (esize ? esize : 4);
  out->data = calloc(1, out->byte_size ? out->byte_size : 1);
  return out->data ? NULL : util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
}

sequence_batcher *sequence_batcher_new(const ModelConfig *config, const char *model_name,
                                       const char *model_dir, TRITONSERVER_Error **err)
{
  sequence_batcher *sb = calloc(1, sizeof(*sb));
  if (!sb) {
    *err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&sb->mu, NULL);
  sb->config = config;
  sb->model_name = strdup(model_name);
  sb->state_count = config->sequence_batching.state.count;
  sb->initial = calloc(sb->state_count ? sb->state_count : 1, sizeof(*sb->initial));
  if (!sb->initial || !sb->model_name) {
    *err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    sequence_batcher_free(sb);
    return NULL;
  }
  for (size_t i = 0; i < sb->state_count; i++) {
    *err = load_initial(&config->sequence_batching.state.items[i], model_dir, &sb->initial[i]);
    if (*err) {
      sequence_batcher_free(sb);
      return NULL;
    }
  }
  return sb;
}

static void slot_free(sequence_batcher *sb, sequence_slot *slot);

/* Forgets sequences idle longer than max_sequence_idle_microseconds (default 1 s after
 * normalization; 0 here means never): a client that never sends END does not leak its
 * state. Caller holds mu. */
static void sweep_idle_locked(sequence_batcher *sb, uint64_t now_ns)
{
  uint64_t idle_ns = sb->config->sequence_batching.max_sequence_idle_microseconds * 1000ull;
  if (idle_ns == 0)
    return;
  for (sequence_slot **link = &sb->slots; *link;) {
    sequence_slot *slot = *link;
    if (!slot->busy && slot->waiting.count == 0 && now_ns - slot->last_active_ns > idle_ns) {
      *link = slot->next;
      slot_free(sb, slot);
    } else {
      link = &slot->next;
    }
  }
}

static void slot_free(sequence_batcher *sb, sequence_slot *slot)
{
  for (size_t i = 0; i < sb->state_count; i++)
    tensor_clear(&slot->states[i]);
  free(slot->states);
  free(slot->waiting.items);
  free(slot->sid);
  free(slot);
}

void sequence_batcher_free(sequence_batcher *sb)
{
  if (!sb)
    return;
  while (sb->slots) {
    sequence_slot *next = sb->slots->next;
    slot_free(sb, sb->slots);
    sb->slots = next;
  }
  for (size_t i = 0; sb->initial && i < sb->state_count; i++)
    tensor_clear(&sb->initial[i]);
  free(sb->initial);
  free(sb->model_name);
  pthread_mutex_destroy(&sb->mu);
  free(sb);
}

/* Finds the slot of the request's sequence; caller holds mu. */
static sequence_slot *slot_find(sequence_batcher *sb, const TRITONSERVER_InferenceRequest *req)
{
  for (sequence_slot *s = sb->slots; s; s = s->next) {
    if (s->is_string != req->correlation_is_string)
      continue;
    if (s->is_string ? strcmp(s->sid, req->correlation_id_string) == 0
                     : s->id == req->correlation_id)
      return s;
  }
  return NULL;
}

/* Writes one control value into a new buffer: the false/true entry for flag-like kinds,
 * the correlation id for CORRID. */
static TRITONSERVER_Error *control_value(const ModelSequenceControl *c,
                                         const TRITONSERVER_InferenceRequest *req,
                                         TRITONSERVER_DataType *dt, void **data, size_t *size)
{
  bool truth = true;
  if (c->kind == MODEL_CONTROL_SEQUENCE_START)
    truth = (req->flags & TRITONSERVER_REQUEST_FLAG_SEQUENCE_START) != 0;
  else if (c->kind == MODEL_CONTROL_SEQUENCE_END)
    truth = (req->flags & TRITONSERVER_REQUEST_FLAG_SEQUENCE_END) != 0;
  if (c->kind == MODEL_CONTROL_SEQUENCE_CORRID) {
    *dt = (TRITONSERVER_DataType)c->data_type;
    if (*dt == TRITONSERVER_TYPE_BYTES) {
      const char *s = req->correlation_is_string ? req->correlation_id_string : "";
      char num[32];
      if (!req->correlation_is_string) {
        snprintf(num, sizeof(num), "%llu", (unsigned long long)req->correlation_id);
        s = num;
      }
      uint32_t len = (uint32_t)strlen(s);
      *size = 4 + len;
      unsigned char *b = malloc(*size);
      if (!b)
        return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
      memcpy(b, &len, 4);
      memcpy(b + 4, s, len);
      *data = b;
      return NULL;
    }
    uint64_t id = req->correlation_id;
    *size = TRITONSERVER_DataTypeByteSize(*dt);
    if (*size == 0)
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "unsupported CORRID data type %s",
                         TRITONSERVER_DataTypeString(*dt));
    *data = calloc(1, *size);
    if (!*data)
      return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    memcpy(*data, &id, *size); /* little-endian: the low bytes of the id */
    return NULL;
  }
  int idx = truth ? 1 : 0;
  if (c->int32_false_true.count == 2) {
    *dt = TRITONSERVER_TYPE_INT32;
    *size = 4;
    *data = malloc(4);
    if (*data)
      memcpy(*data, &c->int32_false_true.items[idx], 4);
  } else if (c->fp32_false_true.count == 2) {
    *dt = TRITONSERVER_TYPE_FP32;
    *size = 4;
    *data = malloc(4);
    if (*data)
      memcpy(*data, &c->fp32_false_true.items[idx], 4);
  } else {
    *dt = TRITONSERVER_TYPE_BOOL;
    *size = 1;
    *data = malloc(1);
    if (*data)
      *(unsigned char *)*data = c->bool_false_true.count == 2 ? (unsigned char)c->bool_false_true.items[idx]
                                                             : (unsigned char)truth;
  }
  return *data ? NULL : util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
}

/* Adds control and state inputs to a request about to run; caller holds mu. */
static TRITONSERVER_Error *inject_inputs(sequence_batcher *sb, sequence_slot *slot,
                                         TRITONSERVER_InferenceRequest *req)
{
  const ModelSequenceBatching *seq = &sb->config->sequence_batching;
  bool batching = sb->config->max_batch_size > 0;
  int64_t one_shape[2] = {1, 1};
  for (size_t i = 0; i < seq->control_input.count; i++) {
    const ModelSequenceControlInput *ci = &seq->control_input.items[i];
    if (ci->control.count == 0)
      continue;
    TRITONSERVER_DataType dt;
    void *data = NULL;
    size_t size = 0;
    TRITONSERVER_Error *err = control_value(&ci->control.items[0], req, &dt, &data, &size);
    if (!err)
      err = request_inject_input(req, ci->name, dt, one_shape, batching ? 2 : 1, data, size);
    if (err)
      return err;
  }
  for (size_t i = 0; i < sb->state_count; i++) {
    const sequence_tensor *value = &slot->states[i];
    int64_t shape[65];
    uint32_t n = 0;
    if (batching)
      shape[n++] = 1;
    for (uint32_t d = 0; d < value->dims_count && n < 65; d++)
      shape[n++] = value->shape[d];
    void *copy = malloc(value->byte_size ? value->byte_size : 1);
    if (!copy)
      return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    if (value->byte_size)
      memcpy(copy, value->data, value->byte_size);
    TRITONSERVER_Error *err = request_inject_input(
        req, seq->state.items[i].input_name, value->datatype, shape, n, copy, value->byte_size);
    if (err)
      return err;
  }
  return NULL;
}

/* Prepares and hands a request to the instances; on failure finishes it with the error.
 * Caller holds mu (not the scheduler's). Returns false if the request failed. */
static bool dispatch_locked(sequence_batcher *sb, scheduler *s, sequence_slot *slot,
                            TRITONSERVER_InferenceRequest *req, TRITONSERVER_Error **failed)
{
  TRITONSERVER_Error *err = NULL;
  if (req->flags & TRITONSERVER_REQUEST_FLAG_SEQUENCE_START) {
    for (size_t i = 0; i < sb->state_count && !err; i++) {
      tensor_clear(&slot->states[i]);
      err = tensor_copy(&slot->states[i], &sb->initial[i]);
    }
  }
  if (!err)
    err = inject_inputs(sb, slot, req);
  sched_batch *batch = err ? NULL : sched_batch_new(1);
  if (!err && !batch)
    err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  if (err) {
    *failed = err;
    return false;
  }
  slot->busy = true;
  req->sequence_slot = slot;
  batch->requests[0] = req;
  batch->count = 1;
  pthread_mutex_lock(&s->mu);
  scheduler_push_pinned_locked(s, slot->instance, batch);
  pthread_mutex_unlock(&s->mu);
  return true;
}

/* The (non-passive) instance running the fewest live sequences; caller holds mu. */
static size_t pick_instance(sequence_batcher *sb, scheduler *s)
{
  const TRITONBACKEND_Model *model = s->model;
  size_t best = 0, best_load = SIZE_MAX;
  for (size_t i = 0; i < model->instance_count; i++) {
    if (model->instances[i]->passive)
      continue;
    size_t load = 0;
    for (sequence_slot *slot = sb->slots; slot; slot = slot->next)
      if (slot->instance == i)
        load++;
    if (load < best_load) {
      best = i;
      best_load = load;
    }
  }
  return best;
}

TRITONSERVER_Error *sequence_enqueue(sequence_batcher *sb, scheduler *s,
                                     TRITONSERVER_InferenceRequest *req)
{
  bool has_id = req->correlation_is_string ? req->correlation_id_string[0] != '\0'
                                           : req->correlation_id != 0;
  if (!has_id)
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "inference request to model '%s' must specify a non-zero or non-empty "
                       "correlation ID",
                       sb->model_name);
  pthread_mutex_lock(&sb->mu);
  uint64_t now = util_now_ns();
  sweep_idle_locked(sb, now);
  sequence_slot *slot = slot_find(sb, req);
  bool start = (req->flags & TRITONSERVER_REQUEST_FLAG_SEQUENCE_START) != 0;
  if (!slot && !start) {
    pthread_mutex_unlock(&sb->mu);
    if (req->correlation_is_string)
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                         "inference request for sequence '%s' to model '%s' must specify the "
                         "START flag on the first request of the sequence",
                         req->correlation_id_string, sb->model_name);
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "inference request for sequence %llu to model '%s' must specify the START "
                       "flag on the first request of the sequence",
                       (unsigned long long)req->correlation_id, sb->model_name);
  }
  if (!slot) {
    slot = calloc(1, sizeof(*slot));
    if (slot)
      slot->states = calloc(sb->state_count ? sb->state_count : 1, sizeof(*slot->states));
    if (!slot || !slot->states) {
      free(slot);
      pthread_mutex_unlock(&sb->mu);
      return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    }
    slot->instance = pick_instance(sb, s);
    slot->is_string = req->correlation_is_string;
    slot->id = req->correlation_id;
    slot->sid = strdup(req->correlation_id_string);
    slot->next = sb->slots;
    sb->slots = slot;
  }
  TRITONSERVER_Error *failed = NULL;
  slot->last_active_ns = now;
  if (slot->busy)
    req_queue_push(&slot->waiting, req);
  else
    dispatch_locked(sb, s, slot, req, &failed);
  pthread_mutex_unlock(&sb->mu);
  if (failed) {
    request_remove_injected_inputs(req);
    return failed;
  }
  return NULL;
}

void sequence_request_done(sequence_batcher *sb, scheduler *s, TRITONSERVER_InferenceRequest *req)
{
  /* Requests whose preparation failed are finished after the lock is dropped (their
   * callbacks may call back into the core). */
  TRITONSERVER_InferenceRequest *failed_reqs[16];
  TRITONSERVER_Error *failed_errs[16];
  size_t failed = 0;
  pthread_mutex_lock(&sb->mu);
  sequence_slot *slot = req->sequence_slot;
  req->sequence_slot = NULL;
  if (slot) {
    slot->busy = false;
    slot->last_active_ns = util_now_ns();
    while (slot->waiting.count && failed < 16) {
      TRITONSERVER_InferenceRequest *next = slot->waiting.items[0];
      req_queue_remove(&slot->waiting, 0);
      TRITONSERVER_Error *err = NULL;
      if (dispatch_locked(sb, s, slot, next, &err))
        break;
      failed_reqs[failed] = next;
      failed_errs[failed++] = err;
    }
    if (!slot->busy && slot->waiting.count == 0 &&
        (req->flags & TRITONSERVER_REQUEST_FLAG_SEQUENCE_END)) {
      sequence_slot **link = &sb->slots;
      while (*link != slot)
        link = &(*link)->next;
      *link = slot->next;
      slot_free(sb, slot);
    }
  }
  pthread_mutex_unlock(&sb->mu);
  for (size_t i = 0; i < failed; i++) {
    request_remove_injected_inputs(failed_reqs[i]);
    request_finish(failed_reqs[i], failed_errs[i]);
  }
}

TRITONSERVER_Error *sequence_store_state(sequence_batcher *sb, TRITONSERVER_InferenceRequest *req,
                                         size_t state_index, sequence_tensor *value)
{
  pthread_mutex_lock(&sb->mu);
  sequence_slot *slot = req->sequence_slot;
  if (!slot || state_index >= sb->state_count) {
    pthread_mutex_unlock(&sb->mu);
    tensor_clear(value);
    return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                       "request is not part of a running sequence of model '%s'", sb->model_name);
  }
  tensor_clear(&slot->states[state_index]);
  slot->states[state_index] = *value;
  memset(value, 0, sizeof(*value));
  pthread_mutex_unlock(&sb->mu);
  return NULL;
}
