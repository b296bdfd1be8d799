/* test_cli.c — torchd's command line: defaults, both value spellings, bad values. */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli.h"

#include <stdio.h>
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

/* Issue 16's flags: each parsed into its option. */
static void test_tritonserver_flags(void **state) {
  (void)state;
  char *argv[] = {"torchd", "--model-store=/a", "--model-repository=/b",
                  "--http-header-forward-pattern", "^x-(trace|user)-.*",
                  "--reuse-http-port", "--model-load-retry-count=3", "--model-namespacing=false",
                  "--metrics-config=summary_latencies=true",
                  "--metrics-config", "counter_latencies=false",
                  "--metrics-config=summary_quantiles=0.5:0.05,0.99:0.001",
                  "--allow-cpu-metrics=false", "--trace-config=level=TIMESTAMPS",
                  "--trace-config", "triton,file=/tmp/trace.json", "--trace-level=TENSORS",
                  "--trace-rate=50", "--trace-config=count=-1", "--trace-log-frequency=10",
                  "--trace-config=opentelemetry,url=localhost:4318/v1/traces",
                  "--allow-sagemaker=false", "--sagemaker-port=8080", "--allow-vertex-ai",
                  "--vertex-ai-default-model=m"};
  cli_options o;
  assert_null(parse(ARGC(argv), argv, &o));
  assert_int_equal(o.model_repository_count, 2);
  assert_string_equal(o.model_repositories[0], "/a");
  assert_string_equal(o.model_repositories[1], "/b");
  assert_string_equal(o.http_header_forward_pattern, "^x-(trace|user)-.*");
  assert_true(o.reuse_http_port);
  assert_int_equal(o.model_load_retry_count, 3);
  assert_false(o.model_namespacing);
  assert_int_equal(o.metrics_config_count, 3);
  assert_string_equal(o.metrics_configs[0].setting, "summary_latencies");
  assert_string_equal(o.metrics_configs[0].value, "true");
  assert_string_equal(o.metrics_configs[1].setting, "counter_latencies");
  assert_string_equal(o.metrics_configs[2].value, "0.5:0.05,0.99:0.001");
  assert_false(o.counter_latencies);
  assert_false(o.allow_cpu_metrics);
  assert_string_equal(o.trace.level, "TIMESTAMPS,TENSORS");
  assert_string_equal(o.trace.file, "/tmp/trace.json");
  assert_string_equal(o.trace.rate, "50");
  assert_string_equal(o.trace.count, "-1");
  assert_string_equal(o.trace.log_frequency, "10");
  assert_null(o.trace.mode);
  assert_int_equal(o.ignored_flag_count, 4);
  assert_string_equal(o.ignored_flags[0], "allow-sagemaker");
  assert_string_equal(o.ignored_flags[2], "allow-vertex-ai");
  cli_options_free(&o);

  char *defaults[] = {"torchd", "--model-repository=/m"};
  assert_null(parse(ARGC(defaults), defaults, &o));
  assert_false(o.reuse_http_port);
  assert_null(o.http_header_forward_pattern);
  assert_int_equal(o.model_load_retry_count, 0);
  assert_true(o.allow_cpu_metrics);
  assert_true(o.counter_latencies);
  assert_null(o.trace.level);
  cli_options_free(&o);

  char *off[] = {"torchd", "--model-repository=/m", "--trace-level=TIMESTAMPS",
                 "--trace-level=OFF", "--metrics-config=histogram_latencies=on",
                 "--metrics-config=some_future_setting=1"};
  assert_null(parse(ARGC(off), off, &o));
  assert_string_equal(o.trace.level, "OFF");
  assert_string_equal(o.metrics_configs[0].value, "true"); /* booleans are normalized */
  assert_string_equal(o.metrics_configs[1].setting, "some_future_setting");
  cli_options_free(&o);
}

static void test_tritonserver_flag_errors(void **state) {
  (void)state;
  char *regex[] = {"torchd", "--model-repository=/m", "--http-header-forward-pattern=x(["};
  expect_error(regex, ARGC(regex), "is not a valid regular expression");
  char *form[] = {"torchd", "--model-repository=/m", "--metrics-config=summary_latencies"};
  expect_error(form, ARGC(form), "--metrics-config expects <setting>=<value>");
  char *named[] = {"torchd", "--model-repository=/m", "--metrics-config=a,b=c"};
  expect_error(named, ARGC(named), "--metrics-config expects <setting>=<value>");
  char *flag[] = {"torchd", "--model-repository=/m", "--metrics-config=summary_latencies=maybe"};
  expect_error(flag, ARGC(flag), "summary_latencies expects true or false, got 'maybe'");
  char *quant[] = {"torchd", "--model-repository=/m",
                   "--metrics-config=summary_quantiles=0.5:0.05,1.5:0.1"};
  expect_error(quant, ARGC(quant), "summary_quantiles expects <quantile>:<error>");
  char *quant2[] = {"torchd", "--model-repository=/m", "--metrics-config=summary_quantiles=0.5"};
  expect_error(quant2, ARGC(quant2), "summary_quantiles expects");
  char *retry[] = {"torchd", "--model-repository=/m", "--model-load-retry-count=-1"};
  expect_error(retry, ARGC(retry), "--model-load-retry-count expects an integer in [0,");
  char *level[] = {"torchd", "--model-repository=/m", "--trace-config=level=LOUD"};
  expect_error(level, ARGC(level), "level expects OFF, TIMESTAMPS or TENSORS, got 'LOUD'");
  char *mode[] = {"torchd", "--model-repository=/m", "--trace-config=jaeger,file=x"};
  expect_error(mode, ARGC(mode), "unknown trace mode 'jaeger'");
  char *rate[] = {"torchd", "--model-repository=/m", "--trace-rate=0"};
  expect_error(rate, ARGC(rate), "--trace-rate expects an integer >= 1, got '0'");
  char *tform[] = {"torchd", "--model-repository=/m", "--trace-config=level"};
  expect_error(tform, ARGC(tform), "--trace-config expects [<mode>,]<setting>=<value>");
  char *sage[] = {"torchd", "--model-repository=/m", "--allow-sagemaker=sometimes"};
  expect_error(sage, ARGC(sage), "--allow-sagemaker expects true or false, got 'sometimes'");
  char *ns[] = {"torchd", "--model-repository=/m", "--model-namespacing=perhaps"};
  expect_error(ns, ARGC(ns), "--model-namespacing expects true or false");
}

/* --help names every flag the parser takes. */
static void test_help_lists_every_flag(void **state) {
  (void)state;
  const char *usage = cli_usage();
  size_t count = 0;
  for (const char *name; (name = cli_flag_name(count)) != NULL; ++count) {
    char spelled[96];
    snprintf(spelled, sizeof(spelled), "--%s", name);
    const char *at = strstr(usage, spelled);
    /* a whole flag name: not the prefix of a longer one (--trace-config vs --trace-c...) */
    while (at != NULL && (at[strlen(spelled)] == '-' || (at[strlen(spelled)] >= 'a' &&
                                                         at[strlen(spelled)] <= 'z')))
      at = strstr(at + 1, spelled);
    if (at == NULL) fail_msg("--help does not name --%s", name);
  }
  assert_true(count > 60);
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
      cmocka_unit_test(test_tritonserver_flags),
      cmocka_unit_test(test_tritonserver_flag_errors),
      cmocka_unit_test(test_help_lists_every_flag),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
