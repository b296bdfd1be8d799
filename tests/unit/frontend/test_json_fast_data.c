/* test_json_fast_data.c — the fast numeric 'data' decoder gives the same tensors and the
 * same errors as the json-c path, on every numeric dtype, nested arrays and bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "infer_request.h"
#include "json_fast_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse `json` twice: DOM path (threshold never reached) and fast path (threshold 1). */
static void parse_both(const char *json, infer_request *dom, infer_request *fast,
                       char **dom_err, char **fast_err) {
  infer_request_limits limits;
  infer_request_limits_default(&limits);
  limits.fast_data_min_bytes = SIZE_MAX;
  *dom_err = infer_request_parse("m", json, strlen(json), -1, &limits, dom);
  limits.fast_data_min_bytes = 1;
  *fast_err = infer_request_parse("m", json, strlen(json), -1, &limits, fast);
}

static void expect_same_tensor(const char *dtype, const char *data, const char *shape) {
  char json[1024];
  snprintf(json, sizeof(json),
           "{\"inputs\":[{\"name\":\"x\",\"shape\":%s,\"datatype\":\"%s\",\"data\":%s}]}", shape,
           dtype, data);
  infer_request dom, fast;
  char *dom_err, *fast_err;
  parse_both(json, &dom, &fast, &dom_err, &fast_err);
  if (dom_err || fast_err) fail_msg("%s: dom=%s fast=%s", json, dom_err, fast_err);
  assert_int_equal(dom.inputs[0].byte_size, fast.inputs[0].byte_size);
  assert_memory_equal(dom.inputs[0].data, fast.inputs[0].data, dom.inputs[0].byte_size);
  infer_request_free(&dom);
  infer_request_free(&fast);
}

static void test_same_tensors(void **state) {
  (void)state;
  expect_same_tensor("FP32", "[[1, 2.5, -3e2], [0.1, -0.0, 1E-3]]", "[2,3]");
  expect_same_tensor("FP64", "[1.7976931348623157e308, 5e-324, -1]", "[3]");
  expect_same_tensor("BOOL", "[true, false, true]", "[3]");
  expect_same_tensor("UINT8", "[0, 255]", "[2]");
  expect_same_tensor("INT8", "[-128, 127]", "[2]");
  expect_same_tensor("UINT16", "[65535]", "[1]");
  expect_same_tensor("INT16", "[-32768]", "[1]");
  expect_same_tensor("UINT32", "[4294967295]", "[1]");
  expect_same_tensor("INT32", "[-2147483648, 2147483647]", "[2]");
  expect_same_tensor("UINT64", "[18446744073709551615]", "[1]");
  expect_same_tensor("INT64", "[-9223372036854775808, 9223372036854775807]", "[2]");
  expect_same_tensor("FP32", "[ ]", "[0]");
  expect_same_tensor("FP32", "[[[1]],[[2]]]", "[2,1,1]");
}

static void expect_fast_error(const char *dtype, const char *data, const char *shape,
                              const char *fragment) {
  char json[1024];
  snprintf(json, sizeof(json),
           "{\"inputs\":[{\"name\":\"x\",\"shape\":%s,\"datatype\":\"%s\",\"data\":%s}]}", shape,
           dtype, data);
  infer_request dom, fast;
  char *dom_err, *fast_err;
  parse_both(json, &dom, &fast, &dom_err, &fast_err);
  if (fast_err == NULL) fail_msg("no fast-path error for %s", json);
  if (strstr(fast_err, fragment) == NULL) fail_msg("'%s' lacks '%s'", fast_err, fragment);
  /* json-c is lenient about some malformed arrays ("[1,]"); the fast path is strict. */
  if (dom_err == NULL && strstr(fragment, "malformed") == NULL)
    fail_msg("the DOM path accepted %s", json);
  free(dom_err);
  free(fast_err);
  infer_request_free(&dom);
  infer_request_free(&fast);
}

