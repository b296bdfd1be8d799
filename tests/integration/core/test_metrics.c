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

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(counters_and_custom_metrics),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
