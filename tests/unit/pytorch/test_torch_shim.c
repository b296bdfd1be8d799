/*
 * test_torch_shim.c: the C API over LibTorch (torch_shim.h) on small scripted models
 * (make_shim_models.py): schema kinds, tensors over borrowed memory, strings, dict input,
 * tuple/list/dict outputs, Optional[Tensor], a second method, freezing, and every failure
 * turned into a message instead of an exception. Usage: test_torch_shim <models_dir>
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "torch_shim.h"

static const char *models_dir;

static ts_module *load_with(const char *name, bool optimize, const char *method) {
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s.pt", models_dir, name);
  FILE *file = fopen(path, "rb");
  assert_non_null(file);
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  char *bytes = malloc((size_t)size);
  assert_int_equal(fread(bytes, 1, (size_t)size, file), (size_t)size);
  fclose(file);
  ts_load_options options = {TS_DEVICE_CPU, 0, true, optimize, method};
  ts_module *module = NULL;
  char *error = ts_module_load(bytes, (size_t)size, &options, &module);
  free(bytes); /* the module must not keep pointers into the file bytes */
  if (error != NULL) fprintf(stderr, "load %s: %s\n", name, error);
  assert_null(error);
  return module;
}

static ts_module *load(const char *name) { return load_with(name, false, NULL); }

static const ts_run_options defaults = {true, true, true, -1, -1, -1, 0, TS_DEVICE_CPU, 0, NULL};

static ts_value fp32(float *data, const int64_t *shape, size_t dims) {
  ts_value value = {TS_VALUE_TENSOR, TS_DTYPE_FP32, shape, dims, data, NULL, NULL, 0};
  return value;
}

static ts_result *run(ts_module *module, const char *method, const ts_value *args, size_t n,
                      const char *const *keys) {
  ts_result *result = NULL;
  char *error = ts_module_run(module, method, &defaults, args, n, keys, &result);
  if (error != NULL) fprintf(stderr, "run: %s\n", error);
  assert_null(error);
  return result;
}

static void test_schema_kinds(void **unused) {
  (void)unused;
  const struct {
    const char *model;
    size_t args;
    ts_arg_kind first, second;
    size_t returns;
  } cases[] = {
      {"add", 2, TS_ARG_TENSOR, TS_ARG_TENSOR, 1},
      {"upper", 1, TS_ARG_STRING_LIST, 0, 1},
      {"dict_in", 1, TS_ARG_TENSOR_DICT, 0, 1},
      {"optional_in", 2, TS_ARG_TENSOR, TS_ARG_OPTIONAL_TENSOR, 1},
      {"int_arg", 2, TS_ARG_TENSOR, TS_ARG_OTHER, 1},
      {"tuple_out", 1, TS_ARG_TENSOR, 0, 2},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
    ts_module *module = load(cases[i].model);
    ts_schema *schema = NULL;
    assert_null(ts_module_schema(module, "forward", &schema));
    assert_int_equal(schema->arg_count, cases[i].args);
    assert_int_equal(schema->args[0].kind, cases[i].first);
    if (cases[i].args > 1) assert_int_equal(schema->args[1].kind, cases[i].second);
    assert_int_equal(schema->return_count, cases[i].returns);
    ts_schema_free(schema);
    ts_module_unref(module);
  }
  ts_module *module = load("add");
  ts_schema *schema = NULL;
  assert_null(ts_module_schema(module, "forward", &schema));
  assert_string_equal(schema->args[0].name, "a");
  assert_string_equal(schema->args[1].name, "b");
  ts_schema_free(schema);
  char *error = ts_module_schema(module, "nope", &schema);
  assert_non_null(error);
  assert_string_equal(error, "the model has no method named 'nope'");
  free(error);
  ts_module_unref(module);
}

static void test_add_over_borrowed_memory(void **unused) {
  (void)unused;
  ts_module *module = load("add");
  float a[4] = {1, 2, 3, 4}, b[4] = {10, 20, 30, 40};
  int64_t shape[2] = {2, 2};
  ts_value args[2] = {fp32(a, shape, 2), fp32(b, shape, 2)};
  ts_result *result = run(module, "forward", args, 2, NULL);
  assert_int_equal(ts_result_count(result), 1);
  ts_output out;
  assert_null(ts_result_output(result, 0, &out));
  assert_int_equal(out.kind, TS_VALUE_TENSOR);
  assert_int_equal(out.dtype, TS_DTYPE_FP32);
  assert_int_equal(out.dims_count, 2);
  assert_int_equal(out.byte_size, 16);
  const float *sum = out.data;
  assert_true(sum[0] == 11 && sum[3] == 44);
  ts_result_free(result);
  /* zero-size input: an empty tensor, not a view of NULL */
  int64_t empty[1] = {0};
  ts_value none[2] = {fp32(NULL, empty, 1), fp32(NULL, empty, 1)};
  result = run(module, "forward", none, 2, NULL);
  assert_null(ts_result_output(result, 0, &out));
  assert_int_equal(out.byte_size, 0);
  assert_int_equal(out.shape[0], 0);
  ts_result_free(result);
  ts_module_unref(module);
}

