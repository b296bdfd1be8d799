/* batcher.h — the dynamic batcher's queues and batch-forming rules (spec §6,
 * ModelDynamicBatching): priority levels, queue policies (max_queue_size, timeouts with
 * REJECT/DELAY), preferred batch sizes, max_queue_delay_microseconds, and "different
 * shapes are not batched together unless the input allows ragged batches".
 * The queue logic is plain data + functions so unit tests drive it without threads;
 * batcher_run() is the thread that applies it under the scheduler's mutex. */
#ifndef TORCHD_CORE_BATCHER_H
#define TORCHD_CORE_BATCHER_H

#include <stdbool.h>
#include <stdint.h>

#include "model_config.h"
#include "request.h"
#include "scheduler.h"

typedef struct req_queue {
  TRITONSERVER_InferenceRequest **items;
  size_t count, capacity;
} req_queue;

typedef struct batcher {
  char *model_name;
  const ModelConfig *config; /* borrowed from the model */
  int32_t max_batch_size;
  uint64_t max_queue_delay_ns;
  uint32_t level_count;   /* >= 1 */
  uint32_t default_level; /* 1-based */
  req_queue *levels;      /* [level_count], level 1 first */
  ModelQueuePolicy *policies; /* [level_count] */
  req_queue delayed;      /* timed-out requests of DELAY levels, served last */
  size_t pending;
  uint64_t next_order_seq; /* preserve_ordering numbering */
  /* Set by batcher_run before forming: the server's frontend says no request can arrive
   * until one in flight is answered (TORCHD_ServerSetClientsWaitingQuery), so waiting
   * out max_queue_delay could only add latency: a batch closes at once. */
  bool arrivals_closed;
} batcher;

/* Builds a batcher from config->dynamic_batching. NULL with *err on bad config/OOM.
 * `config` must outlive the batcher. Caller frees with batcher_free. */
batcher *batcher_new(const ModelConfig *config, const char *model_name, TRITONSERVER_Error **err);
void batcher_free(batcher *b);

/* Queues a request at its priority level (0 or out-of-range → default level) and sets
 * its timeout deadline from the level's queue policy. Rejects (UNAVAILABLE, "Exceeds
 * maximum queue size ...") when the level already holds max_queue_size requests; then
 * the request stays the caller's. */
TRITONSERVER_Error *batcher_add_locked(batcher *b, TRITONSERVER_InferenceRequest *req);

/* Moves requests whose deadline passed (<= now): REJECT levels into `rejected` (caller
 * finishes them with a timeout error), DELAY levels to the delayed queue. */
void batcher_expire_locked(batcher *b, uint64_t now_ns, req_queue *rejected);

/* Decides whether a batch should go now. Returns a new batch (requests removed from the
 * queues; caller owns) or NULL; when NULL and requests are pending, *wake_at_ns is the
 * time the decision may change (oldest request's delay end or next deadline). */
/* preserve_ordering: numbers `req` as the next to leave the queue (its final response
 * is then delivered after those of every request numbered before). Nothing for other
 * models. Caller holds the scheduler's mutex. */
void batcher_order_locked(batcher *b, TRITONSERVER_InferenceRequest *req);

sched_batch *batcher_form_locked(batcher *b, uint64_t now_ns, uint64_t *wake_at_ns);

/* Earliest queue deadline among pending requests, 0 if none. */
uint64_t batcher_next_deadline_locked(const batcher *b);

/* The batcher thread body: forms batches whenever an instance is idle, until the
 * scheduler stops; pending requests left at stop are failed as UNAVAILABLE. */
void batcher_run(scheduler *s);

void req_queue_push(req_queue *q, TRITONSERVER_InferenceRequest *req);
void req_queue_remove(req_queue *q, size_t index);

#endif
