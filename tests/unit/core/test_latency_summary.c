/* test_latency_summary.c — the latency summaries behind --metrics-config
 * summary_latencies: count and sum of everything, exact nearest-rank quantiles over the
 * sliding window (age and capacity), NaN for an empty window, the summary_quantiles
 * parser, the metrics-config switches, and stats that keep summaries across a reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>

#include "latency_summary.h"
#include "options.h"
#include "stats.h"

#define SECOND 1000000000ull

static latency_summary *new_summary(void)
{
  latency_summary *s = malloc(sizeof(*s));
  assert_non_null(s);
  latency_summary_init(s);
  return s;
}

static void quantiles_are_nearest_rank(void **state)
{
  (void)state;
  latency_summary *s = new_summary();
  for (int v = 100; v >= 1; v--) /* out of order on purpose */
    latency_summary_observe(s, 10 * SECOND, (double)v);
  assert_int_equal(s->count, 100);
  assert_true(s->sum == 5050.0);
  const double q[] = {0.0, 0.5, 0.9, 0.99, 1.0};
  double out[5];
  latency_summary_quantiles(s, 11 * SECOND, LATENCY_SUMMARY_MAX_AGE_NS, q, 5, out);
  assert_true(out[0] == 1.0);
  assert_true(out[1] == 50.0);
  assert_true(out[2] == 90.0);
  assert_true(out[3] == 99.0);
  assert_true(out[4] == 100.0);
  free(s);
}

static void window_drops_old_and_overflow(void **state)
{
  (void)state;
  latency_summary *s = new_summary();
  latency_summary_observe(s, 1 * SECOND, 1000.0); /* will be older than 60 s */
  latency_summary_observe(s, 70 * SECOND, 5.0);
  const double half = 0.5;
  double out = 0;
  latency_summary_quantiles(s, 71 * SECOND, LATENCY_SUMMARY_MAX_AGE_NS, &half, 1, &out);
  assert_true(out == 5.0);
  assert_int_equal(s->count, 2); /* count and sum keep everything */
  assert_true(s->sum == 1005.0);
  /* Past capacity the most recent observations win. */
  for (int i = 0; i < LATENCY_SUMMARY_CAPACITY; i++)
    latency_summary_observe(s, 72 * SECOND, 7.0);
  const double top = 1.0;
  latency_summary_quantiles(s, 72 * SECOND, LATENCY_SUMMARY_MAX_AGE_NS, &top, 1, &out);
  assert_true(out == 7.0);
  /* Nothing recent: NaN, as Prometheus clients report an empty window. */
  latency_summary_quantiles(s, 1000 * SECOND, LATENCY_SUMMARY_MAX_AGE_NS, &top, 1, &out);
  assert_true(isnan(out));
  free(s);
}

static void parses_summary_quantiles(void **state)
{
  (void)state;
  double q[8];
  assert_int_equal(latency_summary_parse_quantiles(NULL, q, 8), 5);
  assert_true(q[0] == 0.5 && q[4] == 0.999);
  assert_int_equal(latency_summary_parse_quantiles("0.25:0.01,0.75:0.01", q, 8), 2);
  assert_true(q[0] == 0.25 && q[1] == 0.75);
  assert_int_equal(latency_summary_parse_quantiles("0.5", q, 8), 0);
  assert_int_equal(latency_summary_parse_quantiles("2:0.1", q, 8), 0);
  assert_int_equal(latency_summary_parse_quantiles("0.5:0.1,", q, 8), 0);
  assert_int_equal(latency_summary_parse_quantiles("0.1:0,0.2:0,0.3:0", q, 2), 0);
}

static void metrics_config_switches(void **state)
{
  (void)state;
  TRITONSERVER_ServerOptions *o = NULL;
  assert_null(TRITONSERVER_ServerOptionsNew(&o));
  assert_false(options_summary_latencies(o));
  assert_true(options_counter_latencies(o));
  assert_null(options_summary_quantiles(o));
  assert_null(TRITONSERVER_ServerOptionsSetMetricsConfig(o, "", "summary_latencies", "true"));
  assert_null(TRITONSERVER_ServerOptionsSetMetricsConfig(o, "", "counter_latencies", "false"));
  assert_null(TRITONSERVER_ServerOptionsSetMetricsConfig(o, "", "summary_quantiles", "0.5:0.1"));
  assert_true(options_summary_latencies(o));
  assert_false(options_counter_latencies(o));
  assert_string_equal(options_summary_quantiles(o), "0.5:0.1");
  /* The last value wins; summaries need metrics at all. */
  assert_null(TRITONSERVER_ServerOptionsSetMetricsConfig(o, "", "counter_latencies", "true"));
  assert_true(options_counter_latencies(o));
  assert_null(TRITONSERVER_ServerOptionsSetMetrics(o, false));
  assert_false(options_summary_latencies(o));
  TRITONSERVER_ServerOptionsDelete(o);
}

static void stats_feed_summaries(void **state)
{
  (void)state;
  stats_model s;
  stats_init(&s);
  assert_null(s.summaries);
  assert_true(stats_enable_summaries(&s));
  /* queue 2 µs, compute input 3, infer 4, output 5 (timestamps in ns) */
  stats_report_request(&s, true, 1, 1000, 1000, 3000, 6000, 10000, 15000);
  stats_report_request(&s, false, 1, 1000, 0, 0, 0, 0, 0); /* failures are not observed */
  assert_int_equal(s.summaries[STATS_SUMMARY_QUEUE].count, 1);
  assert_true(s.summaries[STATS_SUMMARY_QUEUE].sum == 2.0);
  assert_true(s.summaries[STATS_SUMMARY_COMPUTE_INPUT].sum == 3.0);
  assert_true(s.summaries[STATS_SUMMARY_COMPUTE_INFER].sum == 4.0);
  assert_true(s.summaries[STATS_SUMMARY_COMPUTE_OUTPUT].sum == 5.0);
  assert_int_equal(s.summaries[STATS_SUMMARY_REQUEST].count, 1);
  stats_reset(&s); /* after warmup: zero again, summaries still on */
  assert_non_null(s.summaries);
  assert_int_equal(s.summaries[STATS_SUMMARY_QUEUE].count, 0);
  assert_int_equal(s.success.count, 0);
  stats_destroy(&s);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(quantiles_are_nearest_rank),
      cmocka_unit_test(window_drops_old_and_overflow),
      cmocka_unit_test(parses_summary_quantiles),
      cmocka_unit_test(metrics_config_switches),
      cmocka_unit_test(stats_feed_summaries),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
