/* torchd_server.h — torchd's extensions to Triton's in-process server API.
 *
 * Why this exists: a few settings of torchd's core have no counterpart in
 * tritonserver.h. They live here, under the TORCHD_ prefix, so that code written against
 * Triton's API never sees them and keeps Triton's behaviour unless it opts in. */
#ifndef TORCHD_SERVER_H
#define TORCHD_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "triton/core/tritonserver.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Inline execution. When max_execute_us > 0, TRITONSERVER_ServerInferAsync may run a
 * request on the calling thread — borrowing an idle instance instead of waking its
 * thread — for models on the default scheduler (no dynamic or sequence batching, not
 * decoupled) whose mean execute time is at most max_execute_us. The response and
 * release callbacks then run on the caller's thread before InferAsync returns, so the
 * caller must not hold a lock those callbacks take. 0 (the default) never executes
 * inline, as Triton. Returns an error only for NULL options. */
TRITONSERVER_DECLSPEC TRITONSERVER_Error *TORCHD_ServerOptionsSetInlineExecution(
    TRITONSERVER_ServerOptions *options, uint64_t max_execute_us);

/* Early close of dynamic batches. A frontend that knows its clients can tell the core
 * when every one of them is waiting for an answer — so no request can arrive until one
 * in flight is answered (e.g. every open HTTP/1.1 connection has its request in the
 * core). The dynamic batcher then closes a batch at once instead of waiting out
 * max_queue_delay_microseconds, which could only add latency. all_waiting is called
 * from batcher threads, often: it must be cheap, thread-safe and not call back into
 * the server. NULL removes the query (the default: batches wait as in Triton). Set it
 * before requests flow; userp must outlive the server's traffic. */
TRITONSERVER_DECLSPEC TRITONSERVER_Error *TORCHD_ServerSetClientsWaitingQuery(
    TRITONSERVER_Server *server, bool (*all_waiting)(void *userp), void *userp);

/* CUDA devices the core places instances on (KIND_GPU without `gpus`, KIND_AUTO):
 * those the CUDA driver reports, CUDA_VISIBLE_DEVICES applied; 0 where there is no
 * driver or no device. The driver is loaded at run time, never linked. *count receives
 * the number; an error only for a NULL count. */
TRITONSERVER_DECLSPEC TRITONSERVER_Error *TORCHD_CudaDeviceCount(int *count);

#ifdef __cplusplus
}
#endif

#endif
