/*
 * test_loading.c: model loading through the core with the PyTorch backend: load failures
 * with their exact messages (Triton's for unsupported dtype, wrong input count, corrupt and
 * missing files; ours for duplicate/out-of-range __N indices, bad parameter values,
 * unsupported argument types, a missing METHOD_NAME), every parameter's INFO line exactly
 * once per model version, and weight sharing (15 reuse lines for 16 instances, then
 * concurrent inference over the shared module).
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

/* Loads `model` from `group` and expects failure with `fragment` in the message. */
static void expect_load_failure(const char *group, const char *model, const char *fragment) {
  char *log_path = NULL;
  TRITONSERVER_Server *server = pt_group_server(group, &log_path);
  TRITONSERVER_Error *error = pt_load(server, model);
  if (error == NULL) fail_msg("model '%s' loaded but must fail with '%s'", model, fragment);
  if (strstr(TRITONSERVER_ErrorMessage(error), fragment) == NULL)
    fail_msg("load error of '%s' is '%s', expected it to contain '%s'", model,
             TRITONSERVER_ErrorMessage(error), fragment);
  TRITONSERVER_ErrorDelete(error);
  assert_false(model_ready(server, model, -1));
  pt_server_stop(server, log_path);
}

static void test_triton_load_failures(void **unused) {
  (void)unused;
  expect_load_failure("faulty", "libtorch_invalid_input_type",
                      "unsupported datatype TYPE_UINT32 for input 'INPUT0' for model "
                      "'libtorch_invalid_input_type'");
  expect_load_failure("faulty", "libtorch_invalid_output_type",
                      "unsupported datatype TYPE_UINT64 for output 'OUTPUT__0' for model "
                      "'libtorch_invalid_output_type'");
  expect_load_failure("faulty", "wrong_input_count",
                      "unable to load model 'wrong_input_count', configuration expects 1 "
                      "inputs, model provides 2");
  expect_load_failure("faulty", "corrupt", "failed to load model 'corrupt': ");
  char path[1024];
  snprintf(path, sizeof(path), "unable to find '%s/faulty/missing_file/1/model.pt' for model "
           "instance '", pt_models_dir);
  expect_load_failure("faulty", "missing_file", path);
}

static void test_our_load_failures(void **unused) {
  (void)unused;
  expect_load_failure("pytorch_extra_faulty", "duplicate_index",
                      "inputs 'A__0' and 'B__0' of model 'duplicate_index' both map to "
                      "argument index 0; each input needs its own index");
  expect_load_failure("pytorch_extra_faulty", "index_out_of_range",
                      "input 'B__5' of model 'index_out_of_range' maps to argument index 5, "
                      "but the model's method takes 2 argument(s) (indices 0 to 1)");
  expect_load_failure("pytorch_extra_faulty", "bad_parameter",
                      "failed to convert 'maybe' to boolean");
  expect_load_failure("pytorch_extra_faulty", "unsupported_argument",
                      "An input of type 'int' was detected in the model. Only a single input "
                      "of type Dict(str, Tensor) or input(s) of type Tensor are supported.");
  expect_load_failure("pytorch_extra_faulty", "missing_method",
                      "the model has no method named 'nope'");
  expect_load_failure("pytorch_extra_faulty", "too_few_inputs",
                      "unable to load model 'too_few_inputs', configuration expects 1 inputs, "
                      "model provides 3 (2 without a default value)");
  expect_load_failure("pytorch_extra_faulty", "required_not_fed",
                      "unable to load model 'required_not_fed': argument 'b' of method "
                      "'forward' has no default value and no input of the configuration "
                      "feeds it");
  expect_load_failure("pytorch_extra_faulty", "state_bad_naming",
                      "PyTorch model 'state_bad_naming' is using sequence batching with state "
                      "but not all inputs and outputs follow the <name>__<index> naming "
                      "convention. ");
}

