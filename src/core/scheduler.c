/* scheduler.c — per-model dispatch of requests to instance threads (spec §6).
 *
 * One mutex guards the ready queue, the idle-instance count and the batcher's pending
 * queues. Instance threads block in scheduler_next_batch(); the default scheduler puts
 * each request in its own batch at once (request_count = 1), while the dynamic batcher's
 * thread forms batches only when an instance is idle, so requests accumulate while all
 * instances are busy.
 *
 * Inline execution (off unless TORCHD_ServerOptionsSetInlineExecution enabled it): for a
 * model on the default scheduler (no dynamic or sequence batching, not decoupled) whose
 * mean execute time is below the limit, scheduler_enqueue borrows an idle instance and
 * runs the request on the caller's thread. That saves the two thread wake-ups of a
 * hand-off (caller → instance thread → caller's completion), which dominate the cost of
 * small models. A borrowed instance's thread takes no work and does not exit until the
 * instance is returned, so Execute never overlaps on an instance and an unload (which
 * joins the threads) waits for the inline execution. */
#include "scheduler.h"

#include <stdlib.h>
#include <time.h>

#include "batcher.h"
#include "core_util.h"
#include "instance.h"
#include "model.h"
#include "options.h"
#include "sequence.h"
#include "server.h"

sched_batch *sched_batch_new(uint32_t capacity)
{
  sched_batch *b = calloc(1, sizeof(*b));
  if (!b)
    return NULL;
  b->requests = calloc(capacity ? capacity : 1, sizeof(*b->requests));
  if (!b->requests) {
    free(b);
    return NULL;
  }
  return b;
}

void sched_batch_free(sched_batch *b)
{
  if (b) {
    free(b->requests);
    free(b);
  }
}

static void *batcher_main(void *arg)
{
  batcher_run((scheduler *)arg);
  return NULL;
}

scheduler *scheduler_new(TRITONBACKEND_Model *model, TRITONSERVER_Error **err)
{
  scheduler *s = calloc(1, sizeof(*s));
  if (!s) {
    *err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    return NULL;
  }
  s->model = model;
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->work_cv, NULL);
  /* The batcher sleeps until steady-clock deadlines. */
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&s->batcher_cv, &attr);
  pthread_condattr_destroy(&attr);
  s->instance_slots = model->instance_count;
  s->instance_idle = calloc(s->instance_slots ? s->instance_slots : 1, sizeof(bool));
  s->instance_borrowed = calloc(s->instance_slots ? s->instance_slots : 1, sizeof(bool));
  if (!s->instance_idle || !s->instance_borrowed) {
    *err = util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
    scheduler_free(s);
    return NULL;
  }
  const ModelConfig *cfg = model->config;
  const TRITONSERVER_ServerOptions *options = model->server ? server_options(model->server) : NULL;
  bool decoupled = cfg->has_model_transaction_policy && cfg->model_transaction_policy.decoupled;
  if (options && !cfg->has_dynamic_batching && !cfg->has_sequence_batching && !decoupled)
    s->inline_max_ns = options->inline_execute_max_ns;
  if (model->config->has_dynamic_batching) {
    s->batcher = batcher_new(model->config, model->name, err);
    if (!s->batcher) {
      scheduler_free(s);
      return NULL;
    }
    if (pthread_create(&s->batcher_thread, NULL, batcher_main, s) != 0) {
      *err = util_errorf(TRITONSERVER_ERROR_INTERNAL,
                         "unable to start the dynamic batcher thread of model '%s'", model->name);
      scheduler_free(s);
      return NULL;
    }
    s->batcher_started = true;
  }
  return s;
}

void scheduler_push_ready_locked(scheduler *s, sched_batch *b)
{
  b->next = NULL;
  if (s->ready_tail)
    s->ready_tail->next = b;
  else
    s->ready_head = b;
  s->ready_tail = b;
  s->ready_count++;
  /* A borrowed instance's thread would take the signal and go back to sleep. */
  if (s->borrowed_count)
    pthread_cond_broadcast(&s->work_cv);
  else
    pthread_cond_signal(&s->work_cv);
}

