/* test_instances.c — instance groups: count 2 gives two instances named
 * <model>_0_0 and <model>_0_1 that both serve, and no instance ever runs two executes
 * at once (each instance's executes, which sleep 200 ms, finish >= 200 ms apart). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static void two_instances_share_the_work_one_execute_each(void **state)
{
  (void)state;
  char *repo = NULL;
  TRITONSERVER_Server *server = server_with_model(
      &repo, "multi",
      "backend: \"identity\"\nmax_batch_size: 0\n"
      "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
      "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
      "instance_group [ { count: 2 kind: KIND_CPU } ]\n"
      "parameters { key: \"execute_delay_ms\" value { string_value: \"200\" } }\n");

  enum { N = 6 };
  infer_call *calls[N];
  const int64_t shape[] = {4};
  for (int i = 0; i < N; i++) {
    const float data[4] = {(float)i, 0, 0, 0};
    calls[i] = call_new(server, "multi", -1, NULL);
    call_add_input(calls[i], "INPUT0", TRITONSERVER_TYPE_FP32, shape, 1, data, sizeof(data));
    call_send(server, calls[i]);
  }
  uint64_t finished[2][N];
  int count[2] = {0, 0};
  for (int i = 0; i < N; i++) {
    call_wait(calls[i], 10000);
    check_call_ok(calls[i]);
    const char *instance = call_string_parameter(calls[i], "instance");
    assert_non_null(instance);
    int which = strcmp(instance, "multi_0_0") == 0   ? 0
                : strcmp(instance, "multi_0_1") == 0 ? 1
                                                     : -1;
    if (which < 0)
      fail_msg("unexpected instance name '%s' (expected multi_0_0 or multi_0_1)", instance);
    finished[which][count[which]++] = calls[i]->completed_ns;
  }
  assert_true(count[0] > 0);
  assert_true(count[1] > 0);
  for (int w = 0; w < 2; w++) {
    /* Sort this instance's completion times, then check their spacing. */
    for (int a = 0; a < count[w]; a++)
      for (int b = a + 1; b < count[w]; b++)
        if (finished[w][b] < finished[w][a]) {
          uint64_t t = finished[w][a];
          finished[w][a] = finished[w][b];
          finished[w][b] = t;
        }
    for (int k = 1; k < count[w]; k++) {
      uint64_t gap_ms = (finished[w][k] - finished[w][k - 1]) / 1000000u;
      if (gap_ms < 190)
        fail_msg("instance %d finished two executes %llu ms apart: they overlapped", w,
                 (unsigned long long)gap_ms);
    }
  }
  for (int i = 0; i < N; i++)
    call_free(calls[i]);
  server_finish(server, repo);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(two_instances_share_the_work_one_execute_each),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
