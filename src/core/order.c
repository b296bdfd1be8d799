/* order.c — the reorder buffer behind dynamic_batching.preserve_ordering (order.h).
 * Deliveries happen under the tracker's mutex so two threads can never hand the
 * frontend responses out of order. */
#include "order.h"

#include <stdlib.h>

#include "response.h"

order_tracker *order_tracker_new(void)
{
  order_tracker *t = calloc(1, sizeof(*t));
  if (t)
    pthread_mutex_init(&t->mu, NULL);
  return t;
}

void order_tracker_free(order_tracker *t)
{
  if (!t)
    return;
  for (size_t i = 0; i < t->pending_count; i++) {
    response_free(t->pending[i].response);
    response_sink_unref(t->pending[i].sink);
  }
  free(t->pending);
  pthread_mutex_destroy(&t->mu);
  free(t);
}

static void hand_over(response_sink *sink, TRITONSERVER_InferenceResponse *resp, uint32_t flags)
{
  if (sink->response_fn)
    sink->response_fn(resp, flags, sink->response_userp);
  else
    response_free(resp);
}

void order_deliver(order_tracker *t, response_sink *sink, TRITONSERVER_InferenceResponse *resp,
                   uint32_t flags)
{
  pthread_mutex_lock(&t->mu);
  if (sink->order_seq != t->next) {
    if (t->pending_count == t->pending_capacity) {
      size_t cap = t->pending_capacity ? t->pending_capacity * 2 : 8;
      order_pending *grown = realloc(t->pending, cap * sizeof(*grown));
      if (!grown) { /* cannot hold it: deliver out of order rather than lose it */
        pthread_mutex_unlock(&t->mu);
        hand_over(sink, resp, flags);
        return;
      }
      t->pending = grown;
      t->pending_capacity = cap;
    }
    response_sink_ref(sink);
    t->pending[t->pending_count++] = (order_pending){sink->order_seq, sink, resp, flags};
    pthread_mutex_unlock(&t->mu);
    return;
  }
  hand_over(sink, resp, flags);
  t->next++;
  for (bool progressed = true; progressed;) {
    progressed = false;
    for (size_t i = 0; i < t->pending_count; i++) {
      if (t->pending[i].seq == t->next) {
        order_pending p = t->pending[i];
        t->pending[i] = t->pending[--t->pending_count];
        hand_over(p.sink, p.response, p.flags);
        response_sink_unref(p.sink);
        t->next++;
        progressed = true;
        break;
      }
    }
  }
  pthread_mutex_unlock(&t->mu);
}
