/* test_cpu_metrics.c — --allow-cpu-metrics: the /proc/stat and /proc/meminfo parsers, and
 * the three gauges rendered from this machine's /proc (utilization in [0, 1]). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_metrics.h"

static void parses_proc_stat(void **state)
{
  (void)state;
  uint64_t idle = 0, total = 0;
  const char *stat = "cpu  100 20 30 400 50 6 7 8 90 10\ncpu0 1 2 3 4 5 6 7 8 0 0\n"
                     "intr 12345\n";
  assert_true(cpu_metrics_parse_stat(stat, &idle, &total));
  assert_int_equal(idle, 450);              /* idle + iowait */
  assert_int_equal(total, 100 + 20 + 30 + 400 + 50 + 6 + 7 + 8); /* guest is in user */
  assert_false(cpu_metrics_parse_stat("cpu0 1 2 3 4\n", &idle, &total));
  assert_false(cpu_metrics_parse_stat("cpu 1 2\n", &idle, &total));
}

static void parses_proc_meminfo(void **state)
{
  (void)state;
  uint64_t total = 0, available = 0;
  const char *meminfo = "MemTotal:       16000 kB\nMemFree:  100 kB\n"
                        "MemAvailable:    4000 kB\nBuffers: 1 kB\n";
  assert_true(cpu_metrics_parse_meminfo(meminfo, &total, &available));
  assert_int_equal(total, 16000u * 1024u);
  assert_int_equal(available, 4000u * 1024u);
  assert_false(cpu_metrics_parse_meminfo("MemTotal: 5 kB\n", &total, &available));
}

static void renders_gauges(void **state)
{
  (void)state;
  cpu_metrics_start();
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  cpu_metrics_render(out, 0);
  fclose(out);
  const char *u = strstr(text, "\nnv_cpu_utilization ");
  assert_non_null(strstr(text, "# TYPE nv_cpu_utilization gauge\n"));
  assert_non_null(u);
  double utilization = strtod(u + strlen("\nnv_cpu_utilization "), NULL);
  assert_true(utilization >= 0.0 && utilization <= 1.0);
  const char *t = strstr(text, "\nnv_cpu_memory_total_bytes ");
  const char *used = strstr(text, "\nnv_cpu_memory_used_bytes ");
  assert_non_null(t);
  assert_non_null(used);
  unsigned long long total = strtoull(t + strlen("\nnv_cpu_memory_total_bytes "), NULL, 10);
  unsigned long long in_use = strtoull(used + strlen("\nnv_cpu_memory_used_bytes "), NULL, 10);
  assert_true(total > 0 && in_use > 0 && in_use <= total);
  free(text);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_proc_stat),
      cmocka_unit_test(parses_proc_meminfo),
      cmocka_unit_test(renders_gauges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
