/*
 * test_extras.c: what the torchd PyTorch backend does beyond Triton's, through the core:
 * List[Tensor] and Dict[str, Tensor] outputs, Optional[Tensor] inputs, METHOD_NAME,
 * OPTIMIZE_FOR_INFERENCE, BF16, config auto-complete, per-request scatter of batched
 * tensors and strings (requests really batched by a queue delay), and the run-time output
 * errors (scalar, dtype mismatch, missing output index) sent to every request, and
 * sequence batching with a control input and implicit state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pt_harness.h"

static TRITONSERVER_Server *server;
static char *log_path;

static int start(void **unused) {
  (void)unused;
  server = pt_group_server("pytorch_extra", &log_path);
  return 0;
}

static int stop(void **unused) {
  (void)unused;
  pt_server_stop(server, log_path);
  return 0;
}

static const float *output_fp32(infer_call *call, const char *name, size_t count) {
  TRITONSERVER_DataType dtype;
  const int64_t *shape;
  uint64_t dims;
  const void *base;
  size_t size;
  pt_output(call, name, &dtype, &shape, &dims, &base, &size);
  assert_int_equal(dtype, TRITONSERVER_TYPE_FP32);
  assert_int_equal(size, count * sizeof(float));
  return base;
}

static void test_list_and_dict_outputs(void **unused) {
  (void)unused;
  float x[2] = {1, -2};
  int64_t shape[2] = {1, 2};
  pt_load_ok(server, "list_output");
  infer_call *call = pt_infer_fp32(server, "list_output", "INPUT__0", shape, 2, x);
  check_call_ok(call);
  const float *doubled = output_fp32(call, "OUTPUT__0", 2), *plus = output_fp32(call, "OUTPUT__1", 2);
  assert_true(doubled[0] == 2 && doubled[1] == -4 && plus[0] == 2 && plus[1] == -1);
  call_free(call);
  pt_load_ok(server, "dict_output");
  call = pt_infer_fp32(server, "dict_output", "INPUT__0", shape, 2, x);
  check_call_ok(call);
  const float *by_key = output_fp32(call, "DOUBLE", 2), *negated = output_fp32(call, "NEG", 2);
  assert_true(by_key[1] == -4 && negated[0] == -1 && negated[1] == 2);
  call_free(call);
}

static void test_optional_input(void **unused) {
  (void)unused;
  pt_load_ok(server, "optional_input");
  float x[2] = {1, 2}, y[2] = {10, 20};
  int64_t shape[1] = {2};
  infer_call *call = pt_infer_fp32(server, "optional_input", "INPUT__0", shape, 1, x);
  check_call_ok(call); /* INPUT__1 absent: forward gets None */
  const float *out = output_fp32(call, "OUTPUT__0", 2);
  assert_true(out[0] == 1 && out[1] == 2);
  call_free(call);
  call = call_new(server, "optional_input", -1, NULL);
  call_add_input(call, "INPUT__0", TRITONSERVER_TYPE_FP32, shape, 1, x, sizeof(x));
  call_add_input(call, "INPUT__1", TRITONSERVER_TYPE_FP32, shape, 1, y, sizeof(y));
  call_run(server, call);
  check_call_ok(call);
  out = output_fp32(call, "OUTPUT__0", 2);
  assert_true(out[0] == 11 && out[1] == 22);
  call_free(call);
}

/* Arguments no input feeds take their defaults: scale = 2.0 and flag = False, with `bias`
 * (after `scale` in the signature) fed or absent. */
static void test_default_arguments(void **unused) {
  (void)unused;
  pt_load_ok(server, "default_arguments");
  float x[2] = {1, 2}, bias[2] = {0.5f, 0.25f};
  int64_t shape[2] = {1, 2};
  infer_call *call = pt_infer_fp32(server, "default_arguments", "x", shape, 2, x);
  check_call_ok(call);
  const float *out = output_fp32(call, "OUTPUT__0", 2);
  assert_true(out[0] == 2 && out[1] == 4);
  call_free(call);
  call = call_new(server, "default_arguments", -1, NULL);
  call_add_input(call, "x", TRITONSERVER_TYPE_FP32, shape, 2, x, sizeof(x));
  call_add_input(call, "bias", TRITONSERVER_TYPE_FP32, shape, 2, bias, sizeof(bias));
  call_run(server, call);
  check_call_ok(call);
  out = output_fp32(call, "OUTPUT__0", 2);
  assert_true(out[0] == 2.5f && out[1] == 4.25f);
  call_free(call);
}

