/*
 * test_pt2.c: the PyTorch 2 runtimes through the core: AOTInductor packages
 * (platform torch_aoti) and, in test_python.c, runtime "model.py". Models:
 * <models>/pytorch2 (tests/models/cases_pt2.py): the same Linear(4, 3) + ReLU as a
 * dynamic-batch package, a fixed-batch-4 package and TorchScript (the reference).
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

static const float input8[8][4] = {{1, 2, 3, 4},   {-1, 0.5f, 2, -3}, {0, 0, 0, 0},
                                   {4, -4, 1, 1},  {0.25f, 1, -2, 3}, {9, 8, 7, 6},
                                   {-5, 5, -5, 5}, {1, 1, 1, 1}};

/* rows x 3 outputs of `model` (input/output names given) into out; returns false on error
 * and then copies the error message into `error` when non-NULL. */
static bool infer_rows(TRITONSERVER_Server *server, const char *model, const char *input,
                       const char *output, int64_t rows, float *out, char **error) {
  int64_t shape[2] = {rows, 4};
  infer_call *call = pt_infer_fp32(server, model, input, shape, 2, &input8[0][0]);
  bool ok = call->error_message == NULL;
  if (!ok && error != NULL) *error = strdup(call->error_message);
  if (ok) {
    tensor_view view = call_tensor(call, output);
    assert_int_equal(view.dims, 2);
    assert_int_equal(view.shape[0], rows);
    assert_int_equal(view.shape[1], 3);
    memcpy(out, view.base, (size_t)rows * 3 * sizeof(float));
  }
  call_free(call);
  return ok;
}

static void assert_close(const float *a, const float *b, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    float diff = a[i] - b[i];
    if (diff < -1e-5f || diff > 1e-5f) fail_msg("value %zu: %f vs %f", i, a[i], b[i]);
  }
}

/* Batches of 1, 3 and 8 rows through the dynamic package equal TorchScript's answers. */
static void test_aoti_dynamic_batch_matches_torchscript(void **unused) {
  (void)unused;
  char *log_path = NULL;
  TRITONSERVER_Server *server = pt_group_server("pytorch2", &log_path);
  pt_load_ok(server, "aoti_linear");
  pt_load_ok(server, "linear_ts");
  int64_t sizes[] = {1, 3, 8};
  for (size_t s = 0; s < 3; ++s) {
    float aoti[24], reference[24];
    assert_true(infer_rows(server, "aoti_linear", "INPUT0", "OUTPUT0", sizes[s], aoti, NULL));
    assert_true(infer_rows(server, "linear_ts", "INPUT__0", "OUTPUT__0", sizes[s], reference,
                           NULL));
    assert_close(aoti, reference, (size_t)sizes[s] * 3);
  }
  assert_int_equal(pt_log_count(log_path, "Model platform for 'aoti_linear': 'torch_aoti'."), 1);
  pt_server_stop(server, log_path);
}

/* Requests sent together are batched by the dynamic batcher; each gets its own rows. */
static void test_aoti_requests_batched_together(void **unused) {
  (void)unused;
  char *log_path = NULL;
  TRITONSERVER_Server *server = pt_group_server("pytorch2", &log_path);
  pt_load_ok(server, "aoti_linear");
  pt_load_ok(server, "linear_ts");
  infer_call *calls[6];
  for (int i = 0; i < 6; ++i) {
    int64_t shape[2] = {1, 4};
    calls[i] = call_new(server, "aoti_linear", -1, NULL);
    call_add_input(calls[i], "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, input8[i],
                   sizeof(input8[i]));
    call_send(server, calls[i]);
  }
  float reference[18];
  assert_true(infer_rows(server, "linear_ts", "INPUT__0", "OUTPUT__0", 6, reference, NULL));
  for (int i = 0; i < 6; ++i) {
    call_wait(calls[i], 10000);
    check_call_ok(calls[i]);
    tensor_view view = call_tensor(calls[i], "OUTPUT0");
    assert_int_equal(view.shape[0], 1);
    assert_close(view.base, &reference[i * 3], 3);
    call_free(calls[i]);
  }
  pt_server_stop(server, log_path);
}

/* A fixed-batch package: batch 4 runs; another batch size fails alone with a clear
 * message and the next request is answered. */
static void test_aoti_fixed_batch_runs_only_its_size(void **unused) {
  (void)unused;
  char *log_path = NULL, *error = NULL;
  TRITONSERVER_Server *server = pt_group_server("pytorch2", &log_path);
  pt_load_ok(server, "aoti_fixed");
  pt_load_ok(server, "linear_ts");
  float out[24], reference[24];
  assert_false(infer_rows(server, "aoti_fixed", "INPUT0", "OUTPUT0", 2, out, &error));
  assert_non_null(strstr(error, "dimension 0 of the batch is 2, but model.pt2 takes 4 there"));
  free(error);
  assert_true(infer_rows(server, "aoti_fixed", "INPUT0", "OUTPUT0", 4, out, NULL));
  assert_true(infer_rows(server, "linear_ts", "INPUT__0", "OUTPUT__0", 4, reference, NULL));
  assert_close(out, reference, 12);
  pt_server_stop(server, log_path);
}

