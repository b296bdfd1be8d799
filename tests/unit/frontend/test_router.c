/* test_router.c — Triton's URL table: endpoints, 404/405, versions, name safety. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli.h"
#include "router.h"

#include <string.h>

static route r;

static void test_health_and_metadata(void **state) {
  (void)state;
  router_route("GET", "/v2", &r);
  assert_int_equal(r.kind, ROUTE_SERVER_METADATA);
  assert_int_equal(r.http_status, 0);
  router_route("GET", "/v2/health/live", &r);
  assert_int_equal(r.kind, ROUTE_HEALTH_LIVE);
  router_route("GET", "/v2/health/ready", &r);
  assert_int_equal(r.kind, ROUTE_HEALTH_READY);
  assert_int_equal(r.category, RESTRICT_HEALTH);
  router_route("POST", "/v2/health/live", &r);
  assert_int_equal(r.http_status, 405);
  assert_string_equal(r.error, "Method Not Allowed");
}

static void test_model_endpoints(void **state) {
  (void)state;
  router_route("GET", "/v2/models/add_sub", &r);
  assert_int_equal(r.kind, ROUTE_MODEL_METADATA);
  assert_string_equal(r.model, "add_sub");
  assert_int_equal(r.version, -1);
  router_route("POST", "/v2/models/add_sub/versions/3/infer", &r);
  assert_int_equal(r.kind, ROUTE_MODEL_INFER);
  assert_int_equal(r.version, 3);
  assert_int_equal(r.category, RESTRICT_INFERENCE);
  router_route("GET", "/v2/models/m/versions/0/ready", &r);
  assert_int_equal(r.kind, ROUTE_MODEL_READY);
  assert_int_equal(r.version, 0);
  router_route("GET", "/v2/models/m/config", &r);
  assert_int_equal(r.kind, ROUTE_MODEL_CONFIG);
  router_route("GET", "/v2/models/m/stats", &r);
  assert_int_equal(r.kind, ROUTE_MODEL_STATS);
  router_route("GET", "/v2/models/stats", &r);
  assert_int_equal(r.kind, ROUTE_ALL_MODEL_STATS);
  router_route("POST", "/v2/models/m/trace/setting", &r);
  assert_int_equal(r.kind, ROUTE_MODEL_TRACE_SETTING);
  router_route("GET", "/v2/models/m/infer", &r);
  assert_int_equal(r.http_status, 405);
  router_route("POST", "/v2/models/m/config", &r);
  assert_int_equal(r.http_status, 405);
}

static void test_versions(void **state) {
  (void)state;
  router_route("GET", "/v2/models/m/versions/abc", &r);
  assert_int_equal(r.http_status, 400);
  assert_non_null(strstr(r.error, "failed to parse model version 'abc'"));
  router_route("GET", "/v2/models/m/versions/-1", &r);
  assert_int_equal(r.http_status, 400);
  router_route("GET", "/v2/models/m/versions/99999999999999999999999", &r);
  assert_int_equal(r.http_status, 400);
  router_route("GET", "/v2/models/m/versions/12", &r);
  assert_int_equal(r.kind, ROUTE_MODEL_METADATA);
  assert_int_equal(r.version, 12);
}

static void test_not_found(void **state) {
  (void)state;
  const char *paths[] = {"/", "/v1", "/v2/", "/v2/health", "/v2/health/dead",
                         "/v2/models", "/v2/models/m/unknown", "//v2",
                         "/v2/models/m/versions/1/infer/extra", "/v2/repository",
                         "/v2/systemsharedmemory/region/r/bogus", "/metrics", ""};
  for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); ++i) {
    router_route("GET", paths[i], &r);
    if (r.http_status != 404) fail_msg("path '%s' gave %d", paths[i], r.http_status);
    assert_string_equal(r.error, "Not Found");
    assert_int_equal(r.kind, ROUTE_NONE);
  }
}

static void test_names_cannot_escape(void **state) {
  (void)state;
  const char *paths[] = {"/v2/models/../infer", "/v2/models/%2e%2e/infer",
                         "/v2/models/a%2Fb/infer", "/v2/models/a%00b/ready",
                         "/v2/models/./config", "/v2/models/%zz/config",
                         "/v2/repository/models/..%2F..%2Fetc/load",
                         "/v2/repository/models/%2Fetc/load"};
  for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); ++i) {
    router_route(i < 4 && i != 3 ? "POST" : (i >= 6 ? "POST" : "GET"), paths[i], &r);
    if (r.http_status != 400) fail_msg("path '%s' gave %d", paths[i], r.http_status);
    assert_non_null(strstr(r.error, "invalid"));
  }
  router_route("GET", "/v2/models/my%20model/ready", &r);
  assert_int_equal(r.http_status, 0);
  assert_string_equal(r.model, "my model");
}

static void test_repository_and_shm(void **state) {
  (void)state;
  router_route("POST", "/v2/repository/index", &r);
  assert_int_equal(r.kind, ROUTE_REPOSITORY_INDEX);
  router_route("POST", "/v2/repository/models/m/load", &r);
  assert_int_equal(r.kind, ROUTE_REPOSITORY_LOAD);
  assert_string_equal(r.model, "m");
  assert_string_equal(r.repository, "");
  router_route("POST", "/v2/repository/repo1/models/m/unload", &r);
  assert_int_equal(r.kind, ROUTE_REPOSITORY_UNLOAD);
  assert_string_equal(r.repository, "repo1");
  router_route("GET", "/v2/repository/models/m/load", &r);
  assert_int_equal(r.http_status, 405);
  router_route("GET", "/v2/systemsharedmemory/status", &r);
  assert_int_equal(r.kind, ROUTE_SYSTEM_SHM_STATUS);
  router_route("POST", "/v2/systemsharedmemory/region/in0/register", &r);
  assert_int_equal(r.kind, ROUTE_SYSTEM_SHM_REGISTER);
  assert_string_equal(r.region, "in0");
  assert_int_equal(r.category, RESTRICT_SHARED_MEMORY);
  router_route("POST", "/v2/systemsharedmemory/unregister", &r);
  assert_int_equal(r.kind, ROUTE_SYSTEM_SHM_UNREGISTER);
  router_route("GET", "/v2/cudasharedmemory/region/x/status", &r);
  assert_int_equal(r.kind, ROUTE_CUDA_SHM_STATUS);
  router_route("GET", "/v2/logging", &r);
  assert_int_equal(r.kind, ROUTE_LOGGING);
  router_route("POST", "/v2/trace/setting", &r);
  assert_int_equal(r.kind, ROUTE_TRACE_SETTING);
  router_route("DELETE", "/v2/logging", &r);
  assert_int_equal(r.http_status, 405);
}

static void test_percent_decode(void **state) {
  (void)state;
  char out[16];
  assert_int_equal(router_percent_decode("a%41b", 5, out, sizeof(out)), 3);
  assert_string_equal(out, "aAb");
  assert_int_equal(router_percent_decode("%4", 2, out, sizeof(out)), -1);
  assert_int_equal(router_percent_decode("%", 1, out, sizeof(out)), -1);
  assert_int_equal(router_percent_decode("%00", 3, out, sizeof(out)), -1);
  assert_int_equal(router_percent_decode("0123456789abcdefg", 17, out, sizeof(out)), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_health_and_metadata), cmocka_unit_test(test_model_endpoints),
      cmocka_unit_test(test_versions),            cmocka_unit_test(test_not_found),
      cmocka_unit_test(test_names_cannot_escape), cmocka_unit_test(test_repository_and_shm),
      cmocka_unit_test(test_percent_decode),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
