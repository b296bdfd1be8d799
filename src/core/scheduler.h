/* scheduler.h — a model's request scheduler: hands batches of requests to the model's
 * instance threads. Without dynamic batching every request is its own batch (Triton's
 * default scheduler); with it, a batcher thread forms batches (batcher.h). */
#ifndef TORCHD_CORE_SCHEDULER_H
#define TORCHD_CORE_SCHEDULER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "request.h"

struct batcher;

typedef struct sched_batch {
  TRITONSERVER_InferenceRequest **requests;
  uint32_t count;
  struct sched_batch *next;
} sched_batch;

typedef struct scheduler {
  TRITONBACKEND_Model *model;
  pthread_mutex_t mu;
  pthread_cond_t work_cv;    /* instance threads wait here for batches */
  pthread_cond_t batcher_cv; /* the batcher waits here for requests / idle instances */
  sched_batch *ready_head, *ready_tail; /* batches waiting for any instance */
  size_t ready_count;
  /* Batches that must run on one instance (sequences), indexed by instance. */
  sched_batch **pinned_head, **pinned_tail;
  size_t pinned_slots;
  size_t idle_instances;
  bool stopping;
  struct batcher *batcher; /* NULL: default scheduler */
  /* Inline execution (torchd extension, off unless the server options enable it): a
   * caller of scheduler_enqueue may run a request on an idle instance itself instead of
   * waking that instance's thread, when the model's mean execute time is short. Per
   * instance: `idle` while its thread waits for work and nobody borrowed it, `borrowed`
   * while a caller executes on it (its thread then takes no work and does not exit). */
  bool *instance_idle, *instance_borrowed;
  size_t instance_slots;
  size_t borrowed_count;
  uint64_t inline_max_ns;   /* 0: never inline */
  uint64_t execute_mean_ns; /* moving average of batch execute time (atomic) */
  pthread_t batcher_thread;
  bool batcher_started;
} scheduler;

/* Creates the scheduler for a loaded model (dynamic batcher per its config) and starts
 * the batcher thread if any. Returns NULL with *err on failure. Caller owns the result
 * (free with scheduler_free after scheduler_stop). */
scheduler *scheduler_new(TRITONBACKEND_Model *model, TRITONSERVER_Error **err);

/* Queues an accepted, validated request. With inline execution enabled it may instead
 * execute the request on the calling thread (responses and the release callback then run
 * before this returns). On rejection (queue full) returns an error and
 * the request stays the caller's; otherwise the scheduler owns it until it is executed. */
TRITONSERVER_Error *scheduler_enqueue(scheduler *s, TRITONSERVER_InferenceRequest *req);

/* Called by the thread of instance number `instance`: blocks until a batch is ready for
 * it — pinned to it first, else any — (returns it; caller frees it with sched_batch_free
 * after executing) or the scheduler stops (returns NULL). */
sched_batch *scheduler_next_batch(scheduler *s, size_t instance);

/* Makes instance threads (and the batcher) exit once their queues are empty, and joins
 * the batcher thread. Instance threads are joined by the model. */
void scheduler_stop(scheduler *s);
void scheduler_free(scheduler *s);

/* preserve_ordering: numbers a request answered without the queue (a response cache
 * hit) as if it left the queue now, as Triton delegates such a response: it is delivered
 * after the responses of requests already batched, before those still queued. */
void scheduler_order_now(scheduler *s, TRITONSERVER_InferenceRequest *req);

/* Folds one batch execute time into the model's moving average (any thread). */
void scheduler_note_execute_ns(scheduler *s, uint64_t ns);

sched_batch *sched_batch_new(uint32_t capacity);
void sched_batch_free(sched_batch *b);

/* Pushes a batch onto the ready queue and wakes an instance. Caller holds s->mu. */
void scheduler_push_ready_locked(scheduler *s, sched_batch *b);

/* Pushes a batch that only instance number `instance` may run. Caller holds s->mu. */
void scheduler_push_pinned_locked(scheduler *s, size_t instance, sched_batch *b);

#endif
