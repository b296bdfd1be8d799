/* test_batching.c — the dynamic batcher seen from outside: 8 concurrent requests with
 * preferred batch size 4 run as two batches of 4; a lone request waits out
 * max_queue_delay_microseconds; requests whose shapes differ are not batched together;
 * preserve_ordering keeps responses in request order across instances.
 * The identity backend reports each execute's summed batch size in the response
 * parameter "batch_size" and its request count in "request_count". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static infer_call *send_one(TRITONSERVER_Server *server, const char *model, float value)
{
  infer_call *call = call_new(server, model, -1, NULL);
  const int64_t shape[] = {1, 4};
  const float data[4] = {value, value + 1, value + 2, value + 3};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  call_send(server, call);
  return call;
}

static void eight_requests_run_as_two_batches_of_four(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = server_with_model(
      &repo, "batched",
      "backend: \"identity\"\nmax_batch_size: 8\n"
      "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
      "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
      "instance_group [ { count: 1 kind: KIND_CPU } ]\n"
      "dynamic_batching { preferred_batch_size: [ 4 ] max_queue_delay_microseconds: 5000000 }\n"
      "parameters { key: \"execute_delay_ms\" value { string_value: \"200\" } }\n");
  infer_call *calls[8];
  for (int i = 0; i < 8; i++)
    calls[i] = send_one(server, "batched", (float)(10 * i));
  for (int i = 0; i < 8; i++) {
    call_wait(calls[i], 10000);
    check_call_ok(calls[i]);
    assert_int_equal(call_int_parameter(calls[i], "batch_size"), 4);
    assert_int_equal(call_int_parameter(calls[i], "request_count"), 4);
    /* Each response carries its own request's data, not a neighbour's. */
    tensor_view out = call_tensor(calls[i], "OUTPUT0");
    assert_int_equal(out.shape[0], 1);
    assert_true(((const float *)out.base)[0] == (float)(10 * i));
  }
  for (int i = 0; i < 8; i++)
    call_free(calls[i]);
  server_finish(server, repo);
}

static void lone_request_waits_for_the_queue_delay(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = server_with_model(
      &repo, "delayed",
      "backend: \"identity\"\nmax_batch_size: 8\n"
      "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
      "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
      "dynamic_batching { preferred_batch_size: [ 4 ] max_queue_delay_microseconds: 300000 }\n");
  uint64_t start = now_ns();
  infer_call *call = send_one(server, "delayed", 1);
  call_wait(call, 10000);
  check_call_ok(call);
  uint64_t waited_ms = (call->completed_ns - start) / 1000000u;
  /* Not sent before the delay (preferred size 4 was never reached)... */
  if (waited_ms < 280)
    fail_msg("a lone request was sent after %llu ms, before the 300 ms queue delay",
             (unsigned long long)waited_ms);
  /* ...and not held forever either. */
  assert_true(waited_ms < 5000);
  assert_int_equal(call_int_parameter(call, "batch_size"), 1);
  call_free(call);
  server_finish(server, repo);
}

static void different_shapes_are_not_batched_together(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = server_with_model(
      &repo, "ragged",
      "backend: \"identity\"\nmax_batch_size: 8\n"
      "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n"
      "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n"
      "dynamic_batching { preferred_batch_size: [ 4 ] max_queue_delay_microseconds: 300000 }\n");
  infer_call *calls[4];
  const float data[3] = {1, 2, 3};
  for (int i = 0; i < 4; i++) {
    calls[i] = call_new(server, "ragged", -1, NULL);
    const int64_t shape[] = {1, i % 2 == 0 ? 2 : 3};
    call_add_input(calls[i], "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data,
                   (size_t)shape[1] * sizeof(float));
    call_send(server, calls[i]);
  }
  for (int i = 0; i < 4; i++) {
    call_wait(calls[i], 10000);
    check_call_ok(calls[i]);
    int64_t batch = call_int_parameter(calls[i], "batch_size");
    if (batch > 2)
      fail_msg("request %d ran in a batch of %lld, mixing shapes [1,2] and [1,3]", i,
               (long long)batch);
    tensor_view out = call_tensor(calls[i], "OUTPUT0");
    assert_int_equal(out.shape[1], i % 2 == 0 ? 2 : 3);
  }
  for (int i = 0; i < 4; i++)
    call_free(calls[i]);
  server_finish(server, repo);
}

/* Two instances; the first request sleeps 500 ms, the second none. */
static void run_fast_after_slow(TRITONSERVER_Server *server, infer_call **slow, infer_call **fast)
{
  *slow = call_new(server, "ordered", -1, NULL);
  *fast = call_new(server, "ordered", -1, NULL);
  const int64_t shape[] = {1, 4};
  const float data[4] = {1, 2, 3, 4};
  call_add_input(*slow, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  call_add_input(*fast, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  check_ok(TRITONSERVER_InferenceRequestSetIntParameter((*slow)->request, "execute_delay_ms", 500),
           "delay parameter");
  call_send(server, *slow);
  call_send(server, *fast);
  call_wait(*slow, 10000);
  call_wait(*fast, 10000);
  check_call_ok(*slow);
  check_call_ok(*fast);
}

#define ORDERED_MODEL(preserve)                                                                    \
  "backend: \"identity\"\nmax_batch_size: 1\n"                                                     \
  "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"                              \
  "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"                            \
  "instance_group [ { count: 2 kind: KIND_CPU } ]\n"                                               \
  "dynamic_batching { preserve_ordering: " preserve " }\n"

static void preserve_ordering_holds_back_faster_responses(void **state)
{
  (void)state;
  char *repo;
  infer_call *slow, *fast;
  /* Without preserve_ordering the fast request overtakes the slow one... */
  TRITONSERVER_Server *server = server_with_model(&repo, "ordered", ORDERED_MODEL("false"));
  run_fast_after_slow(server, &slow, &fast);
  assert_true(fast->sequence < slow->sequence);
  assert_string_not_equal(call_string_parameter(slow, "instance"),
                          call_string_parameter(fast, "instance"));
  call_free(slow);
  call_free(fast);
  server_finish(server, repo);

  /* ...with it, its response waits for the slow one. */
  server = server_with_model(&repo, "ordered", ORDERED_MODEL("true"));
  run_fast_after_slow(server, &slow, &fast);
  if (fast->sequence < slow->sequence)
    fail_msg("with preserve_ordering the second request's response came first");
  call_free(slow);
  call_free(fast);
  server_finish(server, repo);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(eight_requests_run_as_two_batches_of_four),
      cmocka_unit_test(lone_request_waits_for_the_queue_delay),
      cmocka_unit_test(different_shapes_are_not_batched_together),
      cmocka_unit_test(preserve_ordering_holds_back_faster_responses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
