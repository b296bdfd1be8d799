/* test_cli_cache.c — the response cache flags: --cache-config (Triton's
 * <cache>,<setting>=<value> form, repeatable), the deprecated --response-cache-byte-size,
 * --cache-directory, and Triton's refusal of both cache flags together. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli.h"

#include <stdlib.h>
#include <string.h>

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static char *parse(int argc, char **argv, cli_options *o) {
  cli_options_defaults(o);
  return cli_parse(argc, argv, o);
}

static void expect_error(int argc, char **argv, const char *fragment) {
  cli_options o;
  char *err = parse(argc, argv, &o);
  assert_non_null(err);
  if (strstr(err, fragment) == NULL) fail_msg("'%s' not in '%s'", fragment, err);
  free(err);
  cli_options_free(&o);
}

static void test_no_cache_by_default(void **state) {
  (void)state;
  char *argv[] = {"torchd", "--model-repository=/m"};
  cli_options o;
  assert_null(parse(ARGC(argv), argv, &o));
  assert_int_equal(o.cache_config_count, 0);
  assert_false(o.response_cache_byte_size_set);
  assert_null(o.cache_directory);
  cli_options_free(&o);
}

static void test_cache_config(void **state) {
  (void)state;
  char *argv[] = {"torchd", "--model-repository=/m", "--cache-config=local,size=1048576",
                  "--cache-config", "local,other=a=b", "--cache-directory=/opt/caches"};
  cli_options o;
  assert_null(parse(ARGC(argv), argv, &o));
  assert_int_equal(o.cache_config_count, 2);
  assert_string_equal(o.cache_configs[0].cache, "local");
  assert_string_equal(o.cache_configs[0].setting, "size");
  assert_string_equal(o.cache_configs[0].value, "1048576");
  assert_string_equal(o.cache_configs[1].setting, "other");
  assert_string_equal(o.cache_configs[1].value, "a=b"); /* the value is all after the first '=' */
  assert_string_equal(o.cache_directory, "/opt/caches");
  cli_options_free(&o);
}

static void test_response_cache_byte_size(void **state) {
  (void)state;
  char *argv[] = {"torchd", "--model-repository=/m", "--response-cache-byte-size", "8192"};
  cli_options o;
  assert_null(parse(ARGC(argv), argv, &o));
  assert_true(o.response_cache_byte_size_set);
  assert_int_equal(o.response_cache_byte_size, 8192);
  cli_options_free(&o);
}

static void test_bad_cache_flags(void **state) {
  (void)state;
  char *no_cache[] = {"torchd", "--model-repository=/m", "--cache-config=size=10"};
  expect_error(ARGC(no_cache), no_cache, "no cache named in 'size=10'");
  char *leading_comma[] = {"torchd", "--model-repository=/m", "--cache-config=,size=10"};
  expect_error(ARGC(leading_comma), leading_comma, "no cache named");
  char *no_value[] = {"torchd", "--model-repository=/m", "--cache-config=local,size="};
  expect_error(ARGC(no_value), no_value, "got 'local,size='");
  char *no_setting[] = {"torchd", "--model-repository=/m", "--cache-config=local,=5"};
  expect_error(ARGC(no_setting), no_setting, "got 'local,=5'");
  char *no_equals[] = {"torchd", "--model-repository=/m", "--cache-config=local,size"};
  expect_error(ARGC(no_equals), no_equals, "got 'local,size'");
  char *negative[] = {"torchd", "--model-repository=/m", "--response-cache-byte-size=-1"};
  expect_error(ARGC(negative), negative, "--response-cache-byte-size expects a byte count, got '-1'");
  char *words[] = {"torchd", "--model-repository=/m", "--response-cache-byte-size=1MB"};
  expect_error(ARGC(words), words, "got '1MB'");
  /* Triton's words for both styles at once. */
  char *both[] = {"torchd", "--model-repository=/m", "--response-cache-byte-size=12345",
                  "--cache-config=local,size=67890"};
  expect_error(ARGC(both), both,
               "Incompatible flags --response-cache-byte-size and --cache-config both provided. "
               "Please provide one or the other.");
}

static void test_usage_lists_the_flags(void **state) {
  (void)state;
  assert_non_null(strstr(cli_usage(), "--cache-config=<cache>,<setting>=<value>"));
  assert_non_null(strstr(cli_usage(), "--response-cache-byte-size=<bytes>"));
  assert_non_null(strstr(cli_usage(), "--cache-directory=<dir>"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_cache_by_default),
      cmocka_unit_test(test_cache_config),
      cmocka_unit_test(test_response_cache_byte_size),
      cmocka_unit_test(test_bad_cache_flags),
      cmocka_unit_test(test_usage_lists_the_flags),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
