/*
 * repository_versions.c — version directories of one model and the version policy
 * (triton-api.md §2.4): which subdirectories are versions, which the policy selects, and
 * the warnings Triton would log, returned as data.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config_alloc.h"
#include "repository.h"

void repo_messages_add(RepoMessages *list, const char *message) {
  list->items = cfg_realloc(list->items, (list->count + 1) * sizeof *list->items);
  list->items[list->count++] = cfg_strdup(message);
}

void repo_messages_clear(RepoMessages *list) {
  for (size_t i = 0; i < list->count; i++) {
    free(list->items[i]);
  }
  free(list->items);
  list->items = NULL;
  list->count = 0;
}

static void warn(RepoMessages *warnings, char *message) {
  if (warnings != NULL) {
    repo_messages_add(warnings, message);
  }
  free(message);
}

static int compare_int64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a;
  int64_t y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* Parses an all-digit name into a version number; false if not all digits or too big. */
static bool parse_version(const char *name, int64_t *version) {
  if (name[0] == '\0') {
    return false;
  }
  int64_t v = 0;
  for (const char *c = name; *c; c++) {
    if (*c < '0' || *c > '9') {
      return false;
    }
    int d = *c - '0';
    if (v > (INT64_MAX - d) / 10) {
      return false;
    }
    v = v * 10 + d;
  }
  *version = v;
  return true;
}

int repo_list_versions(const char *model_dir, const char *model_name, int64_t **versions,
                       size_t *count, RepoMessages *warnings, char **error) {
  *versions = NULL;
  *count = 0;
  DIR *dir = opendir(model_dir);
  if (dir == NULL) {
    if (error != NULL) {
      *error = cfg_printf("failed to open model directory '%s' of model '%s'", model_dir,
                          model_name);
    }
    return -1;
  }
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    const char *name = entry->d_name;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
      continue;
    }
    char *path = cfg_printf("%s/%s", model_dir, name);
    struct stat st;
    bool is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    free(path);
    if (!is_dir || strcmp(name, "warmup") == 0 || strcmp(name, "initial_state") == 0 ||
        strcmp(name, "configs") == 0) {
      continue;
    }
    int64_t version;
    if (strlen(name) > 1 && name[0] == '0' && parse_version(name, &version)) {
      warn(warnings, cfg_printf("failed to convert version name '%s' of model '%s' to positive "
                                "integer, version names can not contain leading zero",
                                name, model_name));
      continue;
    }
    if (!parse_version(name, &version)) {
      warn(warnings, cfg_printf("skipping version '%s' of model '%s': failed to convert "
                                "version name to integer",
                                name, model_name));
      continue;
    }
    *versions = cfg_realloc(*versions, (*count + 1) * sizeof **versions);
    (*versions)[(*count)++] = version;
  }
  closedir(dir);
  if (*count > 1) {
    qsort(*versions, *count, sizeof **versions, compare_int64);
  }
  return 0;
}

static bool contains(const int64_t *items, size_t count, int64_t value) {
  for (size_t i = 0; i < count; i++) {
    if (items[i] == value) {
      return true;
    }
  }
  return false;
}

int repo_select_versions(const ModelConfig *config, const char *model_name,
                         const int64_t *available, size_t available_count, int64_t **selected,
                         size_t *selected_count, RepoMessages *warnings, char **error) {
  *selected = NULL;
  *selected_count = 0;
  const ModelVersionPolicy *policy = config != NULL && config->has_version_policy
                                         ? &config->version_policy
                                         : NULL;
  int64_t *out = cfg_calloc(available_count ? available_count : 1, sizeof *out);
  size_t n = 0;
  if (policy != NULL && policy->has_all) {
    for (size_t i = 0; i < available_count; i++) {
      out[i] = available[i];
    }
    n = available_count;
  } else if (policy != NULL && policy->has_specific) {
    const ModelInt64List *wanted = &policy->specific.versions;
    for (size_t i = 0; i < available_count; i++) {
      if (contains(wanted->items, wanted->count, available[i])) {
        out[n++] = available[i];
      }
    }
    for (size_t i = 0; i < wanted->count; i++) {
      if (!contains(available, available_count, wanted->items[i])) {
        warn(warnings, cfg_printf("version %" PRId64 " is specified for model '%s', but the "
                                  "version directory is not present",
                                  wanted->items[i], model_name));
      }
    }
  } else {
    uint32_t latest = policy != NULL && policy->has_latest ? policy->latest.num_versions : 1;
    size_t keep = latest < available_count ? latest : available_count;
    for (size_t i = 0; i < keep; i++) {
      out[i] = available[available_count - keep + i];
    }
    n = keep;
  }
  if (n == 0) {
    free(out);
    if (error != NULL) {
      *error = cfg_printf("at least one version must be available under the version policy "
                          "of model '%s'",
                          model_name);
    }
    return -1;
  }
  *selected = out;
  *selected_count = n;
  return 0;
}
