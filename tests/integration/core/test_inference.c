/* test_inference.c — inference end to end through TRITONSERVER_ServerInferAsync with a
 * CPU response allocator: identity copies (FP32, BYTES, inputs split over several
 * buffers), add_sub, requested outputs, ids and response parameters, request
 * parameters, request reuse, reshape on both sides, optional inputs, a backend's
 * per-request error, and the core's request validation with Triton's messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "models.h"

static const int V1[] = {1};

typedef struct fixture {
  char *repo;
  TRITONSERVER_Server *server;
} fixture;

static int setup(void **state)
{
  fixture *f = calloc(1, sizeof(*f));
  f->repo = repo_create();
  repo_add_model(f->repo, "identity", MODEL_IDENTITY_FP32, V1, 1);
  repo_add_model(f->repo, "add_sub", MODEL_ADD_SUB_INT32, V1, 1);
  repo_add_model(f->repo, "strings", MODEL_IDENTITY_BYTES, V1, 1);
  repo_add_model(f->repo, "reshape_in",
                 "backend: \"identity\"\nmax_batch_size: 2\n"
                 "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ]\n"
                 "          reshape: { shape: [ 2, 2 ] } } ]\n"
                 "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 2, 2 ] } ]\n",
                 V1, 1);
  repo_add_model(f->repo, "reshape_out",
                 "backend: \"identity\"\nmax_batch_size: 2\n"
                 "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 2, 2 ] } ]\n"
                 "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ]\n"
                 "           reshape: { shape: [ 2, 2 ] } } ]\n",
                 V1, 1);
  repo_add_model(f->repo, "optional_input",
                 "backend: \"identity\"\nmax_batch_size: 2\n"
                 "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] },\n"
                 "        { name: \"INPUT1\" data_type: TYPE_FP32 dims: [ 4 ] optional: true } ]\n"
                 "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] },\n"
                 "         { name: \"OUTPUT1\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n",
                 V1, 1);
  repo_add_model(f->repo, "echo",
                 MODEL_IDENTITY_FP32
                 "parameters { key: \"echo_parameters\" value { string_value: \"true\" } }\n",
                 V1, 1);
  repo_add_model(f->repo, "add_sub_fp32",
                 "backend: \"identity\"\nmax_batch_size: 4\n"
                 "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 2 ] },\n"
                 "        { name: \"INPUT1\" data_type: TYPE_FP32 dims: [ 2 ] } ]\n"
                 "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 2 ] },\n"
                 "         { name: \"OUTPUT1\" data_type: TYPE_FP32 dims: [ 2 ] } ]\n"
                 "parameters { key: \"mode\" value { string_value: \"add_sub\" } }\n",
                 V1, 1);
  repo_add_model(f->repo, "two_outputs",
                 "backend: \"identity\"\nmax_batch_size: 0\n"
                 "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 2 ] },\n"
                 "        { name: \"INPUT1\" data_type: TYPE_INT64 dims: [ 1 ] } ]\n"
                 "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 2 ] },\n"
                 "         { name: \"OUTPUT1\" data_type: TYPE_INT64 dims: [ 1 ] } ]\n",
                 V1, 1);
  repo_add_model(f->repo, "fails_request_x",
                 MODEL_IDENTITY_FP32
                 "parameters { key: \"error_request_id\" value { string_value: \"x\" } }\n",
                 V1, 1);
  TRITONSERVER_ServerOptions *options = server_options(f->repo, TRITONSERVER_MODEL_CONTROL_NONE);
  f->server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fixture *f = *state;
  server_stop(f->server);
  repo_remove_tree(f->repo);
  free(f->repo);
  free(f);
  return 0;
}

static void identity_copies_fp32_batch(void **state)
{
  fixture *f = *state;
  infer_call *call = call_new(f->server, "identity", -1, "req-7");
  const int64_t shape[] = {2, 4};
  const float data[8] = {1, 2, 3, 4, 5, 6, 7, -8.5f};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  call_run(f->server, call);
  check_call_ok(call);
  tensor_view out = call_tensor(call, "OUTPUT0");
  assert_int_equal(out.datatype, TRITONSERVER_TYPE_FP32);
  assert_int_equal(out.dims, 2);
  assert_int_equal(out.shape[0], 2);
  assert_int_equal(out.shape[1], 4);
  assert_int_equal(out.byte_size, sizeof(data));
  assert_memory_equal(out.base, data, sizeof(data));

  const char *id = NULL;
  check_ok(TRITONSERVER_InferenceResponseId(call->response, &id), "InferenceResponseId");
  assert_string_equal(id, "req-7");
  const char *model = NULL;
  int64_t version = 0;
  check_ok(TRITONSERVER_InferenceResponseModel(call->response, &model, &version), "ResponseModel");
  assert_string_equal(model, "identity");
  assert_int_equal(version, 1);
  /* Response parameters set by the backend come through. */
  assert_int_equal(call_int_parameter(call, "batch_size"), 2);
  assert_int_equal(call_int_parameter(call, "request_count"), 1);
  assert_non_null(call_string_parameter(call, "instance"));
  call_free(call);
}