static void test_same_errors(void **state) {
  (void)state;
  expect_fast_error("FP32", "[1, 2, 3]", "[2,2]", "shape [2,2] expects 4, got 3");
  expect_fast_error("FP32", "[1, 2, 3, 4, 5]", "[2,2]", "shape [2,2] expects 4, got 5");
  expect_fast_error("FP32", "[1]", "[100000]", "shape [100000] expects 100000, got 1");
  expect_fast_error("INT32", "[1.5]", "[1]", "expected an integer for datatype INT32 at "
                                             "element 0, got a number with a fraction");
  expect_fast_error("INT32", "[1e3]", "[1]", "got a number with a fraction");
  expect_fast_error("BOOL", "[1]", "[1]", "expected true or false");
  expect_fast_error("FP32", "[true]", "[1]", "expected a number for datatype FP32");
  expect_fast_error("UINT8", "[256]", "[1]", "out of range for UINT8");
  expect_fast_error("INT8", "[-129]", "[1]", "out of range for INT8");
  expect_fast_error("UINT64", "[-1]", "[1]", "out of range for UINT64");
  expect_fast_error("INT64", "[9223372036854775808]", "[1]", "out of range for INT64");
  expect_fast_error("FP16", "[1]", "[1]", "FP16");
  expect_fast_error("FP32", "[1,]", "[1]", "malformed 'data' array");
  expect_fast_error("FP32", "[1 2]", "[2]", "malformed 'data' array");
  expect_fast_error("FP32", "[01]", "[1]", "malformed 'data' array");
  expect_fast_error("FP32", "[1]]", "[1]", "failed to parse");
  expect_fast_error("FP32", "[-]", "[1]", "malformed 'data' array");
}

static void test_plan(void **state) {
  (void)state;
  const char json[] = "{\"id\":\"\\\"data\\\": [1]\",\"inputs\":[{\"data\" : [1,2],"
                      "\"x\":{\"data\":[\"s\"]}}]}";
  fastdata_plan plan;
  assert_true(fastdata_plan_build(json, strlen(json), 1, &plan));
  assert_int_equal(plan.count, 1); /* strings are skipped, string arrays stay */
  assert_memory_equal(json + plan.spans[0].start, "[1,2]", 5);
  assert_non_null(strstr(plan.text, "\"data\" : {\"" FASTDATA_MARKER_KEY "\":0}"));
  assert_non_null(strstr(plan.text, "{\"data\":[\"s\"]}"));
  fastdata_plan_free(&plan);
  assert_true(fastdata_plan_build(json, strlen(json), 100, &plan));
  assert_null(plan.text);
  fastdata_plan_free(&plan);
}

static void test_forged_marker(void **state) {
  (void)state;
  const char json[] = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\","
                      "\"data\":{\"" FASTDATA_MARKER_KEY "\":7}},{\"name\":\"y\",\"shape\":[1],"
                      "\"datatype\":\"FP32\",\"data\":[1]}]}";
  infer_request dom, fast;
  char *dom_err, *fast_err;
  parse_both(json, &dom, &fast, &dom_err, &fast_err);
  assert_non_null(strstr(fast_err, "must be an array, got an object"));
  assert_non_null(strstr(dom_err, "must be an array, got an object"));
  free(dom_err);
  free(fast_err);
  infer_request_free(&dom);
  infer_request_free(&fast);
}

/* Many random FP32/FP64 literals: the fast decimal conversion must give exactly what the
 * strtod-based DOM path gives. */
static void test_random_floats_match_strtod(void **state) {
  (void)state;
  static char json[200000];
  const char *types[] = {"FP32", "FP64"};
  unsigned seed = 12345;
  for (int t = 0; t < 2; ++t) {
    size_t used = (size_t)snprintf(json, sizeof(json),
                                   "{\"inputs\":[{\"name\":\"x\",\"shape\":[4000],"
                                   "\"datatype\":\"%s\",\"data\":[",
                                   types[t]);
    for (int i = 0; i < 4000; ++i) {
      seed = seed * 1103515245u + 12345u;
      double v = ((double)(seed >> 8) / (1 << 24) - 0.5) * (i % 7 == 0 ? 1e6 : 1.0);
      float f = (float)v;
      const char *formats[] = {"%.9g", "%.17g", "%.3f", "%g", "%.6e"};
      used += (size_t)snprintf(json + used, sizeof(json) - used, formats[i % 5],
                               t == 0 && i % 2 ? (double)f : v);
      json[used++] = i == 3999 ? ']' : ',';
    }
    used += (size_t)snprintf(json + used, sizeof(json) - used, "}]}");
    infer_request dom, fast;
    char *dom_err, *fast_err;
    parse_both(json, &dom, &fast, &dom_err, &fast_err);
    assert_null(dom_err);
    assert_null(fast_err);
    assert_memory_equal(dom.inputs[0].data, fast.inputs[0].data, dom.inputs[0].byte_size);
    infer_request_free(&dom);
    infer_request_free(&fast);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_tensors),
      cmocka_unit_test(test_same_errors),
      cmocka_unit_test(test_plan),
      cmocka_unit_test(test_forged_marker),
      cmocka_unit_test(test_random_floats_match_strtod),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