static const char *io_text =
    "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
    "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 3 ] } ]\n";

static char *aoti_config(const char *name, int max_batch_size, const char *io, const char *extra) {
  char *text = NULL;
  assert_true(asprintf(&text, "name: \"%s\"\nplatform: \"torch_aoti\"\nmax_batch_size: %d\n%s%s",
                       name, max_batch_size, io, extra) > 0);
  return text;
}

static void expect_load_error(TRITONSERVER_Server *server, const char *model,
                              const char *fragment) {
  TRITONSERVER_Error *error = pt_load(server, model);
  assert_non_null(error);
  if (strstr(TRITONSERVER_ErrorMessage(error), fragment) == NULL)
    fail_msg("load error of %s: '%s' lacks '%s'", model, TRITONSERVER_ErrorMessage(error),
             fragment);
  TRITONSERVER_ErrorDelete(error);
}

/* Load-time refusals: a fixed batch of 4 under max_batch_size 8, a dynamic batch bounded by
 * 64 under max_batch_size 128, a wrong inner dim, a wrong dtype, a wrong input count, a
 * missing file. Thread and weight-sharing parameters load and answer. */
static void test_aoti_load_checks_and_parameters(void **unused) {
  (void)unused;
  char *repo = repo_create(), *log_path = NULL;
  const char *fixed = "pytorch2/aoti_fixed/1/model.pt2";
  const char *dynamic = "pytorch2/aoti_linear/1/model.pt2";
  struct {
    const char *name, *source, *io, *extra;
    int max_batch_size;
  } models[] = {
      {"fixed_too_big", fixed, NULL, "", 8},
      {"dynamic_too_big", dynamic, NULL, "", 128},
      {"wrong_dim", dynamic,
       "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 5 ] } ]\n"
       "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 3 ] } ]\n", "", 8},
      {"wrong_dtype", dynamic,
       "input [ { name: \"INPUT0\" data_type: TYPE_FP64 dims: [ 4 ] } ]\n"
       "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 3 ] } ]\n", "", 8},
      {"two_inputs", dynamic,
       "input [ { name: \"A\" data_type: TYPE_FP32 dims: [ 4 ] },"
       " { name: \"B\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
       "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 3 ] } ]\n", "", 8},
      {"with_parameters", dynamic, NULL,
       "instance_group [ { count: 2 kind: KIND_CPU } ]\n"
       "parameters { key: \"INTRA_OP_THREAD_COUNT\" value: { string_value: \"1\" } }\n"
       "parameters { key: \"ENABLE_WEIGHT_SHARING\" value: { string_value: \"true\" } }\n"
       "parameters { key: \"INFERENCE_MODE\" value: { string_value: \"false\" } }\n", 8},
  };
  for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); ++i) {
    char *config = aoti_config(models[i].name, models[i].max_batch_size,
                               models[i].io != NULL ? models[i].io : io_text, models[i].extra);
    pt_repo_add_as(repo, models[i].name, config, models[i].source, "model.pt2", 1);
    free(config);
  }
  char *config = aoti_config("missing_file", 8, io_text, "");
  pt_repo_add_as(repo, "missing_file", config, dynamic, "other.pt2", 1);
  free(config);
  TRITONSERVER_Server *server = pt_server_start(repo, &log_path);
  expect_load_error(server, "fixed_too_big",
                    "model.pt2 was exported for a fixed batch of 4 (input 'INPUT0', dimension "
                    "0), but max_batch_size is 8");
  expect_load_error(server, "dynamic_too_big", "takes batches of at most 64");
  expect_load_error(server, "wrong_dim", "dims[0] is 5 in the configuration, but the package "
                                         "takes 4 there");
  expect_load_error(server, "wrong_dtype", "is TYPE_FP64 in the configuration, but the package "
                                           "takes TYPE_FP32");
  expect_load_error(server, "two_inputs", "configuration expects 2 inputs, but model expects 1 "
                                          "inputs.");
  expect_load_error(server, "missing_file", "is unreachable or inaccessible.");
  pt_load_ok(server, "with_parameters");
  assert_int_equal(pt_log_count(log_path, "Reusing AOTInductor model for instance "
                                          "'with_parameters'"), 1);
  assert_int_equal(pt_log_count(log_path, "Inference Mode is disabled for model instance "
                                          "'with_parameters'"), 1);
  float out[9];
  assert_true(infer_rows(server, "with_parameters", "INPUT0", "OUTPUT0", 3, out, NULL));
  pt_server_stop(server, log_path);
  repo_remove_tree(repo);
  free(repo);
}

int main(int argc, char **argv) {
  pt_harness_init(argc, argv);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_aoti_dynamic_batch_matches_torchscript),
      cmocka_unit_test(test_aoti_requests_batched_together),
      cmocka_unit_test(test_aoti_fixed_batch_runs_only_its_size),
      cmocka_unit_test(test_aoti_load_checks_and_parameters),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
