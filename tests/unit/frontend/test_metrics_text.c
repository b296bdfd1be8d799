/* test_metrics_text.c — Triton's nv_inference_* families from statistics JSON, and the
 * text passes `promtool check metrics` (exit 0, or 3 for naming-style warnings only). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char stats[] =
    "{\"model_stats\":[{\"name\":\"add_sub\",\"version\":\"1\",\"last_inference\":1,"
    "\"inference_count\":12,\"execution_count\":5,\"inference_stats\":{"
    "\"success\":{\"count\":6,\"ns\":6000000},\"fail\":{\"count\":2,\"ns\":100},"
    "\"queue\":{\"count\":6,\"ns\":3000},\"compute_input\":{\"count\":6,\"ns\":4000},"
    "\"compute_infer\":{\"count\":6,\"ns\":5000},\"compute_output\":{\"count\":6,"
    "\"ns\":6999}}},{\"name\":\"we\\\"ird\",\"version\":\"2\",\"inference_count\":0,"
    "\"execution_count\":0,\"inference_stats\":{}}]}";

static uint64_t pending(void *context, const char *model, const char *version) {
  (void)context;
  return strcmp(model, "add_sub") == 0 && strcmp(version, "1") == 0 ? 3 : 0;
}

static void test_families_and_values(void **state) {
  (void)state;
  strbuf b;
  strbuf_init(&b);
  assert_null(metrics_render(stats, strlen(stats), pending, NULL, &b));
  const char *expected[] = {
      "# TYPE nv_inference_request_success counter\n",
      "nv_inference_request_success{model=\"add_sub\",version=\"1\"} 6\n",
      "nv_inference_request_failure{model=\"add_sub\",reason=\"BACKEND\",version=\"1\"} 2\n",
      "nv_inference_count{model=\"add_sub\",version=\"1\"} 12\n",
      "nv_inference_exec_count{model=\"add_sub\",version=\"1\"} 5\n",
      "nv_inference_request_duration_us{model=\"add_sub\",version=\"1\"} 6000\n",
      "nv_inference_queue_duration_us{model=\"add_sub\",version=\"1\"} 3\n",
      "nv_inference_compute_input_duration_us{model=\"add_sub\",version=\"1\"} 4\n",
      "nv_inference_compute_infer_duration_us{model=\"add_sub\",version=\"1\"} 5\n",
      "nv_inference_compute_output_duration_us{model=\"add_sub\",version=\"1\"} 6\n",
      "# TYPE nv_inference_pending_request_count gauge\n",
      "nv_inference_pending_request_count{model=\"add_sub\",version=\"1\"} 3\n",
      "nv_inference_count{model=\"we\\\"ird\",version=\"2\"} 0\n",
  };
  for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); ++i)
    if (strstr(b.data, expected[i]) == NULL) fail_msg("missing: %s\nin:\n%s", expected[i], b.data);

  /* promtool is the reference parser for the format. */
  char path[] = "/tmp/torchd_metrics_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fwrite(b.data, 1, b.len, f);
  fclose(f);
  char command[256];
  snprintf(command, sizeof(command), "promtool check metrics < %s >/dev/null 2>&1", path);
  int status = system(command);
  unlink(path);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    skip(); /* promtool not installed */
  }
  assert_true(WIFEXITED(status));
  int code = WEXITSTATUS(status);
  if (code != 0 && code != 3) fail_msg("promtool exit %d for:\n%s", code, b.data);
  strbuf_free(&b);
}

static void test_bad_json(void **state) {
  (void)state;
  strbuf b;
  strbuf_init(&b);
  char *err = metrics_render("{}", 2, NULL, NULL, &b);
  assert_non_null(strstr(err, "no 'model_stats' array"));
  free(err);
  strbuf_free(&b);
}

static const char cache_stats[] =
    "{\"model_stats\":[{\"name\":\"cached\",\"version\":\"3\",\"inference_stats\":{"
    "\"cache_hit\":{\"count\":7,\"ns\":70000},\"cache_miss\":{\"count\":2,\"ns\":5999}}},"
    "{\"name\":\"plain\",\"version\":\"1\",\"inference_stats\":{}}]}";

static bool only_cached(void *context, const char *model, const char *version) {
  (void)context;
  return strcmp(model, "cached") == 0 && strcmp(version, "3") == 0;
}

static bool none_cached(void *context, const char *model, const char *version) {
  (void)context, (void)model, (void)version;
  return false;
}

/* Triton's nv_cache_* families: samples only for models that use the cache, and no
 * family at all when none does. */
static void test_cache_families(void **state) {
  (void)state;
  strbuf b;
  strbuf_init(&b);
  assert_null(metrics_render_cache(cache_stats, strlen(cache_stats), only_cached, NULL, &b));
  const char *expected[] = {
      "# HELP nv_cache_num_hits_per_model Number of cache hits per model\n",
      "# TYPE nv_cache_num_hits_per_model counter\n",
      "nv_cache_num_hits_per_model{model=\"cached\",version=\"3\"} 7\n",
      "nv_cache_num_misses_per_model{model=\"cached\",version=\"3\"} 2\n",
      "nv_cache_hit_duration_per_model{model=\"cached\",version=\"3\"} 70\n",
      "# HELP nv_cache_miss_duration_per_model Total cache miss (insert+lookup) duration per model, in microseconds\n",
      "nv_cache_miss_duration_per_model{model=\"cached\",version=\"3\"} 5\n",
  };
  for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); ++i)
    if (strstr(b.data, expected[i]) == NULL) fail_msg("missing: %s\nin:\n%s", expected[i], b.data);
  assert_null(strstr(b.data, "plain"));
  strbuf_free(&b);

  strbuf_init(&b);
  assert_null(metrics_render_cache(cache_stats, strlen(cache_stats), none_cached, NULL, &b));
  assert_int_equal(b.len, 0);
  strbuf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_families_and_values),
      cmocka_unit_test(test_bad_json),
      cmocka_unit_test(test_cache_families),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
