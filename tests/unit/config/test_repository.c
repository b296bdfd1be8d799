/*
 * test_repository.c — repository scanning on temporary directory trees: model discovery
 * across repositories (duplicates are per-model errors), version directory skip rules,
 * version policies, missing and broken configs reported per model, custom config names,
 * name safety, and fingerprints that change when relevant files change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <cmocka.h>

#include "config_test_support.h"
#include "repository.h"

#define PT_CONFIG                                                             \
  "platform: \"pytorch_libtorch\" max_batch_size: 2\n"                        \
  "input { name: \"INPUT__0\" data_type: TYPE_FP32 dims: [ 4 ] }\n"           \
  "output { name: \"OUTPUT__0\" data_type: TYPE_FP32 dims: [ 4 ] label_filename: \"labels.txt\" }\n"

static char *path_join(const char *a, const char *b) {
  size_t len = strlen(a) + strlen(b) + 2;
  char *out = malloc(len);
  snprintf(out, len, "%s/%s", a, b);
  return out;
}

static void write_at(const char *root, const char *relative, const char *text) {
  char *path = path_join(root, relative);
  ts_write_file(path, text);
  free(path);
}

static void mkdir_at(const char *root, const char *relative) {
  char *path = path_join(root, relative);
  ts_mkdirs(path);
  free(path);
}

static bool has_message(const RepoMessages *messages, const char *text) {
  for (size_t i = 0; i < messages->count; i++) {
    if (strcmp(messages->items[i], text) == 0) {
      return true;
    }
  }
  return false;
}

static RepoScan *scan_one(const char *repo, bool auto_complete) {
  const char *repos[] = {repo};
  RepoScanOptions opts = {.repositories = repos, .repository_count = 1, .auto_complete = auto_complete};
  RepoScan *scan = NULL;
  char *error = NULL;
  assert_int_equal(repo_scan(&opts, &scan, &error), 0);
  return scan;
}

static void test_scan_models(void **state) {
  (void)state;
  char *repo = ts_temp_dir();
  /* good: a PyTorch model with versions and skip-worthy directories */
  write_at(repo, "good/config.pbtxt", PT_CONFIG "version_policy { latest { num_versions: 2 } }");
  write_at(repo, "good/labels.txt", "a\nb\n");
  write_at(repo, "good/1/model.pt", "x");
  write_at(repo, "good/3/model.pt", "x");
  write_at(repo, "good/10/model.pt", "x");
  mkdir_at(repo, "good/007");
  mkdir_at(repo, "good/v2");
  mkdir_at(repo, "good/warmup");
  mkdir_at(repo, "good/configs");
  write_at(repo, "good/5", "a file, not a version");
  /* broken config */
  write_at(repo, "broken/config.pbtxt", "name: \"broken\"\nmax_batch_size 4\n");
  mkdir_at(repo, "broken/1");
  /* PyTorch model without config */
  write_at(repo, "noconfig/1/model.pt", "x");
  /* name mismatch */
  write_at(repo, "renamed/config.pbtxt", "name: \"other\" backend: \"pytorch\"");
  mkdir_at(repo, "renamed/1");
  /* no version directories */
  write_at(repo, "empty/config.pbtxt", PT_CONFIG);
  /* hidden directories and plain files are not models */
  mkdir_at(repo, ".hidden");
  write_at(repo, "README", "not a model");

  RepoScan *scan = scan_one(repo, true);
  assert_int_equal(scan->model_count, 5);
  assert_string_equal(scan->models[0].name, "broken");
  assert_string_equal(scan->models[4].name, "renamed");

  const RepoModel *good = repo_scan_find(scan, "good");
  assert_non_null(good);
  if (good->error != NULL) {
    fail_msg("good: %s", good->error);
  }
  assert_string_equal(good->config->name, "good");
  assert_string_equal(good->config->backend, "pytorch");
  assert_string_equal(good->config->default_model_filename, ""); /* the user's, as Triton */
  assert_int_equal(good->version_count, 3);
  assert_int_equal(good->versions[0], 1);
  assert_int_equal(good->versions[1], 3);
  assert_int_equal(good->versions[2], 10);
  assert_int_equal(good->versions_to_load_count, 2);
  assert_int_equal(good->versions_to_load[0], 3);
  assert_int_equal(good->versions_to_load[1], 10);
  assert_int_equal(good->warnings.count, 2);
  assert_true(has_message(&good->warnings,
                          "failed to convert version name '007' of model 'good' to positive "
                          "integer, version names can not contain leading zero"));
  assert_true(has_message(&good->warnings,
                          "skipping version 'v2' of model 'good': failed to convert version "
                          "name to integer"));
  char *good_path = path_join(repo, "good");
  assert_string_equal(good->path, good_path);
  free(good_path);

  const RepoModel *broken = repo_scan_find(scan, "broken");
  assert_null(broken->config);
  char *expected = malloc(strlen(repo) + 200);
  sprintf(expected, "%s/broken/config.pbtxt:2:16: expected ':' after field 'max_batch_size', got '4'", repo);
  assert_string_equal(broken->error, expected);

  const RepoModel *noconfig = repo_scan_find(scan, "noconfig");
  sprintf(expected, "model 'noconfig' has no configuration file '%s/noconfig/config.pbtxt': a "
                    "PyTorch model (model.pt) cannot be auto-completed, its inputs and outputs "
                    "must be given in config.pbtxt", repo);
  assert_string_equal(noconfig->error, expected);

  assert_string_equal(repo_scan_find(scan, "renamed")->error,
                      "unexpected directory name 'renamed' for model 'other', directory name "
                      "must equal model name");
  assert_string_equal(repo_scan_find(scan, "empty")->error,
                      "at least one version must be available under the version policy of "
                      "model 'empty'");
  assert_null(repo_scan_find(scan, ".hidden"));
  assert_null(repo_scan_find(scan, "README"));
  free(expected);
  repo_scan_free(scan);
  ts_remove_tree(repo);
  free(repo);
}

