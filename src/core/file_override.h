/* file_override.h — model files given with a load request (`file:<path>` load
 * parameters, TRITONSERVER_ServerLoadModelWithParameters; tritonclient's
 * load_model(files=...)), written into a private temporary repository so the model loads
 * from there as from any repository.
 *
 * Layout: mkdtemp("$TMPDIR/torchd-override-XXXXXX") (mode 0700, $TMPDIR default /tmp)
 * holds <model name>/<path> for every `file:<path>` parameter: the path is relative to
 * the model directory, as in Triton ("file:1/model.pt" → <repository>/<model>/1/model.pt).
 * Directories are created 0700 and files 0600, each opened O_CREAT|O_EXCL|O_NOFOLLOW
 * relative to its parent, so nothing outside the fresh directory is ever written.
 *
 * Paths are checked before anything is written (file_override_check_path): relative, no
 * empty, "." or ".." component, at most FILE_OVERRIDE_MAX_DEPTH components of at most 255
 * bytes, FILE_OVERRIDE_MAX_PATH bytes in all, no control characters. At most
 * FILE_OVERRIDE_MAX_FILES files. The model manager owns the repository once the load
 * succeeds and removes it when the model is unloaded or replaced, and at server exit. */
#ifndef TORCHD_CORE_FILE_OVERRIDE_H
#define TORCHD_CORE_FILE_OVERRIDE_H

#include <stddef.h>

#include "triton/core/tritonserver.h"

enum {
  FILE_OVERRIDE_MAX_PATH = 1024,
  FILE_OVERRIDE_MAX_DEPTH = 16,
  FILE_OVERRIDE_MAX_FILES = 4096,
};

/* Why `path` (the text after "file:") may not name a file in a model directory, or NULL
 * when it may. The message is malloc'd (caller frees) and does not repeat the path. */
char *file_override_check_path(const char *path);

/* Writes the `file:` parameters among `parameters` (every other parameter is skipped)
 * into a new temporary repository for `model_name` (a valid model directory name).
 * Returns NULL and the repository's path in *repository (malloc'd; the caller removes it
 * with file_override_remove and frees the string), or an INVALID_ARG error naming the
 * parameter (nothing is left on disk). */
TRITONSERVER_Error *file_override_create(const char *model_name,
                                         const TRITONSERVER_Parameter **parameters,
                                         size_t parameter_count, char **repository);

/* Removes a repository made by file_override_create and everything in it (without
 * following symbolic links). NULL is allowed. */
void file_override_remove(const char *repository);

#endif