static void test_method_name_and_frozen_model(void **unused) {
  (void)unused;
  pt_load_ok(server, "method_name");
  assert_int_equal(pt_log_count(log_path, "Method 'predict' is called for model instance "
                                          "'method_name'"), 1);
  float x[1] = {2};
  int64_t shape[1] = {1};
  infer_call *call = pt_infer_fp32(server, "method_name", "INPUT__0", shape, 1, x);
  check_call_ok(call);
  assert_true(output_fp32(call, "OUTPUT__0", 1)[0] == 6);
  call_free(call);

  pt_load_ok(server, "frozen_convnet");
  float image[2 * 64];
  for (int i = 0; i < 128; ++i) image[i] = (float)(i % 7) - 3;
  int64_t image_shape[4] = {2, 1, 8, 8};
  call = pt_infer_fp32(server, "frozen_convnet", "INPUT__0", image_shape, 4, image);
  check_call_ok(call);
  const float *features = output_fp32(call, "OUTPUT__0", 2 * 4 * 64);
  for (int i = 0; i < 2 * 4 * 64; ++i) assert_true(features[i] >= 0); /* after relu */
  call_free(call);
}

static void test_bf16(void **unused) {
  (void)unused;
  char *bf16_log = NULL;
  TRITONSERVER_Server *other = pt_group_server("bf16", &bf16_log);
  pt_load_ok(other, "dtype_bf16");
  const uint16_t in[2] = {0x3f80, 0xc000}; /* 1.0, -2.0 */
  const uint16_t expected[2] = {0x4000, 0xbf80}; /* 2.0, -1.0 */
  int64_t shape[2] = {1, 2};
  infer_call *call = call_new(other, "dtype_bf16", -1, NULL);
  call_add_input(call, "INPUT__0", TRITONSERVER_TYPE_BF16, shape, 2, in, sizeof(in));
  call_run(other, call);
  check_call_ok(call);
  TRITONSERVER_DataType dtype;
  const int64_t *out_shape;
  uint64_t dims;
  const void *base;
  size_t size;
  pt_output(call, "OUTPUT__0", &dtype, &out_shape, &dims, &base, &size);
  assert_int_equal(dtype, TRITONSERVER_TYPE_BF16);
  assert_memory_equal(base, expected, sizeof(expected));
  call_free(call);
  pt_server_stop(other, bf16_log);
}

static void test_autocomplete(void **unused) {
  (void)unused;
  char *repo = pt_repo_path("pytorch_extra"), *lenient_log = NULL;
  TRITONSERVER_Server *lenient = pt_server_start_lenient(repo, &lenient_log);
  free(repo);
  pt_load_ok(lenient, "autocomplete");
  float a[2] = {5, 6}, b[2] = {1, 2};
  int64_t shape[1] = {2};
  infer_call *call = call_new(lenient, "autocomplete", -1, NULL);
  call_add_input(call, "alpha", TRITONSERVER_TYPE_FP32, shape, 1, a, sizeof(a));
  call_add_input(call, "beta", TRITONSERVER_TYPE_FP32, shape, 1, b, sizeof(b));
  call_run(lenient, call);
  check_call_ok(call);
  const float *sum = output_fp32(call, "OUTPUT__0", 2), *diff = output_fp32(call, "OUTPUT__1", 2);
  assert_true(sum[0] == 6 && sum[1] == 8 && diff[0] == 4 && diff[1] == 4);
  call_free(call);
  assert_int_equal(pt_log_count(lenient_log, "auto-completed the inputs and outputs of model "
                                             "'autocomplete'"), 1);
  pt_server_stop(lenient, lenient_log);
}

