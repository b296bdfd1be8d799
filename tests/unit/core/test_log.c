/* test_log.c — the logger: Triton's line format, level switches, verbose levels,
 * TRITONSERVER_LogMessage / LogIsEnabled, and the log file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static char log_path[64];

static int setup(void **state)
{
  (void)state;
  snprintf(log_path, sizeof(log_path), "/tmp/torchd_test_log_XXXXXX");
  int fd = mkstemp(log_path);
  if (fd < 0)
    return -1;
  close(fd);
  TRITONSERVER_Error *error = core_log_set_file(log_path);
  return error == NULL ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  TRITONSERVER_ErrorDelete(core_log_set_file(NULL));
  core_log_set_info(true);
  core_log_set_warn(true);
  core_log_set_error(true);
  core_log_set_verbose(0);
  core_log_set_format(TRITONSERVER_LOG_DEFAULT);
  unlink(log_path);
  return 0;
}

/* Returns the log file's content (caller frees) and empties the file. */
static char *take_log(void)
{
  FILE *file = fopen(log_path, "r");
  assert_non_null(file);
  char *content = calloc(1, 65536);
  size_t n = fread(content, 1, 65535, file);
  content[n] = '\0';
  fclose(file);
  assert_int_equal(truncate(log_path, 0), 0);
  return content;
}

static void assert_matches(const char *text, const char *pattern)
{
  regex_t regex;
  assert_int_equal(regcomp(&regex, pattern, REG_EXTENDED | REG_NEWLINE), 0);
  int rc = regexec(&regex, text, 0, NULL, 0);
  regfree(&regex);
  if (rc != 0)
    fail_msg("'%s' does not match /%s/", text, pattern);
}

static void lines_use_tritons_format(void **state)
{
  (void)state;
  CORE_LOG_INFO("loading model '%s'", "m");
  TRITONSERVER_LogMessage(TRITONSERVER_LOG_WARN, "/a/b/backend.cc", 12, "careful\n");
  TRITONSERVER_LogMessage(TRITONSERVER_LOG_ERROR, NULL, 0, NULL);
  char *text = take_log();
  char pattern[256];
  snprintf(pattern, sizeof(pattern),
           "^I[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6} %d test_log\\.c:[0-9]+\\] "
           "loading model 'm'$",
           (int)getpid());
  assert_matches(text, pattern);
  assert_matches(text, "^W[0-9]{4} [0-9:.]+ [0-9]+ backend\\.cc:12\\] careful$");
  assert_matches(text, "^E[0-9]{4} [0-9:.]+ [0-9]+ :0\\] $");
  assert_null(strstr(text, "careful\n\n")); /* trailing newline not doubled */
  free(text);
}

static void iso8601_format(void **state)
{
  (void)state;
  core_log_set_format(TRITONSERVER_LOG_ISO8601);
  CORE_LOG_ERROR("boom");
  char *text = take_log();
  assert_matches(text, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z E [0-9]+ "
                       "test_log\\.c:[0-9]+\\] boom$");
  free(text);
}

static void disabled_levels_write_nothing(void **state)
{
  (void)state;
  core_log_set_info(false);
  core_log_set_warn(false);
  assert_false(TRITONSERVER_LogIsEnabled(TRITONSERVER_LOG_INFO));
  assert_false(TRITONSERVER_LogIsEnabled(TRITONSERVER_LOG_WARN));
  assert_true(TRITONSERVER_LogIsEnabled(TRITONSERVER_LOG_ERROR));
  CORE_LOG_INFO("hidden");
  CORE_LOG_WARN("hidden");
  assert_null(TRITONSERVER_LogMessage(TRITONSERVER_LOG_INFO, "f.c", 1, "hidden"));
  char *text = take_log();
  assert_string_equal(text, "");
  free(text);
}

static void verbose_levels(void **state)
{
  (void)state;
  assert_false(TRITONSERVER_LogIsEnabled(TRITONSERVER_LOG_VERBOSE));
  CORE_LOG_VERBOSE(1, "hidden");
  core_log_set_verbose(1);
  assert_true(TRITONSERVER_LogIsEnabled(TRITONSERVER_LOG_VERBOSE));
  CORE_LOG_VERBOSE(1, "level one");
  CORE_LOG_VERBOSE(2, "level two hidden");
  char *text = take_log();
  assert_non_null(strstr(text, "level one"));
  assert_null(strstr(text, "hidden"));
  assert_int_equal(text[0], 'I'); /* verbose lines print as info, as Triton's do */
  free(text);
}

static void bad_log_file_is_a_clear_error(void **state)
{
  (void)state;
  TRITONSERVER_Error *error = core_log_set_file("/nonexistent-dir/x.log");
  assert_non_null(error);
  assert_int_equal(TRITONSERVER_ErrorCode(error), TRITONSERVER_ERROR_INVALID_ARG);
  assert_non_null(strstr(TRITONSERVER_ErrorMessage(error), "/nonexistent-dir/x.log"));
  TRITONSERVER_ErrorDelete(error);
  CORE_LOG_INFO("still to the old file");
  char *text = take_log();
  assert_non_null(strstr(text, "still to the old file"));
  free(text);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(lines_use_tritons_format, setup, teardown),
      cmocka_unit_test_setup_teardown(iso8601_format, setup, teardown),
      cmocka_unit_test_setup_teardown(disabled_levels_write_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(verbose_levels, setup, teardown),
      cmocka_unit_test_setup_teardown(bad_log_file_is_a_clear_error, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
