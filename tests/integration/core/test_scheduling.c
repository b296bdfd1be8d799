/* test_scheduling.c — the dynamic batcher's queue rules: priority levels (1 is
 * highest), queue timeouts with action REJECT or DELAY, per-request timeouts when the
 * policy allows overriding, rejection once max_queue_size requests wait, and a request
 * cancelled while queued answered CANCELLED without running.
 * Every model runs one instance that sleeps per execute, so a first "blocker" request
 * keeps it busy while the others queue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define ONE_SLOW_INSTANCE(delay_ms)                                                                \
  "backend: \"identity\"\nmax_batch_size: 1\n"                                                     \
  "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"                              \
  "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"                            \
  "instance_group [ { count: 1 kind: KIND_CPU } ]\n"                                               \
  "parameters { key: \"execute_delay_ms\" value { string_value: \"" delay_ms "\" } }\n"

static infer_call *send_one(TRITONSERVER_Server *server, uint64_t priority, uint64_t timeout_us)
{
  infer_call *call = call_new(server, "m", -1, NULL);
  const int64_t shape[] = {1, 4};
  const float data[4] = {1, 2, 3, 4};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  if (priority != 0)
    check_ok(TRITONSERVER_InferenceRequestSetPriorityUInt64(call->request, priority),
             "SetPriority");
  if (timeout_us != 0)
    check_ok(TRITONSERVER_InferenceRequestSetTimeoutMicroseconds(call->request, timeout_us),
             "SetTimeoutMicroseconds");
  call_send(server, call);
  return call;
}

static void sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void check_unavailable(infer_call *call, const char *fragment)
{
  if (call->error_message == NULL)
    fail_msg("expected the request to be rejected with '%s', but it succeeded", fragment);
  assert_int_equal(call->error_code, TRITONSERVER_ERROR_UNAVAILABLE);
  if (strstr(call->error_message, fragment) == NULL)
    fail_msg("rejection '%s' lacks '%s'", call->error_message, fragment);
  if (!call->sync_error) {
    assert_int_equal(call->final_count, 1);
    assert_int_equal(call->release_count, 1);
  }
}

static void higher_priority_requests_run_first(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = server_with_model(
      &repo, "m",
      ONE_SLOW_INSTANCE(
          "300") "dynamic_batching { priority_levels: 2 default_priority_level: 2 }\n");
  infer_call *blocker = send_one(server, 0, 0);
  sleep_ms(100); /* the blocker is executing now */
  infer_call *low[3], *high[3];
  for (int i = 0; i < 3; i++)
    low[i] = send_one(server, 2, 0);
  for (int i = 0; i < 3; i++)
    high[i] = send_one(server, 1, 0);
  call_wait(blocker, 10000);
  check_call_ok(blocker);
  int latest_high = 0, earliest_low = 1 << 30;
  for (int i = 0; i < 3; i++) {
    call_wait(high[i], 10000);
    call_wait(low[i], 10000);
    check_call_ok(high[i]);
    check_call_ok(low[i]);
    latest_high = high[i]->sequence > latest_high ? high[i]->sequence : latest_high;
    earliest_low = low[i]->sequence < earliest_low ? low[i]->sequence : earliest_low;
  }
  if (latest_high > earliest_low)
    fail_msg("a priority-2 request finished (#%d) before a priority-1 request (#%d)", earliest_low,
             latest_high);
  call_free(blocker);
  for (int i = 0; i < 3; i++) {
    call_free(low[i]);
    call_free(high[i]);
  }
  server_finish(server, repo);
}

static void queue_timeout_reject(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = server_with_model(
      &repo, "m",
      ONE_SLOW_INSTANCE("400")
      /* The blocker runs at level 1, which has no timeout, so however slowly a loaded
       * machine dispatches it, only the late request (level 2, 100 ms) can expire. */
      "dynamic_batching { priority_levels: 2 default_priority_level: 2 "
      "default_queue_policy { timeout_action: REJECT default_timeout_microseconds: 100000 } "
      "priority_queue_policy { key: 1 value { timeout_action: REJECT "
      "default_timeout_microseconds: 0 } } }\n");
  infer_call *blocker = send_one(server, 1, 0);
  sleep_ms(100);
  infer_call *late = send_one(server, 2, 0);
  call_wait(blocker, 10000);
  call_wait(late, 10000);
  check_call_ok(blocker);
  check_unavailable(late, "Request timeout expired");
  call_free(blocker);
  call_free(late);
  server_finish(server, repo);
}

