/* test_options.c — TRITONSERVER_ServerOptions: defaults, stored values, argument
 * checks, and the deep copy server.c takes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "log.h"
#include "options.h"

static void defaults_are_tritons(void **state)
{
  (void)state;
  TRITONSERVER_ServerOptions *o = NULL;
  assert_null(TRITONSERVER_ServerOptionsNew(&o));
  assert_string_equal(o->server_id, "triton");
  assert_int_equal(o->control_mode, TRITONSERVER_MODEL_CONTROL_NONE);
  assert_int_equal(o->repository_path_count, 0);
  assert_true(o->strict_model_config);
  assert_true(o->strict_readiness);
  assert_true(o->exit_on_error);
  assert_int_equal(o->exit_timeout_seconds, 30);
  assert_int_equal(o->model_load_thread_count, 4);
  assert_int_equal(o->pinned_memory_pool_byte_size, 256u << 20);
  assert_true(o->min_compute_capability == 6.0);
  assert_string_equal(o->backend_directory, "/opt/tritonserver/backends");
  assert_null(o->model_config_name);
  assert_true(o->log_info && o->log_warn && o->log_error);
  assert_int_equal(o->log_verbose, 0);
  assert_null(TRITONSERVER_ServerOptionsDelete(o));
}

static void values_are_stored(void **state)
{
  (void)state;
  TRITONSERVER_ServerOptions *o = NULL;
  assert_null(TRITONSERVER_ServerOptionsNew(&o));
  assert_null(TRITONSERVER_ServerOptionsSetServerId(o, "torchd"));
  assert_null(TRITONSERVER_ServerOptionsSetModelRepositoryPath(o, "/r1"));
  assert_null(TRITONSERVER_ServerOptionsSetModelRepositoryPath(o, "/r2"));
  assert_null(
      TRITONSERVER_ServerOptionsSetModelControlMode(o, TRITONSERVER_MODEL_CONTROL_EXPLICIT));
  assert_null(TRITONSERVER_ServerOptionsSetStartupModel(o, "a"));
  assert_null(TRITONSERVER_ServerOptionsSetStartupModel(o, "b"));
  assert_null(TRITONSERVER_ServerOptionsSetStrictModelConfig(o, false));
  assert_null(TRITONSERVER_ServerOptionsSetModelConfigName(o, "h100"));
  assert_null(TRITONSERVER_ServerOptionsSetBackendDirectory(o, "/b"));
  assert_null(TRITONSERVER_ServerOptionsSetBackendConfig(o, "pytorch", "shm-size", "1"));
  assert_null(TRITONSERVER_ServerOptionsSetBackendConfig(o, "", "default-max-batch-size", "8"));
  assert_null(TRITONSERVER_ServerOptionsSetHostPolicy(o, "cpu", "numa-node", "0"));
  assert_null(TRITONSERVER_ServerOptionsSetExitTimeout(o, 5));
  assert_null(TRITONSERVER_ServerOptionsSetPinnedMemoryPoolByteSize(o, 1024));
  assert_null(TRITONSERVER_ServerOptionsSetMinSupportedComputeCapability(o, 7.5));
  assert_null(TRITONSERVER_ServerOptionsSetStrictReadiness(o, false));
  assert_null(TRITONSERVER_ServerOptionsSetModelLoadThreadCount(o, 2));
  assert_null(TRITONSERVER_ServerOptionsSetCudaMemoryPoolByteSize(o, 0, 10));
  assert_null(TRITONSERVER_ServerOptionsSetCudaMemoryPoolByteSize(o, 0, 20));
  assert_null(TRITONSERVER_ServerOptionsAddRateLimiterResource(o, "R", 2, -1));

  assert_string_equal(o->server_id, "torchd");
  assert_int_equal(o->repository_path_count, 2);
  assert_string_equal(o->repository_paths[1], "/r2");
  assert_int_equal(o->control_mode, TRITONSERVER_MODEL_CONTROL_EXPLICIT);
  assert_int_equal(o->startup_model_count, 2);
  assert_string_equal(o->startup_models[0], "a");
  assert_false(o->strict_model_config);
  assert_string_equal(o->model_config_name, "h100");
  assert_string_equal(o->backend_directory, "/b");
  assert_int_equal(o->backend_configs.count, 2);
  assert_string_equal(options_settings_find(&o->backend_configs, "pytorch", "shm-size"), "1");
  assert_string_equal(options_settings_find(&o->backend_configs, "", "default-max-batch-size"),
                      "8");
  assert_null(options_settings_find(&o->backend_configs, "pytorch", "nope"));
  assert_string_equal(options_settings_find(&o->host_policies, "cpu", "numa-node"), "0");
  assert_int_equal(o->exit_timeout_seconds, 5);
  assert_int_equal(o->pinned_memory_pool_byte_size, 1024);
  assert_true(o->min_compute_capability == 7.5);
  assert_false(o->strict_readiness);
  assert_int_equal(o->model_load_thread_count, 2);
  assert_int_equal(o->cuda_memory_pool_count, 1); /* same device replaced */
  assert_int_equal(o->cuda_memory_pools[0].byte_size, 20);
  assert_string_equal(o->rate_limiter_resources[0].name, "R");

  /* The copy is deep: deleting the original leaves it intact. */
  TRITONSERVER_ServerOptions *copy = NULL;
  assert_null(options_clone(o, &copy));
  TRITONSERVER_ServerOptionsDelete(o);
  assert_string_equal(copy->repository_paths[0], "/r1");
  assert_string_equal(copy->startup_models[1], "b");
  assert_string_equal(options_settings_find(&copy->backend_configs, "pytorch", "shm-size"), "1");
  assert_string_equal(copy->rate_limiter_resources[0].name, "R");
  assert_int_equal(copy->cuda_memory_pools[0].byte_size, 20);
  TRITONSERVER_ServerOptionsDelete(copy);
}