static void test_policies(void **state) {
  (void)state;
  const int64_t available[] = {1, 2, 5};
  int64_t *selected;
  size_t count;
  RepoMessages warnings = {0};
  char *error = NULL;

  /* no config / no policy: latest 1 */
  assert_int_equal(repo_select_versions(NULL, "m", available, 3, &selected, &count, &warnings, &error), 0);
  assert_int_equal(count, 1);
  assert_int_equal(selected[0], 5);
  free(selected);

  ModelConfig *c = ts_parse_ok("version_policy { all { } }");
  assert_int_equal(repo_select_versions(c, "m", available, 3, &selected, &count, &warnings, &error), 0);
  assert_int_equal(count, 3);
  free(selected);
  model_config_free(c);

  c = ts_parse_ok("version_policy { latest { num_versions: 9 } }");
  assert_int_equal(repo_select_versions(c, "m", available, 3, &selected, &count, &warnings, &error), 0);
  assert_int_equal(count, 3);
  assert_int_equal(selected[0], 1);
  free(selected);
  model_config_free(c);

  c = ts_parse_ok("version_policy { specific { versions: [ 5, 4, 1 ] } }");
  assert_int_equal(repo_select_versions(c, "m", available, 3, &selected, &count, &warnings, &error), 0);
  assert_int_equal(count, 2);
  assert_int_equal(selected[0], 1);
  assert_int_equal(selected[1], 5);
  free(selected);
  assert_int_equal(warnings.count, 1);
  assert_string_equal(warnings.items[0], "version 4 is specified for model 'm', but the version "
                                         "directory is not present");
  repo_messages_clear(&warnings);
  model_config_free(c);

  c = ts_parse_ok("version_policy { specific { versions: [ 7 ] } }");
  assert_int_equal(repo_select_versions(c, "m", available, 3, &selected, &count, &warnings, &error), -1);
  assert_string_equal(error, "at least one version must be available under the version "
                             "policy of model 'm'");
  free(error);
  assert_int_equal(warnings.count, 1);
  repo_messages_clear(&warnings);
  model_config_free(c);

  c = ts_parse_ok("version_policy { latest { num_versions: 0 } }");
  assert_int_equal(repo_select_versions(c, "m", available, 3, &selected, &count, NULL, &error), -1);
  free(error);
  model_config_free(c);
}