static void test_parameter_lines_once_per_version(void **unused) {
  (void)unused;
  char *log_path = NULL;
  TRITONSERVER_Server *server = pt_group_server("pytorch_extra", &log_path);
  pt_load_ok(server, "all_parameters");
  pt_load_ok(server, "no_parameters");
  const char *lines[] = {
      "Optimized execution is disabled for model instance 'all_parameters'",
      "Cache Cleaning is enabled for model instance 'all_parameters'",
      "Inference Mode is disabled for model instance 'all_parameters'",
      "cuDNN is disabled for model instance 'all_parameters'",
      "Tensor fuser is disabled for model instance 'all_parameters'",
      "Weight sharing is disabled for model instance 'all_parameters'",
      "Jit profiling is disabled for model instance 'all_parameters'",
      "Jit executor is enabled for model instance 'all_parameters'",
      "Intra op thread count is set to 1 for model instance 'all_parameters'",
      "Inter op thread count is set to ",
  };
  for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); ++i)
    if (pt_log_count(log_path, lines[i]) != 3)
      fail_msg("'%s' appears %zu times, expected 3 (one per version)", lines[i],
               pt_log_count(log_path, lines[i]));
  assert_int_equal(pt_log_count(log_path, "for model instance 'no_parameters'"), 0);
  /* every version serves, with its switches applied per execute */
  float x[2] = {1, 2};
  int64_t shape[1] = {2};
  for (int version = 1; version <= 3; ++version) {
    infer_call *call = call_new(server, "all_parameters", version, NULL);
    call_add_input(call, "INPUT__0", TRITONSERVER_TYPE_FP32, shape, 1, x, sizeof(x));
    call_run(server, call);
    check_call_ok(call);
    call_free(call);
  }
  pt_server_stop(server, log_path);
}

static void test_weight_sharing(void **unused) {
  (void)unused;
  char *log_path = NULL;
  TRITONSERVER_Server *server = pt_group_server("pytorch_extra", &log_path);
  pt_load_ok(server, "weight_sharing");
  pt_load_ok(server, "no_weight_sharing");
  assert_int_equal(pt_log_count(log_path, "Reusing TorchScript model for instance 'weight_sharing'"),
                   15);
  assert_int_equal(pt_log_count(log_path, "Reusing TorchScript model for instance"), 15);
  enum { CALLS = 32 };
  infer_call *calls[CALLS];
  float inputs[CALLS][2];
  for (int i = 0; i < CALLS; ++i) {
    inputs[i][0] = (float)i;
    inputs[i][1] = (float)(-i);
    int64_t shape[2] = {1, 2};
    calls[i] = call_new(server, "weight_sharing", -1, NULL);
    call_add_input(calls[i], "INPUT__0", TRITONSERVER_TYPE_FP32, shape, 2, inputs[i],
                   sizeof(inputs[i]));
    call_send(server, calls[i]);
  }
  for (int i = 0; i < CALLS; ++i) {
    call_wait(calls[i], 20000);
    check_call_ok(calls[i]);
    TRITONSERVER_DataType dtype;
    const int64_t *shape;
    uint64_t dims;
    const void *base;
    size_t size;
    pt_output(calls[i], "OUTPUT__0", &dtype, &shape, &dims, &base, &size);
    assert_true(((const float *)base)[0] == (float)i + 1);
    assert_true(((const float *)base)[1] == (float)(-i) + 1);
    call_free(calls[i]);
  }
  pt_server_stop(server, log_path);
}

/* "model_stats"[0].<path...> of ServerModelStatistics as an integer. */
static int64_t stat_value(json_object *stats, const char *group, const char *field) {
  json_object *models = NULL, *group_object = NULL, *field_object = NULL, *count = NULL;
  assert_true(json_object_object_get_ex(stats, "model_stats", &models));
  json_object *model = json_object_array_get_idx(models, 0);
  assert_true(json_object_object_get_ex(model, "inference_stats", &group_object));
  assert_true(json_object_object_get_ex(group_object, group, &field_object));
  assert_true(json_object_object_get_ex(field_object, field, &count));
  return json_object_get_int64(count);
}

