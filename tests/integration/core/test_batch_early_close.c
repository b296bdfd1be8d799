/* test_batch_early_close.c — TORCHD_ServerSetClientsWaitingQuery, through the public API:
 * a dynamic batch closes at once when the frontend says every client is waiting (no
 * request can arrive to grow it), and waits out max_queue_delay_microseconds otherwise
 * or when no query is installed (Triton's behaviour). Requests queued together still go
 * out as one batch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "torchd/torchd_server.h"

/* 400 ms of queue delay: far above the time one execute takes. */
#define BATCHING_MODEL                                                                             \
  "backend: \"identity\"\nmax_batch_size: 8\n"                                                     \
  "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"                              \
  "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"                            \
  "instance_group [ { count: 1 kind: KIND_CPU } ]\n"                                               \
  "dynamic_batching { max_queue_delay_microseconds: 400000 }\n"

static atomic_bool clients_waiting;

static bool query(void *userp)
{
  (void)userp;
  return atomic_load(&clients_waiting);
}

static infer_call *send_one(TRITONSERVER_Server *server, float value)
{
  infer_call *call = call_new(server, "m", -1, NULL);
  const int64_t shape[] = {1, 4};
  const float data[4] = {value, value, value, value};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  call_send(server, call);
  return call;
}

/* Milliseconds from send to the final response of one request. */
static double latency_ms(TRITONSERVER_Server *server)
{
  uint64_t start = now_ns();
  infer_call *call = send_one(server, 7);
  call_wait(call, 10000);
  check_call_ok(call);
  double ms = (double)(call->completed_ns - start) / 1e6;
  call_free(call);
  return ms;
}

static void closes_at_once_when_every_client_waits(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = server_with_model(&repo, "m", BATCHING_MODEL);
  check_ok(TORCHD_ServerSetClientsWaitingQuery(server, query, NULL), "SetClientsWaitingQuery");
  atomic_store(&clients_waiting, true);
  double ms = latency_ms(server);
  if (ms > 200)
    fail_msg("the batch waited %.0f ms although every client was waiting", ms);
  atomic_store(&clients_waiting, false);
  ms = latency_ms(server);
  if (ms < 350)
    fail_msg("the batch closed after %.0f ms although more requests could come (delay 400 ms)",
             ms);
  server_finish(server, repo);
}

static void waits_without_a_query(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = server_with_model(&repo, "m", BATCHING_MODEL);
  double ms = latency_ms(server);
  if (ms < 350)
    fail_msg("without a query the batch closed after %.0f ms (delay 400 ms)", ms);
  check_ok(TORCHD_ServerSetClientsWaitingQuery(server, NULL, NULL), "removing the query");
  check_error(TORCHD_ServerSetClientsWaitingQuery(NULL, query, NULL),
              TRITONSERVER_ERROR_INVALID_ARG, "expected a server");
  server_finish(server, repo);
}

static void requests_queued_together_form_one_batch(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = server_with_model(&repo, "m", BATCHING_MODEL);
  check_ok(TORCHD_ServerSetClientsWaitingQuery(server, query, NULL), "SetClientsWaitingQuery");
  /* More can come while the clients are not all waiting: the requests accumulate... */
  atomic_store(&clients_waiting, false);
  infer_call *calls[4];
  for (int i = 0; i < 4; i++)
    calls[i] = send_one(server, (float)i);
  /* The batcher looks at the query when it takes a request in, on its own thread: give
   * it time to take in all four (under a sanitizer on a loaded machine that can take tens
   * of ms) before the answer changes, or it closes a batch of four. 100 ms is well inside
   * the 400 ms delay. */
  usleep(100 * 1000);
  /* ...and the last client's request closes them as one batch. */
  atomic_store(&clients_waiting, true);
  infer_call *last = send_one(server, 4);
  call_wait(last, 10000);
  check_call_ok(last);
  assert_int_equal(call_int_parameter(last, "batch_size"), 5);
  for (int i = 0; i < 4; i++) {
    call_wait(calls[i], 10000);
    check_call_ok(calls[i]);
    assert_int_equal(call_int_parameter(calls[i], "batch_size"), 5);
    call_free(calls[i]);
  }
  call_free(last);
  server_finish(server, repo);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(closes_at_once_when_every_client_waits),
      cmocka_unit_test(waits_without_a_query),
      cmocka_unit_test(requests_queued_together_form_one_batch),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
