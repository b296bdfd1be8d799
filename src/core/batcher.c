/* batcher.c — dynamic batching (see batcher.h for the rules). Batches never merge
 * tensors: a batch is a list of requests handed to one Execute call (spec §1.4). */
#include "batcher.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core_util.h"
#include "model.h"
#include "response.h"
#include "server.h"

void req_queue_push(req_queue *q, TRITONSERVER_InferenceRequest *req)
{
  if (q->count == q->capacity) {
    size_t cap = q->capacity ? q->capacity * 2 : 16;
    TRITONSERVER_InferenceRequest **grown = realloc(q->items, cap * sizeof(*grown));
    if (!grown)
      abort(); /* tiny allocation; the core treats this as fatal like config_alloc */
    q->items = grown;
    q->capacity = cap;
  }
  q->items[q->count++] = req;
}

void req_queue_remove(req_queue *q, size_t index)
{
  memmove(&q->items[index], &q->items[index + 1], (q->count - index - 1) * sizeof(*q->items));
  q->count--;
}

batcher *batcher_new(const ModelConfig *config, const char *model_name, TRITONSERVER_Error **err)
{
  const ModelDynamicBatching *db = &config->dynamic_batching;
  batcher *b = calloc(1, sizeof(*b));
  if (!b) {
    *err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    return NULL;
  }
  b->model_name = strdup(model_name);
  b->config = config;
  b->max_batch_size = config->max_batch_size > 0 ? config->max_batch_size : 1;
  b->max_queue_delay_ns = db->max_queue_delay_microseconds * 1000ull;
  b->level_count = db->priority_levels > 0 ? (uint32_t)db->priority_levels : 1;
  b->default_level = 1;
  if (db->priority_levels > 0) {
    if (db->default_priority_level < 1 || db->default_priority_level > db->priority_levels) {
      *err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                         "default priority level must be in range [1, %llu] for '%s', got %llu",
                         (unsigned long long)db->priority_levels, model_name,
                         (unsigned long long)db->default_priority_level);
      batcher_free(b);
      return NULL;
    }
    b->default_level = (uint32_t)db->default_priority_level;
  }
  b->levels = calloc(b->level_count, sizeof(*b->levels));
  b->policies = calloc(b->level_count, sizeof(*b->policies));
  if (!b->levels || !b->policies || !b->model_name) {
    batcher_free(b);
    *err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < b->level_count; i++) {
    if (db->has_default_queue_policy)
      b->policies[i] = db->default_queue_policy;
    for (size_t k = 0; k < db->priority_queue_policy.count; k++)
      if (db->priority_queue_policy.items[k].key == i + 1)
        b->policies[i] = db->priority_queue_policy.items[k].value;
  }
  return b;
}

void batcher_free(batcher *b)
{
  if (!b)
    return;
  for (uint32_t i = 0; b->levels && i < b->level_count; i++)
    free(b->levels[i].items);
  free(b->levels);
  free(b->policies);
  free(b->delayed.items);
  free(b->model_name);
  free(b);
}

TRITONSERVER_Error *batcher_add_locked(batcher *b, TRITONSERVER_InferenceRequest *req)
{
  uint64_t p = req->priority;
  uint32_t level = (p == 0 || p > b->level_count) ? b->default_level : (uint32_t)p;
  const ModelQueuePolicy *policy = &b->policies[level - 1];
  req_queue *q = &b->levels[level - 1];
  if (policy->max_queue_size > 0 && q->count >= policy->max_queue_size)
    return util_errorf(TRITONSERVER_ERROR_UNAVAILABLE,
                       "Exceeds maximum queue size: model '%s' already has %zu requests queued "
                       "at priority level %u (max_queue_size %u)",
                       b->model_name, q->count, level, policy->max_queue_size);
  uint64_t timeout_us = policy->default_timeout_microseconds;
  if (policy->allow_timeout_override && req->timeout_us != 0 &&
      (timeout_us == 0 || req->timeout_us < timeout_us))
    timeout_us = req->timeout_us;
  req->priority_level = level;
  req->deadline_ns = timeout_us ? req->queue_start_ns + timeout_us * 1000ull : 0;
  req_queue_push(q, req);
  b->pending++;
  return NULL;
}

