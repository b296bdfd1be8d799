/* test_file_override.c — `file:<path>` load parameters: which paths are refused and why,
 * the private temporary repository they are written into (modes, contents), conflicts
 * and wrong types refused with the parameter named and nothing left on disk, removal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_override.h"

static void paths(void **state)
{
  (void)state;
  const char *good[] = {"1/model.pt", "config.pbtxt", "2/sub/dir/weights.bin", "1/a..b",
                        "1/.hidden", "labels.txt"};
  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
    char *why = file_override_check_path(good[i]);
    if (why)
      fail_msg("'%s' refused: %s", good[i], why);
  }
  const struct {
    const char *path, *why;
  } bad[] = {
      {"", "empty"},
      {"/etc/passwd", "relative"},
      {"../x", "'..'"},
      {"1/../../x", "'..'"},
      {"1/./model.pt", "'.'"},
      {"..", "'..'"},
      {"1//model.pt", "empty component"},
      {"1/model.pt/", "empty component"},
      {"1/mo\ndel.pt", "control character"},
      {"a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q", "deep"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char *why = file_override_check_path(bad[i].path);
    if (!why || !strstr(why, bad[i].why))
      fail_msg("'%s': expected a reason with '%s', got '%s'", bad[i].path, bad[i].why,
               why ? why : "(accepted)");
    free(why);
  }
  char long_component[300];
  memset(long_component, 'a', sizeof(long_component) - 1);
  long_component[sizeof(long_component) - 1] = '\0';
  char *why = file_override_check_path(long_component);
  assert_non_null(why);
  assert_non_null(strstr(why, "255"));
  free(why);
  char long_path[1100];
  for (size_t i = 0; i < sizeof(long_path) - 1; i++)
    long_path[i] = (i % 100 == 99) ? '/' : 'b';
  long_path[sizeof(long_path) - 1] = '\0';
  why = file_override_check_path(long_path);
  assert_non_null(why);
  assert_non_null(strstr(why, "at most 1024"));
  free(why);
}

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = calloc(1, 4096);
  *len = fread(buf, 1, 4095, f);
  fclose(f);
  return buf;
}

static void writes_private_repository(void **state)
{
  (void)state;
  static const char model_bytes[] = {'P', 'K', 0, 1, 2, (char)0xff};
  TRITONSERVER_Parameter *p[3];
  p[0] = TRITONSERVER_ParameterNew("config", TRITONSERVER_PARAMETER_STRING, "{}");
  p[1] = TRITONSERVER_ParameterBytesNew("file:1/model.pt", model_bytes, sizeof(model_bytes));
  p[2] = TRITONSERVER_ParameterBytesNew("file:1/extra/empty.bin", "", 0);
  char *repository = NULL;
  assert_null(file_override_create("m", (const TRITONSERVER_Parameter **)p, 3, &repository));
  assert_non_null(repository);
  assert_non_null(strstr(repository, "/torchd-override-"));
  struct stat st;
  assert_int_equal(stat(repository, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0700);
  char path[512];
  snprintf(path, sizeof(path), "%s/m/1", repository);
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0700);
  snprintf(path, sizeof(path), "%s/m/1/model.pt", repository);
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  size_t len = 0;
  char *data = slurp(path, &len);
  assert_int_equal(len, sizeof(model_bytes));
  assert_memory_equal(data, model_bytes, sizeof(model_bytes));
  free(data);
  snprintf(path, sizeof(path), "%s/m/1/extra/empty.bin", repository);
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_size, 0);
  file_override_remove(repository);
  assert_int_not_equal(stat(repository, &st), 0);
  free(repository);
  for (int i = 0; i < 3; i++)
    TRITONSERVER_ParameterDelete(p[i]);
}

/* Counts torchd-override-* entries in the temporary directory. */
static int leftovers(const char *tmp)
{
  DIR *d = opendir(tmp);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    n += strncmp(e->d_name, "torchd-override-", 16) == 0;
  if (d)
    closedir(d);
  return n;
}

static void expect_refused(const char *tmp, TRITONSERVER_Parameter **p, size_t n,
                           const char *fragment)
{
  char *repository = NULL;
  TRITONSERVER_Error *err =
      file_override_create("m", (const TRITONSERVER_Parameter **)p, n, &repository);
  assert_non_null(err);
  assert_int_equal(TRITONSERVER_ErrorCode(err), TRITONSERVER_ERROR_INVALID_ARG);
  if (!strstr(TRITONSERVER_ErrorMessage(err), fragment))
    fail_msg("'%s' lacks '%s'", TRITONSERVER_ErrorMessage(err), fragment);
  TRITONSERVER_ErrorDelete(err);
  assert_null(repository);
  assert_int_equal(leftovers(tmp), 0);
  for (size_t i = 0; i < n; i++)
    TRITONSERVER_ParameterDelete(p[i]);
}

static void refuses_hostile_parameters(void **state)
{
  (void)state;
  char tmp[] = "/tmp/torchd_fo_test_XXXXXX";
  assert_non_null(mkdtemp(tmp));
  setenv("TMPDIR", tmp, 1);
  TRITONSERVER_Parameter *p[2];
  p[0] = TRITONSERVER_ParameterBytesNew("file:../escape", "x", 1);
  expect_refused(tmp, p, 1, "'file:../escape'");
  p[0] = TRITONSERVER_ParameterBytesNew("file:1/model.pt", "x", 1);
  p[1] = TRITONSERVER_ParameterBytesNew("file:/abs", "x", 1);
  expect_refused(tmp, p, 2, "'file:/abs'"); /* checked before anything is written */
  p[0] = TRITONSERVER_ParameterBytesNew("file:1", "x", 1);
  p[1] = TRITONSERVER_ParameterBytesNew("file:1/model.pt", "x", 1);
  expect_refused(tmp, p, 2, "'file:1/model.pt': '1' is already a file");
  p[0] = TRITONSERVER_ParameterBytesNew("file:1/model.pt", "x", 1);
  p[1] = TRITONSERVER_ParameterBytesNew("file:1/model.pt", "y", 1);
  expect_refused(tmp, p, 2, "given twice");
  p[0] = TRITONSERVER_ParameterBytesNew("file:1/a/b", "x", 1);
  p[1] = TRITONSERVER_ParameterBytesNew("file:1/a", "y", 1);
  expect_refused(tmp, p, 2, "'file:1/a'");
  p[0] = TRITONSERVER_ParameterNew("file:1/model.pt", TRITONSERVER_PARAMETER_STRING, "text");
  expect_refused(tmp, p, 1, "must have bytes type");
  unsetenv("TMPDIR");
  rmdir(tmp);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(paths),
      cmocka_unit_test(writes_private_repository),
      cmocka_unit_test(refuses_hostile_parameters),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