static void input_split_over_buffers_is_gathered(void **state)
{
  fixture *f = *state;
  infer_call *call = call_new(f->server, "identity", -1, NULL);
  const int64_t shape[] = {3, 4};
  float data[12];
  for (int i = 0; i < 12; i++)
    data[i] = (float)i * 1.5f;
  call_add_input_split(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data), 3);
  call_run(f->server, call);
  check_call_ok(call);
  tensor_view out = call_tensor(call, "OUTPUT0");
  assert_int_equal(out.byte_size, sizeof(data));
  assert_memory_equal(out.base, data, sizeof(data));
  call_free(call);
}

static void add_sub_computes_both_outputs(void **state)
{
  fixture *f = *state;
  infer_call *call = call_new(f->server, "add_sub", -1, NULL);
  const int64_t shape[] = {4};
  const int32_t a[4] = {10, 20, 30, 40}, b[4] = {1, 2, 3, 50};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_INT32, shape, 1, a, sizeof(a));
  call_add_input(call, "INPUT1", TRITONSERVER_TYPE_INT32, shape, 1, b, sizeof(b));
  call_run(f->server, call);
  check_call_ok(call);
  const int32_t sum[4] = {11, 22, 33, 90}, difference[4] = {9, 18, 27, -10};
  tensor_view out = call_tensor(call, "OUTPUT0");
  assert_int_equal(out.datatype, TRITONSERVER_TYPE_INT32);
  assert_int_equal(out.byte_size, sizeof(sum));
  assert_memory_equal(out.base, sum, sizeof(sum));
  out = call_tensor(call, "OUTPUT1");
  assert_memory_equal(out.base, difference, sizeof(difference));
  call_free(call);
}

static void add_sub_in_fp32(void **state)
{
  fixture *f = *state;
  infer_call *call = call_new(f->server, "add_sub_fp32", -1, NULL);
  const int64_t shape[] = {2, 2};
  const float a[4] = {1.5f, 2, -3, 4}, b[4] = {0.5f, 2, 3, -4};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, a, sizeof(a));
  call_add_input(call, "INPUT1", TRITONSERVER_TYPE_FP32, shape, 2, b, sizeof(b));
  check_ok(TRITONSERVER_InferenceRequestAddRequestedOutput(call->request, "OUTPUT1"),
           "AddRequestedOutput");
  call_run(f->server, call);
  check_call_ok(call);
  const float difference[4] = {1, 0, -6, 8};
  tensor_view out = call_tensor(call, "OUTPUT1");
  assert_int_equal(out.datatype, TRITONSERVER_TYPE_FP32);
  assert_int_equal(out.dims, 2);
  assert_int_equal(out.shape[0], 2);
  assert_memory_equal(out.base, difference, sizeof(difference));
  call_free(call);
}

static void only_requested_outputs_are_returned(void **state)
{
  fixture *f = *state;
  infer_call *call = call_new(f->server, "two_outputs", -1, NULL);
  const int64_t shape0[] = {2}, shape1[] = {1};
  const float x[2] = {1, 2};
  const int64_t y[1] = {42};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape0, 1, x, sizeof(x));
  call_add_input(call, "INPUT1", TRITONSERVER_TYPE_INT64, shape1, 1, y, sizeof(y));
  check_ok(TRITONSERVER_InferenceRequestAddRequestedOutput(call->request, "OUTPUT1"),
           "AddRequestedOutput");
  call_run(f->server, call);
  check_call_ok(call);
  uint32_t count = 0;
  check_ok(TRITONSERVER_InferenceResponseOutputCount(call->response, &count), "OutputCount");
  assert_int_equal(count, 1);
  tensor_view out = call_tensor(call, "OUTPUT1");
  assert_int_equal(out.datatype, TRITONSERVER_TYPE_INT64);
  assert_int_equal(*(const int64_t *)out.base, 42);
  call_free(call);

  /* With none requested, all outputs come back. */
  call = call_new(f->server, "two_outputs", -1, NULL);
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape0, 1, x, sizeof(x));
  call_add_input(call, "INPUT1", TRITONSERVER_TYPE_INT64, shape1, 1, y, sizeof(y));
  call_run(f->server, call);
  check_call_ok(call);
  check_ok(TRITONSERVER_InferenceResponseOutputCount(call->response, &count), "OutputCount");
  assert_int_equal(count, 2);
  call_free(call);
}

