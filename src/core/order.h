/* order.h — preserve_ordering for the dynamic batcher: final responses leave in the
 * order their requests left the queue, even when several instances finish out of order.
 * The batcher numbers requests as it batches them (sink->order_seq); the final response
 * of number N is held until 0..N-1 have been delivered. */
#ifndef TORCHD_CORE_ORDER_H
#define TORCHD_CORE_ORDER_H

#include <pthread.h>
#include <stdint.h>

#include "triton/core/tritonserver.h"

struct response_sink;

typedef struct order_pending {
  uint64_t seq;
  struct response_sink *sink; /* holds a reference while pending */
  TRITONSERVER_InferenceResponse *response;
  uint32_t flags;
} order_pending;

typedef struct order_tracker {
  pthread_mutex_t mu;
  uint64_t next; /* next sequence number to deliver */
  order_pending *pending;
  size_t pending_count, pending_capacity;
} order_tracker;

/* Returns a new tracker (caller frees with order_tracker_free), NULL on OOM. */
order_tracker *order_tracker_new(void);
void order_tracker_free(order_tracker *t);

/* Delivers (now or once its predecessors are delivered) the final response `resp` of
 * the sink numbered sink->order_seq. Takes ownership of resp. */
void order_deliver(order_tracker *t, struct response_sink *sink,
                   TRITONSERVER_InferenceResponse *resp, uint32_t flags);

#endif
