/*
 * test_inference.c: inference through the core's C API (tritonserver.h) with the PyTorch
 * backend on the generated repositories (tests/models/README.md): every data type,
 * batching and non-batching, split input buffers, naming conventions, dict input,
 * strings batched across requests, requested-output subsets, zero-size and zero-batch
 * requests, and a model raising in forward while the server keeps serving.
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
  server = pt_group_server("pytorch", &log_path);
  return 0;
}

static int stop(void **unused) {
  (void)unused;
  pt_server_stop(server, log_path);
  return 0;
}

static void expect_fp32(infer_call *call, const char *name, const float *expected, size_t n) {
  TRITONSERVER_DataType dtype;
  const int64_t *shape;
  uint64_t dims;
  const void *base;
  size_t size;
  pt_output(call, name, &dtype, &shape, &dims, &base, &size);
  assert_int_equal(dtype, TRITONSERVER_TYPE_FP32);
  assert_int_equal(size, n * sizeof(float));
  for (size_t i = 0; i < n; ++i) assert_true(((const float *)base)[i] == expected[i]);
}

static void test_identity_and_add_sub(void **unused) {
  (void)unused;
  pt_load_ok(server, "identity_fp32");
  float x[3] = {1, -2, 3.5f};
  int64_t shape[1] = {3};
  infer_call *call = pt_infer_fp32(server, "identity_fp32", "INPUT__0", shape, 1, x);
  check_call_ok(call);
  expect_fp32(call, "OUTPUT__0", x, 3);
  call_free(call);

  pt_load_ok(server, "add_sub"); /* platform: "pytorch_libtorch" only */
  float a[16], b[16], sum[16], diff[16];
  for (int i = 0; i < 16; ++i) {
    a[i] = (float)i;
    b[i] = 2.0f * (float)i + 1;
    sum[i] = a[i] + b[i];
    diff[i] = a[i] - b[i];
  }
  int64_t shape16[1] = {16};
  call = call_new(server, "add_sub", -1, NULL);
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape16, 1, a, sizeof(a));
  call_add_input(call, "INPUT1", TRITONSERVER_TYPE_FP32, shape16, 1, b, sizeof(b));
  call_run(server, call);
  check_call_ok(call);
  expect_fp32(call, "OUTPUT0", sum, 16);
  expect_fp32(call, "OUTPUT1", diff, 16);
  call_free(call);
}

/* Each dtype_* model adds 1 (bool: logical not) on a [2, 2] batch. */
static void test_every_dtype(void **unused) {
  (void)unused;
  struct {
    const char *model;
    TRITONSERVER_DataType dtype;
    size_t size;
  } cases[] = {
      {"dtype_bool", TRITONSERVER_TYPE_BOOL, 1},   {"dtype_uint8", TRITONSERVER_TYPE_UINT8, 1},
      {"dtype_int8", TRITONSERVER_TYPE_INT8, 1},   {"dtype_int16", TRITONSERVER_TYPE_INT16, 2},
      {"dtype_int32", TRITONSERVER_TYPE_INT32, 4}, {"dtype_int64", TRITONSERVER_TYPE_INT64, 8},
      {"dtype_fp16", TRITONSERVER_TYPE_FP16, 2},   {"dtype_fp32", TRITONSERVER_TYPE_FP32, 4},
      {"dtype_fp64", TRITONSERVER_TYPE_FP64, 8},
  };
  for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); ++c) {
    pt_load_ok(server, cases[c].model);
    unsigned char input[4 * 8] = {0}, expected[4 * 8] = {0};
    for (int i = 0; i < 4; ++i) {
      unsigned char *in = input + i * cases[c].size, *out = expected + i * cases[c].size;
      switch (cases[c].dtype) {
        case TRITONSERVER_TYPE_BOOL: in[0] = (unsigned char)(i % 2); out[0] = (unsigned char)!(i % 2); break;
        case TRITONSERVER_TYPE_UINT8: in[0] = (unsigned char)(i == 3 ? 255 : i); out[0] = (unsigned char)(in[0] + 1); break;
        case TRITONSERVER_TYPE_INT8: *(int8_t *)in = (int8_t)(i == 3 ? 127 : -i); *(int8_t *)out = (int8_t)(i == 3 ? -128 : 1 - i); break;
        case TRITONSERVER_TYPE_INT16: *(int16_t *)in = (int16_t)(1000 * i); *(int16_t *)out = (int16_t)(1000 * i + 1); break;
        case TRITONSERVER_TYPE_INT32: *(int32_t *)in = -7 * i; *(int32_t *)out = -7 * i + 1; break;
        case TRITONSERVER_TYPE_INT64: *(int64_t *)in = (int64_t)1 << (40 + i); *(int64_t *)out = ((int64_t)1 << (40 + i)) + 1; break;
        case TRITONSERVER_TYPE_FP16: { /* 1.0, 2.0, 3.0, 4.0 -> 2.0 ... 5.0 */
          const uint16_t halves[6] = {0x3c00, 0x4000, 0x4200, 0x4400, 0x4500, 0x0};
          memcpy(in, &halves[i], 2);
          memcpy(out, &halves[i + 1], 2);
          break;
        }
        case TRITONSERVER_TYPE_FP32: *(float *)in = 0.5f * (float)i; *(float *)out = 0.5f * (float)i + 1; break;
        default: *(double *)in = 0.25 * i; *(double *)out = 0.25 * i + 1; break;
      }
    }
    int64_t shape[2] = {2, 2};
    infer_call *call = call_new(server, cases[c].model, -1, NULL);
    call_add_input(call, "INPUT__0", cases[c].dtype, shape, 2, input, 4 * cases[c].size);
    call_run(server, call);
    check_call_ok(call);
    TRITONSERVER_DataType dtype;
    const int64_t *out_shape;
    uint64_t dims;
    const void *base;
    size_t size;
    pt_output(call, "OUTPUT__0", &dtype, &out_shape, &dims, &base, &size);
    assert_int_equal(dtype, cases[c].dtype);
    assert_int_equal(dims, 2);
    assert_int_equal(out_shape[0], 2);
    assert_int_equal(size, 4 * cases[c].size);
    if (memcmp(base, expected, size) != 0) fail_msg("wrong values from %s", cases[c].model);
    call_free(call);
  }
}

