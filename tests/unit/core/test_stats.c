/* test_stats.c — statistics arithmetic and the exact JSON layout of one "model_stats"
 * element (triton-api.md §4.6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core_util.h"
#include "stats.h"

static json_object *member(json_object *o, const char *path0, const char *path1)
{
  json_object *a = NULL, *b = NULL;
  if (!json_object_object_get_ex(o, path0, &a))
    fail_msg("no member '%s'", path0);
  if (!path1)
    return a;
  if (!json_object_object_get_ex(a, path1, &b))
    fail_msg("no member '%s.%s'", path0, path1);
  return b;
}

static uint64_t count_of(json_object *d) { return json_object_get_uint64(member(d, "count", NULL)); }
static uint64_t ns_of(json_object *d) { return json_object_get_uint64(member(d, "ns", NULL)); }

static void durations_split_as_triton(void **state)
{
  (void)state;
  stats_model s;
  stats_init(&s);
  /* queue 100..1000, compute_input ..1500, infer ..4500, output ..5000 */
  stats_report_request(&s, true, 3, 50, 100, 1000, 1500, 4500, 5000);
  stats_report_request(&s, false, 1, 50, 0, 0, 0, 0, 0);
  stats_report_batch(&s, 3, 1000, 1500, 4500, 5000);
  stats_report_batch(&s, 1, 0, 10, 20, 30);
  stats_report_batch(&s, 3, 0, 10, 20, 30);
  json_object *o = stats_to_json(&s, "m", 2);
  assert_string_equal(json_object_get_string(member(o, "name", NULL)), "m");
  assert_string_equal(json_object_get_string(member(o, "version", NULL)), "2");
  assert_int_equal(json_object_get_uint64(member(o, "inference_count", NULL)), 3);
  assert_int_equal(json_object_get_uint64(member(o, "execution_count", NULL)), 3);
  assert_true(json_object_get_uint64(member(o, "last_inference", NULL)) > 0);
  json_object *inf = member(o, "inference_stats", NULL);
  assert_int_equal(count_of(member(inf, "success", NULL)), 1);
  assert_int_equal(count_of(member(inf, "fail", NULL)), 1);
  assert_int_equal(ns_of(member(inf, "queue", NULL)), 900);
  assert_int_equal(ns_of(member(inf, "compute_input", NULL)), 500);
  assert_int_equal(ns_of(member(inf, "compute_infer", NULL)), 3000);
  assert_int_equal(ns_of(member(inf, "compute_output", NULL)), 500);
  assert_int_equal(count_of(member(inf, "cache_hit", NULL)), 0);
  assert_int_equal(count_of(member(inf, "cache_miss", NULL)), 0);
  /* batch_stats sorted by batch size, one entry per size */
  json_object *batches = member(o, "batch_stats", NULL);
  assert_int_equal(json_object_array_length(batches), 2);
  json_object *b0 = json_object_array_get_idx(batches, 0);
  json_object *b1 = json_object_array_get_idx(batches, 1);
  assert_int_equal(json_object_get_uint64(member(b0, "batch_size", NULL)), 1);
  assert_int_equal(json_object_get_uint64(member(b1, "batch_size", NULL)), 3);
  assert_int_equal(count_of(member(b1, "compute_infer", NULL)), 2);
  assert_int_equal(ns_of(member(b1, "compute_infer", NULL)), 3010);
  assert_true(json_object_is_type(member(o, "response_stats", NULL), json_type_object));
  assert_true(json_object_is_type(member(o, "memory_usage", NULL), json_type_array));
  json_object_put(o);
  stats_destroy(&s);
}

static void empty_stats_print_every_member(void **state)
{
  (void)state;
  stats_model s;
  stats_init(&s);
  json_object *o = stats_to_json(&s, "m", 1);
  const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
  assert_string_equal(
      text,
      "{\"name\":\"m\",\"version\":\"1\",\"last_inference\":0,\"inference_count\":0,"
      "\"execution_count\":0,\"inference_stats\":{\"success\":{\"count\":0,\"ns\":0},"
      "\"fail\":{\"count\":0,\"ns\":0},\"queue\":{\"count\":0,\"ns\":0},\"compute_input\":"
      "{\"count\":0,\"ns\":0},\"compute_infer\":{\"count\":0,\"ns\":0},\"compute_output\":"
      "{\"count\":0,\"ns\":0},\"cache_hit\":{\"count\":0,\"ns\":0},\"cache_miss\":{\"count\":0,"
      "\"ns\":0}},\"response_stats\":{},\"batch_stats\":[],\"memory_usage\":[]}");
  json_object_put(o);
  stats_destroy(&s);
}

/* Response cache hits and misses (Triton's UpdateSuccessCacheHit / cache miss): a hit
 * is a success with queue and compute counts but no compute time, and no inference or
 * execution; misses count once and add lookup and insertion time. */
static void cache_hits_and_misses(void **state)
{
  (void)state;
  stats_model s;
  stats_init(&s);
  stats_report_cache_miss(&s, 1, 300);
  stats_report_cache_miss(&s, 0, 200); /* the insertion of that miss */
  stats_report_request(&s, true, 1, 50, 100, 1000, 1500, 4500, 5000);
  stats_report_batch(&s, 1, 1000, 1500, 4500, 5000);
  stats_report_cache_hit(&s, util_now_ns(), 70);
  stats_report_cache_hit(&s, util_now_ns(), 30);
  json_object *o = stats_to_json(&s, "m", 1);
  json_object *inf = member(o, "inference_stats", NULL);
  assert_int_equal(count_of(member(inf, "cache_hit", NULL)), 2);
  assert_int_equal(ns_of(member(inf, "cache_hit", NULL)), 100);
  assert_int_equal(count_of(member(inf, "cache_miss", NULL)), 1);
  assert_int_equal(ns_of(member(inf, "cache_miss", NULL)), 500);
  assert_int_equal(count_of(member(inf, "success", NULL)), 3);
  assert_int_equal(count_of(member(inf, "queue", NULL)), 3);
  assert_int_equal(count_of(member(inf, "compute_infer", NULL)), 3);
  assert_int_equal(ns_of(member(inf, "compute_infer", NULL)), 3000);
  assert_int_equal(json_object_get_uint64(member(o, "inference_count", NULL)), 1);
  assert_int_equal(json_object_get_uint64(member(o, "execution_count", NULL)), 1);
  json_object_put(o);
  stats_destroy(&s);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(cache_hits_and_misses),
      cmocka_unit_test(durations_split_as_triton),
      cmocka_unit_test(empty_stats_print_every_member),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
