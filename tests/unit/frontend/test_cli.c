/* test_cli.c — torchd's command line: defaults, both value spellings, bad values. */
#include <sched.h>
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

static void test_defaults_need_only_repository(void **state) {
  (void)state;
  char *argv[] = {"torchd", "--model-repository=/models"};
  cli_options o;
  assert_null(parse(ARGC(argv), argv, &o));
  assert_int_equal(o.model_repository_count, 1);
  assert_string_equal(o.model_repositories[0], "/models");
  assert_int_equal(o.http_port, 8000);
  assert_int_equal(o.metrics_port, 8002);
  assert_string_equal(o.http_address, "0.0.0.0");
  assert_int_equal(o.model_control_mode, 0);
  assert_int_equal(o.exit_timeout_secs, 30);
  assert_int_equal(o.repository_poll_secs, 15);
  assert_true(o.allow_http);
  assert_true(o.allow_metrics);
  assert_true(o.strict_readiness);
  assert_false(o.strict_model_config);
  assert_null(o.backend_directory);
  assert_string_equal(o.server_id, "triton");
  assert_int_equal(o.http_max_input_size, 64u << 20);
  assert_int_equal(o.inline_execution_max_us, 200);
  assert_false(o.close_batches_early); /* Triton's batching semantics by default */
  /* One HTTP thread per core this process may use, 1..8. */
  cpu_set_t set;
  assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
  int cores = CPU_COUNT(&set);
  assert_int_equal(o.http_thread_count, cores > 8 ? 8 : cores);
  cli_options_free(&o);
}

static void test_both_value_spellings_and_repeats(void **state) {
  (void)state;
  char *argv[] = {"torchd", "--model-repository", "/a", "--model-repository=/b",
                  "--http-port", "9000", "--metrics-port=9002", "--model-control-mode",
                  "explicit", "--load-model=m1", "--load-model", "m2", "--log-verbose=1",
                  "--backend-directory", "/opt/backends", "--id=torchd-test",
                  "--exit-timeout-secs=5", "--http-thread-count=2",
                  "--inline-execution-max-us=0", "--close-batches-early=true"};
  cli_options o;
  assert_null(parse(ARGC(argv), argv, &o));
  assert_int_equal(o.model_repository_count, 2);
  assert_string_equal(o.model_repositories[1], "/b");
  assert_int_equal(o.http_port, 9000);
  assert_int_equal(o.metrics_port, 9002);
  assert_int_equal(o.model_control_mode, 2);
  assert_int_equal(o.startup_model_count, 2);
  assert_string_equal(o.startup_models[1], "m2");
  assert_int_equal(o.log_verbose, 1);
  assert_string_equal(o.backend_directory, "/opt/backends");
  assert_string_equal(o.server_id, "torchd-test");
  assert_int_equal(o.exit_timeout_secs, 5);
  assert_int_equal(o.http_thread_count, 2);
  assert_int_equal(o.inline_execution_max_us, 0);
  assert_true(o.close_batches_early);
  cli_options_free(&o);
}

static void test_booleans(void **state) {
  (void)state;
  char *argv[] = {"torchd", "--model-repository=/m", "--allow-metrics=false",
                  "--strict-model-config", "--log-info", "off", "--allow-client-shm",
                  "--disable-auto-complete-config"};
  cli_options o;
  assert_null(parse(ARGC(argv), argv, &o));
  assert_false(o.allow_metrics);
  assert_true(o.strict_model_config);
  assert_false(o.log_info);
  assert_true(o.allow_client_shm);
  cli_options_free(&o);
}

