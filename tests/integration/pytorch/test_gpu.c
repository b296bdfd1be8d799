/*
 * test_gpu.c: the PyTorch backend on CUDA devices, through the core: KIND_GPU instances
 * on every visible GPU with inputs placed there, weight sharing with one copy per device,
 * DISABLE_CUDNN, a batch that runs out of GPU memory failing alone, and KIND_MODEL for a
 * model that places its work itself, and the nv_gpu_* metrics. Models: <models>/pytorch_gpu (tests/models/
 * cases_gpu.py). Where no CUDA device is visible (CI), every test is skipped with a
 * "no CUDA device" line; the suite runs on the GPU machine.
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
#include "torchd/torchd_server.h"

static TRITONSERVER_Server *server;
static char *log_path;
static int device_count;

static int start(void **unused) {
  (void)unused;
  check_ok(TORCHD_CudaDeviceCount(&device_count), "TORCHD_CudaDeviceCount");
  if (device_count == 0)
    printf("test_gpu: no CUDA device visible: skipping the GPU tests\n");
  else
    printf("test_gpu: %d CUDA device(s) visible\n", device_count);
  /* Explicit model control: nothing loads until a test asks, so this also starts where
   * there is no GPU (the metrics test runs there). */
  server = pt_group_server("pytorch_gpu", &log_path);
  return 0;
}

static int stop(void **unused) {
  (void)unused;
  if (server != NULL) pt_server_stop(server, log_path);
  return 0;
}

#define REQUIRE_GPU()          \
  do {                         \
    if (device_count == 0) {   \
      skip();                  \
    }                          \
  } while (0)

static const void *output_of(infer_call *call, const char *name, TRITONSERVER_DataType dtype,
                             size_t byte_size) {
  tensor_view view = call_tensor(call, name);
  assert_int_equal(view.datatype, dtype);
  assert_int_equal(view.byte_size, byte_size);
  return view.base;
}

/* Two instances on every GPU; each request's input is on a CUDA device (its ordinal comes
 * back), and the answer is right. */
static void test_kind_gpu_places_inputs_on_the_device(void **unused) {
  (void)unused;
  REQUIRE_GPU();
  pt_load_ok(server, "gpu_where");
  float x[2] = {1, 2};
  int64_t shape[2] = {1, 2};
  for (int i = 0; i < 4 * device_count; ++i) {
    infer_call *call = pt_infer_fp32(server, "gpu_where", "INPUT__0", shape, 2, x);
    check_call_ok(call);
    const float *plus = output_of(call, "OUTPUT__0", TRITONSERVER_TYPE_FP32, 2 * sizeof(float));
    const int64_t *where = output_of(call, "OUTPUT__1", TRITONSERVER_TYPE_INT64, sizeof(int64_t));
    assert_true(plus[0] == 2 && plus[1] == 3);
    assert_true(where[0] >= 0 && where[0] < device_count);
    call_free(call);
  }
}

/* ENABLE_WEIGHT_SHARING: 4 instances per GPU, one load per device, the others reuse it. */
static void test_weight_sharing_per_device(void **unused) {
  (void)unused;
  REQUIRE_GPU();
  pt_load_ok(server, "gpu_shared");
  assert_int_equal(pt_log_count(log_path, "Reusing TorchScript model for instance 'gpu_shared'"),
                   (size_t)(3 * device_count));
  float x[1] = {41};
  int64_t shape[1] = {1};
  infer_call *call = pt_infer_fp32(server, "gpu_shared", "INPUT__0", shape, 1, x);
  check_call_ok(call);
  assert_true(((const float *)output_of(call, "OUTPUT__0", TRITONSERVER_TYPE_FP32,
                                        sizeof(float)))[0] == 42);
  call_free(call);
}

/* DISABLE_CUDNN: the convolution still runs (on CUDA's non-cuDNN kernels) and is right. */
static void test_disable_cudnn_convolution(void **unused) {
  (void)unused;
  REQUIRE_GPU();
  pt_load_ok(server, "gpu_no_cudnn");
  float ones[16];
  for (int i = 0; i < 16; ++i) ones[i] = 1;
  int64_t shape[4] = {1, 1, 4, 4};
  infer_call *call = pt_infer_fp32(server, "gpu_no_cudnn", "INPUT__0", shape, 4, ones);
  check_call_ok(call);
  const float *out = output_of(call, "OUTPUT__0", TRITONSERVER_TYPE_FP32, sizeof(ones));
  const float expected[16] = {4, 6, 6, 4, 6, 9, 9, 6, 6, 9, 9, 6, 4, 6, 6, 4};
  for (int i = 0; i < 16; ++i) assert_true(out[i] == expected[i]);
  call_free(call);
}

