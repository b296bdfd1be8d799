/*
 * repository.c — scanning model repositories (triton-api.md §2.4): model directories
 * across repositories, each model's config file (parsed, backend fields auto-completed),
 * version directories and the versions its policy selects, and a change fingerprint.
 * Each model's problems stay with that model (RepoModel.error); the scan goes on.
 */
#include "repository.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config_alloc.h"

/* Config files larger than this are refused (a config is a few KiB). */
#define MAX_CONFIG_BYTES (16u * 1024u * 1024u)

bool repo_valid_model_name(const char *name, size_t len) {
  if (name == NULL || len == 0 || name[0] == '.') {
    return false; /* empty, ".", "..", hidden */
  }
  for (size_t i = 0; i < len; i++) {
    if (name[i] == '/' || name[i] == '\0') {
      return false;
    }
  }
  /* No ".." anywhere: the name is joined to a repository path. */
  for (size_t i = 0; i + 1 < len; i++) {
    if (name[i] == '.' && name[i + 1] == '.') {
      return false;
    }
  }
  return true;
}

static bool is_directory(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Reads a whole file. Returns 0 and *data (caller frees; NUL-terminated) or -1 with
 * *error. */
static int read_file(const char *path, char **data, size_t *len, char **error) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    *error = cfg_printf("failed to open '%s': %s", path, strerror(errno));
    return -1;
  }
  ConfigBuf buf = {0};
  char chunk[8192];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, file)) > 0) {
    cfgbuf_append(&buf, chunk, n);
    if (buf.len > MAX_CONFIG_BYTES) {
      fclose(file);
      cfgbuf_free(&buf);
      *error = cfg_printf("'%s' is larger than %u bytes; not a model configuration", path,
                          MAX_CONFIG_BYTES);
      return -1;
    }
  }
  bool failed = ferror(file) != 0;
  fclose(file);
  if (failed) {
    cfgbuf_free(&buf);
    *error = cfg_printf("failed to read '%s'", path);
    return -1;
  }
  *len = buf.len;
  *data = cfgbuf_take(&buf);
  return 0;
}

/* Sorted names of the entries of `dir_path` (no "." / ".."), with directory flags.
 * Returns the count; the names and dirs arrays are owned by the caller (free each name, then arrays). */
static size_t list_entries(const char *dir_path, char ***names, bool **dirs) {
  *names = NULL;
  *dirs = NULL;
  DIR *dir = opendir(dir_path);
  if (dir == NULL) {
    return 0;
  }
  size_t count = 0;
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) {
      continue;
    }
    *names = cfg_realloc(*names, (count + 1) * sizeof **names);
    (*names)[count++] = cfg_strdup(entry->d_name);
  }
  closedir(dir);
  /* insertion sort: directories hold few entries */
  for (size_t i = 1; i < count; i++) {
    char *name = (*names)[i];
    size_t k = i;
    while (k > 0 && strcmp((*names)[k - 1], name) > 0) {
      (*names)[k] = (*names)[k - 1];
      k--;
    }
    (*names)[k] = name;
  }
  *dirs = cfg_calloc(count, sizeof **dirs);
  for (size_t i = 0; i < count; i++) {
    char *path = cfg_printf("%s/%s", dir_path, (*names)[i]);
    (*dirs)[i] = is_directory(path);
    free(path);
  }
  return count;
}

static void free_entries(char **names, bool *dirs, size_t count) {
  for (size_t i = 0; i < count; i++) {
    free(names[i]);
  }
  free(names);
  free(dirs);
}

/* ---- fingerprint ------------------------------------------------------------------- */

static void hash_bytes(uint64_t *hash, const void *data, size_t len) {
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++) {
    *hash ^= p[i];
    *hash *= 1099511628211ull; /* FNV-1a 64 */
  }
}