static void queue_timeout_delay_still_serves(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = server_with_model(
      &repo, "m",
      ONE_SLOW_INSTANCE("300") "dynamic_batching { default_queue_policy { timeout_action: DELAY "
                               "default_timeout_microseconds: 50000 } }\n");
  infer_call *blocker = send_one(server, 0, 0);
  sleep_ms(100);
  infer_call *late = send_one(server, 0, 0);
  call_wait(blocker, 10000);
  call_wait(late, 10000);
  check_call_ok(blocker);
  check_call_ok(late);
  call_free(blocker);
  call_free(late);
  server_finish(server, repo);
}

static void request_timeout_override(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = server_with_model(
      &repo, "m",
      ONE_SLOW_INSTANCE(
          "400") "dynamic_batching { default_queue_policy { allow_timeout_override: true } }\n");
  infer_call *blocker = send_one(server, 0, 0);
  sleep_ms(100);
  infer_call *hurried = send_one(server, 0, 50000);
  infer_call *patient = send_one(server, 0, 0);
  call_wait(blocker, 10000);
  call_wait(hurried, 10000);
  call_wait(patient, 10000);
  check_call_ok(blocker);
  check_unavailable(hurried, "Request timeout expired");
  check_call_ok(patient);
  call_free(blocker);
  call_free(hurried);
  call_free(patient);
  server_finish(server, repo);
}

static void full_queue_rejects(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = server_with_model(
      &repo, "m",
      ONE_SLOW_INSTANCE("400")
      /* The blocker runs at level 1, which has no size limit, so however slowly a loaded
       * machine dispatches it, only level 2 (one slot) can be full. */
      "dynamic_batching { priority_levels: 2 default_priority_level: 2 "
      "default_queue_policy { max_queue_size: 1 } "
      "priority_queue_policy { key: 1 value { max_queue_size: 0 } } }\n");
  infer_call *blocker = send_one(server, 1, 0);
  sleep_ms(100);
  infer_call *queued = send_one(server, 2, 0);
  infer_call *rejected = send_one(server, 2, 0);
  call_wait(blocker, 10000);
  call_wait(queued, 10000);
  call_wait(rejected, 10000);
  check_call_ok(blocker);
  check_call_ok(queued);
  check_unavailable(rejected, "Exceeds maximum queue size");
  call_free(blocker);
  call_free(queued);
  call_free(rejected);
  server_finish(server, repo);
}

static void cancelled_queued_request_is_not_executed(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server =
      server_with_model(&repo, "m", ONE_SLOW_INSTANCE("300") "dynamic_batching { }\n");
  infer_call *blocker = send_one(server, 0, 0);
  sleep_ms(100);
  infer_call *cancelled = send_one(server, 0, 0);
  check_ok(TRITONSERVER_InferenceRequestCancel(cancelled->request), "InferenceRequestCancel");
  bool is_cancelled = false;
  check_ok(TRITONSERVER_InferenceRequestIsCancelled(cancelled->request, &is_cancelled),
           "InferenceRequestIsCancelled");
  assert_true(is_cancelled);
  call_wait(blocker, 10000);
  call_wait(cancelled, 10000);
  check_call_ok(blocker);
  if (cancelled->error_message == NULL)
    fail_msg("a request cancelled while queued was executed");
  assert_int_equal(cancelled->error_code, TRITONSERVER_ERROR_CANCELLED);
  assert_int_equal(cancelled->final_count, 1);
  assert_int_equal(cancelled->release_count, 1);
  call_free(blocker);
  call_free(cancelled);
  server_finish(server, repo);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(higher_priority_requests_run_first),
      cmocka_unit_test(queue_timeout_reject),
      cmocka_unit_test(queue_timeout_delay_still_serves),
      cmocka_unit_test(request_timeout_override),
      cmocka_unit_test(full_queue_rejects),
      cmocka_unit_test(cancelled_queued_request_is_not_executed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