/* TS_VALUE_DEFAULT passes the signature's default; CPU runs report no device time; where
 * no CUDA device is visible, streams and CUDA runs fail with a message, not a crash. */
static void test_defaults_and_cuda_without_a_device(void **unused) {
  (void)unused;
  ts_module *module = load("optional_in");
  ts_schema *schema = NULL;
  assert_null(ts_module_schema(module, "forward", &schema));
  assert_false(schema->args[0].has_default);
  assert_true(schema->args[1].has_default);
  ts_schema_free(schema);
  float x[2] = {1, 2};
  int64_t shape[1] = {2};
  ts_value args[2] = {fp32(x, shape, 1), {.kind = TS_VALUE_DEFAULT}};
  ts_result *result = run(module, "forward", args, 2, NULL);
  ts_output out;
  assert_null(ts_result_output(result, 0, &out));
  assert_true(((const float *)out.data)[1] == 2);
  assert_int_equal(ts_result_device_compute_ns(result), 0);
  ts_result_free(result);
  if (ts_cuda_device_count() == 0) {
    int device = 0;
    ts_streams *streams = NULL;
    char *message = ts_streams_create(&device, 1, &streams);
    assert_non_null(message);
    assert_null(streams);
    assert_non_null(strstr(message, "CUDA"));
    free(message);
    ts_run_options on_gpu = defaults;
    on_gpu.device_kind = TS_DEVICE_CUDA;
    result = NULL;
    message = ts_module_run(module, "forward", &on_gpu, args, 2, NULL, &result);
    assert_non_null(message);
    assert_null(result);
    free(message);
  }
  ts_module_unref(module);
}

static void test_tuple_list_and_dict_outputs(void **unused) {
  (void)unused;
  float x[2] = {1.5f, -2.5f};
  int64_t shape[1] = {2};
  ts_value arg = fp32(x, shape, 1);
  ts_output out;

  ts_module *module = load("tuple_out");
  ts_result *result = run(module, "forward", &arg, 1, NULL);
  assert_int_equal(ts_result_count(result), 2);
  assert_null(ts_result_output(result, 1, &out));
  assert_int_equal(out.dtype, TS_DTYPE_INT64);
  assert_int_equal(((const int64_t *)out.data)[1], -2);
  ts_result_free(result);
  ts_module_unref(module);

  module = load("list_out");
  result = run(module, "forward", &arg, 1, NULL);
  assert_int_equal(ts_result_count(result), 2);
  assert_null(ts_result_output(result, 1, &out));
  assert_true(((const float *)out.data)[0] == 2.5f);
  assert_null(out.key);
  ts_result_free(result);
  ts_module_unref(module);

  module = load("dict_out");
  result = run(module, "forward", &arg, 1, NULL);
  assert_int_equal(ts_result_count(result), 2);
  bool saw_neg = false;
  for (size_t i = 0; i < 2; ++i) {
    assert_null(ts_result_output(result, i, &out));
    assert_non_null(out.key);
    if (strcmp(out.key, "neg") == 0) {
      saw_neg = true;
      assert_true(((const float *)out.data)[0] == -1.5f);
    }
  }
  assert_true(saw_neg);
  ts_result_free(result);
  ts_module_unref(module);
}

static void test_strings_in_and_out(void **unused) {
  (void)unused;
  ts_module *module = load("upper");
  const char *strings[] = {"ab", "x\0y"};
  size_t lengths[] = {2, 3};
  ts_value arg = {TS_VALUE_STRINGS, TS_DTYPE_BYTES, NULL, 0, NULL, strings, lengths, 2};
  ts_result *result = run(module, "forward", &arg, 1, NULL);
  ts_output out;
  assert_null(ts_result_output(result, 0, &out));
  assert_int_equal(out.kind, TS_VALUE_STRINGS);
  assert_int_equal(out.dtype, TS_DTYPE_BYTES);
  assert_int_equal(out.string_count, 2);
  assert_memory_equal(out.strings[0], "AB", 2);
  assert_int_equal(out.string_lengths[1], 3); /* embedded NUL kept */
  assert_memory_equal(out.strings[1], "X\0Y", 3);
  ts_result_free(result);
  ts_module_unref(module);
}

static void test_dict_input_and_optional(void **unused) {
  (void)unused;
  float a[2] = {1, 2}, b[2] = {10, 20};
  int64_t shape[1] = {2};
  ts_value args[2] = {fp32(a, shape, 1), fp32(b, shape, 1)};
  const char *keys[] = {"A", "B"};
  ts_module *module = load("dict_in");
  ts_result *result = run(module, "forward", args, 2, keys);
  ts_output out;
  assert_null(ts_result_output(result, 0, &out));
  assert_true(((const float *)out.data)[1] == 42);
  ts_result_free(result);
  ts_module_unref(module);

  module = load("optional_in");
  ts_value with_none[2] = {fp32(a, shape, 1), {.kind = TS_VALUE_NONE}};
  result = run(module, "forward", with_none, 2, NULL);
  assert_null(ts_result_output(result, 0, &out));
  assert_true(((const float *)out.data)[1] == 2);
  ts_result_free(result);
  result = run(module, "forward", args, 2, NULL);
  assert_null(ts_result_output(result, 0, &out));
  assert_true(((const float *)out.data)[1] == 22);
  ts_result_free(result);
  ts_module_unref(module);
}