static void test_version_listing(void **state) {
  (void)state;
  char *repo = ts_temp_dir();
  mkdir_at(repo, "m/0");
  mkdir_at(repo, "m/00");
  mkdir_at(repo, "m/-1");
  mkdir_at(repo, "m/1abc");
  mkdir_at(repo, "m/99999999999999999999");
  mkdir_at(repo, "m/initial_state");
  mkdir_at(repo, "m/42");
  char *dir = path_join(repo, "m");
  int64_t *versions;
  size_t count;
  RepoMessages warnings = {0};
  char *error = NULL;
  assert_int_equal(repo_list_versions(dir, "m", &versions, &count, &warnings, &error), 0);
  assert_int_equal(count, 2);
  assert_int_equal(versions[0], 0); /* "0" itself is a valid version */
  assert_int_equal(versions[1], 42);
  assert_int_equal(warnings.count, 4); /* 00, -1, 1abc, too large */
  free(versions);
  repo_messages_clear(&warnings);

  char *missing = path_join(repo, "nope");
  assert_int_equal(repo_list_versions(missing, "nope", &versions, &count, NULL, &error), -1);
  assert_non_null(strstr(error, "failed to open model directory"));
  free(error);
  free(missing);
  free(dir);
  ts_remove_tree(repo);
  free(repo);
}

static void test_multiple_repositories(void **state) {
  (void)state;
  char *a = ts_temp_dir();
  char *b = ts_temp_dir();
  write_at(a, "shared/config.pbtxt", PT_CONFIG);
  write_at(a, "shared/1/model.pt", "x");
  write_at(b, "shared/config.pbtxt", PT_CONFIG);
  write_at(b, "shared/1/model.pt", "x");
  write_at(b, "only_b/config.pbtxt", PT_CONFIG);
  write_at(b, "only_b/1/model.pt", "x");
  const char *repos[] = {a, "/nonexistent/torchd/repo", b};
  RepoScanOptions opts = {.repositories = repos, .repository_count = 3};
  RepoScan *scan = NULL;
  char *error = NULL;
  assert_int_equal(repo_scan(&opts, &scan, &error), 0);
  assert_int_equal(scan->model_count, 2);
  assert_int_equal(scan->warnings.count, 1);
  assert_string_equal(scan->warnings.items[0], "failed to open model repository '/nonexistent/torchd/repo'");
  const RepoModel *only_b = repo_scan_find(scan, "only_b");
  assert_null(only_b->error);
  assert_string_equal(only_b->repository, b);
  const RepoModel *shared = repo_scan_find(scan, "shared");
  assert_non_null(shared->error);
  assert_non_null(strstr(shared->error, "appears in more than one model repository"));
  assert_null(shared->config);
  repo_scan_free(scan);

  RepoScanOptions none = {0};
  assert_int_equal(repo_scan(&none, &scan, &error), -1);
  assert_string_equal(error, "no model repository given");
  free(error);
  ts_remove_tree(a);
  ts_remove_tree(b);
  free(a);
  free(b);
}