static void bytes_tensors_round_trip(void **state)
{
  fixture *f = *state;
  /* Two elements "hi" and "" then "world!", as 4-byte little-endian lengths + bytes. */
  const unsigned char data[] = {2, 0, 0, 0, 'h', 'i', 0,   0,   0,   0,
                                6, 0, 0, 0, 'w', 'o', 'r', 'l', 'd', '!'};
  infer_call *call = call_new(f->server, "strings", -1, NULL);
  const int64_t shape[] = {1, 3};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_BYTES, shape, 2, data, sizeof(data));
  call_run(f->server, call);
  check_call_ok(call);
  tensor_view out = call_tensor(call, "OUTPUT0");
  assert_int_equal(out.datatype, TRITONSERVER_TYPE_BYTES);
  assert_int_equal(out.shape[1], 3);
  assert_int_equal(out.byte_size, sizeof(data));
  assert_memory_equal(out.base, data, sizeof(data));
  call_free(call);
}

static void request_parameters_reach_the_backend(void **state)
{
  fixture *f = *state;
  infer_call *call = call_new(f->server, "echo", -1, NULL);
  const int64_t shape[] = {1, 4};
  const float data[4] = {1, 2, 3, 4};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  check_ok(TRITONSERVER_InferenceRequestSetStringParameter(call->request, "s", "text"), "string");
  check_ok(TRITONSERVER_InferenceRequestSetIntParameter(call->request, "n", -5), "int");
  check_ok(TRITONSERVER_InferenceRequestSetBoolParameter(call->request, "b", true), "bool");
  check_ok(TRITONSERVER_InferenceRequestSetDoubleParameter(call->request, "d", 0.25), "double");
  call_run(f->server, call);
  check_call_ok(call);
  TRITONSERVER_ParameterType type;
  const void *value;
  assert_string_equal(call_string_parameter(call, "s"), "text");
  assert_int_equal(call_int_parameter(call, "n"), -5);
  assert_true(call_parameter(call, "b", &type, &value));
  assert_int_equal(type, TRITONSERVER_PARAMETER_BOOL);
  assert_true(*(const bool *)value);
  assert_true(call_parameter(call, "d", &type, &value));
  assert_int_equal(type, TRITONSERVER_PARAMETER_DOUBLE);
  assert_true(*(const double *)value == 0.25);
  call_free(call);
}

static void a_released_request_can_be_sent_again(void **state)
{
  fixture *f = *state;
  infer_call *call = call_new(f->server, "identity", -1, NULL);
  const int64_t shape[] = {1, 4};
  const float data[4] = {4, 3, 2, 1};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  for (int round = 0; round < 3; round++) {
    call_run(f->server, call);
    check_call_ok(call);
    tensor_view out = call_tensor(call, "OUTPUT0");
    assert_memory_equal(out.base, data, sizeof(data));
    call_reset(call);
  }
  call_free(call);
}

static void reshape_applies_to_inputs_and_outputs(void **state)
{
  fixture *f = *state;
  const float data[4] = {1, 2, 3, 4};
  /* Input dims [4] reshaped to [2,2]: the backend sees [1,2,2] and echoes it. */
  infer_call *call = call_new(f->server, "reshape_in", -1, NULL);
  const int64_t flat[] = {1, 4};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, flat, 2, data, sizeof(data));
  call_run(f->server, call);
  check_call_ok(call);
  tensor_view out = call_tensor(call, "OUTPUT0");
  assert_int_equal(out.dims, 3);
  assert_int_equal(out.shape[1], 2);
  assert_int_equal(out.shape[2], 2);
  call_free(call);

  /* Output dims [4] with reshape [2,2]: the backend's [1,2,2] becomes [1,4]. */
  call = call_new(f->server, "reshape_out", -1, NULL);
  const int64_t square[] = {1, 2, 2};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, square, 3, data, sizeof(data));
  call_run(f->server, call);
  check_call_ok(call);
  out = call_tensor(call, "OUTPUT0");
  assert_int_equal(out.dims, 2);
  assert_int_equal(out.shape[1], 4);
  assert_memory_equal(out.base, data, sizeof(data));
  call_free(call);
}

