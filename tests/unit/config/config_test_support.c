/*
 * config_test_support.c — file, directory and parsing helpers for the config unit tests.
 */
#include "config_test_support.h"

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

char *ts_read_file(const char *path, size_t *len) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    return NULL;
  }
  size_t cap = 4096, n = 0;
  char *data = malloc(cap);
  size_t got;
  while ((got = fread(data + n, 1, cap - n - 1, file)) > 0) {
    n += got;
    if (cap - n - 1 == 0) {
      cap *= 2;
      data = realloc(data, cap);
    }
  }
  fclose(file);
  data[n] = '\0';
  if (len != NULL) {
    *len = n;
  }
  return data;
}

void ts_mkdirs(const char *path) {
  char *copy = strdup(path);
  for (char *p = copy + 1; *p; p++) {
    if (*p == '/') {
      *p = '\0';
      mkdir(copy, 0755);
      *p = '/';
    }
  }
  int rc = mkdir(copy, 0755);
  assert_true(rc == 0 || errno == EEXIST);
  free(copy);
}

void ts_write_file(const char *path, const char *text) {
  char *dir = strdup(path);
  char *slash = strrchr(dir, '/');
  if (slash != NULL && slash != dir) {
    *slash = '\0';
    ts_mkdirs(dir);
  }
  free(dir);
  FILE *file = fopen(path, "wb");
  assert_non_null(file);
  assert_int_equal(fwrite(text, 1, strlen(text), file), strlen(text));
  fclose(file);
}

char *ts_temp_dir(void) {
  char *path = strdup("/tmp/torchd_config_test_XXXXXX");
  assert_non_null(mkdtemp(path));
  return path;
}

void ts_remove_tree(const char *path) {
  DIR *dir = opendir(path);
  if (dir != NULL) {
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
      if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) {
        continue;
      }
      size_t len = strlen(path) + strlen(entry->d_name) + 2;
      char *child = malloc(len);
      snprintf(child, len, "%s/%s", path, entry->d_name);
      struct stat st;
      if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode)) {
        ts_remove_tree(child);
      } else {
        unlink(child);
      }
      free(child);
    }
    closedir(dir);
  }
  rmdir(path);
}

ModelConfig *ts_parse_ok(const char *text) {
  ModelConfig *config = NULL;
  char *error = NULL;
  int rc = model_config_parse(text, strlen(text), "config.pbtxt", &config, &error);
  if (rc != 0) {
    fail_msg("unexpected parse error: %s\n--- input ---\n%s", error, text);
  }
  assert_non_null(config);
  return config;
}

char *ts_parse_error(const char *text) {
  ModelConfig *config = NULL;
  char *error = NULL;
  int rc = model_config_parse(text, strlen(text), "config.pbtxt", &config, &error);
  if (rc == 0) {
    fail_msg("expected a parse error for:\n%s", text);
  }
  assert_null(config);
  assert_non_null(error);
  return error;
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t ts_list_files(const char *dir_path, const char *suffix, char ***names) {
  *names = NULL;
  size_t count = 0;
  DIR *dir = opendir(dir_path);
  assert_non_null(dir);
  struct dirent *entry;
  size_t suffix_len = strlen(suffix);
  while ((entry = readdir(dir)) != NULL) {
    size_t len = strlen(entry->d_name);
    if (len > suffix_len && strcmp(entry->d_name + len - suffix_len, suffix) == 0) {
      *names = realloc(*names, (count + 1) * sizeof **names);
      (*names)[count++] = strdup(entry->d_name);
    }
  }
  closedir(dir);
  if (count > 1) {
    qsort(*names, count, sizeof **names, compare_names);
  }
  return count;
}