static void test_other_method_and_freezing(void **unused) {
  (void)unused;
  float x[1] = {2};
  int64_t shape[1] = {1};
  ts_value arg = fp32(x, shape, 1);
  ts_output out;
  ts_module *module = load_with("methods", true, "predict");
  ts_result *result = run(module, "predict", &arg, 1, NULL);
  assert_null(ts_result_output(result, 0, &out));
  assert_true(((const float *)out.data)[0] == 6);
  ts_result_free(result);
  ts_module_unref(module);

  module = load_with("conv", true, NULL);
  float image[9] = {0};
  int64_t image_shape[4] = {1, 1, 3, 3};
  ts_value image_arg = fp32(image, image_shape, 4);
  result = run(module, "forward", &image_arg, 1, NULL);
  assert_null(ts_result_output(result, 0, &out));
  assert_int_equal(out.dims_count, 4);
  assert_int_equal(out.shape[1], 2);
  ts_result_free(result);
  ts_module_unref(module);
}

static void test_failures_become_messages(void **unused) {
  (void)unused;
  float negative[1] = {-1};
  int64_t shape[1] = {1};
  ts_value arg = fp32(negative, shape, 1);
  ts_module *module = load("raises");
  ts_result *result = NULL;
  char *error = ts_module_run(module, "forward", &defaults, &arg, 1, NULL, &result);
  assert_non_null(error);
  assert_non_null(strstr(error, "shim: negative input"));
  assert_null(result);
  free(error);
  ts_module_unref(module);

  module = load("scalar");
  result = run(module, "forward", &arg, 1, NULL);
  ts_output out;
  assert_null(ts_result_output(result, 0, &out));
  assert_int_equal(out.dims_count, 0); /* the backend rejects scalars by this */
  ts_result_free(result);
  ts_module_unref(module);

  char path[1024];
  snprintf(path, sizeof(path), "%s/corrupt.pt", models_dir);
  const char garbage[] = "this is not a TorchScript archive";
  ts_load_options options = {TS_DEVICE_CPU, 0, true, false, NULL};
  error = ts_module_load(garbage, sizeof(garbage) - 1, &options, &module);
  assert_non_null(error);
  assert_null(module);
  free(error);

  module = load("add"); /* wrong argument count */
  error = ts_module_run(module, "forward", &defaults, &arg, 1, NULL, &result);
  assert_non_null(error);
  free(error);
  ts_module_unref(module);
}

static void test_switches_are_restored_and_threads(void **unused) {
  (void)unused;
  ts_module *module = load("add");
  float a[1] = {1};
  int64_t shape[1] = {1};
  ts_value args[2] = {fp32(a, shape, 1), fp32(a, shape, 1)};
  /* every switch flipped: the call works, and afterwards every switch is as before
   * (Triton left process-global ones set, leaking into other models) */
  ts_switches before, after;
  ts_current_switches(&before);
  ts_run_options options = {false, !before.optimized_execution, !before.cudnn_enabled,
                            !before.tensor_fuser, !before.jit_profiling, !before.jit_executor,
                            3, TS_DEVICE_CPU, 0, NULL};
  ts_result *result = NULL;
  assert_null(ts_module_run(module, "forward", &options, args, 2, NULL, &result));
  ts_result_free(result);
  ts_current_switches(&after);
  assert_int_equal(after.optimized_execution, before.optimized_execution);
  assert_int_equal(after.cudnn_enabled, before.cudnn_enabled);
  assert_int_equal(after.tensor_fuser, before.tensor_fuser);
  assert_int_equal(after.jit_profiling, before.jit_profiling);
  assert_int_equal(after.jit_executor, before.jit_executor);
  assert_int_equal(ts_intra_op_threads(), 3); /* the calling (instance) thread's count */
  options.intra_op_threads = 1;
  assert_null(ts_module_run(module, "forward", &options, args, 2, NULL, &result));
  ts_result_free(result);
  assert_int_equal(ts_intra_op_threads(), 1);
  ts_module_unref(module);
  int effective = 0;
  char *error = ts_set_inter_op_threads(1, &effective);
  free(error);
  assert_true(effective >= 1);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <dir made by make_shim_models.py>\n", argv[0]);
    return 2;
  }
  models_dir = argv[1];
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_schema_kinds),
      cmocka_unit_test(test_add_over_borrowed_memory),
      cmocka_unit_test(test_defaults_and_cuda_without_a_device),
      cmocka_unit_test(test_tuple_list_and_dict_outputs),
      cmocka_unit_test(test_strings_in_and_out),
      cmocka_unit_test(test_dict_input_and_optional),
      cmocka_unit_test(test_other_method_and_freezing),
      cmocka_unit_test(test_failures_become_messages),
      cmocka_unit_test(test_switches_are_restored_and_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
