/* test_custom_metrics.c — custom metric families and metrics: kind rules, labels,
 * histograms, family deletion, and the Prometheus text they render. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "custom_metrics.h"

static void expect_code(TRITONSERVER_Error *error, TRITONSERVER_Error_Code code)
{
  assert_non_null(error);
  assert_int_equal(TRITONSERVER_ErrorCode(error), code);
  TRITONSERVER_ErrorDelete(error);
}

static char *render(void)
{
  char *text = NULL;
  size_t size = 0;
  assert_null(custom_metrics_render(&text, &size));
  assert_int_equal(size, strlen(text));
  return text;
}

static void counter_only_increases(void **state)
{
  (void)state;
  TRITONSERVER_MetricFamily *family = NULL;
  assert_null(TRITONSERVER_MetricFamilyNew(&family, TRITONSERVER_METRIC_KIND_COUNTER,
                                           "test_requests_total", "Requests seen"));
  TRITONSERVER_Parameter *label =
      TRITONSERVER_ParameterNew("model", TRITONSERVER_PARAMETER_STRING, "m\"1");
  const TRITONSERVER_Parameter *labels[] = {label};
  TRITONSERVER_Metric *metric = NULL;
  assert_null(TRITONSERVER_MetricNew(&metric, family, labels, 1));
  TRITONSERVER_ParameterDelete(label); /* labels are copied */

  assert_null(TRITONSERVER_MetricIncrement(metric, 2));
  assert_null(TRITONSERVER_MetricIncrement(metric, 0.5));
  expect_code(TRITONSERVER_MetricIncrement(metric, -1), TRITONSERVER_ERROR_INVALID_ARG);
  expect_code(TRITONSERVER_MetricSet(metric, 7), TRITONSERVER_ERROR_UNSUPPORTED);
  expect_code(TRITONSERVER_MetricObserve(metric, 7), TRITONSERVER_ERROR_UNSUPPORTED);
  double value = 0;
  assert_null(TRITONSERVER_MetricValue(metric, &value));
  assert_true(value == 2.5);
  TRITONSERVER_MetricKind kind;
  assert_null(TRITONSERVER_GetMetricKind(metric, &kind));
  assert_int_equal(kind, TRITONSERVER_METRIC_KIND_COUNTER);

  char *text = render();
  assert_non_null(strstr(text, "# HELP test_requests_total Requests seen\n"
                               "# TYPE test_requests_total counter\n"
                               "test_requests_total{model=\"m\\\"1\"} 2.5\n"));
  free(text);
  assert_null(TRITONSERVER_MetricDelete(metric));
  assert_null(TRITONSERVER_MetricFamilyDelete(family));
  text = render();
  assert_null(strstr(text, "test_requests_total"));
  free(text);
}

static void gauge_sets_and_increments(void **state)
{
  (void)state;
  TRITONSERVER_MetricFamily *family = NULL;
  assert_null(
      TRITONSERVER_MetricFamilyNew(&family, TRITONSERVER_METRIC_KIND_GAUGE, "test_gauge", "g"));
  TRITONSERVER_Metric *metric = NULL;
  assert_null(TRITONSERVER_MetricNew(&metric, family, NULL, 0));
  assert_null(TRITONSERVER_MetricSet(metric, 10));
  assert_null(TRITONSERVER_MetricIncrement(metric, -3));
  double value = 0;
  assert_null(TRITONSERVER_MetricValue(metric, &value));
  assert_true(value == 7);
  char *text = render();
  assert_non_null(strstr(text, "\ntest_gauge 7\n"));
  free(text);
  TRITONSERVER_MetricDelete(metric);
  TRITONSERVER_MetricFamilyDelete(family);
}