static void test_split_input_buffers_are_gathered(void **unused) {
  (void)unused;
  pt_load_ok(server, "nobatch_fp32");
  float x[6] = {1, 2, 3, 4, 5, 6}, doubled[6] = {2, 4, 6, 8, 10, 12};
  int64_t shape[2] = {2, 3};
  infer_call *call = call_new(server, "nobatch_fp32", -1, NULL);
  call_add_input_split(call, "INPUT__0", TRITONSERVER_TYPE_FP32, shape, 2, x, sizeof(x), 3);
  call_run(server, call);
  check_call_ok(call);
  expect_fp32(call, "OUTPUT__0", doubled, 6);
  call_free(call);
}

static void test_vardims(void **unused) {
  (void)unused;
  pt_load_ok(server, "vardims");
  float x[2 * 2 * 3] = {1, 1, 1, 2, 2, 2, 3, 3, 3, 0, 0, 1};
  float sums[4] = {3, 6, 9, 1};
  int64_t shape[3] = {2, 2, 3};
  infer_call *call = pt_infer_fp32(server, "vardims", "INPUT__0", shape, 3, x);
  check_call_ok(call);
  expect_fp32(call, "OUTPUT__0", sums, 4);
  call_free(call);
}

static void test_naming_conventions(void **unused) {
  (void)unused;
  float p[2] = {10, 20}, q[2] = {1, 2}, diff[2] = {9, 18}, sum[2] = {11, 22};
  int64_t shape[1] = {2};
  /* forward_args: config lists beta then alpha; OUTPUT = alpha - beta */
  pt_load_ok(server, "forward_args");
  infer_call *call = call_new(server, "forward_args", -1, NULL);
  call_add_input(call, "alpha", TRITONSERVER_TYPE_FP32, shape, 1, p, sizeof(p));
  call_add_input(call, "beta", TRITONSERVER_TYPE_FP32, shape, 1, q, sizeof(q));
  call_run(server, call);
  check_call_ok(call);
  expect_fp32(call, "OUTPUT__0", diff, 2);
  call_free(call);
  /* named_index: INPUT__1/INPUT__0 and OUTPUT__1/OUTPUT__0 listed in reverse */
  pt_load_ok(server, "named_index");
  call = call_new(server, "named_index", -1, NULL);
  call_add_input(call, "INPUT__0", TRITONSERVER_TYPE_FP32, shape, 1, p, sizeof(p));
  call_add_input(call, "INPUT__1", TRITONSERVER_TYPE_FP32, shape, 1, q, sizeof(q));
  call_run(server, call);
  check_call_ok(call);
  expect_fp32(call, "OUTPUT__0", diff, 2);
  expect_fp32(call, "OUTPUT__1", sum, 2);
  call_free(call);
  /* strict_order: X, Y -> DIFF, SUM by position, silently */
  pt_load_ok(server, "strict_order");
  call = call_new(server, "strict_order", -1, NULL);
  call_add_input(call, "X", TRITONSERVER_TYPE_FP32, shape, 1, p, sizeof(p));
  call_add_input(call, "Y", TRITONSERVER_TYPE_FP32, shape, 1, q, sizeof(q));
  call_run(server, call);
  check_call_ok(call);
  expect_fp32(call, "DIFF", diff, 2);
  expect_fp32(call, "SUM", sum, 2);
  call_free(call);
  assert_int_equal(pt_log_count(log_path, "Falling back to enforcing strict ordering"), 0);
}

