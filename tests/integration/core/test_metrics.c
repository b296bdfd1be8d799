/* test_metrics.c — TRITONSERVER_ServerMetrics in Prometheus text after known traffic:
 * Triton's per-model counters with model/version labels (spec §4.7), and custom
 * metrics created through the metric-family API appearing in the same text. */
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

/* Returns a copy of the server's metrics text (caller frees). */
static char *metrics_text(TRITONSERVER_Server *server)
{
  TRITONSERVER_Metrics *metrics = NULL;
  check_ok(TRITONSERVER_ServerMetrics(server, &metrics), "ServerMetrics");
  const char *base = NULL;
  size_t size = 0;
  check_ok(TRITONSERVER_MetricsFormatted(metrics, TRITONSERVER_METRIC_PROMETHEUS, &base, &size),
           "MetricsFormatted");
  char *copy = strndup(base, size);
  check_ok(TRITONSERVER_MetricsDelete(metrics), "MetricsDelete");
  return copy;
}

static void expect_line(const char *text, const char *line)
{
  if (strstr(text, line) == NULL)
    fail_msg("metrics lack the line '%s'; got:\n%s", line, text);
}

static void counters_and_custom_metrics(void **state)
{
  (void)state;
  char *repo;
  TRITONSERVER_Server *server = server_with_model(&repo, "counted", MODEL_IDENTITY_FP32);
  const int64_t shape[] = {2, 4};
  const float data[8] = {0};
  for (int i = 0; i < 3; i++) {
    infer_call *call = call_new(server, "counted", -1, NULL);
    call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
    call_run(server, call);
    check_call_ok(call);
    call_free(call);
  }

  TRITONSERVER_MetricFamily *family = NULL;
  check_ok(TRITONSERVER_MetricFamilyNew(&family, TRITONSERVER_METRIC_KIND_GAUGE,
                                        "test_custom_queue_depth", "A custom gauge"),
           "MetricFamilyNew");
  TRITONSERVER_Parameter *label =
      TRITONSERVER_ParameterNew("model", TRITONSERVER_PARAMETER_STRING, "counted");
  const TRITONSERVER_Parameter *labels[] = {label};
  TRITONSERVER_Metric *metric = NULL;
  check_ok(TRITONSERVER_MetricNew(&metric, family, labels, 1), "MetricNew");
  TRITONSERVER_ParameterDelete(label);
  check_ok(TRITONSERVER_MetricSet(metric, 7), "MetricSet");

  char *text = metrics_text(server);
  expect_line(text, "# TYPE nv_inference_request_success counter\n");
  expect_line(text, "\nnv_inference_request_success{model=\"counted\",version=\"1\"} 3\n");
  expect_line(text, "\nnv_inference_count{model=\"counted\",version=\"1\"} 6\n");
  expect_line(text, "\nnv_inference_exec_count{model=\"counted\",version=\"1\"} 3\n");
  expect_line(text, "# TYPE test_custom_queue_depth gauge\n");
  expect_line(text, "\ntest_custom_queue_depth{model=\"counted\"} 7\n");
  free(text);

  check_ok(TRITONSERVER_MetricDelete(metric), "MetricDelete");
  check_ok(TRITONSERVER_MetricFamilyDelete(family), "MetricFamilyDelete");
  text = metrics_text(server);
  assert_null(strstr(text, "test_custom_queue_depth"));
  free(text);
  server_finish(server, repo);
}

/* --metrics-config summary_latencies=true / counter_latencies=false / summary_quantiles,
 * and the CPU gauges (on by default, off with SetCpuMetrics(false)). */
static void summaries_and_cpu_gauges(void **state)
{
  (void)state;
  char *repo = repo_create();
  repo_add_model(repo, "timed", MODEL_IDENTITY_FP32, (const int[]){1}, 1);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  check_ok(TRITONSERVER_ServerOptionsSetMetricsConfig(options, "", "summary_latencies", "true"),
           "summary_latencies");
  check_ok(TRITONSERVER_ServerOptionsSetMetricsConfig(options, "", "counter_latencies", "false"),
           "counter_latencies");
  check_ok(TRITONSERVER_ServerOptionsSetMetricsConfig(options, "", "summary_quantiles",
                                                      "0.5:0.05,0.9:0.01"),
           "summary_quantiles");
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  const int64_t shape[] = {1, 4};
  const float data[4] = {0};
  for (int i = 0; i < 4; i++) {
    infer_call *call = call_new(server, "timed", -1, NULL);
    call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
    call_run(server, call);
    check_call_ok(call);
    call_free(call);
  }
  char *text = metrics_text(server);
  expect_line(text, "# TYPE nv_inference_request_summary_us summary\n");
  expect_line(text, "\nnv_inference_request_summary_us_count{model=\"timed\",version=\"1\"} 4\n");
  expect_line(text, "\nnv_inference_compute_infer_summary_us_count{model=\"timed\",version=\"1\"} 4\n");
  expect_line(text, "nv_inference_queue_summary_us{model=\"timed\",version=\"1\",quantile=\"0.9\"} ");
  assert_null(strstr(text, "quantile=\"0.99\""));
  assert_null(strstr(text, "_duration_us")); /* counter_latencies=false */
  expect_line(text, "\nnv_inference_request_success{model=\"timed\",version=\"1\"} 4\n");
  expect_line(text, "# TYPE nv_cpu_utilization gauge\n");
  expect_line(text, "\nnv_cpu_memory_total_bytes ");
  free(text);
  server_stop(server);

  options = server_options(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  check_ok(TRITONSERVER_ServerOptionsSetCpuMetrics(options, false), "cpu metrics off");
  server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  text = metrics_text(server);
  assert_null(strstr(text, "nv_cpu_"));
  assert_null(strstr(text, "_summary_us"));
  expect_line(text, "# TYPE nv_inference_request_duration_us counter\n");
  free(text);
  server_finish(server, repo);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(counters_and_custom_metrics),
      cmocka_unit_test(summaries_and_cpu_gauges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