/* The platform line; a torch_aoti model runs the AOTI runtime, which wants model.pt2. */
static void test_platform_line_and_pt2_refused(void **unused) {
  (void)unused;
  char *repo = repo_create(), *log_path = NULL;
  pt_repo_add(repo, "aoti",
              "name: \"aoti\"\nplatform: \"torch_aoti\"\nbackend: \"pytorch\"\n"
              "max_batch_size: 0\n"
              "input [ { name: \"INPUT__0\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n"
              "output [ { name: \"OUTPUT__0\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n",
              "pytorch/identity_fp32/1/model.pt", 1);
  pt_repo_add(repo, "scripted",
              "name: \"scripted\"\nplatform: \"pytorch_libtorch\"\nmax_batch_size: 0\n"
              "input [ { name: \"INPUT__0\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n"
              "output [ { name: \"OUTPUT__0\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n",
              "pytorch/identity_fp32/1/model.pt", 1);
  TRITONSERVER_Server *server = pt_server_start(repo, &log_path);
  pt_load_ok(server, "scripted");
  assert_int_equal(pt_log_count(log_path, "Model platform for 'scripted': 'pytorch_libtorch'."), 1);
  TRITONSERVER_Error *error = pt_load(server, "aoti");
  assert_non_null(error);
  assert_non_null(strstr(TRITONSERVER_ErrorMessage(error), "PyTorch inductor model file \""));
  assert_non_null(strstr(TRITONSERVER_ErrorMessage(error),
                         "/1/model.pt2\" is unreachable or inaccessible."));
  TRITONSERVER_ErrorDelete(error);
  pt_server_stop(server, log_path);
  repo_remove_tree(repo);
  free(repo);
}

static void test_statistics_and_kind_model_and_file_name(void **unused) {
  (void)unused;
  char *repo = repo_create(), *log_path = NULL;
  /* default_model_filename and KIND_MODEL: the artifact is weights.pt, loaded as saved */
  pt_repo_add(repo, "renamed",
              "name: \"renamed\"\nbackend: \"pytorch\"\nmax_batch_size: 8\n"
              "default_model_filename: \"weights.pt\"\n"
              "input [ { name: \"INPUT__0\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n"
              "output [ { name: \"OUTPUT__0\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n"
              "instance_group [ { kind: KIND_MODEL } ]\n",
              "faulty/raises/1/model.pt", 1);
  char from[1024], to[1024];
  snprintf(from, sizeof(from), "%s/renamed/1/model.pt", repo);
  snprintf(to, sizeof(to), "%s/renamed/1/weights.pt", repo);
  assert_int_equal(rename(from, to), 0);
  TRITONSERVER_Server *server = pt_server_start(repo, &log_path);
  pt_load_ok(server, "renamed");
  float good[2] = {1, 2}, bad[2] = {-1, 2};
  int64_t shape[2] = {1, 2};
  infer_call *call = pt_infer_fp32(server, "renamed", "INPUT__0", shape, 2, good);
  check_call_ok(call);
  call_free(call);
  call = pt_infer_fp32(server, "renamed", "INPUT__0", shape, 2, bad);
  assert_non_null(call->error_message);
  call_free(call);
  TRITONSERVER_Message *message = NULL;
  check_ok(TRITONSERVER_ServerModelStatistics(server, "renamed", -1, &message), "statistics");
  json_object *stats = message_json(message);
  assert_int_equal(stat_value(stats, "success", "count"), 1);
  assert_int_equal(stat_value(stats, "fail", "count"), 1);
  assert_int_equal(stat_value(stats, "compute_infer", "count"), 1);
  assert_true(stat_value(stats, "compute_infer", "ns") > 0);
  json_object_put(stats);
  pt_server_stop(server, log_path);
  repo_remove_tree(repo);
  free(repo);
}

int main(int argc, char **argv) {
  pt_harness_init(argc, argv);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_triton_load_failures),
      cmocka_unit_test(test_our_load_failures),
      cmocka_unit_test(test_parameter_lines_once_per_version),
      cmocka_unit_test(test_weight_sharing),
      cmocka_unit_test(test_statistics_and_kind_model_and_file_name),
      cmocka_unit_test(test_platform_line_and_pt2_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