static void test_dict_input(void **unused) {
  (void)unused;
  pt_load_ok(server, "dict_input");
  float a[2] = {1, 2}, b[2] = {10, 20}, expected[2] = {21, 42};
  int64_t shape[1] = {2};
  infer_call *call = call_new(server, "dict_input", -1, NULL);
  call_add_input(call, "INPUT_A", TRITONSERVER_TYPE_FP32, shape, 1, a, sizeof(a));
  call_add_input(call, "INPUT_B", TRITONSERVER_TYPE_FP32, shape, 1, b, sizeof(b));
  call_run(server, call);
  check_call_ok(call);
  expect_fp32(call, "OUTPUT__0", expected, 2);
  call_free(call);
}

static void test_requested_output_subset(void **unused) {
  (void)unused;
  pt_load_ok(server, "multi_output");
  float x[2] = {1.5f, -2.5f};
  int64_t shape[2] = {1, 2};
  infer_call *call = call_new(server, "multi_output", -1, NULL);
  call_add_input(call, "INPUT__0", TRITONSERVER_TYPE_FP32, shape, 2, x, sizeof(x));
  check_ok(TRITONSERVER_InferenceRequestAddRequestedOutput(call->request, "OUTPUT__1"),
           "requested output");
  call_run(server, call);
  check_call_ok(call);
  uint32_t count = 0;
  check_ok(TRITONSERVER_InferenceResponseOutputCount(call->response, &count), "count");
  assert_int_equal(count, 1);
  TRITONSERVER_DataType dtype;
  const int64_t *out_shape;
  uint64_t dims;
  const void *base;
  size_t size;
  pt_output(call, "OUTPUT__1", &dtype, &out_shape, &dims, &base, &size);
  assert_int_equal(dtype, TRITONSERVER_TYPE_INT64);
  assert_int_equal(((const int64_t *)base)[0], 1);
  assert_int_equal(((const int64_t *)base)[1], -2);
  call_free(call);
}

static void expect_strings(infer_call *call, const char *name, const char *const *expected,
                           size_t n) {
  TRITONSERVER_DataType dtype;
  const int64_t *shape;
  uint64_t dims;
  const void *base;
  size_t size;
  pt_output(call, name, &dtype, &shape, &dims, &base, &size);
  assert_int_equal(dtype, TRITONSERVER_TYPE_BYTES);
  assert_int_equal(shape[0], (int64_t)n);
  size_t expected_size = 0;
  void *bytes = pt_bytes(expected, n, &expected_size);
  assert_int_equal(size, expected_size);
  assert_memory_equal(base, bytes, size);
  free(bytes);
}

static void test_strings(void **unused) {
  (void)unused;
  pt_load_ok(server, "string_identity");
  const char *words[] = {"alpha", "", "gamma delta"};
  size_t size = 0;
  void *bytes = pt_bytes(words, 3, &size);
  int64_t shape[1] = {3};
  infer_call *call = call_new(server, "string_identity", -1, NULL);
  call_add_input(call, "INPUT__0", TRITONSERVER_TYPE_BYTES, shape, 1, bytes, size);
  call_run(server, call);
  check_call_ok(call);
  expect_strings(call, "OUTPUT__0", words, 3);
  call_free(call);
  free(bytes);
}