/* tritonserver flags without meaning here are accepted, each listed once. */
static void test_flags_without_effect_are_accepted(void **state) {
  (void)state;
  char *argv[] = {"torchd", "--model-repository=/m", "--host-policy=gpu_0,numa-node=0",
                  "--rate-limit=off", "--rate-limit", "execution_count",
                  "--enable-peer-access=false", "--buffer-manager-thread-count=2"};
  cli_options o;
  assert_null(parse(ARGC(argv), argv, &o));
  assert_int_equal(o.ignored_flag_count, 4);
  assert_string_equal(o.ignored_flags[0], "host-policy");
  assert_string_equal(o.ignored_flags[1], "rate-limit");
  assert_string_equal(o.ignored_flags[2], "enable-peer-access");
  assert_string_equal(o.ignored_flags[3], "buffer-manager-thread-count");
  cli_options_free(&o);
  char *empty[] = {"torchd", "--model-repository=/m", "--repoagent-directory="};
  char *error = parse(ARGC(empty), empty, &o);
  assert_non_null(error);
  assert_non_null(strstr(error, "--repoagent-directory expects a value"));
  free(error);
  cli_options_free(&o);
}

static void test_backend_config_and_restricted_api(void **state) {
  (void)state;
  char *argv[] = {"torchd", "--model-repository=/m",
                  "--backend-config=pytorch,default-max-batch-size=4",
                  "--backend-config=global-setting=1",
                  "--http-restricted-api=model-repository,shared-memory:Admin-Key=secret"};
  cli_options o;
  assert_null(parse(ARGC(argv), argv, &o));
  assert_int_equal(o.backend_config_count, 2);
  assert_string_equal(o.backend_configs[0].backend, "pytorch");
  assert_string_equal(o.backend_configs[0].setting, "default-max-batch-size");
  assert_string_equal(o.backend_configs[0].value, "4");
  assert_string_equal(o.backend_configs[1].backend, "");
  assert_int_equal(o.restriction_count, 1);
  assert_int_equal(o.restrictions[0].categories,
                   RESTRICT_MODEL_REPOSITORY | RESTRICT_SHARED_MEMORY);
  assert_string_equal(o.restrictions[0].header_key, "admin-key");
  assert_string_equal(o.restrictions[0].header_value, "secret");
  cli_options_free(&o);
}

static void expect_error(char **argv, int argc, const char *fragment) {
  cli_options o;
  char *err = parse(argc, argv, &o);
  assert_non_null(err);
  if (strstr(err, fragment) == NULL) fail_msg("'%s' lacks '%s'", err, fragment);
  free(err);
  cli_options_free(&o);
}

/* Triton's GPU flags: pools per device (a repeat of a device replaces its size), the
 * minimum compute capability, GPU metrics; defaults as Triton's. */
static void test_gpu_flags(void **state) {
  (void)state;
  char *defaults[] = {"torchd", "--model-repository=/m"};
  cli_options o;
  assert_null(parse(ARGC(defaults), defaults, &o));
  assert_true(o.allow_gpu_metrics);
  assert_int_equal(o.pinned_memory_pool_byte_size, 256u << 20);
  assert_int_equal(o.cuda_memory_pool_count, 0);
  assert_true(o.min_compute_capability == 6.0);
  cli_options_free(&o);

  char *argv[] = {"torchd", "--model-repository=/m", "--allow-gpu-metrics=false",
                  "--pinned-memory-pool-byte-size=0", "--cuda-memory-pool-byte-size=0:1024",
                  "--cuda-memory-pool-byte-size", "1:67108864",
                  "--cuda-memory-pool-byte-size=0:2048",
                  "--min-supported-compute-capability=7.5"};
  assert_null(parse(ARGC(argv), argv, &o));
  assert_false(o.allow_gpu_metrics);
  assert_int_equal(o.pinned_memory_pool_byte_size, 0);
  assert_int_equal(o.cuda_memory_pool_count, 2);
  assert_int_equal(o.cuda_memory_pools[0].gpu, 0);
  assert_int_equal(o.cuda_memory_pools[0].byte_size, 2048);
  assert_int_equal(o.cuda_memory_pools[1].gpu, 1);
  assert_int_equal(o.cuda_memory_pools[1].byte_size, 67108864);
  assert_true(o.min_compute_capability == 7.5);
  cli_options_free(&o);
}

