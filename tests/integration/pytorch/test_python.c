/*
 * test_python.c: runtime "model.py" through the core: an nn.Module from model.py with its
 * model.pt state_dict, compiled at load, answering like the TorchScript version of the same
 * weights for several batch sizes; two instances sharing one module; a Python exception
 * failing only its batch with type, message and the model's traceback lines; Triton's load
 * errors (no model file, no nn.Module subclass, bad compile parameters) and an import
 * error with its traceback; one torch.compile with the inductor backend. Models:
 * <models>/pytorch2 (tests/models/cases_pt2.py).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt_harness.h"

static TRITONSERVER_Server *server;
static char *log_path;

static const float rows8[8][4] = {{1, 2, 3, 4},   {-1, 0.5f, 2, -3}, {0, 0, 0, 0},
                                  {4, -4, 1, 1},  {0.25f, 1, -2, 3}, {9, 8, 7, 6},
                                  {-5, 5, -5, 5}, {1, 1, 1, 1}};

static int start(void **unused) {
  (void)unused;
  server = pt_group_server("pytorch2", &log_path);
  return 0;
}

static int stop(void **unused) {
  (void)unused;
  pt_server_stop(server, log_path);
  return 0;
}

static infer_call *infer(const char *model, const char *input, const float *data, int64_t rows) {
  int64_t shape[2] = {rows, 4};
  return pt_infer_fp32(server, model, input, shape, 2, data);
}

static void assert_same_answers(const char *model, int64_t rows) {
  infer_call *got = infer(model, "INPUT0", &rows8[0][0], rows);
  infer_call *want = infer("linear_ts", "INPUT__0", &rows8[0][0], rows);
  check_call_ok(got);
  check_call_ok(want);
  tensor_view a = call_tensor(got, "OUTPUT0"), b = call_tensor(want, "OUTPUT__0");
  assert_int_equal(a.shape[0], rows);
  assert_int_equal(a.byte_size, b.byte_size);
  for (size_t i = 0; i < a.byte_size / sizeof(float); ++i) {
    float diff = ((const float *)a.base)[i] - ((const float *)b.base)[i];
    assert_true(diff > -1e-5f && diff < 1e-5f);
  }
  call_free(got);
  call_free(want);
}

static void test_model_py_matches_torchscript(void **unused) {
  (void)unused;
  pt_load_ok(server, "py_linear");
  pt_load_ok(server, "linear_ts");
  for (int64_t rows = 1; rows <= 8; rows += 3) assert_same_answers("py_linear", rows);
  assert_int_equal(pt_log_count(log_path, "Compiled 'py_linear' on cpu in "), 1);
  assert_int_equal(pt_log_count(log_path, "Reusing the 'py_linear' module on cpu"), 1);
}

static void test_exception_fails_only_its_batch(void **unused) {
  (void)unused;
  pt_load_ok(server, "py_raise");
  float bad[4] = {-1000, 0, 0, 0};
  infer_call *call = infer("py_raise", "INPUT0", bad, 1);
  assert_non_null(call->error_message);
  assert_non_null(strstr(call->error_message, "ValueError: input below -100"));
  assert_non_null(strstr(call->error_message, "Traceback (most recent call last):"));
  assert_non_null(strstr(call->error_message, "py_raise/1/model.py\", line "));
  assert_null(strstr(call->error_message, "torchd_pytorch_runtime.py"));
  call_free(call);
  call = infer("py_raise", "INPUT0", &rows8[0][0], 2);
  check_call_ok(call);
  call_free(call);
}

static void expect_load_error(const char *model, const char *fragment) {
  TRITONSERVER_Error *error = pt_load(server, model);
  assert_non_null(error);
  if (strstr(TRITONSERVER_ErrorMessage(error), fragment) == NULL)
    fail_msg("load error of %s: '%s' lacks '%s'", model, TRITONSERVER_ErrorMessage(error),
             fragment);
  TRITONSERVER_ErrorDelete(error);
}

static void test_load_errors(void **unused) {
  (void)unused;
  expect_load_error("py_bad_import", "ModuleNotFoundError: No module named "
                                     "'torchd_no_such_module'");
  expect_load_error("py_bad_import", "py_bad_import/1/model.py\", line 2, in <module>");
  expect_load_error("py_no_module", "TritonModelException: Cannot find a subclass of "
                                    "torch.nn.Module");
  expect_load_error("py_no_file", "No model found in ");
  expect_load_error("py_no_file", "py_no_file/1/['model.py', 'model.pt']");
  expect_load_error("py_bad_json", "JSONDecodeError: Expecting property name enclosed in "
                                   "double quotes");
  expect_load_error("py_model_key", "'model' is not an optional parameter for 'torch.compile'");
}

static void test_inductor(void **unused) {
  (void)unused;
  pt_load_ok(server, "py_inductor");
  pt_load_ok(server, "linear_ts");
  for (int64_t rows = 1; rows <= 8; rows += 7) assert_same_answers("py_inductor", rows);
  assert_int_equal(pt_log_count(log_path, "Compiled 'py_inductor' on cpu in "), 1);
}

int main(int argc, char **argv) {
  pt_harness_init(argc, argv);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_model_py_matches_torchscript),
      cmocka_unit_test(test_exception_fails_only_its_batch),
      cmocka_unit_test(test_load_errors),
      cmocka_unit_test(test_inductor),
  };
  return cmocka_run_group_tests(tests, start, stop);
}
