/* scheduler.c — per-model dispatch of requests to instance threads (spec §6).
 *
 * One mutex guards the ready queue, the idle-instance count and the batcher's pending
 * queues. Instance threads block in scheduler_next_batch(); the default scheduler puts
 * each request in its own batch at once (request_count = 1), while the dynamic batcher's
 * thread forms batches only when an instance is idle, so requests accumulate while all
 * instances are busy. */
#include "scheduler.h"

#include <stdlib.h>
#include <time.h>

#include "batcher.h"
#include "core_util.h"
#include "model.h"
#include "sequence.h"

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
  pthread_mutex_lock(&s->mu);
  scheduler_push_ready_locked(s, b);
  pthread_mutex_unlock(&s->mu);
  return NULL;
}

sched_batch *scheduler_next_batch(scheduler *s, size_t instance)
{
  pthread_mutex_lock(&s->mu);
  s->idle_instances++;
  if (s->batcher)
    pthread_cond_signal(&s->batcher_cv);
#define PINNED_READY() (instance < s->pinned_slots && s->pinned_head[instance])
  while (!PINNED_READY() && !s->ready_head && !s->stopping)
    pthread_cond_wait(&s->work_cv, &s->mu);
  s->idle_instances--;
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
  batcher_free(s->batcher);
  pthread_cond_destroy(&s->work_cv);
  pthread_cond_destroy(&s->batcher_cv);
  pthread_mutex_destroy(&s->mu);
  free(s);
}
