/* test_sequence.c — the sequence batcher through the public API: requests carry a
 * correlation id and START/END flags; the core adds the configured control inputs
 * (START as FP32 0/1, CORRID as UINT64), which the identity backend copies to outputs
 * named OUTPUT_START / OUTPUT_CORRID; all requests of one sequence run on the same
 * instance; a sequence must begin with START; a correlation id is required; implicit
 * state (sequence_batching.state) is carried per sequence between its requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define SEQUENCE_MODEL                                                                             \
  "backend: \"identity\"\nmax_batch_size: 1\n"                                                     \
  "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 1 ] } ]\n"                              \
  "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 1 ] },\n"                             \
  "         { name: \"OUTPUT_START\" data_type: TYPE_FP32 dims: [ 1 ] },\n"                        \
  "         { name: \"OUTPUT_CORRID\" data_type: TYPE_UINT64 dims: [ 1 ] } ]\n"                    \
  "instance_group [ { count: 2 kind: KIND_CPU } ]\n"                                               \
  "sequence_batching {\n"                                                                          \
  "  max_sequence_idle_microseconds: 5000000\n"                                                    \
  "  control_input [\n"                                                                            \
  "    { name: \"INPUT_START\" control [ { kind: CONTROL_SEQUENCE_START\n"                         \
  "                                        fp32_false_true: [ 0, 1 ] } ] },\n"                     \
  "    { name: \"INPUT_CORRID\" control [ { kind: CONTROL_SEQUENCE_CORRID\n"                       \
  "                                         data_type: TYPE_UINT64 } ] } ]\n"                      \
  "}\n"

/* Sends one step of sequence 'correlation_id' with 'flags' and waits for it. */
static infer_call *step_on(TRITONSERVER_Server *server, const char *model, uint64_t correlation_id,
                           uint32_t flags, float value)
{
  infer_call *call = call_new(server, model, -1, NULL);
  const int64_t shape[] = {1, 1};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, &value, sizeof(value));
  if (correlation_id != 0)
    check_ok(TRITONSERVER_InferenceRequestSetCorrelationId(call->request, correlation_id),
             "SetCorrelationId");
  check_ok(TRITONSERVER_InferenceRequestSetFlags(call->request, flags), "SetFlags");
  call_run(server, call);
  return call;
}

static infer_call *step(TRITONSERVER_Server *server, uint64_t correlation_id, uint32_t flags,
                        float value)
{
  return step_on(server, "seq", correlation_id, flags, value);
}

static void sequence_steps_see_control_inputs_on_one_instance(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = server_with_model(&repo, "seq", SEQUENCE_MODEL);
  const uint32_t flags[3] = {TRITONSERVER_REQUEST_FLAG_SEQUENCE_START, 0,
                             TRITONSERVER_REQUEST_FLAG_SEQUENCE_END};
  char *first_instance = NULL;
  for (int i = 0; i < 3; i++) {
    infer_call *call = step(server, 42, flags[i], (float)i);
    check_call_ok(call);
    tensor_view start = call_tensor(call, "OUTPUT_START");
    assert_int_equal(start.datatype, TRITONSERVER_TYPE_FP32);
    assert_true(((const float *)start.base)[0] == (i == 0 ? 1.0f : 0.0f));
    tensor_view corrid = call_tensor(call, "OUTPUT_CORRID");
    assert_int_equal(corrid.datatype, TRITONSERVER_TYPE_UINT64);
    assert_int_equal(((const uint64_t *)corrid.base)[0], 42);
    tensor_view out = call_tensor(call, "OUTPUT0");
    assert_true(((const float *)out.base)[0] == (float)i);
    const char *instance = call_string_parameter(call, "instance");
    assert_non_null(instance);
    if (first_instance == NULL)
      first_instance = strdup(instance);
    else
      assert_string_equal(instance, first_instance);
    call_free(call);
  }
  free(first_instance);
  server_finish(server, repo);
}

static void sequence_rules(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = server_with_model(&repo, "seq", SEQUENCE_MODEL);
  infer_call *call = step(server, 99, 0, 1);
  assert_non_null(call->error_message);
  assert_int_equal(call->error_code, TRITONSERVER_ERROR_INVALID_ARG);
  assert_non_null(strstr(call->error_message, "must specify the START flag on the first request"));
  call_free(call);

  call = step(server, 0, TRITONSERVER_REQUEST_FLAG_SEQUENCE_START, 1);
  assert_non_null(call->error_message);
  assert_int_equal(call->error_code, TRITONSERVER_ERROR_INVALID_ARG);
  assert_non_null(strstr(call->error_message, "correlation"));
  call_free(call);

  /* A sequence that ended must start again. */
  call = step(server, 7,
              TRITONSERVER_REQUEST_FLAG_SEQUENCE_START | TRITONSERVER_REQUEST_FLAG_SEQUENCE_END, 1);
  check_call_ok(call);
  call_free(call);
  call = step(server, 7, 0, 1);
  assert_non_null(call->error_message);
  call_free(call);
  server_finish(server, repo);
}

#define ACCUMULATE_MODEL                                                                           \
  "backend: \"identity\"\nmax_batch_size: 1\n"                                                     \
  "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 1 ] } ]\n"                              \
  "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 1 ] } ]\n"                            \
  "sequence_batching {\n"                                                                          \
  "  max_sequence_idle_microseconds: 5000000\n"                                                    \
  "  state [ { input_name: \"INPUT_STATE\" output_name: \"OUTPUT_STATE\"\n"                        \
  "            data_type: TYPE_FP32 dims: [ 1 ]\n"                                                 \
  "            initial_state: { data_type: TYPE_FP32 dims: [ 1 ] zero_data: true\n"                \
  "                             name: \"zeros\" } } ]\n"                                           \
  "}\n"                                                                                            \
  "parameters { key: \"mode\" value { string_value: \"accumulate\" } }\n"

static void implicit_state_is_kept_per_sequence(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = server_with_model(&repo, "acc", ACCUMULATE_MODEL);
  const uint32_t START = TRITONSERVER_REQUEST_FLAG_SEQUENCE_START;
  const uint32_t END = TRITONSERVER_REQUEST_FLAG_SEQUENCE_END;
  /* Two interleaved sequences: 5 adds 1,2,3 and 6 adds 10,20. */
  static const struct {
    uint64_t sequence;
    uint32_t flags;
    float value, expected;
  } steps[] = {{5, 1, 1, 1}, {6, 1, 10, 10}, {5, 0, 2, 3}, {6, 2, 20, 30}, {5, 2, 3, 6}};
  for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
    uint32_t flags = (steps[i].flags & 1 ? START : 0) | (steps[i].flags & 2 ? END : 0);
    infer_call *call = step_on(server, "acc", steps[i].sequence, flags, steps[i].value);
    check_call_ok(call);
    tensor_view out = call_tensor(call, "OUTPUT0");
    float got = ((const float *)out.base)[0];
    if (got != steps[i].expected)
      fail_msg("step %zu of sequence %llu: expected running sum %g, got %g", i,
               (unsigned long long)steps[i].sequence, steps[i].expected, got);
    call_free(call);
  }
  /* A new sequence with a reused id starts from the initial state again. */
  infer_call *call = step_on(server, "acc", 5, START | END, 4);
  check_call_ok(call);
  tensor_view out = call_tensor(call, "OUTPUT0");
  assert_true(((const float *)out.base)[0] == 4.0f);
  call_free(call);
  server_finish(server, repo);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sequence_steps_see_control_inputs_on_one_instance),
      cmocka_unit_test(sequence_rules),
      cmocka_unit_test(implicit_state_is_kept_per_sequence),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