static void expect_invalid(TRITONSERVER_Error *error, const char *fragment)
{
  assert_non_null(error);
  assert_int_equal(TRITONSERVER_ErrorCode(error), TRITONSERVER_ERROR_INVALID_ARG);
  if (strstr(TRITONSERVER_ErrorMessage(error), fragment) == NULL)
    fail_msg("'%s' lacks '%s'", TRITONSERVER_ErrorMessage(error), fragment);
  TRITONSERVER_ErrorDelete(error);
}

static void bad_arguments_are_named(void **state)
{
  (void)state;
  TRITONSERVER_ServerOptions *o = NULL;
  assert_null(TRITONSERVER_ServerOptionsNew(&o));
  expect_invalid(TRITONSERVER_ServerOptionsSetModelRepositoryPath(NULL, "/r"), "got NULL");
  expect_invalid(TRITONSERVER_ServerOptionsSetModelRepositoryPath(o, NULL),
                 "model_repository_path");
  expect_invalid(TRITONSERVER_ServerOptionsSetModelRepositoryPath(o, ""), "empty");
  expect_invalid(TRITONSERVER_ServerOptionsSetModelControlMode(o, (TRITONSERVER_ModelControlMode)7),
                 "got 7");
  expect_invalid(TRITONSERVER_ServerOptionsSetLogVerbose(o, -1), "got -1");
  expect_invalid(TRITONSERVER_ServerOptionsSetLogFormat(o, (TRITONSERVER_LogFormat)3), "got 3");
  expect_invalid(TRITONSERVER_ServerOptionsSetBackendConfig(o, "b", NULL, "v"), "a setting");
  expect_invalid(TRITONSERVER_ServerOptionsSetModelLoadThreadCount(o, 0), "got 0");
  TRITONSERVER_Error *error = TRITONSERVER_ServerOptionsSetModelLoadDeviceLimit(
      o, TRITONSERVER_INSTANCEGROUPKIND_CPU, 0, 0.5);
  assert_int_equal(TRITONSERVER_ErrorCode(error), TRITONSERVER_ERROR_UNSUPPORTED);
  TRITONSERVER_ErrorDelete(error);
  assert_int_equal(o->repository_path_count, 0);
  TRITONSERVER_ServerOptionsDelete(o);
}

static void log_options_apply_at_once(void **state)
{
  (void)state;
  TRITONSERVER_ServerOptions *o = NULL;
  assert_null(TRITONSERVER_ServerOptionsNew(&o));
  assert_null(TRITONSERVER_ServerOptionsSetLogVerbose(o, 2));
  assert_true(TRITONSERVER_LogIsEnabled(TRITONSERVER_LOG_VERBOSE));
  assert_int_equal(o->log_verbose, 2);
  assert_null(TRITONSERVER_ServerOptionsSetLogInfo(o, false));
  assert_false(TRITONSERVER_LogIsEnabled(TRITONSERVER_LOG_INFO));
  assert_null(TRITONSERVER_ServerOptionsSetLogInfo(o, true));
  assert_null(TRITONSERVER_ServerOptionsSetLogVerbose(o, 0));
  assert_false(TRITONSERVER_LogIsEnabled(TRITONSERVER_LOG_VERBOSE));
  TRITONSERVER_ServerOptionsDelete(o);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(defaults_are_tritons),
      cmocka_unit_test(values_are_stored),
      cmocka_unit_test(bad_arguments_are_named),
      cmocka_unit_test(log_options_apply_at_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