static void optional_inputs_may_be_left_out(void **state)
{
  fixture *f = *state;
  infer_call *call = call_new(f->server, "optional_input", -1, NULL);
  const int64_t shape[] = {1, 4};
  const float data[4] = {1, 2, 3, 4};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  check_ok(TRITONSERVER_InferenceRequestAddRequestedOutput(call->request, "OUTPUT0"),
           "AddRequestedOutput");
  call_run(f->server, call);
  check_call_ok(call);
  call_free(call);
}

/* An allocator that refuses every buffer, naming the tensor. */
static TRITONSERVER_Error *
refusing_alloc(TRITONSERVER_ResponseAllocator *allocator, const char *tensor_name, size_t byte_size,
               TRITONSERVER_MemoryType memory_type, int64_t memory_type_id, void *userp,
               void **buffer, void **buffer_userp, TRITONSERVER_MemoryType *actual_memory_type,
               int64_t *actual_memory_type_id)
{
  (void)allocator;
  (void)byte_size;
  (void)memory_type;
  (void)memory_type_id;
  (void)userp;
  (void)buffer_userp;
  (void)actual_memory_type;
  (void)actual_memory_type_id;
  *buffer = NULL;
  char message[128];
  snprintf(message, sizeof(message), "no room for '%s'", tensor_name);
  return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_UNAVAILABLE, message);
}

static TRITONSERVER_Error *nothing_to_release(TRITONSERVER_ResponseAllocator *allocator,
                                              void *buffer, void *buffer_userp, size_t byte_size,
                                              TRITONSERVER_MemoryType memory_type,
                                              int64_t memory_type_id)
{
  (void)allocator;
  (void)buffer;
  (void)buffer_userp;
  (void)byte_size;
  (void)memory_type;
  (void)memory_type_id;
  return NULL;
}

static void allocator_failure_fails_the_response(void **state)
{
  fixture *f = *state;
  TRITONSERVER_ResponseAllocator *refusing = NULL;
  check_ok(TRITONSERVER_ResponseAllocatorNew(&refusing, refusing_alloc, nothing_to_release, NULL),
           "ResponseAllocatorNew");
  infer_call *call = call_new(f->server, "identity", -1, NULL);
  call_set_allocator(call, refusing, NULL);
  const int64_t shape[] = {1, 4};
  const float data[4] = {1, 2, 3, 4};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  call_run(f->server, call);
  if (call->error_message == NULL)
    fail_msg("the response succeeded although the allocator refused its output");
  assert_non_null(strstr(call->error_message, "no room for 'OUTPUT0'"));
  assert_int_equal(call->final_count, 1);
  assert_int_equal(call->release_count, 1);
  call_free(call);
  check_ok(TRITONSERVER_ResponseAllocatorDelete(refusing), "ResponseAllocatorDelete");
}