void batcher_expire_locked(batcher *b, uint64_t now_ns, req_queue *rejected)
{
  for (uint32_t l = 0; l < b->level_count; l++) {
    req_queue *q = &b->levels[l];
    for (size_t i = 0; i < q->count;) {
      TRITONSERVER_InferenceRequest *r = q->items[i];
      if (r->deadline_ns == 0 || r->deadline_ns > now_ns) {
        i++;
        continue;
      }
      req_queue_remove(q, i);
      r->deadline_ns = 0;
      if (b->policies[l].timeout_action == MODEL_TIMEOUT_DELAY) {
        req_queue_push(&b->delayed, r);
      } else {
        req_queue_push(rejected, r);
        b->pending--;
      }
    }
  }
}

uint64_t batcher_next_deadline_locked(const batcher *b)
{
  uint64_t next = 0;
  for (uint32_t l = 0; l < b->level_count; l++)
    for (size_t i = 0; i < b->levels[l].count; i++) {
      uint64_t d = b->levels[l].items[i]->deadline_ns;
      if (d && (!next || d < next))
        next = d;
    }
  return next;
}

/* True when `other` may share a batch with `first`: same inputs, and equal shapes
 * (beyond the batch dim) for every input that does not allow ragged batches. */
static bool shapes_compatible(const batcher *b, TRITONSERVER_InferenceRequest *first,
                              TRITONSERVER_InferenceRequest *other)
{
  if (first->input_count != other->input_count)
    return false;
  size_t skip = b->config->max_batch_size > 0 ? 1 : 0;
  for (size_t i = 0; i < first->input_count; i++) {
    TRITONBACKEND_Input *x = first->inputs[i], *y = other->inputs[i];
    if (strcmp(x->name, y->name) != 0)
      return false;
    const ModelInput *cfg = model_config_find_input(b->config, x->name);
    if (cfg && cfg->allow_ragged_batch)
      continue;
    if (x->dims_count != y->dims_count)
      return false;
    for (size_t d = skip; d < x->dims_count; d++)
      if (x->shape[d] != y->shape[d])
        return false;
  }
  return true;
}

static bool is_preferred(const batcher *b, uint64_t size)
{
  const ModelInt32List *pref = &b->config->dynamic_batching.preferred_batch_size;
  for (size_t i = 0; i < pref->count; i++)
    if ((uint64_t)pref->items[i] == size)
      return true;
  return false;
}

/* Walks pending requests in service order: level 1..N, then delayed. */
static TRITONSERVER_InferenceRequest *nth_pending(const batcher *b, size_t n)
{
  for (uint32_t l = 0; l < b->level_count; l++) {
    if (n < b->levels[l].count)
      return b->levels[l].items[n];
    n -= b->levels[l].count;
  }
  return n < b->delayed.count ? b->delayed.items[n] : NULL;
}

void batcher_order_locked(batcher *b, TRITONSERVER_InferenceRequest *r)
{
  if (b->config->dynamic_batching.preserve_ordering && r->sink && !r->sink->decoupled) {
    r->sink->ordered = true;
    r->sink->order_seq = b->next_order_seq++;
  }
}

/* Removes the first `count` pending requests (service order) into a new batch. */
static sched_batch *take_prefix(batcher *b, size_t count)
{
  sched_batch *batch = sched_batch_new((uint32_t)count);
  if (!batch)
    return NULL;
  for (size_t k = 0; k < count; k++) {
    req_queue *q = NULL;
    for (uint32_t l = 0; l < b->level_count && !q; l++)
      if (b->levels[l].count)
        q = &b->levels[l];
    if (!q)
      q = &b->delayed;
    TRITONSERVER_InferenceRequest *r = q->items[0];
    batcher_order_locked(b, r);
    batch->requests[batch->count++] = r;
    req_queue_remove(q, 0);
    b->pending--;
  }
  return batch;
}