static void test_autocomplete_and_config_name(void **state) {
  (void)state;
  char *repo = ts_temp_dir();
  mkdir_at(repo, "add.identity/1");                  /* auto-completable by name */
  write_at(repo, "plain/1/weights.bin", "x");        /* backend undecidable */
  write_at(repo, "custom/config.pbtxt", PT_CONFIG);   /* configs/<name>.pbtxt wins */
  write_at(repo, "custom/configs/small.pbtxt", PT_CONFIG "max_batch_size: 1");
  mkdir_at(repo, "custom/1");
  write_at(repo, "fallback/config.pbtxt", PT_CONFIG);
  mkdir_at(repo, "fallback/1");

  const char *repos[] = {repo};
  RepoScanOptions opts = {.repositories = repos, .repository_count = 1, .auto_complete = true};
  RepoScan *scan = NULL;
  char *error = NULL;
  assert_int_equal(repo_scan(&opts, &scan, &error), 0);
  const RepoModel *identity = repo_scan_find(scan, "add.identity");
  assert_null(identity->error);
  assert_string_equal(identity->config->backend, "identity");
  assert_string_equal(identity->config->name, "add.identity");
  assert_non_null(strstr(repo_scan_find(scan, "plain")->error, "backend cannot be determined"));
  repo_scan_free(scan);

  opts.auto_complete = false;
  opts.config_name = "small";
  assert_int_equal(repo_scan(&opts, &scan, &error), 0);
  assert_non_null(strstr(repo_scan_find(scan, "add.identity")->error, "auto-complete is disabled"));
  const RepoModel *custom = repo_scan_find(scan, "custom");
  assert_non_null(custom->error); /* PT_CONFIG + second max_batch_size: singular twice */
  assert_non_null(strstr(custom->error, "configs/small.pbtxt:4:1: non-repeated field 'max_batch_size'"));
  assert_null(repo_scan_find(scan, "fallback")->error);
  repo_scan_free(scan);
  ts_remove_tree(repo);
  free(repo);
}

static void test_model_names(void **state) {
  (void)state;
  assert_true(repo_valid_model_name("resnet", 6));
  assert_true(repo_valid_model_name("add.identity", 12));
  assert_true(repo_valid_model_name("a.b-c_d", 7));
  assert_false(repo_valid_model_name("", 0));
  assert_false(repo_valid_model_name(".", 1));
  assert_false(repo_valid_model_name("..", 2));
  assert_false(repo_valid_model_name("a/b", 3));
  assert_false(repo_valid_model_name("a..b", 4));
  assert_false(repo_valid_model_name(".hidden", 7));
  assert_false(repo_valid_model_name("a\0b", 3));
  assert_false(repo_valid_model_name(NULL, 0));

  RepoModel model;
  RepoScanOptions opts = {0};
  repo_scan_model("/tmp", "../etc", &opts, &model);
  assert_string_equal(model.error, "invalid model name '../etc'");
  assert_null(model.config);
  repo_model_clear(&model);
}

/* Sets a file's mtime explicitly so a change is visible at any timestamp granularity. */
static void touch_at(const char *root, const char *relative, long seconds) {
  char *path = path_join(root, relative);
  struct timeval times[2] = {{seconds, 0}, {seconds, 0}};
  assert_int_equal(utimes(path, times), 0);
  free(path);
}

static void test_fingerprint(void **state) {
  (void)state;
  char *repo = ts_temp_dir();
  write_at(repo, "m/config.pbtxt", PT_CONFIG);
  write_at(repo, "m/labels.txt", "a\n");
  write_at(repo, "m/1/model.pt", "x");
  char *dir = path_join(repo, "m");
  ModelConfig *config = ts_parse_ok(PT_CONFIG);

  uint64_t base = repo_model_fingerprint(dir, config);
  assert_true(base == repo_model_fingerprint(dir, config)); /* stable */

  write_at(repo, "m/unrelated.txt", "not watched");
  assert_true(base == repo_model_fingerprint(dir, config));

  touch_at(repo, "m/labels.txt", 1000000);
  uint64_t after_label = repo_model_fingerprint(dir, config);
  assert_true(after_label != base);

  touch_at(repo, "m/1/model.pt", 2000000);
  uint64_t after_model = repo_model_fingerprint(dir, config);
  assert_true(after_model != after_label);

  mkdir_at(repo, "m/2");
  uint64_t after_version = repo_model_fingerprint(dir, config);
  assert_true(after_version != after_model);

  write_at(repo, "m/config.pbtxt", PT_CONFIG "# edited, longer\n");
  assert_true(repo_model_fingerprint(dir, config) != after_version);

  model_config_free(config);
  free(dir);
  ts_remove_tree(repo);
  free(repo);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scan_models),          cmocka_unit_test(test_policies),
      cmocka_unit_test(test_version_listing),      cmocka_unit_test(test_multiple_repositories),
      cmocka_unit_test(test_autocomplete_and_config_name), cmocka_unit_test(test_model_names),
      cmocka_unit_test(test_fingerprint),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