/* Mixes a path's name, existence, size and mtime into the hash. */
static void hash_stat(uint64_t *hash, const char *label, const char *path) {
  hash_bytes(hash, label, strlen(label) + 1);
  struct stat st;
  if (stat(path, &st) != 0) {
    hash_bytes(hash, "-", 1);
    return;
  }
  int64_t facts[4] = {(int64_t)st.st_size, (int64_t)st.st_mtim.tv_sec,
                      (int64_t)st.st_mtim.tv_nsec, (int64_t)st.st_mode};
  hash_bytes(hash, facts, sizeof facts);
}

uint64_t repo_model_fingerprint(const char *model_dir, const ModelConfig *config) {
  uint64_t hash = 14695981039346656037ull;
  char *path = cfg_printf("%s/config.pbtxt", model_dir);
  hash_stat(&hash, "config.pbtxt", path);
  free(path);
  for (size_t i = 0; config != NULL && i < config->output.count; i++) {
    const char *label = config->output.items[i].label_filename;
    if (label[0] != '\0') {
      path = cfg_printf("%s/%s", model_dir, label);
      hash_stat(&hash, label, path);
      free(path);
    }
  }
  char **names;
  bool *dirs;
  size_t count = list_entries(model_dir, &names, &dirs);
  for (size_t i = 0; i < count; i++) {
    if (!dirs[i]) {
      continue;
    }
    char *sub = cfg_printf("%s/%s", model_dir, names[i]);
    hash_stat(&hash, names[i], sub);
    char **inner;
    bool *inner_dirs;
    size_t inner_count = list_entries(sub, &inner, &inner_dirs);
    for (size_t k = 0; k < inner_count; k++) {
      char *file = cfg_printf("%s/%s", sub, inner[k]);
      hash_stat(&hash, inner[k], file);
      free(file);
    }
    free_entries(inner, inner_dirs, inner_count);
    free(sub);
  }
  free_entries(names, dirs, count);
  return hash;
}

/* ---- one model ------------------------------------------------------------------------ */

void repo_model_clear(RepoModel *model) {
  free(model->name);
  free(model->repository);
  free(model->path);
  model_config_free(model->config);
  free(model->error);
  repo_messages_clear(&model->warnings);
  free(model->versions);
  free(model->versions_to_load);
  memset(model, 0, sizeof *model);
}

/* Sets the model's error (takes ownership of `error`) and drops its config. */
static void set_error(RepoModel *model, char *error) {
  free(model->error);
  model->error = error;
  model_config_free(model->config);
  model->config = NULL;
}

/* Picks the config file: configs/<config_name>.pbtxt when given and present, else
 * config.pbtxt. Returns a new path (caller frees). */
static char *config_path(const char *model_dir, const RepoScanOptions *opts) {
  if (opts != NULL && opts->config_name != NULL && opts->config_name[0] != '\0') {
    char *custom = cfg_printf("%s/configs/%s.pbtxt", model_dir, opts->config_name);
    if (is_file(custom)) {
      return custom;
    }
    free(custom);
  }
  return cfg_printf("%s/config.pbtxt", model_dir);
}

/* Entries of a model directory's lowest-sorted subdirectory, for backend detection (as
 * Triton does). */
typedef struct LowestEntries {
  char **names, **version_names;
  bool *dirs, *version_dirs;
  size_t name_count, version_count;
  ModelDirEntry *entries; /* `count` of them, borrowing version_names */
  size_t count;
} LowestEntries;

static void lowest_entries_read(const char *model_dir, LowestEntries *out) {
  memset(out, 0, sizeof *out);
  out->name_count = list_entries(model_dir, &out->names, &out->dirs);
  for (size_t i = 0; i < out->name_count; i++) {
    if (out->dirs[i]) {
      char *sub = cfg_printf("%s/%s", model_dir, out->names[i]);
      out->version_count = list_entries(sub, &out->version_names, &out->version_dirs);
      free(sub);
      break;
    }
  }
  out->entries = cfg_calloc(out->version_count, sizeof *out->entries);
  for (size_t i = 0; i < out->version_count; i++) {
    out->entries[i].name = out->version_names[i];
    out->entries[i].is_dir = out->version_dirs[i];
  }
  out->count = out->version_count;
}