/* True when the model's statistics list an execution with `rows` rows. */
static bool ran_batch_of(TRITONSERVER_Server *on, const char *model, int64_t rows) {
  TRITONSERVER_Message *message = NULL;
  check_ok(TRITONSERVER_ServerModelStatistics(on, model, -1, &message), "statistics");
  json_object *stats = message_json(message), *models = NULL, *batches = NULL;
  assert_true(json_object_object_get_ex(stats, "model_stats", &models));
  assert_true(json_object_object_get_ex(json_object_array_get_idx(models, 0), "batch_stats",
                                        &batches));
  bool found = false;
  for (size_t i = 0; i < json_object_array_length(batches); ++i) {
    json_object *size = NULL;
    if (json_object_object_get_ex(json_object_array_get_idx(batches, i), "batch_size", &size))
      found = found || json_object_get_int64(size) == rows;
  }
  if (!found) fprintf(stderr, "%s batch_stats: %s\n", model, json_object_to_json_string(batches));
  json_object_put(stats);
  return found;
}

/* Four concurrent requests (7 rows, the preferred batch size) form one batch; each gets
 * its own rows back. */
static void test_batched_strings_scatter_per_request(void **unused) {
  (void)unused;
  pt_load_ok(server, "string_batched");
  const char *inputs[4][2] = {{"a", "bb"}, {"ccc", "d"}, {"eeee", "f"}, {"gg", "hhh"}};
  const char *uppers[4][2] = {{"A", "BB"}, {"CCC", "D"}, {"EEEE", "F"}, {"GG", "HHH"}};
  infer_call *calls[4];
  void *buffers[4];
  for (int r = 0; r < 4; ++r) {
    size_t size = 0;
    buffers[r] = pt_bytes(inputs[r], r == 3 ? 1 : 2, &size); /* request 3 sends one row */
    int64_t shape[2] = {r == 3 ? 1 : 2, 1};
    calls[r] = call_new(server, "string_batched", -1, NULL);
    call_add_input(calls[r], "INPUT__0", TRITONSERVER_TYPE_BYTES, shape, 2, buffers[r], size);
    call_send(server, calls[r]);
  }
  for (int r = 0; r < 4; ++r) {
    call_wait(calls[r], 10000);
    check_call_ok(calls[r]);
    TRITONSERVER_DataType dtype;
    const int64_t *shape;
    uint64_t dims;
    const void *base;
    size_t size;
    pt_output(calls[r], "OUTPUT__0", &dtype, &shape, &dims, &base, &size);
    size_t rows = r == 3 ? 1 : 2, expected_size = 0;
    assert_int_equal(shape[0], (int64_t)rows);
    void *expected = pt_bytes(uppers[r], rows, &expected_size);
    assert_int_equal(size, expected_size);
    assert_memory_equal(base, expected, size);
    free(expected);
    call_free(calls[r]);
    free(buffers[r]);
  }
  assert_true(ran_batch_of(server, "string_batched", 7));
}

static void expect_run_error(const char *model, TRITONSERVER_Error_Code code, const char *text) {
  pt_load_ok(server, model);
  float x[2] = {1, 2};
  int64_t shape[1] = {2};
  infer_call *call = pt_infer_fp32(server, model, "INPUT__0", shape, 1, x);
  if (call->error_message == NULL) fail_msg("%s succeeded, expected '%s'", model, text);
  assert_int_equal(call->error_code, code);
  assert_string_equal(call->error_message, text);
  call_free(call);
}

static void test_output_errors(void **unused) {
  (void)unused;
  expect_run_error("scalar_output", TRITONSERVER_ERROR_INVALID_ARG,
                   "output 'OUTPUT__0' is a scalar which is not supported.");
  expect_run_error("wrong_output_dtype", TRITONSERVER_ERROR_INVALID_ARG,
                   "configuration expects datatype TYPE_FP32 for output 'OUTPUT__0', model "
                   "provides TYPE_INT64");
  expect_run_error("missing_output_index", TRITONSERVER_ERROR_INVALID_ARG,
                   "The output OUTPUT__1 in the model configuration refers to an output index "
                   "which doesn't exist. This model has 1 outputs");
}

/* Three requests of different lengths batched together (preferred batch 3) into one flat
 * tensor; the BATCH_ACCUMULATED_ELEMENT_COUNT batch input tells the model where each ends. */
