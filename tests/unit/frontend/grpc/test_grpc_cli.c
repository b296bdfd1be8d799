/* test_grpc_cli.c — torchd's gRPC flags (cli.c): Triton's defaults, every --grpc-* flag
 * parsed, bad values refused naming the flag, --grpc-restricted-protocol kept apart from
 * --http-restricted-api. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli.h"

#include <stdlib.h>
#include <string.h>

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void test_defaults(void **state) {
  (void)state;
  char *argv[] = {"torchd", "--model-repository=/m"};
  cli_options o;
  cli_options_defaults(&o);
  assert_null(cli_parse(ARGC(argv), argv, &o));
  assert_true(o.allow_grpc); /* this build has gRPC (TORCHD_WITH_GRPC) */
  assert_int_equal(o.grpc_port, 8001);
  assert_string_equal(o.grpc_address, "0.0.0.0");
  assert_false(o.grpc_use_ssl);
  assert_int_equal(o.grpc_compression_level, 0);
  assert_int_equal(o.grpc_keepalive_time_ms, 7200000);
  assert_int_equal(o.grpc_keepalive_timeout_ms, 20000);
  assert_int_equal(o.grpc_http2_max_pings_without_data, 2);
  assert_int_equal(o.grpc_http2_min_recv_ping_interval_ms, 300000);
  assert_int_equal(o.grpc_http2_max_ping_strikes, 2);
  assert_int_equal(o.grpc_restriction_count, 0);
  assert_null(o.grpc_header_forward_pattern);
  cli_options_free(&o);
}

static void test_every_flag(void **state) {
  (void)state;
  char *argv[] = {"torchd", "--model-repository=/m", "--allow-grpc=false", "--grpc-port", "9001",
                  "--grpc-address=127.0.0.1", "--grpc-infer-allocation-pool-size=16",
                  "--grpc-max-response-pool-size=4", "--grpc-use-ssl=true",
                  "--grpc-use-ssl-mutual", "--grpc-server-cert=/c.pem",
                  "--grpc-server-key=/k.pem", "--grpc-root-cert=/r.pem",
                  "--grpc-infer-response-compression-level=med", "--grpc-keepalive-time=1000",
                  "--grpc-keepalive-timeout=500", "--grpc-keepalive-permit-without-calls=true",
                  "--grpc-http2-max-pings-without-data=0",
                  "--grpc-http2-min-recv-ping-interval-without-data=100",
                  "--grpc-http2-max-ping-strikes=5", "--grpc-max-connection-age=60000",
                  "--grpc-max-connection-age-grace=1000",
                  "--grpc-restricted-protocol=inference,health:Key=v",
                  "--http-restricted-api=inference:other=w",
                  "--grpc-header-forward-pattern=x-.*"};
  cli_options o;
  cli_options_defaults(&o);
  assert_null(cli_parse(ARGC(argv), argv, &o));
  assert_false(o.allow_grpc);
  assert_int_equal(o.grpc_port, 9001);
  assert_string_equal(o.grpc_address, "127.0.0.1");
  assert_int_equal(o.grpc_infer_allocation_pool_size, 16);
  assert_true(o.grpc_use_ssl && o.grpc_use_ssl_mutual);
  assert_string_equal(o.grpc_server_cert, "/c.pem");
  assert_string_equal(o.grpc_server_key, "/k.pem");
  assert_string_equal(o.grpc_root_cert, "/r.pem");
  assert_int_equal(o.grpc_compression_level, 2);
  assert_int_equal(o.grpc_keepalive_time_ms, 1000);
  assert_int_equal(o.grpc_keepalive_timeout_ms, 500);
  assert_true(o.grpc_keepalive_permit_without_calls);
  assert_int_equal(o.grpc_http2_max_pings_without_data, 0);
  assert_int_equal(o.grpc_http2_min_recv_ping_interval_ms, 100);
  assert_int_equal(o.grpc_http2_max_ping_strikes, 5);
  assert_int_equal(o.grpc_max_connection_age_ms, 60000);
  assert_int_equal(o.grpc_max_connection_age_grace_ms, 1000);
  assert_int_equal(o.grpc_restriction_count, 1);
  assert_string_equal(o.grpc_restrictions[0].header_key, "key");
  assert_string_equal(o.grpc_restrictions[0].header_value, "v");
  assert_int_equal(o.grpc_restrictions[0].categories, RESTRICT_INFERENCE | RESTRICT_HEALTH);
  assert_int_equal(o.restriction_count, 1); /* the HTTP rule stays in its own list */
  assert_string_equal(o.restrictions[0].header_key, "other");
  assert_string_equal(o.grpc_header_forward_pattern, "x-.*");
  cli_options_free(&o);
}

static void test_bad_values(void **state) {
  (void)state;
  struct {
    const char *flag;
    const char *message;
  } cases[] = {
      {"--grpc-port=70000", "--grpc-port expects an integer in [0, 65535]"},
      {"--grpc-infer-response-compression-level=max",
       "--grpc-infer-response-compression-level expects none, low, med or high, got 'max'"},
      {"--grpc-restricted-protocol=inference", "--grpc-restricted-protocol expects"},
      {"--grpc-restricted-protocol=nope:k=v", "--grpc-restricted-protocol: unknown API 'nope'"},
      {"--grpc-use-ssl=maybe", "--grpc-use-ssl"},
      {"--grpc-keepalive-time=0", "--grpc-keepalive-time"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
    char *argv[] = {"torchd", "--model-repository=/m", (char *)cases[i].flag};
    cli_options o;
    cli_options_defaults(&o);
    char *error = cli_parse(ARGC(argv), argv, &o);
    assert_non_null(error);
    if (strstr(error, cases[i].message) == NULL) fail_msg("%s: got '%s'", cases[i].flag, error);
    free(error);
    cli_options_free(&o);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_every_flag),
      cmocka_unit_test(test_bad_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