/* Concurrent requests batched by the dynamic batcher: each gets its own strings. */
static void test_strings_batched_across_requests(void **unused) {
  (void)unused;
  pt_load_ok(server, "string_upper");
  const char *inputs[4][2] = {{"a", "bb"}, {"ccc", "d"}, {"eeee", "f"}, {"gg", "hhh"}};
  const char *uppers[4][2] = {{"A", "BB"}, {"CCC", "D"}, {"EEEE", "F"}, {"GG", "HHH"}};
  infer_call *calls[4];
  void *buffers[4];
  for (int r = 0; r < 4; ++r) {
    size_t size = 0;
    buffers[r] = pt_bytes(inputs[r], 2, &size);
    int64_t shape[2] = {2, 1};
    calls[r] = call_new(server, "string_upper", -1, NULL);
    call_add_input(calls[r], "INPUT__0", TRITONSERVER_TYPE_BYTES, shape, 2, buffers[r], size);
    check_ok(TRITONSERVER_InferenceRequestAddRequestedOutput(calls[r]->request, "OUTPUT__0"),
             "requested output");
    call_send(server, calls[r]);
  }
  for (int r = 0; r < 4; ++r) {
    call_wait(calls[r], 10000);
    check_call_ok(calls[r]);
    uint32_t count = 0;
    check_ok(TRITONSERVER_InferenceResponseOutputCount(calls[r]->response, &count), "count");
    assert_int_equal(count, 1); /* OUTPUT__1 was not requested */
    expect_strings(calls[r], "OUTPUT__0", uppers[r], 2);
    call_free(calls[r]);
    free(buffers[r]);
  }
}

static void test_zero_size_and_zero_batch(void **unused) {
  (void)unused;
  pt_load_ok(server, "identity_fp32");
  int64_t empty[1] = {0};
  infer_call *call = pt_infer_fp32(server, "identity_fp32", "INPUT__0", empty, 1, NULL);
  check_call_ok(call);
  TRITONSERVER_DataType dtype;
  const int64_t *shape;
  uint64_t dims;
  const void *base;
  size_t size;
  pt_output(call, "OUTPUT__0", &dtype, &shape, &dims, &base, &size);
  assert_int_equal(shape[0], 0);
  assert_int_equal(size, 0);
  call_free(call);

  pt_load_ok(server, "dtype_fp32"); /* batching: a batch of 0 rows is answered, not hung */
  int64_t zero_batch[2] = {0, 3};
  call = pt_infer_fp32(server, "dtype_fp32", "INPUT__0", zero_batch, 2, NULL);
  check_call_ok(call); /* one response, one release, success */
  pt_output(call, "OUTPUT__0", &dtype, &shape, &dims, &base, &size);
  assert_int_equal(dims, 2);
  assert_int_equal(shape[0], 0);
  assert_int_equal(shape[1], 3);
  assert_int_equal(size, 0);
  call_free(call);
}

static void test_raising_model_keeps_serving(void **unused) {
  (void)unused;
  char *faulty_log = NULL;
  TRITONSERVER_Server *other = pt_group_server("faulty", &faulty_log);
  pt_load_ok(other, "raises");
  float bad[2] = {1, -1}, good[2] = {1, 2}, plus_one[2] = {2, 3};
  int64_t shape[2] = {1, 2};
  infer_call *call = pt_infer_fp32(other, "raises", "INPUT__0", shape, 2, bad);
  assert_non_null(call->error_message);
  assert_int_equal(call->error_code, TRITONSERVER_ERROR_INTERNAL);
  assert_non_null(strstr(call->error_message, "PyTorch execute failure: "));
  assert_non_null(strstr(call->error_message, "raises: input contains a negative value"));
  call_free(call);
  call = pt_infer_fp32(other, "raises", "INPUT__0", shape, 2, good);
  check_call_ok(call);
  expect_fp32(call, "OUTPUT__0", plus_one, 2);
  call_free(call);
  pt_server_stop(other, faulty_log);
}

int main(int argc, char **argv) {
  pt_harness_init(argc, argv);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_identity_and_add_sub),
      cmocka_unit_test(test_every_dtype),
      cmocka_unit_test(test_split_input_buffers_are_gathered),
      cmocka_unit_test(test_vardims),
      cmocka_unit_test(test_naming_conventions),
      cmocka_unit_test(test_dict_input),
      cmocka_unit_test(test_requested_output_subset),
      cmocka_unit_test(test_strings),
      cmocka_unit_test(test_strings_batched_across_requests),
      cmocka_unit_test(test_zero_size_and_zero_batch),
      cmocka_unit_test(test_raising_model_keeps_serving),
  };
  return cmocka_run_group_tests(tests, start, stop);
}