static void lowest_entries_free(LowestEntries *e) {
  free(e->entries);
  free_entries(e->version_names, e->version_dirs, e->version_count);
  free_entries(e->names, e->dirs, e->name_count);
  memset(e, 0, sizeof *e);
}

void repo_autocomplete_backend(ModelConfig *config, const char *model_dir,
                               const char *model_name) {
  LowestEntries lowest;
  lowest_entries_read(model_dir, &lowest);
  ModelNormalizeOptions normalize = {.model_name = model_name,
                                     .version_entries = lowest.entries,
                                     .version_entry_count = lowest.count};
  model_config_autocomplete_backend(config, &normalize);
  lowest_entries_free(&lowest);
}

/* Builds the config of a model without a config file, or sets the model's error. */
static void config_without_file(RepoModel *model, const char *file, const RepoScanOptions *opts,
                                const ModelNormalizeOptions *normalize) {
  bool is_pytorch = false;
  for (size_t i = 0; i < normalize->version_entry_count; i++) {
    if (strcmp(normalize->version_entries[i].name, "model.pt") == 0 &&
        !normalize->version_entries[i].is_dir) {
      is_pytorch = true;
    }
  }
  if (is_pytorch) {
    set_error(model, cfg_printf("model '%s' has no configuration file '%s': a PyTorch model "
                                "(model.pt) cannot be auto-completed, its inputs and outputs "
                                "must be given in config.pbtxt",
                                model->name, file));
    return;
  }
  if (opts == NULL || !opts->auto_complete) {
    set_error(model, cfg_printf("model '%s' has no configuration file '%s' and auto-complete "
                                "is disabled",
                                model->name, file));
    return;
  }
  model->config = model_config_new();
  model_config_autocomplete_backend(model->config, normalize);
  if (model->config->backend[0] == '\0') {
    set_error(model, cfg_printf("model '%s' has no configuration file '%s' and its backend "
                                "cannot be determined from its files or name",
                                model->name, file));
  }
}

void repo_scan_model(const char *repository, const char *name, const RepoScanOptions *opts,
                     RepoModel *out) {
  memset(out, 0, sizeof *out);
  out->name = cfg_strdup(name);
  out->repository = cfg_strdup(repository);
  out->path = cfg_printf("%s/%s", repository, name);
  if (!repo_valid_model_name(name, strlen(name))) {
    set_error(out, cfg_printf("invalid model name '%s'", name));
    return;
  }
  char *error = NULL;
  if (repo_list_versions(out->path, name, &out->versions, &out->version_count, &out->warnings,
                         &error) != 0) {
    set_error(out, error);
    return;
  }

  LowestEntries lowest;
  lowest_entries_read(out->path, &lowest);
  ModelNormalizeOptions normalize = {.model_name = name,
                                     .version_entries = lowest.entries,
                                     .version_entry_count = lowest.count};

  char *file = config_path(out->path, opts);
  if (!is_file(file)) {
    config_without_file(out, file, opts, &normalize);
  } else {
    char *text = NULL;
    size_t len = 0;
    if (read_file(file, &text, &len, &error) != 0) {
      set_error(out, error);
    } else if (model_config_parse(text, len, file, &out->config, &error) != 0) {
      set_error(out, error);
    } else {
      model_config_autocomplete_backend(out->config, &normalize);
    }
    free(text);
  }
  free(file);
  lowest_entries_free(&lowest);
  if (out->error != NULL) {
    out->fingerprint = repo_model_fingerprint(out->path, NULL);
    return;
  }

  ModelConfig *config = out->config;
  if (strcmp(config->name, name) != 0) {
    set_error(out, cfg_printf("unexpected directory name '%s' for model '%s', directory name "
                              "must equal model name",
                              name, config->name));
    out->fingerprint = repo_model_fingerprint(out->path, NULL);
    return;
  }
  if (!config->has_version_policy) {
    config->has_version_policy = true;
    config->version_policy.has_latest = true;
    config->version_policy.latest.num_versions = 1;
  }
  if (repo_select_versions(config, name, out->versions, out->version_count,
                           &out->versions_to_load, &out->versions_to_load_count, &out->warnings,
                           &error) != 0) {
    set_error(out, error); /* frees the config */
  }
  out->fingerprint = repo_model_fingerprint(out->path, out->config);
}