static void test_bad_values(void **state) {
  (void)state;
  char *port[] = {"torchd", "--model-repository=/m", "--http-port=abc"};
  expect_error(port, ARGC(port), "--http-port expects an integer in [0, 65535], got 'abc'");
  char *big[] = {"torchd", "--model-repository=/m", "--http-port=70000"};
  expect_error(big, ARGC(big), "got '70000'");
  char *mode[] = {"torchd", "--model-repository=/m", "--model-control-mode=sometimes"};
  expect_error(mode, ARGC(mode), "none, poll or explicit, got 'sometimes'");
  char *unknown[] = {"torchd", "--model-repository=/m", "--frobnicate=1"};
  expect_error(unknown, ARGC(unknown), "unknown flag '--frobnicate'");
  char *missing[] = {"torchd", "--http-port=8000"};
  expect_error(missing, ARGC(missing), "--model-repository is required");
  char *boolean[] = {"torchd", "--model-repository=/m", "--allow-http=maybe"};
  expect_error(boolean, ARGC(boolean), "--allow-http expects true or false, got 'maybe'");
  char *novalue[] = {"torchd", "--model-repository=/m", "--http-port"};
  expect_error(novalue, ARGC(novalue), "--http-port expects a value");
  char *load[] = {"torchd", "--model-repository=/m", "--load-model=x"};
  expect_error(load, ARGC(load), "--load-model needs --model-control-mode=explicit");
  char *star[] = {"torchd", "--model-repository=/m", "--model-control-mode=explicit",
                  "--load-model=*", "--load-model=a"};
  expect_error(star, ARGC(star), "--load-model=* must be the only --load-model");
  char *poll[] = {"torchd", "--model-repository=/m", "--repository-poll-secs=0"};
  expect_error(poll, ARGC(poll), "--repository-poll-secs expects an integer in [1,");
  char *api[] = {"torchd", "--model-repository=/m", "--http-restricted-api=bogus:k=v"};
  expect_error(api, ARGC(api), "unknown API 'bogus'");
  char *apiform[] = {"torchd", "--model-repository=/m", "--http-restricted-api=health"};
  expect_error(apiform, ARGC(apiform), "expects <api>[,<api>...]:<key>=<value>");
  char *bare[] = {"torchd", "models"};
  expect_error(bare, ARGC(bare), "unexpected argument 'models'");
  char *same[] = {"torchd", "--model-repository=/m", "--http-port=9000",
                  "--metrics-port=9000"};
  expect_error(same, ARGC(same), "must differ");
  char *pool[] = {"torchd", "--model-repository=/m", "--cuda-memory-pool-byte-size=1024"};
  expect_error(pool, ARGC(pool), "--cuda-memory-pool-byte-size expects <gpu id>:<bytes>, "
                                 "got '1024'");
  char *negative[] = {"torchd", "--model-repository=/m", "--cuda-memory-pool-byte-size=0:-1"};
  expect_error(negative, ARGC(negative), "got '0:-1'");
  char *capability[] = {"torchd", "--model-repository=/m",
                        "--min-supported-compute-capability=high"};
  expect_error(capability, ARGC(capability), "such as 6.0, got 'high'");
}

static void test_help(void **state) {
  (void)state;
  char *argv[] = {"torchd", "--help"};
  cli_options o;
  assert_null(parse(ARGC(argv), argv, &o));
  assert_true(o.show_help);
  assert_non_null(strstr(cli_usage(), "--model-repository=<dir>"));
  assert_non_null(strstr(cli_usage(), "--http-restricted-api"));
  cli_options_free(&o);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults_need_only_repository),
      cmocka_unit_test(test_both_value_spellings_and_repeats),
      cmocka_unit_test(test_booleans),
      cmocka_unit_test(test_flags_without_effect_are_accepted),
      cmocka_unit_test(test_backend_config_and_restricted_api),
      cmocka_unit_test(test_gpu_flags),
      cmocka_unit_test(test_bad_values),
      cmocka_unit_test(test_help),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