void scheduler_push_pinned_locked(scheduler *s, size_t instance, sched_batch *b)
{
  if (instance >= s->pinned_slots) {
    size_t n = instance + 1;
    sched_batch **heads = realloc(s->pinned_head, n * sizeof(*heads));
    if (heads)
      s->pinned_head = heads;
    sched_batch **tails = heads ? realloc(s->pinned_tail, n * sizeof(*tails)) : NULL;
    if (tails)
      s->pinned_tail = tails;
    if (!heads || !tails) { /* cannot pin: any instance is better than losing it */
      scheduler_push_ready_locked(s, b);
      return;
    }
    for (size_t i = s->pinned_slots; i < n; i++)
      s->pinned_head[i] = s->pinned_tail[i] = NULL;
    s->pinned_slots = n;
  }
  b->next = NULL;
  if (s->pinned_tail[instance])
    s->pinned_tail[instance]->next = b;
  else
    s->pinned_head[instance] = b;
  s->pinned_tail[instance] = b;
  /* Only one particular thread may take it: wake them all. */
  pthread_cond_broadcast(&s->work_cv);
}

void scheduler_order_now(scheduler *s, TRITONSERVER_InferenceRequest *req)
{
  if (!s || !s->batcher)
    return;
  pthread_mutex_lock(&s->mu);
  batcher_order_locked(s->batcher, req);
  pthread_mutex_unlock(&s->mu);
}

void scheduler_note_execute_ns(scheduler *s, uint64_t ns)
{
  if (!s)
    return;
  /* Moving average over ~8 batches; the first sample sets it. Races between instances
   * only lose a sample. */
  uint64_t mean = __atomic_load_n(&s->execute_mean_ns, __ATOMIC_RELAXED);
  mean = mean ? mean - mean / 8 + ns / 8 : ns;
  __atomic_store_n(&s->execute_mean_ns, mean ? mean : 1, __ATOMIC_RELAXED);
}

/* Takes an idle instance for inline use; returns its index or -1. Caller holds s->mu. */
static long borrow_idle_instance_locked(scheduler *s)
{
  if (s->ready_head || s->idle_instances == 0)
    return -1; /* queued work comes first, and goes to the instance threads */
  for (size_t i = 0; i < s->instance_slots; i++)
    if (s->instance_idle[i] && !s->instance_borrowed[i]) {
      s->instance_idle[i] = false;
      s->instance_borrowed[i] = true;
      s->borrowed_count++;
      s->idle_instances--;
      return (long)i;
    }
  return -1;
}

/* Executes `b` on the caller's thread on an idle instance, if the model allows inline
 * execution and one is idle. True when it ran (the batch is then freed). */
static bool try_execute_inline(scheduler *s, sched_batch *b)
{
  uint64_t mean = __atomic_load_n(&s->execute_mean_ns, __ATOMIC_RELAXED);
  /* Only once an instance thread has measured the model: a first request is never
   * inline, so a slow model never blocks the caller's thread (an HTTP worker). */
  if (s->inline_max_ns == 0 || mean == 0 || mean > s->inline_max_ns)
    return false;
  pthread_mutex_lock(&s->mu);
  long index = s->stopping ? -1 : borrow_idle_instance_locked(s);
  pthread_mutex_unlock(&s->mu);
  if (index < 0)
    return false;
  instance_execute_batch(s->model->instances[index], b);
  sched_batch_free(b);
  /* Hand the instance back; its thread may have work queued meanwhile, or be stopping.
   * Nothing of the scheduler is touched after the unlock: once the instance is back,
   * an unload may join its thread and free the scheduler. */
  pthread_mutex_lock(&s->mu);
  s->instance_borrowed[index] = false;
  s->borrowed_count--;
  s->instance_idle[index] = true;
  s->idle_instances++;
  /* Its thread only needs waking if there is something for it to do. */
  if (s->ready_head || s->stopping || ((size_t)index < s->pinned_slots && s->pinned_head[index]))
    pthread_cond_broadcast(&s->work_cv);
  pthread_mutex_unlock(&s->mu);
  return true;
}