static void histogram_observes_into_cumulative_buckets(void **state)
{
  (void)state;
  TRITONSERVER_MetricFamily *family = NULL;
  assert_null(TRITONSERVER_MetricFamilyNew(&family, TRITONSERVER_METRIC_KIND_HISTOGRAM,
                                           "test_latency", "latency"));
  TRITONSERVER_Metric *metric = NULL;
  expect_code(TRITONSERVER_MetricNew(&metric, family, NULL, 0), TRITONSERVER_ERROR_INVALID_ARG);

  TRITONSERVER_MetricArgs *args = NULL;
  assert_null(TRITONSERVER_MetricArgsNew(&args));
  const double unsorted[] = {1, 0.5};
  expect_code(TRITONSERVER_MetricArgsSetHistogram(args, unsorted, 2),
              TRITONSERVER_ERROR_INVALID_ARG);
  const double buckets[] = {0.1, 1, 10};
  assert_null(TRITONSERVER_MetricArgsSetHistogram(args, buckets, 3));
  assert_null(TRITONSERVER_MetricNewWithArgs(&metric, family, NULL, 0, args));
  assert_null(TRITONSERVER_MetricArgsDelete(args));

  assert_null(TRITONSERVER_MetricObserve(metric, 0.05));
  assert_null(TRITONSERVER_MetricObserve(metric, 0.5));
  assert_null(TRITONSERVER_MetricObserve(metric, 100));
  double value;
  expect_code(TRITONSERVER_MetricValue(metric, &value), TRITONSERVER_ERROR_UNSUPPORTED);
  expect_code(TRITONSERVER_MetricIncrement(metric, 1), TRITONSERVER_ERROR_UNSUPPORTED);

  char *text = render();
  assert_non_null(strstr(text, "# TYPE test_latency histogram\n"
                               "test_latency_bucket{le=\"0.1\"} 1\n"
                               "test_latency_bucket{le=\"1\"} 2\n"
                               "test_latency_bucket{le=\"10\"} 2\n"
                               "test_latency_bucket{le=\"+Inf\"} 3\n"
                               "test_latency_sum 100.55\n"
                               "test_latency_count 3\n"));
  free(text);
  TRITONSERVER_MetricDelete(metric);
  TRITONSERVER_MetricFamilyDelete(family);
}

static void family_rules(void **state)
{
  (void)state;
  TRITONSERVER_MetricFamily *family = NULL, *other = NULL;
  expect_code(TRITONSERVER_MetricFamilyNew(&family, TRITONSERVER_METRIC_KIND_GAUGE, "bad name", ""),
              TRITONSERVER_ERROR_INVALID_ARG);
  assert_null(
      TRITONSERVER_MetricFamilyNew(&family, TRITONSERVER_METRIC_KIND_GAUGE, "test_shared", "d"));
  expect_code(
      TRITONSERVER_MetricFamilyNew(&other, TRITONSERVER_METRIC_KIND_COUNTER, "test_shared", "d"),
      TRITONSERVER_ERROR_ALREADY_EXISTS);
  TRITONSERVER_MetricKind kind;
  assert_null(TRITONSERVER_GetMetricFamilyKind(family, &kind));
  assert_int_equal(kind, TRITONSERVER_METRIC_KIND_GAUGE);

  /* Labels must be strings. */
  int64_t number = 1;
  TRITONSERVER_Parameter *label =
      TRITONSERVER_ParameterNew("n", TRITONSERVER_PARAMETER_INT, &number);
  const TRITONSERVER_Parameter *labels[] = {label};
  TRITONSERVER_Metric *metric = NULL;
  expect_code(TRITONSERVER_MetricNew(&metric, family, labels, 1), TRITONSERVER_ERROR_INVALID_ARG);
  TRITONSERVER_ParameterDelete(label);

  /* A metric outliving its family fails cleanly instead of touching freed memory. */
  assert_null(TRITONSERVER_MetricNew(&metric, family, NULL, 0));
  assert_null(TRITONSERVER_MetricFamilyDelete(family));
  expect_code(TRITONSERVER_MetricSet(metric, 1), TRITONSERVER_ERROR_INVALID_ARG);
  assert_null(TRITONSERVER_MetricDelete(metric));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(counter_only_increases),
      cmocka_unit_test(gauge_sets_and_increments),
      cmocka_unit_test(histogram_observes_into_cumulative_buckets),
      cmocka_unit_test(family_rules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