/* A batch that asks for 1 TiB of GPU memory fails with CUDA's message; the next batch on
 * the same instance is answered. */
static void test_out_of_memory_fails_only_that_batch(void **unused) {
  (void)unused;
  REQUIRE_GPU();
  pt_load_ok(server, "gpu_out_of_memory");
  int64_t shape[1] = {1};
  float big[1] = {1}, small[1] = {-5};
  infer_call *call = pt_infer_fp32(server, "gpu_out_of_memory", "INPUT__0", shape, 1, big);
  assert_non_null(call->error_message);
  printf("test_gpu: out-of-memory batch failed with: %.200s\n", call->error_message);
  assert_non_null(strstr(call->error_message, "out of memory"));
  call_free(call);
  call = pt_infer_fp32(server, "gpu_out_of_memory", "INPUT__0", shape, 1, small);
  check_call_ok(call);
  assert_true(((const float *)output_of(call, "OUTPUT__0", TRITONSERVER_TYPE_FP32,
                                        sizeof(float)))[0] == -5);
  call_free(call);
}

/* KIND_MODEL: inputs stay on the CPU, the model moves them to cuda:0 and back itself. */
static void test_kind_model_places_its_own_work(void **unused) {
  (void)unused;
  REQUIRE_GPU();
  pt_load_ok(server, "model_places_itself");
  float x[3] = {1, 2, 3};
  int64_t shape[1] = {3};
  infer_call *call = pt_infer_fp32(server, "model_places_itself", "INPUT__0", shape, 1, x);
  check_call_ok(call);
  const float *out = output_of(call, "OUTPUT__0", TRITONSERVER_TYPE_FP32, sizeof(x));
  assert_true(out[0] == 2 && out[1] == 4 && out[2] == 6);
  call_free(call);
}

/* Lines of `text` that start with `prefix`. */
static size_t lines_starting(const char *text, const char *prefix) {
  size_t count = 0, length = strlen(prefix);
  for (const char *line = text; line != NULL && *line != '\0';) {
    if (strncmp(line, prefix, length) == 0) ++count;
    line = strchr(line, '\n');
    if (line != NULL) ++line;
  }
  return count;
}

/* nv_gpu_* from NVML: one series per visible device labelled gpu_uuid, with the card's
 * real memory size; where no GPU is visible, no GPU family at all (and no failure). */
static void test_gpu_metrics_per_device(void **unused) {
  (void)unused;
  TRITONSERVER_Metrics *metrics = NULL;
  check_ok(TRITONSERVER_ServerMetrics(server, &metrics), "ServerMetrics");
  const char *base = NULL;
  size_t size = 0;
  check_ok(TRITONSERVER_MetricsFormatted(metrics, TRITONSERVER_METRIC_PROMETHEUS, &base, &size),
           "MetricsFormatted");
  char *text = strndup(base, size);
  check_ok(TRITONSERVER_MetricsDelete(metrics), "MetricsDelete");
  if (device_count == 0) {
    assert_null(strstr(text, "nv_gpu_"));
    free(text);
    return;
  }
  const char *families[] = {"nv_gpu_utilization{gpu_uuid=\"GPU-",
                            "nv_gpu_memory_total_bytes{gpu_uuid=\"GPU-",
                            "nv_gpu_memory_used_bytes{gpu_uuid=\"GPU-",
                            "nv_gpu_power_usage{gpu_uuid=\"GPU-",
                            "nv_gpu_power_limit{gpu_uuid=\"GPU-",
                            "nv_energy_consumption{gpu_uuid=\"GPU-"};
  for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); ++f) {
    size_t found = lines_starting(text, families[f]);
    if (found != (size_t)device_count)
      fail_msg("%zu lines start with %s, expected %d; metrics:\n%s", found, families[f],
               device_count, text);
  }
  const char *total = strstr(text, "\nnv_gpu_memory_total_bytes{");
  assert_non_null(total);
  double bytes = strtod(strchr(total, '}') + 1, NULL);
  printf("test_gpu: nv_gpu_memory_total_bytes of the first GPU: %.0f\n", bytes);
  assert_true(bytes > 1e9);
  free(text);
}

int main(int argc, char **argv) {
  pt_harness_init(argc, argv);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kind_gpu_places_inputs_on_the_device),
      cmocka_unit_test(test_weight_sharing_per_device),
      cmocka_unit_test(test_disable_cudnn_convolution),
      cmocka_unit_test(test_out_of_memory_fails_only_that_batch),
      cmocka_unit_test(test_kind_model_places_its_own_work),
      cmocka_unit_test(test_gpu_metrics_per_device),
  };
  return cmocka_run_group_tests(tests, start, stop);
}