/* ---- whole repositories --------------------------------------------------------------- */

typedef struct Found {
  char *name;
  const char *repository;
} Found;

static int compare_found(const void *a, const void *b) {
  return strcmp(((const Found *)a)->name, ((const Found *)b)->name);
}

int repo_scan(const RepoScanOptions *opts, RepoScan **out, char **error) {
  *out = NULL;
  if (opts == NULL || opts->repository_count == 0) {
    if (error != NULL) {
      *error = cfg_strdup("no model repository given");
    }
    return -1;
  }
  RepoScan *scan = cfg_calloc(1, sizeof *scan);
  Found *found = NULL;
  size_t found_count = 0;
  for (size_t r = 0; r < opts->repository_count; r++) {
    const char *repository = opts->repositories[r];
    if (!is_directory(repository)) {
      char *message = cfg_printf("failed to open model repository '%s'", repository);
      repo_messages_add(&scan->warnings, message);
      free(message);
      continue;
    }
    char **names;
    bool *dirs;
    size_t count = list_entries(repository, &names, &dirs);
    for (size_t i = 0; i < count; i++) {
      if (!dirs[i] || !repo_valid_model_name(names[i], strlen(names[i]))) {
        continue; /* files and hidden entries are not models */
      }
      found = cfg_realloc(found, (found_count + 1) * sizeof *found);
      found[found_count].name = names[i];
      found[found_count].repository = repository;
      found_count++;
      names[i] = NULL;
    }
    free_entries(names, dirs, count);
  }
  /* Stable order by name; the first repository wins for a duplicate's RepoModel. */
  for (size_t i = 1; i < found_count; i++) {
    Found item = found[i];
    size_t k = i;
    while (k > 0 && compare_found(&found[k - 1], &item) > 0) {
      found[k] = found[k - 1];
      k--;
    }
    found[k] = item;
  }
  scan->models = cfg_calloc(found_count, sizeof *scan->models);
  for (size_t i = 0; i < found_count;) {
    size_t dup_end = i + 1;
    while (dup_end < found_count && strcmp(found[dup_end].name, found[i].name) == 0) {
      dup_end++;
    }
    RepoModel *model = &scan->models[scan->model_count++];
    repo_scan_model(found[i].repository, found[i].name, opts, model);
    if (dup_end - i > 1) {
      set_error(model, cfg_printf("model '%s' appears in more than one model repository "
                                  "('%s' and '%s'); model names must be unique",
                                  found[i].name, found[i].repository,
                                  found[i + 1].repository));
    }
    for (size_t k = i; k < dup_end; k++) {
      free(found[k].name);
    }
    i = dup_end;
  }
  free(found);
  *out = scan;
  return 0;
}

void repo_scan_free(RepoScan *scan) {
  if (scan == NULL) {
    return;
  }
  for (size_t i = 0; i < scan->model_count; i++) {
    repo_model_clear(&scan->models[i]);
  }
  free(scan->models);
  repo_messages_clear(&scan->warnings);
  free(scan);
}

const RepoModel *repo_scan_find(const RepoScan *scan, const char *name) {
  for (size_t i = 0; scan != NULL && i < scan->model_count; i++) {
    if (strcmp(scan->models[i].name, name) == 0) {
      return &scan->models[i];
    }
  }
  return NULL;
}