static void test_ragged_batch_with_batch_input(void **unused) {
  (void)unused;
  pt_load_ok(server, "ragged_sum");
  float data[3][4] = {{1, 2, 0, 0}, {10, 20, 30, 0}, {100, 0, 0, 0}};
  int64_t lengths[3] = {2, 3, 1};
  float sums[3] = {3, 60, 100};
  infer_call *calls[3];
  for (int r = 0; r < 3; ++r) {
    int64_t shape[2] = {1, lengths[r]};
    calls[r] = call_new(server, "ragged_sum", -1, NULL);
    call_add_input(calls[r], "INPUT__0", TRITONSERVER_TYPE_FP32, shape, 2, data[r],
                   (size_t)lengths[r] * sizeof(float));
    call_send(server, calls[r]);
  }
  for (int r = 0; r < 3; ++r) {
    call_wait(calls[r], 10000);
    check_call_ok(calls[r]);
    assert_true(output_fp32(calls[r], "OUTPUT__0", 1)[0] == sums[r]);
    /* batch_output: this request's own elements, doubled, shaped like its input */
    TRITONSERVER_DataType dtype;
    const int64_t *shape;
    uint64_t dims;
    const void *base;
    size_t size;
    pt_output(calls[r], "OUTPUT__1", &dtype, &shape, &dims, &base, &size);
    assert_int_equal(dims, 2);
    assert_int_equal(shape[0], 1);
    assert_int_equal(shape[1], lengths[r]);
    for (int64_t i = 0; i < lengths[r]; ++i)
      assert_true(((const float *)base)[i] == 2 * data[r][i]);
    call_free(calls[r]);
  }
  assert_true(ran_batch_of(server, "ragged_sum", 3)); /* they really ran together */
}

/* Sends value `x` in sequence `id` (START/END flags as given); returns OUTPUT__0. */
static float sequence_step(uint64_t id, float x, uint32_t flags) {
  int64_t shape[1] = {1};
  infer_call *call = call_new(server, "sequence_state", -1, NULL);
  check_ok(TRITONSERVER_InferenceRequestSetCorrelationId(call->request, id), "correlation id");
  check_ok(TRITONSERVER_InferenceRequestSetFlags(call->request, flags), "flags");
  call_add_input(call, "INPUT__0", TRITONSERVER_TYPE_FP32, shape, 1, &x, sizeof(x));
  call_run(server, call);
  check_call_ok(call);
  float out = output_fp32(call, "OUTPUT__0", 1)[0];
  call_free(call);
  return out;
}

/* Control input START__1 and implicit state STATE_IN__2 <- STATE_OUT__1: a running sum. */
static void test_sequence_control_and_state(void **unused) {
  (void)unused;
  pt_load_ok(server, "sequence_state");
  assert_true(sequence_step(7, 1, TRITONSERVER_REQUEST_FLAG_SEQUENCE_START) == 1);
  assert_true(sequence_step(7, 2, 0) == 3);
  assert_true(sequence_step(9, 10, TRITONSERVER_REQUEST_FLAG_SEQUENCE_START) == 10);
  assert_true(sequence_step(7, 3, TRITONSERVER_REQUEST_FLAG_SEQUENCE_END) == 6);
  assert_true(sequence_step(9, 5, TRITONSERVER_REQUEST_FLAG_SEQUENCE_END) == 15);
  assert_true(sequence_step(7, 4, TRITONSERVER_REQUEST_FLAG_SEQUENCE_START |
                                      TRITONSERVER_REQUEST_FLAG_SEQUENCE_END) == 4);
}

int main(int argc, char **argv) {
  pt_harness_init(argc, argv);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_list_and_dict_outputs),
      cmocka_unit_test(test_optional_input),
      cmocka_unit_test(test_default_arguments),
      cmocka_unit_test(test_method_name_and_frozen_model),
      cmocka_unit_test(test_bf16),
      cmocka_unit_test(test_autocomplete),
      cmocka_unit_test(test_batched_strings_scatter_per_request),
      cmocka_unit_test(test_output_errors),
      cmocka_unit_test(test_sequence_control_and_state),
      cmocka_unit_test(test_ragged_batch_with_batch_input),
  };
  return cmocka_run_group_tests(tests, start, stop);
}
