/* test_order.c — the preserve_ordering reorder buffer: final responses handed in out of
 * order reach the frontend in sequence order, none lost, none twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "order.h"
#include "response.h"

static int delivered[16];
static int delivered_count;

static void on_response(TRITONSERVER_InferenceResponse *resp, const uint32_t flags, void *userp)
{
  assert_true(flags & TRITONSERVER_RESPONSE_COMPLETE_FINAL);
  delivered[delivered_count++] = (int)(intptr_t)userp;
  response_free(resp);
}

static response_sink *sink_new(uint64_t seq)
{
  response_sink *s = calloc(1, sizeof(*s));
  s->refs = 1;
  s->model_name = calloc(1, 1);
  s->request_id = calloc(1, 1);
  s->response_fn = on_response;
  s->response_userp = (void *)(intptr_t)seq;
  s->ordered = true;
  s->order_seq = seq;
  return s;
}

static void responses_leave_in_sequence(void **state)
{
  (void)state;
  order_tracker *t = order_tracker_new();
  const int arrival[] = {2, 0, 3, 5, 1, 4};
  response_sink *sinks[6];
  for (int i = 0; i < 6; i++)
    sinks[i] = sink_new((uint64_t)i);
  for (int i = 0; i < 6; i++) {
    response_sink *s = sinks[arrival[i]];
    order_deliver(t, s, response_new(s), TRITONSERVER_RESPONSE_COMPLETE_FINAL);
    if (arrival[i] == 2)
      assert_int_equal(delivered_count, 0); /* 0 and 1 not there yet */
  }
  assert_int_equal(delivered_count, 6);
  for (int i = 0; i < 6; i++)
    assert_int_equal(delivered[i], i);
  for (int i = 0; i < 6; i++)
    response_sink_unref(sinks[i]);
  order_tracker_free(t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(responses_leave_in_sequence)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