static void backend_error_reaches_only_that_request(void **state)
{
  fixture *f = *state;
  const int64_t shape[] = {1, 4};
  const float data[4] = {0};
  infer_call *bad = call_new(f->server, "fails_request_x", -1, "x");
  infer_call *good = call_new(f->server, "fails_request_x", -1, "y");
  call_add_input(bad, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  call_add_input(good, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  call_send(f->server, bad);
  call_send(f->server, good);
  call_wait(bad, 10000);
  call_wait(good, 10000);
  assert_non_null(bad->error_message);
  assert_false(bad->sync_error);
  assert_int_equal(bad->error_code, TRITONSERVER_ERROR_INTERNAL);
  assert_non_null(strstr(bad->error_message, "error_request_id"));
  assert_int_equal(bad->final_count, 1);
  assert_int_equal(bad->release_count, 1);
  check_call_ok(good);
  call_free(bad);
  call_free(good);
}

/* Sends one identity request built by the caller's input and checks it fails with
 * INVALID_ARG and a message containing each fragment. */
static void expect_invalid(fixture *f, infer_call *call, const char *fragment1,
                           const char *fragment2)
{
  call_run(f->server, call);
  if (call->error_message == NULL)
    fail_msg("expected the request to fail with '%s'", fragment1);
  assert_int_equal(call->error_code, TRITONSERVER_ERROR_INVALID_ARG);
  if (strstr(call->error_message, fragment1) == NULL ||
      (fragment2 != NULL && strstr(call->error_message, fragment2) == NULL))
    fail_msg("message '%s' lacks '%s' / '%s'", call->error_message, fragment1,
             fragment2 ? fragment2 : "");
  /* Exactly one outcome: an error at send, or one final response + one release. */
  if (!call->sync_error) {
    assert_int_equal(call->final_count, 1);
    assert_int_equal(call->release_count, 1);
  }
  call_free(call);
}

static void validation_errors_use_tritons_messages(void **state)
{
  fixture *f = *state;
  const float data[16] = {0};
  const int64_t good_shape[] = {1, 4};

  infer_call *call = call_new(f->server, "identity", -1, "r1");
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_INT32, good_shape, 2, data, 16);
  expect_invalid(f, call,
                 "[request id: r1] inference input 'INPUT0' data-type is 'INT32', but model "
                 "'identity' expects 'FP32'",
                 NULL);

  const int64_t wrong_shape[] = {1, 3};
  call = call_new(f->server, "identity", -1, "r2");
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, wrong_shape, 2, data, 12);
  expect_invalid(f, call,
                 "[request id: r2] unexpected shape for input 'INPUT0' for model 'identity'. "
                 "Expected [-1,4], got [1,3]",
                 NULL);

  const int64_t too_big[] = {9, 4};
  float big[36] = {0};
  call = call_new(f->server, "identity", -1, NULL);
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, too_big, 2, big, sizeof(big));
  expect_invalid(f, call, "inference request batch-size must be <= 8 for 'identity'", NULL);

  call = call_new(f->server, "identity", -1, NULL);
  call_add_input(call, "EXTRA", TRITONSERVER_TYPE_FP32, good_shape, 2, data, 16);
  expect_invalid(f, call, "unexpected inference input 'EXTRA' for model 'identity'", NULL);

  /* More inputs than the model has: the unknown one is named (current Triton), not
   * counted. */
  call = call_new(f->server, "identity", -1, NULL);
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, good_shape, 2, data, 16);
  call_add_input(call, "EXTRA", TRITONSERVER_TYPE_FP32, good_shape, 2, data, 16);
  expect_invalid(f, call, "unexpected inference input 'EXTRA' for model 'identity'", NULL);

  const int64_t shape4[] = {4};
  const int32_t ints[4] = {0};
  call = call_new(f->server, "add_sub", -1, NULL);
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_INT32, shape4, 1, ints, sizeof(ints));
  expect_invalid(f, call, "expected 2 inputs but got 1 inputs for model 'add_sub'", "'INPUT1'");

  call = call_new(f->server, "identity", -1, NULL);
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, good_shape, 2, data, 12);
  expect_invalid(
      f, call,
      "input byte size mismatch for input 'INPUT0' for model 'identity'. Expected 16, got 12",
      NULL);

  call = call_new(f->server, "identity", -1, NULL);
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, good_shape, 2, data, 16);
  check_ok(TRITONSERVER_InferenceRequestAddRequestedOutput(call->request, "NOPE"),
           "AddRequestedOutput");
  expect_invalid(f, call, "unexpected inference output 'NOPE' for model 'identity'", NULL);

  /* BYTES elements are checked by walking the length prefixes. */
  const unsigned char truncated[] = {5, 0, 0, 0, 'a', 'b'};
  const int64_t one[] = {1, 1};
  call = call_new(f->server, "strings", -1, NULL);
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_BYTES, one, 2, truncated, sizeof(truncated));
  call_run(f->server, call);
  assert_non_null(call->error_message);
  assert_int_equal(call->error_code, TRITONSERVER_ERROR_INVALID_ARG);
  assert_non_null(strstr(call->error_message, "INPUT0"));
  call_free(call);

  /* After all that, the model still answers. */
  call = call_new(f->server, "identity", -1, NULL);
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, good_shape, 2, data, 16);
  call_run(f->server, call);
  check_call_ok(call);
  call_free(call);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(identity_copies_fp32_batch),
      cmocka_unit_test(input_split_over_buffers_is_gathered),
      cmocka_unit_test(add_sub_computes_both_outputs),
      cmocka_unit_test(add_sub_in_fp32),
      cmocka_unit_test(only_requested_outputs_are_returned),
      cmocka_unit_test(bytes_tensors_round_trip),
      cmocka_unit_test(request_parameters_reach_the_backend),
      cmocka_unit_test(a_released_request_can_be_sent_again),
      cmocka_unit_test(reshape_applies_to_inputs_and_outputs),
      cmocka_unit_test(optional_inputs_may_be_left_out),
      cmocka_unit_test(allocator_failure_fails_the_response),
      cmocka_unit_test(backend_error_reaches_only_that_request),
      cmocka_unit_test(validation_errors_use_tritons_messages),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