TRITONSERVER_Error *scheduler_enqueue(scheduler *s, TRITONSERVER_InferenceRequest *req)
{
  req->queue_start_ns = util_now_ns();
  if (s->model->sequences)
    return sequence_enqueue(s->model->sequences, s, req);
  if (s->batcher) {
    pthread_mutex_lock(&s->mu);
    TRITONSERVER_Error *err = batcher_add_locked(s->batcher, req);
    if (!err)
      pthread_cond_signal(&s->batcher_cv);
    pthread_mutex_unlock(&s->mu);
    return err;
  }
  sched_batch *b = sched_batch_new(1);
  if (!b)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  b->requests[0] = req;
  b->count = 1;
  if (try_execute_inline(s, b))
    return NULL;
  pthread_mutex_lock(&s->mu);
  scheduler_push_ready_locked(s, b);
  pthread_mutex_unlock(&s->mu);
  return NULL;
}

sched_batch *scheduler_next_batch(scheduler *s, size_t instance)
{
  pthread_mutex_lock(&s->mu);
  bool tracked = instance < s->instance_slots;
  s->idle_instances++;
  if (tracked)
    s->instance_idle[instance] = true;
  if (s->batcher)
    pthread_cond_signal(&s->batcher_cv);
#define PINNED_READY() (instance < s->pinned_slots && s->pinned_head[instance])
#define BORROWED() (tracked && s->instance_borrowed[instance])
  /* While borrowed for inline execution the caller accounts for the idle count. */
  while (BORROWED() || (!PINNED_READY() && !s->ready_head && !s->stopping))
    pthread_cond_wait(&s->work_cv, &s->mu);
#undef BORROWED
  s->idle_instances--;
  if (tracked)
    s->instance_idle[instance] = false;
  if (PINNED_READY()) {
    sched_batch *p = s->pinned_head[instance];
    s->pinned_head[instance] = p->next;
    if (!s->pinned_head[instance])
      s->pinned_tail[instance] = NULL;
    pthread_mutex_unlock(&s->mu);
    return p;
  }
#undef PINNED_READY
  sched_batch *b = s->ready_head;
  if (b) {
    s->ready_head = b->next;
    if (!s->ready_head)
      s->ready_tail = NULL;
    s->ready_count--;
  }
  pthread_mutex_unlock(&s->mu);
  return b;
}

void scheduler_stop(scheduler *s)
{
  pthread_mutex_lock(&s->mu);
  s->stopping = true;
  pthread_cond_broadcast(&s->work_cv);
  pthread_cond_broadcast(&s->batcher_cv);
  pthread_mutex_unlock(&s->mu);
  if (s->batcher_started) {
    pthread_join(s->batcher_thread, NULL);
    s->batcher_started = false;
  }
}

void scheduler_free(scheduler *s)
{
  if (!s)
    return;
  while (s->ready_head) {
    sched_batch *b = s->ready_head;
    s->ready_head = b->next;
    sched_batch_free(b);
  }
  for (size_t i = 0; i < s->pinned_slots; i++)
    while (s->pinned_head[i]) {
      sched_batch *b = s->pinned_head[i];
      s->pinned_head[i] = b->next;
      sched_batch_free(b);
    }
  free(s->pinned_head);
  free(s->pinned_tail);
  free(s->instance_idle);
  free(s->instance_borrowed);
  batcher_free(s->batcher);
  pthread_cond_destroy(&s->work_cv);
  pthread_cond_destroy(&s->batcher_cv);
  pthread_mutex_destroy(&s->mu);
  free(s);
}
