/*
 * repository.h — model repository scanning (§2.4 of triton-api.md), prefix `repo_`.
 *
 * What the core's repository manager needs from the file system, as data: which model
 * directories exist across one or more repositories, each model's parsed config (or why
 * it has none), its numeric version directories (with Triton's skip rules, warnings
 * returned rather than logged), which versions its version_policy selects, and a
 * fingerprint that changes whenever anything a reload depends on changes (so a poller
 * compares fingerprints instead of re-parsing).
 *
 * Errors are per model: one broken model never stops the scan of the others. Model names
 * never escape a repository: names with "..", "/" or a NUL are rejected.
 *
 * Memory: every struct returned here is owned by the caller and released with the
 * matching repo_*_free function. Nothing here logs.
 */
#ifndef TORCHD_REPOSITORY_H
#define TORCHD_REPOSITORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A list of messages (warnings). Strings owned by the list. */
typedef struct RepoMessages {
  char **items;
  size_t count;
} RepoMessages;

typedef struct RepoScanOptions {
  const char *const *repositories; /* repository paths, searched in order */
  size_t repository_count;
  /* --model-config-name: read configs/<name>.pbtxt when it exists, else config.pbtxt.
   * NULL or "" means config.pbtxt only. */
  const char *config_name;
  /* When a model has no config file: true lets a model whose backend can complete its
   * own config load with a minimal config (§2.2); a PyTorch model (model.pt) can never
   * be completed this way and is always reported. */
  bool auto_complete;
} RepoScanOptions;

/* One model as found on disk. */
typedef struct RepoModel {
  char *name;        /* directory name == model name */
  char *repository;  /* the repository path it was found in */
  char *path;        /* <repository>/<name> */
  /* The parsed config with the backend fields auto-completed and a default version
   * policy (model_config_autocomplete_backend + version policy default), NOT fully
   * normalized: the core finishes that once it knows the backend's preferred groups.
   * NULL when `error` is set. */
  ModelConfig *config;
  /* Why this model cannot be loaded (bad config, duplicate name, no versions...), or
   * NULL. */
  char *error;
  RepoMessages warnings;   /* skipped version directories, missing specific versions */
  int64_t *versions;       /* every valid numeric version directory, ascending */
  size_t version_count;
  int64_t *versions_to_load; /* the subset chosen by version_policy, ascending */
  size_t versions_to_load_count;
  uint64_t fingerprint;    /* see repo_model_fingerprint */
} RepoModel;

typedef struct RepoScan {
  RepoModel *models; /* sorted by name */
  size_t model_count;
  RepoMessages warnings; /* repository-level problems (unreadable repository path...) */
} RepoScan;

/* Scans every repository. Returns 0 and *out (free with repo_scan_free); -1 with *error
 * only when the scan cannot run at all (no repositories given). Unreadable repositories
 * are reported in (*out)->warnings; per-model problems in each RepoModel's error. A
 * model name found in two repositories is an error for that model (both entries are
 * collapsed into one RepoModel carrying the error). */
int repo_scan(const RepoScanOptions *opts, RepoScan **out, char **error);
void repo_scan_free(RepoScan *scan);

/* Finds a model by name in a scan, or NULL. Borrowed. */
const RepoModel *repo_scan_find(const RepoScan *scan, const char *name);

/* Scans one model directory (as repo_scan does for each). `name` must be a valid model
 * name (repo_valid_model_name). Fills *out (caller frees with repo_model_clear). */
void repo_scan_model(const char *repository, const char *name, const RepoScanOptions *opts,
                     RepoModel *out);
void repo_model_clear(RepoModel *model);

/* model_config_autocomplete_backend with the entries of `model_dir`'s lowest-sorted
 * subdirectory (what repo_scan_model uses), for a config that does not come from the
 * directory's config file (a load request's config override). */
void repo_autocomplete_backend(ModelConfig *config, const char *model_dir,
                               const char *model_name);

/* True if `name` is usable as a model directory name: non-empty, no ".." anywhere, no
 * '/', no NUL within `len` bytes, no leading '.' (hidden entries are not models). */
bool repo_valid_model_name(const char *name, size_t len);

/* Lists numeric version directories of `model_dir` (§2.4): all-digit names; more than
 * one character with a leading '0' is skipped with a warning; "warmup", "initial_state",
 * "configs" are skipped silently; other names are skipped with a warning. Files are
 * ignored. Returns 0 with *versions (ascending, caller frees) or -1 with *error when the
 * directory cannot be read. Warnings are appended to `warnings` (may be NULL). */
int repo_list_versions(const char *model_dir, const char *model_name, int64_t **versions,
                       size_t *count, RepoMessages *warnings, char **error);

/* Applies a version policy (absent → latest{1}) to the available versions (ascending).
 * Returns 0 with *selected (ascending; caller frees; may be empty → NULL/0) or -1 with
 * *error "at least one version must be available under the version policy of model
 * 'm'" when nothing is selected. Missing specific versions are warnings. */
int repo_select_versions(const ModelConfig *config, const char *model_name,
                         const int64_t *available, size_t available_count, int64_t **selected,
                         size_t *selected_count, RepoMessages *warnings, char **error);

/* A hash of the names, sizes and mtimes of: the config file(s), the label files named by
 * the config's outputs, every version directory and the entries directly inside it.
 * Changes when any of them is added, removed or modified. `config` may be NULL. */
uint64_t repo_model_fingerprint(const char *model_dir, const ModelConfig *config);

/* Appends a copy of `message` to `list`. */
void repo_messages_add(RepoMessages *list, const char *message);
void repo_messages_clear(RepoMessages *list);

#ifdef __cplusplus
}
#endif

#endif /* TORCHD_REPOSITORY_H */