sched_batch *batcher_form_locked(batcher *b, uint64_t now_ns, uint64_t *wake_at_ns)
{
  *wake_at_ns = 0;
  if (b->pending == 0)
    return NULL;
  TRITONSERVER_InferenceRequest *first = nth_pending(b, 0);
  uint64_t total = 0, oldest = first->queue_start_ns;
  size_t taken = 0, best_preferred = 0;
  bool cannot_grow = false;
  for (size_t n = 0; n < b->pending; n++) {
    TRITONSERVER_InferenceRequest *r = nth_pending(b, n);
    uint64_t size = r->batch_size ? r->batch_size : 1;
    if (total + size > (uint64_t)b->max_batch_size || (n > 0 && !shapes_compatible(b, first, r))) {
      cannot_grow = true;
      break;
    }
    total += size;
    taken++;
    if (r->queue_start_ns < oldest)
      oldest = r->queue_start_ns;
    if (is_preferred(b, total))
      best_preferred = taken;
  }
  if (taken == 0) /* cannot happen after validation; never stall the queue */
    taken = 1;
  if (best_preferred)
    return take_prefix(b, best_preferred);
  if (total >= (uint64_t)b->max_batch_size)
    cannot_grow = true;
  uint64_t delay_end = oldest + b->max_queue_delay_ns;
  if (cannot_grow || b->arrivals_closed || b->max_queue_delay_ns == 0 || now_ns >= delay_end)
    return take_prefix(b, taken);
  *wake_at_ns = delay_end;
  uint64_t deadline = batcher_next_deadline_locked(b);
  if (deadline && deadline < *wake_at_ns)
    *wake_at_ns = deadline;
  return NULL;
}

static void timed_wait(scheduler *s, uint64_t wake_at_ns)
{
  struct timespec ts = {(time_t)(wake_at_ns / 1000000000ull), (long)(wake_at_ns % 1000000000ull)};
  int rc = pthread_cond_timedwait(&s->batcher_cv, &s->mu, &ts);
  (void)rc; /* ETIMEDOUT or a wake-up: the loop re-evaluates either way */
}

static void fail_all(req_queue *q, const char *model_name, const char *why)
{
  for (size_t i = 0; i < q->count; i++)
    request_finish(q->items[i], util_errorf(TRITONSERVER_ERROR_UNAVAILABLE,
                                            "%s for model '%s'", why, model_name));
  q->count = 0;
}

void batcher_run(scheduler *s)
{
  batcher *b = s->batcher;
  req_queue rejected = {0};
  pthread_mutex_lock(&s->mu);
  while (!s->stopping) {
    uint64_t now = util_now_ns();
    batcher_expire_locked(b, now, &rejected);
    if (rejected.count) {
      pthread_mutex_unlock(&s->mu);
      fail_all(&rejected, b->model_name, "Request timeout expired");
      pthread_mutex_lock(&s->mu);
      continue;
    }
    uint64_t wake_at = 0;
    if (b->pending && s->idle_instances > s->ready_count) {
      b->arrivals_closed = server_clients_all_waiting(s->model->server);
      sched_batch *batch = batcher_form_locked(b, now, &wake_at);
      if (batch) {
        scheduler_push_ready_locked(s, batch);
        continue;
      }
    } else if (b->pending) {
      wake_at = batcher_next_deadline_locked(b);
    }
    if (wake_at)
      timed_wait(s, wake_at);
    else
      pthread_cond_wait(&s->batcher_cv, &s->mu);
  }
  /* Stopping: anything still queued can no longer run. */
  for (uint32_t l = 0; l < b->level_count; l++) {
    for (size_t i = 0; i < b->levels[l].count; i++)
      req_queue_push(&rejected, b->levels[l].items[i]);
    b->levels[l].count = 0;
  }
  for (size_t i = 0; i < b->delayed.count; i++)
    req_queue_push(&rejected, b->delayed.items[i]);
  b->delayed.count = 0;
  b->pending = 0;
  pthread_mutex_unlock(&s->mu);
  fail_all(&rejected, b->model_name, "model is being unloaded: request dropped");
  free(rejected.items);
}
