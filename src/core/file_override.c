/* file_override.c — `file:<path>` load parameters into a private temporary repository
 * (see file_override.h). */
#include "file_override.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core_util.h"
#include "parameter.h"

char *file_override_check_path(const char *path)
{
  size_t len = strlen(path);
  if (len == 0)
    return strdup("the file path after 'file:' is empty");
  if (len > FILE_OVERRIDE_MAX_PATH)
    return util_strdupf("the file path is %zu bytes long; at most %d are allowed", len,
                        (int)FILE_OVERRIDE_MAX_PATH);
  if (path[0] == '/')
    return strdup("the file path must be relative to the model directory, not absolute");
  size_t depth = 0;
  for (const char *component = path;;) {
    const char *slash = strchr(component, '/');
    size_t n = slash ? (size_t)(slash - component) : strlen(component);
    if (n == 0)
      return strdup("the file path has an empty component ('//' or a trailing '/')");
    if ((n == 1 && component[0] == '.') || (n == 2 && component[0] == '.' && component[1] == '.'))
      return strdup("the file path may not contain '.' or '..' components");
    if (n > 255)
      return strdup("a component of the file path is longer than 255 bytes");
    if (++depth > FILE_OVERRIDE_MAX_DEPTH)
      return util_strdupf("the file path is more than %d components deep",
                          (int)FILE_OVERRIDE_MAX_DEPTH);
    for (size_t i = 0; i < n; i++) {
      unsigned char c = (unsigned char)component[i];
      if (c < 0x20 || c == 0x7f)
        return strdup("the file path contains a control character");
    }
    if (!slash)
      return NULL;
    component = slash + 1;
  }
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  (void)st;
  (void)ftw;
  if (type == FTW_DP)
    rmdir(path);
  else
    unlink(path);
  return 0;
}

void file_override_remove(const char *repository)
{
  if (repository && repository[0])
    nftw(repository, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static TRITONSERVER_Error *bad_file(const char *parameter, const char *why)
{
  return util_errorf(TRITONSERVER_ERROR_INVALID_ARG, "invalid load parameter '%s': %s",
                     parameter, why);
}

/* Writes all of `data` to `fd`. */
static int write_all(int fd, const char *data, size_t size)
{
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    data += n;
    size -= (size_t)n;
  }
  return 0;
}

/* Creates <model_fd>/<path> (checked) with the parameter's bytes. */
static TRITONSERVER_Error *write_file(int model_fd, const TRITONSERVER_Parameter *p,
                                      const char *path)
{
  int dir_fd = dup(model_fd);
  if (dir_fd < 0)
    return bad_file(p->name, strerror(errno));
  TRITONSERVER_Error *err = NULL;
  const char *component = path;
  char name[256];
  for (;;) {
    const char *slash = strchr(component, '/');
    size_t n = slash ? (size_t)(slash - component) : strlen(component);
    memcpy(name, component, n);
    name[n] = '\0';
    if (!slash)
      break;
    if (mkdirat(dir_fd, name, 0700) != 0 && errno != EEXIST) {
      err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                        "invalid load parameter '%s': cannot create directory '%s': %s", p->name,
                        name, strerror(errno));
      break;
    }
    int next = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0) {
      err = util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                        "invalid load parameter '%s': '%s' is already a file, it cannot also be "
                        "a directory",
                        p->name, name);
      break;
    }
    close(dir_fd);
    dir_fd = next;
    component = slash + 1;
  }
  if (!err) {
    int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      err = errno == EEXIST
                ? util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                              "invalid load parameter '%s': the path is given twice, or is "
                              "also the directory of another file",
                              p->name)
                : util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                              "invalid load parameter '%s': cannot create the file: %s", p->name,
                              strerror(errno));
    } else {
      const void *base = p->value.bytes_value.base;
      uint64_t size = p->value.bytes_value.byte_size;
      if ((size > 0 && base == NULL) || write_all(fd, base, (size_t)size) != 0)
        err = util_errorf(TRITONSERVER_ERROR_INTERNAL,
                          "load parameter '%s': writing the file failed: %s", p->name,
                          base == NULL ? "no data" : strerror(errno));
      if (close(fd) != 0 && !err)
        err = util_errorf(TRITONSERVER_ERROR_INTERNAL,
                          "load parameter '%s': writing the file failed: %s", p->name,
                          strerror(errno));
    }
  }
  close(dir_fd);
  return err;
}

TRITONSERVER_Error *file_override_create(const char *model_name,
                                         const TRITONSERVER_Parameter **parameters,
                                         size_t parameter_count, char **repository)
{
  *repository = NULL;
  /* Check everything before writing anything. */
  size_t files = 0;
  for (size_t i = 0; i < parameter_count; i++) {
    const TRITONSERVER_Parameter *p = parameters[i];
    if (strncmp(p->name, "file:", 5) != 0)
      continue;
    if (p->type != TRITONSERVER_PARAMETER_BYTES)
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                         "File parameter '%s' must have bytes type for its value", p->name);
    char *why = file_override_check_path(p->name + 5);
    if (why) {
      TRITONSERVER_Error *err = bad_file(p->name, why);
      free(why);
      return err;
    }
    if (++files > FILE_OVERRIDE_MAX_FILES)
      return util_errorf(TRITONSERVER_ERROR_INVALID_ARG,
                         "too many 'file:' load parameters: at most %d are allowed",
                         (int)FILE_OVERRIDE_MAX_FILES);
  }
  const char *tmp = getenv("TMPDIR");
  char *dir = util_strdupf("%s/torchd-override-XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
  if (!dir)
    return util_errorf(TRITONSERVER_ERROR_INTERNAL, "out of memory");
  if (!mkdtemp(dir)) {
    TRITONSERVER_Error *err =
        util_errorf(TRITONSERVER_ERROR_INTERNAL,
                    "failed to create a temporary repository for the files of model '%s': %s",
                    model_name, strerror(errno));
    free(dir);
    return err;
  }
  TRITONSERVER_Error *err = NULL;
  int root_fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  int model_fd = -1;
  if (root_fd < 0 || mkdirat(root_fd, model_name, 0700) != 0 ||
      (model_fd = openat(root_fd, model_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
    err = util_errorf(TRITONSERVER_ERROR_INTERNAL,
                      "failed to create the temporary model directory of '%s': %s", model_name,
                      strerror(errno));
  for (size_t i = 0; !err && i < parameter_count; i++) {
    const TRITONSERVER_Parameter *p = parameters[i];
    if (strncmp(p->name, "file:", 5) == 0)
      err = write_file(model_fd, p, p->name + 5);
  }
  if (model_fd >= 0)
    close(model_fd);
  if (root_fd >= 0)
    close(root_fd);
  if (err) {
    file_override_remove(dir);
    free(dir);
    return err;
  }
  *repository = dir;
  return NULL;
}
